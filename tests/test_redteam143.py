"""Red team 143: who sent it, at red team 142's loose login reading (authentication.recorded_logins / login_domains and
the refusal in `authenticate` of any login naming a domain other than the From's). Each test is one real mail through
the real `ingest` (or, marked so, a unit call); each asserts the RIGHT behaviour, so a failing test is a fault found.
GENUINE: an honest Sở Tư pháp mail whose headers name another domain where the loose reading looks, though no other
mailbox logged in; ATTACK: Sở Tài chính's clerk on the province's shared server sending From Sở Tư pháp (SPF / DMARC pass
for sotp) while the server's record of its login escapes the reading; GUARD: passes today, keeps a fix from going too
far."""

from __future__ import annotations

import email

from test_redteam139 import (AGENCY_HOP, STC_D, STP_D, _accepted_and_acknowledged, _key, _message,
                             _nothing_for_a_forger, _on_top, _sign)
from test_redteam139 import NOW
from test_redteam141 import DMARC_STP, SPF_STP, SUB_TO_MX, _ar, _ingest, _province, _submitted
from gateway.intake.authentication import AuthSettings, authenticate
from gateway.intake.logins import login_domains, recorded_logins
from world import MX, STC, STP, World

PROVINCE = "bacgiang.gov.vn"
SPF_PROVINCE = f"spf=pass ({MX}: domain of bounces@{PROVINCE} designates 10.0.0.6 as permitted sender) " \
               f"smtp.mailfrom=bounces@{PROVINCE}"


def _signed(world: World, n: int, **kw) -> bytes:  # type: ignore[no-untyped-def]
    """Sở Tư pháp's mail signed with its own key, one the gateway holds and checks itself: proven whatever the server says."""
    return _sign(_message(world, n, **kw), _key(world, STP_D))


def _opensmtpd(user: str, host: str = MX) -> str:
    """OpenSMTPD's Received line for an authenticated submission (smtp_session.c: "auth=yes user=%s")."""
    return (f"Received: from pc-clerk (pc-clerk [203.0.113.50])\r\n\tby {host} (OpenSMTPD) with ESMTPSA id d6a231c8 "
            f"(TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO) auth=yes user={user};\r\n\t{NOW}")


def _rspamd(login: str, mailfrom: str) -> str:
    """rspamd's auth result (lua_auth_results.gen_auth_results): "auth=pass smtp.auth=%s smtp.mailfrom=%s", one segment,
    smtp.mailfrom the SMTP envelope sender whatever it is."""
    return f"auth=pass smtp.auth={login} smtp.mailfrom={mailfrom}"


def _auth_unit(headers: list[tuple[str, str]]) -> bool:
    raw = "".join(f"{k}: {v}\r\n" for k, v in headers).encode() + f"From: {STP}\r\nSubject: x\r\n\r\nhi\r\n".encode()
    settings = AuthSettings((MX,), (), False, trusted_hosts=(MX, "localhost", "127.0.0.1"))
    return authenticate(raw, email.message_from_bytes(raw), [STP], settings).authenticated


# ============================================================================ GENUINE: the envelope read as a login
def test_genuine_rspamd_auth_result_with_srs_envelope(world: World) -> None:
    """GENUINE: the shared server runs rspamd, whose auth result is one segment "auth=pass smtp.auth=<login>
    smtp.mailfrom=<envelope>". Sở Tư pháp's clerk logs in as vanthu@sotp; the mail went out through the province's
    forwarder, which rewrote the envelope by SRS (SRS0=…=sotp…=vanthu@bacgiang.gov.vn). The envelope is no login:
    the mail, signed by Sở Tư pháp's own key too, is Sở Tư pháp's."""
    srs = f"SRS0=HhJ2=CD={STP_D}=vanthu@{PROVINCE}"
    out = _ingest(world, "rspamd-srs", _on_top(_signed(world, 1), _ar(_rspamd(STP, srs), f"spf=pass smtp.mailfrom={srs}"),
                                               _submitted(STP, host=MX)))
    _accepted_and_acknowledged(out)


def test_genuine_rspamd_auth_result_with_verp_bounce_envelope(world: World) -> None:
    """GENUINE: as above, the agency's document software (logged in as vanthu@sotp) sends with the province's central
    VERP bounce address as envelope (bounces+vanthu=sotp…@bacgiang.gov.vn): rspamd writes it as smtp.mailfrom beside
    the clerk's own smtp.auth."""
    verp = f"bounces+vanthu={STP_D}@{PROVINCE}"
    out = _ingest(world, "rspamd-verp", _on_top(_signed(world, 2), _ar(_rspamd(STP, verp), SPF_PROVINCE),
                                                _submitted(STP, host=MX)))
    _accepted_and_acknowledged(out)


