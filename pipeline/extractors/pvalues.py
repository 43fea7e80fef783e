"""P-values: "P < 0.05", "p = .036", "P = 0·003", "P < 10^-5", "P value of 0.03", "P = NS".

The grammar is a head ("P", "P value", "P for trend", "P(interaction)"), a comparator
and a value, composed from the shared number pieces. One expression may carry several
values ("P = 0.02 and 0.04, respectively", "P = 0.01-0.04"): each is an entry, the later
ones spanning just their number. A statement of the significance level ("P < 0.05 was
considered significant") is kept with ``threshold: true`` so it is not scored as a result.
"""

from __future__ import annotations

from functools import lru_cache

import regex
from spacy.language import Language
from spacy.tokens import Doc

from ..nlp.spans import P_VALUES, Found, doc_text, write_spans
from ..resources import load_rules
from .numbers import EXPONENT_FLAT_NEGATIVE, NUMBER, number_value

# "P", "p", "P value(s)", "P-value", "two-sided P", "P for trend", "P(interaction)", "Ptrend",
# "P trend", and the plural "Ps"/"ps" ("all ps < .05"; lower-case s only, so "PS", performance
# status, is no head). Not inside a word and not followed by a digit or letter, so "p53",
# "P2Y12", "pp. 12" and "PCR" hold no head.
P_PREFIX = r"(?:(?:two|one)[- ](?:sided|tailed) |adjusted |corrected )"
P_HEAD = (
    # The prefix is read behind the "P" (and the match is taken to start where it does, see
    # _start): as an optional start of the match, the engine tried it at every word start; behind
    # the "P", it looks only at each "p" (the scan takes 40% less time).
    rf"(?:(?<=(?<![\w.])(?P<prefix>{P_PREFIX}))|(?<![\w.]))"
    r"P(?:[- ]?values?|(?-i:s)|'s)?"
    # What the test was for, in one or two words: "P for trend", "P for non-inferiority", "P for
    # linear trend"; a comparator must follow, so "P for the ..." prose never matches.
    r"(?: ?for (?!the\b)[a-z][a-z-]*(?: [a-z][a-z-]*)?)?"
    # A qualifier in brackets, in words only: "P(interaction)", "P (two-sided)", "P (log-rank)".
    r"(?: ?\( ?[a-z][a-z -]{1,24} ?\))?"
    r"(?:[ _-]?(?:trend|interaction|int|heterogeneity|het|adj|log-rank|logrank|noninferiority|non-inferiority))?"
    r"(?![\w(])"
)

# The comparator as written; "< or =" is an old typesetting of "≤". Words count only
# after "P value" ("P value of 0.03", "P values were 0.02 and 0.04", "a P value of less than
# 0.05"), where a verb or "of" cannot start anything else; the verb or "of" before a
# comparator ("of less than", "was < ") is not part of it.
COMPARATOR_SYMBOL = r"(?:[<>] ?or ?=|=<|=>|<=|>=|≤|≥|<|>|=)"
COMPARATOR_RELATION = r"(?:less than|lower than|smaller than|greater than|higher than|larger than|equal to|below|above)"
COMPARATOR_VERB = r"(?:of|was|were|is|are)"

# A colon after the head is an equals sign: "P: 0.04", "P-value: 0.02"; so is a comma after
# "P value" ("P value for interaction, 0.04"), where nothing else can follow it.
COMPARATOR_PUNCTUATION = r"(?:(?<=values?|for [a-z-]+(?: [a-z-]+)?) ?,|:)(?= ?[\d.])"

# A value: any number, "10-5" (a flattened 10^-5: a p-value cannot be the range 10 to 5),
# "0,03" (a decimal comma: after "P =" no list can start with 0), or "NS" / "n.s." (not
# significant).
FLAT_POWER_OF_TEN = rf"(?<![\w.])10{EXPONENT_FLAT_NEGATIVE}"
COMMA_DECIMAL = r"(?<![\w.,])0,\d{1,4}(?![.,]?\d)"
NOT_SIGNIFICANT = r"n\.? ?s\.?(?![a-z])"
# Later values of a list or range are small decimals, so "P = 0.02 and 12 patients" stops at 0.02.
LIST_VALUE = r"(?<![\w.])0?[.·]\d+(?![.\d])"
LIST_JOINER = r"(?: ?, ?(?:and |or )?| (?:and|or) | ?- ?| to )"

# The pieces hold literal spaces, so the expression is joined, not written in VERBOSE mode.
# "(?-f)": simple case folding; V1's full folding would only slow every match down.
P_VALUE_EXPRESSION = regex.compile(
    rf"(?-f)(?P<head>{P_HEAD})"
    r" ?:? ?"
    rf"(?:(?P<comparator>{COMPARATOR_SYMBOL})"
    rf"|(?<=values? ?)(?:{COMPARATOR_VERB} )?(?:(?P<comparator>{COMPARATOR_SYMBOL})|(?P<comparator>{COMPARATOR_RELATION})\b)"
    rf"|(?<=values? ?)(?P<comparator>{COMPARATOR_VERB})\b"
    rf"|(?P<comparator>{COMPARATOR_PUNCTUATION}))"
    r" ?"
    rf"(?:(?P<value>{FLAT_POWER_OF_TEN}|{COMMA_DECIMAL}|{NUMBER})|(?P<ns>{NOT_SIGNIFICANT}))"
    rf"(?:(?P<joiner>{LIST_JOINER})(?P<more>{LIST_VALUE}))*",
    regex.IGNORECASE | regex.V1,
)

