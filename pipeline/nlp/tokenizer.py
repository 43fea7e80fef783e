"""scispaCy's tokenizer, split a little finer so that extractor spans fall on token boundaries.

scispaCy's ``combined_rule_tokenizer`` keeps "p<0.05", "15mg/kg/day" and "(n=12)"
together as single tokens, which is right for its models but leaves a "P < 0.05" mention
no token boundary to end on. Ours keeps scispaCy's special cases and splits at every symbol and
at each change between letters and digits (its affix rules are those splits).
Registered as a spaCy tokenizer so a config can name it: ``@tokenizers = "trialfacts.tokenizer.v1"``.
"""

from __future__ import annotations

import spacy
from scispacy.consts import ABBREVIATIONS
from spacy.symbols import ORTH
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from .spans import keep_text

# Every symbol or punctuation mark is its own token: "p<0.05" -> p < 0 . 05.
SYMBOL_INFIX = r"[^\w\s]"
# A change between digits and letters: "15mg" -> 15 mg, "IT2" -> IT 2.
DIGIT_LETTER_INFIX = r"(?<=[0-9])(?=[^\W\d_])|(?<=[^\W\d_])(?=[0-9])"


class TrialfactsTokenizer(Tokenizer):
    """spaCy's Tokenizer, which also hands each Doc's text to spans.doc_text: the components
    all read the text, and spaCy would otherwise rebuild it from the tokens."""

    def __call__(self, text):
        doc = super().__call__(text)
        keep_text(doc, text)
        return doc


def scispacy_special_cases(nlp) -> dict:
    """The special cases of scispaCy's combined_rule_tokenizer, built as it builds them: the
    language's tokenizer exceptions, and scispaCy's abbreviations kept whole ("e.g.", "Fig.")."""
    rules = nlp.Defaults.tokenizer_exceptions.copy()
    rules.update({abbreviation: [{ORTH: abbreviation}] for abbreviation in ABBREVIATIONS})
    return rules


def trialfacts_tokenizer(nlp):
    # scispaCy's tokenizer with our affixes in place of its own, built in one go: calling
    # combined_rule_tokenizer and then setting the affixes would compile scispaCy's affix rules
    # for nothing and reload its ~1,700 special cases once per affix (a fifth of a second each).
    # Like scispaCy, no URL matcher. spaCy never splits an infix at the very start or end of a
    # chunk, so a leading or trailing symbol ("(P", "≤0") must also be a prefix or suffix.
    return TrialfactsTokenizer(
        nlp.vocab,
        rules=scispacy_special_cases(nlp),
        prefix_search=compile_prefix_regex([SYMBOL_INFIX]).search,
        suffix_search=compile_suffix_regex([SYMBOL_INFIX]).search,
        infix_finditer=compile_infix_regex([SYMBOL_INFIX, DIGIT_LETTER_INFIX]).finditer,
        token_match=nlp.tokenizer.token_match,
    )


@spacy.registry.tokenizers("trialfacts.tokenizer.v1")
def create_trialfacts_tokenizer():
    return trialfacts_tokenizer
