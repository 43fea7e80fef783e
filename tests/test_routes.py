"""Route surface forms (cases/routes.jsonl), run through the tokenizer and abbreviation detector."""

import pytest
import spacy

from pipeline.spans import ROUTES, read_spans
from pipeline.tokenizer import trialfacts_tokenizer

from support import load_cases


@pytest.fixture(scope="module")
def nlp():
    import scispacy.abbreviation  # noqa: F401

    import pipeline.routes  # noqa: F401

    nlp = spacy.blank("en")
    nlp.tokenizer = trialfacts_tokenizer(nlp)
    nlp.add_pipe("abbreviation_detector")
    nlp.add_pipe("trialfacts_route")
    return nlp


@pytest.mark.parametrize("case", load_cases("routes.jsonl"), ids=lambda c: c["text"][:40])
def test_route_forms(nlp, case):
    doc = nlp(case["text"])
    got = [[doc.text[p["start"]:p["end"]], p["route"]] for p in read_spans(doc, ROUTES)]
    assert got == case["expect"]


def test_abbreviation_defined_otherwise_is_not_a_route(nlp):
    doc = nlp("Chronic gastritis and intestinal metaplasia (IM) improved; IM decreased in antrum.")
    assert read_spans(doc, ROUTES) == []


def test_every_route_id_is_in_the_vocabulary():
    from pipeline.resources import load_rules, route_names

    for rule in load_rules("routes.jsonl"):
        if rule.label in ("ROUTE", "ROUTE_ABBREVIATION"):
            assert rule.id in route_names(), rule
