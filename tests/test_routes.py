"""Route surface forms (cases/routes.jsonl), run through the tokenizer and abbreviation detector."""

import pytest
import spacy

from trialfacts.nlp.spans import ROUTES, read_spans
from trialfacts.nlp.tokenizer import trialfacts_tokenizer

from support import load_cases


@pytest.fixture(scope="module")
def nlp():
    import scispacy.abbreviation  # noqa: F401

    import trialfacts.extractors.routes  # noqa: F401

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
    from trialfacts.resources import load_rules, route_names

    for rule in load_rules("routes.jsonl"):
        if rule.label in ("ROUTE", "ROUTE_ABBREVIATION"):
            assert rule.id in route_names(), rule


# --- Literal prefilters (resources.required_literals), which decide which route rules run -------

def test_required_literals_of_simple_patterns():
    from trialfacts.resources import required_literals

    assert required_literals(r"\borally\b|\boral\b|\bper os\b") == {"orally", "oral", "per os"}
    assert required_literals(r"\bintravenous(?:ly)?\b") == {"intravenous"}
    assert required_literals(r"(?-i:IV)") == {"iv"}  # compared case-folded
    assert required_literals(r"(?<![\w.])i\.v\.(?!\w)") == {"i.v."}  # lookarounds match no text
    # an optional part or a class requires nothing; a repeat that must occur does
    assert required_literals(r"a?[bc]") is None
    assert required_literals(r"(?:ab){2,3}") == {"ab"}
    # regex-module syntax the standard parser would misread: no prefilter
    assert required_literals(r"(?:oral){e<=1}") is None
    assert required_literals(r"[[a-z]--[aeiou]]x") is None


def test_could_match_is_false_only_without_any_literal():
    from trialfacts.resources import could_match, fold_for_literals

    folded = fold_for_literals("Given ORALLY (p.o.) twice daily")
    assert could_match(frozenset({"orally", "per os"}), folded)
    assert could_match(None, folded)
    assert not could_match(frozenset({"intrathecal"}), folded)


def test_folding_covers_every_case_variant_the_regex_module_matches():
    """A prefilter compares case-folded text: every character that a case-insensitive rule
    matches in place of a literal's character must fold to exactly that character."""
    import regex

    from trialfacts.resources import fold_for_literals, load_rules, required_literals

    characters = set()
    for name in ("routes.jsonl", "sample_size_roles.jsonl", "registrations.jsonl"):
        for rule in load_rules(name):
            for literal in required_literals(rule.pattern) or ():
                characters.update(literal)
    flags = regex.V1 | regex.IGNORECASE
    any_of_them = regex.compile("(?-f)[" + "".join(regex.escape(c) for c in characters) + "]", flags)
    for code in range(0x110000):
        other = chr(code)
        if any_of_them.fullmatch(other):
            for char in characters:
                if regex.fullmatch(f"(?-f){regex.escape(char)}", other, flags):
                    assert fold_for_literals(other) == char, (char, hex(code))


def test_prefilters_never_skip_a_rule_that_matches(devset):
    """On the dev texts and variants of them, every match of every rule holds one of its literals."""
    from trialfacts.reading.decoding import read_raw
    from trialfacts.resources import fold_for_literals, load_rules, required_literals

    texts = []
    for path in sorted((devset / "corpus").glob("*.txt")):
        raw = read_raw(path)
        texts += [raw, raw.upper(), raw.swapcase()]
    for name in ("routes.jsonl", "registrations.jsonl"):
        for rule in load_rules(name):
            literals = required_literals(rule.pattern)
            if literals is None:
                continue
            pattern = rule.compiled()
            for text in texts:
                for match in pattern.finditer(text):
                    folded = fold_for_literals(match.group())
                    assert any(literal in folded for literal in literals), (rule.id, match.group())


# --- The abbreviation detector whose definitions the routes read ---------------------------------

def test_abbreviation_detector_finds_what_scispacys_matchers_find(devset):
    """trialfacts.nlp.abbreviations searches ORTH arrays where scispaCy runs two Matchers; with the
    bracket pattern bounded the same way, both find the same abbreviations and long forms."""
    from scispacy.abbreviation import AbbreviationDetector
    from spacy.matcher import Matcher

    from trialfacts.nlp.abbreviations import SCISPACY_MAX_TOKENS, BoundedAbbreviationDetector
    from trialfacts.reading.decoding import read_raw

    nlp = spacy.blank("en")
    nlp.tokenizer = trialfacts_tokenizer(nlp)
    ours = BoundedAbbreviationDetector(nlp, "ours", SCISPACY_MAX_TOKENS, False)
    theirs = AbbreviationDetector(nlp, "theirs")
    theirs.matcher = Matcher(nlp.vocab)
    inside = {"ORTH": {"NOT_IN": ["(", ")"]}, "OP": f"{{1,{SCISPACY_MAX_TOKENS}}}"}
    theirs.matcher.add("parenthesis", [[{"ORTH": "("}, inside, {"ORTH": ")"}]])
    texts = [read_raw(path) for path in sorted((devset / "corpus").glob("*.txt"))]
    texts += ["( a ( b ) c ) (d) ((e)) ()", "(" * 50 + "P" + ")" * 50, "Alpha Beta (AB) and AB AB AB",
              "x ( 1 2 3 4 5 6 7 8 ) ( 1 2 3 4 5 6 7 8 9 ) tumour necrosis factor (TNF) TNF"]

    def found(detector, text):
        doc = nlp.make_doc(text)
        doc._.abbreviations = []
        detector(doc)
        return sorted((s.start, s.end, s._.long_form.start, s._.long_form.end) for s in doc._.abbreviations)

    for text in texts:
        doc = nlp.make_doc(text)
        assert [(start, end) for _, start, end in theirs.matcher(doc)] == ours.parentheses(doc.to_array("ORTH"))
        assert found(ours, text) == found(theirs, text)
