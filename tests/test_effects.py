"""Effect estimates: surface forms (cases/effects.jsonl), the p-value reported with an effect, the
warning for numbers that do not fit, offsets back in the raw text, and the measure names' data."""

import time

import pytest
import spacy

import trialfacts
from trialfacts.extractors.effects import find_effects, find_estimates, name_rules
from trialfacts.nlp.spans import EFFECTS, read_spans
from trialfacts.records.models import Effect
from trialfacts.records.record import effect_warning

from support import load_cases

CASES = load_cases("effects.jsonl")


def _effects(extractor, text):
    return [[e.text, e.measure, e.value, e.ci_low, e.ci_high, e.ci_level] for e in extractor.extract_text(text, "t").effects]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["text"][:50])
def test_effect_forms(extractor, case):
    assert _effects(extractor, case["text"]) == case["expect"]


# A second table written apart from the first, in the styles of many journals and eras (NEJM,
# JAMA, Lancet, BMJ, Chinese and European journals, 1980s-90s, COVID-era), through the whole pipeline.
STYLES = load_cases("effects_styles.jsonl")


def _extracted(text):
    return [[e.text, e.measure, e.value, e.ci_low, e.ci_high, e.ci_level] for e in trialfacts.extract(text).effects]


@pytest.mark.parametrize("case", STYLES, ids=lambda c: c["text"][:50])
def test_effect_styles(case):
    assert _extracted(case["text"]) == case["expect"]


def test_the_styles_table_holds_negatives_and_every_measure():
    assert sum(1 for c in STYLES if not c["expect"]) >= 40 and len(STYLES) >= 120
    assert {e[1] for c in STYLES for e in c["expect"]} == {"OR", "RR", "HR", "IRR", "RD", "MD", "SMD", "other"}


# A third table, written before the rules were changed to score them on forms they were not written
# on: names in full or only in a header, labels after the ends or in a bracket of their own, text
# assembled from tokens, Unicode spaces and minus signs, ratios told as multiples, risks reduced by a
# percentage; and statistics that are no effects (within-group changes, a group's rate, IQRs).
FRESH = load_cases("effects_fresh.jsonl")


@pytest.mark.parametrize("case", FRESH, ids=lambda c: c["text"][:50])
def test_effect_fresh_forms(case):
    assert _extracted(case["text"]) == case["expect"]


def test_the_fresh_table_holds_negatives_and_every_measure():
    assert sum(1 for c in FRESH if not c["expect"]) >= 30 and len(FRESH) >= 80
    assert {e[1] for c in FRESH for e in c["expect"]} == {"OR", "RR", "HR", "IRR", "RD", "MD", "SMD", "other"}


def test_the_table_holds_negatives_and_every_measure():
    assert sum(1 for c in CASES if not c["expect"]) >= 15
    measures = {e[1] for c in CASES for e in c["expect"]}
    assert measures == {"OR", "RR", "HR", "IRR", "RD", "MD", "SMD", "other"}


# --- Numbers as written -------------------------------------------------------------------------

@pytest.mark.parametrize("text, value, low, high", [
    ("(HR 0.72, 95% CI 0.61 to 0.85)", 0.72, 0.61, 0.85),
    ("(mean difference -3.1, 95% CI -5.0 to -1.2)", -3.1, -5.0, -1.2),
    ("(mean difference -3.1, 95% CI -5.0--1.2)", -3.1, -5.0, -1.2),
    ("(mean difference -3.1, 95% CI -5.0 - -1.2)", -3.1, -5.0, -1.2),
    ("(mean difference \u22122.1, 95% CI \u22124.0, 0.4)", -2.1, -4.0, 0.4),
    ("(mean difference \u22122.1, 95% CI \u22124.0\u2013\u22121.0)", -2.1, -4.0, -1.0),
    ("(HR 0\u00b772, 95% CI 0\u00b761\u20130\u00b785)", 0.72, 0.61, 0.85),
    ("(risk difference 12.5% (95% CI 3.1% to 20.0%))", 12.5, 3.1, 20.0),
    ("(risk difference 12.5 % [95 % CI: 3.1 %-20.0 %])", 12.5, 3.1, 20.0),
    ("(OR 1.8; CI95% 1.2-2.7)", 1.8, 1.2, 2.7),
    ("(OR 1.8 [95% CI, 1.2; 2.7])", 1.8, 1.2, 2.7),
    ("(OR 1.8, 95% CI from 1.2 to 2.7)", 1.8, 1.2, 2.7),
])
def test_values_signs_and_separators(extractor, text, value, low, high):
    (effect,) = extractor.extract_text(text, "t").effects
    assert (effect.value, effect.ci_low, effect.ci_high) == (value, low, high)


