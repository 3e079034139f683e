"""qlvb-gateway: the command line (click). Exit status: 0 done, 2 bad usage or configuration, 1 internal
failure, 3 a send held for the clerk (an entry that does not resolve, no electronic sub-heading, a secret
document), 4 `status`: an alert (a mailbox failing for longer than monitoring.alert_after_seconds, the register
not readable as it is).

Each command reads its arguments, calls the gateway and prints through gateway/cli_format.py; what it
reads from the register comes from registry/queries.py."""

from __future__ import annotations

import gc
import importlib
import logging
import os
import tempfile
import sys
import warnings
from collections.abc import Callable
from contextlib import closing
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from sqlalchemy.exc import DatabaseError, OperationalError

from gateway import mail_budget
from gateway import cli_format as out
from gateway.config import Config, ConfigError, load_config
from registry.errors import RegisterUnavailable

if TYPE_CHECKING:
    from gateway.app import Gateway
    from gateway.intake.pipeline import IncomingMail
    from registry.printed import Period, PrintedRegister

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_HELD, EXIT_ALERT = 0, 1, 2, 3, 4
CHILDREN_IGNORE = ("ignore:DSA is deprecated", "ignore::RuntimeWarning:runpy")  # PYTHONWARNINGS entries (main)

F = TypeVar("F", bound=Callable[..., Any])
# a register's year, and a row's number: what the register can hold (red team 110: 20 digits were SQLite's traceback,
# year 0 Python's)
YEAR = click.IntRange(1970, 9999)
ROW = click.IntRange(1, 2**63 - 1)


class UsageError(Exception):
    """A command's argument that cannot be used (a missing file, an unknown id): said on stderr, exit 2."""


# the options several commands share, each defined once

def config_option(command: F) -> F:
    return click.option("--config", "config_path", default="config.yaml", show_default=False,
                        help="configuration file (default ./config.yaml)")(command)


def json_option(help: str = "print JSON, one object a line") -> Callable[[F], F]:
    return click.option("--json", "as_json", is_flag=True, help=help)


def actor_option(default: Callable[[], str] | str, help: str | None = None) -> Callable[[F], F]:
    return click.option("--actor", default=default, show_default=False, help=help)


def _clerk() -> str:
    return os.environ.get("USER", "clerk")


CLERK_HELP = "who decides (the audit log keeps it)"


def _config(config_path: str) -> Config:
    return load_config(Path(config_path))


def _existing(name: str, label: str | None = None) -> Path:
    path = Path(name)
    if not path.is_file():
        raise UsageError(f"{label or name}: no such file")
    return path


@click.group(context_settings={"help_option_names": ["-h", "--help"]},
             help="E-mail gateway for official documents")
@click.version_option(package_name="qlvb-gateway", prog_name="qlvb-gateway", message="%(prog)s %(version)s")
def cli() -> None:
    pass


def _group(name: str, help: str) -> click.Group:
    group = click.Group(name, help=help)
    cli.add_command(group)
    return group


# ingest, check

def _read_mails(paths: list[Path], gateway: Gateway, *, keep: bool) -> list[IncomingMail]:
    """The mail files, each whole; one larger than limits.max_mail_mb as the daemon takes one from its mailbox: read in
    chunks, kept whole in the content store (`keep`: by ingest, not by check) and analysed from its headers alone,
    `mail-too-large` (red team 94: read whole, a worker died taking it, and the mail was said to be the machine's
    failure)."""
    from gateway.intake.analysis import HEADER_BYTES
    from gateway.intake.pipeline import IncomingMail
    from gateway.model import Whole
    from registry.store import Measured

    too_large = int(gateway.config.limits.max_mail_mb * 2**20)
    mails = []
    for path in paths:
        if path.stat().st_size <= too_large:
            mails.append(IncomingMail(source=str(path), raw=path.read_bytes()))
            continue
        # kept as the daemon keeps one: only where the store's disk has room for it beside what the mails after it need
        kept = keep and gateway.store.free_bytes() >= path.stat().st_size + gateway.config.limits.room_needed
        with path.open("rb") as file:  # read once: its head is the beginning of what is kept and hashed
            measured = Measured(iter(lambda: file.read(2**20), b""), head=HEADER_BYTES)
            digest, size = gateway.store.put_chunks(measured) if kept else (measured.through().digest, measured.size)
        mails.append(IncomingMail(source=str(path), raw=measured.head, whole=Whole(size, digest, kept or not keep)))
    return mails


def _mail_command(name: str, help: str, *, record: bool) -> None:
    """`ingest` (record=True) or `check` (the same decision, the register untouched)."""
    @cli.command(name, help=help)
    @config_option
    @json_option("one JSON object per document")
    @click.argument("files", nargs=-1, required=True, metavar="FILE.eml...")
    def command(config_path: str, as_json: bool, files: tuple[str, ...]) -> int:
        from gateway.app import Gateway
        from gateway.intake.pipeline import Intake

        config = _config(config_path)
        paths = [_existing(name) for name in files]  # each named file there, before the register is opened
        with closing(Gateway.open(config)) as gateway:
            mails = _read_mails(paths, gateway, keep=record)
            with gateway.worker_pool() as pool, out.progress("đăng ký" if record else "kiểm tra", len(mails)) as done:
                intake = Intake(gateway, pool)
                if record:
                    intake.destroy_recalled()  # what a process that died left of a recall
                for outcome in intake.process(mails, record=record):
                    for document in outcome.documents:
                        out.print_json(document.as_json()) if as_json else print(out.summary_line(document), flush=True)
                    done.advance()
        return EXIT_OK


_mail_command("ingest", "process mail files into the register", record=True)
_mail_command("check", "decide on mail files without touching the register", record=False)


@cli.command(help="read a document's particulars and recipient block")
@click.argument("file", metavar="FILE.pdf")
@json_option()
@click.option("--no-body", is_flag=True,
              help="do not OCR a scan's body (\"Như Điều 3\" then stays unresolved, with a warning); faster")
