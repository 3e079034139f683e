"""Red team 98: recipient entries of a "Nơi nhận" block that the OUTGOING side resolves to a body the block does not name
(issue 12: "no entry ever resolves to a wrong agency; an entry with more than one candidate is ambiguous and held").

Each case is driven as `qlvb-gateway send` drives it: the block's lines are read by the reader's block parser
(`gateway.reading.recipients.parse_block`), the plan is made (`gateway.outgoing.plan.make_plan`) with the resolver over a
province directory after the 2025 reorganisation (Bắc Ninh, red team 44's: the province's bodies, the regional courts, a
commune as well), and we look at what a clerk looks at: which mailboxes the document would be mailed to, and which
entries are held. Found at stop 44 and fixed there: "Việt Nam" with a slipped mark or joined ("Viêt Nam", "Việt-Nam"), a
region written "KV1" or unmarked, a commune's "TT HĐND" or "Thường trưc HĐND", a Cyrillic letter or a zero-width space in
an entry: each made our province's body (or another commune's) of what named another; the resolver's patterns now match
the entry unmarked, as names are compared, and an entry is read as printed (vntext.as_printed)."""

from __future__ import annotations

import pytest

from gateway.directory import AgencyEntry, Directory
from gateway.model import Particulars, Reading
from gateway.outgoing.plan import Plan, make_plan
from gateway.reading.recipients import parse_block
from gateway.resolver import Resolver
from test_resolver_communes import (CA, CCB, DIRECTORY, HDND, HDND_XA, HLHPN, HND, MTTQ, TAND, TAND_KV1, TAND_KV2, UBND,
                                    VKS, VKS_KV1, VKS_KV2, XA)
from test_resolver_corpus import agency


def plan_of(entries: list[str], us: AgencyEntry = UBND, directory: list[AgencyEntry] = DIRECTORY) -> Plan:
    """The plan `send` makes of a block "Nơi nhận: / Bản điện tử: / - ENTRY; … / - Lưu: VT." sent by `us`."""
    lines = ["Nơi nhận:", "Bản điện tử:", *(f"- {e};" for e in entries), "- Lưu: VT."]
    block = parse_block(lines)
    assert block is not None and block.electronic_heading
    reading = Reading(pages=1, ocr=False, particulars=Particulars(), recipients=block)
    resolver = Resolver(Directory(directory), us, block.references)
    return make_plan(reading, resolver, identifier="BN-2026.1", signed=False, no_subheading="hold")


def mailed(plan: Plan) -> set[str]:
    """The mailboxes the document would be mailed to if the clerk sent the plan as it stands."""
    return {agency.mailbox for agency, _ in plan.recipients()}


def status(plan: Plan, entry: str) -> str:
    return next(r.status for r in plan.electronic if r.entry == entry)


# 1. "Việt Nam" written with a tone slip (OCR's "Viêt", "Viét" – the corpus's 006 prints "Tổ quốc Viét Nam" –, "Viẹt")
#    or "Việt-Nam": the country's body is read as OUR PROVINCE'S body of the same kind. `_NATIONAL`
#    (`vi[eệ]t\s*nam`) recognises only "Việt"/"Viet", while `names.units` folds every mark and makes "Việt Nam" optional,
#    so `Resolver._forms` adds our province and "Hội Nông dân Viêt Nam tỉnh Bắc Ninh" is "Hội Nông dân tỉnh Bắc Ninh".
@pytest.mark.parametrize("entry,wrong", [
    ("Hội Nông dân Viêt Nam", HND),
    ("Hội Nông dân Viét Nam", HND),
    ("Hội LHPN Viét Nam", HLHPN),
    ("Hội Liên hiệp Phụ nữ Viẹt Nam", HLHPN),
    ("Hội Cựu chiến binh Viêt Nam", CCB),
    ("Ủy ban MTTQ Viêt Nam", MTTQ),
    ("Hội Nông dân Việt-Nam", HND),
    ("Hội Nông dân, Hội LHPN Viét Nam", HLHPN),
])
def test_a_national_body_with_a_slipped_viet_nam_is_never_our_provinces(entry: str, wrong: AgencyEntry) -> None:
    """Entry "Hội Nông dân Viêt Nam" (and the like) in UBND tỉnh Bắc Ninh's block; directory: the province's Hội Nông
    dân, Hội LHPN, Hội CCB, Ủy ban MTTQ (no national bodies).
    Expected: held (the Trung ương Hội is not in the directory), as "Hội Nông dân Việt Nam" is held.
    Observed: resolved to Hội Nông dân tỉnh Bắc Ninh (…): the national body's letter is mailed to our province's Hội."""
    plan = plan_of([entry])
    assert wrong.mailbox not in mailed(plan), (entry, [(r.status, [a.name for a in r.agencies]) for r in plan.electronic])
    assert status(plan, entry) in ("unresolved", "ambiguous")


