"""Red team 78 found these refusals of honest setups, made by the checks at start that red team 76 asked for.

A Maildir no mail has reached yet (Postfix and Dovecot make its cur, new and tmp folders at the first delivery) stopped
`run` with exit 2: under systemd it restarted every 5 s, and the other mailboxes' genuine mail waited. Now it is a
warning at start, that mailbox backs off as any failing one and `status` says why; a file where the Maildir's folder
goes is still refused.

Roots that validated genuine signatures were refused, in words that contradicted themselves ("is neither a certificate
nor a certificate revocation list, not a certificate"): an OpenSSL TRUSTED CERTIFICATE (`openssl x509 -trustout`: the
certificate, then OpenSSL's trust settings) and a DER root or CRL with a line break at its end. Both are read now, by
the configuration and by the workers' trust store alike."""

from __future__ import annotations

import base64
import json
import mailbox as stdlib_mailbox
import shutil
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from servers import wait_for
from test_daemon import start_daemon, stop_daemon
from test_redteam76_config import _configured, _maildir, _one_line, _started
from world import World

# 1. a Maildir no mail has reached yet

NOT_YET = "Maildir-phongmoi"


def _status(world: World) -> dict[str, object]:
    done = world.run("status", "--config", str(world.config_path), "--json", check=False)
    return json.loads(done.stdout) if done.stdout.strip() else {}


def test_run_starts_with_a_maildir_no_mail_has_reached_yet_and_status_names_it(world: World) -> None:
    """The working mailbox's genuine letter is registered; the other is watched from its first delivery, `status`
    naming it and why (an alert after monitoring.alert_after_seconds), the warning said once at start."""
    letter = world.mail("signed", attachments=[("cv.pdf", world.signed("stp", world.document(number="781/STP-VP")))])
    stdlib_mailbox.Maildir(str(world.root / _maildir(world)), create=False).add(letter.read_bytes())
    _configured(world, mailboxes=[{"name": "vanthu", "maildir": "Maildir", "poll_seconds": 1},
                                  {"name": "phongmoi", "maildir": NOT_YET, "poll_seconds": 1}],
                monitoring={"alert_after_seconds": 1})
    daemon = start_daemon(world, ready=False)
    try:
        assert wait_for(lambda: len(world.documents()) == 1 or daemon.poll() is not None, timeout=120), "nothing registered"
        assert daemon.poll() is None, daemon.log.read_text(errors="replace")[-3000:]  # type: ignore[attr-defined]
        assert [(d.notation, d.basis) for d in world.documents()] == [("781/STP-VP", "signature")]
        assert wait_for(lambda: [a["mailbox"] for a in _status(world).get("alerts", [])] == ["phongmoi"], timeout=60)
        status = _status(world)
        rows = {m["name"]: m for m in status["mailboxes"]}  # type: ignore[attr-defined]
        missing = f"{world.root / NOT_YET}: no Maildir there (its cur, new and tmp folders)"
        assert missing in rows["phongmoi"]["error"] and rows["phongmoi"]["failing_since"], rows
        assert rows["vanthu"]["error"] is None and rows["vanthu"]["failing_since"] is None, rows
        assert world.run("status", "--config", str(world.config_path), check=False).returncode == 4
    finally:
        log = stop_daemon(daemon)
    warning = (f"mailboxes.phongmoi.maildir: no Maildir at {world.root / NOT_YET} yet (its cur, new and tmp folders): "
               "watched from its first delivery")
    assert log.count(warning) == 1, log[-3000:]


@pytest.mark.parametrize("where", ["the Maildir", "its new folder", "a folder above it"])
def test_a_file_where_the_maildirs_folder_goes_still_stops_run(world: World, where: str) -> None:
    """A path that can never be a Maildir is a configuration error, said at start (red team 76, 8)."""
    folder = world.root / NOT_YET
    if where == "the Maildir":
        file, maildir = folder, folder
    elif where == "its new folder":
        for part in ("cur", "tmp"):
            (folder / part).mkdir(parents=True)
        file, maildir = folder / "new", folder
    else:
        file, maildir = world.root / "directory.csv", world.root / "directory.csv" / "Maildir"
    if not file.exists():
        file.write_text("not a folder\n")
    config = _configured(world, mailboxes=[{"name": "vanthu", "maildir": _maildir(world), "poll_seconds": 1},
                                           {"name": "phongmoi", "maildir": str(maildir), "poll_seconds": 1}])
    status, err = _started(world, "run", "--config", config)
    assert status == 2, err[-2000:]
    assert _one_line(err) == (f"qlvb-gateway: mailboxes.phongmoi.maildir: {file} is a file, not a folder: no Maildir can "
                              f"be at {maildir}")


