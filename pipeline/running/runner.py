"""Running extraction over many documents: in input order, in worker processes, into part files.

Scale decides the shape. A million abstracts do not fit in memory as records, so items
stream from the readers through a bounded window of work to the writer, and nothing keeps
the corpus. Worker processes are forked after the pipeline is built, so each starts at
once with the lexicons already loaded (shared copy-on-write) instead of spending seconds
building its own. Results come back in input order whatever the number of workers.

For long runs, output goes to a folder of parts: part ``k`` holds input items
``k*part_size .. (k+1)*part_size - 1``, each part is written beside its name and renamed
into place when complete, and ``--resume`` skips the parts already there. The folder's
``manifest.json`` records what the run was asked to do, so that a resumed run is the same run.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import signal
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from ..reading.decoding import DEFAULT_MAX_CHARS
from ..records.models import ErrorRecord, OutputLine, TrialRecord

MANIFEST = "manifest.json"
DONE = "done.json"
PART_DIGITS = 6
# Documents that go through each stage of the pipeline together (Extractor.extract_batch). On the
# dev set, 8 take 6% less time per document than one at a time, 32 take 9% less, 64 no less than
# 32; memory stays that of one at a time (peak RSS 165 MB against 167 over 6,000 documents).
BATCH_SIZE = 32


@dataclass(frozen=True)
class RunOptions:
    """Everything a worker needs to build the same pipeline and write the same output."""

    model: str | None = None
    max_chars: int = DEFAULT_MAX_CHARS
    output_format: str = "jsonl"  # jsonl, csv or tsv
    bom: bool = False


class Outcome:
    """One document's result as it travels: its JSON line, with what the run reports about it.

    Worker processes send the line, which the parent writes as it is; the record is parsed
    again only where a view needs it (CSV rows), so the parent is not the bottleneck.
    """

    __slots__ = ("line", "doc_id", "source", "error", "_record")

    def __init__(self, line: str, doc_id: str, source: str | None, error: str | None, record=None):
        self.line, self.doc_id, self.source, self.error, self._record = line, doc_id, source, error, record

    @classmethod
    def of(cls, record: TrialRecord | ErrorRecord) -> Outcome:
        # (isinstance, not getattr with a default: a pydantic model answers a missing attribute
        # by building an AttributeError and its message)
        error = record.error if isinstance(record, ErrorRecord) else None
        return cls(record.model_dump_json(), record.doc_id, record.source, error, record)

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def record(self) -> TrialRecord | ErrorRecord:
        if self._record is None:
            self._record = OutputLine.validate_json(self.line)
        return self._record

    def __reduce__(self):  # the parsed record stays behind when an outcome crosses processes
        return Outcome, (self.line, self.doc_id, self.source, self.error)


# The pipeline of this process: built once by the parent before forking (so workers inherit
# it), or once per process by a spawned or Dask worker.
_EXTRACTOR = None
_EXTRACTOR_KEY: tuple | None = None


def process_extractor(options: RunOptions):
    global _EXTRACTOR, _EXTRACTOR_KEY
    # Only what shapes the pipeline; the output format and the size limit do not, and must not
    # cost a rebuild.
    key = (options.model,)
    if _EXTRACTOR is None or _EXTRACTOR_KEY != key:
        from .extractor import Extractor

        _EXTRACTOR = Extractor(model=options.model, max_chars=options.max_chars)
        _EXTRACTOR_KEY = key
    _EXTRACTOR.set_max_chars(options.max_chars)
    return _EXTRACTOR


def _extract_batch(batch: list, options: RunOptions) -> list[Outcome]:
    extractor = process_extractor(options)
    return [Outcome.of(record) for record in extractor.extract_batch(batch)]


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Lists of ``size`` items. Where reading the items fails, the items read before it come out
    first, as a shorter list, and then the error: what was read is extracted, not lost."""
    iterator = iter(items)
    while True:
        batch = []
        try:
            batch.extend(islice(iterator, size))
        except Exception:
            if batch:
                yield batch
            raise
        if not batch:
            return
        yield batch


