"""Which numbers count participants, and in which role: the reading under sample_size.py.

A candidate is a whole number (digits, "1,347" / "1 347", or spelled out) with the noun phrase
it heads, if any ("26 patients", "Eleven healthy adult male volunteers"; the nouns are data,
patterns/participant_nouns.txt). Its role (GOLD.md: screened, enrolled, randomized, arm,
analyzed, completed, withdrawn) is read from the cue nearest the count in its clause
(patterns/sample_size_roles.jsonl); the same file holds the cues that make a number a result
("4 cases had diarrhea") or no count at all ("phase 2", "Fig. 2", "aged 20 and 75 years").
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache

import regex

from ..resources import (
    Literals,
    could_match,
    fold_for_literals,
    load_rules,
    load_word_list,
    required_literals,
)
from .numbers import (
    GROUPED_INTEGER,
    decimal_value,
    spelled_number_pattern,
    spelled_number_value,
)

ROLES = ("screened", "enrolled", "randomized", "arm", "analyzed", "completed", "withdrawn")
LABEL = "SAMPLE_SIZE"

# Counts run to seven digits at most ("1,347", "2079", "12 345 67"-style table runs are not
# counts); never part of a decimal, a word ("CD34", "P2Y12"), a hyphenated name ("n-3") or a
# longer digit run, so a 100k-digit line costs one short match per position.
INTEGER = r"(?<![\w.,·-])\d{1,7}(?![.,·]?\d)"

# Case-insensitive patterns use simple case folding ("(?-f)"): V1's default full folding (where
# "ß" matches "ss") makes every match ~50x slower and changes nothing for English cue words.
NO_FULLCASE = "(?-f)"


def _compile_rule(rule) -> regex.Pattern:
    flags = regex.V1 if rule.case == "sensitive" else regex.V1 | regex.IGNORECASE
    return regex.compile(NO_FULLCASE + rule.pattern, flags)


# "n = 23", "N.=57", "n: 12", "(n 30)" is too loose to read, so a sign is required.
N_EQUALS = regex.compile(
    rf"(?<![\w.])[nN]\.? ?[=:] ?(?P<number>{GROUPED_INTEGER}|{INTEGER})(?! ?%| ?[.,·]\d)",
    regex.V1,
)

# The marker that stands for the count in the clause the role rules read.
MARK = "§"

# The clause a count belongs to ends at a sentence end or a semicolon; a sentence ends at
# ". " before a capital, a digit or "(", at a line break, or at ".RESULTS" (a heading run on).
SENTENCE_END = regex.compile(r"[.!?](?=\s+[A-Z(\d])|\n|\.(?=[A-Z]{3,})")

# How far a cue may stand from its count; the rules bound their own gaps too.
BEFORE_WINDOW = 90
AFTER_WINDOW = 140

# At most this many modifiers between a number and its head noun: "Eleven healthy tobacco
# smoking adult male volunteers" has five.
MAX_MODIFIERS = 6

# A modifier: a word that starts with a letter ("H.", "pylori-infected", "non-ventilator-
# dependent", "Raynaud's", "U.S."), a bracketed abbreviation ("myocardial infarction (MI)
# patients") or a disease type ("type 2 diabetic patients"), reached over a space or a comma.
NEXT_WORD = regex.compile(
    r"\G(?P<sep>,? {1,2})(?P<word>(?:type|grade|stage|class) (?:[0-9]{1,2}|[IVX]{1,4})[a-c]?\b"
    r"|\([A-Za-z][\w+/-]{0,11}\)|[^\W\d_](?:[A-Za-z]\.(?=[A-Za-z]))*[\w'’+/-]{0,40}\.?)"
)
# "2079 men and women": a second head joined by "and".
SECOND_HEAD = regex.compile(r" and (\w+)")
# A bracket inside a noun phrase: short, no statistics, no nested bracket.
BRACKET_IN_PHRASE = regex.compile(r"\G \([^()=±;]{1,40}\)")
# A percentage in brackets straight after the number: "269 (89.4%) participants".
PERCENT_AFTER = regex.compile(r"\G ?\( ?\d{1,3}(?:[.·]\d{1,2})? ?%\)")

# Words that end a noun phrase without a head: function words and verbs that sit between a
# number and anything else ("20 of the", "12 were", "3 to 5").
STOP_WORDS = load_word_list("sample_size_stop_words.txt")

# Words that make the number a quantity of something else: time, units, repeated events,
# places. A noun phrase that reaches one has no participant head.
UNIT_WORDS = load_word_list("sample_size_unit_words.txt")

# Sex and age words: inside brackets after a count ("(3 men and 7 women, aged 48-63 yr)",
# "(49 boys, 7 girls)") they break the group down and are not counts of their own.
BREAKDOWN_HEADS = load_word_list("sample_size_breakdown_heads.txt")

# What a count's number may be preceded by for it to be the numerator of "N of M".
PARTITIVE_AFTER = regex.compile(
    r"\G(?: ?\( ?\d{1,3}(?:[.·]\d{1,2})? ?%\))? (?:out )?of (?P<det>(?:the |these |those |all |our )?)"
)

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
    percent: bool = False
    role: str | None = None


@lru_cache(maxsize=None)
def participant_nouns() -> frozenset[str]:
    return load_word_list("participant_nouns.txt")


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
    times faster than scanning for the alternation."""
    return (regex.compile(rf"{NO_FULLCASE}{GROUPED_INTEGER}|{INTEGER}", regex.V1),
            regex.compile(rf"{NO_FULLCASE}{spelled_number_pattern()}", regex.V1 | regex.IGNORECASE))


