"""Which numbers count participants, and in which role: the reading under sample_size.py.

A candidate is a whole number (digits, "1,347" / "1 347", or spelled out) with the noun phrase
it heads, if any ("26 patients", "Two hundred sixteen male and female CABG patients", "20 study
participants"; the nouns are data, patterns/participant_nouns.txt, and so are the words that stop
a phrase or name a unit). Its role (GOLD.md: screened, enrolled, randomized, arm, analyzed,
completed, withdrawn, and the finer eligible and planned that the total tells apart) is read
from the cue nearest the count in its clause (patterns/sample_size_roles.jsonl); the same file
holds the cues that make a number a result ("4 cases had diarrhea") or no count at all ("phase
2", "Fig. 2", "aged 20 and 75 years", "every 50 patients").
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import regex

from ..resources import (
    NO_FULLCASE,
    fold_for_literals,
    load_rules,
    load_word_list,
    matches_at,
    occurrences,
    opening_literals,
    required_literals,
)
from .numbers import (
    GROUPED_INTEGER,
    decimal_value,
    number_words,
    spelled_number_pattern,
    spelled_number_value,
)

ROLES = ("screened", "enrolled", "randomized", "arm", "analyzed", "completed", "withdrawn")
# Cue labels that refine a role for the total and the planned-count decision; each is written out
# as the gold role it is a kind of (sample_size_roles.jsonl says which counts take them).
# "subgroup" is no cue's: a part of the population a result is read in ("Among responders
# (n = 34)"), written out as analysed but never a total nor an actual count beside a target.
FINER_ROLES = {"eligible": "enrolled", "planned": "enrolled", "subgroup": "analyzed"}
# A cue that only places the count in a group ("8 patients in the surgery group", "45 in each
# arm"): an arm, unless a verb after it says what the group did ("... were lost to follow-up").
IN_GROUP = "in_group"
CUE_ROLES = ROLES + tuple(FINER_ROLES) + (IN_GROUP,)
# The roles that say what part of the population did; they outrank a group's placement.
DID_ROLES = ("analyzed", "completed", "withdrawn")


def output_role(role: str) -> str:
    return FINER_ROLES.get(role, role)
LABEL = "SAMPLE_SIZE"

# Counts run to seven digits at most ("1,347", "2079", "12 345 67"-style table runs are not
# counts); never part of a decimal, a word ("CD34", "P2Y12"), a hyphenated name ("n-3") or a
# longer digit run, so a 100k-digit line costs one short match per position. A leading zero
# ("002", the tail of "1 002" split by a comma before it) marks a part of a number, not a count.
INTEGER = r"(?<![\w.,·-])(?!0\d)\d{1,7}(?![.,·]?\d)"

# Thousands set off by a space where the shared GROUPED_INTEGER does not take them (after a
# sign or a comma: "n = 32 929", "In total, 32 929 subjects"); read only where a count is
# certain, after "n =" closing its bracket or clause ("n = 12 100 mg" is a count and a dose) or
# before a participant noun, never in a run of digits ("3 456 789").
SPACED_THOUSANDS_TAIL = regex.compile(r"\G \d{3}(?![.,·]?\d| ?\d)")
# A verb after the spaced number makes it one count too: "Of 1 245 screened, 1 002 were
# randomized" (two numbers in a row are not followed by the verb of their subject).
SPACED_THOUSANDS_VERB = regex.compile(r"\G (?:were|was|had been|have been)\b")
SPACED_THOUSANDS = r"(?<!\d )\d{1,3} \d{3}(?![.,·]?\d| ?\d)"

# "n = 23", "N.=57", "n: 12"; without a sign only alone in brackets ("(n 196)"): "n 30" in
# running text is too loose to read.
N_EQUALS = regex.compile(
    rf"(?<![\w.])[nN]\.? ?[=:] ?(?P<number>{GROUPED_INTEGER}|{SPACED_THOUSANDS}(?=[)\];,]| (?:and|or|vs\.?|versus) |$)|{INTEGER})(?! ?%| ?[.,·]\d)"
    rf"|(?<=\()[nN] (?P<number>{GROUPED_INTEGER}|{INTEGER})(?=\))",
    regex.V1,
)

# The n of a second group after a slash, right before the bracket closes: "(n = 40/41)".
SECOND_GROUP_N = regex.compile(r"\G ?/ ?(?P<number>\d{1,5})(?= ?\))")

# The marker that stands for the count in the clause the role rules read.
MARK = "§"

# The clause a count belongs to ends at a sentence end or a semicolon; a sentence ends at
# ". " before a capital, a digit or "(", at a line break, or at ".RESULTS" (a heading run on).
SENTENCE_END = regex.compile(r"[.!?](?=\s+[A-Z(\d])|\n|\.(?=[A-Z]{3,})")
# The characters a sentence end opens with (sentence_spans looks for them first).
SENTENCE_ENDERS = opening_literals(SENTENCE_END.pattern)

# How far a cue may stand from its count; the rules bound their own gaps too.
BEFORE_WINDOW = 90
AFTER_WINDOW = 140

# At most this many modifiers between a number and its head noun: "Eleven healthy tobacco
# smoking adult male volunteers" has five; "21 ASA physical status I, II, and III patients"
# has seven with its "and".
MAX_MODIFIERS = 8

# A modifier: a word that starts with a letter ("H.", "pylori-infected", "non-ventilator-
# dependent", "Raynaud's", "U.S."), a bracketed abbreviation ("myocardial infarction (MI)
# patients") or a disease type ("type 2 diabetic patients"), reached over a space or a comma.
NEXT_WORD = regex.compile(
    r"\G(?P<sep>,? {1,2})(?P<word>(?:type|grade|stage|class) (?:[0-9]{1,2}|[IVX]{1,4})[a-c]?\b"
    r"|\([A-Za-z][\w+/-]{0,11}\)|[^\W\d_](?:\.[A-Za-z](?=\.))*[\w'’+/-]{0,40}\.?)"
)
# "2079 men and women": a second head joined by "and".
SECOND_HEAD = regex.compile(r" and (\w+)")
# A bracket inside a noun phrase: short, no spread, no nested bracket, and no n of its own
# ("(BMI = 27 to 40 kg/m2)" may stand there; "(n = 12)" is a count).
BRACKET_IN_PHRASE = regex.compile(r"\G \((?! ?[nN]\.? ?[=:])[^()±;]{1,40}\)")
# Modifiers joined by "and"/"or" ("216 male and female CABG patients", "120 healthy but
# overweight adults"); one such join per phrase.
MODIFIER_JOIN = frozenset({"and", "or", "but"})
# A percentage in brackets straight after the number ("269 (89.4%) participants", "41 [50.6%]")
# or after its noun ("6 patients (60%)"): the count is a share of a group counted elsewhere.
PERCENT_AFTER = regex.compile(r"\G ?[(\[] ?\d{1,3}(?:[.·]\d{1,2})? ?%[)\]]")

# Words that end a noun phrase without a head: function words and verbs that sit between a
# number and anything else ("20 of the", "12 were", "3 to 5").
STOP_WORDS = load_word_list("sample_size_stop_words.txt")

# Words that make the number a quantity of something else: time, units, repeated events,
# places. A noun phrase that reaches one has no participant head.
UNIT_WORDS = load_word_list("sample_size_unit_words.txt")
# Those unit words that, straight before a participant noun, name the group's setting instead
# ("25 hospital nurses", "20 study participants").
UNIT_MODIFIERS = load_word_list("sample_size_unit_modifiers.txt")

# Sex and age words: inside brackets after a count ("(3 men and 7 women, aged 48-63 yr)",
# "(49 boys, 7 girls)") they break the group down and are not counts of their own.
BREAKDOWN_HEADS = load_word_list("sample_size_breakdown_heads.txt")

# What a count's number may be preceded by for it to be the numerator of "N of M".
PARTITIVE_AFTER = regex.compile(
    r"\G(?: ?\( ?\d{1,3}(?:[.·]\d{1,2})? ?%\))? (?:out )?of (?P<det>(?:the |these |those |all |our )?)"
)

# A time point just before an n: "at 6 months (n = 71)", "at baseline (n = 45)", ", 3 months
# (n = 41)", "at 4- (n = 53) and 16-wk postpartum (n = 55)". The n counts whom that time point
# measured, the same people as at the others: read so only in a sentence that measures people
# again (MEASURED_AGAIN) and does not form its groups by time (GROUPS_BY_TIME: "randomized to
# feeding at day 1 (n = 45) or at day 3 (n = 44)", "born at 28 weeks (n = 30)", "aged 6 years").
# (sample_size_total reads the same words, with time points, as a later count of the same groups.)
MEASURED_AGAIN_WORDS = (
    r"(?:re)?(?:measured|assessed|evaluated|examined|analy[sz]ed|available|followed|seen|interviewed|tested|"
    r"completed|obtained|collected|returned|remained|retained|visits?|follow-up)")
MEASURED_AGAIN = regex.compile(rf"\b{MEASURED_AGAIN_WORDS}\b", regex.I)
GROUPS_BY_TIME = regex.compile(
    r"\b(?:randomi[sz]ed|randomly|assigned|allocated|born|aged?|gestation(?:al)?)\b|\bor (?:at|after|within|on|by) ",
    regex.I)
TIME_UNIT = r"(?:days?|d|weeks?|wks?|wk|months?|mo|years?|yrs?|y)"
TIME_POINT_BEFORE_N = regex.compile(
    r"(?:\b(?:at|after|by|on|during) (?:the )?(?:(?:baseline|entry|enrol?lment|admission|discharge|follow-up|"
    rf"end of (?:the )?(?:study|trial|treatment|follow-up)|(?:day|week|month|year|visit) \d{{1,3}})|\d{{1,3}}[- ]?{TIME_UNIT}\b|\d{{1,3}}-)"
    rf"|(?:, |\band )\d{{1,3}}[- ]?{TIME_UNIT}\b)(?: (?:postpartum|post-?operative(?:ly)?|of follow-up|follow-up|after [\w-]+))? ?\($",
    regex.I)

# A sentence that opens a further study, experiment or part ("In experiment 2, 16 subjects
# ...", "Study B: 30 patients ...", "In the second study, ..."): its first count is that
# part's population, added like a phase's (sample_size_total), and further people counted
# there joined the study (sample_size_mentions).
PART_WORD = r"(?:study|experiment|part|phase|stage|substudy|trial)"
PART_LABEL = r"(?:\d{1,2}[a-z]?|[A-D]|I{1,3}|IV|one|two|three|four)"
STUDY_PART_OPENING = regex.compile(
    rf"\W{{0,3}}(?:in |for )?(?:the )?(?:(?:first|second|third|fourth) {PART_WORD}|{PART_WORD} {PART_LABEL})\b[^.;§]{{0,30}}?[,:] ?",
    regex.I)

# People the study adds to those counted so far: "a separate group of 37 women", "an
# independent sample of 45 volunteers" ("a second group of 20", "another group" name ordinary
# arms); and "30 additional patients were recruited", where an entry verb follows ("5 further
# patients had a relapse" is a result).
SEPARATE_SAMPLE_BEFORE = regex.compile(
    r"\b(?:separate|independent|additional|different)(?:,? (?:independent|separate))?"
    r" (?:[\w-]+ )?(?:group|sample|cohort|series|population|set) of (?:[\w-]+ )?$", regex.I)
FURTHER_PEOPLE_AFTER = regex.compile(r"\G (?:additional|further|more|new) (?=[a-z])")


# A group named just before its n: "control group (n = 9)", "(treatment group, n = 20)".
GROUP_BEFORE_N = regex.compile(r"\b(?:groups?|arms?|cohorts?)\b[^()]{0,12}[(,;] ?$", regex.I)

# Words in a sentence that make a bare denominator ("24 of 54") a count of people.
GROUP_WORD = regex.compile(r"\b(?:groups?|arms?|cohorts?)\b", regex.I)

# Words before a number that bound it rather than state it: "up to 5 patients each".
BOUND_BEFORE = regex.compile(r"\b(?:up to|at least|a maximum of|maximum of|max(?:imum)?\.?|no more than|not more than|at most)\s?$", regex.I)

# Verbs that split a group stated just before into subgroups: "users (n = 19) were divided
# into high (n = 10) and low dependence (n = 10)" - the parts are not added to the total.
SUBDIVISION = regex.compile(
    r"\b(?:divided|subdivided|split|stratified|classified|categori[sz]ed|grouped|separated)\b[^.;]{0,20}\binto\b",
    regex.I,
)


# How far from a count its sentence is read, whatever the sentence's length.
SENTENCE_REACH = 400

# How many candidates to look back or ahead for the nearest one that does not overlap.
NEIGHBOURS = 4

# A breakdown of a count ("67 children (slow early response, 55; translocation, 12)") has
# a handful of parts, not hundreds.
MAX_PARTS = 12

# How far after "divided into" the parts are named.
SUBDIVISION_REACH = 80


@dataclass
class Candidate:
    start: int  # span start (the number, or "n" of "n = 23")
    end: int  # span end (the head noun, or the number)
    num_start: int
    num_end: int
    np_end: int  # end of the noun phrase (the head noun; or the number when bare)
    value: int
    kind: str  # "noun", "n_equals", "bare"
    head: str | None = None
    percent: bool = False  # a percentage between the number and its noun
    role: str | None = None
    share: bool = False  # a percentage right after the noun or "n = 71": a part of a group
    cued: bool = False  # the role was read from a cue or a construction, not taken by default
    units: bool = False  # counts units that are not people ("247 febrile episodes")
    entered: bool = False  # the part of "120 of 150 eligible patients consented" that entered
    each: bool = False  # the count of every group: "(n = 30 per group)", "20 patients each"
    part_of_previous: bool = False  # "150 of them were enrolled": a part of the count just before
    time_point: bool = False  # "at 6 months (n = 71)": the people measured at one time point
    further: bool = False  # "a separate group of 37 women": people beyond those counted before


@lru_cache(maxsize=None)
def participant_nouns() -> frozenset[str]:
    return load_word_list("participant_nouns.txt")


@lru_cache(maxsize=None)
def singular_nouns() -> frozenset[str]:
    """The singulars of the participant nouns that make theirs with "s" ("patient", "subject"):
    "one patient ... withdrew" is a count, read only with that role (sample_size_mentions)."""
    return frozenset(noun[:-1] for noun in participant_nouns() if noun.endswith("s") and not noun.endswith("ss"))


@lru_cache(maxsize=None)
def other_units() -> frozenset[str]:
    """Units other than people a trial may randomize ("247 febrile episodes were randomized")."""
    return load_word_list("sample_size_other_units.txt")


@lru_cache(maxsize=None)
def procedure_units() -> tuple[frozenset[str], tuple[str, ...]]:
    """Operations a trial may compare as its units: the words, and the endings that name one."""
    entries = load_word_list("sample_size_procedure_units.txt")
    return (frozenset(e for e in entries if not e.startswith("-")),
            tuple(sorted(e[1:] for e in entries if e.startswith("-"))))


def is_procedure_unit(word: str) -> bool:
    words, endings = procedure_units()
    return word in words or word.endswith(endings)


def is_other_unit(word: str) -> bool:
    """Whether a (lower-case, plural) word names units other than people a trial may randomize."""
    return word in other_units() or is_procedure_unit(word)


@lru_cache(maxsize=None)
def number_pattern() -> regex.Pattern:
    spelled = spelled_number_pattern()
    return regex.compile(
        rf"{NO_FULLCASE}(?P<grouped>{GROUPED_INTEGER})|(?P<digits>{INTEGER})|(?P<spelled>{spelled})",
        regex.V1 | regex.IGNORECASE,
    )


@lru_cache(maxsize=None)
def _number_scanners() -> tuple[regex.Pattern, regex.Pattern]:
    """The two kinds of number in number_pattern, apart: scanning for either alone is several
    times faster than scanning for the alternation. Each names its branches as number_pattern
    does, and holds no other group, so a match's ``lastgroup`` is its kind."""
    return (regex.compile(rf"{NO_FULLCASE}(?P<grouped>{GROUPED_INTEGER})|(?P<digits>{INTEGER})", regex.V1),
            regex.compile(rf"{NO_FULLCASE}(?P<spelled>{spelled_number_pattern()})", regex.V1 | regex.IGNORECASE))


