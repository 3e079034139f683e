"""Red team 43: attacks on the fixes of red teams 39-42 (not-issued, automatic mail, the resolver's ministry list).
Each failed before its fix: a draft whose stamp fields were laid out before the leader signed, a draft with dotted
blanks (both registered and acknowledged), an impossible date taken for a blank, a secret document in a report written
to the store, a new document in a "report" ignored, a list ending with "Bộ Chỉ huy …" read as a ministry's."""
from __future__ import annotations

import hashlib
import json
import os
from io import BytesIO
from typing import Any

from pyhanko import stamp
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils import text as pdf_text
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from kit import DocumentSpec, blank_document, box_between, make_mail, pdf_signer, render_document, sign_pdf
from test_resolver_corpus import PROVINCE, agency, named, resolved
from test_unissued_revisions import _revisions, _send
from world import STP, US, World

EVIL = "attacker@evil.example"
STAMPS = (("Signature2", "707", ("Số:", "/STP-VP")), ("Signature3", "25", ("ngày", "tháng")),
          ("Signature4", "11", ("tháng", "năm")))


class _Typed:  # a date part typed as given (DocumentSpec formats day and month with :02d)
    def __init__(self, text: str) -> None:
        self.text = text

    def __format__(self, spec: str) -> str:
        return self.text





def _fill_field(pdf: bytes, world: World, name: str, text: str) -> bytes:
    """The office's system signing a signature field made beforehand (its box over a blank), drawing `text`."""
    style = stamp.TextStampStyle(
        stamp_text=text, border_width=0, background=None, text_box_style=pdf_text.TextBoxStyle(font_size=13),
        inner_content_layout=layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MIN,
                                                        y_align=layout.AxisAlignment.ALIGN_MID,
                                                        margins=layout.Margins(0, 0, 0, 0)))
    out = BytesIO()
    signers.PdfSigner(signers.PdfSignatureMetadata(field_name=name, subfilter=fields.SigSeedSubFilter.PADES),
                      signer=pdf_signer(world.signers["stp"], world.pki), stamp_style=style,
                      ).sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf), strict=False), output=out)
    return out.getvalue()


def test_a_draft_whose_stamp_fields_were_made_before_the_leader_signed_is_not_registered(world: World) -> None:
    """F1. An office system that lays out the number's and the date's signature fields before the leader signs (empty
    widgets over "Số:   /STP-VP" and "ngày   tháng   năm"), then fills them with the office's stamps. The leader's
    revision, cut off by a forger, carries those empty boxes over the blanks: `_under_a_signature` takes them for
    stamps that drew no figure, so number and date are "left out", not-issued never fires, and the draft is
    registered (no number, no date) and acknowledged to Sở Tư pháp, from an unproven sender."""
    pdf = blank_document()
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    for name, _, (left, right) in STAMPS:
        fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name=name, on_page=0,
                                                                  box=box_between(pdf, left, right)))
    prepared = BytesIO()
    writer.write(prepared)
    issued = sign_pdf(prepared.getvalue(), world.signers["stp"], world.pki, field_name="LanhDao")
    for name, text, _ in STAMPS:
        issued = _fill_field(issued, world, name, text)
    genuine = _send(world, "issued", issued)
    assert genuine["verdict"] == "accepted" and genuine["document"]["number"] == "707/STP-VP"
    draft = _send(world, "draft", _revisions(issued)["LanhDao"], sender=EVIL, auth=None)
    assert draft["verdict"] != "accepted" and draft["incoming_number"] is None, (draft["verdict"], draft["reasons"])
    assert not [r for r in draft["replies"] if r["kind"] == "ack"]
    assert len(world.documents()) == 1


def test_a_draft_with_dotted_blanks_is_not_issued(world: World) -> None:
    """F2. The template's blanks written as dots ("Số: ………/STP-VP", "ngày …… tháng …… năm 2026", as most Word
    templates and drafts have them): read number "………/STP-VP" (not starting with "/") and date-unread (not
    date-blank), so `unissued` never fires: the signed draft is registered under number "………/STP-VP", undated, and
    acknowledged; the issued file stamped later is then a duplicate of it."""
    draft = render_document(DocumentSpec(number="………/STP-VP", date=(_Typed("……"), _Typed("……"), _Typed("2026"))))
    out = _send(world, "dotted", sign_pdf(draft, world.signers["stp"], world.pki, field_name="LanhDao"))
    assert out["verdict"] != "accepted" and out["incoming_number"] is None, (out["verdict"], out["document"]["number"])
    assert "not-issued" in [r["code"] for r in out["reasons"]]
    assert world.documents() == []


