"""What one mail may take of the daemon process's main thread is bounded (gateway/mail_budget.py; issue 11: "no
mail can stop the gateway"). Six red teams each found a mail that held the main thread for minutes or years in
the register's write transaction, each fixed where it was found; these tests stand for the next one not yet
found: the gateway is started with a defect put into its decision (a loop in Python, or a regular expression
that runs for ever in C) for one document's number, as those were, and must still go on. Real processes, a real
register (SQLite, PostgreSQL for a lock held by another), the daemon over a Maildir."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from imapclient import imap_utf7
from sqlalchemy import create_engine, text

from gateway.config import Folders
from servers import postgres, wait_for
from test_daemon import start_daemon, stop_daemon
from test_faults_infrastructure import _filed, _good, _inbox, _maildir, _register
from world import STP, World

# The command line with a stall put into the decision on a document numbered 66/STP-VP: `loop`, pure Python,
# interrupted where it is; `regex`, C code that never looks up, stopped only with the process (SIGXCPU); `queries`,
# a loop of queries, the main thread mostly inside the database's driver; `swallow`: a loop that swallows the
# first interruption (as logging's handlers did); `headers`: C code for a mail whose Subject
# says STALL, whatever else is read of it; `unread`: the worker fails on such a mail and reading its headers in the
# main process stalls; `busy`: no stall, but another thread of the process working all along (as
# the listener does under a flood of deliveries).
DEFECT = """
import os, re, sys, threading
from sqlalchemy import text
import gateway.intake.pipeline as pipeline
from gateway.cli import main

real, real_decide_on = pipeline.decide, pipeline.Intake.decide_on
kind = sys.argv.pop(1)
in_a_thread = kind == "desk"  # the command run in a thread of its own, as the desk runs a clerk's action: no bound
kind = "loop" if in_a_thread else kind
def spin():  # CPU all along, and no memory (a list grown for ever took the process to 3 GB in the test's 20 s)
    while True:
        pass

if kind == "busy":
    threading.Thread(target=spin, daemon=True).start()

def stalled(facts):
    return any(p.reading and p.reading.particulars.number == "66/STP-VP" for p in facts.pdfs)

def decide(facts, *args, **kwargs):
    if kind == "headers" and facts.subject == "STALL":  # what its headers say, as far as the process reads them
        re.match(r"(a+)+$", "a" * 60 + "b")
    if stalled(facts):
        if os.environ.get("QLVB_STALLED"):  # where the test waits to see it held
            open(os.environ["QLVB_STALLED"], "w").close()
        if kind == "loop":
            while True:
                pass
        if kind == "regex":
            re.match(r"(a+)+$", "a" * 60 + "b")  # years of backtracking
        swallowed = 0
        while kind == "swallow":  # the first interruption swallowed, as logging's handlers swallow any error
            try:
                while True:
                    pass
            except Exception:
                swallowed += 1
                if swallowed > 1:
                    raise
    return real(facts, *args, **kwargs)

def decide_on(self, session, facts, *args, **kwargs):
    while kind == "queries" and stalled(facts):  # the main thread mostly in the database's driver
        session.execute(text("SELECT count(*) FROM documents")).scalar()
    return real_decide_on(self, session, facts, *args, **kwargs)

pipeline.decide, pipeline.Intake.decide_on = decide, decide_on

if kind == "unread":  # the worker fails on a mail whose Subject says STALL; its headers, read here, stall
    from gateway.intake.analysis import Analyser
    real_analyse, real_headers_only = Analyser.analyse, pipeline.headers_only

    def analyse(self, raw, *args, **kwargs):
        if b"Subject: STALL" in raw:
            raise RuntimeError("the worker gave up")
        return real_analyse(self, raw, *args, **kwargs)

    def headers_only(raw, *args, **kwargs):
        while b"Subject: STALL" in raw:
            pass
        return real_headers_only(raw, *args, **kwargs)

    Analyser.analyse, pipeline.headers_only = analyse, headers_only
sys.argv[0] = "qlvb-gateway"
if in_a_thread:
    ended = []
    def command():
        try:
            main()
        except SystemExit as exit_:
            ended.append(exit_.code)
    worker = threading.Thread(target=command)
    worker.start()
    worker.join()
    sys.exit(ended[0] if ended else 1)
