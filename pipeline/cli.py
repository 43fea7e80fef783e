"""Command line: `extract` and `trialfacts {extract,evaluate,show,add,export-brat,import-brat,schema}`.

Thin on purpose: argument parsing, file handling and exit codes live here; the work is
done by pipeline.runner, pipeline.extract, pipeline.evaluate, pipeline.review and
pipeline.brat. spaCy is imported only by the commands that run the pipeline, so `--help`
answers at once.

Exit codes: 0 success; 1 some input failed (extract, show, add, brat) or a score fell below
--fail-under (evaluate); 2 usage error (bad arguments, missing paths); 3 some gold files
could not be used (evaluate); 4 the run itself failed (a worker process died, a cluster
task failed); 130 interrupted; 141 the reader of standard output went away.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import re
import shutil
import signal
import sys
import threading
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BAD_GOLD, EXIT_RUN_FAILED = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141


class UsageError(Exception):
    pass


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def expand_inputs(arguments: list[str]) -> list[Path]:
    """Files named, and files matching a quoted glob; a directory or a missing path is a usage error."""
    paths: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            raise UsageError(f"{argument}: is a directory; name its files instead (e.g. {path / '*.txt'})")
        elif path.exists():
            paths.append(path)
        elif glob.has_magic(argument):
            matched = sorted(Path(p) for p in glob.glob(argument))
            if not matched:
                raise UsageError(f"{argument}: pattern matches no file")
            paths.extend(matched)
        else:
            raise UsageError(f"{argument}: no such file or directory")
    return paths


class AtomicOutput:
    """Write to a temporary file beside the target and rename it into place on success."""

    def __init__(self, target: str | None, newline: str | None = None):
        self.target = target
        self.newline = newline
        self.tmp_path = None

    def __enter__(self):
        if self.target is None:
            return sys.stdout
        directory = os.path.dirname(os.path.abspath(self.target))
        if not os.path.isdir(directory):
            raise UsageError(f"{self.target}: directory {directory} does not exist")
        from .runner import open_temporary

        self.handle, self.tmp_path = open_temporary(Path(self.target), newline=self.newline)
        return self.handle

    def __exit__(self, exc_type, exc, tb):
        if self.target is None:
            sys.stdout.flush()
            return False
        self.handle.close()
        if exc_type is None:
            os.replace(self.tmp_path, self.target)
        else:
            os.unlink(self.tmp_path)
        return False


def build_extractor(args, options=None):
    """This process's pipeline (built once; worker processes forked later inherit it)."""
    from .runner import process_extractor

    try:
        return process_extractor(options or run_options(args))
    except OSError as exc:
        raise UsageError(f"--model {args.model}: cannot be loaded ({str(exc).splitlines()[0]})") from exc


def run_options(args):
    from .runner import RunOptions

    return RunOptions(model=args.model, max_chars=args.max_chars,
                      output_format=getattr(args, "format", "jsonl"), bom=getattr(args, "bom", False))


def input_documents(args, paths: list[Path]):
    """The input items (documents, or errors of records that cannot be read), streamed."""
    from .sources import iter_documents

    return iter_documents(paths, input_format=args.input_format, id_field=args.id_field,
                          text_field=args.text_field)


def countable_total(args, paths: list[Path]) -> int | None:
    """How many documents, when that is known before reading: plain files only."""
    from .sources import detect_format

    if args.input_format == "txt":
        return len(paths)
    if args.input_format == "auto" and all(detect_format(p) == "txt" for p in paths):
        return len(paths)
    return None


def is_part_folder(target: str | None) -> bool:
    return target is not None and (target.endswith(("/", os.sep)) or os.path.isdir(target))


