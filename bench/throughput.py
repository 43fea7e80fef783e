"""Throughput, scaling and memory of the pipeline against the bare scispaCy reference, in one run.

    python bench/throughput.py [CORPUS_DIR] [-n 1000] [--memory 1000,20000] [--memory-workers 2]

Cycles through CORPUS_DIR's .txt files (default ../shared/devset/corpus, else corpus/) until
N documents and prints, on the same documents:
- pipeline load time (lexicons included);
- docs/s of the full default pipeline (read, clean, NER, extractors, record) with 1 worker and
  with 2 worker processes (the way `extract --workers 2` runs), and the peak RSS of each;
- docs/s of the reference: spacy.blank("en") with scispaCy's tokenizer, a sentencizer and the
  AbbreviationDetector, nothing else; and the ratio full / reference;
- the peak RSS of a whole `extract` run over a JSON Lines stream of 1,000 and of 20,000
  documents (the streaming check: the second must stay within 1.2 x the first);
- the wall time of `extract --help`.
Full pipeline and reference run in one child process, in alternating rounds (best of each);
the streaming runs and --help are child processes of their own.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONWARNINGS": "ignore"}

# Full pipeline and reference run in one process, in alternating rounds, and each figure is the
# best round: on a shared or virtual machine the speed of the cores drifts by tens of percent
# within a minute, and alternating exposes every contender to the same drift.
CONTENDERS = """
import json, resource, sys, time
from itertools import cycle, islice
from pathlib import Path
paths = [Path(p) for p in json.loads(sys.argv[1])]
count, rounds = int(sys.argv[2]), int(sys.argv[3])
started = time.perf_counter()
from trialfacts.running.runner import RunOptions, extract_in_order, process_extractor
from trialfacts.reading.sources import Document
options = RunOptions()
process_extractor(options)
load = time.perf_counter() - started
items = [Document(doc_id=p.stem, source=str(p), path=p) for p in islice(cycle(paths), count)]
texts = [p.read_text(encoding="utf-8") for p in islice(cycle(paths), count)]

def reference_pipeline():
    import spacy
    from scispacy.abbreviation import AbbreviationDetector  # noqa: F401
    from scispacy.custom_tokenizer import combined_rule_tokenizer
    nlp = spacy.blank("en")
    nlp.tokenizer = combined_rule_tokenizer(nlp)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("abbreviation_detector")
    return nlp

def rate(run):
    started = time.perf_counter()
    run()
    return count / (time.perf_counter() - started)

