"""Paths and loaders shared by the tests (imported as `support`: tests/ is on sys.path)."""

import json
import os
import random
import re
from collections import Counter
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


# --- Invariance: text as PDFs and web pages deliver it ------------------------------------------
# Whitespace that real input puts where a plain space was: Unicode spaces (thin, narrow no-break,
# no-break, punctuation), runs of spaces, tabs and line breaks.
OTHER_WHITESPACE = ["\u2009", "\u202f", "\u00a0", "\u2008", "  ", "   ", " \u2009", "\t", "\n", " \n", "\n ",
                    "\r\n", "\u2009\u2009"]
DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")
HYPHEN = re.compile(r"-")


def perturb_whitespace(text: str, rng: random.Random) -> str:
    """Every plain space replaced by a random run of other whitespace (line breaks among them)."""
    return "".join(rng.choice(OTHER_WHITESPACE) if ch == " " else ch for ch in text)


def perturb_decimal_points(text: str) -> str:
    """'0.05' written as '0·05', as the Lancet and PubMed's own text have it."""
    return DECIMAL_POINT.sub("·", text)


def perturb_hyphens(text: str, rng: random.Random) -> str:
    """'-' written as a minus sign or an en dash."""
    return HYPHEN.sub(lambda _: rng.choice(["\u2212", "\u2013"]), text)


def facts(record) -> Counter:
    """What a record states, as the scoring compares it: one multiset over every row."""
    from trialfacts.records.evaluate import scored_items

    items = Counter()
    for row, counted in scored_items(record).items():
        if row in ("route_set",):
            continue
        for item, count in counted.items():
            items[(row, item)] += count
    return items
