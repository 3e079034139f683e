"""Outgoing, at the command line against a real SQLite register: the plan and its JSON contract,
a send held (exit 3) when an entry does not resolve and nothing registered, the clerk's choices,
a block without "Bản điện tử", a secret document never sent, a PDF sent twice sent once; and our
signature from a PKCS#12 file and from a PKCS#11 token (SoftHSM2), checked by the gateway's own
intake and looked at as a picture."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from kit import DocumentSpec, render_document, seal_png
import made_pdfs
from world import STC, STP, US, World, our_identifier

OUR_BLOCK = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Tư pháp;", "- Giám đốc Sở Tài chính;",
             "- Sở Nội vụ (để theo dõi);", "- UBND huyện Lục Nam."]


def our_document(**changes) -> bytes:  # type: ignore[no-untyped-def]
    spec = dict(issuer="SỞ NỘI VỤ", number="45/SNV-VP", recipients=OUR_BLOCK, kinh_gui=["Sở Tư pháp"])
    return render_document(DocumentSpec(**{**spec, **changes}))


def send(world: World, pdf: bytes, *args: str, name: str = "out.pdf") -> tuple[int, dict]:  # type: ignore[type-arg]
    path = world.root / name
    path.write_bytes(pdf)
    done = world.run("send", "--config", str(world.config_path), str(path), "--json", *args, check=False)
    assert done.returncode in (0, 3), done.stderr[-3000:]
    return done.returncode, json.loads(done.stdout)


def register_rows(world: World):  # type: ignore[no-untyped-def]
    from registry.models import OutgoingDocument, OutgoingRecipient, Outbox

    register = world.db()
    try:
        with register.session() as s:
            return (s.scalars(select(OutgoingDocument)).all(), s.scalars(select(OutgoingRecipient)).all(),
                    s.scalars(select(Outbox)).all())
    finally:
        register.close()


def test_the_plan_of_a_dry_run_and_a_held_send_that_registers_nothing(world: World) -> None:
    pdf = our_document()
    code, plan = send(world, pdf, "--dry-run")
    assert code == 0 and plan["sent"] is False
    assert plan["identifier"] == our_identifier(1) and plan["signed"] is False
    assert plan["document"]["number"] == "45/SNV-VP"
    by_entry = {e["entry"]: e for e in plan["electronic"]}
    assert by_entry["Sở Tư pháp"]["status"] == "resolved"
    assert by_entry["Sở Tư pháp"]["agencies"] == [{"code": "000.00.14.H06", "name": "Sở Tư pháp tỉnh Bắc Giang", "mailbox": STP}]
    assert by_entry["Giám đốc Sở Tài chính"]["agencies"][0]["mailbox"] == STC  # a title names its agency
    assert by_entry["Sở Nội vụ (để theo dõi)"]["status"] == "skipped"  # our own agency, note ignored
    assert by_entry["UBND huyện Lục Nam"]["status"] == "unresolved" and "candidates" in by_entry["UBND huyện Lục Nam"]
    assert plan["paper"] == ["Như trên"] and plan["archive"] == "Lưu: VT, VP"
    assert [h["code"] for h in plan["held"]] == ["entries-unresolved"]

    code, held = send(world, pdf)  # not a dry run: held, exit 3, nothing written
    assert code == 3 and held["sent"] is False
    assert register_rows(world) == ([], [], [])

    code, sent = send(world, pdf, "--confirm", "UBND huyện Lục Nam=-")  # the clerk: on paper
    assert code == 0 and sent["sent"] is True and sent["identifier"] == our_identifier(1)
    assert "UBND huyện Lục Nam" in sent["paper"]
    assert {(r["mailbox"], r["state"]) for r in sent["recipients"]} == {(STP, "queued"), (STC, "queued")}  # no SMTP here
    documents, recipients, outbox = register_rows(world)
    assert [d.identifier for d in documents] == [our_identifier(1)] and len(recipients) == 2
    mails = {o.recipient: o for o in outbox}
    assert set(mails) == {STP, STC}
    import email

    msg = email.message_from_bytes(mails[STP].raw)
    assert msg["X-QLVB-Document-Id"] == our_identifier(1) and msg["Auto-Submitted"] is None
    attached = [p for p in msg.walk() if p.get_filename()]
    assert [p.get_filename() for p in attached] == ["out.pdf"]
    assert attached[0].get_payload(decode=True) == pdf  # unsigned, unchanged: no signing configured

    code, again = send(world, pdf)  # the same PDF again: nothing more is sent
    assert code == 0 and again.get("already_sent") is True and again["identifier"] == our_identifier(1)
    assert len(register_rows(world)[2]) == 2
    text = world.run("send", "--config", str(world.config_path), str(world.root / "out.pdf")).stdout
    assert "KHÔNG GỬI LẠI: Văn bản này đã được gửi trước đây." in text and "GIỮ LẠI" not in text  # no hold: exit 0

    code, second = send(world, our_document(number="46/SNV-VP"), "--confirm", "UBND huyện Lục Nam=000.00.00.H06",
                        name="second.pdf")
    assert code == 0 and second["identifier"] == our_identifier(2)  # consecutive in the year
    assert {r["mailbox"] for r in second["recipients"]} == {STP, STC, "vanthu@bacgiang.gov.vn"}


def test_a_block_without_an_electronic_subheading_is_held_or_sent_to_all_as_configured(world: World) -> None:
    pdf = our_document(recipients=["Nơi nhận:", "- Như trên;", "- Sở Tài chính;", "- Lưu: VT."])
    code, plan = send(world, pdf)
    assert code == 3 and [h["code"] for h in plan["held"]] == ["no-electronic-subheading"]
    world.extra["outgoing"] = {"no_subheading": "all_electronic"}  # Bắc Giang QĐ 133/2015 Đ3.1
    world.write_config()
    code, plan = send(world, pdf)
    assert code == 0 and {r["mailbox"] for r in plan["recipients"]} == {STP, STC}  # "Như trên" is the Kính gửi


def test_a_secret_document_is_never_sent(world: World) -> None:
    code, plan = send(world, our_document(secrecy="MẬT", recipients=OUR_BLOCK[:6]))
    assert code == 3 and "secret-document" in [h["code"] for h in plan["held"]]
    assert register_rows(world) == ([], [], [])


@pytest.mark.long
def test_a_hostile_or_broken_pdf_is_a_clear_error_and_the_worker_limits_hold(world: World) -> None:
    """`send` reads in a worker process, under the same time and memory limits as intake."""
    made = {"invalid": made_pdfs.not_a_pdf(), "password-is-test": made_pdfs.encrypted(our_document()),
            "truncated": made_pdfs.truncated(our_document()), "no-pages": made_pdfs.pageless(),
            "bomb": made_pdfs.decompression_bomb(our_document(), gigabytes=4)}
    world.extra["limits"] = {"seconds_per_document": 5}  # the bomb takes minutes to decode: the time limit holds
    world.write_config()
    for name, pdf in made.items():
        path = world.root / f"{name}.pdf"
        path.write_bytes(pdf)
        done = world.run("send", "--config", str(world.config_path), str(path), "--dry-run", "--json", check=False)
        if done.returncode == 0:  # read what it could: a plan, held for want of anyone to send to
            held = {h["code"] for h in json.loads(done.stdout)["held"]}
            assert held & {"no-recipient-block", "no-electronic-recipient"}, (name, held)
        else:
            assert done.returncode == 2 and "Traceback" not in done.stderr, (name, done.stderr[-2000:])
            assert path.name in done.stderr, done.stderr
    assert "bomb.pdf: not read (timeout)" in done.stderr, done.stderr[-2000:]  # the last one: stopped by its limit
    world.extra["limits"] = {"seconds_per_document": 0.001}
    world.write_config()
    path = world.root / "out.pdf"
    path.write_bytes(our_document())
    done = world.run("send", "--config", str(world.config_path), str(path), check=False, process=True)
    assert done.returncode == 2 and "out.pdf: not read (timeout)" in done.stderr, done.stderr[-2000:]
    assert register_rows(world) == ([], [], [])


def test_directory_resolve_prints_one_entry_object(world: World) -> None:
    done = world.run("directory", "resolve", "--config", str(world.config_path), "Giám đốc Sở Tư pháp", "--json")
    assert json.loads(done.stdout)["agencies"][0]["mailbox"] == STP


# ---- our signature --------------------------------------------------------------------------

@pytest.fixture
def our_key(world: World):  # type: ignore[no-untyped-def]
    """Our agency's signing identity, issued under the test PKI, and the seal image."""
    identity = world.pki.signers.get(US["name"]) or world.pki.signer(US["name"], US["name"])
    keys = world.root / "keys"
    keys.mkdir(exist_ok=True)
    (keys / "seal.png").write_bytes(seal_png())
    return identity, keys


