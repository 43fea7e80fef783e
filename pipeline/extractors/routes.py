"""Routes of administration, normalized to GOLD.md's vocabulary.

A route counts where it states how a study intervention is given. The vocabulary
(patterns/routes.jsonl) sorts route expressions by how much they need around them:

- phrases that state an administration on their own ("intrathecally", "by mouth", "i.v.",
  "via lumbar puncture into the cerebrospinal fluid");
- route words ("oral", "intravenous", "inhaled", "epidural") that are routes only where tied
  to something given: a route noun or dosage form after them ("an oral solution"), a study
  drug ("intravenous remdesivir"), an amount, a verb of giving before them ("received
  intrathecal chemotherapy"), or the title. The same words name anatomy, disease and
  procedures ("intraventricular haemorrhage", "intramedullary nailing"), which never count;
- bare abbreviations ("IV", "IT", "SC") that count where the document defines them as a route
  ("intrathecally (IT)"; scispaCy's AbbreviationDetector reads the definitions) or where a
  route noun, a cue, an amount or a drug name stands right next to them.

A mention in a sentence about earlier or other studies, or one that names a treatment measured,
required or excluded rather than given ("need for intravenous diuretics"), is the study's only if
the document states the same route where the study gives something; otherwise it is dropped.
So is a route word tied to nothing.

The component reads the lexicon's entities and the dose extractor's amounts when the pipeline
has them (see nlp/build.py); without them, route words rely on the other ties.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import NamedTuple

import regex
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..nlp.spans import DOSES, ENTITIES, ROUTES, Found, doc_text, write_spans
from ..resources import (
    Literals,
    Rule,
    finditer_at_openings,
    fold_for_literals,
    load_rules,
    opening_literals,
    openings_at_word_boundary,
    required_literals,
    search_openings,
)

# How a rule's matches are taken (routes.jsonl's labels).
PHRASE, WORD, DESTINATION, ABBREVIATION = "phrase", "word", "destination", "abbreviation"
KIND_OF_LABEL = {"ROUTE": PHRASE, "ROUTE_WORD": WORD, "ROUTE_DESTINATION": DESTINATION,
                 "ROUTE_ABBREVIATION": ABBREVIATION}
# What ties a route to an administration: nothing, something given (a route noun, a dosage form, an
# amount, a verb of giving), or one of the study's own interventions.
UNTIED, GIVEN, STUDY = "", "given", "study"
# Why a mention is not the study's own giving: about other studies, in the background, or a
# treatment measured, required or excluded.
OTHER_STUDY, BACKGROUND, NOT_GIVEN = "other-study", "background", "not-given"
# Entities that name something the study can give.
GIVEN_ENTITY_LABELS = frozenset({"DRUG", "CELL_PRODUCT"})


@dataclass(frozen=True)
class RouteRule:
    pattern: regex.Pattern
    route: str
    kind: str
    # One of these (case-folded) is in every match; a text holding none is not searched.
    literals: Literals | None = None
    # For a rule that opens with one of several literals ("\\bintravenous\\b|\\bparenteral\\b"), each
    # (as compared) with its pattern: searched for where the text holds it, the rule tried only where
    # one occurs (resources.search_openings); None: the rule runs over the text.
    openings: tuple[tuple[str, regex.Pattern], ...] | None = None
    case_sensitive: bool = False

    def finditer(self, text: str, folded: str, held: frozenset[str] = frozenset()) -> Iterable[regex.Match]:
        """The rule's matches in a text; ``held``: the vocabulary's literals the (folded) text holds
        (present_literals), which answer for the openings where they are among the rule's literals."""
        if self.openings is None:
            return self.pattern.finditer(text)
        if self._openings_prefiltered:
            present = tuple(p for literal, p in self.openings if literal in held)
        else:
            compared = text if self.case_sensitive else folded
            present = tuple(p for literal, p in self.openings if literal in compared)
        return finditer_at_openings(self.pattern, present, text) if present else ()

    @cached_property
    def _openings_prefiltered(self) -> bool:
        """Whether the openings are among the literals present_literals tests (see _prefilter)."""
        return (not self.case_sensitive and self.literals is not None and self.openings is not None
                and all(literal in self.literals for literal, _ in self.openings))