def test_genuine_rspamd_bare_login_with_bounce_envelope_and_own_signature(world: World) -> None:
    """GENUINE: rspamd, the clerk's login a bare user name (vanthu.sotp), the envelope the province's bounce address, the
    mail signed with Sở Tư pháp's own key (the gateway verifies it): no other mailbox logged in."""
    out = _ingest(world, "rspamd-bare", _on_top(_signed(world, 3), _ar(_rspamd("vanthu.sotp", f"bounces@{PROVINCE}"),
                                                                        SPF_PROVINCE), _submitted("vanthu.sotp", host=MX)))
    _accepted_and_acknowledged(out)


def test_genuine_auth_and_spf_written_without_semicolon(world: World) -> None:
    """GENUINE: a server that writes its results space-separated in one segment (no ";" between methods):
    "auth=pass smtp.auth=vanthu@sotp spf=pass smtp.mailfrom=bounces@bacgiang.gov.vn"; the spf's envelope is read as
    a login. (No mainstream server writes so; kept for the loose parser's sake.)"""
    out = _ingest(world, "no-semicolon", _on_top(_signed(world, 4), f"Authentication-Results: {MX}; auth=pass "
                                                 f"smtp.auth={STP} spf=pass smtp.mailfrom=bounces@{PROVINCE}",
                                                 _submitted(STP, host=MX)))
    _accepted_and_acknowledged(out)


def test_genuine_rspamd_batv_envelope_same_domain(world: World) -> None:
    """GENUINE: rspamd, BATV envelope of the agency itself (prvs=…=vanthu@sotp): same domain, accepted."""
    out = _ingest(world, "rspamd-batv", _on_top(_message(world, 5), _ar(
        _rspamd(STP, f"prvs=1234abcd=vanthu@{STP_D}"), SPF_STP, DMARC_STP), _submitted(STP, host=MX)))
    _accepted_and_acknowledged(out)


# ============================================================================ GENUINE: "authenticated" in other senses
def test_genuine_postfix_tls_client_certificate_and_own_login(world: World) -> None:
    """GENUINE: Postfix with smtpd_tls_received_header: "(using TLSv1.3 … client-signature RSA-PSS (2048 bits)
    client-digest SHA256) (Client CN "vanthu", Issuer "Ban Co yeu CA" (verified OK)) (Authenticated sender: vanthu@sotp…)"."""
    line = (f"Received: from pc-clerk (unknown [203.0.113.50])\r\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
            f"(256/256 bits)\r\n\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256\r\n\t "
            f"client-signature RSA-PSS (2048 bits) client-digest SHA256)\r\n\t(Client CN \"vanthu\", Issuer \"Ban Co yeu "
            f"Chinh phu CA\" (verified OK))\r\n\t(Authenticated sender: {STP})\r\n\tby {MX} (Postfix) with ESMTPSA id 4T; {NOW}")
    out = _ingest(world, "tls-cert", _on_top(_message(world, 6), _ar(f"auth=pass smtp.auth={STP}", SPF_STP, DMARC_STP),
                                             line))
    _accepted_and_acknowledged(out)


def test_genuine_sendmail_authenticated_bits_zero(world: World) -> None:
    """GENUINE: Sendmail's "(authenticated bits=0)" (no login named) with the MX's auth=pass for the clerk."""
    line = f"Received: from pc-clerk (pc-clerk [203.0.113.50]) (authenticated bits=0)\r\n\tby {MX} (8.17.1/8.17.1) " \
           f"with ESMTPSA id 4S; {NOW}"
    out = _ingest(world, "sendmail-bits", _on_top(_message(world, 7), _ar(f"auth=pass smtp.auth={STP}", SPF_STP,
                                                                          DMARC_STP), line))
    _accepted_and_acknowledged(out)


def test_genuine_exim_envelope_from_of_the_province(world: World) -> None:
    """GENUINE: Exim's Received line "(envelope-from <bounces@bacgiang.gov.vn>)" is no login; signed by Sở Tư pháp."""
    line = (f"Received: from pc-clerk ([203.0.113.50] helo=pc) by {MX} with esmtpsa (TLS1.3) tls TLS_AES_256_GCM_SHA384"
            f"\r\n\t(Exim 4.96) (envelope-from <bounces@{PROVINCE}>) id 1rAbC-000; {NOW}")
    out = _ingest(world, "exim-envfrom", _on_top(_signed(world, 8), line))
    _accepted_and_acknowledged(out)


