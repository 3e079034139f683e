"""Red team 156: the fixes made after red teams 153, 154 and 155, both ways: where they go too far (a genuine agency's
letter, certificate, directory file or clerk now refused, held or blocked for nothing) and where they do not go far
enough (an attack or a slip passing).

The resolver is read as the outgoing plan reads it (gateway/resolver.py's Resolver over a parsed directory, our agency
Sở Nội vụ tỉnh Bắc Giang), with red team 153's national directory; the intake side through `Resolver.names` (whether an
incoming letter's entry names us). Certificates through gateway/intake/signatures.py `made_for_signing` on certificates
made as the CAs issue them. The directory file through `parse_directory`. The desk through red team 155's desk world
(one database two agencies share). Each test's docstring says who did what and what was expected; a FAULT's says what
happens instead."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from test_redteam152 import STP_LS, SYT, _parse, _read, _resolver
from test_redteam153 import NATIONAL, ROW
from test_redteam155 import OTHER_AGENCY, RT, VN, _db, app_client, client, rt  # noqa: F401  (red team 155's desk)
from world import STP, US

PCC1 = "vanthu@pcc1.bacgiang.gov.vn"
STP_HT = "vanthu@sotp.hatinh.gov.vn"
STP_TB = "vanthu@sotp.thaibinh.gov.vn"


@pytest.fixture(scope="module")
def resolver(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _resolver(tmp_path_factory.mktemp("rt156"), NATIONAL + (
        f"000.00.30.H06,Phòng Công chứng số 1 tỉnh Bắc Giang,{PCC1},Phòng Công chứng số 1,\n"))


@pytest.fixture(scope="module")
def us(resolver: Any) -> Any:
    return resolver.directory.by_code(US["code"])


# ========================================================================================== a head's items, not far enough

@pytest.mark.parametrize("entry", [
    "Sở Tư pháp: CN Cty ABC",
    "Sở Tư pháp: Chi nhánh Tổng công ty ABC",
    "Sở Tư pháp: Chi nhánh Hợp tác xã ABC",
    "Sở Tư pháp: Văn phòng đại diện Công ty ABC",
    "Sở Tư pháp: VPĐD Công ty ABC",
    "Sở Tư pháp: Văn phòng Thừa phát lại ABC",
    "Sở Y tế: Đại lý thuốc Minh Anh",
    "Sở Tư pháp: Trường tư thục ABC",
    "Sở Tư pháp: Nhà hàng ABC",
], ids=["cn-cty", "branch-of-corporation", "branch-of-cooperative", "rep-office", "vpdd", "bailiff-office",
        "drug-agent", "private-school", "restaurant"])
def test_attack_a_firms_branch_or_office_after_a_heads_colon_is_never_dropped(resolver: Any, entry: str) -> None:
    """ATTACK. A letter drafted outside lists, after an agency's colon, a firm's branch written "CN Cty", a branch of a
    Tổng công ty or of a cooperative, a firm's representative office ("Văn phòng đại diện", "VPĐD"), a private bailiff's
    office (Văn phòng Thừa phát lại, a firm as a Văn phòng công chứng is), a drug agent, a private school (tư thục), a
    restaurant: none a unit of the Sở, none with a mailbox in the directory. Expected: held, as "Sở Tư pháp: Chi nhánh
    Công ty TNHH ABC", "…: Hợp tác xã ABC", "…: Văn phòng công chứng ABC", "…: Quầy thuốc …" now are.
    FAULT: gateway/resolver.py `_NO_UNIT_EITHER` knows "CHI NHANH (CONG TY|CTY|NGAN HANG|DOANH NGHIEP)" and "CN CONG
    TY" only, `_NO_UNIT` neither a representative office nor a school or business: each is taken for one of the
    head's units (`Resolver._head_and_its_own`) and the letter is "resolved" to the Sở alone, the firm dropped in
    silence."""
    assert _read(resolver, entry)[0] != "resolved", entry


@pytest.mark.parametrize("entry", [
    "Sở Tư pháp: Hộ Nguyễn Văn A",
    "Sở Tư pháp: Hộ dân thôn Đồng",
    "Sở Tư pháp: Các hộ dân",
    "Sở Tư pháp: Ô Nguyễn Văn A",
    "Sở Tư pháp: B. Nguyễn Thị Lan",
    "Sở Tư pháp: Mr. John Smith",
], ids=["ho-name", "ho-dan", "cac-ho-dan", "o-no-dot", "b-dot", "mr"])
def test_attack_a_household_or_person_after_a_heads_colon_is_never_dropped(resolver: Any, entry: str) -> None:
    """ATTACK. After an agency's colon: a household by its head's name ("Hộ Nguyễn Văn A", "Hộ dân …"), "Ô" without its
    dot, "B." (bà) as "Ô." (ông) is written, a foreigner "Mr.". Expected: held, as "hộ ông …", "Ô. …" and "Bà …" are.
    FAULT: `_NO_UNIT_EITHER` has "HO (ONG|BA|GIA DINH)" and "^O\\." only; the others are read as the head's units and
    the letter is "resolved" to Sở Tư pháp alone, the person never sent it and nobody told."""
    assert _read(resolver, entry)[0] != "resolved", entry


# ================================================================================================== a head's items, too far

@pytest.mark.parametrize("entry", [
    "Sở Y tế: Phòng Quản lý hành nghề y dược tư nhân",
    pytest.param("Sở Y tế: Phòng Quản lý hành nghề y, dược tư nhân", marks=pytest.mark.xfail(strict=True, reason=(
        "left: README Limits, red team 156: a unit's name holding a comma after a colon is two items, and 'dược tư "
        "nhân' alone is held as a private firm"))),
], ids=["one-word", "comma"])
def test_genuine_a_sos_department_whose_name_says_tu_nhan_goes_to_that_so(resolver: Any, entry: str) -> None:
    """GENUINE. Many Sở Y tế have a "Phòng Quản lý hành nghề y, dược tư nhân" (the department licensing private
    practice). Sở Nội vụ writes "Sở Y tế: Phòng Quản lý hành nghề y dược tư nhân". Expected: mailed to Sở Y tế tỉnh Bắc
    Giang, as "Sở Y tế: Phòng Nghiệp vụ Y" is.
    FAULT: `_NO_UNIT_EITHER` holds any item with "TU NHAN" anywhere (`\\bTU NHAN\\b`, searched, not anchored): the Sở's
    own department is taken for a private firm and the whole send held."""
    assert _read(resolver, entry) == ("resolved", [SYT])


@pytest.mark.parametrize("entry", ["Sở Tư pháp: Ban Giám đốc Sở", "Sở Tư pháp: Lãnh đạo Sở", "Sở Tư pháp: Lãnh đạo"],
                         ids=["bgd-so", "lanh-dao-so", "lanh-dao"])
def test_genuine_a_sos_leaders_after_its_colon_however_written_go_to_that_so(resolver: Any, entry: str) -> None:
    """GENUINE. "Sở Tư pháp: Ban Giám đốc Sở", "Sở Tư pháp: Lãnh đạo Sở": the Sở's directors, as "Sở Tư pháp: Ban Giám
    đốc" and "Sở Tư pháp: Các Lãnh đạo" (both now mailed to it). Expected: mailed to Sở Tư pháp tỉnh Bắc Giang.
    FAULT: gateway/resolver.py `_ITS_LEADERS` is `^(CAC )?(BAN (GIAM DOC|LANH DAO)|LANH DAO)$`, matched in
    `Resolver._head_and_its_own` on the item after `_strip_title`: the Sở's own kind after it ("… Sở") is not it, nor
    "Lãnh đạo" as the title-stripped item is read: the entry is "unresolved" and the send held."""
    assert _read(resolver, entry) == ("resolved", [STP])


@pytest.mark.parametrize("entry", ["Sở Tư pháp: Ban Giám đốc Công ty TNHH ABC", "Sở Tư pháp: Ban Giám đốc, Công ty TNHH ABC",
                                   "Công ty TNHH ABC: Ban Giám đốc", "Sở Y tế: Ban Giám đốc Bệnh viện Đa khoa tỉnh"],
                         ids=["firms-board", "board-and-firm", "firm-head", "hospitals-board"])
def test_guard_a_board_of_a_firm_or_another_body_is_held(resolver: Any, entry: str) -> None:
    """GUARD. "Ban Giám đốc" of a firm or of another body after a Sở's colon, or a firm's. Expected: held."""
    assert _read(resolver, entry)[0] != "resolved", entry


@pytest.mark.parametrize("entry", ["Sở Tư pháp: Ngài Đại sứ", "Sở Tư pháp: NGÀI NGUYỄN VĂN A", "Sở Tư pháp: Ô.Nguyễn Văn A",
                                   "Sở Y tế: Quầy thuốc số 5", "Sở Tư pháp: Chi nhánh Ngân hàng Nông nghiệp",
                                   "Sở Tư pháp: Doanh nghiệp tư nhân ABC"],
                         ids=["ngai-dai-su", "ngai-capitals", "o-dot-no-space", "quay-thuoc", "bank-branch", "dntn"])
def test_guard_the_fixs_persons_and_firms_are_held_however_written(resolver: Any, entry: str) -> None:
    """GUARD. The fix's persons and firms in capitals, without a space, with a number. Expected: held."""
    assert _read(resolver, entry)[0] != "resolved", entry


