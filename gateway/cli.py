"""qlvb-gateway: the command line. Exit status: 0 done, 2 bad usage or configuration, 1 internal failure,
3 a send held for the clerk (an entry that does not resolve, no electronic sub-heading, a secret document),
4 `status`: an alert (a mailbox failing for longer than monitoring.alert_after_seconds)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from gateway.config import ConfigError, load_config

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_HELD, EXIT_ALERT = 0, 1, 2, 3, 4


class UsageError(Exception):
    pass


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _summary_line(o: dict[str, Any]) -> str:
    number = f"số đến {o['incoming_number']}" if o.get("incoming_number") else (
        f"trùng số đến {o['duplicate_of']}" if o.get("duplicate_of") else "-"
    )
    doc = o.get("document") or {}
    codes = ",".join(r["code"] for r in o.get("reasons", [])) or "-"
    return f"{o['verdict']:<11} {number:<16} {doc.get('number') or '-':<20} {o['file']}  [{codes}]"


def _config(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    return load_config(Path(args.config))


def _read_mails(paths: list[str]):  # type: ignore[no-untyped-def]
    from gateway.intake.pipeline import IncomingMail

    mails = []
    for name in paths:
        path = Path(name)
        if not path.is_file():
            raise UsageError(f"{name}: no such file")
        mails.append(IncomingMail(source=str(path), raw=path.read_bytes()))
    return mails


def cmd_ingest(args: argparse.Namespace, *, record: bool) -> int:
    from gateway.app import Gateway
    from gateway.intake.pipeline import Intake

    config = _config(args)
    mails = _read_mails(args.files)
    gateway = Gateway.open(config)
    try:
        with gateway.worker_pool() as pool:
            intake = Intake(gateway, pool)
            for outputs in intake.process(mails, record=record):
                for output in outputs:
                    _print_json(output) if args.json else print(_summary_line(output))
    finally:
        gateway.close()
    return EXIT_OK


def cmd_parse(args: argparse.Namespace) -> int:
    from gateway.reading import read_pdf_bytes

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{args.file}: no such file")
    try:
        reading = read_pdf_bytes(path.read_bytes(), body=not args.no_body)
    except Exception as exc:  # not a PDF MuPDF can open
        raise UsageError(f"{args.file}: cannot be read as a PDF ({type(exc).__name__})") from None
    out = reading.as_json()
    if args.json:
        _print_json(out)
    else:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    """The daemon: watch the configured mailboxes until SIGTERM or SIGINT."""
    import signal
    import threading

    stop = threading.Event()  # SIGTERM from now on stops cleanly, even while starting
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())

    from gateway.app import Gateway
    from gateway.daemon import Daemon
    from gateway.intake.pipeline import Intake
    from gateway.outbox import OutboxSender

    logging.getLogger("qlvb").setLevel(logging.INFO)
    config = _config(args)
    if not config.mailboxes:
        raise UsageError("mailboxes: no mailbox to watch in the configuration")
    for source in config.mailboxes:  # a missing password is a configuration error, said at once
        if source.imap is not None:
            source.imap.password()
    if config.smtp is not None:
        config.smtp.password()
    gateway = Gateway.open(config)
    try:
        with gateway.worker_pool() as pool:
            sender = OutboxSender(gateway.register, config.smtp, config.agency.mailbox) if config.smtp else None
            daemon = Daemon(gateway, Intake(gateway, pool), sender, stop=stop)
            daemon.run()
    finally:
        gateway.close()
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    """Each mailbox's state, the outbox and the store's free space; exit 4 when a mailbox has been
    failing for longer than monitoring.alert_after_seconds (for Nagios-style checks)."""
    from sqlalchemy import func, select

    from registry.database import Register
    from registry.models import MailboxState, Outbox

    config = _config(args)
    now = datetime.now(timezone.utc)
    register = Register(config.database)
    try:
        with register.session() as session:
            states = session.scalars(select(MailboxState).order_by(MailboxState.name)).all()
            counts = dict(session.execute(select(Outbox.state, func.count()).group_by(Outbox.state)).all())
            failed = session.scalars(select(Outbox).where(Outbox.state == "failed").order_by(Outbox.id.desc()).limit(10)).all()
            mailboxes = [{
                "name": s.name, "connected": s.connected, "last_uid": s.last_uid, "backlog": s.backlog,
                "last_mail_at": s.last_mail_at.isoformat() if s.last_mail_at else None, "error": s.last_error,
                "failing_since": s.failing_since.isoformat() if s.failing_since else None,
                "failing_seconds": round((now - s.failing_since).total_seconds()) if s.failing_since else 0,
                "updated_at": s.updated_at.isoformat() if s.updated_at else None,
            } for s in states]
            outbox = {"queued": counts.get("queued", 0), "sent": counts.get("sent", 0), "failed": counts.get("failed", 0),
                      "failures": [{"id": f.id, "to": f.recipient, "kind": f.kind, "error": f.last_error} for f in failed]}
    finally:
        register.close()
    configured = {m.name for m in config.mailboxes}
    for name in sorted(configured - {m["name"] for m in mailboxes}):
        mailboxes.append({"name": name, "connected": False, "last_uid": 0, "backlog": None, "last_mail_at": None,
                          "error": "chưa chạy", "failing_since": None, "failing_seconds": 0, "updated_at": None})
    limit = config.monitoring.alert_after_seconds
    alerts = [{"mailbox": m["name"], "failing_since": m["failing_since"], "error": m["error"],
               "message": f"hộp thư {m['name']} lỗi liên tục {m['failing_seconds']} giây (ngưỡng {limit:g} giây)"}
              for m in mailboxes if m["failing_seconds"] > limit]
    # a daemon that stopped writes nothing: a mailbox it watched and has not looked at for a poll, a
    # mail's analysis and the alert threshold is not watched (it looks at least once a poll, idle or
    # not; a failing one more often until it has failed for longer than the threshold)
    polls = {m.name: m.poll_seconds for m in config.mailboxes}
    for m in mailboxes:
        seen = datetime.fromisoformat(m["updated_at"]) if m["updated_at"] else None
        quiet = polls.get(m["name"], 60) + config.limits.seconds_per_mail + limit
        m["watched"] = seen is not None and (now - seen).total_seconds() <= quiet
        if seen is not None and not m["watched"] and m["name"] in polls and m["failing_seconds"] <= limit:
            alerts.append({"mailbox": m["name"], "failing_since": m["failing_since"], "error": m["error"],
                           "message": f"hộp thư {m['name']} không được theo dõi từ {m['updated_at']}: "
                                      f"tiến trình chạy nền (qlvb-gateway run) đã dừng?"})
    store = _store_space(Path(config.storage))
    status = EXIT_ALERT if alerts else EXIT_OK
    if args.json:
        _print_json({"mailboxes": mailboxes, "outbox": outbox, "store": store, "alerts": alerts})
        return status
    for m in mailboxes:
        state = "đã kết nối" if m["connected"] else "không kết nối"
        print(f"{m['name']:<16} {state:<14} chờ xử lý {m['backlog'] if m['backlog'] is not None else '-':<5} "
              f"thư gần nhất {m['last_mail_at'] or '-'}  {('lỗi: ' + m['error']) if m['error'] else ''}")
    print(f"outbox: {outbox['queued']} chờ gửi, {outbox['sent']} đã gửi, {outbox['failed']} gửi không được")
    for f in outbox["failures"]:
        print(f"  #{f['id']} {f['kind']} → {f['to']}: {f['error']}")
    print(f"kho lưu trữ {store['path']}: còn trống {store['free_bytes'] / 2**30:.1f} GiB "
          f"trên {store['total_bytes'] / 2**30:.1f} GiB")
    for alert in alerts:
        print(f"CẢNH BÁO: {alert['message']}: {alert['error'] or '-'}")
    return status


def _store_space(path: Path) -> dict[str, Any]:
    """Free space on the file system of the content store (or of the folder it will be made in)."""
    import shutil

    existing = path.resolve()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    usage = shutil.disk_usage(existing)
    return {"path": str(path), "free_bytes": usage.free, "total_bytes": usage.total}


def cmd_review(args: argparse.Namespace) -> int:
    from gateway import review
    from gateway.app import Gateway
    from gateway.intake.pipeline import Intake

    config = _config(args)
    gateway = Gateway.open(config)
    try:
        if args.action == "list":
            rows = review.waiting(gateway)
            if args.json:
                _print_json(rows)
            for r in [] if args.json else rows:
                print(f"{r['id']:>6}  {r['received_at'][:16]}  {r['from']:<34} {(r['subject'] or '')[:40]:<40} [{', '.join(r['reasons'])}]")
            return EXIT_OK
        if args.action == "show":
            _print_json(review.show(gateway, args.id)) if args.json else print(
                json.dumps(review.show(gateway, args.id), ensure_ascii=False, indent=2))
            return EXIT_OK
        if args.action == "discard":
            review.discard(gateway, args.id, args.actor, args.note or "")
            return EXIT_OK
        with gateway.worker_pool(size=1) as pool:
            intake = Intake(gateway, pool)
            if args.action == "release":
                for line in review.release(gateway, intake, args.id, args.actor):
                    _print_json(line) if args.json else print(f"số đến {line['incoming_number']}: {line['document'].get('number')}")
                review.refile(gateway, args.id, "accepted")
            else:
                review.return_to_sender(gateway, intake, args.id, args.reason, args.actor)
                review.refile(gateway, args.id, "returned")
        return EXIT_OK
    except review.ReviewError as exc:
        raise UsageError(str(exc)) from None
    finally:
        gateway.close()


def cmd_digest(args: argparse.Namespace) -> int:
    """Queue the clerk's digest now (the daemon sends it; it also runs at schedule.digest)."""
    from gateway.app import Gateway
    from gateway.digest import queue_digest

    gateway = Gateway.open(_config(args))
    try:
        queue_digest(gateway)
    finally:
        gateway.close()
    return EXIT_OK