sys.exit(main())
"""


def _with_defect(kind: str) -> list[str]:
    # started for real: forked from the zygote (world.PYTHON_C), the whole suite lost its test process inside the busy
    # defect's test three times out of three (stop 56; never with its file alone; the cause not found)
    return [sys.executable, "-c", DEFECT, kind]


def _ingest(world: World, kind: str, *mails: Path, seconds: float = 90) -> tuple[int, list[dict], str, float]:  # type: ignore[type-arg]
    """`ingest --json` with the defect, as a process of its own: its status, outcomes, stderr and wall time."""
    return _command(world, kind, "ingest", "--json", *map(str, mails), seconds=seconds)


def _command(world: World, kind: str, *args: str, seconds: float = 90) -> tuple[int, list[dict], str, float]:  # type: ignore[type-arg]
    """A command with the defect, as a process of its own: its status, JSON lines, stderr and wall time."""
    command = [*_with_defect(kind), *args, "--config", str(world.config_path)]
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True, cwd=world.root,
                                   env=dict(os.environ, PYTHONWARNINGS="ignore"), start_new_session=True)
        try:
            process.wait(timeout=seconds)
        finally:
            took = time.monotonic() - started
            if process.returncode is None:
                os.killpg(process.pid, signal.SIGKILL)
        # its workers, left when it was killed, see they are orphans and end
        assert wait_for(lambda: not _group_alive(process.pid), timeout=10)
        out.seek(0), err.seek(0)
        return process.returncode, [json.loads(line) for line in out.read().splitlines() if line.strip()], err.read(), took


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _mails(world: World, *numbers: int) -> list[Path]:
    return [world.mail(f"m{n}", attachments=[("cv.pdf", world.signed("stp", world.document(number=f"{n}/STP-VP")))])
            for n in numbers]


def _maildir_folder(folder: str) -> str:
    return "." + imap_utf7.encode(folder.replace("/", ".")).decode()


def _held(world: World) -> list[int]:
    return [held["id"] for held in json.loads(world.run("review", "list", "--config", str(world.config_path), "--json").stdout)]


def _budget(world: World, seconds: float, **extra: object) -> None:
    world.extra["limits"] = {"daemon_seconds_per_mail": seconds}
    world.extra.update(extra)
    world.write_config()


def test_a_mail_holding_the_main_thread_in_python_is_quarantined_and_the_next_registered(world: World) -> None:
    _budget(world, 1)
    status, outcomes, stderr, took = _ingest(world, "loop", *_mails(world, 65, 66, 67))
    assert status == 0, stderr[-2000:]
    first, stalled, last = outcomes
    assert (first["verdict"], first["incoming_number"]) == ("accepted", 1)
    assert stalled["verdict"] == "quarantined"
    assert [(r["code"], r["message"]) for r in stalled["reasons"]][0][0] == "processing-failed"
    assert "MailTookTooLong" in stalled["reasons"][0]["message"]
    assert stalled["sender"]["address"] == STP  # held from what its headers say
    assert (last["verdict"], last["incoming_number"]) == ("accepted", 2)  # no gap: the stalled mail took no number
    assert took < 30


def test_an_interruption_swallowed_is_made_again(world: World) -> None:
    # red team 24: logging caught the one interruption and the loop went on, so only the kill stopped it (two
    # restarts for a mail the interruption should have quarantined); the watchdog asks again at each look now
    _budget(world, 1)
    status, outcomes, stderr, took = _ingest(world, "swallow", *_mails(world, 65, 66, 67))
    assert status == 0, stderr[-2000:]
    assert [o["verdict"] for o in outcomes] == ["accepted", "quarantined", "accepted"]
    assert "MailTookTooLong" in outcomes[1]["reasons"][0]["message"]


def test_a_mail_holding_it_in_c_code_stops_the_process_and_is_quarantined_when_started_again(world: World) -> None:
    # a regular expression never looks up: the process is killed (SIGXCPU; systemd starts it again), its
    # transaction uncommitted; the attempts table quarantines the mail begun too often
    _budget(world, 1)
    mails = _mails(world, 65, 66, 67)
    runs = [_ingest(world, "regex", *mails) for _ in range(3)]
    assert [status for status, *_ in runs] == [-signal.SIGXCPU, -signal.SIGXCPU, 0], runs[-1][2][-2000:]
    assert all(took < 30 for *_, took in runs)
    assert "in decide" in runs[0][2]  # where it was held, for the operator (faulthandler)
    outcomes = runs[-1][1]
    assert [o["verdict"] for o in outcomes] == ["accepted", "quarantined", "accepted"]
    assert outcomes[0]["already_processed"] and outcomes[1]["reasons"][0]["code"] == "processing-failed"
    assert [o["incoming_number"] for o in outcomes] == [1, None, 2]  # each once, no gap
    documents, mails_held, held = _register(f"sqlite:///{world.root / 'qlvb.db'}")
    assert documents == [(1, "65/STP-VP"), (2, "67/STP-VP")] and (mails_held, held) == (3, 1)


def test_the_daemon_goes_on_past_a_mail_holding_its_main_thread(world: World) -> None:
    # the daemon records a batch of mails in one transaction: it is rolled back, each mail recorded alone
    inbox = _maildir(world, limits={"daemon_seconds_per_mail": 1})
    for raw in _good(world, 65, 66, 67):
        inbox.add(raw)
    daemon = start_daemon(world, ready=False, command=_with_defect("loop"))
    try:
        assert wait_for(lambda: _inbox(world) == 0, timeout=90)
        assert daemon.poll() is None
    finally:
        log = stop_daemon(daemon)
    documents, mails, held = _register(f"sqlite:///{world.root / 'qlvb.db'}")
    assert documents == [(1, "65/STP-VP"), (2, "67/STP-VP")] and (mails, held) == (3, 1)
    filed = {name: count for name, count in _filed(world).items() if count}
    assert filed == {_maildir_folder(Folders().accepted): 2, _maildir_folder(Folders().quarantined): 1}
    assert "MailTookTooLong" in log


@pytest.mark.long  # tens of seconds waiting on a lock; run late in the whole suite, it lost its test process four runs
def test_waiting_for_a_lock_another_holds_costs_a_mail_none_of_its_budget(world: World) -> None:  # of four (stop 56)
    # the budget is the main thread's CPU: a number series held by another gateway for six budgets, while another
    # thread of the process works all along (the process's CPU limit counts every thread: red team 23 had the daemon
    # killed twice by SIGXCPU so, waiting on a lock under a flood of deliveries, and the good mail quarantined)
    with postgres() as url:
        _budget(world, 0.5, database=url)
        world.run("ingest", "--config", str(world.config_path), *map(str, _mails(world, 1)))  # the year's series made
        engine = create_engine(url)
        try:
            with engine.connect() as holder:
                holder.execute(text("SELECT last FROM number_series FOR UPDATE"))
                command = [*_with_defect("busy"), "ingest", "--config", str(world.config_path), "--json",
                           *map(str, _mails(world, 2))]
                process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                           cwd=world.root, env=dict(os.environ, PYTHONWARNINGS="ignore"))

                def waiting() -> bool:
                    with engine.connect() as look:
                        locked = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
                        return bool(look.execute(locked).scalar())

                assert wait_for(waiting, timeout=60)
                time.sleep(4)  # eight budgets of waiting, the busy thread taking four times the limit's margin
                holder.rollback()
            stdout, stderr = process.communicate(timeout=60)
        finally:
            engine.dispose()
        assert process.returncode == 0, stderr[-2000:]
        [outcome] = [json.loads(line) for line in stdout.splitlines() if line.strip()]
        assert (outcome["verdict"], outcome["incoming_number"]) == ("accepted", 2)


def test_a_mail_holding_the_main_thread_in_queries_is_quarantined_on_postgresql(world: World) -> None:
    # red team 24: interrupted inside psycopg's wait for the server, the connection kept a command in flight, the
    # rollback failed with OperationalError, taken for the database's fault: the mail given back and tried for ever
    # (`ingest` ended with status 1 at every run, the mail after it never registered). The main thread is not
    # interrupted in the driver now: as it waits there most of the time, it is interrupted in the mail's own steps
    # or, if never in time, stopped with the process and the mail quarantined by its attempts.
    with postgres() as url:
        _budget(world, 1, database=url)
        mails, runs = _mails(world, 65, 66, 67), []
        while not runs or runs[-1][0] != 0 and len(runs) < 3:
            runs.append(_ingest(world, "queries", *mails))
        documents, mails, held = _register(url)
    assert all(status in (0, -signal.SIGXCPU) for status, *_ in runs) and runs[-1][0] == 0, runs[-1][2][-2000:]
    outcomes = runs[-1][1]
    assert [o["verdict"] for o in outcomes] == ["accepted", "quarantined", "accepted"]
    assert outcomes[1]["reasons"][0]["code"] == "processing-failed"
    assert documents == [(1, "65/STP-VP"), (2, "67/STP-VP")] and (mails, held) == (3, 1)


def test_a_mail_the_process_died_on_twice_is_held_without_reading_it_again(world: World) -> None:
    # red team 24: past the attempts, the mail was quarantined from its headers, decided on again: a stall they led to
    # killed the process at every start, for ever. Now it is held from its bytes alone.
    _budget(world, 1)
    signed = world.signed("stp", world.document(number="66/STP-VP"))
    stalled = world.mail("stalled", subject="STALL", attachments=[("cv.pdf", signed)])
    runs = [_ingest(world, "headers", stalled) for _ in range(3)]
    assert [status for status, *_ in runs] == [-signal.SIGXCPU, -signal.SIGXCPU, 0], runs[-1][2][-2000:]
    [held] = runs[-1][1]
    assert held["verdict"] == "quarantined" and "2 lần xử lý không xong" in held["reasons"][0]["message"]
    assert _register(f"sqlite:///{world.root / 'qlvb.db'}")[1:] == (1, 1)


def test_a_mail_whose_headers_hold_the_main_thread_after_its_worker_failed_is_quarantined(world: World) -> None:
    # red team 25: what the main process reads of a mail whose analysis failed (its headers) ran under no budget
    _budget(world, 1)
    signed = world.signed("stp", world.document(number="66/STP-VP"))
    stalled = world.mail("stalled", subject="STALL", attachments=[("cv.pdf", signed)])
    status, outcomes, stderr, took = _ingest(world, "unread", *_mails(world, 65), stalled, *_mails(world, 67))
    assert status == 0, stderr[-2000:]
    assert [(o["verdict"], o["incoming_number"]) for o in outcomes] == [("accepted", 1), ("quarantined", None), ("accepted", 2)]
    assert took < 30


def test_a_database_failure_after_an_interruption_is_still_the_databases() -> None:
    # red team 25: a mail's interruption in the context of every error that followed it made a locked or lost database
    # the next good mail's fault, quarantined for it, never tried again
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from gateway.guard import blame
    from gateway.mail_budget import MailTookTooLong

    try:
        try:
            raise MailTookTooLong("over 1 s")
        except MailTookTooLong:  # the next mail recorded on its own, in the handler
            raise OperationalError("INSERT INTO mails", {}, sqlite3.OperationalError("database is locked"))  # noqa: B904
    except OperationalError as exc:
        assert blame(exc) == "infrastructure"


NESTED = """
import time
from gateway.mail_budget import MailTookTooLong, _WATCHDOG, budget

