"""The number grammar shared by every extractor, as named ``regex`` pieces.

After statcheck: each piece is a small pattern with a name and a comment, larger
patterns are composed from them, and tests/test_numbers.py shows for each what
must and must not match. The pieces hold no capture groups, so they compose
freely; the parse functions below turn a matched string into its value.

Cleaning (reading/clean.py) has already folded Unicode minus and dash variants to
"-", the multiplication-sign variants to "×", and repaired flattened superscripts
("× 106" -> "× 10^6"), so the pieces need not know those variants.
"""

from __future__ import annotations

import math
from functools import lru_cache

import regex

from ..resources import load_mapping

# A number as printed: "12", "0.05", ".05" (no leading zero, usual in US journals),
# "0·003" (the Lancet's middle-dot decimal point). Not preceded by a letter or digit,
# so "p53", "P2Y12" and "CD34" hold no number for the grammar.
DECIMAL = r"(?<![\w.·])(?:\d+(?:[.·]\d+)?|[.·]\d+)(?![.·]?\d)"

# A whole number with thousands separators: "1,347", or with a space ("in 1 347 patients"). A
# spaced group must follow a word or a bracket and stand alone, so digits of a table ("3 456 789") or two
# numbers in a row ("week 2 100 mg") after a number do not run together.
GROUPED_INTEGER = r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![.,]?\d)|(?<=[^\W\d_] |[(\[]|^)\d{1,3} \d{3}(?![.,]?\d| \d)"

# The sign between a mantissa and its power of ten: "×", or the x / X / * that
# plain-text copies use instead; spaces optional.
TIMES = r" ?[×xX*] ?"

# An exponent written after 10: "10^-5", "10^(-5)", "10(-4)", "10 (-3)" and "10(6)"
# (superscripts lost in copy-paste), "10-8" (a flattened negative superscript; only safe after TIMES or in a
# p-value, where a range 10-8 cannot occur), "10E6" (GOLD.md: a flattened 10^6).
EXPONENT_CARET = r"\^ ?(?:\( ?[-+]?\d{1,3} ?\)|[-+]?\d{1,3})"  # a bracket only when opened: "(P < 10^-5)"
EXPONENT_BRACKETED = r"\( ?[-+]?\d{1,3} ?\)"
EXPONENT_FLAT_NEGATIVE = r"-\d{1,2}(?![\d.])"
EXPONENT_LETTER_E = r"[eE][-+]?\d{1,2}(?![\w.])"
# An exponent kept as Unicode superscripts: "10⁻⁸", "10⁶" (text copied from a rendered page).
EXPONENT_SUPERSCRIPT = r"[⁺⁻]?[⁰¹²³⁴-⁹]{1,3}(?![⁰¹²³⁴-⁹])"
POWER_OF_TEN = rf"10(?:{EXPONENT_CARET}| ?{EXPONENT_BRACKETED}|{EXPONENT_FLAT_NEGATIVE}|{EXPONENT_LETTER_E}|{EXPONENT_SUPERSCRIPT})"

# A power of ten that can stand alone: "10^-5", "10(-4)". The flat "10-8" cannot (it reads as
# the range 10 to 8 outside a p-value), so it is allowed only after TIMES and in pvalues.py. A superscript
# exponent ("10⁻⁵") is unambiguous.
STANDALONE_POWER_OF_TEN = rf"10(?:{EXPONENT_CARET}| ?{EXPONENT_BRACKETED}|{EXPONENT_SUPERSCRIPT})"

# E notation: "1.2e-4", "10E6"; the exponent is one to three digits.
E_NOTATION = r"[eE][-+]?\d{1,3}(?![\w.])"

# A number in scientific notation: a mantissa with "× 10^k" or E notation, or a bare
# power of ten ("P < 10^-5").
SCIENTIFIC = rf"(?:{DECIMAL}(?:{TIMES}{POWER_OF_TEN}|{E_NOTATION})|(?<![\w.]){STANDALONE_POWER_OF_TEN})"

# Any number the extractors read as a value: scientific first, so "2.1 × 10^-8" is one number.
NUMBER = rf"(?:{SCIENTIFIC}|{GROUPED_INTEGER}|{DECIMAL})"

# The sign between two ends of a range: "1-2", "1 to 2", "1–2" (dash folded to "-" by cleaning).
RANGE_SEPARATOR = r" ?(?:-|to|and) ?"

# A plus-minus spread: "15 ± 4.5", "15 +/- 4.5".
PLUS_MINUS = r" ?(?:±|\+/-|\+-) ?"

# A decimal with its sign, standing on its own: "-3.1", "+0.4", "0.72". A "-" is a minus sign only
# where it follows no word, number or closing bracket (so "COVID-19", "IL-6" and the dash of a range
# "0.43-0.80" hold no negative number), and a number right after such a hyphen is no number at all:
# "COVID-19" holds no 19, the range "0.43-0.80" no separate 0.80.
SIGNED_DECIMAL = rf"(?:(?<![\w.·)\]%-])[-+])?(?<![\w.·]-){DECIMAL}"

# A decimal with its sign where the position already rules out a hyphen: the second end of an
# interval after its separator ("-5.0--1.2", "-19.4 to -1.6").
SIGNED_BOUND = rf"[-+]?{DECIMAL}"


# Superscript signs and digits -> ASCII, so "10⁻⁸" is read like "10^-8".
_SUPERSCRIPTS = str.maketrans("⁺⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "+-0123456789")
_EXPONENT_DIGITS = regex.compile(r"([-+]?\d{1,3})\s*\)?\s*$")
_MANTISSA_AND_REST = regex.compile(rf"^({DECIMAL})(.*)$", regex.S)
_POWER_ONLY = regex.compile(rf"^{POWER_OF_TEN}$")
_GROUPED_ONLY = regex.compile(rf"^(?:{GROUPED_INTEGER})$")
_LEADING_TIMES = regex.compile(rf"^{TIMES}")
# Between the words of a spelled-out number: "twenty-six", "three hundred".
_NUMBER_WORD_BREAK = regex.compile(r"[-\s]+")


def decimal_value(text: str) -> float:
    """'0·003' -> 0.003, '.05' -> 0.05, '1,347' -> 1347, '1 347' -> 1347."""
    return float(text.replace("·", ".").replace(",", "").replace(" ", "").replace("\u2009", ""))


def power_of_ten_exponent(text: str) -> int:
    """'10^-5', '10(6)', '10-8', '10⁻⁸', 'e-4' -> the exponent as an int."""
    text = text.strip().translate(_SUPERSCRIPTS)
    if text[:1] in "eE":
        return int(text[1:])
    found = _EXPONENT_DIGITS.search(text[2:])
    if found is None:
        raise ValueError(f"not a power of ten: {text!r}")
    return int(found.group(1))


def power_of_ten(exponent: int) -> float:
    """10 to the ``exponent``, or infinity past the largest float: Python raises OverflowError for
    10.0 ** 309, and one "10^999" typed into an abstract must not fail its whole document. No fact
    takes such a value; the extractors refuse a number that is not finite (a wrong number is worse
    than none)."""
    return 10.0**exponent if exponent <= 308 else math.inf


def number_value(text: str) -> float:
    """The value of a string matched by NUMBER, rounded to 12 significant digits so that
    '2.1 × 10^-8' is 2.1e-08 and not 2.1000000000000003e-08."""
    return float(f"{_unrounded_number_value(text):.12g}")


def _unrounded_number_value(text: str) -> float:
    text = text.strip()
    if _POWER_ONLY.match(text):
        return power_of_ten(power_of_ten_exponent(text))
    if _GROUPED_ONLY.match(text):
        return decimal_value(text)
    parts = _MANTISSA_AND_REST.match(text)
    if parts is None:
        return decimal_value(text)
    mantissa, rest = parts.group(1), parts.group(2)
    rest = rest.strip()
    if not rest:
        return decimal_value(text)
    if rest[:1] in "eE":
        if mantissa == "10":
            # "10E6" in a copied abstract is a flattened 10^6 (GOLD.md), not 1e7.
            return power_of_ten(power_of_ten_exponent(rest))
        return decimal_value(mantissa) * power_of_ten(power_of_ten_exponent(rest))
    power = _LEADING_TIMES.sub("", rest)
    return decimal_value(mantissa) * power_of_ten(power_of_ten_exponent(power))


# Spelled-out numbers ("Twenty-six", "Three hundred forty-one"): the words are data.
@lru_cache(maxsize=None)
def _number_words() -> dict[str, int]:
    return load_mapping("number_words.json")


def number_words() -> frozenset[str]:
    """The words spelled_number_pattern builds a number of ("twenty", "hundred")."""
    return frozenset(_number_words())


@lru_cache(maxsize=None)
def spelled_number_pattern() -> str:
    """A spelled-out whole number, as a regex piece built from patterns/number_words.json."""
    words = sorted(_number_words(), key=len, reverse=True)
    word = "(?:" + "|".join(words) + ")"
    # Between the words: a hyphen or a space, "and", or a hyphen set off by spaces ("Sixty - two",
    # where a typeset dash was spaced in the copy).
    return rf"\b{word}(?:(?:[- ]| - |\ and\ |-and-){word})*\b"


def spelled_number_value(text: str) -> int | None:
    """'Twenty-six' -> 26, 'three hundred forty-one' -> 341; None if a word is unknown."""
    words = _number_words()
    total = current = 0
    for token in _NUMBER_WORD_BREAK.split(text.lower()):
        if token in ("", "and"):
            continue
        if token not in words:
            return None
        value = words[token]
        if value == 100:
            current = max(current, 1) * 100
        elif value >= 1000:
            total += max(current, 1) * value
            current = 0
        else:
            current += value
    return total + current
