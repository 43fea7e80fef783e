"""Every participant count in a text, with its role (GOLD.md "sample_sizes").

Most counts come with their head noun ("26 patients"); some stand alone where the sentence makes
the group plain:
  - "n = 23", "(N.=57)": the statistician's count;
  - "14 and 13 patients": a number coordinated with a counted noun;
  - "23 patients died, 15 were lost to follow-up": a number followed by what the group did;
  - "... in the intervention and 2162 in the control group": a parallel group;
  - "9 of 20 (45%) in the treatment group", "80% (114/142)": the denominator of a result;
  - "(61 afatinib, 60 cetuximab)", "6074 on tamoxifen versus 6072 on placebo": arms by treatment;
  - "the 53 who did not", "21 (B) received": a group named by what follows.
Counts of units other than people ("247 febrile episodes were randomized") are mentions where
the trial randomizes them. No mentions: the make-up of a counted group ("10 patients, including
3 severe ..."), a withdrawn count's breakdown by reason, a planned target where an actual count
is given (GOLD.md "Decisions"). Each count also carries what the total needs (Candidate: finer
role, whether a cue gave it, units; sample_size_total.py).
Reading a single number (is it a count, which role) is sample_size_cues.py's job.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import regex

from ..nlp.spans import Found
from ..resources import occurrences, opening_literals
from .sample_size_cues import (
    AFTER_WINDOW,
    BREAKDOWN_HEADS,
    CUE_ROLES,
    DID_ROLES,
    EACH_AFTER,
    EACH_BEFORE_N,
    EACH_GROUP_SUBJECT_BEFORE,
    FURTHER_PEOPLE_AFTER,
    GROUP_BEFORE_N,
    GROUPS_BY_TIME,
    GROUP_WORD,
    LABEL,
    MARK,
    MAX_PARTS,
    MEASURED_AGAIN,
    NAMED_GROUP_SUBJECT_BEFORE,
    NEIGHBOURS,
    PARTITIVE_AFTER,
    RELATIVE,
    SENTENCE_REACH,
    SEPARATE_SAMPLE_BEFORE,
    STOP_WORDS,
    STUDY_PART_OPENING,
    TIME_POINT_BEFORE_N,
    UNIT_WORDS,
    Candidate,
    after_cues,
    before_cues,
    bracket_after,
    clause_window,
    closing_bracket,
    counts_units,
    enclosing,
    find_candidates,
    governing_role,
    inside_brackets,
    is_denominator,
    is_no_count,
    is_other_unit,
    is_procedure_unit,
    names_clusters,
    noun_phrase,
    number_pattern,
    open_bracket_before,
    other_units,
    outcome_before,
    output_role,
    participant_nouns,
    procedure_units,
    read_role,
    reports_result,
    sentence_index,
    sentence_spans,
    singular_nouns,
)


@dataclass
class CountMention(Found):
    """A mention that keeps, beside its values, the count it was read from, which the total
    (sample_size_total.total_sample_size) reads: the finer role, whether a cue gave it, units."""

    count: Candidate | None = None


def find_sample_sizes(text: str) -> list[Found]:
    """Every participant count, as GOLD.md's mentions (value and role)."""
    return [CountMention(c.start, c.end, LABEL, {"value": c.value, "role": output_role(c.role)}, c)
            for c in find_counts(text)]