def parse(file: str, as_json: bool, no_body: bool) -> int:
    from gateway.reading import read_pdf_bytes

    path = _existing(file)
    data = path.read_bytes()
    if data.find(b"%PDF-", 0, 1024) < 0:  # MuPDF opens a text file or a picture as a document (a newcomer: README.md)
        raise UsageError(f"{file}: not a PDF (no %PDF- header)")
    try:
        reading = read_pdf_bytes(data, body=not no_body)
    except Exception as exc:  # not a PDF MuPDF can open
        raise UsageError(f"{file}: cannot be read as a PDF ({type(exc).__name__})") from None
    out.print_json(reading.as_json()) if as_json else out.print_indented_json(reading.as_json())
    return EXIT_OK


# the register of incoming documents

register = _group("register", "the incoming register")


@register.command("add", help="register a paper document with the next incoming number")
@config_option
@click.option("--issuer", required=True)
@click.option("--number", required=True, help="số, ký hiệu as printed, e.g. 123/UBND-VP")
@click.option("--summary", required=True, help="trích yếu")
@click.option("--date", "issued", help="date of the document, YYYY-MM-DD")
@click.option("--type", "type_name", help="Công văn, Quyết định …")
@click.option("--signer")
@click.option("--received-at", help="ISO 8601, not in the future; default now (outside office hours: their next start)")
@click.option("--note")
@click.option("--secrecy", help="the document's secrecy mark (Mật, Tối mật, Tuyệt mật): passed on without its content")
@click.option("--again", is_flag=True, help="register it even if the register holds it already (its electronic copy)")
@actor_option("clerk")
@json_option()
def register_add(config_path: str, issuer: str, number: str, summary: str, issued: str | None, type_name: str | None,
                 signer: str | None, received_at: str | None, note: str | None, secrecy: str | None, again: bool,
                 actor: str, as_json: bool) -> int:
    from gateway.app import Gateway
    from registry.closed_years import YearClosed
    from registry.paper import AlreadyRegistered, PaperDocument, register_paper

    from gateway.intake.office_hours import OfficeCalendar

    config = _config(config_path)
    from vntext import blank

    empty = [name for name, value in (("--issuer", issuer), ("--number", number), ("--summary", summary)) if blank(value)]
    if empty:  # a number given for nothing can never be given back (red teams 110, 111: blank, or only what shows nothing)
        raise UsageError(f"{', '.join(empty)}: must not be empty")
    now = datetime.now(timezone.utc)
    # seed 000 Đ11.2, as for mail: a document taken in outside office hours counts from the next office hours' start
    # (the register's numbers follow the times of receipt: paper registered at night after mail so moved came before it)
    # Python's "Invalid isoformat string" told nobody what to type (a newcomer, stop 50); each option said alone (red
    # team 151: a --date never given was named)
    try:
        received = datetime.fromisoformat(received_at) if received_at else now
    except ValueError:
        raise UsageError(f"--received-at {received_at}: write the time received as YYYY-MM-DDTHH:MM, e.g. "
                         "2026-12-07T09:30") from None
    try:
        issued_date = date.fromisoformat(issued).isoformat() if issued else None
    except ValueError:
        raise UsageError(f"--date {issued}: write the date as YYYY-MM-DD, e.g. 2026-12-07") from None
    if received.tzinfo is None:
        received = received.replace(tzinfo=config.tz)
    if received_at and received > now + timedelta(minutes=1):
        raise UsageError(f"--received-at: {received_at} is in the future")
    if received.year < 1970:  # red team 110: "0226-12-01" (for 2026) numbered 1 of a register of the year 226
        raise UsageError(f"--received-at: {received_at} is before 1970: a typing mistake?")
    if issued_date is not None and date.fromisoformat(issued_date) > received.astimezone(config.tz).date():
        raise UsageError(f"--date: {issued} is after the day it was received ({received.astimezone(config.tz):%Y-%m-%d})")
    received = OfficeCalendar(config).received_at(received)  # a time given too (red team 107: paper taken in at 18:00 on 31
    # December was numbered in the old year, a mail of that moment in the new)
    if secrecy is not None:  # Luật Bảo vệ bí mật nhà nước 2018 Đ8: three degrees, no other (a newcomer's "Foo" was kept)
        from vntext import SECRECY, fold

        secrecy = SECRECY.get(fold(secrecy.strip()))
        if secrecy is None:
            raise UsageError(f"--secrecy: one of {', '.join(SECRECY.values())}")
    with closing(Gateway.open(config)) as gateway:
        agency = gateway.directory.by_issuer(issuer)
        try:
            incoming, year = register_paper(gateway.register, config.agency.code, PaperDocument(
                issuer=issuer, number=number, issued_date=issued_date, type_name=type_name, subject=summary,
                signer=signer, received_at=received.astimezone(config.tz), note=note, secrecy=secrecy,
                agency=agency.name if agency else None,
            ), actor=actor, again=again)
        except AlreadyRegistered as exc:
            raise UsageError(f"{exc} (--again registers it anyway)") from None
        except YearClosed as exc:
            raise UsageError(str(exc)) from None
    result = {"incoming_number": incoming, "year": year, "issuer": issuer, "number": number}
    out.print_json(result) if as_json else print(out.registered_paper(result))
    return EXIT_OK


@register.command("list", help="print the register")
@config_option
@click.option("--year", type=YEAR)
@json_option()
def register_list(config_path: str, year: int | None, as_json: bool) -> int:
    from gateway.app import Gateway
    from registry.paper import list_register

    config = _config(config_path)
    with closing(Gateway.open(config)) as gateway:
        rows = list_register(gateway.register, config.agency.code, year, config.tz)
    if as_json:
        for row in rows:
            out.print_json(row)
    elif rows:
        out.print_register(rows)
    else:
        out.print_none(f"văn bản nào trong sổ{f' năm {year}' if year else ''}")
    return EXIT_OK


def _period(year: int, start: str | None, end: str | None) -> Period:
    from registry.printed import period_of

    try:
        return period_of(year, *(date.fromisoformat(d) if d else None for d in (start, end)))
    except ValueError as exc:
        raise UsageError(f"--from/--to: {exc}") from None


def _printed(config: Config, period: Period, volume: int) -> PrintedRegister:
    from registry.database import Register
    from registry.printed import printed_register

    with closing(Register(config.database, store=Path(config.storage))) as database, database.session() as session:
        return printed_register(session, config.agency.code, config.agency.name, period, config.tz, volume=volume)


