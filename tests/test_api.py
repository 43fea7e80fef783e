"""The Python API (trialfacts.load, extract, extract_many, evaluate) and the installed package."""

import importlib.metadata
import json
from pathlib import Path

import pytest

import trialfacts
from trialfacts.records.models import ErrorRecord, TrialRecord
from support import ROOT, SEED_IDS

SENTENCE = "Sixty patients were randomized to receive 10 mg/kg orally or placebo (P < 0.01)."
SEEDS = [ROOT / "corpus" / f"{doc_id}.txt" for doc_id in SEED_IDS]


def test_extract_gives_the_validated_record_of_one_text():
    record = trialfacts.extract(SENTENCE)
    assert isinstance(record, TrialRecord) and record.doc_id == "text"
    assert record.sample_size == 60
    assert [(d.text, d.value, d.unit) for d in record.doses] == [("10 mg/kg", 10.0, "mg/kg")]
    assert [r.route for r in record.routes] == ["oral"]
    assert [(p.comparator, p.value) for p in record.p_values] == [("<", 0.01)]
    assert all(SENTENCE[m.start:m.end] == m.text for _, m in record.mentions())


def test_extract_names_the_document_and_refuses_a_path():
    assert trialfacts.extract(SENTENCE, doc_id="trial-7").doc_id == "trial-7"
    with pytest.raises(TypeError, match="extract_many"):
        trialfacts.extract(SEEDS[0])


def test_load_builds_the_pipeline_once():
    assert trialfacts.load() is trialfacts.load()
    assert "trialfacts_dose" in trialfacts.load().nlp.pipe_names


def test_a_size_limit_costs_no_rebuild_and_refuses_longer_texts():
    built = trialfacts.load()
    try:
        assert trialfacts.load(max_chars=100) is built
        with pytest.raises(ValueError, match="too large for an abstract: 200 characters"):
            trialfacts.extract("x" * 200, max_chars=100)
        assert trialfacts.extract(SENTENCE).sample_size == 60  # back to the default limit, same pipeline
        assert trialfacts.load() is built
    finally:
        trialfacts.load()


def test_extract_many_takes_files_texts_and_pairs_in_order(tmp_path):
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"%PDF-1.7 not text")
    records = list(trialfacts.extract_many([SEEDS[0], SENTENCE, ("mine", SENTENCE), binary]))
    assert [r.doc_id for r in records] == [SEED_IDS[0], "text1", "mine", "scan"]
    assert records[0].sample_size == 26 and records[1].sample_size == 60 and records[2].text == SENTENCE
    assert isinstance(records[3], ErrorRecord) and "PDF" in records[3].error


def test_extract_many_with_workers_gives_the_same_records():
    inputs = SEEDS * 3 + [SENTENCE]
    one = [r.model_dump_json() for r in trialfacts.extract_many(inputs)]
    two = [r.model_dump_json() for r in trialfacts.extract_many(inputs, workers=2)]
    assert one == two


@pytest.mark.parametrize("bad, error, message", [
    (str(SEEDS[0]), ValueError, "names a file"),
    (str(ROOT / "corpus"), ValueError, "names a folder"),
    (42, TypeError, "not int"),
    (("a", 1), TypeError, "not tuple"),
])
def test_extract_many_refuses_what_it_cannot_read_as_documents(bad, error, message):
    with pytest.raises(error, match=message):
        list(trialfacts.extract_many([bad]))


def test_extract_many_refuses_a_negative_worker_count():
    with pytest.raises(ValueError, match="workers"):
        list(trialfacts.extract_many([SENTENCE], workers=-1))


def test_evaluate_refuses_two_records_of_one_document():
    record = trialfacts.extract(SENTENCE, doc_id=SEED_IDS[0])
    with pytest.raises(ValueError, match="twice"):
        trialfacts.evaluate([record, record], gold=ROOT / "gold", corpus=None)


def test_evaluate_scores_the_seeds_from_the_corpus_or_an_output_file(tmp_path):
    report = trialfacts.evaluate(gold=ROOT / "gold", corpus=ROOT / "corpus")
    assert report.scored == 2 and report.gold_errors == [] and report.offset_violations == []
    assert report.rows["p_values"].f1 == 1.0 and report.rows["sample_size"].recall == 1.0
    out = tmp_path / "out.jsonl"
    out.write_text("".join(r.model_dump_json() + "\n" for r in trialfacts.extract_many(SEEDS)))
    again = trialfacts.evaluate(out, gold=ROOT / "gold", corpus=ROOT / "corpus")
    assert again.as_dict()["rows"] == report.as_dict()["rows"]
    assert json.loads(json.dumps(again.as_dict()))["documents_scored"] == 2


def test_evaluate_names_a_missing_gold_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="gold directory"):
        trialfacts.evaluate(gold=tmp_path / "nowhere")


def test_the_installed_distribution_has_no_top_level_pipeline_or_patterns():
    files = [str(f) for f in importlib.metadata.files("trialfacts") or []]
    assert files, "trialfacts is not installed"
    top = {Path(f).parts[0] for f in files}
    assert not top & {"pipeline", "patterns"}, sorted(top)
    direct = importlib.metadata.distribution("trialfacts").read_text("direct_url.json")
    if not (direct and json.loads(direct).get("dir_info", {}).get("editable")):
        # A regular install (as CI makes): the package and its data under the one name.
        assert {"trialfacts/api.py", "trialfacts/patterns/units.json", "trialfacts/cli/extract.py"} <= set(files)
