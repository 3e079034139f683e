import logging
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from world import World, build_pki, make_world  # noqa: E402

logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def province():
    return build_pki()


@pytest.fixture
def world(tmp_path: Path, province) -> World:
    pki, signers, stranger = province
    return make_world(tmp_path / "agency", pki, signers, stranger)


@pytest.fixture(scope="session")
def corpus() -> Path:
    path = SHARED / "corpus" / "external"
    assert path.is_dir(), f"the external corpus is expected at {path}"
    return path
