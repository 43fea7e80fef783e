"""The rule-file machinery of resources.py: openings read off a pattern, and searching a rule
only where one of them occurs gives exactly the matches of searching the whole text."""

import pytest

from trialfacts.resources import (
    finditer_at_openings,
    load_rules,
    opening_literals,
    search_openings,
)
from support import DEVSET


@pytest.mark.parametrize("pattern, openings", [
    (r"\b(?:oral|orally)\b", {"oral"}),
    (r"intra(?:venous|muscular)", {"intra"}),
    (r"[Pp] ?<", {"p", "P"}),
    (r"(?<=x)abc|abd", {"abc", "abd"}),         # a lookbehind is no part of the opening
    (r"odds ratios?|\bOR\b", {"odds ratio", "OR"}),
    (r"\d+ mg", None),                          # a category opens it: nothing to read
    (r"(?i:OR) ratio", None),                   # a part in another case mode
    (r"(?:a|)bc", {"abc", "bc"}),               # an empty branch: what follows it opens too
])
def test_openings_read_off_a_pattern(pattern, openings):
    found = opening_literals(pattern)
    assert (None if found is None else set(found)) == openings


@pytest.mark.parametrize("pattern, case_sensitive, searched", [
    (r"intra(?:venous|muscular)", False, {"intra"}),  # no one literal is in every match
    (r"\bintravenous(?:ly)?\b", False, None),         # one is: the engine's own search finds it
    (r"odds ratios?|\bOR\b", True, {"OR", "odds ratio"}),
    (r"odds ratios?|\bOR\b", False, {"odds ratio", "or"}),
    (r"[Pp] ?<", False, None),                       # single-character openings are everywhere
])
def test_which_rules_are_searched_by_their_openings(pattern, case_sensitive, searched):
    found = search_openings(pattern, case_sensitive)
    assert (None if found is None else {folded for folded, _ in found}) == searched


TEXTS = [
    "The odds ratio was 0.5 (OR 0.5; odds ratios of 1.2 and 1.4), and the OR stayed closed.",
    "intravenous and intramuscular; INTRAVENOUSLY; intra-arterial; an intravenously given dose",
    "orally or oral, Oral; by mouth; ORAL; moral and coral are not routes",
    "",
]


def _rules():
    for name in ("routes.jsonl", "effect_measures.jsonl", "sample_size_roles.jsonl"):
        for rule in load_rules(name):
            openings = search_openings(rule.pattern, rule.case == "sensitive")
            if openings is not None:
                yield pytest.param(rule, [pattern for _, pattern in openings], id=f"{name}:{rule.id or rule.label}")


RULES = list(_rules())


def test_some_rules_are_searched_by_their_openings():
    assert len(RULES) >= 5  # else the equivalence below checks nothing


@pytest.mark.parametrize("rule, openings", RULES)
def test_searching_at_openings_finds_what_a_full_search_finds(rule, openings):
    compiled = rule.compiled()
    # The dev texts where they are present; the table above alone where they are not.
    texts = TEXTS + [p.read_text(encoding="utf-8") for p in sorted((DEVSET / "corpus").glob("*.txt"))[:80]]
    for text in texts:
        for variant in (text, text.upper(), text.lower()):
            expected = [m.span() for m in compiled.finditer(variant)]
            assert [m.span() for m in finditer_at_openings(compiled, openings, variant)] == expected