def find_counts(text: str) -> list[Candidate]:
    """The counts with what the total needs beyond the mention: the finer role (eligible,
    planned), whether a cue gave the role, whether the units are people."""
    # The cue caches serve one document (and its total, read next): a clause seldom recurs
    # in another, and a long run of documents must not grow them.
    for cache in (after_cues, before_cues, is_no_count, outcome_before):
        cache.cache_clear()
    candidates = find_candidates(text)
    # Every later step reads the numbers found; without any (a title, a short note), each
    # would still build its sets and indices for nothing.
    if not candidates:
        return []
    sentences = sentence_spans(text)
    kept: list[Candidate] = []
    # Numbers found not to be counts at all; the coordination rules must not revive them.
    rejected: set[int] = set()
    # Where the pools that a counted part entered from start ("120 of 150 eligible patients").
    pools: set[int] = set()
    # First pass: whether each number is a count at all ("phase 2", "aged 6 to 12 years", "12
    # weeks"), and the clause of each that may be. Only the numbers that may be counts bound the
    # stretch a role is read from: "96 children aged 6 to 12 years were randomized" takes its
    # verb past the ages.
    clauses: list[_Clause | None] = [None] * len(candidates)
    # The last count read as a result, and whether its result cue stood before it ("occurred
    # in 12 patients") or after ("12 patients had nausea"): counts coordinated with it report
    # the same result (_shares_result).
    last_result: tuple[int, int, bool] | None = None
    live = []
    for i, cand in enumerate(candidates):
        # The two quick tests of a bare number first: a third of the numbers are years or
        # counts of a unit ("12 weeks"), and for them neither the clause nor the no-count rules
        # need be read.
        if cand.kind == "bare" and (_looks_like_year(cand, text) or counts_units(text, cand.num_end)):
            rejected.add(cand.start)
            continue
        clauses[i] = clause = _clause_of(text, cand, sentences)
        before = clause.before
        # The slash of "9/20 patients" joins a part to its whole, which is still a count.
        if _is_fraction_whole(text, cand):
            # The clause before ends with the part and its slash ("9/"); the no-count rules read
            # what stands before those.
            before = before[:before.rindex("/")].rstrip("0123456789")
        if cand.kind != "n_equals" and is_no_count(before, clause.after):
            rejected.add(cand.start)
        else:
            live.append(i)
    for at, i in enumerate(live):
        cand = candidates[i]
        clause = clauses[i]
        s_start, s_end, aside = clause.s_start, clause.s_end, clause.aside
        clause_right = clause.right
        before, after = clause.before, clause.after
        # The neighbouring counts bound the stretch a role cue is read from.
        left, right = clause.left, clause.right
        for j in reversed(live[max(0, at - NEIGHBOURS): at]):
            if candidates[j].np_end <= cand.start:
                left = max(left, candidates[j].np_end)
                break
        for j in live[at + 1: at + 1 + NEIGHBOURS + MAX_PARTS]:
            if candidates[j].start >= clause.reach_from:
                right = min(right, candidates[j].start)
                break
        # The role is read (by read_role, only where it is needed) from the stretch up to the
        # neighbouring counts.
        near = clause_window(text, cand, left, right, aside)
        before_text = text[max(s_start, cand.start - 40): cand.start]
        as_denominator = is_denominator(before_text) or _is_fraction_whole(text, cand)
        partitive = PARTITIVE_AFTER.match(text, cand.num_end) if cand.kind == "bare" else None
        # "recruited 72 participants, of whom 36 ...", "Of these, 40 ...": part of a group just
        # counted, which a count without a cue of its own does not add to.
        subset = SUBSET_BEFORE.search(before_text, max(0, len(before_text) - 1)) is not None
        # "10 patients, including 3 severe and 7 moderate cases": the make-up of a group whose
        # own count is written (GOLD.md "Decisions") is no mention.
        # (The kept count is looked at first: it is in the sentence far less often than not.)
        if kept and kept[-1].start >= s_start and INCLUDING_BEFORE.search(before_text):
            rejected.add(cand.start)
            continue
        cand.each = EACH_AFTER.match(text, cand.end if cand.kind == "n_equals" else cand.np_end) is not None or (
            cand.kind == "n_equals" and EACH_BEFORE_N.search(text, max(0, cand.start - 12), cand.start) is not None)
        result_shared = _shares_result(text, cand, last_result, clause.left)

        if cand.kind == "n_equals":
            # "complications (n = 4)", "(35.2 +/- 22.3 hours, n = 11)": a result's n.
            if outcome_before(before):
                continue
            # "(n = 12 centres)", "(n = 3 trials)": an n of something other than people.
            if counts_units(text, cand.end):
                rejected.add(cand.start)
                continue
            # "(n = 42 teeth per group)": units the trial randomizes, which count for the total
            # only where no people are counted.
            unit_after = NEXT_WORD_OR_PERCENT.match(text, cand.end)
            cand.units = unit_after is not None and is_other_unit(unit_after.group(1).lower())
            # "districts constituted the units for randomisation (n = 17)": clusters, not people.
            if names_clusters(before):
                rejected.add(cand.start)
                continue
            # "measured at 6 months (n = 71) and at 12 months (n = 68)": the same people counted
            # at each time point, never groups to add (sample_size_total keeps the largest).
            if TIME_POINT_BEFORE_N.search(text, max(s_start, cand.start - 50), cand.start) \
                    and MEASURED_AGAIN.search(text, s_start, s_end) and not GROUPS_BY_TIME.search(text, s_start, s_end):
                cand.role, cand.cued, cand.time_point = "analyzed", True, True
                kept.append(cand)
                continue
            # "a control group (n = 9) was studied": the n of a named group is that arm; so is
            # an n in the bracket that breaks a count down ("120 adults (n = 58, exercise; n = 62,
            # usual care) were randomized"): the verb after the bracket is the whole's.
            if GROUP_BEFORE_N.search(text, max(s_start, cand.start - 40), cand.start) or \
                    _in_breakdown_of_kept_count(text, kept, cand.start, s_start):
                cand.role, cand.cued = "arm", True
                kept.append(cand)
                continue
            # The population's n ("Adult outpatients with social phobia (N = 204) from 10
            # centres were randomly assigned") takes the clause's verb however far it stands;
            # a group's ("drug (n = 12) or placebo") only a cue next to it.
            population = _population_before(text, cand.start, s_start)
            role, role_distance = read_role(before, after) if population else read_role(*near)
            reach = AFTER_WINDOW if population else 25
            if role in SUBSET_ROLES + ("enrolled", "eligible", "planned", "screened") and role_distance is not None and role_distance < reach:
                cand.role, cand.cued = role, True
            elif cand.share:
                # "(N = 71 [53%])": how many of a group had a result.
                continue
            elif _opens_with_subgroup(text, s_start, cand.start) or (
                    population and reports_result(after.lstrip(") ,"))):
                # "Among responders (n = 34), ...", "In patients with diabetes (n = 45), ...",
                # "Patients with diabetes (n = 45) had ...": a part of the population in which a
                # result is read, never a further group.
                cand.role, cand.cued = "subgroup", True
            else:
                cand.role, cand.cued = "arm", True
            kept.append(cand)
            continue

        if cand.kind == "noun":
            if cand.head in BREAKDOWN_HEADS and not as_denominator and _breakdown_of_a_count(text, candidates, i, s_start):
                continue
            whole = ALL_BEFORE.search(before_text) is not None and not cand.share
            # "in a separate group of 37 women", "30 additional patients": people beyond those
            # counted so far, whom the study enrolled too (whatever was then done with them).
            separate = SEPARATE_SAMPLE_BEFORE.search(before_text) is not None
            if (separate or FURTHER_PEOPLE_AFTER.match(text, cand.num_end)) and not reports_result(after):
                role = read_role(*near, phrase=cand.np_end - cand.num_end)[0]
                # "In phase II, 46 additional patients received the chosen dose": further people
                # treated in a part of the study that opens there joined it.
                part_opened = role == "arm" and STUDY_PART_OPENING.fullmatch(text, s_start, cand.start) is not None
                if role in ("enrolled", "randomized") or part_opened or (separate and role in (None, "arm", "analyzed")):
                    cand.role, cand.cued, cand.further = "enrolled", True, True
                    kept.append(cand)
                    continue
            if not as_denominator and not whole:
                # "We treated 12 patients who had relapsed": where a verb before takes the count
                # as its object, a relative clause after it describes the group, not a result.
                result = reports_result(after)
                if result and (relative := RELATIVE.search(after)) is not None and governing_role(before) is not None:
                    result = reports_result(after[:relative.start()])
                if result:
                    last_result = (cand.np_end, clause.left, False)
                    continue
            # The role is read only past the result (which needs none of it) and never for a
            # denominator, which reads its own below.
            role = None if as_denominator else read_role(*near, phrase=cand.np_end - cand.num_end)[0]
            if not as_denominator and not whole:
                if outcome_before(before) and role != "withdrawn":
                    last_result = (cand.np_end, clause.left, True)
                    continue
                if result_shared is not None and (role is None or (result_shared and role == "arm")):
                    last_result = (cand.np_end, clause.left, result_shared)
                    continue
            if as_denominator:
                # "2 of 3 cases occur in women": a fraction stated in the present tense is a
                # fact about the disease, not a result of the study (reported in the past).
                # "5/6 cases were fatal", "4 of 7 cases resolved": cases counted as a result are
                # events of the outcome, not a group of the study's people.
                if GENERAL_PRESENT.match(text, cand.np_end) or cand.head == "cases":
                    rejected.add(cand.start)
                    continue
                # The verb after "9 of 20 patients had" is the numerator's; the denominator's role
                # is only what its own phrase and a participle after it say ("of 50 randomized
                # participants", "of 100 outpatients consecutively randomized").
                participle = PARTICIPLE_AFTER.match(text, cand.np_end)
                role, _ = read_role(near[0], text[cand.num_end: participle.end()])
                # "47 of the 61 patients completing 12 months": the whole is those who completed,
                # a part of the population, not a further group.
                if role is None and COMPLETING_AFTER.match(text, cand.np_end):
                    role = "completed"
                cand.role = role if role in ("arm", "enrolled", "randomized", "analyzed", "completed") else "arm"
                cand.cued = True
                kept.append(cand)
                continue
            # "cases" counts people only where the sentence says what the group did
            # ("80 cases were randomly treated"), never as a bare tally ("in 2 cases").
            if cand.head == "cases" and role is None:
                continue
            if (cand.percent or cand.share) and role not in SUBSET_ROLES + ("enrolled", "eligible", "screened"):
                continue
            # "one patient ... withdrew after randomisation": a single person is a count only
            # as one who left ("One patient had a rash" is a result).
            if cand.head in singular_nouns():
                if not any(label == "withdrawn" for *_, label in after_cues(near[1], "role_after")):
                    if outcome_before(before):
                        last_result = (cand.np_end, clause.left, True)
                    continue
                role = "withdrawn"
            # "Each group comprised 106 women": the count of every group; "Group C had 40
            # children": the count of that group.
            if role in (None, "enrolled") and EACH_GROUP_SUBJECT_BEFORE.search(before_text):
                role, cand.each = "arm", True
            elif role in (None, "enrolled") and NAMED_GROUP_SUBJECT_BEFORE.search(before_text):
                role = "arm"
            cand.cued = role is not None
            cand.role = role or ("arm" if subset else "enrolled")
            # "54 eyes of 27 patients": units the trial may randomize count for the total only
            # where no people are counted.
            cand.units = is_other_unit(cand.head)
            kept.append(cand)
            continue

        # Bare numbers: only in the constructions that make them counts.
        if result_shared:
            last_result = (cand.np_end, clause.left, True)
            continue
        if partitive is not None:
            # "17 of the most responsive patients ... began", "1905 of the randomized subjects
            # ... completed": the numerator is a count when its group did something the
            # study records; "13 of the 30 neonates" after "controlled in" is a result.
            # The phrase reader expects the space before the first word.
            phrase = noun_phrase(text, partitive.end() - 1)
            modifier = None
            if phrase is None:
                # "41 out of 50 randomized participants": the phrase follows the denominator.
                # "87 of the planned 300 patients": a word may stand before it.
                modifier = DENOMINATOR_MODIFIER.match(text, partitive.end())
                denominator = number_pattern().match(text, modifier.end() if modifier else partitive.end())
                if denominator is not None:
                    phrase = noun_phrase(text, denominator.end())
            # "150 of them were enrolled": the whole is the group counted just before.
            pronoun = None
            if phrase is None:
                pronoun = PRONOUN_WHOLE.match(text, partitive.end() - len(partitive.group("det")))
                if pronoun is not None:
                    phrase = (pronoun.end(),)
            if phrase is not None and not reports_result(after) and not IN_BEFORE.search(before_text):
                np_end = phrase[0]
                tail = text[np_end: min(clause_right, np_end + AFTER_WINDOW)]
                tail_role = _partitive_role(text, tail)
                if tail_role is None and pronoun is None:
                    # "analyses of 203 of the patients": the cue stands before (before "1048 of
                    # whom", it is the whole's: "follow-up was available for 13 194 women, 1048
                    # of whom had CHD").
                    role, _ = read_role(before, "")
                    tail_role = role if role in SUBSET_ROLES else None
                if tail_role is not None:
                    cand.role, cand.cued = tail_role, True
                    # "120 of 150 eligible patients consented": a part drawn from a pool
                    # named here (not "of the" group counted before) entered the trial; a
                    # participle ("84 out of 100 outpatients consecutively randomized") is
                    # said of the pool.
                    if tail_role in ("enrolled", "randomized", "eligible") and not partitive.group("det") \
                            and number_pattern().match(text, partitive.end()) and _entered_verb(tail, text[left:cand.start]):
                        cand.entered = True
                        pools.add(partitive.end())
                    # "87 of the planned 300 patients had been enrolled": the part is the actual
                    # count, the whole a target.
                    if tail_role in ("enrolled", "randomized") and modifier and PLANNED_WORD.fullmatch(modifier.group(1)):
                        cand.entered = True
                    if pronoun is not None and tail_role == "enrolled":
                        cand.entered = cand.part_of_previous = True
                    kept.append(cand)
                    continue
            # A bare denominator: "(24 of 54) of the CQ-treated patients", "9 of 20 (45%) in
            # the treatment group".
        if as_denominator:
            sentence = text[s_start:s_end]
            if _mentions_people(sentence) and not _counts_something_else(text, cand.num_end):
                cand.role, cand.cued = "arm", True
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
                # "leaving 124 for analysis": the one cue that starts with a preposition and
                # still says what the group did.
                if role_distance <= lead.end() - cand.num_end + 1 and (
                        role == "analyzed" or not PREPOSITION.match(text, cue_start, cue_start + 12)):
                    cand.role, cand.cued = role, True
                    kept.append(cand)
                    continue
        # "Enrollment: 120 (Anticipated)", "Target sample size: 80.", "divided into two groups of
        # 25.": a verb or field before takes the number as its object, and nothing after it
        # names what else it could count.
        if OBJECT_END.match(text, cand.num_end):
            role = governing_role(near[0])
            if role is not None:
                cand.role, cand.cued = ("arm" if role == "in_group" else role), True
                kept.append(cand)
                continue
        # "(100 per arm)", "30 in each group": the count of every group, in a sentence that
        # counts people and names no clusters before it.
        if cand.each and _mentions_people(text[s_start:s_end]) and not CLUSTERS_BEFORE.search(text, s_start, cand.start):
            cand.role, cand.cued = "arm", True
            kept.append(cand)
            continue
        # "compared with the 53 who did not": "who" makes the number a group of people.
        if WHO_AFTER.match(text, cand.num_end) and not reports_result(after) and (subset or THE_BEFORE.search(before_text)):
            role, _ = read_role(*near, after_only=True)
            cand.role, cand.cued = role or "arm", role is not None
            kept.append(cand)
            continue
        cand.role = None
    unused = [c for c in candidates if c.start not in rejected]
    kept = _add_coordinated(text, unused, kept, sentences)
    kept = _add_shared_head(text, unused, kept)
    kept = _add_unit_counts(text, unused, kept, sentences)
    kept = _add_parallel(text, unused, kept, sentences)
    kept = _add_disposition_lists(text, unused, kept, sentences)
    kept = _add_treatment_pairs(text, unused, kept, sentences)
    kept = _add_bracketed_arms(text, unused, sorted(kept, key=lambda c: c.start))
    kept = _add_fraction_denominators(text, candidates, kept, sentences)
    kept.sort(key=lambda c: c.start)
    kept = _drop_coordinated_results(text, unused, kept, sentences)
    _share_coordinated_roles(text, kept)
    _share_gapped_roles(text, kept)
    _share_object_roles(text, kept)
    _arms_after_group_list(text, kept, sentences)
    _mark_parts_of_formed_groups(text, kept)
    _mark_pools(text, kept)
    for cand in kept:
        if cand.start in pools:
            cand.role = "screened"
    kept = _drop_reason_breakdowns(text, unused, kept, sentences)
    kept = _drop_bracketed_make_up(text, kept)
    kept = _drop_background(text, kept, sentences)
    _followed_cohort(text, kept)
    return _drop_planned_if_actual(kept)


