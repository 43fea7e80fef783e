"""`trialfacts add`: new abstracts into corpus/, each with a draft gold file to correct."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

from .common import EXIT_FAILED, EXIT_OK, UsageError, build_extractor, check_stop, say

SAFE_ID = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_doc_id(name: str) -> str:
    """A doc_id that stays a plain file name inside corpus/: no separators, no leading dot."""
    doc_id = SAFE_ID.sub("_", name).strip("._-")
    if not doc_id:
        raise UsageError(f"{name!r}: no usable characters for a doc_id; give --id")
    return doc_id[:120]


def run_add(args) -> int:
    from ..reading.decoding import InputError, read_raw
    from ..records.models import gold_view

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
        check_stop()
        source = Path(name)
        try:
            raw = read_raw(source)
        except (OSError, InputError) as exc:
            say(f"refused: {source}: {exc}")
            failed += 1
            continue
        doc_id = safe_doc_id(args.id or source.stem)
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        target, gold_path = corpus / f"{doc_id}.txt", gold_dir / f"{doc_id}.json"
        if digest in known and known[digest].resolve() != target.resolve():
            say(f"refused: {source}: same content as {known[digest]}")
            failed += 1
            continue
        adopting = source.resolve() == target.resolve()  # a file already saved in corpus/
        if ((target.exists() and not adopting) or gold_path.exists()) and not args.force:
            say(f"refused: {source}: doc_id {doc_id!r} exists in {corpus} or {gold_dir} (use --force to replace)")
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
        say(f"added {target} and draft {gold_path}: correct it against GOLD.md, then set status to reviewed")
    return EXIT_FAILED if failed else EXIT_OK
