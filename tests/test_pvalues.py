"""P-value surface forms, kept as data in cases/p_values.jsonl."""

import pytest

from trialfacts.extractors.pvalues import find_p_values

from support import load_cases


@pytest.mark.parametrize("case", load_cases("p_values.jsonl"), ids=lambda c: c["text"][:40])
def test_p_value_forms(case):
    found = find_p_values(case["text"])
    got = [
        [case["text"][f.start:f.end], f.values["comparator"], f.values["value"], f.values["threshold"]]
        for f in found
    ]
    assert got == case["expect"]
