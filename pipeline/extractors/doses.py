"""Doses: "400 mg", "1.5 mg/kg", "15 ± 4.5 × 10^6 of BM-MSCs", "1-2 × 10^6 cells/kg", "1, 5, and 10 mg".

The grammar is one or more amounts (a quantity, a range "1-2", or a spread "15 ± 4.5") sharing one
unit written once, composed from the shared number pieces. Units and their per-denominators come
from patterns/units.json and are normalized to GOLD.md's names ("mg per day" -> "mg/day",
"ml min (-1) kg (-1)" -> "mL/min/kg"). A power of ten or "million" applies to every number before it
("15 ± 4.5 × 10^6" -> 1.5e7 ± 4.5e6), and a converted unit its factor ("4000 rads" -> 40 Gy). Besides:
a combination with its unit twice ("400 mg/100 mg"), numbers chained by "to" ("from 0.1 to 0.3 to
1.0 mg/kg") and amounts in words ("one gram").

Amounts in a unit of concentration ("mg/dL", "ng ml (-1)") are levels measured in participants and never
doses. The words around the others decide (patterns/dose_context.jsonl): a level or a measure before the
amount ("serum creatinine 1.2 mg", "blood loss 300 mL") makes it no dose, unless a word of giving follows
that word or an intervention's name stands right before the amount ("HbA1c fell by 1.1% with
liraglutide 1.8 mg"); what the study did not give is never a dose ("Mean total doses ... were", rescue
treatment, earlier studies), nor a strength per unit ("20 micrograms/puff") or a sample ("5 mL blood
sample"). How often a dose is given is read from patterns/dose_frequencies.jsonl; which intervention it
is of, by dose_interventions, from the lexicon's entities, the word lists and the text around the
amount ("riluzole 50 mg", "50 mg of riluzole", "vitamin D3 (50,000 IU)", the closest name before it).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, insort
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import numpy
import regex
from spacy.language import Language
from spacy.tokens import Doc

from ..nlp.spans import DOSES, ENTITIES, ORTH_COLUMN, Found, doc_text, token_array, write_spans
from ..resources import (
    NO_FULLCASE,
    Literals,
    could_match,
    fold_for_literals,
    load_mapping,
    load_rules,
    required_literals,
)
from .dose_interventions import (
    DocumentNames,
    DoseTie,
    Name,
    compile_name_rules,
    is_listed_word,
    resolve,
    word_starts,
)
from .numbers import (
    DECIMAL,
    E_NOTATION,
    EXPONENT_BRACKETED,
    EXPONENT_CARET,
    EXPONENT_SUPERSCRIPT,
    GROUPED_INTEGER,
    PLUS_MINUS,
    POWER_OF_TEN,
    TIMES,
    decimal_value,
    power_of_ten,
    power_of_ten_exponent,
    spelled_number_pattern,
    spelled_number_value,
)

# Entity labels (written by the lexicon component) that can receive a dose; the others name no intervention.
INTERVENTION_LABELS = ("DRUG", "CELL_PRODUCT")

# Case-insensitive patterns use simple case folding ("(?-f)"): V1's default full folding (where
# "ß" matches "ss") makes matching several times slower and changes nothing for units and cue words.
# --- Amounts --------------------------------------------------------------------------------

# "0. 25 X 10^6": a decimal split by whitespace re-tokenization. Only after a leading zero, where
# a sentence cannot end ("at week 2. 25 patients" stays two numbers).
SPACED_DECIMAL = r"(?<![\w.])0\. \d{1,4}(?![.\d])"
# "0,5 mg": a European decimal comma, read only after a leading zero (no list or thousands group
# starts with 0), so "5,10 and 20 mg" stays a list.
COMMA_DECIMAL = r"(?<![\w.,])0,\d{1,4}(?![.,]?\d)"

# The number before any power of ten; the spaced decimal first, else "0" alone would match.
MANTISSA = rf"(?:{SPACED_DECIMAL}|{COMMA_DECIMAL}|{GROUPED_INTEGER}|{DECIMAL})"

# "10E6" in a dose is a flattened 10^6 (GOLD.md), not 1e7.
FLAT_E_POWER = r"10 ?[eE]\+?\d{1,2}(?![\w.])"
DOSE_POWER = rf"(?:{POWER_OF_TEN}|{FLAT_E_POWER})"

# A power of ten with no mantissa ("10^7 cells", "10 (7) BCG organisms", "10E6 cells", "10⁷ cells"). The
# flat negative form "10-8" is left out: bare, it is a range ("10-20 mg").
BARE_POWER = rf"(?<![\w.])10(?:{EXPONENT_CARET}| ?{EXPONENT_BRACKETED}|[eE]\+?\d{{1,2}}(?![\w.])|{EXPONENT_SUPERSCRIPT})"

# "1.5 million cells", "2 millions of BMSC": a scale word after the number.
SCALE_WORD = r"(?:million|billion|thousand)s?(?!\w)"

QUANTITY = rf"(?:{BARE_POWER}|{MANTISSA}(?:{TIMES}{DOSE_POWER}|{E_NOTATION})?)(?: {SCALE_WORD})?"

# Ends of a range: "1-2 mg", "1 to 2 mg" (dashes are "-" after cleaning). "and" is a range only after
# "between", which is checked when the match is read, so "5 and 10 mg" stays a list.
RANGE_JOINER = r"(?: ?- ?| to )"

# One amount: a quantity, a range or a spread.
# "(1.5 ± 0.5) × 10^6": a bracketed spread or range with its power of ten outside.
BRACKETED_AMOUNT = rf"\( ?{QUANTITY}(?:{PLUS_MINUS}|{RANGE_JOINER}){QUANTITY} ?\){TIMES}{DOSE_POWER}"
AMOUNT = rf"(?:{BRACKETED_AMOUNT}|{QUANTITY}(?:{PLUS_MINUS}{QUANTITY}|{RANGE_JOINER}{QUANTITY})?)"

# Between amounts of a list sharing one unit: "1, 5, and 10 mg", "5 or 10 mg", "7.5 vs. 3.75 mg", the
# parts of a fixed-dose combination, "codeine/acetaminophen 30/500 mg", and a suspended hyphen,
# "60- and 80-mg doses".
LIST_JOINER = r"(?: ?, ?(?:and |or )?| ?,? (?:and|or|vs\.?|versus) | ?/ ?|-,? (?:and |or )?)"

# Where an amount can start. The lookahead lets the engine skip every position that cannot start a
# number (3x faster on abstracts). A number inside a range or a change is no start ("-0.5 units",
# "10^-3"), nor one after a "+" that is a sign (one right after a unit joins two doses: "4 g+0.5 g");
# nor is a list item after the first: the match from the first number already tried it, and trying
# again from every item would make "1, 1, 1, ..." cost the list length at each item. A number that
# numbers a time point or a step is no amount, and so no first list item either ("375 mg on day 1
# and 125 mg").
TIME_POINT_BEFORE = r"(?<!\b(?:day|week|month|year|cycle|hour|visit|phase|grade|stage|step) )"
PREVIOUS_LIST_ITEM = rf"(?<![\w.·+/^-]){TIME_POINT_BEFORE}\d[\d.,·]{{0,12}}{LIST_JOINER}"
# (The first lookahead holds no letter, and outside the case-insensitive mode the engine tries it
# at each position of the text almost twice as fast.) Every number piece an amount can start with
# refuses a letter, digit or point before it (DECIMAL, GROUPED_INTEGER, BARE_POWER, ...); saying so
# up front skips the digits inside a number before the costlier lookbehinds (a fifth of the scan).
# Only a bracketed amount ("(1.5 ± 0.5) × 10^6") may follow a letter.
AMOUNT_START = (
    rf"(?-i:(?:(?=[\d.·])(?<![\w.])|(?=\( ?\d)))(?<![-/^])(?<!(?<![^\W\d_])\+){TIME_POINT_BEFORE}"
    rf"(?<!{PREVIOUS_LIST_ITEM})"
)
# Likewise a unit starts with a letter or the micro sign; checked before trying the long alternations.
UNIT_START = r"(?=[^\W\d_])"

# --- Units ----------------------------------------------------------------------------------

# Between a unit and its denominator: "mg/kg", "mg per kg", "50 mg a day". "for" only before a body
# weight ("2 millions of BMSC for kilogram of weight"): "5 mg for day 1" is no "mg/day".
PER = r"(?: ?/ ?| per | a )"
PER_WEIGHT = r"(?: ?/ ?| per )"
# A denominator written as a negative power: "ml min (-1) kg (-1)", "mg kg-1 day-1", "mg·kg^-1".
NEGATIVE_POWER_JOIN = r"(?: ?[·.×*] ?| x | )"
NEGATIVE_ONE = r"(?: ?\( ?-1 ?\)|-1|\^ ?-1|\^ ?\( ?-1 ?\)|⁻¹)(?!\d)"
# "mg m-2", "mg·m^-2": per square metre of body surface as a negative power.
PER_SQUARE_METRE = r"(?P<den>m)(?: ?\( ?-2 ?\)|-2|\^ ?-2|\^ ?\( ?-2 ?\)|⁻²)(?!\d)"

# Million units, as interferon doses are written: "3 MIU three times weekly", "9 MU", "9 M IU". Capitals
# only ("mU" is a milli-unit, a lab unit).
MILLION_UNITS = {"MIU": "IU", "MU": "U", "M IU": "IU"}

# "125 mg/body", "5 mL/injection": per person or per administration, which adds nothing to the unit:
# the amount given each time is the dose. "per dose" alone is kept, as GOLD.md's reviewers write it
# ("10 ug / dose" -> ug/dose); see docs/annotation.md 8.
PER_PERSON = r"(?: ?/ ?| per )(?:body|person|patient|subject|head|injection|infusion|administration|cycle|course)(?!\w)"

# What the amount is of, written between the unit and its denominator: "1.2 g protein/kg", "500 mg
# elemental calcium/day". Read only where a denominator follows; not a word of frequency ("10 mg
# twice/day" is no unit of twice).
SUBSTANCE_WORD = (
    r"(?!(?:and|or|of|per|in|to|for|with|at|by|on|a|an|the|once|twice|thrice|times?|every|each|daily|weekly"
    r"|patients?|subjects?|participants?|doses?)\b)[^\W\d_][\w-]{0,20}"
)

# Words allowed between a count and its cell noun: "10^7 irradiated autologous tumour cells"; not
# words that end a noun phrase ("1,000 patients with stem cells"). Only after a power of ten or a
# scale word, which is checked when the match is read.
CELL_MODIFIER = (
    r"(?!(?:and|or|with|without|in|of|to|for|from|by|per|at|the|patients?|subjects?|participants?"
    r"|were|was|are|is|had|have|received)\b)[^\W\d_][\w+-]{0,30}"
)

# Where counted cells came from, joined to the cell noun: "BM-MNCs", "hUC-MSCs", "AD-MSC".
CELL_SOURCE = r"(?:[A-Za-z0-9+]{1,10}-)?"
# How a cell product was modified, as a capitalized suffix joined to the cell noun: "MSC-NTF"
# (secreting neurotrophic factors), "MSC-IL10". Capitals only, so "MSC-treated" is no suffix.
CELL_SUFFIX = r"(?:-(?-i:[A-Z][A-Z0-9]{1,7})(?![\w-]))?"

# The end of a unit: not inside a word, nor an abbreviation ("22071 U.S. physicians"), nor a marker
# glued to it ("CD34+"); a "+" before a number joins the next dose ("4 g+0.5 g").
UNIT_END = r"(?!\w|\+(?!\d)|\.[^\W\d_]\.)"

# What makes an amount a concentration, right after the unit: "mg/dL", "ng ml (-1)", "µg/g", "mg%",
# "10^9/L". Concentrations are measured in participants (or describe a formulation), never doses;
# nor is a speed of injection ("injected at 1 mL/s").
VOLUME_OR_RATIO = (
    r"(?:dl|ml|µl|ul|l|cl|mm3|mm\^3|mm 3|mm³|microl|microliters?|liters?|litres?|deciliters?|decilitres?"
    r"|milliliters?|millilitres?|mol|mmol|g|mg|µg|ug|mcg|hpf|field)"
)
NOT_A_DOSE_TAIL = regex.compile(
    rf"{NO_FULLCASE}(?:(?: ?/ ?| per )(?:\d{{1,4}}(?:\.\d{{1,2}})? ?)?{VOLUME_OR_RATIO}(?![a-z])"
    r"|(?: ?/ ?| per )(?:s|sec|second)(?![a-z])"
    rf"|{NEGATIVE_POWER_JOIN}{VOLUME_OR_RATIO}{NEGATIVE_ONE}"
    # An area under the curve: "1234 ng·h/mL", "25 mg h l-1".
    rf"|(?: ?[·.*×] ?| )(?:h|hr|hrs|hours?|min)(?: ?/ ?| per |{NEGATIVE_POWER_JOIN}){VOLUME_OR_RATIO}(?:{NEGATIVE_ONE}|(?![a-z]))"
    r"| ?%)",
    regex.IGNORECASE | regex.V1,
)


@dataclass(frozen=True)
class _Grammar:
    expression: regex.Pattern  # amounts + unit
    expression_without_cells: regex.Pattern  # the same, for a text with none of cell_literals
    cell_literals: frozenset  # folded strings one of which every cell unit holds (see fold_for_literals)
    powered: regex.Pattern  # amounts with a power of ten and no unit (to share a unit)
    amount_parts: regex.Pattern
    quantity_parts: regex.Pattern
    base_of: dict  # surface form (lower-cased unless case-sensitive) -> canonical unit
    denominator_of: dict
    factor_of: dict  # surface form of a converted unit ("cGy", "rads") -> its factor to the canonical unit
    generic_cells: frozenset  # cell nouns that name no product ("cells", "viable cells"), lower-cased
    spelled_unit: str  # the unit after an amount in words ("one gram"), a pattern to compose


def _alternation(forms: Iterable[str], case_sensitive: frozenset) -> str:
    parts = []
    for form in sorted(set(forms), key=len, reverse=True):
        escaped = regex.escape(form).replace(r"\ ", " ")
        if len(form) == 1:
            # A one-letter unit is no unit when a word is hyphened to it ("5 L-dopa", "a 2 U-shaped").
            escaped += r"(?!-[^\W\d_])"
        parts.append(f"(?-i:{escaped})" if form in case_sensitive else escaped)
    return "(?:" + "|".join(parts) + ")"


# Cell nouns that say only that cells were counted; the others ("BM-MSCs", "BMSC") name the product.
GENERIC_CELL_NOUNS = ("cells", "cell", "viable cells", "nucleated cells", "total nucleated cells", "TNC",
                      "organisms", "mononuclear cells", "stem cells")


@lru_cache(maxsize=None)
def _grammar() -> _Grammar:
    units = load_mapping("units.json")
    case_sensitive = frozenset(units.get("case_sensitive", []))

    def key(form: str) -> str:
        return form if form in case_sensitive else form.lower()

    base_of, denominator_of, factor_of = {}, {}, {}
    for canonical, forms in units["units"].items():
        for form in forms:
            base_of[key(form)] = canonical
    for converted in units.get("converted", {}).values():
        for form in converted["forms"]:
            base_of[key(form)] = converted["unit"]
            factor_of[key(form)] = converted["factor"]
    for canonical, forms in units["denominators"].items():
        for form in forms:
            denominator_of[key(form)] = canonical
    counted_only = units.get("counted_only", {})  # denominator -> the units it may follow
    counted_units = {u for following in counted_only.values() for u in following}
    cell_forms = list(units["units"]["cells"])
    counted_forms = [f for c in sorted(counted_units) for f in units["units"][c]]
    mass_forms = [f for c, forms in units["units"].items() if c != "cells" and c not in counted_units for f in forms]
    mass_forms += [f for converted in units.get("converted", {}).values() for f in converted["forms"]]
    denominator = _alternation(
        (f for d, forms in units["denominators"].items() if d not in counted_only for f in forms), case_sensitive)
    counted_denominator = _alternation(
        (f for d, forms in units["denominators"].items() for f in forms), case_sensitive)

    weight = _alternation(units["denominators"]["kg"], case_sensitive)

    def per_parts_of(denominators: str) -> str:
        per_part = (
            rf"(?:{PER}(?P<den>{denominators}){UNIT_END}| for (?P<den>{weight}){UNIT_END}"
            rf"|{NEGATIVE_POWER_JOIN}(?P<den>{denominators}){NEGATIVE_ONE}|{NEGATIVE_POWER_JOIN}{PER_SQUARE_METRE})"
        )
        return rf"(?:{per_part}){{0,3}}(?:{PER_PERSON})?"

    per_parts = per_parts_of(denominator)
    counted_per_parts = per_parts_of(counted_denominator)
    # A cell count may say what was counted after "of" ("15 ± 4.5 × 10^6 of BM-MSCs"); the span then
    # ends at the amount (docs/annotation.md 4.1) unless a denominator follows.
    cell_unit = (
        rf"(?P<of>of (?:the )?)?(?P<modifiers>(?:{CELL_MODIFIER} ){{0,3}})"
        rf"(?P<cell_noun>{CELL_SOURCE}(?P<base>{_alternation(cell_forms, case_sensitive)}){CELL_SUFFIX}){UNIT_END}(?!-)"
        rf"{per_parts}"
    )
    million_units = "|".join(sorted(MILLION_UNITS, key=len, reverse=True))
    # "1.2 g protein/kg": words between the unit and a denominator that must follow them.
    substance = rf"(?:(?: {SUBSTANCE_WORD}){{1,2}}(?=(?: ?/ ?| per ){denominator}{UNIT_END}))?"
    mass_unit = (
        rf"(?:(?P<base>{_alternation(mass_forms, case_sensitive)})|(?P<million>(?-i:{million_units})))"
        rf"{UNIT_END}{substance}{per_parts}"
    )
    counted_unit = rf"(?P<base>{_alternation(counted_forms, case_sensitive)}){UNIT_END}{counted_per_parts}"
    # "5 × 10^6/kg": a count per body weight with the counted noun left out is a cell dose; only
    # after a power of ten or a scale word (checked when the match is read).
    count_per_weight = rf"(?P<counted_per>{PER_WEIGHT}(?P<den>{weight}){UNIT_END})"

    def expression_of(cell_branch: str) -> regex.Pattern:
        return regex.compile(
            # Atomic: once a list has ended, a shorter one cannot be followed by a unit either (a joiner
            # is never the start of a unit), so backtracking into it would only cost time on "1, 1, 1, ...".
            rf"{NO_FULLCASE}{AMOUNT_START}(?>(?P<amount>{AMOUNT})(?:(?P<joiner>{LIST_JOINER})(?P<amount>{AMOUNT})){{0,15}})"
            rf"(?:(?:-| ?){UNIT_START}(?P<unit>{counted_unit})|(?:-| ?){UNIT_START}(?P<unit>{mass_unit})"
            rf"|{cell_branch}|(?P<unit>{count_per_weight}))",
            regex.IGNORECASE | regex.V1,
        )

    cell_branch = rf"(?: ?-? ?){UNIT_START}(?P<unit>{cell_unit})"
    expression = expression_of(cell_branch)
    # Most texts hold no cell noun, and there the cell branch, which tries up to three words after every
    # number, cannot match: the same expression with that branch shut ("(?!)", its groups kept and never
    # set) finds the same matches a fifth faster. A text may take it where none of the literals is in it.
    expression_without_cells = expression_of(rf"(?!){cell_branch}")
    cell_literals = required_literals(_alternation(cell_forms, case_sensitive))
    cell_literals = frozenset(a for a in cell_literals if not any(b != a and b in a for b in cell_literals))
    powered_quantity = rf"(?:{BARE_POWER}|{MANTISSA}(?:{TIMES}{DOSE_POWER}|{E_NOTATION}|(?= {SCALE_WORD})))(?: {SCALE_WORD})?"
    powered_amount = rf"(?:{QUANTITY}(?:{PLUS_MINUS}|{RANGE_JOINER}))?{powered_quantity}"
    powered = regex.compile(
        rf"{NO_FULLCASE}{AMOUNT_START}(?>(?P<amount>{powered_amount})(?:(?P<joiner>{LIST_JOINER})(?P<amount>{powered_amount})){{0,15}})"
        # Not followed by a unit or a further number; the exponent piece may have taken a space.
        r"(?!(?<! )[\w.])(?! ?[-±/])",
        regex.IGNORECASE | regex.V1,
    )
    amount_parts = regex.compile(
        rf"{NO_FULLCASE}\( ?(?P<low>{QUANTITY})(?:(?P<pm>{PLUS_MINUS})|(?P<range>{RANGE_JOINER}))(?P<high>{QUANTITY}) ?\)"
        rf"{TIMES}(?P<outer>{DOSE_POWER})"
        rf"|(?P<low>{QUANTITY})(?:(?P<pm>{PLUS_MINUS})(?P<high>{QUANTITY})|(?P<range>{RANGE_JOINER})(?P<high>{QUANTITY}))?",
        regex.IGNORECASE | regex.V1,
    )
    quantity_parts = regex.compile(
        rf"{NO_FULLCASE}(?:(?P<bare>{BARE_POWER})|(?P<mantissa>{MANTISSA})(?:{TIMES}(?P<power>{DOSE_POWER})|(?P<e>{E_NOTATION}))?)"
        rf"(?: (?P<scale>{SCALE_WORD}))?",
        regex.IGNORECASE | regex.V1,
    )
    generic_cells = frozenset(form.lower() for form in GENERIC_CELL_NOUNS)
    return _Grammar(expression, expression_without_cells, cell_literals, powered, amount_parts, quantity_parts, base_of,
                    denominator_of, factor_of, generic_cells, spelled_unit=rf"(?P<unit>{mass_unit})")


SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}


@dataclass
class _Quantity:
    value: float
    power: float | None  # the multiplier written with it (10^k or a scale word), if any


def _quantity(text: str) -> _Quantity:
    parts = _grammar().quantity_parts.fullmatch(text)
    multiplier = None
    if parts.group("bare"):
        mantissa = 1.0
        multiplier = power_of_ten(power_of_ten_exponent(parts.group("bare")))
    else:
        written = parts.group("mantissa")
        if written.startswith(("0,", "0. ")):  # COMMA_DECIMAL, SPACED_DECIMAL
            mantissa = float("0." + written[2:].strip())
        else:
            mantissa = decimal_value(written)
        if parts.group("power"):
            multiplier = power_of_ten(power_of_ten_exponent(parts.group("power")))
        elif parts.group("e"):
            multiplier = power_of_ten(power_of_ten_exponent(parts.group("e")))
    if parts.group("scale"):
        scale = SCALES[parts.group("scale").lower().rstrip("s")]
        multiplier = scale * (multiplier or 1.0)
    return _Quantity(mantissa, multiplier)


def _rounded(value: float) -> float:
    return float(f"{value:.12g}")


def _amounts(texts: Sequence[str]) -> list[dict]:
    """Each amount's value, value_max and spread, a power of ten applying to every number before it."""
    return [dict(amount) for amount in _read_amounts(tuple(texts))]