def _numbers(text: str):
    """The matches of number_pattern in reading order, as the scanners' matches (the kind is the
    ``lastgroup``: "grouped", "digits" or "spelled"). A number in digits and one in words never
    overlap (they share no character but the space inside), so the two scans together find what
    one scan for the alternation would, and each scanner's match is the one number_pattern
    makes at its start (the same branches, tried in the same order)."""
    digits, _ = _number_scanners()
    found = list(digits.finditer(text))
    spelled = _spelled_numbers(text)
    # A text holds two or three spelled numbers, most none: sorting them in costs less than
    # merging the two streams match by match.
    if spelled:
        found.extend(spelled)
        found.sort(key=_start)
    return found


def _spelled_numbers(text: str) -> list[regex.Match]:
    """The matches of the spelled scanner, as its finditer would find them, but tried only where
    a number word starts in the case-folded text: a case-insensitive scan of every position cost
    a tenth of the extractor, and a text holds two or three spelled numbers.
    Every character the scanner takes case-insensitively for a letter of a number word ("K",
    "ſ") folds to that letter, so each match starts where the folded text holds a number word.
    Only a character that folds to more than one ("ß", "İ") shifts those places: such a text is
    scanned whole."""
    spelled = _number_scanners()[1]
    folded = text.casefold()
    if len(folded) != len(text):
        return list(spelled.finditer(text))
    places = set()
    for word in _first_number_words():
        at = folded.find(word)
        while at >= 0:
            places.add(at)
            at = folded.find(word, at + 1)
    found, end = [], 0
    for at in sorted(places):
        # As in the scan, a number is read from where the last one ended: "one" of "twenty-one"
        # starts no number of its own.
        if at >= end and (match := spelled.match(text, at)) is not None:
            found.append(match)
            end = match.end()
    return found


