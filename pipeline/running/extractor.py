"""Documents in, records out: every input document becomes its record or an error record.

The Extractor holds the cleaner and the spaCy pipeline, built once; each document is decoded
(reading.decoding), cleaned, run through the pipeline and turned into its validated record
(records.record). One bad document becomes its error record and never ends a run.

Many documents go through in batches (``extract_batch``), one stage at a time: every document of
the batch is cleaned, then tokenized, then each component runs over all of them before the next
component starts. Running one component's code and patterns over a batch of documents in a row,
instead of all components over one document, keeps them in the processor's caches: the same work
takes about a tenth less time (runner.BATCH_SIZE). The records are the same either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
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
    from spacy.tokens import Doc

    from ..reading.clean import CleanText
    from ..reading.sources import Document, SourceError


@dataclass
class _Pending:
    """One document of a batch between its stages."""

    index: int  # its place in the batch
    doc_id: str
    source: str | None
    raw: str
    encoding: str | None = None  # a file's, found by decoding it
    warnings: list[str] = field(default_factory=list)  # decoding's
    item: Document | None = None  # a stream record: the record keeps its text and metadata
    cleaned: CleanText | None = None
    doc: Doc | None = None
    record: TrialRecord | None = None


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
        """The record of one text; an extraction that fails raises."""
        cleaned = self.cleaner(raw)
        doc = self.nlp(cleaned.text)
        record = _record(doc, cleaned, raw, doc_id, source)
        _release(doc)
        return record

    def extract_file(self, path: Path, source: str | None = None) -> TrialRecord | ErrorRecord:
        """``source`` names the file in the record (default: the path as given)."""
        from ..reading.sources import Document

        path = Path(path)
        return self.extract(Document(doc_id=path.stem, source=source or str(path), path=path))

    def extract_files(self, paths: Iterable[Path]) -> Iterator[TrialRecord | ErrorRecord]:
        for path in paths:
            yield self.extract_file(path)

    def extract(self, item: Document | SourceError) -> TrialRecord | ErrorRecord:
        """Any input item: a plain file, a record of a stream (PubMed XML, MEDLINE, JSON Lines),
        or a stream record that could not be read (it becomes its error record)."""
        return self.extract_batch([item])[0]

    def extract_batch(self, items: Sequence[Document | SourceError]) -> list[TrialRecord | ErrorRecord]:
        """The records of ``items``, in their order, each stage run over the whole batch (see the
        module's note). A document that fails at any stage becomes its error record and leaves the
        batch; the others go on."""
        records: list[TrialRecord | ErrorRecord | None] = [None] * len(items)
        batch = []
        for index, item in enumerate(items):
            pending = self._read(index, item)
            if isinstance(pending, ErrorRecord):
                records[index] = pending
            else:
                batch.append(pending)
        started = list(batch)
        batch = _each(batch, records, self._clean)
        batch = _each(batch, records, self._tokenize)
        for _, component in self.nlp.pipeline:
            batch = _each(batch, records, _running(component))
        for pending in _each(batch, records, self._finish):
            records[pending.index] = pending.record
        for pending in started:
            _release(pending.doc)
        return records

    def _read(self, index: int, item: Document | SourceError) -> _Pending | ErrorRecord:
        """The text of ``item`` (a file is read and decoded here), or the error record that says
        why it cannot be taken."""
        from ..reading.sources import SourceError

        if isinstance(item, SourceError):
            return ErrorRecord(doc_id=item.doc_id, source=item.source, error=item.error)
        if item.path is None:
            if problem := self.too_large(item.text):
                return ErrorRecord(doc_id=item.doc_id, source=item.source, error=problem)
            return _Pending(index, item.doc_id, item.source, item.text, item=item)
        try:
            decoded = decode_bytes(item.path.read_bytes())
            if problem := self.too_large(decoded.text):
                raise InputError(problem)
            if control_character_share(decoded.text) > 0.05:
                raise InputError("binary content: more than 5% control characters, not text")
        except (OSError, InputError) as exc:
            return ErrorRecord(doc_id=item.doc_id, source=item.source, error=str(exc))
        return _Pending(index, item.doc_id, item.source, decoded.text, decoded.encoding, decoded.warnings)

    def _clean(self, pending: _Pending) -> None:
        pending.cleaned = self.cleaner(pending.raw)

    def _tokenize(self, pending: _Pending) -> None:
        pending.doc = self.nlp.make_doc(pending.cleaned.text)

    def _finish(self, pending: _Pending) -> None:
        record = _record(pending.doc, pending.cleaned, pending.raw, pending.doc_id, pending.source)
        if pending.encoding is not None:
            record.encoding = pending.encoding
        record.warnings[:0] = pending.warnings
        if pending.item is not None:
            record.text = pending.item.text
            _merge_metadata(record, pending.item.metadata)
        pending.record = record


def _release(doc: Doc | None) -> None:
    """Frees ``doc`` now. The Spans kept in its user_data (extension values, the abbreviations and
    their long forms) refer back to it, a cycle only Python's cyclic collector breaks; a document
    of a batch lives long enough to reach the collector's oldest generation, where such cycles pile
    up until a full collection (peak memory grew by 40 MB over 10,000 documents)."""
    if doc is not None:
        doc.user_data.clear()


def _running(component) -> Callable[[_Pending], None]:
    def run(pending: _Pending) -> None:
        pending.doc = component(pending.doc)
    return run


def _each(batch: list[_Pending], records: list, stage: Callable[[_Pending], None]) -> list[_Pending]:
    """``stage`` done to each document of ``batch``; the documents it did not fail on. One it
    fails on gets its error record: one bad document must not end the run."""
    kept = []
    for pending in batch:
        try:
            stage(pending)
        except Exception as exc:
            records[pending.index] = ErrorRecord(doc_id=pending.doc_id, source=pending.source,
                                                 error=f"extraction failed: {type(exc).__name__}: {exc}")
        else:
            kept.append(pending)
    return kept


def _record(doc: Doc, cleaned: CleanText, raw: str, doc_id: str, source: str | None) -> TrialRecord:
    from ..records.record import doc_to_record

    record = doc_to_record(doc, cleaned, doc_id, source)
    if not raw.strip():
        record.warnings.append("empty input: the file holds no text")
    elif not cleaned.text.strip():
        record.warnings.append("no text left after removing page chrome and markup")
    if cleaned.html:
        record.warnings.append("HTML markup removed before extraction; offsets count the raw HTML")
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
