"""The people who use the desk: their roles, their units and their passwords (Argon2 hashes, never
the password itself). Each change is in the audit log with who made it."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Literal, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry import audit
from registry.models import DeskSession, Person
from vntext import foreign_letters, nfc, unseen

# clerk: acts on mail and the registers, passes documents on; leader: passes documents on; unit: its
# unit's documents; viewer: reads only
Role = Literal["clerk", "leader", "unit", "viewer"]
ROLES: tuple[Role, ...] = get_args(Role)

_HASHER = PasswordHasher()  # argon2id, the library's current defaults (RFC 9106's second recommendation)
_DUMMY_HASH = _HASHER.hash("no one has this password")  # checked against for an unknown name: the same time


class PeopleError(Exception):
    """A name taken or unknown, a role or unit that does not fit."""


@dataclass(frozen=True)
class PersonRow:
    name: str
    role: Role
    unit: str | None
    disabled: bool
    created_at: datetime
    last_login_at: datetime | None


def _row(person: Person) -> PersonRow:
    role: Role = person.role  # type: ignore[assignment]  # the column holds only ROLES (add_person)
    return PersonRow(person.name, role, person.unit, person.disabled, person.created_at, person.last_login_at)


def check_unit(role: str, unit: str | None, units: Collection[str] | None) -> None:
    """A unit's person names one of the agency's units (`units`: the codes of the config's units:, None
    to take any); no other role has a unit. PeopleError otherwise."""
    if role == "unit" and not unit:
        raise PeopleError("--unit: a unit's person needs the unit")
    if role != "unit" and unit:
        raise PeopleError(f"--unit: only a unit's person (--role unit) has a unit, not a {role}")
    if unit and units is not None and unit not in units:
        known = ", ".join(sorted(units)) or "none"
        raise PeopleError(f"--unit: {unit} is not a unit of the configuration's units: ({known})")


_LEGACY_FORMS = frozenset("\u00d0\u00f0\u01a2\u01a3")  # Ð ð Ƣ ƣ: legacy fonts' Đ đ Ư ư, never typed for a name


def _spellings(name: str) -> set[str]:
    """A name as typed and as kept (NFC, spaces as one): a person kept before names were so, decomposed as a Mac typed
    it, is found too (red team 111)."""
    return {name, nfc(name), " ".join(nfc(name).split())}


def add_person(session: Session, name: str, role: str, unit: str | None, password: str, *, actor: str,
               units: Collection[str] | None = None) -> PersonRow:
    if role not in ROLES:
        raise PeopleError(f"--role: one of {', '.join(ROLES)}")
    check_unit(role, unit, units)
    # two people who look the same are one name: no character that is not seen (red team 110: a zero-width space), no
    # letter of another script or legacy form drawn as ours (red team 111: a Cyrillic а, the legacy Ð), spaces as one
    if any(unseen(ch) for ch in name) or foreign_letters(name) or any(ch in _LEGACY_FORMS for ch in name):
        raise PeopleError("NAME: holds a character that is not seen, or a letter drawn as another (write it plainly)")
    name = " ".join(nfc(name).split())  # as typed on any machine (red team 110: decomposed, as macOS sends it)
    if not name or len(name) > 100:
        raise PeopleError("NAME: 1 to 100 characters")
    if len(password) < 8:
        raise PeopleError("the password needs at least 8 characters")
    if session.scalars(select(Person).where(Person.name.in_(_spellings(name)))).first() is not None:
        raise PeopleError(f"{name}: there is already a person of this name")
    person = Person(name=name, role=role, unit=unit, password_hash=_HASHER.hash(password), disabled=False,
                    created_at=datetime.now(timezone.utc))
    session.add(person)
    try:
        session.flush()
    except IntegrityError:
        raise PeopleError(f"{name}: there is already a person of this name") from None
    audit.record(session, "person-added", actor=actor, person=name, role=role, unit=unit)
    return _row(person)


def people(session: Session) -> list[PersonRow]:
    return [_row(p) for p in session.scalars(select(Person).order_by(Person.name))]


def disable_person(session: Session, name: str, *, actor: str) -> PersonRow:
    person = session.scalars(select(Person).where(Person.name.in_(_spellings(name)))).first()
    if person is None:
        raise PeopleError(f"{name}: no such person")
    if not person.disabled:
        person.disabled = True
        audit.record(session, "person-disabled", actor=actor, person=name)
    return _row(person)


def person(session: Session, name: str) -> PersonRow | None:
    """The person of this name, if there is one and they are not disabled."""
    found = session.scalars(select(Person).where(Person.name.in_(_spellings(name)))).first()
    return None if found is None or found.disabled else _row(found)


def _token_key(token: str) -> str:
    """What the register keeps of a session's token: its SHA-256, so that the register gives no session to who reads it."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LiveSession:
    person: str
    started_at: datetime


def start_session(session: Session, name: str, token: str, now: datetime, *, lasting: timedelta) -> None:
    """A session of the desk made at a login (its token's hash kept); the sessions older than `lasting`, which no cookie
    opens any more, removed (the audit log keeps the logins)."""
    session.execute(delete(DeskSession).where(DeskSession.started_at < now - lasting))
    session.add(DeskSession(token_sha256=_token_key(token), person=name, started_at=now))


def end_session(session: Session, token: str, now: datetime) -> None:
    """The session of this token ended by its person (logout): no cookie of it is taken any more, after a restart too."""
    row = session.get(DeskSession, _token_key(token))
    if row is not None and row.ended_at is None:
        row.ended_at = now
        audit.record(session, "logout", actor=row.person)


def live_session(session: Session, token: str) -> LiveSession | None:
    """The session of this token, if the register has it and it has not ended: whose it is and since when."""
    row = session.get(DeskSession, _token_key(token))
    return None if row is None or row.ended_at is not None else LiveSession(row.person, row.started_at)


def check_password(session: Session, name: str, password: str, now: datetime) -> PersonRow | None:
    """The person if the password is theirs and they are not disabled (the login recorded), else None.
    An unknown name costs the same hashing as a known one."""
    found = session.scalars(select(Person).where(Person.name.in_(_spellings(name)))).first()
    try:
        _HASHER.verify(found.password_hash if found is not None else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if found is None or found.disabled:
        return None
    if _HASHER.check_needs_rehash(found.password_hash):
        found.password_hash = _HASHER.hash(password)
    found.last_login_at = now
    audit.record(session, "login", actor=name)
    return _row(found)