figures = {"load_s": load, "docs_per_s_1": 0.0, "docs_per_s_2": 0.0, "reference_docs_per_s": 0.0}
reference = None
for round_number in range(rounds):
    for workers in (1, 2):
        docs_per_s = rate(lambda: sum(1 for _ in extract_in_order(items, options, workers)))
        figures[f"docs_per_s_{workers}"] = max(figures[f"docs_per_s_{workers}"], docs_per_s)
        if round_number == 0:  # before the reference pipeline adds its own memory
            figures[f"rss_mb_{workers}"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            figures["worker_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    reference = reference or reference_pipeline()
    docs_per_s = rate(lambda: [reference(text) for text in texts])
    figures["reference_docs_per_s"] = max(figures["reference_docs_per_s"], docs_per_s)
print(json.dumps(figures))
"""


def child(code: str, paths: list[Path], count: int, rounds: int) -> dict:
    result = subprocess.run([sys.executable, "-c", code, json.dumps([str(p) for p in paths]), str(count), str(rounds)],
                            capture_output=True, text=True, check=True, env=ENV, cwd=ROOT)
    return json.loads(result.stdout.strip().splitlines()[-1])


def stream_peak_rss(paths: list[Path], count: int, workers: int, scratch: Path) -> tuple[float, float]:
    """Peak RSS (MB) of the largest process of an `extract` run over ``count`` streamed documents."""
    stream = scratch / f"stream-{count}.jsonl"
    with open(stream, "w", encoding="utf-8") as handle:
        for number, path in enumerate(islice(cycle(paths), count)):
            text = path.read_text(encoding="utf-8", errors="replace")
            handle.write(json.dumps({"id": f"{path.stem}-{number}", "text": text}) + "\n")
    command = [sys.executable, "-m", "trialfacts.cli", "extract", str(stream), "-o", str(scratch / "out.jsonl"),
               "-q", "--workers", str(workers)]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=ENV, cwd=ROOT)
    # wait4 reports the child's peak, which takes in its own reaped workers.
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"extract over {count} streamed documents failed")
    return usage.ru_maxrss / 1024, seconds


LOAD = """
import json, time
started = time.perf_counter()
from trialfacts.running.extractor import Extractor
Extractor()
print(json.dumps({"load_s": time.perf_counter() - started}))
"""


def load_time(runs: int = 3) -> float:
    """Median over fresh processes (imports included): what a user waits for at every start."""
    return statistics.median(child(LOAD, [], 0, 0)["load_s"] for _ in range(runs))


def help_wall_time(runs: int = 5) -> float:
    extract = Path(sys.executable).parent / "extract"
    command = [str(extract)] if extract.exists() else [sys.executable, "-m", "trialfacts.cli", "extract"]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*command, "--help"], capture_output=True, check=True, env=ENV, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = ROOT.parent / "shared" / "devset" / "corpus"
    parser.add_argument("corpus", nargs="?", default=str(default if default.is_dir() else ROOT / "corpus"))
    parser.add_argument("-n", "--documents", type=int, default=1000, help="documents to process (default 1000)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating rounds of full (1 and 2 workers) and reference; best of each (default 3)")
    parser.add_argument("--memory", default="1000,20000", metavar="SMALL,LARGE",
                        help="document counts of the two streaming runs whose peak RSS is compared "
                             "(default 1000,20000; 'off' to skip)")
    parser.add_argument("--memory-workers", type=int, default=2, metavar="N",
                        help="--workers of the streaming runs (default 2)")
    args = parser.parse_args(argv)
    paths = sorted(Path(args.corpus).glob("*.txt"))
    if not paths:
        print(f"{args.corpus}: no .txt files", file=sys.stderr)
        return 2

    full = child(CONTENDERS, paths, args.documents, args.rounds)
    help_s = help_wall_time()
    load_s = load_time()
    memory = []
    if args.memory != "off":
        small, large = (int(n) for n in args.memory.split(","))
        with tempfile.TemporaryDirectory(prefix="trialfacts-bench-") as scratch:
            for count in (small, large):
                memory.append((count, *stream_peak_rss(paths, count, args.memory_workers, Path(scratch))))

    ratio = full["docs_per_s_1"] / full["reference_docs_per_s"]
    scaling = full["docs_per_s_2"] / full["docs_per_s_1"]
    rows = [
        ("full pipeline, 1 worker (docs/s)", f"{full['docs_per_s_1']:.1f}", ""),
        ("full pipeline, 2 workers (docs/s)", f"{full['docs_per_s_2']:.1f}", ""),
        ("speed-up 2 workers / 1", f"{scaling:.2f}", ">= 1.6"),
        ("peak RSS, 1 worker (MB)", f"{full['rss_mb_1']:.0f}", ""),
        ("peak RSS, 2 workers: parent / worker (MB)", f"{full['rss_mb_2']:.0f} / {full['worker_rss_mb']:.0f}", ""),
        ("scispaCy reference (docs/s)", f"{full['reference_docs_per_s']:.1f}", ""),
        ("ratio full / reference", f"{ratio:.2f}", ">= 0.7"),
        ("pipeline load time, median of 3 (s)", f"{load_s:.2f}", "< 3"),
        ("extract --help wall time (s)", f"{help_s:.2f}", "< 0.5"),
    ]
    for count, rss, seconds in memory:
        rows.append((f"peak RSS, extract of {count:,} streamed (MB)", f"{rss:.0f}", f"{seconds:.0f} s"))
    if len(memory) == 2:
        rows.append((f"peak RSS ratio {memory[1][0]:,} / {memory[0][0]:,}", f"{memory[1][1] / memory[0][1]:.2f}",
                     "<= 1.2"))
    print(f"corpus {args.corpus} ({len(paths)} files), {args.documents} documents, {os.cpu_count()} cores; "
          f"docs/s: best of {args.rounds} alternating rounds; streaming runs with --workers {args.memory_workers}")
    print(f"{'figure':<46}{'value':>12}   target")
    for name, value, target in rows:
        print(f"{name:<46}{value:>12}   {target}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
