"""P-value surface forms, kept as data: cases/p_values.jsonl (clean text, the grammar alone) and
cases/p_values_raw.jsonl (text as sources deliver it, through the whole pipeline)."""

import pytest

import trialfacts
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


@pytest.mark.parametrize("case", load_cases("p_values_raw.jsonl"), ids=lambda c: repr(c["text"][:40]))
def test_p_value_forms_in_raw_text(case):
    record = trialfacts.extract(case["text"])
    got = [[p.text, p.comparator, p.value, p.threshold] for p in record.p_values]
    assert got == case["expect"]