# A structured abstract's background section speaks of the disease and of earlier work ("2 of
# 3 cases occur in women", "a trial in 500 patients showed ..."): its counts are not of the
# study the document reports (GOLD.md), unless a sentence there speaks of the study itself.
# Headers in capitals, or capitalized with a colon; "Background and aims" may state the study.
# The section ends at a header of the study's own parts (objective, methods, results), never
# at the conclusions: without such a header the abstract is not read as sectioned.
BACKGROUND_HEADER = regex.compile(
    r"(?<![\w-])(?:(?:BACKGROUND|INTRODUCTION|CONTEXT|RATIONALE)(?! AND)\b ?[:.]?|(?:Background|Introduction|Context|Rationale) ?:)")
# The header words, one of which every BACKGROUND_HEADER match holds as written (the pattern is
# case-sensitive): most abstracts hold none, and testing for them costs a third of the search.
BACKGROUND_WORDS = ("BACKGROUND", "INTRODUCTION", "CONTEXT", "RATIONALE", "Background", "Introduction", "Context", "Rationale")
NEXT_HEADER = regex.compile(
    r"(?<![\w-])(?:(?:OBJECTIVES?|AIMS?|PURPOSE|GOALS?|METHODS?|DESIGN|STUDY DESIGN|SETTING|PATIENTS|SUBJECTS|PARTICIPANTS"
    r"|MATERIALS?|RESULTS|FINDINGS|INTERVENTIONS?)\b"
    r"|(?:Objectives?|Aims?|Purpose|Methods?|Design|Setting|Patients|Subjects|Participants|Materials?|Results|Findings"
    r"|Interventions?)(?: [\w ]{1,30}?)? ?:)")
# A background section is a paragraph, not the abstract: past this, the header was not one.
BACKGROUND_LENGTH = 1500
STUDY_ITSELF = regex.compile(r"\b(?:we|our|this|the present|the current|here)\b", regex.I)


def _drop_background(text: str, kept: list[Candidate], sentences) -> list[Candidate]:
    if not kept or not any(word in text for word in BACKGROUND_WORDS):
        return kept
    header = BACKGROUND_HEADER.search(text)
    # A background header far past the first count is a word in running text, not a header.
    if header is None or not kept or kept[0].start + BACKGROUND_LENGTH < header.start():
        return kept
    following = NEXT_HEADER.search(text, header.end(), header.end() + BACKGROUND_LENGTH)
    # Results straight after the background: the methods were in it, unheaded.
    if following is None or following.group().lower().startswith(("results", "findings")):
        return kept
    start, end = header.end(), following.start()

    def in_background(cand: Candidate) -> bool:
        if not start <= cand.start < end:
            return False
        s_start, s_end = enclosing(sentences, cand.start)
        return STUDY_ITSELF.search(text, max(s_start, start), min(s_end, end)) is None

    return [c for c in kept if not in_background(c)]


# A subgroup named before its n, in a sentence that reads a result in it (not a treatment group).
SUBGROUP_BEFORE_N = regex.compile(
    r"\b(?:among|amongst|in|within) (?:the |all )?(?:subgroups?|subsets?|strat(?:um|a)|responders|non-?responders|survivors"
    r"|those|patients|participants|subjects|women|men|children|adults)\b"
    r"(?: (?!(?:group|arm)s?\b|randomi|enrol|includ|recruit|allocat|assign)[\w'/-]+){0,5},? ?\($",
    regex.I)
# Before a sentence's subgroup phrase: nothing, or a section header ("RESULTS: Among ...").
HEADER_ONLY = regex.compile(r"\s*(?:[A-Z][A-Z ,]*:? ?)?")


def _opens_with_subgroup(text: str, s_start: int, n_start: int) -> bool:
    """Whether the sentence opens with the subgroup the n counts ("In patients with diabetes
    (n = 45), ..."); "... studied in volunteers (n = 16) and in patients (n = 8)" are groups."""
    found = SUBGROUP_BEFORE_N.search(text, max(s_start, n_start - 80), n_start)
    return found is not None and HEADER_ONLY.fullmatch(text, s_start, found.start()) is not None


# The present tense of a fact after a fraction's denominator ("2 of 3 cases occur in women");
# results are told in the past or the present perfect ("25 of 48 patients have had ...").
GENERAL_PRESENT = regex.compile(
    r"\G(?: (?!(?:were|was|had|did|have|has)\b)[\w-]+){0,2}? (?:occur|are|is|develop|develops|affect|affects|die|dies"
    r"|experience|experiences|suffer|suffers|remain|remains|require|requires|will)\b")


# "Forty-five patients ... were followed for 2 years": said of the first group the document
# counts, the cohort studied; of a later, smaller one, those who completed.
FOLLOWED = regex.compile(r"[^;.§]{0,80}?\b(?:were|was) (?:\w+ly )?followed(?: up)? (?:for|until)\b")


def _followed_cohort(text: str, kept: list[Candidate]) -> None:
    first = next((c for c in kept if c.role != "screened"), None)
    if first is not None and first.role == "completed" and FOLLOWED.match(text, first.np_end):
        first.role = "enrolled"


PERCENT_SUBJECT = regex.compile(r"[,;:] (?:about |approximately |nearly |almost |over |only )?\d{1,3}(?:[.·]\d{1,2})? ?(?:%|per ?cent\b)")


@dataclass
class _Clause:
    """Where a count's sentence and clause run, the bracket after it (an aside), and the clause's
    text on either side of its number (sample_size_cues.clause_window)."""

    s_start: int
    s_end: int
    left: int
    right: int
    aside: int | None
    reach_from: int
    before: str
    after: str