def run_extract(args) -> int:
    from .progress import ProgressBar

    paths = expand_inputs(args.inputs)
    if args.workers < 0:
        raise UsageError("--workers: expected 1 or more (0 for one per core)")
    workers = args.workers or os.cpu_count() or 1
    parts = is_part_folder(args.output)
    if (args.resume or args.dask) and not parts:
        raise UsageError(f"{'--resume' if args.resume else '--dask'} writes part files: give -o DIR/ "
                         "(a folder, with a trailing slash)")
    if args.part_size < 1:
        raise UsageError("--part-size: expected 1 or more")
    if args.bom and args.format == "jsonl":
        raise UsageError("--bom goes with --format csv or tsv")
    if parts and not Path(args.output).parent.is_dir():
        raise UsageError(f"{args.output}: directory {Path(args.output).parent} does not exist")
    options = run_options(args)
    if not args.dask:
        # Built before any output exists: a model that cannot be loaded is a usage error that
        # leaves nothing behind. Worker processes forked later inherit it.
        build_extractor(args, options)
    # Counting sniffs every file's first line: only worth it when a bar will show the total.
    watched = not args.quiet and sys.stderr.isatty()
    progress = ProgressBar(countable_total(args, paths) if watched else None, quiet=args.quiet)

    def report(outcome) -> None:
        if outcome.failed:
            progress.say(f"error: {outcome.source}: {outcome.error}")
        progress.step()
        _check_stop()

    if parts:
        return _extract_to_parts(args, paths, options, workers, progress, report)

    from .runner import extract_in_order, record_sink

    documents = failed = 0
    with AtomicOutput(args.output, newline="" if args.format != "jsonl" else None) as out:
        write = record_sink(out, options)
        for outcome in extract_in_order(input_documents(args, paths), options, workers):
            write(outcome)
            documents += 1
            failed += outcome.failed
            report(outcome)
    progress.close()
    if not args.quiet:
        _say(f"read {documents}, extracted {documents - failed}, failed {failed}; "
             f"wrote {args.output or 'standard output'}")
    return EXIT_FAILED if failed else EXIT_OK


def _extract_to_parts(args, paths, options, workers, progress, report) -> int:
    from .runner import PartFolderError, extract_to_parts, manifest_for, prepare_part_folder, write_done

    folder = Path(args.output)
    settings = {"input_format": args.input_format, "id_field": args.id_field, "text_field": args.text_field,
                "part_size": args.part_size, "format": args.format, "bom": args.bom,
                "model": args.model, "max_chars": args.max_chars}
    manifest = manifest_for(paths, settings)
    client = cluster = None
    if args.dask:
        client, cluster = _connect_to_dask(args, workers)  # before the folder is claimed
    try:
        try:
            prepare_part_folder(folder, manifest, args.resume)
        except PartFolderError as exc:
            raise UsageError(str(exc)) from exc
        items = input_documents(args, paths)
        if client is not None:
            from .dask_runner import extract_on_dask

            def on_part(result: dict) -> None:
                for error in result["errors"]:
                    progress.say(f"error: {error}")
                progress.step(result["documents"])
                _check_stop()

            totals = extract_on_dask(client, items, folder, options, args.part_size, args.resume,
                                     on_part, on_resumed=progress.step)
        else:
            totals = extract_to_parts(items, folder, options, workers, args.part_size, args.resume,
                                      report, on_resumed=progress.step)
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    progress.close()
    write_done(folder, {"documents": totals.documents, "failed": totals.failed,
                        "parts": totals.parts_written + totals.parts_resumed})
    if not args.quiet:
        resumed = (f" ({totals.documents_resumed} of them in {totals.parts_resumed} parts complete before)"
                   if totals.parts_resumed else "")
        _say(f"read {totals.documents}{resumed}, extracted {totals.documents - totals.failed}, "
             f"failed {totals.failed}; wrote {totals.parts_written} part(s) to {folder}")
    return EXIT_FAILED if totals.failed else EXIT_OK


def _connect_to_dask(args, workers: int):
    from .dask_runner import DaskUnavailable, connect

    try:
        return connect(args.dask, workers)
    except DaskUnavailable as exc:
        raise UsageError(str(exc)) from exc
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"--dask {args.dask}: cannot connect to the scheduler ({exc})") from exc


# Set by SIGINT and SIGTERM. The handler also raises KeyboardInterrupt at once, except inside a
# finalizer (__del__), where Python would print the exception and drop it; the document loops
# check the flag, so the run then stops after the current document.
STOP_REQUESTED = threading.Event()


def _stop(signum, frame):
    STOP_REQUESTED.set()
    if frame is None or frame.f_code.co_name != "__del__":
        raise KeyboardInterrupt


def _install_signal_handlers() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGTERM, _stop)
    # A job started in the background keeps SIGINT ignored, as its shell asked.
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _stop)


def _check_stop() -> None:
    if STOP_REQUESTED.is_set():
        raise KeyboardInterrupt