@lru_cache(maxsize=None)
def _first_number_words() -> tuple[str, ...]:
    """The number words that start with no other ("seven", not "seventeen" or "seventy"): where
    a number word starts, one of these starts too."""
    words = number_words()
    return tuple(sorted(word for word in words
                        if not any(other != word and word.startswith(other) for other in words)))


def _start(match: regex.Match) -> int:
    return match.start()


@lru_cache(maxsize=None)
def _denominator_pattern() -> regex.Pattern:
    """What stands before the denominator of "N of M": "13 of the", "21 (43%) of", "Five of".
    It ends where the text does, so it is written to look behind from there (see
    is_denominator) rather than be tried from every position before."""
    return regex.compile(
        rf"{NO_FULLCASE}(?<=(?:\b\d{{1,7}}|{spelled_number_pattern()})(?: ?\( ?\d{{1,3}}(?:[.·]\d{{1,2}})? ?%\))?,? (?:out )?of (?:the |these |those |all )?)$",
        regex.I | regex.V1,
    )


def is_denominator(before: str) -> bool:
    # The pattern ends on "of " and at most "these " (and a final line break): the few texts
    # before a count that end so are read by it.
    if "of " not in before[-12:].lower():
        return False
    # "$" holds at the end, or before a final line break.
    return _denominator_pattern().search(before, max(0, len(before) - 1)) is not None


