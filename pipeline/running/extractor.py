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

# The most characters a batch's documents go through the stages with at once (see
# Extractor.extract_batch): some fifty abstracts, or one long text alone.
BATCH_CHARACTERS = 100_000

if TYPE_CHECKING:
    from spacy.language import Language
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
    item: Document | None = None  # set for a stream record only: the record keeps its text and metadata
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
        try:
            return _record(doc, cleaned, raw, doc_id, source)
        finally:
            _release(doc)

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
        module's note; texts of more than BATCH_CHARACTERS in all go through in parts). A document
        that fails at any stage becomes its error record and leaves the batch; the others go on."""
        records: list[TrialRecord | ErrorRecord | None] = [None] * len(items)
        group, characters = [], 0
        for index, item in enumerate(items):
            try:
                pending = self._read(index, item)
            except Exception as exc:  # not a reading error (those are error records already): a bug
                records[index] = _failed(item.doc_id, item.source, exc)
                continue
            if isinstance(pending, ErrorRecord):
                records[index] = pending
                continue
            group.append(pending)
            characters += len(pending.raw)
            # A batch of long texts (full articles) is cut short, so that memory stays that of
            # a few documents whatever their size.
            if characters >= BATCH_CHARACTERS:
                self._run_stages(group, records)
                group, characters = [], 0
        self._run_stages(group, records)
        return records

    def _run_stages(self, group: list[_Pending], records: list) -> None:
        batch = _each(group, records, self._clean)
        batch = _each(batch, records, self._tokenize)
        for name, component in self.nlp.pipeline:
            batch = _each(batch, records, _component_step(self.nlp, name, component))
        for pending in _each(batch, records, self._finish):
            records[pending.index] = pending.record
        for pending in group:
            _release(pending.doc)

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


def _component_step(nlp: Language, name: str, component) -> Callable[[_Pending], None]:
    """One component run on one document as ``nlp(text)`` runs it (Language.__call__): its error
    handler, and the same errors for a KeyError and for a component that returns no Doc."""
    from spacy.errors import Errors
    from spacy.tokens import Doc

    handle_error = component.get_error_handler() if hasattr(component, "get_error_handler") \
        else nlp.default_error_handler

    def step(pending: _Pending) -> None:
        doc = pending.doc
        try:
            doc = component(doc)
        except KeyError as exc:  # spaCy's reading: a component that was not initialized
            raise ValueError(Errors.E109.format(name=name)) from exc
        except Exception as exc:
            handle_error(name, component, [doc], exc)
        if not isinstance(doc, Doc):
            raise ValueError(Errors.E005.format(name=name, returned_type=type(doc)))
        pending.doc = doc
    return step


def _each(batch: list[_Pending], records: list, stage: Callable[[_Pending], None]) -> list[_Pending]:
    """``stage`` done to each document of ``batch``; the documents it did not fail on. One it
    fails on gets its error record: one bad document must not end the run."""
    kept = []
    for pending in batch:
        try:
            stage(pending)
        except Exception as exc:
            records[pending.index] = _failed(pending.doc_id, pending.source, exc)
        else:
            kept.append(pending)
    return kept


def _failed(doc_id: str, source: str | None, exc: Exception) -> ErrorRecord:
    return ErrorRecord(doc_id=doc_id, source=source, error=f"extraction failed: {type(exc).__name__}: {exc}")


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