def _output(config: Config, config_path: str, output: str, magic: bytes = b"%PDF-") -> Path:
    """Where a printed register may be written: a folder that is there, never one of the gateway's own files (red team
    110: `register print -o qlvb.db` wrote the PDF over the register itself) nor into its content store, nor over a
    file that does not begin with `magic` (what is written: a PDF's, or an XLSX's, a ZIP's)."""
    from registry.database import sqlite_path

    path = Path(output).resolve()
    database = sqlite_path(config.database)
    own = {Path(config_path).resolve(), *((Path(database).resolve(),) if database else ()),
           *((Path(config.directory).resolve(),) if config.directory else ())}
    own |= {Path(f"{file}{suffix}") for file in own for suffix in ("-wal", "-shm", "-journal")}
    if path in own or path.is_relative_to(Path(config.storage).resolve()):
        raise UsageError(f"{output}: the gateway's own file (its register, configuration, directory or store): "
                         "give another file")
    if not path.parent.is_dir() or not os.access(path.parent, os.W_OK):
        raise UsageError(f"{output}: cannot write there (no such folder, or not ours)")
    if path.is_dir():  # red team 151: the year closed, then its volume not written ("Errno 21", a temporary's name)
        raise UsageError(f"{output}: a folder: give the name of the file to write")
    if path.is_file():  # only a file of the kind written is written over (red team 111: a trust root, a CRL)
        with path.open("rb") as existing:
            if not existing.read(len(magic)) == magic:
                raise UsageError(f"{output}: a file of another kind is there: give another file")
    return path


def _write(output: str, render: Callable[[PrintedRegister], bytes], register: PrintedRegister) -> None:
    """The register rendered, then put in place at once (a failure leaves no half file, nor an earlier file changed)."""
    from gateway.fonts import FontMissing

    path = Path(output)
    part: Path | None = None
    try:
        # a temporary of its own beside it, made anew (O_EXCL): never a name planted there before (red team 111: a link
        # at the fixed ".NAME.part" wrote the register's PDF over the register)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        part = Path(name)
        with os.fdopen(handle, "wb") as written:
            written.write(render(register))
        os.replace(part, path)
    except (FontMissing, OSError) as exc:
        if part is not None:
            part.unlink(missing_ok=True)
        said = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)  # never a temporary's name
        raise UsageError(f"{output}: cannot be written ({said})") from None
    lines = register.lines
    print(f"{output}: {len(lines)} văn bản" + (f", số {lines[0].number} đến {lines[-1].number}" if lines else ""))


def register_output(suffix: str, required: bool = True) -> Callable[[F], F]:
    """--config, --year, the file written and the cover's volume: what print, export and close share."""
    def decorate(command: F) -> F:
        for option in (click.option("--volume", type=click.IntRange(1, 999), default=1, show_default=True,
                                    help="quyển số, on the cover"),
                       click.option("-o", "--output", required=required, metavar=f"FILE.{suffix}"),
                       click.option("--year", type=YEAR, required=True), config_option):
            command = option(command)
        return command
    return decorate


def period_options(command: F) -> F:
    for option in (click.option("--to", "end", metavar="YYYY-MM-DD", help="the last day (default: the last line's)"),
                   click.option("--from", "start", metavar="YYYY-MM-DD", help="the first day (default: the first line's)")):
        command = option(command)
    return command


@register.command("print", help="the register as NĐ 30/2020 Phụ lục IV prints it: a PDF, A4 landscape, with its cover")
@register_output("pdf")
@period_options
def register_print(config_path: str, year: int, output: str, volume: int, start: str | None, end: str | None) -> int:
    from gateway.printed_register import render_pdf

    config = _config(config_path)
    _write(str(_output(config, config_path, output)), render_pdf, _printed(config, _period(year, start, end), volume))
    return EXIT_OK


@register.command("export", help="the register's ten columns as a spreadsheet")
@register_output("xlsx")
@period_options
@click.option("--format", "fmt", type=click.Choice(["xlsx"]), default="xlsx", show_default=True)
def register_export(config_path: str, year: int, output: str, volume: int, start: str | None, end: str | None,
                    fmt: str) -> int:
    from gateway.register_sheet import render_xlsx

    config = _config(config_path)
    written = _output(config, config_path, output, b"PK\x03\x04")
    _write(str(written), render_xlsx, _printed(config, _period(year, start, end), volume))
    return EXIT_OK


@register.command("close", help="close a past year: print its final volume; no paper entry is added to it afterwards")
@register_output("pdf", required=False)
@actor_option(_clerk, CLERK_HELP)
def register_close(config_path: str, year: int, output: str | None, volume: int, actor: str) -> int:
    from gateway.printed_register import render_pdf
    from registry.closed_years import close_year, waiting_after_closing, year_over
    from registry.database import Register
    from registry.printed import Period

    config = _config(config_path)
    if not year_over(year, datetime.now(config.tz).date()):
        raise UsageError(f"--year {year}: the year is not over (a register is closed at the year's end)")
    written = _output(config, config_path, output or f"so-den-{year}.pdf")  # before it is closed (red team 110: closed,
    # then its volume could not be written)
    register = Register(config.database, store=Path(config.storage))
    with closing(register) as database, database.session() as session, session.begin():
        closed = close_year(session, config.agency.code, year, actor=actor, now=datetime.now(timezone.utc), tz=config.tz)
    when = f"{closed.closed_at.astimezone(config.tz):%d/%m/%Y %H:%M}"
    print(f"Sổ năm {year} {'đã khóa từ trước' if closed.already else 'đã khóa'}: {when}, {closed.closed_by}"
          + (waiting_after_closing(closed.waiting) if closed.waiting else ""))
    _write(str(written), render_pdf, _printed(config, Period(year), volume))
    return EXIT_OK


# the directory of agencies

directory = _group("directory", "the directory of agencies")


@directory.command("import", help="load a directory CSV or YAML file")
@config_option
@click.argument("file")
@click.option("--whole", "whole_directory", is_flag=True,
              help="the file is the whole directory: withdraw every agency it does not name, whichever file gave it "
                   "(our own agency never)")