# A whole number or a decimal with no power, range or spread: read without the amount grammar, whose
# every call costs several times a small pattern's.
PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


@lru_cache(maxsize=4096)
def _read_amounts(texts: tuple[str, ...]) -> tuple[dict, ...]:
    # Cached per document (find_doses) as the context tests are: the same amounts recur.
    parsed = []
    for text in texts:
        if PLAIN_NUMBER.fullmatch(text):  # most amounts: what the two parses below would make of them
            parsed.append((_Quantity(float(text), None), None, None))
            continue
        parts = _grammar().amount_parts.fullmatch(text)
        low = _quantity(parts.group("low"))
        high = _quantity(parts.group("high")) if parts.group("high") else None
        if parts.group("outer"):
            outer = power_of_ten(power_of_ten_exponent(parts.group("outer")))
            for quantity in (low, high):
                quantity.power = quantity.power or outer
        parsed.append((low, high, "pm" if parts.group("pm") else "range" if parts.group("range") else None))
    numbers = [q for low, high, _ in parsed for q in (low, high) if q is not None]
    following = None
    for quantity in reversed(numbers):
        if quantity.power is None:
            quantity.power = following
        else:
            following = quantity.power
    amounts = []
    for low, high, kind in parsed:
        value = _rounded(low.value * (low.power or 1.0))
        other = _rounded(high.value * (high.power or 1.0)) if high else None
        amounts.append({
            "value": value,
            "value_max": other if kind == "range" else None,
            "spread": other if kind == "pm" else None,
        })
    return tuple(amounts)


