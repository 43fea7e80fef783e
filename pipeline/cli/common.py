"""What every command shares: exit codes, usage errors, input paths, atomic output, signals,
and reading an existing output file back (for evaluate, show and export-brat)."""

from __future__ import annotations

import glob
import os
import signal
import sys
import threading
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BAD_GOLD, EXIT_RUN_FAILED = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141


class UsageError(Exception):
    pass


def say(message: str) -> None:
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
        from ..running.runner import open_temporary

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
    from ..running.runner import process_extractor

    try:
        return process_extractor(options or run_options(args))
    except OSError as exc:
        raise UsageError(f"--model {args.model}: cannot be loaded ({str(exc).splitlines()[0]})") from exc


def run_options(args):
    from ..running.runner import RunOptions

    return RunOptions(model=args.model, max_chars=args.max_chars,
                      output_format=getattr(args, "format", "jsonl"), bom=getattr(args, "bom", False))


def input_documents(args, paths: list[Path]):
    """The input items (documents, or errors of records that cannot be read), streamed."""
    from ..reading.sources import iter_documents

    return iter_documents(paths, input_format=args.input_format, id_field=args.id_field,
                          text_field=args.text_field)


def countable_total(args, paths: list[Path]) -> int | None:
    """How many documents, when that is known before reading: plain files only."""
    from ..reading.sources import detect_format

    if args.input_format == "txt":
        return len(paths)
    if args.input_format == "auto" and all(detect_format(p) == "txt" for p in paths):
        return len(paths)
    return None


# Set by SIGINT and SIGTERM. The handler also raises KeyboardInterrupt at once, except inside a
# finalizer (__del__), where Python would print the exception and drop it; the document loops
# check the flag, so the run then stops at the next record it writes.
STOP_REQUESTED = threading.Event()


def _stop(signum, frame):
    STOP_REQUESTED.set()
    if frame is None or frame.f_code.co_name != "__del__":
        raise KeyboardInterrupt


def install_signal_handlers() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGTERM, _stop)
    # A job started in the background keeps SIGINT ignored, as its shell asked.
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _stop)


def check_stop() -> None:
    if STOP_REQUESTED.is_set():
        raise KeyboardInterrupt


def load_predictions(path: Path):
    """The records of an output file by doc_id; a bad line is a usage error naming it."""
    from ..records.output import PredictionsError, read_predictions

    try:
        return read_predictions(path)
    except PredictionsError as exc:
        raise UsageError(str(exc)) from exc


def texts_of_predictions(predictions, corpus: Path | None) -> dict[str, str]:
    from ..records.output import prediction_texts

    return prediction_texts(predictions, corpus)


def records_with_texts(args):
    """(raw text, record) for each document of the input files (extracted now) or of
    --predictions (texts from the records, their source files, or --corpus). A record whose
    text cannot be found becomes an error record: a view without its text shows nothing."""
    from ..reading.decoding import InputError, read_raw
    from ..records.models import ErrorRecord, TrialRecord

    if args.predictions:
        if args.inputs:
            raise UsageError("give input files or --predictions FILE, not both")
        predictions = load_predictions(Path(args.predictions))
        texts = texts_of_predictions(predictions, Path(args.corpus) if args.corpus else None)
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
        check_stop()
