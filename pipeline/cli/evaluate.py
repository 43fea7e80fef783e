"""`trialfacts evaluate`: precision and recall per field against the reviewed gold files."""

from __future__ import annotations

import json
from pathlib import Path

from .common import (
    EXIT_BAD_GOLD,
    EXIT_FAILED,
    EXIT_OK,
    AtomicOutput,
    UsageError,
    build_extractor,
    check_stop,
    load_predictions,
    say,
    texts_of_predictions,
)

METRICS = ("f1", "precision", "recall")


def parse_floors(specs: list[str]) -> dict[tuple[str, str], tuple[float, bool]]:
    """'0.9' -> F1 of every row; 'doses=0.9' -> one row's F1; 'sample_size.recall=0.9' -> one figure.
    Each floor comes with whether its row was named: a named row with nothing to score fails, since
    the script asked for a figure it did not get; a row the bare form covers is then passed over."""
    from ..records.evaluate import ROWS

    floors = {}
    for spec in specs or []:
        name, _, value = spec.rpartition("=")
        try:
            figure = float(value)
        except ValueError:
            raise UsageError(f"--fail-under {spec}: expected F1 or ROW[.METRIC]=VALUE, e.g. 0.9 or doses=0.9")
        if not 0 <= figure <= 1:
            raise UsageError(f"--fail-under {spec}: a floor is a figure from 0 to 1")
        row, _, metric = name.partition(".")
        metric = metric or "f1"
        if metric not in METRICS:
            raise UsageError(f"--fail-under {spec}: unknown metric {metric!r} (metrics: {', '.join(METRICS)})")
        for each in ([row] if row else ROWS):
            if each not in ROWS:
                raise UsageError(f"--fail-under {spec}: unknown row {each!r} (rows: {', '.join(ROWS)})")
            floors[(each, metric)] = (figure, bool(row))
    return floors


def run_evaluate(args) -> int:
    from ..api import evaluate, extract_many
    from ..records.evaluate import format_report

    floors = parse_floors(args.fail_under)
    gold_dir = Path(args.gold)
    if not gold_dir.is_dir():
        raise UsageError(f"{gold_dir}: gold directory not found")
    corpus = Path(args.corpus) if args.corpus else None
    if args.predictions:
        predictions = load_predictions(Path(args.predictions))
    else:
        if corpus is None or not corpus.is_dir():
            raise UsageError(f"{args.corpus}: corpus directory not found (or give --predictions FILE)")
        paths = sorted(corpus.glob("*.txt"))
        from ..running.progress import ProgressBar

        build_extractor(args)  # a model that cannot be loaded is a usage error, before any work
        progress = ProgressBar(len(paths), args.quiet)
        predictions = {}
        for record in extract_many(paths, model=args.model, max_chars=args.max_chars):
            predictions[record.doc_id] = record
            progress.step()
            check_stop()
        progress.close()
    report = evaluate(predictions, gold=gold_dir, corpus=corpus)
    if args.html:
        _write_comparison(args.html, report, predictions, gold_dir, texts_of_predictions(predictions, corpus), corpus)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(format_report(report, details=not args.summary))
    status = EXIT_OK
    below = []
    for (row, metric), (floor, named) in floors.items():
        figure = getattr(report.rows[row], metric)
        if figure is None and not named:
            continue
        if figure is None or figure < floor:
            shown = "n/a" if figure is None else f"{figure:.3f}"
            below.append(f"{row} {metric} {shown} < {floor}")
    if report.offset_violations and floors:
        below.append(f"{len(report.offset_violations)} offset violations")
    if below:
        say("below --fail-under: " + "; ".join(below))
        status = EXIT_FAILED
    if report.gold_errors:
        say(f"{len(report.gold_errors)} gold file(s) could not be used; see the report")
        status = max(status, EXIT_BAD_GOLD)
    return status


def _write_comparison(target: str, report, predictions, gold_dir: Path, raw_texts, corpus) -> None:
    from ..records.evaluate import Report, load_gold_folder
    from ..views.review import render_comparison_report

    golds = load_gold_folder(gold_dir, Report(), corpus)  # a fresh report: errors are counted once
    page = render_comparison_report(report, predictions, golds, raw_texts)
    with AtomicOutput(target) as out:
        out.write(page)
    say(f"wrote {target}")