# ================================================================================================== a Sở's departments

@pytest.mark.parametrize("entry", [
    "Phòng Kế hoạch và Tài chính thuộc Sở Y tế",
    "Phòng Tổ chức và Cán bộ thuộc Sở Y tế",
], ids=["ke-hoach-va-tai-chinh", "to-chuc-va-can-bo"])
def test_genuine_one_department_whose_name_has_va_goes_to_its_so(resolver: Any, entry: str) -> None:
    """GENUINE. "Phòng Kế hoạch và Tài chính thuộc Sở Y tế": ONE department (Phòng Kế hoạch – Tài chính), written with
    "và" as its decision names it. Expected: mailed to Sở Y tế tỉnh Bắc Giang, as "Phòng Kế hoạch - Tài chính thuộc Sở
    Y tế" is.
    FAULT: gateway/resolver.py `_body_of_its_units` splits the units by `_LIST_PARTS` (",", ";" and "và") and asks each
    part after the first to be a department by `_DEPARTMENTS_ALSO`: "Tài chính" is not, and the entry is "unresolved"
    (no candidate): the whole send held for an entry naming one agency plainly."""
    assert _read(resolver, entry) == ("resolved", [SYT])


@pytest.mark.parametrize("entry", [
    "Văn phòng, Thanh tra và các phòng chuyên môn thuộc Sở Y tế",
    "Văn phòng, các phòng chuyên môn thuộc Sở Y tế",
], ids=["vp-thanh-tra-phong", "vp-phong"])
def test_genuine_a_sos_office_inspectorate_and_departments_go_to_that_so(resolver: Any, entry: str) -> None:
    """GENUINE. "Văn phòng, Thanh tra và các phòng chuyên môn thuộc Sở Y tế": the Sở's whole internal apparatus (Văn
    phòng Sở, Thanh tra Sở, its departments; Nghị định 24/2014), none with a mailbox. Expected: mailed to Sở Y tế.
    FAULT: `_body_of_its_units` wants the first part to begin "Phòng"/"Các phòng" (`_DEPARTMENTS`) and the others to be
    departments (`_DEPARTMENTS_ALSO`): "Văn phòng" and "Thanh tra" are not; "unresolved", the send held."""
    assert _read(resolver, entry) == ("resolved", [SYT])


