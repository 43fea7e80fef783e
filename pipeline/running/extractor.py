"""Documents in, records out: every input document becomes its record or an error record.

The Extractor holds the cleaner and the spaCy pipeline, built once; each document is decoded
(reading.decoding), cleaned, run through the pipeline and turned into its validated record
(records.record). One bad document becomes its error record and never ends a run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..reading.decoding import (
    DEFAULT_MAX_CHARS,
    InputError,
    control_character_share,
    decode_bytes,
)
from ..records.models import ErrorRecord, Metadata, TrialRecord

if TYPE_CHECKING:
    from ..reading.sources import Document, SourceError


class Extractor:
    """The cleaner and the spaCy pipeline, built once and used for every document."""

    def __init__(self, model: str | None = None, max_chars: int = DEFAULT_MAX_CHARS):
        from ..nlp.build import build_pipeline
        from ..reading.clean import Cleaner

        self.nlp = build_pipeline(model)
        self.cleaner = Cleaner()
        self.set_max_chars(max_chars)

    def set_max_chars(self, max_chars: int) -> None:
        """The largest document taken; larger ones become error records. The limit does not shape
        the pipeline, so changing it costs no rebuild."""
        self.nlp.max_length = max(self.nlp.max_length, max_chars + 1)
        self.max_chars = max_chars

    def too_large(self, text: str) -> str | None:
        """Why ``text`` is refused, or None."""
        if len(text) <= self.max_chars:
            return None
        return (f"too large for an abstract: {len(text):,} characters "
                f"(the limit is {self.max_chars:,}; see --max-chars)")

    def extract_text(self, raw: str, doc_id: str, source: str | None = None) -> TrialRecord:
        from ..records.record import doc_to_record

        cleaned = self.cleaner(raw)
        doc = self.nlp(cleaned.text)
        record = doc_to_record(doc, cleaned, doc_id, source)
        if not raw.strip():
            record.warnings.append("empty input: the file holds no text")
        elif not cleaned.text.strip():
            record.warnings.append("no text left after removing page chrome and markup")
        if cleaned.html:
            record.warnings.append("HTML markup removed before extraction; offsets count the raw HTML")
        return record

    def extract_file(self, path: Path, source: str | None = None) -> TrialRecord | ErrorRecord:
        """``source`` names the file in the record (default: the path as given)."""
        path = Path(path)
        doc_id = path.stem
        source = source or str(path)
        try:
            data = path.read_bytes()
            decoded = decode_bytes(data)
            if problem := self.too_large(decoded.text):
                raise InputError(problem)
            if control_character_share(decoded.text) > 0.05:
                raise InputError("binary content: more than 5% control characters, not text")
        except (OSError, InputError) as exc:
            return ErrorRecord(doc_id=doc_id, source=source, error=str(exc))
        try:
            record = self.extract_text(decoded.text, doc_id, source)
        except Exception as exc:  # one bad document must not end the run
            return ErrorRecord(doc_id=doc_id, source=source, error=f"extraction failed: {type(exc).__name__}: {exc}")
        record.encoding = decoded.encoding
        record.warnings[:0] = decoded.warnings
        return record

    def extract_files(self, paths: Iterable[Path]) -> Iterator[TrialRecord | ErrorRecord]:
        for path in paths:
            yield self.extract_file(path)

    def extract(self, item: Document | SourceError) -> TrialRecord | ErrorRecord:
        """Any input item: a plain file, a record of a stream (PubMed XML, MEDLINE, JSON Lines),
        or a stream record that could not be read (it becomes its error record)."""
        from ..reading.sources import SourceError

        if isinstance(item, SourceError):
            return ErrorRecord(doc_id=item.doc_id, source=item.source, error=item.error)
        if item.path is not None:
            return self.extract_file(item.path, item.source)
        if problem := self.too_large(item.text):
            return ErrorRecord(doc_id=item.doc_id, source=item.source, error=problem)
        try:
            record = self.extract_text(item.text, item.doc_id, item.source)
        except Exception as exc:  # one bad document must not end the run
            return ErrorRecord(doc_id=item.doc_id, source=item.source,
                               error=f"extraction failed: {type(exc).__name__}: {exc}")
        record.text = item.text
        _merge_metadata(record, item.metadata)
        return record


def _merge_metadata(record: TrialRecord, known: dict) -> None:
    """Fields a PubMed record states exactly win over what cleaning guessed from the text."""
    if not known:
        return
    metadata = record.metadata or Metadata()
    for name, value in known.items():
        if name == "registrations":
            metadata.registrations = list(dict.fromkeys([*value, *metadata.registrations]))
        elif value not in (None, ""):
            setattr(metadata, name, value)
    record.metadata = Metadata.model_validate(metadata.model_dump())
