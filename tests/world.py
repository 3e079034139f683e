"""A small province for the tests: a test PKI, a directory of agencies, our agency's configuration,
and helpers that build real mails and run the real command line on them."""

from __future__ import annotations

import contextlib
import functools
import io
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml
from cryptography import x509

from kit import DemoPki, DkimKey, DocumentSpec, Identity, make_mail, render_document, scan, sign_pdf

US = {"code": "000.00.15.H06", "name": "Sở Nội vụ tỉnh Bắc Giang", "mailbox": "vanthu@snv.bacgiang.gov.vn"}
STP = "vanthu@sotp.bacgiang.gov.vn"
STC = "vanthu@stc.bacgiang.gov.vn"
UBND = "vanthu@bacgiang.gov.vn"
MX = "mx.bacgiang.gov.vn"

DIRECTORY_CSV = f"""code,name,mailbox,aliases,groups
000.00.00.H06,UBND tỉnh Bắc Giang,{UBND},ỦY BAN NHÂN DÂN TỈNH BẮC GIANG|UBND tỉnh,
000.00.14.H06,Sở Tư pháp tỉnh Bắc Giang,{STP},Sở Tư pháp,"Sở, ban, ngành|Sở, cơ quan thuộc UBND tỉnh"
000.00.15.H06,Sở Nội vụ tỉnh Bắc Giang,{US['mailbox']},Sở Nội vụ,"Sở, ban, ngành|Sở, cơ quan thuộc UBND tỉnh"
000.00.16.H06,Sở Tài chính tỉnh Bắc Giang,{STC},Sở Tài chính,"Sở, ban, ngành|Sở, cơ quan thuộc UBND tỉnh"
"""

# `qlvb-gateway` as a test starts it: a fork of this test process's zygote (tests/zygote.py), its modules imported
# already; GATEWAY_EXEC as a user starts it, for a test that looks at the process itself (its id, children, group)
GATEWAY_EXEC = [sys.executable, "-m", "gateway.cli"]
GATEWAY = [sys.executable, "-I", "-S", str(Path(__file__).with_name("zygote_client.py"))]
# `python -c PROGRAM ARGS` so forked, for a test's program that puts a defect into the command it then runs
PYTHON_C = [*GATEWAY, "-c"]
# Documents laid out already, by what was asked (a layout costs 60 ms, and the suite asks the same ones again and again)
_RENDERED: dict[str, bytes] = {}
RENDERED_KEPT = 64


@functools.cache
def _dkim_key(domain: str) -> DkimKey:
    return DkimKey.generate(domain)


def _fresh_id(pdf: bytes) -> bytes:
    """The file with another trailer /ID (the only bytes that told two renderings of one document apart); the trailer
    follows the cross-reference table, so no offset moves."""
    at, end = pdf.rfind(b"/ID["), pdf.rfind(b"]>>\nstartxref")
    if at < 0 or end < at or at < len(pdf) - 4096:
        return pdf
    return pdf[:at] + b"/ID[<" + os.urandom(16).hex().upper().encode() + b"><" + os.urandom(16).hex().upper().encode() + \
        b">" + pdf[end:]