def test_attack_a_unit_with_its_own_mailbox_is_not_mailed_to_its_so_instead(resolver: Any) -> None:
    """SLIP. The directory lists Phòng Công chứng số 1 (a public notary office under Sở Tư pháp, with a seal and its
    own mailbox). The letter's block says "Phòng Công chứng số 1 thuộc Sở Tư pháp". Expected: mailed to Phòng Công
    chứng số 1 (as "Phòng Công chứng số 1" alone is), or held; never to Sở Tư pháp in its place.
    FAULT: `_body_of_its_units` takes anything beginning "Phòng" before "thuộc Sở …" for the Sở's departments without
    asking the directory whether the unit is listed with a mailbox of its own: the letter goes to Sở Tư pháp, the
    notary office the block names never sent it."""
    status, mailboxes = _read(resolver, "Phòng Công chứng số 1 thuộc Sở Tư pháp")
    assert status != "resolved" or mailboxes == [PCC1], (status, mailboxes)


@pytest.mark.parametrize("entry,meant", [
    ("Phòng Nghiệp vụ Y, Phòng Nghiệp vụ Dược thuộc Sở Y tế", [SYT]),
    ("Phòng Kế hoạch - Tài chính thuộc Sở Y tế", [SYT]),
    ("Phòng Pháp chế thuộc Sở Y tế, Sở Tư pháp", [STP, SYT]),
], ids=["two-phong", "dash", "then-another-so"])
def test_guard_departments_as_the_fix_reads_them(resolver: Any, entry: str, meant: list[str]) -> None:
    """GUARD. The fix's departments named one by one, a dash, another Sở after. Expected: mailed to the Sở."""
    assert _read(resolver, entry) == ("resolved", sorted(meant))