class RunFailed(RuntimeError):
    """The run itself broke (not one input): a worker died, a cluster task failed."""


class WorkerDied(RunFailed):
    """A worker process ended without being asked to (killed, or out of memory)."""


def _worker_loop(tasks, results, options: RunOptions) -> None:
    # Ctrl-C reaches the whole process group; the parent alone decides to stop and then
    # kills its workers, so a worker must not die mid-document with a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    process_extractor(options)
    while (batch := tasks.get()) is not None:
        results.send(_extract_batch(batch, options))


class WorkerProcesses:
    """Worker processes fed round-robin, each with its own task queue and result pipe.

    Batch k goes to worker k mod n and its result is read back from that worker, so
    results come in input order without a reordering buffer. Task queues are fed by a
    background thread, so the parent never blocks on a full pipe; and because the parent
    holds each process, it notices a worker that died (multiprocessing.Pool would wait
    forever for the lost task) and can kill them all when the run stops.

    Results come through a pipe whose writing end only the worker holds. A worker killed
    while writing a large result leaves half a message behind; with a multiprocessing.Queue
    (whose writing end the parent and every later worker inherit) reading it would wait
    forever for the rest, while here the reader gets end-of-file and reports the death.
    """

    def __init__(self, count: int, options: RunOptions):
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.workers = []
        for _ in range(count):
            tasks = context.Queue()
            results, results_writer = context.Pipe(duplex=False)
            process = context.Process(target=_worker_loop, args=(tasks, results_writer, options),
                                      name="trialfacts-worker", daemon=True)
            process.start()
            # Closed before the next worker is forked, so that worker holds no copy of it either.
            results_writer.close()
            self.workers.append((process, tasks, results))

    def send(self, number: int, batch: list) -> None:
        self.workers[number % len(self.workers)][1].put(batch)

    def receive(self, number: int) -> list[Outcome]:
        process, _, results = self.workers[number % len(self.workers)]
        while not results.poll(0.5):
            if process.exitcode is not None:
                break
        else:
            try:
                return results.recv()
            except (EOFError, OSError):
                process.join(timeout=5)  # its exit status names the cause
        raise WorkerDied(f"worker process {process.pid} ended during the run "
                         f"({_exit_description(process.exitcode)}); nothing was written "
                         "for its documents")

    def finish(self) -> None:
        for _, tasks, _ in self.workers:
            tasks.put(None)
        for process, _, _ in self.workers:
            process.join()

    def kill(self) -> None:
        for process, tasks, results in self.workers:
            if process.is_alive():
                process.kill()
            process.join()
            # Nothing more will be written: don't let exit wait to flush the tasks.
            tasks.cancel_join_thread()
            tasks.close()
            results.close()


def _exit_description(exitcode: int | None) -> str:
    if exitcode is None:
        return "its result pipe closed"
    if exitcode < 0:
        name = signal.Signals(-exitcode).name
        hint = ": out of memory?" if name == "SIGKILL" else ""
        return f"killed by {name}{hint}"
    return f"exit status {exitcode}"


def extract_in_order(items: Iterable, options: RunOptions, workers: int = 1,
                     batch_size: int = BATCH_SIZE) -> Iterator[Outcome]:
    """Outcomes (records) for ``items`` in their order, using ``workers`` processes.

    Items go through the pipeline ``batch_size`` at a time (Extractor.extract_batch). At most
    four batches per worker are in flight (fewer leave a worker idle while its neighbour
    finishes a slow batch), so a stream of any length is read only as fast as it is processed,
    and memory stays flat.
    """
    process_extractor(options)
    if workers <= 1:
        for batch in batched(items, batch_size):
            yield from _extract_batch(batch, options)
        return
    pool = WorkerProcesses(workers, options)
    finished = False
    sent = received = 0
    try:
        for batch in batched(items, batch_size):
            pool.send(sent, batch)
            sent += 1
            if sent - received >= 4 * workers:
                yield from pool.receive(received)
                received += 1
        while received < sent:
            yield from pool.receive(received)
            received += 1
        pool.finish()
        finished = True
    finally:
        if not finished:
            pool.kill()


