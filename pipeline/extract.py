"""Files in, records out: every input file becomes its record or an error record.

Reading is where scraped input goes wrong, so it is careful: binary files (PDFs,
images, NUL bytes) are refused with a reason; text is decoded as UTF-8 (a byte-order
mark is kept as the first character, as GOLD.md's "nothing stripped" says), UTF-16
with its byte-order mark, or else Windows-1252 / Latin-1, and the record says which.
Offsets always count characters of the text as it was decoded.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from .models import ErrorRecord, Metadata, TrialRecord

if TYPE_CHECKING:
    from .sources import Document, SourceError

# Longer than any abstract or registry entry by far; a bigger file is a dump or a mistake,
# and refusing it keeps time and memory bounded.
DEFAULT_MAX_CHARS = 2_000_000

# File signatures of the binary formats that get renamed to .txt most often.
BINARY_SIGNATURES = {
    b"%PDF-": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (or a .docx/.xlsx file)",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office document",
    b"\x1f\x8b": "a gzip archive",
    b"{\\rtf": "an RTF document",
}


class InputError(ValueError):
    """A file that cannot be read as an abstract; the message names the problem."""


@dataclass
class DecodedText:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def decode_bytes(data: bytes) -> DecodedText:
    for signature, kind in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise InputError(f"binary content: {kind}, not text")
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return DecodedText(data.decode(codec), "utf-16")
            except UnicodeDecodeError as exc:
                raise InputError(f"has a UTF-16 byte-order mark but is not valid UTF-16 (byte {exc.start})") from exc
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(f"binary content: NUL byte at offset {nul}, not text")
    try:
        encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
        return DecodedText(data.decode("utf-8"), encoding)
    except UnicodeDecodeError as exc:
        position = exc.start
    for codec in ("cp1252", "latin-1"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        return DecodedText(text, codec, [f"not valid UTF-8 (byte {position}): decoded as {codec}"])
    raise AssertionError("latin-1 decodes every byte")


def read_raw(path: Path) -> str:
    """The file's text as GOLD.md defines it (for gold checks and the tests)."""
    return decode_bytes(Path(path).read_bytes()).text


# C0 controls other than the whitespace ones (\t \n \v \f \r): text does not hold them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1f]")


def _control_character_share(text: str) -> float:
    sample = text[:65536]
    if not sample:
        return 0.0
    return len(CONTROL_CHARACTERS.findall(sample)) / len(sample)


class Extractor:
    """The cleaner and the spaCy pipeline, built once and used for every document."""

    def __init__(self, model: str | None = None, max_chars: int = DEFAULT_MAX_CHARS):
        from .clean import Cleaner
        from .nlp import build_pipeline

        self.nlp = build_pipeline(model)
        self.nlp.max_length = max(self.nlp.max_length, max_chars + 1)
        self.cleaner = Cleaner()
        self.max_chars = max_chars

    def extract_text(self, raw: str, doc_id: str, source: str | None = None) -> TrialRecord:
        from .record import doc_to_record

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
            if len(decoded.text) > self.max_chars:
                raise InputError(
                    f"too large for an abstract: {len(decoded.text):,} characters "
                    f"(the limit is {self.max_chars:,}; see --max-chars)"
                )
            if _control_character_share(decoded.text) > 0.05:
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
        from .sources import SourceError

        if isinstance(item, SourceError):
            return ErrorRecord(doc_id=item.doc_id, source=item.source, error=item.error)
        if item.path is not None:
            return self.extract_file(item.path, item.source)
        if len(item.text) > self.max_chars:
            return ErrorRecord(doc_id=item.doc_id, source=item.source, error=(
                f"too large for an abstract: {len(item.text):,} characters "
                f"(the limit is {self.max_chars:,}; see --max-chars)"))
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
