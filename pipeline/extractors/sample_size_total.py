"""The document's total (GOLD.md "sample_size") decided over its count mentions.

Enrolled (included, recruited) first; else randomized; else a count that met the criteria; else
a planned target (left only where no actual count is given); else the sum of per-group counts
("two groups of 30 each" is 60); several studies or phases summed; screened never (nor the pool
of "Of 320 assessed, 120 were randomized"); null when no count is stated or when the total could
only come from "up to"/"at least" per-group figures. A count whose role no cue gave states the
population only before the first count whose cue does; units other than people count only where
no people are counted.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import regex

from ..nlp.spans import Found
from .sample_size_cues import (
    AFTER_WINDOW,
    BEFORE_WINDOW,
    BOUND_BEFORE,
    CUE_ROLES,
    MARK,
    MAX_PARTS,
    PARTITIVE_AFTER,
    SUBDIVISION,
    SUBDIVISION_REACH,
    inside_brackets,
    number_pattern,
    read_cues,
    sentence_index,
    sentence_spans,
)


def total_sample_size(text: str, mentions: list[Found]) -> int | None:
    """GOLD.md's sample_size over the mentions as written out (find_sample_sizes): enrolled
    (included, recruited); else randomized; else the sum of per-group counts; several studies or
    phases summed; screened never; None when no count is stated or when the total could only
    come from "up to"/"at least" per-group figures."""
    return total_of_counts(text, [getattr(m, "count", None) or Count(m.start, m.end, m.values["value"], m.values["role"])
                                  for m in mentions])


@dataclass
class Count:
    """What the total reads of a mention: its finer role (sample_size_cues.FINER_ROLES), whether
    a cue gave it (else the role is "enrolled" by default), whether it counts people."""

    start: int
    end: int
    value: int
    role: str
    cued: bool = True
    units: bool = False
    entered: bool = False


# Enrolled first, then randomized; a count that met the criteria only where neither is given; a
# planned count (left only where no actual count is given: sample_size_mentions); then the
# arms' sum, the analysed, the completers.
TIERS = ("enrolled", "randomized", "eligible", "planned", "arm", "analyzed", "completed")


def total_of_counts(text: str, counts) -> int | None:
    """The total over counts (Count, or sample_size_cues.Candidate: the same fields)."""
    if not counts:
        return None
    sentences = sentence_spans(text)
    counts = sorted(counts, key=lambda c: c.start)
    usable = []
    for m in counts:
        if m.role == "screened":
            continue
        # The numerator of "N of/out of the ..." is a part of a group counted elsewhere, unless
        # it is the part that entered the trial from a pool.
        if PARTITIVE_AFTER.match(text, _number_end(text, m)) and not m.entered:
            continue
        usable.append(m)
    # A count with no cue of its own states the population only before the first count whose
    # cue says so, or beside it in its sentence ("We studied 20 patients ... and ten healthy
    # volunteers"); later, or in a bracket after it, it is a part: "the 134 patients given
    # sertraline", "were randomized (slow response, 55 patients; ...)".
    first_stated = next((m.start for m in usable if m.cued and m.role in ("enrolled", "randomized", "eligible")), None)
    if first_stated is not None:
        stated_sentence = sentences[sentence_index(sentences, first_stated)]
        usable = [m for m in usable if m.cued or m.role != "enrolled" or m.start <= first_stated
                  or (m.start < stated_sentence[1] and not inside_brackets(text, m.start, stated_sentence[0]))]
    # Units other than people are the total only where no count of people is given.
    people = [m for m in usable if not m.units]
    for group in (people, [m for m in usable if m.units]):
        total = _tiered_total(text, group, sentences)
        if total is not _NO_TIER:
            return total
    return None


_NO_TIER = object()


def _tiered_total(text: str, usable, sentences):
    for tier in TIERS:
        group = [m for m in usable if m.role == tier]
        if not group:
            continue
        if tier == "arm" and any(BOUND_BEFORE.search(text[max(0, m.start - 20): m.start]) for m in group):
            return None
        if tier == "enrolled":
            group = _stated_enrolments(text, group, sentences)
        if tier == "arm":
            group = _equal_groups(text, group)
        values = _top_level(text, group, sentences)
        return sum(values) if values else None
    return _NO_TIER


# "divided into two groups of 30 patients each": one count stands for every group.
EQUAL_GROUPS_BEFORE = regex.compile(
    r"\b(?P<groups>two|three|four|five|six|[2-6]) (?:equal |treatment |parallel |study )?(?:groups|arms|cohorts) of (?:\w+ )?$", regex.I)
GROUPS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _equal_groups(text: str, group: list) -> list:
    repeated = []
    for m in group:
        found = EQUAL_GROUPS_BEFORE.search(text, max(0, m.start - 40), m.start)
        times = 1
        if found is not None:
            word = found.group("groups").lower()
            times = GROUPS.get(word) or int(word)
        repeated.extend([m] * times)
    return repeated


def _count_before(group: list[Count], start: int, end: int) -> bool:
    """Whether one of the (sorted) counts lies in [start, end)."""
    at = bisect.bisect_left([m.start for m in group], start)
    return at < len(group) and group[at].start < end


def _stated_enrolments(text: str, group: list[Count], sentences) -> list[Count]:
    """The first sentence with an enrolled count states the population; a later count adds to
    it only where its own clause says it was enrolled ("Thirteen ... volunteers served as
    controls", "8 newly enrolled patients"). Counts that merely describe part of the
    population ("Thirty-four patients were labeled with PDD-NOS") carry no such cue."""
    first = sentence_index(sentences, group[0].start)
    kept = []
    for m in group:
        s_idx = sentence_index(sentences, m.start)
        if s_idx == first or _has_enrolment_cue(text, m, sentences[s_idx]):
            kept.append(m)
    return kept


def _has_enrolment_cue(text: str, mention: Count, sentence: tuple[int, int]) -> bool:
    number_end = _number_end(text, mention)
    before = text[max(sentence[0], mention.start - BEFORE_WINDOW): mention.start].replace(MARK, " ")
    after = text[number_end: min(sentence[1], number_end + AFTER_WINDOW)].replace(MARK, " ")
    cues = sorted((d, length, label) for is_after, d, length, label in read_cues(before, after, "role")
                  if label in CUE_ROLES)
    return bool(cues) and cues[0][2] == "enrolled"


def _number_end(text: str, mention: Count) -> int:
    number = number_pattern().match(text, mention.start)
    return number.end() if number else mention.end


def _top_level(text: str, group: list[Count], sentences) -> list[int]:
    """The counts of one tier that are not parts or repeats of another."""
    # Subgroups named after a split ("divided into ... (n = 10) and ... (n = 10)").
    parts = []
    for m in group:
        s_idx = sentence_index(sentences, m.start)
        s_start = sentences[s_idx][0]
        split = None
        for found in SUBDIVISION.finditer(text, max(s_start, m.start - SUBDIVISION_REACH), m.start):
            split = found
        if split is not None and _count_before(group, sentences[s_idx][0], split.start()):
            continue
        parts.append(m)
    # A run of later counts that adds up to an earlier one is its breakdown.
    values = [m.value for m in parts]
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
        value = m.value
        s_idx = sentence_index(sentences, m.start)
        if value in seen and seen[value] != s_idx:
            continue
        seen.setdefault(value, s_idx)
        total.append(value)
    return total
