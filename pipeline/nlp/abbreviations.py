"""scispaCy's AbbreviationDetector with its parenthesis search bounded, and its searches done on arrays.

scispaCy finds definitions by matching "(" + any tokens + ")" and then discards spans of
more than 8 tokens. On nested brackets that pattern yields a match for every pair of an
opening and a closing bracket, so 10k nested parentheses cost minutes and gigabytes. Here
the bracket's content may not hold another bracket and is at most ``max_tokens`` long, which
finds the same definitions in time linear in the text.

Both of scispaCy's searches are spaCy Matchers: the brackets, and then every occurrence of each
short form it defined. A Matcher reads the document a Token object at a time, which cost more
than the rest of the detector; both searches here compare the tokens' ORTH ids in one array
instead, and find the same matches. Which brackets may hold a definition (scispaCy's
filter_matches and short_form_filter) is decided on the tokens' offsets and lengths, so that
Spans are made only for the candidates kept. The rest (the Schwartz & Hearst letter matching,
the long forms) is scispaCy's own code.
"""

from __future__ import annotations

from collections import defaultdict

import numpy
from scispacy.abbreviation import AbbreviationDetector, find_abbreviation
from spacy.language import Language
from spacy.tokens import Doc, Span

from .spans import IDX_COLUMN, LENGTH_COLUMN, ORTH_COLUMN, doc_text, token_array

# scispaCy's filter_matches ignores longer parentheses anyway.
SCISPACY_MAX_TOKENS = 8


class BoundedAbbreviationDetector(AbbreviationDetector):
    def __init__(self, nlp: Language, name: str, max_tokens: int, make_serializable: bool):
        super().__init__(nlp, name=name, make_serializable=make_serializable)
        self.max_tokens = max_tokens
        self.opening = nlp.vocab.strings.add("(")
        self.closing = nlp.vocab.strings.add(")")

    def parentheses(self, orth: numpy.ndarray) -> list[tuple[int, int]]:
        """(start, end) of each "(" + 1 to max_tokens tokens + ")" with no bracket inside, the
        brackets included: what the Matcher pattern [{"ORTH": "("}, {"ORTH": {"NOT_IN": ["(",
        ")"]}, "OP": "{1,max_tokens}"}, {"ORTH": ")"}] finds, in the same order."""
        at = numpy.flatnonzero((orth == self.opening) | (orth == self.closing))
        brackets = list(zip(at.tolist(), orth[at].tolist()))
        return [
            (opening, closing + 1)
            for (opening, first), (closing, second) in zip(brackets, brackets[1:])
            if first == self.opening and second == self.closing and 1 <= closing - opening - 1 <= self.max_tokens
        ]

    def __call__(self, doc: Doc) -> Doc:
        # scispaCy's __call__, with the bracket Matcher replaced by parentheses(). A text without
        # "(" has no bracket to search.
        occurences = []
        text = doc_text(doc)
        if "(" in text:
            table = token_array(doc)
            orth = table[:, ORTH_COLUMN]
            brackets = self.parentheses(orth)
            filtered = _filter_matches(brackets, doc, text, table) if brackets else []
            occurences = self._find_matches_for(filtered, doc, orth)
        if occurences:
            found = doc._.abbreviations  # one accessor for all the appends
            for long_form, short_forms in occurences:
                for short in short_forms:
                    short._.long_form = long_form
                    found.append(short)
        if self.make_serializable:
            abbreviations = doc._.abbreviations
            doc._.abbreviations = [self.make_short_form_serializable(abbreviation) for abbreviation in abbreviations]
        return doc

    def find_matches_for(self, filtered: list[tuple[Span, Span]], doc: Doc) -> list[tuple[Span, set[Span]]]:
        return self._find_matches_for(filtered, doc, token_array(doc)[:, ORTH_COLUMN])

    def _find_matches_for(
        self, filtered: list[tuple[Span, Span]], doc: Doc, orth: numpy.ndarray
    ) -> list[tuple[Span, set[Span]]]:
        # scispaCy's find_matches_for, with its global Matcher (one ORTH pattern per short form
        # defined) replaced by a search of the ORTH array.
        rules: dict[str, Span] = {}
        short_orths: dict[str, list[int]] = {}  # long form -> its short form's ORTH ids
        all_occurences: dict[Span, set[Span]] = defaultdict(set)
        already_seen_long: set[str] = set()
        already_seen_short: set[str] = set()
        for long_candidate, short_candidate in filtered:
            short, long = find_abbreviation(long_candidate, short_candidate)
            # Span.text joins the span's tokens on every call: each text is taken once.
            long_text = long.text if long else None
            short_text = short.text
            new_long = long_text not in already_seen_long if long else False
            new_short = short_text not in already_seen_short
            if long is not None and new_long and new_short:
                already_seen_long.add(long_text)
                already_seen_short.add(short_text)
                all_occurences[long].add(short)
                rules[long_text] = long
                short_orths[long_text] = orth[short.start : short.end].tolist()
        for long_text, long in rules.items():
            for start, end in _occurrences(orth, short_orths[long_text]):
                all_occurences[long].add(Span(doc, start, end))
        return list(all_occurences.items())


