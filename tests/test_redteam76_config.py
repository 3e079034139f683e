"""Red team 76, the operator's life: honest mistakes in config.yaml and the directory were taken without a word, and cost
documents or leaked a secret. A listener filing into a mailbox that is not IMAP (a typo) told the MTA 250 and never
registered the mail; the roots and CRLs swapped over (or the agency's .p12 named as a root) returned every genuine signed
document to its issuer as signature-invalid; two directory rows with one mailbox returned an agency's own letters to it
(red team 78: now each agency of a shared mailbox is proven by it), one code twice gave a 100-line traceback; a password
written where a variable's or a file's name goes was printed in the error (the journal); two mailboxes of one name
shared one state row, a Maildir that can never be there (a file where its folder goes) was found only at every back-off;
a store that cannot be written let the daemon start and back off for ever; SIGHUP killed the daemon uncleanly.

Each is now said at start, one line naming the key, exit 2 (README "Commands"); SIGHUP stops `run` as SIGTERM does."""

from __future__ import annotations

import json
import mailbox as stdlib_mailbox
import os
import signal
import subprocess
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from servers import free_port
from world import DIRECTORY_CSV, GATEWAY, US, World

SECRET = "Mk#Bi-Mat-2026!"
SOTP = "vanthu@sotp.bacgiang.gov.vn"
IMAP = {"host": "mail.bacgiang.gov.vn", "username": US["mailbox"], "password_env": "QLVB_IMAP_PASSWORD"}


def _configured(world: World, **keys: object) -> str:
    world.extra.update(keys)
    world.write_config()
    return str(world.config_path)


def _maildir(world: World, name: str = "Maildir") -> str:
    stdlib_mailbox.Maildir(str(world.root / name), create=True)
    return name