# 2. A regional court or procuracy written short ("KV1") or without the marks of "khu vực" ("khu vưc", "khu vuc"): the
#    list's shared place is not seen (`_REGION` wants "khu vực" spelled with its marks), so the first item is read alone
#    with our province: the letter for TAND khu vực 1 goes to the PROVINCE'S court. ("TAND, VKSND khu vực 1" is held.)
@pytest.mark.parametrize("entry,wrong,meant", [
    ("TAND, VKSND KV1", TAND, VKS_KV1),
    ("TAND, VKSND KV 1", TAND, VKS_KV1),
    ("TAND, VKSND khu vưc 1", TAND, VKS_KV1),
    ("TAND và VKSND khu vuc 1", TAND, VKS_KV1),
    ("Viện KSND, Tòa án ND khu vưc 2", VKS, TAND_KV2),
])
def test_a_regional_court_written_short_or_unmarked_is_never_the_provinces(entry: str, wrong: AgencyEntry,
                                                                             meant: AgencyEntry) -> None:
    """Entry "TAND, VKSND KV1" in UBND tỉnh Bắc Ninh's block; directory: Tòa án nhân dân tỉnh Bắc Ninh, Tòa án nhân dân
    khu vực 1/2 - Bắc Ninh, Viện Kiểm sát nhân dân tỉnh Bắc Ninh and khu vực 1/2.
    Expected: TAND khu vực 1 and VKSND khu vực 1, or held – never the province's court.
    Observed: resolved to [Tòa án nhân dân tỉnh Bắc Ninh, Viện Kiểm sát nhân dân khu vực 1 - Bắc Ninh]."""
    plan = plan_of([entry])
    assert wrong.mailbox not in mailed(plan), (entry, [(r.status, [a.name for a in r.agencies]) for r in plan.electronic])


# 3. A commune's own block writes its council's standing committee as blocks do: "TT HĐND" (the seeds' "TT HĐND tỉnh"), or
#    with a slip: Đ typed D ("HDND"), a mark dropped. "Thường trực HĐND" is held there (two candidates: the commune's
#    HĐND xã, the province's Thường trực HĐND: red team 44); these are mailed to the PROVINCE'S standing committee, since
#    `_STANDING` recognises only "thường trực" + "hđnd"/"hội đồng nhân dân" spelled with their marks.
@pytest.mark.parametrize("entry", ["TT HĐND", "TT HDND", "Thường trực HDND", "Thường trưc HĐND",
                                   "Thuong truc Hoi dong nhan dan"])
def test_a_communes_standing_committee_written_short_or_slipped_is_not_the_provinces(entry: str) -> None:
    """Entry "TT HĐND" in UBND xã Lục Ngạn's block; directory: HĐND xã Lục Ngạn, Thường trực HĐND tỉnh Bắc Ninh.
    Expected: ambiguous (held, candidates HĐND xã Lục Ngạn and Thường trực HĐND tỉnh Bắc Ninh), as "Thường trực HĐND" is.
    Observed: resolved to Thường trực HĐND tỉnh Bắc Ninh, the commune's letter mailed to the province's council."""
    assert status(plan_of(["Thường trực HĐND"], us=XA), "Thường trực HĐND") == "ambiguous"  # as it stands
    plan = plan_of([entry], us=XA)
    assert HDND.mailbox not in mailed(plan), (entry, [(r.status, [a.name for a in r.agencies]) for r in plan.electronic])
    assert status(plan, entry) == "ambiguous"


