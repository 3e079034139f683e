"""Red team 139: who sent it. The sender checks of incoming mail (gateway/intake/authentication.py, mime.py) and how the
decision answers. Each test is one real mail through the real `ingest`; each asserts the RIGHT behaviour, so a failing
test is a fault found. ATTACK: a forger with no access to the agency's mailbox or DKIM key; GENUINE: the nearest honest
shape, which must still pass; GUARD: passes today, keeps a naive fix from going too far."""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any

import dkim

from kit import DkimKey, make_mail
from world import MX, STC, STP, UBND, US, World

CLERK = US["mailbox"]
EVIL = "attacker@evil.example"
STP_D = "sotp.bacgiang.gov.vn"
STC_D = "stc.bacgiang.gov.vn"
UBND_D = "bacgiang.gov.vn"
TO_US = ["Nơi nhận:", "- Sở Nội vụ tỉnh Bắc Giang;", "- Lưu: VT, VP."]
NOW = format_datetime(datetime.now(timezone.utc))
OUTSIDE_HOP = f"Received: from mail.evil.example (mail.evil.example [203.0.113.7]) by {MX} (Postfix) with ESMTP id 4Qx1; {NOW}"
AGENCY_HOP = f"Received: from agency.example by {MX} with ESMTPSA; {NOW}"


# ---------------------------------------------------------------------------------------------------------- helpers
def _key(world: World, domain: str) -> DkimKey:
    if domain not in world.dkim:
        world.dkim[domain] = DkimKey.generate(domain)
        world.write_config()
    return world.dkim[domain]


def _doc(world: World, n: int) -> bytes:
    """An unsigned letter of Sở Tư pháp to us: only the official route (its mailbox, proven) can register it."""
    return world.document(number=f"{n}/STP-VP", recipients=TO_US)


def _message(world: World, n: int, *, sender: str = STP, to: list[str] | None = None, headers: dict[str, str] | None = None,
             pdf: bytes | None = None, subject: str | None = None, message_id: str | None = None) -> bytes:
    """make_mail's mail, unsigned, without its Received line (the header block is placed by the test)."""
    raw = make_mail(sender=sender, to=to or [CLERK], subject=subject or f"Gửi văn bản số {n}/STP-VP",
                    attachments=[("cv.pdf", pdf if pdf is not None else _doc(world, n))], headers=headers,
                    message_id=message_id)
    assert raw.startswith(b"Received:")
    return raw.split(b"\r\n", 1)[1]