def test_an_issued_document_with_an_impossible_date_is_not_called_unissued(world: World) -> None:
    """F3. A genuine issued letter whose typed date is a typo no calendar has ("ngày 31 tháng 02 năm 2026",
    "ngày 31 tháng 04"): the reader leaves the date out and warns date-blank, so `unissued` returns it to Sở Tư pháp
    as "not-issued: left blank" (the number and the date are typed, not blank). Before red team 41's fix it was
    registered with a warning; the clerk should at least be told the date is impossible, not that it is blank."""
    pdf = world.signed("stp", render_document(DocumentSpec(number="40/STP-VP",
                                                           date=(_Typed("31"), _Typed("02"), _Typed("2026")))))
    out = _send(world, "typo", pdf)
    assert "not-issued" not in [r["code"] for r in out["reasons"]], out["reasons"]


def _report(world: World, name: str, pdf: bytes) -> Any:
    """A multipart/report (no Auto-Submitted header) whose part is a PDF itself, no mail carried back."""
    raw = make_mail(sender=STP, to=[US["mailbox"]], subject="Gửi văn bản", attachments=[("vb.pdf", pdf)])
    raw = raw.replace(b"multipart/mixed", b"multipart/report; report-type=delivery-status", 1)
    path = world.root / "mails" / f"{name}.eml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(raw)
    return path


def test_a_secret_document_in_a_report_is_written_nowhere(world: World) -> None:
    """F4. 002 Đ16.7: a secret document is written nowhere. Wrapped in a multipart/report (`rules.ignored`: a report's
    files are taken for a mail coming back), the secret PDF is written into the content store, and nobody is told."""
    pdf = world.signed("stp", render_document(DocumentSpec(number="90/STP-VP", secrecy="MẬT")))
    world.ingest(_report(world, "secret-report", pdf))
    digest = hashlib.sha256(pdf).hexdigest()
    written = [f for _, _, files in os.walk(world.root / "store") for f in files if digest in f]
    assert written == [], written


def test_a_report_carrying_a_new_document_is_not_silently_ignored(world: World) -> None:
    """F5. A multipart/report whose part is a new signed document addressed to us (no message/rfc822, no
    delivery-status part: nothing comes back): `ignored`, not registered, not held, no alert (red team 40's
    complaint, through the report's door)."""
    pdf = world.signed("stp", render_document(DocumentSpec(number="91/STP-VP")))
    out = world.ingest(_report(world, "new-in-report", pdf))[0]
    held = json.loads(world.run("review", "list", "--config", str(world.config_path), "--json").stdout)
    assert out["incoming_number"] is not None or held, (out["verdict"], out["reasons"])


def test_a_list_ending_with_a_body_whose_name_starts_with_bo_is_not_a_ministrys() -> None:
    """F6. `_MINISTRY_END` takes any "Bộ …" ending a list for a ministry: "Bộ Chỉ huy Quân sự tỉnh", "Bộ đội Biên
    phòng tỉnh", "Bộ phận một cửa". Every other item not of that "ministry's" tree is dropped: a list naming two
    bodies the directory lists resolves to nothing, and intake no longer finds us first in the list."""
    bn = "tỉnh Bắc Ninh"
    chqs = agency("000.00.00.Q94", f"Bộ Chỉ huy Quân sự {bn}")
    directory = [*PROVINCE, chqs]
    by = {a.name: a for a in directory}
    stc = by[f"Sở Tài chính {bn}"]
    assert resolved(directory, stc, "Công an tỉnh, Bộ Chỉ huy Quân sự tỉnh") == \
        ("resolved", [f"Công an {bn}", f"Bộ Chỉ huy Quân sự {bn}"])
    assert named(directory, stc, "Sở Tài chính, Sở Y tế, Bộ đội Biên phòng tỉnh", False)
    assert named(directory, stc, "Sở Tài chính, Sở Y tế, Bộ phận một cửa tỉnh", False)
