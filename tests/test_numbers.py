"""The shared number grammar: what each named piece must and must not match."""

import pytest
import regex

from trialfacts.extractors import numbers


@pytest.mark.parametrize("text,value", [
    ("12", 12.0),
    ("0.05", 0.05),
    (".05", 0.05),
    ("0·003", 0.003),
    ("1,347", 1347.0),
    ("1 347", 1347.0),
    ("2.1 × 10^-8", 2.1e-08),
    ("2.1 x 10-8", 2.1e-08),
    ("15 × 10^6", 1.5e7),
    ("1.2e-4", 0.00012),
    ("10E6", 1e6),
    ("4.5 x 10E6", 4.5e6),
    ("1.5e3", 1500.0),
    ("1.2 x 10(-4)", 0.00012),
    ("4 × 10(6)", 4e6),
    ("10^-5", 1e-05),
    ("10(-4)", 0.0001),
    ("10 (-3)", 0.001),
    ("2.1 × 10⁻⁸", 2.1e-08),  # superscripts kept as Unicode
    ("4 × 10⁶", 4e6),
    ("10⁻⁵", 1e-05),
])
def test_number_matches_whole_and_reads_value(text, value):
    assert regex.fullmatch(numbers.NUMBER, text)
    assert numbers.number_value(text) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize("text", ["p53", "P2Y12", "CD34", "IL6", "H2O"])
def test_no_number_inside_a_word(text):
    assert regex.search(numbers.NUMBER, text) is None


@pytest.mark.parametrize("piece,text", [
    (numbers.POWER_OF_TEN, "10^6"),
    (numbers.POWER_OF_TEN, "10^(-5)"),
    (numbers.POWER_OF_TEN, "10(6)"),
    (numbers.POWER_OF_TEN, "10-8"),
    (numbers.POWER_OF_TEN, "10⁻¹²"),
    (numbers.E_NOTATION, "e-4"),
    (numbers.E_NOTATION, "E6"),
    (numbers.GROUPED_INTEGER, "12,345"),
    (numbers.PLUS_MINUS, " ± "),
    (numbers.PLUS_MINUS, " +/- "),
])
def test_piece_matches(piece, text):
    assert regex.fullmatch(piece, text)


@pytest.mark.parametrize("piece,text", [
    (numbers.POWER_OF_TEN, "100"),       # a hundred, not a power of ten
    (numbers.POWER_OF_TEN, "10-8.5"),    # a range of decimals, not a flattened exponent
    (numbers.GROUPED_INTEGER, "1,34"),   # a decimal comma, not thousands
    (numbers.DECIMAL, "1.2.3"),          # a section number
])
def test_piece_rejects(piece, text):
    assert regex.fullmatch(piece, text) is None


@pytest.mark.parametrize("text,value", [
    ("Twenty-six", 26),
    ("twenty six", 26),
    ("Three hundred forty-one", 341),
    ("one hundred and twelve", 112),
    ("two thousand five hundred", 2500),
    ("Twelve", 12),
])
def test_spelled_numbers(text, value):
    assert regex.fullmatch(numbers.spelled_number_pattern(), text, regex.IGNORECASE)
    assert numbers.spelled_number_value(text) == value


@pytest.mark.parametrize("text", ["10-20", "10-8"])
def test_a_flat_negative_power_is_not_a_number_on_its_own(text):
    # "10-20 mg" is a range; only after a multiplication sign is "10-8" a power of ten.
    assert regex.fullmatch(numbers.NUMBER, text) is None