def _filter_matches(
    brackets: list[tuple[int, int]], doc: Doc, text: str, table: numpy.ndarray
) -> list[tuple[Span, Span]]:
    """scispaCy's filter_matches (long and short form candidates of each bracket) with its
    short_form_filter, for the brackets of parentheses(). Those hold no bracket, so the balance
    check scispaCy makes of a long form inside them always passes. A token's text is read from
    the document's text at its offset (Span.text is that slice too). The Spans are made as
    Span(doc, start, end), which is what doc[start:end] returns for bounds inside the document,
    without its slice normalization (a few times the cost of the Span)."""
    candidates = []
    for first, last in brackets:
        start, end = first + 1, last - 1  # the tokens inside the brackets
        if end - start > 8 or start == 1:
            continue
        # Long form inside the brackets: the short form is the one token before them.
        short_start, short_end = (start - 2, start - 1) if end - start > 3 else (start, end)
        offsets = table[short_start:short_end, [IDX_COLUMN, LENGTH_COLUMN]].tolist()  # [offset, length] per token
        short_text = text[offsets[0][0] : offsets[-1][0] + offsets[-1][1]]
        # short_form_filter: every token 2-9 characters, at least half the text letters, a letter first
        if not all(2 <= length < 10 for _, length in offsets):
            continue
        if (sum([c.isalpha() for c in short_text]) / len(short_text)) < 0.5 or not short_text[0].isalpha():
            continue
        if end - start > 3:
            long_form_candidate = Span(doc, start, end)
        else:
            abbreviation_length = sum(length for _, length in offsets)
            max_words = min(abbreviation_length + 5, abbreviation_length * 2)
            long_form_candidate = Span(doc, max(start - max_words - 1, 0), start - 1)
        candidates.append((long_form_candidate, Span(doc, short_start, short_end)))
    return candidates


def _occurrences(orth: numpy.ndarray, pattern: list[int]) -> list[tuple[int, int]]:
    """(start, end) of every run of tokens whose ORTH ids are ``pattern``, overlapping ones too."""
    size = len(pattern)
    if not size or size > len(orth):
        return []
    found = []
    for start in numpy.flatnonzero(orth[: len(orth) - size + 1] == pattern[0]).tolist():
        if orth[start : start + size].tolist() == pattern:
            found.append((start, start + size))
    return found


@Language.factory(
    "trialfacts_abbreviations",
    default_config={"max_tokens": SCISPACY_MAX_TOKENS, "make_serializable": False},
    assigns=["doc._.abbreviations"],
)
def make_abbreviation_detector(nlp: Language, name: str, max_tokens: int, make_serializable: bool):
    return BoundedAbbreviationDetector(nlp, name, max_tokens, make_serializable)
