"""Property tests: whatever the text, extraction returns a valid record whose offsets hold."""

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from trialfacts.records.models import TrialRecord
from support import ROOT, SEED_IDS

# Pieces of the grammars, so generated text reaches the extractors' rules, not only their misses.
FRAGMENTS = [
    "P", "p", " = ", " < ", "≤", "0.05", ".001", "0·003", " × 10^", "10(-4)", "1.2e-4", "NS", "n = ",
    "26 patients", "Twenty-six", "1,347", " mg", "/kg", " cells", "±", "4.5", "106", "μg", "IU", " twice daily",
    "intrathecally (IT)", " IT ", " IM+IT ", "i.v.", "oral", " mucositis", "via lumbar puncture",
    "(", ")", ", ", ". ", "\n", "\u2009", "\u00a0", "\u2212", "–", "respectively", "randomized", "were enrolled",
    "<p>", "&lt;", "&nbsp;", "Skip to main content\n", "\ufeff",
]
grammar_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8), st.integers(0, 10**7).map(str)),
    max_size=80,
).map("".join)

SEEDS = [(ROOT / "corpus" / f"{doc_id}.txt").read_text(encoding="utf-8") for doc_id in SEED_IDS]


@st.composite
def mutated_seed(draw):
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 200)):]
        elif kind == "insert":
            text = text[:at] + draw(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20))) + text[at:]
        else:
            text = text[:at] + text[max(0, at - 100):at] + text[at:]
    return text


def check(extractor, raw: str) -> None:
    record = extractor.extract_text(raw, "property")
    TrialRecord.model_validate(record.model_dump())  # every field revalidates
    assert record.offset_problems(raw) == []
    for entity in record.entities:
        assert raw[entity.start:entity.end] == entity.text
    assert all(p.value is None or 0 <= p.value <= 1 for p in record.p_values)
    assert all(m.value >= 1 for m in record.sample_sizes)
    assert record.sample_size is None or record.sample_size >= 1
    assert all(d.value > 0 and (d.value_max is None or d.value_max > 0) for d in record.doses)


def budget(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@budget(300)
@given(raw=st.text(max_size=500))
@example(raw="\U000116d0")  # a digit to the regex module, unknown to Python's float()
def test_arbitrary_unicode_text(extractor, raw):
    check(extractor, raw)


@budget(300)
@given(raw=grammar_text)
def test_text_built_from_grammar_pieces(extractor, raw):
    check(extractor, raw)


@budget(100)
@given(raw=mutated_seed())
def test_mutated_seed_abstracts(extractor, raw):
    check(extractor, raw)
