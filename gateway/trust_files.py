"""The files of `trust.roots` and `trust.crls`, read and told apart: a root must be a certificate, a CRL a certificate
revocation list (red team 76: the two swapped over, or the agency's own .p12 named as a root, were taken, and every
genuine signed document was returned to its issuer as signature-invalid). Read when the configuration is loaded (the
key named in the error) and again by each worker (gateway/intake/signatures.py), by the same functions.

Red team 78: roots that validated genuine signatures were refused. An OpenSSL "TRUSTED CERTIFICATE" (`openssl x509
-trustout`, RHEL's ca-bundle.trust.crt) is the certificate followed by OpenSSL's trust settings: the certificate is read,
and the settings too (red team 79: one that rejects signatures, or trusts other uses only, is no root). A DER file
passed through a text tool, a mail or a Windows copy ends in a line break: white space (and NUL) after the object's
length is ignored. Anything else after it is still refused, and said."""

from __future__ import annotations

from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import parser
from asn1crypto import pem
from asn1crypto import pkcs12
from asn1crypto import x509 as asn1_x509
from asn1crypto import core
from asn1crypto.core import Asn1Value

# what a PEM block's label says it is, in the words of an error
PEM_LABELS = {"CERTIFICATE": "a certificate", "TRUSTED CERTIFICATE": "a certificate", "X509 CRL": "a certificate revocation list",
              "PRIVATE KEY": "a private key", "ENCRYPTED PRIVATE KEY": "a private key", "RSA PRIVATE KEY": "a private key",
              "EC PRIVATE KEY": "a private key", "CERTIFICATE REQUEST": "a certificate request", "PKCS7": "a PKCS#7 bundle"}


class TrustFileError(ValueError):
    """A root or a CRL file that is not what its key says it is; the message says what it is instead."""


def _parse(*values: Asn1Value) -> None:
    """Parse the values to their last byte now (asn1crypto parses lazily: else inside each document's validation)."""
    for value in values:
        value.native  # noqa: B018


PADDING = b" \t\r\n\x0b\x0c\x00"  # what a text tool, a mail or a copy leaves after a DER object: ignored


def _blocks(path: Path, data: bytes | None = None) -> list[tuple[str | None, bytes]]:
    """The file's DER objects (of `data`, when given, as read from `path`), each with its PEM label (None for DER)."""
    data = path.read_bytes() if data is None else data
    if not pem.detect(data):
        return [(None, _object(None, data))]
    try:
        return [(label, _object(label, der)) for label, _, der in pem.unarmor(data, multiple=True)]
    except _Distrusted as exc:
        raise TrustFileError(f"{path}: a certificate {exc}: no root of document signatures") from None
    except ValueError as exc:
        raise TrustFileError(f"{path}: a PEM file that cannot be read ({exc})") from None


def _end(der: bytes) -> int | None:
    """Where the first DER object of the bytes ends, by its length (None: no whole object, as in a file cut short)."""
    try:
        _, _, _, header, contents, trailer = parser.parse(der)
    except (ValueError, TypeError):
        return None
    return len(header) + len(contents) + len(trailer)


class _Oids(core.SequenceOf):
    _child_spec = core.ObjectIdentifier


class _CertAux(core.Sequence):
    """OpenSSL's trust settings after a TRUSTED CERTIFICATE's certificate (X509_CERT_AUX)."""

    _fields = [("trust", _Oids, {"optional": True}), ("reject", _Oids, {"implicit": 0, "optional": True}),
               ("alias", core.UTF8String, {"optional": True}), ("keyid", core.OctetString, {"optional": True}),
               ("other", core.SequenceOf, {"implicit": 1, "optional": True})]


class _Distrusted(ValueError):
    """A TRUSTED CERTIFICATE whose settings make it no root of signatures."""


# the uses a document's signature is checked for: S/MIME's (the CAs that issue signing certificates), any, documentSigning
SIGNING_USES = {"1.3.6.1.5.5.7.3.4", "2.5.29.37.0", "1.3.6.1.5.5.7.3.36"}


def _trusted_for_signing(aux: bytes) -> str | None:
    """Why OpenSSL's trust settings make the certificate no root of document signatures (None: they do not): a use it is
    rejected for, or trust for other uses only (red team 79: a CA RHEL's bundle lists as rejected, its settings ignored,
    validated a forger's signature)."""
    if not aux.strip(PADDING):
        return None
    try:
        settings = _CertAux.load(aux, strict=True)
        _parse(settings)
    except (ValueError, TypeError):
        return "trust settings that cannot be read"
    rejected = [o.dotted for o in settings["reject"] if o.dotted in SIGNING_USES] if settings["reject"].native is not None else []
    if rejected:
        return f"rejected by its trust settings for {', '.join(rejected)}"
    trusted = {o.dotted for o in settings["trust"]} if settings["trust"].native is not None else None
    if trusted is not None and not trusted & SIGNING_USES:
        return f"trusted by its trust settings for {', '.join(sorted(trusted))} only, not for signatures"
    return None


