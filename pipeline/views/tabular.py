"""Records as CSV/TSV rows, one row per document, for people who review in a spreadsheet.

A spreadsheet is where many reviewers will first see the output, so the table is written for
Excel, LibreOffice and Google Sheets rather than for a parser:

- RFC 4180 CSV: ``csv`` with QUOTE_MINIMAL and ``\\r\\n`` row ends. The handle must be opened
  with ``newline=""`` (as the csv module requires) or Windows doubles every ``\\r``.
- One physical line per row: line breaks (and tabs, and other control characters) inside a
  value become one space, because a quoted newline still splits the row in tools that read
  line by line, and a tab breaks a TSV cell even when quoted.
- Formula injection (OWASP, "CSV Injection"): a cell starting with ``=``, ``+``, ``-`` or ``@``
  (after any spaces)
  is run as a formula by spreadsheets; text taken from scraped abstracts is not trusted, so
  such a cell gets a leading ``'``. Spreadsheets show the text as typed; a program reading the
  file back removes one leading ``'`` that is followed by one of those four characters. No value
  the extractor itself makes starts with them (doses are positive, p-values start with "P",
  effects with their measure, so a negative estimate is never first in a cell).
- ``bom=True`` writes U+FEFF first: Excel reads a CSV as the local ANSI code page unless it
  starts with a UTF-8 byte-order mark, and "µg" or "±" would come out garbled.
- Several values in one cell are joined with ``"; "`` and said as ``records.describe`` says them
  on the review pages ("1.5e7 cells ± 4.5e6 (BM-MSCs)", "P < 0.02", "HR 0.72 (95% CI 0.61-0.85)"):
  a dose ends with the name of its intervention in brackets, an effect with the p-value reported
  with it, where the record has one ("..., P < 0.001").
- ``p_values`` holds the reported results only, as the scores count them; stated significance
  levels ("P < 0.05 was considered significant", ``threshold: true``) go in ``p_thresholds`` so
  a result column never mixes in the alpha, and nothing the extractor found is hidden.
- An error record fills ``doc_id``, ``source`` and ``error`` and leaves the facts empty, so every
  input file has its row and a filter on ``error`` lists the failures.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import TextIO

from ..records.describe import describe_dose, describe_effect, describe_p_value
from ..records.models import ErrorRecord, TrialRecord

COLUMNS = (
    "doc_id",
    "title",
    "journal",
    "year",
    "pmid",
    "registrations",
    "sample_size",
    "routes",
    "doses",
    "p_values",
    "p_thresholds",
    "effects",
    "warnings",
    "error",
    "source",
)
JOIN = "; "
# Characters that make a spreadsheet read a cell as a formula (OWASP CSV Injection).
FORMULA_STARTS = ("=", "+", "-", "@")
# Line breaks, tabs and every other C0/C1 control character: each run becomes one space.
_BREAKING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def _join(values: Iterable[str]) -> str:
    return JOIN.join(values)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def record_row(record: TrialRecord | ErrorRecord) -> dict[str, str]:
    """The row of a record: every column of COLUMNS, as readable text ("" for none).

    Values are not yet made spreadsheet-safe; TableWriter does that when it writes them.
    """
    row = dict.fromkeys(COLUMNS, "")
    row["doc_id"] = record.doc_id
    row["source"] = record.source or ""
    if isinstance(record, ErrorRecord):
        row["error"] = record.error
        return row
    metadata = record.metadata
    if metadata is not None:
        row["title"] = metadata.title or ""
        row["journal"] = metadata.journal or ""
        row["year"] = "" if metadata.year is None else str(metadata.year)
        row["pmid"] = metadata.pmid or ""
        row["registrations"] = _join(metadata.registrations)
    row["sample_size"] = "" if record.sample_size is None else str(record.sample_size)
    row["routes"] = _join(_unique(r.route for r in record.routes))
    row["doses"] = _join(describe_dose(d) for d in record.doses)
    row["p_values"] = _join(describe_p_value(p) for p in record.p_values if not p.threshold)
    # The column says they are thresholds, so the "(threshold)" suffix would only repeat it.
    row["p_thresholds"] = _join(
        describe_p_value(p.model_copy(update={"threshold": False})) for p in record.p_values if p.threshold
    )
    row["effects"] = _join(describe_effect(e) for e in record.effects)
    row["warnings"] = _join(record.warnings)
    return row


def spreadsheet_cell(value: str) -> str:
    """A value made safe for one spreadsheet cell: on one line, and never read as a formula."""
    value = _BREAKING.sub(" ", value)
    # A space in front does not stop every spreadsheet from evaluating, so look past it.
    if value.lstrip().startswith(FORMULA_STARTS):
        value = "'" + value
    return value


class TableWriter:
    """Writes records as CSV (or TSV with ``delimiter="\\t"``) to an open text handle, one
    row per record as they come, so a long run streams instead of collecting everything.

    The header (after the BOM, with ``bom=True``) is written at once, so an input with no
    records still gives a valid table with its header.
    """

    def __init__(self, handle: TextIO, delimiter: str = ",", bom: bool = False, columns: tuple[str, ...] = COLUMNS):
        self.columns = columns
        self.rows = 0
        if bom:
            handle.write("\ufeff")
        self._writer = csv.writer(handle, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        self._writer.writerow(columns)

    def write(self, record: TrialRecord | ErrorRecord) -> None:
        row = record_row(record)
        self._writer.writerow([spreadsheet_cell(row[column]) for column in self.columns])
        self.rows += 1

    def write_all(self, records: Iterable[TrialRecord | ErrorRecord]) -> int:
        """Write every record; returns how many were written."""
        for record in records:
            self.write(record)
        return self.rows


def write_table(
    records: Iterable[TrialRecord | ErrorRecord], handle: TextIO, delimiter: str = ",", bom: bool = False
) -> int:
    """The whole table in one call; returns the number of rows written (header not counted)."""
    return TableWriter(handle, delimiter=delimiter, bom=bom).write_all(records)
