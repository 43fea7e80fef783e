"""Command line: `extract` and `trialfacts {extract,evaluate,add,schema}`.

Thin on purpose: argument parsing, file handling and exit codes live here; the work is
done by pipeline.extract, pipeline.evaluate and pipeline.models. spaCy is imported only
by the commands that run the pipeline, so `--help` answers at once.

Exit codes: 0 success; 1 some input failed (extract, add) or a score fell below
--fail-under (evaluate); 2 usage error (bad arguments, missing paths); 3 some gold
files could not be used (evaluate).
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
import tempfile
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BAD_GOLD = 0, 1, 2, 3


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


class Progress:
    """A one-line counter on stderr, only when a person is watching a longer run."""

    def __init__(self, total: int, quiet: bool):
        self.total = total
        self.enabled = not quiet and total > 5 and sys.stderr.isatty()

    def step(self, done: int, name: str) -> None:
        if self.enabled:
            sys.stderr.write(f"\r[{done}/{self.total}] {name[:60]:<60}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 80 + "\r")


class AtomicOutput:
    """Write to a temporary file beside the target and rename it into place on success."""

    def __init__(self, target: str | None):
        self.target = target
        self.tmp_path = None

    def __enter__(self):
        if self.target is None:
            return sys.stdout
        directory = os.path.dirname(os.path.abspath(self.target))
        if not os.path.isdir(directory):
            raise UsageError(f"{self.target}: directory {directory} does not exist")
        fd, self.tmp_path = tempfile.mkstemp(prefix=".trialfacts-", suffix=".tmp", dir=directory)
        self.handle = os.fdopen(fd, "w", encoding="utf-8")
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


def build_extractor(args):
    from .extract import Extractor

    model = args.model
    try:
        return Extractor(model=model, max_chars=args.max_chars)
    except OSError as exc:
        raise UsageError(f"--model {model}: cannot be loaded ({str(exc).splitlines()[0]})") from exc


def run_extract(args) -> int:
    paths = expand_inputs(args.inputs)
    from .models import ErrorRecord

    extractor = build_extractor(args)
    failed = 0
    progress = Progress(len(paths), args.quiet)
    with AtomicOutput(args.output) as out:
        for done, record in enumerate(extractor.extract_files(paths), start=1):
            if isinstance(record, ErrorRecord):
                failed += 1
                _say(f"error: {record.source}: {record.error}")
            out.write(record.model_dump_json(exclude_none=False) + "\n")
            progress.step(done, record.doc_id)
            _check_stop()
    progress.close()
    where = args.output or "standard output"
    if not args.quiet:
        _say(f"read {len(paths)}, extracted {len(paths) - failed}, failed {failed}; wrote {where}")
    return EXIT_FAILED if failed else EXIT_OK


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

    predictions = {}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = OutputLine.validate_json(line)
            except ValidationError as exc:
                raise UsageError(f"{path}:{number}: not a valid record: {describe_validation_error(exc)}")
            predictions[record.doc_id] = record
    return predictions


def _raw_texts(predictions, corpus: Path | None) -> dict[str, str]:
    from .extract import InputError, read_raw
    from .models import TrialRecord

    texts = {}
    for doc_id, record in predictions.items():
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
        extractor = build_extractor(args)
        progress = Progress(len(paths), args.quiet)
        predictions = {}
        for done, record in enumerate(extractor.extract_files(paths), start=1):
            predictions[record.doc_id] = record
            progress.step(done, record.doc_id)
            _check_stop()
        progress.close()
    report = evaluate(predictions, gold_dir, _raw_texts(predictions, corpus), corpus)
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
                        help="abstract files (.txt, UTF-8), directories of them, or quoted globs")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write JSON Lines here (atomically); default: standard output")
    _add_common(parser)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", metavar="NAME",
                        help="an installed scispaCy/spaCy model (e.g. en_core_sci_sm) whose entities join the lexicon's")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress or summary on stderr")
    parser.add_argument("--max-chars", type=int, default=2_000_000, metavar="N",
                        help="refuse (as an error record) a file longer than N characters (default: 2,000,000)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trialfacts",
        description="Pull sample sizes, doses, routes and p-values out of clinical-trial abstracts.",
        epilog="Exit codes: 0 ok; 1 some input failed or a score is below --fail-under; "
               "2 usage error; 3 some gold files are malformed.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    extract = commands.add_parser("extract", help="extract records from abstracts as JSON Lines",
                                  description="One JSON record per input file (an error record for a file that cannot be read).")
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
    _add_common(evaluate)
    evaluate.set_defaults(run=run_evaluate)

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
        return 130


def main(argv: list[str] | None = None) -> int:
    return _dispatch(build_parser(), argv)


def extract_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="extract",
        description="Extract sample sizes, doses, routes and p-values from abstracts as JSON Lines "
                    "(same as `trialfacts extract`).",
        epilog="Exit codes: 0 ok; 1 some input failed (reported on stderr and as error records); 2 usage error.",
    )
    _add_extract_arguments(parser)
    parser.set_defaults(run=run_extract)
    return _dispatch(parser, argv)


if __name__ == "__main__":
    sys.exit(main())
