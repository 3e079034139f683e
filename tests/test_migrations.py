"""The register's revision without Alembic (registry/database.py: CODE_REVISION): a register at the code's revision is
opened without loading Alembic, and that revision is the one Alembic would bring it to."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from registry.database import CODE_REVISION, MIGRATIONS, _scripts

OPEN = """
import sys
from registry.database import Register
Register(sys.argv[1]).close()
print("alembic" in sys.modules)
"""


def test_the_code_revision_is_alembics_head_and_each_script_holds_the_revision_its_name_says() -> None:
    scripts = _scripts()
    assert scripts.get_heads() == [CODE_REVISION]
    named = {path.name[:4]: path.name for path in (MIGRATIONS / "versions").glob("*.py") if path.name[0].isdigit()}
    revisions = {script.revision: script for script in scripts.walk_revisions()}
    assert set(named) == set(revisions), (named, sorted(revisions))
    for revision, script in revisions.items():
        assert script.path is not None and Path(script.path).name == named[revision]
        assert script.down_revision == (None if revision == "0001" else f"{int(revision) - 1:04d}")


def test_a_register_at_the_codes_revision_is_opened_without_alembic_and_a_new_one_with_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'qlvb.db'}"

    def opened() -> str:
        done = subprocess.run([sys.executable, "-c", OPEN, url], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip()

    assert opened() == "True"  # made: Alembic ran the migrations
    assert opened() == "False"  # at the code's revision: Alembic never loaded
    import sqlite3

    with sqlite3.connect(tmp_path / "qlvb.db") as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(CODE_REVISION,)]


def test_a_register_refused_beside_a_stores_files_leaves_no_empty_file_behind(tmp_path: Path) -> None:
    """A mistyped register path beside a store that holds a register's files is refused ("restore the register from its
    backup"), and the empty file the opening made goes with the refusal: left, `status` called it "not a register (no
    schema revision in it)" instead of "no register at …" (a newcomer, stop 50)."""
    import pytest

    from registry.database import Register
    from registry.errors import RegisterUnavailable

    (tmp_path / "store" / "sha256" / "ab").mkdir(parents=True)
    (tmp_path / "store" / "sha256" / "ab" / "abcd").write_bytes(b"a stored file")
    typo = tmp_path / "qlvb-typo.db"
    with pytest.raises(RegisterUnavailable, match="restore the register from its backup"):
        Register(f"sqlite:///{typo}", store=tmp_path / "store")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]
    with pytest.raises(RegisterUnavailable, match="no register at"):
        Register(f"sqlite:///{typo}", existing=True)