@dataclass(frozen=True)
class RouteVocabulary:
    rules: tuple[RouteRule, ...]
    look_alikes: tuple[tuple[regex.Pattern, Literals | None], ...]  # each with its prefilter
    route_noun: regex.Pattern  # matched right after a route word, joins its span
    route_cue: regex.Pattern  # ends right before an abbreviation
    giving_cue: regex.Pattern  # anywhere in the clause before a route word
    giving_verb: regex.Pattern  # a sentence where the study gives something
    given_after: regex.Pattern  # right after the phrase of a route word
    given_head: regex.Pattern  # at a word after a route word
    look_alike_head: regex.Pattern  # at the word right after a route word
    background_other_studies: regex.Pattern  # a sentence on earlier or other studies
    background_known: regex.Pattern  # a sentence on what is generally known
    not_given: regex.Pattern
    earlier_treatment: regex.Pattern  # a kind of not_given that a verb of giving after it overrides
    not_given_head: regex.Pattern  # a word of the phrase after a route word
    background_heading: regex.Pattern
    study_heading: regex.Pattern
    study_cue: regex.Pattern  # opens the study's own account in an abstract without headings
    title_generic: regex.Pattern  # a title word that names nothing given
    # (route, route it becomes, pattern): in the phrase after a route word; in the document.
    refined_in_phrase: tuple[tuple[str, str, regex.Pattern], ...] = ()
    refined_in_document: tuple[tuple[str, str, regex.Pattern], ...] = ()
    # Every rule's literals, grouped under a word they share and then under their openings (see
    # present_literals and _literal_gates).
    literal_gates: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = ()
    # route_of_phrase's answers: the same long forms ("intravenous", "intrathecally") come back in
    # document after document, and each costs a try of every rule.
    _phrase_routes: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    def rules_to_run(self, present: frozenset[str]) -> list[tuple[int, RouteRule]]:
        """The rules (with their places) whose prefilter the present literals pass, in order: a
        text holds few literals, so they name the rules rather than each rule testing its own."""
        places = set(self._unfiltered_rules)
        for literal in present:
            places.update(self._rules_by_literal.get(literal, ()))
        return [(place, self.rules[place]) for place in sorted(places)]

    @cached_property
    def _rules_by_literal(self) -> dict[str, tuple[int, ...]]:
        places: dict[str, list[int]] = {}
        for place, rule in enumerate(self.rules):
            for literal in rule.literals or ():
                places.setdefault(literal, []).append(place)
        return {literal: tuple(p) for literal, p in places.items()}

    @cached_property
    def _unfiltered_rules(self) -> tuple[int, ...]:
        return tuple(place for place, rule in enumerate(self.rules) if rule.literals is None)

    def present_literals(self, folded: str) -> frozenset[str]:
        """The rules' literals that occur in the folded text. A substring search costs a scan of
        the text where it fails, and most fail; one search for a shared word ("intra") settles every
        literal that holds it, and one for a longer opening ("intrav") those that start with that."""
        return frozenset(
            literal
            for gate, groups in self.literal_gates
            if gate in folded
            for opening, literals in groups
            if opening == gate or opening in folded
            for literal in literals
            if literal == opening or literal in folded
        )

    def route_of_phrase(self, phrase: str) -> str | None:
        """The route a whole phrase names ("intrathecally" -> "intrathecal"), else None."""
        phrase = phrase.strip()
        if phrase not in self._phrase_routes:
            if len(self._phrase_routes) >= PHRASE_CACHE_SIZE:
                self._phrase_routes.clear()
            self._phrase_routes[phrase] = next(
                (rule.route for rule in self.rules if rule.kind != ABBREVIATION and rule.pattern.fullmatch(phrase)),
                None,
            )
        return self._phrase_routes[phrase]


# A word that literals share gates them when it has at least this many letters (_literal_gates).
GATE_WORD = regex.compile(r"[^\W\d_]{4,}")
# Distinct long forms remembered by route_of_phrase (a run of millions of abstracts has more).
PHRASE_CACHE_SIZE = 4096


@lru_cache(maxsize=None)
def route_vocabulary() -> RouteVocabulary:
    rules = load_rules("routes.jsonl")

    def alternation(label: str, id: str | None = None) -> str:
        return "|".join(f"(?:{r.pattern})" for r in rules if r.label == label and (id is None or r.id == id))

    def compiled(pattern: str, sensitive: bool = False) -> regex.Pattern:
        # As Rule.compiled: simple case folding, which no rule here needs more than.
        return regex.compile(pattern, regex.V1) if sensitive else regex.compile(f"(?-f){pattern}", regex.V1 | regex.I)

    def refinements(label: str) -> tuple[tuple[str, str, regex.Pattern], ...]:
        return tuple((*r.id.split(">"), r.compiled()) for r in rules if r.label == label)

    route_rules = tuple(
        RouteRule(r.compiled(), r.id, KIND_OF_LABEL[r.label], _prefilter(r),
                  _search_openings(r), r.case == "sensitive")
        for r in rules
        if r.label in KIND_OF_LABEL
    )
    look_alikes = tuple((r.compiled(), _prefilter(r)) for r in rules if r.label == "NOT_ROUTE")
    literals = {literal for literals in [r.literals for r in route_rules] + [literals for _, literals in look_alikes]
                for literal in literals or ()}
    cues = alternation("ROUTE_CUE")
    return RouteVocabulary(
        rules=route_rules,
        look_alikes=look_alikes,
        # The noun joins the span only when it directly follows: "IT injection", "intrathecal delivery".
        route_noun=compiled(rf"[ -](?:{alternation('ROUTE_NOUN')})\b"),
        route_cue=compiled(rf"(?:{cues}) $"),
        giving_cue=compiled(rf"(?:{cues})\b"),
        giving_verb=compiled(rf"(?:{alternation('ROUTE_CUE', 'giving-verb')})\b"),
        given_after=compiled(alternation("GIVEN_AFTER")),
        given_head=compiled(rf"(?:{alternation('ROUTE_NOUN')}|{alternation('ROUTE_HEAD')})\b"),
        look_alike_head=compiled(rf"[ -]?(?:{alternation('NOT_ROUTE_HEAD')})"),
        background_other_studies=compiled(alternation("BACKGROUND_CUE", "other-studies")),
        background_known=compiled(alternation("BACKGROUND_CUE", "known")),
        not_given=compiled(alternation("NOT_GIVEN_CUE")),
        earlier_treatment=compiled(alternation("NOT_GIVEN_CUE", "earlier")),
        not_given_head=compiled(alternation("NOT_GIVEN_HEAD")),
        background_heading=compiled(alternation("SECTION", "background"), sensitive=True),
        study_heading=compiled(alternation("SECTION", "study"), sensitive=True),
        study_cue=compiled(alternation("STUDY_CUE")),
        title_generic=compiled(alternation("TITLE_GENERIC")),
        literal_gates=_literal_gates(literals),
        refined_in_phrase=refinements("ROUTE_IN_PHRASE"),
        refined_in_document=refinements("ROUTE_IN_DOCUMENT"),
    )


