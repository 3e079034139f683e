"""Whatever the headers and the MIME structure of a mail, intake decides on it, never fails, and never
acknowledges or returns anything to an address nobody proved.

Mails are generated as an attacker writes them: Authentication-Results and Received lines above and
below the line the province's server wrote, From headers with odd encodings, display names that
look like addresses, Auto-Submitted, nested multiparts, forwarded messages, attachments with random
names, declared types and transfer encodings, real PDFs of the test kit (signed by their issuer,
by another agency, by a self-made CA, secret) and junk. The analysis and the decision run in this
process, on a real register: `Analyser.analyse` then `Intake.decide_on`, as the pipeline does."""

from __future__ import annotations

import base64
import quopri
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attacks_kit import EVIL, EXECUTABLE, OUTSIDER, dkim_signed, hop, issue_certificates, polyglot, results, zipped
from kit import DkimKey
from world import MX, STC, STP, UBND, US, World, make_world

CLERK = US["mailbox"]
LEADERS = "lanhdao@snv.bacgiang.gov.vn"
ADDRESSES = [STP, STC, UBND, CLERK, EVIL, OUTSIDER, "VanThu@SoTP.BacGiang.gov.vn", "vanthu@sotp.bacgiang.gov.vn.evil.example"]
DOMAINS = ["sotp.bacgiang.gov.vn", "stc.bacgiang.gov.vn", "bacgiang.gov.vn", "evil.example", "congty.example"]
AUTHSERV_IDS = [MX, MX.upper(), "evil.example", f"{MX}.evil.example"]


def domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1].lower().rstrip(".>") if "@" in address else ""


# ---- the province the mails come to ------------------------------------------------------------------
class Province:
    """The gateway of a small province, opened in this process, and the PDFs mails may carry."""

    def __init__(self, w: World, keys: dict[str, DkimKey], pdfs: dict[str, bytes], signed_for: dict[str, str],
                 intake: Any, analyser: Any) -> None:
        self.w, self.keys, self.pdfs, self.intake, self.analyser = w, keys, pdfs, intake, analyser
        self.signed_for = signed_for  # PDF name → the directory mailbox of the agency that issued and signed it

    def __repr__(self) -> str:
        return "Province()"


@pytest.fixture(scope="module")
def province_gateway(tmp_path_factory, province):  # type: ignore[no-untyped-def]
    from gateway.app import Gateway
    from gateway.config import load_config
    from gateway.intake.analysis import Analyser
    from gateway.intake.pipeline import Intake

    pki, _, stranger = province
    certs = issue_certificates(pki, stranger)
    w = make_world(tmp_path_factory.mktemp("mime"), pki, certs.as_signers(), stranger)
    keys = {d: DkimKey.generate(d) for d in DOMAINS}
    w.dkim.update(keys)
    w.write_config()
    document = w.document(number="77/STP-VP")
    pdfs = {
        "unsigned": document,
        "signed-by-stp": w.signed("stp", document),
        "signed-by-its-clerk": w.signed("stp_clerk", w.document(number="78/STP-VP")),
        "signed-by-stc": w.signed("stc", w.document(number="79/STP-VP")),
        "signed-by-self-made-ca": w.signed("stranger", w.document(number="80/STP-VP")),
        "secret": w.document(number="81/STP-VP", secrecy="Mật"),
        "broken": b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF",
    }
    pdfs["polyglot"] = polyglot(pdfs["signed-by-stp"])
    pdfs["zip"] = zipped(("cv.pdf", pdfs["unsigned"]), ("setup.exe", EXECUTABLE))
    pdfs["exe"] = EXECUTABLE
    pdfs["junk"] = b"\x00\xff junk \xfe" * 8
    signed_for = {"signed-by-stp": STP, "signed-by-its-clerk": STP}
    gateway = Gateway.open(load_config(w.config_path))
    pool = gateway.worker_pool(size=1)  # never started: decide_on needs no worker
    try:
        yield Province(w, keys, pdfs, signed_for, Intake(gateway, pool), Analyser(gateway.analysis_settings()))
    finally:
        pool.close()
        gateway.close()


