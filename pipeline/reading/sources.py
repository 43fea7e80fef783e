"""Input readers: turn files of any supported shape into a stream of documents.

A run may be given a folder of plain abstracts, an NCBI PubMed baseline file holding
30,000 citations, a MEDLINE (.nbib) export or a JSON Lines dump. Each reader streams: it
never holds more than one record, so memory stays flat however large the file is. Each
reader also turns every record or file it cannot read into a `SourceError` instead of
raising or skipping, because the output promises one line per input record.

Plain text files are not read here: the Extractor decodes their bytes itself (binary
detection, UTF-16, cp1252 fallback) and reports its own errors. Stream records carry the
exact text their offsets count in. The module imports no spaCy, so the CLI and worker
processes can import it cheaply, and its two record types are plain picklable dataclasses.
The rules are described for users in docs/inputs.md.
"""

from __future__ import annotations

import codecs
import gzip
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree as ET
from xml.parsers.expat import ErrorString

FORMATS = ("auto", "txt", "pubmed-xml", "medline", "jsonl")

# Matched against the lower-cased file name, longest first so ".xml.gz" wins over ".gz".
_SUFFIX_FORMATS = (
    (".xml.gz", "pubmed-xml"),
    (".xml", "pubmed-xml"),
    (".jsonl.gz", "jsonl"),
    (".ndjson.gz", "jsonl"),
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
    (".nbib.gz", "medline"),
    (".medline.gz", "medline"),
    (".nbib", "medline"),
    (".medline", "medline"),
)
# PubMed's "Save -> PubMed format" writes MEDLINE records into a .txt file; the first
# record's PMID line is the only reliable sign, and it comes within the first bytes.
_SNIFF_BYTES = 4096

# Trial registries as they appear in DataBankName (XML) and the SI field (MEDLINE). Other
# data banks (GenBank, PDB, GEO, Dryad ...) hold sequence or data accessions, not trials.
_TRIAL_REGISTRIES = frozenset(
    name.casefold()
    for name in (
        "ClinicalTrials.gov", "ISRCTN", "ANZCTR", "ChiCTR", "CRiS", "CTRI", "DRKS",
        "EudraCT", "IRCT", "JPRN", "NTR", "PACTR", "ReBec", "RPCEC", "SLCTR", "TCTR", "UMIN",
    )
)
_REGISTRATION_IN_TEXT = re.compile(r"\b(?:NCT|ISRCTN)\d{8}\b")

# "× 10<sup>6</sup>" loses its meaning when flattened to "× 106"; a caret keeps it a power
# of ten, which the number reader understands. Only a bare 10 (not 110, 2.10 or a10)
# followed by a signed integer exponent qualifies, so footnote marks stay untouched.
_POWER_BASE = re.compile(r"(?<![\w.,])10$")
_EXPONENT = re.compile(r"^[-+\u2212\u2013]?\d")

_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_MEDLINE_TAG = re.compile(r"^([A-Z0-9]{1,4}) {0,3}-(?: (.*))?$")


@dataclass(frozen=True)
class Document:
    """One document to extract from: a plain file to read, or a stream record's text."""

    doc_id: str
    source: str  # "path" for a plain file; "path#PMID" for XML/MEDLINE; "path:LINE" for JSONL
    path: Path | None = None  # plain files: the Extractor reads and decodes them (text is None)
    text: str | None = None  # stream records: the text their offsets count in
    # Only what the record states exactly: any of title, journal, year (int), doi,
    # pmid (str), registrations (list[str]).
    metadata: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SourceError:
    """A record or file that cannot be read; it becomes an error record, so nothing is dropped."""

    doc_id: str
    source: str
    error: str


def detect_format(path: Path) -> str:
    """The input format of ``path``, from its name and, for other names, its first bytes."""
    path = Path(path)
    name = path.name.lower()
    for suffix, fmt in _SUFFIX_FORMATS:
        if name.endswith(suffix):
            return fmt
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return "txt"  # the Extractor reports the unreadable file with its own message
    text = head.decode("utf-8", errors="ignore").removeprefix("\ufeff")
    for line in text.splitlines():
        if line.strip():
            return "medline" if line.startswith("PMID- ") else "txt"
    return "txt"


def iter_documents(
    paths: Iterable[Path],
    input_format: str = "auto",
    id_field: str = "id",
    text_field: str = "text",
) -> Iterator[Document | SourceError]:
    """Every document in ``paths``, in order, plus a SourceError for whatever cannot be read.

    ``input_format`` "auto" decides per file with `detect_format`; any other value of
    FORMATS applies to all files. ``id_field`` and ``text_field`` name the JSON Lines keys.
    """
    if input_format not in FORMATS:
        # Raised here, not on first iteration, so a bad --format fails before any work.
        raise ValueError(f"unknown input format {input_format!r}; choose one of {', '.join(FORMATS)}")
    return _iter_documents(paths, input_format, id_field, text_field)