def _canonical(table: dict, form: str) -> str:
    if form in ("m", "M"):  # PER_SQUARE_METRE
        return "m2"
    return table.get(form) or table[" ".join(form.lower().split())]


def _unit_factor(match: regex.Match) -> float:
    """What the written unit is in the canonical one: 1e6 for "MIU", 0.01 for "cGy" and "rads"."""
    if match.group("million"):
        return 1e6
    base = match.group("base")
    if base is None:
        return 1.0
    factors = _grammar().factor_of
    return factors.get(base) or factors.get(base.lower()) or 1.0


def _unit_name(match: regex.Match) -> str:
    grammar = _grammar()
    groups = match.re.groupindex  # an amount in words has no count per weight nor million units
    if "counted_per" in groups and match.group("counted_per"):
        base = "cells"
    elif "million" in groups and match.group("million"):
        base = MILLION_UNITS[match.group("million")]
    else:
        base = _canonical(grammar.base_of, match.group("base"))
    return "/".join([base, *(_canonical(grammar.denominator_of, d) for d in match.captures("den"))])


# --- Context --------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _context_rules() -> dict[str, tuple[regex.Pattern, ...]]:
    rules: dict[str, list] = {}
    for rule in load_rules("dose_context.jsonl"):
        rules.setdefault(rule.label, []).append(rule.compiled())
    for rule in load_rules("dose_frequencies.jsonl"):
        rules.setdefault(rule.label, []).append(rule.compiled())
    return {label: tuple(patterns) for label, patterns in rules.items()}