@pytest.mark.parametrize("text, level", [
    ("OR 1.5 (95% CI 1.1-2.0)", 0.95),
    ("OR 1.5 (90% CI 1.1-2.0)", 0.9),
    ("OR 1.5 (99% confidence interval 1.1-2.0)", 0.99),
    ("OR 1.5 (95 percent confidence interval, 1.1 to 2.0)", 0.95),
    ("OR 1.5 (CI 95%: 1.1-2.0)", 0.95),
    ("OR 1.5 (CI 1.1-2.0)", None),
    ("OR 1.5 (1.1-2.0)", None),
    ("OR 1.5", None),
])
def test_confidence_level(extractor, text, level):
    (effect,) = extractor.extract_text(text, "t").effects
    assert effect.ci_level == level


def test_a_ratio_of_zero_with_its_interval_is_an_effect(extractor):
    (effect,) = extractor.extract_text("No event occurred with the drug (RR 0.00, 95% CI 0 to 1.58).", "t").effects
    assert (effect.measure, effect.value, effect.ci_low, effect.ci_high) == ("RR", 0.0, 0.0, 1.58)


@pytest.mark.parametrize("text", [
    "Scores changed (HR -0.5, 95% CI -0.9 to -0.1).",
    "Scores changed (OR 0.5, 95% CI -0.9 to 1.1).",
    "The rate ratio was -1.2 (-2.0 to -0.4).",
])
def test_a_negative_ratio_is_no_effect(extractor, text):
    assert extractor.extract_text(text, "t").effects == []


def test_a_negative_difference_keeps_its_sign(extractor):
    (effect,) = extractor.extract_text("Weight fell more (MD -2.4 kg, 95% CI -3.6 to -1.2).", "t").effects
    assert (effect.value, effect.ci_low, effect.ci_high) == (-2.4, -3.6, -1.2)


# --- Inconsistent numbers are kept, with a warning ----------------------------------------------

def test_interval_not_holding_its_estimate_is_kept_with_a_warning(extractor):
    text = "Relapse was more frequent (OR 2.1 (0.3-1.9))."
    record = extractor.extract_text(text, "t")
    (effect,) = record.effects
    assert (effect.value, effect.ci_low, effect.ci_high) == (2.1, 0.3, 1.9)
    assert record.warnings == [
        f"effect 'OR 2.1 (0.3-1.9)' at {text.index('OR 2.1')}: the interval 0.3-1.9 does not contain the estimate 2.1"
    ]


def test_interval_with_its_ends_reversed_is_kept_with_a_warning(extractor):
    record = extractor.extract_text("Mortality was lower (HR 0.8, 95% CI 0.9 to 0.7).", "t")
    (effect,) = record.effects
    assert (effect.ci_low, effect.ci_high) == (0.9, 0.7)
    assert len(record.warnings) == 1 and "low end above its high end" in record.warnings[0]


def test_consistent_effects_give_no_warning(extractor):
    record = extractor.extract_text("HR 0.72 (95% CI 0.61-0.85); MD -3.1 (95% CI -5.0 to -1.2); OR 1.4.", "t")
    assert len(record.effects) == 3 and record.warnings == []


