"""Throughput of the full pipeline against the bare scispaCy reference, on the same documents.

    python bench/throughput.py [CORPUS_DIR] [-n 1000]

Cycles through CORPUS_DIR's .txt files (default ../shared/devset/corpus, else corpus/) until
N documents, and prints: pipeline load time; docs/s and peak RSS of the full default pipeline
(read, clean, NER, extractors, record); docs/s of the reference, spacy.blank("en") with
scispaCy's tokenizer, a sentencizer and the AbbreviationDetector and nothing else; their ratio;
and the wall time of `extract --help`. Each figure comes from its own child process, so load
times and peak memory do not mix.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FULL = """
import json, resource, sys, time
from itertools import cycle, islice
from pathlib import Path
paths = [Path(p) for p in json.loads(sys.argv[1])]
count = int(sys.argv[2])
started = time.perf_counter()
from pipeline.extract import Extractor
extractor = Extractor()
load = time.perf_counter() - started
started = time.perf_counter()
for path in islice(cycle(paths), count):
    extractor.extract_file(path)
seconds = time.perf_counter() - started
print(json.dumps({"load_s": load, "docs_per_s": count / seconds,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

REFERENCE = """
import json, resource, sys, time
from itertools import cycle, islice
from pathlib import Path
import spacy
from scispacy.abbreviation import AbbreviationDetector  # noqa: F401
from scispacy.custom_tokenizer import combined_rule_tokenizer
paths = [Path(p) for p in json.loads(sys.argv[1])]
count = int(sys.argv[2])
nlp = spacy.blank("en")
nlp.tokenizer = combined_rule_tokenizer(nlp)
nlp.add_pipe("sentencizer")
nlp.add_pipe("abbreviation_detector")
started = time.perf_counter()
for path in islice(cycle(paths), count):
    nlp(path.read_text(encoding="utf-8"))
seconds = time.perf_counter() - started
print(json.dumps({"docs_per_s": count / seconds,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def child(code: str, paths: list[Path], count: int) -> dict:
    result = subprocess.run([sys.executable, "-c", code, json.dumps([str(p) for p in paths]), str(count)],
                            capture_output=True, text=True, check=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = ROOT.parent / "shared" / "devset" / "corpus"
    parser.add_argument("corpus", nargs="?", default=str(default if default.is_dir() else ROOT / "corpus"))
    parser.add_argument("-n", "--documents", type=int, default=1000, help="documents to process (default 1000)")
    args = parser.parse_args(argv)
    paths = sorted(Path(args.corpus).glob("*.txt"))
    if not paths:
        print(f"{args.corpus}: no .txt files", file=sys.stderr)
        return 2

    full = child(FULL, paths, args.documents)
    reference = child(REFERENCE, paths, args.documents)
    extract = shutil.which("extract", path=str(Path(sys.executable).parent)) or "extract"
    started = time.perf_counter()
    subprocess.run([extract, "--help"], capture_output=True, check=True)
    help_s = time.perf_counter() - started

    print(f"corpus {args.corpus} ({len(paths)} files), {args.documents} documents, {os.cpu_count()} cores")
    print(f"{'figure':<40}{'value':>12}")
    print(f"{'full pipeline, 1 worker (docs/s)':<40}{full['docs_per_s']:>12.1f}")
    print(f"{'full pipeline peak RSS (MB)':<40}{full['peak_rss_mb']:>12.1f}")
    print(f"{'scispaCy reference (docs/s)':<40}{reference['docs_per_s']:>12.1f}")
    print(f"{'ratio full / reference':<40}{full['docs_per_s'] / reference['docs_per_s']:>12.2f}")
    print(f"{'pipeline load time (s)':<40}{full['load_s']:>12.2f}")
    print(f"{'extract --help wall time (s)':<40}{help_s:>12.2f}")
    print(f"{'full pipeline, 2 workers (docs/s)':<40}{'n/a':>12}   (no --workers yet)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