def spin(seconds):  # in a frame of its own (the one that armed a budget is never interrupted itself)
    end = time.thread_time() + seconds  # the thread's CPU, as budgets count it (by the clock, a loaded machine gave
    while time.thread_time() < end:     # the spin less than the budget: "unbounded")
        pass

with budget(1):
    try:
        spin(5)
    except MailTookTooLong:
        print("interrupted")  # and swallowed: the block goes on
    with budget(10):  # an inner budget after that
        pass
    try:
        spin(5)
        print("unbounded")
    except MailTookTooLong:
        print("interrupted again")
print("armed after:", _WATCHDOG.armed)
"""


def test_an_inner_budget_leaves_the_outer_bound() -> None:
    # red team 26: an inner budget armed after the outer one had interrupted (and the interruption was swallowed)
    # replaced it, and its end left the rest of the outer block with no bound at all, the CPU limit given back too
    done = subprocess.run([sys.executable, "-c", NESTED], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:3] == ["interrupted", "interrupted again", "armed after: None"]


RESTED = """
import threading, time
from gateway.mail_budget import MailTookTooLong, budget, rest

def spin(seconds):
    end = time.thread_time() + seconds  # the thread's CPU, as budgets count it
    while time.thread_time() < end:
        pass

def threads():
    return sorted(t.name for t in threading.enumerate())

