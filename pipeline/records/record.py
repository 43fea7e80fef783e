"""One function from a processed Doc to the validated output record."""

from __future__ import annotations

from pydantic import TypeAdapter
from spacy.tokens import Doc

from ..nlp.spans import (
    DOSES,
    EFFECTS,
    ENTITIES,
    P_VALUES,
    ROUTES,
    SAMPLE_SIZES,
    read_spans,
    span_extension,
)
from ..reading.clean import CleanText
from .describe import describe_interval, format_number
from .models import Effect, TrialRecord

MENTION_FIELDS = (
    ("sample_sizes", SAMPLE_SIZES),
    ("p_values", P_VALUES),
    ("doses", DOSES),
    ("routes", ROUTES),
    ("effects", EFFECTS),
)
_EFFECTS = TypeAdapter(list[Effect])


def _raw_span(cleaned: CleanText, start: int, end: int) -> dict:
    raw_start, raw_end = cleaned.to_raw(start, end)
    return {"text": cleaned.raw[raw_start:raw_end], "start": raw_start, "end": raw_end}


def effect_warning(effect: Effect) -> str | None:
    """What is wrong with an effect's numbers as written, or None. They are never repaired: the
    source may hold a typo, and a guessed correction would be a wrong number."""
    if effect.ci_low is None or effect.ci_high is None:
        return None
    interval = describe_interval(effect.ci_low, effect.ci_high)
    where = f"effect {effect.text!r} at {effect.start}"
    if effect.ci_low > effect.ci_high:
        return f"{where}: the interval {interval} has its low end above its high end"
    if not effect.ci_low <= effect.value <= effect.ci_high:
        return f"{where}: the interval {interval} does not contain the estimate {format_number(effect.value)}"
    return None


def doc_to_record(doc: Doc, cleaned: CleanText, doc_id: str, source: str | None = None) -> TrialRecord:
    """The record for a document: every offset mapped from the clean text back to the raw file.

    The mentions are gathered as plain data and validated once, with the record, rather than as
    a model each: one pydantic call for the document instead of one per mention (the same checks;
    a model passed in whole, as the effects are, is not validated again)."""
    fields = {}
    for field, key in MENTION_FIELDS:
        mentions = []
        for payload in read_spans(doc, key):
            start, end = payload.pop("start"), payload.pop("end")
            named = payload.get("intervention")
            if named is not None:  # a dose's intervention: a name mention, offsets to map too
                payload["intervention"] = _raw_span(cleaned, named["start"], named["end"])
            p_value = payload.get("p_value")
            if p_value is not None:  # an effect's p-value: the p-value mention, offsets to map too
                payload["p_value"] = {**_raw_span(cleaned, p_value["start"], p_value["end"]),
                                      **{k: p_value[k] for k in ("comparator", "value", "threshold")}}
            mentions.append({**_raw_span(cleaned, start, end), **payload})
        fields[field] = mentions
    fields["effects"] = _EFFECTS.validate_python(fields["effects"])  # before the record: the warnings read them

    entities = []
    raw, to_raw = cleaned.raw, cleaned.to_raw
    for span in doc.spans.get(ENTITIES, []):  # a dozen a document: _raw_span written out
        start, end = span.start_char, span.end_char
        raw_start, raw_end = to_raw(start, end)
        entities.append({
            "text": raw[raw_start:raw_end],
            "start": raw_start,
            "end": raw_end,
            "label": span.label_,
            "identifier": span_extension(doc, "identifier", start, end),
            "source": span_extension(doc, "lexicon_source", start, end),
        })
    for span in doc.ents:  # a scispaCy model's entities, where one is installed
        entities.append({**_raw_span(cleaned, span.start_char, span.end_char),
                         "label": span.label_, "source": "model"})
    entities.sort(key=lambda e: (e["start"], e["end"]))

    abbreviations = []
    for short in getattr(doc._, "abbreviations", []) or []:
        long_form = span_extension(doc, "long_form", short.start_char, short.end_char)
        if long_form is None or not hasattr(long_form, "start_char"):
            continue
        long_raw = cleaned.to_raw(long_form.start_char, long_form.end_char)
        abbreviations.append({
            **_raw_span(cleaned, short.start_char, short.end_char),
            "long_form": cleaned.raw[long_raw[0]:long_raw[1]],
            "long_start": long_raw[0],
            "long_end": long_raw[1],
        })
    abbreviations.sort(key=lambda a: a["start"])

    return TrialRecord.model_validate(dict(
        doc_id=doc_id,
        sample_size=doc._.sample_size,
        **fields,
        warnings=[w for effect in fields["effects"] if (w := effect_warning(effect))],
        source=source,
        metadata=cleaned.metadata,
        entities=entities,
        abbreviations=abbreviations,
    ))
