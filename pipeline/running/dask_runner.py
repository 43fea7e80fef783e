"""The same extraction on a Dask cluster: one task per part, written by the workers.

For corpora beyond one machine (all of PubMed is 36 million abstracts). The client reads
the inputs and cuts them into the same parts as a local run, so ``--resume`` and the part
files mean the same thing whether a run was local or distributed. Each task carries its
part's documents (stream records travel as text; plain files as paths, so those must be
on a file system the workers share) and writes its part atomically into the output folder,
which the workers must share as well. Each worker process builds the pipeline once, on its
first task, and keeps it.

Install with ``pip install '.[dask]'``. ``ADDRESS`` is a scheduler address such as
``tcp://10.0.0.5:8786``; ``local`` starts a LocalCluster on this machine.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from ..reading.sources import Document
from .runner import (
    BATCH_SIZE,
    Outcome,
    PartPlan,
    PartWriter,
    RunFailed,
    RunOptions,
    Totals,
    batched,
    plan_parts,
    process_extractor,
)

# A worker process may run tasks in several threads; the pipeline is built and used by
# one at a time (spaCy pipelines are not meant for concurrent calls). Give workers one
# thread each (--nthreads 1) and more processes instead.
_LOCK = threading.Lock()


class DaskUnavailable(RuntimeError):
    pass


def extract_part(index: int, items: list, folder: str, options: RunOptions) -> dict:
    """A task: extract one part's documents and write the part file. Runs on a worker."""
    with _LOCK:
        extractor = process_extractor(options)
        writer = PartWriter(Path(folder), index, options)
        errors = []
        try:
            for batch in batched(items, BATCH_SIZE):
                for record in extractor.extract_batch(batch):
                    outcome = Outcome.of(record)
                    writer.write(outcome)
                    if outcome.failed:
                        errors.append(f"{outcome.source}: {outcome.error}")
            writer.commit()
        except BaseException:
            writer.discard()
            raise
    return {"index": index, "documents": writer.count, "failed": writer.failed, "errors": errors}


def connect(address: str, workers: int):
    """A Client for ``address``, or for a new LocalCluster of ``workers`` processes."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise DaskUnavailable("--dask needs Dask: pip install 'trialfacts[dask]' "
                              "(or '.[dask]' in a checkout)") from exc
    if address == "local":
        cluster = LocalCluster(n_workers=max(workers, 1), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        return Client(cluster), cluster
    return Client(address), None


def extract_on_dask(client, items: Iterable, folder: Path, options: RunOptions, part_size: int,
                    resume: bool, on_part: Callable[[dict], None] | None = None,
                    on_resumed: Callable[[int], None] | None = None) -> Totals:
    """Submit one task per part that is not complete yet, a bounded number at a time."""
    from dask.distributed import as_completed

    totals = Totals()
    folder = folder.resolve()  # workers have working directories of their own
    futures = as_completed()
    in_flight = 0

    def in_flight_limit() -> int:
        # Asked again each time: an adaptive or batch-queue cluster gains workers as it runs.
        # Two parts per worker keep each busy; the rest waits in the reader.
        return 2 * max(len(client.scheduler_info().get("workers", {})), 1)

    def collect(future) -> None:
        try:
            result = future.result()
        except Exception as exc:
            raise RunFailed(f"a cluster task failed ({future.key}): {type(exc).__name__}: {exc}") from None
        totals.documents += result["documents"]
        totals.failed += result["failed"]
        totals.parts_written += 1
        if on_part is not None:
            on_part(result)

    plan: PartPlan
    for plan in plan_parts(items, folder, part_size, options.output_format, resume):
        if plan.items is None:
            totals.add_resumed(plan.path, options.output_format, on_resumed)
            continue
        items = [_with_absolute_path(item) for item in plan.items]
        futures.add(client.submit(extract_part, plan.index, items, str(folder), options,
                                  key=f"trialfacts-part-{plan.index}-{id(plan)}", pure=False))
        in_flight += 1
        while in_flight >= in_flight_limit():
            collect(next(futures))
            in_flight -= 1
    for future in futures:
        collect(future)
    return totals


def _with_absolute_path(item):
    """A plain file as a worker elsewhere can open it; its source stays as the user gave it."""
    if isinstance(item, Document) and item.path is not None and not item.path.is_absolute():
        return Document(doc_id=item.doc_id, source=item.source, path=item.path.resolve(),
                        text=item.text, metadata=item.metadata)
    return item