with budget(10):
    print("armed:", threads())
rest()
print("rested:", threads())
with budget(1):  # the watchdog started again: still bounded
    try:
        spin(5)
        print("unbounded")
    except MailTookTooLong:
        print("interrupted")
rest()
print("rested:", threads())
"""


def test_the_watchdog_ends_with_the_command_and_bounds_the_next_budget_all_the_same() -> None:
    # a watchdog left running made every later command of a long-lived process (a test's, a script's) start its
    # workers as a threaded process does (gateway/workers.py: a fresh interpreter, about a second each)
    done = subprocess.run([sys.executable, "-c", RESTED], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:4] == ["armed: ['MainThread', 'mail-budget']", "rested: ['MainThread']",
                                           "interrupted", "rested: ['MainThread']"]


TWO_COMMANDS = """
import json, sys, threading
sys.path.insert(0, sys.argv[1])
from world import run_in_process

for _ in range(2):  # the second forks its workers as the first did: no thread of the first's is left
    done = run_in_process(["ingest", "--config", sys.argv[2], "--json", sys.argv[3]], __import__("pathlib").Path(sys.argv[4]))
    print(json.loads(done.stdout.splitlines()[0])["verdict"], sorted(t.name for t in threading.enumerate()))
"""


def test_a_command_leaves_no_thread_of_ours_behind(world: World) -> None:
    # in a process of its own: a test before this one in the same process may have left threads of its own
    mail = world.mail("one", attachments=[("cv.pdf", world.signed("stp", world.document(number="55/STP-VP")))])
    tests = str(Path(__file__).parent)
    done = subprocess.run([sys.executable, "-c", TWO_COMMANDS, tests, str(world.config_path), str(mail), str(world.root)],
                          capture_output=True, text=True, timeout=120, cwd=world.root)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == ["accepted ['MainThread']"] * 2, done.stdout


def test_a_clerks_release_of_a_mail_that_held_the_main_thread_holds_up_no_mail(world: World) -> None:
    # a mail quarantined for holding the daemon's main thread waits for the clerk; her release at the desk decided on
    # it again in the desk's thread, which no budget bounds, inside the register's writer lock (SQLite's BEGIN
    # IMMEDIATE): every mailbox stopped for as long as it ran. It is decided first outside that lock now.
    _budget(world, 1)
    status, outcomes, stderr, _ = _ingest(world, "loop", *_mails(world, 66))
    assert status == 0 and outcomes[0]["verdict"] == "quarantined", stderr[-2000:]
    [held] = _held(world)
    marker = world.root / "stalled"
    release = subprocess.Popen([*_with_defect("desk"), "review", "release", str(held), "--config", str(world.config_path)],
                               cwd=world.root, env=dict(os.environ, PYTHONWARNINGS="ignore", QLVB_STALLED=str(marker)),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        assert wait_for(marker.exists, timeout=60)
        status, outcomes, stderr, took = _ingest(world, "none", *_mails(world, 67), seconds=45)
        assert status == 0, stderr[-2000:]
        assert (outcomes[0]["verdict"], outcomes[0]["incoming_number"]) == ("accepted", 1)
        assert release.poll() is None  # still held in the clerk's thread, holding no one else
    finally:
        os.killpg(release.pid, signal.SIGKILL)
        release.wait()
    assert _held(world) == [held]


def test_a_release_by_command_of_a_mail_that_holds_the_main_thread_is_refused_within_its_budget(world: World) -> None:
    _budget(world, 1)
    _ingest(world, "loop", *_mails(world, 66))
    [held] = _held(world)
    status, _, stderr, took = _command(world, "loop", "review", "release", str(held), seconds=60)
    assert status == 2 and "limits.daemon_seconds_per_mail" in stderr, stderr[-2000:]
    assert took < 30
    assert _held(world) == [held]
    documents, _, _ = _register(f"sqlite:///{world.root / 'qlvb.db'}")
    assert documents == []


SERVER_STARTED_IN_A_BUDGET = """
import multiprocessing.forkserver, threading, time
from gateway import mail_budget, workers

def cpu_limit(pid):
    line = next(l for l in open(f"/proc/{pid}/limits") if l.startswith("Max cpu time"))
    return line.split()[3]  # the soft limit

if __name__ == "__main__":
    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()  # threaded, as the daemon is
    with mail_budget.budget(5):  # the first mail's budget armed when the first worker is started
        context = workers._context()
        worker = context.Process(target=time.sleep, args=(0,))
        worker.start()
        worker.join()
    print(cpu_limit(multiprocessing.forkserver._forkserver._forkserver_pid))
"""


def test_the_server_the_daemon_forks_workers_from_keeps_none_of_a_mails_cpu_budget(tmp_path: Path) -> None:
    # started while a mail's budget had lowered the process's CPU limit (a few seconds on from the daemon's own CPU),
    # the server inherited it, and every fork it made cost it some: a daemon replacing workers killed by a flood of
    # hostile mails saw its server die of SIGXCPU
    script = tmp_path / "server.py"
    script.write_text(SERVER_STARTED_IN_A_BUDGET)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "unlimited", done.stdout