def _load_predictions(path: Path):
    from pydantic import ValidationError

    from .models import OutputLine, describe_validation_error

    predictions, lines = {}, {}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = OutputLine.validate_json(line)
            except ValidationError as exc:
                raise UsageError(f"{path}:{number}: not a valid record: {describe_validation_error(exc)}")
            if record.doc_id in predictions:
                # Scores, pages and brat files are keyed by doc_id; keeping either would hide the other.
                raise UsageError(f"{path}:{number}: doc_id {record.doc_id!r} again (first at line "
                                 f"{lines[record.doc_id]}); two inputs share a name: rename one and extract again")
            predictions[record.doc_id] = record
            lines[record.doc_id] = number
    return predictions


def _raw_texts(predictions, corpus: Path | None) -> dict[str, str]:
    from .extract import InputError, read_raw
    from .models import TrialRecord

    texts = {}
    for doc_id, record in predictions.items():
        if isinstance(record, TrialRecord) and record.text is not None:
            texts[doc_id] = record.text  # a stream record carries its text
            continue
        candidates = []
        if isinstance(record, TrialRecord) and record.source:
            candidates.append(Path(record.source))
        if corpus is not None:
            candidates.append(corpus / f"{doc_id}.txt")
        for candidate in candidates:
            try:
                texts[doc_id] = read_raw(candidate)
                break
            except (OSError, InputError):
                continue
    return texts


METRICS = ("f1", "precision", "recall")


def parse_floors(specs: list[str]) -> dict[tuple[str, str], float]:
    """'0.9' -> F1 of every row; 'doses=0.9' -> one row's F1; 'sample_size.recall=0.9' -> one figure."""
    from .evaluate import ROWS

    floors = {}
    for spec in specs or []:
        name, _, value = spec.rpartition("=")
        try:
            figure = float(value)
        except ValueError:
            raise UsageError(f"--fail-under {spec}: expected F1 or ROW[.METRIC]=VALUE, e.g. 0.9 or doses=0.9")
        row, _, metric = name.partition(".")
        metric = metric or "f1"
        if metric not in METRICS:
            raise UsageError(f"--fail-under {spec}: unknown metric {metric!r} (metrics: {', '.join(METRICS)})")
        for each in ([row] if row else ROWS):
            if each not in ROWS:
                raise UsageError(f"--fail-under {spec}: unknown row {each!r} (rows: {', '.join(ROWS)})")
            floors[(each, metric)] = figure
    return floors


def run_evaluate(args) -> int:
    from .evaluate import evaluate, format_report

    floors = parse_floors(args.fail_under)
    gold_dir = Path(args.gold)
    if not gold_dir.is_dir():
        raise UsageError(f"{gold_dir}: gold directory not found")
    corpus = Path(args.corpus) if args.corpus else None
    if args.predictions:
        predictions = _load_predictions(Path(args.predictions))
    else:
        if corpus is None or not corpus.is_dir():
            raise UsageError(f"{args.corpus}: corpus directory not found (or give --predictions FILE)")
        paths = sorted(corpus.glob("*.txt"))
        from .progress import ProgressBar

        extractor = build_extractor(args)
        progress = ProgressBar(len(paths), args.quiet)
        predictions = {}
        for record in extractor.extract_files(paths):
            predictions[record.doc_id] = record
            progress.step()
            _check_stop()
        progress.close()
    raw_texts = _raw_texts(predictions, corpus)
    report = evaluate(predictions, gold_dir, raw_texts, corpus)
    if args.html:
        _write_comparison(args.html, report, predictions, gold_dir, raw_texts, corpus)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(format_report(report, details=not args.summary))
    status = EXIT_OK
    below = []
    for (row, metric), floor in floors.items():
        figure = getattr(report.rows[row], metric)
        if figure is None or figure < floor:
            shown = "n/a" if figure is None else f"{figure:.3f}"
            below.append(f"{row} {metric} {shown} < {floor}")
    if report.offset_violations and floors:
        below.append(f"{len(report.offset_violations)} offset violations")
    if below:
        _say("below --fail-under: " + "; ".join(below))
        status = EXIT_FAILED
    if report.gold_errors:
        _say(f"{len(report.gold_errors)} gold file(s) could not be used; see the report")
        status = max(status, EXIT_BAD_GOLD)
    return status