@lru_cache(maxsize=None)
def _not_given_rules() -> tuple[tuple[Literals | None, regex.Pattern], ...]:
    return tuple((required_literals(rule.pattern), rule.compiled())
                 for rule in load_rules("dose_context.jsonl") if rule.label == "NOT_GIVEN_BEFORE")


# Rules that need one of a few rare words ("rescue", "aspirated", "previous", "mean") are tried only where
# one of the words of all of them is in the window read: most windows hold none, and one search for all the
# words costs less than the rules' own searches. Every NOT_GIVEN_BEFORE rule needs such words; of the
# NOT_DOSE_AFTER rules, those needing at most RARE_WORDS words of at least RARE_WORD_SIZE letters.
RARE_WORDS = 10
RARE_WORD_SIZE = 4


def _rare_words(pattern: str) -> Literals | None:
    """The words one of which every match of ``pattern`` holds, where they are few and long."""
    literals = required_literals(pattern)
    if literals and len(literals) <= RARE_WORDS and min(map(len, literals)) >= RARE_WORD_SIZE:
        return literals
    return None


def _finder(words: Iterable[str]) -> re.Pattern:
    """A search for any of the words (in folded text): one call in C, where testing each word in turn
    costs a Python step per word."""
    return re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)))


@lru_cache(maxsize=None)
def _not_given_words() -> re.Pattern:
    """A search for every word one of which some NOT_GIVEN_BEFORE rule needs (each needs one)."""
    return _finder(word for literals, _ in _not_given_rules() for word in literals)


