import logging
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from world import World, build_pki, make_world  # noqa: E402

logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)

# Material from outside the repository is found through one setting (default: ../shared beside the checkout).
SHARED = Path(os.environ.get("QLVB_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")


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
