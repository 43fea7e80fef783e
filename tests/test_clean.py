"""Cleaning: chrome dropped, Unicode folded, superscripts repaired, every offset maps back."""

import pytest

from trialfacts.reading.clean import Cleaner
from support import ROOT, SEED_IDS


@pytest.fixture(scope="module")
def cleaner():
    return Cleaner()


def seed(doc_id: str) -> str:
    return (ROOT / "corpus" / f"{doc_id}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("doc_id", SEED_IDS)
@pytest.mark.parametrize("chrome", [
    "Skip to main content", "Send to", "Choose Destination", "Author information",
    "Supplemental Content", "Full text links", "Loading ...", "Support Center",
    "temporarily unavailable", "Access Key", "Icon for", "Free trial content",
    "Petach Tikva", "Indexed for MEDLINE", "JAMA Neurol. 2016",
])
def test_seed_chrome_is_dropped(cleaner, doc_id, chrome):
    assert chrome not in cleaner(seed(doc_id)).text


def test_seed_000_text_and_metadata(cleaner):
    cleaned = cleaner(seed("000_0a71ac7b8c3031ac"))
    assert "Patients received 15 ± 4.5 × 10^6 of BM-MSCs" in cleaned.text
    assert "persisted for 6 months ( p < 0.05)" in cleaned.text  # thin spaces folded
    assert cleaned.metadata.title.startswith("Transplantation of Mesenchymal Stromal Cells")
    assert cleaned.metadata.year == 2017
    assert cleaned.metadata.registrations == ["EudraCT 2011-000362-35"]


def test_seed_003_metadata(cleaner):
    meta = cleaner(seed("003_55175bd2ab1d999b")).metadata
    assert meta.journal == "JAMA Neurol"
    assert meta.year == 2016
    assert meta.doi == "10.1001/jamaneurol.2015.4321"
    assert meta.registrations == ["NCT01051882", "NCT01777646"]
    assert meta.title.startswith("Safety and Clinical Effects of Mesenchymal Stem Cells")


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_every_clean_character_maps_into_the_raw_file(cleaner, doc_id):
    raw = seed(doc_id)
    cleaned = cleaner(raw)
    for i, char in enumerate(cleaned.text):
        start, end = cleaned.to_raw(i, i + 1)
        assert 0 <= start <= end <= len(raw)
        if char.isalnum():
            # a repaired "10^6" maps to its raw "106" as a whole
            assert char in raw[start:end]


@pytest.mark.parametrize("raw,clean", [
    ("15\u2009±\u20094.5\u2009×\u2009106 cells", "15 ± 4.5 × 10^6 cells"),
    ("1.5 x 106 cells", "1.5 x 10^6 cells"),
    ("2 × 1012 vg", "2 × 10^12 vg"),
    ("P\u00a0=\u00a00.03", "P = 0.03"),
    ("10\u201320 mg", "10-20 mg"),
    ("\u221210 dB", "-10 dB"),
    ("5 \u03bcg", "5 µg"),
    ("soft\u00adhyphen", "softhyphen"),
    ("P = 0.\u0663", "P = 0.3"),          # an Arabic-Indic digit, read as 3
    ("n = \U000116d0", "n = \ufffd"),     # a digit Python's Unicode tables do not know
    ("P\t=\t0.03", "P = 0.03"),          # plain ASCII: only its tabs are folded
    ("soft\u00adhyphen 1.5 x 106", "softhyphen 1.5 x 10^6"),  # a removal before a repair
])
def test_folds_and_repairs(cleaner, raw, clean):
    assert cleaner(raw).text == clean


@pytest.mark.parametrize("raw", [
    "5 × 100 mg",        # a hundred stays a hundred
    "in 106 patients",   # no mantissa and sign before it
    "26 x 10 mm",
])
def test_numbers_that_are_not_flattened_powers(cleaner, raw):
    assert cleaner(raw).text == raw


def test_repaired_span_maps_to_the_raw_digits(cleaner):
    raw = "got 15\u2009±\u20094.5\u2009×\u2009106 of cells"
    cleaned = cleaner(raw)
    start = cleaned.text.index("15")
    end = cleaned.text.index("10^6") + len("10^6")
    raw_start, raw_end = cleaned.to_raw(start, end)
    assert raw[raw_start:raw_end] == "15\u2009±\u20094.5\u2009×\u2009106"


def test_empty_and_blank_inputs(cleaner):
    assert cleaner("").text == ""
    assert cleaner("  \n\n ").text.strip() == ""


def test_long_runs_are_broken_wherever_they_start(cleaner):
    for raw in ("x" * 1200, "a " + "y" * 2600 + " b", "(" * 1000 + " " + "z" * 999):
        clean = cleaner(raw).text
        assert clean.replace(" ", "") == raw.replace(" ", "")
        assert max(len(run) for run in clean.split(" ")) <= 1000


@pytest.mark.parametrize("raw,clean", [
    ("P\n= 0.05", "P = 0.05"),                          # a line break inside a mention
    ("n =\n23 patients", "n = 23 patients"),
    ("received 10\nmg daily", "received 10 mg daily"),
    ("P  <   0.01", "P < 0.01"),                         # runs of spaces
    ("P\u2009\u2009=\u00a0 0.2", "P = 0.2"),             # runs of Unicode spaces
    ("15 \u00b1\r\n4.5 cells", "15 ± 4.5 cells"),         # a Windows line break
    ("the\u2028drug", "the drug"),                      # a Unicode line separator
    ("P = 0\u00b7003", "P = 0.003"),                    # the middle-dot decimal point
    ("P=0. 05 and 0. 7x10^6", "P=0.05 and 0.7x10^6"),   # a decimal split after its point
    ("0.\n25 mg", "0.25 mg"),
])
def test_whitespace_inside_sentences_becomes_one_space(cleaner, raw, clean):
    assert cleaner(raw).text == clean


@pytest.mark.parametrize("raw", [
    "Trial of X in ALS\nBACKGROUND: ALS is fatal.",      # a heading starts the next line
    "Results are good.\nPatients improved.",            # a sentence ends, a capital follows
    "Inclusion criteria:\n- age 18 to 75\n- ALS",       # list items
    "1) ALS\n2) Parkinson disease",
    "First paragraph.\n\nSecond paragraph.",           # a blank line
    "at week 2. 25 patients",                           # no lone zero before the point
    "1.0. 5 patients",
])
def test_structural_line_breaks_and_real_numbers_stay(cleaner, raw):
    assert cleaner(raw).text == raw


def test_a_collapsed_run_maps_back_to_the_whole_run(cleaner):
    raw = "Dose: 10 \u2009\n mg daily."
    cleaned = cleaner(raw)
    start = cleaned.text.index("10 mg")
    raw_start, raw_end = cleaned.to_raw(start, start + len("10 mg"))
    assert raw[raw_start:raw_end] == "10 \u2009\n mg"


@pytest.mark.parametrize("raw,clean", [
    ("(\U0001d443 < 0.05)", "(P < 0.05)"),       # an equation editor's italic P
    ("\U0001d45b = 23", "n = 23"),
    ("P \ufe64 0.01 and P \ufe66 0.2", "P < 0.01 and P = 0.2"),
])
def test_styled_letters_and_signs_fold_to_plain_ones(cleaner, raw, clean):
    assert cleaner(raw).text == clean