@pytest.mark.parametrize("entry", ["Các phòng, Chi cục thuộc Sở Y tế", "Phòng khám đa khoa thuộc Sở Y tế",
                                   "Phòng Pháp chế thuộc Sở Y tế; Công ty TNHH ABC", "Phòng Pháp chế thuộc Bộ Y tế"],
                         ids=["chi-cuc", "clinic", "firm-after", "ministry"])
def test_guard_departments_beside_a_body_of_its_own_or_a_firm_are_held(resolver: Any, entry: str) -> None:
    """GUARD. A Chi cục (a body of its own), a clinic, a firm after, a ministry's department. Expected: held."""
    assert _read(resolver, entry)[0] != "resolved", entry


# ================================================================================================== initials

@pytest.mark.parametrize("entry", ["Sở Tư pháp (HN, BG)", "Sở Tư pháp (BG, HN)"], ids=["hn-bg", "bg-hn"])
def test_guard_initials_one_of_which_is_several_provinces_are_held(resolver: Any, entry: str) -> None:
    """GUARD. "(HN, BG)": Hà Nội or Hà Nam. Expected: held (never to Bắc Giang's alone, nor to Hà Nam's)."""
    assert _read(resolver, entry)[0] != "resolved", entry


@pytest.mark.parametrize("entry", ["Sở Tư pháp các tỉnh (LS, BG)", "Sở Tư pháp hai tỉnh (LS, BG)"],
                         ids=["cac-tinh", "hai-tinh"])
def test_genuine_initials_after_the_word_tinh_name_both_bodies(resolver: Any, entry: str) -> None:
    """GENUINE. "Sở Tư pháp các tỉnh (LS, BG)": the same two Sở as "Sở Tư pháp (LS, BG)", the word "tỉnh" said.
    Expected: mailed to both Sở Tư pháp (Lạng Sơn's and Bắc Giang's), as "Sở Tư pháp (LS, BG)" now is.
    FAULT: gateway/resolver.py `_provinces_by_initials` rewrites it "Sở Tư pháp các tỉnh các tỉnh: Lạng Sơn, Bắc
    Giang" (the unit kept whole before its own "các tỉnh:"), which names nothing: "unresolved", the send held."""
    assert _read(resolver, entry) == ("resolved", sorted([STP, STP_LS]))


@pytest.mark.parametrize("entry", ["Sở Nội vụ (HN, BG)", "Sở Nội vụ (BG, HN)", "Sở Nội vụ (LS, BG, HN)"],
                         ids=["hn-bg", "bg-hn", "ls-bg-hn"])
def test_genuine_an_incoming_letter_naming_our_province_beside_an_unsure_one_names_us(resolver: Any, us: Any,
                                                                                      entry: str) -> None:
    """GENUINE (intake). Bộ Nội vụ's letter reads "Sở Nội vụ (HN, BG)": Hà Nội's (or Hà Nam's) and Bắc Giang's. Our
    agency is Sở Nội vụ tỉnh Bắc Giang, named for sure by "BG". Expected: `Resolver.names` says the entry names us (the
    fix's own comment: "may name it: read as before the initials' reading").
    FAULT: gateway/resolver.py `Resolver.names`: `_clean` gives None (HN is two provinces), the fallback
    `_clean(entry, initials=False)` leaves the bracket a note, and the entry is read as Sở Nội vụ of no province we
    are: False: a letter addressed to us is said not to be ours."""
    assert resolver.names(entry, us) is True, entry


@pytest.mark.parametrize("entry", ["Sở Nội vụ (LS, BG)", "Sở Nội vụ"], ids=["ls-bg", "plain"])
def test_guard_an_incoming_letter_naming_us_by_initials_names_us(resolver: Any, us: Any, entry: str) -> None:
    """GUARD (intake). "Sở Nội vụ (LS, BG)" and "Sở Nội vụ" in our province's letters. Expected: names us."""
    assert resolver.names(entry, us) is True


@pytest.mark.parametrize("entry", ["Sở Nội vụ (LS, HP)", "Sở Nội vụ (HN, LS)"], ids=["ls-hp", "hn-ls"])
def test_guard_an_incoming_letter_naming_other_provinces_by_initials_is_not_ours(resolver: Any, us: Any,
                                                                                 entry: str) -> None:
    """GUARD (intake). "Sở Nội vụ (LS, HP)" names Lạng Sơn's and Hải Phòng's. Expected: not ours."""
    assert resolver.names(entry, us) is False


# ================================================================================================== certificates