def _clause_of(text: str, cand: Candidate, sentences) -> _Clause:
    s_start, s_end = enclosing(sentences, cand.start)
    # A "sentence" with no full stop may be a whole 1 MB line: read only near the count.
    s_start = max(s_start, cand.start - SENTENCE_REACH)
    s_end = min(s_end, cand.np_end + SENTENCE_REACH)
    left = max(s_start, text.rfind(";", s_start, cand.start) + 1)
    # A bracket right after the noun phrase is an aside: the counts in it do not bound the
    # stretch a role is read from, and its text is left out of the count's windows.
    aside = bracket_after(text, cand.np_end) if cand.kind == "noun" else None
    if aside is not None and aside >= s_end:
        aside = None
    reach_from = cand.np_end if aside is None else aside
    semicolon = text.find(";", reach_from, s_end)
    right = semicolon if semicolon >= 0 else s_end
    # Inside a bracket ("(18 in the ketamine group and 14 in the midazolam group) completed"),
    # what follows the bracket is said of the whole, not of its parts.
    if cand.kind != "n_equals" and inside_brackets(text, cand.start, s_start):
        closing = text.find(")", cand.end, right)
        right = closing if closing >= 0 else right
    # "Of the 1,203 participants, 94% completed ...": a share opening the next clause is its
    # subject, and the verb after it is not the count's.
    # (Every such share holds "%" or "per": most clauses have neither, and are not searched.)
    reach = min(right, reach_from + AFTER_WINDOW)
    if text.find("%", reach_from, reach) >= 0 or text.find("per", reach_from, reach) >= 0:
        share = PERCENT_SUBJECT.search(text, reach_from, reach)
        if share is not None:
            right = share.start()
    # Whether the number is a count at all is read in its whole clause ("2:1:1" needs the "1:"
    # before it); its role in the stretch up to the neighbouring counts.
    before, after = clause_window(text, cand, left, right, aside)
    return _Clause(s_start, s_end, left, right, aside, reach_from, before, after)


# What may follow a number a verb or field before takes as its object (governing_role): the
# clause's end, a bracket, or a preposition, never a word it would count instead.
OBJECT_END = regex.compile(r"\G(?:[.,;:)\]]|$| [(\[](?! ?\d{1,3}(?:[.·]\d+)? ?%)| (?:in|into|to|from|at|per|each|across|over|and|or|with|who|whom)\b)")
# Clusters named just before "(20 per arm)": the count is theirs, not people's.
CLUSTERS_BEFORE = regex.compile(
    r"\b(?:clusters|units|districts|practices|schools|villages|communities|wards|classrooms|centres|centers|sites|hospitals|regions|households|clinics|homes)\b[^.;]{0,25}$", regex.I)
# "87 of the planned 300 patients": one word between the partitive and its denominator.
DENOMINATOR_MODIFIER = regex.compile(r"\G([a-z]+) (?=\d)")
PLANNED_WORD = regex.compile(r"planned|targeted|target|intended|projected|anticipated|expected|required|originally")
# Between a result's count and the next count that shares it: "occurred in 1 patient after
# plating and 7 patients ...", "12 patients had nausea and 4 patients vomited".
RESULT_COORDINATION = regex.compile(r"[^;.()§]{0,50}?(?:,? and|,? or|,) $")
FINITE_VERB = regex.compile(r"\b(?:were|was|had|have|has|did|is|are)\b")


def _shares_result(text: str, cand: Candidate, last_result, clause_left: int) -> bool | None:
    """Whether the count is coordinated with the result just read (see find_counts): True when
    the result's cue stood before both ("occurred in 3 infants receiving X and 11 receiving Y"),
    False when it was the first count's predicate ("12 patients had nausea and 4 patients
    vomited": the second is a result only without a role cue of its own), None otherwise."""
    if last_result is None:
        return None
    end, left, cue_before = last_result
    if left != clause_left or end > cand.start:
        return None
    gap = text[end: cand.start]
    if not RESULT_COORDINATION.fullmatch(gap):
        return None
    if cue_before and FINITE_VERB.search(gap):
        return False
    return cue_before


# Completing the study or a stretch of it, right after the count's noun: "patients completing 12
# months", "who completed the trial" (not "completing treatment", which may name an arm's).
COMPLETING_AFTER = regex.compile(
    r"\G,? (?:who (?:had )?)?(?:completing|finishing|completed|finished) (?:the )?(?:intended |planned |full |whole |first )?"
    r"(?:study|trial|follow-up|protocol|\d{1,3}\b|one\b|two\b|three\b|six\b|twelve\b)")
# Up to three words after a noun phrase that are no finite verb: a participle phrase.
PARTICIPLE_AFTER = regex.compile(r"\G(?: (?!(?:were|was|had|have|has|did|are|is)\b)[A-Za-z][\w-]*){0,3}")


# Roles a part of the population takes (and a count with a share of a group may have).
SUBSET_ROLES = ("randomized", "analyzed", "completed", "withdrawn")

# "of whom 225", "of which 36 patients", "Of these, 40", "among them, 12".
# It ends where the text before the count does, so it looks behind from there (as
# sample_size_cues.is_denominator) rather than being tried from every position before.
SUBSET_BEFORE = regex.compile(r"(?<=\b(?:of|among|amongst) (?:whom|which|these|them|those)(?: patients| subjects| participants)?,? ?)$", regex.I)
# "10 patients, including 3 severe and 7 moderate cases": "including" and any parts before.
INCLUDING_BEFORE = regex.compile(
    r"\bincluding (?:the |only )?(?:(?:\d{1,7}|[A-Za-z]+)(?: [A-Za-z][\w-]*){0,3},? (?:and |or )?){0,4}$", regex.I)
# "all 17 subjects", "All the 22 patients": the whole group, not a share with a result.
ALL_BEFORE = regex.compile(r"\ball (?:the |of the |these |those )?$", regex.I)
# "the 53 who did not", "of whom 12 who".
WHO_AFTER = regex.compile(r"\G,? (?:who|whom)\b")
THE_BEFORE = regex.compile(r"\b(?:the|remaining|other|another)\s?$", regex.I)
# What the n of a population follows: a participant noun, with at most a few words after it
# ("Adult outpatients with generalized social phobia (N = 204)") and no group word.
POPULATION_BEFORE = regex.compile(r"([A-Za-z][\w-]*)((?: [\w'-]+){0,5}) \($")


def _population_before(text: str, n_start: int, floor: int) -> bool:
    found = POPULATION_BEFORE.search(text, max(floor, n_start - 70), n_start)
    if found is None:
        return False
    words = [found.group(1)] + found.group(2).split()
    nouns = participant_nouns()
    # "Patients received 5 mg (n = 20)": a dose's group, not the population.
    if any(w.lower() in GIVEN_WORDS for w in words):
        return False
    return any(w.lower() in nouns for w in words) and not any(GROUP_WORD.fullmatch(w) for w in words)


# Words after a participant noun that make the bracketed n a treatment group's.
GIVEN_WORDS = frozenset({"received", "receiving", "given", "treated", "taking", "took", "on", "assigned",
                         "allocated", "randomized", "randomised", "versus", "vs", "or",
                         "mg", "g", "mcg", "µg", "ug", "ml", "iu", "units", "doses", "dose"})


def _breakdown_of_a_count(text: str, candidates: list[Candidate], i: int, floor: int) -> bool:
    """Whether a sex or age count stands in brackets after a count of its group ("Eleven
    patients (7 men, 4 women)", "Thirty South Asian (15 women)"): then it is no mention; after a
    group not counted ("undergraduates (66 women, 68 men)") it is (GOLD.md "Decisions")."""
    cand = candidates[i]
    opening = open_bracket_before(text, cand.start, floor)
    if opening is None:
        return False
    for other in reversed(candidates[max(0, i - NEIGHBOURS): i]):
        # The counted group is in the same sentence ("... responded well. Students (48 women").
        if floor <= other.start < opening and BRACKETED_AFTER_COUNT.fullmatch(text, other.num_end, opening):
            return True
    return False


def _in_breakdown_of_kept_count(text: str, kept: list[Candidate], n_start: int, floor: int) -> bool:
    """Whether an n stands in the bracket that opens right after a count of people kept in the
    same sentence ("120 adults (n = 58, exercise; n = 62, usual care)")."""
    opening = open_bracket_before(text, n_start, floor)
    if opening is None:
        return False
    counted = next((c for c in reversed(kept) if c.start < opening), None)
    return counted is not None and counted.kind == "noun" and counted.start >= floor and \
        text[counted.np_end: opening].strip() == ""


# Between a count and the bracket that breaks it down: its noun phrase or modifiers.
BRACKETED_AFTER_COUNT = regex.compile(r"(?:[ -][\w'’.-]+){0,8} ")


# What may stand between a bare count and its verb: a percentage ("(87.4%)", "[50.6%]"), a
# group's letter ("21 (B) received"), "were", an adverb.
BARE_LEAD = regex.compile(
    r"(?: ?[(\[] ?\d{1,3}(?:[.·]\d{1,2})? ?%[)\]])?(?: \([A-Z0-9]{1,2}\))?(?: with (?:(?!were\b|was\b)[\w'-]+ ?){1,4})?,? (?:(?:were|was|had been|have been|are|will be|had|have|did) )?(?:\w+ly |then |also |later |not )?"
)

# A cue that starts with a preposition ("25 in the ASI group") names a group, not what the
# count did; a bare number before it is a count only as a parallel to an earlier one.
PREPOSITION = regex.compile(r"(?:in|into|to|of|from|for|on|at|with|each|per|respectively)\b", regex.I)

# A four-digit number in the range of trial years ("Since January 1974", "April 1996"); a
# bare count that large ("1905 of the randomized subjects") needs a noun or "of" after it.
YEAR = regex.compile(r"19[5-9]\d|20[0-4]\d")


