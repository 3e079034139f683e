import gc
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import warnings
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import cheap_keys  # noqa: E402
from gateway.demo import pki as demo_pki  # noqa: E402
from world import World, build_pki, make_world  # noqa: E402

_fresh_key = demo_pki._new_key


def _test_key(kind: str) -> demo_pki.PrivateKey:
    """The demo PKI's RSA keys made from a few primes in the test processes (tests/cheap_keys.py)."""
    return cheap_keys.rsa_key() if kind == "rsa" else _fresh_key(kind)


demo_pki._new_key = _test_key

logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)

# Material from outside the repository is found through one setting (default: ../shared beside the checkout).
SHARED = Path(os.environ.get("QLVB_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing():  # type: ignore[no-untyped-def]
    """The desk's passwords hashed with argon2id at its lowest cost in the test processes (the product's defaults, 64 MiB
    and three passes, cost 80 to 170 ms a login, and the suite logs in and adds people hundreds of times); a
    command run as a process of its own, the desk's included, hashes as the product does."""
    from argon2 import PasswordHasher

    from registry import people

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    saved = people._HASHER, people._DUMMY_HASH
    people._HASHER, people._DUMMY_HASH = cheap, cheap.hash("no one has this password")
    yield
    people._HASHER, people._DUMMY_HASH = saved


def pytest_collection_finish(session: pytest.Session) -> None:
    """What the test process holds once the suite is collected (modules, the collected tests) frozen out of Python's
    cyclic collector, and its youngest generation collected every 50,000 allocations, not 700: the collections took 6 %
    of a test process's CPU, half of it with this (stop 47). Commands run as processes of their own are untouched."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests (marked long: tens of seconds, mostly waiting on real servers and daemons) first,
    so that `make test`'s workers do not end with one of them alone on one (longest first balances)."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


def shared_folder(*parts: str) -> Path:
    """A folder of the shared material, or a one-line skip when it is absent (a clone alone)."""
    path = SHARED.joinpath(*parts)
    if not path.is_dir():
        pytest.skip(f"{'/'.join(parts)} not found under QLVB_SHARED={SHARED}")
    return path


@pytest.fixture(autouse=True)
def no_watchdog_left_behind():  # type: ignore[no-untyped-def]
    """The mail budget's watchdog a command outside `cli.main` started is ended after each test as `cli.main` ends it:
    while another thread runs, `World.run` starts each command as a process of its own (stop 39: a watchdog and a
    relay's accepting thread left running made half the suite so, its CPU half as much again; CI took 17 minutes)."""
    yield
    budget = sys.modules.get("gateway.mail_budget")
    if budget is not None:
        budget.rest()  # type: ignore[attr-defined]


@pytest.fixture(scope="module", autouse=True)
def no_thread_left_behind():  # type: ignore[no-untyped-def]
    """A thread a module's tests or fixtures started and left running is said as a warning (set up first among the
    module's fixtures, this is torn down after them)."""
    before = set(threading.enumerate())
    yield
    left = [t for t in threading.enumerate() if t not in before
            and not t.name.startswith(("AnyIO worker thread", "asyncio"))]  # AnyIO's idle ones end on their own
    for thread in left:
        thread.join(timeout=0.5)  # one ending now
    names = [t.name for t in left if t.is_alive()]
    if names:
        warnings.warn(f"threads left running: {', '.join(names)}", stacklevel=1)


@pytest.fixture(scope="session", autouse=True)
def zygote():  # type: ignore[no-untyped-def]
    """The process the gateway's commands are forked from for this test process (tests/zygote.py: each start of
    `qlvb-gateway` imported its modules again, a fifth of the suite's CPU), named to world.GATEWAY's client by
    QLVB_TEST_ZYGOTE; it ends when this process does (its stdin closes)."""
    folder = tempfile.mkdtemp(prefix="qlvb-zygote-")
    address = os.path.join(folder, "socket")
    with open(os.path.join(folder, "log"), "wb") as log:
        process = subprocess.Popen([sys.executable, "-P", str(Path(__file__).with_name("zygote.py")), address],
                                   stdin=subprocess.PIPE, stdout=log, stderr=log)
    os.environ["QLVB_TEST_ZYGOTE"] = address
    yield
    del os.environ["QLVB_TEST_ZYGOTE"]
    assert process.stdin is not None
    process.stdin.close()
    process.wait(timeout=30)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def realpdf() -> Path:
    return shared_folder("corpus", "realpdf")


@pytest.fixture(scope="session")
def province():
    return build_pki()


@pytest.fixture
def world(tmp_path: Path, province) -> World:
    pki, signers, stranger = province
    return make_world(tmp_path / "agency", pki, signers, stranger)


@pytest.fixture(scope="session")
def corpus() -> Path:
    """Other projects' odd mails and PDFs (tests/test_corpus.py), run where QLVB_SHARED has them."""
    return shared_folder("corpus", "external")