def cmd_crls_refresh(args: argparse.Namespace) -> int:
    """Fetch trust.crl_urls now (the daemon also does it every trust.crl_refresh_hours)."""
    from gateway.app import Gateway
    from gateway.crls import refresh_crls

    config = _config(args)
    if not config.trust.crl_urls:
        raise UsageError("trust.crl_urls: no CRL to fetch (fetching is not allowed in this configuration)")
    gateway = Gateway.open(config)
    try:
        results = refresh_crls(config.trust.crl_urls, gateway.fetched_crls)
    finally:
        gateway.close()
    for r in results:
        _print_json({"url": r.url, "ok": r.ok, "detail": r.detail}) if args.json else print(
            f"{'ok ' if r.ok else 'LỖI'} {r.url}: {r.detail}")
    return EXIT_OK if all(r.ok for r in results) else EXIT_INTERNAL


def cmd_directory_resolve(args: argparse.Namespace) -> int:
    from gateway.app import Gateway
    from gateway.resolver import Resolver

    gateway = Gateway.open(_config(args))
    try:
        resolution = Resolver(gateway.directory, gateway.us.agency).resolve(args.entry)
    finally:
        gateway.close()
    out = resolution.as_json()
    if args.json:
        _print_json(out)
    else:
        print(f"{out['status']}: " + "; ".join(f"{a['name']} <{a['mailbox']}>" for a in out["agencies"])
              + (f" (gần giống: {', '.join(out['candidates'])})" if out.get("candidates") else "")
              + "".join(f"\n  {w.message}" for w in resolution.warnings))
    return EXIT_OK


