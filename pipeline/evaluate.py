"""Scoring predictions against gold, exactly as GOLD.md's "Scoring" section says.

Per document and per row, true positives, false positives and false negatives are
counted on multisets of normalized values (offsets are not scored), then summed
over documents (micro average).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .models import ErrorRecord, GoldFileError, TrialRecord, load_gold

ROWS = ("p_values", "sample_size", "sample_sizes", "doses", "routes", "route_set")


def _significant(value: float, digits: int) -> float:
    return float(f"{value:.{digits}g}")


def scored_items(record: TrialRecord) -> dict[str, Counter]:
    """What GOLD.md compares for each row, as a multiset per row."""
    return {
        "p_values": Counter(
            (p.comparator, None if p.value is None else _significant(p.value, 12))
            for p in record.p_values
            if not p.threshold
        ),
        "sample_size": Counter([record.sample_size] if record.sample_size is not None else []),
        "sample_sizes": Counter(m.value for m in record.sample_sizes),
        "doses": Counter((d.unit, _significant(d.value, 4)) for d in record.doses),
        "routes": Counter(r.route for r in record.routes),
        "route_set": Counter(set(r.route for r in record.routes)),
    }


@dataclass
class RowScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass
class DocumentDiff:
    doc_id: str
    misses: dict[str, list] = field(default_factory=dict)
    false_hits: dict[str, list] = field(default_factory=dict)
    error: str | None = None


@dataclass
class Report:
    rows: dict[str, RowScore] = field(default_factory=lambda: {r: RowScore() for r in ROWS})
    documents: list[DocumentDiff] = field(default_factory=list)
    scored: int = 0
    drafts_skipped: int = 0
    gold_errors: list[str] = field(default_factory=list)
    offset_violations: list[str] = field(default_factory=list)
    unmatched_predictions: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "documents_scored": self.scored,
            "drafts_skipped": self.drafts_skipped,
            "rows": {name: row.as_dict() for name, row in self.rows.items()},
            "offset_violations": self.offset_violations,
            "gold_errors": self.gold_errors,
            "predictions_without_gold": self.unmatched_predictions,
            "documents": [
                {"doc_id": d.doc_id, "misses": d.misses, "false_hits": d.false_hits, "error": d.error}
                for d in self.documents
                if d.misses or d.false_hits or d.error
            ],
        }


def _describe(row: str, item) -> str:
    if row == "p_values":
        comparator, value = item
        return f"P {comparator} {value:g}" if value is not None else "P = NS"
    if row == "doses":
        unit, value = item
        return f"{value:g} {unit}"
    return str(item)


def score_document(gold: TrialRecord, predicted: TrialRecord | ErrorRecord | None, report: Report) -> None:
    diff = DocumentDiff(gold.doc_id)
    if isinstance(predicted, ErrorRecord):
        diff.error = predicted.error
    if not isinstance(predicted, TrialRecord):
        diff.error = diff.error or "no prediction for this document"
        predicted = TrialRecord(doc_id=gold.doc_id)
    gold_items, predicted_items = scored_items(gold), scored_items(predicted)
    for row in ROWS:
        g, p = gold_items[row], predicted_items[row]
        tp = sum((g & p).values())
        score = report.rows[row]
        score.tp += tp
        score.fp += sum(p.values()) - tp
        score.fn += sum(g.values()) - tp
        missed, extra = g - p, p - g
        if missed:
            diff.misses[row] = [_describe(row, item) for item in missed.elements()]
        if extra:
            diff.false_hits[row] = [_describe(row, item) for item in extra.elements()]
    report.documents.append(diff)
    report.scored += 1


def load_checked_gold(path: Path, corpus_dir: Path | None = None) -> tuple[TrialRecord, str | None]:
    """A gold file and, where corpus_dir holds its document, that document's raw text, with
    every gold offset checked against it. Raises GoldFileError naming the file and the problem."""
    from .extract import InputError, read_raw

    gold = load_gold(path)
    text_path = Path(corpus_dir) / f"{gold.doc_id}.txt" if corpus_dir else None
    if text_path is None or not text_path.is_file():
        return gold, None
    try:
        raw = read_raw(text_path)
    except (OSError, InputError) as exc:
        raise GoldFileError(f"{path}: its text {text_path} cannot be read: {exc}") from exc
    problems = gold.offset_problems(raw)
    if problems:
        raise GoldFileError(f"{path}: offsets do not match {text_path}: {problems[0]}"
                            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    return gold, raw


def load_gold_folder(gold_dir: Path, report: Report, corpus_dir: Path | None = None) -> dict[str, TrialRecord]:
    """Reviewed gold by doc_id; a file that cannot be used goes to report.gold_errors, named.

    Where corpus_dir holds the document, every gold offset is checked against its text.
    """
    golds = {}
    for path in sorted(Path(gold_dir).glob("*.json")):
        try:
            gold, _ = load_checked_gold(path, corpus_dir)
        except GoldFileError as exc:
            report.gold_errors.append(str(exc))
            continue
        if gold.status != "reviewed":
            report.drafts_skipped += 1
            continue
        golds[gold.doc_id] = gold
    return golds


def evaluate(predictions: dict[str, TrialRecord | ErrorRecord], gold_dir: Path,
             raw_texts: dict[str, str] | None = None, corpus_dir: Path | None = None) -> Report:
    """Score predictions (by doc_id) against every reviewed gold file in gold_dir.

    ``raw_texts`` (doc_id -> raw text), where given, is used to check that every
    predicted offset holds its text; ``corpus_dir`` to check the gold's offsets.
    """
    report = Report()
    golds = load_gold_folder(gold_dir, report, corpus_dir)
    for doc_id, gold in sorted(golds.items()):
        score_document(gold, predictions.get(doc_id), report)
    for doc_id, predicted in sorted(predictions.items()):
        if doc_id not in golds:
            report.unmatched_predictions.append(doc_id)
        if raw_texts and isinstance(predicted, TrialRecord) and doc_id in raw_texts:
            for problem in predicted.offset_problems(raw_texts[doc_id]):
                report.offset_violations.append(f"{doc_id}: {problem}")
    return report


def _figure(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def format_table(report: Report) -> str:
    lines = [
        f"{'row':<13}{'TP':>5}{'FP':>5}{'FN':>5}  {'prec':>6}  {'recall':>6}  {'F1':>6}",
    ]
    for name, row in report.rows.items():
        lines.append(
            f"{name:<13}{row.tp:>5}{row.fp:>5}{row.fn:>5}  {_figure(row.precision)}  "
            f"{_figure(row.recall)}  {_figure(row.f1)}"
        )
    return "\n".join(lines)


def format_report(report: Report, details: bool = True) -> str:
    out = [
        f"documents scored: {report.scored} (drafts skipped: {report.drafts_skipped}, "
        f"gold files with errors: {len(report.gold_errors)})",
        "",
        format_table(report),
        "",
        "sample_size recall is its accuracy over documents whose gold total is not null.",
        f"offset violations: {len(report.offset_violations)}",
    ]
    for violation in report.offset_violations[:50]:
        out.append(f"  {violation}")
    for error in report.gold_errors:
        out.append(f"gold error: {error}")
    if details:
        out.append("")
        out.append("per document (misses = in gold, not predicted; false hits = predicted, not in gold):")
        for diff in report.documents:
            if not (diff.misses or diff.false_hits or diff.error):
                continue
            out.append(f"  {diff.doc_id}")
            if diff.error:
                out.append(f"    error: {diff.error}")
            for row, items in diff.misses.items():
                out.append(f"    miss      {row:<13} {', '.join(items)}")
            for row, items in diff.false_hits.items():
                out.append(f"    false hit {row:<13} {', '.join(items)}")
    return "\n".join(out)
