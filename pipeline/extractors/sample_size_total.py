"""The document's total (GOLD.md "sample_size") decided over its count mentions.

Three steps, each one simple rule:
  1. Which counts may state the population: not the screened (nor the pool of "Of 320
     assessed, 120 were randomized", nor an uncued count whose part "of whom" entered), not the
     numerator of "N of M" (a part of a group counted elsewhere), not a subgroup a result is
     read in, and a count whose role no cue gave only before the first count whose cue does
     (later it is a part or a result: "the 134 patients given sertraline"). Units other than
     people count only where no people are counted. A count of every group ("6 per cohort")
     is read as a group's, whatever verb it shares.
  2. The first tier that has counts decides: enrolled (included, recruited); else randomized;
     else a count that met the criteria; else a planned target (left only where no actual
     count is given); else the groups' counts; else the analysed; else the completers.
  3. Within the tier, the counts that are not parts or repeats of another are summed: several
     studies or phases add up; a run of counts adding up to an earlier one is its breakdown, and
     so are the counts after a pool ("Of 84 enrolled patients, 42 ... and 42 ...") and a later
     sentence counting as many groups again, none larger (the same groups at a follow-up);
     the same number again in a later sentence is the same group (unless both are the n of
     groups named apart: "Group A (n = 30) ... Group B (n = 30)"), and so is a later "the N"
     in the enrolled or randomized tier; a sentence opening a further study part ("In
     experiment 2, ...") adds its count; "two groups of 30" and "(n = 30 per group)" stand for
     every group. Null where the groups' counts are only bounds ("up to 5 patients each").
     The n of several time points ("at 6 months (n = 71) and at 12 months (n = 68)") counts
     the same people: the largest is kept. People added after the population ("a separate
     group of 37 women", "30 additional patients") add to whichever tier decides.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from itertools import pairwise

import regex

from ..nlp.spans import Found
from .sample_size_cues import (
    AFTER_WINDOW,
    BEFORE_WINDOW,
    BOUND_BEFORE,
    CUE_ROLES,
    EACH_GROUP_OR_ARM,
    MARK,
    MAX_PARTS,
    MEASURED_AGAIN_WORDS,
    PARTITIVE_AFTER,
    STUDY_PART_OPENING,
    SUBDIVISION,
    SUBDIVISION_REACH,
    inside_brackets,
    number_pattern,
    participant_nouns,
    read_cues,
    sentence_index,
    sentence_spans,
)


def total_sample_size(text: str, mentions: list[Found]) -> int | None:
    """GOLD.md's sample_size over the mentions as written out (find_sample_sizes); mentions
    made elsewhere (without the count they were read from) are taken as cued."""
    return total_of_counts(text, [getattr(m, "count", None) or Count(m.start, m.end, m.values["value"], m.values["role"])
                                  for m in mentions])


@dataclass
class Count:
    """What the total reads of a mention: its finer role (sample_size_cues.FINER_ROLES), whether
    a cue gave it (else the role is "enrolled" by default), whether it counts people, and
    whether it is the count of every group."""

    start: int
    end: int
    value: int
    role: str
    cued: bool = True
    units: bool = False
    entered: bool = False
    each: bool = False
    time_point: bool = False
    further: bool = False


# Enrolled first, then randomized; a count that met the criteria only where neither is given; a
# planned count (left only where no actual count is given: sample_size_mentions); then the
# groups' sum, the analysed, the completers.
TIERS = ("enrolled", "randomized", "eligible", "planned", "arm", "analyzed", "completed")
# The roles of a count that states the population (before the first, an uncued count may too).
STATED_ROLES = ("enrolled", "randomized", "eligible", "planned")


def total_of_counts(text: str, counts) -> int | None:
    """The total over counts (Count, or sample_size_cues.Candidate: the same fields)."""
    if not counts:
        return None
    sentences = sentence_spans(text)
    usable = _population_counts(text, sorted(counts, key=lambda c: c.start), sentences)
    pools = _pools(text, usable, sentences)
    # People added after the population ("a separate group of 37 women") add to whichever
    # tier decides, where one does.
    further = [m for m in usable if m.further]
    if len(further) < len(usable):
        usable = [m for m in usable if not m.further]
    else:
        further = []
    for group in ([m for m in usable if not m.units], [m for m in usable if m.units]):
        for tier in TIERS:
            in_tier = [m for m in group if _tier_of(m) == tier]
            if in_tier:
                total = _tier_total(text, tier, in_tier, sentences, pools)
                added = sum(m.value for m in further if m.start > in_tier[0].start)
                return total + added if total is not None else None
    return None


def _tier_of(m) -> str:
    """The tier a count is read in: a count of every group ("6 patients per cohort", "(150 in
    each group)") states one group's size, whatever verb it shares with the population."""
    if getattr(m, "each", False) and m.role in STATED_ROLES:
        return "arm"
    return m.role