def _send_now(gateway) -> None:  # type: ignore[no-untyped-def]
    """Hand what is queued to the SMTP server now (the daemon retries what the server does not take)."""
    from gateway.outbox import OutboxSender

    config = gateway.config
    if config.smtp is not None:
        OutboxSender(gateway.register, config.smtp, config.agency.mailbox).send_due()


def cmd_send(args: argparse.Namespace) -> int:
    from gateway.app import Gateway
    from gateway.outgoing.send import ChoiceError, OutgoingFile, OutgoingSender, UnreadablePdf, parse_choices
    from gateway.outgoing.signing import SigningError

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{args.file}: no such file")
    draft = None
    if args.draft:
        if not Path(args.draft).is_file():
            raise UsageError(f"--draft {args.draft}: no such file")
        draft = (Path(args.draft).name, Path(args.draft).read_bytes())
    gateway = Gateway.open(_config(args))
    try:
        with gateway.worker_pool(size=1) as pool:
            sender = OutgoingSender(gateway, pool)
            try:
                choices = parse_choices(args.confirm, gateway.directory.by_code)
                item = OutgoingFile(str(path), path.name, path.read_bytes(), draft)
                outcome = sender.send(item, dry_run=args.dry_run, choices=choices)
            except (ChoiceError, SigningError, UnreadablePdf) as exc:
                raise UsageError(str(exc)) from None
        if outcome.registered and not outcome.already_sent:
            _send_now(gateway)
            rows = sender.recipients_json_by_identifier(outcome.plan.identifier)
            outcome = type(outcome)(outcome.plan, True, False, tuple(rows))
    finally:
        gateway.close()
    out = outcome.as_json()
    if args.json:
        _print_json(out)
    else:
        print(_plan_text(out))
    if args.dry_run or outcome.registered:
        return EXIT_OK
    return EXIT_HELD


