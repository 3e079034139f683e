"""A real wheel (not scripts/setup's editable install) carries the desk's pages and style and the answers' templates."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_carries_the_desks_templates_and_style_and_the_answers_templates(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "-w", str(tmp_path), "--no-deps", "-q"],
        capture_output=True, text=True, timeout=120,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert "would be ignored" not in built.stdout + built.stderr
    (wheel,) = tmp_path.glob("qlvb_gateway-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for page in (ROOT / "gateway/web/templates").glob("*.html"):
        assert f"gateway/web/templates/{page.name}" in names
    assert "gateway/web/static/desk.css" in names
    for template in (ROOT / "templates").glob("*.j2"):
        assert f"qlvb_templates/{template.name}" in names


def _setup_installs(tmp_path: Path, *args: str) -> list[str]:
    """The Debian packages `scripts/setup` asks apt-get for on a machine that has none of them (its dpkg-query, apt-get
    and systemctl stand-ins record what they are asked; the virtual environment is taken as made)."""
    copy = tmp_path / "checkout"
    (copy / "scripts").mkdir(parents=True)
    (copy / "scripts/setup").write_bytes((ROOT / "scripts/setup").read_bytes())
    (copy / "pyproject.toml").write_text("")
    (copy / ".venv/bin").mkdir(parents=True)
    (copy / ".venv/bin/python").write_text("#!/bin/sh\nexit 0\n")
    (copy / ".venv/bin/python").chmod(0o755)
    for stamp in (".venv/.installed", ".venv/.installed[test]"):
        (copy / stamp).touch()
    bin_dir, log = tmp_path / "bin", tmp_path / "asked"
    bin_dir.mkdir()
    for tool, body in {"dpkg-query": "exit 1", "apt-get": f'echo "apt-get $*" >> {log}', "sudo": 'exec "$@"',
                       "systemctl": f'echo "systemctl $*" >> {log}'}.items():
        (bin_dir / tool).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / tool).chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(["bash", str(copy / "scripts/setup"), *args], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return log.read_text().splitlines()


def test_setup_for_a_server_installs_no_mail_or_database_server_and_for_the_tests_stops_theirs(tmp_path: Path) -> None:
    """Red team 76: `scripts/setup`, run on the production server as *Installing for real* says, installed Dovecot (Debian
    then serves IMAP on every address) and PostgreSQL beside the gateway."""
    server = " ".join(_setup_installs(tmp_path / "server"))
    assert "tesseract-ocr-vie" in server and "fonts-liberation2" in server
    for package in ("dovecot", "postgresql", "chromium", "softhsm2"):
        assert package not in server
    tests = _setup_installs(tmp_path / "tests", "--test")
    install = next(line for line in tests if " install " in line)
    for package in ("dovecot-imapd", "postgresql", "chromium", "softhsm2", "tesseract-ocr-vie"):
        assert package in install
    assert "systemctl disable --now dovecot" in tests and "systemctl disable --now postgresql" in tests
