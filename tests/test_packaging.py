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