def _looks_like_year(cand: Candidate, text: str) -> bool:
    # A year has four digits; most numbers have fewer, and the pattern is not tried on them.
    return cand.num_end - cand.num_start == 4 and YEAR.fullmatch(text, cand.num_start, cand.num_end) is not None \
        and not PARTITIVE_AFTER.match(text, cand.num_end)


# "... and 54 (78%) of the 69 placebo-treated patients completed": a second partitive shares
# the verb that follows it.
COORDINATED_PARTITIVE = regex.compile(
    r"\G,? and (?:\d{1,7}|[A-Za-z]+(?:[- ][a-z]+)?)(?: ?[(\[] ?\d{1,3}(?:[.·]\d{1,2})? ?%[)\]])? (?:out )?of (?:the |these |those |all )?(?P<number>\d{1,7})"
)


def _partitive_role(text: str, tail: str) -> str | None:
    """What a partitive numerator's group did, read after its noun phrase: only roles a
    subset of the population can take (completed, withdrawn, analyzed, randomized, began a
    trial)."""
    second = COORDINATED_PARTITIVE.match(tail)
    if second is not None:
        phrase = noun_phrase(tail, second.end())
        if phrase is not None:
            tail = tail[phrase[0]:]
    cues = sorted((d, length, label) for _, d, length, label in after_cues(tail.replace(MARK, " "), "after"))
    for d, _, label in cues:
        if label == "outcome":
            return None
        if label in ("completed", "withdrawn", "analyzed", "randomized", "enrolled", "eligible", "screened"):
            return label
        if label == "arm":
            return None
    return None


# The finite verb of a part that entered: "120 of 150 eligible patients consented and were
# randomized", "... agreed to participate".
ENTERED_VERB = regex.compile(r",? (?:\w+ly )?(?:were|was|have been|had been|agreed|consented|participated|took part|entered|enrolled|joined)\b")

# A bare participle after the pool's noun with the clause's finite verb before the part:
# "treatment was received by 820 of 919 patients enrolled" - the pool is the enrolled one.
PARTICIPLE_ENTERED = regex.compile(r",? (?:\w+ly )?(?:enrolled|entered)\b")


def _entered_verb(tail: str, clause_before: str) -> bool:
    if ENTERED_VERB.match(tail) is None:
        return False
    return not (PARTICIPLE_ENTERED.match(tail) and FINITE_VERB.search(clause_before))


# "controlled in 13 of the 30 neonates": a partitive after "in" reports a result.
IN_BEFORE = regex.compile(r"\bin\s?$")
WORD = regex.compile(r"[A-Za-z-]+")
# The word (or percent sign) after a denominator.
NEXT_WORD_OR_PERCENT = regex.compile(r" ?(%|\w[\w-]*)")


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
    # "11 out of 12 turned negative": a verb says what the group did.
    if VERB_FORM.fullmatch(word):
        return False
    # "15 of 88 oseltamivir and 2 of 29 placebo recipients": the treatment names the group, the
    # head noun of the parallel denominator is its noun too.
    shared = SHARED_DENOMINATOR_HEAD.match(text, pos) if word not in UNIT_WORDS else None
    if shared is not None and noun_phrase(text, shared.end("whole")) is not None:
        return False
    return word == "%" or (word not in STOP_WORDS and word not in participant_nouns())


SHARED_DENOMINATOR_HEAD = regex.compile(
    r"\G(?: [A-Za-z][\w+/-]*){1,2},? (?:and|or|versus|vs\.?) \d{1,7}(?: ?[(\[] ?\d{1,3}(?:[.·]\d{1,2})? ?%[)\]])?"
    r" (?:out )?of (?P<whole>\d{1,7})")


# "11 out of 12 turned negative", "14 of 24 given placebo": what the group did or was given.
VERB_FORM = regex.compile(r"[a-z]{3,}ed|[a-z]{2,}en|[a-z]{3,}ing")


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
                cand.role, cand.cued = by_start[nxt.start].role, by_start[nxt.start].cued
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
        cand.role, cand.cued = partner.role, partner.cued
        kept.append(cand)
        by_start[cand.start] = cand
    return kept


PARALLEL = regex.compile(
    r"(?:(?:,|;|:| and| or| whereas| while| versus| vs\.?) (?:the )?|\( ?)$"
)
PARALLEL_AFTER = regex.compile(
    r"\G(?: ?[(\[] ?\d{1,3}(?:[.·]\d{1,2})? ?%[)\]])? (?:in|to|into|for|on) (?:the )?(?:[\w+/-]+ ){0,3}?(?:groups?|arms?|cohorts?|intervention|control|placebo|treatment)\b",
    regex.I,
)
# A count's verb that places it in a group: "... were enrolled in the intervention hospitals".
PLACED_BY_ITS_VERB = regex.compile(
    r"\G (?:were|was) (?:\w+ly )?[a-z]+ed (?:in|into|to) (?:the )?(?:[\w+/-]+ ){0,3}?(?:groups?|arms?|cohorts?|intervention|control|placebo|treatment)\b",
    regex.I,
)
# "(158 to remdesivir and 79 to placebo)": in a sentence that assigns, "to" and a treatment.
PARALLEL_TO_TREATMENT = regex.compile(r"\G to (?:the )?(?!a\b|an\b|\d)[\w+/-]+(?: [\w+/-]+){0,2}?(?=,|;|\)|\.| and | or |$)", regex.I)
# "Ten healthy volunteers, and seven with UC took part", "46 fractures ..., 24 with slotted nails
# and 22 with non-slotted nails": a group named by what it has, beside a counted one.
PARALLEL_WITH = regex.compile(r"\G with (?!a |an |the |each |respect\b)[A-Za-z]", regex.I)
# The verb right after a count ("41 patients underwent ...", "39 underwent ..."): a count that
# repeats the verb of the count before it names a group beside it. Only verbs of the past,
# never a bare "were" or "had" alone, which a result shares as often ("12 had nausea and 4 had").
SAME_VERB_AFTER = regex.compile(r"\G(?: \w+ly)? (?P<verb>underwent|received|took|[a-z]{3,}ed)\b(?! (?:by|in|to|from|with)\b)")
# "6074 on tamoxifen versus 6072 on placebo", "(61 afatinib, 60 cetuximab)": counts of the arms
# named by their treatment, two or more side by side (the checks are in _add_treatment_pairs).
ON_TREATMENT = regex.compile(r"\G (?:on|receiving|taking|given) (?!the \w+ (?:day|week|month|visit))[A-Za-z]", regex.I)


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
        with_group = PARALLEL_WITH.match(text, cand.num_end) is not None
        in_group = PARALLEL_AFTER.match(text, cand.num_end) is not None
        verb = SAME_VERB_AFTER.match(text, cand.num_end)
        s_start, _ = enclosing(sentences, cand.start)
        if not with_group and not in_group and verb is None and not (
                PARALLEL_TO_TREATMENT.match(text, cand.num_end) and RANDOMIZATION_WORD.search(text, s_start, cand.start)):
            continue
        if not PARALLEL.search(text[max(s_start, cand.start - 12): cand.start]):
            continue
        at = bisect.bisect_left(starts, cand.start) - 1
        if at < 0 or starts[at] < s_start:
            continue
        previous = by_start[starts[at]]
        if verb is not None and not with_group and not in_group:
            # "41 patients underwent stapling and 39 underwent excision": the same verb again
            # makes a second group beside the first, and both are groups of the study.
            previous_verb = SAME_VERB_AFTER.match(text, previous.np_end)
            if previous_verb is None or previous_verb.group("verb") != verb.group("verb") or \
                    cand.start - previous.np_end > 120:
                continue
            if not previous.cued:
                previous.role, previous.cued = "arm", True
        if with_group:
            # The groups are parts of the population side by side, not arms of the one before.
            # "Of 60 patients, 30 with diabetes": a part of the group, not beside it.
            if (cand.start - previous.np_end > 60 or not WITH_PARTNER.search(text, previous.np_end, cand.start)
                    or PART_OF_BEFORE.search(text, max(0, previous.start - 12), previous.start)):
                continue
            cand.role = "arm" if previous.role == "randomized" else previous.role
        else:
            cand.role = "arm" if previous.role in ("enrolled", "randomized", "eligible", "planned") else previous.role
            # "642 patients were enrolled in intervention hospitals and 598 in control
            # hospitals": the count before was placed in a group too, so both are the groups'.
            if in_group and previous.role == "enrolled" and PLACED_BY_ITS_VERB.match(text, previous.np_end):
                previous.role = "arm"
        # "... and eight in the conservative group were lost to follow-up": its own verb.
        s_end = enclosing(sentences, cand.start)[1]
        if inside_brackets(text, cand.start, s_start):
            s_end = min(s_end, text.find(")", cand.end, s_end) % (s_end + 1))
        _, after = clause_window(text, cand, cand.start, s_end)
        own, _ = read_role("", after, after_only=True)
        if own in DID_ROLES:
            cand.role = own
        cand.cued = True
        kept.append(cand)
        bisect.insort(starts, cand.start)
        by_start[cand.start] = cand
    return kept