@lru_cache(maxsize=None)
def _after_rules() -> tuple[regex.Pattern, regex.Pattern | None, re.Pattern]:
    """NOT_DOSE_AFTER as two alternations, matched right after a unit: the rules always tried, and those
    needing rare words with the words."""
    rules = [r for r in load_rules("dose_context.jsonl") if r.label == "NOT_DOSE_AFTER"]
    rare = [r for r in rules if _rare_words(r.pattern)]

    def alternation(some):
        parts = [f"(?-i:{r.pattern})" if r.case == "sensitive" else f"(?:{r.pattern})" for r in some]
        return regex.compile(NO_FULLCASE + "|".join(parts), regex.V1 | regex.IGNORECASE) if parts else None

    words = _finder(word for r in rare for word in _rare_words(r.pattern))
    return alternation([r for r in rules if r not in rare]), alternation(rare), words


def _is_not_dose_after(text: str, end: int) -> bool:
    """Whether the words right after the unit make the amount no dose ("1.5 units on a 0-3 scale")."""
    stop = min(len(text), end + WINDOW)
    always, rare, words = _after_rules()
    if always is not None and always.match(text, end, stop):
        return True
    if rare is None or not words.search(fold_for_literals(text[end:stop])):
        return False
    return bool(rare.match(text, end, stop))


@lru_cache(maxsize=None)
def _ending_veto() -> regex.Pattern:
    """A NOT_DOSE_BEFORE match that ends the text searched. Searched backwards ("(?r)"), from the end
    where it must be: forwards, the engine would try the rules at every position (4 times slower)."""
    return regex.compile(rf"(?r)(?:{_any_of('NOT_DOSE_BEFORE').pattern})\Z", regex.V1 | regex.IGNORECASE)


@lru_cache(maxsize=None)
def _any_of(label: str) -> regex.Pattern:
    """The rules of ``label`` as one alternation, in file order: matched at a position, it finds
    what the first rule matching there would, in one call instead of one per rule. (Searched in a
    long text, an alternation is slower than its rules one by one: it loses their literal prefixes;
    in the short window before an amount, the calls saved weigh more.)"""
    rules = [r for name in ("dose_context.jsonl", "dose_frequencies.jsonl") for r in load_rules(name) if r.label == label]
    parts = [f"(?-i:{r.pattern})" if r.case == "sensitive" else f"(?:{r.pattern})" for r in rules]
    return regex.compile(NO_FULLCASE + "|".join(parts), regex.V1 | regex.IGNORECASE)


# The words that can bear on an amount: at most 60 characters back, and not across a clause mark or
# a sentence end. Numbers do not cut ("morphine consumption at 24 h was 10.2 mg" is still consumption);
# "in plasma ranging from 18 ng ml (-1) at the 1 mg dose" keeps its dose by the "dose" after it.
# An opening bracket is no cut either: "blood loss (300 mL)" is still a loss.
WINDOW = 60
WINDOW_CUT = regex.compile(r".*(?:[;:)\]]|\.(?= |$))", regex.S)
# "the 10 mg dose", "the 10-mg arm", and a group named by its dose and drug: "the 15-mg/d vericiguat and
# placebo groups" (not "300 mL in both groups").
GROUP_NAME_WORD = (
    r"(?!(?:in|of|for|per|to|at|on|by|with|from|between|across|among|within|both|all|each|either|the|an?"
    r"|these|those|this|that|its|their|our|and|or|vs|versus)\b)[^\W\d_][\w-]{1,30}"
)
DOSE_AFTER = regex.compile(
    rf" ?-?(?:{GROUP_NAME_WORD} (?:(?:and|or|vs\.?|versus) {GROUP_NAME_WORD} )?)?"
    r"(?:doses?|dosage|dosing|arms?|groups?|cohorts?)\b",
    regex.I,
)
SENTENCE_END = regex.compile(r"[.!?](?=\s+[A-Z(])|\n|;")


def _window_before(text: str, start: int) -> str:
    window = text[max(0, start - WINDOW) : start]
    cut = WINDOW_CUT.match(window)
    return window[cut.end() :] if cut else window


# What the study did not give (a result, a rescue, an earlier study's dose) is read back to the sentence
# start, further than WINDOW: "Mean total doses of alfentanil, fentanyl and sufentanil were 443, 45 and 4.4
# micrograms kg-1".
RESULT_WINDOW = 150
RESULT_WINDOW_CUT = regex.compile(r".*(?:[.!?](?= [A-Z(])|;)", regex.S)


def _is_not_given(text: str, start: int) -> bool:
    window = text[max(0, start - RESULT_WINDOW) : start]
    folded = fold_for_literals(window)
    if not _not_given_words().search(folded):
        return False  # most windows hold none of the words: one search says so
    for literals, pattern in _not_given_rules():
        if not could_match(literals, folded):
            continue
        starts = [m.start() for m in pattern.finditer(window)]
        if starts:
            cut = RESULT_WINDOW_CUT.match(window)
            if cut is None or starts[-1] >= cut.end():
                return True
    return False


# Two groups' results set side by side with their test: "(582 vs 465 ml, respectively; p = 0.15)",
# "(3.0 ml/kg/min vs 3.1 ml/kg/min, p = 0.75)". Doses compared are not tested ("(7.5 vs. 3.75 mg)").
VERSUS = regex.compile(r"\b(?:vs|versus)\b", regex.I)
VERSUS_BEFORE = regex.compile(r"\b(?:vs|versus)\.? ?$", regex.I)
TESTED = regex.compile(r"[^)\n]{0,40}?\bp ?(?:[<>=≤≥]|value)", regex.I)


def _is_tested_comparison(text: str, start: int, end: int) -> bool:
    compared = (
        VERSUS.search(text, start, end)
        or VERSUS.match(text, end + 1 if text[end : end + 1] == " " else end)
        or VERSUS_BEFORE.search(text[max(0, start - 10) : start])
    )
    return bool(compared and TESTED.match(text, end))


# How far the context tests read on either side of an amount: WINDOW before it; after it, a
# frequency may start 30 characters on and run WINDOW more. They are cached per document on the
# text within that reach (see _near), so a stretch repeated in a table, a list or a long run of
# the same sentence is read once.
READ_BEFORE = RESULT_WINDOW + 1
READ_AFTER = 30 + WINDOW + 1


def _near(text: str, start: int, end: int) -> tuple[str, int, int]:
    """The text the context tests can read around [start, end), with start and end in it."""
    low = max(0, start - READ_BEFORE)
    return text[low : end + READ_AFTER], start - low, end - low


# What the words around an amount make of it: a dose; a measured quantity, unless an intervention's name
# stands right before the amount ("HbA1c fell by 1.1% with liraglutide 1.8 mg"); or no dose at all.
DOSE, MEASURED, NOT_DOSE = "dose", "measured", "not a dose"


@lru_cache(maxsize=4096)
def _verdict(text: str, start: int, end: int) -> str:
    if _is_tested_comparison(text, start, end) or _is_not_dose_after(text, end):
        return NOT_DOSE
    if DOSE_AFTER.match(text, end):
        return DOSE
    if _is_not_given(text, start):
        return NOT_DOSE
    return MEASURED if _is_measured(text, start) else DOSE


