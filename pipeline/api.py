"""The Python API: the functions the command line is built on.

    import trialfacts

    record = trialfacts.extract("Sixty patients were randomized to 10 mg/kg orally or placebo.")
    record.sample_size                       # 60
    record.doses[0].unit                     # 'mg/kg'

    for record in trialfacts.extract_many(Path("corpus").glob("*.txt"), workers=2):
        ...                                  # TrialRecord, or ErrorRecord for a bad input

    report = trialfacts.evaluate(gold="gold", corpus="corpus")
    report.rows["doses"].f1

Records are the pydantic models of trialfacts.records.models, the same ones the CLI writes
and gold files load into.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Union

from .reading.decoding import DEFAULT_MAX_CHARS
from .records.models import ErrorRecord, TrialRecord

if TYPE_CHECKING:
    from .records.evaluate import Report
    from .running.extractor import Extractor

# What extract_many takes: a file (pathlib.Path) of any input format, a text, or (doc_id, text).
Input = Union[os.PathLike, str, tuple[str, str]]


def load(model: str | None = None, *, max_chars: int = DEFAULT_MAX_CHARS) -> Extractor:
    """The built pipeline: the cleaner and the spaCy pipeline (``load().nlp``), built once per
    process and kept; a call with other options builds anew. ``model`` is an installed
    scispaCy/spaCy model (e.g. "en_core_sci_sm") whose entities join the lexicon's."""
    from .running.runner import RunOptions, process_extractor

    return process_extractor(RunOptions(model=model, max_chars=max_chars))


def extract(text: str, doc_id: str | None = None, *, model: str | None = None,
            max_chars: int = DEFAULT_MAX_CHARS) -> TrialRecord:
    """The validated record of one text; its offsets count characters of ``text``. A text longer
    than ``max_chars`` raises ValueError."""
    if not isinstance(text, str):
        raise TypeError(f"extract takes the text as a str, not {type(text).__name__}; "
                        "for files use extract_many([Path(...)])")
    extractor = load(model, max_chars=max_chars)
    if problem := extractor.too_large(text):
        raise ValueError(f"{doc_id or 'text'}: {problem}")
    return extractor.extract_text(text, doc_id or "text")


def extract_many(
    inputs: Iterable[Input],
    *,
    workers: int = 1,
    model: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    input_format: str = "auto",
    id_field: str = "id",
    text_field: str = "text",
) -> Iterator[TrialRecord | ErrorRecord]:
    """Records for many documents, streamed in input order, as ``extract`` (the command) makes them.

    Each input is a file (a ``pathlib.Path``: plain text, PubMed XML, MEDLINE or JSON Lines,
    each stream record its own document), a text (``str``; doc_id ``text1``, ``text2``, ...)
    or a ``(doc_id, text)`` pair. A document that cannot be read or extracted comes back as an
    ErrorRecord in its place, so nothing is dropped. ``workers`` > 1 runs that many processes
    (0: one per core).
    """
    from .running.runner import RunOptions, extract_in_order

    if workers < 0:
        raise ValueError(f"workers: expected 1 or more (0 for one per core), not {workers}")
    options = RunOptions(model=model, max_chars=max_chars)
    documents = _documents(inputs, input_format, id_field, text_field)
    for outcome in extract_in_order(documents, options, workers or os.cpu_count() or 1):
        yield outcome.record


def _documents(inputs: Iterable[Input], input_format: str, id_field: str, text_field: str):
    from .reading.sources import FORMATS, Document, iter_documents

    if input_format not in FORMATS:  # before the first document, not at the first file
        raise ValueError(f"unknown input format {input_format!r}; choose one of {', '.join(FORMATS)}")
    texts = 0
    for item in inputs:
        if isinstance(item, os.PathLike):
            yield from iter_documents([Path(item)], input_format, id_field, text_field)
        elif isinstance(item, str):
            if "\n" not in item and len(item) < 4096 and os.path.exists(item):
                # A file name passed as a str would otherwise be read as the text of a document.
                kind = "a folder: pass its files, e.g. Path(...).glob('*.txt')" if os.path.isdir(item) else \
                    f"a file: pass pathlib.Path({item!r}) to read it"
                raise ValueError(f"{item!r} names {kind}")
            texts += 1
            yield Document(doc_id=f"text{texts}", source=None, text=item)
        elif isinstance(item, tuple) and len(item) == 2 and all(isinstance(x, str) for x in item):
            yield Document(doc_id=item[0], source=None, text=item[1])
        else:
            raise TypeError(f"extract_many takes pathlib.Path files, str texts or (doc_id, text) pairs, "
                            f"not {type(item).__name__}")


def evaluate(
    predictions: str | os.PathLike | Mapping | Iterable[TrialRecord | ErrorRecord] | None = None,
    *,
    gold: str | os.PathLike = "gold",
    corpus: str | os.PathLike | None = "corpus",
    model: str | None = None,
    workers: int = 1,
) -> Report:
    """The per-field report (GOLD.md's scoring) of predictions against the reviewed gold files.

    ``predictions``: None to extract every ``corpus/*.txt`` now; the path of an output file
    (JSON Lines); or records (a mapping by doc_id, or an iterable). ``corpus`` also supplies
    the texts against which every gold and predicted offset is checked. The report is data:
    ``report.rows[row]`` has tp, fp, fn, precision, recall, f1; ``report.as_dict()`` is JSON-ready.
    """
    from .records.evaluate import evaluate as score
    from .records.output import prediction_texts, read_predictions

    gold_dir = Path(gold)
    if not gold_dir.is_dir():
        raise FileNotFoundError(f"{gold_dir}: gold directory not found")
    corpus_dir = Path(corpus) if corpus is not None else None
    if predictions is None:
        if corpus_dir is None or not corpus_dir.is_dir():
            raise FileNotFoundError(f"{corpus}: corpus directory not found (or pass predictions)")
        predictions = extract_many(sorted(corpus_dir.glob("*.txt")), workers=workers, model=model)
    if isinstance(predictions, (str, os.PathLike)):
        by_id = read_predictions(Path(predictions))
    elif isinstance(predictions, Mapping):
        by_id = dict(predictions)
    else:
        by_id = {}
        for record in predictions:
            if record.doc_id in by_id:  # scores are keyed by doc_id: keeping either would hide the other
                raise ValueError(f"doc_id {record.doc_id!r} twice in the predictions")
            by_id[record.doc_id] = record
    return score(by_id, gold_dir, prediction_texts(by_id, corpus_dir), corpus_dir)