# What ends the count the "with" group stands beside: its own noun phrase, a "with" group of its
# own, a verb ("were randomized to treatment with nails,"), then a list mark.
WITH_PARTNER = regex.compile(r"(?:,|,? and|,? or) $")
PART_OF_BEFORE = regex.compile(r"\b(?:of|among|amongst|in) (?:the |all |these )?$", regex.I)


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
# The same with the first group's place: "Eight patients in the surgery group and eight in ...".
PLACED_ROLE_GAP = regex.compile(r" (?:in|into|to|on|with) (?:the )?[\w+/-]+(?: [\w+/-]+){0,3}(?: \([^()]{0,40}\))?,? (?:and|or) (?:the )?")


# A group's place after its count: " in family-based treatment", " in the placebo group".
PLACEMENT = regex.compile(r"\G (?:in|into|to|on|with) (?:the )?[\w+/-]+(?: [\w+/-]+){0,3}?(?= (?:had|have|has|were|was|developed|experienced|achieved|showed|reached|responded|died|relapsed|required)\b)")


def _drop_coordinated_results(text, candidates, kept, sentences):
    """'13 adolescents in family-based treatment and 7 in individual therapy had reached full
    remission': a count placed in its group, coordinated with a second whose predicate reports
    a result, reports it too (and so does the second)."""
    kept_starts = {c.start for c in kept}
    dropped: set[int] = set()
    starts = [c.start for c in candidates]
    for cand in kept:
        if cand.role != "arm" or cand.kind not in ("noun", "bare"):
            continue
        at = bisect.bisect_left(starts, cand.np_end)
        if at >= len(candidates):
            continue
        second = candidates[at]
        if not PLACED_ROLE_GAP.fullmatch(text, cand.np_end, second.start):
            continue
        placed = PLACEMENT.match(text, second.np_end)
        if placed is None:
            continue
        s_end = enclosing(sentences, second.start)[1]
        if reports_result(text[placed.end(): min(s_end, placed.end() + AFTER_WINDOW)]):
            dropped.add(cand.start)
            if second.start in kept_starts:
                dropped.add(second.start)
    return [c for c in kept if c.start not in dropped]


def _share_coordinated_roles(text: str, kept: list[Candidate]) -> None:
    """'Fifteen ... out-patients and 23 ... out-patients were randomly assigned': counts joined by
    'and' with no cue of their own share the role of the last one; so does a group placed in its
    arm ("Eight patients in the surgery group and eight in the conservative group were lost to
    follow-up") share what the next did."""
    for i in range(len(kept) - 2, -1, -1):
        cur, nxt = kept[i], kept[i + 1]
        gap = text[cur.np_end: nxt.start]
        if SHARED_ROLE_GAP.fullmatch(gap) and cur.kind == nxt.kind == "noun":
            if cur.role == "enrolled" and nxt.role != "enrolled":
                # Only when the first had no cue of its own.
                window = text[cur.np_end: nxt.start]
                if not any(label in CUE_ROLES for _, _, _, label in after_cues(window, "role_after")):
                    cur.role, cur.cued = nxt.role, nxt.cued
        elif cur.role == "arm" and nxt.role in DID_ROLES and PLACED_ROLE_GAP.fullmatch(gap):
            cur.role = nxt.role


# "We randomly assigned 1,460 patients with angina and 1,202 patients with heart failure to
# ...": the verb before the first count takes both as its objects.
OBJECT_VERB_BEFORE = regex.compile(
    r"\b(?:randomi[sz]ed|randomly (?:assigned|allocated)|enrolled|recruited|included|studied|assigned|allocated)"
    r"(?: a total of| all)? $", regex.I)
OBJECTS_GAP = regex.compile(r"(?: (?!(?:were|was|had|have|has|did|is|are)\b)[\w'/-]+){0,6},? and (?:the |also )?")


def _share_object_roles(text: str, kept: list[Candidate]) -> None:
    for cur, nxt in pairwise(kept):
        if (cur.cued and not nxt.cued and cur.kind == nxt.kind == "noun" and cur.role in ("enrolled", "randomized")
                and OBJECT_VERB_BEFORE.search(text, max(0, cur.start - 40), cur.start)
                and OBJECTS_GAP.fullmatch(text, cur.np_end, nxt.start)):
            nxt.role, nxt.cued = cur.role, True


# "randomized into two groups: 10 patients received ...; 12 patients ...": after a colon that
# opens the list of the groups, each count is one group's, whatever verb stands before the colon.
GROUP_LIST_OPENED = regex.compile(
    r"\b(?:into|in|to) (?:two|three|four|five|six|[2-6]) (?:[\w-]+ ){0,2}?(?:groups|arms|cohorts)(?: as follows)? ?:[^.:]*$", regex.I)
LIST_ROLES = ("enrolled", "randomized", "eligible")


def _arms_after_group_list(text: str, kept: list[Candidate], sentences) -> None:
    for cand in kept:
        if cand.role in LIST_ROLES and not cand.each:
            s_start = enclosing(sentences, cand.start)[0]
            if GROUP_LIST_OPENED.search(text, max(s_start, cand.start - 200), cand.start):
                cand.role, cand.cued = "arm", True


# "Colchicine was given to 199 patients and naproxen to 200": the second count's verb is left
# out, its treatment and preposition stand in for it.
GAPPED_GAP = regex.compile(r",? (?:and|or|while|whereas) (?:the )?[\w+/-]+(?: [\w+/-]+){0,3} (?:to|with|on) (?:the |another |a further )?")


def _share_gapped_roles(text: str, kept: list[Candidate]) -> None:
    """An uncued count after an arm, coordinated with the verb left out, is an arm too."""
    for cur, nxt in pairwise(kept):
        if cur.role == "arm" and not nxt.cued and GAPPED_GAP.fullmatch(text, cur.np_end, nxt.start):
            nxt.role, nxt.cued = "arm", True


def _add_treatment_pairs(text, candidates, kept, sentences):
    """'6074 on tamoxifen versus 6072 on placebo': two bare counts side by side, each named by
    the treatment its group was on, are the arms."""
    kept_starts = {c.start for c in kept}
    on = [c for c in candidates
          if c.kind == "bare" and c.start not in kept_starts and ON_TREATMENT.match(text, c.num_end)]
    for first, second in pairwise(on):
        gap = text[first.num_end: second.start]
        if len(gap) > 60 or not TREATMENT_PAIR_GAP.fullmatch(gap):
            continue
        if sentence_index(sentences, first.start) != sentence_index(sentences, second.start):
            continue
        for cand in (first, second):
            if cand.start in kept_starts:
                continue
            cand.end = cand.np_end = ON_TREATMENT_PHRASE.match(text, cand.num_end).end()
            cand.role, cand.cued = "arm", True
            kept.append(cand)
            kept_starts.add(cand.start)
    return kept


# Between two counts on their treatments: the first's treatment, then "versus", "vs", "and",
# "or" or a comma.
TREATMENT_PAIR_GAP = regex.compile(r" (?:on|receiving|taking|given) [\w+/-]+(?: [\w+/-]+){0,3}?(?:,? (?:versus|vs\.?|and|or|compared with)|,|;) ")
ON_TREATMENT_PHRASE = regex.compile(r"\G (?:on|receiving|taking|given) [\w+/-]+")


# "80% (114/142)", "2/35 (6%)", "[2/82, 2.4%]": a result written as a fraction beside its
# percentage; the denominator is the group's count (GOLD.md "Decisions": "9 of 20").
FRACTION = regex.compile(r"(?<![\w./-])(?P<part>\d{1,5})/(?P<whole>\d{1,5})(?![\w/-]|[.,·]\d)")
PART_BEFORE_SLASH = regex.compile(r"(?<![\w./-])\d{1,5}/$")
PERCENT_BEFORE_FRACTION = regex.compile(r"(?P<percent>\d{1,3}(?:[.·]\d{1,2})?) ?% ?[(\[] ?$")
PERCENT_AFTER_FRACTION = regex.compile(r"\G(?: ?[(\[] ?|, ?)(?P<percent>\d{1,3}(?:[.·]\d{1,2})?) ?%")


def _is_fraction_whole(text: str, cand) -> bool:
    """Whether the count is the whole of "9/20 patients": a participant noun after it rules out
    a ratio, a date or a blood pressure ("120/80 mmHg"), and the part is no larger."""
    if cand.kind != "noun" or text[cand.start - 1: cand.start] != "/":
        return False
    part_start = PART_BEFORE_SLASH.search(text, max(0, cand.start - 7), cand.start)
    fraction = FRACTION.match(text, part_start.start()) if part_start is not None else None
    return fraction is not None and fraction.end() == cand.num_end and int(fraction.group("part")) <= cand.value