def test_genuine_x_authenticated_user_in_capitals(world: World) -> None:
    """GENUINE: Zimbra's X-Authenticated-User of the same domain in capitals, SPF / DMARC pass for sotp."""
    out = _ingest(world, "xau-caps", _on_top(_message(world, 9), "X-Authenticated-User: VanThu@SOTP.BACGIANG.GOV.VN",
                                             _ar(SPF_STP, DMARC_STP), AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_genuine_login_in_capitals_proves(world: World) -> None:
    """GENUINE: the MX recorded the login as typed, VanThu@SOTP.BACGIANG.GOV.VN, and nothing else passes."""
    login = "VanThu@SOTP.BACGIANG.GOV.VN"
    out = _ingest(world, "login-caps", _on_top(_message(world, 10), _ar(f"auth=pass smtp.auth={login}",
                                                                         "spf=softfail smtp.mailfrom=" + STP),
                                               _submitted(login, host=MX)))
    _accepted_and_acknowledged(out)


def test_genuine_mdaemon_sender_with_display_name(world: World) -> None:
    """GENUINE: X-Authenticated-Sender written with a display name "Văn thư <vanthu@sotp…>" (its own)."""
    out = _ingest(world, "md-display", _on_top(_message(world, 11), f"X-Authenticated-Sender: Van thu <{STP}>",
                                               _ar(SPF_STP, DMARC_STP), AGENCY_HOP))
    _accepted_and_acknowledged(out)


def test_genuine_opensmtpd_own_login(world: World) -> None:
    """GENUINE: OpenSMTPD shared server, the clerk's own login in its Received line, SPF / DMARC for sotp."""
    out = _ingest(world, "smtpd-own", _on_top(_message(world, 12), _ar(SPF_STP, DMARC_STP), _opensmtpd(STP)))
    _accepted_and_acknowledged(out)


def test_genuine_peer_gateway_letter_rspamd_with_its_service_login(world: World) -> None:
    """GENUINE: Sở Tư pháp's own gateway sends its letter (X-QLVB-*) logged in as qlvb@sotp on the rspamd shared server,
    envelope its own bounce address qlvb-bounces@sotp: the agency's."""
    out = _ingest(world, "peer-rspamd", _on_top(
        _message(world, 13, headers={"X-QLVB-Document-Id": "STP-2027.13"}),
        _ar(_rspamd(f"qlvb@{STP_D}", f"qlvb-bounces@{STP_D}"), SPF_STP, DMARC_STP), _submitted(f"qlvb@{STP_D}", host=MX)))
    _accepted_and_acknowledged(out)


def test_genuine_outside_hosters_login_below_an_outside_hop(world: World) -> None:
    """GENUINE (decided: accept): Sở Tư pháp's mail is hosted outside the province (a Postfix hoster whose SASL accounts
    are its own, sotp-bacgiang@mailhost.vn) and signed there with Sở Tư pháp's own key, which the gateway holds and
    checks. The hoster's "(Authenticated sender: …)" stands BELOW the province's entry line, in a Received line an
    outside host wrote: no word of the province's servers, and the agency's own signature proves the mail."""
    hoster = ("Received: from pc-clerk (unknown [203.0.113.50]) (Authenticated sender: sotp-bacgiang@mailhost.vn) "
              f"by smtp.mailhost.vn (Postfix) with ESMTPSA id 4H; {NOW}")
    entry = f"Received: from smtp.mailhost.vn (smtp.mailhost.vn [198.51.100.30]) by {MX} (Postfix) with ESMTPS id 4E; {NOW}"
    out = _ingest(world, "hoster", _on_top(_signed(world, 14), entry, hoster))
    _accepted_and_acknowledged(out)


# ============================================================================ ATTACK: another agency's login escapes
def test_attack_opensmtpd_received_auth_yes_user(world: World) -> None:
    """ATTACK: the shared server is OpenSMTPD, which records the login only in its Received line "… with ESMTPSA id …
    (TLSv1.3:…) auth=yes user=vanthu@stc…" (real: smtp_session.c); spf=pass for sotp, dmarc=pass."""
    out = _ingest(world, "smtpd-stc", _on_top(_message(world, 21), _ar(SPF_STP, DMARC_STP), _opensmtpd(STC)))
    _nothing_for_a_forger(out)


def test_attack_login_only_in_arc_authentication_results(world: World) -> None:
    """ATTACK: the submission server's results survive only in its ARC-Authentication-Results (OpenARC / rspamd seal:
    "i=1; mx…; auth=pass smtp.auth=vanthu@stc…"), the MX's OpenDKIM having removed the earlier A-R of its own id
    (RemoveARFrom); the MX: spf / dmarc pass for sotp."""
    _province(world)
    out = _ingest(world, "arc-ar", _on_top(
        _message(world, 22), _ar(SPF_STP, DMARC_STP), SUB_TO_MX,
        f"ARC-Authentication-Results: i=1; {MX}; auth=pass smtp.auth={STC}; spf=pass smtp.mailfrom={STP}",
        f"Received: from pc-clerk (unknown [203.0.113.50]) by smtp.bacgiang.gov.vn (Postfix) with ESMTPSA id 4A; {NOW}"))
    _nothing_for_a_forger(out)


def test_attack_quoted_local_part_login(world: World) -> None:
    """ATTACK: smtp.auth="vanthu"@stc… (RFC 8601's pvalue allows a quoted local part): the loose pattern takes the quoted
    string alone, a bare user name."""
    out = _ingest(world, "quoted-lp", _on_top(_message(world, 23), _ar(f'auth=pass smtp.auth="vanthu"@{STC_D}', SPF_STP,
                                                                       DMARC_STP), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_unit_login_domains_unicode_domain() -> None:
    """ATTACK (unit): a login with a domain in Unicode letters (a server with SMTPUTF8 logs it as typed) names a domain,
    not "no domain": vanthu@stc.bắcgiang.gov.vn."""
    assert login_domains("vanthu@stc.bắcgiang.gov.vn") != ()


def test_attack_x_authenticated_user_with_comment(world: World) -> None:
    """ATTACK: X-Authenticated-User: vanthu@stc… (Sở Tài chính) — a comment after the address makes login_domains read
    "stc… (sở tài chính)" as no domain (no known server writes a comment there)."""
    out = _ingest(world, "xau-comment", _on_top(_message(world, 25), f"X-Authenticated-User: {STC} (So Tai chinh)",
                                                _ar(SPF_STP, DMARC_STP), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_cpanel_authenticated_sender_with_host_prefix(world: World) -> None:
    """ATTACK: cPanel/Exim writes "X-Authenticated-Sender: host: vanthu@stc…" beside X-Get-Message-Sender-Via."""
    out = _ingest(world, "cpanel", _on_top(_message(world, 26),
                                           f"X-Get-Message-Sender-Via: {MX}: authenticated_id: {STC}",
                                           f"X-Authenticated-Sender: {MX}: {STC}", _ar(SPF_STP, DMARC_STP), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_login_uppercase_trailing_dot_spaces(world: World) -> None:
    """ATTACK: the login recorded as "vanthu@ STC.BACGIANG.GOV.VN. " in Zimbra's header."""
    out = _ingest(world, "updot", _on_top(_message(world, 27), "X-Authenticated-User: vanthu@ STC.BACGIANG.GOV.VN. ",
                                          _ar(SPF_STP, DMARC_STP), AGENCY_HOP))
    _nothing_for_a_forger(out)


def test_attack_rspamd_stc_login_with_sotp_envelope(world: World) -> None:
    """ATTACK: rspamd's one segment, smtp.auth Sở Tài chính's, smtp.mailfrom Sở Tư pháp's."""
    out = _ingest(world, "rspamd-stc", _on_top(_message(world, 28), _ar(_rspamd(STC, STP), SPF_STP, DMARC_STP),
                                               _submitted(STC, host=MX)))
    _nothing_for_a_forger(out)


# ============================================================================ GUARD
def test_guard_unit_recorded_logins_forms() -> None:
    """GUARD (unit): the forms red team 142 covered are still read."""
    headers = [("Received", f"from pc (AUTH: LOGIN {STC}, TLS: x) by {MX}"), ("X-Authenticated-Sender", STC),
               ("Authentication-Results", f"{MX}; auth=pass smtp.auth={STC}")]
    logins = recorded_logins(headers, len(headers))
    assert len(logins) == 3 and all(login_domains(x) == (STC_D,) for x in logins)


def test_guard_unit_bare_user_and_same_domain_refuse_nothing() -> None:
    """GUARD (unit): a bare user name and the From's own domain in capitals name no other domain."""
    assert login_domains("vanthu.sotp") == () and login_domains("VanThu@SOTP.BACGIANG.GOV.VN.") == (STP_D,)


def test_guard_stc_login_refuses_a_genuine_signature(world: World) -> None:
    """GUARD: Sở Tài chính's login on the shared server refuses even a mail Sở Tư pháp's key signed (141: the server signs
    with the From's key for whoever logs in)."""
    out = _ingest(world, "g-stc-signed", _on_top(_signed(world, 31), _ar(f"auth=pass smtp.auth={STC}", SPF_STP,
                                                                          DMARC_STP), _submitted(STC, host=MX)))
    _nothing_for_a_forger(out)


def test_guard_plain_genuine_own_login(world: World) -> None:
    """GUARD: the clerk's own login on the MX, SPF / DMARC pass: accepted and acknowledged."""
    out = _ingest(world, "g-own", _on_top(_message(world, 32), _ar(f"auth=pass smtp.auth={STP}", SPF_STP, DMARC_STP),
                                          _submitted(STP, host=MX)))
    _accepted_and_acknowledged(out)