# 4. Unicode: a letter of another script drawn as a Latin one (a Cyrillic "о"), or a zero-width space, in the text layer.
#    The gateway already reads numbers "as printed" (`vntext.as_printed`: red teams 65, 66, 68) but resolves entries as the
#    text layer spells them: `names._folded` DROPS a letter it cannot fold, so "Phú Hоà" is "Phú Hà", another commune;
#    a zero-width space (no `\s`) hides "Việt Nam" from `_NATIONAL`.
PHU_HOA = agency("000.01.20.H04", "UBND xã Phú Hoà", (), ("UBND các xã, phường",))
PHU_HA = agency("000.01.21.H04", "UBND xã Phú Hà", (), ("UBND các xã, phường",))


def test_a_lookalike_letter_never_makes_another_commune() -> None:
    """Entry "UBND xã Phú Hоà" (the "о" Cyrillic, U+043E; the page shows "UBND xã Phú Hoà") in UBND tỉnh Bắc Ninh's
    block; directory: UBND xã Phú Hoà, UBND xã Phú Hà.
    Expected: UBND xã Phú Hoà (the letter read as the one it is drawn as), or held.
    Observed: resolved to UBND xã Phú Hà: the Cyrillic letter is dropped, "HOA" becomes "HA"."""
    entry = "UBND xã Phú H\u043eà"
    plan = plan_of([entry], directory=[*DIRECTORY, PHU_HOA, PHU_HA])
    assert PHU_HA.mailbox not in mailed(plan), [(r.status, [a.name for a in r.agencies]) for r in plan.electronic]


@pytest.mark.parametrize("entry,wrong", [
    ("Hội Nông dân Việt\u200b Nam", HND),
    ("Hội Nông dân Việt\u200bNam", HND),
    ("Hội LHPN Việt Nam\u200b", HLHPN),
])
def test_a_zero_width_space_never_makes_the_national_body_ours(entry: str, wrong: AgencyEntry) -> None:
    """Entry "Hội Nông dân Việt<U+200B> Nam" (the page shows "Hội Nông dân Việt Nam") in UBND tỉnh Bắc Ninh's block;
    directory as in 1.
    Expected: held, as "Hội Nông dân Việt Nam" is.
    Observed: resolved to Hội Nông dân tỉnh Bắc Ninh."""
    assert status(plan_of(["Hội Nông dân Việt Nam"]), "Hội Nông dân Việt Nam") == "unresolved"  # as it stands
    plan = plan_of([entry])
    assert wrong.mailbox not in mailed(plan), (entry, [(r.status, [a.name for a in r.agencies]) for r in plan.electronic])


# 5. Intake uses the same matcher (`Resolver.names`): a document of our own province addressed to the national Hội, or to
#    the regional court, is taken as addressed to our province's Hội / court (no `wrong-recipient`).
@pytest.mark.parametrize("entry,us", [
    ("Hội Nông dân Viêt Nam", HND),
    ("Hội LHPN Viét Nam", HLHPN),
    ("TAND, VKSND KV1", TAND),
    ("TAND, VKSND khu vưc 1", TAND),
])
def test_intake_never_takes_these_for_our_provinces_body(entry: str, us: AgencyEntry) -> None:
    """Entry "Hội Nông dân Viêt Nam" in the block of a document from our own province (not foreign), we being Hội Nông
    dân tỉnh Bắc Ninh; directory as in 1.
    Expected: not addressed to us (as "Hội Nông dân Việt Nam" / "TAND, VKSND khu vực 1" are not).
    Observed: `names` says it names us."""
    resolver = Resolver(Directory(DIRECTORY), us)
    assert not resolver.names(entry.replace("Viêt", "Việt").replace("Viét", "Việt").replace("KV1", "khu vực 1")
                              .replace("khu vưc", "khu vực"), us)  # as it stands
    assert not resolver.names(entry, us), entry


# 6. (Minor, fixed at stop 44: held where a clerk expects them resolved.) A list's numbering before an entry, a note in
#    square brackets.
@pytest.mark.parametrize("entry", ["1. Sở Y tế", "2) Sở Y tế", "a) Sở Y tế", "II. Sở Y tế", "Sở Y tế [để b/c]"])
def test_a_numbered_entry_or_a_bracketed_note_resolves_as_the_entry_alone(entry: str) -> None:
    plan = plan_of([entry])
    assert status(plan, entry) == "resolved", [(r.status, [a.name for a in r.agencies]) for r in plan.electronic]
    assert [a.name for r in plan.electronic for a in r.agencies] == [a.name for r in plan_of(["Sở Y tế"]).electronic
                                                                      for a in r.agencies]