# ---- what a generated mail proves ------------------------------------------------------------------------
@dataclass
class Evidence:
    """What the mail really carries for its sender: the results the province's server wrote (above
    its own Received line, with no foreign hop in between) and the domains of the DKIM signatures."""

    addresses: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    pdfs: list[str] = field(default_factory=list)

    def proves(self, address: str) -> bool:
        return address.lower() in self.addresses or domain_of(address) in self.domains


@dataclass(frozen=True)
class Result:
    authserv_id: str
    method: str  # dkim, dmarc, auth, spf
    outcome: str  # pass, fail, none
    prop: str  # "header.d", "header.i", "header.from", "smtp.auth", "smtp.mailfrom", "" (none)
    value: str

    def line(self) -> str:
        prop = f" {self.prop}={self.value}" if self.prop else ""
        return results(f"{self.authserv_id}; {self.method}={self.outcome}{prop}")

    def record(self, evidence: Evidence) -> None:
        """What this result proves when the province's server wrote it (RFC 8601, RFC 7489 strict)."""
        if self.authserv_id.lower() != MX or self.outcome != "pass":
            return
        value = self.value.lower()
        if (self.method, self.prop) in (("dkim", "header.d"), ("dmarc", "header.from")):
            evidence.domains.add(value)
        elif (self.method, self.prop) == ("dkim", "header.i") and "@" in value:
            evidence.domains.add(domain_of(value))
        elif (self.method, self.prop) == ("auth", "smtp.auth"):
            evidence.addresses.add(value)


results_strategy = st.builds(
    Result, st.sampled_from(AUTHSERV_IDS), st.sampled_from(["dkim", "dmarc", "auth", "spf"]),
    st.sampled_from(["pass", "pass", "fail", "none"]),
    st.sampled_from(["header.d", "header.i", "header.from", "smtp.auth", "smtp.mailfrom", ""]),
    st.one_of(st.sampled_from(DOMAINS), st.sampled_from(ADDRESSES), st.sampled_from(["@" + d for d in DOMAINS])),
)
header_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"), max_size=40)


def encoded_word(text: str, how: str = "b") -> str:
    if how == "b":
        return f"=?utf-8?b?{base64.b64encode(text.encode()).decode()}?="
    return "=?utf-8?q?" + "".join(chr(b) if chr(b).isalnum() and b < 128 else f"={b:02X}" for b in text.encode()) + "?="


from_strategy = st.one_of(
    st.sampled_from(ADDRESSES),
    st.builds(lambda name, a: f'"{name}" <{a}>', st.sampled_from([STP, "Sở Tư pháp", "Văn thư"]), st.sampled_from(ADDRESSES)),
    st.builds(lambda name, a, how: f"{encoded_word(name, how)} <{a}>", st.sampled_from([STP, f"{STP} <{STP}>", "Sở Tư pháp"]),
              st.sampled_from(ADDRESSES), st.sampled_from("bq")),
    st.builds(lambda a, b: f"{a}, {b}", st.sampled_from(ADDRESSES), st.sampled_from(ADDRESSES)),
    st.builds(lambda a: f"Văn thư: {a};", st.sampled_from(ADDRESSES)),
    st.builds(lambda a: f"{a} (Sở Tư pháp <{STP}>)", st.sampled_from(ADDRESSES)),
    st.builds(lambda a: f"Nguyễn Văn A <{a}>", st.sampled_from(ADDRESSES)),
    header_text,
)


# ---- MIME trees ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Leaf:
    payload: str  # a name of Province.pdfs, or "text"
    filename: str | None
    naming: str  # how the name is written: plain, rfc2231, rfc2047
    content_type: str
    encoding: str
    junk: bytes = b""


@dataclass(frozen=True)
class Multipart:
    subtype: str
    children: tuple[Any, ...]


@dataclass(frozen=True)
class Forwarded:
    headers: tuple[tuple[str, str], ...]
    body: Any


payloads = st.sampled_from(["text", "unsigned", "signed-by-stp", "signed-by-its-clerk", "signed-by-stc",
                            "signed-by-self-made-ca", "secret", "broken", "polyglot", "zip", "exe", "junk", "random"])