@actor_option("operator")
def directory_import(config_path: str, file: str, whole_directory: bool, actor: str) -> int:
    from gateway.app import Gateway, directory_source, sync_directory
    from gateway.directory import DirectoryError, parse_directory, shared_summary

    config = _config(config_path)
    path = _existing(file)
    try:
        entries = parse_directory(path)
    except DirectoryError as exc:
        raise UsageError(str(exc)) from None
    source = directory_source(path)
    # the configuration's own file is the whole directory; any other adds agencies, and withdraws only those it gave
    whole = config.directory is not None and directory_source(config.directory) == source
    with closing(Gateway.open(config)) as gateway, gateway.register.session() as session, session.begin():
        synced = sync_directory(session, entries, source, actor=actor, whole=whole, ours=config.agency.code,
                                every=whole_directory)
    print(synced.summary(file))
    if (shared := shared_summary(entries)) is not None:  # its mail proves a document of any of them (red team 78)
        print(f"shared: {shared}")
    return EXIT_OK


@directory.command("resolve", help="which agencies a recipient entry names")
@config_option
@click.argument("entry", metavar="ENTRY")
@json_option()
def directory_resolve(config_path: str, entry: str, as_json: bool) -> int:
    from gateway.app import Gateway
    from gateway.resolver import Resolver

    with closing(Gateway.open(_config(config_path))) as gateway:
        resolution = Resolver(gateway.directory, gateway.us.agency).resolve(entry)
    result = resolution.as_json()
    out.print_json(result) if as_json else print(out.resolution_text(result, [w.message for w in resolution.warnings]))
    return EXIT_OK


# the daemon and its monitoring

@cli.command(help="the daemon: watch the mailboxes, register, file, answer")
@config_option
def run(config_path: str) -> int:
    """The daemon: watch the configured mailboxes until SIGTERM, SIGINT or SIGHUP."""
    import signal
    import threading

    stop = threading.Event()  # SIGTERM from now on stops cleanly, even while starting
    # SIGHUP too: the terminal it was started from closed, or `kill -HUP` by habit, killed it uncleanly, its mailboxes
    # left "connected" (red team 76); the configuration is read again by a restart
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda *_: stop.set())

    logging.getLogger("qlvb").setLevel(logging.INFO)
    config = _config(config_path)
    if not config.mailboxes:
        raise UsageError("mailboxes: no mailbox to watch in the configuration")
    config.check_secrets()  # a missing password or PIN is a configuration error, said at once
    _check_maildirs(config)
    _check_storage(config)
    _start_worker_server()
    # the gateway's own modules after the configuration's checks: a mistake in it is said a second sooner
    from gateway.app import Gateway
    from gateway.daemon import Daemon
    from gateway.intake.pipeline import Intake
    from gateway.outbox import OutboxSender

    with closing(Gateway.open(config)) as gateway, gateway.worker_pool() as pool:
        sender = OutboxSender(gateway.register, config.smtp, config.agency.mailbox) if config.smtp else None
        daemon = Daemon(gateway, Intake(gateway, pool), sender, stop=stop)
        daemon.run()
    return EXIT_OK


def _start_worker_server() -> None:
    """The server the threaded daemon and desk fork their PDF workers from, started as a fork of this process once the
    workers' modules are loaded and before the command's own (`gateway.workers.start_server_by_fork`)."""
    from gateway.workers import start_server_by_fork

    start_server_by_fork()


def _check_maildirs(config: Config) -> None:
    """Each Maildir watched, said at start (red team 76: found only at every back-off). One no mail has reached yet is
    no error (red team 78: Postfix and Dovecot make cur, new and tmp at its first delivery; `run` stopped, the other
    mailboxes' mail waiting): a warning, then that mailbox backs off as any failing one, `status` saying why. A path
    that can never be a Maildir (a file where a folder goes) is a configuration error."""
    for mailbox in config.mailboxes:
        folder = mailbox.maildir
        if folder is None:
            continue
        key = f"mailboxes.{mailbox.name}.maildir"
        parts = [folder / part for part in ("cur", "new", "tmp")]
        there = next(path for path in (folder, *folder.parents) if path.exists())  # its cur, new, tmp or nearest folder
        for path in (*(part for part in parts if part.exists()), there):
            if not path.is_dir():
                raise ConfigError(f"{key}: {path} is a file, not a folder: no Maildir can be at {folder}")
        if not all(path.is_dir() for path in parts):
            logging.getLogger("qlvb.maildir").warning(
                "%s: no Maildir at %s yet (its cur, new and tmp folders): watched from its first delivery", key, folder)


def _check_storage(config: Config) -> None:
    """The store can be made and written, said at start (red team 76: the daemon ran, backing off for ever)."""
    import tempfile

    folder = Path(config.storage)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise ConfigError(f"storage: {folder}: cannot write there ({exc.strerror or type(exc).__name__})") from None


@cli.command(help="each mailbox's state, the outbox queue and the store's free space; exit 4 when a mailbox "
                  "has failed longer than monitoring.alert_after_seconds, or the register cannot be read as it is "
                  "(never made nor migrated here)")
@config_option
@json_option()
def status(config_path: str, as_json: bool) -> int:
    """Each mailbox's state, the outbox and the store's free space; exit 4 on an alert (Nagios-style)."""
    from gateway.monitoring import Watch, report, spool_state, store_space
    from registry.database import Register, normalise_url, sqlite_path
    from registry.queries import mailbox_states, outbox_counts

    config = _config(config_path)
    now = datetime.now(timezone.utc)
    try:  # the register as it is: never made (a mistyped path) nor migrated (code pulled, daemon not restarted) here
        database = Register(config.database, existing=True)
    except RegisterUnavailable as exc:
        return _register_alert(str(exc), as_json)
    with closing(database), database.reading() as session:
        states, outbox = mailbox_states(session), outbox_counts(session)
    watch = Watch({m.name: m.poll_seconds for m in config.mailboxes}, config.limits.seconds_per_mail,
                  config.monitoring.alert_after_seconds)
    register_file = sqlite_path(normalise_url(config.database))
    result = report(states, outbox, store_space(Path(config.storage)), watch, now,
                    spool_state(config.spool) if config.listener is not None else None,
                    store_space(Path(register_file)) if register_file else None,
                    room_needed=config.limits.room_needed)
    out.print_json(out.status_json(result)) if as_json else out.print_status(result, config.tz)
    return EXIT_ALERT if result.alerts else EXIT_OK