def _numbers(text: str):
    """The matches of number_pattern in reading order. A number in digits and one in words
    never overlap (they share no character but the space inside), so the two scans together
    find what one scan for the alternation would."""
    starts = sorted(found.start() for scanner in _number_scanners() for found in scanner.finditer(text))
    number = number_pattern()
    for start in starts:
        yield number.match(text, start)


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
    # "$" holds at the end, or before a final line break.
    return _denominator_pattern().search(before, max(0, len(before) - 1)) is not None


@lru_cache(maxsize=None)
def _role_rules() -> tuple[tuple[str, bool, regex.Pattern, Literals | None], ...]:
    """(label, whether the rule starts at the marker, compiled pattern, its literal prefilter)."""
    return tuple(
        (r.label, r.pattern.startswith(MARK), _compile_rule(r), _prefilter(r.pattern))
        for r in load_rules("sample_size_roles.jsonl")
    )


def _prefilter(pattern: str) -> Literals | None:
    """The rule's literal prefilter (resources.required_literals); the marker is in every window,
    so a rule that needs only the marker gets none."""
    literals = required_literals(pattern)
    return None if literals is not None and MARK in literals else literals


# Each question asked of a clause needs only some of the rules; running only those is most of
# the extractor's speed (a rule costs about as much whatever it finds). Where only whether a
# rule matches counts (not_count; an outcome cue before the count), _matches asks that.
#   outcome    - the cues of a result after the count;
#   role       - the role cues on either side;
#   role_after - the role cues after the count (a bare number's verb; a phrase read from its start);
#   after      - outcome and role cues after the count.
RULE_SETS = {
    "outcome": lambda label, at_mark: label == "outcome",
    "role": lambda label, at_mark: label in ROLES,
    "role_after": lambda label, at_mark: label in ROLES and at_mark,
    "after": lambda label, at_mark: label != "not_count" and at_mark,
}


@lru_cache(maxsize=None)
def _rules(name: str) -> tuple[tuple[str, bool, regex.Pattern, Literals | None], ...]:
    keep = RULE_SETS[name]
    return tuple(rule for rule in _role_rules() if keep(rule[0], rule[1]))


# A rule that ends on the marker reaches back at most this far (its cue and bounded gap).
BEFORE_REACH = 120


def _number_value(match: regex.Match) -> int | None:
    if match.group("spelled") is not None:
        return spelled_number_value(match.group("spelled"))
    return int(decimal_value(match.group()))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for boundary in SENTENCE_END.finditer(text):
        spans.append((start, boundary.end()))
        start = boundary.end()
    spans.append((start, len(text)))
    return spans