@pytest.mark.parametrize("value, low, high, expected", [
    (2.1, 0.3, 1.9, "the interval 0.3-1.9 does not contain the estimate 2.1"),
    (-0.5, -0.3, 1.2, "the interval -0.3 to 1.2 does not contain the estimate -0.5"),
    (1.0, 1.2, 0.8, "the interval 1.2-0.8 has its low end above its high end"),
    (1.0, 1.0, 1.0, None),
    (1.0, None, None, None),
])
def test_effect_warning(value, low, high, expected):
    effect = Effect(text="x", start=0, end=1, measure="MD", value=value, ci_low=low, ci_high=high)
    warning = effect_warning(effect)
    assert (warning is None) if expected is None else warning.endswith(expected)


# --- The p-value reported with an effect ---------------------------------------------------------

@pytest.mark.parametrize("text, p_text, comparator, value", [
    ("Fewer relapses (OR 1.5; 95% CI 1.1-2.0; P = .01).", "P = .01", "=", 0.01),
    ("Survival improved (HR 0.72 (0.61-0.85), P < .001).", "P < .001", "<", 0.001),
    ("Survival improved: HR 0.72 (0.61-0.85), P < .001.", "P < .001", "<", 0.001),
    ("Mortality was lower (HR = 0.31 [95% CI: 0.10-0.96], p = 0.04).", "p = 0.04", "=", 0.04),
    ("The relative risk was 0.17 (95% CI 0.04 - 0.73, P\u2009=\u20090.02).", "P\u2009=\u20090.02", "=", 0.02),
    ("Infected volunteers were fewer (P = .16; efficacy, 61%).", "P = .16", "=", 0.16),
    ("Groups did not differ (difference 0.4, 95% CI -0.2 to 1.0; P = NS).", "P = NS", "ns", None),
])
def test_p_value_reported_with_the_effect(extractor, text, p_text, comparator, value):
    record = extractor.extract_text(text, "t")
    (effect,) = record.effects
    assert effect.p_value is not None
    assert (effect.p_value.text, effect.p_value.comparator, effect.p_value.value) == (p_text, comparator, value)
    assert text[effect.p_value.start:effect.p_value.end] == p_text
    assert effect.p_value in record.p_values  # the same mention


@pytest.mark.parametrize("text", [
    "Survival improved (HR 0.72, 95% CI 0.61-0.85). Toxicity was similar (P = .40).",
    "Survival improved (HR 0.72, 95% CI 0.61-0.85) and pain decreased (P = .01).",
    "P < 0.05 was considered significant; the OR was 1.5 (95% CI 1.1-2.0).",
    # a p-value before an estimate is its own only inside the same bracket; at the very start of the
    # text there is no bracket before it
    "P = .01; OR 1.5 (95% CI 1.1-2.0).",
])
def test_no_p_value_from_another_clause(extractor, text):
    (effect,) = extractor.extract_text(text, "t").effects
    assert effect.p_value is None


def test_each_effect_of_a_list_takes_its_own_p_value(extractor):
    text = "The HRs were 1.4 (95% CI, 0.96 to 2.0; P =.029) and 2.2 (95% CI, 1.5 to 3.0; P < .001), respectively."
    effects = extractor.extract_text(text, "t").effects
    assert [(e.value, e.p_value.value) for e in effects] == [(1.4, 0.029), (2.2, 0.001)]


# --- Through the whole pipeline: offsets in the raw text ---------------------------------------

