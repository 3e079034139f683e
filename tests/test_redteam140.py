"""Red team 140: who sent it, at red team 139's fix (authentication._vouched, _passed_by_server, _fits): the province
server's dkim=pass / dmarc=pass counts only where a dkim=pass fits, by header.d / header.i / header.b, a signature of the
From's own domain and none of another. Each test is one real mail through the real `ingest`; each asserts the RIGHT
behaviour, so a failing test is a fault found. ATTACK: a forger (an outsider, or another agency's clerk with its own
key) without Sở Tư pháp's key or mailbox; GENUINE: an honest Sở Tư pháp mail, as real servers record it, signed with a
key only the province's server can check; GUARD: passes today, keeps a naive fix from going too far."""

from __future__ import annotations

import re
from typing import Any

import os

import pytest

import test_redteam139
from test_redteam139 import (AGENCY_HOP, OUTSIDE_HOP, STC_D, STP_D, UBND_D, _accepted_and_acknowledged, _b_of,
                             _key, _message, _nothing_for_a_forger, _old_stp_signature, _on_top, _sign,
                             _unheld_key)
from kit import DkimKey
from world import MX, STC, STP, US, World

CLERK = US["mailbox"]
FILLER = "Q" * 330
BH = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="


# ---------------------------------------------------------------------------------------------------------- helpers
def _ingest(world: World, name: str, raw: bytes) -> dict[str, Any]:
    out = test_redteam139._ingest(world, name, raw)
    if os.environ.get("REDTEAM140_SHOW"):
        print(f"\n{name}: {out['verdict']} {out['incoming_number']} {out['sender']} "
              f"{[r['code'] for r in out['reasons']]} {[(r['kind'], r['to']) for r in out['replies']]}")
    return out


def _ar(*results: str, authserv: str = MX) -> str:
    return f"Authentication-Results: {authserv}; " + "; ".join(results)


def _b_full(raw: bytes, index: int = 0) -> str:
    """The whole b= of the index-th DKIM-Signature from the top (its folded lines joined)."""
    rest = raw.split(b"DKIM-Signature:")[index + 1].decode()
    lines = rest.split("\r\n")
    head = [lines[0]]
    for line in lines[1:]:
        if line[:1] not in (" ", "\t"):
            break
        head.append(line)
    value = "".join("".join(head).split())
    return re.search(r"(?:^|;)b=([^;]*)", value).group(1)


def _fake(b: str, *, d: str = STP_D, i: str | None = None, s: str = "s2026", extra: str = "") -> bytes:
    """A DKIM-Signature of the forger's writing (it verifies nowhere): any d=, i=, and a b= beginning as he likes."""
    tags = ["v=1", "a=rsa-sha256", "c=relaxed/relaxed", f"d={d}", f"s={s}"]
    if i is not None:
        tags.append(f"i={i}")
    tags += ["h=from:to:cc:subject:date:message-id:reply-to:mime-version:content-type", f"bh={BH}"]
    if extra:
        tags.append(extra)
    tags.append(f"b={b}")
    return ("DKIM-Signature: " + ";\r\n\t".join(tags) + "\r\n").encode()


def _large(world: World) -> bytes:
    """A letter over max_mail_mb (1 MB here): the gateway reads its headers alone."""
    world.extra["limits"] = {"max_mail_mb": 1, "seconds_per_document": 60}
    world.write_config()
    return b"%PDF-1.7\n" + bytes(range(256)) * 5200


def _answered_to_stp(out: dict[str, Any]) -> None:
    """A genuine mail: the sender proven, and Sở Tư pháp answered (ack, or a return for one too large)."""
    assert out["sender"]["authenticated"] is True, out["sender"]
    answers = [r for r in out["replies"] if r["kind"] != "alert"]
    assert answers and all(r["to"] == STP for r in answers), (out["verdict"], out["reasons"], out["replies"])


