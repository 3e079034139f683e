"""Which agencies a recipient entry names, through the directory (the outgoing side: Bắc Giang QĐ
133/2015 Đ6, Đ9; an entry that does not resolve to exactly the agencies meant stops the send).

Pure: an entry as written, the directory, our own agency and the document's references in; a typed
resolution out. Matching ignores case, tone marks and spacing, and the usual abbreviations (UBND,
HĐND, MTTQ, VP); notes in brackets are ignored; titles ("Giám đốc Sở Tư pháp") name their agency;
groups ("Các Sở, ban, ngành") are named in the directory's `groups` column as documents name them;
lists ("UBND các huyện: Lục Ngạn, Sơn Động") stand for each item; references ("Như Điều 3", "Như
trên") for the bodies the document names there.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from gateway.directory import AgencyEntry, Directory
from gateway.reading.references import article_number, is_above
from gateway.vntext import fold

Status = Literal["resolved", "ambiguous", "unresolved", "skipped"]

# Abbreviations as documents write them, spelled out on both sides of a comparison.
_ABBREVIATIONS = [(r"\bUBND\b", "UY BAN NHAN DAN"), (r"\bHDND\b", "HOI DONG NHAN DAN"),
                  (r"\bMTTQVN\b", "MAT TRAN TO QUOC VIET NAM"), (r"\bMTTQ\b", "MAT TRAN TO QUOC"),
                  (r"\bVP\b", "VAN PHONG"), (r"\bTP\b", "THANH PHO")]
# Titles a person is named by; what follows names the agency ("Chánh Văn phòng UBND tỉnh").
_TITLE = (r"(PHO |TONG )?(GIAM DOC|CHU TICH|THU TRUONG|CHANH|TRUONG|CUC TRUONG|VU TRUONG|HIEU TRUONG|BI THU|"
          r"VIEN TRUONG|NGUOI DUNG DAU|CT|PCT|PTC)")
# One title or several sharing their agency: "Chủ tịch, các PCT UBND tỉnh", "CT, PTC UBND tỉnh".
_TITLES = re.compile(rf"^(CAC\s+)?{_TITLE}((\s*,\s*|\s+VA\s+)(CAC\s+)?{_TITLE})*\s+(CAC\s+)?")
_PARENT = re.compile(r"\s+[-–]\s*|\s*[-–]\s+|(?<=[A-Za-zÀ-ỹ])-(?=B[ộo]\b)")  # "Cục … - Bộ Tư pháp": the unit, then its parent
_ARCHIVE = re.compile(r"^LUU\b")


def _key(text: str) -> str:
    """The comparison form: folded, abbreviations spelled out, no spaces or punctuation."""
    folded = fold(re.sub(r"\([^)]*\)", " ", text))
    for pattern, spelled in _ABBREVIATIONS:
        folded = re.sub(pattern, spelled, folded)
    return re.sub(r"[^0-9A-Z]", "", folded)


@dataclass(frozen=True)
class Resolution:
    entry: str
    status: Status
    agencies: list[AgencyEntry] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "entry": self.entry, "status": self.status,
            "agencies": [{"code": a.code, "name": a.name, "mailbox": a.mailbox} for a in self.agencies],
        }
        if self.status in ("ambiguous", "unresolved"):
            out["candidates"] = self.candidates
        return out


@dataclass
class Resolver:
    directory: Directory
    us: AgencyEntry | None = None
    references: dict[str, list[str]] = field(default_factory=dict)  # as the reader resolved them
    # the clerk's choices for bodies a reference names: the agencies meant, or None (nobody to mail)
    chosen: dict[str, list[AgencyEntry] | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._names: dict[str, list[AgencyEntry]] = {}
        self._groups: dict[str, list[AgencyEntry]] = {}
        for agency in self.directory.agencies:
            for index, names in ((self._names, agency.names), (self._groups, agency.groups)):
                for name in names:
                    listed = index.setdefault(_key(name), [])
                    if agency not in listed:  # two aliases of one agency spell the same
                        listed.append(agency)

    def resolve(self, entry: str) -> Resolution:
        text = entry.strip().lstrip("-–+ ").rstrip(" ;.")
        folded = fold(text)
        if not text or _ARCHIVE.match(folded):
            return Resolution(entry, "skipped")  # the archive entry is not a recipient
        if is_above(text) or article_number(text) is not None:
            return self._reference(entry, text)
        found = self._agencies(text)
        if found is None:
            return Resolution(entry, "unresolved", candidates=self._near(text))
        if len(found) > 1 and not self._names_many(text):
            return Resolution(entry, "ambiguous", candidates=sorted(a.name for a in found))
        agencies = [a for a in found if self.us is None or a.code != self.us.code]
        return Resolution(entry, "resolved" if agencies else "skipped", agencies)

    def _reference(self, entry: str, text: str) -> Resolution:
        bodies = next((v for k, v in self.references.items() if fold(k) == fold(text)), None)
        if not bodies:
            return Resolution(entry, "unresolved", candidates=[])
        agencies: list[AgencyEntry] = []
        for body in bodies:
            if body in self.chosen:
                agencies += [a for a in self.chosen[body] or [] if a not in agencies]
                continue
            part = self.resolve(body)
            if part.status in ("unresolved", "ambiguous"):
                return Resolution(entry, part.status, candidates=[f"{body}: {c}" for c in part.candidates] or [body])
            agencies += [a for a in part.agencies if a not in agencies]
        return Resolution(entry, "resolved" if agencies else "skipped", agencies)

    def _agencies(self, text: str) -> list[AgencyEntry] | None:
        """The agencies the text names directly, as a title's agency, a group, or a list; None if none."""
        if ":" in text:  # a list: "UBND các huyện: Lục Ngạn, Sơn Động"
            head, items = text.split(":", 1)
            whole = self._direct(head)
            if whole is not None and len(whole) == 1:
                return whole  # "Văn phòng UBND tỉnh: LĐVP, TKCT": units inside one agency
            prefix = re.sub(r"\bcác\s+", "", _strip_title(head.strip()), flags=re.I).strip()
            found: list[AgencyEntry] = []
            for item in (i.strip() for i in items.split(",") if i.strip()):
                hits = self._direct(f"{prefix} {item}") or self._direct(item)
                if hits is None or len(hits) != 1:
                    return None
                found += [h for h in hits if h not in found]
            return found or None
        for form in (text, _strip_title(text)):
            hits = self._direct(form) or self._group(form)
            if hits:
                return hits
        unit = _PARENT.split(text, maxsplit=1)[0]  # "Cục kiểm tra văn bản QPPL - Bộ Tư pháp"
        if unit != text:
            return self._agencies(unit)
        if "," in text:
            return self._list(text)
        return None

    def _list(self, text: str) -> list[AgencyEntry] | None:
        """"TT Tỉnh ủy, TT HĐND tỉnh"; "Báo Bắc Giang, Đài PTTH tỉnh"; "TAND, VKSND tỉnh" (the place
        written once, at the end): each item must name exactly one agency, or a group."""
        items = [i.strip() for i in text.split(",") if i.strip()]
        place = re.search(r"\s(tỉnh|huyện|thành phố)$", items[-1], flags=re.I)
        found: list[AgencyEntry] = []
        for item in items:
            hits = self._agencies(item)
            if hits is None and place is not None:
                hits = self._agencies(f"{item}{place.group(0)}")
            if hits is None or (len(hits) > 1 and not self._is_group(item)):
                return None
            found += [h for h in hits if h not in found]
        return found

    def _direct(self, text: str) -> list[AgencyEntry] | None:
        return self._names.get(_key(text))

    def _group(self, text: str) -> list[AgencyEntry] | None:
        key = _key(re.sub(r"^\s*các\s+", "", text, flags=re.I))
        return self._groups.get(key)

    def _names_many(self, text: str) -> bool:
        """Whether several agencies are meant: a group, a list after ":", or a list of single names."""
        return self._is_group(text) or ":" in text or ("," in text and not self._direct(text) and self._list(text) is not None)

    def _is_group(self, text: str) -> bool:
        return bool(self._group(text) or self._group(_strip_title(text)))

    def _near(self, text: str) -> list[str]:
        names = {_key(n): a.name for a in self.directory.agencies for n in a.names}
        close = difflib.get_close_matches(_key(_strip_title(text)), list(names), n=5, cutoff=0.6)
        return list(dict.fromkeys(names[c] for c in close))[:3]  # the closest first


def _strip_title(text: str) -> str:
    """"Giám đốc Sở Tư pháp" → "Sở Tư pháp"; "Chủ tịch UBND huyện Lục Nam" → "UBND huyện Lục Nam"."""
    folded = fold(text)
    match = _TITLES.match(folded + " ")
    if match is None:
        return text
    # the folded form keeps one character per character of the one-spaced text: cut at the same place
    spaced = " ".join(text.split())
    return spaced[min(match.end(), len(spaced)):].strip()
