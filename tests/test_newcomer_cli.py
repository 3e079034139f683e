"""What a newcomer trying the README met on a fresh clone (stop 41): a register out of reach answered with a
traceback of 140 lines; every command printed cryptography's DSA deprecation (pyHanko imports it); `parse` read
README.md as a 115-page document; `ingest` of a mail recorded before printed its old verdict as if it had just been
decided. Each asserted as the user sees it: the real command line, its exit status, what it prints."""

from __future__ import annotations

import subprocess

from world import GATEWAY, World


def test_a_register_out_of_reach_is_said_in_one_line(world: World) -> None:
    world.extra["database"] = "postgresql+psycopg://nobody@127.0.0.1:1/register"  # no server there
    world.write_config()
    done = world.run("register", "list", "--config", str(world.config_path), check=False)
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("qlvb-gateway: database: cannot open the register:"), done.stderr


def test_no_command_prints_a_deprecation_of_what_the_gateway_never_uses(world: World) -> None:
    """As a fresh install gets it (cryptography 51 deprecates DSA at import; 50 did not say so there): `register list`
    printed it on a newcomer's terminal, at every command."""
    done = subprocess.run([*GATEWAY, "register", "list", "--config", str(world.config_path)], capture_output=True,
                          text=True, cwd=world.root, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Deprecat" not in done.stderr, done.stderr


def test_parse_refuses_what_is_no_pdf(world: World) -> None:
    text = world.root / "README.md"
    text.write_text("# Not a document\n" * 200)
    done = world.run("parse", str(text), "--json", check=False)
    assert (done.returncode, done.stdout) == (2, ""), done
    assert "not a PDF" in done.stderr


def test_a_mail_recorded_before_says_so_on_its_line(world: World) -> None:
    mail = world.mail("letter", attachments=[("cv.pdf", world.signed("stp", world.document(number="42/STP-VP")))])
    first = world.run("ingest", "--config", str(world.config_path), str(mail))
    again = world.run("ingest", "--config", str(world.config_path), str(mail))
    assert "đã xử lý trước đây" not in first.stdout and "đã xử lý trước đây" in again.stdout, again.stdout
    [seen] = world.ingest(mail)
    assert seen["already_processed"] is True  # the JSON as before
