"""How the extractors hand their findings to the rest of the pipeline.

Each extractor matches its grammar against ``doc.text`` (the cleaned text) and
writes one Span per mention to ``doc.spans[key]``. The mention's exact character
offsets in the cleaned text and its normalized values go on ``span._.trialfacts``
(a plain dict, so docs still serialize): a regex match need not end on a token
boundary ("P=.04" is one token to scispaCy), so the Span itself is widened to the
tokens it touches while the payload keeps the exact characters.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy
from spacy.attrs import IDX, LENGTH, ORTH, SPACY
from spacy.tokens import Doc, Span

# Keys of doc.spans, one per scored field; record.py reads them back.
P_VALUES = "trialfacts_p_values"
SAMPLE_SIZES = "trialfacts_sample_sizes"
DOSES = "trialfacts_doses"
ROUTES = "trialfacts_routes"
EFFECTS = "trialfacts_effects"
ENTITIES = "trialfacts_entities"


# The text of each live Doc, by the Doc; an entry goes when its Doc does.
_TEXTS: "weakref.WeakKeyDictionary[Doc, str]" = weakref.WeakKeyDictionary()


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per document. spaCy joins it from the tokens on every access
    (a Token object per token, ~0.15 ms for an abstract) and each component here reads it. A
    Doc's text never changes (retokenizing merges or splits tokens, not characters), so the
    first reader's copy serves the rest; it is kept beside the Doc, not in doc.user_data,
    where Span.as_doc(copy_user_data=True) would hand it to a Doc with another text."""
    text = _TEXTS.get(doc)
    if text is None:
        text = _TEXTS[doc] = doc.text
    return text


def keep_text(doc: Doc, text: str) -> None:
    """Record that ``doc`` was made from ``text`` (its tokenizer's input, which spaCy keeps
    character for character), so that doc_text need not rebuild it."""
    _TEXTS[doc] = text


# The columns of token_array, and where each stands.
TOKEN_ATTRS = (ORTH, IDX, LENGTH, SPACY)
ORTH_COLUMN, IDX_COLUMN, LENGTH_COLUMN, SPACY_COLUMN = range(len(TOKEN_ATTRS))

# The token array of each live Doc, by the Doc, as _TEXTS.
_TOKEN_ARRAYS: "weakref.WeakKeyDictionary[Doc, numpy.ndarray]" = weakref.WeakKeyDictionary()


def token_array(doc: Doc) -> numpy.ndarray:
    """``doc.to_array(TOKEN_ATTRS)``: each token's ORTH id, character offset, length and trailing
    space flag, one row per token. The abbreviation detector, the lexicon and the dose extractor
    all read the tokens from this array rather than from Token objects; it is made once per
    document (~50 µs each time) and shared, kept beside the Doc as its text is (so it goes with
    the Doc, and no later Doc can see it). Read-only. It assumes the tokens do not change once
    made: no component here retokenizes. A retokenization that changes the number of tokens gets
    a new array; one that merges and splits to the same number would not, and must not come
    before a component that reads this."""
    array = _TOKEN_ARRAYS.get(doc)
    if array is None or len(array) != len(doc):
        array = _TOKEN_ARRAYS[doc] = doc.to_array(TOKEN_ATTRS)
        array.flags.writeable = False
    return array


def register_extensions() -> None:
    if not Span.has_extension("trialfacts"):
        Span.set_extension("trialfacts", default=None)
    if not Doc.has_extension("sample_size"):
        Doc.set_extension("sample_size", default=None)


register_extensions()


@dataclass
class Found:
    """A mention found in the cleaned text: exact offsets plus the field's values."""

    start: int
    end: int
    label: str
    values: dict[str, Any] = field(default_factory=dict)


# Where spaCy keeps a span's extension value: doc.user_data under ("._.", name, start_char,
# end_char), which is all that ``span._.name`` reads and writes for an extension registered with a
# default. Every "span._" builds an accessor object and goes through three Python calls, for each
# mention written and read; the functions here use the key itself. (So, as through "span._", two
# spans with the same characters share one value.)
_EXTENSION = "._."


def span_extension(doc: Doc, name: str, start_char: int, end_char: int) -> Any:
    """``span._.<name>`` of the span of ``doc`` over [start_char, end_char), for an extension
    registered with ``default=None`` (trialfacts, identifier, lexicon_source, long_form)."""
    return doc.user_data.get((_EXTENSION, name, start_char, end_char))


def set_span_extension(doc: Doc, name: str, start_char: int, end_char: int, value: Any) -> None:
    """``span._.<name> = value`` for the span of ``doc`` over [start_char, end_char)."""
    doc.user_data[(_EXTENSION, name, start_char, end_char)] = value


def write_spans(doc: Doc, key: str, found: list[Found]) -> None:
    """Store mentions on the doc in reading order, replacing any earlier run's."""
    spans = []
    for item in sorted(found, key=lambda f: (f.start, f.end)):
        span = doc.char_span(item.start, item.end, label=item.label, alignment_mode="expand")
        if span is None:  # only whitespace was matched; nothing to anchor
            continue
        set_span_extension(doc, "trialfacts", span.start_char, span.end_char,
                           {"start": item.start, "end": item.end, **item.values})
        spans.append(span)
    doc.spans[key] = spans


def read_spans(doc: Doc, key: str) -> list[dict[str, Any]]:
    """The payloads written by write_spans, each with its exact start/end."""
    if key not in doc.spans:
        return []
    return [dict(payload) for span in doc.spans[key]
            if (payload := span_extension(doc, "trialfacts", span.start_char, span.end_char))]