# ============================================================================================== ATTACK: header.b
def test_attack_fake_stp_signature_with_the_whole_b_of_stcs_genuine_one(world: World) -> None:
    """ATTACK (Sở Tài chính's clerk, its own key): From Sở Tư pháp, signed d=stc…; beside it a fake d=sotp… signature
    whose b= is a byte-for-byte copy of Sở Tài chính's. The server (OpenDKIM style): dkim=pass header.d=stc header.b=…,
    dkim=fail header.d=sotp header.b=… (the same prefix), dmarc=pass header.from=sotp (relaxed)."""
    raw = _sign(_message(world, 1), _key(world, STC_D))
    b = _b_full(raw)
    out = _ingest(world, "b-copy-stc", _on_top(_fake(b) + raw, _ar(
        f"dkim=pass (2048-bit key) header.d={STC_D} header.i=@{STC_D} header.b={b[:8]}",
        f"dkim=fail (bad signature) header.d={STP_D} header.i=@{STP_D} header.b={b[:8]}",
        f"dmarc=pass (p=none dis=none) header.from={STP_D}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_fake_stp_signature_with_i_of_stc_and_gmail_style_pass(world: World) -> None:
    """ATTACK: as above, the fake d=sotp… signature carrying i=@stc… (which no verifier allows, but the gateway reads)
    and Sở Tài chính's b= prefix; the server writes Gmail's form (header.i, header.s, header.b; no header.d)."""
    raw = _sign(_message(world, 2), _key(world, STC_D))
    b = _b_full(raw)
    out = _ingest(world, "b-copy-gmail", _on_top(_fake(b[:20] + FILLER, i=f"@{STC_D}", s=_key(world, STC_D).selector) + raw, _ar(
        f"dkim=pass header.i=@{STC_D} header.s={_key(world, STC_D).selector} header.b={b[:8]}",
        f"dmarc=pass (p=NONE sp=NONE dis=NONE) header.from={STP_D}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


@pytest.mark.parametrize(("prefix", "selector", "number"), [(16, False, 3), (8, True, 4)], ids=["header-b-12", "rspamd-b-8"])
def test_attack_ubnd_signing_for_stp_and_a_fake_stp_signature_sharing_its_b(
        world: World, prefix: int, selector: bool, number: int) -> None:
    """ATTACK (UBND's clerk: d=bacgiang.gov.vn, i=@sotp…, valid DKIM): a fake d=sotp… signature whose b= begins as
    UBND's; the server's pass names the signer by header.i and header.b only (12 characters; or rspamd's 8, with
    header.s)."""
    raw = _sign(_message(world, number), _key(world, UBND_D), identity=f"@{STP_D}".encode())
    b = _b_full(raw)
    named = f" header.s={_key(world, UBND_D).selector}" if selector else ""
    out = _ingest(world, f"ubnd-b-{prefix}", _on_top(_fake(b[:prefix] + FILLER) + raw, _ar(
        f"dkim=pass header.i=@{STP_D}{named} header.b={b[:min(prefix, 12)]}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_pass_by_header_b_only_fits_a_fake_and_the_stc_signature(world: World) -> None:
    """ATTACK: a server result naming the signature by header.b alone (no d, no i), DMARC relaxed pass for sotp; the fake
    d=sotp… signature begins as Sở Tài chính's genuine one."""
    raw = _sign(_message(world, 5), _key(world, STC_D))
    b = _b_full(raw)
    out = _ingest(world, "b-only", _on_top(_fake(b[:10] + FILLER) + raw, _ar(
        f"dkim=pass header.b={b[:8]}", f"dmarc=pass header.from={STP_D}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


# ============================================================================================== ATTACK: header.i / header.d
def test_attack_header_i_with_local_part_capitals_and_trailing_dot(world: World) -> None:
    """ATTACK: UBND signs with i=vanthu@sotp…; a fake d=sotp… signature with i=VanThu@SOTP.bacgiang.gov.vn. and the
    same b= beginning; the server passes UBND's by header.i=vanthu@sotp… and header.b."""
    raw = _sign(_message(world, 6), _key(world, UBND_D), identity=STP.encode())
    b = _b_full(raw)
    out = _ingest(world, "i-local-part", _on_top(_fake(b[:12] + FILLER, i="VanThu@SOTP.bacgiang.gov.vn.") + raw, _ar(
        f"dkim=pass header.i={STP} header.b={b[:8]}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_fake_signature_with_d_in_capitals_and_a_trailing_dot(world: World) -> None:
    """ATTACK: a fake signature d=SOTP.BACGIANG.GOV.VN. beside Sở Tài chính's genuine one; the server: dkim=pass for
    stc, dkim=fail for the fake, dmarc=pass (relaxed) for sotp."""
    raw = _sign(_message(world, 7), _key(world, STC_D))
    b = _b_full(raw)
    out = _ingest(world, "d-dot-caps", _on_top(_fake(b, d="SOTP.BACGIANG.GOV.VN.") + raw, _ar(
        f"dkim=pass header.d={STC_D} header.b={b[:8]}", f"dkim=fail header.d=SOTP.BACGIANG.GOV.VN. header.b={b[:8]}",
        f"dmarc=pass header.from={STP_D}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_fake_signature_of_a_subdomain_of_stp(world: World) -> None:
    """ATTACK: a fake d=mail.sotp… signature (relaxed-aligned, not strict) beside the copied dead one and Sở Tài chính's
    genuine signature."""
    raw = _sign(_message(world, 8), _key(world, STC_D))
    b = _b_full(raw)
    out = _ingest(world, "d-sub", _on_top(_fake(b, d=f"mail.{STP_D}") + _old_stp_signature(world) + raw, _ar(
        f"dkim=pass header.d={STC_D} header.b={b[:8]}", f"dkim=fail header.d=mail.{STP_D}",
        f"dkim=fail header.d={STP_D}", f"dmarc=pass header.from={STP_D}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


# ============================================================================================== ATTACK: which results count
def test_attack_second_results_header_of_the_trusted_id_below_the_entry(world: World) -> None:
    """ATTACK: the server's truthful results on top (dkim=fail for the copied signature, dmarc=pass relaxed by Sở Tài
    chính's key); below the entry line the forger's own header of the same id with dkim=pass for the copy's b=."""
    raw = _sign(_message(world, 9), _key(world, STC_D))
    copy = _old_stp_signature(world)
    cb = _b_full(copy)
    out = _ingest(world, "two-ar-below", _on_top(copy + raw, _ar(
        f"dkim=pass header.d={STC_D}", f"dkim=fail header.d={STP_D} header.b={cb[:8]}",
        f"dmarc=pass header.from={STP_D}"), AGENCY_HOP, _ar(f"dkim=pass header.d={STP_D} header.b={cb[:8]}")))
    _nothing_for_a_forger(out)


def test_attack_dkim_and_dmarc_in_two_headers_of_two_trusted_ids(world: World) -> None:
    """ATTACK: two trusted ids (the MX and a filter host): the filter's header passes Sở Tài chính's signature, the MX's
    passes DMARC (relaxed) for sotp; a copied dead Sở Tư pháp signature is in the mail."""
    world.extra["authentication"] = {"trusted_authserv_ids": [MX, "filter.bacgiang.gov.vn"]}
    world.write_config()
    raw = _sign(_message(world, 10), _key(world, STC_D))
    b = _b_full(raw)
    out = _ingest(world, "two-ids", _on_top(
        _old_stp_signature(world) + raw,
        _ar(f"dkim=pass header.d={STC_D} header.b={b[:8]}", authserv="filter.bacgiang.gov.vn"),
        _ar(f"dkim=fail header.d={STP_D}", f"dmarc=pass header.from={STP_D}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_opendmarc_header_on_top_of_opendkims_with_a_copied_signature(world: World) -> None:
    """ATTACK: OpenDKIM and OpenDMARC's separate headers (same id): OpenDKIM's says the copied signature failed and
    Sở Tài chính's passed, OpenDMARC's on top passes sotp (relaxed)."""
    raw = _sign(_message(world, 11), _key(world, STC_D))
    out = _ingest(world, "opendmarc-copy", _on_top(
        _old_stp_signature(world) + raw, _ar(f"dmarc=pass (p=none dis=none) header.from={STP_D}"),
        _ar(f"dkim=pass header.d={STC_D}", f"dkim=fail header.d={STP_D}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_opendmarc_on_top_with_spf_of_the_parent_domain(world: World) -> None:
    """ATTACK: a copied dead Sở Tư pháp signature; the envelope a UBND bounce address (SPF pass for bacgiang.gov.vn):
    OpenDMARC's header on top (spf=pass for the parent, dmarc=pass relaxed), OpenDKIM's below (dkim=fail sotp)."""
    out = _ingest(world, "opendmarc-parent-spf", _on_top(
        _old_stp_signature(world) + _message(world, 23),
        _ar(f"spf=pass smtp.mailfrom=bounce@{UBND_D}", f"dmarc=pass header.from={STP_D}"),
        _ar(f"dkim=fail header.d={STP_D}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_another_agencys_login_with_spf_of_the_shared_server_for_stp(world: World) -> None:
    """ATTACK (Sở Tài chính's clerk, logged in on the province's shared server, which every agency's SPF names): MAIL FROM
    vanthu@sotp…, From Sở Tư pháp, no signature. The server's own header says who logged in (auth=pass
    smtp.auth=vanthu@stc…), and, the shared server being in sotp's SPF, spf=pass smtp.mailfrom=vanthu@sotp… and
    dmarc=pass header.from=sotp…: the server's word is that Sở Tài chính sent it.

    FAULT (red team 140, fixed at stop 53): accepted and acknowledged to Sở Tư pháp (method dmarc): _vouched takes the
    server's SPF pass
    for the From's domain as "the domain's own server" though the same header records another mailbox's login."""
    out = _ingest(world, "login-stc-spf-stp", _on_top(_message(world, 24), _ar(
        f"auth=pass smtp.auth={STC}", f"spf=pass smtp.mailfrom={STP}", f"dmarc=pass header.from={STP_D}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_another_agencys_login_with_a_copied_signature_and_spf_for_stp(world: World) -> None:
    """ATTACK: as above, with Sở Tư pháp's old signature copied in (dkim=fail) and the dmarc=pass by SPF.
    FAULT (red team 140, fixed at stop 53): accepted and acknowledged (the fallback to SPF after _passed_by_server refuses)."""
    out = _ingest(world, "login-stc-copy", _on_top(_old_stp_signature(world) + _message(world, 25), _ar(
        f"auth=pass smtp.auth={STC}", f"spf=pass smtp.mailfrom={STP}", f"dkim=fail header.d={STP_D}",
        f"dmarc=pass header.from={STP_D}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


# ============================================================================================== ATTACK: odd signatures
def test_attack_malformed_copy_and_dmarc_relaxed_pass(world: World) -> None:
    """ATTACK: a d=sotp… signature the parser cannot read (a tag given twice) beside Sở Tài chính's genuine one; DMARC
    pass (relaxed) and SPF pass for stc's envelope."""
    raw = _sign(_message(world, 12), _key(world, STC_D))
    out = _ingest(world, "malformed-copy", _on_top(_fake(_b_full(raw), extra=f"d={STP_D}") + raw, _ar(
        f"spf=pass smtp.mailfrom=bounce@{STC_D}", f"dkim=pass header.d={STC_D}", f"dkim=permerror header.d={STP_D}",
        f"dmarc=pass header.from={STP_D}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_malformed_copy_and_a_pass_by_header_i_for_ubnd(world: World) -> None:
    """ATTACK: UBND's i=@sotp… signature, a malformed d=sotp… copy beside (";;" in its tag list), the server's pass by
    header.i alone."""
    raw = _sign(_message(world, 13), _key(world, UBND_D), identity=f"@{STP_D}".encode())
    fake = _fake(_b_full(raw)).replace(b"v=1;", b"v=1;;", 1)
    out = _ingest(world, "malformed-ubnd", _on_top(fake + raw, _ar(f"dkim=pass header.i=@{STP_D}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_copied_signature_with_body_length_beside_stc(world: World) -> None:
    """ATTACK: a fake d=sotp… signature with l=0 (and Sở Tài chính's b=) beside its genuine one; dmarc=pass relaxed."""
    raw = _sign(_message(world, 14), _key(world, STC_D))
    b = _b_full(raw)
    out = _ingest(world, "fake-l", _on_top(_fake(b, extra="l=0") + raw, _ar(
        f"dkim=pass header.d={STC_D} header.b={b[:8]}", f"dmarc=pass header.from={STP_D}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_copied_signature_not_covering_to(world: World) -> None:
    """ATTACK: a fake d=sotp… signature whose h= leaves out To, beside Sở Tài chính's genuine one; dmarc=pass relaxed."""
    raw = _sign(_message(world, 15), _key(world, STC_D))
    b = _b_full(raw)
    fake = _fake(b).replace(b"h=from:to:", b"h=from:", 1)
    out = _ingest(world, "fake-no-to", _on_top(fake + raw, _ar(
        f"dkim=pass header.d={STC_D} header.b={b[:8]}", f"dmarc=pass header.from={STP_D}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_shared_signing_domain_copied_dead_signature(world: World) -> None:
    """ATTACK: with shared_signing_domains [bacgiang.gov.vn], a dead copy of a UBND signature (d=bacgiang.gov.vn, which
    would speak for sotp) beside Sở Tài chính's genuine signature; the server passes stc, fails the copy, dmarc relaxed."""
    world.extra["authentication"] = {"shared_signing_domains": [UBND_D]}
    world.write_config()
    raw = _sign(_message(world, 16), _key(world, STC_D))
    b = _b_full(raw)
    out = _ingest(world, "shared-copy", _on_top(_fake(b, d=UBND_D) + raw, _ar(
        f"dkim=pass header.d={STC_D} header.b={b[:8]}", f"dkim=fail header.d={UBND_D} header.b={b[:8]}",
        f"dmarc=pass header.from={STP_D}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_shared_signing_domain_pass_by_header_i_for_a_sibling(world: World) -> None:
    """ATTACK: shared_signing_domains [stc.bacgiang.gov.vn] (speaks for mail.stc… only); a fake d=stc… signature with
    i=@sotp… copying UBND's b=, UBND's genuine i=@sotp… signature passed by header.i."""
    world.extra["authentication"] = {"shared_signing_domains": [STC_D]}
    world.write_config()
    raw = _sign(_message(world, 17), _key(world, UBND_D), identity=f"@{STP_D}".encode())
    b = _b_full(raw)
    out = _ingest(world, "shared-sibling", _on_top(_fake(b, d=STC_D, i=f"@{STP_D}") + raw, _ar(
        f"dkim=pass header.i=@{STP_D} header.b={b[:8]}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


# ============================================================================================== ATTACK: large mails, replay
def test_attack_large_mail_copied_signature_beside_stc(world: World) -> None:
    """ATTACK: a mail over max_mail_mb (headers alone read, no DKIM check by the gateway): a copied dead Sở Tư pháp
    signature beside Sở Tài chính's genuine one, dkim=pass stc, dkim=fail sotp, dmarc=pass sotp (relaxed)."""
    pdf = _large(world)
    raw = _sign(_message(world, 18, pdf=pdf), _key(world, STC_D))
    out = _ingest(world, "large-copy", _on_top(_old_stp_signature(world) + raw, _ar(
        f"dkim=pass header.d={STC_D}", f"dkim=fail header.d={STP_D}", f"dmarc=pass header.from={STP_D}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_large_mail_fake_signature_sharing_ubnds_b(world: World) -> None:
    """ATTACK: a large mail, UBND's i=@sotp… signature and a fake d=sotp… one sharing its b= beginning; the pass by
    header.i and header.b."""
    pdf = _large(world)
    raw = _sign(_message(world, 19, pdf=pdf), _key(world, UBND_D), identity=f"@{STP_D}".encode())
    b = _b_full(raw)
    out = _ingest(world, "large-ubnd", _on_top(_fake(b[:12] + FILLER) + raw, _ar(
        f"dkim=pass header.i=@{STP_D} header.b={b[:8]}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_large_mail_results_naming_only_selector(world: World) -> None:
    """ATTACK: a large mail with a copied dead Sở Tư pháp signature and a server pass giving header.s only (no d, i, b)
    beside dmarc=pass (relaxed, via Sở Tài chính's key)."""
    pdf = _large(world)
    raw = _sign(_message(world, 20, pdf=pdf), _key(world, STC_D))
    out = _ingest(world, "large-selector", _on_top(_old_stp_signature(world) + raw, _ar(
        f"dkim=pass header.s={_key(world, STC_D).selector}", f"dmarc=pass header.from={STP_D}"), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_replay_of_a_genuine_mail_to_stc_with_the_servers_current_pass(world: World) -> None:
    """ATTACK: a genuine Sở Tư pháp mail to Sở Tài chính (signed with a key only the server checks), replayed to us by
    anybody; the server passes it today (dkim=pass header.d, header.b; dmarc=pass). Not ours: no number, no answer."""
    pdf = world.document(number="21/STP-VP", recipients=["Nơi nhận:", "- Sở Tài chính tỉnh Bắc Giang;", "- Lưu: VT, VP."])
    raw = _sign(_message(world, 21, to=[STC], pdf=pdf), _unheld_key("s2027"))
    out = _ingest(world, "replay-stc", _on_top(raw, _ar(
        f"dkim=pass header.d={STP_D} header.b={_b_of(raw)[:8]}", f"dmarc=pass header.from={STP_D}"), OUTSIDE_HOP))
    assert out["incoming_number"] is None, (out["verdict"], out["reasons"])
    assert not [r for r in out["replies"] if r["kind"] == "ack"], out["replies"]


def test_attack_evil_own_signature_with_i_of_stp(world: World) -> None:
    """ATTACK: the outsider's own signature d=evil.example with i=@sotp… (no verifier allows it; a lax server's word
    "dkim=pass header.i=@sotp… header.d=evil.example"): header.d wins, not sotp's."""
    raw = _sign(_message(world, 22), _key(world, "evil.example"))
    raw = raw.replace(b"d=evil.example;", f"d=evil.example; i=@{STP_D};".encode(), 1)
    out = _ingest(world, "evil-i", _on_top(raw, _ar(
        f"dkim=pass header.d=evil.example header.i=@{STP_D} header.b={_b_of(raw)[:8]}"), OUTSIDE_HOP))
    _nothing_for_a_forger(out)


# ============================================================================================== GENUINE: real servers' formats
def _stp(world: World, n: int, selector: str = "s2027", **kw: Any) -> bytes:
    return _sign(_message(world, n, **kw), _unheld_key(selector))


def test_genuine_opendkim_and_opendmarc_dmarc_header_on_top(world: World) -> None:
    """GENUINE: OpenDKIM then OpenDMARC as milters on the MX, each writing its own header with the same authserv-id;
    OpenDMARC's, added last, stands on top.

    FAULT (red team 140, fixed at stop 53): held as unauthenticated, Sở Tư pháp not answered: of each trusted
    authserv-id only the topmost
    header counts (authentication.trusted_results), so OpenDKIM's dkim=pass, one header below, is never read, and since
    red team 139's fix a dmarc=pass needs a dkim=pass fitting the signature (_passed_by_server) or SPF for sotp."""
    raw = _stp(world, 101)
    out = _ingest(world, "opendmarc-top", _on_top(
        raw, _ar(f"dmarc=pass (p=quarantine dis=none) header.from={STP_D}"),
        _ar(f"dkim=pass (2048-bit key; unprotected) header.d={STP_D} header.i=@{STP_D} header.a=rsa-sha256 "
            f"header.s=s2027 header.b=\"{_b_of(raw)[:8]}\""), AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_genuine_opendmarc_on_top_with_its_own_spf_pass(world: World) -> None:
    """GENUINE: OpenDMARC (SPF checked by itself) on top, writing spf=pass for sotp and dmarc=pass; OpenDKIM's below."""
    raw = _stp(world, 114)
    out = _ingest(world, "opendmarc-spf", _on_top(
        raw, _ar(f"spf=pass smtp.mailfrom={STP}", f"dmarc=pass (p=quarantine dis=none) header.from={STP_D}"),
        _ar(f"dkim=pass (2048-bit key) header.d={STP_D} header.i=@{STP_D} header.b={_b_of(raw)[:8]}"), AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_genuine_opendkim_and_opendmarc_dkim_header_on_top(world: World) -> None:
    """GENUINE: the same two headers, OpenDKIM's on top."""
    raw = _stp(world, 102)
    out = _ingest(world, "opendkim-top", _on_top(
        raw, _ar(f"dkim=pass (2048-bit key) header.d={STP_D} header.i=@{STP_D} header.b={_b_of(raw)[:8]}"),
        _ar(f"dmarc=pass (p=quarantine dis=none) header.from={STP_D}"), AGENCY_HOP))
    _accepted_and_acknowledged(out)


@pytest.mark.parametrize(("signer", "dmarc", "number"), [
    (f"header.d={STP_D}", "(policy=quarantine)", 103),  # rspamd: header.d, header.s, an 8-character header.b
    (f"header.i=@{STP_D}", "(p=QUARANTINE sp=QUARANTINE dis=NONE)", 105),  # Gmail: header.i, header.s, header.b
], ids=["rspamd", "gmail"])
def test_genuine_rspamd_and_gmail_forms(world: World, signer: str, dmarc: str, number: int) -> None:
    """GENUINE: rspamd's one header (dkim by header.d, header.s, 8-character header.b; spf with a comment; dmarc with
    reason and policy), and Gmail's (dkim by header.i=@…, header.s, header.b; dmarc with p= sp= dis=)."""
    raw = _stp(world, number)
    out = _ingest(world, f"form-{number}", _on_top(raw, _ar(
        f"dkim=pass {signer} header.s=s2027 header.b={_b_of(raw)[:8]}",
        f"spf=pass ({MX}: domain of {STP} designates 10.1.2.3 as permitted sender) smtp.mailfrom={STP}",
        f"dmarc=pass {dmarc} header.from={STP_D}"), AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_genuine_microsoft_365_form(world: World) -> None:
    """GENUINE: Microsoft 365's form: dkim=pass (signature was verified) header.d=…;dmarc=pass action=none
    header.from=…;compauth=pass reason=100 (no spaces after the semicolons)."""
    raw = _stp(world, 104)
    out = _ingest(world, "m365", _on_top(raw, f"Authentication-Results: {MX}; spf=pass (sender IP is 10.1.2.3) "
                                              f"smtp.mailfrom={STP_D}; dkim=pass (signature was verified) "
                                              f"header.d={STP_D};dmarc=pass action=none header.from={STP_D};"
                                              f"compauth=pass reason=100", AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_genuine_zimbra_amavis_form(world: World) -> None:
    """GENUINE: Zimbra's amavisd-new: an authserv-id with a comment, a reason, a quoted header.b."""
    raw = _stp(world, 106)
    out = _ingest(world, "amavis", _on_top(raw, f"Authentication-Results: {MX} (amavisd-new);\r\n\tdkim=pass "
                                                f"(2048-bit key) reason=\"pass (just generated, assumed good)\"\r\n\t"
                                                f"header.d={STP_D} header.b=\"{_b_of(raw)[:8]}\"", AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_genuine_with_a_list_relay_signature_on_top(world: World) -> None:
    """GENUINE: the agency's signature and a relay's (d=relay.example) added on top, both passed by d and b."""
    inner = _stp(world, 107)
    raw = _sign(inner, DkimKey.generate("relay.example", selector="r1"))
    out = _ingest(world, "relay", _on_top(raw, _ar(
        f"dkim=pass header.d=relay.example header.i=@relay.example header.b={_b_of(raw)[:8]}",
        f"dkim=pass header.d={STP_D} header.i=@{STP_D} header.b={_b_full(raw, 1)[:8]}",
        f"dmarc=pass header.from={STP_D}"), AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_genuine_key_rollover_one_failing(world: World) -> None:
    """GENUINE: a key rollover: two Sở Tư pháp signatures, the old one's key withdrawn (dkim=fail), the new one passing."""
    raw = _sign(_stp(world, 108, selector="old"), _unheld_key("new"))
    out = _ingest(world, "rollover", _on_top(raw, _ar(
        f"dkim=pass header.d={STP_D} header.s=new header.b={_b_full(raw, 0)[:8]}",
        f"dkim=fail (key not found) header.d={STP_D} header.s=old header.b={_b_full(raw, 1)[:8]}",
        f"dmarc=pass header.from={STP_D}"), AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_genuine_header_b_with_slash_or_plus(world: World) -> None:
    """GENUINE: an 8-character header.b holding "/" or "+" (base64), as servers write it unquoted."""
    for n in range(109, 140):
        raw = _stp(world, 109, subject=f"Gửi văn bản số 109/STP-VP ({n})")
        if any(c in _b_of(raw)[:8] for c in "/+"):
            break
    out = _ingest(world, "b-slash", _on_top(raw, _ar(
        f"dkim=pass header.d={STP_D} header.b={_b_of(raw)[:8]}", f"dmarc=pass header.from={STP_D}"), AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_genuine_header_i_with_local_part(world: World) -> None:
    """GENUINE: signed with i=vanthu@sotp…; Gmail-like header.i=vanthu@sotp… header.b=…."""
    raw = _sign(_message(world, 110), _unheld_key("s2027"), identity=STP.encode())
    out = _ingest(world, "i-local", _on_top(raw, _ar(
        f"dkim=pass header.i={STP} header.s=s2027 header.b={_b_of(raw)[:8]}"), AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_genuine_exim_form(world: World) -> None:
    """GENUINE: Exim's: dkim=pass header.d=… header.s=… header.a=rsa-sha256, no header.b; dmarc below in its own
    header... here in the same."""
    raw = _stp(world, 111)
    out = _ingest(world, "exim", _on_top(raw, _ar(
        f"dkim=pass header.d={STP_D} header.s=s2027 header.a=rsa-sha256", f"dmarc=pass header.from={STP_D}"), AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_genuine_large_mail_with_opendmarc_on_top(world: World) -> None:
    """GENUINE: a mail over max_mail_mb (the gateway reads only its headers), signed with a key the gateway holds;
    OpenDKIM+OpenDMARC headers, OpenDMARC's on top: Sở Tư pháp is proven and answered (the return).

    FAULT (red team 140, fixed at stop 53): unauthenticated, held unanswered (as above; the gateway cannot check a
    large mail itself)."""
    pdf = _large(world)
    raw = _sign(_message(world, 112, pdf=pdf), _key(world, STP_D))
    out = _ingest(world, "large-opendmarc", _on_top(
        raw, _ar(f"dmarc=pass header.from={STP_D}"),
        _ar(f"dkim=pass header.d={STP_D} header.i=@{STP_D} header.b={_b_of(raw)[:8]}"), AGENCY_HOP))
    _answered_to_stp(out)


def test_genuine_large_mail_rspamd(world: World) -> None:
    """GENUINE: the large mail with rspamd's single header: proven and answered."""
    pdf = _large(world)
    raw = _sign(_message(world, 113, pdf=pdf), _key(world, STP_D))
    out = _ingest(world, "large-rspamd", _on_top(raw, _ar(
        f"dkim=pass header.d={STP_D} header.s={_key(world, STP_D).selector} header.b={_b_of(raw)[:8]}",
        f"dmarc=pass header.from={STP_D}"), AGENCY_HOP))
    _answered_to_stp(out)


# ============================================================================================== GUARD
def test_guard_pass_with_a_b_of_no_signature_here(world: World) -> None:
    """GUARD: the server's pass names by header.b a signature not in this mail (an unheld key's mail whose pass the
    forger copies from another mail): not Sở Tư pháp's."""
    raw = _stp(world, 201)
    other = _stp(world, 202)
    out = _ingest(world, "b-other", _on_top(raw, _ar(
        f"dkim=fail header.d={STP_D} header.b={_b_of(raw)[:8]}",
        f"dkim=pass header.d={STP_D} header.b={_b_of(other)[:8]}"), OUTSIDE_HOP))
    _nothing_for_a_forger(out)


def test_guard_held_key_genuine_with_the_server_failing_it(world: World) -> None:
    """GUARD: a genuine mail signed with a key the gateway holds, the server's dkim=temperror: the gateway's own check."""
    raw = _sign(_message(world, 203), _key(world, STP_D))
    out = _ingest(world, "temperror", _on_top(raw, _ar(f"dkim=temperror header.d={STP_D}"), AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_guard_dmarc_by_own_spf_with_a_dead_copy_present(world: World) -> None:
    """GUARD: Sở Tư pháp's own server sent it (SPF for sotp, DMARC pass) and a broken signature of its domain rides
    along (the mail was altered by a list footer's removal): still proven by SPF for its own domain."""
    out = _ingest(world, "spf-own-dead", _on_top(_old_stp_signature(world) + _message(world, 204), _ar(
        f"spf=pass smtp.mailfrom={STP}", f"dkim=fail header.d={STP_D}", f"dmarc=pass header.from={STP_D}"), AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_guard_unheld_key_with_a_failing_relay_signature(world: World) -> None:
    """GUARD: the agency's signature passes, a relay's own beside it fails: Sở Tư pháp's."""
    raw = _stp(world, 205)
    b = _b_of(raw)
    raw = _fake("AAAA" + FILLER, d="relay.example") + raw
    out = _ingest(world, "relay-fail", _on_top(raw, _ar(
        "dkim=fail header.d=relay.example header.b=AAAAQQQQ", f"dkim=pass header.d={STP_D} header.b={b[:8]}"),
        AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_guard_opendmarc_on_top_with_a_key_the_gateway_holds(world: World) -> None:
    """GUARD: OpenDMARC's header on top of OpenDKIM's, the key one the gateway holds: its own check proves the mail."""
    raw = _sign(_message(world, 207), _key(world, STP_D))
    out = _ingest(world, "opendmarc-held", _on_top(
        raw, _ar(f"dmarc=pass (p=quarantine dis=none) header.from={STP_D}"),
        _ar(f"dkim=pass (2048-bit key; unprotected) header.d={STP_D} header.i=@{STP_D} header.b=\"{_b_of(raw)[:8]}\""),
        AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_guard_login_on_a_large_mail(world: World) -> None:
    """GUARD: a large mail submitted by Sở Tư pháp's own login on the province's server: proven, answered."""
    pdf = _large(world)
    out = _ingest(world, "large-login", _on_top(_message(world, 206, pdf=pdf), _ar(f"auth=pass smtp.auth={STP}"),
                                                AGENCY_HOP))
    _answered_to_stp(out)