def _write_comparison(target: str, report, predictions, gold_dir: Path, raw_texts, corpus) -> None:
    from .evaluate import Report, load_gold_folder
    from .review import render_comparison_report

    golds = load_gold_folder(gold_dir, Report(), corpus)  # a fresh report: errors are counted once
    page = render_comparison_report(report, predictions, golds, raw_texts)
    with AtomicOutput(target) as out:
        out.write(page)
    _say(f"wrote {target}")


def records_with_texts(args):
    """(raw text, record) for each document of the input files (extracted now) or of
    --predictions (texts from the records, their source files, or --corpus). A record whose
    text cannot be found becomes an error record: a view without its text shows nothing."""
    from .extract import InputError, read_raw
    from .models import ErrorRecord, TrialRecord

    if args.predictions:
        if args.inputs:
            raise UsageError("give input files or --predictions FILE, not both")
        predictions = _load_predictions(Path(args.predictions))
        texts = _raw_texts(predictions, Path(args.corpus) if args.corpus else None)
        for doc_id, record in predictions.items():
            if isinstance(record, TrialRecord) and doc_id not in texts:
                record = ErrorRecord(doc_id=doc_id, source=record.source,
                                     error="its text was not found (the source file is gone; give --corpus DIR)")
            yield texts.get(doc_id), record
        return
    if not args.inputs:
        raise UsageError("give input files to extract, or --predictions FILE")
    extractor = build_extractor(args)
    for item in input_documents(args, expand_inputs(args.inputs)):
        record = extractor.extract(item)
        raw = None
        if isinstance(record, TrialRecord):
            try:
                raw = record.text if record.text is not None else read_raw(item.path)
            except (OSError, InputError) as exc:  # the file changed under us
                record = ErrorRecord(doc_id=record.doc_id, source=record.source, error=str(exc))
        yield raw, record
        _check_stop()


def run_show(args) -> int:
    from .review import write_pages

    out_dir = Path(args.output)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{args.output}: exists and is not a folder")
    if not out_dir.parent.is_dir():
        raise UsageError(f"{args.output}: directory {out_dir.parent} does not exist")
    failed = 0

    def reported(items):
        nonlocal failed
        for raw, record in items:
            if hasattr(record, "error"):
                _say(f"error: {record.source or record.doc_id}: {record.error}")
                failed += 1
            yield raw, record

    out_dir.mkdir(exist_ok=True)
    written = write_pages(reported(records_with_texts(args)), out_dir)
    if not args.quiet:
        _say(f"wrote {len(written) - 1} page(s) and {out_dir / 'index.html'}; {failed} without a page")
    return EXIT_FAILED if failed else EXIT_OK


def run_export_brat(args) -> int:
    from .brat import BratError, export_brat

    if sum(map(bool, (args.inputs, args.predictions, args.gold))) != 1:
        raise UsageError("give one of: input files, --predictions FILE, or --gold DIR (with --corpus DIR)")
    exported = failed = 0
    seen: set[str] = set()

    def exportable(items):
        nonlocal exported, failed
        for raw, record in items:
            problem = getattr(record, "error", None)
            if problem is None and record.doc_id in seen:
                problem = "its doc_id comes again: its brat files would replace the first one's"
            if problem is not None:
                _say(f"error: {record.source or record.doc_id}: {problem} (not exported)")
                failed += 1
                continue
            seen.add(record.doc_id)
            exported += 1
            yield raw, record

    out_dir = Path(args.output)
    out_dir.mkdir(parents=True, exist_ok=True)
    source = _gold_with_texts(args) if args.gold else records_with_texts(args)
    try:
        written = export_brat(exportable(source), out_dir, include_entities=not args.no_entities)
    except BratError as exc:
        raise UsageError(str(exc)) from exc
    if not args.quiet:
        _say(f"exported {exported} document(s) to {out_dir} ({len(written)} files); {failed} not exported")
    return EXIT_FAILED if failed else EXIT_OK


def _gold_with_texts(args):
    """Every gold file, drafts too (correcting them is the point), with its corpus text."""
    from .evaluate import load_checked_gold
    from .models import ErrorRecord, GoldFileError

    if not args.corpus or not Path(args.corpus).is_dir():
        raise UsageError("--gold needs --corpus DIR, the texts its offsets count in")
    for path in sorted(Path(args.gold).glob("*.json")):
        try:
            gold, raw = load_checked_gold(path, Path(args.corpus))
            if raw is None:
                raise GoldFileError(f"{path}: no {gold.doc_id}.txt in {args.corpus}")
        except GoldFileError as exc:
            yield None, ErrorRecord(doc_id=path.stem, source=str(path), error=str(exc))
            continue
        yield raw, gold


