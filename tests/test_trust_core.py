"""The pure core of trust, table-driven: which Authentication-Results count, strict alignment,
whose a certificate is (with the subjects of real Ban Cơ yếu certificates, as read off the real
PDFs of the shared corpus, realpdf), and what a later revision may add to a signed document."""

from __future__ import annotations

import email

import pytest

from gateway.decision.issuers import DocumentIssuers, Issuer, document_issuers, signer_agency, speaks_for
from gateway.decision.rules import issuer_signatures
from gateway.directory import AgencyEntry, Directory, place_of
from gateway.intake.authentication import AuthSettings, aligned, from_evidence, received_by, received_from, trusted_results
from gateway.model import CertSubject, FieldSource, Particulars, Reading, Recipients, SignatureFacts

MX = "mx.bacgiang.gov.vn"
SETTINGS = AuthSettings(trusted_authserv_ids=(MX,), dkim_keys=(), dns=False)


def _headers(text: str) -> list[tuple[str, str]]:
    msg = email.message_from_string(text.strip() + "\n\nbody\n")
    return [(k, str(v)) for k, v in msg.items()]


GENUINE = f"Authentication-Results: {MX}; dkim=pass header.d=sotp.bacgiang.gov.vn"
FAILED = f"Authentication-Results: {MX}; dkim=none; dmarc=fail header.from=sotp.bacgiang.gov.vn"
FORGED = f"Authentication-Results: {MX}; dkim=pass header.d=sotp.bacgiang.gov.vn; dmarc=pass header.from=sotp.bacgiang.gov.vn"
OURS = f"Received: from client by {MX} with ESMTPSA; Wed, 2 Dec 2026 09:00:00 +0700"
THEIRS = "Received: from x by mail.evil.example with ESMTP; Wed, 2 Dec 2026 08:59:00 +0700"
FROM = "From: vanthu@sotp.bacgiang.gov.vn"


INSIDE = f"Received: from {MX} by imap.bacgiang.gov.vn with LMTP; Wed, 2 Dec 2026 09:00:01 +0700"
FAKE_HOP = f"Received: from x by {MX} with ESMTP; Wed, 2 Dec 2026 08:58:00 +0700"


@pytest.mark.parametrize("name,headers,counted,forged", [
    ("the server's own, above its Received line", [GENUINE, OURS, FROM], 1, 0),
    ("a second one of the same id below the entry line", [FAILED, OURS, FORGED, FROM], 1, 1),
    ("the only one, directly below the entry line", [OURS, FORGED, FROM], 0, 1),
    ("below a Received an outside host wrote", [FAILED, OURS, THEIRS, FORGED, FROM], 1, 1),
    ("the topmost Received written outside", [THEIRS, FORGED, FROM], 0, 1),
    ("a fake Received 'by' our MX under the forged one", [FAILED, OURS, FORGED, FAKE_HOP, FROM], 1, 1),
    ("no Received line at all", [GENUINE, FROM], 0, 1),
    ("an untrusted id anywhere is ignored", ["Authentication-Results: evil.example; dkim=pass", OURS, FROM], 0, 0),
    ("unparseable with a trusted id", [GENUINE, f"Authentication-Results: {MX}; ((((", OURS, FROM], 1, 1),
])
def test_only_the_trusted_servers_own_results_count(name: str, headers: list[str], counted: int, forged: int) -> None:
    found = trusted_results(_headers("\n".join(headers)), SETTINGS)
    assert (len(found.counted), len(found.forged)) == (counted, forged), name


def test_the_topmost_hop_of_a_server_decides() -> None:
    """A server's results of an older pass of the mail through it (below a Received line it wrote since: a content
    filter's re-injection) are not this mail's; the results of its latest pass, one header or several (OpenDKIM and
    OpenDMARC write one each: red team 140), all are."""
    again = f"Received: from {MX} by {MX} with ESMTP (content filter); Wed, 2 Dec 2026 09:00:02 +0700"
    found = trusted_results(_headers("\n".join([FAILED, again, GENUINE, OURS, FROM])), SETTINGS)
    assert from_evidence(found.counted, "vanthu@sotp.bacgiang.gov.vn") is None
    found = trusted_results(_headers("\n".join([FAILED, GENUINE, OURS, FROM])), SETTINGS)
    assert len(found.counted) == 2 and from_evidence(found.counted, "vanthu@sotp.bacgiang.gov.vn") is not None