filenames = st.one_of(st.none(), st.sampled_from(["cv.pdf", "CV.PDF", "cong-van.pdf.exe", "công văn.pdf", "ho-so.zip",
                                                  "trang.html", "ghi-chu.one", "lien-ket.url", "du-thao.docx", "a"]),
                      header_text)
leaves = st.builds(
    Leaf, payloads, filenames, st.sampled_from(["plain", "rfc2231", "rfc2047"]),
    st.sampled_from(["application/pdf", "application/octet-stream", "text/plain", "text/html", "image/png",
                     "application/zip", "message/rfc822", "multipart/mixed", "application/x-msdownload"]),
    st.sampled_from(["base64", "base64", "quoted-printable", "7bit", "x-unknown"]),
    st.binary(max_size=64),
)
extra_headers = st.lists(st.tuples(
    st.one_of(st.sampled_from(["Authentication-Results", "Received", "Reply-To", "Sender", "Return-Path", "X-QLVB-Status",
                               "ARC-Authentication-Results", "Auto-Submitted", "Precedence", "In-Reply-To"]),
              st.from_regex(r"X-[A-Za-z0-9-]{1,12}", fullmatch=True)),
    st.one_of(header_text, results_strategy.map(lambda r: r.line().split(": ", 1)[1]), st.just(hop().split(": ", 1)[1]))),
    max_size=4)
trees = st.recursive(leaves, lambda children: st.one_of(
    st.builds(Multipart, st.sampled_from(["mixed", "alternative", "related", "signed", "report", "x-weird"]),
              st.lists(children, min_size=1, max_size=3).map(tuple)),
    st.builds(Forwarded, extra_headers.map(tuple), children),
), max_leaves=4)


class Renderer:
    def __init__(self, pdfs: dict[str, bytes]) -> None:
        self.pdfs = pdfs
        self.boundaries = 0
        self.attached: list[str] = []

    def part(self, node: Any) -> bytes:
        if isinstance(node, Multipart):
            self.boundaries += 1
            boundary = f"=_b{self.boundaries}_qlvb"
            body = b"".join(b"--" + boundary.encode() + b"\r\n" + self.part(child) + b"\r\n" for child in node.children)
            return (f'Content-Type: multipart/{node.subtype}; boundary="{boundary}"\r\n\r\n'.encode()
                    + b"preamble\r\n" + body + b"--" + boundary.encode() + b"--\r\n")
        if isinstance(node, Forwarded):
            inner = "".join(f"{name}: {value}\r\n" for name, value in node.headers).encode() + self.part(node.body)
            return b"Content-Type: message/rfc822\r\n\r\n" + inner
        return self.leaf(node)

    def leaf(self, leaf: Leaf) -> bytes:
        if leaf.payload == "text":
            return "Content-Type: text/plain; charset=utf-8\r\n\r\nKính gửi Văn thư,\r\nXin gửi văn bản.\r\n".encode()
        data = leaf.junk if leaf.payload == "random" else self.pdfs[leaf.payload]
        if leaf.payload in self.pdfs:
            self.attached.append(leaf.payload)
        head = f"Content-Type: {leaf.content_type}"
        disposition = "Content-Disposition: attachment"
        if leaf.filename is not None:
            if leaf.naming == "rfc2231":
                disposition += f"; filename*=utf-8''{urllib.parse.quote(leaf.filename)}"
            elif leaf.naming == "rfc2047":
                disposition += f'; filename="{encoded_word(leaf.filename)}"'
                head += f'; name="{encoded_word(leaf.filename)}"'
            else:
                disposition += f'; filename="{leaf.filename}"'
        if leaf.encoding == "base64":
            body = base64.encodebytes(data)
        elif leaf.encoding == "quoted-printable":
            body = quopri.encodestring(data)
        else:
            body = data
        return f"{head}\r\n{disposition}\r\nContent-Transfer-Encoding: {leaf.encoding}\r\n\r\n".encode("utf-8") + body


# ---- whole mails ------------------------------------------------------------------------------------------------
class Generated:
    """A mail's bytes and what the generator knows it proves."""

    def __init__(self, raw: bytes, evidence: Evidence) -> None:
        self.raw, self.evidence = raw, evidence

    def __repr__(self) -> str:
        """The header block and the MIME skeleton, without the attachments' bytes."""
        lines = [line for line in self.raw.decode("utf-8", "replace").splitlines()
                 if len(line) < 200 and (":" in line or line.startswith("--"))]
        return "\n".join(lines[:60]) + f"\n{self.evidence}"


