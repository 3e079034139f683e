"""The worker's speedups of pyHanko give pyHanko's own answers: the hex-string reader reads what pyHanko's
reads, ends where it ends and fails where it fails; names compare as asn1crypto compares them; a
certificate is found in a CRL (or not) as pyHanko finds it, entry, date and reason."""

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


_AUTHORITY, _OTHER = ("CA Ban Cơ yếu", "CA khác")
ENTRY = st.tuples(
    st.integers(1, 6),  # the serial number
    st.sampled_from([None, _AUTHORITY, _OTHER]),  # an indirect CRL's certificate issuer from this entry on
    st.sampled_from([None, "key_compromise", "superseded"]),  # the reason
    st.booleans(),  # an unknown critical extension
)


def _crl(entries: list[tuple[int, str | None, str | None, bool]]) -> bytes:
    from datetime import datetime, timedelta, timezone

    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID, ObjectIdentifier

    def name(text: str) -> cx509.Name:
        return cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, text)])

    now = datetime.now(timezone.utc)
    builder = (cx509.CertificateRevocationListBuilder().issuer_name(name(_AUTHORITY))
               .last_update(now - timedelta(hours=1)).next_update(now + timedelta(days=1)))
    for index, (serial, issuer, reason, critical) in enumerate(entries):
        entry = cx509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now - timedelta(minutes=index + 1))
        if issuer is not None:
            entry = entry.add_extension(cx509.CertificateIssuer([cx509.DirectoryName(name(issuer))]), critical=True)
        if reason is not None:
            entry = entry.add_extension(cx509.CRLReason(cx509.ReasonFlags[reason]), critical=False)
        if critical:
            entry = entry.add_extension(cx509.UnrecognizedExtension(ObjectIdentifier("1.3.6.1.4.1.99999.1"), b"\x05\x00"),
                                        critical=True)
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(ec.generate_private_key(ec.SECP256R1()), hashes.SHA256()).public_bytes(serialization.Encoding.DER)


@settings(max_examples=150, deadline=None)
@given(st.lists(ENTRY, max_size=12))
def test_a_certificate_found_in_a_crl_as_pyhanko_finds_it(entries) -> None:  # type: ignore[no-untyped-def]
    """Every serial number, for the CRL's own authority and for another issuer, in a CRL whose entries
    repeat serial numbers, name other issuers (an indirect CRL: from that entry on) and carry reasons
    or an unknown critical extension: the same date and reason, or the same refusal, as pyHanko's search."""
    from asn1crypto import crl, x509

    certificate_list = crl.CertificateList.load(_crl(entries))

    def outcome(find, serial: int, issuer: str):  # type: ignore[no-untyped-def]
        cert = x509.Certificate({"tbs_certificate": {"serial_number": serial}})
        try:
            found = find(cert, x509.Name.build({"common_name": issuer}), certificate_list,
                         x509.Name.build({"common_name": _AUTHORITY}))
        except NotImplementedError:
            return "unusable entry"
        return (found[0], found[1].native if found[1] is not None else None)

    for serial in range(1, 7):
        for issuer in (_AUTHORITY, _OTHER):
            assert outcome(pyhanko_speedups.find_cert_in_list, serial, issuer) == \
                outcome(pyhanko_speedups._FIND_CERT_IN_LIST, serial, issuer)


def test_a_national_cas_crl_of_twenty_thousand_certificates(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A CA's CRL as national CAs publish them (20,000 revoked certificates, ours among them, last):
    the revoked signer's document is found revoked, by pyHanko and by the gateway's own look, and
    another signer's stays trusted (the CRL indexed once, not searched entry by entry each time)."""
    from datetime import datetime, timedelta, timezone

    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes, serialization

    from gateway.intake.signatures import SignatureValidator, TrustStore

    pki, now = world.pki, datetime.now(timezone.utc)
    builder = (cx509.CertificateRevocationListBuilder().issuer_name(pki.intermediate.cert.subject)
               .last_update(now - timedelta(hours=1)).next_update(now + timedelta(days=7)))
    for serial in [*range(10**12, 10**12 + 20_000), world.signers["revoked"].cert.serial_number]:
        builder = builder.add_revoked_certificate(cx509.RevokedCertificateBuilder().serial_number(serial)
                                                  .revocation_date(now - timedelta(days=1)).build())
    big = tmp_path / "national.crl"
    big.write_bytes(builder.sign(pki.intermediate.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER))
    validator = SignatureValidator(TrustStore.load([world.root / "pki/root.pem"], [big, world.root / "pki/root.crl"]))
    from pyhanko_certvalidator.revinfo import validate_crl

    assert validate_crl.find_cert_in_list is pyhanko_speedups.find_cert_in_list  # pyHanko searches by the index
    for _ in range(2):  # the second time from the index made the first
        revoked = validator.validate(world.signed("revoked", world.document(number="208/STP-VP")))[0]
        assert revoked.revoked and not revoked.trusted and revoked.intact
        good = validator.validate(world.signed("stc", world.document(number="12/STC-VP")))[0]
        assert good.trusted and not good.revoked and good.revocation_known
    national = validator.store.crls[0]
    index = pyhanko_speedups.revoked_by_serial(national)
    assert index is not None and len(index.positions) == 20_001  # read whole, once: the same index each time
    assert pyhanko_speedups.revoked_by_serial(national) is index


def test_a_crl_cryptography_will_not_read_is_searched_as_pyhanko_searches() -> None:
    """A CRL writing a serial number in more bytes than DER allows (cryptography refuses it; asn1crypto
    and pyHanko read it): pyHanko's own search answers, entry by entry, and the gateway's look by number
    still sees the certificate listed."""
    from datetime import datetime, timedelta, timezone

    from asn1crypto import core, crl, x509

    now = datetime.now(timezone.utc).replace(microsecond=0)
    authority = x509.Name.build({"common_name": _AUTHORITY})

    def entry(serial: int | core.Integer) -> crl.RevokedCertificate:
        return crl.RevokedCertificate({"user_certificate": serial, "revocation_date": x509.Time(name="utc_time", value=now)})

    tbs = crl.TbsCertList({
        "version": "v2", "signature": {"algorithm": "sha256_ecdsa"}, "issuer": authority,
        "this_update": x509.Time(name="utc_time", value=now),
        "next_update": x509.Time(name="utc_time", value=now + timedelta(days=1)),
        "revoked_certificates": [entry(core.Integer.load(b"\x02\x02\x00\x05")), entry(7)]})  # 5 in two bytes
    certificate_list = crl.CertificateList.load(crl.CertificateList({
        "tbs_cert_list": tbs, "signature_algorithm": {"algorithm": "sha256_ecdsa"}, "signature": b"\x00" * 8}).dump())
    for serial in (5, 7, 9):
        cert = x509.Certificate({"tbs_certificate": {"serial_number": serial}})
        assert pyhanko_speedups.find_cert_in_list(cert, authority, certificate_list, authority) == \
            pyhanko_speedups._FIND_CERT_IN_LIST(cert, authority, certificate_list, authority)
    assert pyhanko_speedups.find_cert_in_list(x509.Certificate({"tbs_certificate": {"serial_number": 7}}),
                                              authority, certificate_list, authority)[0] == now
    assert [pyhanko_speedups.serial_listed(certificate_list, s) for s in (5, 7, 9)] == [True, True, False]