def _started(world: World, *args: str, seconds: float = 30) -> tuple[int | None, str]:
    """`qlvb-gateway ARGS` as a process of its own, as an operator starts `run` or `web`: its exit status and stderr; None
    when it was still running after `seconds` (it started: stopped here by SIGTERM)."""
    env = dict(os.environ, PYTHONWARNINGS="ignore", QLVB_IMAP_PASSWORD="x")
    process = subprocess.Popen([*GATEWAY, *args], cwd=world.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        _, err = process.communicate(timeout=seconds)
        return process.returncode, err
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
        return None, err


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr[-2000:]
    return lines[0]


# 1. listener.mailbox naming no IMAP mailbox

@pytest.mark.parametrize("listener,said", [
    ({"mailbox": "vanthuu"}, "listener.mailbox: vanthuu is no mailbox: name an IMAP mailbox of mailboxes (there is none), "
                             "or take `listener:` out"),
    ({"mailbox": "vanthu"}, "listener.mailbox: vanthu is a Maildir: name an IMAP mailbox of mailboxes (there is none), "
                            "or take `listener:` out"),
    ({}, "listener: its mail is filed into an IMAP mailbox of mailboxes, and there is none (vanthu is a Maildir): take "
         "`listener:` out, or add one"),
])
def test_a_listener_whose_mail_no_imap_mailbox_takes_is_a_configuration_error(
        world: World, listener: dict[str, str], said: str) -> None:
    """The daemon no longer starts and tells the MTA 250 for mail it can never file (it waited in the spool for ever)."""
    config = _configured(world, mailboxes=[{"name": "vanthu", "maildir": _maildir(world), "poll_seconds": 1}],
                         listener={"protocol": "lmtp", "host": "127.0.0.1", "port": 2424, **listener})
    status, err = _started(world, "run", "--config", config)
    assert status == 2 and _one_line(err) == f"qlvb-gateway: {said}", err[-2000:]


def test_a_listener_filing_into_an_imap_mailbox_by_its_name_is_taken(world: World) -> None:
    config = _configured(world, mailboxes=[{"name": "maildir", "maildir": _maildir(world)},
                                           {"name": "vanthu", "imap": IMAP}],
                         listener={"protocol": "lmtp", "port": 2424, "mailbox": "vanthu"})
    world.run("user", "list", "--config", config)  # the register made (status never makes one)
    assert world.run("status", "--config", config, "--json", check=False).returncode == 0


# 2. trust.roots and trust.crls holding something else

def _swapped(world: World) -> dict[str, object]:
    return {"roots": ["pki/root.crl"], "crls": ["pki/root.pem"]}


def _p12_as_root(world: World) -> dict[str, object]:
    (world.root / "agency.p12").write_bytes(world.pki.pkcs12(world.signers["stp"], b"demo"))
    return {"roots": ["agency.p12"]}


def _garbled_pem(world: World) -> dict[str, object]:
    (world.root / "garbled.pem").write_text("-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAK!!not-base64\n"
                                            "-----END CERTIFICATE-----\n")
    return {"roots": ["pki/root.pem", "garbled.pem"]}


def _truncated_root(world: World) -> dict[str, object]:
    (world.root / "root-cut.der").write_bytes(world.pki.root.cert.public_bytes(Encoding.DER)[:-40])
    return {"roots": ["root-cut.der"]}


def _signer_as_root(world: World) -> dict[str, object]:
    (world.root / "stp.pem").write_bytes(world.signers["stp"].cert_pem)
    return {"roots": ["stp.pem"]}


def _certificate_as_crl(world: World) -> dict[str, object]:
    return {"crls": ["pki/intermediate.pem"]}


@pytest.mark.parametrize("trust,said", [
    (_swapped, "trust.roots: {root}/pki/root.crl is a certificate revocation list, not a certificate"),
    (_p12_as_root, "trust.roots: {root}/agency.p12 is a PKCS#12 key file, not a certificate"),
    (_garbled_pem, "trust.roots: {root}/garbled.pem: a PEM file that cannot be read"),
    (_truncated_root, "trust.roots: {root}/root-cut.der is not a certificate: no certificate, certificate revocation "
                      "list or PKCS#12 key file can be read in it (cut short, damaged, or neither DER nor PEM)"),
    (_signer_as_root, "trust.roots: {root}/stp.pem is a signer's certificate (not a CA)"),
    (_certificate_as_crl, "trust.crls: {root}/pki/intermediate.pem is a certificate, not a certificate revocation list"),
])
def test_a_trust_file_that_is_not_what_its_key_says_is_a_configuration_error(
        world: World, trust: Callable[[World], dict[str, object]], said: str) -> None:
    """Taken before, every genuine signed document was returned to its issuer as signature-invalid (or quarantined,
    a traceback a document): now `check` (as `run`, `ingest` and `web`) refuses to start, naming the key."""
    config = _configured(world, trust=trust(world))
    mail = world.mail("signed", attachments=[("cv.pdf", world.signed("stp", world.document(number="761/STP-VP")))])
    done = world.run("check", "--config", config, "--json", str(mail), check=False)
    assert done.returncode == 2 and done.stdout == "", done.stderr[-2000:]
    assert _one_line(done.stderr).startswith("qlvb-gateway: " + said.format(root=world.root)), done.stderr


def test_a_root_unreadable_in_the_worker_is_the_gateways_failure_never_the_mails(world: World) -> None:
    """A root that breaks after the configuration was read (replaced by hand while the gateway runs): the workers cannot
    judge any mail. The mail is left untouched for the daemon to take again (an infrastructure failure: backed off, and
    shown by `status`), never quarantined as processing-failed nor returned as signature-invalid."""
    from contextlib import closing

    from gateway.app import Gateway
    from gateway.config import load_config
    from gateway.guard import blame
    from gateway.intake.pipeline import IncomingMail, Intake

    mail = world.mail("signed", attachments=[("cv.pdf", world.signed("stp", world.document(number="762/STP-VP")))])
    config = load_config(world.config_path)
    root = world.root / "pki" / "root.pem"
    good = root.read_bytes()
    root.write_bytes((world.root / "pki" / "root.crl").read_bytes())  # swapped by hand while it runs
    with closing(Gateway.open(config)) as gateway, gateway.worker_pool(size=1) as pool:
        with pytest.raises(Exception) as raised:
            list(Intake(gateway, pool).process([IncomingMail(str(mail), mail.read_bytes())], record=True))
    assert blame(raised.value) == "infrastructure" and "root.pem" in str(raised.value), raised.value
    root.write_bytes(good)
    assert world.documents() == []
    done = world.run("review", "list", "--config", str(world.config_path), "--json")
    assert json.loads(done.stdout) == []  # nothing held as the mail's fault
    assert [d["verdict"] for d in world.ingest(mail)] == ["accepted"]  # taken again once the root is put right


# 5. a duplicate code in the directory; a mailbox two agencies share (red team 78)

DUPLICATE_MAILBOX = f"000.00.99.H06,Sở Xây dựng tỉnh Bắc Giang,{SOTP},Sở Xây dựng,\n"
DUPLICATE_CODE = "000.00.14.H06,Sở Tư pháp tỉnh Bắc Giang (cũ),cu@sotp.bacgiang.gov.vn,,\n"


def _rows(world: World) -> int:
    return len([line for line in (world.root / "directory.csv").read_text(encoding="utf-8").splitlines() if line.strip()])


def _first_row(world: World, text: str) -> int:
    lines = (world.root / "directory.csv").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


@pytest.mark.parametrize("register_in_use", [False, True])
def test_a_directory_giving_one_code_twice_is_a_configuration_error_naming_both_rows(
        world: World, register_in_use: bool) -> None:
    """Before: a new register stopped with an IntegrityError and 100 lines of traceback."""
    config = str(world.config_path)
    mail = world.mail("scan", auth="smtp", attachments=[("cv.pdf", world.scanned(world.document(number="763/STP-VP")))])
    if register_in_use:
        world.run("check", "--config", config, "--json", str(mail))
    (world.root / "directory.csv").write_text(DIRECTORY_CSV + DUPLICATE_CODE, encoding="utf-8")
    first, second = _first_row(world, "000.00.14.H06"), _rows(world)
    done = world.run("check", "--config", config, "--json", str(mail), check=False)
    assert done.returncode == 2 and done.stdout == "", done.stderr[-2000:]
    assert _one_line(done.stderr) == (f"qlvb-gateway: directory: {world.root / 'directory.csv'}: rows {first} and {second} "
                                      "give the same code 000.00.14.H06")


@pytest.mark.parametrize("register_in_use", [False, True])
def test_a_directory_giving_one_mailbox_to_two_agencies_takes_each_ones_letters_from_it(
        world: World, register_in_use: bool) -> None:
    """One office's mailbox may serve two agencies (red team 78: refused at start; before red team 76 the last row won,
    and Sở Tư pháp's own letters were returned to it as another's): a scan of each, from that mailbox, is accepted on
    the official route."""
    config = str(world.config_path)
    letters = [world.mail(f"scan{n}", auth="smtp", attachments=[("cv.pdf", world.scanned(world.document(
        issuer=issuer, number=number)))]) for n, (issuer, number) in enumerate([("SỞ TƯ PHÁP", "763/STP-VP"),
                                                                                ("SỞ XÂY DỰNG", "764/SXD-VP")])]
    if register_in_use:
        world.run("check", "--config", config, "--json", str(letters[0]))
    (world.root / "directory.csv").write_text(DIRECTORY_CSV + DUPLICATE_MAILBOX, encoding="utf-8")
    done = world.run("check", "--config", config, "--json", *map(str, letters), check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    verdicts = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert [(v["verdict"], v["basis"]) for v in verdicts] == [("accepted", "official-mailbox")] * 2, verdicts


def test_directory_import_of_a_file_giving_one_mailbox_twice_says_who_shares_it(world: World) -> None:
    (world.root / "new.csv").write_text(DIRECTORY_CSV + DUPLICATE_MAILBOX.upper(), encoding="utf-8")
    done = world.run("directory", "import", "--config", str(world.config_path), "new.csv", check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[-1] == (f"shared: {SOTP} is the official mailbox of 000.00.14.H06 Sở Tư pháp tỉnh "
                                            "Bắc Giang, 000.00.99.H06 SỞ XÂY DỰNG TỈNH BẮC GIANG")


# 6. a secret written where its variable's or file's name goes

@pytest.mark.parametrize("keys,key", [
    ({"mailboxes": [{"name": "vanthu", "imap": {**IMAP, "password_env": SECRET}}]}, "mailboxes.0.imap.password_env"),
    ({"smtp": {"host": "mail.bacgiang.gov.vn", "username": US["mailbox"], "password_env": SECRET}}, "smtp.password_env"),
    ({"signing": {"pkcs12": "pki/root.pem", "password_env": SECRET}}, "signing.password_env"),
    ({"signing": {"pkcs11": {"module": "pki/root.pem", "token_label": "SNV", "key_label": "vanthu", "pin_env": SECRET}}},
     "signing.pkcs11.pin_env"),
])
def test_a_password_written_as_the_variables_name_is_never_echoed(world: World, keys: dict[str, object], key: str) -> None:
    config = _configured(world, **keys)
    for command in (["run", "--config", config], ["status", "--config", config]):
        status, err = _started(world, *command)
        assert status == 2 and SECRET not in err, err[-2000:]
        assert _one_line(err) == (f"qlvb-gateway: {key}: must be the NAME of an environment variable (letters, digits "
                                  "and _), not the secret itself")


@pytest.mark.parametrize("keys,key", [
    ({"smtp": {"host": "mail.bacgiang.gov.vn", "username": US["mailbox"], "password_file": SECRET}}, "smtp.password_file"),
    ({"mailboxes": [{"name": "vanthu", "imap": {"host": "mail.bacgiang.gov.vn", "username": US["mailbox"],
                                                "password_file": SECRET}}]}, "mailboxes.0.imap.password_file"),
    ({"signing": {"pkcs12": "pki/root.pem", "password_file": SECRET}}, "signing.password_file"),
])
def test_a_password_written_as_the_files_name_is_never_echoed(world: World, keys: dict[str, object], key: str) -> None:
    config = _configured(world, **keys)
    done = world.run("status", "--config", config, check=False)
    assert done.returncode == 2 and SECRET not in done.stderr, done.stderr[-2000:]
    assert _one_line(done.stderr).startswith(f"qlvb-gateway: {key}: file not found")


def test_a_secret_file_that_cannot_be_read_is_said_without_its_path(world: World) -> None:
    secret = world.root / SECRET
    secret.mkdir()  # there, but no file to read (as one the service's user may not read)
    config = _configured(world, mailboxes=[{"name": "vanthu", "maildir": _maildir(world)}],
                         smtp={"host": "mail.bacgiang.gov.vn", "username": US["mailbox"], "password_file": SECRET})
    status, err = _started(world, "run", "--config", config)
    assert status == 2 and SECRET not in err, err[-2000:]
    assert _one_line(err).startswith("qlvb-gateway: smtp.password_file: ")


# 8. two mailboxes of one name, one account or Maildir twice, a Maildir that is not there

@pytest.mark.parametrize("mailboxes,said", [
    ([{"name": "vanthu", "maildir": "Maildir"}, {"name": "vanthu", "maildir": "Maildir2"}],
     "mailboxes: the name vanthu is given twice"),
    ([{"name": "vanthu", "maildir": "Maildir"}, {"name": "vanthu2", "maildir": "Maildir"}],
     "mailboxes: the Maildir {root}/Maildir is given twice"),
    ([{"name": "vanthu", "imap": IMAP}, {"name": "vanthu2", "imap": IMAP}],
     f"mailboxes: the IMAP account '{US['mailbox']}@mail.bacgiang.gov.vn:tls' is given twice"),
])
def test_a_mailbox_given_twice_is_a_configuration_error(world: World, mailboxes: list[dict[str, object]], said: str) -> None:
    """Before: one state row for both, `status` saying "connected, no error" while one of them failed."""
    _maildir(world), _maildir(world, "Maildir2")
    config = _configured(world, mailboxes=mailboxes)
    status, err = _started(world, "run", "--config", config)
    assert status == 2 and _one_line(err) == "qlvb-gateway: " + said.format(root=world.root), err[-2000:]


def test_a_maildir_that_can_never_be_there_stops_run_naming_the_mailbox(world: World) -> None:
    """A folder above it is a file. (One not made yet, as before its first delivery, is watched: red team 78.)"""
    config = _configured(world, mailboxes=[{"name": "vanthu", "maildir": _maildir(world)},
                                           {"name": "vanthu2", "maildir": "directory.csv/Maildir2"}])
    status, err = _started(world, "run", "--config", config)
    assert status == 2, err[-2000:]
    assert _one_line(err) == (f"qlvb-gateway: mailboxes.vanthu2.maildir: {world.root}/directory.csv is a file, not a folder: "
                              f"no Maildir can be at {world.root}/directory.csv/Maildir2")


# 10. a store that cannot be written

@pytest.mark.parametrize("command", ["run", "web"])
def test_a_store_that_cannot_be_written_stops_run_and_web_at_start(world: World, command: str) -> None:
    """Before: `run` started and backed off for ever (NotADirectoryError), `status` exiting 0 for 15 minutes."""
    config = _configured(world, mailboxes=[{"name": "vanthu", "maildir": _maildir(world), "poll_seconds": 1}],
                         storage="directory.csv/store", web={"port": free_port()})
    status, err = _started(world, command, "--config", config)
    assert status == 2, err[-2000:]
    assert _one_line(err) == f"qlvb-gateway: storage: {world.root}/directory.csv/store: cannot write there (Not a directory)"


# 11. SIGHUP

def test_sighup_stops_the_daemon_cleanly_as_sigterm_does(world: World) -> None:
    """Before: killed by the signal's default action, "gateway stopped" never logged, its mailbox left "connected"."""
    from test_daemon import start_daemon

    _configured(world, mailboxes=[{"name": "vanthu", "maildir": _maildir(world), "poll_seconds": 1}])
    daemon = start_daemon(world)
    daemon.send_signal(signal.SIGHUP)
    daemon.wait(timeout=60)
    log = daemon.log.read_text(errors="replace")  # type: ignore[attr-defined]
    assert daemon.returncode == 0 and "gateway stopped" in log, log[-3000:]
    done = world.run("status", "--config", str(world.config_path), "--json", check=False)
    assert [m["connected"] for m in json.loads(done.stdout)["mailboxes"]] == [False]