# --- part folders -------------------------------------------------------------------------


class PartFolderError(ValueError):
    """A part folder that does not belong to this run (or to a resumable one)."""


def part_name(index: int, output_format: str) -> str:
    return f"part-{index:0{PART_DIGITS}d}.{output_format}"


def prepare_part_folder(folder: Path, manifest: dict, resume: bool) -> None:
    """Create the folder, or check that it holds parts of this same run when resuming."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path = folder / MANIFEST
    existing_parts = sorted(folder.glob("part-*"))
    if manifest_path.exists():
        if not resume:
            raise PartFolderError(f"{folder}: holds a run already (its {MANIFEST}); "
                                  "use --resume to finish it, or an empty folder")
        earlier = json.loads(manifest_path.read_text(encoding="utf-8"))
        changed = [key for key in sorted(set(earlier) | set(manifest))
                   if earlier.get(key) != manifest.get(key) and key not in ("input_list", "version")]
        if changed:
            hint = (" (other files, another order, or files changed since: the parts done would not "
                    "match them)" if "inputs" in changed else "")
            raise PartFolderError(f"{folder}: --resume with other settings than the run it holds "
                                  f"(differs in: {', '.join(changed)}){hint}")
        # What a killed run was writing when it died; its part is redone.
        for leftover in folder.glob(".part-*.tmp"):
            leftover.unlink()
        return
    if existing_parts:
        raise PartFolderError(f"{folder}: holds part files but no {MANIFEST}; use an empty folder")
    write_atomically(folder / MANIFEST, json.dumps(manifest, indent=2) + "\n")


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def open_temporary(target: Path, newline: str | None = ""):
    """A temporary file beside ``target`` (for an atomic rename), with the permissions an
    ordinary new file would get: mkstemp's are owner-only, which would hide the output from
    the rest of a team."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.fchmod(fd, 0o666 & ~_current_umask())
    return os.fdopen(fd, "w", encoding="utf-8", newline=newline), tmp


def write_atomically(path: Path, text: str) -> None:
    handle, tmp = open_temporary(path)
    with handle:
        handle.write(text)
    os.replace(tmp, path)


class PartWriter:
    """One part file, written under a temporary name and renamed into place when complete."""

    def __init__(self, folder: Path, index: int, options: RunOptions):
        self.path = folder / part_name(index, options.output_format)
        self.handle, self.tmp_path = open_temporary(self.path)
        self.sink = record_sink(self.handle, options)
        self.count = self.failed = 0

    def write(self, outcome: Outcome) -> None:
        self.sink(outcome)
        self.count += 1
        self.failed += outcome.failed

    def commit(self) -> None:
        self.handle.close()
        os.replace(self.tmp_path, self.path)

    def discard(self) -> None:
        self.handle.close()
        if os.path.exists(self.tmp_path):
            os.unlink(self.tmp_path)


def record_sink(handle, options: RunOptions) -> Callable[[Outcome], None]:
    """A function writing one outcome to ``handle`` in the chosen format."""
    if options.output_format == "jsonl":
        return lambda outcome: handle.write(outcome.line + "\n")
    from ..views.tabular import TableWriter

    table = TableWriter(handle, delimiter="\t" if options.output_format == "tsv" else ",", bom=options.bom)
    return lambda outcome: table.write(outcome.record)