def _certificate(purposes: list[str] | None, *, critical: bool = False) -> Any:
    """A certificate in an agency's name with the extended key usage naming `purposes` (dotted OIDs), as CAs issue."""
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID, ObjectIdentifier

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "Sở Tư pháp tỉnh Bắc Giang")])
    now = datetime.now(timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
               .not_valid_after(now + timedelta(days=365))
               .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True))
    if purposes is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ObjectIdentifier(p) for p in purposes]), critical=critical)
    der = builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)


CLIENT_AUTH, SERVER_AUTH, EMAIL = "1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.4"
SMART_CARD, DOCUMENT_SIGNING = "1.3.6.1.4.1.311.20.2.2", "1.3.6.1.5.5.7.3.36"
ADOBE_AUTHENTIC_DOCUMENTS, ANY = "1.2.840.113583.1.1.5", "2.5.29.37.0"
MS_DOCUMENT_SIGNING, TIME_STAMPING = "1.3.6.1.4.1.311.10.3.12", "1.3.6.1.5.5.7.3.8"


@pytest.mark.parametrize("purposes", [
    [CLIENT_AUTH, EMAIL, SMART_CARD], [DOCUMENT_SIGNING], [ANY], [MS_DOCUMENT_SIGNING], None,
], ids=["ban-co-yeu", "document-signing", "any", "ms-document-signing", "no-eku"])
def test_guard_signing_certificates_as_cas_issue_them_are_for_signing(purposes: list[str] | None) -> None:
    """GUARD. Ban Cơ yếu's profile, RFC 9336's documentSigning, anyExtendedKeyUsage, Microsoft's document signing, no
    extended key usage at all. Expected: made for signing."""
    from gateway.intake.signatures import made_for_signing
    assert made_for_signing(_certificate(purposes)) is True


@pytest.mark.parametrize("critical", [False, True], ids=["not-critical", "critical"])
def test_guard_an_adobe_document_signing_certificate_is_for_signing(critical: bool) -> None:
    """GUARD (GENUINE). A CA of Adobe's Approved Trust List issues document signing certificates whose extended key usage is
    Adobe's "Authentic Documents Trust" (1.2.840.113583.1.1.5) alone: the purpose made for signing PDFs, which Acrobat
    reads as such. Expected: made for signing (its letters keep their legal value where its CA is trusted).
    (pyhanko names it "pdf_signing", which `SIGNING_PURPOSES` holds.)"""
    from gateway.intake.signatures import made_for_signing
    assert made_for_signing(_certificate([ADOBE_AUTHENTIC_DOCUMENTS], critical=critical)) is True


def test_attack_a_web_servers_certificate_with_client_auth_is_not_for_signing() -> None:
    """ATTACK. The Sở's web site's TLS certificate, from a Vietnamese public CA that issues signing certificates under
    the same root (its profile serverAuth + clientAuth, as public TLS certificates carry), in the Sở's exact name. The
    hosting contractor holding the web server's key signs a letter with it. Expected: not made for signing (a server's
    certificate is "never only a server's": one naming serverAuth is a server's whatever else it names).
    FAULT: gateway/intake/signatures.py `made_for_signing` asks only whether ANY purpose is in `SIGNING_PURPOSES`:
    clientAuth is, so a web server's certificate gives the contractor's letter legal value."""
    from gateway.intake.signatures import made_for_signing
    assert made_for_signing(_certificate([SERVER_AUTH, CLIENT_AUTH])) is False


@pytest.mark.parametrize("purposes", [[TIME_STAMPING], [SERVER_AUTH], ["1.3.6.1.5.5.7.3.9"], ["1.3.6.1.5.5.7.3.3"]],
                         ids=["tsa", "server", "ocsp", "code-signing"])
def test_guard_certificates_of_no_signers_purpose_are_not_for_signing(purposes: list[str]) -> None:
    """GUARD. A TSA's, a server's, an OCSP responder's, a code signer's certificate. Expected: not made for signing."""
    from gateway.intake.signatures import made_for_signing
    assert made_for_signing(_certificate(purposes, critical=True)) is False


# ================================================================================================== the directory file

def test_slip_a_refused_row_after_an_empty_line_is_named_by_its_line(tmp_path: Path) -> None:
    """SLIP. An operator's directory.csv edited in a text editor: the header, an empty line, the Sở Tư pháp, then at
    line 4 a row whose name was left empty. Expected: refused naming row 4 (the fix: "row numbers as a spreadsheet
    shows them"), as after a row of commas it now is.
    FAULT: gateway/directory.py `_csv_rows` numbers csv.DictReader's records, and DictReader skips an empty line
    without a record: the refusal names "row 3", the good Sở Tư pháp's row."""
    from gateway.directory import DirectoryError
    with pytest.raises(DirectoryError) as refused:
        _parse(tmp_path, "d.csv", f"code,name,mailbox\n\n{ROW}\n000.00.15.H06,,vanthu@x.bacgiang.gov.vn\n")
    assert "row 4" in str(refused.value), str(refused.value)