def _register_alert(reason: str, as_json: bool) -> int:
    """`status` when the register cannot be read: one line (or one JSON object, its one alert named `database`), and
    the alert's exit status (red team 76: a traceback and exit 1, a monitoring check's mere warning)."""
    line = f"database: {reason}"
    if as_json:
        out.print_json({"alerts": [{"mailbox": "database", "failing_since": None, "error": reason, "message": line}]})
    else:
        print(line)
    return EXIT_ALERT


@cli.command(help="queue the clerk's digest now (the daemon sends it)")
@config_option
def digest(config_path: str) -> int:
    """Queue the clerk's digest now (the daemon sends it; it also runs at schedule.digest)."""
    from gateway.app import Gateway
    from gateway.digest import queue_digest

    with closing(Gateway.open(_config(config_path))) as gateway:
        queued = queue_digest(gateway)
    print(f"Đã xếp bản tin tổng hợp vào hàng gửi: {queued} thư (gửi khi tiến trình `run` chạy)")
    return EXIT_OK


# passing registered documents on to the agency's units (Bắc Kạn QĐ 26/2020 Đ9.3.b)

class _DefaultGroup(click.Group):
    """A group whose first word may be left out: `pass …` is `pass on …`."""

    default = "on"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = [self.default, *args]
        return super().parse_args(ctx, args)


passing_group = _DefaultGroup("pass", help="pass a registered document on to the agency's units (units: in the config); "
                                            "`pass NUMBER --lead UNIT …` is `pass on NUMBER --lead UNIT …`")
cli.add_command(passing_group)


def _this_year(config: Config) -> int:
    return datetime.now(config.tz).year


def _passing(config_path: str, act: Callable[[Gateway], Any]) -> Any:
    """`act` on the opened gateway, its refusal said as a usage error, then what it queued sent."""
    from gateway.app import Gateway
    from gateway.passing_rules import PassRefused

    with closing(Gateway.open(_config(config_path))) as gateway:
        try:
            done = act(gateway)
        except PassRefused as exc:
            raise UsageError(str(exc)) from None
        _send_now(gateway)
    return done


@passing_group.command("on", help="pass a document (by its incoming number) to a lead unit and co-ordinating ones")
@config_option
@click.argument("number", type=ROW)
@click.option("--year", type=YEAR, help="the register's year (default this year)")
@click.option("--lead", required=True, help="the lead unit's code (chủ trì)")
@click.option("--with", "co", multiple=True, help="a co-ordinating unit's code (phối hợp); repeat for several")
@click.option("--deadline", type=click.DateTime(["%Y-%m-%d"]), help="thời hạn giải quyết, YYYY-MM-DD")
@click.option("--note", default="", help="the leader's instruction (ý kiến chỉ đạo)")
@json_option()
@actor_option(_clerk, "the clerk or leader who passes it on (the audit log keeps it)")
def pass_on(config_path: str, number: int, year: int | None, lead: str, co: tuple[str, ...], deadline: datetime | None,
            note: str, as_json: bool, actor: str) -> int:
    from gateway.passing import PassRequest, pass_on as record

    def act(gateway: Gateway) -> Any:
        request = PassRequest(year or _this_year(gateway.config), number, lead, actor, co,
                              deadline.date() if deadline else None, note)
        return record(gateway, request)

    passed = _passing(config_path, act)
    out.print_json(out.passed_json(passed)) if as_json else print(out.passed_text(passed))
    return EXIT_OK


def _mark_command(step: str, help: str) -> None:
    @passing_group.command(step, help=help)
    @config_option
    @click.argument("number", type=ROW)
    @click.option("--year", type=YEAR, help="the register's year (default this year)")
    @click.option("--unit", required=True, help="the unit's code")
    @json_option()
    @actor_option(_clerk, "the unit's person who marks it (the register's column 9 names who received it)")
    def command(config_path: str, number: int, year: int | None, unit: str, as_json: bool, actor: str) -> int:
        from gateway.passing import mark

        marked = _passing(config_path, lambda gateway: mark(gateway, year or _this_year(gateway.config), number, unit,
                                                            "done" if step == "done" else "received", actor))
        out.print_json(out.marked_json(marked)) if as_json else print(out.marked_text(marked))
        return EXIT_OK


_mark_command("received", "a unit marks a document passed to it received (worked on)")
_mark_command("done", "a unit marks a document passed to it done (the lead's tells the sender 06)")


@passing_group.command("list", help="the documents passed on, to one unit or all")
@config_option
@click.option("--unit", help="the unit's code")
@click.option("--year", type=YEAR)
@json_option()
def pass_list(config_path: str, unit: str | None, year: int | None, as_json: bool) -> int:
    from gateway.passing import tasks

    listed = _passing(config_path, lambda gateway: tasks(gateway, unit, year))
    codes = [u.code for u in _config(config_path).units]
    if unit is not None and not listed and unit.lower() not in (c.lower() for c in codes):  # a typo is not "nothing"
        raise UsageError(f"--unit {unit}: no such unit (units: {', '.join(codes) or 'none configured'})")
    for task in listed:
        out.print_json(out.task_json(task)) if as_json else print(out.task_text(task))
    if not listed and not as_json:
        out.print_none("văn bản nào đã chuyển")
    return EXIT_OK


@passing_group.command("remind", help="queue the reminders of deadlines now (the daemon does it each working morning)")
@config_option
def pass_remind(config_path: str) -> int:
    from gateway.passing import queue_reminders

    count = _passing(config_path, queue_reminders)
    print(f"Đã gửi {count} thư nhắc hạn giải quyết")
    return EXIT_OK


crls = _group("crls", "certificate revocation lists")


@crls.command("refresh", help="fetch trust.crl_urls now")
@config_option
@json_option()
def crls_refresh(config_path: str, as_json: bool) -> int:
    """Fetch trust.crl_urls now (the daemon also does it every trust.crl_refresh_hours)."""
    from gateway.app import Gateway
    from gateway.crls import refresh_crls

    config = _config(config_path)
    if not config.trust.crl_urls:
        raise UsageError("trust.crl_urls: no CRL to fetch (fetching is not allowed in this configuration)")
    with closing(Gateway.open(config)) as gateway:
        results = refresh_crls(config.trust.crl_urls, gateway.fetched_crls)
    for r in results:
        line = {"url": r.url, "ok": r.ok, "detail": r.detail}
        out.print_json(line) if as_json else print(out.crl_line(line))
    return EXIT_OK if all(r.ok for r in results) else EXIT_INTERNAL


