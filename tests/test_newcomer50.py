"""A newcomer at stop 50. A directory kept as dated exports: `directory import danhba-2026-12.csv` after
`danhba-2026-11.csv` withdraws only what the December file gave before (nothing), so an agency deleted in December
stayed trusted without a word. Now the line says which agencies another file gave and this one does not name, and
`--whole` withdraws them (our own agency never). And `check` of a mail already taken in says what `ingest` says."""

from __future__ import annotations

import csv
import io
import sqlite3

from world import DIRECTORY_CSV, US, World

LUC_NAM = "000.05.22.H06,UBND huyện Lục Nam,vanthu@lucnam.bacgiang.gov.vn,,\n"


def _import(world: World, name: str, text: str, *extra: str) -> str:
    path = world.root / name
    path.write_text(text, encoding="utf-8")
    return world.run("directory", "import", "--config", str(world.config_path), *extra, str(path)).stdout


def _trusted(world: World) -> set[str]:
    with sqlite3.connect(world.root / "qlvb.db") as db:
        return {code for (code,) in db.execute("SELECT code FROM agencies WHERE withdrawn_at IS NULL")}


def test_a_dated_export_says_who_another_file_gave_and_whole_withdraws_them(world: World) -> None:
    world.extra["directory"] = None  # the directory kept by `directory import` alone
    world.write_config()
    december = DIRECTORY_CSV
    codes = {row["code"] for row in csv.DictReader(io.StringIO(december))}
    _import(world, "danhba-2026-11.csv", december + LUC_NAM)
    assert "000.05.22.H06" in _trusted(world)

    out = _import(world, "danhba-2026-12.csv", december)
    assert "1 not in" in out and "000.05.22.H06 UBND huyện Lục Nam" in out and "--whole" in out, out
    assert "000.05.22.H06" in _trusted(world)  # each file withdraws only its own, as before

    out = _import(world, "danhba-2026-12.csv", december, "--whole")
    assert "1 withdrawn" in out and "000.05.22.H06" in out, out
    assert _trusted(world) == codes | {US["code"]}


def test_whole_never_withdraws_our_own_agency(world: World) -> None:
    world.extra["directory"] = None
    world.write_config()
    _import(world, "danhba.csv", DIRECTORY_CSV)
    without_us = "".join(line for line in io.StringIO(DIRECTORY_CSV) if US["code"] not in line)
    out = _import(world, "chi-mot.csv", without_us, "--whole")
    assert US["code"] in _trusted(world), out


def test_check_of_a_mail_already_taken_in_says_what_ingest_says(world: World) -> None:
    """`check` makes the decision `ingest` would (README): on a mail the register already has, `ingest` says it was
    processed before and does nothing; `check` said "duplicate … would acknowledge again" (a newcomer, stop 50)."""
    mail = world.mail("once", attachments=[("a.pdf", world.signed())])
    [first] = world.ingest(mail)
    [checked] = world.ingest(mail, command="check")
    [again] = world.ingest(mail)
    assert first["verdict"] == "accepted" and "already_processed" not in first, first
    assert (checked["verdict"], checked.get("already_processed")) == ("accepted", True), checked
    assert checked == again, (checked, again)