def _iter_documents(paths, input_format, id_field, text_field):
    for path in paths:
        path = Path(path)
        fmt = detect_format(path) if input_format == "auto" else input_format
        if fmt == "txt":
            yield Document(doc_id=path.stem, source=str(path), path=path)
        elif fmt == "pubmed-xml":
            yield from _read_pubmed_xml(path)
        elif fmt == "medline":
            yield from _read_medline(path)
        else:
            yield from _read_jsonl(path, id_field, text_field)


# --- shared helpers --------------------------------------------------------------------


def _file_stem(path: Path) -> str:
    """The name without ".gz" and the format suffix: pubmed25n0001.xml.gz -> pubmed25n0001."""
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    return Path(name).stem or path.name


def _open_binary(path: Path) -> BinaryIO:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def _read_failure(exc: BaseException) -> str:
    """A short reason for an unreadable or corrupt file, without the Python noise."""
    if isinstance(exc, gzip.BadGzipFile):
        return f"not a valid gzip file: {exc}"
    if isinstance(exc, (EOFError, zlib.error)):
        return f"corrupt or truncated gzip data: {exc}"
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot read: {exc.strerror}"
    return f"cannot read: {exc}"


# Read errors that can surface at open time or in the middle of a (gzip) stream.
_READ_ERRORS = (OSError, EOFError, zlib.error)


def _file_error(path: Path, exc: BaseException) -> SourceError:
    return SourceError(doc_id=_file_stem(path), source=str(path), error=_read_failure(exc))


def _registrations(declared: Iterable[str], text: str) -> list[str]:
    """Declared registry numbers first, then any NCT/ISRCTN number in the text, each once."""
    found = list(declared)
    if "NCT" in text or "ISRCTN" in text:  # skips the regex for most abstracts
        found += _REGISTRATION_IN_TEXT.findall(text)
    return list(dict.fromkeys(r for r in found if r))


def _one_line(text: str) -> str:
    """A section as one stripped line: a newline inside it would start a fake section."""
    if "\n" in text or "\r" in text:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return text.strip()


def _metadata(**values) -> dict:
    """Only what the record actually states: unknown values are left out, not set to None."""
    return {key: value for key, value in values.items() if value not in (None, "", [])}


# --- PubMed / MEDLINE XML --------------------------------------------------------------

_XML_ROOTS = ("PubmedArticleSet", "PubmedBookArticleSet")


def _local_name(tag) -> str:
    # MathML arrives namespaced ("{http://www.w3.org/1998/Math/MathML}msup").
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element: ET.Element | None, *tags: str) -> ET.Element | None:
    """The element at ``tags`` below ``element``, one plain child lookup per step.

    Plain tag lookups run in C; a multi-step path like "Journal/Title" goes through
    ElementPath in Python, which costs real time over a 30,000-citation file.
    """
    for tag in tags:
        if element is None:
            return None
        element = element.find(tag)
    return element


def _children(element: ET.Element | None, tag: str) -> list[ET.Element]:
    return [] if element is None else element.findall(tag)


def _plain_text(element: ET.Element | None) -> str:
    return "" if element is None else (element.text or "").strip()


def _inline_text(element: ET.Element | None) -> str:
    """All text inside ``element`` with markup dropped, and 10<sup>n</sup> written 10^n."""
    if element is None:
        return ""
    if not len(element):
        return element.text or ""  # no markup: the common case
    parts: list[str] = []

    def walk(node: ET.Element) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if _local_name(child.tag) == "sup" and _POWER_BASE.search("".join(parts[-3:])):
                if _EXPONENT.match("".join(child.itertext()).strip()):
                    parts.append("^")
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return "".join(parts)


def _year(pub_date: ET.Element | None) -> int | None:
    for tag in ("Year", "MedlineDate"):
        match = _YEAR.search(_plain_text(_child(pub_date, tag)))
        if match:
            return int(match.group())
    return None


def _doi(elocation_parent: ET.Element | None, article_ids: ET.Element | None) -> str | None:
    # The article's own ArticleIdList only: ReferenceList holds cited works' DOIs too.
    for eloc in _children(elocation_parent, "ELocationID"):
        if eloc.get("EIdType") == "doi" and eloc.get("ValidYN", "Y") == "Y" and _plain_text(eloc):
            return _plain_text(eloc)
    for article_id in _children(article_ids, "ArticleId"):
        if article_id.get("IdType") == "doi" and _plain_text(article_id):
            return _plain_text(article_id)
    return None


def _xml_text(title: str, abstract: ET.Element | None) -> str:
    lines = [title] if title else []
    for section in _children(abstract, "AbstractText"):
        body = _one_line(_inline_text(section))
        label = (section.get("Label") or "").strip()
        if label:
            lines.append(f"{label}: {body}" if body else f"{label}:")
        elif body:
            lines.append(body)
    return "\n".join(lines)


