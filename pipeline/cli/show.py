"""`trialfacts show`: one HTML review page per document."""

from __future__ import annotations

from pathlib import Path

from .common import EXIT_FAILED, EXIT_OK, UsageError, records_with_texts, say


def run_show(args) -> int:
    from ..views.review import write_pages

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
                say(f"error: {record.source or record.doc_id}: {record.error}")
                failed += 1
            yield raw, record

    out_dir.mkdir(exist_ok=True)
    written = write_pages(reported(records_with_texts(args)), out_dir)
    if not args.quiet:
        say(f"wrote {len(written) - 1} page(s) and {out_dir / 'index.html'}; {failed} without a page")
    return EXIT_FAILED if failed else EXIT_OK
