"""Whose signatures, on real PDFs as agencies publish them (the shared corpus realpdf, found through
QLVB_SHARED): each signed file's own signatures must speak for the issuer printed on it (as read by
eye in its JSON), the stacked signatures of real office systems (a leader's, then the agency's
drawing the number and date) must count as the issuer's own additions, and a box another party
adds after signing must break that.

The Ban Cơ yếu roots are not bundled (trust.roots must name them), so trust is taken as an operator
who configured them would see it: every intact signature under a Ban Cơ yếu CA is trusted here. The
integrity, the certificates, the revisions and what changed after each signature are the files' own.
"""

from __future__ import annotations

import dataclasses
import json
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.stamp import TextStampStyle

from gateway.decision.issuers import DocumentIssuers, Issuer
from gateway.decision.rules import issuer_signatures
from gateway.directory import AgencyEntry, Directory
from gateway.intake.signatures import SignatureValidator, TrustStore
from gateway.intake.viewer_agreement import viewer_reads_as_validated
from gateway.model import SignatureFacts
from kit import pdf_signer
from vntext import fold

CENTRAL = [
    AgencyEntry("000.00.00.G01", "Văn phòng Chính phủ", "vpcp@chinhphu.vn", ("VĂN PHÒNG CHÍNH PHỦ",)),
    AgencyEntry("000.00.00.G00", "Thủ tướng Chính phủ", "thutuong@chinhphu.vn", ("THỦ TƯỚNG CHÍNH PHỦ",),
                certificates=("VĂN PHÒNG CHÍNH PHỦ",)),  # the Prime Minister's documents go out under VPCP's certificate
    AgencyEntry("000.00.00.G13", "Bộ Xây dựng", "boxaydung@moc.gov.vn", ("BỘ XÂY DỰNG",)),
    AgencyEntry("000.00.15.G14", "Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công", "cucctdp@moit.gov.vn"),
]
PROVINCES = [
    AgencyEntry("000.00.00.H38", "UBND tỉnh Lâm Đồng", "ubnd@lamdong.gov.vn", ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG",)),
    AgencyEntry("000.01.00.H38", "Sở Tài chính tỉnh Lâm Đồng", "stc@lamdong.gov.vn", ("Sở Tài chính",)),
    AgencyEntry("000.02.00.H38", "Sở Tư pháp tỉnh Lâm Đồng", "stp@lamdong.gov.vn", ("Sở Tư pháp",)),
    AgencyEntry("000.03.00.H38", "Sở Nội vụ tỉnh Lâm Đồng", "snv@lamdong.gov.vn", ("Sở Nội vụ",)),
    AgencyEntry("000.04.00.H38", "Công an tỉnh Lâm Đồng", "cat@lamdong.gov.vn"),
    AgencyEntry("000.05.00.H38", "Ủy ban MTTQ Việt Nam tỉnh Lâm Đồng", "ubmttqvn@lamdong.gov.vn",
                ("ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM TỈNH LÂM ĐỒNG", "Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Lâm Đồng")),
    AgencyEntry("000.00.00.H17", "Sở Tài chính tỉnh Đắk Nông", "stc@daknong.gov.vn", ("Sở Tài chính",)),
    AgencyEntry("000.10.00.H17", "UBND huyện Đắk R'Lấp", "ubnd@dakrlap.daknong.gov.vn", ("ỦY BAN NHÂN DÂN HUYỆN ĐẮK R’LẤP",)),
    AgencyEntry("000.11.00.H17", "UBND huyện Krông Nô", "ubnd@krongno.daknong.gov.vn", ("ỦY BAN NHÂN DÂN HUYỆN KRÔNG NÔ",)),
]
DIRECTORY = Directory([*CENTRAL, *PROVINCES])


def _as_configured(sig: SignatureFacts, ban_co_yeu: bool) -> SignatureFacts:
    """Trust as it is with the Ban Cơ yếu roots configured (their validity at signing time)."""
    if not (ban_co_yeu and sig.intact):
        return sig
    return dataclasses.replace(sig, trusted=True, expired=False, revocation_known=True)


def _facts(path: Path, truth: dict) -> list[SignatureFacts]:
    validator = SignatureValidator(TrustStore([], []))
    cas = {s["field"]: fold(s["issuer_o"] or "") == "BAN CO YEU CHINH PHU" for s in truth["signatures"]}
    return [_as_configured(s, cas.get(s.field, False)) for s in validator.validate(path.read_bytes())]


def _printed(truth: dict, directory: Directory = DIRECTORY) -> DocumentIssuers:
    name, parent = truth["issuer"], truth["issuer_parent"]
    return DocumentIssuers((Issuer(name, parent, directory.by_issuer(name, parent)),))


def _signed(realpdf: Path) -> list[tuple[Path, dict]]:
    found = []
    for meta in sorted(realpdf.glob("*.json")):
        truth = json.loads(meta.read_text(encoding="utf-8"))
        if truth.get("signed"):
            found.append((meta.with_suffix(".pdf"), truth))
    assert len(found) >= 10
    return found


def test_every_real_signed_file_is_signed_by_its_issuer(realpdf: Path) -> None:
    outcome = {}
    for path, truth in _signed(realpdf):
        judged = issuer_signatures(_facts(path, truth), _printed(truth), DIRECTORY, revocation_hard=False)
        assert judged.issuers.issuers[0].agency is not None, f"{path.name}: the test directory names its issuer"
        outcome[path.name] = (judged.basis, [r.code for r in judged.findings])
    assert outcome == {name: (True, []) for name in outcome}, outcome


def test_without_the_directorys_word_the_prime_ministers_decision_is_not_vpcps(realpdf: Path) -> None:
    """016: a Quyết định of THỦ TƯỚNG CHÍNH PHỦ under VĂN PHÒNG CHÍNH PHỦ's certificate speaks for the
    Prime Minister only where the directory says so (its certificates column)."""
    path, truth = next((p, t) for p, t in _signed(realpdf) if p.name == "016.pdf")
    plain = Directory([*(dataclasses.replace(a, certificates=()) for a in CENTRAL), *PROVINCES])
    judged = issuer_signatures(_facts(path, truth), _printed(truth, plain), plain, revocation_hard=False)
    assert not judged.basis and [r.code for r in judged.findings] == ["signer-not-issuer"]


def test_another_provinces_agency_of_the_same_name_is_not_ours(realpdf: Path) -> None:
    """017 is Đắk Nông's Sở Tài chính: for a directory of Lâm Đồng alone it names no agency, and its
    certificate does not speak for Lâm Đồng's Sở Tài chính."""
    path, truth = next((p, t) for p, t in _signed(realpdf) if p.name == "017.pdf")
    lam_dong = Directory([a for a in PROVINCES if "H38" in a.code])
    assert lam_dong.by_issuer(truth["issuer"], truth["issuer_parent"]) is None
    ours = DocumentIssuers((Issuer("SỞ TÀI CHÍNH", "UBND TỈNH LÂM ĐỒNG", lam_dong.by_code("000.01.00.H38")),))
    judged = issuer_signatures(_facts(path, truth), ours, lam_dong, revocation_hard=False)
    assert not judged.basis and [r.code for r in judged.findings] == ["signer-not-issuer"]


def test_a_box_painted_after_the_issuers_last_signature_breaks_it(realpdf: Path, province) -> None:  # type: ignore[no-untyped-def]
    """018 as published, then a self-made CA's visible signature over its summary line."""
    _, signers_, stranger = province
    path, truth = next((p, t) for p, t in _signed(realpdf) if p.name == "018.pdf")
    writer = IncrementalPdfFileWriter(BytesIO(path.read_bytes()), strict=False)
    out = BytesIO()
    signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name="Painted"), signer=pdf_signer(signers_["stranger"], stranger),
        stamp_style=TextStampStyle(stamp_text="V/v nội dung khác", background=None),
        new_field_spec=fields.SigFieldSpec(sig_field_name="Painted", box=(60, 560, 300, 600), on_page=0),
    ).sign_pdf(writer, output=out)
    facts = SignatureValidator(TrustStore([], [])).validate(out.getvalue())
    facts = [_as_configured(s, s.field != "Painted") for s in facts]
    judged = issuer_signatures(facts, _printed(truth), DIRECTORY, revocation_hard=False)
    assert not judged.basis
    assert [r.code for r in judged.findings] == ["signature-modified"]
    assert "Sở Tư pháp tỉnh Bắc Giang" in judged.findings[0].detail  # the added box's signer is named


def test_a_viewer_reads_every_real_signed_file_as_pyhanko_validated_it(realpdf: Path) -> None:
    """The viewer's checks (gateway/intake/viewer_agreement.py: the last startxref, every object's place, every object
    written after the first signature) hold on files as agencies publish them: office systems' later signatures and
    validation data, Ban Cơ yếu's cross-reference streams."""
    for path, _ in _signed(realpdf):
        data = path.read_bytes()
        reader = PdfFileReader(BytesIO(data), strict=False)
        first = min(e.signed_revision for e in reader.embedded_signatures)
        assert viewer_reads_as_validated(data, reader, first), path.name


@pytest.mark.parametrize("name", ["018.pdf", "020.pdf"])
def test_the_signed_revision_is_what_is_read(realpdf: Path, name: str) -> None:
    """The worker reads the file as its last signature left it: for a file ending in its last
    signature, the whole file."""
    from gateway.intake.analysis import signed_content

    path = realpdf / name
    data = path.read_bytes()
    facts = SignatureValidator(TrustStore([], [])).validate(data)
    assert signed_content(data, facts) == data
    assert signed_content(data + b"\n% an unsigned tail\n", facts) == data