@pytest.mark.parametrize("name,text", [
    ("tab.csv", "code\tname\tmailbox\taliases\n000.00.14.H06\tSở Tư pháp tỉnh Bắc Giang\tvanthu@sotp.bacgiang.gov.vn"
                "\tSở Tư pháp\n"),
    ("semicolon-comma-in-cell.csv", "code;name;mailbox;groups\n000.00.14.H06;Sở Tư pháp tỉnh Bắc Giang;"
                                    "vanthu@sotp.bacgiang.gov.vn;Sở, ban, ngành\n"),
    ("semicolon-bom-crlf.csv", "\ufeffCode;Name;Mailbox\r\n000.00.14.H06;Sở Tư pháp tỉnh Bắc Giang;"
                               "vanthu@sotp.bacgiang.gov.vn\r\n;;\r\n"),
    ("yaml-upper.yaml", "agencies:\n  - CODE: '000.00.14.H06'\n    NAME: Sở Tư pháp tỉnh Bắc Giang\n"
                        "    MAILBOX: vanthu@sotp.bacgiang.gov.vn\n    Aliases: [Sở Tư pháp]\n"),
], ids=["tab", "semicolon-comma-in-cell", "semicolon-bom-crlf", "yaml-upper"])
def test_guard_directory_files_of_other_separators_and_cases_are_read(tmp_path: Path, name: str, text: str) -> None:
    """GUARD. A tab-separated export, a semicolon CSV with a group holding commas, one with a BOM, CRLF and a row of
    semicolons, a YAML in capitals. Expected: the agency read."""
    assert [e.code for e in _parse(tmp_path, name, text)] == ["000.00.14.H06"]


def test_slip_a_semicolon_csv_excel_marks_with_its_sep_line_is_read_or_named(tmp_path: Path) -> None:
    """SLIP. Excel (a Vietnamese Windows) saves the directory with a first line "sep=;" before the header, as it does
    for a CSV it was told the separator of. Expected: read, or refused saying the first line; never "missing code,
    name, mailbox" of a header that has all three.
    FAULT: gateway/directory.py `_csv_rows` takes the first line ("sep=;") for the header: "missing code, name,
    mailbox"."""
    from gateway.directory import DirectoryError
    try:
        entries = _parse(tmp_path, "d.csv", "sep=;\ncode;name;mailbox\n000.00.14.H06;Sở Tư pháp tỉnh Bắc Giang;"
                                            "vanthu@sotp.bacgiang.gov.vn\n")
    except DirectoryError as exc:
        assert "missing" not in str(exc), str(exc)
        return
    assert [e.code for e in entries] == ["000.00.14.H06"]


@pytest.mark.parametrize("header,row", [
    ("code;name;mailbox;", "000.00.14.H06;Sở Tư pháp tỉnh Bắc Giang;vanthu@sotp.bacgiang.gov.vn;Sở Tư pháp"),
    ("code\tname\t\tmailbox", "000.00.14.H06\tSở Tư pháp tỉnh Bắc Giang\tSở Tư pháp\tvanthu@sotp.bacgiang.gov.vn"),
], ids=["semicolon-unnamed-last", "tab-unnamed-middle"])
def test_guard_a_cell_under_an_unnamed_column_of_any_separator_is_refused(tmp_path: Path, header: str, row: str) -> None:
    """GUARD. An alias under a column without a name in a semicolon or tab CSV. Expected: refused naming the column."""
    from gateway.directory import DirectoryError
    with pytest.raises(DirectoryError):
        _parse(tmp_path, "d.csv", f"{header}\n{row}\n")


def test_guard_a_yaml_key_given_twice_in_two_cases_is_refused(tmp_path: Path) -> None:
    """GUARD. A YAML row with "mailbox:" and "Mailbox:" (the second an attacker's). Expected: refused."""
    from gateway.directory import DirectoryError
    with pytest.raises(DirectoryError):
        _parse(tmp_path, "d.yaml", "agencies:\n  - code: '000.00.14.H06'\n    name: Sở Tư pháp tỉnh Bắc Giang\n"
                                   "    mailbox: vanthu@sotp.bacgiang.gov.vn\n    Mailbox: vanthu@evil.example\n")