def count_part(path: Path, output_format: str) -> tuple[int, int]:
    """Documents and failures in a complete part (for the totals of a resumed run)."""
    documents = failed = 0
    if output_format == "jsonl":
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    documents += 1
                    failed += "error" in json.loads(line)  # only error records have this key
        return documents, failed
    import csv

    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t" if output_format == "tsv" else ",")
        for row in rows:
            documents += 1
            failed += bool(row.get("error"))
    return documents, failed


@dataclass
class PartPlan:
    """The items of one part, or the note that the part is complete already."""

    index: int
    items: list | None  # None: complete in an earlier run
    path: Path


def plan_parts(items: Iterable, folder: Path, part_size: int, output_format: str,
               resume: bool) -> Iterator[PartPlan]:
    """Cut the item stream into parts; with ``resume``, parts already on disk carry no items."""
    for index, batch in enumerate(batched(items, part_size)):
        path = folder / part_name(index, output_format)
        complete = resume and path.exists()
        yield PartPlan(index, None if complete else batch, path)


@dataclass
class Totals:
    documents: int = 0
    failed: int = 0
    parts_written: int = 0
    parts_resumed: int = 0
    documents_resumed: int = 0

    def add_resumed(self, path: Path, output_format: str, on_resumed: Callable[[int], None] | None) -> None:
        documents, failed = count_part(path, output_format)
        self.documents += documents
        self.failed += failed
        self.documents_resumed += documents
        self.parts_resumed += 1
        if on_resumed is not None:
            on_resumed(documents)


def extract_to_parts(items: Iterable, folder: Path, options: RunOptions, workers: int, part_size: int,
                     resume: bool, on_record: Callable | None = None,
                     on_resumed: Callable[[int], None] | None = None) -> Totals:
    """Extract ``items`` into the part files of ``folder``, in order, skipping complete parts."""
    totals = Totals()
    plans: deque[PartPlan] = deque()

    def items_of_open_parts():
        # Runs ahead of the records, so the plan of each record is always queued already.
        for plan in plan_parts(items, folder, part_size, options.output_format, resume):
            plans.append(plan)
            yield from plan.items or ()

    writer, remaining = None, 0
    try:
        for outcome in extract_in_order(items_of_open_parts(), options, workers):
            while remaining == 0:
                if writer is not None:
                    writer.commit()
                    totals.parts_written += 1
                    writer = None
                plan = plans.popleft()
                if plan.items is None:
                    totals.add_resumed(plan.path, options.output_format, on_resumed)
                    continue
                writer, remaining = PartWriter(folder, plan.index, options), len(plan.items)
            writer.write(outcome)
            totals.documents += 1
            totals.failed += outcome.failed
            remaining -= 1
            if on_record is not None:
                on_record(outcome)
        if writer is not None:
            writer.commit()
            totals.parts_written += 1
            writer = None
        for plan in plans:  # complete parts after the last one that needed work
            totals.add_resumed(plan.path, options.output_format, on_resumed)
    finally:
        if writer is not None:
            writer.discard()
    return totals


def manifest_for(paths: list[Path], settings: dict) -> dict:
    """What a run was asked to do. Inputs are identified by resolved path, size and modification
    time, in order, so a resumed run from another directory is the same run, while an input that
    changed (and would shift the records between parts) is noticed."""
    from .. import __version__

    digest = hashlib.sha256()
    for path in paths:
        try:
            stat = path.stat()
            digest.update(f"{path.resolve()}\t{stat.st_size}\t{stat.st_mtime_ns}\n".encode())
        except OSError:
            digest.update(f"{path.resolve()}\tmissing\n".encode())
    listed = [str(p) for p in paths[:1000]]
    return {"tool": "trialfacts", "version": __version__,
            "inputs": {"count": len(paths), "sha256": digest.hexdigest()},
            "input_list": listed + ([f"... and {len(paths) - 1000} more"] if len(paths) > 1000 else []),
            **settings}


def write_done(folder: Path, totals: dict) -> None:
    write_atomically(folder / DONE, json.dumps(totals, indent=2) + "\n")
