"""What a reading may hold: as much as a document's page shows, never what a file can make up.

A line of a PDF can hold a million characters (each drawn 0.0001 pt after the last, in a file of 62 KB:
red team 20), and everything read crosses to the daemon process, into its decisions, the register and the
clerk's lists, for each of a mail's hundred documents (1.2 GB and 360 MB of register for one mail of 8 MB).
The corpus's longest particular is a summary of 313 characters, its longest block 19 entries of 133.
"""

from __future__ import annotations

from dataclasses import replace

from gateway.model import CopyMark, Particulars, Reading, ReadingWarning, Recipients
from gateway.reasons import DETAIL_CHARACTERS

PARTICULAR_CHARACTERS = 2_000  # an issuer, a number, a summary, a signer, a title's line
TITLE_LINES = 10
LIST_CHARACTERS = 20_000  # of each list of the block (paper, electronic, "Kính gửi"), entries whole
ENTRY_CHARACTERS = 1_000  # what an entry longer names is no agency (gateway.decision.rules.LONGEST_ENTRY)
REFERENCES = 10  # "Như Điều 3", "Như trên": each the bodies it stands for
BODIES = 40
BODY_CHARACTERS = 300
NOTES = 50  # warnings, and quotes of hidden text (each as long as a reason's detail: DETAIL_CHARACTERS)


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _maybe(text: str | None, most: int = PARTICULAR_CHARACTERS) -> str | None:
    return None if text is None else _cut(text, most)


def _entries(entries: list[str]) -> list[str]:
    kept: list[str] = []
    left = LIST_CHARACTERS
    for entry in (_cut(e, ENTRY_CHARACTERS) for e in entries):
        left -= len(entry)
        if left < 0:
            break
        kept.append(entry)
    return kept


def _bodies(bodies: list[str]) -> list[str]:
    return [_cut(b, BODY_CHARACTERS) for b in bodies[:BODIES]]


def bounded(reading: Reading) -> Reading:
    """The reading with every text and list cut to what a document shows (unchanged for any real one)."""
    p = reading.particulars
    particulars = Particulars(**{name: _maybe(getattr(p, name)) for name in (
        "issuer", "issuer_parent", "number", "place", "date", "type", "summary", "urgency", "secrecy", "signer")},
        signer_title=[_cut(line, PARTICULAR_CHARACTERS) for line in p.signer_title[:TITLE_LINES]])
    r = reading.recipients
    recipients = Recipients(
        paper=_entries(r.paper), electronic=_entries(r.electronic), archive=_maybe(r.archive, ENTRY_CHARACTERS),
        references={_cut(k, ENTRY_CHARACTERS): _bodies(v) for k, v in list(r.references.items())[:REFERENCES]},
        kinh_gui=_entries(r.kinh_gui), electronic_heading=r.electronic_heading)
    copy = reading.copy and CopyMark(reading.copy.form, _maybe(reading.copy.copier), _maybe(reading.copy.copier_parent),
                                     _maybe(reading.copy.number))
    warnings = [ReadingWarning(w.code, _cut(w.message, DETAIL_CHARACTERS)) for w in reading.warnings[:NOTES]]
    hidden = tuple(_cut(h, DETAIL_CHARACTERS) for h in reading.hidden[:NOTES])
    return replace(reading, particulars=particulars, recipients=recipients, copy=copy, warnings=warnings, hidden=hidden)
