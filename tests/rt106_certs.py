"""Certificates whose subject holds raw bytes (a name no library would write), for red team 106."""
from __future__ import annotations

from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from kit import DemoPki, Identity


def _der(tag: int, body: bytes) -> bytes:
    n = len(body)
    if n < 0x80:
        return bytes([tag, n]) + body
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + body


def raw_name_cert(pki: DemoPki, template: Identity, string_tag: int, cn_bytes: bytes) -> Identity:
    """`template`'s key and certificate re-issued by the intermediate, its subject one CN of ASN.1 string type
    `string_tag` (0x1e BMPString, 0x0c UTF8String, 0x1c UniversalString, 0x14 TeletexString) holding `cn_bytes`."""
    cn = _der(0x30, _der(0x06, bytes([0x55, 0x04, 0x03])) + _der(string_tag, cn_bytes))
    subject = _der(0x30, _der(0x31, cn))
    tbs = ax509.Certificate.load(template.cert.public_bytes(serialization.Encoding.DER))["tbs_certificate"]
    fields = [tbs[i].dump() if name != "subject" else subject for i, (name, _, _) in enumerate(tbs._fields)
              if tbs[i].contents is not None or name == "subject"]
    body = _der(0x30, b"".join(fields))
    signature = pki.intermediate.key.sign(body, padding.PKCS1v15(), hashes.SHA256())
    algorithm = ax509.Certificate.load(template.cert.public_bytes(serialization.Encoding.DER))["signature_algorithm"].dump()
    whole = _der(0x30, body + algorithm + _der(0x03, b"\x00" + signature))
    return Identity(template.name, _RawCertificate(whole), template.key)  # type: ignore[arg-type]


class _RawCertificate:
    """A certificate as bytes (cryptography refuses to parse such a name): what Identity and the signer ask of one."""

    def __init__(self, der: bytes) -> None:
        self.der = der

    def public_bytes(self, encoding: serialization.Encoding) -> bytes:
        if encoding == serialization.Encoding.DER:
            return self.der
        from asn1crypto import pem

        return pem.armor("CERTIFICATE", self.der)


def with_cn_bytes_swapped(pdf: bytes, pki: DemoPki, signer: Identity, string_tag: int, cn_bytes: bytes) -> bytes:
    """`pdf` signed by `signer`, its embedded certificate's CN (a UTF8String) made of ASN.1 type `string_tag` holding
    `cn_bytes` (as long as the name's UTF-8), the certificate signed again by the intermediate: the same length, so
    the signature's /Contents is patched in place (its byte range does not cover it)."""
    der = signer.cert.public_bytes(serialization.Encoding.DER)
    name = signer.cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value.encode()
    assert len(cn_bytes) == len(name)
    old = bytes([0x0c, len(name)]) + name
    certificate = ax509.Certificate.load(der)
    tbs = certificate["tbs_certificate"].dump()
    assert tbs.count(old) == 1
    new_tbs = tbs.replace(old, bytes([string_tag, len(name)]) + cn_bytes)
    signature = pki.intermediate.key.sign(new_tbs, padding.PKCS1v15(), hashes.SHA256())
    new = der.replace(tbs, new_tbs).replace(certificate["signature_value"].native, signature)
    assert len(new) == len(der)
    old_hex, new_hex = der.hex().encode(), new.hex().encode()
    at = pdf.lower().find(old_hex)
    assert at >= 0, "certificate not found in /Contents"
    return pdf[:at] + new_hex + pdf[at + len(old_hex):]