def _literal_gates(literals: set[str]) -> tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...]:
    """The literals under gates (present_literals): a word of four letters or more, or a literal,
    that others hold ("intra" in "intrathecal", "oral" in "per oral"), those shared by most first,
    each literal under the first one taken that it holds; a literal that shares none is its own
    gate. Under a gate, the literals that start with it and go on are grouped by their opening one
    character longer ("intrav": "intravenous", "intravesical", "intravitreal", ...). A literal of one
    character ("s") gates only itself: it is in every text, and the literals under it would each
    cost a search."""
    sharing = {word: sum(word in other for other in literals)
               for literal in literals for word in {literal, *GATE_WORD.findall(literal)} if len(word) > 1}
    gates = []
    left = set(literals)
    for word in sorted(sharing, key=lambda w: (-sharing[w], w)):
        gated = {literal for literal in left if word in literal}
        if len(gated) >= 2:
            gates.append((word, gated))
            left.difference_update(gated)
    gates += [(literal, {literal}) for literal in left]
    nested = []
    for gate, gated in sorted(gates):
        groups: dict[str, list[str]] = {}
        for literal in sorted(gated):
            opening = literal[: len(gate) + 1] if literal.startswith(gate) and literal != gate else literal
            groups.setdefault(opening, []).append(literal)
        nested.append((gate, tuple((opening, tuple(group)) for opening, group in sorted(groups.items()))))
    return tuple(nested)


def _prefilter(rule: Rule) -> Literals | None:
    """The literals a text must hold (one of them) for ``rule`` to match in it, or None: it always
    runs. A case-sensitive abbreviation with one literal ("\\bIV\\b") has none: its folded literal
    ("iv") is in most texts, and the engine finds the abbreviation itself as fast as a prefilter
    would. Where every match opens with one of a few literals of four or more characters, those:
    "intra" opens each of the intra-* rules, whose longest literals ("arterial", "articular", ...)
    would each cost a search of every text; otherwise the literals every match holds
    (resources.required_literals)."""
    literals = required_literals(rule.pattern)
    if rule.case == "sensitive":
        return None if literals is not None and len(literals) == 1 else literals
    openings = opening_literals(rule.pattern)
    if openings and min(map(len, openings)) >= 4:
        return frozenset(fold_for_literals(o) for o in openings)
    return literals


def _search_openings(rule: Rule) -> tuple[tuple[str, regex.Pattern], ...] | None:
    """resources.search_openings, which leaves a rule with one required literal to the engine. A
    case-sensitive abbreviation written in both cases ("IV" or "iv") has one literal folded but
    two as written, which the engine cannot search for at once: run over a text, it costs as much
    as ten other rules; searched by its openings, "IV" and "iv", half that. One written in capitals
    only ("\\bIT\\b") is searched by its opening too: most texts do not hold it, and a substring
    test says so in a third of the instructions of the engine's search."""
    openings = search_openings(rule.pattern, rule.case == "sensitive")
    if openings is None and rule.case == "sensitive":
        as_written = required_literals(rule.pattern, case_sensitive=True)
        starts = opening_literals(rule.pattern)
        if as_written is not None and starts and min(map(len, starts)) >= 2:
            openings = tuple((opening, regex.compile(regex.escape(opening), regex.V1)) for opening in sorted(starts))
    return openings_at_word_boundary(rule.pattern, openings)


# Abbreviations in a run such as "IM+IT", "IM or IT", "IT/IM" share their evidence.
ABBREVIATION_JOINER = regex.compile(r" ?(?:\+|/|,|or|and) ?")
# How far back a cue ("transplanted by IM+IT") may stand before an abbreviation.
CUE_WINDOW = 30
# How far back a verb of giving may stand before a route word, in the same clause
# ("received protocol-based systemic and intrathecal chemotherapy").
GIVING_CUE_WINDOW = 50
# How far back a destination may restate a route ("intrathecal delivery of autologous mesenchymal
# stem cells (MSCs) to the cerebrospinal fluid").
RESTATED_WINDOW = 100
# A destination ends the clause that gives: "received drug X 0.2% or placebo four times a day in
# both eyes".
DESTINATION_CUE_WINDOW = 100
# How far back a phrase of measuring or excluding reaches ("need for ... intravenous diuretics").
NOT_GIVEN_WINDOW = 60
# Words of the phrase after a route word that may name what is given
# ("oral soluble guanylate cyclase stimulator vericiguat").
HEAD_WORDS = 6

