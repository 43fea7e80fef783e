"""The same facts whatever whitespace, decimal point or dash the source used.

Text pasted from PDFs and web pages puts thin, no-break and narrow no-break spaces, runs of
spaces, tabs and line breaks where a plain space was; PubMed keeps "·" as a decimal point; a
minus or en dash stands for "-". Each rewrite (tests/support.py) must leave the facts of a
record as they were: on the surface-form tables, and on the whole dev set.
"""

import random

import pytest

import trialfacts
from support import facts, load_cases, perturb_decimal_points, perturb_hyphens, perturb_whitespace

TABLE_TEXTS = sorted({case["text"] for name in ("p_values.jsonl", "p_values_raw.jsonl", "routes.jsonl")
                      for case in load_cases(name)})
SENTENCES = [
    "Sixty-two patients were randomized to 10 mg/kg orally or placebo (P < 0.01).",
    "In total, 26 patients were enrolled and received 15 ± 4.5 × 10^6 cells/kg intrathecally.",
    "Of 412 screened, 240 were randomly assigned (n = 120 per group); 231 completed the study.",
    "Mortality was 12% vs. 18% (RR 0.67, 95% CI 0.45-0.98; P = 0.04) with 400 mg daily.",
    "Participants took 0.5-1.0 g/day by mouth for 12 weeks; 3 withdrew (P = .21).",
]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("text", TABLE_TEXTS + SENTENCES, ids=lambda t: repr(t[:30]))
def test_other_whitespace_gives_the_same_facts(text, seed):
    expected = facts(trialfacts.extract(text))
    rewritten = perturb_whitespace(text, random.Random(seed))
    assert facts(trialfacts.extract(rewritten)) == expected, repr(rewritten)


@pytest.mark.parametrize("text", SENTENCES, ids=lambda t: repr(t[:30]))
def test_middle_dot_decimals_and_unicode_dashes_give_the_same_facts(text):
    expected = facts(trialfacts.extract(text))
    assert facts(trialfacts.extract(perturb_decimal_points(text))) == expected
    for seed in (1, 2):
        assert facts(trialfacts.extract(perturb_hyphens(text, random.Random(seed)))) == expected


def test_rewrites_change_the_text_they_are_given():
    # Guards the guards: a rewrite that left the text alone would make the tests above vacuous.
    text = SENTENCES[0]
    assert perturb_whitespace(text, random.Random(1)).count(" ") < text.count(" ") / 2
    assert "·" in perturb_decimal_points("P = 0.01")
    assert perturb_hyphens("1-2", random.Random(0)) in ("1\u22122", "1\u20132")


def test_whitespace_rewrite_keeps_99_percent_of_dev_set_facts(devset):
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted((devset / "corpus").glob("*.txt"))]
    originals = {r.doc_id: facts(r) for r in trialfacts.extract_many(texts)}
    rng = random.Random(7)
    rewritten = [(doc_id, perturb_whitespace(text, rng)) for doc_id, text in texts]
    kept = new = 0
    for record in trialfacts.extract_many(rewritten):
        kept += sum((originals[record.doc_id] & facts(record)).values())
        new += sum((facts(record) - originals[record.doc_id]).values())
    total = sum(sum(f.values()) for f in originals.values())
    assert kept / total >= 0.99 and new / total <= 0.01, (kept, new, total)
