"""A mixed folder of 1,000 files, a tenth of them bad: every file is accounted for.

Writes the folder to a temporary directory, runs the `extract` command on it, and checks
that read = extracted + failed, that out.jsonl holds exactly one line per input, and which
files failed and why. Then times each bad input on its own, in process, and prints the
longest. Run by hand:

    python bench/robustness.py [CORPUS_DIR ...] [--files 1000]

Good files cycle through the .txt files of the corpus folders (default: corpus/ and, where it
exists, ../shared/devset/corpus).
"""

from __future__ import annotations

import argparse
import codecs
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bad_inputs(sample: str) -> dict[str, bytes]:
    """One of each kind of bad input a scraped folder holds."""
    return {
        "empty": b"",
        "blank": b"  \n\t \n",
        "nul_bytes": b"Patients\x00\x00 received 5 mg",
        "pdf_renamed": b"%PDF-1.5\n%\xd0\xd4\xc5\xd8\n1 0 obj\n<< /Type /Catalog >>\n",
        "png_renamed": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
        "utf16_bom": codecs.BOM_UTF16_LE + sample.encode("utf-16-le"),
        "utf8_bom": codecs.BOM_UTF8 + sample.encode("utf-8"),
        "cp1252": sample.encode("cp1252", errors="replace"),
        "html_page": (f"<!DOCTYPE html><html><body><p>{sample}</p></body></html>").encode("utf-8"),
        "too_large": b"P = 0.01 and 5 mg. " * 1_200_000,
        "one_mb_line": (b"We randomized 40 patients to 5 mg/kg (P = 0.03) or 10 x 10^6 cells, " * 15_000)[:1_000_000],
        "digits_100k": b"1" * 100_000,
        "nested_parens": b"(" * 10_000 + b"P = 0.05" + b")" * 10_000,
        "p_less_than": b"p<<<<<<<<" * 20_000,
        "control_chars": bytes(range(1, 32)) * 100,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="*", help="folders of good .txt files")
    parser.add_argument("--files", type=int, default=1000, help="how many files in all (default 1000)")
    args = parser.parse_args(argv)
    folders = [Path(c) for c in args.corpora] or [ROOT / "corpus", ROOT.parent / "shared" / "devset" / "corpus"]
    good = sorted(p for folder in folders if folder.is_dir() for p in folder.glob("*.txt"))
    if not good:
        print("no good .txt files found", file=sys.stderr)
        return 2
    sample = good[0].read_text(encoding="utf-8")
    kinds = bad_inputs(sample)
    n_bad = args.files // 10
    rng = random.Random(0)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "mixed"
        folder.mkdir()
        names = []
        for i in range(args.files - n_bad):
            source = good[i % len(good)]
            target = folder / f"good{i:05d}_{source.stem}.txt"
            target.write_bytes(source.read_bytes())
            names.append(target)
        bad_kinds = list(kinds)
        for i in range(n_bad):
            kind = bad_kinds[i % len(bad_kinds)]
            target = folder / f"bad{i:05d}_{kind}.txt"
            target.write_bytes(kinds[kind])
            names.append(target)
        rng.shuffle(names)

        out = Path(tmp) / "out.jsonl"
        started = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "trialfacts.cli", "extract", *map(str, names), "-o", str(out)],
            capture_output=True, text=True,
        )
        wall = time.perf_counter() - started
        summary = run.stderr.strip().splitlines()[-1]
        found = re.search(r"read (\d+), extracted (\d+), failed (\d+)", summary)
        read, extracted, failed = (int(x) for x in found.groups())
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        errors = {r["doc_id"]: r["error"] for r in records if "error" in r}
        missing = {p.stem for p in names} - {r["doc_id"] for r in records}

        print(f"files {len(names)} (bad {n_bad}); exit status {run.returncode}; whole run {wall:.1f} s")
        print(f"read {read} = extracted {extracted} + failed {failed}: {read == extracted + failed}")
        print(f"output lines {len(records)}; files missing from the output: {len(missing)}")
        print("failed files by kind:")
        by_kind = {}
        for doc_id, error in errors.items():
            by_kind.setdefault(doc_id.split("_", 1)[1], error)
        for kind, error in sorted(by_kind.items()):
            print(f"  {kind:<15} {error}")

    from trialfacts.running.extractor import Extractor

    extractor = Extractor()
    print("time per bad input, in process (pipeline already loaded):")
    longest = ("", 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        for kind, data in kinds.items():
            path = Path(tmp) / f"{kind}.txt"
            path.write_bytes(data)
            started = time.perf_counter()
            record = extractor.extract_file(path)
            seconds = time.perf_counter() - started
            outcome = "error" if hasattr(record, "error") else "record"
            print(f"  {kind:<15} {len(data):>10,} bytes  {seconds:7.2f} s  {outcome}")
            longest = max(longest, (kind, seconds), key=lambda x: x[1])
    print(f"longest single bad input: {longest[0]} {longest[1]:.2f} s")
    ok = read == extracted + failed == len(names) == len(records) and not missing
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
