"""The surface forms the issue lists as hard, run the way a real file is: raw text -> cleaning ->
spaCy pipeline -> record. The unit tables (cases/*.jsonl, test_doses.py, test_sample_size.py) use
clean text; here the raw strings keep the Unicode variants that cleaning folds (U+2212 minus,
en dash, no-break, thin and narrow spaces, Greek mu, middle dot, superscripts), so the tests also
check that each mention's offsets point back at the raw characters: raw[start:end] == text.
"""

from __future__ import annotations

import pytest

MINUS = "\u2212"  # − minus sign
EN_DASH = "\u2013"  # –
NBSP = "\u00a0"
THIN = "\u2009"
NARROW_NBSP = "\u202f"
GREEK_MU = "\u03bc"  # μ
MICRO_SIGN = "\u00b5"  # µ
MIDDLE_DOT = "\u00b7"  # ·


@pytest.fixture(scope="module")
def extractor():
    from trialfacts.running.extractor import Extractor

    return Extractor()


def _mentions(record, field: str, raw: str, keys: tuple[str, ...]) -> list[tuple]:
    """(text, *keys) for each mention of a field, after checking its offsets against the raw text."""
    rows = []
    for mention in getattr(record, field):
        assert raw[mention.start:mention.end] == mention.text, (field, mention)
        rows.append((mention.text, *(getattr(mention, key) for key in keys)))
    return rows


# --- p-values: (raw, [(text, comparator, value, threshold), ...]) ---------------------------------
P_VALUES = [
    # scientific notation
    (f"The association was strong (P = 2.1 × 10{MINUS}8).", [(f"P = 2.1 × 10{MINUS}8", "=", 2.1e-08, False)]),
    ("The association was strong (P = 2.1 × 10⁻⁸).", [("P = 2.1 × 10⁻⁸", "=", 2.1e-08, False)]),
    (f"Genome-wide (P < 10{MINUS}5).", [(f"P < 10{MINUS}5", "<", 1e-05, False)]),
    ("Genome-wide (P < 10^-5).", [("P < 10^-5", "<", 1e-05, False)]),
    (f"Lower risk (p = 1.2e{MINUS}4).", [(f"p = 1.2e{MINUS}4", "=", 0.00012, False)]),
    ("Lower risk (P = 10(-4)).", [("P = 10(-4)", "=", 0.0001, False)]),
    (f"Lower risk (P = 1.2 x 10({MINUS}4)).", [(f"P = 1.2 x 10({MINUS}4)", "=", 0.00012, False)]),
    # Lancet middle dot, missing leading zero
    (f"Mortality fell (p=0{MIDDLE_DOT}003).", [(f"p=0{MIDDLE_DOT}003", "=", 0.003, False)]),
    ("A trend (P = .087).", [("P = .087", "=", 0.087, False)]),
    ("A trend (P =.087).", [("P =.087", "=", 0.087, False)]),
    # non-breaking, thin and narrow spaces around the operator; ≤ ≥ =<
    (f"Differed (P{NBSP}<{NBSP}0.05).", [(f"P{NBSP}<{NBSP}0.05", "<", 0.05, False)]),
    (f"Differed (P{THIN}={THIN}.04).", [(f"P{THIN}={THIN}.04", "=", 0.04, False)]),
    (f"Differed (P{NARROW_NBSP}≤{NARROW_NBSP}0.01).", [(f"P{NARROW_NBSP}≤{NARROW_NBSP}0.01", "<=", 0.01, False)]),
    ("Differed (P \u2266 0.01).", [("P \u2266 0.01", "<=", 0.01, False)]),  # ≦ folds to ≤
    (f"No difference (P{THIN}≥{THIN}0.2).", [(f"P{THIN}≥{THIN}0.2", ">=", 0.2, False)]),
    ("Differed (P =< 0.01).", [("P =< 0.01", "<=", 0.01, False)]),
    # heads
    (f"with a P{NBSP}value of 0.03.", [(f"P{NBSP}value of 0.03", "=", 0.03, False)]),
    ("with a P value of less than 0.001.", [("P value of less than 0.001", "<", 0.001, False)]),
    (f"Dose response (P for trend{NBSP}={NBSP}0.004).", [(f"P for trend{NBSP}={NBSP}0.004", "=", 0.004, False)]),
    (f"No modification (P(interaction){THIN}={THIN}0.21).", [(f"P(interaction){THIN}={THIN}0.21", "=", 0.21, False)]),
    # lists and ranges
    ("Both rose (P = 0.02 and 0.04, respectively).",
     [("P = 0.02", "=", 0.02, False), ("0.04", "=", 0.04, False)]),
    (f"All differed (P{THIN}={THIN}0.01{EN_DASH}0.04).",
     [(f"P{THIN}={THIN}0.01", "=", 0.01, False), ("0.04", "=", 0.04, False)]),
    (f"Both fell (both P{NBSP}<{NBSP}0.05).", [(f"P{NBSP}<{NBSP}0.05", "<", 0.05, False)]),
    # not significant
    (f"Unchanged (P{NBSP}={NBSP}NS).", [(f"P{NBSP}={NBSP}NS", "ns", None, False)]),
    # thresholds are kept, marked
    (f"P{NBSP}<{NBSP}0.05 was considered significant.", [(f"P{NBSP}<{NBSP}0.05", "<", 0.05, True)]),
    ("A p-value of less than 0.05 was considered significant.", [("p-value of less than 0.05", "<", 0.05, True)]),
    # glued to the next heading
    (f"Pain improved (P{THIN}<{THIN}0.05).CONCLUSIONS: It is safe.", [(f"P{THIN}<{THIN}0.05", "<", 0.05, False)]),
    # not p-values
    (f"As reviewed (see p.{NBSP}01).", []),
    (f"Smith J. Trials. 2001;4:pp. 12{EN_DASH}19.", []),
    ("Mutant p53 and the P2Y12 receptor.", []),
]


