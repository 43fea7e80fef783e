"""Scoring predictions against gold, exactly as GOLD.md's "Scoring" section says.

Per document and per row, true positives, false positives and false negatives are
counted on multisets of normalized values (offsets are not scored), then summed
over documents (micro average).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .models import ErrorRecord, GoldFileError, TrialRecord, load_gold

ROWS = ("p_values", "sample_size", "sample_sizes", "doses", "routes", "route_set", "effects",
        "dose_interventions")


def _significant(value: float | None, digits: int) -> float | None:
    return None if value is None else float(f"{value:.{digits}g}")


def _dose_key(dose) -> tuple:
    return (dose.unit, _significant(dose.value, 4))


# --- Intervention names (GOLD.md "dose_interventions") -------------------------------------------
# Names are compared as word sequences: lower-cased, every run of characters that are not letters
# or digits one break. One matches another when either sequence holds the other as consecutive
# words, or when the document defines one as the abbreviation of the other.
_NAME_BREAK = re.compile(r"[^\w]+|_+")


def name_words(name: str) -> tuple[str, ...]:
    return tuple(w for w in _NAME_BREAK.split(name.lower()) if w)


def _contains(longer: tuple, shorter: tuple) -> bool:
    n = len(shorter)
    return n > 0 and any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def abbreviation_pairs(raw: str | None, record: TrialRecord | None = None) -> set[frozenset]:
    """Pairs of word sequences the document defines as long form and abbreviation: from the
    record's detected abbreviations and, where the text is at hand, every "long form (SHORT)"."""
    pairs = set()
    for abbreviation in (record.abbreviations if record else ()):
        pairs.add(frozenset([name_words(abbreviation.text), name_words(abbreviation.long_form)]))
    for match in _DEFINITION.finditer(raw or ""):
        short = name_words(match.group("short"))
        words = name_words(match.group("before"))
        # Every tail of the words before the bracket is a candidate long form; only names that
        # are compared ever look these up, so the extra tails do no harm.
        for size in range(1, min(len(words), 6) + 1):
            pairs.add(frozenset([words[-size:], short]))
    return pairs


# Up to seven words before a bracketed short form. A hyphen only ever separates words here: were it
# also part of a word, a run of hyphens could be split into words in exponentially many ways.
_DEFINITION = re.compile(r"(?P<before>[\w+]+(?:[ -][\w+]+){0,6}) ?\((?P<short>[\w+-]{2,15})[),;]")


def names_match(a: str, b: str, pairs: set[frozenset] = frozenset()) -> bool:
    wa, wb = name_words(a), name_words(b)
    if _contains(wa, wb) or _contains(wb, wa):
        return True
    return frozenset([wa, wb]) in pairs


def match_interventions(gold: list, predicted: list, pairs: set[frozenset]) -> tuple[int, list, list]:
    """Largest one-to-one matching of (dose key, name) items: the same key and matching names.
    Returns the true positives and the unmatched gold and predicted items."""
    candidates = {
        g: [p for p in range(len(predicted)) if predicted[p][0] == gold[g][0]
            and names_match(gold[g][1], predicted[p][1], pairs)]
        for g in range(len(gold))
    }
    owner: dict[int, int] = {}

    def assign(g: int, seen: set) -> bool:  # augmenting path (Kuhn); lists are short
        for p in candidates[g]:
            if p not in seen:
                seen.add(p)
                if p not in owner or assign(owner[p], seen):
                    owner[p] = g
                    return True
        return False

    for g in range(len(gold)):
        assign(g, set())
    matched_gold = set(owner.values())
    return (len(owner), [gold[g] for g in range(len(gold)) if g not in matched_gold],
            [predicted[p] for p in range(len(predicted)) if p not in owner])


def dose_intervention_items(record: TrialRecord) -> list[tuple]:
    return [(_dose_key(d), d.intervention.text) for d in record.doses if d.intervention is not None]


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
        "doses": Counter(_dose_key(d) for d in record.doses),
        "routes": Counter(r.route for r in record.routes),
        "route_set": Counter(set(r.route for r in record.routes)),
        "effects": Counter(
            (e.measure, *(_significant(v, 3) for v in (e.value, e.ci_low, e.ci_high)))
            for e in record.effects
        ),
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
    if row == "effects":
        measure, value, low, high = item
        interval = f" ({low:g} to {high:g})" if low is not None else ""
        return f"{measure} {value:g}{interval}"
    if row == "dose_interventions":
        (unit, value), name = item
        return f"{value:g} {unit} of {name}"
    return str(item)


def _count(report: Report, diff: DocumentDiff, row: str, tp: int, missed: list, extra: list) -> None:
    score = report.rows[row]
    score.tp += tp
    score.fp += len(extra)
    score.fn += len(missed)
    if missed:
        diff.misses[row] = [_describe(row, item) for item in missed]
    if extra:
        diff.false_hits[row] = [_describe(row, item) for item in extra]


def score_document(gold: TrialRecord, predicted: TrialRecord | ErrorRecord | None, report: Report,
                   raw: str | None = None) -> None:
    """Add one document's counts to the report; ``raw`` (its text, where known) lets intervention
    names match through the abbreviations the text defines."""
    diff = DocumentDiff(gold.doc_id)
    if isinstance(predicted, ErrorRecord):
        diff.error = predicted.error
    if not isinstance(predicted, TrialRecord):
        diff.error = diff.error or "no prediction for this document"
        predicted = TrialRecord(doc_id=gold.doc_id)
    gold_items, predicted_items = scored_items(gold), scored_items(predicted)
    for row, g in gold_items.items():
        p = predicted_items[row]
        _count(report, diff, row, sum((g & p).values()), list((g - p).elements()), list((p - g).elements()))
    pairs = abbreviation_pairs(raw, predicted)
    _count(report, diff, "dose_interventions",
           *match_interventions(dose_intervention_items(gold), dose_intervention_items(predicted), pairs))
    report.documents.append(diff)
    report.scored += 1


def load_checked_gold(path: Path, corpus_dir: Path | None = None) -> tuple[TrialRecord, str | None]:
    """A gold file and, where corpus_dir holds its document, that document's raw text, with
    every gold offset checked against it. Raises GoldFileError naming the file and the problem."""
    from ..reading.decoding import InputError, read_raw

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
        score_document(gold, predictions.get(doc_id), report, (raw_texts or {}).get(doc_id))
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
    width = max(len(name) for name in report.rows) + 1
    lines = [
        f"{'row':<{width}}{'TP':>5}{'FP':>5}{'FN':>5}  {'prec':>6}  {'recall':>6}  {'F1':>6}",
    ]
    for name, row in report.rows.items():
        lines.append(
            f"{name:<{width}}{row.tp:>5}{row.fp:>5}{row.fn:>5}  {_figure(row.precision)}  "
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
                out.append(f"    miss      {row:<18} {', '.join(items)}")
            for row, items in diff.false_hits.items():
                out.append(f"    false hit {row:<18} {', '.join(items)}")
    return "\n".join(out)
