"""The document's total (GOLD.md "sample_size") decided over its count mentions.

Enrolled (included, recruited) first; else randomized; else the sum of per-group counts;
several studies or phases summed; screened never; null when no count is stated or when the
total could only come from "up to"/"at least" per-group figures.
"""

from __future__ import annotations

import bisect

from ..nlp.spans import Found
from .sample_size_cues import (
    AFTER_WINDOW,
    BEFORE_WINDOW,
    BOUND_BEFORE,
    MARK,
    MAX_PARTS,
    PARTITIVE_AFTER,
    ROLES,
    SUBDIVISION,
    SUBDIVISION_REACH,
    number_pattern,
    read_cues,
    sentence_index,
    sentence_spans,
)


def total_sample_size(text: str, mentions: list[Found]) -> int | None:
    """GOLD.md's sample_size: enrolled (included, recruited); else randomized; else the sum of
    per-group counts; several studies or phases summed; screened never; None when no count
    is stated or when the total could only come from "up to"/"at least" per-group figures."""
    if not mentions:
        return None
    sentences = sentence_spans(text)
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
    first = sentence_index(sentences, group[0].start)
    kept = []
    for m in group:
        s_idx = sentence_index(sentences, m.start)
        if s_idx == first or _has_enrolment_cue(text, m, sentences[s_idx]):
            kept.append(m)
    return kept


def _has_enrolment_cue(text: str, mention: Found, sentence: tuple[int, int]) -> bool:
    number_end = _number_end(text, mention)
    before = text[max(sentence[0], mention.start - BEFORE_WINDOW): mention.start].replace(MARK, " ")
    after = text[number_end: min(sentence[1], number_end + AFTER_WINDOW)].replace(MARK, " ")
    cues = sorted((d, length, label) for is_after, d, length, label in read_cues(before, after, "role")
                  if label in ROLES)
    return bool(cues) and cues[0][2] == "enrolled"


def _number_end(text: str, mention: Found) -> int:
    number = number_pattern().match(text, mention.start)
    return number.end() if number else mention.end


def _top_level(text: str, group: list[Found], sentences) -> list[int]:
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
        s_idx = sentence_index(sentences, m.start)
        if value in seen and seen[value] != s_idx:
            continue
        seen.setdefault(value, s_idx)
        total.append(value)
    return total