def test_extract_maps_effects_to_raw_offsets():
    raw = ("TITLE\n\nRESULTS: Mortality was lower with\u00a0the drug (hazard  ratio\u20090\u00b772 "
           "[95%\u2009CI 0\u00b761\u20130\u00b785]; p\u2009<\u20090\u00b7001), and the mean difference in "
           "pain was \u22123\u00b71 points (95% CI \u22125\u00b70 to \u22121\u00b72).\n")
    record = trialfacts.extract(raw)
    assert [(e.measure, e.value, e.ci_low, e.ci_high, e.ci_level) for e in record.effects] == [
        ("HR", 0.72, 0.61, 0.85, 0.95), ("MD", -3.1, -5.0, -1.2, 0.95)]
    first, second = record.effects
    assert first.text == "hazard  ratio\u20090\u00b772 [95%\u2009CI 0\u00b761\u20130\u00b785]"
    assert second.text == "\u22123\u00b71 points (95% CI \u22125\u00b70 to \u22121\u00b72)"
    for effect in record.effects:
        assert raw[effect.start:effect.end] == effect.text
    assert first.p_value.text == "p\u2009<\u20090\u00b7001"
    assert raw[first.p_value.start:first.p_value.end] == first.p_value.text
    assert record.offset_problems(raw) == []


def test_effects_are_in_the_gold_view_without_their_p_value():
    from trialfacts.records.models import gold_view

    record = trialfacts.extract("Fewer relapses (OR 1.5; 95% CI 1.1-2.0; P = .01).")
    (effect,) = gold_view(record, "draft")["effects"]
    assert "p_value" not in effect and effect["measure"] == "OR"


def test_component_reads_p_values_from_the_doc():
    nlp = spacy.blank("en")
    nlp.add_pipe("trialfacts_pvalue")
    nlp.add_pipe("trialfacts_effect")  # found through the entry point
    doc = nlp("Fewer relapses (OR 1.5; 95% CI 1.1-2.0; P = .01).")
    (payload,) = read_spans(doc, EFFECTS)
    assert (payload["measure"], payload["value"], payload["ci_low"], payload["ci_high"]) == ("OR", 1.5, 1.1, 2.0)
    assert payload["p_value"]["value"] == 0.01
    assert doc.text[payload["p_value"]["start"]:payload["p_value"]["end"]] == "P = .01"


def test_component_without_p_values():
    nlp = spacy.blank("en")
    nlp.add_pipe("trialfacts_effect")
    doc = nlp("Fewer relapses (OR 1.5; 95% CI 1.1-2.0; P = .01).")
    (payload,) = read_spans(doc, EFFECTS)
    assert payload["p_value"] is None


# --- The names are data ---------------------------------------------------------------------------

def test_every_label_is_a_measure_or_not_effect():
    measures = {"OR", "RR", "HR", "IRR", "RD", "MD", "SMD", "other", "NOT_EFFECT"}
    rules = name_rules()
    assert rules and {r.label for r in rules} <= measures
    assert all(r.id for r in rules)


def test_the_data_holds_one_modifier_and_one_percent_quantity_rule():
    from trialfacts.resources import load_rules

    labels = [r.label for r in load_rules("effect_measures.jsonl")]
    assert labels.count("MODIFIER") == 1 and labels.count("PERCENT_QUANTITY") == 1


def test_ids_the_code_reads_are_in_the_data():
    from trialfacts.extractors import effects

    ids = {r.id for r in name_rules()}
    for group in (effects.DIFFERENCE_IDS, effects.FOLD_IDS, effects.TIMES_IDS, effects.GENERIC_IDS, effects.PROSE_IDS,
                  effects.WITHIN_GROUP_IDS, effects.NOT_BLOCKING_IDS, effects.VITAL_SIGN_IDS):
        assert group <= ids


