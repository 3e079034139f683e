"""Resolving recipient entries through the directory (the outgoing side's contract): names and
aliases ignoring case, tones and spacing; abbreviations; titles; groups; lists; references; notes
in brackets; our own agency and the archive skipped; what does not resolve to exactly one agency
(or a named group) is unresolved or ambiguous, with candidates, never guessed."""

from __future__ import annotations

import json
from pathlib import Path

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
                               "--json", process=True).stdout)
    assert out == {"entry": "Giám đốc Sở Tài chính", "status": "resolved",
                   "agencies": [{"code": "000.00.16.H06", "name": "Sở Tài chính tỉnh Bắc Giang",
                                 "mailbox": "vanthu@stc.bacgiang.gov.vn"}]}


# ---- the province's own words: a directory of full names only, as a province keeps it --------------
BG = "tỉnh Bắc Giang"
DOAN_THE = "các tổ chức chính trị - xã hội tỉnh"


def full(code: str, name: str, groups: tuple[str, ...] = (), former: tuple[str, ...] = ()) -> AgencyEntry:
    return AgencyEntry(code, name, f"vanthu.{code.replace('.', '')}@example.gov.vn", (), groups, (), former)


PROVINCE = [
    full("H06.00", f"UBND {BG}"),
    full("H06.01", f"Sở Giáo dục và Đào tạo {BG}", (GROUP,)),
    full("H06.02", f"Sở Kế hoạch và Đầu tư {BG}", (GROUP,)),
    full("H06.03", f"Sở Nông nghiệp và Phát triển nông thôn {BG}", (GROUP,)),
    full("H06.04", f"Sở Lao động - Thương binh và Xã hội {BG}", (GROUP,)),
    full("H06.05", f"Sở Thông tin và Truyền thông {BG}", (GROUP,)),
    full("H06.06", f"Sở Tư pháp {BG}", (GROUP,)),
    full("H06.07", f"Sở Tài chính {BG}", (GROUP,)),
    full("H06.08", f"Sở Nội vụ {BG}", (GROUP,)),
    full("H06.09", f"Ban Quản lý các khu công nghiệp {BG}", (GROUP,)),
    full("H06.10", f"Thanh tra {BG}", (GROUP,)),
    full("H06.11", f"Trung tâm Thông tin {BG}"),
    full("H06.12", f"Trung tâm Truyền thông {BG}"),
    full("M06.00", f"Ủy ban Mặt trận Tổ quốc Việt Nam {BG}"),
    full("M06.01", f"Hội Liên hiệp Phụ nữ {BG}", (DOAN_THE,)),
    full("M06.02", f"Liên đoàn Lao động {BG}", (DOAN_THE,)),
    full("M06.03", "Tỉnh đoàn Bắc Giang", (DOAN_THE,)),
    full("P06.00", f"Tòa án nhân dân {BG}"),
    full("Q06.00", f"Viện Kiểm sát nhân dân {BG}"),
    full("C06.00", f"Công an {BG}"),
    full("K06.00", f"Cục Thuế {BG}"),
    full("H06.20", "UBND thành phố Bắc Giang", ("UBND các huyện, thành phố",)),
    full("H06.21", "UBND huyện Lục Ngạn", ("UBND các huyện, thành phố",)),
    full("H06.22", "UBND phường Trần Phú"),
    full("H06.23", "Công an phường Trần Phú"),
    full("G00.01", "Bộ Công an"),
    full("G00.02", "Bộ Y tế"),
    full("G00.03", "Cục Thuế"),  # the central one, since 2025
    full("H01.00", "UBND tỉnh Quảng Ninh"),
    full("H01.01", "Sở Tài chính tỉnh Quảng Ninh"),
]
PROVINCE_US = next(a for a in PROVINCE if a.name == f"Sở Nội vụ {BG}")


def names_of(entry: str, us: AgencyEntry = PROVINCE_US, directory: list[AgencyEntry] = PROVINCE) -> list[str] | str:
    out = Resolver(Directory(directory), us).resolve(entry)
    return sorted(a.name for a in out.agencies) if out.status == "resolved" else out.status


