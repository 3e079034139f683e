"""The opened gateway: configuration, register, file store, directory, calendar and answer writer."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from gateway.config import Config, ConfigError
from gateway.decision.rules import Us
from gateway.directory import (AgencyEntry, Directory, DirectoryError, our_row_disagrees, parse_directory,
                               shared_summary)
from gateway.exchange.answers import AnswerWriter
from gateway.intake.analysis import AnalysisSettings
from gateway.intake.authentication import AuthSettings
from gateway.intake.office_hours import OfficeCalendar
from gateway.workers import WorkerPool
from registry import audit
from registry.database import Register
from registry.keys import register_key
from registry.models import Agency
from registry.store import ContentStore


log = logging.getLogger("qlvb.directory")


@dataclass(frozen=True)
class DirectorySync:
    """What a directory file changed in the register: rows added or changed, and the agencies withdrawn now (code, name)."""

    read: int
    changed: int
    withdrawn: tuple[tuple[str, str], ...]
    # trusted agencies another file gave that this one does not name (kept: each file withdraws only its own)
    elsewhere: tuple[tuple[str, str], ...] = ()

    def summary(self, source: str) -> str:
        line = f"{self.read} agencies read, {self.changed} added or changed"
        if self.withdrawn:
            line += f"; {len(self.withdrawn)} withdrawn, no longer in {source} (not trusted any more, kept for the " \
                    f"documents they sent): " + ", ".join(f"{code} {name}" for code, name in self.withdrawn)
        if self.elsewhere:  # newcomer, stop 50: a dated export imported under a new name withdrew nobody, silently
            named = ", ".join(f"{code} {name}" for code, name in self.elsewhere[:5])
            more = f" and {len(self.elsewhere) - 5} more" if len(self.elsewhere) > 5 else ""
            line += f"; {len(self.elsewhere)} not in {source} but given by another file, still trusted (`--whole` " \
                    f"withdraws them): {named}{more}"
        return line


def directory_source(path: Path) -> str:
    """How the register names a directory file (absolute: the same file read by `run` and by `directory import`)."""
    return str(path.resolve())


def sync_directory(session: Session, entries: list[AgencyEntry], source: str, *, actor: str = "gateway",
                   whole: bool = True, ours: str | None = None, every: bool = False) -> DirectorySync:
    """Add or update agencies from a directory file, and withdraw those it read before and names no longer (audited).
    `whole`: the file is the agency's whole directory (the configuration's `directory:`), so that rows from before
    sources were kept, and not in it, are withdrawn too; `ours`: our own agency's code, never withdrawn (red team 78: a
    one-line file imported after the upgrade withdrew every agency, ours too); `every`: the file is the whole directory
    whatever files gave the others (`directory import --whole`), which are withdrawn too."""
    if session.get_bind().dialect.name == "postgresql":
        # two gateways starting at once must not both insert the same agencies (SQLite's writers
        # are already one at a time: BEGIN IMMEDIATE)
        session.execute(text("LOCK TABLE agencies IN SHARE ROW EXCLUSIVE MODE"))
    existing = {a.code: a for a in session.scalars(select(Agency))}
    changed = 0
    for entry in entries:
        row = existing.get(entry.code)
        values = {"name": entry.name, "mailbox": entry.mailbox, "aliases": list(entry.aliases), "groups": list(entry.groups),
                  "certificates": list(entry.certificates), "former": list(entry.former),
                  "parent": list(entry.parent)}
        if row is None:
            session.add(Agency(code=entry.code, source=source, **values))
            changed += 1
            continue
        row.source = source
        if row.withdrawn_at is not None or any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.withdrawn_at = None  # named again: trusted again
            changed += 1
    named = {e.code for e in entries} | ({ours} if ours else set())
    withdrawn = _withdraw(existing, named, source, whole, every)
    elsewhere = tuple((code, row.name) for code, row in sorted(existing.items())
                      if code not in named and row.withdrawn_at is None)
    if changed:
        audit.record(session, "directory-import", actor=actor, source=source, changed=changed, total=len(entries))
    if withdrawn:
        audit.record(session, "directory-withdrawn", actor=actor, source=source,
                     agencies=[{"code": a.code, "name": a.name, "mailbox": a.mailbox} for a in withdrawn])
    return DirectorySync(len(entries), changed, tuple((a.code, a.name) for a in withdrawn), elsewhere)


def _withdraw(rows: dict[str, Agency], named: set[str], source: str, whole: bool, every: bool = False) -> list[Agency]:
    """The rows this file gave before (or of no known file, when it is the whole directory; or any, `every`) that it no
    longer names, marked withdrawn now."""
    now = datetime.now(timezone.utc)
    gone = [row for code, row in sorted(rows.items()) if code not in named and row.withdrawn_at is None
            and (every or row.source == source or (row.source is None and whole))]
    for row in gone:
        row.withdrawn_at = now
    return gone


def read_directory(path: Path) -> list[AgencyEntry]:
    """The configuration's directory file, a mistake in it a configuration error naming the key `directory`."""
    try:
        return parse_directory(path)
    except DirectoryError as exc:
        raise ConfigError(f"directory: {exc}") from None