# A sentence ends at ".", "!" or "?" before a capital, at a line break, and a clause at ";" or ":".
SENTENCE_END = regex.compile(r"[.!?](?=\s+[\"'(\[]?[A-Z0-9])|\n|(?<=[a-z)\]])\.(?=[A-Z][A-Za-z]+ ?:)")
CLAUSE_END = regex.compile(r"[;:]")
# A title marked as such: "TITLE: Drug X in asthma".
TITLE_HEADING = regex.compile(r"\s*TITLE\s*:\s*")
# The words after a route word, one at a time: separated by a space, hyphen or slash.
# A point inside a word ("0.5", "i.v") is kept; one after it ends the phrase.
NEXT_WORD = regex.compile(r"[ /-]+(?P<word>[^\s,;:.()\[\]/-]+(?:\.[^\s,;:.()\[\]/-]+)*)")
# A bracketed abbreviation right after a route word: "intravenous (IV) lidocaine".
BRACKETED = regex.compile(r" ?\([^()\s]{1,12}\)")
DIGIT = regex.compile(r"\d")
# A word that may name a product: a letter, then at least three more word characters.
CONTENT_WORD = regex.compile(r"[^\W\d_][\w'-]{3,}")
# The word an amount is written with: right before it, or after "of" right after it.
WORD_BEFORE_AMOUNT = regex.compile(r"(?P<word>[^\W\d_][\w'-]{3,}),? ?$")
WORD_AFTER_AMOUNT = regex.compile(r" of (?:the |a )?(?P<word>[^\W\d_][\w'-]{3,})")
# How far before a route word a study intervention may be named in the same clause
# ("Drug X (brand), a new oral kinase inhibitor").
STUDY_DRUG_WINDOW = 40
# Words that end the phrase after a route word.
PHRASE_END = frozenset(
    "and or but nor versus vs vs. with without in on at for to from by during after before than that which "
    "who whom whose was were is are be been being has have had as compared plus among between into per "
    "while whereas when where if given received receiving treated administered undergoing underwent using "
    "used showed shows had".split()
)
# Words joining two route words that share what follows ("oral or intravenous lidocaine").
COORDINATION = frozenset({"and", "or", "versus", "vs", "vs.", "and/or"})
# What may stand between an amount or a drug and the route next to it ("6 mg SQ", "400 mg/day, orally").
ADJACENT_GAP = regex.compile(r"[\s,(]{0,3}")


@dataclass
class _Candidate:
    start: int
    end: int
    order: int
    route: str
    kind: str
    tie: str = ""  # UNTIED, GIVEN or STUDY
    # Why the mention is not where the study gives something ("" where it is): it then counts only
    # if the route is stated elsewhere.
    provisional: str = ""


class _Entity(NamedTuple):  # a tuple: made and sorted many times per document, in C
    start: int
    end: int
    label: str


