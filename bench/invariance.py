"""Do the facts survive the way real text is typed? Run by hand:

    python bench/invariance.py [CORPUS_DIR] [--seed N] [--show N]

Each document of the corpus (default: the shared dev set) is extracted as it is and again
rewritten three ways: every plain space replaced by a random run of other whitespace (thin,
narrow no-break and no-break spaces, runs of spaces, tabs, line breaks); every decimal point
written as "·"; every "-" written as a minus sign or an en dash. A fact is one scored item of
the record (a p-value's comparator and value, a count, a dose's unit and value, a route, an
effect, the total). Printed per rewrite: the share of the original facts still found, and how
many facts appear that were not there before.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the rewrites are the invariance tests' own

from support import facts, perturb_decimal_points, perturb_hyphens, perturb_whitespace  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "devset" / "corpus"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT), help="folder of .txt documents")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the rewrites (default 0)")
    parser.add_argument("--show", type=int, default=0, metavar="N", help="print the first N changed facts")
    args = parser.parse_args(argv)
    paths = sorted(Path(args.corpus).glob("*.txt"))
    if not paths:
        print(f"{args.corpus}: no .txt files", file=sys.stderr)
        return 2

    import trialfacts

    rng = random.Random(args.seed)
    rewrites = {
        "whitespace": lambda text: perturb_whitespace(text, rng),
        "decimal point as ·": perturb_decimal_points,
        "hyphen as − or –": lambda text: perturb_hyphens(text, rng),
    }
    texts = [(path.stem, path.read_text(encoding="utf-8")) for path in paths]
    originals = {r.doc_id: facts(r) for r in trialfacts.extract_many(texts)}
    total = sum(sum(f.values()) for f in originals.values())
    print(f"{len(paths)} documents, {total} facts (seed {args.seed})")
    print(f"{'rewrite':<22}{'kept':>8}{'share':>8}{'new':>6}")
    shown = 0
    for name, rewrite in rewrites.items():
        kept = new = 0
        rewritten = [(doc_id, rewrite(text)) for doc_id, text in texts]
        for record in trialfacts.extract_many(rewritten):
            before, after = originals[record.doc_id], facts(record)
            kept += sum((before & after).values())
            new += sum((after - before).values())
            for lost in (before - after).elements():
                if shown < args.show:
                    print(f"  {name}: {record.doc_id}: lost {lost}")
                    shown += 1
        print(f"{name:<22}{kept:>8}{kept / total:>8.3f}{new:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