def _is_measured(text: str, start: int) -> bool:
    """Whether the words just before the amount say it was measured in participants."""
    window = _window_before(text, start)
    # Before an opening bracket only the word next to it counts: "blood loss (300 mL)" is a loss, but in
    # "triglyceride propofol (2.5 mg/kg)" and "17beta-estradiol (2 mg daily)" the bracket names a drug's dose.
    outer, bracket, inner = window.rpartition("(")
    vetoes = _any_of("NOT_DOSE_BEFORE").finditer(inner, overlapped=True)
    last_veto = max((found.end() for found in vetoes), default=-1)
    if last_veto < 0 and bracket and _ending_veto().search(outer.rstrip()):
        last_veto = 0
    if last_veto < 0:
        return False
    after_veto = inner[last_veto:]
    return not any(p.search(after_veto) for p in _context_rules().get("DOSE_CUE", ()))


def _is_given(text: str, start: int, end: int) -> bool:
    """A mean ± SD is usually a result ("from 3.2 ± 1.6 to 5.5 ± 2.2 ml/min"); as a dose it comes
    with a word of giving just before it ("received 12.5 ± 3.1 mg/kg") or is called a dose."""
    if DOSE_AFTER.match(text, end):
        return True
    window = _window_before(text, start)
    return any(p.search(window) for p in _context_rules().get("DOSE_CUE", ()))


# Between a dose and its frequency: "40 mg s.c. once daily", "4 mg i.v., twice daily", "50 mg (orally) bid".
FREQUENCY_GAP = regex.compile(
    r"[ ,]{0,2}\(?(?:(?:i\. ?v|s\. ?c|p\. ?o|i\. ?m)\.?|iv|sc|po|im|sq|orally|intravenously|subcutaneously"
    r"|by mouth|per os)?\)?[ ,]{0,2}",
    regex.I,
)


@lru_cache(maxsize=4096)
def _frequency(text: str, start: int, end: int) -> str | None:
    at = FREQUENCY_GAP.match(text, end, min(len(text), end + 30)).end()
    found = _any_of("FREQUENCY").match(text, at, min(len(text), at + WINDOW))
    if found:
        return _as_written(found)
    window = text[max(0, start - WINDOW) : start]
    words = _frequency_before_words()
    if words is not None and not words.search(fold_for_literals(window)):
        return None  # most windows hold no word a frequency before the amount needs: one search says so
    for pattern in _context_rules().get("FREQUENCY_BEFORE", ()):
        found = pattern.search(window)
        if found:
            return _as_written(found)
    return None


@lru_cache(maxsize=None)
def _frequency_before_words() -> re.Pattern | None:
    """A search for every word one of which some FREQUENCY_BEFORE rule needs; None where a rule needs none."""
    literals = [required_literals(rule.pattern)
                for name in ("dose_context.jsonl", "dose_frequencies.jsonl")
                for rule in load_rules(name) if rule.label == "FREQUENCY_BEFORE"]
    if not literals or any(words is None for words in literals):
        return None
    return _finder(word for words in literals for word in words)


def _as_written(found: regex.Match) -> str:
    group = found.group("frequency") if "frequency" in found.re.groupindex else None
    return " ".join((group or found.group()).lower().split())


# --- Extraction -----------------------------------------------------------------------------


HAS_POWER = regex.compile(rf"{NO_FULLCASE}{TIMES}{DOSE_POWER}|{E_NOTATION}|{SCALE_WORD}|^{BARE_POWER}", regex.I | regex.V1)


def _has_power(amount: str) -> bool:
    return bool(HAS_POWER.search(amount))


BETWEEN_BEFORE = regex.compile(r"\bbetween $", regex.I)
# A joiner that makes a list ("1, 5 and 10 mg") rather than a run of numbers ("(n = 30, 5 mg)").
LISTING_JOINER = regex.compile(r"\b(?:and|or|vs|versus)\b|/")


def _between_and(text: str, start: int) -> bool:
    return bool(BETWEEN_BEFORE.search(text[max(0, start - 8) : start]))


def _list_items(match: regex.Match, text: str) -> list[tuple[int, int, str]]:
    """The amounts of a match as (start, end, text); a list joined by commas alone is no list
    ("(n = 30, 5 mg)"), so without a final "and"/"or" (or a combination's "/") only the last amount
    counts, unless three or more amounts rise step by step as dose levels do ("12, 60, 120 micrograms")."""
    items = list(zip(match.starts("amount"), match.ends("amount"), match.captures("amount")))
    joiners = match.captures("joiner") if "joiner" in match.re.groupindex else []
    if joiners and not LISTING_JOINER.search(joiners[-1]) and not _rising_levels(items):
        items = items[-1:]
    return items


# "escalated from 0.1 to 0.3 to 1.0 mg/kg": numbers chained by "to" are steps, each a dose, not a range
# "0.3 to 1.0" after a number of its own. The grammar reads the last two as a range; the steps before it
# are read here, back from the range.
STEP_BEFORE = regex.compile(rf"(?<![\w.·-])(?P<step>{DECIMAL}) to $")
RANGE_BY_TO = regex.compile(rf"(?P<low>{DECIMAL}) to (?P<high>{DECIMAL})$")


def _as_steps(text: str, items: list, amounts: list) -> tuple[list, list]:
    first = RANGE_BY_TO.fullmatch(items[0][2] or "")
    step = first and STEP_BEFORE.search(text, max(0, items[0][0] - 20), items[0][0])
    if not step:
        return items, amounts
    steps = []
    while step:
        steps.insert(0, step.span("step"))
        step = STEP_BEFORE.search(text, max(0, step.start() - 20), step.start())
    start = items[0][0]
    steps += [(start + first.start(end), start + first.end(end)) for end in ("low", "high")]
    single = [(low, high, text[low:high]) for low, high in steps]
    values = [{"value": decimal_value(t), "value_max": None, "spread": None} for _, _, t in single]
    return single + items[1:], values + amounts[1:]


# "1.2 g protein/kg IBW daily": "daily" or "weekly" right after a per-weight or per-surface unit makes
# it a rate (g/kg/day), as reviewers read it; after a plain unit it is a frequency ("50 mg daily").
RATE_AFTER_SIZE = regex.compile(r" (?P<time>daily|weekly)(?![\w-])", regex.I)
TIME_DENOMINATORS = {"daily": "day", "weekly": "week"}


def _rising_levels(items: list[tuple[int, int, str]]) -> bool:
    if len(items) < 3:
        return False
    values = [amount["value"] for amount in _amounts([t for _, _, t in items])]
    return all(low < high for low, high in zip(values, values[1:]))