@pytest.mark.parametrize("raw, expected", P_VALUES, ids=[r for r, _ in P_VALUES])
def test_p_value_forms(extractor, raw, expected):
    record = extractor.extract_text(raw, "t")
    assert _mentions(record, "p_values", raw, ("comparator", "value", "threshold")) == expected


# --- sample size: (raw, [(text, value), ...], total) ----------------------------------------------
SAMPLE_SIZES = [
    ("Three hundred forty-one patients were randomized to two regimens.",
     [("Three hundred forty-one patients", 341)], 341),
    ("Twenty-six patients were enrolled.", [("Twenty-six patients", 26)], 26),
    ("The experimental group (n=12) used oral cryotherapy.", [("n=12", 12)], 12),
    ("They were assigned to the Phone group (N.=57, home-based surveillance).", [("N.=57", 57)], 57),
    (f"Patients were assigned to placebo (n{NBSP}={NBSP}23) or drug (n{THIN}={THIN}25).",
     [(f"n{NBSP}={NBSP}23", 23), (f"n{THIN}={THIN}25", 25)], 48),
    ("Subjects were 1,347 police trainees.", [("1,347 police trainees", 1347)], 1347),
    ("The trial enrolled 1 347 patients in 40 centres.", [("1 347 patients", 1347)], 1347),
    (f"The trial enrolled 1{NBSP}347 patients in 40 centres.", [(f"1{NBSP}347 patients", 1347)], 1347),
    (f"The trial enrolled 1{THIN}347 patients in 40 centres.", [(f"1{THIN}347 patients", 1347)], 1347),
    (f"The trial enrolled 1{NARROW_NBSP}347 patients in 40 centres.", [(f"1{NARROW_NBSP}347 patients", 1347)], 1347),
    # per-arm counts summed; several studies or phases summed
    ("Drug A was given to patients (n = 94) and drug B to patients (n = 110).", [("n = 94", 94), ("n = 110", 110)], 204),
    ("In study 1, 40 patients were enrolled; in study 2, 60 patients were enrolled.",
     [("40 patients", 40), ("60 patients", 60)], 100),
    # rejected: ages, years, durations, doses, percentages, outcome counts
    ("Patients aged 20 and 75 years were eligible; 40 patients were enrolled.", [("40 patients", 40)], 40),
    (f"Patients aged 18{EN_DASH}65 years were eligible.", [], None),
    ("From January 2010 to March 2012, 85 patients were recruited.", [("85 patients", 85)], 85),
    ("Patients were treated for 12 weeks with 400 mg daily.", [], None),
    ("About 30% of the patients had headache.", [], None),
    ("Of these patients, 13 (87%) were responders.", [], None),
]