def test_trusted_hosts_name_the_provinces_own_hops() -> None:
    headers = _headers("\n".join([INSIDE, GENUINE, OURS, FROM]))
    assert len(trusted_results(headers, SETTINGS).forged) == 1  # the mailbox server is not named: outside
    settings = AuthSettings((MX,), (), False, trusted_hosts=(MX, "imap.bacgiang.gov.vn"))
    assert len(trusted_results(headers, settings).counted) == 1


@pytest.mark.parametrize("result,address,method", [
    ("dkim=pass header.d=sotp.bacgiang.gov.vn", "vanthu@sotp.bacgiang.gov.vn", "dkim"),
    ("dkim=pass header.d=stc.bacgiang.gov.vn", "vanthu@sotp.bacgiang.gov.vn", None),  # another agency's domain
    ("dkim=pass header.d=bacgiang.gov.vn", "vanthu@sotp.bacgiang.gov.vn", None),  # the parent is not the agency
    ("dmarc=pass", "vanthu@sotp.bacgiang.gov.vn", None),  # without header.from it names no domain
    ("dmarc=pass header.from=stc.bacgiang.gov.vn", "vanthu@sotp.bacgiang.gov.vn", None),
    ("dmarc=pass header.from=sotp.bacgiang.gov.vn", "vanthu@sotp.bacgiang.gov.vn", "dmarc"),
    ("auth=pass smtp.auth=vanthu@stc.bacgiang.gov.vn", "vanthu@sotp.bacgiang.gov.vn", None),
    ("auth=pass smtp.auth=vanthu@sotp.bacgiang.gov.vn", "vanthu@sotp.bacgiang.gov.vn", "smtp-auth"),
    ("dkim=fail header.d=sotp.bacgiang.gov.vn", "vanthu@sotp.bacgiang.gov.vn", None),
])
def test_strict_alignment(result: str, address: str, method: str | None) -> None:
    found = trusted_results(_headers(f"Authentication-Results: {MX}; {result}\n{OURS}\n{FROM}"), SETTINGS)
    evidence = from_evidence(found.counted, address)
    assert (evidence[0] if evidence else None) == method


@pytest.mark.parametrize("signing,sender,shared,expected", [
    ("sotp.bacgiang.gov.vn", "sotp.bacgiang.gov.vn", (), True),
    ("stc.bacgiang.gov.vn", "sotp.bacgiang.gov.vn", (), False),
    ("bacgiang.gov.vn", "sotp.bacgiang.gov.vn", (), False),
    ("bacgiang.gov.vn", "sotp.bacgiang.gov.vn", ("bacgiang.gov.vn",), True),
    ("bacgiang.gov.vn", "evilbacgiang.gov.vn", ("bacgiang.gov.vn",), False),
    ("stc.bacgiang.gov.vn", "sotp.bacgiang.gov.vn", ("bacgiang.gov.vn",), False),
])
def test_alignment_with_a_shared_signing_domain(signing: str, sender: str, shared: tuple[str, ...], expected: bool) -> None:
    assert aligned(signing, sender, shared) is expected