class _Document:
    """What the ties read: sentences, the title, entities, amounts, and the study's interventions,
    each worked out only when asked (most abstracts hold no route word at all)."""

    def __init__(self, text: str, vocabulary: RouteVocabulary, entities: Sequence[tuple[int, int, str]],
                 doses: Sequence[tuple[int, int, tuple[int, int] | None]]):
        self.text = text
        self.vocabulary = vocabulary
        self.entities = sorted(map(_Entity._make, entities))
        self.entity_starts = [e.start for e in self.entities]
        self.doses = sorted(doses, key=lambda d: d[0])
        self.dose_starts = [d[0] for d in self.doses]
        self.dose_ends = sorted(d[1] for d in self.doses)
        self._background_cues: dict[tuple[int, int], str | None] = {}
        self._study_intervention: dict[str, bool] = {}  # a casefolded name -> is_study_intervention
        self._giving: dict[tuple[int, int], bool] = {}  # a sentence -> _gives

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        spans, start = [], 0
        for end in SENTENCE_END.finditer(self.text):
            spans.append((start, end.end()))
            start = end.end()
        spans.append((start, len(self.text)))
        return spans

    @cached_property
    def sentence_starts(self) -> list[int]:
        return [s for s, _ in self.sentences]

    def sentence(self, position: int) -> tuple[int, int]:
        return self.sentences[bisect_right(self.sentence_starts, position) - 1]

    @cached_property
    def title_end(self) -> int:
        """The end of the first sentence, or of the text before the first heading in it (a title
        without a full stop: "Drug X in asthma BACKGROUND ...")."""
        start, end = self.sentences[0]
        heading = TITLE_HEADING.match(self.text)
        if heading and end - start < 12:  # "TITLE:" split off as a sentence of its own
            end = self.sentences[1][1] if len(self.sentences) > 1 else end
        begin = heading.end() if heading else 0
        for pattern in (self.vocabulary.background_heading, self.vocabulary.study_heading):
            found = pattern.search(self.text, begin, end)
            if found is not None and found.start() > begin:
                end = found.start()
        return end

    def in_title(self, position: int) -> bool:
        return position < self.title_end

    @cached_property
    def amount_words(self) -> frozenset[str]:
        """Words that name what the study gives where the lexicon knows no name: the word an
        amount is written with ("oxytocin 10 IU", "10 IU of oxytocin")."""
        words = []
        for start, end, _ in self.doses:
            before = WORD_BEFORE_AMOUNT.search(self.text, max(0, start - 40), start)
            after = WORD_AFTER_AMOUNT.match(self.text, end)
            words += [m.group("word") for m in (before, after) if m is not None]
        return self._content(words)

    @cached_property
    def study_words(self) -> frozenset[str]:
        """The amounts' words and the title's words ("oral cryotherapy" in a trial of cryotherapy)."""
        return self.amount_words | self._content(CONTENT_WORD.findall(self.text, 0, self.title_end))

    def _content(self, words: list[str]) -> frozenset[str]:
        generic = self.vocabulary.title_generic
        return frozenset(w.casefold() for w in words if not generic.fullmatch(w))

    @cached_property
    def background_sections(self) -> list[tuple[int, int]]:
        """From a background heading to the next heading ("BACKGROUND ... OBJECTIVE"); in an
        abstract without headings, from the title to the first sentence on the study itself."""
        vocabulary = self.vocabulary
        openings = [m.end() for m in vocabulary.background_heading.finditer(self.text)]
        closings = sorted(m.start() for m in vocabulary.study_heading.finditer(self.text))
        if not openings and not closings:
            # Background sentences state no counts or amounts; the first that does is the study's.
            for start, end in self.sentences:
                if start >= self.title_end and (vocabulary.study_cue.search(self.text, start, end)
                                                or DIGIT.search(self.text, start, end)):
                    return [(self.title_end, start)]
            return []
        sections = []
        for opening in openings:
            after = bisect_left(closings, opening)
            sections.append((opening, closings[after] if after < len(closings) else len(self.text)))
        return sections

    def background(self, position: int) -> str | None:
        """Why the sentence at ``position`` is not the study's own account: it is about other
        studies (OTHER_STUDY), or about what is known, or in the background section (BACKGROUND);
        None where it is the study's."""
        if self.in_title(position):
            return None
        cue = self._background_cue(self.sentence(position))
        if cue is not None:
            return cue
        if any(s <= position < e for s, e in self.background_sections):
            return BACKGROUND
        return None

    def _background_cue(self, sentence: tuple[int, int]) -> str | None:
        """The background cues of a sentence, searched for once: each of its route words and, for
        is_study_intervention, each sentence with a verb of giving asks."""
        if sentence not in self._background_cues:
            start, end = sentence
            cue = None
            if self.vocabulary.background_other_studies.search(self.text, start, end):
                cue = OTHER_STUDY
            elif self.vocabulary.background_known.search(self.text, start, end):
                cue = BACKGROUND
            self._background_cues[sentence] = cue
        return self._background_cues[sentence]

    def entity_at(self, position: int) -> _Entity | None:
        """The entity covering ``position``, if any."""
        at = bisect_right(self.entity_starts, position) - 1
        while at >= 0 and self.entities[at].start > position - 200:
            entity = self.entities[at]
            if entity.start <= position < entity.end:
                return entity
            at -= 1
        return None

    def entity_ending_at(self, end: int) -> _Entity | None:
        """A given entity whose end is ``end`` or just before it (across a gap of spaces, commas)."""
        at = bisect_left(self.entity_starts, end) - 1
        while at >= 0 and self.entities[at].start > end - 200:
            entity = self.entities[at]
            if (entity.label in GIVEN_ENTITY_LABELS and entity.end <= end
                    and ADJACENT_GAP.fullmatch(self.text, entity.end, end)):
                return entity
            at -= 1
        return None

    def entities_before(self, end: int, begin: int) -> list[_Entity]:
        """Entities that start at or after ``begin`` and end at or before ``end``."""
        low, high = bisect_left(self.entity_starts, begin), bisect_left(self.entity_starts, end)
        return [e for e in self.entities[low:high] if e.end <= end]

    def overlaps_disease(self, start: int, end: int) -> bool:
        at = bisect_left(self.entity_starts, end) - 1
        while at >= 0 and self.entities[at].start > start - 200:
            entity = self.entities[at]
            if entity.label == "DISEASE" and entity.start < end and start < entity.end:
                return True
            at -= 1
        return False

    def dose_starting_at(self, position: int) -> bool:
        at = bisect_left(self.dose_starts, position)
        return at < len(self.doses) and self.doses[at][0] == position

    def dose_ending_before(self, start: int) -> bool:
        """An amount right before ``start``: "6 mg SQ", "400 mg/day, orally"."""
        at = bisect_right(self.dose_ends, start) - 1
        return at >= 0 and ADJACENT_GAP.fullmatch(self.text, self.dose_ends[at], start) is not None

    def is_study_intervention(self, entity: _Entity) -> bool:
        """Whether the study gives the drug or cell product an entity names: one in the title, the
        drug of an amount, or named in a sentence of the study's own account with a verb of giving
        or allocation. Asked of the few names next to route words: only their sentences are read
        for a verb of giving (a slow alternation), not every sentence that names a drug."""
        name = self.text[entity.start:entity.end].casefold()
        if name not in self._study_intervention:
            self._study_intervention[name] = name in self._dose_interventions or any(
                self.in_title(named.start) or self._gives(self.sentence(named.start))
                for named in self._given_entities_by_name.get(name, ())
            )
        return self._study_intervention[name]

    @cached_property
    def _dose_interventions(self) -> frozenset[str]:
        return frozenset(self.text[drug[0]:drug[1]].casefold() for _, _, drug in self.doses if drug is not None)

    @cached_property
    def _given_entities_by_name(self) -> dict[str, list[_Entity]]:
        by_name: dict[str, list[_Entity]] = {}
        for entity in self.entities:
            if entity.label in GIVEN_ENTITY_LABELS:
                by_name.setdefault(self.text[entity.start:entity.end].casefold(), []).append(entity)
        return by_name

    def _gives(self, sentence: tuple[int, int]) -> bool:
        """A sentence of the study's own account with a verb of giving or allocation."""
        if sentence not in self._giving:
            start, end = sentence
            self._giving[sentence] = bool(self.vocabulary.giving_verb.search(self.text, start, end)
                                          and self.background(start) is None)
        return self._giving[sentence]