@pytest.mark.parametrize("raw, expected, total", SAMPLE_SIZES, ids=[r for r, _, _ in SAMPLE_SIZES])
def test_sample_size_forms(extractor, raw, expected, total):
    record = extractor.extract_text(raw, "t")
    assert _mentions(record, "sample_sizes", raw, ("value",)) == expected
    assert record.sample_size == total


# --- doses: (raw, [(text, value, value_max, spread, unit, frequency), ...]) -----------------------
DOSES = [
    # one power of ten for a range or a spread; flattened and Unicode superscripts
    (f"Patients received 1{EN_DASH}2 × 10^6 cells/kg.", [(f"1{EN_DASH}2 × 10^6 cells/kg", 1e6, 2e6, None, "cells/kg", None)]),
    (f"Patients received 1{EN_DASH}2 × 10⁶ cells/kg.", [(f"1{EN_DASH}2 × 10⁶ cells/kg", 1e6, 2e6, None, "cells/kg", None)]),
    ("Patients received 15 ± 4.5 × 106 cells.", [("15 ± 4.5 × 106 cells", 1.5e7, None, 4.5e6, "cells", None)]),
    (f"Patients received 15{THIN}±{THIN}4.5{THIN}×{THIN}106 of BM-MSCs.",
     [(f"15{THIN}±{THIN}4.5{THIN}×{THIN}106", 1.5e7, None, 4.5e6, "cells", None)]),
    ("Patients received 2 x 10(6) cells/kg.", [("2 x 10(6) cells/kg", 2e6, None, None, "cells/kg", None)]),
    ("Patients received 10E6 cells.", [("10E6 cells", 1e6, None, None, "cells", None)]),
    ("Patients received 1.5 million cells.", [("1.5 million cells", 1.5e6, None, None, "cells", None)]),
    # µg / μg / mcg, international units
    (f"Fentanyl 5 {GREEK_MU}g was given.", [(f"5 {GREEK_MU}g", 5.0, None, None, "ug", None)]),
    (f"Fentanyl 5 {MICRO_SIGN}g was given.", [(f"5 {MICRO_SIGN}g", 5.0, None, None, "ug", None)]),
    ("Fentanyl 5 mcg was given.", [("5 mcg", 5.0, None, None, "ug", None)]),
    (f"Dexmedetomidine 0.5{NBSP}{GREEK_MU}g/kg was given.", [(f"0.5{NBSP}{GREEK_MU}g/kg", 0.5, None, None, "ug/kg", None)]),
    ("Vitamin D 500 IU was given.", [("500 IU", 500.0, None, None, "IU", None)]),
    # per-weight, per-area and per-time units
    ("Tobramycin (6 mg/kg/day) was given.", [("6 mg/kg/day", 6.0, None, None, "mg/kg/day", None)]),
    ("Gemcitabine 1000 mg/m2 was given.", [("1000 mg/m2", 1000.0, None, None, "mg/m2", None)]),
    ("Levodopa 190 mg/d was given.", [("190 mg/d", 190.0, None, None, "mg/day", None)]),
    ("Rifampicin 600 mg per day was given.", [("600 mg per day", 600.0, None, None, "mg/day", None)]),
    (f"Citalopram 10{EN_DASH}20 mg daily.", [(f"10{EN_DASH}20 mg", 10.0, 20.0, None, "mg", "daily")]),
    # frequencies
    ("Riluzole 50 mg twice daily.", [("50 mg", 50.0, None, None, "mg", "twice daily")]),
    ("Docetaxel 75 mg/m2 every 3 weeks.", [("75 mg/m2", 75.0, None, None, "mg/m2", "every 3 weeks")]),
    ("Patients received a single dose of 10 mg.", [("10 mg", 10.0, None, None, "mg", "single")]),
    # a list sharing one unit
    ("The groups received 5 and 10 mg, respectively.",
     [("5", 5.0, None, None, "mg", None), ("10 mg", 10.0, None, None, "mg", None)]),
    # lab values and plasma levels are not doses
    ("Baseline serum creatinine 1.2 mg/dL.", []),
    ("A plasma level of 5 ng/mL was reached.", []),
]


