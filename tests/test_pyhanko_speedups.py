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