def _plan_text(out: dict[str, Any]) -> str:
    doc = out["document"]
    lines = [f"Văn bản {doc.get('number') or '-'}: {doc.get('summary') or ''}", f"Mã văn bản: {out['identifier']}"
             + (" (đã ký số)" if out["signed"] else " (chưa ký số)")]
    for e in out["electronic"]:
        names = ", ".join(f"{a['name']} <{a['mailbox']}>" for a in e["agencies"])
        extra = f" — gần giống: {', '.join(e['candidates'])}" if e.get("candidates") else ""
        lines.append(f"  [{e['status']}] {e['entry']}: {names}{extra}")
    for entry in out["paper"]:
        lines.append(f"  [bản giấy] {entry}")
    for held in out["held"]:
        lines.append(f"GIỮ LẠI: {held['message']}")
    for r in out.get("recipients", []):
        lines.append(f"  → {r['name']} <{r['mailbox']}>: {r['state']}")
    return "\n".join(lines)


def cmd_sent(args: argparse.Namespace) -> int:
    """The outgoing register: each document sent and, per recipient, where it stands."""
    from sqlalchemy import select

    from gateway.app import Gateway
    from gateway.outgoing.send import recipient_json
    from registry.models import OutgoingDocument, OutgoingRecipient

    gateway = Gateway.open(_config(args))
    try:
        with gateway.register.session() as session:
            query = select(OutgoingDocument).order_by(OutgoingDocument.year, OutgoingDocument.sequence)
            if args.year:
                query = query.where(OutgoingDocument.year == args.year)
            rows = []
            for doc in session.scalars(query):
                recipients = session.scalars(select(OutgoingRecipient).where(OutgoingRecipient.document_id == doc.id)
                                             .order_by(OutgoingRecipient.id)).all()
                rows.append({"identifier": doc.identifier, "number": doc.notation, "date": doc.issued_date,
                             "type": doc.type_name, "summary": doc.subject, "signer": doc.signer_name, "signed": doc.signed,
                             "state": doc.state, "recall_reason": doc.recall_reason,
                             "sent_at": doc.created_at.isoformat(), "recipients": [recipient_json(r) for r in recipients],
                             "paper": (doc.plan or {}).get("paper", [])})
    finally:
        gateway.close()
    for row in rows:
        if args.json:
            _print_json(row)
            continue
        print(f"{row['identifier']:<24} {row['number'] or '-':<18} {row['state']:<9} {row['summary'] or ''}")
        for r in row["recipients"]:
            number = f" số đến {r['incoming_number']}" if r["incoming_number"] else ""
            reasons = f" ({', '.join(r['reasons'])})" if r["reasons"] else ""
            recall = f" thu hồi: {r['recall']}" if r["recall"] else ""
            print(f"    {r['state']:<13} {r['name']} <{r['mailbox']}>{number}{reasons}{recall}")
    return EXIT_OK


def cmd_recall(args: argparse.Namespace) -> int:
    from gateway.app import Gateway
    from gateway.exchange.recall import RecallError, recall_outgoing

    gateway = Gateway.open(_config(args))
    try:
        try:
            sent = recall_outgoing(gateway, args.id, args.reason, args.actor)
        except RecallError as exc:
            raise UsageError(str(exc)) from None
        _send_now(gateway)
    finally:
        gateway.close()
    out = {"identifier": sent.identifier, "recall_sent_to": sent.recipients}
    _print_json(out) if args.json else print(f"Đã gửi thông báo thu hồi {sent.identifier} đến: {', '.join(sent.recipients)}")
    return EXIT_OK