def _pubmed_record(element: ET.Element, path: Path, number: int) -> Document | SourceError:
    """A Document from one PubmedArticle or PubmedBookArticle element."""
    if element.tag == "PubmedArticle":
        citation = _child(element, "MedlineCitation")
        article = _child(citation, "Article")
        pmid = _plain_text(_child(citation, "PMID"))
        title = _one_line(_inline_text(_child(article, "ArticleTitle")))
        abstract = _child(article, "Abstract")
        journal = _plain_text(_child(article, "Journal", "Title")) or None
        year = _year(_child(article, "Journal", "JournalIssue", "PubDate"))
        doi = _doi(article, _child(element, "PubmedData", "ArticleIdList"))
        declared = [
            _plain_text(accession)
            for bank in _children(_child(article, "DataBankList"), "DataBank")
            if _plain_text(_child(bank, "DataBankName")).casefold() in _TRIAL_REGISTRIES
            for accession in _children(_child(bank, "AccessionNumberList"), "AccessionNumber")
        ]
    else:  # PubmedBookArticle: a chapter or a whole book (GeneReviews, NCBI Bookshelf)
        book = _child(element, "BookDocument")
        pmid = _plain_text(_child(book, "PMID"))
        title = _one_line(_inline_text(_child(book, "ArticleTitle"))) or _one_line(
            _inline_text(_child(book, "Book", "BookTitle"))
        )
        abstract = _child(book, "Abstract")
        journal = None
        year = _year(_child(book, "Book", "PubDate"))
        doi = _doi(book, _child(element, "PubmedBookData", "ArticleIdList"))
        declared = []

    if not (pmid.isascii() and pmid.isdigit()):
        where = f"{path}#article {number}"
        problem = f"PMID {pmid!r} is not a number" if pmid else "no PMID"
        return SourceError(doc_id=f"{_file_stem(path)}-article{number}", source=where, error=problem)
    text = _xml_text(title, abstract)
    metadata = _metadata(
        title=title, journal=journal, year=year, doi=doi, pmid=pmid,
        registrations=_registrations(declared, text),
    )
    return Document(doc_id=f"pmid{pmid}", source=f"{path}#{pmid}", text=text, metadata=metadata)


def _read_pubmed_xml(path: Path) -> Iterator[Document | SourceError]:
    try:
        handle = _open_binary(path)
    except _READ_ERRORS as exc:
        yield _file_error(path, exc)
        return
    with handle:
        # Expat, as ElementTree drives it, never loads an external DTD, so efetch's
        # DOCTYPE line costs no network access (tests/test_sources.py checks this).
        events = ET.iterparse(handle, events=("start", "end"))
        root = None
        depth = 0
        number = 0
        try:
            for event, element in events:
                if event == "start":
                    depth += 1
                    if root is None:
                        root = element
                        if element.tag not in _XML_ROOTS:
                            yield SourceError(
                                doc_id=_file_stem(path), source=str(path),
                                error=f"not PubMed XML: the root element is <{element.tag}>, "
                                f"not <PubmedArticleSet>",
                            )
                            return
                    continue
                depth -= 1
                if depth != 1:
                    continue  # inside a record: wait for the record's own end
                if element.tag in ("PubmedArticle", "PubmedBookArticle"):
                    number += 1
                    yield _pubmed_record(element, path, number)
                # DeleteCitation (update files) lists withdrawn PMIDs: no document.
                # Dropping finished records from the root is what keeps memory flat.
                root.clear()
        except ET.ParseError as exc:
            line, column = exc.position
            reason = ErrorString(exc.code) if exc.code else str(exc)
            yield SourceError(
                doc_id=_file_stem(path), source=str(path),
                error=f"not valid PubMed XML: line {line}, column {column + 1}: {reason}",
            )
        except _READ_ERRORS as exc:
            yield _file_error(path, exc)


# --- MEDLINE (PubMed format, .nbib) ----------------------------------------------------