@lru_cache(maxsize=None)
def _role_rules() -> tuple[tuple[str, bool, regex.Pattern, Prefilter | None], ...]:
    """(label, whether the rule starts at the marker, compiled pattern, its literal prefilter)."""
    return tuple(
        (r.label, r.pattern.startswith(MARK), r.compiled(), _prefilter(r.pattern))
        for r in load_rules("sample_size_roles.jsonl")
    )


# A rule's prefilter: the case-folded literals one of which is in every window it can match in;
# None where the rule is always run.
Prefilter = frozenset[str]


def _prefilter(pattern: str) -> Prefilter | None:
    """The rule's literal prefilter (resources.required_literals); the marker is in every window,
    so a rule that needs only the marker gets none. A literal that holds another of the set
    ("arms" holds "arm") is dropped: where it is in a window, so is the shorter one."""
    literals = required_literals(pattern)
    if literals is None or MARK in literals:
        return None
    return frozenset(literal for literal in literals
                     if not any(other != literal and other in literal for other in literals))


class _LiteralIndex(NamedTuple):
    """Rules behind literal prefilters, indexed by literal. The rules read on one side of a count
    share many literals ("randomi", "group", "were "): each is looked for at most once in a
    window, and the literals found name the rules that may match there, so neither a rule
    nor a literal is visited twice (resources.could_match asked rule by rule cost three times
    as much; the prefilters pass one rule in ten)."""

    # Every literal of the rules' prefilters, once, under a gate: a string it holds (see
    # _literal_gates), with the literals that hold it.
    gates: tuple[tuple[str, tuple[str, ...]], ...]
    rules_of: dict[str, tuple[int, ...]]  # a literal -> the rules (their indices) it lets through
    unfiltered: tuple[int, ...]  # the rules without a prefilter: always run


def _literal_index(prefilters) -> _LiteralIndex:
    rules_of: dict[str, list[int]] = {}
    unfiltered = []
    for index, literals in enumerate(prefilters):
        if literals is None:
            unfiltered.append(index)
            continue
        for literal in literals:
            rules_of.setdefault(literal, []).append(index)
    return _LiteralIndex(_literal_gates(rules_of), {literal: tuple(rules) for literal, rules in rules_of.items()},
                         tuple(unfiltered))


# The length of a gate: three letters are shared by many literals ("ran" of "randomi" and
# "transplanted", "ted" of "treated" and "tested") and are in few windows.
GATE_LENGTH = 3