@pytest.mark.parametrize("entry,expected", [
    ("Sở GD&ĐT", [f"Sở Giáo dục và Đào tạo {BG}"]),              # the place left out is ours
    ("Sở KH&ĐT", [f"Sở Kế hoạch và Đầu tư {BG}"]),
    ("Sở NN&PTNT", [f"Sở Nông nghiệp và Phát triển nông thôn {BG}"]),
    ("Sở LĐ-TB&XH", [f"Sở Lao động - Thương binh và Xã hội {BG}"]),
    ("Sở TT&TT", [f"Sở Thông tin và Truyền thông {BG}"]),
    ("Sở TP", [f"Sở Tư pháp {BG}"]),                             # TP as "Tư pháp": "Sở Thành phố" is nobody
    ("Giám đốc Sở KH&ĐT (để t/h)", [f"Sở Kế hoạch và Đầu tư {BG}"]),
    ("Ban Quản lý các KCN tỉnh", [f"Ban Quản lý các khu công nghiệp {BG}"]),  # "tỉnh" without its name: ours
    ("UBMTTQ", [f"Ủy ban Mặt trận Tổ quốc Việt Nam {BG}"]),
    ("UBMTTQ tỉnh", [f"Ủy ban Mặt trận Tổ quốc Việt Nam {BG}"]),
    ("Hội Liên hiệp Phụ nữ tỉnh", [f"Hội Liên hiệp Phụ nữ {BG}"]),
    ("Hội LHPN tỉnh", [f"Hội Liên hiệp Phụ nữ {BG}"]),
    ("Liên đoàn Lao động tỉnh", [f"Liên đoàn Lao động {BG}"]),
    ("Tỉnh đoàn", ["Tỉnh đoàn Bắc Giang"]),
    ("UBND tỉnh", [f"UBND {BG}"]),
    ("TAND, VKSND tỉnh", [f"Tòa án nhân dân {BG}", f"Viện Kiểm sát nhân dân {BG}"]),
    ("Sở GD&ĐT và Sở Tài chính", [f"Sở Giáo dục và Đào tạo {BG}", f"Sở Tài chính {BG}"]),  # A và B
    ("UBMTTQ tỉnh và các tổ chức chính trị - xã hội tỉnh",                                 # an agency and a group
     [f"Hội Liên hiệp Phụ nữ {BG}", f"Liên đoàn Lao động {BG}", "Tỉnh đoàn Bắc Giang",
      f"Ủy ban Mặt trận Tổ quốc Việt Nam {BG}"]),
    ("Các Bộ, cơ quan: Công an, Y tế", ["Bộ Công an", "Bộ Y tế"]),  # "Bộ Công an", not our Công an
    ("Sở Tài chính tỉnh Quảng Ninh", ["Sở Tài chính tỉnh Quảng Ninh"]),
    ("UBND và Sở Tài chính tỉnh Quảng Ninh", ["Sở Tài chính tỉnh Quảng Ninh", "UBND tỉnh Quảng Ninh"]),
    ("Trung tâm TT tỉnh", "ambiguous"),        # Thông tin or Truyền thông: held, never guessed
    ("Cục Thuế", "ambiguous"),                 # the central one, or ours ("Cục Thuế tỉnh")
    ("UBND các tỉnh", "unresolved"),           # every province's: none of ours
    ("Sở Y tế các tỉnh, thành phố", "unresolved"),
    ("Sở Tài chính, Cục Thuế các tỉnh", "unresolved"),
    ("TAND, VKSND tỉnh Quảng Ninh", "unresolved"),   # the place written once is Quảng Ninh's
    ("Sở Tư pháp tỉnh Bắc Ninh", "unresolved"),
    ("UBND thành phố", "unresolved"),          # we belong to no city
    ("UBND phường", "unresolved"),
    ("Sở Nội vụ", "skipped"),                  # ourselves
])
def test_the_provinces_own_words(entry: str, expected: list[str] | str) -> None:
    assert names_of(entry) == expected


