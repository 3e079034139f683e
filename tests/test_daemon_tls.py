"""IMAP over TLS with certificate verification by default: a private Dovecot with a certificate
from a test CA. Trusting that CA (`ca_file`), the gateway reads the mailbox over implicit TLS and
over STARTTLS; without it, it refuses the server and says why in `status`, reading nothing."""

from __future__ import annotations

import ipaddress
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from servers import dovecot, wait_for
from test_daemon import PASSWORD, folder_counts, start_daemon, stop_daemon
from world import US, World


def make_server_certificate(directory: Path) -> tuple[Path, Path, Path]:
    """A CA and a certificate for 127.0.0.1 signed by it: (ca.pem, chain.pem, key.pem)."""
    now = datetime.now(timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA thử nghiệm của tỉnh")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
          .not_valid_after(now + timedelta(days=30)).add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    directory.mkdir(parents=True, exist_ok=True)
    paths = directory / "ca.pem", directory / "chain.pem", directory / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    for path in paths:
        path.chmod(0o644)
    return paths


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_the_mailbox_is_read_over_verified_tls(world: World, security: str) -> None:
    import tempfile

    certs = Path(tempfile.mkdtemp(prefix="qlvb-tls-"))
    certs.chmod(0o755)
    ca, chain, key = make_server_certificate(certs)
    with dovecot((US["mailbox"], PASSWORD), tls=(chain, key)) as server:
        port = server.tls_port if security == "tls" else server.port
        imap = {"host": "127.0.0.1", "port": port, "security": security, "username": US["mailbox"],
                "password_env": "QLVB_IMAP_PASSWORD"}
        world.extra["mailboxes"] = [{"name": "vanthu", "imap": imap, "poll_seconds": 2}]
        world.write_config()
        from test_daemon import append

        append(server, world.mail("m", attachments=[("cv.pdf", world.document(number="950/STP-VP"))]))
        daemon = start_daemon(world, ready=False)  # the system's roots only: our CA is unknown
        try:
            assert wait_for(lambda: "CERTIFICATE_VERIFY_FAILED" in _status_error(world), timeout=60)
            assert folder_counts(server)["inbox"] == 1  # nothing was read from an unverified server
        finally:
            stop_daemon(daemon)
        world.extra["mailboxes"] = [{"name": "vanthu", "imap": {**imap, "ca_file": str(ca)}, "poll_seconds": 2}]
        world.write_config()
        daemon = start_daemon(world)
        try:
            assert wait_for(lambda: folder_counts(server)["accepted"] == 1, timeout=60)
        finally:
            stop_daemon(daemon)


def _status_error(world: World) -> str:
    """The mailboxes' errors `status` shows (its exit 4 while the daemon has not yet made the register: status never
    makes it)."""
    out = json.loads(world.run("status", "--config", str(world.config_path), "--json", check=False).stdout)
    return " ".join(m["error"] or "" for m in out.get("mailboxes", []))