@pytest.mark.parametrize("raw, expected", DOSES, ids=[r for r, _ in DOSES])
def test_dose_forms(extractor, raw, expected):
    record = extractor.extract_text(raw, "t")
    assert _mentions(record, "doses", raw, ("value", "value_max", "spread", "unit", "frequency")) == expected


# --- routes: (raw, [(text, route), ...]) ----------------------------------------------------------
ROUTES = [
    # abbreviations defined in the text, then used alone
    ("Insulin was given subcutaneously (SC). Later SC doses were lower.",
     [("subcutaneously", "subcutaneous"), ("SC", "subcutaneous"), ("SC", "subcutaneous")]),
    ("The drug was given intravenously (IV). IV doses were then repeated.",
     [("intravenously", "intravenous"), ("IV", "intravenous"), ("IV", "intravenous")]),
    ("Cells were injected intrathecally (IT). Two further IT injections followed.",
     [("intrathecally", "intrathecal"), ("IT", "intrathecal"), ("IT injections", "intrathecal")]),
    ("The vaccine was injected intramuscularly (IM). A second IM dose was given.",
     [("intramuscularly", "intramuscular"), ("IM", "intramuscular"), ("IM", "intramuscular")]),
    # an abbreviation defined as something else is no route
    ("Chronic gastritis and intestinal metaplasia (IM) improved; IM decreased in the antrum.", []),
    # the common undefined abbreviations
    (f"Ondansetron 4{NBSP}mg i.v. at induction.", [("i.v.", "intravenous")]),
    ("Riluzole 50 mg p.o. daily.", [("p.o.", "oral")]),
    ("Enoxaparin 40 mg s.c. once daily.", [("s.c.", "subcutaneous")]),
    ("Ceftriaxone 1 g i.m. once.", [("i.m.", "intramuscular")]),
    # adverbs, adjectives and phrases
    ("Riluzole was taken by mouth.", [("by mouth", "oral")]),
    ("The drug was given as an intravenous infusion.", [("intravenous infusion", "intravenous")]),
    ("Cells were delivered via lumbar puncture into the cerebrospinal fluid.",
     [("via lumbar puncture into the cerebrospinal fluid", "intrathecal")]),
    ("Cells were injected into the spinal cord.", [("into the spinal cord", "intraspinal")]),
    # look-alikes
    ("Patients with oral mucositis were excluded.", []),
    ("The results were given as an oral presentation.", []),
    ("Intravenous line placement was painful.", []),
    ("Headache after lumbar puncture was recorded.", []),
]


@pytest.mark.parametrize("raw, expected", ROUTES, ids=[r for r, _ in ROUTES])
def test_route_forms(extractor, raw, expected):
    record = extractor.extract_text(raw, "t")
    assert _mentions(record, "routes", raw, ("route",)) == expected


def test_an_abstract_with_every_variant_keeps_raw_offsets(extractor):
    raw = (
        "BACKGROUND: Cell therapy in ALS.\n"
        f"METHODS: Twenty-six patients were enrolled. Patients received 1{EN_DASH}2{THIN}×{THIN}106 cells/kg "
        f"intrathecally (IT); later IT doses followed, with riluzole 50{NBSP}mg twice daily by mouth.\n"
        f"RESULTS: ALSFRS-R declined less (P{NBSP}={NBSP}2.1 × 10{MINUS}8; P for trend{THIN}={THIN}0{MIDDLE_DOT}003)."
        "CONCLUSIONS: Safe.\n"
    )
    record = extractor.extract_text(raw, "abstract")
    assert record.offset_problems(raw) == []
    assert record.sample_size == 26
    assert [(p.text, p.value) for p in record.p_values] == [
        (f"P{NBSP}={NBSP}2.1 × 10{MINUS}8", 2.1e-08), (f"P for trend{THIN}={THIN}0{MIDDLE_DOT}003", 0.003)]
    assert [(d.text, d.value, d.value_max, d.unit) for d in record.doses] == [
        (f"1{EN_DASH}2{THIN}×{THIN}106 cells/kg", 1e6, 2e6, "cells/kg"), (f"50{NBSP}mg", 50.0, None, "mg")]
    assert [(r.text, r.route) for r in record.routes] == [
        ("intrathecally", "intrathecal"), ("IT", "intrathecal"), ("IT", "intrathecal"), ("by mouth", "oral")]