@dataclass
class World:
    root: Path
    pki: DemoPki
    signers: dict[str, Identity]
    stranger: DemoPki
    dkim: dict[str, DkimKey]
    config_path: Path
    extra: dict[str, Any] = field(default_factory=dict)

    # ---- documents ------------------------------------------------------------------------
    def document(self, **changes: Any) -> bytes:
        """The document laid out (each call a file of its own: a fresh /ID, as two renderings had)."""
        key = repr(sorted(changes.items()))
        pdf = _RENDERED.pop(key, None) or render_document(DocumentSpec(**changes))
        _RENDERED[key] = pdf  # the most recent last
        while len(_RENDERED) > RENDERED_KEPT:
            del _RENDERED[next(iter(_RENDERED))]
        return _fresh_id(pdf)

    def signed(self, who: str = "stp", pdf: bytes | None = None, **kw: Any) -> bytes:
        pki = self.stranger if who == "stranger" else self.pki
        return sign_pdf(pdf or self.document(), self.signers[who], pki, **kw)

    def scanned(self, pdf: bytes | None = None, dpi: int = 150) -> bytes:
        return scan(pdf or self.document(), dpi=dpi)

    def stored_files(self) -> list[str]:
        """The files of the store, as paths in it: its content, not the lock files of `leases/` (mailboxes', and one
        mail's steps', gateway/mail_lock.py), which hold nothing of a mail."""
        store = self.root / "store"
        return sorted(str(p.relative_to(store)) for p in store.rglob("*")
                      if p.is_file() and p.relative_to(store).parts[0] != "leases") if store.exists() else []

    # ---- mails ----------------------------------------------------------------------------
    def mail(
        self, name: str, *, sender: str = STP, to: list[str] | None = None, attachments: list[tuple[str, bytes]] = (),  # type: ignore[assignment]
        auth: str | None = "dkim", **kw: Any,
    ) -> Path:
        """auth: 'dkim' (signed with the sender domain's key), 'smtp' (auth=pass from the province's
        server), 'dmarc', or None (nothing proves the sender)."""
        domain = sender.rsplit("@", 1)[1]
        results = list(kw.pop("auth_results", []))
        key = None
        if auth == "dkim":
            key = self.dkim.get(domain)
            if key is None:  # a new domain: its key (one a domain, made once a process), and the config that trusts it
                key = self.dkim[domain] = _dkim_key(domain)
                self.write_config()
        elif auth == "smtp":
            results.append(f"{MX}; auth=pass smtp.auth={sender}")
        elif auth == "dmarc":  # DMARC by SPF: the domain's own server sent it (its envelope the From's domain)
            results.append(f"{MX}; spf=pass smtp.mailfrom={sender}; dmarc=pass header.from={domain}")
        raw = make_mail(
            sender=sender, to=to if to is not None else [US["mailbox"]], subject=kw.pop("subject", f"Gửi văn bản {name}"),
            attachments=list(attachments), auth_results=results, dkim_key=key, **kw,
        )
        path = self.root / "mails" / f"{name}.eml"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(raw)
        return path

    # ---- configuration and command line ---------------------------------------------------
    def config_dict(self) -> dict[str, Any]:
        cfg: dict[str, Any] = {
            "agency": dict(US),
            "timezone": "Asia/Ho_Chi_Minh",
            "office_hours": {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "07:30", "end": "17:00",
                             "extra_holidays": [], "extra_workdays": []},
            "database": "sqlite:///qlvb.db",
            "storage": "store",
            "directory": "directory.csv",
            "trust": {"roots": ["pki/root.pem"], "crls": ["pki/intermediate.crl", "pki/root.crl"], "revocation": "soft"},
            "authentication": {"trusted_authserv_ids": [MX],
                               "dkim_keys": {k.dns_name: k.txt_record for k in self.dkim.values()}, "dns": False},
            "limits": {"max_mail_mb": 50, "seconds_per_document": 60},
            "notify": {"clerk": [US["mailbox"]], "urgent": ["lanhdao@snv.bacgiang.gov.vn"]},
        }
        for key, value in self.extra.items():
            if isinstance(value, dict) and isinstance(cfg.get(key), dict):
                cfg[key] = {**cfg[key], **value}
            else:
                cfg[key] = value
        return cfg

    def use_servers(self, imap_port: int, smtp_port: int | None = None, *, poll_seconds: float = 60) -> None:
        """Watch our clerk mailbox on a test Dovecot (plain text on loopback) and send through a test SMTP server."""
        self.extra["mailboxes"] = [{"name": "vanthu", "poll_seconds": poll_seconds, "imap": {
            "host": "127.0.0.1", "port": imap_port, "security": "none", "username": US["mailbox"],
            "password_env": "QLVB_IMAP_PASSWORD"}}]
        if smtp_port is not None:
            self.extra["smtp"] = {"host": "127.0.0.1", "port": smtp_port, "security": "none"}

    def write_config(self) -> None:
        self.config_path.write_text(yaml.safe_dump(self.config_dict(), allow_unicode=True), encoding="utf-8")

    def run(self, *args: str, check: bool = True, process: bool = False) -> subprocess.CompletedProcess[str]:
        """The command line on `args` from the agency's folder: in this process (the CLI's own main,
        its stdout, stderr and exit status captured), or, with process=True, as a user starts it.
        A command that starts worker processes runs as a process of its own while this one has threads
        (a test's SMTP or HTTP server): its workers would be fresh interpreters then (spawn, not fork). The daemon and
        the desk always do: each starts its workers' server as a fork of its own process, never to be the test's."""
        if process or (threading.active_count() > 1 and _starts_workers(args)) or args[:1] in (("run",), ("web",)):
            env = dict(os.environ, PYTHONWARNINGS="ignore")
            done = subprocess.run([*GATEWAY, *args], capture_output=True, text=True, cwd=self.root, env=env, timeout=600)
        else:
            done = run_in_process(list(args), self.root)
        if check and done.returncode != 0:
            raise AssertionError(f"exit {done.returncode}: {done.stderr[-3000:]}")
        return done

    def ingest(self, *mails: Path, command: str = "ingest", process: bool = False) -> list[dict[str, Any]]:
        done = self.run(command, "--config", str(self.config_path), "--json", *map(str, mails), process=process)
        return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]

    def db(self):  # type: ignore[no-untyped-def]
        from registry.database import Register

        return Register(f"sqlite:///{self.root / 'qlvb.db'}")

    def documents(self) -> list[Any]:
        """The register's documents (registry.models.Document rows), in the order of their incoming numbers."""
        from sqlalchemy import select

        from registry.models import Document

        register = self.db()
        try:
            with register.session() as s:
                return list(s.scalars(select(Document).order_by(Document.arrival_number)).all())
        finally:
            register.close()