def _validates_in_our_intake(world: World, signed: bytes) -> dict:  # type: ignore[type-arg]
    mail = world.mail("signed-by-us", sender=US["mailbox"], attachments=[("vb.pdf", signed)])
    out = world.ingest(mail, command="check")[0]
    return out


def _appearance_png(signed: bytes, target: Path) -> tuple[int, object]:
    import pymupdf

    doc = pymupdf.open(stream=signed, filetype="pdf")
    page = doc[0]
    widgets = [w for w in page.widgets() if w.field_type == pymupdf.PDF_WIDGET_TYPE_SIGNATURE]
    assert len(widgets) == 1
    box = widgets[0].rect
    page.get_pixmap(dpi=100).save(str(target))
    clip = page.get_pixmap(dpi=100, clip=box)
    px = clip.samples
    red = sum(1 for i in range(0, len(px), clip.n) if px[i] > 150 and px[i] - px[i + 1] > 60 and px[i] - px[i + 2] > 60)
    return red, box


def test_signed_with_a_pkcs12_file_validates_in_our_own_intake(world: World, our_key, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    identity, keys = our_key
    (keys / "agency.p12").write_bytes(world.pki.pkcs12(identity, b"p12-secret"))
    monkeypatch.setenv("QLVB_P12_PASSWORD", "p12-secret")
    world.extra["signing"] = {"pkcs12": "keys/agency.p12", "password_env": "QLVB_P12_PASSWORD",
                              "appearance": {"seal_image": "keys/seal.png"}}
    world.write_config()
    scan = our_document()
    code, sent = send(world, scan, "--confirm", "UBND huyện Lục Nam=-")
    assert code == 0 and sent["signed"] is True
    documents, _, _ = register_rows(world)
    from registry.store import ContentStore

    signed = ContentStore(world.root / "store").get(documents[0].pdf_sha256)
    assert documents[0].signed and signed.startswith(scan)  # an incremental update of the scan
    out = _validates_in_our_intake(world, signed)
    assert out["verdict"] == "accepted" and out["basis"] == "signature", out["reasons"]
    assert [s["signer"] for s in out["signatures"]] == [US["name"]] if "signatures" in out else True
    red, box = _appearance_png(signed, world.root / "page1.png")
    assert red > 200  # the red seal is drawn in the box
    assert box.x0 < 100 and box.y1 > 700  # Bắc Giang: bottom left of page 1

    code, again = send(world, signed, name="signed.pdf")  # what we sent, dropped again: not sent twice
    assert again.get("already_sent") is True

    from kit import sign_pdf

    ours = sign_pdf(our_document(number="47/SNV-VP"), identity, world.pki)  # signed by us beforehand (a signing tool)
    code, sent = send(world, ours, "--confirm", "UBND huyện Lục Nam=-", name="ours.pdf")
    assert code == 0 and sent["signed"] is True
    latest = max(register_rows(world)[0], key=lambda d: d.sequence)
    assert not latest.signed and latest.pdf_sha256 == latest.original_sha256  # sent byte for byte, not signed again


def _softhsm(world: World, identity, monkeypatch) -> dict:  # type: ignore[no-untyped-def,type-arg]
    util = shutil.which("softhsm2-util")
    module = next((p for p in ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
                   if Path(p).is_file()), None)
    assert util and module, "softhsm2 is installed by scripts/setup"
    tokens = world.root / "tokens"
    tokens.mkdir()
    conf = world.root / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    monkeypatch.setenv("QLVB_PIN", "123456")
    subprocess.run([util, "--init-token", "--free", "--label", "SNV", "--pin", "123456", "--so-pin", "654321"],
                   check=True, capture_output=True)
    key = world.root / "key.pem"
    key.write_bytes(identity.key_pem)
    subprocess.run([util, "--import", str(key), "--token", "SNV", "--label", "vanthu", "--id", "01", "--pin", "123456"],
                   check=True, capture_output=True)
    key.unlink()
    import pkcs11
    from cryptography.hazmat.primitives import serialization

    token = pkcs11.lib(module).get_token(token_label="SNV")
    with token.open(user_pin="123456", rw=True) as session:  # the agency's certificate and its CA, as issued
        for label, ident, cert in (("vanthu", b"\x01", identity.cert), ("ca", b"\x02", world.pki.intermediate.cert)):
            session.create_object({
                pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE,
                pkcs11.Attribute.CERTIFICATE_TYPE: pkcs11.CertificateType.X_509,
                pkcs11.Attribute.TOKEN: True, pkcs11.Attribute.LABEL: label, pkcs11.Attribute.ID: ident,
                pkcs11.Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
                pkcs11.Attribute.SUBJECT: cert.subject.public_bytes(),
                pkcs11.Attribute.ISSUER: cert.issuer.public_bytes(),
                pkcs11.Attribute.SERIAL_NUMBER: _der_integer(cert.serial_number),
            })
    return {"module": module, "token_label": "SNV", "key_label": "vanthu", "pin_env": "QLVB_PIN"}


def _der_integer(value: int) -> bytes:
    from asn1crypto.core import Integer

    return Integer(value).dump()


def test_signed_with_a_pkcs11_token_seal_over_the_signature(world: World, our_key, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    identity, keys = our_key
    token = _softhsm(world, identity, monkeypatch)
    world.extra["signing"] = {"pkcs11": token, "appearance": {"placement": "over-signature", "seal_image": "keys/seal.png"}}
    world.write_config()
    code, sent = send(world, our_document(), "--confirm", "UBND huyện Lục Nam=-")
    assert code == 0 and sent["signed"] is True
    documents, _, _ = register_rows(world)
    from registry.store import ContentStore

    signed = ContentStore(world.root / "store").get(documents[0].pdf_sha256)
    out = _validates_in_our_intake(world, signed)
    assert out["verdict"] == "accepted" and out["basis"] == "signature", out["reasons"]
    red, box = _appearance_png(signed, world.root / "page1.png")
    assert red > 200
    import pymupdf

    name = pymupdf.open(stream=signed, filetype="pdf")[0].search_for("Nguyễn Văn An")[0]
    assert box.y1 <= name.y0 + 1 and box.x0 < name.x1 and box.x1 > name.x0  # NĐ 30/2020: over the signature, above the name


def test_a_wrong_pin_is_a_clear_error(world: World, our_key, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    identity, _ = our_key
    token = _softhsm(world, identity, monkeypatch)
    monkeypatch.setenv("QLVB_PIN", "000000")
    world.extra["signing"] = {"pkcs11": token}
    world.write_config()
    path = world.root / "out.pdf"
    path.write_bytes(our_document())
    done = world.run("send", "--config", str(world.config_path), str(path), "--confirm", "UBND huyện Lục Nam=-", check=False)
    assert done.returncode == 2 and "signing.pkcs11" in done.stderr
    assert register_rows(world) == ([], [], [])


def test_answers_are_believed_only_from_the_recipient_and_a_persons_reply_is_kept(world: World) -> None:
    from registry.models import OutgoingRecipient

    pdf = our_document()
    code, sent = send(world, pdf, "--confirm", "UBND huyện Lục Nam=-")
    assert code == 0
    _, _, outbox = register_rows(world)
    to_stp = next(o for o in outbox if o.recipient == STP)
    ident = sent["identifier"]
    forged = world.mail("forged-ack", sender=STP, auth=None, headers={
        "In-Reply-To": to_stp.message_id, "Auto-Submitted": "auto-replied", "X-QLVB-Status": "03",
        "X-QLVB-Incoming-Number": "99", "X-QLVB-Document-Id": ident})
    wrong_sender = world.mail("ack-from-stc", sender=STC, headers={
        "In-Reply-To": to_stp.message_id, "Auto-Submitted": "auto-replied", "X-QLVB-Status": "03",
        "X-QLVB-Incoming-Number": "98"})
    person = world.mail("reply", sender=STP, subject="Re: đã nhận văn bản", headers={"In-Reply-To": to_stp.message_id})
    outputs = world.ingest(forged, wrong_sender, person)
    assert [o["verdict"] for o in outputs] == ["ignored", "ignored", "ignored"]
    assert all(o["replies"] == [] for o in outputs)  # nothing is answered, nothing returned to a person's reply
    register = world.db()
    with register.session() as s:
        line = s.scalars(select(OutgoingRecipient).where(OutgoingRecipient.mailbox == STP)).one()
        assert line.state == "queued" and line.incoming_number is None  # neither the forged nor STC's ack counted
        assert line.detail == "trả lời: Re: đã nhận văn bản"
    register.close()
    ack = world.mail("ack", sender=STP, headers={
        "In-Reply-To": to_stp.message_id, "Auto-Submitted": "auto-replied", "X-QLVB-Status": "03",
        "X-QLVB-Incoming-Number": "17"})
    world.ingest(ack)
    register = world.db()
    with register.session() as s:
        line = s.scalars(select(OutgoingRecipient).where(OutgoingRecipient.mailbox == STP)).one()
        assert (line.state, line.incoming_number) == ("acknowledged", 17)
    register.close()