# review: mails held for the clerk

review = _group("review", "mails held for the clerk")


def _reviewing(config_path: str, action: Callable[[Gateway], int]) -> int:
    """`action` on the register, a ReviewError said as a usage error."""
    from gateway import review as reviews
    from gateway.app import Gateway

    with closing(Gateway.open(_config(config_path))) as gateway:
        try:
            return action(gateway)
        except reviews.ReviewError as exc:
            if exc.problem == "unavailable":  # the machine's failure, not the clerk's: exit 1 (red team 93)
                print(f"qlvb-gateway: {exc}", file=sys.stderr)
                return EXIT_INTERNAL
            raise UsageError(str(exc)) from None


def review_command(name: str, help: str) -> Callable[[F], click.Command]:
    """A decision on one held mail: its id, --config, --json and who decides."""
    def decorate(command: F) -> click.Command:
        with_options = actor_option(_clerk, CLERK_HELP)(json_option()(command))
        return review.command(name, help=help)(config_option(click.argument("mail_id", metavar="ID", type=ROW)(with_options)))
    return decorate


@review.command("list", help="what waits for review")
@config_option
@json_option("print one JSON array")
def review_list(config_path: str, as_json: bool) -> int:
    from gateway import review as reviews

    def show(gateway: Gateway) -> int:
        held = reviews.waiting(gateway)
        if as_json:
            out.print_json([out.held_mail_json(h) for h in held])
        elif held:
            out.print_review_list(held)
        else:
            out.print_none("thư nào chờ xem xét")
        return EXIT_OK
    return _reviewing(config_path, show)


@review_command("show", "one held mail, its reasons, files and history")
def review_show(config_path: str, mail_id: int, as_json: bool, actor: str) -> int:
    from gateway import review as reviews

    def show(gateway: Gateway) -> int:
        held = out.held_mail_detail_json(reviews.show(gateway, mail_id))
        out.print_json(held) if as_json else out.print_indented_json(held)
        return EXIT_OK
    return _reviewing(config_path, show)


@review_command("release", "register it with the next number and acknowledge it")
def review_release(config_path: str, mail_id: int, as_json: bool, actor: str) -> int:
    from gateway import review as reviews
    from gateway.intake.pipeline import Intake

    def release(gateway: Gateway) -> int:
        with gateway.worker_pool(size=1) as pool:
            for released in reviews.release(gateway, Intake(gateway, pool), mail_id, actor):
                out.print_json(out.released_json(released)) if as_json else print(out.released_line(released))
            reviews.refile(gateway, mail_id, "accepted")
        return EXIT_OK
    return _reviewing(config_path, release)


@review_command("return", "send it back to the sender with a reason")
@click.option("--reason", required=True)
def review_return(config_path: str, mail_id: int, as_json: bool, actor: str, reason: str) -> int:
    from gateway import review as reviews
    from gateway.intake.pipeline import Intake

    def send_back(gateway: Gateway) -> int:
        with gateway.worker_pool(size=1) as pool:
            reviews.return_to_sender(gateway, Intake(gateway, pool), mail_id, reason, actor)
            reviews.refile(gateway, mail_id, "returned")
        _decided(mail_id, "returned", as_json)
        return EXIT_OK
    return _reviewing(config_path, send_back)


@review_command("discard", "close it without an answer")
@click.option("--note", help="why it is closed without an answer, kept in the audit log")
def review_discard(config_path: str, mail_id: int, as_json: bool, actor: str, note: str | None) -> int:
    from gateway import review as reviews

    def discard(gateway: Gateway) -> int:
        reviews.discard(gateway, mail_id, actor, note or "")
        _decided(mail_id, "discarded", as_json)
        return EXIT_OK
    return _reviewing(config_path, discard)


def _decided(mail_id: int, review: str, as_json: bool) -> None:
    """What `review return` and `discard` did, said (a newcomer's ran and printed nothing)."""
    if as_json:
        out.print_json({"id": mail_id, "review": review})
    else:
        print(f"Đã trả lại thư số {mail_id} cho nơi gửi." if review == "returned"
              else f"Đã bỏ qua thư số {mail_id} (không trả lời).")


# outgoing

def _send_now(gateway: Gateway) -> None:
    """Hand what is queued to the SMTP server now (the daemon retries what the server does not take)."""
    from gateway.outbox import OutboxSender

    config = gateway.config
    if config.smtp is not None:
        OutboxSender(gateway.register, config.smtp, config.agency.mailbox).send_due()


@cli.command(help="send a signed scan to every electronic recipient its block names")
@config_option
@click.argument("file", metavar="FILE.pdf")
@click.option("--draft", metavar="FILE.docx", help="the editable draft, attached as well")
@click.option("--dry-run", is_flag=True, help="print the plan; send and register nothing")
@click.option("--confirm", multiple=True, metavar="ENTRY=CODE[,CODE]",
              help="the clerk's choice for an entry that did not resolve: its agencies' codes, or - for paper")
@json_option()
def send(config_path: str, file: str, draft: str | None, dry_run: bool, confirm: tuple[str, ...], as_json: bool) -> int:
    from gateway.app import Gateway
    from gateway.outgoing.send import ChoiceError, OutgoingFile, OutgoingSender, UnreadablePdf, parse_choices
    from gateway.outgoing.signing import SigningError

    path = _existing(file)
    attached = None
    if draft:
        attached = (Path(draft).name, _existing(draft, f"--draft {draft}").read_bytes())
    with closing(Gateway.open(_config(config_path))) as gateway:
        with gateway.worker_pool(size=1) as pool:
            sender = OutgoingSender(gateway, pool)
            try:
                choices = parse_choices(list(confirm), gateway.directory.by_code)
                item = OutgoingFile(str(path), path.name, path.read_bytes(), attached)
                outcome = sender.send(item, dry_run=dry_run, choices=choices)
            except (ChoiceError, SigningError, UnreadablePdf) as exc:
                raise UsageError(str(exc)) from None
        if outcome.registered and not outcome.already_sent:
            _send_now(gateway)
            rows = sender.recipients_json_by_identifier(outcome.plan.identifier)
            outcome = type(outcome)(outcome.plan, True, False, tuple(rows))
    result = outcome.as_json()
    out.print_json(result) if as_json else print(out.plan_text(result))
    return EXIT_OK if dry_run or outcome.registered else EXIT_HELD


