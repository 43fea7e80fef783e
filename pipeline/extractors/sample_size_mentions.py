"""Every participant count in a text, with its role (GOLD.md "sample_sizes").

Most counts come with their head noun ("26 patients"); some stand alone where the sentence makes
the group plain:
  - "n = 23", "(N.=57)": the statistician's count;
  - "14 and 13 patients": a number coordinated with a counted noun;
  - "23 patients died, 15 were lost to follow-up": a number followed by what the group did;
  - "... in the intervention and 2162 in the control group": a parallel group;
  - "9 of 20 (45%) in the treatment group": the denominator of a result.
Reading a single number (is it a count, which role) is sample_size_cues.py's job.
"""

from __future__ import annotations

import bisect

import regex

from ..nlp.spans import Found
from .sample_size_cues import (
    AFTER_WINDOW,
    BREAKDOWN_HEADS,
    GROUP_BEFORE_N,
    GROUP_WORD,
    LABEL,
    MARK,
    NEIGHBOURS,
    PARTITIVE_AFTER,
    ROLES,
    SENTENCE_REACH,
    STOP_WORDS,
    UNIT_WORDS,
    Candidate,
    after_cues,
    before_cues,
    clause_window,
    enclosing,
    find_candidates,
    inside_brackets,
    is_denominator,
    is_no_count,
    noun_phrase,
    number_pattern,
    outcome_before,
    participant_nouns,
    read_role,
    reports_result,
    sentence_index,
    sentence_spans,
)


def find_sample_sizes(text: str) -> list[Found]:
    # The cue caches serve one document (and its total, read next): a clause seldom recurs
    # in another, and a long run of documents must not grow them.
    for cache in (after_cues, before_cues, is_no_count, outcome_before):
        cache.cache_clear()
    candidates = find_candidates(text)
    sentences = sentence_spans(text)
    kept: list[Candidate] = []
    # Numbers found not to be counts at all; the coordination rules must not revive them.
    rejected: set[int] = set()
    for i, cand in enumerate(candidates):
        s_start, s_end = enclosing(sentences, cand.start)
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
        before, after = clause_window(text, cand, clause_left, clause_right)
        if cand.kind != "n_equals" and is_no_count(before, after):
            rejected.add(cand.start)
            continue
        if cand.kind == "bare" and _looks_like_year(cand, text):
            rejected.add(cand.start)
            continue
        # The role is read (by read_role, only where it is needed) from the stretch up to the
        # neighbouring counts.
        near = clause_window(text, cand, left, right)
        before_text = text[max(s_start, cand.start - 40): cand.start]
        as_denominator = is_denominator(before_text)
        partitive = PARTITIVE_AFTER.match(text, cand.num_end) if cand.kind == "bare" else None

        if cand.kind == "n_equals":
            # "complications (n = 4)", "(35.2 +/- 22.3 hours, n = 11)": a result's n.
            if outcome_before(before):
                continue
            # "a control group (n = 9) was studied": the n of a named group is that arm.
            if GROUP_BEFORE_N.search(text, max(s_start, cand.start - 40), cand.start):
                cand.role = "arm"
                kept.append(cand)
                continue
            role, role_distance = read_role(*near)
            cand.role = role if role in ("enrolled", "randomized", "analyzed", "completed", "withdrawn", "screened") and role_distance is not None and role_distance < 25 else "arm"
            kept.append(cand)
            continue

        if cand.kind == "noun":
            if cand.head in BREAKDOWN_HEADS and inside_brackets(text, cand.start, s_start) and not as_denominator:
                continue
            if not as_denominator and (reports_result(after) or outcome_before(before)):
                continue
            role, _ = read_role(*near)
            if as_denominator:
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
            phrase = noun_phrase(text, partitive.end() - 1)
            if phrase is None:
                # "41 out of 50 randomized participants": the phrase follows the denominator.
                denominator = number_pattern().match(text, partitive.end())
                if denominator is not None:
                    phrase = noun_phrase(text, denominator.end())
            if phrase is not None and not reports_result(after) and not IN_BEFORE.search(before_text):
                np_end = phrase[0]
                tail = text[np_end: min(clause_right, np_end + AFTER_WINDOW)]
                tail_role = _partitive_role(tail)
                if tail_role is not None:
                    cand.role = tail_role
                    kept.append(cand)
                    continue
            # A bare denominator: "(24 of 54) of the CQ-treated patients", "9 of 20 (45%) in
            # the treatment group".
        if as_denominator:
            sentence = text[s_start:s_end]
            if _mentions_people(sentence) and not _counts_something_else(text, cand.num_end):
                cand.role = "arm"
                kept.append(cand)
                continue
        # "15 were lost to follow-up", "263 (87.4%) completed", "27 were assigned to": the
        # role's verb must follow the number at once.
        lead = BARE_LEAD.match(text, cand.num_end)
        if lead is not None and not reports_result(after):
            role, role_distance = read_role(*near, after_only=True)
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


def _looks_like_year(cand: Candidate, text: str) -> bool:
    return bool(YEAR.fullmatch(text[cand.num_start: cand.num_end])) and not PARTITIVE_AFTER.match(text, cand.num_end)


def _partitive_role(tail: str) -> str | None:
    """What a partitive numerator's group did, read after its noun phrase: only roles a
    subset of the population can take (completed, withdrawn, analyzed, randomized, began a
    trial)."""
    cues = sorted((d, length, label) for _, d, length, label in after_cues(tail.replace(MARK, " "), "after"))
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
    nouns = participant_nouns()
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
    return word == "%" or (word not in STOP_WORDS and word not in participant_nouns())


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
        s_start, _ = enclosing(sentences, cand.start)
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
    listing = {sentence_index(sentences, c.start) for c in kept if c.role == "withdrawn"}
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


def _share_coordinated_roles(text: str, kept: list[Candidate]) -> None:
    """'Fifteen ... out-patients and 23 ... out-patients were randomly assigned': counts joined by
    'and' with no cue of their own share the role of the last one."""
    for i in range(len(kept) - 2, -1, -1):
        cur, nxt = kept[i], kept[i + 1]
        gap = text[cur.np_end: nxt.start]
        if SHARED_ROLE_GAP.fullmatch(gap) and cur.kind == nxt.kind == "noun":
            if cur.role == "enrolled" and nxt.role != "enrolled":
                # Only when the first had no cue of its own.
                window = text[cur.np_end: nxt.start]
                if not any(label in ROLES for _, _, _, label in after_cues(window, "role_after")):
                    cur.role = nxt.role
