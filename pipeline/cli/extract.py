"""`extract` (and `trialfacts extract`): inputs to records, in one file or a folder of parts."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..reading.decoding import DEFAULT_MAX_CHARS
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    AtomicOutput,
    UsageError,
    build_extractor,
    check_stop,
    countable_total,
    expand_inputs,
    input_documents,
    run_options,
    say,
)


def is_part_folder(target: str | None) -> bool:
    return target is not None and (target.endswith(("/", os.sep)) or os.path.isdir(target))


def run_extract(args) -> int:
    from ..running.progress import ProgressBar

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
        check_stop()

    if parts:
        return _extract_to_parts(args, paths, options, workers, progress, report)

    from ..running.runner import extract_in_order, record_sink

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
        say(f"read {documents}, extracted {documents - failed}, failed {failed}; "
             f"wrote {args.output or 'standard output'}")
    return EXIT_FAILED if failed else EXIT_OK


def _extract_to_parts(args, paths, options, workers, progress, report) -> int:
    from ..running.runner import (
        PartFolderError,
        extract_to_parts,
        manifest_for,
        prepare_part_folder,
        write_done,
    )

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
            from ..running.dask_runner import extract_on_dask

            def on_part(result: dict) -> None:
                for error in result["errors"]:
                    progress.say(f"error: {error}")
                progress.step(result["documents"])
                check_stop()

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
        say(f"read {totals.documents}{resumed}, extracted {totals.documents - totals.failed}, "
             f"failed {totals.failed}; wrote {totals.parts_written} part(s) to {folder}")
    return EXIT_FAILED if totals.failed else EXIT_OK


def _connect_to_dask(args, workers: int):
    from ..running.dask_runner import DaskUnavailable, connect

    try:
        return connect(args.dask, workers)
    except DaskUnavailable as exc:
        raise UsageError(str(exc)) from exc
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"--dask {args.dask}: cannot connect to the scheduler ({exc})") from exc


def add_extract_arguments(parser: argparse.ArgumentParser) -> None:
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
    add_input_arguments(parser)
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
    add_common_arguments(parser)


def add_input_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input-format", choices=("auto", "txt", "pubmed-xml", "medline", "jsonl"),
                        default="auto", help="how to read the inputs (default: by file name and first line)")
    parser.add_argument("--id-field", default="id", metavar="NAME", help="JSON Lines: the id field (default: id)")
    parser.add_argument("--text-field", default="text", metavar="NAME",
                        help="JSON Lines: the text field (default: text)")


def positive_count(value: str) -> int:
    """An argparse type: a whole number of 1 or more (a usage error otherwise, exit status 2)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {value!r}")
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, not {number}")
    return number


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", metavar="NAME",
                        help="an installed scispaCy/spaCy model (e.g. en_core_sci_sm) whose entities join the lexicon's")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress or summary on stderr")
    parser.add_argument("--max-chars", type=positive_count, default=DEFAULT_MAX_CHARS, metavar="N",
                        help="refuse (as an error record) a document longer than N characters (default: 2,000,000)")
