"""Red team 111: the fixes of red teams 109 and 110 (db1c00d, daedb61), both ways: genuine documents, configurations and
people the fixes may now refuse, and inputs that get round them. Failing tests are faults found (their docstrings say
what was done, what happened, what was expected and where the fault is); passing ones guard what held."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from gateway.demo.signing import sign_pdf
from world import GATEWAY, World, our_identifier

EVIL = "someone@evil.example"
BLOCK = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Tư pháp;"]
TO_US = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Nội vụ tỉnh Bắc Giang;"]


def _run(world: World, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    if stdin is None:
        return world.run(*args, check=False)
    return subprocess.run([*GATEWAY, *args], input=stdin, capture_output=True, text=True, cwd=world.root, timeout=300)


def _cfg(world: World) -> str:
    return str(world.config_path)


def _codes(out: dict[str, Any]) -> set[str]:
    return {r["code"] for r in out["reasons"]}


def _rows(world: World, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(world.root / "qlvb.db") as db:
        return db.execute(sql, args).fetchall()


def _refused_cleanly(done: subprocess.CompletedProcess[str], status: int = 2) -> None:
    assert "Traceback" not in done.stderr, done.stderr[-1500:]
    assert done.returncode == status, (done.returncode, done.stdout[-500:], done.stderr[-1500:])
    lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr[-1500:]


def _one_line(world: World) -> str:
    world.run("register", "add", "--config", _cfg(world), "--issuer", "Sở Tư pháp", "--number", "12/STP",
              "--summary", "Giấy mời họp", "--received-at", "2026-12-02T09:00")
    return str(_rows(world, "SELECT year FROM documents")[0][0])


# ================================================================================================== register print -o

@pytest.mark.parametrize("target", ["pki/root.pem", "pki/root.crl", "pki/intermediate.crl"],
                         ids=["trust-root", "root-crl", "intermediate-crl"])
def test_the_printed_register_never_overwrites_the_trust_anchors(world: World, target: str) -> None:
    """FAULT (high: the gateway's trust broken by a typo). Did: in the agency's folder, `qlvb-gateway register print
    --config config.yaml --year 2026 -o pki/root.pem` (config.yaml's `trust.roots`; or a CRL of `trust.crls`), as red
    team 110's `-o qlvb.db`, with another of the gateway's own files.
    Happened: "pki/root.pem: 1 văn bản…", exit 0: the CA root the gateway trusts replaced by a PDF; every later command
    that loads the configuration fails (or, for a CRL, revocation is no longer known).
    Expected: refused as `-o qlvb.db` now is, exit 2, the file intact.
    Fault: gateway/cli.py _output (its `own` set: config, database, directory, store; not trust.roots/crls, nor the
    signing key, TLS keys, DKIM key files the configuration names)."""
    year = _one_line(world)
    before = (world.root / target).read_bytes()
    done = _run(world, "register", "print", "--config", _cfg(world), "--year", year, "-o", target)
    assert (world.root / target).read_bytes() == before, (done.returncode, done.stdout, done.stderr[-300:])
    _refused_cleanly(done)
    assert _run(world, "register", "list", "--config", _cfg(world)).returncode == 0


def test_held_the_printed_register_never_overwrites_the_register_through_a_symlink_or_query(world: World) -> None:
    """HELD: `-o` a symlink to qlvb.db, the register's -wal name, and a database URL with `?timeout=`."""
    cfg = world.config_dict()
    cfg["database"] = "sqlite:///qlvb.db?timeout=30"
    import yaml
    world.config_path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    year = _one_line(world)
    (world.root / "link.pdf").symlink_to(world.root / "qlvb.db")
    for target in ("link.pdf", "qlvb.db", "./qlvb.db-wal", "store/x.pdf", "directory.csv"):
        done = _run(world, "register", "print", "--config", _cfg(world), "--year", year, "-o", target)
        assert done.returncode == 2, (target, done.stdout, done.stderr)
    assert _rows(world, "SELECT arrival_number FROM documents") == [(1,)]


# ================================================================================================== people

def test_a_person_added_before_with_a_decomposed_name_can_still_log_in_and_be_disabled(world: World) -> None:
    """FAULT (medium: a person no one can lock out). Did: a person added by the version before red team 110's fix from a
    Mac terminal: `user add nguyễn.lan --role clerk`, the name stored as typed, decomposed (NFD), as that version kept it
    (the row written here as that version wrote it). Then, after the upgrade: `user disable nguyễn.lan` (typed on a
    Mac: NFD again; or on Windows: NFC), and a login with the name and password.
    Happened: "nguyễn.lan: no such person", exit 2, whichever form is typed: registry/people.py now looks every name up
    as nfc(name) while the row still holds the NFD one, and no migration made stored names NFC; the person cannot log
    in any more, and cannot be disabled either (`user list` still shows them, not disabled).
    Expected: the person found whichever way the name is typed, so they can be disabled (and log in): names stored
    before made NFC by a migration, or the lookup comparing the NFC of the stored name.
    Fault: registry/people.py disable_person / person / check_password (nfc on the typed name only), no migration."""
    from datetime import datetime, timezone

    from registry.people import check_password

    name = "nguyễn.lan"
    first = _run(world, "user", "add", "--config", _cfg(world), name, "--role", "clerk", stdin="mat-khau-thu\n")
    assert first.returncode == 0, first.stderr
    with sqlite3.connect(world.root / "qlvb.db") as db:  # as the version before wrote a name typed decomposed
        db.execute("UPDATE people SET name = ? WHERE name = ?", (unicodedata.normalize("NFD", name), name))
    typed = unicodedata.normalize("NFD", name)  # as the person types it at the same Mac, as when added
    register = world.db()
    try:
        with register.session() as session, session.begin():
            assert check_password(session, typed, "mat-khau-thu", datetime.now(timezone.utc)) is not None
    finally:
        register.close()
    done = _run(world, "user", "disable", "--config", _cfg(world), unicodedata.normalize("NFD", name))
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("twin", ["\u00d0ặng.an", "Đặng.an ", "Đặng\u00a0an", "Đặng.\u0430n"],
                         ids=["legacy-eth", "trailing-space", "nbsp", "cyrillic-a"])
def test_a_second_person_whose_name_looks_the_same_by_other_means_is_refused(world: World, twin: str) -> None:
    """FAULT (low). Red team 110's fix (NFC, invisible characters refused) with other look-alikes: `user add Đặng.an`
    (or "Đặng an"), then the same name with the Icelandic Ð (U+00D0, which legacy converters write for Đ and which
    vntext itself takes as Đ), a trailing space, a no-break space, or a Cyrillic а.
    Happened: both added, exit 0: `user list` shows two people that look the same; the audit log cannot tell them
    apart. Expected: "there is already a person of this name" (or the character refused), exit 2.
    Fault: registry/people.py add_person (nfc only: no printed_letters/look-alike fold, no strip, no foreign letters)."""
    base = "Đặng an" if "\u00a0" in twin else "Đặng.an"
    first = _run(world, "user", "add", "--config", _cfg(world), base, "--role", "viewer", stdin="mat-khau-thu\n")
    assert first.returncode == 0, first.stderr
    second = _run(world, "user", "add", "--config", _cfg(world), twin, "--role", "clerk", stdin="mat-khau-thu\n")
    _refused_cleanly(second)


# ================================================================================================== blank reasons

@pytest.mark.parametrize("reason", ["\u200b", "\u2800", "\u3164"], ids=["zwsp", "braille-blank", "hangul-filler"])
def test_a_recall_with_an_invisible_reason_is_refused(world: World, reason: str) -> None:
    """FAULT (low). Red team 110 refused `recall … --reason " "`; a reason that is a zero-width space (a copy from a web
    form), a braille blank or a Hangul filler is as blank on the recipient's screen. Happened: the recall notice queued,
    the document recalled for good, exit 0. Expected: refused, exit 2, nothing recalled.
    Fault: gateway/exchange/recall.py recall_outgoing (reason.strip(): Unicode whitespace only; not what is drawn as
    nothing, vntext.printed_letters / unseen)."""
    path = world.root / "out.pdf"
    path.write_bytes(world.document(issuer="SỞ NỘI VỤ", number="45/SNV-VP", recipients=BLOCK, kinh_gui=["Sở Tư pháp"]))
    world.run("send", "--config", _cfg(world), str(path), "--json")
    done = _run(world, "recall", "--config", _cfg(world), our_identifier(1), "--reason", reason)
    assert [state for (state,) in _rows(world, "SELECT state FROM outgoing_documents")] == ["sent"]
    _refused_cleanly(done)


# ================================================================================================== configuration

def test_a_config_yaml_with_an_anchor_and_merge_key_still_loads(world: World) -> None:
    """FAULT (high: a working configuration refused at start after the upgrade; new with red team 110's fix). Did: an
    operator's config.yaml sharing mailbox settings by an anchor and a merge key (`imap: {<<: *imap, username: …}`),
    as YAML allows and PyYAML's safe_load (the loader before) reads. Happened: "config.yaml: not valid YAML at line 47,
    column 5: could not determine a constructor for the tag 'tag:yaml.org,2002:merge'", exit 2: the daemon does not
    start. Expected: the merge read as before (and only a key really given twice refused).
    Fault: gateway/text_files.py _NoKeyTwice.construct_mapping (constructs each key node before SafeConstructor's
    flatten_mapping has taken the `<<` keys out; call self.flatten_mapping(node) first, and skip merge keys)."""
    text = world.config_path.read_text(encoding="utf-8")
    text += ("imap_defaults: &imap\n  host: 127.0.0.1\n  port: 1143\n  security: none\n"
             "mailboxes:\n"
             "- name: vanthu\n  imap:\n    <<: *imap\n    username: vanthu@snv.bacgiang.gov.vn\n")
    world.config_path.write_text(text, encoding="utf-8")
    done = _run(world, "register", "list", "--config", _cfg(world))
    # imap_defaults is an unknown top-level key: what matters is that the merge key did not crash the loader
    assert "Traceback" not in done.stderr, done.stderr[-1500:]
    assert "given twice" not in done.stderr and "not valid YAML" not in done.stderr, done.stderr


def test_a_config_yaml_merge_key_overriding_a_merged_value_is_not_a_key_given_twice(world: World) -> None:
    """FAULT (same as above; the directory YAML too, gateway/directory.py parse_directory uses load_yaml). `<<: *b`
    then one of its keys given again to override it (YAML's merge: the mapping's own wins), and a list of merges.
    Happened: TextFileError "could not determine a constructor for the tag 'tag:yaml.org,2002:merge'".
    Expected: what yaml.safe_load gives; not "given twice" either."""
    import yaml

    from gateway.text_files import load_yaml

    path = world.root / "m.yaml"
    path.write_text("base: &b {host: a, port: 1}\nuse:\n  <<: *b\n  port: 2\nboth:\n  <<: [*b, {port: 3}]\n",
                    encoding="utf-8")
    loaded = load_yaml(path)
    assert loaded["use"] == {"host": "a", "port": 2}
    assert loaded == yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("url", ["sqlite:///qlvb.db?timeout=30", "postgresql+psycopg://qlvb@/qlvb?host=/var/run/postgresql",
                                 "postgresql://qlvb:secret@db.example:5432/qlvb", "postgresql+psycopg2://u@h/qlvb"],
                         ids=["sqlite-timeout", "pg-socket", "pg-plain", "pg-psycopg2"])
def test_held_genuine_database_urls_are_accepted(world: World, url: str) -> None:
    from gateway.config import config_from_dict

    cfg = world.config_dict()
    cfg["database"] = url
    config_from_dict(cfg, world.root)


# ================================================================================================== name-lookalike

def _outside_letter(world: World, issuer: str, parent: str | None, cn: str, organisation: str | None,
                    number: str, place: str) -> dict[str, Any]:
    """A letter of an agency outside our directory, signed with a certificate naming it, mailed from a mailbox nothing
    proves (the signature is its only proof): accepted only when the certificate speaks for the issuer."""
    signer = world.pki.signer(cn, organisation)
    pdf = sign_pdf(world.document(issuer=issuer, issuer_parent=parent, number=number, place=place, recipients=TO_US),
                   signer, world.pki)
    [out] = world.ingest(world.mail(f"o-{number.split('/')[0]}", sender=EVIL, auth=None, attachments=[("a.pdf", pdf)]))
    return out


@pytest.mark.parametrize(("issuer", "parent", "cn", "org", "place"), [
    ("UBND XÃ IA H\u02bcDRAI", "UBND TỈNH QUẢNG NGÃI", "UBND xã Ia H\u02bcDrai", "UBND tỉnh Quảng Ngãi", "Ia H\u02bcDrai"),
    ("UBND XÃ IA H\u2019DRAI", "UBND TỈNH QUẢNG NGÃI", "UBND xã Ia H\u2019Drai", "UBND tỉnh Quảng Ngãi", "Ia H\u2019Drai"),
], ids=["modifier-apostrophe", "right-quote"])
def test_a_genuine_issuer_with_an_apostrophe_in_a_place_name_is_not_hidden_text(
        world: World, issuer: str, parent: str, cn: str, org: str, place: str) -> None:
    """FALSE REFUSAL (medium). Did: a genuine letter of UBND xã Ia H'Drai (the Central Highlands' place names take an
    apostrophe: Ia H'Drai, Đắk R'Lấp, M'Đrắk, Ea H'Leo), typed with U+02BC MODIFIER LETTER APOSTROPHE (what Vietnamese
    keyboards and converters type for the apostrophe in names), signed with its own certificate.
    Happened: `hidden-text` ("tên cơ quan …"): vntext.foreign_letters takes U+02BC, a letter by Unicode (Lm), as a
    letter no Vietnamese name is written with, so name-lookalike flags the issuer line; the same certificate's name
    makes certificate_places None (it speaks for nobody). Expected: no hidden-text; U+02BC (and U+02BB) drawn as an
    apostrophe are an apostrophe. Fault: vntext/__init__.py foreign_letters (and printed_letters: U+02BC not mapped
    to ’), used by gateway/reading/__init__.py _particulars and gateway/decision/issuers.py certificate_places."""
    out = _outside_letter(world, issuer, parent, cn, org, "31/UBND-VP", place)
    assert "hidden-text" not in _codes(out), out["reasons"]


def test_a_genuine_sở_of_thành_phố_hà_nội_signed_with_its_own_certificate_is_accepted(world: World) -> None:
    """FALSE REFUSAL (medium; older than red team 109, still there). Did: a genuine letter headed "UBND THÀNH PHỐ HÀ NỘI / SỞ TƯ PHÁP" (an agency outside our
    directory: another province-level city's), signed with its own certificate "CN=Sở Tư pháp thành phố Hà Nội,
    O=UBND thành phố Hà Nội" (a city's Sở is named with "thành phố", never "tỉnh").
    Happened: not registered (signer-not-issuer): issuers._spellings spells the issuer under its place only as
    "… tỉnh HÀ NỘI", so "Sở Tư pháp thành phố Hà Nội" is never the printed "Sở Tư pháp" of Hà Nội; certificate_places
    says HA NOI for both. The same letter signed "CN=Sở Tư pháp tỉnh Lâm Đồng"-style works for a tỉnh.
    Expected: the certificate speaks for the issuer (same name, same place): accepted on its signature.
    Fault: gateway/decision/issuers.py _spellings ("tỉnh" only; not "thành phố", "TP.")."""
    out = _outside_letter(world, "SỞ TƯ PHÁP", "UBND THÀNH PHỐ HÀ NỘI", "Sở Tư pháp thành phố Hà Nội",
                          "UBND thành phố Hà Nội", "52/STP-VP", "Hà Nội")
    assert "signer-not-issuer" not in _codes(out), out["reasons"]


def test_held_control_a_sở_of_a_tỉnh_signed_with_its_own_certificate(world: World) -> None:
    out = _outside_letter(world, "SỞ TƯ PHÁP", "UBND TỈNH LÂM ĐỒNG", "Sở Tư pháp tỉnh Lâm Đồng",
                          "UBND tỉnh Lâm Đồng", "53/STP-VP", "Lâm Đồng")
    assert "signer-not-issuer" not in _codes(out), out["reasons"]


BRAILLE_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"  # draws U+2800 (BRAILLE PATTERN BLANK) as a space


@pytest.mark.parametrize("issuer", ["SỞ\u2800TƯ PHÁP", "SỞ TƯ\u2800PHÁP"], ids=["after-SO", "after-TU"])
def test_held_a_copy_of_a_recalled_letter_printing_its_issuer_with_a_braille_blank_is_never_registered(
        world: World, issuer: str) -> None:
    """HELD (attack on red team 109's name-lookalike). Red team 106/108/109's attack: Sở Tư pháp's 710/STP-VP is
    registered, then recalled; a firm mails a "certified copy" of it with a forger's summary, its issuer printed
    "SỞ⠀TƯ PHÁP": the space a U+2800 BRAILLE PATTERN BLANK, which DejaVu Sans Bold draws as a blank: the page shows
    "SỞ TƯ PHÁP". U+2800 is no letter (So), so vntext.foreign_letters(printed_letters(...)) says nothing (no
    name-lookalike), and it is no white space, so fold keeps it ("SO\u2800TU PHAP"): issuer_key misses the recalled line.
    Held: the copy is held all the same (the squashed name and the recalled number still find the recalled line), but
    foreign_letters does not flag U+2800, nor fold take it as a space."""
    from test_redteam106 import _held_unanswered
    from test_redteam108 import _recalled_710, _reprinted_copy

    _recalled_710(world)
    [copy] = world.ingest(_reprinted_copy(world, "copy", issuer, BRAILLE_FONT))
    _held_unanswered(copy)
    assert [d.recalled for d in world.documents()] == [True]


def test_held_control_the_same_copy_reprinted_plain_is_held(world: World) -> None:
    from test_redteam106 import _held_unanswered
    from test_redteam108 import _recalled_710, _reprinted_copy

    _recalled_710(world)
    [copy] = world.ingest(_reprinted_copy(world, "copy", "SỞ TƯ PHÁP", BRAILLE_FONT))
    _held_unanswered(copy)


def test_the_printed_registers_part_file_never_writes_through_a_link_to_the_register(world: World) -> None:
    """FAULT (medium: the register overwritten in a shared folder). Red team 110's fix writes the register to
    `.NAME.part` beside the output, then renames it. Did: in a folder others may write (a department's share, here
    `share/`), someone left `share/.so-den.pdf.part` a symbolic link to the agency's qlvb.db; the operator runs
    `register print --config config.yaml --year 2026 -o share/so-den.pdf` (an output _output rightly accepts).
    Happened: Path.write_bytes follows the link: the PDF written over qlvb.db (every later command: "file is not a
    database"), then the link renamed to so-den.pdf; exit 0.
    Expected: the part file made new (tempfile.mkstemp / O_CREAT|O_EXCL|O_NOFOLLOW in the output's folder), never
    opened through what is there already; the register intact.
    Fault: gateway/cli.py _write (part.write_bytes on a fixed, guessable name)."""
    year = _one_line(world)
    share = world.root / "share"
    share.mkdir()
    (share / ".so-den.pdf.part").symlink_to(world.root / "qlvb.db")
    done = _run(world, "register", "print", "--config", _cfg(world), "--year", year, "-o", "share/so-den.pdf")
    assert (world.root / "qlvb.db").read_bytes()[:16] == b"SQLite format 3\x00", (done.returncode, done.stdout)
    assert _rows(world, "SELECT arrival_number FROM documents") == [(1,)]


def test_held_the_printed_register_over_a_hard_link_to_the_register_leaves_the_register(world: World) -> None:
    """HELD: `-o copy.pdf` where copy.pdf is a hard link to qlvb.db: os.replace puts a new file in its place."""
    year = _one_line(world)
    import os

    os.link(world.root / "qlvb.db", world.root / "copy.pdf")
    _run(world, "register", "print", "--config", _cfg(world), "--year", year, "-o", "copy.pdf")
    assert _rows(world, "SELECT arrival_number FROM documents") == [(1,)]


def test_a_genuine_letter_of_thue_tinh_signed_with_its_own_certificate_is_accepted(world: World) -> None:
    """FALSE REFUSAL (medium; older than red team 109). Since 1 July 2025 the tax offices are "Thuế tỉnh Lâm Đồng" under "CỤC THUẾ" (and the
    statistics offices "Thống kê tỉnh …"). Did: a genuine letter headed "CỤC THUẾ / THUẾ TỈNH LÂM ĐỒNG", signed with its
    own certificate "CN=Thuế tỉnh Lâm Đồng, O=Cục Thuế", mailed from a mailbox the gateway cannot prove (an agency
    outside the directory: its signature is its proof). Happened: signer-not-issuer: issuers.is_agency_name does not
    know "Thuế …" (AGENCY_WORDS), so _names_issuer says the certificate names nobody. Expected: accepted on its
    signature, as "Sở Tư pháp tỉnh Lâm Đồng"'s is. Fault: gateway/decision/issuers.py AGENCY_WORDS / _names_issuer."""
    out = _outside_letter(world, "THUẾ TỈNH LÂM ĐỒNG", "CỤC THUẾ", "Thuế tỉnh Lâm Đồng", "Cục Thuế",
                          "54/TLĐ-NVDTPC", "Lâm Đồng")
    assert "signer-not-issuer" not in _codes(out), out["reasons"]


def test_a_genuine_so_whose_certificate_names_its_province_in_l_with_an_en_dash_is_accepted(world: World) -> None:
    """FALSE REFUSAL (low; older than red team 109). A certificate naming its province only in L, typed as the province writes itself, with an
    en dash: "CN=Sở Tư pháp, O=Sở Tư pháp, L=Bà Rịa – Vũng Tàu", for a letter "UBND TỈNH BÀ RỊA – VŨNG TÀU / SỞ TƯ
    PHÁP". Happened: signer-not-issuer: certificate_places folds L and replaces hyphens only ("BA RIA – VUNG TAU"),
    while place_of (the issuer's place) replaces every dash ("BA RIA VUNG TAU"); red team 109 made a certificate whose
    places differ from the issuer's refuse. Expected: one place, accepted. Fault: gateway/decision/issuers.py
    certificate_places (the locality: .replace("-", " ") only; use vntext.plain_dashes as place_of does)."""
    signer = world.pki.signer("Sở Tư pháp", "Sở Tư pháp", locality="Bà Rịa – Vũng Tàu")
    pdf = sign_pdf(world.document(issuer="SỞ TƯ PHÁP", issuer_parent="UBND TỈNH BÀ RỊA – VŨNG TÀU", number="55/STP-VP",
                                  place="Bà Rịa – Vũng Tàu", recipients=TO_US), signer, world.pki)
    [out] = world.ingest(world.mail("brvt", sender=EVIL, auth=None, attachments=[("a.pdf", pdf)]))
    assert "signer-not-issuer" not in _codes(out), out["reasons"]


def test_held_a_config_yaml_with_a_byte_order_mark_loads(world: World) -> None:
    text = world.config_path.read_text(encoding="utf-8")
    world.config_path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    done = _run(world, "register", "list", "--config", _cfg(world))
    assert done.returncode == 0, done.stderr[-800:]


def test_held_migration_0019_on_postgresql_rewrites_the_keys(tmp_path: Path) -> None:
    """HELD: migration 0019 on PostgreSQL, a letter with en dashes registered before it (keys as the code before wrote
    them), then the same letter printed with hyphens after it: one letter (red team 108's SQLite test, on PostgreSQL)."""
    from sqlalchemy import text

    from registry.database import Register
    from registry.models import Document
    from registry.register_line import Issue, RegisterLine, earliest_same, issuer_key, register_incoming
    from servers import postgres
    from test_register_search import AGENCY, DAY, _downgrade

    name, parent = "SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI", "ỦY BAN NHÂN DÂN TỈNH BÀ RỊA – VŨNG TÀU"
    with postgres() as url:
        register = Register(url)
        with register.session() as session, session.begin():
            register_incoming(session, AGENCY, RegisterLine(
                medium="electronic", basis="signature", received_at=DAY, issuer=name, notation="88/SLĐTBXH-VP",
                subject="V/v công tác văn thư", issued_date="2026-10-30", issuer_parent=parent), DAY)
        _downgrade(register, "0018")
        with register.engine.begin() as connection:
            connection.execute(text("UPDATE documents SET issuer_key = :key, agency_key = :agency"),
                               {"key": "SO LAO DONG – THUONG BINH VA XA HOI / UY BAN NHAN DAN TINH BA RIA – VUNG TAU",
                                "agency": "SO LAO DONG – THUONG BINH VA XA HOI TINH BA RIA – VUNG TAU"})
        register.close()
        register = Register(url)
        try:
            with register.session() as session:
                row = session.query(Document).one()
                assert row.issuer_key == issuer_key(name, parent)
                again = earliest_same(session, AGENCY, "another file",
                                      Issue(name.replace("–", "-"), parent.replace("–", "-"), "88/SLĐTBXH-VP", 2026))
                assert again is not None and again.arrival_number == 1
        finally:
            register.close()


@pytest.mark.parametrize(("old", "new"), [("UBND TỈNH BẮC GIANG", "UBND TỈNH BẮC GlANG"),
                                          ("UBND TỈNH BẮC GIANG", "UBND TỈNH BẮC GIANG\u2800"),
                                          ("SỞ TƯ PHÁP", "SỞ TƯ PHÁP\u2800")],
                         ids=["parent-l-for-I", "parent-braille-blank", "issuer-trailing-braille-blank"])
def test_held_a_copy_of_a_recalled_letter_with_its_parent_line_written_otherwise_is_never_registered(
        world: World, old: str, new: str) -> None:
    """HELD. Attack on red team 109's name-lookalike (it looks at letters of other scripts only): the recalled 710/STP-VP's
    "certified copy" by a firm, its header's parent line printed "UBND TỈNH BẮC GlANG" (a small L for the capital I:
    DejaVu Sans Bold draws both as one bar) or with a BRAILLE PATTERN BLANK after it (drawn as nothing), or the issuer
    line so. Expected: held (`recalled`), nothing registered."""
    from test_redteam65 import FORGED
    from test_redteam106 import _held_unanswered
    from test_redteam108 import _recalled_710, _reprinted
    from world import certified_copy

    _recalled_710(world)
    firm = world.pki.signer("Công ty TNHH Minh Phát", "Công ty TNHH Minh Phát")
    page = _reprinted(world.document(number="710/STP-VP", summary=FORGED), old, new, BRAILLE_FONT)
    fake = certified_copy(page, "CÔNG TY TNHH MINH PHÁT", "", "11/SY-MP")
    mail = world.mail("copy", sender=EVIL, auth=None, attachments=[("sao-y.pdf", sign_pdf(fake, firm, world.pki))])
    [copy] = world.ingest(mail)
    _held_unanswered(copy)
    assert [d.recalled for d in world.documents()] == [True]


@pytest.mark.parametrize("issuer", ["\u200b", "\u2800"], ids=["zwsp", "braille-blank"])
def test_a_paper_line_with_an_invisible_issuer_is_refused(world: World, issuer: str) -> None:
    """FAULT (low). Red team 110 refused `register add --issuer ""`: an issuer that is a zero-width space or a braille blank is as
    empty in the printed register. Expected: exit 2, nothing numbered. Fault: gateway/cli.py register_add (.strip())."""
    done = _run(world, "register", "add", "--config", _cfg(world), "--issuer", issuer, "--number", "12/STP",
                "--summary", "Giấy mời họp", "--received-at", "2026-12-02T09:00")
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr[-500:])


@pytest.mark.parametrize("organisation", ["Lâm Đồng", "UBND Lâm Đồng", "Ủy ban nhân dân Lâm Đồng"],
                         ids=["province-alone", "ubnd-province", "uy-ban-province"])
def test_a_genuine_certificate_naming_its_province_in_o_without_tinh_speaks_for_its_so(
        world: World, organisation: str) -> None:
    """FALSE REFUSAL (medium; new with red team 109's fix). A genuine certificate "CN=Sở Tư pháp, O=Lâm Đồng" (its
    province in O without the word "tỉnh", as real certificates give "O=Tỉnh Đắk Nông" with it: realpdf 017) signs a
    letter "UBND TỈNH LÂM ĐỒNG / SỞ TƯ PHÁP". Happened: signer-not-issuer: certificate_places reads a place in O only
    after "tỉnh"/"thành phố"/"TP" (place_of), so the O names none and the certificate names no place; since red team
    109 a certificate naming no place never speaks for an issuer printed with one (before, it did). The same name in L
    is taken (the locality's fold). Expected: the O's province read as L's is: accepted on its signature.
    Fault: gateway/decision/issuers.py certificate_places (O read only by place_of; L by its fold too)."""
    out = _outside_letter(world, "SỞ TƯ PHÁP", "UBND TỈNH LÂM ĐỒNG", "Sở Tư pháp", organisation, "56/STP-VP", "Lâm Đồng")
    assert "signer-not-issuer" not in _codes(out), out["reasons"]


def test_held_control_the_province_in_l_speaks_for_its_so(world: World) -> None:
    signer = world.pki.signer("Sở Tư pháp", "Sở Tư pháp", locality="Lâm Đồng")
    pdf = sign_pdf(world.document(issuer="SỞ TƯ PHÁP", issuer_parent="UBND TỈNH LÂM ĐỒNG", number="57/STP-VP",
                                  place="Lâm Đồng", recipients=TO_US), signer, world.pki)
    [out] = world.ingest(world.mail("l-only", sender=EVIL, auth=None, attachments=[("a.pdf", pdf)]))
    assert "signer-not-issuer" not in _codes(out), out["reasons"]


def test_a_return_with_an_invisible_reason_is_refused(world: World) -> None:
    """FAULT (low). Red team 110 refused `review return ID --reason " "`; a reason that is a zero-width space is as blank.
    Did: a held mail, `review return ID --reason $'\\u200b'`. Expected: exit 2, the mail still waiting.
    Fault: gateway/review.py return_to_sender (reason.strip())."""
    world.extra["limits"] = {"seconds_per_document": 0.001}  # its reading stopped: held, from Sở Tư pháp's mailbox (DKIM)
    world.write_config()
    [held] = world.ingest(world.mail("held", attachments=[("a.pdf", world.document(number="91/STP"))]))
    assert held["verdict"] == "quarantined" and held["review_id"], held
    del world.extra["limits"]
    world.write_config()
    queued = _rows(world, "SELECT count(*) FROM outbox")  # the clerk's alert of the held mail
    done = _run(world, "review", "return", str(held["review_id"]), "--reason", "\u200b", "--config", _cfg(world))
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr[-500:])
    assert _rows(world, "SELECT count(*) FROM outbox") == queued


@pytest.mark.parametrize("issuer", [unicodedata.normalize("NFD", "SỞ TƯ PHÁP"), "SỞ\u00a0TƯ\u00a0PHÁP", "S\u01a0\u0309 T\u01a2 PHÁP"],
                         ids=["NFD", "NBSP", "legacy-horn-decomposed"])
def test_held_a_genuine_letter_whose_text_layer_writes_its_issuer_otherwise_is_not_hidden_text(
        world: World, issuer: str) -> None:
    """HELD: Sở Tư pháp's own letter, signed and from its mailbox, its issuer line's text layer decomposed (macOS
    export), with no-break spaces (Word), or with legacy Ƣ and a decomposed hook: no name-lookalike, accepted."""
    from test_redteam108 import _reprinted

    page = _reprinted(world.document(number="93/STP-VP"), "SỞ TƯ PHÁP", issuer, BRAILLE_FONT)
    [out] = world.ingest(world.mail("genuine", attachments=[("a.pdf", world.signed(pdf=page))]))
    assert "hidden-text" not in _codes(out) and out["verdict"] == "accepted", (out["verdict"], out["reasons"])