def _literal_gates(literals) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The literals under gates: a window that lacks a gate lacks every literal that holds it, so
    one test stands for them all (a window holds few of the literals, and a test costs about
    the same whatever it finds: on the dev set the gates make the tests half as many). Each gate
    is the string of GATE_LENGTH characters held by the most literals not yet under one, while
    two or more hold it; every other literal is its own gate."""
    left = set(literals)
    gates = []
    while True:
        holding: dict[str, int] = {}
        for literal in left:
            for part in {literal[at: at + GATE_LENGTH] for at in range(len(literal) - GATE_LENGTH + 1)}:
                holding[part] = holding.get(part, 0) + 1
        gate = max(sorted(holding), key=holding.get, default=None)
        if gate is None or holding[gate] < 2:
            break
        gated = tuple(sorted(literal for literal in left if gate in literal))
        gates.append((gate, gated))
        left.difference_update(gated)
    return tuple(gates + [(literal, (literal,)) for literal in sorted(left)])


def _may_match(index: _LiteralIndex, window: str) -> list[int]:
    """The rules (their indices, in order) whose prefilter passes ``window``, compared
    case-folded as the prefilters are."""
    passed = set(index.unfiltered)
    folded = fold_for_literals(window)
    for gate, literals in index.gates:
        if gate in folded:
            for literal in literals:
                if literal in folded:
                    passed.update(index.rules_of[literal])
    return sorted(passed)


# Each question asked of a clause needs only some of the rules; running only those is most of
# the extractor's speed (a rule costs about as much whatever it finds). Where only whether a
# rule matches counts (not_count; an outcome cue before the count), _matches asks that.
#   outcome    - the cues of a result after the count;
#   role       - the role cues on either side;
#   role_after - the role cues after the count (a bare number's verb; a phrase read from its start);
#   after      - outcome and role cues after the count.
RULE_SETS = {
    "outcome": lambda label, at_mark: label == "outcome",
    "role": lambda label, at_mark: label in CUE_ROLES,
    "role_after": lambda label, at_mark: label in CUE_ROLES and at_mark,
    "after": lambda label, at_mark: label != "not_count" and at_mark,
}


@lru_cache(maxsize=None)
def _rules(name: str) -> tuple[tuple[str, bool, regex.Pattern, Prefilter | None], ...]:
    keep = RULE_SETS[name]
    return tuple(rule for rule in _role_rules() if keep(rule[0], rule[1]))


class _SideRules(NamedTuple):
    """The rules of a set on one side of the marker, as _rule_cues reads them."""

    rules: tuple[tuple[str, regex.Pattern, bool], ...]  # label, pattern, whether it has a "cue" group
    index: _LiteralIndex


@lru_cache(maxsize=None)
def _side_rules(name: str, after: bool) -> _SideRules:
    side = [rule for rule in _rules(name) if rule[1] == after]
    return _SideRules(tuple((label, pattern, "cue" in pattern.groupindex) for label, _, pattern, _ in side),
                      _literal_index(literals for *_, literals in side))


# How far before its count a planned cue still decides its role over the cues after it.
PLANNED_REACH = 25

# A rule that ends on the marker reaches back at most this far (its cue and bounded gap).
BEFORE_REACH = 120


def _number_value(match: regex.Match) -> int | None:
    """The value of a match of _numbers."""
    if match.lastgroup == "spelled":
        return spelled_number_value(match.group())
    return int(decimal_value(match.group()))


# The mentions and then the total of a document read its sentences: they are split once (the
# last text's are kept; a tuple, so that no reader can change what the next one sees).
@lru_cache(maxsize=1)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    # A sentence end opens with one of SENTENCE_ENDERS: the pattern is tried only where one
    # stands (a few dozen places) rather than scanned over the whole text.
    places = {at for ender in SENTENCE_ENDERS for at in occurrences(text, ender)}
    spans, start = [], 0
    for boundary in matches_at(SENTENCE_END, places, text):
        spans.append((start, boundary.end()))
        start = boundary.end()
    spans.append((start, len(text)))
    return tuple(spans)


def enclosing(spans: tuple[tuple[int, int], ...], position: int) -> tuple[int, int]:
    return spans[sentence_index(spans, position)]


def is_participant_noun(word: str, nouns: frozenset[str]) -> bool:
    """A participant noun, or a compound ending in one: "ex-smokers", "co-workers", and the
    closed compounds of NOUN_ENDINGS ("schoolchildren", "businesswomen")."""
    return (word in nouns or ("-" in word and word.rsplit("-", 1)[1] in nouns)
            or word.endswith(NOUN_ENDINGS))


# Participant nouns that head closed compounds ("schoolchildren", "schoolgirls",
# "sportswomen"); "men" is not among them ("specimen", "regimen" end so).
NOUN_ENDINGS = ("children", "women", "girls", "boys", "patients", "workers", "smokers", "volunteers", "participants")


def noun_phrase(text: str, pos: int) -> tuple[int, int, str, bool] | None:
    """Read a head noun after a number ending at ``pos``: (head end, modifiers, head, percent)."""
    nouns = participant_nouns()
    percent = False
    found = PERCENT_AFTER.match(text, pos)
    if found:
        percent = True
        pos = found.end()
    bracket_skipped = joined = False
    for modifiers in range(MAX_MODIFIERS + 1):
        found = NEXT_WORD.match(text, pos)
        if found is None:
            return None
        word = found.group("word")
        bare = word.rstrip(".'’").lower()
        if is_participant_noun(bare, nouns):
            head_end = found.start("word") + len(word.rstrip(".'’"))
            # "2079 men and women": a second head joined by "and" belongs to the phrase.
            more = SECOND_HEAD.match(text[head_end : head_end + 40])
            if more and more.group(1).lower() in nouns:
                head_end += more.end()
            return head_end, modifiers, bare, percent
        initial = len(word) == 2 and word[0].isupper() and word.endswith(".")
        if bare in MODIFIER_JOIN and modifiers and not joined:
            # "male and female CABG patients": the join must lead to another word (a number
            # after it starts a count of its own: "3 severe and 7 moderate cases").
            joined = True
            pos = found.end()
            continue
        if bare in UNIT_MODIFIERS and word == bare and _participant_noun_next(text, found.end()):
            pos = found.end()
            continue
        if not initial and (bare in STOP_WORDS or bare in UNIT_WORDS):
            return None
        # "1 Twenty patients completed ...": a numbered statement's number before a count
        # spelled out; the spelled count is the count, the number before it none.
        if _spelled_number_word(bare):
            return None
        # After a modifier, one bracket may interrupt the phrase: "30 white European (14
        # women) older adults".
        if modifiers and not bracket_skipped:
            bracket = BRACKET_IN_PHRASE.match(text, found.end())
            if bracket is not None:
                bracket_skipped = True
                pos = bracket.end()
                continue
        # A word closing a sentence ("group.") ends the phrase; "H." (an initial) and "U.S."
        # (an abbreviation) do not.
        if word.endswith(".") and len(bare) > 2 and "." not in bare:
            return None
        pos = found.end()
    return None


def _spelled_number_word(word: str) -> bool:
    # A spelled number starts with one of the first number words (see _spelled_numbers): the
    # number grammar, case-insensitive and costly, is tried only on the few words that do.
    if not fold_for_literals(word).startswith(_first_number_words()):
        return False
    found = number_pattern().fullmatch(word)
    return found is not None and found.group("digits") is None


def counts_units(text: str, pos: int) -> bool:
    """Whether the words after a number ending at ``pos`` lead to a unit it counts instead of
    people: "Two randomized, double-blind trials", "3 consecutive days"."""
    for _ in range(MAX_MODIFIERS):
        found = NEXT_WORD.match(text, pos)
        if found is None:
            return False
        bare = found.group("word").rstrip(".'’").lower()
        if bare in UNIT_WORDS:
            # Units a trial may randomize are read as such later (sample_size_mentions).
            return bare not in other_units()
        if bare in STOP_WORDS or bare in participant_nouns() or found.group("word").endswith("."):
            return False
        pos = found.end()
    return False


PERCENT_SIGN = regex.compile(r"\G ?%")
DIGITS_ECHO = regex.compile(r"\G ?\( ?(?P<digits>\d{1,7}) ?\)")


def _participant_noun_next(text: str, pos: int) -> bool:
    found = NEXT_WORD.match(text, pos)
    return found is not None and found.group("sep") == " " and found.group("word").rstrip(".'’").lower() in participant_nouns()


def _n_equals(text: str) -> list[regex.Match]:
    """The matches of N_EQUALS as its finditer finds them, but tried only where one may start:
    at most three characters before a sign ("n = ", "N.=", "n. :"), or after the bracket of
    "(n 196)". A text holds a few dozen signs, and trying the pattern there costs less than
    scanning every position."""
    places = {place for sign in "=:" for at in occurrences(text, sign) for place in range(max(0, at - 3), at)}
    places.update(at + 1 for opening in ("(n ", "(N ") for at in occurrences(text, opening))
    return matches_at(N_EQUALS, {at for at in places if text[at] in "nN"}, text)


def find_candidates(text: str) -> list[Candidate]:
    found: list[Candidate] = []
    taken: set[int] = set()
    for match in _n_equals(text):
        value = int(decimal_value(match.group("number")))
        taken.add(match.start("number"))
        if not value:  # "(n = 0)": an empty group is no count (and the number is no other count)
            continue
        found.append(Candidate(match.start(), match.end(), match.start("number"), match.end(),
                                match.end(), value, "n_equals",
                                share=PERCENT_AFTER.match(text, match.end()) is not None))
        # "(n = 40/41)": the n of two groups, the second after a slash, closing the bracket;
        # groups of a trial are of like size, and "(n = 9/20)" is a part of a whole.
        second = SECOND_GROUP_N.match(text, match.end())
        if second is not None and value:
            other = int(second.group("number"))
            if 2 * max(value, other) <= 3 * min(value, other):  # at most half as large again
                taken.add(second.start("number"))
                found.append(Candidate(second.start("number"), second.end("number"), second.start("number"),
                                       second.end("number"), second.end("number"), other, "n_equals"))
    for match in _numbers(text):
        if match.start() in taken:
            continue
        value = _number_value(match)
        if not value:
            continue
        number_end = match.end()
        # A percentage is no count, nor a neighbour that bounds the stretch a count's role is
        # read from ("281 (51%) were evaluable").
        if PERCENT_SIGN.match(text, number_end):
            continue
        if match.lastgroup == "digits" and len(match.group()) <= 3:
            tail = SPACED_THOUSANDS_TAIL.match(text, number_end)
            if tail is not None and not text[max(0, match.start() - 2): match.start()].rstrip(" ")[-1:].isdigit():
                phrase = noun_phrase(text, tail.end())
                if phrase is not None and not phrase[3]:
                    taken.add(tail.start() + 1)
                    value = int(decimal_value(text[match.start(): tail.end()]))
                    found.append(Candidate(match.start(), phrase[0], match.start(), tail.end(), phrase[0],
                                           value, "noun", phrase[2],
                                           share=PERCENT_AFTER.match(text, phrase[0]) is not None))
                    continue
                if phrase is None and SPACED_THOUSANDS_VERB.match(text, tail.end()):
                    taken.add(tail.start() + 1)
                    value = int(decimal_value(text[match.start(): tail.end()]))
                    found.append(Candidate(match.start(), tail.end(), match.start(), tail.end(), tail.end(),
                                           value, "bare"))
                    continue
        # "Twelve (12) healthy subjects": the count spelled out, then echoed in digits.
        echo = DIGITS_ECHO.match(text, number_end) if match.lastgroup == "spelled" else None
        if echo is not None and int(echo.group("digits")) == value:
            taken.add(echo.start("digits"))
            number_end = echo.end()
        phrase = noun_phrase(text, number_end)
        if phrase is not None:
            head_end, _, head, percent = phrase
            # With a percentage between number and noun, the noun is not adjacent.
            end = match.end() if percent else head_end
            found.append(Candidate(match.start(), end, match.start(), match.end(), head_end,
                                    value, "noun", head, percent,
                                    share=PERCENT_AFTER.match(text, head_end) is not None))
        elif value == 1 and (single := NEXT_WORD.match(text, number_end)) is not None \
                and single.group("sep") == " " and single.group("word").lower() in singular_nouns():
            found.append(Candidate(match.start(), single.end(), match.start(), number_end, single.end(),
                                   value, "noun", single.group("word").lower()))
        else:
            found.append(Candidate(match.start(), match.end(), match.start(), match.end(),
                                    match.end(), value, "bare"))
    found.sort(key=lambda c: c.start)
    return found


# A cue: (whether it stands after the count, distance from the count, -length, label).
Cue = tuple[bool, int, int, str]


def _rule_cues(window: str, mark: int, rules: str, after: bool) -> tuple[Cue, ...]:
    """The cues of the rules of set ``rules`` on one side of the marker at ``mark``."""
    cues = []
    side = _side_rules(rules, after)
    for index in _may_match(side.index, window):
        label, pattern, has_cue = side.rules[index]
        # Every rule holds the marker once: a rule that starts with it can only match there,
        # any other ends on it, so neither needs to be tried at every position of the clause.
        if after:
            match = pattern.match(window, mark)
        else:
            match = pattern.search(window, max(0, mark - BEFORE_REACH), mark + 1)
        if match is None:
            continue
        start, end = match.span("cue") if has_cue else match.span()
        if start < 0:
            start, end = match.span()
        if start > mark:
            distance = start - mark
        else:
            distance = mark - end
        cues.append((start > mark, max(distance, 0), -(end - start), label))
    return tuple(cues)


# A rule that starts at the marker reads only what follows it, and one that ends on it only
# what precedes it, so each side's cues depend on that side's text alone. A count's two
# windows (its clause, and the stretch up to its neighbours) often share a side, and the
# cache then reads it once (as it does the repeats of a table or list: "1, 1, 1, ...").
# These caches and those of is_no_count and outcome_before are cleared for each document
# (find_sample_sizes).
@lru_cache(maxsize=4096)
def after_cues(after: str, rules: str) -> tuple[Cue, ...]:
    return _rule_cues(MARK + after, 0, rules, after=True)


@lru_cache(maxsize=4096)
def before_cues(before: str, rules: str) -> tuple[Cue, ...]:
    return _rule_cues(before + MARK, len(before), rules, after=False)


def read_cues(before: str, after: str, rules: str) -> tuple[Cue, ...]:
    """The cues of the rules of set ``rules`` around a count (``before`` and ``after`` are the
    clause's text on either side of its marker)."""
    return before_cues(before, rules) + after_cues(after, rules)


# A before-rule with more prefilter literals than this is kept in the one alternation: checking
# fifty words ("phase", "week", "figure", ...) costs more than trying the rule at the marker.
PREFILTER_LIMIT = 16


class _MatchTests(NamedTuple):
    """The rules of one label as tests of whether any matches (see _match_tests)."""

    after: regex.Pattern | None
    before: regex.Pattern | None
    before_prefiltered: tuple[regex.Pattern, ...]
    before_index: _LiteralIndex  # their prefilters


@lru_cache(maxsize=None)
def _match_tests(label: str) -> _MatchTests:
    """The rules of ``label`` as tests of whether any matches at all: one for the rules after
    the marker, tried at the marker; those before it rewritten to look behind it
    (``(?<=rule)§``), so that each is tried once, at the marker, rather than from every position
    before it (the clause before a count is shorter than BEFORE_REACH, so the reach is the same).
    The rules after the marker are one alternation: any match decides, and one call costs less
    than one per rule. So are the rules before it that have no prefilter or a long one; each
    other before-rule is a test of its own behind its literal prefilter: a lookbehind with a
    40-character gap ("previously reported ... §") costs as much as all the literal checks
    together, and the literals of such a rule are in one clause in twenty or fewer."""
    after, before, prefiltered = [], [], []
    flags = regex.V1 | regex.IGNORECASE
    for rule in load_rules("sample_size_roles.jsonl"):
        if rule.label != label:
            continue
        # Each rule keeps its own case mode inside the alternation; a backreference would be
        # renumbered there, so none may be used.
        assert not regex.search(r"\\[1-9]|\(\?P=", rule.pattern), rule.id
        case = "(?-i:" if rule.case == "sensitive" else "(?:"
        if rule.pattern.startswith(MARK):
            after.append(case + rule.pattern[len(MARK):] + ")")
            continue
        assert rule.pattern.endswith(MARK), rule.id
        branch = case + rule.pattern[: -len(MARK)] + ")"
        literals = _prefilter(rule.pattern)
        if literals is None or len(literals) > PREFILTER_LIMIT:
            before.append(branch)
        else:
            prefiltered.append((literals, regex.compile(f"{NO_FULLCASE}(?<={branch}){MARK}", flags)))
    return _MatchTests(
        regex.compile(f"{NO_FULLCASE}{MARK}(?:{'|'.join(after)})", flags) if after else None,
        regex.compile(f"{NO_FULLCASE}(?<={'|'.join(before)}){MARK}", flags) if before else None,
        tuple(test for _, test in prefiltered),
        _literal_index(literals for literals, _ in prefiltered),
    )


def _matches(label: str, before: str | None, after: str | None) -> bool:
    """Whether a rule of ``label`` matches on the sides given."""
    tests = _match_tests(label)
    if after is not None and tests.after is not None and tests.after.match(MARK + after):
        return True
    if before is None:
        return False
    marked, mark = before + MARK, len(before)
    if tests.before is not None and tests.before.match(marked, mark) is not None:
        return True
    if not tests.before_prefiltered:
        return False
    return any(tests.before_prefiltered[index].match(marked, mark) is not None
               for index in _may_match(tests.before_index, marked))


@lru_cache(maxsize=4096)
def is_no_count(before: str, after: str) -> bool:
    """Whether the number is no count at all: "phase 2", "6-month", "45%"."""
    return _matches("not_count", before, after)


def names_clusters(before: str) -> bool:
    """Whether an n counts clusters rather than people: "districts constituted the units for
    randomisation (n = 17)"."""
    return _matches("not_people", before, None)


@lru_cache(maxsize=4096)
def outcome_before(before: str) -> bool:
    """Whether an outcome cue governs the count from before it: "adverse events occurred in
    12 patients", "complications (n = 4)" (before-rules end on the marker)."""
    return _matches("outcome", before, None)


def clause_window(text: str, cand: Candidate, left: int, right: int, aside: int | None = None) -> tuple[str, str]:
    """The clause around the count, as the text before and after its number (any marker in
    it blanked, as the marker stands for the number). ``aside``: where a bracket right after
    the count's noun phrase closes; its content is left out, so that the verb after it is read
    as the count's own ("72 patients (59 male and 13 female, median age 41) were randomized")."""
    before = text[max(left, cand.start - BEFORE_WINDOW): cand.start].replace(MARK, " ")
    if cand.kind == "n_equals":
        after = text[cand.end: min(right, cand.end + AFTER_WINDOW)]
    elif aside is not None:
        after = text[cand.num_end: cand.np_end] + text[aside + 1: min(right, aside + 1 + AFTER_WINDOW)]
    else:
        after = text[cand.num_end: min(right, cand.np_end + AFTER_WINDOW)]
    return before, after.replace(MARK, " ")


def bracket_after(text: str, pos: int) -> int | None:
    """Where a bracket opening at ``pos`` (after one space at most) closes, if within reach."""
    opening = pos + 1 if text.startswith(" (", pos) else pos if text.startswith("(", pos) else -1
    return closing_bracket(text, opening, BRACKET_REACH) if opening >= 0 else None


def closing_bracket(text: str, opening: int, reach: int) -> int | None:
    """Where the bracket opening at ``opening`` closes, nested brackets counted, if within ``reach``."""
    depth = 0
    for at in range(opening, min(len(text), opening + reach)):
        char = text[at]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return at
    return None


# The longest bracket read as an aside after a count's noun phrase.
BRACKET_REACH = 160


def _split_cues(cues):
    """After-cues (including those among the modifiers: "50 randomized ... participants")
    and before-cues, each nearest first, then longest."""
    after = sorted((d, length, label) for is_after, d, length, label in cues if is_after)
    before = sorted((d, length, label) for is_after, d, length, label in cues if not is_after)
    return after, before


def _decide(cues, phrase: int = 0, governs: int = -1, relative_at: int | None = None) -> tuple[str | None, str | None, int | None]:
    """(outcome verdict, role, distance of the role cue after the count) from the cues of a
    clause (see read_cues). An arm cue among the modifiers of the count's noun phrase (the
    first ``phrase`` characters: "567 ustekinumab-treated patients entered the extension")
    yields to the role of a verb after it.

    A count is the subject of the verb after it ("26 patients were enrolled") unless a verb
    before takes it as its object ("This study enrolled 15 patients who received ...", "The
    analysis included 88 patients who had been randomized"): ``governs`` is the distance of the
    nearest before-cue when it stands that close (object_of_cue), else -1. That cue then
    decides, except against an arm cue placing the group ("enrolled 40 patients in the
    intervention group") ahead of any relative clause (``relative_at``: where "who", "which"
    or "that" opens one after the count)."""
    after, before = _split_cues(cues)
    if phrase and any(d > phrase and label in CUE_ROLES and label not in ("arm", IN_GROUP) for d, _, label in after):
        after = [cue for cue in after if not (cue[0] <= phrase and cue[2] in ("arm", IN_GROUP))]
    governing = next((label for d, _, label in before if d == governs and label in CUE_ROLES), None)
    if governing is not None:
        after = [cue for cue in after if cue[2] == "outcome"
                 or (cue[2] in ("arm", IN_GROUP) and (relative_at is None or cue[0] < relative_at))]
    verdict = None
    role = role_distance = None
    outcome_distance = min((d for d, _, label in after if label == "outcome"), default=None)
    for d, _, label in after:
        if label in CUE_ROLES:
            role, role_distance = label, d
            break
    placed = role == IN_GROUP
    if role == IN_GROUP:
        did = next(((d, label) for d, _, label in after
                     if label in DID_ROLES and d > role_distance and (relative_at is None or d < relative_at)), None)
        role, role_distance = ("arm", role_distance) if did is None else (did[1], did[0])
    # A target ("intended to enroll 290 patients but was stopped early") is planned whatever the
    # clause says next.
    if any(label == "planned" and d <= PLANNED_REACH for d, _, label in before):
        role, role_distance = "planned", None
    if role is None:
        for d, _, label in before:
            if label in CUE_ROLES:
                role = "arm" if label == IN_GROUP else label
                break
    # A group's place does not stop what follows from being its result ("Two patients in the
    # valve group required further surgery").
    if verdict is None and outcome_distance is not None and (
            role_distance is None or outcome_distance < role_distance or (placed and role == "arm")):
        verdict = "outcome"
    return verdict, role, role_distance


# What may stand between a verb and the count it takes as its object: "enrolled 15 patients",
# "randomized a total of 300", "included all 88 patients" (a field's colon is its cue's own:
# "Enrollment: 120"; after a verb it opens a list, "randomly assigned: 82 to ...").
OBJECT_GAP = regex.compile(r" ?(?:(?:a total of|approximately|about|nearly|almost|over|more than|only|all|the|a further|an additional|another) )?")
# A relative clause after the count: its verbs say more of the group, they do not govern it.
RELATIVE = regex.compile(r"\b(?:who|whom|which|that)\b")


def object_of_cue(before: str, cues) -> int:
    """The distance of the nearest before-cue when only OBJECT_GAP lies between it and the count
    (see _decide); -1 when there is none that close."""
    nearest = min((d for is_after, d, _, label in cues if not is_after and label in CUE_ROLES), default=None)
    if nearest is None or nearest > 20:
        return -1
    return nearest if OBJECT_GAP.fullmatch(before, len(before) - nearest) else -1


def reports_result(after: str) -> bool:
    """Whether what follows the count reports a result ("4 cases had diarrhea"): an outcome
    cue nearer than any role cue, which are therefore read only when there is one."""
    outcome = after_cues(after, "outcome")
    return bool(outcome) and _decide(outcome + after_cues(after, "role_after"))[0] == "outcome"


def read_role(before: str, after: str, after_only: bool = False, phrase: int = 0) -> tuple[str | None, int | None]:
    """(role, distance of its cue when after the count) from the nearest role cue; a bare
    number takes its role only from a verb right after it, so only after-cues are read.
    ``phrase``: the length of the count's noun phrase after its number (see _decide)."""
    if after_only:
        _, role, distance = _decide(after_cues(after, "role_after"), phrase)
        return role, distance
    cues = read_cues(before, after, "role")
    relative = RELATIVE.search(after)
    _, role, distance = _decide(cues, phrase, object_of_cue(before, cues),
                                relative.start() + 1 if relative else None)
    return role, distance


def governing_role(before: str) -> str | None:
    """The role of a before-cue that takes the count as its object ("Enrollment: 120",
    "divided into two groups of 25", "we randomized 300 (150 per arm)"); see _decide."""
    cues = before_cues(before, "role")
    distance = object_of_cue(before, cues)
    if distance < 0:
        return None
    return next((label for _, d, _, label in sorted(cues, key=lambda c: (c[1], c[2])) if d == distance), None)


# "(n = 30 per group)", "100 per arm", "20 patients each", "45 participants in each group",
# "67 in each of the two arms", "(n = 10/group)": one count stands for every group
# (sample_size_total multiplies it by their number).
EACH_AFTER = regex.compile(
    r"\G,? (?:per|in each|for each|in either|each) (?:[\w-]+ )?(?:group|arm|cohort|sequence)\b|\G,? each\b|\G,? per group\b"
    r"|\G,? (?:in|for) each of the (?:[\w-]+ ){0,2}(?:groups|arms|cohorts|sequences)\b"
    r"|\G ?/ ?(?:group|arm|cohort)\b",
    regex.I)


# The forms of EACH_AFTER said of a group or an arm ("40 patients in each arm", "(10/group)"),
# not of people ("20 patients each") nor of cohorts ("25 in each dose cohort"): where the text
# never says how many groups there are, these still say there is more than one.
EACH_GROUP_OR_ARM = regex.compile(
    r"\G,? (?:per|in each|for each|in either|each) (?:(?!dose\b)[\w-]+ )?(?:group|arm)\b|\G ?/ ?(?:group|arm)\b", regex.I)


# "(each n = 25)", "(per arm: n = 20)", "each group (n = 20)": the same, before an n.
EACH_BEFORE_N = regex.compile(
    r"\b(?:each|per group|per arm)[,:]? ?$|\beach (?:[\w-]+ )?(?:group|arm|cohort) ?[(,] ?$", regex.I)


# The verbs by which a group as the subject states its size.
GROUP_SIZE_VERB = r"(?:comprised|consisted of|was composed of|was made up of|included|contained|numbered)"
# "Each group comprised 106 women", "each arm consisted of 30 patients": every group is the
# subject, and the count after its verb is each group's.
EACH_GROUP_SUBJECT_BEFORE = regex.compile(
    rf"\b(?:each|every) (?:[\w-]+ )?(?:group|arm|cohort) {GROUP_SIZE_VERB}\s?$", regex.I)


# "Group C had 40 children", "the exercise arm comprised 52 women": one named group as the
# subject, so the count after its verb is that group's ("the study group" is the whole).
NAMED_GROUP_SUBJECT_BEFORE = regex.compile(
    r"(?:\b(?i:group|arm|cohort) [A-Z0-9][A-Za-z0-9-]{0,3}|\b(?!(?:study|whole|entire|total|same|trial|each|every)\b)[a-z][\w-]* (?:group|arm))"
    rf" (?:had|{GROUP_SIZE_VERB})\s?$")


def open_bracket_before(text: str, position: int, floor: int) -> int | None:
    """Where the bracket still open at ``position`` opened, if within 60 characters and not
    before ``floor``."""
    opening = text.rfind("(", max(floor, position - 60), position)
    return opening if opening >= 0 and ")" not in text[opening:position] else None


def inside_brackets(text: str, position: int, floor: int) -> bool:
    return open_bracket_before(text, position, floor) is not None


def sentence_index(sentences, position):
    # Sentences tile the text in order, so the one holding a position is found by bisection.
    index = bisect.bisect_right(sentences, (position, len(sentences) + 1 << 62)) - 1
    return min(max(index, 0), len(sentences) - 1)


def compile_rules() -> None:
    """Compile the rules and the number grammar when the pipeline is built: they take a sixth of a
    second, which the first document would otherwise pay (and a per-document timing see), as
    doses.compile_rules does for its own."""
    participant_nouns()
    singular_nouns()
    other_units()
    procedure_units()
    number_pattern()
    _number_scanners()
    _first_number_words()
    _denominator_pattern()
    for name in RULE_SETS:
        for after in (True, False):
            _side_rules(name, after)
    for label in ("not_count", "outcome", "not_people"):
        _match_tests(label)