@cli.command(help="the outgoing register: documents sent and each recipient's state")
@config_option
@click.option("--year", type=YEAR)
@json_option("one JSON object per document")
def sent(config_path: str, year: int | None, as_json: bool) -> int:
    """The outgoing register: each document sent and, per recipient, where it stands."""
    from gateway.app import Gateway
    from registry.queries import sent_documents

    with closing(Gateway.open(_config(config_path))) as gateway, gateway.register.session() as session:
        rows = [out.sent_json(document) for document in sent_documents(session, year)]
    for row in rows:
        out.print_json(row) if as_json else print(out.sent_text(row))
    if not rows and not as_json:
        out.print_none("văn bản đi nào đã gửi")
    return EXIT_OK


@cli.command(help="recall a sent document (edXML 13) from every recipient")
@config_option
@click.argument("identifier", metavar="ID")
@click.option("--reason", required=True)
@json_option()
@actor_option(_clerk, CLERK_HELP)
def recall(config_path: str, identifier: str, reason: str, as_json: bool, actor: str) -> int:
    """Recall by the identifier AGENCYCODE-YYYY.N (or the outgoing register's id)."""
    from gateway.app import Gateway
    from gateway.exchange.recall import RecallError, recall_outgoing

    with closing(Gateway.open(_config(config_path))) as gateway:
        try:
            recalled = recall_outgoing(gateway, identifier, reason, actor)
        except RecallError as exc:
            raise UsageError(str(exc)) from None
        _send_now(gateway)
    result = {"identifier": recalled.identifier, "recall_sent_to": recalled.recipients, "withheld_from": recalled.withheld,
              "recall_waiting_for": recalled.waiting}
    out.print_json(result) if as_json else print(out.recall_text(result))
    return EXIT_OK


# the clerk's desk and its people

people_group = _group("user", "the people who use the desk (web)")


def _read_password() -> str:
    """The new password: asked twice at a terminal, else the first line of stdin."""
    if sys.stdin.isatty():
        return str(click.prompt("Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu"))
    return sys.stdin.readline().rstrip("\r\n")


def _people(config_path: str, change: Callable[[Any], Any]) -> Any:
    """`change` on a session of the register in one transaction, a PeopleError said as a usage error."""
    from registry.database import Register
    from registry.people import PeopleError

    config = _config(config_path)
    register = Register(config.database, store=Path(config.storage))
    with closing(register) as database, database.session() as session, session.begin():
        try:
            return change(session)
        except PeopleError as exc:
            raise UsageError(str(exc)) from None


@people_group.command("add", help="add a person: password from a prompt, or the first line of stdin")
@config_option
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["clerk", "leader", "unit", "viewer"]))
@click.option("--unit", help="the unit (its code in the config's units) of a unit's person")
@json_option()
@actor_option(_clerk, "who adds (the audit log keeps it)")
def user_add(config_path: str, name: str, role: str, unit: str | None, as_json: bool, actor: str) -> int:
    from registry.people import PeopleError, add_person, check_unit

    units = [u.code for u in _config(config_path).units]
    try:  # said before the password is asked for
        check_unit(role, unit, units)
    except PeopleError as exc:
        raise UsageError(str(exc)) from None
    password = _read_password()
    row = _people(config_path, lambda session: add_person(session, name, role, unit, password, actor=actor, units=units))
    out.print_json(out.person_json(row)) if as_json else print(f"{row.name}: {row.role}{f' ({row.unit})' if row.unit else ''}")
    return EXIT_OK


@people_group.command("list", help="the people and their roles")
@config_option
@json_option()
def user_list(config_path: str, as_json: bool) -> int:
    from registry.people import people

    rows = _people(config_path, people)
    if as_json:
        for row in rows:
            out.print_json(out.person_json(row))
    elif rows:
        out.print_people(rows)
    else:
        out.print_none("người dùng nào")
    return EXIT_OK


@people_group.command("disable", help="disable a person: no more logins, the open sessions end")
@config_option
@click.argument("name")
@actor_option(_clerk, "who disables (the audit log keeps it)")
def user_disable(config_path: str, name: str, actor: str) -> int:
    from registry.people import disable_person, person

    def disable(session: Any) -> bool:
        before = person(session, name)  # None: disabled already (no such person: disable_person says so)
        disable_person(session, name, actor=actor)
        return before is not None

    done = _people(config_path, disable)  # what it did, said (red team 110: nothing printed, twice)
    print(f"{name}: đã khóa, không đăng nhập được nữa" if done else f"{name}: đã khóa từ trước")
    return EXIT_OK


@cli.command(help="serve the clerk's desk (web.host:web.port in the configuration)")
@config_option
def web(config_path: str) -> int:
    logging.getLogger("qlvb").setLevel(logging.INFO)
    config = _config(config_path)
    _check_listen(config.web.host, config.web.port)
    _check_storage(config)
    _start_worker_server()
    from gateway.web.app import serve  # after the configuration's checks, as `run`'s

    try:
        serve(config)
    except SystemExit as exc:  # uvicorn's own "startup failure" is 3, our status for a send held for the clerk
        if exc.code in (None, 0):
            raise
        raise ConfigError(f"web: cannot start on {config.web.host}:{config.web.port} (uvicorn's error above)") from None
    return EXIT_OK


def _check_listen(host: str, port: int) -> None:
    """A taken port or an address not of this host, said as the metrics' is: exit 2 naming the address."""
    import socket

    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET  # as uvicorn chooses it
        socket.create_server((host, port), family=family).close()  # SO_REUSEADDR, as uvicorn binds
    except OSError as exc:
        raise ConfigError(f"web: cannot listen on {host}:{port}: {exc.strerror or exc}") from None


