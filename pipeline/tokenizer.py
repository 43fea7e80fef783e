"""scispaCy's tokenizer, split a little finer so that extractor spans fall on token boundaries.

scispaCy's ``combined_rule_tokenizer`` keeps "p<0.05", "15mg/kg/day" and "(n=12)"
together as single tokens, which is right for its models but leaves a "P < 0.05" mention
no token boundary to end on. We add infixes that split at every symbol and at each change
between letters and digits; scispaCy's prefixes, suffixes and special cases are untouched.
Registered as a spaCy tokenizer so a config can name it: ``@tokenizers = "trialfacts.tokenizer.v1"``.
"""

from __future__ import annotations

import spacy
from scispacy.custom_tokenizer import combined_rule_tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

# Every symbol or punctuation mark is its own token: "p<0.05" -> p < 0 . 05.
SYMBOL_INFIX = r"[^\w\s]"
# A change between digits and letters: "15mg" -> 15 mg, "IT2" -> IT 2.
DIGIT_LETTER_INFIX = r"(?<=[0-9])(?=[^\W\d_])|(?<=[^\W\d_])(?=[0-9])"


def trialfacts_tokenizer(nlp):
    tokenizer = combined_rule_tokenizer(nlp)
    # spaCy never splits an infix at the very start or end of a chunk, so a leading or
    # trailing symbol ("(P", "≤0") must also be a prefix or suffix.
    tokenizer.prefix_search = compile_prefix_regex([SYMBOL_INFIX]).search
    tokenizer.suffix_search = compile_suffix_regex([SYMBOL_INFIX]).search
    tokenizer.infix_finditer = compile_infix_regex([SYMBOL_INFIX, DIGIT_LETTER_INFIX]).finditer
    return tokenizer


@spacy.registry.tokenizers("trialfacts.tokenizer.v1")
def create_trialfacts_tokenizer():
    return trialfacts_tokenizer