def test_received_by() -> None:
    assert received_by("from a (a [1.2.3.4])\r\n\tby MX.bacgiang.gov.vn. (Postfix) with ESMTPS id X; date") == MX
    assert received_by("from a with local; date") == ""
    assert received_from("from [10.1.2.3] (helo=pc) by mx with ESMTPSA; date") == ("10.1.2.3",)  # Exim
    assert received_from(f"from {MX} (evil.example [203.0.113.5]) by {MX}; date") == ("203.0.113.5",)
    assert received_from(f"from filter (filter.bacgiang.gov.vn [10.0.0.7]) by {MX}; date") == ("filter.bacgiang.gov.vn", "10.0.0.7")
    # names beside a public address are the client's to choose somewhere (red team 15): OpenSMTPD's unconfirmed
    # reverse name, Exim's ident reply, qmail's HELO; the address alone counts
    assert received_from(f"from evil.example ({MX} [198.51.100.9]) by {MX} (OpenSMTPD) with ESMTP; date") == ("198.51.100.9",)
    assert received_from(f"from [198.51.100.9] (helo=evil ident=x {MX}) by {MX} with esmtp; date") == ("198.51.100.9",)
    assert received_from(f"from [IPv6:2001:db8::9] ({MX} [IPv6:2001:db8::9]) by {MX}; date") == ("2001:db8::9",)
    assert received_from(f"from unknown (HELO {MX}) (198.51.100.9) by {MX} with SMTP; date") == ("198.51.100.9",)  # qmail
    # red team 16: Exim with no name ("from [IP] (…ident=…)"), and with a port after the address
    assert received_from(f"from [198.51.100.9] (ident=x {MX}) by {MX} with esmtp (Exim 4.96); date") == ("198.51.100.9",)
    assert received_from(f"from [198.51.100.9] (port=40312 ident=x {MX}) by {MX} with esmtp; date") == ("198.51.100.9",)
    assert received_from(f"from evil.example ([198.51.100.9]:40312 helo=evil ident=x {MX}) by {MX}; date") == ("198.51.100.9",)
    assert received_from(f"from e ([2001:db8::9]:40312 ident=x {MX}) by {MX}; date") == ("2001:db8::9",)
    assert received_from(f"from e (helo=evil ident=x {MX}) by {MX}; date") == ()  # no address shown: nothing
    assert received_from(f"from filter.bacgiang.gov.vn ([10.0.0.7]:10025 helo=filter) by {MX}; date") == (
        "filter.bacgiang.gov.vn", "10.0.0.7")  # an internal hop, Exim +incoming_port
    assert received_from(f"from {MX} by imap; date") == (MX,)
    # a HELO of several words (a red team's): the client's, never the verified host
    assert received_from(f"from {MX} x (unknown [203.0.113.9]) by {MX} (Postfix); date") == ()
    assert received_from(f"from {MX} x by {MX}; date") == ()
    assert received_from(f"from {MX}; date") == (MX,)
    # Sendmail's "(may be forged)": the reverse name it could not confirm (a red team's, set by the forger) is none
    assert received_from(f"from {MX} ({MX} [203.0.113.9] (may be forged)) by {MX} (8.17.1/8.17.1); date") == ("203.0.113.9",)
    assert received_from(f"from pc ({MX} [10.0.0.5]) by {MX} (8.17.1/8.17.1); date") == (MX, "10.0.0.5")


# ---- whose certificate is it ------------------------------------------------------------------