@cli.command(help="show the whole product on generated documents")
@click.option("--dir", "directory", default="demo-out", help="where the demo writes its files (default ./demo-out)")
@click.option("--serve", is_flag=True, help="then serve the clerk's desk on the demo's register until Ctrl-C")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="the desk's port (--serve)")
def demo(directory: str, serve: bool, port: int) -> int:
    from gateway.demo.run import not_a_demo_folder, run_demo

    if (problem := not_a_demo_folder(Path(directory))) is not None:
        raise UsageError(problem)
    if serve:
        _check_listen("127.0.0.1", port)  # before the demo's minute, not after it (a newcomer was told "serving")
    if not serve:
        return run_demo(Path(directory))
    from gateway.web.app import make_app  # the desk, on the floor above the demo, handed down to it

    return run_demo(Path(directory), port, desk=make_app)


PRIVATE_UMASK = 0o027  # what the gateway writes (register, store, spool, pictures) no other user reads; as the units' UMask=


def private_files() -> int:
    """The process's umask tightened to PRIVATE_UMASK at least (never loosened): the previous one, to put back."""
    previous = os.umask(PRIVATE_UMASK)
    os.umask(previous | PRIVATE_UMASK)
    return previous


def _unsaid_deprecations() -> None:
    """pyHanko, imported by the commands, imports cryptography's DSA, which the gateway never uses: its deprecation
    printed at every command looked like a fault to a newcomer (the workers' interpreter runs with -Wignore already)."""
    warnings.filterwarnings("ignore", message="DSA is deprecated")


def main(argv: list[str] | None = None) -> int:
    """The command line on argv (sys.argv when None); returns the exit status."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    _unsaid_deprecations()
    umask = private_files()  # red team 76: the register and the page pictures were written 0644 (umask 022)
    # the Python processes the gateway starts (the worker server, multiprocessing's resource tracker: `python -c`
    # programs) never import from the working directory, which Python puts first on their path: a module planted in a
    # folder others may write to, the daemon started from it by hand, ran in every worker (red team 91)
    os.environ["PYTHONSAFEPATH"] = "1"
    # and say none of the warnings this process is kept from saying (a newcomer: the worker server printed the DSA
    # deprecation again; runpy, run again by multiprocessing in each worker of `python -m gateway.cli`, its own)
    said = [w for w in os.environ.get("PYTHONWARNINGS", "").split(",") if w]
    os.environ["PYTHONWARNINGS"] = ",".join(said + [w for w in CHILDREN_IGNORE if w not in said])  # each once, however
    # often main runs in one process (the tests run it in theirs)
    try:
        code = cli.main(args=argv, prog_name="qlvb-gateway", standalone_mode=False)
    except click.ClickException as exc:  # click's usage errors: exit 2, as argparse's were, in one line (red team 110)
        print(f"qlvb-gateway: {' '.join(exc.format_message().split())}", file=sys.stderr)
        return exc.exit_code
    except (ConfigError, UsageError) as exc:
        print(f"qlvb-gateway: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except click.Abort:  # Ctrl-C
        return EXIT_INTERNAL
    except RegisterUnavailable as exc:  # a register of a newer gateway's revision (red team 91): one line, as status says it
        print(f"qlvb-gateway: database: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    except (DatabaseError, PermissionError) as exc:  # the register out of reach: said in one line (a newcomer: a
        # traceback of 140 lines for a PostgreSQL not started or a SQLite file the service user may not open; red team 110:
        # a register file that is no database); a value the database refused is the last line of defence's
        if isinstance(exc, DatabaseError) and not isinstance(exc, OperationalError) and type(exc) is not DatabaseError:
            logging.getLogger("qlvb-gateway").exception("internal failure: %s", exc)
            return EXIT_INTERNAL
        print(f"qlvb-gateway: {out.unreachable(exc)}", file=sys.stderr)
        logging.getLogger("qlvb-gateway").debug("the register out of reach", exc_info=True)
        return EXIT_INTERNAL
    except OSError as exc:  # the disk, the network, the workers unable to judge any mail (WorkersUnavailable): the
        # machine's, said in one line (red team 93: `ingest` with the store's disk full was an "internal failure" and a
        # traceback); nothing was recorded of the mail in hand
        print(f"qlvb-gateway: {exc}", file=sys.stderr)
        logging.getLogger("qlvb-gateway").debug("the machine's failure", exc_info=True)
        return EXIT_INTERNAL
    except Exception as exc:  # the last line of defence: report, exit 1
        logging.getLogger("qlvb-gateway").exception("internal failure: %s", exc)
        return EXIT_INTERNAL
    finally:
        mail_budget.rest()
        os.umask(umask)
    return code if isinstance(code, int) else EXIT_OK


# what a command imports before its work, loaded by `entry` (first word of the command line: its modules)
MODULES_OF = {
    "run": ("gateway.daemon", "gateway.intake.pipeline", "gateway.outbox", "gateway.workers"),
    **dict.fromkeys(("ingest", "check"), ("gateway.intake.pipeline",)),
    "web": ("gateway.web.app",),
    "demo": ("gateway.demo.run",),
    "parse": ("gateway.reading",),
    **dict.fromkeys(("register", "directory", "digest", "pass", "crls", "review", "send", "sent", "recall", "user"),
                    ("gateway.app",)),
}


def entry() -> int:
    """The `qlvb-gateway` program (its console script, `python -m gateway.cli`): `main` on the process's arguments, the
    command's modules (MODULES_OF) imported first with the cyclic garbage collector off, then frozen.

    Importing them made 160,000 objects and the collector went through the growing heap again and again: 0.28 s of
    CPU of a command's 1.5 s start (three full collections, 0.19 s). Frozen (`gc.freeze`), they are never gone through
    again: the daemon's later full collections skip them, and its forked PDF workers do not write to the pages they
    share with it by marking them. A command not named, or one's later imports, load as ever with the collector on."""
    _unsaid_deprecations()
    gc.disable()
    try:
        command = next((word for word in sys.argv[1:] if not word.startswith("-")), None)
        for module in MODULES_OF.get(command or "", ()):
            importlib.import_module(module)
    except ImportError:
        pass  # the command's own import says it, as main says any failure
    finally:
        gc.freeze()
        gc.enable()
    return main()


if __name__ == "__main__":
    sys.exit(entry())
