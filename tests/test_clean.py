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
