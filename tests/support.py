"""Paths and loaders shared by the tests (imported as `support`: tests/ is on sys.path)."""

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
# The dev set stays in ../shared; tests reference it and skip when it is absent.
DEVSET = Path(os.environ.get("TRIALFACTS_DEVSET", ROOT.parent / "shared" / "devset"))
SEED_IDS = ("000_0a71ac7b8c3031ac", "003_55175bd2ab1d999b")


def load_cases(name: str) -> list[dict]:
    """Golden surface-form cases kept as data: one JSON object a line."""
    lines = (CASES / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]