def _object(label: str | None, der: bytes) -> bytes:
    """A block's DER object: a TRUSTED CERTIFICATE's certificate, where OpenSSL's trust settings after it leave it a root
    of signatures (`_Distrusted` otherwise, said by `_blocks` as the file's error), a DER file's object without the
    white space after it; else the bytes as they are (the strict loading says what they are)."""
    end = _end(der)
    if end is None:
        return der
    if label == "TRUSTED CERTIFICATE":
        if (why := _trusted_for_signing(der[end:])) is not None:
            raise _Distrusted(why)
        return der[:end]
    if label is None and not der[end:].strip(PADDING):
        return der[:end]
    return der


def _what(der: bytes) -> tuple[str | None, int]:
    """What DER bytes hold, among the files an operator may have at hand (None: none of them), and how many bytes
    follow it."""
    end = _end(der)
    if end is None:
        return None, 0
    for kind, name in ((asn1_x509.Certificate, "a certificate"), (asn1_crl.CertificateList, "a certificate revocation list"),
                       (pkcs12.Pfx, "a PKCS#12 key file")):
        try:
            _parse(kind.load(der[:end], strict=True))
        except (ValueError, TypeError):
            continue
        return name, len(der) - end
    return None, 0


def _wrong(path: Path, label: str | None, der: bytes, wanted: str) -> TrustFileError:
    """The error of a file that is not `wanted`: what it is, by its PEM label (`label`) or else by its DER bytes."""
    what, after = (PEM_LABELS.get(label, f"a PEM {label!r} block"), 0) if label is not None else _what(der)
    if what is None:
        return TrustFileError(f"{path} is not {wanted}: no certificate, certificate revocation list or PKCS#12 key file "
                              "can be read in it (cut short, damaged, or neither DER nor PEM)")
    if what != wanted:
        return TrustFileError(f"{path} is {what}, not {wanted}")
    if after:
        return TrustFileError(f"{path} is {what} followed by {after} bytes of something else (only white space may "
                              "follow it)")
    return TrustFileError(f"{path}: {wanted} that cannot be read")


def _certificate(path: Path, label: str | None, der: bytes) -> asn1_x509.Certificate:
    if label not in (None, "CERTIFICATE", "TRUSTED CERTIFICATE"):
        raise _wrong(path, label, der, "a certificate")
    try:
        cert = asn1_x509.Certificate.load(der, strict=True)
        _parse(cert)
    except (ValueError, TypeError):
        raise _wrong(path, None, der, "a certificate") from None
    constraints = cert.basic_constraints_value
    if constraints is not None and not constraints["ca"].native:
        raise TrustFileError(f"{path} is a signer's certificate (not a CA): a root is a certification authority's")
    return cert


def _crl(path: Path, label: str | None, der: bytes) -> asn1_crl.CertificateList:
    if label not in (None, "X509 CRL"):
        raise _wrong(path, label, der, "a certificate revocation list")
    try:
        crl = asn1_crl.CertificateList.load(der, strict=True)
        tbs = crl["tbs_cert_list"]
        _parse(*(tbs[key] for key in ("version", "signature", "issuer", "this_update", "next_update")),
               crl["signature_algorithm"], crl["signature"])
        len(tbs["revoked_certificates"])  # each entry's bounds: a list of 50,000 in 0.1 s (its .native would take 2 s)
    except (ValueError, TypeError):
        raise _wrong(path, None, der, "a certificate revocation list") from None
    return crl


def load_roots(path: Path) -> list[asn1_x509.Certificate]:
    """The certificates of a root file (PEM, one or several, or DER); TrustFileError when it holds anything else."""
    blocks = _blocks(path)
    if not blocks:
        raise TrustFileError(f"{path} holds no certificate")
    return [_certificate(path, label, der) for label, der in blocks]


def load_crls(path: Path, data: bytes | None = None) -> list[asn1_crl.CertificateList]:
    """The CRLs of a file (PEM or DER; `data`: its bytes, as fetched from the URL `path`); TrustFileError when it holds
    anything else."""
    blocks = _blocks(path, data)
    if not blocks:
        raise TrustFileError(f"{path} holds no certificate revocation list")
    return [_crl(path, label, der) for label, der in blocks]