def run_import_brat(args) -> int:
    from .brat import import_brat_folder
    from .models import gold_view

    folder, gold_dir = Path(args.folder), Path(args.output)
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder of brat .txt/.ann files")
    gold_dir.mkdir(parents=True, exist_ok=True)
    failed = written = 0
    for ann_path, result in import_brat_folder(folder):
        if isinstance(result, str):
            _say(f"error: {result}")
            failed += 1
            continue
        target = gold_dir / f"{result.doc_id}.json"
        if target.exists() and not args.force:
            _say(f"refused: {target} exists (use --force to replace it with {ann_path})")
            failed += 1
            continue
        gold = gold_view(result, result.status or "draft")
        target.write_text(json.dumps(gold, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written += 1
    if not args.quiet:
        _say(f"wrote {written} gold file(s) to {gold_dir}; {failed} failed")
    return EXIT_FAILED if failed else EXIT_OK


SAFE_ID = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_doc_id(name: str) -> str:
    """A doc_id that stays a plain file name inside corpus/: no separators, no leading dot."""
    doc_id = SAFE_ID.sub("_", name).strip("._-")
    if not doc_id:
        raise UsageError(f"{name!r}: no usable characters for a doc_id; give --id")
    return doc_id[:120]


def run_add(args) -> int:
    from .extract import InputError, read_raw
    from .models import gold_view

    corpus, gold_dir = Path(args.corpus), Path(args.gold)
    corpus.mkdir(parents=True, exist_ok=True)
    gold_dir.mkdir(parents=True, exist_ok=True)
    if args.id and len(args.files) != 1:
        raise UsageError("--id names one file; give one FILE with it")
    known = {}
    for existing in corpus.glob("*.txt"):
        known[hashlib.sha256(existing.read_bytes()).hexdigest()] = existing
    extractor = None
    failed = 0
    for name in args.files:
        _check_stop()
        source = Path(name)
        try:
            raw = read_raw(source)
        except (OSError, InputError) as exc:
            _say(f"refused: {source}: {exc}")
            failed += 1
            continue
        doc_id = safe_doc_id(args.id or source.stem)
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        target, gold_path = corpus / f"{doc_id}.txt", gold_dir / f"{doc_id}.json"
        if digest in known and known[digest].resolve() != target.resolve():
            _say(f"refused: {source}: same content as {known[digest]}")
            failed += 1
            continue
        adopting = source.resolve() == target.resolve()  # a file already saved in corpus/
        if ((target.exists() and not adopting) or gold_path.exists()) and not args.force:
            _say(f"refused: {source}: doc_id {doc_id!r} exists in {corpus} or {gold_dir} (use --force to replace)")
            failed += 1
            continue
        if extractor is None:
            extractor = build_extractor(args)
        record = extractor.extract_text(raw, doc_id, str(target))
        if not adopting:
            shutil.copyfile(source, target)
        draft = gold_view(record, status="draft")
        gold_path.write_text(json.dumps(draft, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        known[digest] = target
        _say(f"added {target} and draft {gold_path}: correct it against GOLD.md, then set status to reviewed")
    return EXIT_FAILED if failed else EXIT_OK


def run_schema(args) -> int:
    from .models import output_json_schema

    print(json.dumps(output_json_schema(), indent=2))
    return EXIT_OK


def _add_extract_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="PATH",
                        help="input files or quoted globs: abstracts as .txt; PubMed XML (.xml, .xml.gz: "
                             "baseline files or efetch output); MEDLINE format (.nbib, or PubMed-format "
                             ".txt); JSON Lines (.jsonl, .jsonl.gz, .ndjson)")
    parser.add_argument("-o", "--output", metavar="FILE|DIR/",
                        help="write here (atomically); a folder (trailing slash) gets part files of "
                             "--part-size documents for long runs; default: standard output")
    parser.add_argument("--format", choices=("jsonl", "csv", "tsv"), default="jsonl",
                        help="jsonl: one JSON record a line (default); csv/tsv: one row per document "
                             "for spreadsheets")
    parser.add_argument("--bom", action="store_true",
                        help="with csv/tsv: start with a UTF-8 byte-order mark (Excel needs it)")
    _add_input_arguments(parser)
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="worker processes (default 1; 0: one per core); output stays in input order")
    parser.add_argument("--part-size", type=int, default=1000, metavar="N",
                        help="documents per part file with -o DIR/ (default 1000)")
    parser.add_argument("--resume", action="store_true",
                        help="with -o DIR/: skip the parts a killed run completed, and do the rest")
    parser.add_argument("--dask", metavar="ADDRESS|local",
                        help="run on a Dask cluster (scheduler address, or 'local' for a LocalCluster of "
                             "--workers processes); needs -o DIR/ on a file system the workers share, "
                             "and pip install '.[dask]'")
    _add_common(parser)


def _add_input_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input-format", choices=("auto", "txt", "pubmed-xml", "medline", "jsonl"),
                        default="auto", help="how to read the inputs (default: by file name and first line)")
    parser.add_argument("--id-field", default="id", metavar="NAME", help="JSON Lines: the id field (default: id)")
    parser.add_argument("--text-field", default="text", metavar="NAME",
                        help="JSON Lines: the text field (default: text)")


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", metavar="NAME",
                        help="an installed scispaCy/spaCy model (e.g. en_core_sci_sm) whose entities join the lexicon's")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress or summary on stderr")
    parser.add_argument("--max-chars", type=int, default=2_000_000, metavar="N",
                        help="refuse (as an error record) a document longer than N characters (default: 2,000,000)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trialfacts",
        description="Pull sample sizes, doses, routes and p-values out of clinical-trial abstracts.",
        epilog="Exit codes: 0 ok; 1 some input failed or a score is below --fail-under; 2 usage error; "
               "3 some gold files are malformed; 4 the run failed (a worker process died, a cluster task "
               "failed); 130 interrupted; 141 standard output closed by its reader.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    extract = commands.add_parser(
        "extract", help="extract records from abstracts (JSON Lines, CSV or TSV)",
        description="One record per document: per .txt file, per PubMed or MEDLINE citation, per JSON "
                    "Lines line; a document that cannot be read becomes an error record, in its place.")
    _add_extract_arguments(extract)
    extract.set_defaults(run=run_extract)

    evaluate = commands.add_parser(
        "evaluate", help="score predictions against gold (precision, recall, F1 per field)",
        description="Score an existing out.jsonl (--predictions) or run extraction on --corpus, "
                    "against the reviewed gold files in --gold, as GOLD.md's Scoring says.")
    evaluate.add_argument("--gold", default="gold", metavar="DIR", help="gold folder (default: gold)")
    evaluate.add_argument("--corpus", default="corpus", metavar="DIR",
                          help="corpus folder to extract from, and to check offsets against (default: corpus)")
    evaluate.add_argument("--predictions", metavar="FILE", help="score this JSON Lines file instead of extracting")
    evaluate.add_argument("--json", action="store_true", help="machine-readable report on standard output")
    evaluate.add_argument("--summary", action="store_true", help="the table only, without per-document misses")
    evaluate.add_argument("--fail-under", action="append", metavar="F1|ROW[.METRIC]=VALUE",
                          help="exit 1 when a figure is below this (repeatable): '0.9' for every row's F1, "
                               "'doses=0.9' for one row, 'sample_size.recall=0.9' for precision or recall "
                               "(rows: p_values, sample_size, sample_sizes, doses, routes, route_set); "
                               "offset violations then also fail")
    evaluate.add_argument("--html", metavar="FILE",
                          help="also write a review page: the table, then gold and prediction side by side "
                               "per document, true hits, false hits and misses coloured")
    _add_common(evaluate)
    evaluate.set_defaults(run=run_evaluate)

    show = commands.add_parser(
        "show", help="write HTML pages that highlight every extracted mention, for review",
        description="Extract from the inputs (or take the records of --predictions) and write one "
                    "self-contained HTML page per document, plus index.html, into -o DIR: the text with "
                    "each mention highlighted by field and its value beside it.")
    show.add_argument("inputs", nargs="*", metavar="PATH", help="input files, as for extract")
    show.add_argument("-o", "--output", required=True, metavar="DIR", help="folder for the pages")
    show.add_argument("--predictions", metavar="FILE",
                      help="show the records of this JSON Lines output instead of extracting")
    show.add_argument("--corpus", metavar="DIR",
                      help="with --predictions: where the texts are, when their source paths are gone")
    _add_input_arguments(show)
    _add_common(show)
    show.set_defaults(run=run_show)

    add = commands.add_parser("add", help="add abstracts to the corpus with draft gold",
                              description="Copy abstracts into --corpus under a safe doc_id and write a draft "
                                          "gold file pre-filled from the predictions, for a person to correct.")
    add.add_argument("files", nargs="+", metavar="FILE")
    add.add_argument("--corpus", default="corpus", metavar="DIR")
    add.add_argument("--gold", default="gold", metavar="DIR")
    add.add_argument("--id", metavar="DOC_ID", help="doc_id for a single FILE (default: its file name)")
    add.add_argument("--force", action="store_true", help="replace an existing doc_id")
    _add_common(add)
    add.set_defaults(run=run_add)

    export = commands.add_parser(
        "export-brat", help="write brat standoff (.txt/.ann) of predictions or gold, to correct in brat",
        description="Write one .txt/.ann pair per document, with annotation.conf and visual.conf, so the "
                    "folder opens in the brat annotation tool; normalized values are attributes and notes "
                    "(see docs/brat.md). Sources: input files (extracted now), --predictions FILE, or "
                    "--gold DIR with --corpus DIR.")
    export.add_argument("inputs", nargs="*", metavar="PATH", help="input files to extract, as for extract")
    export.add_argument("-o", "--output", required=True, metavar="DIR", help="folder for the brat files")
    export.add_argument("--predictions", metavar="FILE", help="export the records of this JSON Lines output")
    export.add_argument("--gold", metavar="DIR", help="export these gold files (their texts from --corpus)")
    export.add_argument("--corpus", metavar="DIR", help="where the texts are")
    export.add_argument("--no-entities", action="store_true", help="leave out lexicon entities")
    _add_input_arguments(export)
    _add_common(export)
    export.set_defaults(run=run_export_brat)

    importer = commands.add_parser(
        "import-brat", help="turn corrected brat .ann files back into gold JSON",
        description="Read every .ann (with its .txt) in FOLDER and write validated gold files to -o DIR; "
                    "a malformed line is reported with its file and line number.")
    importer.add_argument("folder", metavar="FOLDER")
    importer.add_argument("-o", "--output", default="gold", metavar="DIR", help="gold folder (default: gold)")
    importer.add_argument("--force", action="store_true", help="replace existing gold files")
    importer.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    importer.set_defaults(run=run_import_brat)

    schema = commands.add_parser("schema", help="print the JSON Schema of an output record")
    schema.set_defaults(run=run_schema)
    return parser