# ================================================================================================== the mail lock

def test_guard_a_lock_file_removed_under_a_holder_is_taken_again_by_the_next(tmp_path: Path) -> None:
    """GUARD. One process holds a mail's lock; an operator removes `leases/` under it; a second takes the lock (a new
    file); a third then waits for the second. Expected: the third does not get the lock while the second holds it."""
    import fcntl
    import os
    import shutil

    from gateway.mail_lock import mail_lock_path, one_process_at_a_time
    digest = "ab" * 32
    with one_process_at_a_time(tmp_path, digest, wait=0.2):
        shutil.rmtree(tmp_path / "leases")
        with one_process_at_a_time(tmp_path, digest, wait=0.2):
            fd = os.open(mail_lock_path(tmp_path, digest), os.O_RDONLY)
            try:
                with pytest.raises(BlockingIOError):
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            finally:
                os.close(fd)


# ================================================================================================== the desk

def test_guard_a_csrf_token_of_odd_characters_is_refused_not_raised() -> None:
    """GUARD. A form's token with a lone surrogate, a NUL, Vietnamese letters. Expected: False, never an exception."""
    from gateway.web.security import csrf_ok
    for given in ["\ud800abc", "abc\0", "nguyễn", "", None, 5]:
        assert csrf_ok("t0ken", given) is False
    assert csrf_ok("t0ken", "t0ken") is True


# ================================================================================================== a CA's purposes, end to end