def _dose_from_match(text, match, ties: list[DoseTie], unit=None) -> list[Found]:
    items = _list_items(match, text)
    # "between 1 and 2 mg" is a range, not a list of two.
    if len(items) == 2 and _between_and(text, items[0][0]) and "and" in match.captures("joiner")[-1]:
        values = _amounts([items[0][2], items[1][2]])
        items = [(items[0][0], items[1][1], None)]
        amounts = [{"value": values[0]["value"], "value_max": values[1]["value"], "spread": None}]
    else:
        amounts = _amounts([t for _, _, t in items])
        items, amounts = _as_steps(text, items, amounts)
    factor = _unit_factor(match) if unit is None else 1.0
    if factor != 1.0:
        for amount in amounts:
            for key in ("value", "value_max", "spread"):
                if amount[key] is not None:
                    amount[key] = _rounded(amount[key] * factor)
    if unit is None:
        if (match.group("counted_per") or match.group("modifiers")) and not _has_power(items[-1][2]):
            return []
        unit = _unit_name(match)
        # Where a name after the expression may start: after its unit, even where the span stops at
        # the amount ("15 × 10^6 of BM-MSCs").
        expression_end = match.end("unit")
        if match.group("of") and not match.captures("den"):
            end = match.end("amount")
        else:
            end = expression_end
        rate = RATE_AFTER_SIZE.match(text, expression_end) if unit.endswith(("/kg", "/m2")) else None
        if rate:
            unit = f"{unit}/{TIME_DENOMINATORS[rate.group('time').lower()]}"
            end = expression_end = rate.end()
        own = _named_cells(match)
    else:
        end = expression_end = match.end()
        own = None
    return _doses_of(text, items, amounts, unit, end, expression_end, own, ties)


def _doses_of(text, items, amounts, unit, end, expression_end, own, ties: list[DoseTie]) -> list[Found]:
    """The doses of one expression: its amounts (start, end, text) with their values, sharing its unit;
    the last one's span runs to ``end``. ``expression_end``: where a name after the expression may start."""
    found = []
    frequency = _frequency(*_near(text, items[0][0], end))
    for index, ((start, amount_end, _), amount) in enumerate(zip(items, amounts)):
        if not all(math.isfinite(v) for v in amount.values() if v is not None):
            continue  # past the largest float ("10^999 mg"): no value to give
        if amount["value"] <= 0 or (amount["value_max"] is not None and amount["value_max"] <= amount["value"]):
            continue  # a range runs up: "from 45 to 38 units" is a change
        if unit.startswith("cells") and amount["value"] < 1000:
            continue
        if amount["spread"] is not None and not unit.startswith("cells") and not _is_given(text, start, end):
            continue
        last = index == len(items) - 1
        stop = end if last else amount_end
        # The exponent piece may take a space after "10^6"; a span ends on the last character.
        while stop > start and text[stop - 1] == " ":
            stop -= 1
        dose = Found(start, stop, "DOSE", {
            **amount,
            "unit": unit,
            "frequency": frequency,
            "intervention": None,  # set by dose_interventions.resolve
        })
        found.append(dose)
        ties.append(DoseTie(dose, items[0][0], expression_end, own, unit.startswith("cells")))
    return found


def _named_cells(match: regex.Match) -> Name | None:
    """The product a cell unit names: "BMSC", "BM-MNCs", or a generic cell noun with the words
    before it ("irradiated autologous tumour cells", "BCG organisms"); None for a bare "cells"."""
    if "cell_noun" not in match.re.groupindex or match.group("cell_noun") is None:
        return None
    start, end = match.span("cell_noun")
    noun = match.group("base")
    if noun.lower() in _grammar().generic_cells and match.group("cell_noun") == noun:
        if not match.group("modifiers"):
            return None
        start = match.start("modifiers")
    return Name(start, end, cell=True)


def find_doses(
    text: str,
    interventions: Iterable[tuple[int, int, str]] = (),
    abbreviations: Iterable[tuple[int, int, int, int]] = (),
    not_names: Iterable[tuple[int, int]] = (),
    words_at: Iterable[tuple[int, str]] | None = None,
) -> list[Found]:
    """Every dose in the clean text, each with the name mention of its intervention (see
    dose_interventions): ``interventions`` are (start, end, label) of the lexicon's drug and
    cell-product mentions, ``abbreviations`` (start, end, long_start, long_end) of the short forms the
    document defines, ``not_names`` spans that name no intervention (diseases, outcome scales),
    ``words_at`` the (start, text) of the words the word lists know, where the caller has them. They
    are read only where an amount needs a name, so they may be generators that do their work lazily."""
    document = DocumentNames(text, interventions, abbreviations, not_names, words_at)
    found, ties = _doses_and_ties(text, document.named_before)
    resolve(text, ties, document)
    return found


def _doses_and_ties(text: str, named_before=lambda start: False) -> tuple[list[Found], list[DoseTie]]:
    """The doses, with no intervention yet, and what each offers for finding it. ``named_before(start)``:
    whether an intervention's name stands right before an amount starting there."""
    grammar = _grammar()
    for cache in (_verdict, _frequency, _read_amounts):  # per document (see _near)
        cache.cache_clear()

    def is_dose(start: int, end: int, tail: int | None = None) -> bool:
        """Whether the amount [start, end) is a dose, read from what follows ``tail`` (default ``end``)."""
        if NOT_A_DOSE_TAIL.match(text, end if tail is None else tail):
            return False
        verdict = _verdict(*_near(text, start, end))
        return verdict == DOSE or (verdict == MEASURED and named_before(start))

    found: list[Found] = []
    ties: list[DoseTie] = []
    cells = could_match(grammar.cell_literals, fold_for_literals(text))
    for match in (grammar.expression if cells else grammar.expression_without_cells).finditer(text):
        paired = _combined_with(text, match) if text.startswith(("/", " /"), match.end()) else None
        if not is_dose(match.start("amount"), match.end(), paired.end() if paired else None):
            continue
        doses = _dose_from_match(text, match, ties)
        found.extend(doses)
        if paired and doses and is_dose(paired.start("amount"), paired.end()):
            found.extend(_dose_from_match(text, paired, ties, unit=doses[-1].values["unit"]))
    found.extend(_spelled_doses(text, is_dose, ties))
    found.sort(key=lambda f: (f.start, f.end))
    found.extend(_shared_unit_doses(text, found, is_dose, ties))
    found.sort(key=lambda f: (f.start, f.end))
    return found, ties


def _combined_with(text: str, match: regex.Match) -> regex.Match | None:
    """The second amount of a fixed-dose combination written with its unit twice, "lopinavir/ritonavir
    400 mg/100 mg": the same unit after a slash and a number, which would read as a ratio ("mg/100 mg")."""
    return _combination_pattern(match.group("unit")).match(text, match.end())


@lru_cache(maxsize=256)
def _combination_pattern(unit: str) -> regex.Pattern:
    return regex.compile(rf" ?/ ?(?P<amount>{QUANTITY})(?:-| ?){regex.escape(unit)}{UNIT_END}", regex.V1)


# Amounts spelled out in words, with a unit in words: "one gram of tranexamic acid", "Two grams of
# ceftriaxone". Only unit words, where a writer who spells the number spells the unit too; a number word
# before an abbreviated unit is rare and often no amount ("one mg/kg dose group"). The unit words are
# found first, and a number looked for only right before them: few abstracts hold any.
SPELLED_UNIT_WORD = regex.compile(
    r"(?<![^\W\d_])(?:(?:milli|micro)?gram(?:me)?s?|(?:milli)?lit(?:re|er)s?)(?![^\W\d_])", regex.IGNORECASE)
