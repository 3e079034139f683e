"""Benchmark: the reader's field accuracy and CPU time, on real documents and on made ones.

Parts (--parts; default corpus,realpdf,cost, or made alone when a count N is given, as this bench ran before):
- corpus: the real-document corpus (QLVB_SHARED/corpus/documents: texts with their particulars and
  blocks written out by hand) laid out by tests/office_documents.py as NĐ 30/2020 Phụ lục I sets them,
  born-digital and as office scans (200 and 300 dpi, greyscale and colour, signed in ink with the seal
  over the title, skewed 1-2 degrees, speckled, JPEG; and a colour scan signed with a visible box on
  page 1). Every field is compared exactly with what is printed: by field, by document type, by level;
  the recipient blocks entry by entry (merged, split, invented, missed, misread).
- realpdf: the real PDFs as agencies publish them (QLVB_SHARED/corpus/realpdf), against their JSON:
  the same figures, by kind of file, and what still fails.
- cost: a warm reader (Tesseract's model loaded, as in a worker) reads what intake needs from
  one-page 200 dpi scans, against the Tesseract program reading the same page whole
  (`tesseract page.png - -l vie`, OMP_THREAD_LIMIT=1, its model load included), side by side.
- made: N documents of tests/kit/reading_cases.py (DejaVu Serif), as this bench measured before.

The shared folder is QLVB_SHARED (default ../shared beside the checkout); without it the corpus parts
are skipped. CPU is this process plus the programs it ran (getrusage), one core (OMP_THREAD_LIMIT=1).
Usage: python bench/reading.py [N] [--parts corpus,realpdf,cost,made] [--levels digital,200-grey,...]
       [--dpi 150,200,300] [--body] [--colour] [--show-errors] [--read-dpi D] [--limit K]
"""

from __future__ import annotations

import os

os.environ["OMP_THREAD_LIMIT"] = "1"  # before Tesseract is loaded: one core, as the workers run it

import argparse
import dataclasses
import difflib
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymupdf

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from gateway.model import Particulars, Reading, Recipients  # noqa: E402
from gateway.reading import read_document  # noqa: E402
from kit import render_document, scan  # noqa: E402
from kit.reading_cases import reading_cases  # noqa: E402
from vntext import one_line, squash  # noqa: E402
from office_documents import OfficeDocument, ScanSettings, corpus_documents, lay_out, sign_scan  # noqa: E402
from office_documents import scan as office_scan_of  # noqa: E402