def _population_counts(text: str, counts: list, sentences) -> list:
    """Step 1: the counts that may state the population (see the module's docstring)."""
    usable = [m for m in counts if m.role != "screened"
              # The numerator of "N of/out of the ..." is a part of a group counted elsewhere,
              # unless it is the part that entered the trial from a pool.
              and (m.entered or not PARTITIVE_AFTER.match(text, _number_end(text, m)))]
    # "530 women delivered at the unit, of whom 412 were eligible": a count with no cue of its
    # own, whose part is then said to have entered, is the pool the part came from.
    usable = [m for m, after in zip(usable, usable[1:] + [None])
              if m.cued or after is None or not (after.cued and after.role in STATED_ROLES
                                                  and SUBSET_AFTER.fullmatch(text, _number_end(text, m), after.start))]
    first_cued = next((m for m in usable if m.cued and m.role not in ("withdrawn", "subgroup")), None)
    if first_cued is None:
        return usable
    # An uncued count beside the first cued one in its sentence still states the population
    # ("We studied 20 patients ... and ten healthy volunteers"), unless it is in a bracket
    # there ("were randomized (slow response, 55 patients; ...)").
    floor, ceiling = sentences[sentence_index(sentences, first_cued.start)]
    return [m for m in usable if m.cued or m.start <= first_cued.start
            or (m.start < ceiling and not inside_brackets(text, m.start, floor))]


# Between a pool and its part: the pool's phrase, then "of whom", "of these" opening the part.
SUBSET_AFTER = regex.compile(r"[^.;()§]{0,80}?(?:, |\. )(?:of|among|amongst) (?:whom|these|them|those)(?: \w+)?,? ")
# "we examined the 2,646 participants aged 75 or older": a group the text has already counted,
# or a part of it, not more people ("the 12 patients in phase 1 and the 14 in phase 2" are
# coordinated, each its own group).
ANAPHORIC_BEFORE = regex.compile(r"(?<!\band |, |\bor |\bversus |\bvs\.? )\b(?:the|these|those)\s?$", regex.I)


def _tier_total(text: str, tier: str, group: list, sentences, pools: dict[int, int]) -> int | None:
    """Steps 2 and 3 for the tier that decides."""
    if tier == "arm":
        if any(BOUND_BEFORE.search(text[max(0, m.start - 20): m.start]) for m in group):
            return None
        group = _without_follow_up_counts(text, group, sentences)
    # The people counted at several time points are counted once, where most were.
    at_time_points = [m for m in group if m.time_point]
    if len(at_time_points) > 1:
        largest = max(at_time_points, key=lambda m: m.value)
        group = [m for m in group if m is largest or not m.time_point]
    if tier == "enrolled":
        group = _stated_enrolments(text, group, sentences)
    if tier in ("enrolled", "randomized"):
        group = group[:1] + [m for m in group[1:] if not ANAPHORIC_BEFORE.search(text, max(0, m.start - 8), m.start)]
    # "two groups of 30", "2 panels of 25 nurses" stand for every group in any tier; "(n = 30
    # per group)" in the arm tier only (elsewhere it is read as an arm: _tier_of).
    group = [m for m in group for _ in range(_groups_counted(text, m, sentences, each=tier == "arm"))]
    values = _top_level(text, group, sentences, pools, labelled=tier == "arm")
    return sum(values) if values else None