def test_a_place_without_its_name_is_the_unit_we_belong_to() -> None:
    ward = next(a for a in PROVINCE if a.name == "Công an phường Trần Phú")
    assert names_of("UBND phường", ward) == ["UBND phường Trần Phú"]
    assert names_of("UBND tỉnh", ward) == [f"UBND {BG}"]  # the province: most of the directory's names say it
    assert names_of("UBND xã", ward) == "unresolved"
    hanoi = [full("T01.00", "UBND thành phố Hà Nội"), full("T01.01", "Sở Giáo dục và Đào tạo thành phố Hà Nội"),
             full("T01.02", "Sở Tư pháp thành phố Hà Nội")]
    assert names_of("UBND thành phố", hanoi[2], hanoi) == ["UBND thành phố Hà Nội"]
    assert names_of("Sở GD&ĐT", hanoi[2], hanoi) == ["Sở Giáo dục và Đào tạo thành phố Hà Nội"]


MERGED = [  # Bắc Ninh after Bắc Giang joined it (2025)
    full("N.00", "UBND tỉnh Bắc Ninh", (), ("UBND tỉnh Bắc Giang",)),
    full("N.01", "Sở Tài chính tỉnh Bắc Ninh", (), ("Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh", "Sở Tài chính tỉnh Bắc Giang",
                                                    "Sở Kế hoạch và Đầu tư tỉnh Bắc Giang")),
    full("N.02", "Sở Nội vụ tỉnh Bắc Ninh", (), ("Sở Lao động - Thương binh và Xã hội tỉnh Bắc Ninh",)),
    full("N.03", "UBND phường Bắc Giang", (), ("UBND thành phố Bắc Giang",)),  # the district level ended:
    full("N.04", "UBND phường Đa Mai", (), ("UBND thành phố Bắc Giang",)),     # the city's wards both carry its name
]


@pytest.mark.parametrize("entry,expected,renamed", [
    ("Sở KH&ĐT", ["Sở Tài chính tỉnh Bắc Ninh"], ["Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh → Sở Tài chính tỉnh Bắc Ninh"]),
    ("Sở Kế hoạch và Đầu tư tỉnh Bắc Giang", ["Sở Tài chính tỉnh Bắc Ninh"],
     ["Sở Kế hoạch và Đầu tư tỉnh Bắc Giang → Sở Tài chính tỉnh Bắc Ninh"]),
    ("Giám đốc Sở LĐ-TB&XH", ["Sở Nội vụ tỉnh Bắc Ninh"],
     ["Sở Lao động - Thương binh và Xã hội tỉnh Bắc Ninh → Sở Nội vụ tỉnh Bắc Ninh"]),
    ("Sở Tài chính", ["Sở Tài chính tỉnh Bắc Ninh"], []),  # its name now: nothing to warn of
    ("UBND thành phố Bắc Giang", "ambiguous", []),         # two successors: held
])
def test_former_names_resolve_to_their_successor_with_a_warning(entry: str, expected: list[str] | str,
                                                                   renamed: list[str]) -> None:
    out = Resolver(Directory(MERGED), MERGED[0]).resolve(entry)
    assert (sorted(a.name for a in out.agencies) if out.status == "resolved" else out.status) == expected
    assert [w.detail for w in out.warnings] == renamed
    assert all(w.code == "recipient-former-name" and w.severity == "warning" for w in out.warnings)
    if renamed:
        assert out.as_json()["warnings"][0]["code"] == "recipient-former-name"


WHO = {"STC": f"Sở Tài chính {BG}", "UBND": f"UBND {BG}", "LHPN": f"Hội Liên hiệp Phụ nữ {BG}",
       "MTTQ": f"Ủy ban Mặt trận Tổ quốc Việt Nam {BG}", "TTTT": f"Trung tâm Thông tin {BG}"}