def _sub_ca(pki: Any, purposes: list[Any] | None) -> Any:
    """A subordinate CA under the province's trusted intermediate, its extended key usage `purposes` (None: none)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa

    from gateway.demo.pki import Identity, _name

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    inter, now = pki.intermediate, datetime.now(timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(_name("CA máy chủ web (TEST)", "Ban Cơ yếu Chính phủ (thử nghiệm)"))
               .issuer_name(inter.cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - timedelta(days=100)).not_valid_after(now + timedelta(days=1000))
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(inter.key.public_key()), critical=False)
               .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True))
    if purposes is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage(purposes), critical=False)
    return Identity("sub", builder.sign(inter.key, hashes.SHA256()), key)


def _signed_under(world: Any, pki: Any, sub: Any, number: str) -> bytes:
    """A letter of Sở Tư pháp signed by a certificate in its exact name (no extended key usage, as the kit's signers)
    that `sub` issued, the chain embedded."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    from gateway.demo.pki import Identity, _issue, _name
    from gateway.demo.signing import sign_pdf

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(timezone.utc)
    cert = _issue(_name("Sở Tư pháp tỉnh Bắc Giang", "UBND tỉnh Bắc Giang", None, "Bắc Giang"), key, sub, ca=False,
                  not_before=now - timedelta(days=30), not_after=now + timedelta(days=300))
    return sign_pdf(world.document(number=number), Identity("Sở Tư pháp tỉnh Bắc Giang", cert, key), pki,
                    chain=[sub, pki.intermediate, pki.root])


@pytest.fixture(scope="module")
def signing_world(tmp_path_factory: pytest.TempPathFactory, province: Any) -> Any:
    from world import make_world
    pki, signers, stranger = province
    return make_world(tmp_path_factory.mktemp("rt156-sign") / "agency", pki, signers, stranger)


def test_attack_a_certificate_under_a_ca_restricted_to_web_servers_gives_no_legal_value(signing_world: Any,
                                                                                         province: Any) -> None:
    """ATTACK. The province's trusted CA has a subordinate CA for web servers' certificates (its extended key usage
    serverAuth only: whatever it issues is a server's, RFC 5280 §4.2.1.12 as every browser and Windows read a CA's
    purposes). Whoever runs it issues a certificate in Sở Tư pháp's exact name with no extended key usage of its own
    and signs a letter, mailed from an address nothing proves. Expected: the signature is not trusted (a CA for
    servers issues no signer's certificate): the mail held, nothing registered.
    FAULT: gateway/intake/signatures.py `_validate_one` asks `made_for_signing` of the signer's certificate only, never
    of the CAs of its chain: the letter is registered as Sở Tư pháp's on its signature (`accepted`, trusted)."""
    from cryptography.x509.oid import ExtendedKeyUsageOID
    pki = province[0]
    pdf = _signed_under(signing_world, pki, _sub_ca(pki, [ExtendedKeyUsageOID.SERVER_AUTH]), "761/STP-VP")
    [out] = signing_world.ingest(signing_world.mail("web-ca", attachments=[("cv.pdf", pdf)], auth=None))
    assert not any(sig.get("trusted") for sig in out.get("signatures") or []), out.get("signatures")
    assert out["verdict"] != "accepted", (out["verdict"], out["reasons"])


def test_guard_a_letter_with_a_timestamp_whose_tsa_certificate_is_for_timestamping_keeps_its_value(
        signing_world: Any) -> None:
    """GUARD. Sở Tư pháp's letter signed with its signing certificate and timestamped by the province's TSA (whose
    certificate carries timeStamping, critical, as RFC 3161 requires). Expected: registered, with no warning."""
    pdf = signing_world.signed("stp", signing_world.document(number="762/STP-VP"),
                               timestamp_at=datetime.now(timezone.utc))
    [out] = signing_world.ingest(signing_world.mail("timestamped", attachments=[("cv.pdf", pdf)]))
    assert out["verdict"] == "accepted" and not out["reasons"], (out["verdict"], out["reasons"])


def test_guard_a_certificate_under_a_sub_ca_of_no_stated_purpose_is_trusted(signing_world: Any, province: Any) -> None:
    """GUARD. A subordinate CA of the trusted CA with no extended key usage issues Sở Tư pháp's certificate (the kit's
    profile). Expected: the signature trusted."""
    pki = province[0]
    pdf = _signed_under(signing_world, pki, _sub_ca(pki, None), "763/STP-VP")
    [out] = signing_world.ingest(signing_world.mail("open-ca", attachments=[("cv.pdf", pdf)]))
    assert all(sig.get("trusted") for sig in out["signatures"]) and out["signatures"], out["signatures"]


# ================================================================================================== the desk, our agency's only



def _register_others(rt: RT, number: str, subject: str) -> int:
    from registry.models import Document
    from registry.paper import PaperDocument, register_paper
    from sqlalchemy import select
    register = rt.world.db()
    try:
        register_paper(register, OTHER_AGENCY, PaperDocument(issuer="UBND huyện Sơn Động", number=number, subject=subject,
                                                             received_at=datetime.now(VN)), actor="văn thư khác")
    finally:
        register.close()
    return _db(rt.world, lambda s: s.scalars(select(Document.id).where(Document.agency_code == OTHER_AGENCY,
                                                                       Document.notation == number)).one())


def test_other_agency_its_new_documents_are_not_on_our_desks_first_page(client: Any, rt: RT) -> None:
    """Two agencies keep their registers in one database (red team 155's case, which the register, document and
    pass-on pages now scope to our agency). The other agency registers a letter today; our viewer opens the desk's
    first page ("/", what was registered since the last digest). Expected: not listed there (its số, ký hiệu and
    summary), as the register page no longer lists it.
    FAULT: registry/desk_reads.py `today` (gateway/web/pages.py `today`) selects every agency's new documents (and
    counts them): the other agency's "561/UBND-VP, V/v hồ sơ kỷ luật cán bộ riêng" is on our desk's first page."""
    from test_redteam100 import _as
    _register_others(rt, "561/UBND-VP", "V/v hồ sơ kỷ luật cán bộ riêng")
    _as(client, "xem")
    page = client.get("/").text
    assert "561/UBND-VP" not in page and "kỷ luật cán bộ riêng" not in page


def test_other_agency_its_documents_due_are_not_on_our_desks_first_page(client: Any, rt: RT) -> None:
    """The same shared database: the other agency's leader passed its letter to its own unit VP, due tomorrow (its
    gateway's row in `assignments`). Our viewer opens the desk's first page. Expected: not among OUR documents due.
    FAULT: registry/desk_reads.py `due_documents` joins every agency's assignments and documents: the other agency's
    letter and its summary are listed as due on our desk."""
    from registry.models import Assignment
    from test_redteam100 import _as
    other = _register_others(rt, "562/UBND-VP", "V/v thanh tra công vụ riêng của cơ quan khác")

    def add(s: Any) -> None:
        s.add(Assignment(document_id=other, unit_code="VP", unit_name="Văn phòng", mailbox="vp@khac.example",
                         role="lead", deadline="2027-01-16",  # the desk kit's clock: 15 January 2027
                         passed_at=datetime.now(timezone.utc), passed_by="lãnh đạo khác"))
        s.commit()
    _db(rt.world, add)
    _as(client, "xem")
    page = client.get("/").text
    assert "thanh tra công vụ riêng" not in page and "562/UBND-VP" not in page