@pytest.mark.parametrize("name, measure", [
    ("odds ratio", "OR"), ("OR", "OR"), ("aOR", "OR"), ("adjusted OR", "OR"), ("adjusted odds ratio", "OR"),
    ("relative risk", "RR"), ("risk ratio", "RR"), ("RR", "RR"),
    ("hazard ratio", "HR"), ("HR", "HR"), ("aHR", "HR"), ("subdistribution hazard ratio", "HR"),
    ("incidence rate ratio", "IRR"), ("IRR", "IRR"), ("rate ratio", "IRR"),
    ("risk difference", "RD"), ("absolute risk reduction", "RD"), ("ARD", "RD"),
    ("mean difference", "MD"), ("difference in means", "MD"), ("MD", "MD"), ("WMD", "MD"),
    ("standardized mean difference", "SMD"), ("SMD", "SMD"), ("Cohen's d", "SMD"), ("Hedges' g", "SMD"),
    ("number needed to treat", "other"), ("NNT", "other"), ("relative risk reduction", "other"),
    ("ratio of means", "other"), ("geometric mean ratio", "other"),
    ("odds-ratio", "OR"), ("hazard-ratio", "HR"), ("risk-ratio", "RR"), ("incidence-rate ratio", "IRR"),
    ("NNTB", "other"), ("NNTH", "other"),
])
def test_measure_names(extractor, name, measure):
    (effect,) = extractor.extract_text(f"The result favoured the drug ({name} 1.25, 95% CI 1.05 to 1.48).", "t").effects
    assert effect.measure == measure


def test_abbreviation_defined_as_something_else_is_no_measure(extractor):
    text = "Pain was lower in the operating room (OR) and recovery unit; OR stay was 45 (95% CI 30-60) minutes."
    assert extractor.extract_text(text, "t").effects == []


def test_abbreviation_defined_by_the_text(extractor):
    text = ("The relative event rate (RER) was 0.8 (95% CI 0.6 to 1.0). "
            "Among older patients the RER was 0.7 (95% CI 0.5 to 0.9).")
    effects = extractor.extract_text(text, "t").effects
    assert [(e.measure, e.value) for e in effects] == [("IRR", 0.8), ("IRR", 0.7)]


# --- Robustness ---------------------------------------------------------------------------------

def test_estimates_grammar_alone():
    # The grammar finds estimates with intervals whether or not a name makes them effects.
    found = find_estimates("mean age 54 (95% CI 50-58); HR 0.7 (0.5-0.9); 12% (95% CI 8%-16%)")
    assert [(e.value, e.low, e.high, e.labelled) for e in found] == [
        (54.0, 50.0, 58.0, True), (0.7, 0.5, 0.9, False), (12.0, 8.0, 16.0, True)]


def test_unreadable_digits_are_skipped():
    assert find_effects("OR \U000116d0 (1-2); OR 1.2 (\U000116d0-3); 9\U000116d0% CI") == []


ADVERSARIAL = [
    "1 " * 50_000,
    "1.2 (0.5-3.4) " * 10_000,
    "OR HR RR difference " * 10_000,
    "the odds ratio was 1.2 (95% CI 0.5-3.4) and " * 5_000,
    "(" * 50_000 + "OR 1.2" + ")" * 50_000,
    "hazard ratio for " + "a " * 50_000 + "1.2",
    "95% CI " * 20_000,
    "OR 1.2; " * 20_000,
    "The OR was " + "1.2 (0.5-3.4) and " * 10_000,
    "a 44% (95% CI 7-66) risk reduction and " * 5_000,
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=lambda t: f"{t[:12]!r}x{len(t)}")
def test_no_catastrophic_backtracking(text):
    started = time.perf_counter()
    find_effects(text)
    assert time.perf_counter() - started < 10


# --- The shortcuts of the search find what the plain search finds -------------------------------

# Estimates whose interval is labelled in ways the labelled-interval shortcut must let through
# (_ci_word_starts): the label's word in capitals, lower case after a level, spelled out, split from
# the value by a line break, a unit, favouring words or a p-value; a decimal split by a space.
LABELLED_VARIANTS = [
    "the odds ratio was 2.4 (95% CI 1.3 to 4.4).",
    "hazard ratio 0.81;\n95% CI 0.70-0.93. Next sentence 3.",
    "a fall of 4.2 mmHg (95% ci 1.1-7.3) with drug B.",
    "difference 3.1 points in favour of the new dressing (95 per cent confidence interval 0.9 to 5.3)",
    "risk ratio 1. 22; 95% CI 1.01-1.47. Then 2. 5 more",
    "the mean difference was -0.6 (P = .02; 95% C.I. -1.1 to -0.1)",
    "relative risk 0.9 with a 90% credible interval of 0.7 to 1.1.",
    "12.5 mU/L, (95% CrI: 9.8, 15.2). Ratio 1.4. 95% CL 1.1-1.8",
    "OR 2.0. 95% CI 1.1-3.6 was reported",  # the label is in the next sentence: no estimate
]


