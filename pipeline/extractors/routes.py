"""Routes of administration, normalized to GOLD.md's vocabulary.

The vocabulary lives in patterns/routes.jsonl: phrases that state a route
("intrathecally", "via lumbar puncture into the cerebrospinal fluid", "i.v."), bare
abbreviations that count only where the document defines them as a route, and
look-alikes that veto a match ("oral mucositis", "stage IV", "headache after a
lumbar puncture"). scispaCy's AbbreviationDetector supplies the definitions: once
"intrathecally (IT)" is read, every "IT" in the document is a route mention, and an
"IM" defined as "intestinal metaplasia" is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex
from spacy.language import Language
from spacy.tokens import Doc

from ..nlp.spans import ROUTES, Found, doc_text, write_spans
from ..resources import (
    Literals,
    could_match,
    fold_for_literals,
    load_rules,
    required_literals,
)


@dataclass(frozen=True)
class RouteRule:
    pattern: regex.Pattern
    route: str
    needs_definition: bool
    # One of these (case-folded) is in every match; a text holding none is not searched.
    literals: Literals | None = None


@dataclass(frozen=True)
class RouteVocabulary:
    rules: tuple[RouteRule, ...]
    look_alikes: tuple[tuple[regex.Pattern, Literals | None], ...]  # each with its prefilter
    route_noun: regex.Pattern
    route_cue: regex.Pattern
    # route_of_phrase's answers: the same long forms ("intravenous", "intrathecally") come back in
    # document after document, and each costs a try of every rule.
    _phrase_routes: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    def route_of_phrase(self, phrase: str) -> str | None:
        """The route a whole phrase names ("intrathecally" -> "intrathecal"), else None."""
        phrase = phrase.strip()
        if phrase not in self._phrase_routes:
            if len(self._phrase_routes) >= PHRASE_CACHE_SIZE:
                self._phrase_routes.clear()
            self._phrase_routes[phrase] = next(
                (rule.route for rule in self.rules if not rule.needs_definition and rule.pattern.fullmatch(phrase)),
                None,
            )
        return self._phrase_routes[phrase]


# Distinct long forms remembered by route_of_phrase (a run of millions of abstracts has more).
PHRASE_CACHE_SIZE = 4096


@lru_cache(maxsize=None)
def route_vocabulary() -> RouteVocabulary:
    rules = load_rules("routes.jsonl")

    def alternation(label: str) -> str:
        return "|".join(f"(?:{r.pattern})" for r in rules if r.label == label)

    # The noun joins the span only when it directly follows: "IT injection", "intrathecal delivery".
    route_noun = regex.compile(rf"[ -](?:{alternation('ROUTE_NOUN')})\b", regex.IGNORECASE)
    route_cue = regex.compile(rf"(?:{alternation('ROUTE_CUE')}) $", regex.IGNORECASE)
    route_rules = tuple(
        RouteRule(r.compiled(), r.id, r.label == "ROUTE_ABBREVIATION", required_literals(r.pattern))
        for r in rules
        if r.label in ("ROUTE", "ROUTE_ABBREVIATION")
    )
    look_alikes = tuple((r.compiled(), required_literals(r.pattern)) for r in rules if r.label == "NOT_ROUTE")
    return RouteVocabulary(route_rules, look_alikes, route_noun, route_cue)


# Abbreviations in a run such as "IM+IT", "IM or IT", "IT/IM" share their evidence.
ABBREVIATION_JOINER = regex.compile(r" ?(?:\+|/|,|or|and) ?")
# How far back a cue ("transplanted by IM+IT") may stand.
CUE_WINDOW = 30


@dataclass
class _Candidate:
    start: int
    end: int
    order: int
    route: str
    needs_definition: bool


def _abbreviation_runs(candidates: list[_Candidate], text: str) -> list[list[_Candidate]]:
    runs: list[list[_Candidate]] = []
    for candidate in sorted(candidates, key=lambda c: c.start):
        if runs and ABBREVIATION_JOINER.fullmatch(text, runs[-1][-1].end, candidate.start):
            runs[-1].append(candidate)
        else:
            runs.append([candidate])
    return runs


def find_routes(text: str, abbreviations: list[tuple[int, int, str]] = ()) -> list[Found]:
    """Route mentions in clean text.

    ``abbreviations``: (start, end, long form) for each short-form occurrence the
    abbreviation detector found.
    """
    vocabulary = route_vocabulary()
    defined = {}  # short form -> route it abbreviates, or None for a non-route definition
    for start, end, long_form in abbreviations:
        defined[text[start:end]] = vocabulary.route_of_phrase(long_form)

    # Most rules cannot match a given abstract; their literal prefilters say which (see resources).
    folded = fold_for_literals(text)
    matches = [
        (order, rule, match)
        for order, rule in enumerate(vocabulary.rules)
        if could_match(rule.literals, folded)
        for match in rule.pattern.finditer(text)
        if match.start() != match.end()
    ]
    # The look-alikes only veto, so they are searched for only where there is something to veto.
    vetoed = [
        (m.start(), m.end())
        for pattern, literals in (vocabulary.look_alikes if matches else ())
        if could_match(literals, folded)
        for m in pattern.finditer(text)
    ]

    candidates: list[_Candidate] = []
    for order, rule, match in matches:
        start, end = match.span()
        if any(s < end and start < e for s, e in vetoed):
            continue
        word = match.group()
        if word in defined and defined[word] is None:
            continue  # "IM" defined as intestinal metaplasia
        route = defined.get(word) or rule.route
        needs_definition = rule.needs_definition and defined.get(word) != rule.route
        candidates.append(_Candidate(start, end, order, route, needs_definition))
    for start, end, _ in abbreviations:
        route = defined[text[start:end]]
        if route is not None:
            candidates.append(_Candidate(start, end, len(vocabulary.rules), route, False))

    accepted: list[_Candidate] = [c for c in candidates if not c.needs_definition]
    for run in _abbreviation_runs([c for c in candidates if c.needs_definition], text):
        noun = vocabulary.route_noun.match(text, run[-1].end)
        cue = vocabulary.route_cue.search(text, max(0, run[0].start - CUE_WINDOW), run[0].start)
        defined_in_run = any(defined.get(text[c.start:c.end]) for c in run)
        if noun or cue or defined_in_run:
            accepted.extend(run)

    for candidate in accepted:
        noun = vocabulary.route_noun.match(text, candidate.end)
        if noun is not None:
            candidate.end = noun.end()

    # Longest match wins; among equals, the earlier rule in routes.jsonl.
    accepted.sort(key=lambda c: (-(c.end - c.start), c.order, c.start))
    taken: list[tuple[int, int]] = []
    found = []
    for c in accepted:
        if any(s < c.end and c.start < e for s, e in taken):
            continue
        taken.append((c.start, c.end))
        found.append(Found(c.start, c.end, "ROUTE", {"route": c.route}))
    return sorted(found, key=lambda f: f.start)


class RouteExtractor:
    def __init__(self, spans_key: str):
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        abbreviations = []
        if Doc.has_extension("abbreviations"):
            for short in doc._.abbreviations:
                long_form = short._.long_form
                if long_form is not None:
                    abbreviations.append((short.start_char, short.end_char, str(long_form)))
        write_spans(doc, self.spans_key, find_routes(doc_text(doc), abbreviations))
        return doc


@Language.factory(
    "trialfacts_route",
    default_config={"spans_key": ROUTES},
    requires=["doc._.abbreviations"],
)
def make_route_extractor(nlp: Language, name: str, spans_key: str) -> RouteExtractor:
    return RouteExtractor(spans_key)
