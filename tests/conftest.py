import pytest
from support import DEVSET


@pytest.fixture(scope="session")
def extractor():
    from trialfacts.running.extractor import Extractor

    return Extractor()


@pytest.fixture(scope="session")
def devset():
    if not (DEVSET / "corpus").is_dir() or not (DEVSET / "gold").is_dir():
        pytest.skip(f"dev set not found at {DEVSET}")
    return DEVSET
