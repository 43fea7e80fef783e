"""Recall of participant-count mentions against the EBM-NLP crowd spans (Nye et al., ACL 2018).

The crowd labelled "sample size" spans in 111 RCT abstracts; the labels are noisy and cover
only participant counts, so only recall is meaningful: a crowd span is found when a predicted
`sample_sizes` mention overlaps it. Run by hand:

    python bench/ebm_crowd_recall.py [../shared/devset/ebm_crowd] [--misses] [--fail-under 0.88]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "devset" / "ebm_crowd"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(DEFAULT), help="ebm_crowd folder (corpus/ and sample_size_spans.json)")
    parser.add_argument("--misses", action="store_true", help="list every crowd span not found")
    parser.add_argument("--fail-under", type=float, metavar="RECALL",
                        help="exit 1 when recall is below this (for CI)")
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    spans_file = folder / "sample_size_spans.json"
    if not spans_file.is_file():
        print(f"{spans_file}: not found", file=sys.stderr)
        return 2

    from trialfacts.running.extractor import Extractor

    crowd = json.loads(spans_file.read_text(encoding="utf-8"))
    extractor = Extractor()
    found = total = documents = 0
    for doc_id, spans in sorted(crowd.items()):
        path = folder / "corpus" / f"{doc_id}.txt"
        if not path.is_file():
            continue
        documents += 1
        record = extractor.extract_file(path)
        predicted = [(m.start, m.end) for m in getattr(record, "sample_sizes", [])]
        for span in spans:
            total += 1
            if any(s < span["end"] and span["start"] < e for s, e in predicted):
                found += 1
            elif args.misses:
                raw = path.read_text(encoding="utf-8")
                print(f"miss {doc_id}: {raw[max(0, span['start'] - 60):span['end'] + 40]!r}")
    recall = found / total if total else 0.0
    print(f"documents {documents}, crowd spans {total}, found {found}, recall {recall:.3f}")
    if args.fail_under is not None and recall < args.fail_under:
        print(f"recall {recall:.3f} is below --fail-under {args.fail_under}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