def _sign(raw: bytes, key: DkimKey, *, headers: list[bytes] | None = None, **kw: Any) -> bytes:
    names = headers or [b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type"]
    return dkim.sign(raw, key.selector.encode(), key.domain.encode(), key.private_pem, include_headers=names, **kw) + raw


def _on_top(raw: bytes, *lines: str) -> bytes:
    return "".join(f"{line}\r\n" for line in lines).encode() + raw


def _ingest(world: World, name: str, raw: bytes) -> dict[str, Any]:
    path = world.root / "mails" / f"{name}.eml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(raw)
    [out] = world.ingest(path)
    return out


def _nothing_for_a_forger(out: dict[str, Any], *unproven: str) -> None:
    """No number on the official route, and no acknowledgement or return to anyone but a proven sender."""
    assert out["incoming_number"] is None, (out["verdict"], out.get("basis"), out["sender"], out["reasons"], out["replies"])
    answers = [r for r in out["replies"] if r["kind"] != "alert"]
    assert not answers, (out["sender"], answers)
    assert all(r["to"] not in (EVIL, STP, STC, UBND, *unproven) for r in out["replies"]), out["replies"]


def _accepted_and_acknowledged(out: dict[str, Any], to: str = STP) -> None:
    assert out["sender"]["authenticated"] is True, out["sender"]
    assert out["verdict"] == "accepted" and out["incoming_number"] is not None, (out["verdict"], out["reasons"])
    assert [r["to"] for r in out["replies"] if r["kind"] == "ack"] == [to], out["replies"]


def _old_stp_signature(world: World) -> bytes:
    """A DKIM-Signature header of Sở Tư pháp from an old genuine mail (any recipient of its mail has one)."""
    old = _sign(_message(world, 1, to=[STC], subject="Thư cũ"), _key(world, STP_D),
                headers=[b"from", b"to", b"cc", b"subject", b"date", b"message-id", b"reply-to", b"mime-version",
                         b"content-type"])
    return old.split(b"\r\nFrom:", 1)[0] + b"\r\n"


# ============================================================================================== ATTACK: the From header
def test_attack_a_second_from_above_a_genuine_signed_mail(world: World) -> None:
    """ATTACK: a genuine DKIM-signed mail of Sở Tư pháp to Sở Tài chính, replayed with a From: of the forger's on top
    (a parser reads the first, DKIM the last signed)."""
    genuine = _sign(_message(world, 101, to=[CLERK]), _key(world, STP_D))
    out = _ingest(world, "two-froms", _on_top(b"From: " + EVIL.encode() + b"\r\n" + genuine, OUTSIDE_HOP))
    _nothing_for_a_forger(out)


def test_attack_a_second_from_below_naming_the_agency(world: World) -> None:
    """ATTACK: the forger's own signed mail (d=evil.example) with a second From: Sở Tư pháp below the first."""
    raw = _sign(_message(world, 102, sender=EVIL), _key(world, "evil.example"))
    raw = raw.replace(b"\r\nTo:", f"\r\nFrom: {STP}\r\nTo:".encode(), 1)
    out = _ingest(world, "from-below", _on_top(raw, AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_from_with_two_addresses(world: World) -> None:
    """ATTACK: "From: vanthu@sotp…, attacker@evil.example", signed by evil.example (RFC 5322 allows a list)."""
    raw = _message(world, 103, sender=EVIL).replace(f"From: {EVIL}".encode(), f"From: {STP}, {EVIL}".encode(), 1)
    out = _ingest(world, "two-addresses", _on_top(_sign(raw, _key(world, "evil.example")), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_sender_header_names_the_agency(world: World) -> None:
    """ATTACK: From the forger (nothing proves it), Sender: Sở Tư pháp, Reply-To Sở Tư pháp."""
    raw = _message(world, 104, sender=EVIL, headers={"Sender": STP, "Reply-To": STP})
    out = _ingest(world, "sender-header", _on_top(raw, OUTSIDE_HOP))
    _nothing_for_a_forger(out)


def test_attack_display_name_holding_the_agencys_address(world: World) -> None:
    """ATTACK: From: "vanthu@sotp.bacgiang.gov.vn" <attacker@evil.example>, signed by evil.example: the forger is
    proven, as itself, an outsider: no number, no answer to Sở Tư pháp."""
    raw = _message(world, 105, sender=EVIL).replace(f"From: {EVIL}".encode(), f'From: "{STP}" <{EVIL}>'.encode(), 1)
    out = _ingest(world, "display-name", _on_top(_sign(raw, _key(world, "evil.example")), AGENCY_HOP))
    assert out["sender"]["address"] == EVIL, out["sender"]
    _nothing_for_a_forger(out)


def test_attack_encoded_word_display_name_holding_the_agencys_address(world: World) -> None:
    """ATTACK: From: =?utf-8?q?vanthu=40sotp.bacgiang.gov.vn?= <attacker@evil.example>, signed by evil.example."""
    raw = _message(world, 106, sender=EVIL).replace(
        f"From: {EVIL}".encode(), f"From: =?utf-8?q?vanthu=40{STP_D}?= <{EVIL}>".encode(), 1)
    out = _ingest(world, "encoded-display", _on_top(_sign(raw, _key(world, "evil.example")), AGENCY_HOP))
    assert out["sender"]["address"] == EVIL, out["sender"]
    _nothing_for_a_forger(out)


def test_attack_encoded_word_from_with_the_server_passing_the_forgers_domain(world: World) -> None:
    """ATTACK: From written whole as an encoded word (=?utf-8?b?…?= of "vanthu@sotp…"); the province's server, which
    reads no address in it, passed DMARC for the envelope's domain evil.example."""
    raw = _message(world, 107).replace(f"From: {STP}".encode(), b"From: =?utf-8?q?vanthu=40sotp=2Ebacgiang=2Egov=2Evn?=", 1)
    out = _ingest(world, "encoded-from", _on_top(
        raw, f"Authentication-Results: {MX}; spf=pass smtp.mailfrom={EVIL}; dmarc=pass header.from=evil.example",
        OUTSIDE_HOP))
    _nothing_for_a_forger(out)


def test_attack_comment_in_from_naming_the_agency(world: World) -> None:
    """ATTACK: From: attacker@evil.example (vanthu@sotp.bacgiang.gov.vn), signed by evil.example."""
    raw = _message(world, 108, sender=EVIL).replace(f"From: {EVIL}".encode(), f"From: {EVIL} ({STP})".encode(), 1)
    out = _ingest(world, "comment-from", _on_top(_sign(raw, _key(world, "evil.example")), AGENCY_HOP))
    assert out["sender"]["address"] == EVIL, out["sender"]
    _nothing_for_a_forger(out)


def test_attack_homograph_domain(world: World) -> None:
    """ATTACK: From vanthu@sоtp.bacgiang.gov.vn (a Cyrillic "о"), the forger's own look-alike domain signing it."""
    homograph = "vanthu@s\u043etp.bacgiang.gov.vn"
    out = _ingest(world, "homograph", _on_top(
        _message(world, 109, sender=homograph, message_id="<109@xn--stp-5cd.bacgiang.gov.vn>"),
        f"Authentication-Results: {MX}; dkim=pass header.d=xn--stp-5cd.bacgiang.gov.vn", OUTSIDE_HOP))
    _nothing_for_a_forger(out, homograph)


def test_attack_group_syntax_from(world: World) -> None:
    """ATTACK: From as a group ("Sở Tư pháp: vanthu@sotp…;"), nothing proving it, a server result for evil.example."""
    raw = _message(world, 110).replace(f"From: {STP}".encode(), f"From: So Tu phap: {STP};".encode(), 1)
    out = _ingest(world, "group-from", _on_top(raw, f"Authentication-Results: {MX}; dkim=pass header.d=evil.example",
                                              OUTSIDE_HOP))
    _nothing_for_a_forger(out)


def test_attack_resent_from_the_agency(world: World) -> None:
    """ATTACK: the forger's mail (unproven) carrying Resent-From: Sở Tư pháp, Resent-Sender too."""
    raw = _message(world, 111, sender=EVIL, headers={"Resent-From": STP, "Resent-Sender": STP, "Resent-To": CLERK})
    out = _ingest(world, "resent", _on_top(raw, OUTSIDE_HOP))
    _nothing_for_a_forger(out)


# ============================================================================================== ATTACK: DKIM
def test_attack_another_agencys_key_for_the_agencys_from(world: World) -> None:
    """ATTACK: From Sở Tư pháp, signed with Sở Tài chính's key (d= not aligned), no server result."""
    out = _ingest(world, "stc-key", _on_top(_sign(_message(world, 120), _key(world, STC_D)), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_parent_domains_key_for_the_agencys_from(world: World) -> None:
    """ATTACK: From Sở Tư pháp, signed by UBND's domain bacgiang.gov.vn with i=@sotp.bacgiang.gov.vn."""
    raw = _sign(_message(world, 121), _key(world, UBND_D), identity=f"@{STP_D}".encode())
    out = _ingest(world, "parent-key", _on_top(raw, AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_body_length_with_content_appended(world: World) -> None:
    """ATTACK: a genuine mail of Sở Tư pháp signed with l=, a text line appended after the signed body (no new part:
    the forger's words in the epilogue)."""
    raw = _sign(_message(world, 122), _key(world, STP_D), length=True)
    out = _ingest(world, "body-length", _on_top(raw + b"\r\nappended by the forger\r\n", OUTSIDE_HOP))
    _nothing_for_a_forger(out)


def test_attack_oversigned_from_with_a_from_added(world: World) -> None:
    """ATTACK: a genuine signature whose h= lists From twice (OpenDKIM's oversigning), the forger adding a From."""
    raw = _sign(_message(world, 123), _key(world, STP_D),
                headers=[b"from", b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type"])
    raw = raw.replace(f"\r\nFrom: {STP}".encode(), f"\r\nFrom: {EVIL}\r\nFrom: {STP}".encode(), 1)
    out = _ingest(world, "oversigned", _on_top(raw, OUTSIDE_HOP))
    _nothing_for_a_forger(out)


def test_attack_signature_not_signing_subject_replayed_with_a_subject(world: World) -> None:
    """ATTACK: a genuine signature (h= without Subject), the forger adding a Subject above the genuine one."""
    raw = _sign(_message(world, 124), _key(world, STP_D),
                headers=[b"from", b"to", b"date", b"message-id", b"mime-version", b"content-type"])
    out = _ingest(world, "unsigned-subject", _on_top(b"Subject: Khong co co so\r\n" + raw, OUTSIDE_HOP))
    assert out["sender"]["authenticated"] is False or out["subject"] != "Khong co co so", out["sender"]


def test_attack_copied_stp_signature_beside_another_agencys_dmarc_pass(world: World) -> None:
    """ATTACK (another agency, Sở Tài chính, without Sở Tư pháp's key): a letter From Sở Tư pháp signed with Sở Tài
    chính's own key (d=stc.bacgiang.gov.vn), and Sở Tư pháp's DKIM-Signature header copied from an old genuine mail
    (broken here). The province's server writes what DMARC's relaxed alignment gives (both under bacgiang.gov.vn):
    dkim=pass header.d=stc…, dkim=fail header.d=sotp…, dmarc=pass header.from=sotp….

    FAULT (fixed, stop 53): accepted on the official route and acknowledged to Sở Tư pháp: the server's pass counted
    wherever a signature of the From's domain covered the mail, verified or not (authentication._passed_by_server)."""
    raw = _sign(_message(world, 130), _key(world, STC_D))
    raw = _old_stp_signature(world) + raw
    out = _ingest(world, "copied-signature-dmarc", _on_top(
        raw, f"Authentication-Results: {MX}; dkim=pass header.d={STC_D}; dkim=fail header.d={STP_D}; "
             f"dmarc=pass header.from={STP_D}", AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_copied_stp_signature_beside_a_result_naming_only_header_i(world: World) -> None:
    """ATTACK (UBND's key, d=bacgiang.gov.vn, signing with i=@sotp…): the server's pass names the signer by header.i
    alone; the forger adds Sở Tư pháp's old signature header so that "a signature of the From's domain" is present.
    FAULT (fixed, stop 53): accepted and acknowledged; a pass that fits two signatures of the mail names neither now."""
    raw = _sign(_message(world, 131), _key(world, UBND_D), identity=f"@{STP_D}".encode())
    raw = _old_stp_signature(world) + raw
    out = _ingest(world, "copied-signature-header-i", _on_top(
        raw, f"Authentication-Results: {MX}; dkim=pass header.i=@{STP_D}; dkim=fail header.i=@{STP_D}", AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_copied_stp_signature_with_the_servers_spf_for_another_domain(world: World) -> None:
    """ATTACK: the forger's mail From Sở Tư pháp with Sở Tư pháp's old signature header copied in, and a server
    result of dmarc=pass for it got through SPF of the parent domain (relaxed): spf=pass smtp.mailfrom=bacgiang.gov.vn.
    FAULT (fixed, stop 53): accepted and acknowledged; the dead signature had skipped the SPF-for-the-From's-domain rule."""
    raw = _old_stp_signature(world) + _message(world, 132)
    out = _ingest(world, "copied-signature-spf", _on_top(
        raw, f"Authentication-Results: {MX}; spf=pass smtp.mailfrom=bounce@{UBND_D}; dkim=fail header.d={STP_D}; "
             f"dmarc=pass header.from={STP_D}", AGENCY_HOP))
    _nothing_for_a_forger(out)


# ============================================================================================== ATTACK: results headers
def test_attack_trusted_results_below_the_entry_line(world: World) -> None:
    """ATTACK: the forger writes the province's server's results (auth=pass smtp.auth=vanthu@sotp…) in its own header
    block, below the Received line the MX wrote for it."""
    out = _ingest(world, "results-below", _on_top(
        _message(world, 140), OUTSIDE_HOP, f"Authentication-Results: {MX}; auth=pass smtp.auth={STP}"))
    _nothing_for_a_forger(out)
    assert "forged-authentication-results" in {r["code"] for r in out["reasons"]}, out["reasons"]


def test_attack_trusted_results_in_a_mail_without_received(world: World) -> None:
    """ATTACK: trusted results in a mail no trusted host received (no Received line at all)."""
    results = f"Authentication-Results: {MX}; dkim=pass header.d={STP_D}; dmarc=pass header.from={STP_D}"
    out = _ingest(world, "no-received", _on_top(_message(world, 141), results))
    _nothing_for_a_forger(out)


def test_attack_results_for_another_domain(world: World) -> None:
    """ATTACK: the server's genuine results for the forger's domain (header.from, header.d, smtp.mailfrom evil.example)
    on a mail whose From is Sở Tư pháp."""
    out = _ingest(world, "results-other", _on_top(
        _message(world, 142), f"Authentication-Results: {MX}; spf=pass smtp.mailfrom={EVIL}; dkim=pass "
                              f"header.d=evil.example header.i=@evil.example; dmarc=pass header.from=evil.example",
        OUTSIDE_HOP))
    _nothing_for_a_forger(out)


def test_attack_results_odd_casing_and_comment_naming_the_agency(world: World) -> None:
    """ATTACK: a server's results in capitals whose comment names Sở Tư pháp, the property the forger's domain."""
    out = _ingest(world, "results-comment", _on_top(
        _message(world, 143), f"Authentication-Results: {MX}; DKIM=PASS (header.d={STP_D}) HEADER.D=evil.example; "
                              f"AUTH=PASS (smtp.auth={STP}) SMTP.AUTH={EVIL}", OUTSIDE_HOP))
    _nothing_for_a_forger(out)


def test_attack_another_agencys_login_sending_as_the_agency(world: World) -> None:
    """ATTACK (an agency's clerk on the province's server): logged in as Sở Tài chính, From Sở Tư pháp."""
    out = _ingest(world, "login-other", _on_top(_message(world, 144), f"Authentication-Results: {MX}; auth=pass "
                                                                    f"smtp.auth={STC}", AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_arc_headers(world: World) -> None:
    """ATTACK: ARC headers claiming the province's server passed Sở Tư pháp's DKIM (nobody checks an ARC chain here)."""
    out = _ingest(world, "arc", _on_top(
        _message(world, 145), OUTSIDE_HOP,
        f"ARC-Authentication-Results: i=1; {MX}; dkim=pass header.d={STP_D}; dmarc=pass header.from={STP_D}",
        f"ARC-Seal: i=1; a=rsa-sha256; cv=none; d={STP_D}; s=qlvb; b=AAAA",
        f"ARC-Message-Signature: i=1; a=rsa-sha256; d={STP_D}; s=qlvb; h=from; bh=AAAA; b=AAAA"))
    _nothing_for_a_forger(out)


def test_attack_trusted_hop_forged_from_outside(world: World) -> None:
    """ATTACK: below the MX's line for the forger's client, a line "from mail.bacgiang.gov.vn ([10.0.0.5]) by mx…"
    and the MX's results under it, all the forger's."""
    out = _ingest(world, "forged-hop", _on_top(
        _message(world, 146), OUTSIDE_HOP, f"Authentication-Results: {MX}; auth=pass smtp.auth={STP}",
        f"Received: from {MX} ({MX} [10.0.0.5]) by {MX} (Postfix) with ESMTPSA id 4Qx0; {NOW}"))
    _nothing_for_a_forger(out)


def test_attack_helo_in_brackets_naming_an_internal_address(world: World) -> None:
    """ATTACK: the client's HELO is "[10.0.0.5]"; the MX writes "from [10.0.0.5] (unknown [203.0.113.7]) by mx", the
    forger's results below."""
    out = _ingest(world, "helo-literal", _on_top(
        _message(world, 147), f"Received: from [10.0.0.5] (unknown [203.0.113.7]) by {MX} (Postfix) with ESMTP id 4Qx2; {NOW}",
        f"Authentication-Results: {MX}; auth=pass smtp.auth={STP}"))
    _nothing_for_a_forger(out)


def test_attack_results_with_a_trailing_dot_id(world: World) -> None:
    """ATTACK: results under the id "mx.bacgiang.gov.vn." (a trailing dot), below the entry line."""
    out = _ingest(world, "dot-id", _on_top(
        _message(world, 148), OUTSIDE_HOP, f"Authentication-Results: {MX}.; auth=pass smtp.auth={STP}"))
    _nothing_for_a_forger(out)


# ============================================================================================== ATTACK: answers
def test_attack_auto_submitted_no_with_reply_to_a_third_party(world: World) -> None:
    """ATTACK (backscatter): unproven From Sở Tư pháp, Auto-Submitted: no, Reply-To and Disposition-Notification-To a
    third party: nobody answered."""
    raw = _message(world, 150, headers={"Auto-Submitted": "no", "Reply-To": "victim@third.example",
                                        "Disposition-Notification-To": "victim@third.example",
                                        "Return-Receipt-To": "victim@third.example"})
    out = _ingest(world, "backscatter", _on_top(raw, OUTSIDE_HOP))
    _nothing_for_a_forger(out, "victim@third.example")


def test_attack_bounce_from_the_null_sender(world: World) -> None:
    """ATTACK: a "bounce" From MAILER-DAEMON@mx.bacgiang.gov.vn carrying a letter, nothing proving it."""
    raw = _message(world, 151, sender=f"MAILER-DAEMON@{MX}")
    out = _ingest(world, "bounce", _on_top(raw, OUTSIDE_HOP))
    _nothing_for_a_forger(out, f"mailer-daemon@{MX}")


def test_attack_forwarded_by_a_real_agency(world: World) -> None:
    """ATTACK: Sở Tài chính (proven) forwards, as a message/rfc822 part, a mail From Sở Tư pháp with an unsigned
    letter of Sở Tư pháp: never Sở Tư pháp's on the official route, Sở Tư pháp never answered."""
    from attacks_kit import forwarding

    inner = make_mail(sender=STP, to=[STC], subject="Văn bản", attachments=[("cv.pdf", _doc(world, 152))])
    raw = forwarding(STC, CLERK, _doc(world, 153), inner, _key(world, STC_D))
    out = _ingest(world, "forwarded", raw)
    assert not (out["verdict"] == "accepted" and out.get("basis") == "official-mailbox"
                and out["document"] and "STP" in str(out["document"].get("number"))), out
    assert all(r["to"] != STP for r in out["replies"]), out["replies"]


# ============================================================================================== GENUINE
def test_genuine_relaxed_relaxed_with_folded_headers(world: World) -> None:
    """GENUINE: Sở Tư pháp's mail signed relaxed/relaxed, a long Subject folded by the sender."""
    subject = "V/v triển khai công tác văn thư, lưu trữ năm 2027 và các nhiệm vụ trọng tâm của các cơ quan"
    raw = _sign(_message(world, 201, subject=subject), _key(world, STP_D), canonicalize=(b"relaxed", b"relaxed"))
    _accepted_and_acknowledged(_ingest(world, "relaxed", _on_top(raw, AGENCY_HOP)))


def test_genuine_vietnamese_display_name_encoded(world: World) -> None:
    """GENUINE: From: =?utf-8?b?…?= (Văn thư Sở Tư pháp) <vanthu@sotp…>, signed."""
    raw = _message(world, 202).replace(f"From: {STP}".encode(),
                                       f"From: =?utf-8?b?VsSDbiB0aMawIFPhu58gVMawIHBow6Fw?= <{STP}>".encode(), 1)
    _accepted_and_acknowledged(_ingest(world, "vn-name", _on_top(_sign(raw, _key(world, STP_D)), AGENCY_HOP)))


def test_genuine_domain_in_capitals(world: World) -> None:
    """GENUINE: From: VanThu@SOTP.BacGiang.GOV.VN, signed with d=sotp.bacgiang.gov.vn."""
    raw = _message(world, 203).replace(f"From: {STP}".encode(), b"From: VanThu@SOTP.BacGiang.GOV.VN", 1)
    _accepted_and_acknowledged(_ingest(world, "capitals", _on_top(_sign(raw, _key(world, STP_D)), AGENCY_HOP)))


def test_genuine_signature_domain_in_capitals(world: World) -> None:
    """GENUINE: the signing server wrote d=SOTP.BACGIANG.GOV.VN (DNS names have no case)."""
    key = _key(world, STP_D)
    raw = _message(world, 204)
    signed = dkim.sign(raw, key.selector.encode(), STP_D.upper().encode(), key.private_pem,
                       include_headers=[b"from", b"to", b"subject", b"date", b"message-id", b"mime-version",
                                        b"content-type"]) + raw
    _accepted_and_acknowledged(_ingest(world, "d-capitals", _on_top(signed, AGENCY_HOP)))


def test_genuine_server_results_with_spaces_comments_and_properties(world: World) -> None:
    """GENUINE: the province's server's login result, folded, with extra spaces, a comment, odd casing and more
    properties."""
    out = _ingest(world, "results-spaces", _on_top(
        _message(world, 205), f"Authentication-Results:   {MX} ;\r\n\tAUTH=Pass  (sender logged in)  "
                              f"smtp.auth=VanThu@SOTP.bacgiang.gov.vn\r\n\tsmtp.mailfrom={STP} ;\r\n\tspf=none", AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_genuine_server_dkim_and_dmarc_pass_with_the_signature(world: World) -> None:
    """GENUINE: Sở Tư pháp's signed mail with the server's dkim=pass and dmarc=pass (header.d, header.i, header.b)."""
    raw = _sign(_message(world, 206), _key(world, STP_D))
    out = _ingest(world, "server-dkim", _on_top(
        raw, f"Authentication-Results: {MX}; dkim=pass (2048-bit key) header.d={STP_D} header.i=@{STP_D} "
             f"header.b={_b_of(raw)}; dmarc=pass (p=quarantine dis=none) header.from={STP_D}", AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_genuine_dmarc_by_spf(world: World) -> None:
    """GENUINE: the agency's own server sent it (SPF of its own domain), DMARC passed."""
    out = world.ingest(world.mail("spf", auth="dmarc", attachments=[("cv.pdf", _doc(world, 207))]))[0]
    _accepted_and_acknowledged(out)


def test_genuine_with_a_third_party_signature_beside(world: World) -> None:
    """GENUINE: Sở Tư pháp's signature and a second one by a relay's own domain (d=relay.example) on top."""
    raw = _sign(_sign(_message(world, 208), _key(world, STP_D)), _key(world, "relay.example"))
    _accepted_and_acknowledged(_ingest(world, "two-signatures", _on_top(raw, AGENCY_HOP)))


# ====================================================== GENUINE: the server's word alone (keys the gateway holds not)
def _unheld_key(selector: str) -> DkimKey:
    """A key of Sở Tư pháp under a selector the gateway's configuration has not: only the province's server, which looks
    it up in DNS, can check it."""
    return DkimKey.generate(STP_D, selector=selector)


def _b_of(raw: bytes) -> str:
    """The first characters of the top DKIM-Signature's b= (what a server writes as header.b)."""
    value = raw.split(b"DKIM-Signature:", 1)[1].split(b"b=")[-1]
    return "".join(value.decode().split())[:12]


def test_genuine_server_pass_naming_the_signature_by_header_b(world: World) -> None:
    """GENUINE (stop 53, at red team 139's fix): a signature only the server could check, its pass naming it by
    header.d, header.i and header.b (OpenDKIM's form): Sở Tư pháp's."""
    raw = _sign(_message(world, 211), _unheld_key("s2027"))
    out = _ingest(world, "server-only-b", _on_top(
        raw, f"Authentication-Results: {MX}; dkim=pass (2048-bit key) header.d={STP_D} header.i=@{STP_D} "
             f"header.b={_b_of(raw)}; dmarc=pass header.from={STP_D}", AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_genuine_server_pass_naming_the_signer_by_header_i_alone(world: World) -> None:
    """GENUINE (stop 53): the pass names the signer by header.i and the selector (a large provider's form)."""
    raw = _sign(_message(world, 212), _unheld_key("s2027"))
    out = _ingest(world, "server-only-i", _on_top(
        raw, f"Authentication-Results: {MX}; dkim=pass header.i=@{STP_D} header.s=s2027 header.b={_b_of(raw)}",
        AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_genuine_a_domain_signing_twice_and_passed_twice(world: World) -> None:
    """GENUINE (stop 53): Sở Tư pháp's server signs with two keys (a key rolled over, or RSA beside Ed25519); the
    province's server passes both by header.d alone, which fits either: both are the From domain's."""
    raw = _sign(_sign(_message(world, 213), _unheld_key("old")), _unheld_key("new"))
    out = _ingest(world, "signed-twice", _on_top(
        raw, f"Authentication-Results: {MX}; dkim=pass header.d={STP_D}; dkim=pass header.d={STP_D}", AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_attack_a_pass_by_header_d_alone_fitting_an_unaligned_signature_too(world: World) -> None:
    """ATTACK (stop 53, at the fix): UBND's key signs with d=bacgiang.gov.vn; Sở Tư pháp's old signature is copied in;
    the server passes UBND's by header.i=@sotp… and says nothing of the dead one: the pass fits both, so it proves
    neither."""
    raw = _sign(_message(world, 214), _key(world, UBND_D), identity=f"@{STP_D}".encode())
    out = _ingest(world, "pass-fits-both", _on_top(
        _old_stp_signature(world) + raw, f"Authentication-Results: {MX}; dkim=pass header.i=@{STP_D}", AGENCY_HOP))
    _nothing_for_a_forger(out)


# ============================================================================================== GUARD
def test_guard_a_proven_outsider_is_held_unanswered(world: World) -> None:
    """GUARD: the forger's own mail, proven as evil.example's, with Sở Tư pháp's letter: held, nobody answered."""
    raw = _sign(_message(world, 301, sender=EVIL), _key(world, "evil.example"))
    out = _ingest(world, "outsider", _on_top(raw, AGENCY_HOP))
    assert out["sender"]["authenticated"] is True and out["verdict"] == "quarantined", out
    _nothing_for_a_forger(out)


def test_guard_genuine_with_an_unsigned_header_the_server_added(world: World) -> None:
    """GUARD: a genuine signed mail with X-Spam-Status and an X-Original-To the servers added: still Sở Tư pháp's."""
    raw = _sign(_message(world, 302), _key(world, STP_D))
    out = _ingest(world, "server-headers", _on_top(raw, "X-Spam-Status: No, score=-0.1", f"X-Original-To: {CLERK}",
                                                   AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_guard_another_servers_results_below_are_ignored(world: World) -> None:
    """GUARD: the agency's own server's results (another id) below the entry line do not spoil a genuine mail."""
    raw = _sign(_message(world, 303), _key(world, STP_D))
    out = _ingest(world, "other-id-below", _on_top(raw, AGENCY_HOP, f"Authentication-Results: mail.{STP_D}; "
                                                                    f"auth=pass smtp.auth={STP}"))
    _accepted_and_acknowledged(out)


def test_guard_genuine_dmarc_with_its_valid_signature(world: World) -> None:
    """GUARD (for a fix of the copied-signature attack): DMARC pass with Sở Tư pháp's valid signature still counts,
    even where a relay's own signature beside it fails."""
    raw = _sign(_message(world, 304), _key(world, STP_D))
    out = _ingest(world, "dmarc-valid", _on_top(
        raw, f"Authentication-Results: {MX}; dkim=pass header.d={STP_D}; dmarc=pass header.from={STP_D}", AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_guard_an_automatic_genuine_mail_is_registered_unanswered(world: World) -> None:
    """GUARD: Sở Tư pháp's genuine mail marked Auto-Submitted: auto-generated: judged as any other, never answered."""
    raw = _sign(_message(world, 305, headers={"Auto-Submitted": "auto-generated"}), _key(world, STP_D),
                headers=[b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type",
                         b"auto-submitted"])
    out = _ingest(world, "auto", _on_top(raw, AGENCY_HOP))
    assert out["sender"]["authenticated"] is True and out["verdict"] == "accepted", out
    assert not [r for r in out["replies"] if r["kind"] != "alert"], out["replies"]
