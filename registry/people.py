"""The people who use the desk: their roles, their units and their passwords (Argon2 hashes, never
the password itself). Each change is in the audit log with who made it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry import audit
from registry.models import AuditEntry, Person

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


def add_person(session: Session, name: str, role: str, unit: str | None, password: str, *, actor: str,
               units: Collection[str] | None = None) -> PersonRow:
    if role not in ROLES:
        raise PeopleError(f"--role: one of {', '.join(ROLES)}")
    check_unit(role, unit, units)
    if not name.strip() or len(name) > 100:
        raise PeopleError("NAME: 1 to 100 characters")
    if len(password) < 8:
        raise PeopleError("the password needs at least 8 characters")
    if session.scalars(select(Person).where(Person.name == name)).first() is not None:
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
    person = session.scalars(select(Person).where(Person.name == name)).first()
    if person is None:
        raise PeopleError(f"{name}: no such person")
    if not person.disabled:
        person.disabled = True
        audit.record(session, "person-disabled", actor=actor, person=name)
    return _row(person)


def person(session: Session, name: str) -> PersonRow | None:
    """The person of this name, if there is one and they are not disabled."""
    found = session.scalars(select(Person).where(Person.name == name)).first()
    return None if found is None or found.disabled else _row(found)


def record_logout(session: Session, name: str, session_id: str, until: float) -> None:
    """A session ended by its person: its id is refused until `until` (its hours), after a restart too."""
    audit.record(session, "logout", actor=name, session_id=session_id, until=until)


def ended_sessions(session: Session, since: datetime) -> dict[str, float]:
    """The sessions logged out since then: id -> until when it would have lasted."""
    rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "logout", AuditEntry.at >= since))
    return {r.details["session_id"]: float(r.details["until"]) for r in rows
            if isinstance(r.details.get("session_id"), str) and isinstance(r.details.get("until"), (int, float))}


def check_password(session: Session, name: str, password: str, now: datetime) -> PersonRow | None:
    """The person if the password is theirs and they are not disabled (the login recorded), else None.
    An unknown name costs the same hashing as a known one."""
    found = session.scalars(select(Person).where(Person.name == name)).first()
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