def cmd_register_add(args: argparse.Namespace) -> int:
    from gateway.app import Gateway
    from registry.paper import PaperDocument, register_paper

    config = _config(args)
    try:
        received = datetime.fromisoformat(args.received_at) if args.received_at else datetime.now(timezone.utc)
        issued = date.fromisoformat(args.date).isoformat() if args.date else None
    except ValueError as exc:
        raise UsageError(f"--received-at/--date: {exc}") from None
    if received.tzinfo is None:
        received = received.replace(tzinfo=config.tz)
    gateway = Gateway.open(config)
    try:
        number, year = register_paper(gateway.register, config.agency.code, PaperDocument(
            issuer=args.issuer, number=args.number, issued_date=issued, type_name=args.type, subject=args.summary,
            signer=args.signer, received_at=received.astimezone(config.tz), note=args.note,
        ), actor=args.actor)
    finally:
        gateway.close()
    out = {"incoming_number": number, "year": year, "issuer": args.issuer, "number": args.number}
    _print_json(out) if args.json else print(f"Đã vào sổ: số đến {number}/{year}")
    return EXIT_OK


def cmd_register_list(args: argparse.Namespace) -> int:
    from gateway.app import Gateway
    from registry.paper import list_register

    config = _config(args)
    gateway = Gateway.open(config)
    try:
        rows = list_register(gateway.register, config.agency.code, args.year, config.tz)
    finally:
        gateway.close()
    for row in rows:
        if args.json:
            _print_json(row)
        else:
            print(f"{row['incoming_number']:>5}  {row['received_at'][:16]}  {row['issuer'] or '-':<30.30} "
                  f"{row['number'] or '-':<18} {row['type'] or '':<10} {row['summary'] or ''}")
    return EXIT_OK