def _starts_workers(args: tuple[str, ...]) -> bool:
    """Whether the command reads PDFs in worker processes (ingest, check, send, a review's release or return)."""
    words = [a for a in args if not a.startswith("-")]
    return bool(words) and (words[0] in ("ingest", "check", "send")
                            or words[:2] in (["review", "release"], ["review", "return"]))


def run_in_process(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`qlvb-gateway ARGS` run by the CLI's public entry in this process, from `cwd`: what it writes
    to stdout and stderr (its log included) and its exit status, as `subprocess.run` reports them."""
    from gateway import cli

    stdout, stderr = io.StringIO(), io.StringIO()
    log = logging.StreamHandler(stderr)
    log.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    log.setLevel(logging.WARNING)
    root_logger = logging.getLogger()
    root_logger.addHandler(log)
    before = os.getcwd()
    try:
        os.chdir(cwd)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                status = cli.main(args)
            except SystemExit as exit_:  # a command line that ends by sys.exit (click's standalone mode)
                status = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
                if isinstance(exit_.code, str):
                    stderr.write(exit_.code + "\n")
    finally:
        os.chdir(before)
        root_logger.removeHandler(log)
    return subprocess.CompletedProcess(["qlvb-gateway", *args], int(status or 0), stdout.getvalue(), stderr.getvalue())


def certified_copy(pdf: bytes, copier: str, parent: str, number: str, form: str = "SAO Y") -> bytes:
    """The document with a copy page as NĐ 30/2020 Phụ lục I lays it out: the copying agency under its
    parent and the copy's number on the left, the form and the place and date on the right."""
    import pymupdf

    from kit import font_file

    doc = pymupdf.open(stream=pdf, filetype="pdf")
    page = doc.new_page(width=595, height=842)
    page.insert_font(fontname="vn", fontfile=str(font_file(False)))
    page.insert_font(fontname="vnb", fontfile=str(font_file(True)))
    page.draw_line((80, 60), (545, 60))
    for x, y, text, font in ((90, 90, parent, "vn"), (90, 108, copier, "vnb"), (380, 108, form, "vnb"),
                             (90, 130, f"Số: {number}", "vn"), (330, 130, "Bắc Giang, ngày 25 tháng 11 năm 2026", "vn")):
        page.insert_text((x, y), text, fontname=font, fontsize=13)
    return doc.tobytes()


def our_identifier(n: int) -> str:
    """The identifier of our n-th outgoing document of this year (the year in Vietnam)."""
    return f"{US['code']}-{datetime.now(timezone(timedelta(hours=7))).year}.{n}"


@functools.cache
def _new_register() -> bytes:
    """A new SQLite register as the gateway makes it (`registry.database.Register`, its migrations run), made once a test
    process: a world begins with a copy (the twenty migrations cost 90 ms of CPU, about a tenth of the test processes'
    time when each world ran them). Empty when SQLite kept a write-ahead log beside it: then none is copied."""
    from registry.database import Register

    with tempfile.TemporaryDirectory() as folder:
        Register(f"sqlite:///{folder}/qlvb.db").close()
        return b"" if any(Path(folder).glob("qlvb.db-*")) else (Path(folder) / "qlvb.db").read_bytes()


def make_world(root: Path, pki: DemoPki, signers: dict[str, Identity], stranger: DemoPki, **extra: Any) -> World:
    root.mkdir(parents=True, exist_ok=True)
    if template := _new_register():  # readable by its owner alone, as the gateway makes it
        with open(os.open(root / "qlvb.db", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
            file.write(template)
    pki.write(root / "pki")
    (root / "directory.csv").write_text(DIRECTORY_CSV, encoding="utf-8")
    world = World(root=root, pki=pki, signers=signers, stranger=stranger, dkim={}, config_path=root / "config.yaml",
                  extra=extra)
    world.write_config()
    return world


def build_pki() -> tuple[DemoPki, dict[str, Identity], DemoPki]:
    pki = DemoPki.create()
    now = datetime.now(timezone.utc)
    signers = {
        "stp": pki.signer("Sở Tư pháp tỉnh Bắc Giang", "Sở Tư pháp tỉnh Bắc Giang"),
        "stc": pki.signer("Sở Tài chính tỉnh Bắc Giang", "Sở Tài chính tỉnh Bắc Giang", kind="ecdsa"),
        # people of Sở Tư pháp (a person's certificate: CN the person, OU the agency, O its parent)
        "revoked": pki.signer("Nguyễn Văn Bình", "UBND tỉnh Bắc Giang", unit="Sở Tư pháp", locality="Bắc Giang"),
        "expired": pki.signer("Lê Thị Hạnh", "UBND tỉnh Bắc Giang", unit="Sở Tư pháp", locality="Bắc Giang",
                              valid_from=now - timedelta(days=400), valid_until=now - timedelta(days=2)),
    }
    pki.revoke(signers["revoked"])
    # revoked ten days ago: the agency renamed in a reorganisation (its key its own still), and a key stolen
    # ("backdated": renamed, but the CRL says the certificate was not to be trusted from forty days ago)
    for name, person, reason, invalid_from in (
            ("reorganised", "Trần Văn Cường", x509.ReasonFlags.affiliation_changed, None),
            ("compromised", "Phạm Thị Dung", x509.ReasonFlags.key_compromise, None),
            ("backdated", "Vũ Văn Hải", x509.ReasonFlags.affiliation_changed, now - timedelta(days=40))):
        signers[name] = pki.signer(person, "UBND tỉnh Bắc Giang", unit="Sở Tư pháp", locality="Bắc Giang")
        pki.revoke(signers[name], at=now - timedelta(days=10), reason=reason, invalid_from=invalid_from)
    stranger = DemoPki.create("CA lạ")
    signers["stranger"] = stranger.signer("Sở Tư pháp tỉnh Bắc Giang", "Sở Tư pháp tỉnh Bắc Giang")
    return pki, signers, stranger


@contextlib.contextmanager
def daemon_jobs(world: World, monkeypatch: Any, *, retry_seconds: float, database: str | None = None) -> Any:
    """gateway/daemon.py with a daemon of the world's configuration running its jobs (`scheduled_digest`,
    `scheduled_reminders`, called as its scheduler calls them), a failed run tried again every `retry_seconds`; its
    register `database`, by default the world's SQLite file waited for 0.2 s when another process holds it
    (`register_locked`), then found locked."""
    from contextlib import closing

    from gateway import daemon
    from gateway.app import Gateway
    from gateway.config import load_config
    from gateway.intake.pipeline import Intake

    world.extra["database"] = database or f"sqlite:///{world.root / 'qlvb.db'}?timeout=0.2"
    world.write_config()
    monkeypatch.setattr(daemon, "RETRY_SECONDS", retry_seconds)
    with closing(Gateway.open(load_config(world.config_path))) as gateway, gateway.worker_pool() as pool:
        monkeypatch.setattr(daemon, "_RUNNING", daemon.Daemon(gateway, Intake(gateway, pool), None))
        yield daemon


@contextlib.contextmanager
def register_locked(world: World) -> Any:
    """The world's SQLite register locked by another process (its write lock) until the yielded call lets go."""
    import sqlite3

    lock = sqlite3.connect(world.root / "qlvb.db", isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")

    def let_go() -> None:
        if lock.in_transaction:
            lock.rollback()

    try:
        yield let_go
    finally:
        let_go()
        lock.close()
