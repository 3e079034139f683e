"""The fast hex-string reader reads what pyHanko's own reads, ends where it ends, and fails where it fails."""

from __future__ import annotations

from io import BytesIO

from hypothesis import given, settings
from hypothesis import strategies as st
from pyhanko.pdf_utils.misc import PdfError

from gateway.intake import pyhanko_speedups

PIECES = st.sampled_from([b"0", b"7", b"a", b"F", b"e3", b" ", b"\n", b"\r\n", b"\x00", b"\x0c", b"\t", b">",
                          b"% a comment\n", b"g", b"<", b")", b"\xff"])


def outcome(read, data: bytes):  # type: ignore[no-untyped-def]
    stream = BytesIO(data)
    try:
        value = read(stream)
    except PdfError as exc:
        return ("error", type(exc).__name__)
    return (bytes(value.original_bytes), type(value).__name__, stream.tell())


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=40), st.binary(max_size=8))
def test_same_as_pyhankos_reader(pieces: list[bytes], tail: bytes) -> None:
    data = b"<" + b"".join(pieces) + tail
    assert outcome(pyhanko_speedups.read_hex_string, data) == outcome(pyhanko_speedups._ORIGINAL, data)


def test_a_signatures_contents_across_chunks() -> None:
    """A /Contents longer than one read, with line breaks, as signing tools write it."""
    der = bytes(range(256)) * 200
    hexed = der.hex().encode()
    body = b"\n".join(hexed[i:i + 64] for i in range(0, len(hexed), 64))
    data = b"<" + body + b">/Type/Sig"
    stream = BytesIO(data)
    assert bytes(pyhanko_speedups.read_hex_string(stream).original_bytes) == der
    assert stream.read() == b"/Type/Sig"


def test_signer_found_as_pyhanko_finds_it(world) -> None:  # type: ignore[no-untyped-def]
    """Every certificate a signature carries, against its signer's identifier: the same answer as
    pyHanko's own comparison; and the signature still validates with the speedups in place."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    from gateway.intake.signatures import SignatureValidator, TrustStore

    pdf = world.signed(pdf=world.document())
    signature = PdfFileReader(BytesIO(pdf)).embedded_signatures[0]
    signed_data = signature.signed_data
    sid = signed_data["signer_infos"][0]["sid"].chosen
    certs = [c.chosen for c in signed_data["certificates"]]
    assert len(certs) >= 2
    assert [pyhanko_speedups.match_issuer_serial(sid, c) for c in certs] == \
        [pyhanko_speedups._MATCH_ISSUER_SERIAL(sid, c) for c in certs]
    assert sum(pyhanko_speedups.match_issuer_serial(sid, c) for c in certs) == 1
    facts = SignatureValidator(TrustStore.load([world.root / "pki/root.pem"], [])).validate(pdf)
    assert facts and facts[0].intact


NAME_PARTS = st.fixed_dictionaries({
    "common_name": st.sampled_from(["Sở Tài chính", "SỞ TÀI CHÍNH", "Sở  Tài chính ", "So Tai chinh", "UBND tỉnh Bắc Giang"]),
    "organization_name": st.sampled_from(["Ban Cơ yếu Chính phủ", "ban cơ yếu chính phủ", "BCY"]),
    "country_name": st.sampled_from(["VN", "vn"]),
})


@settings(max_examples=200, deadline=None)
@given(NAME_PARTS, NAME_PARTS, st.booleans(), st.booleans())
def test_names_compared_and_prepared_as_asn1crypto_does(one, other, printable, other_printable) -> None:  # type: ignore[no-untyped-def]
    """Two names, encoded alike or not (PrintableString, UTF8String), differing in case, spaces or tone
    marks: compared and prepared as asn1crypto does, the first time and from what was kept."""
    from asn1crypto import x509

    def built(parts: dict[str, str], printable: bool) -> x509.Name:  # PrintableString holds ASCII only
        return x509.Name.build(parts, use_printable=printable and all(v.isascii() for v in parts.values()))

    a, b = built(one, printable), built(other, other_printable)
    for _ in range(2):  # the second time from what was kept
        assert pyhanko_speedups.names_equal(a, b) == pyhanko_speedups._NAME_EQ(a, b)
        assert pyhanko_speedups.names_equal(a, a) is True
        assert pyhanko_speedups.name_hashable(a) == pyhanko_speedups._HASHABLE.fget(a)
    assert pyhanko_speedups.names_equal(a, "not a name") is False
