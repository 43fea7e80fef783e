"""`trialfacts export-brat` and `import-brat`: the annotation round trip through brat."""

from __future__ import annotations

import json
from pathlib import Path

from .common import EXIT_FAILED, EXIT_OK, UsageError, records_with_texts, say


def run_export_brat(args) -> int:
    from ..views.brat import BratError, export_brat

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
                say(f"error: {record.source or record.doc_id}: {problem} (not exported)")
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
        say(f"exported {exported} document(s) to {out_dir} ({len(written)} files); {failed} not exported")
    return EXIT_FAILED if failed else EXIT_OK


def _gold_with_texts(args):
    """Every gold file, drafts too (correcting them is the point), with its corpus text."""
    from ..records.evaluate import load_checked_gold
    from ..records.models import ErrorRecord, GoldFileError

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
    from ..records.models import gold_view
    from ..views.brat import import_brat_folder

    folder, gold_dir = Path(args.folder), Path(args.output)
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder of brat .txt/.ann files")
    gold_dir.mkdir(parents=True, exist_ok=True)
    failed = written = 0
    for ann_path, result in import_brat_folder(folder):
        if isinstance(result, str):
            say(f"error: {result}")
            failed += 1
            continue
        target = gold_dir / f"{result.doc_id}.json"
        if target.exists() and not args.force:
            say(f"refused: {target} exists (use --force to replace it with {ann_path})")
            failed += 1
            continue
        gold = gold_view(result, result.status or "draft")
        target.write_text(json.dumps(gold, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written += 1
    if not args.quiet:
        say(f"wrote {written} gold file(s) to {gold_dir}; {failed} failed")
    return EXIT_FAILED if failed else EXIT_OK
