"""The project's mailbox/ folder must never hide the standard library's `mailbox` module."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _std_mailbox_file(cwd: Path, *args: str) -> str:
    code = "import mailbox, aiosmtpd.smtp, qlvb_mailbox.eml_files; print(mailbox.__file__)"
    done = subprocess.run([sys.executable, *args, "-c", code], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_standard_mailbox_from_the_repository_root() -> None:
    assert not (ROOT / "mailbox" / "__init__.py").exists()
    found = _std_mailbox_file(ROOT)
    assert not found.startswith(str(ROOT)), found


def test_standard_mailbox_with_the_root_on_sys_path(tmp_path: Path) -> None:
    found = _std_mailbox_file(tmp_path, "-P") if sys.version_info >= (3, 11) else _std_mailbox_file(tmp_path)
    assert "mailbox.py" in found and not found.startswith(str(ROOT))
    done = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); import mailbox; "
                           "print(mailbox.__file__)"], capture_output=True, text=True, check=True)
    assert not done.stdout.strip().startswith(str(ROOT))


def test_under_pytest_too() -> None:
    import mailbox

    import aiosmtpd.smtp  # noqa: F401  (imports the standard mailbox)

    assert hasattr(mailbox, "Maildir") and not mailbox.__file__.startswith(str(ROOT))