# What says a sentence counts the groups again later: a time point, or people measured again.
FOLLOW_UP = regex.compile(
    r"\b(?:at|after|by) (?:the )?(?:\d{1,3}|one|two|three|four|six|twelve)[ -](?:weeks?|months?|years?|days?)\b"
    r"|\bat (?:the )?(?:end|follow-up|(?:week|month|day|visit) \d)"
    rf"|\b{MEASURED_AGAIN_WORDS}\b",
    regex.I)


# "In a second, independent trial, 30 ... and 30 ...": other people, whatever follows.
OTHER_STUDY = regex.compile(
    r"\b(?:second|another|independent|separate|new|further)\b[^.;]{0,20}?\b(?:trial|study|cohort|sample|experiment)\b",
    regex.I)


def _without_follow_up_counts(text: str, group: list, sentences) -> list:
    """The groups' counts as first given: a later sentence that counts as many groups again,
    each no larger than before, at a time point or an assessment, counts the same groups after
    some left ("drug (n = 40) or placebo (n = 40). At 6 months, 36 ... and 35 ... were
    assessed"), unless it opens a further study part or names another study."""
    by_sentence: dict[int, list] = {}
    for m in group:
        by_sentence.setdefault(sentence_index(sentences, m.start), []).append(m)
    kept: list = []
    first: list | None = None
    for s_idx, counts in by_sentence.items():
        if first is not None and len(counts) == len(first) and all(
                later.value <= earlier.value for later, earlier in zip(counts, first)) \
                and FOLLOW_UP.search(text, *sentences[s_idx]) and not OTHER_STUDY.search(text, *sentences[s_idx]) \
                and not _opens_study_part(text, counts[0], sentences[s_idx]):
            continue
        if first is None and len(counts) >= 2:
            first = counts
        kept.extend(counts)
    return kept


# --- how many groups one count stands for ----------------------------------------------------
# Up to twelve: animal and dose-finding studies run "seven groups of 30", "ten cohorts of 6".
GROUP_NUMBER = r"(?P<groups>two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|1[0-2]|[2-9])"
# "divided into two groups of 30 patients each", "three sequential dose cohorts of 12",
# "2 panels of 25 nurses", "two series of 15 patients".
EQUAL_GROUPS_BEFORE = regex.compile(
    rf"\b{GROUP_NUMBER} (?:[\w-]+ ){{0,2}}(?:groups|arms|cohorts|panels|series|samples) of (?:\w+ )?$", regex.I)
# Where a count of every group ("(n = 30 per group)") is given, the groups stated before it (in
# its sentence or the one before first, then anywhere earlier) or after it in its sentence: "two
# groups", "three treatment arms", "a three-arm trial", a crossover's "two sequences".
GROUPS_STATED = regex.compile(
    rf"\b{GROUP_NUMBER}(?: (?:[\w-]+ ){{0,2}}?(?:groups|arms|cohorts|sequences)\b|-arm(?:ed)?\b)", regex.I)
# Else the treatments it was assigned to: "randomly assigned to resistance training or
# stretching (n = 30 per group)", "to lidocaine, ketamine or saline".
ALTERNATIVE = r"[^,;()]{1,40}?"
ASSIGNED_TO = regex.compile(
    rf"\b(?:randomi[sz]ed|randomly (?:assigned|allocated)|assigned|allocated) (?:\w+ )?(?:to|into|between) (?:receive )?"
    rf"(?P<alternatives>{ALTERNATIVE}(?:, {ALTERNATIVE}){{0,4}},? (?:or|versus|vs\.?|and) {ALTERNATIVE})(?=[,;(.]| with\b|$)",
    regex.I)
