"""The sample-size component: participant counts and the document total.

``trialfacts_sample_size`` writes every count mention to ``doc.spans["trialfacts_sample_sizes"]``
(found by sample_size_mentions.py, each number read by sample_size_cues.py) and the document's
total to ``doc._.sample_size`` (decided by sample_size_total.py).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..nlp.spans import SAMPLE_SIZES, doc_text, write_spans
from .sample_size_cues import compile_rules
from .sample_size_mentions import compile_mention_rules, find_sample_sizes
from .sample_size_total import total_sample_size

__all__ = ["find_sample_sizes", "total_sample_size", "make_sample_size_extractor"]


class SampleSizeExtractor:
    def __init__(self, spans_key: str):
        self.spans_key = spans_key
        compile_rules()
        compile_mention_rules()

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        found = find_sample_sizes(text)
        write_spans(doc, self.spans_key, found)
        doc._.sample_size = total_sample_size(text, found)
        return doc


@Language.factory("trialfacts_sample_size", default_config={"spans_key": SAMPLE_SIZES})
def make_sample_size_extractor(nlp: Language, name: str, spans_key: str) -> SampleSizeExtractor:
    return SampleSizeExtractor(spans_key)