def load_directory(session: Session) -> Directory:
    """The directory the decisions use: the agencies not withdrawn."""
    return Directory([
        AgencyEntry(a.code, a.name, a.mailbox, tuple(a.aliases or ()), tuple(a.groups or ()), tuple(a.certificates or ()),
                    tuple(a.former or ()), tuple(a.parent or ()))
        for a in session.scalars(select(Agency).where(Agency.withdrawn_at.is_(None)).order_by(Agency.code))
    ])


@dataclass
class Gateway:
    config: Config
    register: Register
    store: ContentStore
    calendar: OfficeCalendar
    writer: AnswerWriter
    directory: Directory

    @classmethod
    def open(cls, config: Config) -> "Gateway":
        entries = read_directory(config.directory) if config.directory is not None else None  # before the register
        register = Register(config.database, store=Path(config.storage))  # never anew beside a register's files
        with register.session() as session, session.begin():
            if entries is not None and config.directory is not None:
                synced = sync_directory(session, entries, directory_source(config.directory), ours=config.agency.code)
                if synced.withdrawn:
                    log.warning("directory: %s", synced.summary(str(config.directory)))
        with register.session() as session:
            directory = load_directory(session)
        if (disagreement := our_row_disagrees(directory, config.agency.code, config.agency.mailbox)) is not None:
            register.close()
            raise ConfigError(disagreement)
        if (shared := shared_summary(directory.agencies)) is not None:  # each proven by that mailbox (red team 78)
            log.warning("directory: %s", shared)  # said loudly: a copied row with a wrong mailbox would widen trust
        return cls(
            config=config,
            register=register,
            store=ContentStore(Path(config.storage)),
            calendar=OfficeCalendar(config),
            writer=AnswerWriter(config.agency.name, config.agency.mailbox, register_key(register)),
            directory=directory,
        )

    def reload_directory(self) -> None:
        with self.register.session() as session:
            self.directory = load_directory(session)

    @property
    def us(self) -> Us:
        agency = self.directory.by_code(self.config.agency.code) or AgencyEntry(
            self.config.agency.code, self.config.agency.name, self.config.agency.mailbox
        )
        if agency.mailbox != self.config.agency.mailbox:
            agency = dataclasses.replace(agency, mailbox=self.config.agency.mailbox)
        return Us(agency=agency, revocation_hard=self.config.trust.revocation == "hard")

    def analysis_settings(self) -> AnalysisSettings:
        return AnalysisSettings(
            auth=AuthSettings.of(self.config.authentication),
            roots=tuple(self.config.trust.roots),
            crls=tuple(self.config.trust.crls),
            state_roots=tuple(self.config.trust.state_roots),
            max_mail_bytes=int(self.config.limits.max_mail_mb * 1024 * 1024),
            max_files=self.config.limits.max_files_per_mail,
            fetched_crls=self.fetched_crls if self.config.trust.crl_urls else None,
            store=self.store.root,  # the workers write a recorded mail's files before its transaction
        )

    def worker_pool(self, size: int | None = None) -> WorkerPool:
        """The worker processes that read PDFs, under the configured time and memory limits."""
        limits = self.config.limits
        return WorkerPool(self.analysis_settings(), size=limits.workers if size is None else size,
                          seconds=limits.seconds_per_document, seconds_per_mail=limits.seconds_per_mail,
                          memory_mb=limits.worker_memory_mb)

    @property
    def fetched_crls(self) -> Path:
        """Where the daemon keeps the CRLs it fetches (trust.crl_urls)."""
        return Path(self.config.storage) / "crls"

    def close(self) -> None:
        self.register.close()