def _cue_before(pattern: regex.Pattern, document: _Document, start: int, window: int) -> bool:
    """A cue in the same clause, at most ``window`` characters before ``start``, not followed by a
    comma ("chemotherapy received, oral decontamination" lists; it does not give)."""
    text = document.text
    sentence_start, _ = document.sentence(start)
    begin = max(sentence_start, start - window)
    last = None
    for last in pattern.finditer(text, begin, start):
        pass
    if last is None:
        return False
    gap = text[last.end():start]
    return not CLAUSE_END.search(gap) and not gap.lstrip().startswith(",")


def _not_given_before(document: _Document, start: int) -> bool:
    """A phrase of measuring, requiring, excluding or of a condition before ``start`` in the same
    clause; or of an earlier treatment, with no verb of giving after it ("previously untreated
    patients received")."""
    text = document.text
    sentence_start, _ = document.sentence(start)
    last = None
    for last in document.vocabulary.not_given.finditer(text, max(sentence_start, start - NOT_GIVEN_WINDOW), start):
        pass
    if last is None or CLAUSE_END.search(text, last.end(), start):
        return False
    vocabulary = document.vocabulary
    return not (vocabulary.earlier_treatment.fullmatch(last.group())
                and vocabulary.giving_verb.search(text, last.end(), start))


@dataclass
class _Phrase:
    """The words after a route word, as (start, case-folded word), up to a word that ends the phrase;
    where the phrase ends; and where a route word coordinated with it starts ("oral or intravenous
    lidocaine"), if one may be."""

    words: list[tuple[int, str]]
    end: int
    coordinated: int | None = None


def _phrase_after(candidate: _Candidate, document: _Document) -> _Phrase:
    text = document.text
    position = candidate.end
    bracketed = BRACKETED.match(text, position)
    if bracketed:
        position = bracketed.end()
    words = []
    for index in range(HEAD_WORDS):
        step = NEXT_WORD.match(text, position)
        if step is None:
            break
        word = step.group("word").casefold()
        if word in PHRASE_END and not (index == 0 and word == "of"):
            if word in COORDINATION:
                following = NEXT_WORD.match(text, step.end())
                if following is not None:
                    return _Phrase(words, position, following.start("word"))
            break
        words.append((step.start("word"), word))
        position = step.end()
    return _Phrase(words, position)


def _names_study_intervention(candidate: _Candidate, document: _Document, words: list[tuple[int, str]]) -> bool:
    """A study intervention in the phrase after the route ("intravenous remdesivir"; a word, not a
    disease's, that the title or an amount shares: "oral cryotherapy" in a trial of cryotherapy), or
    named before it in the same clause ("remdesivir intravenously", "Drug X (brand), a new oral ...")."""
    for start, word in words:
        entity = document.entity_at(start)
        if entity is None:
            if word in document.study_words:
                return True
        elif entity.label in GIVEN_ENTITY_LABELS and document.is_study_intervention(entity):
            return True
    sentence_start, _ = document.sentence(candidate.start)
    for entity in document.entities_before(candidate.start, max(sentence_start, candidate.start - STUDY_DRUG_WINDOW)):
        if (entity.label in GIVEN_ENTITY_LABELS and document.is_study_intervention(entity)
                and not CLAUSE_END.search(document.text, entity.end, candidate.start)):
            return True
    return False


def _before_look_alike_head(document: _Document, position: int) -> bool:
    """A noun of anatomy, disease or a procedure next, or after one more word that names nothing
    given ("intrathecal IgG synthesis", not "oral iron levels" where iron is a drug)."""
    text, head = document.text, document.vocabulary.look_alike_head
    if head.match(text, position):
        return True
    step = NEXT_WORD.match(text, position)
    if step is None or step.group("word").casefold() in PHRASE_END:
        return False
    entity = document.entity_at(step.start("word"))
    return (entity is None or entity.label not in GIVEN_ENTITY_LABELS) and head.match(text, step.end()) is not None


def _word_tie(candidate: _Candidate, document: _Document, later: dict[int, str]) -> str | None:
    """What ties a route word to an administration (UNTIED, GIVEN or STUDY), or None where the word
    names anatomy, disease or a procedure. ``later``: start -> tie of each route word after it."""
    text, vocabulary = document.text, document.vocabulary
    position = candidate.end
    bracketed = BRACKETED.match(text, position)
    if bracketed:
        position = bracketed.end()
    if _before_look_alike_head(document, position):
        return None
    if document.in_title(candidate.start) and candidate.kind == WORD:
        return STUDY
    # A destination ends its phrase: what follows it is not what was given ("in the spinal cord of ...").
    phrase = _phrase_after(candidate, document) if candidate.kind == WORD else _Phrase([], candidate.end)
    if _names_study_intervention(candidate, document, phrase.words):
        return STUDY
    if any(vocabulary.given_head.match(text, start) or document.dose_starting_at(start) for start, _ in phrase.words):
        return GIVEN
    if phrase.coordinated in later:
        return later[phrase.coordinated]
    if vocabulary.given_after.match(text, phrase.end):
        return GIVEN
    if document.dose_ending_before(candidate.start):
        return GIVEN
    window = DESTINATION_CUE_WINDOW if candidate.kind == DESTINATION else GIVING_CUE_WINDOW
    if _cue_before(vocabulary.giving_cue, document, candidate.start, window):
        return GIVEN
    return UNTIED


