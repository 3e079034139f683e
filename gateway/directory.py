"""The directory of agencies (code, name, clerk mailbox, aliases, groups, certificates), as the
decisions use it.

Matching ignores case, diacritics and spacing. Recipient entries (abbreviations, lists, titles,
former names) are matched by `gateway/resolver.py` through the indexes here (`gateway/names.py`).
An agency's place (its province or city) is what its names say after "tỉnh" or "thành phố"; a
name with none is a central body's.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from gateway.names import NameIndex, abbreviates, units
from gateway.text_files import TextFileError, load_yaml, read_utf8
from vntext import fold, foreign_letters, nfc, squash, tone_free_spelling

FIELDS = ("code", "name", "mailbox", "aliases", "groups", "certificates", "former", "parent")
# "Tỉnh ủy", "Tỉnh đoàn", "Tỉnh đội", "Tỉnh hội" are bodies, not a province: "Tỉnh ủy Bắc Giang" is Bắc Giang's, "Thường
# trực Tỉnh ủy" says no place (red team 39: it was the province "ỦY", so another province's document named our Tỉnh ủy)
_BODY = r"(?:UY|DOAN|DOI|HOI)"
_PLACE = re.compile(rf"\b(?:TINH(?:\s+{_BODY}(?=\s+[A-Z]))?|THANH PHO|TP\.?)\s+(?!{_BODY}\b)([A-Z][A-Z' -]*)$")
_FINGERPRINT = re.compile(r"^(?:sha256:)?([0-9a-f]{2}(?::?[0-9a-f]{2}){31})$", re.IGNORECASE)


_PLACE_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ' -")


_PARENT_PLACE = re.compile(r"\b(tỉnh|thành phố)\s+(.+)$", re.IGNORECASE)


def _one_by_marks(found: list[AgencyEntry], text: str, *, none_else: bool = False) -> list[AgencyEntry]:
    """Agencies whose names differ by their tone marks only ("xã Tân Thanh", "xã Tân Thạnh"), told apart by the marks the
    text prints (red team 67: both communes' genuine letters returned, neither found); where the marks agree with none,
    all of them (an issuer line: ambiguous, so none), or, `none_else`, none (a certificate's name: red team 70, a third
    commune's certificate, or one written without marks, signed for both)."""
    if len(found) < 2:
        return found
    printed = {fold(letters): (letters, tone) for letters, tone in tone_free_spelling(text)}
    told = [a for a in found if any(all(printed.get(fold(w[0]), w) == w for w in tone_free_spelling(n)) for n in a.names)]
    return told if told or none_else else found


# a commune's, a ward's or a town's level and name in a body's name, up to a comma, a dash, a bracket or a higher level
# (a level in initials: "X. Tân Thạnh", "P.Tân Thanh": red team 138)
_COMMUNE = re.compile(r"(?:^|(?<=\s))(xã|xa|phường|phuong|thị trấn|thi tran|x\.|p\.|tt\.)\s*(?<=[\s.])(.+?)(?=\s*(?:[,\-–—()]|$)|"
                      r"\s(?:huyện|huyen|quận|quan|thị xã|thi xa|thành phố|thanh pho|tỉnh|tinh|tp\.|h\.)\s)", re.IGNORECASE)
_COMMUNE_LEVELS = {"xa": "xã", "x.": "xã", "phuong": "phường", "p.": "phường", "thi tran": "thị trấn", "tt.": "thị trấn"}
# a district's level and name in a body's name ("…, huyện Lục Ngạn, tỉnh Bắc Giang"), the province's level after it cut
_DISTRICT = re.compile(r"(?:^|(?<=[\s,(]))(huyện|quận|thị xã|thành phố)\s+([^,\-–—()]+)", re.IGNORECASE)
PROVINCE_AFTER = re.compile(r"\s(?:tỉnh|t\.|thành phố|tp\.)\s.*$", re.IGNORECASE)


def communes_named(text: str) -> list[str]:
    """The communes, wards and towns a name holds, each its level and name in small letters, marks kept ("xã tân thạnh")."""
    found = []
    for m in _COMMUNE.finditer(nfc(text)):
        level = m.group(1).lower()
        found.append(f"{_COMMUNE_LEVELS.get(level, level)} {' '.join(m.group(2).split()).lower()}")
    return found


def districts_written(text: str) -> list[tuple[str, str]]:
    """The districts a name holds, each its level in small letters and its name as written ("huyện", "Lục Ngạn")."""
    return [(m.group(1).lower(), PROVINCE_AFTER.sub("", f"{m.group(2)} ").strip()) for m in _DISTRICT.finditer(nfc(text))]


def _district_of(agency: AgencyEntry) -> str | None:
    """The first district an agency's names or parents name, folded."""
    return next((fold(name) for text in (*agency.names, *agency.parent) for _, name in districts_written(text)), None)


def place_of(text: str) -> str | None:
    """The place a name ends with: 'Sở Tư pháp tỉnh Bắc Giang' → 'BAC GIANG'; 'Tỉnh Đắk Nông' → 'DAK NONG'."""
    folded = re.sub("[-–—]", " ", fold(text))  # "Bà Rịa – Vũng Tàu" typed with a dash of any length (red team 75)
    # looked for only where the letters running to the end begin ("TP." just before them): searched from every
    # "TINH" of a certificate's O of "TINH A " × 30,000 + "1", each to the end, it took 70 s (red team 18)
    start = len(folded)
    while start > 0 and folded[start - 1] in _PLACE_LETTERS:
        start -= 1
    match = _PLACE.search(folded, max(0, start - len("TP.")))
    return " ".join(match.group(1).split()) if match else None


# The cities the centre runs: "thành phố" before one's name is the province's own level; before any other province's
# name it is the province's city, a lower body (red team 130: "UBND", "Công an" completed as "… thành phố Bắc Giang")
CENTRAL_CITIES = frozenset({"HA NOI", "HO CHI MINH", "HAI PHONG", "DA NANG", "CAN THO", "HUE"})
# Bodies a province alone has (a Sở, its Chi cục, the military command, the ethnic board, a Cục of the province): named
# without their place, the province's whatever level they leave out; any other body every level has (UBND, HĐND, Công
# an, Tòa án nhân dân, Mặt trận, Bảo hiểm xã hội…) is no level's without one (red teams 129, 130)
_PROVINCE_ONLY = re.compile(r"^(?:SO|CHI CUC|BO CHI HUY|BAN DAN TOC|CUC)(?:\s|$)")  # "BAN DÂN TỘC" bare (red team 131)


def province_levels(place: str) -> tuple[str, ...]:
    """How a province's own bodies write its level before its name: a city of the centre's "thành phố" ("TP"), any other
    province's "tỉnh" (its "thành phố" is its city, a lower body)."""
    return ("thành phố", "TP") if place in CENTRAL_CITIES else ("tỉnh",)


def completed_by_province(name: str, places: Iterable[str], *, under_province: bool = False) -> list[str]:
    """A name without its place completed by each province: with the province's level for a body a province alone has,
    or for any body under the province's own body (`under_province`: an OU "Văn phòng Ủy ban nhân dân" under O "ỦY BAN
    NHÂN DÂN TỈNH LÂM ĐỒNG", real file 022); any other with the province's name alone (a commune's "UBND", a district
    court's "TÒA ÁN NHÂN DÂN" with L "Bắc Giang" are not the province's)."""
    if place_of(name) is not None:
        return []  # its place written
    levelled = under_province or bool(_PROVINCE_ONLY.match(" ".join(fold(name).replace(".", " ").replace("-", " ").split())))
    return [f"{name} {level} {p}" if levelled else f"{name} {p}"
            for p in sorted(places) for level in (province_levels(p) if levelled else ("",))]


def fingerprint_key(value: str) -> str | None:
    """A certificate's SHA-256 fingerprint in the directory, normalised ('AB:CD…' or 'sha256:abcd…')."""
    match = _FINGERPRINT.match(value.strip())
    return match.group(1).replace(":", "").lower() if match else None


@dataclass(frozen=True)
class AgencyEntry:
    code: str
    name: str
    mailbox: str
    aliases: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    # how certificates name it where they differ from its names, or their SHA-256 fingerprints
    certificates: tuple[str, ...] = ()
    # names it had before the 2025 reorganisation (a merged province's, a merged Sở's): recipient
    # entries written with them resolve to it, with a warning
    former: tuple[str, ...] = ()
    # the body it answers to, as certificates' O names it ("Bộ Công an" above Công an tỉnh, the Sở above a Chi cục):
    # given, a certificate speaks for it only under its own name or that body's (red team 120)
    parent: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def certificate_names(self) -> tuple[str, ...]:
        return (*self.names, *(c for c in self.certificates if fingerprint_key(c) is None))

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(f for c in self.certificates if (f := fingerprint_key(c)) is not None)

    @property
    def places(self) -> frozenset[str]:
        """The places its names say (a merged province's former name among them); none for a central body."""
        return frozenset(p for n in self.names if (p := place_of(n)) is not None)


class DirectoryError(ValueError):
    pass


def _split(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(v.strip() for v in str(value or "").split("|") if v.strip())


def parse_directory(path: Path) -> list[AgencyEntry]:
    """Read a directory CSV (header code,name,mailbox[,aliases,groups,certificates,former,parent]; `|`
    separates) or YAML list."""
    as_yaml = path.suffix.lower() in (".yaml", ".yml")
    try:  # another encoding, a YAML mistake: one line (red team 110: a spreadsheet's UTF-16 export was a traceback)
        loaded = load_yaml(path) if as_yaml else read_utf8(path)
    except TextFileError as exc:
        raise DirectoryError(str(exc)) from None
    rows: Any
    if as_yaml:
        rows = loaded or []
        if isinstance(rows, dict):  # `agencies:` and nothing else (red team 152: "agencise:" read as no agency)
            _known_columns(path, "the key", [str(key) for key in rows], known=("agencies",))
            rows = rows.get("agencies") or []
        if not isinstance(rows, list):
            raise DirectoryError(f"{path}: a list of agencies is expected (or `agencies:` holding one)")
        numbered = [(number, _lowered_keys(path, number, row)) for number, row in enumerate(rows, start=2)]
    else:
        numbered = _csv_rows(path, loaded)
    entries = []
    first_row: dict[tuple[str, str], int] = {}  # (what, its value): the row that gave it first
    for number, row in numbered:
        if (not isinstance(row, dict) or not str(row.get("code") or "").strip() or not str(row.get("name") or "").strip()
                or "@" not in str(row.get("mailbox") or "")):  # a row without a name (red team 110: it was added)
            raise DirectoryError(f"{path}: row {number}: code, name and a mailbox address are required")
        if any(str(cell).strip() for cell in row.get(None) or []):  # cells past the header's, not empty: a comma in a
            # cell not quoted ("Sở, ban, ngành": red team 151); a trailing comma of nothing is none (red team 152)
            raise DirectoryError(f"{path}: row {number}: more cells than the header has columns (quote a cell that holds "
                                 "a comma: \"Sở, ban, ngành\")")
        if as_yaml:
            _known_columns(path, f"row {number}: the key", [str(key) for key in row])
        entry = AgencyEntry(
            code=str(row["code"]).strip(), name=str(row["name"]).strip(), mailbox=str(row["mailbox"]).strip().lower(),
            aliases=_split(row.get("aliases")), groups=_split(row.get("groups")),
            certificates=_split(row.get("certificates")), former=_split(row.get("former")),
            parent=_split(row.get("parent")),
        )
        _once(path, number, entry, first_row)
        entries.append(entry)
    return entries


def _csv_rows(path: Path, text: str) -> list[tuple[int, Any]]:
    """A CSV's rows, each with its row number as a spreadsheet shows it (the header is 1), those of nothing but empty
    cells left out (red team 152: a spreadsheet's rows of commas), counted all the same (red team 153: a refusal named
    the row before the one at fault). Its separator is a comma, or the semicolon or tab a spreadsheet set to another
    language saves with (red team 153: "code;name;mailbox" was said to miss all three), or the one Excel's first line
    names ("sep=;": red team 156)."""
    first, _, rest = text.partition("\n")
    hint = _EXCEL_SEPARATOR.match(first.strip())  # "sep=;", Excel's own first line, which it shows no row for
    if hint is not None:
        text, first = rest, rest.split("\n", 1)[0]
    separator = hint["sep"] if hint else next((s for s in ";\t" if "," not in first and s in first), ",")
    reader = csv.DictReader(io.StringIO(text), delimiter=separator)
    header = [name.strip().lower() for name in reader.fieldnames or []]  # "Code,Name,Mailbox" as written
    missing = [f for f in ("code", "name", "mailbox") if f not in header]
    if missing:
        raise DirectoryError(f"{path}: the header must be {','.join(FIELDS)} (missing {', '.join(missing)})")
    twice = sorted({name for name in header if name and header.count(name) > 1})  # a spreadsheet's empty ones aside
    if twice:  # the last column of the name was taken in silence (red team 151: a second "mailbox")
        raise DirectoryError(f"{path}: the header names {', '.join(twice)} twice")
    _known_columns(path, "the header's column", header)
    # a column without a name, each its own key: a cell under it is refused (red team 153: an alias put there was lost)
    reader.fieldnames = [name or f"{_UNNAMED}{place}" for place, name in enumerate(header, start=1)]
    rows = []
    for row in reader:
        number = reader.line_num  # the empty lines csv skips counted too (red team 156); a cell of several lines: its last
        if _blank(row):
            continue
        unnamed = [key for key, cell in row.items() if key and key.startswith(_UNNAMED) and str(cell or "").strip()]
        if unnamed:
            raise DirectoryError(f"{path}: row {number}: a cell under column {unnamed[0][len(_UNNAMED):]}, which the header "
                                 "does not name (name it, as aliases, groups…, or empty it)")
        rows.append((number, row))
    return rows


_UNNAMED = "\0column "
_EXCEL_SEPARATOR = re.compile(r"^sep=(?P<sep>[,;\t|])$")


def _lowered_keys(path: Path, number: int, row: Any) -> Any:
    """A YAML row's keys as the CSV's header is read, in any case ("Code:"; red team 153), none of them twice."""
    if not isinstance(row, dict):
        return row
    keys = [str(key).strip().lower() for key in row]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        raise DirectoryError(f"{path}: row {number}: the key {', '.join(twice)} is given twice")
    return {str(key).strip().lower(): value for key, value in row.items()}


def _blank(row: dict[Any, Any]) -> bool:
    """A CSV row whose cells, those past the header's included (csv's key None), are all empty."""
    cells = [value for key, value in row.items() if key is not None] + list(row.get(None) or [])
    return not any(str(cell or "").strip() for cell in cells)


def _known_columns(path: Path, what: str, names: list[str], known: tuple[str, ...] = FIELDS) -> None:
    """Each column (a CSV's header, a YAML row's keys) one the directory has: a typo's column ("alias", "group") was
    dropped in silence, the agency left without its aliases and groups (red team 151)."""
    for name in names:
        if name and name not in known:
            near = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {near[0]}?)" if near else f" (the columns: {', '.join(known)})"
            raise DirectoryError(f"{path}: {what} {name!r} is none the directory has{hint}")


def _once(path: Path, number: int, entry: AgencyEntry, first_row: dict[tuple[str, str], int]) -> None:
    """Each code in one row only (red team 76: a code twice stopped every command). A mailbox may be several agencies':
    one office serves a commune's UBND and HĐND (red team 78: refused at start, and before that the first's letters
    returned as not its own)."""
    earlier = first_row.setdefault(("code", entry.code), number)
    if earlier != number:
        raise DirectoryError(f"{path}: rows {earlier} and {number} give the same code {entry.code}")


def our_row_disagrees(directory: Directory, code: str, mailbox: str) -> str | None:
    """What is wrong where the directory gives our configured mailbox to other agencies only: our code mistyped (its
    register's numbers began again at 1: red team 151) or another agency's mailbox copied into ours; None where it agrees,
    or does not list the mailbox."""
    theirs = directory.of_mailbox(mailbox)
    if not theirs or any(agency.code == code for agency in theirs):
        return None
    named = ", ".join(f"{agency.code} ({agency.name})" for agency in theirs)
    return (f"agency.code {code} and agency.mailbox {mailbox} disagree with the directory, which gives that mailbox to "
            f"{named}: correct the one mistyped")


def shared_mailboxes(agencies: Iterable[AgencyEntry]) -> dict[str, tuple[AgencyEntry, ...]]:
    """The mailboxes given to more than one agency, each with its agencies in the directory's order."""
    by_mailbox: dict[str, tuple[AgencyEntry, ...]] = {}
    for agency in agencies:
        by_mailbox[agency.mailbox] = (*by_mailbox.get(agency.mailbox, ()), agency)
    return {mailbox: found for mailbox, found in by_mailbox.items() if len(found) > 1}


def shared_summary(agencies: Iterable[AgencyEntry]) -> str | None:
    """One line naming the mailboxes several agencies share, None when each has its own."""
    shared = shared_mailboxes(agencies)
    if not shared:
        return None
    return "; ".join(f"{mailbox} is the official mailbox of " + ", ".join(f"{a.code} {a.name}" for a in found)
                     for mailbox, found in shared.items())


@dataclass
class Directory:
    agencies: list[AgencyEntry] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_mailbox: dict[str, tuple[AgencyEntry, ...]] = {}
        self._by_name: dict[str, list[AgencyEntry]] = {}
        self._by_certificate_name: dict[str, list[AgencyEntry]] = {}
        self._by_listed_certificate: dict[str, list[AgencyEntry]] = {}
        self._by_fingerprint: dict[str, list[AgencyEntry]] = {}  # asked for every signed mail: never a walk of all
        self._by_code: dict[str, AgencyEntry] = {}
        for agency in self.agencies:
            self._by_mailbox[agency.mailbox.lower()] = (*self._by_mailbox.get(agency.mailbox.lower(), ()), agency)
            self._by_code.setdefault(agency.code, agency)
            for fingerprint in agency.fingerprints:
                self._by_fingerprint.setdefault(fingerprint, []).append(agency)
            for listed in agency.certificates:
                if fingerprint_key(listed) is None:
                    self._by_listed_certificate.setdefault(squash(listed), []).append(agency)
            for name in dict.fromkeys(squash(n) for n in agency.names):  # a name and its alias may spell the same
                self._by_name.setdefault(name, []).append(agency)
            for name in dict.fromkeys(squash(n) for n in agency.certificate_names):
                self._by_certificate_name.setdefault(name, []).append(agency)

    # 002 Đ4.1: the official mailbox of an agency; one office's may serve several (a commune's UBND and HĐND)
    def of_mailbox(self, address: str) -> tuple[AgencyEntry, ...]:
        """The agencies whose official mailbox this is: usually one, none for a mailbox of no agency."""
        return self._by_mailbox.get(address.lower(), ())

    def by_code(self, code: str) -> AgencyEntry | None:
        return self._by_code.get(code)

    def by_issuer(self, issuer: str, parent: str | None = None) -> AgencyEntry | None:
        """The agency an issuer line names: by itself, or with its parent's place ('SỞ TƯ PHÁP' under
        'UBND TỈNH BẮC GIANG' is 'Sở Tư pháp tỉnh Bắc Giang'; 'SỞ Y TẾ' under 'UBND THÀNH PHỐ HÀ NỘI' is 'Sở Y tế thành phố
        Hà Nội'); spelled out where the directory abbreviates ('ỦY BAN NHÂN DÂN TỈNH BẮC GIANG' is 'UBND tỉnh Bắc
        Giang': red team 67, an agency's own letters held as another's at outgoing)."""
        candidates = [issuer]
        if parent:
            # the place after "tỉnh" or "thành phố", however it is cased ("ỦY BAN NHÂN DÂN Tỉnh BẮC GIANG")
            kind, place = match.groups() if (match := _PARENT_PLACE.search(parent)) else ("tỉnh", "")
            candidates[:0] = [f"{issuer} {kind} {place}", f"{issuer} {parent}"]
        printed = place_of(issuer) or (place_of(parent) if parent else None)

        def placed(found: Iterable[AgencyEntry]) -> list[AgencyEntry]:
            # a place printed on the document must be the agency's: Lâm Đồng's Sở Tài chính is not ours
            return list({a.code: a for a in found if not (printed and a.places) or printed in a.places}.values())

        for text in candidates:
            if len(found := _one_by_marks(placed(self._by_name.get(squash(text), [])), text)) == 1:
                return found[0]
        for text in candidates:  # written otherwise: an abbreviation spelled out, or the other way
            if len(found := _one_by_marks(placed(a for _, a in self.written_names.find(text)), text)) == 1:
                return found[0]
        return None

    def told_apart_by_marks(self, name: str, district: str | None = None) -> bool:
        """Whether the directory holds bodies named as `name` is but for their marks ("xã Tân Thanh", "xã Tân Thạnh"): only
        a name written with its marks tells which of them it is (red team 135: an O written without marks); or communes
        so named, however the name holds one (red team 136: "UBND xã Tân Thạnh, tỉnh Bắc Giang", "Ủy ban nhân dân xã Tân
        Thạnh", a row "…, huyện Lạng Giang"); of one district, where the certificate gives it (`district`, folded: red
        team 138, twins of two districts are told apart by it)."""
        found = list({a.code: a for a in self._by_name.get(squash(name), [])}.values())
        if len(found) > 1 and len(_one_by_marks(found, name, none_else=True)) < len(found):
            return True
        return any(len({spelling for spelling, where in self._communes.get(fold(commune), ())
                        if district is None or where is None or where == district}) > 1
                   for commune in communes_named(name))

    @cached_property
    def _communes(self) -> dict[str, frozenset[tuple[str, str | None]]]:
        """Each commune, ward or town the directory's names and parents name, folded, with its spellings (marks kept)
        and the district of the row that names it (None where it names none)."""
        found: dict[str, set[tuple[str, str | None]]] = {}
        for agency in self.agencies:
            district = _district_of(agency)
            for text in (*agency.names, *agency.parent):
                for commune in communes_named(text):
                    if not commune.isascii():
                        found.setdefault(fold(commune), set()).add((commune, district))
        return {key: frozenset(spellings) for key, spellings in found.items()}

    def by_fingerprint(self, fingerprint: str) -> AgencyEntry | None:
        found = self._by_fingerprint.get(fingerprint.lower(), [])
        return found[0] if len(found) == 1 else None

    def by_listed_certificate(self, name: str) -> list[AgencyEntry]:
        """The agencies whose `certificates` column names a certificate's CN as it stands (its letters Vietnamese ones)."""
        return list(self._by_listed_certificate.get(squash(name), [])) if squash(name) and not foreign_letters(name) else []

    def by_certificate_name(self, name: str, places: frozenset[str], *, under_province: bool = False,
                            within: str | None = None) -> list[AgencyEntry]:
        """The agencies a certificate's name attribute names, their place agreeing with the
        certificate's (L or O): 'SỞ TÀI CHÍNH' of Đắk Nông never names Bắc Giang's Sở Tài chính.
        Usually one; several where one office's certificate serves them all (the `certificates`
        column: Văn phòng Chính phủ signs for the Thủ tướng too). `under_province`: `completed_by_province`; `within`:
        the lower body (a district, a city of the province) a bare name stands under, tried first ("huyện Lục Ngạn", with
        its marks: a person of xã Tân Thạnh is none of xã Tân Thanh's, red team 132)."""
        if not squash(name) or foreign_letters(name):  # a name is matched as written, never as it looks (red team 106)
            return []
        completed = [] if place_of(name) else [*([f"{name} {within}"] if within else []),
                                               *completed_by_province(name, places, under_province=under_province)]
        texts = [*completed, name]
        for text in texts:
            found = [a for a in self._by_certificate_name.get(squash(text), []) if not a.places or a.places & places]
            if found:  # one commune's certificate never names the one whose name differs by a mark (red team 68)
                return _one_by_marks(found, text, none_else=True)
        # spelled out where the directory abbreviates ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG" for "UBND tỉnh Lâm Đồng": red team 71,
        # the header found its agency and the certificate none): one agency, or none; a name of the certificate's own
        # written in initials never (red team 72: a company's "STP" signed for Sở Tư pháp)
        if any(unit.initial for unit in units(name)):
            return []
        for text in texts:
            written = {a.code: a for _, a in self.written_names.find(text) if not a.places or a.places & places}
            if written:
                told = _one_by_marks(list(written.values()), text, none_else=True)
                return told if len(told) == 1 else []
        return []

    # Recipient entries are compared as documents write them (gateway/names.py), through these.
    @cached_property
    def written_names(self) -> NameIndex[AgencyEntry]:
        # an alias abbreviating the agency's own name says nothing more, and would take a name spelled out otherwise for
        # it ("Sở NV tỉnh Bắc Ninh" beside "Sở Nội vụ tỉnh Bắc Ninh" took "Sở Ngoại vụ": red team 34): left out
        return NameIndex((n, a) for a in self.agencies for n in a.names
                         if n == a.name or not any(abbreviates(n, other) for other in a.names if other != n))

    @cached_property
    def written_former_names(self) -> NameIndex[AgencyEntry]:
        return NameIndex((n, a) for a in self.agencies for n in a.former)

    @cached_property
    def written_groups(self) -> NameIndex[AgencyEntry]:
        return NameIndex(((g, a) for a in self.agencies for g in a.groups), formal=False)
