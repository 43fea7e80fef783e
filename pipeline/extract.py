"""Files in, records out: every input file becomes its record or an error record."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from .models import ErrorRecord, TrialRecord


class InputError(ValueError):
    """A file that cannot be read as an abstract; the message names the problem."""


def read_raw(path: Path) -> str:
    """The file's text, decoded as GOLD.md says (UTF-8, nothing stripped)."""
    data = path.read_bytes()
    if b"\x00" in data[:65536]:
        raise InputError("binary content (NUL bytes): not a text file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r})") from exc


class Extractor:
    """The cleaner and the spaCy pipeline, built once and used for every document."""

    def __init__(self, model: str | None = None):
        from .clean import Cleaner
        from .nlp import build_pipeline

        self.nlp = build_pipeline(model)
        self.cleaner = Cleaner()

    def extract_text(self, raw: str, doc_id: str, source: str | None = None) -> TrialRecord:
        from .record import doc_to_record

        cleaned = self.cleaner(raw)
        doc = self.nlp(cleaned.text)
        record = doc_to_record(doc, cleaned, doc_id, source)
        if not raw.strip():
            record.warnings.append("empty input: the file holds no text")
        return record

    def extract_file(self, path: Path) -> TrialRecord | ErrorRecord:
        path = Path(path)
        doc_id = path.stem
        try:
            raw = read_raw(path)
        except (OSError, InputError) as exc:
            return ErrorRecord(doc_id=doc_id, source=str(path), error=str(exc))
        try:
            return self.extract_text(raw, doc_id, str(path))
        except Exception as exc:  # one bad document must not end the run
            return ErrorRecord(doc_id=doc_id, source=str(path), error=f"extraction failed: {type(exc).__name__}: {exc}")

    def extract_files(self, paths: Iterable[Path]) -> Iterator[TrialRecord | ErrorRecord]:
        for path in paths:
            yield self.extract_file(path)