# 2. a TRUSTED CERTIFICATE root, a DER root or CRL ending in a line break

EMAIL_PROTECTION_TRUST = bytes.fromhex("300c300a06082b06010505070304")  # OpenSSL's X509_CERT_AUX: trusted for e-mail


def _trusted_certificate(world: World) -> bytes:
    """The World's root as `openssl x509 -trustout -addtrust emailProtection` writes it (by hand without openssl)."""
    root = world.root / "pki" / "root.pem"
    if shutil.which("openssl"):
        return subprocess.run(["openssl", "x509", "-in", str(root), "-trustout", "-addtrust", "emailProtection"],
                              capture_output=True, check=True).stdout
    der = world.pki.root.cert.public_bytes(Encoding.DER) + EMAIL_PROTECTION_TRUST
    text = base64.encodebytes(der).decode("ascii").replace("\n", "")
    lines = "\n".join(text[i:i + 64] for i in range(0, len(text), 64))
    return f"-----BEGIN TRUSTED CERTIFICATE-----\n{lines}\n-----END TRUSTED CERTIFICATE-----\n".encode("ascii")


def _der_crl(world: World, name: str) -> bytes:
    return x509.load_pem_x509_crl((world.root / "pki" / name).read_bytes()).public_bytes(Encoding.DER)


def _written(world: World, name: str, data: bytes) -> str:
    (world.root / name).write_bytes(data)
    return name


@pytest.mark.parametrize("form", ["TRUSTED CERTIFICATE", "DER and a line break"])
def test_a_root_as_openssl_trusts_it_or_der_with_a_line_break_validates_a_genuine_signature(world: World, form: str) -> None:
    if form == "TRUSTED CERTIFICATE":
        data = _trusted_certificate(world)
        assert data.startswith(b"-----BEGIN TRUSTED CERTIFICATE-----") and len(base64.b64decode(b"".join(
            data.splitlines()[1:-1]))) > len(world.pki.root.cert.public_bytes(Encoding.DER))  # its trust settings after it
        roots = [_written(world, "root-trusted.pem", data)]
    else:
        roots = [_written(world, "root.cer", world.pki.root.cert.public_bytes(Encoding.DER) + b"\n")]
    crls = [_written(world, f"{name}.der", _der_crl(world, f"{name}.crl") + b"\r\n") for name in ("intermediate", "root")]
    _configured(world, trust={"roots": roots, "crls": crls})
    mail = world.mail("signed", attachments=[("cv.pdf", world.signed("stp", world.document(number="782/STP-VP")))])
    [result] = world.ingest(mail)
    assert (result["verdict"], result["basis"]) == ("accepted", "signature"), result
    assert [(s["intact"], s["trusted"], s["revoked"]) for s in result["signatures"]] == [(True, True, False)], result

    from gateway.intake.signatures import TrustStore

    store = TrustStore.load([world.root / r for r in roots], [world.root / c for c in crls])  # as each worker loads it
    assert [c.dump() for c in store.roots] == [world.pki.root.cert.public_bytes(Encoding.DER)]
    assert [c.dump() for c in store.crls] == [_der_crl(world, "intermediate.crl"), _der_crl(world, "root.crl")]


def test_a_der_root_followed_by_something_else_says_so(world: World) -> None:
    """Only white space may follow a DER object; anything else is said plainly, never "neither ... nor ..., not ..."."""
    name = _written(world, "root.cer", world.pki.root.cert.public_bytes(Encoding.DER) + b"\nPEM?\n")
    config = _configured(world, trust={"roots": [name]})
    done = world.run("check", "--config", config, "--json", str(world.mail("x")), check=False)
    assert done.returncode == 2, done.stderr[-2000:]
    assert _one_line(done.stderr) == (f"qlvb-gateway: trust.roots: {world.root / name} is a certificate followed by 6 bytes "
                                      "of something else (only white space may follow it)")
