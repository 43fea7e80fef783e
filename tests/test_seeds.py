"""Golden tests: the seed abstracts come out exactly as their hand-labelled gold."""

import pytest

from trialfacts.records.evaluate import scored_items
from trialfacts.records.models import gold_view, load_gold
from support import ROOT, SEED_IDS


@pytest.fixture(scope="module")
def seed_records(extractor):
    return {doc_id: extractor.extract_file(ROOT / "corpus" / f"{doc_id}.txt") for doc_id in SEED_IDS}


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_seed_equals_gold_on_every_scored_field(seed_records, doc_id):
    gold = load_gold(ROOT / "gold" / f"{doc_id}.json")
    assert scored_items(seed_records[doc_id]) == scored_items(gold)


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_seed_mentions_equal_gold_with_offsets(seed_records, doc_id):
    gold = gold_view(load_gold(ROOT / "gold" / f"{doc_id}.json"), "reviewed")
    predicted = gold_view(seed_records[doc_id], "reviewed")
    for field in ("p_values", "sample_sizes", "doses"):
        assert predicted[field] == gold[field], field
    assert [(r["start"], r["route"]) for r in predicted["routes"]] == [(r["start"], r["route"]) for r in gold["routes"]]


def test_seed_000_exact_values(seed_records):
    record = seed_records["000_0a71ac7b8c3031ac"]
    assert record.sample_size == 26
    assert [(p.comparator, p.value) for p in record.p_values] == [("<", 0.02), ("<", 0.05)]
    (dose,) = record.doses
    assert (dose.value, dose.spread, dose.unit, dose.text) == (1.5e7, 4.5e6, "cells", "15\u2009±\u20094.5\u2009×\u2009106")
    assert {r.route for r in record.routes} == {"intrathecal"}


def test_seed_003_exact_values(seed_records):
    record = seed_records["003_55175bd2ab1d999b"]
    assert record.sample_size == 26
    assert [(p.comparator, p.value) for p in record.p_values] == [("<", 0.04), ("=", 0.052)]
    assert record.doses == []
    assert {r.route for r in record.routes} == {"intramuscular", "intrathecal"}
    assert record.metadata.registrations == ["NCT01051882", "NCT01777646"]


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_every_offset_points_into_the_raw_file(seed_records, doc_id):
    raw = (ROOT / "corpus" / f"{doc_id}.txt").read_text(encoding="utf-8")
    record = seed_records[doc_id]
    assert record.offset_problems(raw) == []
    for abbreviation in record.abbreviations:
        assert raw[abbreviation.start:abbreviation.end] == abbreviation.text
        assert raw[abbreviation.long_start:abbreviation.long_end] == abbreviation.long_form