# A unit word follows its number, so it is in lower case but in text set in capitals.
SPELLED_HINTS = ("gram", "litre", "liter", "GRAM", "LITRE", "LITER")
SPELLED_NUMBER_REACH = 60  # characters before the unit word a spelled number may start
# Where a spelled number can start: a letter at a word boundary (spelled_number_pattern opens with "\b").
SPELLED_NUMBER_START = regex.compile(r"\b[^\W\d_]", regex.V1)


@lru_cache(maxsize=None)
def _spelled_amount() -> regex.Pattern:
    return regex.compile(
        rf"{NO_FULLCASE}(?P<amount>{spelled_number_pattern()})(?:-| ){_grammar().spelled_unit}",
        regex.IGNORECASE | regex.V1,
    )


def _spelled_doses(text: str, is_dose, ties: list[DoseTie]) -> list[Found]:
    if not any(word in text for word in SPELLED_HINTS):  # a case-insensitive search costs 20 times more
        return []
    found = []
    spelled_amount = _spelled_amount().match
    for unit_word in SPELLED_UNIT_WORD.finditer(text):
        low = max(0, unit_word.start() - SPELLED_NUMBER_REACH)
        match = None
        # A spelled number starts a word, before the unit word: only those starts are tried (a search
        # on would read the rest of the text wherever no spelled number comes, as at "Gram-negative").
        for word in SPELLED_NUMBER_START.finditer(text, low, unit_word.start()):
            candidate = spelled_amount(text, word.start())
            if candidate is None:
                continue
            if candidate.start("unit") > unit_word.start():
                break
            if candidate.start("unit") == unit_word.start():
                match = candidate  # the longest number ending there comes first
                break
        if match is None:
            continue
        start, end = match.span()
        value = spelled_number_value(match.group("amount"))
        if not value or not is_dose(start, end):
            continue
        amount = {"value": float(value), "value_max": None, "spread": None}
        found.extend(_doses_of(text, [(start, match.end("amount"), match.group("amount"))], [amount],
                               _unit_name(match), end, end, None, ties))
    return found


# How far a counted dose's unit carries within its sentence.
SHARED_UNIT_REACH = 300


def _shared_unit_doses(text, found, is_dose, ties: list[DoseTie]) -> list[Found]:
    """Later counts in the sentence that share a counted dose's unit: "the lowest dose (94x10^6 cells) ...
    the next medium and high dose (141x10^6 and 188x10^6 respectively)". The unit carries up to the
    next dose with a unit of its own, so each stretch of text is read once."""
    grammar = _grammar()
    extra = []
    taken = sorted((f.start, f.end) for f in found)  # never overlapping, so sorted by start is by end
    for index, dose in enumerate(found):
        if not _has_power(text[dose.start : dose.end]):
            continue
        following = found[index + 1].start if index + 1 < len(found) else len(text)
        reach = min(following, dose.end + SHARED_UNIT_REACH)
        sentence_end = SENTENCE_END.search(text, dose.end, reach)
        limit = sentence_end.start() if sentence_end else reach
        for match in grammar.powered.finditer(text, dose.end, limit):
            before = bisect_left(taken, (match.end(), -1)) - 1
            if before >= 0 and taken[before][1] > match.start():
                continue  # part of a dose with its own unit, or already shared
            if not is_dose(match.start(), match.end()):
                continue
            new = _dose_from_match(text, match, ties, unit=dose.values["unit"])
            extra.extend(new)
            for item in new:
                insort(taken, (item.start, item.end))
    return extra


class DoseExtractor:
    def __init__(self, spans_key: str):
        self.spans_key = spans_key
        compile_rules()

    def __call__(self, doc: Doc) -> Doc:
        # What names there are is read (by the generators) only where there is a dose to give one.
        mentions: list = []  # both lists of _entity_mentions, once read

        def entity_mentions(which: int) -> list:
            if not mentions:
                mentions.extend(_entity_mentions(doc))
            return mentions[which]

        interventions = _lazily(entity_mentions, 0)
        not_names = _lazily(entity_mentions, 1)
        abbreviations = _lazily(_defined_abbreviations, doc)
        words_at = _lazily(_listed_words, doc)
        write_spans(doc, self.spans_key, find_doses(doc_text(doc), interventions, abbreviations, not_names, words_at))
        return doc


def compile_rules() -> None:
    """Compile the grammar and the rules when the pipeline is built: the unit grammar alone takes a
    tenth of a second, which the first document would otherwise pay (and a per-document timing see)."""
    _grammar()
    _spelled_amount()
    _context_rules()
    _not_given_rules()
    _not_given_words()
    _frequency_before_words()
    _after_rules()
    _ending_veto()
    for label in ("NOT_DOSE_BEFORE", "FREQUENCY"):
        _any_of(label)
    compile_name_rules()


def _entity_mentions(doc: Doc) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """(start, end, label) of the lexicon's intervention mentions and (start, end) of its other ones,
    read in one pass: a SpanGroup builds each Span object anew each time it is iterated."""
    interventions, others = [], []
    for span in doc.spans.get(ENTITIES, ()):
        label = span.label_
        if label in INTERVENTION_LABELS:
            interventions.append((span.start_char, span.end_char, label))
        else:
            others.append((span.start_char, span.end_char))
    return interventions, others


def _defined_abbreviations(doc: Doc) -> list[tuple[int, int, int, int]]:
    """(start, end, long_start, long_end) of each short form scispaCy's detector found."""
    defined = []
    for short in getattr(doc._, "abbreviations", None) or ():
        long_form = short._.long_form  # each "span._" builds an accessor object: read it once
        if long_form is not None:
            defined.append((short.start_char, short.end_char, long_form.start_char, long_form.end_char))
    return defined


def _lazily(function, *args):
    """The items of function(*args), computed on the first one asked for."""
    yield from function(*args)


# The ORTH ids of tokens already looked up, and of those the word lists know (-> their text). Kept
# across documents, as the lexicon keeps its token keys (the words of the language recur), up to a bound.
_SEEN: set[int] = set()
_LISTED: dict[int, str] = {}
_SEEN_SIZE = 1 << 16


def _listed_words(doc: Doc) -> list[tuple[int, str]]:
    """(start, text) of the document's words that the word lists know (see
    dose_interventions.word_names): the distinct tokens read off one array, those seen before sorted
    out by set operations, and the few known ones found in the text."""
    if len(_SEEN) > _SEEN_SIZE:
        _SEEN.clear()
        _LISTED.clear()
    present = set(numpy.unique(token_array(doc)[:, ORTH_COLUMN]).tolist())
    strings = doc.vocab.strings
    for orth in present - _SEEN:
        text = strings[orth]
        if is_listed_word(text):
            _LISTED[orth] = text
        _SEEN.add(orth)
    text = doc_text(doc)
    # From the keys' side: set.intersection(dict) would walk the whole dict, which grows across documents.
    return [(start, _LISTED[orth]) for orth in _LISTED.keys() & present
            for start in word_starts(text, _LISTED[orth])]


@Language.factory("trialfacts_dose", default_config={"spans_key": DOSES})
def make_dose_extractor(nlp: Language, name: str, spans_key: str) -> DoseExtractor:
    return DoseExtractor(spans_key)