def cmd_directory_import(args: argparse.Namespace) -> int:
    from gateway.app import Gateway, sync_directory
    from gateway.directory import DirectoryError, parse_directory

    config = _config(args)
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{args.file}: no such file")
    try:
        entries = parse_directory(path)
    except DirectoryError as exc:
        raise UsageError(str(exc)) from None
    gateway = Gateway.open(config)
    try:
        with gateway.register.session() as session, session.begin():
            changed = sync_directory(session, entries, str(path), actor=args.actor)
    finally:
        gateway.close()
    print(f"{len(entries)} agencies read, {changed} added or changed")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from gateway.demo import run_demo

    return run_demo(Path(args.dir))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qlvb-gateway", description="E-mail gateway for official documents")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_config(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--config", default="config.yaml", help="configuration file (default ./config.yaml)")
        return p

    for name, help_text in (("ingest", "process mail files into the register"),
                            ("check", "decide on mail files without touching the register")):
        p = with_config(sub.add_parser(name, help=help_text))
        p.add_argument("--json", action="store_true", help="one JSON object per document")
        p.add_argument("files", nargs="+", metavar="FILE.eml")

    p = sub.add_parser("parse", help="read a document's particulars and recipient block")
    p.add_argument("file", metavar="FILE.pdf")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-body", action="store_true",
                   help="do not OCR a scan's body (\"Như Điều 3\" then stays unresolved, with a warning); faster")

    register = sub.add_parser("register", help="the incoming register").add_subparsers(dest="action", required=True)
    p = with_config(register.add_parser("add", help="register a paper document with the next incoming number"))
    p.add_argument("--issuer", required=True)
    p.add_argument("--number", required=True, help="số, ký hiệu as printed, e.g. 123/UBND-VP")
    p.add_argument("--summary", required=True, help="trích yếu")
    p.add_argument("--date", help="date of the document, YYYY-MM-DD")
    p.add_argument("--type", help="Công văn, Quyết định …")
    p.add_argument("--signer")
    p.add_argument("--received-at", help="ISO 8601; default now")
    p.add_argument("--note")
    p.add_argument("--actor", default="clerk")
    p.add_argument("--json", action="store_true")
    p = with_config(register.add_parser("list", help="print the register"))
    p.add_argument("--year", type=int)
    p.add_argument("--json", action="store_true")

    directory = sub.add_parser("directory", help="the directory of agencies").add_subparsers(dest="action", required=True)
    p = with_config(directory.add_parser("import", help="load a directory CSV or YAML file"))
    p.add_argument("file")
    p.add_argument("--actor", default="operator")
    p = with_config(directory.add_parser("resolve", help="which agencies a recipient entry names"))
    p.add_argument("entry", metavar="ENTRY")
    p.add_argument("--json", action="store_true")

    with_config(sub.add_parser("run", help="the daemon: watch the mailboxes, register, file, answer"))
    with_config(sub.add_parser("digest", help="queue the clerk's digest now (the daemon sends it)"))
    crls = sub.add_parser("crls", help="certificate revocation lists").add_subparsers(dest="action", required=True)
    p = with_config(crls.add_parser("refresh", help="fetch trust.crl_urls now"))
    p.add_argument("--json", action="store_true")
    p = with_config(sub.add_parser("status", help="each mailbox's state, the outbox queue and the store's free space; exit 4 when a mailbox has failed longer than monitoring.alert_after_seconds"))
    p.add_argument("--json", action="store_true")

    review = sub.add_parser("review", help="mails held for the clerk").add_subparsers(dest="action", required=True)
    p = with_config(review.add_parser("list", help="what waits for review"))
    p.add_argument("--json", action="store_true")
    for name, help_text in (("show", "one held mail, its reasons, files and history"),
                            ("release", "register it with the next number and acknowledge it"),
                            ("return", "send it back to the sender with a reason"),
                            ("discard", "close it without an answer")):
        p = with_config(review.add_parser(name, help=help_text))
        p.add_argument("id", type=int)
        p.add_argument("--json", action="store_true")
        p.add_argument("--actor", default=os.environ.get("USER", "clerk"), help="who decides (the audit log keeps it)")
        if name == "return":
            p.add_argument("--reason", required=True)
        if name == "discard":
            p.add_argument("--note")

    p = with_config(sub.add_parser("send", help="send a signed scan to every electronic recipient its block names"))
    p.add_argument("file", metavar="FILE.pdf")
    p.add_argument("--draft", metavar="FILE.docx", help="the editable draft, attached as well")
    p.add_argument("--dry-run", action="store_true", help="print the plan; send and register nothing")
    p.add_argument("--confirm", action="append", default=[], metavar="ENTRY=CODE[,CODE]",
                   help="the clerk's choice for an entry that did not resolve: its agencies' codes, or - for paper")
    p.add_argument("--json", action="store_true")

    p = with_config(sub.add_parser("sent", help="the outgoing register: documents sent and each recipient's state"))
    p.add_argument("--year", type=int)
    p.add_argument("--json", action="store_true", help="one JSON object per document")

    p = with_config(sub.add_parser("recall", help="recall a sent document (edXML 13) from every recipient"))
    p.add_argument("id", help="the identifier AGENCYCODE-YYYY.N (or the outgoing register's id)")
    p.add_argument("--reason", required=True)
    p.add_argument("--json", action="store_true")
    p.add_argument("--actor", default=os.environ.get("USER", "clerk"), help="who decides (the audit log keeps it)")

    p = sub.add_parser("demo", help="show the whole product on generated documents")
    p.add_argument("--dir", default="demo-out", help="where the demo writes its files (default ./demo-out)")
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        if args.command in ("ingest", "check"):
            return cmd_ingest(args, record=args.command == "ingest")
        if args.command == "parse":
            return cmd_parse(args)
        if args.command == "register":
            return cmd_register_add(args) if args.action == "add" else cmd_register_list(args)
        if args.command == "directory":
            return cmd_directory_import(args) if args.action == "import" else cmd_directory_resolve(args)
        if args.command == "demo":
            return cmd_demo(args)
        if args.command == "run":
            return cmd_run(args)
        if args.command == "status":
            return cmd_status(args)
        if args.command == "review":
            return cmd_review(args)
        if args.command == "digest":
            return cmd_digest(args)
        if args.command == "crls":
            return cmd_crls_refresh(args)
        if args.command == "send":
            return cmd_send(args)
        if args.command == "recall":
            return cmd_recall(args)
        if args.command == "sent":
            return cmd_sent(args)
    except (ConfigError, UsageError) as exc:
        print(f"qlvb-gateway: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERNAL
    except Exception as exc:  # the last line of defence: report, exit 1
        logging.getLogger("qlvb-gateway").exception("internal failure: %s", exc)
        return EXIT_INTERNAL
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
