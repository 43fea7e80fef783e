"""Participant counts: "26 patients", "n = 23", "(N.=57)", "Twenty-six children", and the total.

A count is a whole number (digits, "1,347" / "1 347", or spelled out) that counts a group of
the study population. Most are written with their head noun ("26 patients", "Eleven healthy
adult male volunteers"); the nouns are data (patterns/participant_nouns.txt). Some stand
alone where the sentence makes the group plain:
  - "n = 23", "(N.=57)": the statistician's count;
  - "14 and 13 patients": a number coordinated with a counted noun;
  - "23 patients died, 15 were lost to follow-up": a number followed by what the group did;
  - "... in the intervention and 2162 in the control group": a parallel group;
  - "9 of 20 (45%) in the treatment group": the denominator of a result.
The role (GOLD.md: screened, enrolled, randomized, arm, analyzed, completed, withdrawn) is
read from the cue nearest the count in its clause (patterns/sample_size_roles.jsonl); the
same file holds the cues that make a number a result ("4 cases had diarrhea") or no count
at all ("phase 2", "Fig. 2", "aged 20 and 75 years").

``total_sample_size`` then applies GOLD.md's rule for the document total over the mentions.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache

import regex
from spacy.language import Language
from spacy.tokens import Doc

from .numbers import GROUPED_INTEGER, decimal_value, spelled_number_pattern, spelled_number_value
from .resources import Literals, could_match, fold_for_literals, load_rules, load_word_list, required_literals
from .spans import SAMPLE_SIZES, Found, doc_text, write_spans

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
class _Candidate:
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
def _participant_nouns() -> frozenset[str]:
    return load_word_list("participant_nouns.txt")


@lru_cache(maxsize=None)
def _number_pattern() -> regex.Pattern:
    spelled = spelled_number_pattern()
    return regex.compile(
        rf"{NO_FULLCASE}(?P<grouped>{GROUPED_INTEGER})|(?P<digits>{INTEGER})|(?P<spelled>{spelled})",
        regex.V1 | regex.IGNORECASE,
    )


@lru_cache(maxsize=None)
def _number_scanners() -> tuple[regex.Pattern, regex.Pattern]:
    """The two kinds of number in _number_pattern, apart: scanning for either alone is several
    times faster than scanning for the alternation."""
    return (regex.compile(rf"{NO_FULLCASE}{GROUPED_INTEGER}|{INTEGER}", regex.V1),
            regex.compile(rf"{NO_FULLCASE}{spelled_number_pattern()}", regex.V1 | regex.IGNORECASE))


def _numbers(text: str):
    """The matches of _number_pattern in reading order. A number in digits and one in words
    never overlap (they share no character but the space inside), so the two scans together
    find what one scan for the alternation would."""
    starts = sorted(found.start() for scanner in _number_scanners() for found in scanner.finditer(text))
    number = _number_pattern()
    for start in starts:
        yield number.match(text, start)


@lru_cache(maxsize=None)
def _denominator_pattern() -> regex.Pattern:
    """What stands before the denominator of "N of M": "13 of the", "21 (43%) of", "Five of".
    It ends where the text does, so it is written to look behind from there (see
    _is_denominator) rather than be tried from every position before."""
    return regex.compile(
        rf"{NO_FULLCASE}(?<=(?:\b\d{{1,7}}|{spelled_number_pattern()})(?: ?\( ?\d{{1,3}}(?:[.·]\d{{1,2}})? ?%\))?,? (?:out )?of (?:the |these |those |all )?)$",
        regex.I | regex.V1,
    )


def _is_denominator(before: str) -> bool:
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


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for boundary in SENTENCE_END.finditer(text):
        spans.append((start, boundary.end()))
        start = boundary.end()
    spans.append((start, len(text)))
    return spans


def _enclosing(spans: list[tuple[int, int]], position: int) -> tuple[int, int]:
    return spans[_sentence_index(spans, position)]


def _noun_phrase(text: str, pos: int) -> tuple[int, int, str, bool] | None:
    """Read a head noun after a number ending at ``pos``: (head end, modifiers, head, percent)."""
    nouns = _participant_nouns()
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


def _candidates(text: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    taken: set[int] = set()
    for match in N_EQUALS.finditer(text):
        value = int(decimal_value(match.group("number")))
        taken.add(match.start("number"))
        if not value:  # "(n = 0)": an empty group is no count (and the number is no other count)
            continue
        found.append(_Candidate(match.start(), match.end(), match.start("number"), match.end(),
                                match.end(), value, "n_equals"))
    for match in _numbers(text):
        if match.start() in taken:
            continue
        value = _number_value(match)
        if not value:
            continue
        phrase = _noun_phrase(text, match.end())
        if phrase is not None:
            head_end, _, head, percent = phrase
            # With a percentage between number and noun, the noun is not adjacent.
            end = match.end() if percent else head_end
            found.append(_Candidate(match.start(), end, match.start(), match.end(), head_end,
                                    value, "noun", head, percent))
        else:
            found.append(_Candidate(match.start(), match.end(), match.start(), match.end(),
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
# These caches and those of _is_no_count and _outcome_before are cleared for each document
# (find_sample_sizes).
@lru_cache(maxsize=4096)
def _after_cues(after: str, rules: str) -> tuple[Cue, ...]:
    return _rule_cues(MARK + after, 0, rules, after=True)


@lru_cache(maxsize=4096)
def _before_cues(before: str, rules: str) -> tuple[Cue, ...]:
    return _rule_cues(before + MARK, len(before), rules, after=False)


def _cues(before: str, after: str, rules: str) -> tuple[Cue, ...]:
    """The cues of the rules of set ``rules`` around a count (``before`` and ``after`` are the
    clause's text on either side of its marker)."""
    return _before_cues(before, rules) + _after_cues(after, rules)


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
def _is_no_count(before: str, after: str) -> bool:
    """Whether the number is no count at all: "phase 2", "6-month", "45%"."""
    return _matches("not_count", before, after)


@lru_cache(maxsize=4096)
def _outcome_before(before: str) -> bool:
    """Whether an outcome cue governs the count from before it: "adverse events occurred in
    12 patients", "complications (n = 4)" (before-rules end on the marker)."""
    return _matches("outcome", before, None)


def _clause_window(text: str, cand: _Candidate, left: int, right: int) -> tuple[str, str]:
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
    clause (see _cues)."""
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


def _reports_result(after: str) -> bool:
    """Whether what follows the count reports a result ("4 cases had diarrhea"): an outcome
    cue nearer than any role cue, which are therefore read only when there is one."""
    outcome = _after_cues(after, "outcome")
    return bool(outcome) and _decide(outcome + _after_cues(after, "role_after"))[0] == "outcome"


def _role(before: str, after: str, after_only: bool = False) -> tuple[str | None, int | None]:
    """(role, distance of its cue when after the count) from the nearest role cue; a bare
    number takes its role only from a verb right after it, so only after-cues are read."""
    cues = _after_cues(after, "role_after") if after_only else _cues(before, after, "role")
    _, role, distance = _decide(cues)
    return role, distance


def _inside_brackets(text: str, position: int, floor: int) -> bool:
    opening = text.rfind("(", max(floor, position - 60), position)
    return opening >= 0 and ")" not in text[opening:position]


def find_sample_sizes(text: str) -> list[Found]:
    # The cue caches serve one document (and its total, read next): a clause seldom recurs
    # in another, and a long run of documents must not grow them.
    for cache in (_after_cues, _before_cues, _is_no_count, _outcome_before):
        cache.cache_clear()
    candidates = _candidates(text)
    sentences = _sentences(text)
    kept: list[_Candidate] = []
    # Numbers found not to be counts at all; the coordination rules must not revive them.
    rejected: set[int] = set()
    for i, cand in enumerate(candidates):
        s_start, s_end = _enclosing(sentences, cand.start)
        # A "sentence" with no full stop may be a whole 1 MB line: read only near the count.
        s_start = max(s_start, cand.start - SENTENCE_REACH)
        s_end = min(s_end, cand.np_end + SENTENCE_REACH)
        clause_left = max(s_start, text.rfind(";", s_start, cand.start) + 1)
        clause_right = s_end
        semicolon = text.find(";", cand.np_end, s_end)
        if semicolon >= 0:
            clause_right = semicolon
        # The neighbouring counts bound the stretch a role cue is read from; candidates are in
        # reading order, so the nearest ones sit next to this one in the list.
        left, right = clause_left, clause_right
        for other in reversed(candidates[max(0, i - NEIGHBOURS): i]):
            if other.np_end <= cand.start:
                left = max(left, other.np_end)
                break
        for other in candidates[i + 1: i + 1 + NEIGHBOURS]:
            if other.start >= cand.np_end:
                right = min(right, other.start)
                break
        # Whether the number is a count at all is read in its whole clause ("2:1:1" needs
        # the "1:" before it); its role in the stretch up to the neighbouring counts.
        before, after = _clause_window(text, cand, clause_left, clause_right)
        if cand.kind != "n_equals" and _is_no_count(before, after):
            rejected.add(cand.start)
            continue
        if cand.kind == "bare" and _looks_like_year(cand, text):
            rejected.add(cand.start)
            continue
        # The role is read (by _role, only where it is needed) from the stretch up to the
        # neighbouring counts.
        near = _clause_window(text, cand, left, right)
        before_text = text[max(s_start, cand.start - 40): cand.start]
        is_denominator = _is_denominator(before_text)
        partitive = PARTITIVE_AFTER.match(text, cand.num_end) if cand.kind == "bare" else None

        if cand.kind == "n_equals":
            # "complications (n = 4)", "(35.2 +/- 22.3 hours, n = 11)": a result's n.
            if _outcome_before(before):
                continue
            # "a control group (n = 9) was studied": the n of a named group is that arm.
            if GROUP_BEFORE_N.search(text, max(s_start, cand.start - 40), cand.start):
                cand.role = "arm"
                kept.append(cand)
                continue
            role, role_distance = _role(*near)
            cand.role = role if role in ("enrolled", "randomized", "analyzed", "completed", "withdrawn", "screened") and role_distance is not None and role_distance < 25 else "arm"
            kept.append(cand)
            continue

        if cand.kind == "noun":
            if cand.head in BREAKDOWN_HEADS and _inside_brackets(text, cand.start, s_start) and not is_denominator:
                continue
            if not is_denominator and (_reports_result(after) or _outcome_before(before)):
                continue
            role, _ = _role(*near)
            if is_denominator:
                cand.role = role if role in ("arm", "enrolled", "randomized", "analyzed", "completed") else "arm"
                kept.append(cand)
                continue
            # "cases" counts people only where the sentence says what the group did
            # ("80 cases were randomly treated"), never as a bare tally ("in 2 cases").
            if cand.head == "cases" and role is None:
                continue
            if cand.percent and role not in ("completed", "withdrawn", "analyzed", "randomized", "enrolled", "screened"):
                continue
            cand.role = role or "enrolled"
            kept.append(cand)
            continue

        # Bare numbers: only in the constructions that make them counts.
        if partitive is not None:
            # "17 of the most responsive patients ... began", "1905 of the randomized subjects
            # ... completed": the numerator is a count when its group did something the
            # study records; "13 of the 30 neonates" after "controlled in" is a result.
            # The phrase reader expects the space before the first word.
            phrase = _noun_phrase(text, partitive.end() - 1)
            if phrase is None:
                # "41 out of 50 randomized participants": the phrase follows the denominator.
                denominator = _number_pattern().match(text, partitive.end())
                if denominator is not None:
                    phrase = _noun_phrase(text, denominator.end())
            if phrase is not None and not _reports_result(after) and not IN_BEFORE.search(before_text):
                np_end = phrase[0]
                tail = text[np_end: min(clause_right, np_end + AFTER_WINDOW)]
                tail_role = _partitive_role(tail)
                if tail_role is not None:
                    cand.role = tail_role
                    kept.append(cand)
                    continue
            # A bare denominator: "(24 of 54) of the CQ-treated patients", "9 of 20 (45%) in
            # the treatment group".
        if is_denominator:
            sentence = text[s_start:s_end]
            if _mentions_people(sentence) and not _counts_something_else(text, cand.num_end):
                cand.role = "arm"
                kept.append(cand)
                continue
        # "15 were lost to follow-up", "263 (87.4%) completed", "27 were assigned to": the
        # role's verb must follow the number at once.
        lead = BARE_LEAD.match(text, cand.num_end)
        if lead is not None and not _reports_result(after):
            role, role_distance = _role(*near, after_only=True)
            if role is not None and role_distance is not None:
                # The marker stands where the number was: a cue at distance d starts d - 1
                # characters after the number's end.
                cue_start = cand.num_end + max(role_distance - 1, 0)
                if role_distance <= lead.end() - cand.num_end + 1 and not PREPOSITION.match(text, cue_start, cue_start + 12):
                    cand.role = role
                    kept.append(cand)
                    continue
        cand.role = None
    unused = [c for c in candidates if c.start not in rejected]
    kept = _add_coordinated(text, unused, kept, sentences)
    kept = _add_shared_head(text, unused, kept)
    kept = _add_parallel(text, unused, kept, sentences)
    kept = _add_disposition_lists(text, unused, kept, sentences)
    kept.sort(key=lambda c: c.start)
    _share_coordinated_roles(text, kept)
    return [Found(c.start, c.end, LABEL, {"value": c.value, "role": c.role}) for c in kept]


# What may stand between a bare count and its verb: a percentage, "were", an adverb.
BARE_LEAD = regex.compile(
    r"(?: ?\( ?\d{1,3}(?:[.·]\d{1,2})? ?%\))?,? (?:(?:were|was|had been|have been|are|will be|had|have|did) )?(?:\w+ly |then |also |later |not )?"
)

# A cue that starts with a preposition ("25 in the ASI group") names a group, not what the
# count did; a bare number before it is a count only as a parallel to an earlier one.
PREPOSITION = regex.compile(r"(?:in|into|to|of|from|for|on|at|with|each|per|respectively)\b", regex.I)

# A four-digit number in the range of trial years ("Since January 1974", "April 1996"); a
# bare count that large ("1905 of the randomized subjects") needs a noun or "of" after it.
YEAR = regex.compile(r"19[5-9]\d|20[0-4]\d")


def _looks_like_year(cand: _Candidate, text: str) -> bool:
    return bool(YEAR.fullmatch(text[cand.num_start: cand.num_end])) and not PARTITIVE_AFTER.match(text, cand.num_end)


def _partitive_role(tail: str) -> str | None:
    """What a partitive numerator's group did, read after its noun phrase: only roles a
    subset of the population can take (completed, withdrawn, analyzed, randomized, began a
    trial)."""
    cues = sorted((d, length, label) for _, d, length, label in _after_cues(tail.replace(MARK, " "), "after"))
    for d, _, label in cues:
        if label == "outcome":
            return None
        if label in ("completed", "withdrawn", "analyzed", "randomized", "enrolled", "screened"):
            return label
        if label == "arm":
            return None
    return None


# "controlled in 13 of the 30 neonates": a partitive after "in" reports a result.
IN_BEFORE = regex.compile(r"\bin\s?$")
WORD = regex.compile(r"[A-Za-z-]+")
# The word (or percent sign) after a denominator.
NEXT_WORD_OR_PERCENT = regex.compile(r" ?(%|[A-Za-z][\w-]*)")


def _mentions_people(sentence: str) -> bool:
    nouns = _participant_nouns()
    words = {w.lower() for w in WORD.findall(sentence)}
    return bool(words & nouns) or bool(GROUP_WORD.search(sentence))


def _counts_something_else(text: str, pos: int) -> bool:
    """A denominator followed by its own noun counts that noun: "one of three treatments",
    "2 of 4 weeks"; a participant noun would have made it a noun mention already, so any
    word but a preposition or conjunction ("9 of 20 in the treatment group") disqualifies."""
    word = NEXT_WORD_OR_PERCENT.match(text[pos: pos + 40])
    if not word:
        return False
    word = word.group(1).lower()
    return word == "%" or (word not in STOP_WORDS and word not in _participant_nouns())


COORDINATION_GAP = regex.compile(r",? (?:and|or) |, ")
# "between 14 and 20 patients", "aged 20 and ...": the first number is a range's end.
RANGE_START_BEFORE = regex.compile(r"\b(?:between|from|aged?)\s?$", regex.I)


def _add_coordinated(text, candidates, kept, sentences):
    """'14 and 13 patients', '10, 12 and 14 patients': a bare number coordinated with a
    counted noun takes that count's role."""
    kept_starts = {c.start for c in kept}
    by_start = {c.start: c for c in kept}
    for i, cand in enumerate(candidates):
        if cand.start in kept_starts or cand.kind != "bare":
            continue
        j = i + 1
        while j < len(candidates):
            nxt = candidates[j]
            gap = text[cand.num_end: nxt.start]
            if not COORDINATION_GAP.fullmatch(gap):
                break
            if nxt.start in by_start and by_start[nxt.start].kind == "noun" and nxt.num_end == by_start[nxt.start].num_end:
                before = text[max(0, cand.start - 12): cand.start]
                if RANGE_START_BEFORE.search(before):
                    break
                cand.role = by_start[nxt.start].role
                kept.append(cand)
                break
            if nxt.kind != "bare":
                break
            j += 1
    return kept


# Before the second group: a conjunction; or an opening bracket that breaks a count just
# given down ("191 workers (94 in the intervention group and 97 in the control group)").
# Modifiers of a count whose head noun comes only with the next count: "Thirty South Asian
# (15 women) and 30 white European (14 women) older adults", "15 obese and 15 lean women".
SHARED_HEAD_GAP = regex.compile(
    r"\G(?P<mods>(?: [A-Za-z][\w'’-]{0,30}){1,3})(?: \([^()=±;]{1,40}\))?,? (?:and|or) (?:the )?"
)


def _add_shared_head(text, candidates, kept):
    by_start = {c.start: c for c in kept}
    for cand in candidates:
        if cand.start in by_start or cand.kind != "bare":
            continue
        gap = SHARED_HEAD_GAP.match(text, cand.num_end)
        if gap is None:
            continue
        words = gap.group("mods").split()
        if any(w.lower() in STOP_WORDS or w.lower() in UNIT_WORDS for w in words):
            continue
        partner = by_start.get(gap.end())
        if partner is None or partner.kind != "noun" or partner.percent:
            continue
        cand.end = gap.end("mods")
        cand.np_end = cand.end
        cand.kind = "noun"
        cand.role = partner.role
        kept.append(cand)
        by_start[cand.start] = cand
    return kept


PARALLEL = regex.compile(
    r"(?:(?:,|;| and| or| whereas| while| versus| vs\.?) (?:the )?|\( ?)$"
)
PARALLEL_AFTER = regex.compile(
    r"\G (?:in|to|into|for|on) (?:the )?(?:[\w+/-]+ ){0,3}?(?:groups?|arms?|intervention|control|placebo|treatment)\b",
    regex.I,
)


def _add_parallel(text, candidates, kept, sentences):
    """'2367 persons in the intervention and 2162 in the control groups', '27 were assigned to
    the BP group and 27 to the BP + DU group': a bare number standing for a second group."""
    kept_starts = {c.start for c in kept}
    by_start = {c.start: c for c in kept}
    starts = sorted(by_start)
    for cand in candidates:
        if cand.start in kept_starts or cand.kind != "bare":
            continue
        # The group after the number first: it rules out most numbers at once.
        if not PARALLEL_AFTER.match(text, cand.num_end):
            continue
        s_start, _ = _enclosing(sentences, cand.start)
        if not PARALLEL.search(text[max(s_start, cand.start - 12): cand.start]):
            continue
        at = bisect.bisect_left(starts, cand.start) - 1
        if at < 0 or starts[at] < s_start:
            continue
        previous = by_start[starts[at]]
        cand.role = "arm" if previous.role in ("enrolled", "randomized") else previous.role
        kept.append(cand)
        bisect.insort(starts, cand.start)
        by_start[cand.start] = cand
    return kept


# A list item's start: the sentence start, after a clause mark or "and".
LIST_ITEM_BEFORE = regex.compile(r"(?:^|[,;:] (?:and )?| and )$")
# What the group of a listed count did: "15 were lost", "45 refused".
DISPOSITION_VERB = regex.compile(r"(?: \w+)? [a-z]+ed\b")
DIED = regex.compile(r" (?:died|deceased)\b")


def _add_disposition_lists(text, candidates, kept, sentences):
    """'23 patients died, 15 were lost to follow-up, 45 refused repeat colonoscopy, and five
    developed severe contraindications': in a sentence that lists withdrawals, every
    clause-initial count is one."""
    kept_starts = {c.start for c in kept}
    listing = {_sentence_index(sentences, c.start) for c in kept if c.role == "withdrawn"}
    candidate_starts = [c.start for c in candidates]
    for s_idx in sorted(listing):
        s_start, s_end = sentences[s_idx]
        first = bisect.bisect_left(candidate_starts, s_start)
        for cand in candidates[first:]:
            if cand.start >= s_end:
                break
            before = text[max(s_start, cand.start - 6): cand.start]
            if cand.start in kept_starts:
                continue
            if not (cand.start == s_start or LIST_ITEM_BEFORE.search(before)):
                continue
            if cand.kind not in ("bare", "noun") or not DISPOSITION_VERB.match(text[cand.np_end: cand.np_end + 30]):
                continue
            cand.role = "withdrawn"
            kept.append(cand)
            kept_starts.add(cand.start)
        for c in kept:
            if c.role is not None and s_start <= c.start < s_end and c.kind in ("noun", "bare"):
                if DIED.match(text[c.np_end: c.np_end + 12]):
                    c.role = "withdrawn"
    return kept


SHARED_ROLE_GAP = regex.compile(r"(?: \([^()]{0,40}\))?,? (?:and|or) (?:the )?")


def _share_coordinated_roles(text: str, kept: list[_Candidate]) -> None:
    """'Fifteen ... out-patients and 23 ... out-patients were randomly assigned': counts joined by
    'and' with no cue of their own share the role of the last one."""
    for i in range(len(kept) - 2, -1, -1):
        cur, nxt = kept[i], kept[i + 1]
        gap = text[cur.np_end: nxt.start]
        if SHARED_ROLE_GAP.fullmatch(gap) and cur.kind == nxt.kind == "noun":
            if cur.role == "enrolled" and nxt.role != "enrolled":
                # Only when the first had no cue of its own.
                window = text[cur.np_end: nxt.start]
                if not any(label in ROLES for _, _, _, label in _after_cues(window, "role_after")):
                    cur.role = nxt.role


# --------------------------------------------------------------------------------------
# The document total.

def _sentence_index(sentences, position):
    # Sentences tile the text in order, so the one holding a position is found by bisection.
    index = bisect.bisect_right(sentences, (position, len(sentences) + 1 << 62)) - 1
    return min(max(index, 0), len(sentences) - 1)


def total_sample_size(text: str, mentions: list[Found]) -> int | None:
    """GOLD.md's sample_size: enrolled (included, recruited); else randomized; else the sum of
    per-group counts; several studies or phases summed; screened never; None when no count
    is stated or when the total could only come from "up to"/"at least" per-group figures."""
    if not mentions:
        return None
    sentences = _sentences(text)
    usable = []
    for m in sorted(mentions, key=lambda f: f.start):
        if m.values["role"] == "screened":
            continue
        # The numerator of "N of/out of the ..." is a part of a group counted elsewhere.
        if PARTITIVE_AFTER.match(text, _number_end(text, m)):
            continue
        usable.append(m)
    for tier in (("enrolled",), ("randomized",), ("arm",), ("analyzed",), ("completed",)):
        group = [m for m in usable if m.values["role"] in tier]
        if not group:
            continue
        if tier == ("arm",) and any(BOUND_BEFORE.search(text[max(0, m.start - 20): m.start]) for m in group):
            return None
        if tier == ("enrolled",):
            group = _stated_enrolments(text, group, sentences)
        values = _top_level(text, group, sentences)
        return sum(values) if values else None
    return None


def _count_before(group: list[Found], start: int, end: int) -> bool:
    """Whether one of the (sorted) counts lies in [start, end)."""
    at = bisect.bisect_left([m.start for m in group], start)
    return at < len(group) and group[at].start < end


def _stated_enrolments(text: str, group: list[Found], sentences) -> list[Found]:
    """The first sentence with an enrolled count states the population; a later count adds to
    it only where its own clause says it was enrolled ("Thirteen ... volunteers served as
    controls", "8 newly enrolled patients"). Counts that merely describe part of the
    population ("Thirty-four patients were labeled with PDD-NOS") carry no such cue."""
    first = _sentence_index(sentences, group[0].start)
    kept = []
    for m in group:
        s_idx = _sentence_index(sentences, m.start)
        if s_idx == first or _has_enrolment_cue(text, m, sentences[s_idx]):
            kept.append(m)
    return kept


def _has_enrolment_cue(text: str, mention: Found, sentence: tuple[int, int]) -> bool:
    number_end = _number_end(text, mention)
    before = text[max(sentence[0], mention.start - BEFORE_WINDOW): mention.start].replace(MARK, " ")
    after = text[number_end: min(sentence[1], number_end + AFTER_WINDOW)].replace(MARK, " ")
    cues = sorted((d, length, label) for is_after, d, length, label in _cues(before, after, "role")
                  if label in ROLES)
    return bool(cues) and cues[0][2] == "enrolled"


def _number_end(text: str, mention: Found) -> int:
    number = _number_pattern().match(text, mention.start)
    return number.end() if number else mention.end


def _top_level(text: str, group: list[Found], sentences) -> list[int]:
    """The counts of one tier that are not parts or repeats of another."""
    # Subgroups named after a split ("divided into ... (n = 10) and ... (n = 10)").
    parts = []
    for m in group:
        s_idx = _sentence_index(sentences, m.start)
        s_start = sentences[s_idx][0]
        split = None
        for found in SUBDIVISION.finditer(text, max(s_start, m.start - SUBDIVISION_REACH), m.start):
            split = found
        if split is not None and _count_before(group, sentences[s_idx][0], split.start()):
            continue
        parts.append(m)
    # A run of later counts that adds up to an earlier one is its breakdown.
    values = [m.values["value"] for m in parts]
    keep = [True] * len(parts)
    for i, v in enumerate(values):
        if not keep[i]:
            continue
        running = 0
        for j in range(i + 1, min(len(values), i + 1 + MAX_PARTS)):
            running += values[j]
            if running == v and j > i + 1:
                for k in range(i + 1, j + 1):
                    keep[k] = False
                break
            if running > v:
                break
    parts = [m for m, k in zip(parts, keep) if k]
    # The same number again in a later sentence is the same group mentioned again.
    seen: dict[int, int] = {}
    total = []
    for m in parts:
        value = m.values["value"]
        s_idx = _sentence_index(sentences, m.start)
        if value in seen and seen[value] != s_idx:
            continue
        seen.setdefault(value, s_idx)
        total.append(value)
    return total


class SampleSizeExtractor:
    def __init__(self, spans_key: str):
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        found = find_sample_sizes(text)
        write_spans(doc, self.spans_key, found)
        doc._.sample_size = total_sample_size(text, found)
        return doc


@Language.factory("trialfacts_sample_size", default_config={"spans_key": SAMPLE_SIZES})
def make_sample_size_extractor(nlp: Language, name: str, spans_key: str) -> SampleSizeExtractor:
    return SampleSizeExtractor(spans_key)