def _decode_line(raw: bytes) -> str:
    # Exports are UTF-8 today; old or hand-edited ones are Windows-1252. Deciding per line
    # keeps the reader streaming; latin-1 only catches the five bytes cp1252 leaves undefined.
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def _medline_blocks(handle: BinaryIO) -> Iterator[list[tuple[str, str]]]:
    """Each blank-line separated record as (tag, value) pairs, continuation lines joined."""
    fields: list[list[str]] = []
    first = True
    for raw in handle:
        if first:
            raw = raw.removeprefix(codecs.BOM_UTF8)
            first = False
        line = _decode_line(raw).rstrip("\r\n")
        if not line.strip():
            if fields:
                yield [(tag, value) for tag, value in fields]
                fields = []
            continue
        match = None if line.startswith(" ") else _MEDLINE_TAG.match(line)
        # The tag sits in a 4-character field: "PMID- ", "TI  - ", "AID - ".
        if match and len(line) >= 5 and line[4] == "-":
            fields.append([match.group(1), (match.group(2) or "").strip()])
        elif fields:
            # Continuation lines are indented by six spaces; a line that is neither a tag
            # nor indented is still kept, appended to the value it follows.
            fields[-1][1] = f"{fields[-1][1]} {line.strip()}".strip()
        else:
            fields.append(["", line.strip()])  # text before any tag: the record lacks a PMID
    if fields:
        yield [(tag, value) for tag, value in fields]


def _medline_record(fields: list[tuple[str, str]], path: Path, number: int) -> Document | SourceError:
    values: dict[str, list[str]] = {}
    for tag, value in fields:
        values.setdefault(tag, []).append(value)

    def first(*tags: str) -> str | None:
        for tag in tags:
            for value in values.get(tag, []):
                if value:
                    return value
        return None

    pmid = first("PMID")
    if not pmid or not (pmid.isascii() and pmid.isdigit()):
        problem = f"PMID {pmid!r} is not a number" if pmid else "no PMID- line"
        return SourceError(
            doc_id=f"{_file_stem(path)}-record{number}", source=f"{path}#record {number}", error=problem
        )
    title = first("TI", "BTI")
    abstract = "\n".join(v for v in values.get("AB", []) if v)
    text = "\n".join(part for part in (title, abstract) if part)
    year = _YEAR.search(first("DP") or "")
    doi = None
    for value in (*values.get("AID", []), *values.get("LID", [])):
        if value.endswith("[doi]"):
            doi = value.removesuffix("[doi]").strip()
            break
    declared = []
    for value in values.get("SI", []):
        registry, _, accession = value.partition("/")
        if accession and registry.strip().casefold() in _TRIAL_REGISTRIES:
            declared.append(accession.strip())
    metadata = _metadata(
        title=title, journal=first("JT", "TA"), year=int(year.group()) if year else None, doi=doi,
        pmid=pmid, registrations=_registrations(declared, text),
    )
    return Document(doc_id=f"pmid{pmid}", source=f"{path}#{pmid}", text=text, metadata=metadata)


def _read_medline(path: Path) -> Iterator[Document | SourceError]:
    try:
        with _open_binary(path) as handle:
            for number, fields in enumerate(_medline_blocks(handle), start=1):
                yield _medline_record(fields, path, number)
    except _READ_ERRORS as exc:
        yield _file_error(path, exc)


# --- JSON Lines ------------------------------------------------------------------------


def _json_type(value) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _jsonl_record(raw: bytes, path: Path, line_number: int, id_field: str, text_field: str):
    source = f"{path}:{line_number}"
    fallback_id = f"{_file_stem(path)}-line{line_number}"

    def error(message: str, doc_id: str = fallback_id) -> SourceError:
        return SourceError(doc_id=doc_id, source=source, error=message)

    try:
        line = raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        return error(f"not valid UTF-8 (byte {exc.start} of the line)")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        # json's messages end in " at" before the position it appends itself.
        return error(f"invalid JSON at column {exc.colno}: {exc.msg.removesuffix(' at')}")
    if not isinstance(record, dict):
        return error(f"not a JSON object but {_json_type(record)}")
    if id_field not in record:
        return error(f"no {id_field!r} field; set --id-field")
    value = record[id_field]
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return error(f"the {id_field!r} field is {_json_type(value)}, not a string or an integer")
    doc_id = str(value)
    if not doc_id.strip():
        return error(f"the {id_field!r} field is empty")
    if text_field not in record:
        return error(f"no {text_field!r} field; set --text-field", doc_id)
    text = record[text_field]
    if not isinstance(text, str):
        return error(f"the {text_field!r} field is {_json_type(text)}, not a string", doc_id)
    title = record.get("title")
    pmid = record.get("pmid")
    pmid = str(pmid) if isinstance(pmid, (str, int)) and not isinstance(pmid, bool) else None
    metadata = _metadata(title=title if isinstance(title, str) else None, pmid=pmid)
    return Document(doc_id=doc_id, source=source, text=text, metadata=metadata)


def _read_jsonl(path: Path, id_field: str, text_field: str) -> Iterator[Document | SourceError]:
    try:
        with _open_binary(path) as handle:
            for line_number, raw in enumerate(handle, start=1):
                if line_number == 1:
                    raw = raw.removeprefix(codecs.BOM_UTF8)
                if not raw.strip():
                    continue
                yield _jsonl_record(raw, path, line_number, id_field, text_field)
    except _READ_ERRORS as exc:
        yield _file_error(path, exc)