# Or the groups named after "each": "1,500 patients each for the PEP and PET trials", "40
# children each in the zinc, iron and placebo arms".
EACH_FOR_ALTERNATIVES = regex.compile(
    rf"\G,? each (?:for|in|into|to) (?:the |both )?(?P<alternatives>{ALTERNATIVE}(?:, {ALTERNATIVE}){{0,4}},? (?:or|and) {ALTERNATIVE})(?=[,;(.]|$)",
    regex.I)
GROUPS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
          "eleven": 11, "twelve": 12}


def _group_number(word: str) -> int:
    return GROUPS.get(word.lower()) or int(word)


def _groups_counted(text: str, m, sentences, each: bool = True) -> int:
    """How many groups a count stands for: 1, or the number of groups where it is the count
    of each ("two groups of 30", and where each is true "(n = 30 per group)"). For the latter,
    nearest evidence first: the groups named after "each"; stated in its sentence or the one
    before, or after it in its sentence; assigned to in its sentence; the count of people whose
    bracket holds it; named together before it in its sentence; stated or assigned to anywhere
    before; else two where "each" is said of a group or arm."""
    found = EQUAL_GROUPS_BEFORE.search(text, max(0, m.start - 50), m.start)
    if found is not None:
        return _group_number(found.group("groups"))
    if not (each and getattr(m, "each", False)):
        return 1
    named = EACH_FOR_ALTERNATIVES.match(text, getattr(m, "np_end", m.end))
    if named is not None:
        return _alternatives(named.group("alternatives"))
    s_idx = sentence_index(sentences, m.start)
    floor = sentences[max(0, s_idx - 1)][0]
    stated = list(GROUPS_STATED.finditer(text, floor, m.start))
    if stated:
        return _group_number(stated[-1].group("groups"))
    # Or after it in its sentence: "mice (n = 10/group) were fed ... in four groups".
    stated = GROUPS_STATED.search(text, m.end, sentences[s_idx][1])
    if stated:
        return _group_number(stated.group("groups"))
    assigned = list(ASSIGNED_TO.finditer(text, sentences[s_idx][0], m.start))
    if assigned:
        return _alternatives(assigned[-1].group("alternatives"))
    # Or the count of people it is the bracketed breakdown of: "502 patients (251 in each group)"
    # ("for 60 days (n = 10 per group)" is no such count).
    host = BRACKET_HOST.search(text, max(sentences[s_idx][0], m.start - 60), m.start)
    if host is not None and any(word.lower() in participant_nouns() for word in host.group("words").split()):
        whole = int(host.group("whole").replace(",", ""))
        if whole % m.value == 0 and 2 <= whole // m.value <= 12:
            return whole // m.value
    # Or the groups named together before it in its sentence: "The vaccine and placebo groups
    # comprised 150 infants each".
    together = list(GROUPS_NAMED_TOGETHER.finditer(text, sentences[s_idx][0], m.start))
    if together:
        return _alternatives(together[-1].group("alternatives"))
    # Or the groups stated or named anywhere before ("randomized to low-dose, medium-dose or
    # high-dose aspirin. There were 50 patients in each group"), the nearest.
    own_sentence = sentences[s_idx][0]
    stated_before = list(GROUPS_STATED.finditer(text, 0, own_sentence))
    given_before = list(ASSIGNED_TO.finditer(text, 0, own_sentence)) + list(RECEIVED_ALTERNATIVES.finditer(text, 0, own_sentence))
    nearest = max(stated_before + given_before, key=lambda found: found.start(), default=None)
    if nearest is not None:
        return _group_number(nearest.group("groups")) if nearest in stated_before else _alternatives(nearest.group("alternatives"))
    # Else "in each group" or "per arm" says there are groups, and two is the trial's most common
    # design: nearer the truth than one. "20 patients each" may be "each received both", and
    # "25 in each dose cohort" of a dose-finding study says nothing of how many cohorts.
    if EACH_GROUP_OR_ARM.match(text, getattr(m, "np_end", m.end)) or EACH_GROUP_OR_ARM.match(text, m.end):
        return 2
    return 1


