"""spans.py reads and writes span extension values under spaCy's own doc.user_data key rather than
through ``span._`` (cheaper per mention). These tests tie the two together: should a spaCy release
store extensions another way, they fail instead of mentions vanishing from the records."""

import spacy
from spacy.tokens import Span

from trialfacts.nlp.spans import TOKEN_ATTRS, Found, read_spans, span_extension, token_array, write_spans


def make_doc():
    return spacy.blank("en")("Patients received 5 mg of drug X (P = 0.04).")


def test_written_payload_is_what_spacy_reads():
    doc = make_doc()
    write_spans(doc, "test_key", [Found(18, 22, "DOSE", {"value": 5.0, "unit": "mg"})])
    (span,) = doc.spans["test_key"]
    assert span._.trialfacts == {"start": 18, "end": 22, "value": 5.0, "unit": "mg"}
    assert read_spans(doc, "test_key") == [{"start": 18, "end": 22, "value": 5.0, "unit": "mg"}]


def test_payload_written_by_spacy_is_read_back():
    doc = make_doc()
    span = doc[2:4]
    span._.trialfacts = {"start": span.start_char, "end": span.end_char, "value": 5.0}
    doc.spans["test_key"] = [span]
    assert read_spans(doc, "test_key") == [{"start": 18, "end": 22, "value": 5.0}]


def test_span_extension_reads_what_span_underscore_wrote():
    if not Span.has_extension("identifier"):
        Span.set_extension("identifier", default=None)
    doc = make_doc()
    span = doc[5:7]
    span._.identifier = "DB00001"
    assert span_extension(doc, "identifier", span.start_char, span.end_char) == "DB00001"
    # Another span of the document has none.
    assert span_extension(doc, "identifier", 0, 8) is None


def test_token_array_is_each_docs_own():
    first, second = make_doc(), spacy.blank("en")("Another text.")
    assert token_array(first).tolist() == first.to_array(TOKEN_ATTRS).tolist()
    assert token_array(second).tolist() == second.to_array(TOKEN_ATTRS).tolist()
    assert token_array(first) is token_array(first)  # made once


def test_token_array_follows_a_retokenized_doc():
    doc = make_doc()
    token_array(doc)
    with doc.retokenize() as retokenizer:
        retokenizer.merge(doc[2:4])
    assert token_array(doc).tolist() == doc.to_array(TOKEN_ATTRS).tolist()