@st.composite
def mails(draw, province: Province) -> Generated:  # type: ignore[no-untyped-def]
    evidence = Evidence()
    # above the province's Received: what its server wrote (results) and the hops after it
    above = draw(st.lists(st.one_of(results_strategy, st.sampled_from(["foreign-hop", "own-hop"])), max_size=4))
    foreign_between = False
    for item in reversed(above):  # from the province's own line upwards
        if item == "foreign-hop":
            foreign_between = True
        elif isinstance(item, Result) and not foreign_between:
            item.record(evidence)
    top = [hop("evil.example", "x") if i == "foreign-hop" else hop() if i == "own-hop" else i.line() for i in above]
    top.append(hop())  # the line the province's server wrote on receiving the mail
    # below it: whatever the sender wrote, results and hops included
    below = draw(st.lists(st.one_of(results_strategy.map(Result.line), st.just(hop()), st.just(hop("evil.example"))), max_size=3))
    headers = [("From", draw(from_strategy)), ("To", draw(st.sampled_from([CLERK, f"{CLERK}, {EVIL}", "undisclosed-recipients:;"]))),
               ("Subject", draw(st.one_of(header_text, header_text.map(encoded_word)))),
               ("Date", "Fri, 20 Nov 2026 09:00:00 +0700"), ("Message-ID", f"<{draw(st.uuids())}@mime.test>")]
    auto = draw(st.sampled_from([None, None, "no", "auto-replied", "auto-generated", "garbage"]))
    if auto is not None:
        headers.append(("Auto-Submitted", auto))
    headers += draw(extra_headers)
    renderer = Renderer(province.pdfs)
    body = renderer.part(draw(trees))
    message = "".join(f"{name}: {value}\r\n" for name, value in headers).encode("utf-8") + b"MIME-Version: 1.0\r\n" + body
    key_domain = draw(st.one_of(st.none(), st.sampled_from(DOMAINS)))
    if key_domain is not None:
        message = dkim_signed(message, province.keys[key_domain])
        evidence.domains.add(key_domain)
    lines = [*top, *below]
    evidence.pdfs = renderer.attached
    return Generated("".join(f"{line}\r\n" for line in lines).encode() + message, evidence)


def decide(province: Province, raw: bytes):  # type: ignore[no-untyped-def]
    facts = province.analyser.analyse(raw).facts
    with province.intake.gw.register.session() as session:
        return facts, province.intake.decide_on(session, facts)


