"""Benchmark: the reader's field accuracy and CPU time, born-digital and scanned.

Generates N varied documents (gateway/testkit/reading_cases.py), renders each born-digital and as
scans at the resolutions asked (greyscale, slightly skewed, JPEG, as office scanners deliver), reads
each with the one reader and compares every field with what is printed on it.

CPU is this process plus the Tesseract processes it ran (getrusage of children), per document, one
core. "fields" reads what intake needs (no body); "--body" also reads a scan's body for "Như Điều N".
Usage: python bench/reading.py [N] [--dpi 150,200,300] [--body] [--colour] [--show-errors]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
from collections import Counter
from typing import Any

import pymupdf

from gateway.reading import read_document
from gateway.testkit.documents import render_document, scan
from gateway.testkit.reading_cases import reading_cases

FIELDS = ["issuer", "issuer_parent", "number", "place", "date", "type", "summary", "urgency", "secrecy",
          "signer", "signer_title"]
BLOCK = ["paper", "electronic", "archive"]


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def compare(expected: dict[str, Any], got: dict[str, Any], body: bool) -> dict[str, bool]:
    marks = {f: got["document"][f] == expected["document"][f] for f in FIELDS}
    for key in BLOCK:
        marks[key] = got["recipients"][key] == expected["recipients"][key]
    if body or not got["ocr"]:
        marks["references"] = got["recipients"]["references"] == expected["recipients"]["references"]
    return marks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", nargs="?", type=int, default=60)
    parser.add_argument("--dpi", default="150,200,300")
    parser.add_argument("--body", action="store_true")
    parser.add_argument("--colour", action="store_true", help="colour scans (NĐ 30/2020 PL I asks for them); default greyscale")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--read-dpi", type=int, default=None, help="read scans at this resolution (default: the reader's, 200)")
    args = parser.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    cases = reading_cases(args.count)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"PyMuPDF {pymupdf.__version__}")
    variants: list[tuple[str, int | None]] = [("born-digital", None)] + [(f"scan {d} dpi{' colour' if args.colour else ''}", int(d)) for d in args.dpi.split(",")]
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
            start = cpu_seconds()
            with pymupdf.open(stream=pdf, filetype="pdf") as doc:
                reading = read_document(doc, body=args.body, dpi=args.read_dpi)
            times.append(cpu_seconds() - start)
            pages.append(reading.pages)
            marks = compare(case.expected, reading.as_json(), args.body)
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


if __name__ == "__main__":
    sys.exit(main())