def enclosing(spans: list[tuple[int, int]], position: int) -> tuple[int, int]:
    return spans[sentence_index(spans, position)]


def noun_phrase(text: str, pos: int) -> tuple[int, int, str, bool] | None:
    """Read a head noun after a number ending at ``pos``: (head end, modifiers, head, percent)."""
    nouns = participant_nouns()
    percent = False
    found = PERCENT_AFTER.match(text, pos)
    if found:
        percent = True
        pos = found.end()
    bracket_skipped = False
    for modifiers in range(MAX_MODIFIERS + 1):
        found = NEXT_WORD.match(text, pos)
        if found is None:
            return None
        word = found.group("word")
        bare = word.rstrip(".'’").lower()
        if bare in nouns:
            head_end = found.start("word") + len(word.rstrip(".'’"))
            # "2079 men and women": a second head joined by "and" belongs to the phrase.
            more = SECOND_HEAD.match(text[head_end : head_end + 40])
            if more and more.group(1).lower() in nouns:
                head_end += more.end()
            return head_end, modifiers, bare, percent
        initial = len(word) == 2 and word[0].isupper() and word.endswith(".")
        if not initial and (bare in STOP_WORDS or bare in UNIT_WORDS):
            return None
        # After a modifier, one bracket may interrupt the phrase: "30 white European (14
        # women) older adults".
        if modifiers and not bracket_skipped:
            bracket = BRACKET_IN_PHRASE.match(text, found.end())
            if bracket is not None:
                bracket_skipped = True
                pos = bracket.end()
                continue
        # A word closing a sentence ("group.") ends the phrase; "H." (an initial) does not.
        if word.endswith(".") and len(bare) > 2:
            return None
        pos = found.end()
    return None


def find_candidates(text: str) -> list[Candidate]:
    found: list[Candidate] = []
    taken: set[int] = set()
    for match in N_EQUALS.finditer(text):
        value = int(decimal_value(match.group("number")))
        taken.add(match.start("number"))
        if not value:  # "(n = 0)": an empty group is no count (and the number is no other count)
            continue
        found.append(Candidate(match.start(), match.end(), match.start("number"), match.end(),
                                match.end(), value, "n_equals"))
    for match in _numbers(text):
        if match.start() in taken:
            continue
        value = _number_value(match)
        if not value:
            continue
        phrase = noun_phrase(text, match.end())
        if phrase is not None:
            head_end, _, head, percent = phrase
            # With a percentage between number and noun, the noun is not adjacent.
            end = match.end() if percent else head_end
            found.append(Candidate(match.start(), end, match.start(), match.end(), head_end,
                                    value, "noun", head, percent))
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
    folded = fold_for_literals(window)
    for label, at_mark, pattern, literals in _rules(rules):
        if at_mark != after or not could_match(literals, folded):
            continue
        # Every rule holds the marker once: a rule that starts with it can only match there,
        # any other ends on it, so neither needs to be tried at every position of the clause.
        if at_mark:
            match = pattern.match(window, mark)
        else:
            match = pattern.search(window, max(0, mark - BEFORE_REACH), mark + 1)
        if match is None:
            continue
        start, end = match.span("cue") if "cue" in pattern.groupindex else match.span()
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


@lru_cache(maxsize=None)
def _match_tests(label: str) -> tuple[regex.Pattern | None, regex.Pattern | None]:
    """The rules of ``label`` as two tests of whether any matches at all: one for the rules after
    the marker, tried at the marker; one for those before it, rewritten to look behind it
    (``(?<=rule)§``), so that it is tried once, at the marker, rather than from every position
    before it (the clause before a count is shorter than BEFORE_REACH, so the reach is the same).
    Each is one alternation of its rules: any match decides, and one call costs less than one
    per rule."""
    after, before = [], []
    for rule in load_rules("sample_size_roles.jsonl"):
        if rule.label != label:
            continue
        # Each rule keeps its own case mode inside the alternation; a backreference would be
        # renumbered there, so none may be used.
        assert not regex.search(r"\\[1-9]|\(\?P=", rule.pattern), rule.id
        case = "(?-i:" if rule.case == "sensitive" else "(?:"
        if rule.pattern.startswith(MARK):
            after.append(case + rule.pattern[len(MARK):] + ")")
        else:
            assert rule.pattern.endswith(MARK), rule.id
            before.append(case + rule.pattern[: -len(MARK)] + ")")
    flags = regex.V1 | regex.IGNORECASE
    return (
        regex.compile(f"{NO_FULLCASE}{MARK}(?:{'|'.join(after)})", flags) if after else None,
        regex.compile(f"{NO_FULLCASE}(?<={'|'.join(before)}){MARK}", flags) if before else None,
    )