def _add_fraction_denominators(text, candidates, kept, sentences):
    kept_starts = {c.start for c in kept}
    for cand in candidates:
        # The denominator was read as a number joined to the one before ("114/142").
        if cand.kind != "bare" or cand.start in kept_starts or text[cand.start - 1: cand.start] != "/":
            continue
        part_start = PART_BEFORE_SLASH.search(text, max(0, cand.start - 7), cand.start)
        fraction = FRACTION.match(text, part_start.start()) if part_start is not None else None
        if fraction is None or fraction.end() != cand.num_end:
            continue
        part, whole = int(fraction.group("part")), int(fraction.group("whole"))
        if not 0 <= part <= whole or whole < 3:
            continue
        percent = (PERCENT_AFTER_FRACTION.match(text, fraction.end())
                   or PERCENT_BEFORE_FRACTION.search(text, max(0, fraction.start() - 12), fraction.start()))
        if percent is None:
            continue
        stated = float(percent.group("percent").replace("·", "."))
        # The percentage must be the fraction's, as printed (rounded to a whole or a tenth).
        if abs(stated - 100 * part / whole) > 0.6:
            continue
        s_start, s_end = enclosing(sentences, cand.start)
        if not _mentions_people(text[s_start:s_end]):
            continue
        cand.role, cand.cued = "arm", True
        kept.append(cand)
        kept_starts.add(cand.start)
    return kept


# "247 febrile episodes were prospectively randomized", "46 femoral shaft fractures were
# randomized", "96 episodes of fever and neutropenia in adult patients were randomized": units
# the trial randomizes, named at most three words after the number, then what they are of.
UNITS_THEN_RANDOMIZED = regex.compile(
    r"\G(?P<phrase>(?: [A-Za-z][\w-]*){0,3}? (?P<unit>[a-z]+))(?: \([^()]{1,30}\))?(?: (?:on|of|in|at|from|with) (?:the )?[a-z][\w-]*(?: (?!were\b|was\b)[\w-]+){0,10})? (?:were|was) (?:\w+ly )?(?P<verb>randomi[sz]ed|randomly (?:assigned|allocated)|allocated|assigned)\b"
)
RANDOMIZED_BEFORE = regex.compile(r"\b(?:randomi[sz]ed|randomly (?:assigned|allocated)|allocated|assigned)(?: a total of)? $", regex.I)


@lru_cache(maxsize=None)
def _units_phrase() -> regex.Pattern:
    """A unit other than people at most two words after the number: " febrile episodes"."""
    words, endings = procedure_units()
    units = "|".join(sorted(other_units() | words, key=len, reverse=True))
    named_by_ending = rf"[a-z]+(?:{'|'.join(endings)})"
    return regex.compile(rf"\G(?P<phrase>(?: [A-Za-z][\w-]*){{0,2}}? (?P<unit>{units}|{named_by_ending}))\b")


def compile_mention_rules() -> None:
    """Compile what this module builds on first use (see sample_size_cues.compile_rules)."""
    _units_phrase()


# The units again, with what became of them: "All 247 episodes were evaluable".
UNITS_THEN_ROLE = regex.compile(r"\G(?P<phrase>(?: [A-Za-z][\w-]*){0,2}? (?P<unit>[a-z]+))(?= (?:were|was|had been|have been) )")
# "(288 episodes)": a bracketed count of units after an arm's treatment.
UNITS_IN_BRACKETS = regex.compile(r"\G(?P<phrase>(?: [A-Za-z][\w-]*){0,2}? (?P<unit>[a-z]+))\)")
RANDOMIZATION_WORD = regex.compile(r"\brandomi[sz]|\ballocated\b|\bassigned\b", regex.I)
COMPARISON_WORD = regex.compile(r"\bcompar|\bversus\b|\bvs\b", regex.I)
# Operations compared are named, not the subject of a verb ("3 repairs were infected" is a result).
COMPARED_UNITS_END = regex.compile(r"\G(?:[.,;:)]|$| [(\[]| (?:in|of|to|with|and|or|versus|vs|for|at)\b)")


def _add_unit_counts(text, candidates, kept, sentences):
    """Counts of units that are not people, where the trial randomizes them (GOLD.md: the total
    only where the number of people is not given); then, of the units randomized, the counts
    that say what became of them ("All 247 episodes were evaluable")."""
    kept_starts = {c.start for c in kept}
    units = other_units()
    randomized_units = set()
    for cand in candidates:
        if cand.kind != "bare" or cand.start in kept_starts:
            continue
        found = UNITS_THEN_RANDOMIZED.match(text, cand.num_end)
        if found is None and RANDOMIZED_BEFORE.search(text, max(0, cand.start - 40), cand.start):
            # "We randomized 320 febrile episodes in 164 children".
            found = _units_phrase().match(text, cand.num_end)
        role = "randomized"
        if found is None or not is_other_unit(found.group("unit")):
            found = None
            s_start, s_end = enclosing(sentences, cand.start)
            if text[cand.start - 1: cand.start] == "(":
                found = UNITS_IN_BRACKETS.match(text, cand.num_end)
                if found is None or not is_other_unit(found.group("unit")) or not RANDOMIZATION_WORD.search(text, s_start, cand.start):
                    continue
                role = "arm"
            else:
                # "This randomized study compares recurrence after 150 mesh repairs with 148
                # suture repairs": operations compared in a randomized study are its groups.
                found = _units_phrase().match(text, cand.num_end)
                if found is None or not is_procedure_unit(found.group("unit")) or \
                        not COMPARED_UNITS_END.match(text, found.end()) or \
                        not RANDOMIZATION_WORD.search(text, s_start, s_end) or not COMPARISON_WORD.search(text, s_start, s_end):
                    continue
                role = "arm"
        if any(w.lower() in STOP_WORDS or w.lower() in UNIT_WORDS - units for w in found.group("phrase").split()):
            continue
        cand.end = cand.np_end = found.end("phrase")
        cand.kind, cand.head = "noun", found.group("unit")
        cand.role, cand.cued, cand.units = role, True, True
        kept.append(cand)
        kept_starts.add(cand.start)
        randomized_units.add(cand.head)
    if not randomized_units:
        return kept
    for cand in candidates:
        if cand.kind != "bare" or cand.start in kept_starts:
            continue
        found = UNITS_THEN_ROLE.match(text, cand.num_end)
        if found is None or found.group("unit") not in randomized_units:
            continue
        _, after = clause_window(text, cand, cand.start, len(text))
        role, _ = read_role("", after, after_only=True)
        if role is None:
            continue
        cand.end = cand.np_end = found.end("phrase")
        cand.kind, cand.head = "noun", found.group("unit")
        cand.role, cand.cued, cand.units = role, True, True
        kept.append(cand)
        kept_starts.add(cand.start)
    return kept


# "randomized into groups A and B", "divided into group C and group T": the labels of the
# groups the trial formed.
GROUP_LABEL = r"[A-Z][A-Za-z0-9]{0,3}"
# The verb that forms the groups; _first_groups_formed looks for its openings first.
GROUPS_FORMED_VERB = r"\b(?:randomi[sz]ed|randomly (?:divided|assigned|allocated)|divided|allocated|assigned)\b"
GROUPS_FORMED = regex.compile(
    rf"{GROUPS_FORMED_VERB}[^.;]{{0,40}}?"
    rf"\b(?:in)?to (?:the )?(?:(?:two|three|four|2|3|4) )?(?i:groups?) (?P<label>{GROUP_LABEL})"
    rf"(?:(?:,| and| or|, and) (?:(?i:group) )?(?P<label>{GROUP_LABEL}))+\b")
# "43 in group AR": a count placed in a group by its label.
IN_LABELLED_GROUP_AFTER = regex.compile(rf"\G(?: [a-z]+){{0,3}}? in (?:the )?(?i:group) (?P<label>{GROUP_LABEL})\b")


# The strings, as written, that every match of GROUPS_FORMED starts with ("randomized", "divided", ...).
GROUPS_FORMED_OPENINGS = opening_literals(GROUPS_FORMED_VERB)


def _first_groups_formed(text: str) -> regex.Match | None:
    """GROUPS_FORMED.search(text), tried only where one of its verbs stands: a text holds a
    handful, and scanning every position for the pattern costs more."""
    for at in sorted({at for verb in GROUPS_FORMED_OPENINGS for at in occurrences(text, verb)}):
        if (formed := GROUPS_FORMED.match(text, at)) is not None:
            return formed
    return None


def _mark_parts_of_formed_groups(text: str, kept: list[Candidate]) -> None:
    """'randomized into groups A and B ... 43 in group AR': a group whose label extends a formed
    group's names a part of it (a subgroup), never a further group."""
    formed = _first_groups_formed(text)
    if formed is None:
        return
    labels = set(formed.captures("label"))
    for cand in kept:
        if cand.start < formed.end() or cand.role != "arm":
            continue
        placed = IN_LABELLED_GROUP_AFTER.match(text, cand.np_end)
        if placed is None:
            continue
        label = placed.group("label")
        if label not in labels and any(label.startswith(formed_label) for formed_label in labels):
            cand.role = "subgroup"


# Between a withdrawn count and its breakdown by reason: a dash, a bracket, a colon, "because".
REASONS_LEAD = regex.compile(r" - |\(|:|\bbecause\b|\bdue to\b|\bowing to\b", regex.I)