def _dispatch(parser: argparse.ArgumentParser, argv: list[str] | None) -> int:
    args = parser.parse_args(argv)
    _install_signal_handlers()
    try:
        return args.run(args)
    except UsageError as exc:
        parser.exit(EXIT_USAGE, f"{parser.prog}: error: {exc}\n")
    except KeyboardInterrupt:
        _say("interrupted: stopped before the end; no partial output file was left behind")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `extract ... | head`: the reader has what it wanted. Point stdout at /dev/null so the
        # interpreter's final flush does not fail a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as exc:
        from .runner import RunFailed

        if not isinstance(exc, RunFailed):
            raise
        _say(f"error: {exc}. The run stopped; nothing partial is left under an output name "
             "(complete part files stay, for --resume)")
        return EXIT_RUN_FAILED


def main(argv: list[str] | None = None) -> int:
    return _dispatch(build_parser(), argv)


def extract_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="extract",
        description="Extract sample sizes, doses, routes and p-values from trial abstracts: one record "
                    "per document (per .txt file, PubMed/MEDLINE citation or JSON Lines line) as JSON "
                    "Lines, CSV or TSV. Same as `trialfacts extract`.",
        epilog="Exit codes: 0 ok; 1 some input failed (reported on stderr and as error records); "
               "2 usage error; 4 the run failed (a worker process died, a cluster task failed); "
               "130 interrupted; 141 standard output closed by its reader.",
    )
    _add_extract_arguments(parser)
    parser.set_defaults(run=run_extract)
    return _dispatch(parser, argv)


if __name__ == "__main__":
    sys.exit(main())
