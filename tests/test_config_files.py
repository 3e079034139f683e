"""The files a configuration names: a relative path is taken from the configuration's folder,
whatever the working folder; a file the gateway reads must exist at start-up (exit 2, the key
named); a password comes from its environment variable or from a file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from gateway.config import ConfigError, load_config
from gateway.mailboxes import mail_server
from world import World, run_in_process

IMAP = {"host": "imap.snv.bacgiang.gov.vn", "username": "vanthu@snv.bacgiang.gov.vn"}


def _write(world: World, **keys: object) -> Path:
    world.extra.update(keys)
    world.write_config()
    return world.config_path


def test_a_relative_ca_file_is_the_one_next_to_the_configuration(world: World, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (world.config_path.parent / "mail-ca.pem").write_bytes((world.root / "pki" / "root.pem").read_bytes())
    config = _write(world, mailboxes=[{"name": "vanthu", "imap": {**IMAP, "password_env": "QLVB_IMAP_PASSWORD",
                                                                  "ca_file": "mail-ca.pem"}}],
                    smtp={"host": "smtp.snv.bacgiang.gov.vn", "ca_file": "mail-ca.pem"})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("QLVB_IMAP_PASSWORD", "mật khẩu")
    loaded = load_config(config)
    assert loaded.mailboxes[0].imap is not None and loaded.smtp is not None
    assert mail_server(loaded.mailboxes[0].imap).ca_file == config.parent / "mail-ca.pem"
    assert mail_server(loaded.smtp).ca_file == config.parent / "mail-ca.pem"
    done = run_in_process(["register", "list", "--config", str(config), "--json"], elsewhere)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("keys,named", [
    ({"trust": {"roots": ["pki/root.pem", "pki/missing-root.pem"]}}, "trust.roots: file not found"),
    ({"trust": {"crls": ["pki/missing.crl"]}}, "trust.crls: file not found"),
    ({"directory": "missing.csv"}, "directory: file not found"),
    ({"smtp": {"host": "smtp.snv.bacgiang.gov.vn", "ca_file": "missing-ca.pem"}}, "smtp.ca_file: file not found"),
    ({"mailboxes": [{"name": "vanthu", "imap": {**IMAP, "password_env": "X", "ca_file": "missing-ca.pem"}}]},
     "mailboxes.0.imap.ca_file: file not found"),
    ({"signing": {"pkcs11": {"module": "missing-pkcs11.so", "token_label": "SNV", "key_label": "vanthu",
                             "pin_env": "QLVB_PIN"}}}, "signing.pkcs11.module: file not found"),
    ({"signing": {"pkcs12": "keys/missing.p12", "password_env": "X"}}, "signing.pkcs12: file not found"),
])
def test_a_missing_file_the_gateway_reads_is_a_config_error_naming_the_key(
        world: World, tmp_path: Path, keys: dict[str, object], named: str) -> None:
    config = _write(world, **keys)
    done = run_in_process(["register", "list", "--config", str(config), "--json"], tmp_path)
    assert done.returncode == 2 and named in done.stderr, done.stderr
    assert f"{config.parent}/" in done.stderr  # the path as resolved: in the configuration's folder


def test_a_password_from_a_file_or_from_the_environment(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    (world.root / "smtp-password").write_text("mật khẩu gửi\n", encoding="utf-8")
    smtp = {"host": "smtp.snv.bacgiang.gov.vn", "username": "vanthu@snv.bacgiang.gov.vn"}
    from_file = load_config(_write(world, smtp={**smtp, "password_file": "smtp-password"})).smtp
    assert from_file is not None and mail_server(from_file).password == "mật khẩu gửi"
    assert "mật khẩu" not in repr(from_file.password())  # a SecretStr: never in a log or a traceback

    from_env = load_config(_write(world, smtp={**smtp, "password_env": "QLVB_SMTP_PASSWORD"})).smtp
    assert from_env is not None
    monkeypatch.delenv("QLVB_SMTP_PASSWORD", raising=False)
    with pytest.raises(ConfigError, match="QLVB_SMTP_PASSWORD: the environment variable with the password is not set"):
        mail_server(from_env)
    monkeypatch.setenv("QLVB_SMTP_PASSWORD", "từ biến môi trường")
    assert mail_server(from_env).password == "từ biến môi trường"

    cfg = world.config_dict()
    cfg["smtp"] = {**smtp, "password_env": "QLVB_SMTP_PASSWORD", "password_file": "smtp-password"}
    world.config_path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match="^smtp: .*give one of password_env and password_file"):
        load_config(world.config_path)