GROUPS_NAMED_TOGETHER = regex.compile(
    r"\b(?P<alternatives>[\w+/-]+(?:, [\w+/-]+){0,4},? (?:and|or) [\w+/-]+) (?:groups|arms|cohorts)\b", regex.I)
# "Patients received ketamine, midazolam or saline": the treatments an earlier sentence gave.
RECEIVED_ALTERNATIVES = regex.compile(
    rf"\b(?:received|were given|to receive) (?P<alternatives>{ALTERNATIVE}(?:, {ALTERNATIVE}){{1,4}},? (?:or|and) {ALTERNATIVE})(?=[,;(.]|$)",
    regex.I)


# A count, at most three words of its noun phrase, and the bracket a breakdown opens.
BRACKET_HOST = regex.compile(r"(?<![\w.,·-])(?P<whole>\d{1,3}(?:,\d{3})+|\d{1,7})(?P<words>(?: [\w-]+){0,3}) ?[(\[]$")


def _alternatives(alternatives: str) -> int:
    return 1 + len(regex.findall(r",? (?:or|versus|vs\.?|and) |, ", alternatives))


# --- which counts of a tier add up -----------------------------------------------------------
def _stated_enrolments(text: str, group: list, sentences) -> list:
    """The first sentence with an enrolled count states the population; a later count adds to
    it only where its own clause says it was enrolled ("Thirteen ... volunteers served as
    controls", "8 newly enrolled patients"). Counts that merely describe part of the
    population ("Thirty-four patients were labeled with PDD-NOS") carry no such cue."""
    first = sentence_index(sentences, group[0].start)
    return [m for m in group
            if sentence_index(sentences, m.start) == first
            or _opens_study_part(text, m, sentences[sentence_index(sentences, m.start)])
            or _has_enrolment_cue(text, m, sentences[sentence_index(sentences, m.start)])]


# A sentence that opens a further study, experiment or part (sample_size_cues.STUDY_PART_OPENING):
# its first count is that part's population, added like a phase's.


def _opens_study_part(text: str, mention, sentence: tuple[int, int]) -> bool:
    return STUDY_PART_OPENING.fullmatch(text, sentence[0], mention.start) is not None


# "a sample of 50 children in the comparison schools": a later sentence's noun for a group
# describes a part of the population stated first, it does not enrol more.
NOMINAL_BEFORE = regex.compile(r"\b(?:sample|subsample|cohort|population|series|group) of (?:\w+ )?$", regex.I)


def _has_enrolment_cue(text: str, mention, sentence: tuple[int, int]) -> bool:
    if NOMINAL_BEFORE.search(text, max(sentence[0], mention.start - 30), mention.start):
        return False
    number_end = _number_end(text, mention)
    before = text[max(sentence[0], mention.start - BEFORE_WINDOW): mention.start].replace(MARK, " ")
    after = text[number_end: min(sentence[1], number_end + AFTER_WINDOW)].replace(MARK, " ")
    cues = sorted((d, length, label) for is_after, d, length, label in read_cues(before, after, "role")
                  if label in CUE_ROLES)
    return bool(cues) and cues[0][2] == "enrolled"


def _number_end(text: str, mention) -> int:
    number = number_pattern().match(text, mention.start)
    return number.end() if number else mention.end


