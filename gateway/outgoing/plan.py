"""What sending a document would do, decided from its reading and the directory (pure): the
electronic entries and the agencies each names, the paper entries listed for the clerk, and why
the send is held when it is. Nothing is dropped in silence: an entry that does not resolve to
exactly the agencies meant holds the whole send."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from gateway.decision.rules import secret_mark
from gateway.directory import AgencyEntry
from gateway.model import Particulars, Reading
from gateway.reasons import Reason, error
from gateway.resolver import Resolution, Resolver

NoSubheading = Literal["hold", "all_electronic"]
# The clerk's choice for an entry: the agencies meant, or None for "not electronically" (paper).
Choices = dict[str, list[AgencyEntry] | None]


@dataclass(frozen=True)
class Plan:
    document: Particulars
    identifier: str
    signed: bool
    electronic: list[Resolution]
    paper: list[str]
    archive: str | None
    held: list[Reason] = field(default_factory=list)

    @property
    def sendable(self) -> bool:
        return not self.held

    def recipients(self) -> list[tuple[AgencyEntry, list[str]]]:
        """Each agency once, with the entries that name it, in the order of the block."""
        found: dict[str, tuple[AgencyEntry, list[str]]] = {}
        for resolution in self.electronic:
            if resolution.status != "resolved":
                continue
            for agency in resolution.agencies:
                found.setdefault(agency.code, (agency, []))[1].append(resolution.entry)
        return list(found.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "document": self.document.as_json(), "identifier": self.identifier, "signed": self.signed,
            "electronic": [r.as_json() for r in self.electronic], "paper": self.paper, "archive": self.archive,
            "held": [r.as_json() for r in self.held],
        }


def make_plan(
    reading: Reading, resolver: Resolver, *, identifier: str, signed: bool, no_subheading: NoSubheading,
    choices: Choices | None = None,
) -> Plan:
    choices = choices or {}
    block = reading.recipients
    held = list(secret_mark(reading))  # 002 Đ3.1, Đ16.7: never sent electronically
    if any(w.code == "no-recipient-block" for w in reading.warnings):
        held.append(error("no-recipient-block"))
    electronic, paper = list(block.electronic), list(block.paper)
    if not block.electronic_heading and paper:
        if no_subheading == "all_electronic":  # 133/2015 Đ3.1: all but secret documents go electronically
            electronic, paper = paper, []
        else:
            held.append(error("no-electronic-subheading"))
    resolutions: list[Resolution] = []
    for entry in electronic:
        resolution = resolver.resolve(entry)
        if entry in choices:
            chosen = choices[entry]
            if chosen is None:
                paper.append(entry)  # the clerk sends this one on paper
                continue
            resolution = Resolution(entry, "resolved", chosen)
        resolutions.append(resolution)
    stuck = [r.entry for r in resolutions if r.status in ("ambiguous", "unresolved")]
    if stuck:
        held.append(error("entries-unresolved", "; ".join(stuck)))
    plan = Plan(reading.particulars, identifier, signed, resolutions, paper, block.archive, held)
    if not held and not plan.recipients():
        held.append(error("no-electronic-recipient"))
    return plan