LAM_DONG = Directory([
    AgencyEntry("000.00.00.H38", "UBND tỉnh Lâm Đồng", "ubnd@lamdong.gov.vn", ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG",)),
    AgencyEntry("000.01.00.H38", "Sở Tài chính tỉnh Lâm Đồng", "stc@lamdong.gov.vn", ("Sở Tài chính",)),
    AgencyEntry("000.02.00.H38", "Sở Tư pháp tỉnh Lâm Đồng", "stp@lamdong.gov.vn", ("Sở Tư pháp",)),
    AgencyEntry("000.03.00.H38", "Sở Nội vụ tỉnh Lâm Đồng", "snv@lamdong.gov.vn", ("Sở Nội vụ",)),
    AgencyEntry("000.04.00.H38", "Công an tỉnh Lâm Đồng", "cat@lamdong.gov.vn"),
    AgencyEntry("000.00.00.G13", "Bộ Xây dựng", "boxaydung@moc.gov.vn", ("BỘ XÂY DỰNG",)),
])

# Subjects as they stand in the real PDFs (shared/corpus/realpdf: 017–025, 014), written out here.
REAL = {
    "018 SỞ TÀI CHÍNH (organisation)": CertSubject("SỞ TÀI CHÍNH", "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "", "Lâm Đồng"),
    "019 a clerk of SỞ TƯ PHÁP": CertSubject("Phạm Thị Trà My", "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "SỞ TƯ PHÁP", "Lâm Đồng"),
    "020 a leader of SỞ NỘI VỤ (L of a merged province)": CertSubject("Nguyễn Đức Vũ", "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "SỞ NỘI VỤ", "Sóc Trăng"),
    "022 UBND tỉnh (organisation)": CertSubject("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "", "Lâm Đồng"),
    "022 a person of UBND tỉnh, no OU": CertSubject("Nguyễn Minh", "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "", "Lâm Đồng"),
    "022 a person of the UBND's office": CertSubject("Đỗ Thị Tường Vy", "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "VĂN PHÒNG ỦY BAN NHÂN DÂN", "Lâm Đồng"),
    "014 CÔNG AN TỈNH LÂM ĐỒNG": CertSubject("CÔNG AN TỈNH LÂM ĐỒNG", "BỘ CÔNG AN", "V01", "Lâm Đồng"),
    "025 BỘ XÂY DỰNG": CertSubject("BỘ XÂY DỰNG", "BỘ XÂY DỰNG", "", "Hà Nội"),
    "025 a person of a Vụ of BỘ XÂY DỰNG": CertSubject("Lê Minh Long", "BỘ XÂY DỰNG", "VỤ KHOA HỌC CÔNG NGHỆ VÀ MÔI TRƯỜNG", "Hà Nội"),
    "017 Sở Tài chính of Đắk Nông": CertSubject("Sở Tài chính", "Tỉnh Đắk Nông", "", "Đắk Nông"),
    "a private person": CertSubject("Trần Thị B", "Cá nhân", "", "Lâm Đồng"),
}


def _sig(subject: CertSubject, *, field: str = "Signature1", revision: int = 0, trusted: bool = True,
         changes_after: str = "none", fields_after: tuple[str, ...] = (), fingerprint: str = "") -> SignatureFacts:
    return SignatureFacts(
        field=field, signer=subject.common_name, intact=True, trusted=trusted, revoked=False, expired=False,
        modified_after=changes_after in ("annotations", "other"), covers_document=True, revocation_known=True,
        signed_at=None, subject=subject, fingerprint=fingerprint, revision=revision,
        changes_after=changes_after, fields_changed_after=fields_after,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("name,code", [
    ("018 SỞ TÀI CHÍNH (organisation)", "000.01.00.H38"),
    ("019 a clerk of SỞ TƯ PHÁP", "000.02.00.H38"),
    ("020 a leader of SỞ NỘI VỤ (L of a merged province)", "000.03.00.H38"),
    ("022 UBND tỉnh (organisation)", "000.00.00.H38"),
    ("022 a person of UBND tỉnh, no OU", "000.00.00.H38"),
    ("022 a person of the UBND's office", None),  # an office of the UBND is not an agency of the directory
    ("014 CÔNG AN TỈNH LÂM ĐỒNG", "000.04.00.H38"),
    ("025 BỘ XÂY DỰNG", "000.00.00.G13"),
    ("025 a person of a Vụ of BỘ XÂY DỰNG", None),  # never widened to the parent body
    ("017 Sở Tài chính of Đắk Nông", None),  # another province's Sở Tài chính
    ("a private person", None),
])
def test_the_agency_a_real_certificate_names(name: str, code: str | None) -> None:
    agency = signer_agency(_sig(REAL[name]), LAM_DONG)
    assert (agency.code if agency else None) == code


@pytest.mark.parametrize("body", ["Thư viện tỉnh Lâm Đồng", "Bảo tàng tỉnh Lâm Đồng", "Công đoàn Sở Tài chính",
                                  "THƯ VIỆN TỈNH LÂM ĐỒNG", "Nhà xuất bản Lâm Đồng"])
def test_a_body_under_an_agency_does_not_sign_for_it(body: str) -> None:
    """A body's certificate (CN the body, O the Sở above it) whose name begins with no word of the agency
    list was taken for a person's, and the O spoke: a library's signature gave legal value to a
    document printed as its Sở's (red team). A CN that is no person's name is the deciding name."""
    subject = CertSubject(body, "Sở Tài chính tỉnh Lâm Đồng", "", "Lâm Đồng")
    assert signer_agency(_sig(subject), LAM_DONG) is None
    person = CertSubject("Trần Thị Lan", "Sở Tài chính tỉnh Lâm Đồng", "", "Lâm Đồng")  # no OU: its O still speaks
    assert signer_agency(_sig(person), LAM_DONG) is not None


def test_a_fingerprint_in_the_directory_decides() -> None:
    odd = CertSubject("VP SO TAI CHINH LD", "Cá nhân")
    fingerprint = "ab" * 32
    directory = Directory([AgencyEntry("1", "Sở Tài chính tỉnh Lâm Đồng", "stc@lamdong.gov.vn",
                                       certificates=(":".join(["AB"] * 32),))])
    assert signer_agency(_sig(odd, fingerprint=fingerprint), directory) is not None
    assert signer_agency(_sig(odd, fingerprint="cd" * 32), directory) is None


def test_place_of() -> None:
    assert place_of("Sở Tư pháp tỉnh Bắc Giang") == "BAC GIANG"
    assert place_of("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI") == "HA NOI"
    assert place_of("Bộ Xây dựng") is None


def _issuers(name: str, parent: str | None, directory: Directory = LAM_DONG) -> DocumentIssuers:
    return DocumentIssuers((Issuer(name, parent, directory.by_issuer(name, parent)),))


def test_an_issuer_outside_the_directory_is_matched_by_its_printed_name() -> None:
    bare = Directory([])
    issuer = _issuers("SỞ TÀI CHÍNH", "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", bare).issuers[0]
    assert speaks_for(_sig(REAL["018 SỞ TÀI CHÍNH (organisation)"]), issuer, bare)
    assert not speaks_for(_sig(REAL["017 Sở Tài chính of Đắk Nông"]), issuer, bare)
    assert not speaks_for(_sig(REAL["022 UBND tỉnh (organisation)"]), issuer, bare)


def _codes(judgement) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(r.code, r.severity) for r in judgement.findings]


STC = _issuers("SỞ TÀI CHÍNH", "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG")
ORG = REAL["018 SỞ TÀI CHÍNH (organisation)"]
STRANGER = CertSubject("Kẻ lạ", "CA lạ")


@pytest.mark.parametrize("name,signatures,basis,codes", [
    ("the agency's own", [_sig(ORG)], True, []),
    ("another agency's", [_sig(REAL["022 UBND tỉnh (organisation)"])], False, [("signer-not-issuer", "error")]),
    ("the leader's then the agency's, stacked", [
        _sig(CertSubject("Lê Văn C", "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "SỞ TÀI CHÍNH", "Lâm Đồng"), changes_after="form-filling", fields_after=("Signature2", "Signature3")),
        _sig(ORG, field="Signature2", revision=1, changes_after="form-filling", fields_after=("Signature3",)),
        _sig(ORG, field="Signature3", revision=2)], True, []),
    ("another party's box painted over it", [
        _sig(ORG, changes_after="form-filling", fields_after=("Signature2",)),
        _sig(STRANGER, field="Signature2", revision=1, trusted=False)], False, [("signature-modified", "error")]),
    ("an untrusted box claiming the issuer's name", [
        _sig(ORG, changes_after="form-filling", fields_after=("Signature2",)),
        _sig(ORG, field="Signature2", revision=1, trusted=False)], False, [("signature-modified", "error")]),
    ("a text field filled after signing", [
        _sig(ORG, changes_after="form-filling", fields_after=("Trich yeu",))], False, [("signature-modified", "error")]),
    ("an annotation added after signing", [_sig(ORG, changes_after="annotations")], False, [("signature-modified", "error")]),
    ("a later LTA update only", [_sig(ORG, changes_after="lta")], True, []),
    ("the agency's, then an unsigned change after the last", [
        _sig(ORG, changes_after="other", fields_after=("Signature2",)),
        _sig(ORG, field="Signature2", revision=1, changes_after="other")], False, [("signature-modified", "error")]),
    ("no signature", [], False, []),
])
def test_what_a_later_revision_may_add(name: str, signatures: list[SignatureFacts], basis: bool,
                                       codes: list[tuple[str, str]]) -> None:
    judgement = issuer_signatures(signatures, STC, LAM_DONG, revocation_hard=False)
    assert (judgement.basis, _codes(judgement)) == (basis, codes), name


def test_an_unread_issuer_is_taken_from_the_one_valid_certificate() -> None:
    judgement = issuer_signatures([_sig(ORG)], DocumentIssuers(()), LAM_DONG, revocation_hard=False)
    assert judgement.basis and _codes(judgement) == [("issuer-from-certificate", "warning")]
    assert judgement.issuers.issuers[0].agency.code == "000.01.00.H38"  # type: ignore[union-attr]
    nobody = issuer_signatures([_sig(REAL["a private person"])], DocumentIssuers(()), LAM_DONG, revocation_hard=False)
    assert not nobody.basis and _codes(nobody) == []


def _reading(issuer: str, number: str, doc_type: str = "Thông tư liên tịch") -> Reading:
    return Reading(1, False, Particulars(issuer=issuer, issuer_parent=None, number=number, type=doc_type),
                   Recipients(), sources={"issuer": FieldSource(1, "text")})


def test_a_joint_document_needs_each_issuers_own_signature() -> None:
    printed = document_issuers(_reading("SỞ TÀI CHÍNH - SỞ NỘI VỤ tỉnh Lâm Đồng", "01/2026/TTLT-STC-SNV"), LAM_DONG)
    assert [i.agency.code for i in printed.issuers if i.agency] == ["000.01.00.H38", "000.03.00.H38"]
    snv = CertSubject("SỞ NỘI VỤ", "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "", "Lâm Đồng")
    one = issuer_signatures([_sig(ORG)], printed, LAM_DONG, revocation_hard=False)
    assert not one.basis and ("signer-not-issuer", "error") in _codes(one)
    both = issuer_signatures([_sig(ORG, changes_after="form-filling", fields_after=("Signature2",)),
                              _sig(snv, field="Signature2", revision=1)], printed, LAM_DONG, revocation_hard=False)
    assert both.basis and _codes(both) == []