@pytest.mark.parametrize("text", LABELLED_VARIANTS)
def test_estimate_shortcuts_find_what_the_grammar_finds(text):
    from trialfacts.extractors.effects import ESTIMATE, _estimate_matches, _SearchedText

    def spans(matches):
        return [m.span() for m in matches]

    assert spans(_estimate_matches(_SearchedText(text))) == spans(ESTIMATE.finditer(text))


def test_estimate_and_name_shortcuts_on_the_dev_texts(devset):
    """On the dev texts, in their case and in capitals: the estimates found at numbers equal a plain
    search of the grammar, and the name rules run by their literal gates find what every rule run
    over the whole text finds."""
    from trialfacts.extractors.effects import (
        ESTIMATE,
        MEASURES,
        NOT_EFFECTS,
        _estimate_matches,
        _matches,
        _rule_group,
        _SearchedText,
    )
    from trialfacts.reading.clean import Cleaner

    cleaner = Cleaner()
    for path in sorted((devset / "corpus").glob("*.txt")):
        clean = cleaner(path.read_text(encoding="utf-8")).text
        for text in (clean, clean.upper()):
            searched = _SearchedText(text)
            assert [m.span() for m in _estimate_matches(searched)] == [m.span() for m in ESTIMATE.finditer(text)]
            for group in (MEASURES, NOT_EFFECTS):
                everywhere = [(m.start(), m.end(), rule.id) for rule in _rule_group(group).rules
                              for m in rule.pattern.finditer(text) if m.end() > m.start()]
                gated = [(n.end, n.id) for n in _matches(searched, group)]
                assert gated == [(end, rule_id) for _, end, rule_id in everywhere], path.name


@pytest.mark.parametrize("text", [
    "r = 0.41, rho=0.3 and R² = 0.2; t=2.1, F  = 3, χ2 = 4.1", "x r = 1", "==r==", "r =\n=", "Δ = -1.2 δ=", "=r =",
])
def test_rules_before_a_lookahead_literal_find_what_a_search_finds(text):
    from trialfacts.extractors.effects import _matches_before_literal

    rules = [rule for rule in name_rules() if rule.before_literal is not None]
    assert rules
    for rule in rules:
        assert ([m.span() for m in _matches_before_literal(rule.pattern, rule.before_literal, text)]
                == [m.span() for m in rule.pattern.finditer(text)])


# An estimate or bound in exponent notation is read whole or not at all: the mantissa alone
# ("2.1" of "2.1E-3") would be a wrong number.
@pytest.mark.parametrize("text,expected", [
    ("the odds ratio was 3.2E-2 (95% CI 1.0E-2 to 9.9E-2)", []),
    ("risk ratio 1.4 (95% CI 1.1 to 1.8e1)", []),
    ("HR 5e3 (95% CI 1.2 to 8.4)", []),
    # Negatives: an "e" that starts a word after the number is no exponent.
    ("OR 1.9 (95% CI 1.2 to 3.0) even in older patients", [(1.9, 1.2, 3.0)]),
    ("MD -0.8 (95% CI -1.3 to -0.3) each week", [(-0.8, -1.3, -0.3)]),
])
def test_exponent_notation_is_not_read_as_its_mantissa(text, expected):
    assert [(f.values["value"], f.values["ci_low"], f.values["ci_high"]) for f in find_effects(text)] == expected
