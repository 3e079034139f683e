"""A generated test PKI shaped like the government's: root → intermediate CA → agency signers
(RSA and ECDSA), with CRLs. Used by the tests and by `qlvb-gateway demo`; never in production."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
ORGANISATION = "Ban Cơ yếu Chính phủ (thử nghiệm)"


@dataclass
class Identity:
    name: str
    cert: x509.Certificate
    key: PrivateKey

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )


@dataclass(frozen=True)
class Revocation:
    """A certificate on the CRL: when it was revoked and, when said, why."""

    cert: x509.Certificate
    at: datetime
    reason: x509.ReasonFlags | None = None
    invalid_from: datetime | None = None  # the CRL's invalidity date: when the key is known or suspected no longer sound


def sub_ca(label: str, name: str, issuer: Identity, organisation: str = ORGANISATION, days: int = 1000) -> Identity:
    """A CA under `issuer` (another branch of the government's PKI beside the intermediate)."""
    now, key = datetime.now(timezone.utc), _new_key("rsa")
    return Identity(label, _issue(_name(name, organisation), key, issuer, ca=True, not_before=now - timedelta(days=days),
                                  not_after=now + timedelta(days=days)), key)


def time_stamping_authority(label: str, name: str, issuer: Identity, organisation: str = ORGANISATION,
                            days: int = 3000) -> Identity:
    """A time-stamping authority's certificate (RFC 3161), naming no CRL distribution point."""
    now, key = datetime.now(timezone.utc), _new_key("rsa")
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name, organisation))
        .issuer_name(issuer.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=days))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .sign(issuer.key, hashes.SHA256())
    )
    return Identity(label, cert, key)


def crl_pem(issuer: Identity, revoked: list[Revocation], *, this_update: datetime | None = None,
            next_update: datetime | None = None) -> bytes:
    """`issuer`'s CRL listing `revoked`, each with its date and, when given, its reason and invalidity date."""
    now = datetime.now(timezone.utc)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.cert.subject)
        .last_update(this_update or now - timedelta(hours=1))
        .next_update(next_update or now + timedelta(days=7))
    )
    for entry in revoked:
        row = x509.RevokedCertificateBuilder().serial_number(entry.cert.serial_number).revocation_date(entry.at)
        if entry.reason is not None:
            row = row.add_extension(x509.CRLReason(entry.reason), critical=False)
        if entry.invalid_from is not None:
            row = row.add_extension(x509.InvalidityDate(entry.invalid_from), critical=False)
        builder = builder.add_revoked_certificate(row.build())
    return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def _name(common_name: str, organisation: str, unit: str | None = None, locality: str | None = None) -> x509.Name:
    """A subject as Ban Cơ yếu writes them: C, L, O, OU, CN (L and OU only when given)."""
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if locality:
        attributes.append(x509.NameAttribute(NameOID.LOCALITY_NAME, locality))
    attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _new_key(kind: str) -> PrivateKey:
    if kind == "ecdsa":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _issue(
    subject: x509.Name,
    key: PrivateKey,
    issuer: Identity | None,
    *,
    ca: bool,
    not_before: datetime,
    not_after: datetime,
) -> x509.Certificate:
    signer_key = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
        # like the government's certificates, declare where the issuer's CRL is published
        crl_url = "http://crl.ca.test/" + ("root.crl" if issuer.name == "root" else "intermediate.crl")
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)]
            ),
            critical=False,
        )
    if ca:
        usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
    else:
        usage = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    builder = builder.add_extension(usage, critical=True)
    return builder.sign(signer_key, hashes.SHA256())


@dataclass
class DemoPki:
    """root → intermediate → signers, all in memory; write() puts PEM files on disk."""

    root: Identity
    intermediate: Identity
    signers: dict[str, Identity] = field(default_factory=dict)
    revoked: list[Revocation] = field(default_factory=list)
    tsa: Identity | None = None

    @classmethod
    def create(cls, organisation: str = ORGANISATION) -> "DemoPki":
        now = datetime.now(timezone.utc)

        def authority(label: str, name: str, issuer: Identity | None, days: int) -> Identity:
            key = _new_key("rsa")
            return Identity(label, _issue(_name(name, organisation), key, issuer, ca=True,
                                          not_before=now - timedelta(days=days), not_after=now + timedelta(days=days)), key)

        root = authority("root", "RootCA chuyên dùng Chính phủ G2 (TEST)", None, 3650)
        inter = authority("intermediate", "CA phục vụ các cơ quan Nhà nước G2 (TEST)", root, 3000)
        pki = cls(root=root, intermediate=inter)
        pki.tsa = time_stamping_authority("tsa", "Máy chủ cấp dấu thời gian (TEST)", inter, organisation)
        return pki

    def signer(
        self,
        name: str,
        organisation: str,
        *,
        kind: str = "rsa",
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
        issuer: Identity | None = None,
        unit: str | None = None,
        locality: str | None = None,
    ) -> Identity:
        """A signing certificate (non-repudiation), issued by the intermediate: an agency's
        (CN = the agency) or a person's (CN = the person, OU = the agency, O = its parent)."""
        now = datetime.now(timezone.utc)
        key = _new_key(kind)
        cert = _issue(
            _name(name, organisation, unit, locality), key, issuer or self.intermediate, ca=False,
            not_before=valid_from or now - timedelta(days=365), not_after=valid_until or now + timedelta(days=730),
        )
        identity = Identity(name, cert, key)
        self.signers[name] = identity
        return identity

    def pkcs12(self, identity: Identity, password: bytes) -> bytes:
        """The identity's key and certificate with its chain, as an agency's .p12 file."""
        from cryptography.hazmat.primitives.serialization import pkcs12

        return pkcs12.serialize_key_and_certificates(
            identity.name.encode(), identity.key, identity.cert, [self.intermediate.cert, self.root.cert],
            serialization.BestAvailableEncryption(password),
        )

    def revoke(self, identity: Identity, *, at: datetime | None = None, reason: x509.ReasonFlags | None = None,
               invalid_from: datetime | None = None) -> None:
        """Listed on the next CRL as revoked `at` (half an hour ago by default), for `reason` (none given by default)."""
        self.revoked.append(Revocation(identity.cert, at or datetime.now(timezone.utc) - timedelta(minutes=30), reason,
                                       invalid_from))

    def crl_pem(self, *, this_update: datetime | None = None, next_update: datetime | None = None) -> bytes:
        """The intermediate's CRL listing the revoked signers."""
        return crl_pem(self.intermediate, self.revoked, this_update=this_update, next_update=next_update)

    def root_crl_pem(self) -> bytes:
        return crl_pem(self.root, [], next_update=datetime.now(timezone.utc) + timedelta(days=30))

    def write(self, directory: Path, *, crl_next_update: datetime | None = None) -> dict[str, Path]:
        """Write root.pem, intermediate.pem, the CRLs and each signer's cert and key."""
        directory.mkdir(parents=True, exist_ok=True)
        files = {
            "root": directory / "root.pem",
            "intermediate": directory / "intermediate.pem",
            "crl": directory / "intermediate.crl",
            "root_crl": directory / "root.crl",
        }
        files["root"].write_bytes(self.root.cert_pem)
        files["intermediate"].write_bytes(self.intermediate.cert_pem)
        files["crl"].write_bytes(self.crl_pem(next_update=crl_next_update))
        files["root_crl"].write_bytes(self.root_crl_pem())
        return files
