"""scispaCy's AbbreviationDetector with its parenthesis search bounded.

scispaCy finds definitions by matching "(" + any tokens + ")" and then discards spans of
more than 8 tokens. On nested brackets that pattern yields a match for every pair of an
opening and a closing bracket, so 10k nested parentheses cost minutes and gigabytes. Here
the bracket's content may not hold another bracket and is at most ``max_tokens`` long, which
finds the same definitions in time linear in the text. Everything else is scispaCy's.
"""

from __future__ import annotations

from scispacy.abbreviation import AbbreviationDetector
from spacy.language import Language
from spacy.matcher import Matcher

# scispaCy's filter_matches ignores longer parentheses anyway.
SCISPACY_MAX_TOKENS = 8


class BoundedAbbreviationDetector(AbbreviationDetector):
    def __init__(self, nlp: Language, name: str, max_tokens: int, make_serializable: bool):
        super().__init__(nlp, name=name, make_serializable=make_serializable)
        self.matcher = Matcher(nlp.vocab)
        inside = {"ORTH": {"NOT_IN": ["(", ")"]}, "OP": f"{{1,{max_tokens}}}"}
        self.matcher.add("parenthesis", [[{"ORTH": "("}, inside, {"ORTH": ")"}]])


@Language.factory(
    "trialfacts_abbreviations",
    default_config={"max_tokens": SCISPACY_MAX_TOKENS, "make_serializable": False},
    assigns=["doc._.abbreviations"],
)
def make_abbreviation_detector(nlp: Language, name: str, max_tokens: int, make_serializable: bool):
    return BoundedAbbreviationDetector(nlp, name, max_tokens, make_serializable)
