"""Resolving recipient entries through the directory (the outgoing side's contract): names and
aliases ignoring case, tones and spacing; abbreviations; titles; groups; lists; references; notes
in brackets; our own agency and the archive skipped; what does not resolve to exactly one agency
(or a named group) is unresolved or ambiguous, with candidates, never guessed."""

from __future__ import annotations

import json

import pytest

from gateway.directory import AgencyEntry, Directory
from gateway.resolver import Resolver
from world import World

GROUP = "Sở, ban, ngành"
AGENCIES = [
    AgencyEntry("000.00.14.H06", "Sở Tư pháp tỉnh Bắc Giang", "vanthu@sotp.bacgiang.gov.vn", ("Sở Tư pháp",), (GROUP,)),
    AgencyEntry("000.00.15.H06", "Sở Nội vụ tỉnh Bắc Giang", "vanthu@snv.bacgiang.gov.vn", ("Sở Nội vụ",), (GROUP,)),
    AgencyEntry("000.00.16.H06", "Sở Tài chính tỉnh Bắc Giang", "vanthu@stc.bacgiang.gov.vn", ("Sở Tài chính",), (GROUP,)),
    AgencyEntry("000.00.17.H06", "Sở Y tế tỉnh Bắc Giang", "vanthu@syt.bacgiang.gov.vn", ("Sở Y tế",), (GROUP,)),
    AgencyEntry("000.00.01.H06", "Văn phòng UBND tỉnh Bắc Giang", "vanthu@vpubnd.bacgiang.gov.vn",
                ("Văn phòng UBND tỉnh", "VP UBND tỉnh"), ()),
    AgencyEntry("000.04.22.H06", "UBND huyện Lục Ngạn", "vanthu@lucngan.bacgiang.gov.vn", (), ("UBND các huyện, thành phố",)),
    AgencyEntry("000.05.22.H06", "UBND huyện Sơn Động", "vanthu@sondong.bacgiang.gov.vn", (), ("UBND các huyện, thành phố",)),
    AgencyEntry("000.06.22.H06", "UBND huyện Lục Nam", "vanthu@lucnam.bacgiang.gov.vn", (), ("UBND các huyện, thành phố",)),
    AgencyEntry("000.07.22.H06", "Thường trực HĐND tỉnh Bắc Giang", "vanthu@hdnd.bacgiang.gov.vn", ("TT HĐND tỉnh",), ()),
    AgencyEntry("000.08.22.H06", "Trung tâm Tin học tỉnh", "vanthu@tth.bacgiang.gov.vn", ("TT HĐND tỉnh",), ()),
]
US = AGENCIES[1]  # Sở Nội vụ sends


def resolve(entry: str, **references: list[str]) -> dict:
    resolver = Resolver(Directory(AGENCIES), US, {k.replace("_", " "): v for k, v in references.items()})
    return resolver.resolve(entry).as_json()


def codes(out: dict) -> list[str]:
    return sorted(a["code"] for a in out["agencies"])


@pytest.mark.parametrize("entry,expected", [
    ("Sở Tư pháp", ["000.00.14.H06"]),
    ("SỞ TƯ PHÁP", ["000.00.14.H06"]),
    ("So Tu phap", ["000.00.14.H06"]),                      # without tone marks
    ("Sở Tư  pháp;", ["000.00.14.H06"]),
    ("Văn phòng Ủy ban nhân dân tỉnh", ["000.00.01.H06"]),  # UBND spelled out
    ("VP UBND tỉnh", ["000.00.01.H06"]),
    ("Giám đốc Sở Tư pháp", ["000.00.14.H06"]),            # a title names its agency
    ("Chủ tịch UBND huyện Lục Nam", ["000.06.22.H06"]),
    ("Chánh Văn phòng UBND tỉnh", ["000.00.01.H06"]),
    ("Sở Tài chính (để phối hợp)", ["000.00.16.H06"]),      # the note is not part of the name
    ("UBND các huyện: Lục Ngạn, Sơn Động", ["000.04.22.H06", "000.05.22.H06"]),
    ("Giám đốc các Sở: Y tế, Tài chính", ["000.00.16.H06", "000.00.17.H06"]),
    ("Văn phòng UBND tỉnh: LĐVP, TKCT", ["000.00.01.H06"]),  # units inside one agency
    ("UBND các huyện, thành phố", ["000.04.22.H06", "000.05.22.H06", "000.06.22.H06"]),
    ("Các Sở, ban, ngành", ["000.00.14.H06", "000.00.16.H06", "000.00.17.H06"]),  # a group, without us
    ("Giám đốc các Sở, ban, ngành", ["000.00.14.H06", "000.00.16.H06", "000.00.17.H06"]),
])
def test_entries_that_resolve(entry: str, expected: list[str]) -> None:
    out = resolve(entry)
    assert out["status"] == "resolved" and codes(out) == expected
    assert "candidates" not in out


def test_our_own_agency_and_the_archive_are_skipped() -> None:
    assert resolve("Sở Nội vụ")["status"] == "skipped"
    assert resolve("Lưu: VT, VP")["status"] == "skipped"


def test_an_abbreviation_two_agencies_use_is_ambiguous_with_its_candidates() -> None:
    out = resolve("TT HĐND tỉnh")
    assert out == {"entry": "TT HĐND tỉnh", "status": "ambiguous", "agencies": [],
                   "candidates": ["Thường trực HĐND tỉnh Bắc Giang", "Trung tâm Tin học tỉnh"]}


def test_an_unknown_entry_is_unresolved_with_near_names() -> None:
    assert resolve("Sở Tư phap tinh Bac Giang")["status"] == "resolved"  # tone marks are forgiven…
    misspelt = resolve("Sở Tư pháp tỉnh Bắc Giangg")  # … a wrong letter is not: it is shown, not guessed
    assert misspelt["status"] == "unresolved" and misspelt["candidates"][0] == "Sở Tư pháp tỉnh Bắc Giang"
    out = resolve("Sở Tư pháp tỉnh Bắc Kạn")
    assert out["status"] == "unresolved" and out["agencies"] == [] and "Sở Tư pháp tỉnh Bắc Giang" in out["candidates"]
    assert resolve("UBND các huyện: Lục Ngạn, Yên Thế")["status"] == "unresolved"  # one item unknown: not half sent


def test_references_resolve_to_what_the_document_names() -> None:
    out = resolve("Như Điều 3", Như_Điều_3=["Giám đốc Sở Tư pháp", "Chủ tịch UBND huyện Lục Nam"])
    assert out["status"] == "resolved" and codes(out) == ["000.00.14.H06", "000.06.22.H06"]
    assert resolve("Như trên", Như_trên=["Sở Y tế"])["agencies"][0]["code"] == "000.00.17.H06"
    assert resolve("Như Điều 3")["status"] == "unresolved"  # the article was not read
    partly = resolve("Như Điều 3", Như_Điều_3=["Sở Y tế", "các tổ chức, cá nhân có liên quan"])
    assert partly["status"] == "unresolved"


def test_directory_resolve_command(world: World) -> None:
    out = json.loads(world.run("directory", "resolve", "--config", str(world.config_path), "Giám đốc Sở Tài chính",
                               "--json").stdout)
    assert out == {"entry": "Giám đốc Sở Tài chính", "status": "resolved",
                   "agencies": [{"code": "000.00.16.H06", "name": "Sở Tài chính tỉnh Bắc Giang",
                                 "mailbox": "vanthu@stc.bacgiang.gov.vn"}]}
