"""Command line: `extract` and `trialfacts {extract,evaluate,show,add,export-brat,import-brat,schema}`.

Thin on purpose: argument parsing, file handling and exit codes live here, one module per
command; the work is done by the package's functions (trialfacts.api and the modules it
uses). spaCy is imported only by the commands that run the pipeline, so `--help` answers
at once.

Exit codes: 0 success; 1 some input failed (extract, show, add, brat) or a score fell below
--fail-under (evaluate); 2 usage error (bad arguments, missing paths); 3 some gold files
could not be used (evaluate); 4 the run itself failed (a worker process died, a cluster
task failed); 130 interrupted; 141 the reader of standard output went away.
"""

from __future__ import annotations

import argparse
import os
import sys

from .add import run_add
from .brat import run_export_brat, run_import_brat
from .common import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_RUN_FAILED,
    EXIT_USAGE,
    UsageError,
    install_signal_handlers,
    say,
)
from .evaluate import run_evaluate
from .extract import (
    add_common_arguments,
    add_extract_arguments,
    add_input_arguments,
    run_extract,
)
from .schema import run_schema
from .show import run_show


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trialfacts",
        description="Pull sample sizes, doses (with their interventions), routes, p-values and effect estimates "
                    "out of clinical-trial abstracts.",
        epilog="Exit codes: 0 ok; 1 some input failed or a score is below --fail-under; 2 usage error; "
               "3 some gold files are malformed; 4 the run failed (a worker process died, a cluster task "
               "failed); 130 interrupted; 141 standard output closed by its reader.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    extract = commands.add_parser(
        "extract", help="extract records from abstracts (JSON Lines, CSV or TSV)",
        description="One record per document: per .txt file, per PubMed or MEDLINE citation, per JSON "
                    "Lines line; a document that cannot be read becomes an error record, in its place.")
    add_extract_arguments(extract)
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
                               "(rows: p_values, sample_size, sample_sizes, doses, routes, route_set, effects, dose_interventions); "
                               "offset violations then also fail")
    evaluate.add_argument("--html", metavar="FILE",
                          help="also write a review page: the table, then gold and prediction side by side "
                               "per document, true hits, false hits and misses coloured")
    add_common_arguments(evaluate)
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
    add_input_arguments(show)
    add_common_arguments(show)
    show.set_defaults(run=run_show)

    add = commands.add_parser("add", help="add abstracts to the corpus with draft gold",
                              description="Copy abstracts into --corpus under a safe doc_id and write a draft "
                                          "gold file pre-filled from the predictions, for a person to correct.")
    add.add_argument("files", nargs="+", metavar="FILE")
    add.add_argument("--corpus", default="corpus", metavar="DIR")
    add.add_argument("--gold", default="gold", metavar="DIR")
    add.add_argument("--id", metavar="DOC_ID", help="doc_id for a single FILE (default: its file name)")
    add.add_argument("--force", action="store_true", help="replace an existing doc_id")
    add_common_arguments(add)
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
    add_input_arguments(export)
    add_common_arguments(export)
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
    install_signal_handlers()
    try:
        return args.run(args)
    except UsageError as exc:
        parser.exit(EXIT_USAGE, f"{parser.prog}: error: {exc}\n")
    except KeyboardInterrupt:
        say("interrupted: stopped before the end; no partial output file was left behind")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `extract ... | head`: the reader has what it wanted. Point stdout at /dev/null so the
        # interpreter's final flush does not fail a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as exc:
        from ..running.runner import RunFailed

        if not isinstance(exc, RunFailed):
            raise
        say(f"error: {exc}. The run stopped; nothing partial is left under an output name "
             "(complete part files stay, for --resume)")
        return EXIT_RUN_FAILED


def main(argv: list[str] | None = None) -> int:
    return _dispatch(build_parser(), argv)


def extract_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="extract",
        description="Extract sample sizes, doses, routes, p-values and effect estimates from trial abstracts: one record "
                    "per document (per .txt file, PubMed/MEDLINE citation or JSON Lines line) as JSON "
                    "Lines, CSV or TSV. Same as `trialfacts extract`.",
        epilog="Exit codes: 0 ok; 1 some input failed (reported on stderr and as error records); "
               "2 usage error; 4 the run failed (a worker process died, a cluster task failed); "
               "130 interrupted; 141 standard output closed by its reader.",
    )
    add_extract_arguments(parser)
    parser.set_defaults(run=run_extract)
    return _dispatch(parser, argv)


if __name__ == "__main__":
    sys.exit(main())
