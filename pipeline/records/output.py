"""Reading an output file back: its records by doc_id, and the texts their offsets count in.

evaluate, show and export-brat all take an existing ``out.jsonl`` as well as fresh extraction.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from .models import ErrorRecord, OutputLine, TrialRecord, describe_validation_error


class PredictionsError(ValueError):
    """An output file that cannot be read back; the message names the file and line."""


def read_predictions(path: Path) -> dict[str, TrialRecord | ErrorRecord]:
    """Every record of a JSON Lines output file, by doc_id."""
    predictions, lines = {}, {}
    try:
        handle = open(path, encoding="utf-8")
    except OSError as exc:
        raise PredictionsError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = OutputLine.validate_json(line)
            except ValidationError as exc:
                raise PredictionsError(f"{path}:{number}: not a valid record: {describe_validation_error(exc)}")
            if record.doc_id in predictions:
                # Scores, pages and brat files are keyed by doc_id; keeping either would hide the other.
                raise PredictionsError(
                    f"{path}:{number}: doc_id {record.doc_id!r} again (first at line {lines[record.doc_id]}); "
                    "two inputs share a name: rename one and extract again")
            predictions[record.doc_id] = record
            lines[record.doc_id] = number
    return predictions


def prediction_texts(predictions: dict, corpus: Path | None = None) -> dict[str, str]:
    """doc_id -> the raw text each record's offsets count in: the record's own ``text`` (stream
    records), else its source file, else ``corpus/<doc_id>.txt``. Records whose text cannot
    be found are left out."""
    from ..reading.decoding import InputError, read_raw

    texts = {}
    for doc_id, record in predictions.items():
        if isinstance(record, TrialRecord) and record.text is not None:
            texts[doc_id] = record.text
            continue
        candidates = []
        if isinstance(record, TrialRecord) and record.source:
            candidates.append(Path(record.source))
        if corpus is not None:
            candidates.append(Path(corpus) / f"{doc_id}.txt")
        for candidate in candidates:
            try:
                texts[doc_id] = read_raw(candidate)
                break
            except (OSError, InputError):
                continue
    return texts