def _matches(label: str, before: str | None, after: str | None) -> bool:
    """Whether a rule of ``label`` matches on the sides given."""
    after_test, before_test = _match_tests(label)
    if after is not None and after_test is not None and after_test.match(MARK + after):
        return True
    return before is not None and before_test is not None and before_test.match(before + MARK, len(before)) is not None


@lru_cache(maxsize=4096)
def is_no_count(before: str, after: str) -> bool:
    """Whether the number is no count at all: "phase 2", "6-month", "45%"."""
    return _matches("not_count", before, after)


@lru_cache(maxsize=4096)
def outcome_before(before: str) -> bool:
    """Whether an outcome cue governs the count from before it: "adverse events occurred in
    12 patients", "complications (n = 4)" (before-rules end on the marker)."""
    return _matches("outcome", before, None)


def clause_window(text: str, cand: Candidate, left: int, right: int) -> tuple[str, str]:
    """The clause around the count, as the text before and after its number (any marker in
    it blanked, as the marker stands for the number)."""
    before = text[max(left, cand.start - BEFORE_WINDOW): cand.start].replace(MARK, " ")
    after = text[cand.num_end: min(right, cand.np_end + AFTER_WINDOW)].replace(MARK, " ")
    if cand.kind == "n_equals":
        after = text[cand.end: min(right, cand.end + AFTER_WINDOW)].replace(MARK, " ")
    return before, after


def _split_cues(cues):
    """After-cues (including those among the modifiers: "50 randomized ... participants")
    and before-cues, each nearest first, then longest."""
    after = sorted((d, length, label) for is_after, d, length, label in cues if is_after)
    before = sorted((d, length, label) for is_after, d, length, label in cues if not is_after)
    return after, before


def _decide(cues) -> tuple[str | None, str | None, int | None]:
    """(outcome verdict, role, distance of the role cue after the count) from the cues of a
    clause (see read_cues)."""
    after, before = _split_cues(cues)
    verdict = None
    role = role_distance = None
    outcome_distance = None
    for d, _, label in after:
        if label == "outcome":
            outcome_distance = d if outcome_distance is None else outcome_distance
            continue
        if label in ROLES:
            role, role_distance = label, d
            break
    if role is None:
        for d, _, label in before:
            if label in ROLES:
                role = label
                break
    if verdict is None and outcome_distance is not None and (role_distance is None or outcome_distance < role_distance):
        verdict = "outcome"
    return verdict, role, role_distance


def reports_result(after: str) -> bool:
    """Whether what follows the count reports a result ("4 cases had diarrhea"): an outcome
    cue nearer than any role cue, which are therefore read only when there is one."""
    outcome = after_cues(after, "outcome")
    return bool(outcome) and _decide(outcome + after_cues(after, "role_after"))[0] == "outcome"


def read_role(before: str, after: str, after_only: bool = False) -> tuple[str | None, int | None]:
    """(role, distance of its cue when after the count) from the nearest role cue; a bare
    number takes its role only from a verb right after it, so only after-cues are read."""
    cues = after_cues(after, "role_after") if after_only else read_cues(before, after, "role")
    _, role, distance = _decide(cues)
    return role, distance


def inside_brackets(text: str, position: int, floor: int) -> bool:
    opening = text.rfind("(", max(floor, position - 60), position)
    return opening >= 0 and ")" not in text[opening:position]


def sentence_index(sentences, position):
    # Sentences tile the text in order, so the one holding a position is found by bisection.
    index = bisect.bisect_right(sentences, (position, len(sentences) + 1 << 62)) - 1
    return min(max(index, 0), len(sentences) - 1)