def _drop_reason_breakdowns(text, candidates, kept, sentences):
    """'4 could not be evaluated - 2 received secretin outside the study, and 2 did not return':
    the parts of a withdrawn count by reason are no mentions (GOLD.md "Decisions"). The parts
    are the numbers that follow, counts or not ("4 moved away" is none of its own)."""
    dropped: set[int] = set()
    starts = [c.start for c in candidates]
    for whole in kept:
        if whole.role != "withdrawn" or whole.start in dropped:
            continue
        running, parts = 0, []
        s_idx = sentence_index(sentences, whole.start)
        first = bisect.bisect_left(starts, whole.np_end)
        for part in candidates[first: first + MAX_REASONS]:
            if part.start - whole.np_end > 200 or sentence_index(sentences, part.start) != s_idx:
                break
            running += part.value
            parts.append(part)
            if running >= whole.value:
                break
        if running == whole.value and len(parts) >= 2 and REASONS_LEAD.search(text, whole.np_end, parts[0].start):
            dropped.update(p.start for p in parts)
    return [c for c in kept if c.start not in dropped]


# A withdrawn count is broken down into a handful of reasons.
MAX_REASONS = 6


# The roles of an actual count; an arm may be planned too ("300 patients (150 in each group)").
ACTUAL_ROLES = ("enrolled", "eligible", "randomized", "analyzed", "completed", "withdrawn")


def _drop_planned_if_actual(kept):
    """A planned count is a mention only where no actual count is given (GOLD.md "Decisions")."""
    if any(c.role in ACTUAL_ROLES for c in kept):
        return [c for c in kept if c.role != "planned"]
    return kept


def _drop_bracketed_make_up(text, kept):
    """'Sixty-seven children were randomized (slow early response, 55 patients; translocation,
    12 patients)': counts in a bracket after a count, adding up to it and with no role of their
    own, break the group down by what it is made of; they are no mentions (GOLD.md "Decisions")."""
    dropped: set[int] = set()
    for i, whole in enumerate(kept):
        if whole.role not in ("enrolled", "randomized", "eligible") or whole.start in dropped:
            continue
        opening = text.find("(", whole.np_end, whole.np_end + MAKE_UP_REACH)
        if opening < 0 or "." in text[whole.np_end:opening]:
            continue
        closing = closing_bracket(text, opening, MAKE_UP_BRACKET_REACH)
        if closing is None:
            continue
        parts = [c for c in kept[i + 1: i + 1 + MAX_PARTS] if opening < c.start < closing]
        # A part's cue may be the whole's, read across the bracket ("were randomized (..., 55").
        if (len(parts) >= 2 and not any(p.cued and p.role != whole.role for p in parts)
                and sum(p.value for p in parts) == whole.value):
            dropped.update(p.start for p in parts)
    return [c for c in kept if c.start not in dropped]


# How far after its count a bracket that breaks the group down may open ("were randomized (").
MAKE_UP_REACH = 60
# The longest bracket read as such a breakdown.
MAKE_UP_BRACKET_REACH = 300




# A bracket listing a count's arms by name: "(61 afatinib, 60 cetuximab)", "(32 and 36,
# respectively)". Each item is a number and at most two words naming the arm.
ARM_ITEM = r"\d{1,7}(?: [A-Za-z][\w+/-]*){0,2}"
BRACKETED_ARMS = regex.compile(
    rf"\G ?\( ?(?P<items>{ARM_ITEM}(?:(?:,|;|,? and|,? or|,? versus|,? vs\.?) {ARM_ITEM})+)(?:,? respectively)? ?\)"
)
ARM_ITEM_PARTS = regex.compile(r"(?P<number>\d{1,7})(?P<name>(?: [A-Za-z][\w+/-]*){0,2})")
# What a group broken down by its make-up is named by: "(59 male and 13 female)", "(3 severe
# and 7 moderate)"; with these the bracket is no list of arms.
MAKE_UP_WORDS = frozenset({"male", "female", "mild", "moderate", "severe", "and", "or", "versus", "vs", "respectively"})
# Before the bracket: the count was treated, assigned or allocated.
TREATED = regex.compile(r"\b(?:randomi[sz]|allocated|assigned|treated|received|crossed)", regex.I)


def _add_bracketed_arms(text, candidates, kept):
    """'A total of 121 patients were treated (61 afatinib, 60 cetuximab)': bare counts in a
    bracket after a count whose group was treated or assigned, adding up to it, are its arms;
    after a count that completed, was analysed or withdrew ('64 completed the study (33 drug, 31
    placebo)'), they are its arms' shares of that role."""
    by_start = {c.start: c for c in candidates}
    kept_by_start = {c.start: c for c in kept}
    added = []
    for whole in kept:
        opening = text.find("(", whole.np_end, whole.np_end + MAKE_UP_REACH)
        if opening < 0 or "." in text[whole.np_end: opening]:
            continue
        did = whole.role in DID_ROLES
        if whole.role not in ("randomized", "arm") and not did and not TREATED.search(text, whole.np_end, opening):
            continue
        listing = BRACKETED_ARMS.match(text, opening)
        if listing is None:
            continue
        items = list(ARM_ITEM_PARTS.finditer(text, listing.start("items"), listing.end("items")))
        items = [item for item in items if item.group("number")]
        names = {w.lower() for item in items for w in item.group("name").split()}
        if names & (MAKE_UP_WORDS - {"and", "or", "versus", "vs", "respectively"}) or names & (BREAKDOWN_HEADS | participant_nouns() | UNIT_WORDS):
            continue
        if sum(int(item.group("number")) for item in items) != whole.value:
            continue
        for item in items:
            if (already := kept_by_start.get(item.start("number"))) is not None:
                # Read before as an arm by its treatment's name ("31 placebo"): a part of the whole.
                if already.kind == "bare" and did:
                    already.role = whole.role
                continue
            cand = by_start.get(item.start("number"))
            if cand is None or cand.kind != "bare":
                continue
            words = item.group("name").split()
            # The name ends before a joining word ("32 and 36": no name), and does not start
            # with a preposition ("33 on drug": the number alone).
            if words and words[0].lower() not in MAKE_UP_WORDS and not PREPOSITION.fullmatch(words[0]):
                cand.end = cand.np_end = item.start("name") + 1 + len(words[0])
            cand.role, cand.cued = (whole.role if did else "arm"), True
            added.append(cand)
            kept_by_start[cand.start] = cand
    return kept + added


# "Of 320 patients assessed, 150 were eligible", "Among the 1,000 women contacted, 300 were
# randomized": a pool named at the start of a sentence or clause, then the part that entered.
POOL_BEFORE = regex.compile(r"(?:^|[.;:(] ?|, )(?:of|among|amongst|from) (?:the |a total of |all )?$", regex.I)
POOL_GAP = regex.compile(r"[^.;()]{0,60}, (?:only )?$")


# "1,000 consecutive patients ... were assessed; 640 met the inclusion criteria", "records of 420
# patients were reviewed, and 96 ... were enrolled": the pool assessed, then the part that
# entered, in one sentence.
ASSESSED_GAP = regex.compile(r"[^.;()§]{0,80}?\b(?:were|was) (?:\w+ly )?(?:assessed|evaluated|examined|considered|approached|contacted|reviewed|identified|checked)(?:[;,]| and) (?:of (?:these|whom|them),? |and )?(?:only )?$")


# Words that put a count into the trial itself, so that it is no pool.
TRIAL_ENTRY = regex.compile(
    r"\b(?:enrol(?:l?ed|ling)|randomi[sz]ed|randomly|included|recruited|allocated|assigned|participated|took part)\b", regex.I)


# The whole of a part is a pronoun: "150 of them", "40 of whom", "12 of these".
PRONOUN_WHOLE = regex.compile(r"\G(?:them|whom|these|those)\b")


def _mark_pools(text, kept):
    """The pool of "Of N ..., M were randomized" (or "N ... were assessed; M were randomized")
    was screened, where N has no cue of its own: the total is the part that entered (GOLD.md:
    screened counts are not the sample size). So was a count whose part is then said to be
    enrolled ("3,500 patients were admitted, and 150 of them were enrolled"), whatever its cue."""
    for pool, part in pairwise(kept):
        if part.part_of_previous:
            # "45 of them were also enrolled in the substudy" after "90 patients were enrolled in
            # the trial": a part of the trial's own population, no further count.
            if TRIAL_ENTRY.search(text, pool.start, part.start) or pool.value <= part.value \
                    or pool.role not in ("enrolled", "eligible"):
                part.entered = False
            else:
                pool.role, pool.cued = "screened", True
            continue
        if pool.cued or pool.kind != "noun" or not part.cued or part.role not in ("enrolled", "randomized", "eligible"):
            continue
        if part.value >= pool.value:
            continue
        if (POOL_BEFORE.search(text, max(0, pool.start - 20), pool.start) and POOL_GAP.fullmatch(text, pool.np_end, part.start)) \
                or ASSESSED_GAP.fullmatch(text, pool.np_end, part.start):
            pool.role, pool.cued = "screened", True