# "Of 84 enrolled patients, 42 received ... and 42 served as controls": a count that opens its
# sentence as a pool; the counts after it there are its parts.
POOL_BEFORE = regex.compile(r"(?:^|[.;:(] ?)(?:of|among|amongst) (?:the |these |all |a total of )?$", regex.I)
# Between the pool and its first part: the pool's phrase, then a comma.
POOL_GAP = regex.compile(r"[^.;()]{0,60}, (?:only )?")


def _pools(text: str, counts: list, sentences) -> dict[int, int]:
    """Where a pool opens each sentence that has one: {sentence index: pool's start}."""
    pools = {}
    for m, after in pairwise(counts):
        if POOL_BEFORE.search(text, max(0, m.start - 20), m.start) and POOL_GAP.fullmatch(text, m.end, after.start):
            pools.setdefault(sentence_index(sentences, m.start), m.start)
    return pools


# The name a group's n follows: "Group A (n = 30)", "the ketamine group (n=25)", "Group B, n = 30".
GROUP_LABEL_BEFORE = regex.compile(r"(?P<label>\b[A-Za-z][\w-]*(?: [A-Za-z0-9][\w-]*){0,2}) ?(?:\(|, ?|: ?) ?$")


# Words that do not tell one group's name from another's ("the control group" = "control").
LABEL_FILLER = frozenset({"the", "in", "into", "of", "to", "and", "or", "with", "group", "groups", "arm", "arms",
                          "cohort", "cohorts"})


def _group_label(text: str, m) -> frozenset[str] | None:
    """The content words of the name an n follows, or None where it follows no name."""
    if not text.startswith(("n", "N"), m.start):
        return None
    found = GROUP_LABEL_BEFORE.search(text, max(0, m.start - 40), m.start)
    if found is None:
        return None
    words = frozenset(w for w in found.group("label").lower().split() if w not in LABEL_FILLER)
    return words or None


def _named_apart(label, seen: list) -> bool:
    """Whether a group's name differs from every earlier one with the same count, all named."""
    return label is not None and bool(seen) and all(
        other is not None and not (other <= label or label <= other) for other in seen)


def _top_level(text: str, group: list, sentences, pools: dict[int, int], labelled: bool = False) -> list[int]:
    """The values of one tier's counts that are not parts or repeats of another."""
    group = [m for m in group if pools.get(sentence_index(sentences, m.start), m.start) >= m.start]
    starts = [m.start for m in group]
    # Subgroups named after a split ("divided into ... (n = 10) and ... (n = 10)") where the
    # whole was counted before the split in the same sentence.
    parts = []
    for m in group:
        s_start = sentences[sentence_index(sentences, m.start)][0]
        splits = list(SUBDIVISION.finditer(text, max(s_start, m.start - SUBDIVISION_REACH), m.start))
        if splits:
            at = bisect.bisect_left(starts, s_start)
            if at < len(group) and group[at].start < splits[-1].start():
                continue
        parts.append(m)
    # A run of later counts that adds up to an earlier one is its breakdown.
    values = [m.value for m in parts]
    keep = [True] * len(parts)
    for i, whole in enumerate(values):
        if not keep[i]:
            continue
        running = 0
        for j in range(i + 1, min(len(values), i + 1 + MAX_PARTS)):
            running += values[j]
            if running == whole and j > i + 1:
                keep[i + 1: j + 1] = [False] * (j - i)
                break
            if running > whole:
                break
    # The same number again in a later sentence is the same group mentioned again, unless
    # both are the n of groups named differently ("Group A (n = 30): ... Group B (n = 30): ...").
    first_sentence: dict[int, int] = {}
    labels: dict[int, list] = {}
    total = []
    for m, kept in zip(parts, keep):
        if not kept:
            continue
        s_idx = sentence_index(sentences, m.start)
        label = _group_label(text, m) if labelled else None
        seen = labels.setdefault(m.value, [])
        named_apart = _named_apart(label, seen)
        seen.append(label)
        if first_sentence.setdefault(m.value, s_idx) != s_idx and not named_apart:
            continue
        total.append(m.value)
    return total
