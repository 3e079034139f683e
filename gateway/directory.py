"""The directory of agencies (code, name, clerk mailbox, aliases, groups), as the decisions use it.

Matching ignores case, diacritics and spacing. The richer resolution of recipient entries
(abbreviations, lists, titles) belongs to the outgoing side.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from gateway.vntext import squash

FIELDS = ("code", "name", "mailbox", "aliases", "groups")


@dataclass(frozen=True)
class AgencyEntry:
    code: str
    name: str
    mailbox: str
    aliases: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class DirectoryError(ValueError):
    pass


def _split(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(v.strip() for v in str(value or "").split("|") if v.strip())


def parse_directory(path: Path) -> list[AgencyEntry]:
    """Read a directory CSV (header code,name,mailbox,aliases,groups; `|` separates) or YAML list."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in (".yaml", ".yml"):
        rows = yaml.safe_load(text) or []
        if isinstance(rows, dict):
            rows = rows.get("agencies", [])
    else:
        reader = csv.DictReader(io.StringIO(text))
        missing = [f for f in ("code", "name", "mailbox") if f not in (reader.fieldnames or [])]
        if missing:
            raise DirectoryError(f"{path}: the header must be {','.join(FIELDS)} (missing {', '.join(missing)})")
        rows = list(reader)
    entries = []
    for number, row in enumerate(rows, start=2):
        if not isinstance(row, dict) or not str(row.get("code", "")).strip() or "@" not in str(row.get("mailbox", "")):
            raise DirectoryError(f"{path}: row {number}: code, name and a mailbox address are required")
        entries.append(AgencyEntry(
            code=str(row["code"]).strip(), name=str(row["name"]).strip(), mailbox=str(row["mailbox"]).strip().lower(),
            aliases=_split(row.get("aliases")), groups=_split(row.get("groups")),
        ))
    return entries


@dataclass
class Directory:
    agencies: list[AgencyEntry] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_mailbox = {a.mailbox: a for a in self.agencies}
        self._by_name: dict[str, list[AgencyEntry]] = {}
        for agency in self.agencies:
            for name in agency.names:
                self._by_name.setdefault(squash(name), []).append(agency)

    def by_mailbox(self, address: str) -> AgencyEntry | None:
        return self._by_mailbox.get(address.lower())

    def by_code(self, code: str) -> AgencyEntry | None:
        return next((a for a in self.agencies if a.code == code), None)

    def by_issuer(self, issuer: str, parent: str | None = None) -> AgencyEntry | None:
        """The agency an issuer line names: by itself, or with its parent's place ('SỞ TƯ PHÁP' under
        'UBND TỈNH BẮC GIANG' is 'Sở Tư pháp tỉnh Bắc Giang')."""
        candidates = [issuer]
        if parent:
            place = parent.split("TỈNH", 1)[1] if "TỈNH" in parent.upper() else ""
            candidates[:0] = [f"{issuer} tỉnh {place}", f"{issuer} {parent}"]
        for text in candidates:
            found = self._by_name.get(squash(text))
            if found and len(found) == 1:
                return found[0]
        return None

    def entry_names(self, entry: str, agency: AgencyEntry) -> bool:
        """Whether a recipient entry names this agency, directly, by alias, or by one of its groups."""
        key = squash(entry)
        if not key:
            return False
        for name in agency.names:
            name_key = squash(name)
            if name_key and (key == name_key or (len(name_key) >= 6 and name_key in key)):
                return True
        for group in agency.groups:
            group_key = squash(group)
            if group_key and group_key in key:
                return True
        return False