COMPARATORS = {
    "<": "<", ">": ">", "=": "=", "≤": "<=", "<=": "<=", "=<": "<=", "≥": ">=", ">=": ">=",
    "=>": ">=", ":": "=", ",": "=", "of": "=", "was": "=", "were": "=", "is": "=", "are": "=", "equal to": "=",
    "less than": "<", "lower than": "<", "smaller than": "<", "below": "<",
    "greater than": ">", "higher than": ">", "larger than": ">", "above": ">",
}

SENTENCE_END = regex.compile(r"[.!?](?=\s+[A-Z(])|\n|(?<=\.)(?=[A-Z]{3,})")
THRESHOLD_VALUES = {0.05, 0.01, 0.001, 0.1}


# "< or =", "<or=": an old typesetting of "≤" / "≥".
OR_EQUAL = regex.compile(r"[<>] ?or")


def _comparator(written: str) -> str:
    written = " ".join(written.lower().split())
    if OR_EQUAL.match(written):
        return "<=" if written.startswith("<") else ">="
    return COMPARATORS[written]


# The same boundaries, searched backwards from a p-value, so finding its sentence does not
# rescan the text before it for every p-value of the document.
SENTENCE_END_BEFORE = regex.compile(SENTENCE_END.pattern, regex.REVERSE)


def _sentence_around(text: str, start: int, end: int) -> str:
    left_match = SENTENCE_END_BEFORE.search(text, 0, start)
    left = left_match.end() if left_match else 0
    right_match = SENTENCE_END.search(text, end)
    right = right_match.start() if right_match else len(text)
    return text[left:right]


@lru_cache(maxsize=None)
def _threshold_phrases() -> tuple[regex.Pattern, ...]:
    return tuple(rule.compiled() for rule in load_rules("pvalue_thresholds.jsonl"))


def _is_threshold(text: str, start: int, end: int, comparator: str, value: float | None) -> bool:
    """A significance level: a conventional alpha with a threshold phrase in its sentence."""
    if comparator not in ("<", "<=") or value not in THRESHOLD_VALUES:
        return False
    sentence = _sentence_around(text, start, end)
    return any(phrase.search(sentence) for phrase in _threshold_phrases())


# After a value, what shows it was not read whole: a further digit after one space ("P = 0.0 5",
# a number split by the source), a division ("0.05/3", a corrected level) or a decimal point
# with no digit after it. Such a p-value is left out: a wrong number is worse than none.
UNREAD_TAIL = regex.compile(r" \d| ?/ ?\d|\.\d")


def _value(written: str) -> float:
    if COMMA_DECIMAL_VALUE.fullmatch(written):
        return float(written.replace(",", "."))
    return number_value(written)


COMMA_DECIMAL_VALUE = regex.compile(COMMA_DECIMAL)


def _start(match: regex.Match) -> int:
    """Where a p-value starts: at its prefix ("two-sided P"), which the expression reads behind it."""
    return match.start("prefix") if match.group("prefix") is not None else match.start()


def find_p_values(text: str) -> list[Found]:
    found = []
    for match in P_VALUE_EXPRESSION.finditer(text):
        start = _start(match)
        comparator = _comparator(match.group("comparator"))
        if match.group("ns") is not None:
            found.append(Found(start, match.end("ns"), "P_VALUE",
                               {"comparator": "ns", "value": None, "threshold": False}))
            continue
        written = match.group("value")
        value = _value(written)
        if value > 1 or UNREAD_TAIL.match(text, match.end("value")):
            continue
        if value == 0 and not any(c in written for c in ".·,"):
            continue  # "P = 0" is no p-value anyone reports: a number lost its decimals
        joiners = match.captures("joiner")
        is_range = bool(joiners) and joiners[0].strip() in ("-", "to") and len(joiners) == 1
        first_comparator = "=" if is_range else comparator
        threshold = _is_threshold(text, start, match.end(), comparator, value)
        found.append(Found(start, match.end("value"), "P_VALUE",
                           {"comparator": first_comparator, "value": value, "threshold": threshold}))
        for more_start, more_end, more in zip(match.starts("more"), match.ends("more"), match.captures("more")):
            more_value = _value(more)
            if more_value > 1:
                break
            found.append(Found(more_start, more_end, "P_VALUE",
                               {"comparator": first_comparator, "value": more_value, "threshold": threshold}))
    return found


class PValueExtractor:
    def __init__(self, spans_key: str):
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        write_spans(doc, self.spans_key, find_p_values(doc_text(doc)))
        return doc


@Language.factory("trialfacts_pvalue", default_config={"spans_key": P_VALUES})
def make_pvalue_extractor(nlp: Language, name: str, spans_key: str) -> PValueExtractor:
    return PValueExtractor(spans_key)
