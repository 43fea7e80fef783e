"""Effect estimates: "OR, 0.59 [95% CI, 0.22-1.59]", "hazard ratio 0.72 (95% CI 0.61 to 0.85)",
"mean difference, -8.9; 95% CI, -19.4 to 1.6", "risk ratios (95% CIs) were 1.75 (0.44 to 8.13) and ...".

An effect is an estimate tied to a measure name (GOLD.md "effects"). The names are data
(patterns/effect_measures.jsonl); the estimate grammar (a value, its unit, its confidence interval in
the usual typesettings) is composed here from the shared number pieces. An estimate is tied to a name

- written next to it: "OR 2.1", "hazard ratio was 0.72 (0.61-0.85)", "difference, 5.2 points; 95% CI
  1.1 to 9.3" (the span starts at the name); also across a few words that end in a verb or comma
  ("the hazard ratio for death was 0.74 (95% CI ...)", the span then starting at the value);
- standing apart before it in the same sentence, where the estimate has an interval and nothing
  between them names another statistic (a mean, a rate, a sensitivity: the NOT_EFFECT names, unless
  the name is of it: "the difference in the rate of death was ...") or ends the clause with a
  semicolon (unless a list of the name's estimates goes on: "adjusted ORs: age, 1.03 (1.01-1.05); male
  sex, 1.8 (1.2-2.7)"); so "risk ratios (95% CI) were 1.75 (0.44 to 8.13) for X, 1.11 (0.55 to 2.28)
  for Y" gives one effect per estimate, each span starting at its value;
- written after a percentage or a multiple: "a 44% (95% CI 7-66) risk reduction", "42% risk reduction
  [0-68]", "a 2.4 times higher odds of relapse (95% CI ...)", "a 3-fold higher risk";
- a multiple of a risk, odds or hazard named before it: "the risk of relapse was 1.9 times that in
  controls" (a ratio; where its sentence states the named ratio of the same value, that one stays);
- written after its interval: "the 90% CI [-2.3; 1.5] of the treatment difference (-0.4 mmHg)",
  "(95% CI 0.61-0.85; HR 0.72)".

A name's span takes in the qualifying words written before it ("age-adjusted rate ratio", "pooled
RR"). A difference told in prose is an effect only with a labelled interval in a sentence that compares
groups ("compared with sitting, walking lowered insulin by 16.3 mU/L (95% CI ...)"), and so are the
estimates its sentence lists after it ("... and glucose by 0.3 mmol/L (95% CI ...)", "(22.4 mU/L; 12.4,
32.4)"); a risk reduced by a percentage with its interval is a relative risk reduction ("reduced the
risk of death by 22% (95% CI 10% to 32%)"), a comparison in itself. Other estimates
without a name are not effects: a group's mean or rate with its CI looks the same. An abbreviated
ratio with a unit or a value too large is a vital sign or a place ("HR 72 (65-80) beats/min", "time in
the OR was 95 minutes"). Numbers are kept as written; record.py warns where an interval does not
contain its estimate.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import regex
from spacy.language import Language
from spacy.tokens import Doc

from ..nlp.spans import EFFECTS, P_VALUES, Found, doc_text, read_spans, write_spans
from ..resources import (
    Literals,
    finditer_at_openings,
    fold_for_literals,
    load_rules,
    matches_at,
    occurrences,
    opening_literals,
    openings_at_word_boundary,
    parse_pattern,
    required_literals,
    search_openings,
)
from .numbers import SIGNED_BOUND, SIGNED_DECIMAL, decimal_value

try:  # the standard library's regular-expression parser (resources reads patterns with it)
    from re._constants import ASSERT, LITERAL
    from re._parser import SubPattern
except ImportError:  # pragma: no cover - Python 3.10
    from sre_constants import ASSERT, LITERAL
    from sre_parse import SubPattern


def _compile(pattern: str, flags: int = regex.IGNORECASE | regex.V1) -> regex.Pattern:
    """The patterns here are written with plain spaces, each standing for one whitespace character:
    cleaning makes a whitespace run inside a sentence one space, but keeps a line break where it may
    be structure ("OR 2.1;\\n95% CI 1.2-3.4" from a wrapped line). "(?-f)": simple case folding."""
    return regex.compile("(?-f)" + pattern.replace(" ", r"\s"), flags)


# --- The estimate grammar ---------------------------------------------------------------------

# The confidence level: "95%", "95 %", "95 percent", "95.48%", "90%".
LEVEL = r"(?P<level>\d{2}(?:[.·]\d{1,2})?) ?(?:%|percent\b|per cent\b)"
# The interval's name: "CI", "CIs", "C.I.", "confidence interval(s)", "confidence limits", Bayesian
# "credible interval" / "CrI". The abbreviations in capitals only, so "ci" in prose is none.
CI_WORD = (
    r"(?:(?-i:CIs?|CrIs?|CLs?|C\.I\.)(?![A-Za-z-])"
    r"|confidence (?:intervals?|limits?|bounds?)|credib(?:le|ility) (?:intervals?|limits?))"
)
# How the interval was computed, before its level: "robust 95% CI", "two-sided 95% CI".
CI_METHOD = r"(?:(?:robust|bootstrap(?:ped)?|exact|asymptotic|two-sided|2-sided|adjusted|profile likelihood) )?"
# "95% CI", "95%CI", "95%-CI", "CI 95%", "CI95%", "95% confidence interval (CI)", "[CI]"; after a
# level "ci" in lower case too ("95% ci"), where it cannot be a word of the sentence.
CI_LABEL = (
    rf"{CI_METHOD}(?:{LEVEL}[ -]?(?:{CI_WORD}|(?-i:cis?)(?![A-Za-z-]))|{CI_WORD}(?: ?{LEVEL})?)"
    r"(?: ?[(\[] ?(?-i:CIs?|CrIs?) ?[)\]])?"
)
# Between the label and the interval: "95% CI: ", "95% CI = ", "95% CI of ", "95% CI from ",
# "95% CI for the difference, ".
CI_LABEL_TAIL = (
    r"(?: ?[:=,] ?| (?:of|was|is|(?:was )?from|(?:ranging|ranged|extending|extended) from|range|ranged) "
    r"| for (?:the )?[a-z-]+(?: [a-z-]+)?,? | )?"
)

# A unit written after an estimate where an interval follows: "-5.5 m (95% CI ...)", "16.3 mU/L,
# (95% CI ...)", "5.2 points", "0.21 SD units", "HR 1.03 per year", "OR 1.9 per SD"; not a word of
# the sentence.
UNIT_STOP_WORDS = (
    r"(?:and|or|to|for|in|vs|versus|of|was|were|with|than|at|on|by|per|from|the|a|an|as|respectively"
    r"|whose|among|between|after|before|during|compared|while|but|which|that|is|are|CI|CIs|p)"
)
# The letters of a unit are taken whole ("{0,14}+", no backtracking): a unit is always followed by a
# space, bracket or punctuation mark, never by one of its own characters, so a shorter unit can
# never match where the whole one fails, and trying each shorter one cost most of a failed estimate.
UNIT_WORD = rf"(?!{UNIT_STOP_WORDS}(?![\w/]))[^\W\d_][\w/µ°²³.^-]{{0,14}}+(?<![.-])"
PER_STEP = r"per (?:\d+(?:[.·]\d+)?[ -]?)?[^\W\d_][\w-]{0,15}+(?: (?:increase|increment|decrease|rise))?"
# A filtration rate's unit holds a number of its own: "mL/min/1.73 m2".
PER_BODY_SURFACE = r"m[lL] ?/ ?min ?/ ?1[.·]73 ?m(?:2|²|\^2)"
UNIT = (
    rf"(?P<unit>percentage points?|mm ?Hg|cm ?H2O|{PER_BODY_SURFACE}|{PER_STEP}"
    rf"|{UNIT_WORD}(?: {PER_STEP}| (?:units?|points?)(?![\w/]))?)"
)
# A unit written after its number with a space or, as an adjective, a hyphen: "2.1-point greater".
UNIT_JOIN = r"[ -]?"
# A comparative or change noun between an estimate and its interval: "9% improvement (95% CI, 0% to
# 19%)", "1.2 points lower (95% CI 0.5 to 1.9)", "a 2.1-point greater improvement (95% CI ...)": a
# difference told in prose.
COMPARATIVE = r"(?:lower|higher|greater|less|shorter|longer|fewer|more|smaller|larger)"
CHANGE_NOUN = r"(?:improvements?|reductions?|increases?|decreases?|gains?|losses?|declines?)"
CHANGE_WORD = rf"(?P<change>{COMPARATIVE}(?: {CHANGE_NOUN})?|{CHANGE_NOUN})"
PERCENT = r"(?: ?%| percent\b| per cent\b)"

# Where a number can start. The lookahead lets the engine skip every other position (outside the
# case-insensitive mode, where it is fastest).
NUMBER_START = r"(?-i:(?=[-+\d.·]))"
# "1. 22; 95% CI": a decimal split by a space (PDF copies), only where a labelled interval follows.
SPACED_ESTIMATE = r"(?<![\w.·])\d{1,2}\. \d{1,3}(?=[;,] ?\d{2} ?% ?CI)"
# A number in exponent notation ("2.1E-3", "3.4e2") is read whole or not at all: its mantissa alone
# would be a wrong number, and the estimates and bounds here are never written that way.
NO_EXPONENT = r"(?![eE][-+]?\d)"
# One end of an interval (see numbers.SIGNED_BOUND).
BOUND = rf"{SIGNED_BOUND}{NO_EXPONENT}"
# An estimate: a signed decimal, not the level of a CI label ("95% CI") nor a p-value ("P = .01").
NOT_A_LEVEL = rf"(?!{PERCENT}?[ -]?{CI_WORD})"
NOT_A_P_VALUE = r"(?<!\bp(?:[- ]?values?)? ?(?:[<>=≤≥:]|[<>]=) ?)"
VALUE = rf"{NOT_A_P_VALUE}(?P<value>{SIGNED_DECIMAL}|{SPACED_ESTIMATE}){NO_EXPONENT}{NOT_A_LEVEL}(?P<percent>{PERCENT})?"
# A p-value written between an estimate and its interval: "OR 2.1 (P = .01; 95% CI ...)", "OR 2.1;
# p = 0.01; 95% CI ...".
P_VALUE_INLINE = r"p ?(?:[<>=≤≥]|[<>]=) ?0?[.·]\d+"
P_VALUE_FIRST = rf"(?:{P_VALUE_INLINE} ?[;,] ?)?"
P_VALUE_BETWEEN = rf"(?: ?[;,] ?{P_VALUE_INLINE}(?= ?[;,]))?"

# One end of an interval, with the estimate's unit or a percentage repeated: "-19.7 m", "7.7%".
BOUND_UNIT = rf"(?:(?: ?(?P=unit))(?![\w/])|{PERCENT})?"
# A range sign: a dash (other dashes are "-" after cleaning), "to", or the tilde Chinese and Japanese
# journals write ("1.25~2.94").
RANGE_SIGN = r"(?: ?[-—~～] ?| to )"
# The two ends: "0.43-0.80", "0.90 to 1.12", "-5.0--1.2", "19.7, 22.0", "[-2.3; 1.5]", "0.5 — 0.9".
BOUNDS = (
    rf"(?P<low>{BOUND}){BOUND_UNIT}(?P<separator>{RANGE_SIGN}| ?[;,] ?)"
    rf"(?P<high>{BOUND})(?P<high_unit>{BOUND_UNIT})"
)
# The two ends joined by a range sign only, where no bracket or label says they are an interval.
DASHED_BOUNDS = (
    rf"(?P<low>{BOUND}){BOUND_UNIT}(?P<separator>{RANGE_SIGN})"
    rf"(?P<high>{BOUND})(?P<high_unit>{BOUND_UNIT})"
)
# After a label "and" joins the ends too: "95% confidence limits 1.3 and 3.1".
LABELLED_BOUNDS = (
    rf"(?P<low>{BOUND}){BOUND_UNIT}(?P<separator>{RANGE_SIGN}| ?[;,] ?| and )"
    rf"(?P<high>{BOUND})(?P<high_unit>{BOUND_UNIT})"
)
# "95% CI 0.43-0.80", "95% confidence interval [-2.3; 1.5]".
LABELLED_INTERVAL = (
    rf"(?P<label>{CI_LABEL}){CI_LABEL_TAIL}(?:[(\[] ?{LABELLED_BOUNDS} ?(?P<close>[)\]])|{LABELLED_BOUNDS})"
)
# The bracket an interval ends with is part of the estimate's span where it closes at once.
CLOSE = r"(?: ?(?P<close>[)\]]))?"

# An estimate: the value with its unit and the change word of a difference told in prose, then
# its interval, labelled or bare.
ESTIMATE_HEAD = rf"{NUMBER_START}{VALUE}(?:{UNIT_JOIN}{UNIT})??(?: {CHANGE_WORD})?"
# The side an estimate favours, between it and its labelled interval: "3.1 points in favour of yoga
# (95% CI 1.2 to 5.0)", "-0.4 favouring the drug, 95% CI ...". A few words, no digits.
FAVOURING = r"(?: (?:in favou?r of|favou?ring) (?:[A-Za-z][\w'/+-]* ){0,3}?[A-Za-z][\w'/+-]*)?"
LABELLED_TAILS = (
    # "0.58 [95% CI, 0.43-0.80]", "16.3 mU/L, (95% CI: 19.7, 22.0)"
    rf" ?,? ?[(\[] ?{P_VALUE_FIRST}{LABELLED_INTERVAL}{CLOSE}"
    # "2.47; 95% CI 1.45 to 4.19", "1.1 mmHg whose 90% confidence interval [-0.1; 2.2 mmHg]",
    # "2.1; p = 0.01; 95% CI 1.3-3.4", "1.6, with a 95% CI of 1.1 to 2.3", "0.92; the 95% CI was ..."
    rf"|{P_VALUE_BETWEEN}(?: ?[;,] ?(?:(?:with|and) (?:a |an |the |its )?|the )?"
    rf"| (?:with (?:a |an |the |its )?|whose |and (?:a |the )?)| ){LABELLED_INTERVAL}"
    # "0.5 (95% CI) (0.3-0.8)": the label in a bracket of its own, the ends in the next one.
    rf"|(?P<label> ?[(\[] ?{CI_LABEL} ?[)\]]) ?[(\[] ?{BOUNDS} ?(?P<close>[)\]])"
)
# A label written after the ends, inside their bracket: "(0.44 to 8.13, 95% CI)".
TRAILING_LABEL = rf"(?: ?[,;] ?(?P<label>{LEVEL}[ -]?{CI_WORD}))?"
BARE_TAILS = (
    # "1.75 (0.44 to 8.13)", "1.67 (1.01-2.76, p=0.042)": the interval without its label; a comma
    # between its ends only where the bracket closes at once ("(1.0, 1.4)", not a list "(1, 2, 3)").
    rf"(?P<bare> ?[(\[] ?){BOUNDS}(?:{TRAILING_LABEL} ?(?P<close>[)\]])|(?<![,;] ?\d+(?:[.·]\d+)?%?)(?= ?[;,] ?p\b))"
    # "(hazard ratio 0.64, 0.50-0.82)": after a comma, within the bracket the estimate is in; ends
    # joined by a dash or "to" only, and the bracket closes after them. A space before the comma
    # where the text was assembled from tokens ("( HR 0.5 ; 0.3 - 0.8 )").
    rf"|(?P<bare> ?[;,] ?){DASHED_BOUNDS}(?= ?[)\]])"
    # "(22.4 mU/L; 12.4, 32.4)": the estimate and its ends in one bracket, after a semicolon, the ends
    # joined by a comma; only where the bracket opens right before the value and the ends hold it
    # (see _compact_interval_holds).
    rf"|(?P<compact> ?; ?)(?P<low>{BOUND}){BOUND_UNIT}(?P<separator> ?, ?)"
    rf"(?P<high>{BOUND})(?P<high_unit>{BOUND_UNIT})(?= ?[)\]])"
)
ESTIMATE = _compile(rf"{ESTIMATE_HEAD}(?:{FAVOURING}(?:{LABELLED_TAILS})|{BARE_TAILS})")
# In a text without a CI label (see _may_hold_ci_label) the labelled tails match nowhere, nor does a
# spaced estimate ("1. 22; 95% CI"): without them the pattern finds the same estimates, faster.
BARE_ESTIMATE = _compile(rf"{ESTIMATE_HEAD}(?:{BARE_TAILS})")
# What a text holds where it may hold a CI label (CI_LABEL) or a spaced estimate (SPACED_ESTIMATE):
# a CI word in capitals (CI_WORD; the engine finds these fast, all opening with "C"), a long one's
# first word (compared case-folded), "ci" after a level ("95% ci"; the spaced estimate's lookahead
# takes it in any case and before any letter).
CI_WORD_CAPITALS = regex.compile(r"(?:CIs?|CrIs?|CLs?)(?![A-Za-z-])|C\.I\.", regex.V1)
CI_WORD_OPENINGS = ("confidence", "credib")
# "ci" after a level is searched for at "ci", the level in a lookbehind: the engine finds a literal
# opening fast, and tries an alternation ("%|percent") at every position.
CI_AFTER_LEVEL = _compile(r"(?<=(?:%|percent\b|per cent\b) ?-?)ci")
# The long CI words' openings, each searched for alone (an alternation is tried at every position).
CI_WORD_LONG_OPENINGS = tuple(_compile(word) for word in CI_WORD_OPENINGS)
# A decimal point followed by a space: where a value's first digits may go on as SPACED_ESTIMATE.
SPACED_DECIMAL_POINT = _compile(r"\. \d")
# A full stop before a space or line break: an estimate's value, unit and change word never hold one
# (see _interval_may_follow).
FULL_STOP = regex.compile(r"\.[ \n]")

# A value standing alone after a name: "OR 2.1", "efficacy, 61%", "treatment effect was -0.5". Not
# the start of a range ("HR 0.5-0.9"), a power of ten or a bracket the grammar could not read. After
# it: punctuation, the end of the sentence, a bracket with its p-value ("HR 0.72 (P = .003)"), or a
# word that goes on the sentence ("OR 2.1 for smokers", "-0.4 units in favour", "7.6 times
# greater"), not a noun the number counts ("difference of 2 groups").
LONE_VALUE_END = (
    r"(?= ?[,;:)\]]|\.(?!\d)|$| ?[(\[] ?p\b| (?:and|or|in|for|among|between|with|without|at|on"
    r"|when|after|before|favou?ring|times|fold|units?|points?|percentage points?|was|were|is|are|as|than"
    r"|respectively|overall|which|that|but|while|across|per|indicating|suggesting)\b)"
)
LONE_VALUE = _compile(
    rf"{VALUE}(?! ?(?:-|to ) ?\d| ?[×x*] ?10|[\w·%]|\.\d| ?[(\[] ?[-+]?[\d.·]"
    rf"| ?[;,] ?{BOUND} ?(?:-|to ) ?[-+]?[\d.·]| ?,? (?:vs\.?|versus|compared)\b){LONE_VALUE_END}"
)
# A value without an interval in a sentence that plans or assumes it is no result: "to detect a
# difference of 10 points", "assuming a hazard ratio of 0.75", "an OR of 1.5 was considered relevant".
PLANNED = _compile(
    r"\b(?:detect\w*|assum\w*|expect\w*|hypothes\w*|power(?:ed)?|margin|sample size|to show|to demonstrate"
    r"|consider\w*|clinically (?:important|relevant|meaningful)|minimal\w* (?:clinically )?important)\b"
)
# "-0.5 and -0.4 units": the further values of a name's list.
LIST_JOINER = _compile(r"(?: ?, ?(?:and |or )?| (?:and|or) )")
# How far after a lone value a CI label shows it had an interval the grammar could not read.
UNREAD_INTERVAL_REACH = 30
# Or a CI label later in its clause, with no number nor sentence end before it but the label's level:
# "the difference was 3.1 points for those who completed the course of yoga (95% CI ...)". A single
# limit is no interval: the value stands alone ("1.9 times that of B, with an upper 95% confidence
# limit of 3.0").
UNREAD_INTERVAL_IN_CLAUSE = _compile(
    rf"(?:(?!\. )[^\d;]){{0,100}}?(?<!\b(?:upper|lower|one-sided|1-sided) )(?:{LEVEL}[ -]?)?{CI_WORD}"
)
CI_MENTION = _compile(CI_WORD)
HEADER_LEVEL = _compile(rf"{LEVEL}[ -]?{CI_WORD}")

# --- Between a name and its estimate ------------------------------------------------------------

# Next to it: a bracket ("(RFR)", "(95% CI)"), then a colon, equals sign, comma, verb ("was", "of")
# or space. A little further: a few words ending in a verb or comma ("hazard ratio for death was",
# "odds ratio, multivariable analysis,"), or a short phrase of what it is for ("HR for death 0.66
# (0.52-0.84)"); no digits but those of a time point ("the difference at 12 weeks was").
# The bracket may be two: "odds ratio (OR) [95% confidence interval (CI)] = 2.1 [1.3-3.4]".
HEADER_BRACKET = r"[(\[][^()\[\]]{1,40}(?:[(\[][^()\[\]]{1,10}[)\]][^()\[\]]{0,10})?[)\]]"
NAME_HEADER = rf"(?: ?(?P<header>{HEADER_BRACKET}(?: ?{HEADER_BRACKET})?))?"
COPULA = r"(?:was|were|is|are|of|equals?|equal to|reached|being|amounted to)"
QUALIFIER = r"(?:(?:approximately|about|around|only|estimated at|estimated to be|found to be|calculated as) )?"
NEAR_GAP = rf"(?: ?[:=] ?| ?, ?| {COPULA} (?:= ?)?| )"
# A word of the gap may hold digits after its first letter: the name of an outcome ("HbA1c", "FEV1",
# "PHQ-9", "COVID-19"); a number is no word.
WORD = r"[A-Za-z][\w'/-]*"
# A time point is the one phrase with digits a gap may hold: "the difference at 12 weeks was 3.1
# (...)", "HR for death at 28 days, 0.81".
TIME_POINT = (
    r"(?:at|after|by|over|within|in|during|through) (?:the )?(?:week|month|day|year|visit|cycle) \d{1,3}"
    r"|(?:at|after|by|over|within|in|during|through) (?:the )?(?:first )?\d{1,3}[ -](?:weeks?|months?|days?|years?|hours?)"
)
GAP_WORD = rf"(?:{TIME_POINT}|{WORD})"
FAR_GAP = (
    rf" (?:(?:{GAP_WORD},? ){{0,6}}?{GAP_WORD}(?: ?[,:]| {COPULA}) "
    rf"|(?:for|of|in|on|among) (?:{GAP_WORD} ){{0,3}}?{GAP_WORD} )"
)
# A value standing alone right after one of these words counts or dates something: "the hazard
# ratio for death at 2, 5 and 10 years", "differences in pain at 3 months".
COUNTED_AFTER = _compile(
    r"\b(?:at|in|on|after|before|within|to|by|from|over|during|through|aged|of|for|with|than|and|or|per"
    r"|weeks?|months?|days?|years?|hours?|visits?|doses?|cycles?|grades?|stages?|groups?|arms?|phases?"
    r"|types?|levels?|scores?|models?) $"
)
NAME_GAPS = (
    ("near", _compile(rf"{NAME_HEADER}{NEAR_GAP}{QUALIFIER}{NUMBER_START}")),
    ("far", _compile(rf"{NAME_HEADER}{FAR_GAP}{QUALIFIER}{NUMBER_START}")),
)
NAME_HEADER_ONLY = _compile(NAME_HEADER)
# A long name defining its abbreviation: "relative failure rate (RFR)", "odds ratio [OR]".
DEFINITION = _compile(r" ?[(\[](?P<short>[A-Za-z][A-Za-z-]{0,6}[A-Za-z])(?-i:s)?[)\]]")
# A percentage right before a name that follows it: "42% risk reduction for recurrence or death
# [0-68]"; its interval after the name.
VALUE_BEFORE_NAME = _compile(rf"{VALUE}[ -]?$")
INTERVAL_AFTER_NAME = _compile(rf"(?P<unit>)(?: {WORD}){{0,6}}? ?[(\[] ?(?:{LABELLED_INTERVAL}|{BOUNDS}){CLOSE}")
# The interval before its name: "the 90% confidence interval [-2.3; 1.5] of the intertreatment
# difference (-0.4 mmHg)". The name follows at once, its value in brackets.
INTERVAL_FIRST = _compile(rf"(?P<unit>)(?<![\w.])(?:{LABELLED_INTERVAL}){CLOSE} (?:of|for) (?:the )?$")
INTERVAL_FIRST_REACH = 90
VALUE_IN_BRACKETS = _compile(rf" ?[(\[] ?{VALUE}(?: ?{UNIT})? ?[)\]]")
# Or, in one bracket, the interval before the name and its value: "(95% CI 0.61-0.85; HR 0.72)". The
# value ends the bracket or an item of it ("; P = .01)").
INTERVAL_FIRST_IN_BRACKET = _compile(rf"(?P<unit>)(?<=[(\[] ?)(?:{LABELLED_INTERVAL}) ?[;,] ?$")
VALUE_CLOSING = _compile(rf"{NEAR_GAP}{VALUE}(?: ?{UNIT})?(?= ?[;,)\]])")

# A sentence ends at a full stop before a capital or bracket, or at a line break.
SENTENCE_END = regex.compile(r"[.!?](?=\s+[A-Z(\[])|\n")
# Group values compared, not an effect: "12.1 (95% CI 10-14) vs 11.9 (95% CI 10-13)".
VERSUS_AFTER = _compile(r" ?,? ?(?:vs\.?|versus|compared (?:with|to))\b")
VERSUS_BEFORE = _compile(r"\b(?:vs\.?|versus|compared (?:with|to)) ?$")
VERSUS_REACH = 20
# A group's own value: "45% (95% CI 38-52) with drug A", "12.1 (10.2-14.0) in the placebo group".
GROUP_AFTER = _compile(
    r" ?,? (?:(?:with|in|for|among|on|receiving|given) (?:the )?(?:[\w/+-]+ ){0,3}?"
    r"(?:groups?|arms?|cohorts?|recipients|users)\b"
    r"|(?:with|on|receiving|given) (?:the )?(?:drug|treatment|regimen|placebo|controls?|usual care)\b)"
)
# Between a measure's name and the statistic it is of: "difference in the rate of", "difference
# between arms in the proportion of", "ratio of".
OBJECT_OF_NAME = _compile(
    r" (?:(?:between|among) (?:the )?(?:[A-Za-z-]+ ){0,3}?(?:groups|arms|treatments) )?(?:in|of|for) (?:the )?"
    r"(?:[A-Za-z-]+ ){0,2}?"
)
# Between a semicolon and the next item of a name's list of estimates: what the item is for ("male
# sex, "), a few words without digits; the semicolon itself only once.
LIST_ITEM_LEAD = _compile(r" ?(?:[A-Za-z][\w'/-]* ){0,3}?(?:[A-Za-z][\w'/-]*)?[,:]? ?")
# Words that start a clause about something else after an effect: its list of estimates ends
# ("HR 0.80 (0.6-1.0), with a 1-year survival of 80% (75-85)").
CLAUSE_BREAK = _compile(r", with\b|\b(?:while|whereas|but|although|though)\b")

# --- Measures -----------------------------------------------------------------------------------

RATIOS = frozenset({"OR", "RR", "HR", "IRR"})
# Labels in the names' data that are no names: the qualifying words of a name ("adjusted"), read
# only before a name found, and how far; the quantities measured in percent (HbA1c), read only in the
# sentence of a difference in percent (a mean difference there, not a risk difference).
MODIFIER = "MODIFIER"
MODIFIER_REACH = 80
PERCENT_QUANTITY = "PERCENT_QUANTITY"
# A ratio this large after an abbreviation is some other "HR" (heart rate), "RR" (respiratory rate) or
# "OR" (operating room): "HR 72 (65-80)". "HR" and "RR" are vital signs so often that a CI label does
# not make them ratios ("resting HR was 64 (95% CI 60 to 68)"); an odds ratio this large with its
# interval labelled is rare but real.
LARGEST_UNLABELLED_RATIO = 30.0
VITAL_SIGN_IDS = frozenset({"HR", "RR"})
# A ratio has no unit: one written after the estimate or its interval is a measurement ("RR 22
# (18-26) breaths/min", "time in the OR was 95 minutes (95% CI 88-102)"). "HR 1.04 per year" is a
# ratio per step, and a word after the value is often no unit at all ("HR 0.72 overall (...)").
MEASUREMENT_UNIT = (
    r"(?:(?!and/|or/)[^\W\d_]+/[\w.]+|mm ?Hg|bpm|beats?|breaths?|min(?:utes?)?|s(?:ec(?:onds?)?)?|h(?:ours?|rs?)?|days?"
    r"|weeks?|months?|years?|kg|g|mg|µg|mcg|cm|mm|m|ml|l|mmol|IU|units?)"
)
A_MEASUREMENT_UNIT = _compile(MEASUREMENT_UNIT)
# After an interval, "per minute" too: a ratio per step is per year or per SD, a rate per minute a vital sign.
UNIT_AFTER_INTERVAL = _compile(rf" ?(?:{MEASUREMENT_UNIT}|per min(?:ute)?)(?![\w/])")
# Names whose percentage estimate is a difference of proportions (GOLD.md: RD, in percentage points).
DIFFERENCE_IDS = frozenset({"difference", "treatment-difference"})
# Names written after a ratio's value: "a 2.78-fold increased risk of death (95% CI 1.35 to 5.72)".
FOLD_IDS = frozenset({"fold-risk", "fold-odds", "fold-hazard"})
# The noun of a ratio told as a multiple: "the risk of relapse was 1.9 times that in controls".
TIMES_IDS = frozenset({"risk-times", "odds-times", "hazard-times"})
# A multiple in prose restates the named estimate written with it ("2.4 times higher odds (OR 2.4,
# 95% CI ...)"): where its sentence holds an effect of the same value, that one stays.
MULTIPLE_IDS = FOLD_IDS | TIMES_IDS
# The unit of an estimate told as a multiple: a ratio, never a difference told in prose.
MULTIPLE_UNIT = _compile(r"times|fold")
# Names too common in prose to reach an estimate far from them ("there was a difference in
# response: 45% (95% CI 38-52) with A and ..."): only an estimate next to them, and the further
# estimates of that list.
GENERIC_IDS = frozenset({"difference", "treatment-effect", "efficacy", "delta", "effect-size"}) | TIMES_IDS
# A difference told in prose ("lowered insulin by"): only next to an estimate with a labelled
# interval, in a sentence that compares groups and says nothing of a change within one group.
PROSE_IDS = frozenset({"changed-by"})
WITHIN_GROUP_IDS = frozenset({"within-group", "from-baseline"})
# "From baseline" only matters to the prose rule: it does not part a named measure from its estimate
# ("the difference in the change from baseline was -0.4 (...)").
NOT_BLOCKING_IDS = frozenset({"from-baseline"})
COMPARISON = _compile(
    r"\b(?:compared (?:with|to)|versus|vs\.?|relative to|than|over placebo|between(?:-| )(?:groups?|arms?|treatments?))\b"
)
# A percentage told in prose is a risk difference where the sentence shows it as the gap between two
# groups' percentages ("a 9% improvement (95% CI, 0% to 19%) in response (17% v 26%)"), a relative
# reduction (other) where it is said of a risk, odds or hazard; otherwise its kind is not known.
PERCENT_PAIR = _compile(
    r"(?<![\w.])(?P<a>\d+(?:\.\d+)?) ?%(?: [^\W\d]+){0,6}? ?,? (?:v\.?|vs\.?|versus|compared with|and)"
    r"(?: [^\W\d]+){0,6}? (?P<b>\d+(?:\.\d+)?) ?%"
)
RELATIVE_WORDS = _compile(r"\b(?:risk|odds|hazard|relative)\b")
# A risk changed by a percentage is a relative risk reduction (other), a comparison of groups in
# itself: "the drug reduced the risk of relapse by 40% (95% CI ...)", "the risk of death was
# lowered by 25% (...)". The risk may be named in the clause before the verb, this far back.
RISK_OF = _compile(r"\b(?:risk|odds|hazard)s? of\b")
RISK_OF_REACH = 60

# How far around an estimate its sentence is read for context (comparisons, plans, percentages).
CONTEXT_REACH = 400

# Between an effect and its p-value: "(OR 1.5; 95% CI 1.1-2.0; P = .01)", "HR 0.72 (0.61-0.85), P < .001";
# or one inside the effect's own bracket before it: "(P = .16; efficacy, 61%)".
TO_P_VALUE = _compile(r"[ ,;:)\]]{0,4}")
P_VALUE_BEFORE = _compile(r" ?[;,] ?")


# --- Names ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameRule:
    pattern: regex.Pattern
    label: str
    id: str
    abbreviation: bool  # a case-sensitive short form: may be defined as something else in a document
    # How the rule is searched for (see _search_plan). Literals one of which the text must hold
    # (case-folded, or as written for a case-sensitive rule), or None: it always runs.
    literals: Literals | None
    # Or, for a rule that opens with one of several literals: each literal with its pattern, searched
    # for where the text holds it; the rule is then tried only where one occurs.
    openings: tuple[tuple[str, regex.Pattern], ...] | None
    # Where ``literals`` are a lookaround's, the match's own literals, one of which the text must
    # hold too ("risk" where " times" must follow, "δ" or "Δ" before "="); None: no second test.
    also: Literals | None = None
    # For a rule whose match a lookahead's literal must follow ("(?<![\\w-])(?:r|rho|t|F)(?= ?=)"):
    # the literal and how far after a match's start it stands, least and most; the rule is tried
    # only that far before each place the text holds it (a run over the text tries every position).
    before_literal: tuple[str, int, int] | None = None


@dataclass
class Name:
    start: int
    end: int
    label: str  # a measure, or NOT_EFFECT
    id: str
    abbreviation: bool

    @property
    def is_measure(self) -> bool:
        return self.label != "NOT_EFFECT"


@lru_cache(maxsize=None)
def name_rules() -> tuple[NameRule, ...]:
    return tuple(
        NameRule(rule.compiled(), rule.label, rule.id or rule.label, rule.case == "sensitive",
                 *_search_plan(rule.pattern, rule.case == "sensitive"), _literal_after(rule.pattern))
        for rule in load_rules("effect_measures.jsonl")
        if rule.label not in (MODIFIER, PERCENT_QUANTITY)
    )


def _search_plan(pattern: str, case_sensitive: bool) -> tuple[Literals | None, tuple | None, Literals | None]:
    """How a name rule is searched for in a text, the cheapest way that finds the same matches.
    Most rules cannot match a given abstract, and a substring test says so; the text is compared
    case-folded, or as it is for a case-sensitive rule ("OR" is in fewer texts than "or").
    - A rule that opens with one of several literals ("\\b(?:rates?|incidences?|...)\\b") the regex
      engine would try at every position of the text: each opening the text holds is searched for
      alone and the rule tried only where one occurs (resources.search_openings).
    - Otherwise the rule runs over a text that holds one of its literals, its lookarounds' too
      ("=" for "r = 0.4"). Where those are a lookaround's, the text must also hold one of the
      match's own literals ("risk" for "the risk of relapse was 1.9 times"): each is a condition of
      a match (a class the match opens with gives its characters)."""
    openings = openings_at_word_boundary(pattern, search_openings(pattern, case_sensitive))
    if openings is not None:
        return None, openings, None
    literals = required_literals(pattern, lookarounds=True, case_sensitive=case_sensitive)
    own = required_literals(pattern, case_sensitive=case_sensitive)
    if own is None:  # a class the match opens with: "δ" or "Δ" for "Δ = 1.2"
        openings = opening_literals(pattern)
        own = openings if case_sensitive or openings is None else frozenset(map(fold_for_literals, openings))
    # A single ASCII character ("r", "t" of a statistic) is no test worth making: it is in every text.
    worth = own is not None and own != literals and all(len(o) > 1 or not o.isascii() for o in own)
    return literals, None, own if worth else None


# A match this long or longer is not looked for before its lookahead's literal (_literal_after).
LITERAL_AFTER_REACH = 20


def _literal_after(pattern: str) -> tuple[str, int, int] | None:
    """NameRule.before_literal: for a pattern that ends with a lookahead holding a literal without
    case ("=" in "(?= ?=)"), the literal and its least and most distance from a match's start (the
    widths of the match and of what the lookahead reads before the literal); otherwise None."""
    parsed = parse_pattern(pattern)
    items = list(parsed) if parsed is not None else []
    if not items or items[-1][0] is not ASSERT or items[-1][1][0] != 1:
        return None
    ahead = list(items[-1][1][1])
    at = next((index for index, (op, _) in enumerate(ahead) if op is LITERAL), None)
    if at is None:
        return None
    run = []
    for op, argument in ahead[at:]:
        if op is not LITERAL:
            break
        run.append(chr(argument))
    literal = "".join(run)
    if literal.lower() != literal.upper():
        return None  # a literal with case would be searched for in the rule's case mode
    least, most = SubPattern(parsed.state, items[:-1]).getwidth()
    gap_least, gap_most = SubPattern(parsed.state, ahead[:at]).getwidth()
    if least < 1 or most + gap_most >= LITERAL_AFTER_REACH:
        return None
    return literal, least + gap_least, most + gap_most


def _data_pattern(label: str) -> str:
    (pattern,) = [rule.pattern for rule in load_rules("effect_measures.jsonl") if rule.label == label]
    return pattern


@lru_cache(maxsize=None)
def _percent_quantity() -> regex.Pattern:
    return _compile(_data_pattern(PERCENT_QUANTITY))


@lru_cache(maxsize=None)
def _modifiers_before() -> regex.Pattern:
    """The qualifying words ("adjusted", "pooled") written right before a name, up to three. They are
    looked for only where a name was found, not at every word of the text, and matched backwards from
    the name ("(?r)"), so only words that end right at it are tried."""
    return _compile(rf"(?r)(?<![\w-])(?:(?:{_data_pattern(MODIFIER)})[ -]){{1,3}}")


@lru_cache(maxsize=None)
def _within_group_rules() -> tuple[NameRule, ...]:
    """The names of a change within one group ("from baseline"), which the prose rule looks for in
    its whole sentence, its own words included ("decreased from baseline by")."""
    return tuple(r for r in name_rules() if r.id in WITHIN_GROUP_IDS)


def find_names(text: str, always: bool = False) -> list[Name]:
    """Measure names and NOT_EFFECT names in reading order; where they overlap, the longest. The
    NOT_EFFECT names are looked for only in a text that names a measure (or ``always``)."""
    searched = _SearchedText(text)
    measures = _measure_names(searched)
    if not measures and not always:
        return []
    return _all_names(searched, measures, _defined_abbreviations(text, measures))


def _measure_names(searched: _SearchedText) -> list[Name]:
    return _matches(searched, MEASURES)


def _all_names(searched: _SearchedText, measures: list[Name], defined: list[Name]) -> list[Name]:
    """The names of a text from its measure names and the abbreviations they define: the NOT_EFFECT
    names added, overlaps settled."""
    candidates = measures + _matches(searched, NOT_EFFECTS) + defined
    return _drop_abbreviations_defined_otherwise(searched.text, _longest_first(candidates))


# The two groups of name rules, searched for at different times (find_effects).
MEASURES, NOT_EFFECTS = "measures", "not-effects"


@dataclass(frozen=True)
class _RuleGroup:
    """A group of name rules with their literals, grouped for the substring tests: a test that
    fails scans the whole text, and most fail, so the literals that share a word ("ratio" in "odds
    ratio", "risk ratio", "rate ratio", ...) are tested only where the text holds that word (as the
    route vocabulary's literal gates)."""

    rules: tuple[NameRule, ...]
    # (gate, the literals that hold it): the case-insensitive rules' literals, compared case-folded;
    # the case-sensitive ones', compared with the text as written.
    gates: tuple[tuple[str, tuple[str, ...]], ...]
    as_written: tuple[tuple[str, tuple[str, ...]], ...]
    # (case-sensitive, literal) -> the places of the rules it may let run; the rules that always run.
    places_by_literal: dict[tuple[bool, str], tuple[int, ...]]
    unfiltered: tuple[int, ...]

    def rules_to_run(self, folded: frozenset[str], as_written: frozenset[str]) -> list[NameRule]:
        """The rules whose literals the text holds, in order: a text holds few literals, so they
        name the rules rather than each rule testing its own."""
        places = set(self.unfiltered)
        for case_sensitive, held in ((False, folded), (True, as_written)):
            for literal in held:
                places.update(self.places_by_literal.get((case_sensitive, literal), ()))
        return [self.rules[place] for place in sorted(places)]


# A word shared by literals gates them when it has at least this many letters.
GATE_WORD = regex.compile(r"[^\W\d_]{4,}")


@lru_cache(maxsize=None)
def _rule_group(group: str) -> _RuleGroup:
    rules = tuple(r for r in name_rules() if (r.label == "NOT_EFFECT") == (group == NOT_EFFECTS))
    folded, as_written = set(), set()
    places: dict[tuple[bool, str], list[int]] = {}
    for place, rule in enumerate(rules):
        literals = [literal for literal, _ in rule.openings] if rule.openings else rule.literals or ()
        (as_written if rule.abbreviation else folded).update([*literals, *(rule.also or ())])
        for literal in literals:
            places.setdefault((rule.abbreviation, literal), []).append(place)
    unfiltered = tuple(place for place, rule in enumerate(rules) if rule.openings is None and rule.literals is None)
    return _RuleGroup(rules, _gates(folded), _gates(as_written),
                      {key: tuple(p) for key, p in places.items()}, unfiltered)


def _gates(literals: set[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The literals under gates: a word of four letters or more, or a literal, that others hold
    ("ratio" in "odds ratio", "RR" in "IRR"); those shared by most literals first, each literal
    under the first one taken that it holds; a literal that shares none is its own gate."""
    sharing: dict[str, int] = {}
    for literal in literals:
        for word in {literal, *GATE_WORD.findall(literal)}:
            sharing[word] = sum(word in other for other in literals)
    gates = []
    left = set(literals)
    for word in sorted(sharing, key=lambda w: (-sharing[w], w)):
        gated = sorted(literal for literal in left if word in literal)
        if len(gated) >= 2:
            gates.append((word, tuple(gated)))
            left.difference_update(gated)
    return tuple(gates + [(literal, (literal,)) for literal in sorted(left)])


class _SearchedText:
    """A text with what the name rules' substring tests compare: the text itself, and case-folded
    (made only when a rule asks); and, per rule group, the literals it holds."""

    def __init__(self, text: str):
        self.text = text
        self._folded: str | None = None
        self._ci_label: bool | None = None
        self._present: dict[str, tuple[frozenset[str], frozenset[str]]] = {}

    @property
    def folded(self) -> str:
        if self._folded is None:
            self._folded = fold_for_literals(self.text)
        return self._folded

    def holds(self, literal: str, case_sensitive: bool) -> bool:
        return literal in (self.text if case_sensitive else self.folded)

    def present(self, group: _RuleGroup, key: str) -> tuple[frozenset[str], frozenset[str]]:
        """The group's literals the text holds: (case-folded ones, ones as written)."""
        if key not in self._present:
            self._present[key] = (_held(group.gates, self.folded), _held(group.as_written, self.text))
        return self._present[key]

    def may_hold_ci_label(self) -> bool:
        """_may_hold_ci_label, asked once (find_effects and _find_estimates both ask)."""
        if self._ci_label is None:
            self._ci_label = _may_hold_ci_label(self)
        return self._ci_label


def _held(gates: tuple[tuple[str, tuple[str, ...]], ...], text: str) -> frozenset[str]:
    return frozenset(
        literal
        for gate, literals in gates
        if gate in text
        for literal in literals
        if literal == gate or literal in text
    )


def _rule_matches(rule: NameRule, searched: _SearchedText, held: frozenset[str]) -> Iterable[regex.Match]:
    """The matches of a rule in a text that holds the literals ``held`` (of the rule's case mode)."""
    text = searched.text
    if rule.openings is not None:
        present = tuple(p for literal, p in rule.openings if literal in held)
        return finditer_at_openings(rule.pattern, present, text) if present else ()
    if rule.literals is not None and rule.literals.isdisjoint(held):
        return ()
    if rule.also is not None and rule.also.isdisjoint(held):
        return ()
    if rule.before_literal is not None:
        return _matches_before_literal(rule.pattern, rule.before_literal, text)
    return rule.pattern.finditer(text)


def _matches_before_literal(pattern: regex.Pattern, before_literal: tuple[str, int, int], text: str) -> list[regex.Match]:
    """``list(pattern.finditer(text))`` for a pattern whose every (non-empty) match starts between
    ``least`` and ``most`` characters before an occurrence of ``literal``: tried at those places
    only, left to right, skipping those inside the last match."""
    literal, least, most = before_literal
    starts = {start for at in occurrences(text, literal) for start in range(max(0, at - most), at - least + 1)}
    return matches_at(pattern, starts, text)


def _matches(searched: _SearchedText, group: str) -> list[Name]:
    text = searched.text
    rules = _rule_group(group)
    folded, as_written = searched.present(rules, group)
    return [
        Name(_modified_start(text, m.start(), rule), m.end(), rule.label, rule.id, rule.abbreviation)
        for rule in rules.rules_to_run(folded, as_written)
        for m in _rule_matches(rule, searched, as_written if rule.abbreviation else folded)
        if m.end() > m.start()
    ]


def _modified_start(text: str, start: int, rule: NameRule) -> int:
    """Where a measure's name starts with its qualifying words: "age-adjusted rate ratio"."""
    if rule.label == "NOT_EFFECT" or start == 0:
        return start
    found = _modifiers_before().match(text, max(0, start - MODIFIER_REACH), start)
    return found.start() if found else start


def _longest_first(candidates: list[Name]) -> list[Name]:
    """Where names overlap, the longest (then the earliest) stays; in reading order."""
    candidates.sort(key=lambda n: (-(n.end - n.start), n.start))
    starts: list[int] = []
    kept: list[Name] = []  # in start order and never overlapping, so also in end order
    for name in candidates:
        at = bisect_left(starts, name.start)
        if (at > 0 and kept[at - 1].end > name.start) or (at < len(kept) and kept[at].start < name.end):
            continue
        starts.insert(at, name.start)
        kept.insert(at, name)
    return kept


def _defined_abbreviations(text: str, names: list[Name]) -> list[Name]:
    """"relative failure rate (RFR)": every later "RFR" or "RFRs" names the same measure."""
    extra = []
    for name in names:
        if not name.is_measure or name.abbreviation:
            continue
        definition = DEFINITION.match(text, name.end)
        if definition is None:
            continue
        short = definition.group("short")
        if short.upper() in ("CI", "CIS") or sum(c.isupper() for c in short) < 2:
            continue  # an abbreviation has capitals: "(RFR)", "(aHR)", not "(Table)"
        for use in regex.finditer(rf"(?<![\w-]){regex.escape(short)}(?:s)?(?![\w-])", text, pos=definition.end()):
            extra.append(Name(use.start(), use.end(), name.label, name.id, False))
    return extra


def _drop_abbreviations_defined_otherwise(text: str, names: list[Name]) -> list[Name]:
    """"operating room (OR)": in this document "OR" is no odds ratio. A bracketed abbreviation not
    right after a long name of its measure is defined as something else."""
    long_name_ends = {n.end for n in names if n.is_measure and not n.abbreviation}
    defined_otherwise = set()
    for name in names:
        if not (name.abbreviation and name.is_measure) or name.start == 0:
            continue
        if text[name.start - 1] in "([" and text[name.end : name.end + 1] in (")", "]"):
            before = name.start - 1
            if text[before - 1 : before].isspace():
                before -= 1
            if before not in long_name_ends:
                defined_otherwise.add(_short_form(text, name))
    if not defined_otherwise:
        return names
    return [n for n in names if not (n.abbreviation and _short_form(text, n) in defined_otherwise)]


def _short_form(text: str, name: Name) -> str:
    """"adjusted ORs" -> "OR"."""
    return text[name.start : name.end].split()[-1].rstrip("s")


# --- Estimates --------------------------------------------------------------------------------


@dataclass
class Estimate:
    start: int
    end: int
    value: float
    percent: bool
    low: float | None = None
    high: float | None = None
    level: float | None = None
    labelled: bool = False  # the interval says it is a confidence interval
    unit: str | None = None
    change: str | None = None  # a comparative between estimate and interval ("9% improvement (...)")


class Unreadable(ValueError):
    """Digits to the regex module that float() cannot read ("\\U000116d0")."""


def _number(written: str) -> float:
    try:
        return decimal_value(written.replace(" ", "").replace("+", ""))
    except ValueError as exc:
        raise Unreadable(written) from exc


def _level(written: str | None) -> float | None:
    if not written:
        return None
    level = round(_number(written) / 100, 6)
    return level if 0 < level < 1 else None


def _interval_end(match: regex.Match) -> int:
    """Where an interval ends: its closing bracket where one closes at once, else its high end with
    the unit repeated after it ("8.8 m")."""
    end = match.end("high_unit")
    if match.group("close") is not None and match.start("close") >= end:
        end = match.end("close")
    return end


# A run of digits: where a number, and so an estimate, can start (see _estimate_matches).
DIGIT_RUN = regex.compile(r"\d+")


def _may_hold_ci_label(searched: _SearchedText) -> bool:
    """False only where no CI label can be in the text (a cheap test; CI_WORD alone is a slow search)."""
    return (CI_WORD_CAPITALS.search(searched.text) is not None
            or any(searched.holds(word, False) for word in CI_WORD_OPENINGS)
            or CI_AFTER_LEVEL.search(searched.text) is not None)


def _estimate_matches(searched: _SearchedText) -> list[regex.Match]:
    """``list(ESTIMATE.finditer(text))``, found faster. The engine would try ESTIMATE at every
    position of the text, and each try at a number costs microseconds; an estimate starts only at a
    number (its first digit, or the sign or point before it: "-0.5", ".05", "+.5"), not after a
    letter, digit or point (VALUE's lookbehinds), and only where its interval may follow in the same
    sentence: a bracketed or listed one (an opener), or a labelled one (a CI word; only in a text
    that may hold a CI label, and otherwise BARE_ESTIMATE finds the same, faster)."""
    text = searched.text
    labels = searched.may_hold_ci_label()
    pattern = ESTIMATE if labels else BARE_ESTIMATE
    runs = [run.span() for run in DIGIT_RUN.finditer(text)]
    openers = {o for first, _ in runs if (o := _bare_interval_opener(text, first)) is not None}
    if labels:
        openers.update(_ci_word_starts(searched))
    interval_starts = sorted(openers)
    full_stops = [stop.start() for stop in FULL_STOP.finditer(text)]
    matches = []
    end = 0
    for first, last in runs:
        if not _interval_may_follow(last, interval_starts, full_stops) and not (
                labels and SPACED_DECIMAL_POINT.match(text, last)):
            continue
        for start in (first - 2, first - 1, first):
            if start < end or start < 0 or not _may_start_value(text, start, first):
                continue
            match = pattern.match(text, start)
            if match is not None:
                matches.append(match)
                end = match.end()
    return matches


def _ci_word_starts(searched: _SearchedText) -> list[int]:
    """Where a CI label's word may start (a superset of CI_WORD's and the lower-case "ci" after a
    level: the tests of _may_hold_ci_label, as places). A labelled interval follows its estimate
    with no full stop between the estimate's first digits and the label's CI word: the head of
    ESTIMATE, its favouring words, a p-value and the label's method and level hold none (a point
    there is a decimal point or inside a unit); the one exception, a decimal split by a space ("1.
    22; 95% CI", SPACED_ESTIMATE), is let through on its own."""
    text = searched.text
    starts = [m.start() for m in CI_WORD_CAPITALS.finditer(text)]
    starts += [m.start() for m in CI_AFTER_LEVEL.finditer(text)]
    for word, pattern in zip(CI_WORD_OPENINGS, CI_WORD_LONG_OPENINGS):
        if searched.holds(word, False):
            starts += [m.start() for m in pattern.finditer(text)]
    return starts


def _may_start_value(text: str, start: int, first_digit: int) -> bool:
    """Whether a value can start at ``start``, ``first_digit`` being where its digits start: the
    characters between are a sign and a point in that order, and the one before is no letter,
    digit, underscore or point (all of them word characters or points to VALUE's lookbehinds)."""
    if text[start:first_digit] not in ("", "-", "+", ".", "·", "-.", "+.", "-·", "+·"):
        return False
    before = text[start - 1] if start > 0 else " "
    return not (before.isalpha() or before.isdecimal() or before in "_.·")


def _bare_interval_opener(text: str, first_digit: int) -> int | None:
    """Where the bracket, semicolon or comma is that opens a bare interval whose low end's digits
    start at ``first_digit`` ("(0.44 to 8.13)", ", -0.50-0.82)"): the low end is a sign and a point,
    each optional, before its digits, and one space may come between (any character is let through
    here, as a space)."""
    at = first_digit
    if at > 0 and text[at - 1] in ".·":
        at -= 1
    if at > 0 and text[at - 1] in "-+":
        at -= 1
    for opener in (at - 1, at - 2):
        if opener >= 0 and text[opener] in "([;,":
            return opener
    return None


def _interval_may_follow(value_digits_end: int, interval_starts: list[int], full_stops: list[int]) -> bool:
    """Whether an interval can follow a value whose first digits end at ``value_digits_end``: where
    it starts (a bare interval's opener, a labelled one's CI word) comes after them and before the
    next full stop followed by a space or line break, which neither the value nor its unit nor a
    change word holds (ESTIMATE_HEAD)."""
    at = bisect_left(interval_starts, value_digits_end)
    if at == len(interval_starts):
        return False
    stop = bisect_left(full_stops, value_digits_end)
    return stop == len(full_stops) or interval_starts[at] < full_stops[stop]


def find_estimates(text: str) -> list[Estimate]:
    """Every value followed by a confidence interval, labelled or bare, in reading order."""
    return _find_estimates(_SearchedText(text))


def _compact_interval_holds(text: str, estimate: Estimate) -> bool:
    """"(22.4 mU/L; 12.4, 32.4)" is an estimate with its interval where the bracket opens right
    before the value and the interval holds it; "(12; 8, 16)" of a list or a table row is none."""
    before = text[max(0, estimate.start - 2) : estimate.start].rstrip()
    return before[-1:] in ("(", "[") and estimate.low <= estimate.value <= estimate.high


def _find_estimates(searched: _SearchedText) -> list[Estimate]:
    estimates = []
    for match in _estimate_matches(searched):
        groups = match.groupdict()  # BARE_ESTIMATE has no label nor level
        try:
            estimates.append(Estimate(
                start=match.start("value"),
                end=_interval_end(match),
                value=_number(groups["value"]),
                percent=bool(groups["percent"]),
                low=_number(groups["low"]),
                high=_number(groups["high"]),
                level=_level(groups.get("level")),
                labelled=groups.get("label") is not None,
                unit=groups["unit"],
                change=groups["change"],
            ))
        except Unreadable:
            continue
        if groups.get("compact") is not None and not _compact_interval_holds(searched.text, estimates[-1]):
            estimates.pop()
    return estimates


def _header_level(header: str | None) -> float | None:
    """The level a name's bracket states for the intervals after it: "risk ratios (95% CIs)"."""
    found = HEADER_LEVEL.search(header) if header else None
    return _level(found.group("level")) if found else None


def _top_level(text: str, start: int, end: int) -> str:
    """text[start:end] with every bracket that closes inside it blanked (same length), and so the
    rest of a bracket opened before ``start`` ("; P = .03) and" after an estimate inside its
    bracket). A bracket still open at ``end`` holds the estimate: its words stay ("(intervention
    median 11 days [IQR 7-19], control 10 days [6-18]" is a median's bracket)."""
    out = list(text[start:end])
    opened: list[int] = []
    for at, ch in enumerate(out):
        if ch in "([":
            opened.append(at)
        elif ch in ")]":
            first = opened.pop() if opened else 0
            out[first : at + 1] = " " * (at + 1 - first)
    return "".join(out)


# --- Tying estimates to names -----------------------------------------------------------------


@dataclass
class Effect:
    start: int
    end: int
    measure: str
    estimate: Estimate
    name: Name


def _measure(name: Name, estimate: Estimate) -> str:
    percentage_points = (estimate.unit or "").lower().startswith("percentage point")
    if name.id in DIFFERENCE_IDS and (estimate.percent or percentage_points):
        return "RD"
    return name.label


def _plausible(text: str, name: Name, estimate: Estimate, measure: str) -> bool:
    if measure in RATIOS:
        if estimate.value < 0 or (estimate.low is not None and (estimate.low < 0 or estimate.high < 0)):
            return False  # a ratio is never negative: the number is something else
        if estimate.percent:
            return False  # nor written as a percentage: "HR 0.80 (...), with survival of 80% (...)"
        if name.abbreviation and estimate.value > LARGEST_UNLABELLED_RATIO and (
                not estimate.labelled or _short_form(text, name) in VITAL_SIGN_IDS):
            return False
        unit = estimate.unit or ""
        if unit and not unit.startswith("per") and A_MEASUREMENT_UNIT.fullmatch(unit):
            return False
        if estimate.low is not None and not estimate.labelled and unit and not unit.startswith("per"):
            return False  # an unlabelled interval after a word is a range of a measurement
        if name.abbreviation and UNIT_AFTER_INTERVAL.match(text, estimate.end):
            return False
    return True


def _last_place(written: str) -> float:
    """Half a unit of the last written digit: "26" -> 0.5, "50.7" -> 0.05."""
    decimals = len(written.split(".")[1]) if "." in written else 0
    return 0.5 * 10**-decimals


def _is_difference_of(value: float, a: str, b: str) -> bool:
    """Whether ``value`` is the gap between the percentages ``a`` and ``b`` as rounded in print."""
    tolerance = _last_place(a) + _last_place(b) + 0.05 + 1e-9
    return abs(abs(float(b) - float(a)) - abs(value)) <= tolerance


@dataclass
class _Chain:
    """The effects tied to one name so far: where the last ends, whether any had an interval, the
    last confidence level stated."""

    end: int = 0
    has_interval: bool = False
    level: float | None = None
    percent: bool = False  # the last estimate was a percentage
    measure: str | None = None  # the first effect's measure


class _Linker:
    """Ties the estimates of one text to its measure names, each estimate once."""

    def __init__(self, text: str, names: list[Name], estimates: list[Estimate]):
        self.text = text
        self.measures = [n for n in names if n.is_measure]
        self.measure_starts = [n.start for n in self.measures]
        self.blockers = [n for n in names if not n.is_measure and n.id not in NOT_BLOCKING_IDS]
        self.estimates = estimates
        self.by_start = {e.start: e for e in estimates}
        self.by_end = {e.end: e for e in estimates}
        self.sentence_ends = [m.start() for m in SENTENCE_END.finditer(text)]
        self.used: set[int] = set()  # starts of the estimates already tied
        self.effects: list[Effect] = []
        self.chains: dict[int, _Chain] = {}  # a name's start -> what its effects so far tell

    def add(self, start: int, name: Name, estimate: Estimate, measure: str | None = None) -> None:
        if measure is None:
            measure = _measure(name, estimate)
            if measure == "RD" and name.id in DIFFERENCE_IDS and self.measures_in_percent(estimate):
                measure = "MD"  # "HbA1c fell more: difference -0.4%" is a difference of means
        if estimate.start in self.used or not _plausible(self.text, name, estimate, measure):
            return
        self.used.add(estimate.start)
        effect = Effect(start, estimate.end, measure, estimate, name)
        self.effects.append(effect)
        chain = self.chains.setdefault(name.start, _Chain())
        chain.end = max(chain.end, effect.end)
        chain.has_interval = chain.has_interval or estimate.low is not None
        chain.level = estimate.level if estimate.level is not None else chain.level
        chain.percent = estimate.percent
        chain.measure = chain.measure or measure

    def measures_in_percent(self, estimate: Estimate) -> bool:
        """The sentence of ``estimate`` names a quantity measured in percent (HbA1c, ejection fraction)."""
        return _percent_quantity().search(self.text, *self.sentence_around(estimate.start, estimate.end)) is not None

    # -- sentences and gaps --
    def same_sentence(self, start: int, end: int) -> bool:
        at = bisect_left(self.sentence_ends, start)
        return at >= len(self.sentence_ends) or self.sentence_ends[at] >= end

    def sentence_around(self, start: int, end: int) -> tuple[int, int]:
        """The sentence holding text[start:end], at most CONTEXT_REACH characters either side (a
        text without sentence ends must not be read whole for each of its estimates)."""
        before = bisect_left(self.sentence_ends, start) - 1
        after = bisect_left(self.sentence_ends, end)
        sentence_start = self.sentence_ends[before] + 1 if before >= 0 else 0
        sentence_end = self.sentence_ends[after] if after < len(self.sentence_ends) else len(self.text)
        return max(sentence_start, start - CONTEXT_REACH), min(sentence_end, end + CONTEXT_REACH)

    def clear_gap(self, start: int, end: int, list_goes_on: bool = False, after_name: bool = False) -> bool:
        """No other statistic is named and no clause ends between start and end. A semicolon parts
        the items of a name's list ("adjusted ORs: age, 1.03 (1.01-1.05); male sex, 1.8 (1.2-2.7)")
        where ``list_goes_on``: a few words without numbers lead to the next estimate. Where the gap
        starts right ``after_name``, a statistic the name is of is no other one ("the difference in
        the rate of death was ...")."""
        top = _top_level(self.text, start, end)
        if ";" in top and not (list_goes_on and LIST_ITEM_LEAD.fullmatch(top.rsplit(";", 1)[1])):
            return False
        return not any(
            start <= b.start and b.end <= end and top[b.start - start] != " "
            and not (after_name and OBJECT_OF_NAME.fullmatch(self.text, start, b.start))
            for b in self.blockers
        )

    def group_value(self, estimate: Estimate) -> bool:
        """A group's own value, or one of values compared: no effect."""
        before = self.text[max(0, estimate.start - VERSUS_REACH) : estimate.start]
        return bool(GROUP_AFTER.match(self.text, estimate.end) or VERSUS_AFTER.match(self.text, estimate.end)
                    or VERSUS_BEFORE.search(before))

    # -- next to the name --
    def link_adjacent(self) -> None:
        for name in self.measures:
            for kind, pattern in NAME_GAPS:
                gap = pattern.match(self.text, name.end)
                if gap is not None and self._link_at(name, gap, kind):
                    break

    def _link_at(self, name: Name, gap: regex.Match, kind: str) -> bool:
        """Tie the estimate or lone value at the end of ``gap`` to ``name``; False if none is there."""
        at = gap.end()
        estimate = self.by_start.get(at)
        if kind == "far" and not self.clear_gap(name.end, at, after_name=True):
            return False
        if kind == "far" and estimate is not None and self.group_value(estimate) and name.id not in TIMES_IDS:
            return False  # a multiple is said of a group: "the odds were 2.5 times higher (...) in group A"
        if name.id in PROSE_IDS:
            if estimate is None or gap.end() - gap.start() != 1:
                return False
            clause_start = max(self.sentence_around(name.start, name.end)[0], name.start - RISK_OF_REACH)
            clause = self.text[clause_start : name.end]
            measure = self._prose_measure(name.start, estimate, self.text[name.start : name.end], clause)
            if measure is not None:
                self.add(at, name, estimate, measure)
            return measure is not None
        span_start = name.start if kind == "near" else at
        if estimate is not None:
            if estimate.level is None and not estimate.labelled:
                estimate.level = _header_level(gap.group("header"))
            self.add(span_start, name, estimate)
            return True
        lone = LONE_VALUE.match(self.text, at)
        if lone is None or at in self.used:
            return False
        if self.interval_before_in_bracket(name)[1] is not None:
            return False  # its interval came first: link_interval_first reads both
        if kind == "far" and COUNTED_AFTER.search(self.text, gap.start(), at):
            return False
        if PLANNED.search(self.text, *self.sentence_around(name.start, lone.end())):
            return False
        if CI_MENTION.search(self.text, lone.end(), lone.end() + UNREAD_INTERVAL_REACH) or (
                UNREAD_INTERVAL_IN_CLAUSE.match(self.text, lone.end())):
            return False  # an interval follows that the grammar could not read: no half-read effect
        self._add_lone(span_start, name, lone)
        position = lone.end()
        while (joiner := LIST_JOINER.match(self.text, position)) is not None:
            more = LONE_VALUE.match(self.text, joiner.end())
            if more is None:
                break
            self._add_lone(more.start(), name, more)
            position = more.end()
        return True

    def _add_lone(self, start: int, name: Name, match: regex.Match) -> None:
        if match.start("value") in self.by_start:
            return
        try:
            value = _number(match.group("value"))
        except Unreadable:
            return
        self.add(start, name, Estimate(match.start("value"), match.end(), value, bool(match.group("percent"))))

    # -- a name after its percentage: "a 44% (95% CI 7-66) risk reduction" --
    def link_following(self) -> None:
        for name in self.measures:
            if name.abbreviation or name.id in PROSE_IDS:
                continue
            estimate = self.by_end.get(name.start) or self.by_end.get(name.start - 1)
            if estimate is not None and self.text[estimate.end : name.start] in ("", " ", "-", "\n"):
                if estimate.percent and not self.group_value(estimate):
                    self.add(estimate.start, name, estimate)
                continue
            lone = VALUE_BEFORE_NAME.search(self.text, max(0, name.start - 24), name.start)
            if lone is None or not (lone.group("percent") or name.id in FOLD_IDS):
                continue
            interval = INTERVAL_AFTER_NAME.match(self.text, name.end)
            if interval is None or not self.same_sentence(name.end, interval.end()):
                if name.id in FOLD_IDS and not lone.group("percent"):
                    self._add_lone_multiple(name, lone)
                continue
            try:
                estimate = Estimate(lone.start("value"), _interval_end(interval), _number(lone.group("value")),
                                    bool(lone.group("percent")), _number(interval.group("low")),
                                    _number(interval.group("high")),
                                    _level(interval.group("level")), interval.group("label") is not None)
            except Unreadable:
                continue
            self.add(estimate.start, name, estimate)

    def _add_lone_multiple(self, name: Name, lone: regex.Match) -> None:
        """"a 2.4-fold higher risk of relapse" without an interval: a ratio, as "OR 2.4" is; not where
        an interval follows that the grammar could not read, nor in a sentence that plans one."""
        if CI_MENTION.search(self.text, name.end, name.end + UNREAD_INTERVAL_REACH):
            return
        if PLANNED.search(self.text, *self.sentence_around(name.start, name.end)):
            return
        try:
            value = _number(lone.group("value"))
        except Unreadable:
            return
        self.add(lone.start("value"), name, Estimate(lone.start("value"), name.end, value, False))

    def drop_restated_multiples(self) -> None:
        """A multiple whose sentence holds another effect of the same value restates it."""
        others = [e for e in self.effects if e.name.id not in MULTIPLE_IDS]
        self.effects = [
            e for e in self.effects
            if e.name.id not in MULTIPLE_IDS or not any(
                o.estimate.value == e.estimate.value
                and self.same_sentence(min(o.start, e.start), max(o.end, e.end)) for o in others)
        ]

    # -- a name after its interval: "the 90% CI [-2.3; 1.5] of the difference (-0.4 mmHg)" --
    def link_interval_first(self) -> None:
        for name in self.measures:
            value = None
            if not name.abbreviation:
                interval = INTERVAL_FIRST.search(self.text, max(0, name.start - INTERVAL_FIRST_REACH), name.start)
                value = VALUE_IN_BRACKETS.match(self.text, name.end) if interval else None
            if value is None:
                interval, value = self.interval_before_in_bracket(name)
            if value is None:
                continue
            try:
                estimate = Estimate(interval.start(), value.end(), _number(value.group("value")),
                                    bool(value.group("percent")), _number(interval.group("low")),
                                    _number(interval.group("high")), _level(interval.group("level")), True,
                                    value.group("unit"))
            except Unreadable:
                continue
            self.add(interval.start(), name, estimate)

    def interval_before_in_bracket(self, name: Name) -> tuple[regex.Match | None, regex.Match | None]:
        """"(95% CI 0.61-0.85; HR 0.72)": the interval and the value, or (None, None). Not the
        interval of a value before the bracket ("12% (95% CI 10-14; OR 2.1)"), and only one that
        holds the value."""
        interval = INTERVAL_FIRST_IN_BRACKET.search(self.text, max(0, name.start - INTERVAL_FIRST_REACH), name.start)
        if interval is None or _interval_end(interval) in self.by_end:
            return None, None
        value = VALUE_CLOSING.match(self.text, name.end)
        try:
            holds = value is not None and (
                _number(interval.group("low")) <= _number(value.group("value")) <= _number(interval.group("high")))
        except Unreadable:
            holds = False
        return (interval, value) if holds else (None, None)

    # -- apart, earlier in the sentence --
    def link_apart(self) -> None:
        for estimate in self.estimates:
            if estimate.start in self.used or self.group_value(estimate):
                continue
            at = bisect_left(self.measure_starts, estimate.start) - 1
            while at >= 0 and self.measures[at].end > estimate.start:
                at -= 1
            if at < 0:
                continue
            name = self.measures[at]
            if not self.same_sentence(name.end, estimate.start):
                continue
            chain = self.chains.get(name.start)
            # A difference told in prose goes on only as a list of estimates after it: "lowered
            # insulin by 16.3 mU/L (95% CI ...), with greater falls in A (22.4 mU/L; 12.4, 32.4)".
            if name.id in (GENERIC_IDS | PROSE_IDS) and chain is None:
                continue
            anchor = max(name.end, chain.end) if chain else name.end
            continues = chain is not None and chain.has_interval
            # Past a semicolon the list goes on only with estimates of the same kind: "mean difference
            # 2.1 (1.0-3.2); response, 45% (38-52)" is a group's rate after it.
            list_goes_on = continues and chain.percent == estimate.percent
            if not self.clear_gap(anchor, estimate.start, list_goes_on=list_goes_on, after_name=chain is None):
                continue
            if chain and CLAUSE_BREAK.search(_top_level(self.text, anchor, estimate.start)):
                continue
            if not estimate.labelled:
                # A bracketed pair far from its name may be a range or an IQR. It is an interval
                # where the name's list of intervals goes on ("ORs of 1.2 (1.0-1.4) and 1.5
                # (1.1-2.0)"), where the sentence said it reports intervals ("risk ratios (95% CIs)
                # were ..."), or where it holds a ratio (a range after a ratio's name is rare).
                ratio_interval = name.label in RATIOS and estimate.low <= estimate.value <= estimate.high
                if not (continues or ratio_interval or CI_MENTION.search(self.text, name.start, estimate.start)):
                    continue
                if estimate.level is None:
                    estimate.level = self._inherited_level(name, chain)
            self.add(estimate.start, name, estimate, chain.measure if name.id in PROSE_IDS else None)

    def _inherited_level(self, name: Name, chain: _Chain | None) -> float | None:
        if chain is not None and chain.level is not None:
            return chain.level
        header = NAME_HEADER_ONLY.match(self.text, name.end)
        return _header_level(header.group("header")) if header else None

    # -- a difference told in prose --
    def link_prose_changes(self) -> None:
        """"1.2 points lower (95% CI ...)", "a 9% improvement (95% CI ...)": no name, a comparative."""
        for estimate in self.estimates:
            if estimate.change is None or estimate.start in self.used:
                continue
            measure = self._prose_measure(estimate.start, estimate, estimate.change)
            if measure is not None:
                self.add(estimate.start, Name(estimate.start, estimate.start, measure, "prose", False), estimate,
                         measure)

    def _prose_measure(self, start: int, estimate: Estimate, words: str, clause: str = "") -> str | None:
        """The measure of a difference told in prose, or None where it is not a between-group effect.
        ``clause``: the words before it in its sentence, where the risk it changes may be named."""
        if not estimate.labelled or MULTIPLE_UNIT.fullmatch(estimate.unit or ""):
            return None
        sentence_start, sentence_end = self.sentence_around(start, estimate.end)
        risk_reduced = estimate.percent and not estimate.unit and RISK_OF.search(clause)
        if COMPARISON.search(self.text, sentence_start, sentence_end) is None and not risk_reduced:
            return None
        if any(rule.pattern.search(self.text, sentence_start, sentence_end) for rule in _within_group_rules()):
            return None
        if (estimate.unit or "").lower().startswith("percentage point"):
            return "RD"
        if not estimate.percent:
            return "MD"
        if RELATIVE_WORDS.search(words) or risk_reduced:
            return "other"
        for pair in PERCENT_PAIR.finditer(self.text, sentence_start, sentence_end):
            if _is_difference_of(estimate.value, pair.group("a"), pair.group("b")):
                return "RD"
        return None


def _may_tie_alone(text: str, name: Name) -> bool:
    """Whether the linker could tie a measure name to anything in a text without estimates (a value
    followed by an interval): a lone value after it (link_adjacent), a percentage before it with an
    interval after it or a multiple before it ("a 3-fold higher risk"; link_following), or an
    interval before it with a value after it, in brackets or in one bracket (link_interval_first). The
    linker's own tests, without the conditions it adds to them."""
    for _, pattern in NAME_GAPS:
        gap = pattern.match(text, name.end)
        if gap is not None and LONE_VALUE.match(text, gap.end()):
            return True
    if VALUE_BEFORE_NAME.search(text, max(0, name.start - 24), name.start) and (
            name.id in FOLD_IDS or INTERVAL_AFTER_NAME.match(text, name.end)):
        return True
    if INTERVAL_FIRST.search(text, max(0, name.start - INTERVAL_FIRST_REACH), name.start) and VALUE_IN_BRACKETS.match(
            text, name.end):
        return True
    return bool(INTERVAL_FIRST_IN_BRACKET.search(text, max(0, name.start - INTERVAL_FIRST_REACH), name.start)
                and VALUE_CLOSING.match(text, name.end))


def _p_value_for(text: str, effect: Effect, p_values: list[dict], starts: list[int]) -> dict | None:
    """The p-value reported with an effect: right after it, inside it ("OR 2.1 (P = .01; 95% CI
    1.2-3.4)"), or inside its bracket right before it."""
    at = bisect_left(starts, effect.start)
    if at < len(p_values) and p_values[at]["end"] <= effect.end:
        return p_values[at]
    at = bisect_left(starts, effect.end)
    if at < len(p_values) and TO_P_VALUE.fullmatch(text, effect.end, p_values[at]["start"]):
        return p_values[at]
    at = bisect_left(starts, effect.start) - 1
    if at >= 0 and p_values[at]["end"] <= effect.start:
        before = p_values[at]
        opens_bracket = before["start"] > 0 and text[before["start"] - 1] in "(["
        if opens_bracket and P_VALUE_BEFORE.fullmatch(text, before["end"], effect.start):
            return before
    return None


def find_effects(text: str, p_values: list[dict] = ()) -> list[Found]:
    """Effect estimates in clean text. ``p_values``: the p-value payloads (start, end, comparator,
    value, threshold) found in the same text; each effect carries the one reported with it."""
    searched = _SearchedText(text)
    measures = _measure_names(searched)
    # Without a measure name only a difference told in prose can be an effect, and only with a
    # labelled interval.
    if not measures and not searched.may_hold_ci_label():
        return []
    estimates = _find_estimates(searched)
    if not measures and not any(e.change for e in estimates):
        return []
    defined = _defined_abbreviations(text, measures)
    if not estimates and not any(_may_tie_alone(text, name) for name in measures + defined):
        return []  # the rest of the names (the slowest to find) could tie nothing
    linker = _Linker(text, _all_names(searched, measures, defined), estimates)
    linker.link_adjacent()
    linker.link_following()
    linker.link_interval_first()
    linker.link_apart()
    linker.link_prose_changes()
    linker.drop_restated_multiples()

    results = sorted((p for p in p_values if not p.get("threshold")), key=lambda p: p["start"])
    starts = [p["start"] for p in results]
    found = []
    for effect in sorted(linker.effects, key=lambda e: e.start):
        estimate = effect.estimate
        p_value = _p_value_for(text, effect, results, starts)
        found.append(Found(effect.start, effect.end, "EFFECT", {
            "measure": effect.measure,
            "value": estimate.value,
            "ci_low": estimate.low,
            "ci_high": estimate.high,
            "ci_level": estimate.level if estimate.low is not None else None,
            "p_value": dict(p_value) if p_value else None,
        }))
    return found


class EffectExtractor:
    def __init__(self, spans_key: str):
        self.spans_key = spans_key
        compile_rules()

    def __call__(self, doc: Doc) -> Doc:
        write_spans(doc, self.spans_key, find_effects(doc_text(doc), read_spans(doc, P_VALUES)))
        return doc


def compile_rules() -> None:
    """Compile the name rules when the pipeline is built, not on the first document (which would
    otherwise pay a tenth of a second for them, as would a per-document timing)."""
    name_rules()
    _rule_group(MEASURES)
    _rule_group(NOT_EFFECTS)
    _modifiers_before()
    _percent_quantity()


@Language.factory("trialfacts_effect", default_config={"spans_key": EFFECTS})
def make_effect_extractor(nlp: Language, name: str, spans_key: str) -> EffectExtractor:
    return EffectExtractor(spans_key)
