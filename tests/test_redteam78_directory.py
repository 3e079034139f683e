"""Red team 78 (honest users at stop 38's fixes; its shared mailbox: tests/test_redteam78.py): after the upgrade that
withdraws agencies a directory file no longer names, an operator who keeps the directory with `directory import` alone
imported a one-line file for a new commune, and every agency imported before it was withdrawn, our own too (their rows had no file yet): Sở Tư pháp's genuine letters
were held as from outside the directory. Each failed before its fix."""

from __future__ import annotations

import sqlite3

from test_redteam76_desk import _scanned_letter
from world import World


def _import(world: World, name: str, text: str) -> str:
    path = world.root / name
    path.write_text(text, encoding="utf-8")
    return world.run("directory", "import", "--config", str(world.config_path), str(path)).stdout


def test_a_small_file_imported_after_the_upgrade_withdraws_none_of_the_agencies_imported_before(world: World) -> None:
    world.extra["directory"] = None  # the directory kept by `directory import` alone
    world.write_config()
    full = (world.root / "directory.csv").read_text(encoding="utf-8")
    _import(world, "directory.csv", full)
    with sqlite3.connect(world.root / "qlvb.db") as db:  # as a register from before agencies kept their file
        db.execute("UPDATE agencies SET source = NULL")
    out = _import(world, "xa-moi.csv", "code,name,mailbox,aliases,groups\n"
                  "000.21.09.H06,UBND xã Tân Mới,vanthu@tanmoi.bacgiang.gov.vn,,\n")

    assert "withdrawn" not in out, out
    [letter] = world.ingest(_scanned_letter(world, "631/STP-VP"))
    assert letter["verdict"] == "accepted" and letter["basis"] == "official-mailbox", letter["reasons"]


def test_our_own_agency_is_never_withdrawn(world: World) -> None:
    world.extra["directory"] = None
    world.write_config()
    full = (world.root / "directory.csv").read_text(encoding="utf-8")
    _import(world, "directory.csv", full)
    out = _import(world, "directory.csv", "\n".join(line for line in full.splitlines() if "000.00.15.H06" not in line) + "\n")

    assert "withdrawn" not in out, out
    [letter] = world.ingest(_scanned_letter(world, "632/STP-VP"))
    assert letter["verdict"] == "accepted", letter["reasons"]  # addressed to us, whom the directory still knows