def _refine(kept: list[_Candidate], document: _Document) -> None:
    """Routes named by where the product goes: "an oral mucoadhesive film" is topical; a topical
    treatment in a document on the eye is ophthalmic."""
    vocabulary = document.vocabulary
    for route, refined, pattern in vocabulary.refined_in_phrase:
        for c in kept:
            if c.route == route and any(pattern.fullmatch(w) for _, w in _phrase_after(c, document).words):
                c.route = refined
    for route, refined, pattern in vocabulary.refined_in_document:
        routed = [c for c in kept if c.route == route]
        if routed and pattern.search(document.text):
            for c in routed:
                c.route = refined


def _restates(destination: _Candidate, kept: list[_Candidate], document: _Document) -> bool:
    """Whether the clause before a destination ("... to the CSF") has already stated its route
    ("intrathecal delivery of cells to the CSF"): one administration, one mention."""
    begin = max(document.sentence(destination.start)[0], destination.start - RESTATED_WINDOW)
    return any(
        other.route == destination.route and begin <= other.start and other.end <= destination.start
        and not CLAUSE_END.search(document.text, other.end, destination.start)
        for other in kept
        if other is not destination
    )


def _abbreviation_runs(candidates: list[_Candidate], text: str) -> list[list[_Candidate]]:
    runs: list[list[_Candidate]] = []
    for candidate in sorted(candidates, key=lambda c: c.start):
        if runs and ABBREVIATION_JOINER.fullmatch(text, runs[-1][-1].end, candidate.start):
            runs[-1].append(candidate)
        else:
            runs.append([candidate])
    return runs


def _run_is_tied(run: list[_Candidate], document: _Document) -> bool:
    """An abbreviation run with a route noun after it, or right before it a cue, an amount or a
    drug; or right after it a drug or a word the study gives with its amount ("IV lidocaine",
    "IV iron 1 g")."""
    text, vocabulary = document.text, document.vocabulary
    first, last = run[0], run[-1]
    if vocabulary.route_noun.match(text, last.end):
        return True
    if vocabulary.route_cue.search(text, max(0, first.start - CUE_WINDOW), first.start):
        return True
    if document.dose_ending_before(first.start) or document.entity_ending_at(first.start) is not None:
        return True
    after = NEXT_WORD.match(text, last.end)
    if after is not None and after.start() == last.end:
        entity = document.entity_at(after.start("word"))
        if entity is not None and entity.label in GIVEN_ENTITY_LABELS:
            return True
        if after.group("word").casefold() in document.amount_words:
            return True
        amount = NEXT_WORD.match(text, after.end())
        return amount is not None and document.dose_starting_at(amount.start("word"))  # "IV iron 1 g"
    return False


def find_routes(
    text: str,
    abbreviations: Sequence[tuple[int, int, str]] = (),
    entities: Sequence[tuple[int, int, str]] = (),
    doses: Sequence[tuple[int, int, tuple[int, int] | None]] = (),
) -> list[Found]:
    """Route mentions in clean text.

    ``abbreviations``: (start, end, long form) for each short-form occurrence the abbreviation
    detector found. ``entities``: (start, end, label) of the lexicon's entities. ``doses``:
    (start, end, (start, end) of its intervention or None) of each amount found.
    """
    found = _rule_matches(text, abbreviations)
    return _routes(text, found, abbreviations, entities, doses) if found is not None else []


@dataclass
class _RuleMatches:
    """The matches of the route rules in a text, and the routes its abbreviations are defined as."""

    defined: dict[str, str | None]  # short form -> route it abbreviates, or None for a non-route definition
    matches: list[tuple[int, RouteRule, regex.Match]]  # (the rule's place in the vocabulary, rule, match)
    present: frozenset[str]  # the rules' literals the text holds


def _rule_matches(text: str, abbreviations: Sequence[tuple[int, int, str]]) -> _RuleMatches | None:
    """None where the text can hold no route: no rule matches and no abbreviation is defined as one."""
    vocabulary = route_vocabulary()
    defined = {}
    for start, end, long_form in abbreviations:
        defined[text[start:end]] = vocabulary.route_of_phrase(long_form)

    # Most rules cannot match a given abstract; their literal prefilters say which (see resources).
    folded = fold_for_literals(text)
    present = vocabulary.present_literals(folded)
    matches = [
        (order, rule, match)
        for order, rule in vocabulary.rules_to_run(present)
        for match in rule.finditer(text, folded, present)
        if match.start() != match.end()
    ]
    if not matches and not any(route for route in defined.values()):
        return None
    return _RuleMatches(defined, matches, present)