@pytest.mark.parametrize("us,entry,named", [
    ("STC", "Sở Tài chính", True), ("STC", "Giám đốc Sở TC (để biết)", True), ("STC", "Các Sở, ban, ngành", True),
    ("STC", "Các Sở: Tư pháp, Tài chính", True), ("STC", "Sở Y tế, Sở Tài chính", True), ("STC", "Sở Tài chính và Sở Y tế", True),
    ("STC", "Sở Tài chính, Cục Thuế các tỉnh, thành phố trực thuộc TW", True),  # every province's Sở Tài chính
    ("STC", "UBND, Sở TC các tỉnh, TP trực thuộc TW", True), ("STC", "Các Sở Tài chính", True),
    ("STC", "Sở Tài chính tỉnh Quảng Ninh", False), ("STC", "Sở Tư pháp", False), ("STC", "Các Sở: Tư pháp, Y tế", False),
    ("STC", "Như trên", False), ("STC", "Lưu: VT, STC", False), ("STC", "Văn phòng UBND tỉnh", False),
    ("UBND", "UBND các tỉnh, thành phố trực thuộc trung ương", True), ("UBND", "HĐND, UBND các tỉnh, TP trực thuộc TW", True),
    ("UBND", "Chủ tịch UBND tỉnh", True), ("UBND", "UBND các tỉnh: Đồng Tháp, Hà Tĩnh", False),
    ("UBND", "Chủ tịch UBND tỉnh Quảng Ninh", False),
    ("LHPN", "Hội LHPN tỉnh và các tổ chức chính trị - xã hội tỉnh", True),
    ("MTTQ", "Trung tâm TT tỉnh", False), ("TTTT", "Trung tâm TT tỉnh", True),  # ambiguous: it may be meant
])
def test_intake_finds_us_named_with_the_resolvers_matcher(us: str, entry: str, named: bool) -> None:
    """Intake's check that a document is addressed to us (rules.addressed_to_us)."""
    agency = next(a for a in PROVINCE if a.name == WHO[us])
    assert Resolver(Directory(PROVINCE), agency).names(entry, agency) is named


def test_former_names_through_the_directory_file_and_the_command_line(world: World) -> None:
    """The `former` column, read from the CSV, kept in the register (migration 0008), and resolved."""
    csv = world.root / "merged.csv"
    csv.write_text("code,name,mailbox,aliases,groups,former\n"
                   "000.00.16.H04,Sở Tài chính tỉnh Bắc Ninh,vanthu@stc.bacninh.gov.vn,,,"
                   "Sở Kế hoạch và Đầu tư tỉnh Bắc Giang|Sở Tài chính tỉnh Bắc Giang\n", encoding="utf-8")
    world.run("directory", "import", "--config", str(world.config_path), str(csv))
    out = json.loads(world.run("directory", "resolve", "--config", str(world.config_path), "Sở KH&ĐT tỉnh Bắc Giang",
                               "--json").stdout)
    assert out["status"] == "resolved" and [a["code"] for a in out["agencies"]] == ["000.00.16.H04"]
    assert [(w["code"], w["detail"]) for w in out["warnings"]] == [
        ("recipient-former-name", "Sở Kế hoạch và Đầu tư tỉnh Bắc Giang → Sở Tài chính tỉnh Bắc Ninh")]
    text = world.run("directory", "resolve", "--config", str(world.config_path), "Sở KH&ĐT tỉnh Bắc Giang").stdout
    assert "tên cũ" in text and "Sở Tài chính tỉnh Bắc Ninh" in text


def test_a_document_naming_us_in_the_provinces_words_is_ours(world: World) -> None:
    """Through `ingest`: the block names us by a syllable abbreviation and "tỉnh" without its name, or
    another province's agency of our kind (the mail was sent to a list address, not ours)."""
    ours = world.mail("ours", to=["vanthu@undisclosed.example"], attachments=[("cv.pdf", world.document(
        number="301/STP-VP", recipients=["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", "- Giám đốc Sở NV tỉnh;"]))])
    theirs = world.mail("theirs", to=["vanthu@undisclosed.example"], attachments=[("cv.pdf", world.document(
        number="302/STP-VP", recipients=["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", "- Sở Nội vụ tỉnh Bắc Ninh;"]))])
    verdicts = {Path(o["file"]).stem: {r["code"] for r in o["reasons"]} for o in world.ingest(ours, theirs)}
    assert "wrong-recipient" not in verdicts["ours"] and "wrong-recipient" in verdicts["theirs"]