PROPERTY = settings(max_examples=50, deadline=None, derandomize=True, report_multiple_bugs=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@PROPERTY
@given(data=st.data())
def test_every_mail_gets_a_decision_and_only_the_proven_an_answer(province_gateway: Province, data) -> None:  # type: ignore[no-untyped-def]
    """'Proven' as intake itself sees it: the authenticated From, or the directory mailbox of the
    issuer of a document accepted on its signature."""
    mail = data.draw(mails(province_gateway))
    facts, decisions = decide(province_gateway, mail.raw)
    directory = province_gateway.intake.gw.directory
    assert decisions
    for decision in decisions:
        assert decision.verdict in ("accepted", "returned", "quarantined", "duplicate", "ignored")
        p = decision.particulars
        issuer = directory.by_issuer(p.issuer, p.issuer_parent) if p.issuer else None
        for reply in decision.replies:
            if reply.kind == "alert":
                assert reply.to in (CLERK, LEADERS)
                continue
            by_sender = facts.sender.authenticated and reply.to == facts.sender.address
            by_signature = (decision.basis == "signature" and decision.verdict in ("accepted", "duplicate")
                            and issuer is not None and reply.to == issuer.mailbox)
            assert by_sender or by_signature, (reply, facts.sender, decision.basis)


@PROPERTY
@given(data=st.data())
def test_a_sender_is_authenticated_only_by_what_the_mail_really_proves(province_gateway: Province, data) -> None:  # type: ignore[no-untyped-def]
    """Against what the generator knows: results the province's server wrote above its own Received
    line (no foreign hop between), DKIM signatures made with a domain's key (strict alignment); and an
    acknowledgement to somebody unproven only for a PDF really signed by that agency."""
    mail = data.draw(mails(province_gateway))
    facts, decisions = decide(province_gateway, mail.raw)
    if facts.sender.authenticated:
        assert mail.evidence.proves(facts.sender.address), (facts.sender, mail.evidence)
    truly_signed_for = {province_gateway.signed_for[name] for name in mail.evidence.pdfs if name in province_gateway.signed_for}
    for decision in decisions:
        for reply in decision.replies:
            if reply.kind == "alert":
                continue
            proven = mail.evidence.proves(reply.to) and facts.sender.authenticated and reply.to == facts.sender.address
            assert proven or (reply.kind == "ack" and reply.to in truly_signed_for), (reply, facts.sender, mail.evidence)


# ---- a genuine signed mail, lines added to its header block: nothing of the forger's is read under its signature ----
@pytest.fixture(scope="module")
def genuine_letter(province_gateway: Province) -> tuple[bytes, str, set[str]]:
    """A mail Sở Tư pháp's server signed (a letter and its signed document): its bytes, MIME boundary and
    the SHA-256 of the files the gateway reads in it."""
    from kit import make_mail

    pdf = province_gateway.pdfs["signed-by-stp"]
    letter = make_mail(sender=STP, to=[CLERK], subject="Mời họp", attachments=[("moi-hop.pdf", pdf)]).split(b"\r\n", 1)[1]
    raw = dkim_signed(letter, province_gateway.keys["sotp.bacgiang.gov.vn"])  # no Received line above
    facts = province_gateway.analyser.analyse(raw).facts
    assert facts.sender.authenticated and facts.attachments, facts.sender
    boundary = raw.split(b'boundary="', 1)[1].split(b'"', 1)[0].decode()
    return raw, boundary, {a.sha256 for a in facts.attachments}


LINE_ENDS = ["\r", "\n", "\r\n", "\r\r", "\n\n", "\r\n\r\n", "\x0b", "\x0c", "\x1c", "\x1e", "\x85", "\u2028"]
# what may end Python's headers, or a server's, or neither: a line that is no header field, "name : value"
# (a header to a server, obsolete syntax), a misplaced mbox line, a continuation
BREAKERS = ["no header", "X : y", ":x", "From x", " folded", "\x0b", ""]


def added_lines(boundary: str) -> st.SearchStrategy[str]:
    """What a forger adds to a signed mail's header block, as one header: pieces of line ends of every
    kind, part headers, boundaries and a PDF's start; or a part of their own (a line that may end
    Python's headers, the part under the mail's boundary or the forger's "Z:", its lines joined by one
    kind of line end), each of its lines "name : value" where a server should take it for a header."""
    words = ["ok", ":", " ", "\t", "no header", "X : y", f"--{boundary}", "--Z:", "Content-Type: application/pdf",
             'Content-Disposition: attachment; filename="cv.pdf"', "Content-Transfer-Encoding: base64", f"To: {CLERK}",
             f"From: {STP}", "JVBERi0xLjcKJeLjz9MK"]
    pieces = st.builds(lambda parts: "".join(parts), st.lists(st.sampled_from(LINE_ENDS + words), max_size=12))
    part = st.builds(
        lambda breaker, fence, end, spaced: end.join(
            ["ok", breaker, f"--{fence}", "Content-Type: application/pdf" + spaced, "JVBERi0xLjcKJeLjz9MK" + spaced,
             f"--{fence}--"]),
        st.sampled_from(BREAKERS), st.sampled_from([boundary, "Z:"]), st.sampled_from(["\r", "\n", "\r\n"]),
        st.sampled_from(["", " :"]))
    name = st.sampled_from(["X-Note", "Content-Type", "To", "Subject", "Received", "Authentication-Results"])
    return st.builds(lambda n, value: f"{n}: {value}\r\n", name, st.one_of(pieces, part))


def a_server_reads_headers(added: bytes) -> bool:
    """Whether a mail server (lines end at LF) reads these lines as header fields, "name : value" too:
    then the header block it sees ends where it did, the body it hashes is the signed one, and its DKIM
    verifier passes the genuine signature."""
    lines = added.split(b"\n")
    return lines[-1] == b"" and all(re.match(rb"[!-9;-~]+[ \t]*:|[ \t]", line) for line in lines[:-1])


@settings(PROPERTY, max_examples=150)
@given(data=st.data())
def test_lines_added_to_a_signed_mail_never_put_a_file_of_the_forgers_under_its_signature(  # type: ignore[no-untyped-def]
        province_gateway: Province, genuine_letter: tuple[bytes, str, set[str]], data) -> None:
    """Whatever a forger adds to a genuine signed mail's header block (one header anywhere in it, and a
    Content-Type of theirs on top or not), with or without the province's server's `dkim=pass` (written
    only when the server, ending lines at LF, still sees the signed headers and body): if the gateway
    takes the mail as the sender's, every file it reads is one the sender signed, and the analysis never
    fails. Red team 9: a bare CR in an added header had Python's parser end the headers early and read
    the forger's parts where DKIM saw one unsigned header; "name : value" lines did the same where a
    server takes them for headers; a line with no "name:" made dkimpy raise (processing-failed)."""
    raw, boundary, files = genuine_letter
    head, body = raw.split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    starts = [i for i in range(len(lines) + 1) if i == len(lines) or not lines[i][:1].isspace()]
    at = data.draw(st.sampled_from(starts))
    added = data.draw(added_lines(boundary)).encode("utf-8", "surrogateescape")
    top = b'Content-Type: multipart/mixed; boundary="Z:"\r\n' if data.draw(st.booleans(), label="a Content-Type on top") else b""
    forged = top + b"".join(line + b"\r\n" for line in lines[:at]) + added + b"".join(line + b"\r\n" for line in lines[at:])
    if a_server_reads_headers(added) and data.draw(st.booleans(), label="the province's server checked its DKIM"):
        forged = f"{results(f'{MX}; dkim=pass header.d=sotp.bacgiang.gov.vn')}\r\n{hop()}\r\n".encode() + forged
    facts = province_gateway.analyser.analyse(forged + b"\r\n" + body).facts
    if facts.sender.authenticated:
        assert {a.sha256 for a in facts.attachments} <= files, (added, facts.sender, [a.filename for a in facts.attachments])


@settings(PROPERTY, max_examples=40)
@given(extra=st.lists(st.tuples(st.sampled_from(["D", "dD", "d_", "i", "I", "H", "L", "S", "A"]),
                                st.sampled_from(["sotp.bacgiang.gov.vn", "@sotp.bacgiang.gov.vn", "from:to", "0", "qlvb"])),
                      min_size=1, max_size=3))
def test_a_forgers_own_signature_never_speaks_for_another_domain_whatever_tags_it_adds(  # type: ignore[no-untyped-def]
        province_gateway: Province, extra: list[tuple[str, str]]) -> None:
    """A mail wholly the forger's, From Sở Tư pháp, signed with the forger's own key (evil.example, a key the
    gateway finds as it would in DNS) and tags added to the signature in any case: never Sở Tư pháp's.
    (Red team 10: "D=sotp.bacgiang.gov.vn" was read as d= here and ignored by dkimpy, which verified.)"""
    import dkim

    from kit import make_mail

    key = province_gateway.keys["evil.example"]

    class Signer(dkim.DKIM):
        def gen_header(self, fields, *args, **kwargs):  # type: ignore[no-untyped-def]
            added = [(name.encode(), value.encode()) for name, value in extra]
            return super().gen_header([f for field in fields for f in ([field, *added] if field[0] == b"d" else [field])],
                                      *args, **kwargs)

    mail = make_mail(sender=STP, to=[CLERK], subject="Gửi văn bản", attachments=[
        ("cv.pdf", province_gateway.pdfs["unsigned"])]).split(b"\r\n", 1)[1]
    signed = Signer(mail).sign(key.selector.encode(), key.domain.encode(), key.private_pem,
                               include_headers=[b"from", b"to", b"subject", b"date", b"message-id", b"mime-version",
                                                b"content-type"]) + mail
    facts = province_gateway.analyser.analyse(f"{hop()}\r\n".encode() + signed).facts
    assert not facts.sender.authenticated, (extra, facts.sender)