def _routes(
    text: str,
    found: _RuleMatches,
    abbreviations: Sequence[tuple[int, int, str]],
    entities: Sequence[tuple[int, int, str]],
    doses: Sequence[tuple[int, int, tuple[int, int] | None]],
) -> list[Found]:
    """The routes among a text's rule matches (find_routes)."""
    vocabulary = route_vocabulary()
    defined, matches, present = found.defined, found.matches, found.present
    # The look-alikes only veto, so they are searched for only where there is something to veto.
    vetoed = [
        (m.start(), m.end())
        for pattern, literals in vocabulary.look_alikes
        if literals is None or not literals.isdisjoint(present)
        for m in pattern.finditer(text)
    ] if matches else []
    document = _Document(text, vocabulary, entities, doses)

    candidates: list[_Candidate] = []
    for order, rule, match in matches:
        start, end = match.span()
        if any(s < end and start < e for s, e in vetoed) or document.overlaps_disease(start, end):
            continue
        word = match.group()
        if word in defined and defined[word] is None:
            continue  # "IM" defined as intestinal metaplasia
        kind = PHRASE if rule.kind == ABBREVIATION and defined.get(word) else rule.kind
        candidates.append(_Candidate(start, end, order, defined.get(word) or rule.route, kind))
    for start, end, _ in abbreviations:
        route = defined[text[start:end]]
        if route is not None:
            candidates.append(_Candidate(start, end, len(vocabulary.rules), route, PHRASE))

    accepted = [c for c in candidates if c.kind == PHRASE]
    for run in _abbreviation_runs([c for c in candidates if c.kind == ABBREVIATION], text):
        if _run_is_tied(run, document):
            accepted.extend(run)
    # Right to left, so that "oral or intravenous lidocaine" can pass the second word's tie to the first.
    later: dict[int, str] = {}
    for candidate in sorted((c for c in candidates if c.kind in (WORD, DESTINATION)), key=lambda c: -c.start):
        tie = _word_tie(candidate, document, later)
        if tie is None:
            continue
        candidate.tie = later[candidate.start] = tie
        accepted.append(candidate)

    for candidate in accepted:
        noun = vocabulary.route_noun.match(text, candidate.end)
        if noun is not None:
            candidate.end = noun.end()

    # Longest match wins; among equals, the earlier rule in routes.jsonl.
    accepted.sort(key=lambda c: (-(c.end - c.start), c.order, c.start))
    taken: list[tuple[int, int]] = []
    kept: list[_Candidate] = []
    for c in accepted:
        if any(s < c.end and c.start < e for s, e in taken):
            continue
        taken.append((c.start, c.end))
        kept.append(c)

    kept = [c for c in kept if not (c.kind == DESTINATION and _restates(c, kept, document))]
    _refine(kept, document)
    for c in kept:
        words = _phrase_after(c, document).words
        if c.kind not in (WORD, DESTINATION):
            c.tie = STUDY if _names_study_intervention(c, document, words) else GIVEN
        if document.in_title(c.start):
            continue
        c.provisional = document.background(c.start) or ""
        if not c.provisional and (_not_given_before(document, c.start)
                                  or any(vocabulary.not_given_head.fullmatch(w) for _, w in words)):
            c.provisional = NOT_GIVEN
    stated = {c.route for c in kept if c.tie and not c.provisional}
    if not stated:
        # Where the study's own account states no route, what the background says of a study
        # intervention ("Drug X, an oral kinase inhibitor, ...") is the study's route.
        stated = {c.route for c in kept if c.tie == STUDY and c.provisional in (BACKGROUND, NOT_GIVEN)}
    found = [
        Found(c.start, c.end, "ROUTE", {"route": c.route})
        for c in kept
        if c.route in stated
    ]
    return sorted(found, key=lambda f: f.start)


class RouteExtractor:
    def __init__(self, spans_key: str):
        self.spans_key = spans_key
        # The vocabulary is compiled when the pipeline is built, not on the first document (which
        # would otherwise pay a seventh of a second for it, as would a per-document timing).
        vocabulary = route_vocabulary()
        vocabulary.rules_to_run(frozenset())  # its literal index too

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        abbreviations = []
        if Doc.has_extension("abbreviations"):
            for short in doc._.abbreviations:
                long_form = short._.long_form
                if long_form is not None:
                    # A Span's text sliced from the doc's (str(span) joins it from its tokens); a
                    # serializable detector leaves the text itself.
                    if isinstance(long_form, Span):
                        long_form = text[long_form.start_char:long_form.end_char]
                    abbreviations.append((short.start_char, short.end_char, str(long_form)))
        found = _rule_matches(text, abbreviations)
        if found is None:  # most abstracts: the entities and amounts need not be read off the doc
            write_spans(doc, self.spans_key, [])
            return doc
        entities = [(s.start_char, s.end_char, s.label_) for s in doc.spans[ENTITIES]] if ENTITIES in doc.spans else []
        doses = []
        for span in doc.spans[DOSES] if DOSES in doc.spans else ():
            values = span._.trialfacts or {}
            intervention = values.get("intervention")
            doses.append((values.get("start", span.start_char), values.get("end", span.end_char),
                          (intervention["start"], intervention["end"]) if intervention else None))
        write_spans(doc, self.spans_key, _routes(text, found, abbreviations, entities, doses))
        return doc


@Language.factory(
    "trialfacts_route",
    default_config={"spans_key": ROUTES},
    requires=["doc._.abbreviations"],
)
def make_route_extractor(nlp: Language, name: str, spans_key: str) -> RouteExtractor:
    return RouteExtractor(spans_key)
