"""Configuration errors name the key (exit 2); the register's paper entries share the series."""

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from world import World

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_unknown_key_is_named(world: World) -> None:
    mail = world.mail("x")
    cfg = world.config_dict()
    cfg["office_hours"]["lunch"] = "12:00"
    world.config_path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    done = world.run("check", "--config", str(world.config_path), "--json", str(mail), check=False, process=True)
    assert done.returncode == 2 and "office_hours.lunch: unknown key" in done.stderr


@pytest.mark.parametrize("key,value,message", [
    ("timezone", "Mars/Olympus", "timezone"),
    ("database", "mysql://x", "database"),
    ("trust", {"roots": ["missing.pem"]}, "trust.roots: file not found"),
    ("trust", {"roots": []}, "trust.roots: name at least one root"),
    ("agency", {"code": "12", "name": "x", "mailbox": "a@b"}, "agency.code"),
])
def test_bad_values_are_named(world: World, key: str, value: object, message: str) -> None:
    mail = world.mail("x")
    cfg = world.config_dict()
    cfg[key] = value
    world.config_path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    done = world.run("check", "--config", str(world.config_path), "--json", str(mail), check=False)
    assert done.returncode == 2 and message in done.stderr, done.stderr


def test_missing_file_is_a_usage_error(world: World) -> None:
    done = world.run("ingest", "--config", str(world.config_path), "--json", "nope.eml", check=False, process=True)
    assert done.returncode == 2 and "nope.eml" in done.stderr


def test_paper_and_electronic_share_one_series(world: World) -> None:
    world.ingest(world.mail("a", attachments=[("a.pdf", world.signed())]), process=True)
    done = world.run("register", "add", "--config", str(world.config_path), "--issuer", "Bộ Nội vụ",
                     "--number", "45/BNV-VP", "--summary", "V/v giấy", "--json", process=True)
    assert json.loads(done.stdout)["incoming_number"] == 2
    world.ingest(world.mail("b", attachments=[("b.pdf", world.signed(pdf=world.document(number="9/STP-VP")))]))
    rows = [json.loads(l) for l in world.run("register", "list", "--config", str(world.config_path), "--json", process=True).stdout.splitlines()]
    assert [(r["incoming_number"], r["medium"]) for r in rows] == [(1, "electronic"), (2, "paper"), (3, "electronic")]


def test_a_paper_documents_secrecy_is_one_of_the_three_degrees(world: World) -> None:
    # a newcomer (2026-12-05): --secrecy Foo was registered as the secrecy "Foo"
    from sqlalchemy import select

    from registry.models import Document

    paper = ["register", "add", "--config", str(world.config_path), "--issuer", "Công an tỉnh", "--summary", "Kế hoạch"]
    refused = world.run(*paper, "--number", "1/CAT-PA", "--secrecy", "Foo", check=False, process=True)
    assert refused.returncode == 2 and "Mật, Tối mật, Tuyệt mật" in refused.stderr
    world.run(*paper, "--number", "2/CAT-PA", "--secrecy", "tối mật")
    register = world.db()
    with register.session() as s:
        assert [(d.notation, d.secrecy) for d in s.scalars(select(Document))] == [("2/CAT-PA", "Tối mật")]
    register.close()


def test_paper_taken_in_outside_office_hours_counts_from_their_next_start(world: World) -> None:
    """Seed 000 Đ11.2, as for mail: paper registered at night after mail so moved to the next morning came before it
    (a newcomer's demo at 21:48 on a Friday: numbers 1–4 on Monday 07:30, number 5 on Friday 21:50, and the printed
    register's cover "from 07/12 to 04/12"). And a time of receipt in the future is refused."""
    from datetime import timedelta

    now = datetime.now(VN)
    start = (now + timedelta(hours=2)) if now.hour < 20 else now.replace(hour=1)  # office hours always still to come
    world.extra["office_hours"] = {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                                   "start": start.strftime("%H:%M"), "end": (start + timedelta(minutes=30)).strftime("%H:%M")}
    world.write_config()
    done = world.run("register", "add", "--config", str(world.config_path), "--issuer", "Bộ Nội vụ",
                     "--number", "45/BNV-VP", "--summary", "V/v giấy", "--json", process=True)
    assert json.loads(done.stdout)["incoming_number"] == 1
    [row] = [json.loads(l) for l in world.run("register", "list", "--config", str(world.config_path), "--json").stdout.splitlines()]
    received = datetime.fromisoformat(row["received_at"])
    assert received > now and received.strftime("%H:%M") == start.strftime("%H:%M"), row
    tomorrow = (now + timedelta(days=1)).isoformat()
    refused = world.run("register", "add", "--config", str(world.config_path), "--issuer", "Bộ Nội vụ", "--number", "46/BNV-VP",
                        "--summary", "V/v giấy", "--received-at", tomorrow, check=False, process=True)
    assert refused.returncode == 2 and "in the future" in refused.stderr


def test_directory_import(world: World, tmp_path) -> None:
    extra = tmp_path / "more.csv"
    extra.write_text("code,name,mailbox,aliases,groups\n000.00.20.H06,Sở Y tế tỉnh Bắc Giang,vanthu@syt.bacgiang.gov.vn,Sở Y tế,\n",
                     encoding="utf-8")
    done = world.run("directory", "import", "--config", str(world.config_path), str(extra), process=True)
    assert "1 added or changed" in done.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("ma,ten\n1,2\n", encoding="utf-8")
    assert world.run("directory", "import", "--config", str(world.config_path), str(bad), check=False).returncode == 2


def test_revocation_unknown_soft_and_hard(world: World) -> None:
    world.extra["trust"] = {"crls": []}
    world.write_config()
    mail = world.mail("sig", auth=None, sender="vanthu@unknown.example", attachments=[("a.pdf", world.signed())])
    soft = world.ingest(mail, command="check")[0]
    assert soft["verdict"] == "accepted" and {"code": "revocation-unknown", "severity": "warning"}.items() <= soft["reasons"][0].items()
    world.extra["trust"] = {"crls": [], "revocation": "hard"}
    world.write_config()
    hard = world.ingest(mail, command="check")[0]
    assert hard["verdict"] == "quarantined"
    assert any(r["code"] == "revocation-unknown" and r["severity"] == "error" for r in hard["reasons"])


def test_the_sample_configuration_names_every_key_and_is_valid() -> None:
    """config.yaml in the repository is the commented sample: every key of the schema, valid values."""
    from gateway.config import Config

    sample = yaml.safe_load((Path(__file__).resolve().parents[1] / "config.yaml").read_text(encoding="utf-8"))
    config = Config.model_validate(sample)  # the schema alone: the sample's trust files are the operator's
    assert config.mailboxes[0].imap is not None and config.mailboxes[0].imap.security == "tls"
    assert config.smtp is not None and [t.strftime("%H:%M") for t in config.schedule.digest] == ["11:30", "16:30"]
    missing = set(Config.model_fields) - set(sample) - {"base_dir"}
    assert missing == set(), f"keys without a sample in config.yaml: {missing}"