SHARED = Path(os.environ.get("QLVB_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")
FEW = 5  # fewer documents than this: counts, not a percentage


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def own_cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def children_cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


# ---- what a document says, and how a reading is scored -------------------------------------------


@dataclass(frozen=True)
class Fields:
    """The fields a clerk reads on a document, as compared here (lists as tuples)."""

    issuer: str | None
    issuer_parent: str | None
    number: str | None
    place: str | None
    date: str | None
    type: str | None
    summary: str | None
    signer: str | None
    signer_title: str | None  # the title lines, one a line (the real PDFs' JSON: joined with spaces)
    kinh_gui: tuple[str, ...]
    paper: tuple[str, ...]
    electronic: tuple[str, ...]
    archive: str | None


FIELDS = [f.name for f in dataclasses.fields(Fields)]
ENTRY_LISTS = ("paper", "electronic")  # the block's entries, aligned one by one


def fields_of(particulars: Particulars, recipients: Recipients, *, titles_joined: bool = False) -> Fields:
    titles = particulars.signer_title
    return Fields(
        issuer=particulars.issuer, issuer_parent=particulars.issuer_parent, number=particulars.number,
        place=particulars.place, date=particulars.date, type=particulars.type, summary=particulars.summary,
        signer=particulars.signer, signer_title=(" " if titles_joined else "\n").join(titles) if titles else None,
        kinh_gui=tuple(recipients.kinh_gui), paper=tuple(recipients.paper), electronic=tuple(recipients.electronic),
        archive=recipients.archive,
    )


def _strict(name: str, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, tuple):
        return tuple(one_line(v) for v in value)
    text = one_line(value)
    return "".join(text.split()) if name == "number" else text


def _loose(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, tuple):
        return tuple(squash(v) for v in value)
    return squash(value)


def field_marks(expected: Fields, got: Fields) -> tuple[dict[str, bool], dict[str, bool]]:
    """Each field right or not: exactly (spaces aside), and ignoring case, tone marks and punctuation."""
    strict, loose = {}, {}
    for name in FIELDS:
        want, have = getattr(expected, name), getattr(got, name)
        strict[name] = _strict(name, want) == _strict(name, have)
        loose[name] = _loose(want) == _loose(have)
    return strict, loose


@dataclass
class EntryCounts:
    """A recipient list read entry by entry against what is printed."""

    expected: int = 0
    exact: int = 0
    misread: int = 0  # the right entry with letters wrong (an OCR slip)
    merged: int = 0  # entries read as one with a neighbour (counted once per entry read)
    split: int = 0  # an entry read as two or more
    invented: int = 0  # read where nothing is printed
    missed: int = 0  # printed and not read

    def add(self, other: EntryCounts) -> None:
        for f in dataclasses.fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def _likeness(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, squash(a), squash(b), autojunk=False).ratio()


def align_entries(expected: Sequence[str], got: Sequence[str]) -> EntryCounts:
    """The cheapest reading of `got` as `expected` with entries kept, misread, merged, split,
    invented or missed (an edit distance over entries)."""
    n, m = len(expected), len(got)
    best: dict[tuple[int, int], tuple[float, tuple[int, int] | None, str]] = {(0, 0): (0.0, None, "")}
    for i in range(n + 1):
        for j in range(m + 1):
            if (i, j) not in best:
                continue
            cost = best[(i, j)][0]
            moves: list[tuple[int, int, float, str]] = []
            if i < n:
                moves.append((i + 1, j, 1.0, "missed"))
            if j < m:
                moves.append((i, j + 1, 1.0, "invented"))
            if i < n and j < m:
                if one_line(expected[i]) == one_line(got[j]):
                    moves.append((i + 1, j + 1, 0.0, "exact"))
                elif _likeness(expected[i], got[j]) >= 0.6:
                    moves.append((i + 1, j + 1, 0.5, "misread"))
            for k in (2, 3, 4):
                if i + k <= n and j < m and _likeness(" ".join(expected[i:i + k]), got[j]) >= 0.8:
                    moves.append((i + k, j + 1, 0.8, "merged"))
                if j + k <= m and i < n and _likeness(expected[i], " ".join(got[j:j + k])) >= 0.8:
                    moves.append((i + 1, j + k, 0.8, "split"))
            for ni, nj, step, kind in moves:
                if (ni, nj) not in best or cost + step < best[(ni, nj)][0]:
                    best[(ni, nj)] = (cost + step, (i, j), kind)
    counts = EntryCounts(expected=n)
    at: tuple[int, int] | None = (n, m)
    while at is not None and best[at][1] is not None:
        _, previous, kind = best[at]
        setattr(counts, kind, getattr(counts, kind) + 1)
        at = previous
    return counts


@dataclass(frozen=True)
class Scored:
    """One document read at one level."""

    name: str
    type: str
    strict: dict[str, bool]
    loose: dict[str, bool]
    entries: EntryCounts
    expected: Fields
    got: Fields
    cpu: float
    pages: int
    marks_invented: bool  # an urgency or secrecy mark read where none is printed
    warnings: tuple[str, ...]


def score(name: str, doc_type: str, expected: Fields, reading: Reading, cpu: float, *, titles_joined: bool = False,
          marks: tuple[str | None, str | None] = (None, None)) -> Scored:
    got = fields_of(reading.particulars, reading.recipients, titles_joined=titles_joined)
    strict, loose = field_marks(expected, got)
    entries = EntryCounts()
    for entry_list in ENTRY_LISTS:
        entries.add(align_entries(getattr(expected, entry_list), getattr(got, entry_list)))
    invented = (reading.particulars.urgency, reading.particulars.secrecy) != marks
    return Scored(name, doc_type, strict, loose, entries, expected, got, cpu, reading.pages, invented,
                  tuple(w.as_json() for w in reading.warnings))


def read_timed(pdf: bytes, **options: Any) -> tuple[Reading, float]:
    start = own_cpu()
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        reading = read_document(doc, **options)
    return reading, own_cpu() - start


# ---- printing ---------------------------------------------------------------------------------------


def share(right: int, seen: int, documents: int) -> str:
    if documents == 0:
        return "—"
    if documents < FEW:
        return f"{documents} doc{'s' if documents != 1 else ''}, too few for a %: {right}/{seen}"
    return f"{right / seen:.1%} ({right}/{seen})" if seen else "—"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


def report(title: str, groups: dict[str, list[Scored]], *, by_type: bool = True, failures: str = "names") -> None:
    """Tables of one set of documents read in several ways (`groups`: a column each)."""
    labels = list(groups)
    print(f"\n### {title}\n")
    rows = []
    for name in FIELDS:
        cells = []
        for label in labels:
            scored = groups[label]
            cells.append(share(sum(s.strict[name] for s in scored), len(scored), len(scored)))
        rows.append([name] + cells)
    totals, loose, whole, cpu, marks = [], [], [], [], []
    for label in labels:
        scored = groups[label]
        right = sum(sum(s.strict.values()) for s in scored)
        seen = sum(len(s.strict) for s in scored)
        totals.append(share(right, seen, len(scored)))
        loose.append(share(sum(sum(s.loose.values()) for s in scored), seen, len(scored)))
        whole.append(f"{sum(all(s.strict.values()) for s in scored)}/{len(scored)}")
        times = sorted(s.cpu for s in scored)
        cpu.append(f"{statistics.mean(times) * 1000:.0f} / {times[-1] * 1000:.0f} ms" if times else "—")
        marks.append(str(sum(s.marks_invented for s in scored)))
    rows += [["**all fields**"] + [f"**{t}**" for t in totals], ["ignoring case, tone marks, punctuation"] + loose,
             ["documents without a fault"] + whole, ["urgency/secrecy marks invented"] + marks,
             ["CPU a document, mean / max"] + cpu]
    table(["field"] + labels, rows)

    if by_type:
        print()
        types = Counter({s.name: s.type for scored in groups.values() for s in scored}.values())
        rows = []
        for doc_type, count in types.most_common():
            cells = []
            for label in labels:
                scored = [s for s in groups[label] if s.type == doc_type]
                cells.append(share(sum(sum(s.strict.values()) for s in scored), sum(len(s.strict) for s in scored), len(scored)))
            rows.append([f"{doc_type} ({count})"] + cells)
        table(["type (documents): all fields"] + labels, rows)

    print()
    rows = []
    for label in labels:
        counts = EntryCounts()
        for s in groups[label]:
            counts.add(s.entries)
        rows.append([label, str(counts.expected), str(counts.exact), str(counts.misread), str(counts.merged),
                     str(counts.split), str(counts.invented), str(counts.missed)])
    table(["recipient entries (Nơi nhận)", "printed", "exact", "misread", "merged", "split", "invented", "missed"], rows)

    print("\nWhat fails:")
    for label in labels:
        print(f"  {label}:")
        for name in FIELDS:
            wrong = [s for s in groups[label] if not s.strict[name]]
            if not wrong:
                continue
            if failures == "names":
                print(f"    {name} ({len(wrong)}): " + ", ".join(s.name for s in wrong))
                continue
            print(f"    {name} ({len(wrong)}):")
            for s in wrong:
                print(f"      {s.name}: read {_short(getattr(s.got, name))} want {_short(getattr(s.expected, name))}")


def _short(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


# ---- the corpus, laid out ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    key: str
    label: str
    settings: ScanSettings | None  # None: born-digital
    signed: bool = False


LEVELS = [
    Level("digital", "born-digital", None),
    Level("200-grey", "200 dpi grey", ScanSettings(dpi=200, colour=False)),
    Level("200-colour", "200 dpi colour", ScanSettings(dpi=200, colour=True)),
    Level("300-grey", "300 dpi grey", ScanSettings(dpi=300, colour=False)),
    Level("300-colour", "300 dpi colour", ScanSettings(dpi=300, colour=True)),
    Level("200-signed", "200 dpi colour, signed box", ScanSettings(dpi=200, colour=True), signed=True),
]


class ScanSigner:
    """Signs scans with a visible box, each by a certificate of its issuer from one test PKI."""

    def __init__(self) -> None:
        from kit import DemoPki

        self.pki = DemoPki.create()

    def sign(self, doc: OfficeDocument, pdf: bytes) -> bytes:
        identity = self.pki.signer(doc.issuer, doc.issuer_parent or doc.issuer, kind="ecdsa")
        return sign_scan(pdf, identity, self.pki, agency=doc.issuer)


def bench_corpus(args: argparse.Namespace) -> None:
    folder = SHARED / "corpus" / "documents"
    documents = corpus_documents(folder)[: args.limit or None]
    levels = [level for level in LEVELS if level.key in args.levels.split(",")]
    groups: dict[str, list[Scored]] = {level.label: [] for level in levels}
    signer = ScanSigner() if any(level.signed for level in levels) else None
    made = 0.0
    for index, doc in enumerate(documents):
        size = 13.0 if index % 2 else 14.0  # NĐ 30/2020: 13-14 pt
        start = cpu_seconds()
        digital = lay_out(doc, body_size=size)
        inked = lay_out(doc, body_size=size, ink=True, seed=index) if any(l.settings for l in levels) else b""
        made += cpu_seconds() - start
        expected = fields_of(doc.particulars(), doc.recipients())
        for level in levels:
            if level.settings is None:
                pdf = digital
            else:
                start = cpu_seconds()
                pdf = office_scan_of(inked, dataclasses.replace(level.settings, seed=index))
                if level.signed and signer is not None:
                    pdf = signer.sign(doc, pdf)
                made += cpu_seconds() - start
            reading, cpu = read_timed(pdf, dpi=args.read_dpi)
            groups[level.label].append(score(doc.name, doc.type, expected, reading, cpu))
    pages = statistics.mean(s.pages for s in next(iter(groups.values())))
    print(f"\n## Real documents laid out ({folder}: {len(documents)} documents, {pages:.1f} pages on average; "
          f"laying out and scanning took {made:.0f} s of CPU, not counted)")
    print("Fields compared exactly with what is printed (the corpus's OCR slips printed as they are, "
          "'V/v' as the paper has it); a type or level with fewer than five documents gives counts.")
    report("By field and level", groups, failures="values" if args.show_errors else "names")


# ---- the real PDFs ----------------------------------------------------------------------------------


def _realpdf_fields(record: dict[str, Any]) -> Fields:
    recipients = record["recipients"]
    return Fields(
        issuer=record["issuer"], issuer_parent=record["issuer_parent"], number=record["number"], place=record["place"],
        date=record["date"], type=record["type"], summary=record["summary"], signer=record["signer"],
        signer_title=record["signer_title"] or None, kinh_gui=tuple(record.get("addressees") or ()),
        paper=tuple(recipients["paper"]), electronic=tuple(recipients["electronic"]), archive=recipients["archive"],
    )


def _kind(record: dict[str, Any]) -> str:
    if not record["scanned"]:
        return "born-digital, signed" if record["signed"] else "born-digital"
    return "scan + digital signature" if record["signed"] else "scan (wet seal)"


def bench_realpdf(args: argparse.Namespace) -> None:
    folder = SHARED / "corpus" / "realpdf"
    scored: list[tuple[str, Scored]] = []
    for path in sorted(folder.glob("[0-9][0-9][0-9].pdf"))[: args.limit or None]:
        record = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        reading, cpu = read_timed(path.read_bytes(), dpi=args.read_dpi)
        scored.append((_kind(record), score(path.stem, record["type"], _realpdf_fields(record), reading, cpu,
                                            titles_joined=True, marks=(record["urgency"], record["secrecy"]))))
    groups: dict[str, list[Scored]] = defaultdict(list)
    for kind, s in sorted(scored, key=lambda pair: pair[0], reverse=True):
        groups[kind].append(s)
    groups["all"] = [s for _, s in scored]
    print(f"\n## Real PDFs as published ({folder}: {len(scored)} files, read as they are)")
    print("signer_title compared with its lines joined by spaces, as the JSON writes it; kinh_gui with 'addressees'.")
    report("By field and kind of file", dict(groups), failures="values")


# ---- the cost against bare Tesseract ----------------------------------------------------------------


def _tesseract_cpu(page: pymupdf.Page, folder: Path) -> float:
    """The Tesseract program reading the page whole at 200 dpi: its CPU, model load included."""
    image = folder / "page.png"
    page.get_pixmap(dpi=200).save(str(image))
    start = children_cpu()
    subprocess.run(["tesseract", str(image), "-", "-l", "vie"], check=True, capture_output=True,
                   env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    return children_cpu() - start


def _one_page_scans(count: int) -> list[tuple[str, bytes]]:
    """One-page 200 dpi colour scans: corpus documents laid out with a short body, and the real
    one-page scans."""
    pages: list[tuple[str, bytes]] = []
    documents = SHARED / "corpus" / "documents"
    if documents.is_dir():
        for index, doc in enumerate(corpus_documents(documents, body_chars=500)):
            inked = lay_out(doc, body_size=13.0, ink=True, seed=index)
            with pymupdf.open(stream=inked, filetype="pdf") as laid_out:
                one_page = laid_out.page_count == 1
            if one_page:
                pages.append((f"laid-out {doc.name}", office_scan_of(inked, ScanSettings(dpi=200, colour=True, seed=index))))
            if len(pages) >= count:
                break
    real = SHARED / "corpus" / "realpdf"
    for path in sorted(real.glob("[0-9][0-9][0-9].pdf")) if real.is_dir() else []:
        record = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        if record["scanned"] and record["pages"] == 1:
            pages.append((f"real {path.stem}", path.read_bytes()))
    return pages


def bench_cost(args: argparse.Namespace) -> None:
    pages = _one_page_scans(args.cost_pages)
    if not pages:
        print("\n## Cost: no one-page scan to measure")
        return
    for _, pdf in pages:  # warm, as a worker that has read before: every model the pages ask for loaded
        read_timed(pdf)  # (the digits' model only where a number is handwritten), each page once
    rows, totals = [], defaultdict(lambda: [0.0, 0.0])
    with tempfile.TemporaryDirectory() as tmp:
        for name, pdf in pages:
            _, ours = read_timed(pdf)
            with pymupdf.open(stream=pdf, filetype="pdf") as doc:
                theirs = _tesseract_cpu(doc[0], Path(tmp))
            group = name.split()[0]
            totals[group][0] += ours
            totals[group][1] += theirs
            rows.append([name, f"{ours * 1000:.0f} ms", f"{theirs * 1000:.0f} ms", f"{ours / theirs:.2f}"])
    print("\n## Cost: a warm reader against the Tesseract program, one-page 200 dpi scans\n")
    for group, (ours, theirs) in totals.items():
        n = sum(1 for name, _ in pages if name.startswith(group))
        rows.append([f"**{group}: {n} pages, mean**", f"**{ours / n * 1000:.0f} ms**", f"**{theirs / n * 1000:.0f} ms**",
                     f"**{ours / theirs:.2f}**"])
    table(["page", "reader (fields intake needs)", "tesseract page.png - -l vie", "ratio (goal ≤ 0.33)"], rows)


# ---- the made documents (tests/kit/reading_cases.py) ------------------------------------------

MADE_FIELDS = ["issuer", "issuer_parent", "number", "place", "date", "type", "summary", "urgency", "secrecy",
               "signer", "signer_title"]
BLOCK = ["paper", "electronic", "archive"]


def compare_made(expected: dict[str, Any], got: dict[str, Any], body: bool) -> dict[str, bool]:
    marks = {f: got["document"][f] == expected["document"][f] for f in MADE_FIELDS}
    for key in BLOCK:
        marks[key] = got["recipients"][key] == expected["recipients"][key]
    if body or not got["ocr"]:
        marks["references"] = got["recipients"]["references"] == expected["recipients"]["references"]
    return marks


def bench_made(args: argparse.Namespace) -> None:
    cases = reading_cases(args.count)
    print(f"\n## Made documents (tests/kit/reading_cases.py, DejaVu Serif): {len(cases)}")
    variants: list[tuple[str, int | None]] = [("born-digital", None)] + [
        (f"scan {d} dpi{' colour' if args.colour else ''}", int(d)) for d in args.dpi.split(",")]
    for label, dpi in variants:
        right: Counter[str] = Counter()
        seen: Counter[str] = Counter()
        times: list[float] = []
        pages: list[int] = []
        whole = 0
        for number, case in enumerate(cases):
            pdf = render_document(case.spec)
            if dpi is not None:
                pdf = scan(pdf, dpi, seed=number, grey=not args.colour)
            reading, cpu = read_timed(pdf, body=args.body, dpi=args.read_dpi)
            times.append(cpu)
            pages.append(reading.pages)
            marks = compare_made(case.expected, reading.as_json(), args.body)
            for name, ok in marks.items():
                seen[name] += 1
                right[name] += ok
                if not ok and args.show_errors:
                    got = reading.as_json()
                    value = got["document"].get(name, got["recipients"].get(name))
                    want = case.expected["document"].get(name, case.expected["recipients"].get(name))
                    print(f"  {label} {case.name} {name}: got {value!r} want {want!r}")
            whole += all(marks.values())
        total_right, total_seen = sum(right.values()), sum(seen.values())
        print(f"\n{label}: {len(cases)} documents, {statistics.mean(pages):.1f} pages on average")
        print(f"  field accuracy {total_right / total_seen:.1%} ({total_right}/{total_seen}); documents read without a fault: {whole}/{len(cases)}")
        print("  " + ", ".join(f"{n} {right[n] / seen[n]:.0%}" for n in seen))
        times.sort()
        print(f"  CPU per document: mean {statistics.mean(times) * 1000:.0f} ms, median {times[len(times) // 2] * 1000:.0f} ms, "
              f"max {times[-1] * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", nargs="?", type=int, default=0, help="made documents (tests/kit/reading_cases.py)")
    parser.add_argument("--parts", default=None, help="corpus,realpdf,cost,made (default: corpus,realpdf,cost; made alone with a count)")
    parser.add_argument("--levels", default=",".join(l.key for l in LEVELS), help="the corpus's levels: " + ",".join(l.key for l in LEVELS))
    parser.add_argument("--limit", type=int, default=0, help="only the first K documents of each corpus")
    parser.add_argument("--cost-pages", type=int, default=8, help="one-page scans laid out from the corpus for the cost")
    parser.add_argument("--dpi", default="150,200,300", help="made documents: scan resolutions")
    parser.add_argument("--body", action="store_true", help="made documents: also read a scan's body")
    parser.add_argument("--colour", action="store_true", help="made documents: colour scans (default greyscale)")
    parser.add_argument("--show-errors", action="store_true", help="every wrong field with what was read")
    parser.add_argument("--read-dpi", type=int, default=None, help="read scans at this resolution (default: the reader's, 200)")
    args = parser.parse_args()
    parts = (args.parts or ("made" if args.count else "corpus,realpdf,cost")).split(",")
    tesseract = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"PyMuPDF {pymupdf.__version__}, {tesseract}")
    shared = (SHARED / "corpus").is_dir()
    print(f"shared material: QLVB_SHARED={SHARED} " + ("found" if shared else "absent: the corpus, the real PDFs and the cost (on their pages) are skipped"))
    if shared and "corpus" in parts and (SHARED / "corpus" / "documents").is_dir():
        bench_corpus(args)
    if shared and "realpdf" in parts and (SHARED / "corpus" / "realpdf").is_dir():
        bench_realpdf(args)
    if shared and "cost" in parts:
        bench_cost(args)
    if "made" in parts:
        if not args.count:
            args.count = 60
        bench_made(args)


if __name__ == "__main__":
    sys.exit(main())
