"""Bad input: every file becomes a record or a named error, decoded as the record says."""

import codecs
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from trialfacts.cli import main
from trialfacts.records.models import ErrorRecord, OutputLine, TrialRecord
from support import ROOT, SEED_IDS

ABSTRACT = "We randomized 40 patients to 5 µg/kg or placebo given orally (P = 0.03).\n"


def write(tmp_path, name, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("content", [b"", b"   \n\t\n  "])
def test_empty_and_blank_files_give_an_empty_record_with_a_warning(extractor, tmp_path, content):
    record = extractor.extract_file(write(tmp_path, "blank.txt", content))
    assert isinstance(record, TrialRecord)
    assert (record.sample_size, record.sample_sizes, record.p_values, record.doses, record.routes) == (None, [], [], [], [])
    assert record.warnings == ["empty input: the file holds no text"]


@pytest.mark.parametrize("content,reason", [
    (b"Patients\x00\x01\x02 received", "NUL byte at offset 8"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
    (b"PK\x03\x04\x14\x00\x06\x00", "a ZIP archive"),
    (bytes(range(1, 32)) * 50, "control characters"),
])
def test_binary_content_is_a_reported_error(extractor, tmp_path, content, reason):
    record = extractor.extract_file(write(tmp_path, "scan.txt", content))
    assert isinstance(record, ErrorRecord)
    assert record.doc_id == "scan" and record.source.endswith("scan.txt")
    assert "binary content" in record.error and reason in record.error


@pytest.mark.parametrize("data,encoding,offset", [
    (ABSTRACT.encode("utf-8"), "utf-8", 0),
    (codecs.BOM_UTF8 + ABSTRACT.encode("utf-8"), "utf-8-sig", 1),
    (codecs.BOM_UTF16_LE + ABSTRACT.encode("utf-16-le"), "utf-16", 1),
    (codecs.BOM_UTF16_BE + ABSTRACT.encode("utf-16-be"), "utf-16", 1),
    (ABSTRACT.encode("cp1252"), "cp1252", 0),
])
def test_encodings_are_decoded_and_named(extractor, tmp_path, data, encoding, offset):
    record = extractor.extract_file(write(tmp_path, "enc.txt", data))
    assert record.encoding == encoding
    # offsets count characters of the decoded text; a byte-order mark is its first character
    assert [(p.text, p.start) for p in record.p_values] == [("P = 0.03", ABSTRACT.index("P =") + offset)]
    assert [(d.text, d.unit, d.value) for d in record.doses] == [("5 µg/kg", "ug/kg", 5.0)]
    assert record.sample_size == 40
    assert [r.route for r in record.routes] == ["oral"]
    if encoding == "cp1252":
        assert record.warnings == ["not valid UTF-8 (byte 31): decoded as cp1252"]


def test_latin1_bytes_outside_cp1252(extractor, tmp_path):
    record = extractor.extract_file(write(tmp_path, "l1.txt", "P = 0.03 \x81".encode("latin-1")))
    assert record.encoding == "latin-1"
    assert [p.value for p in record.p_values] == [0.03]


def test_html_source_is_stripped_and_offsets_count_the_raw_html(extractor, tmp_path):
    page = (
        "<!DOCTYPE html>\n<html><head><title>A trial</title>"
        "<script>var x = 'P = 0.9 in 99 patients';</script></head>\n<body>\n"
        "<h1>Riluzole in ALS</h1>\n<p>We enrolled 120&nbsp;patients. Riluzole 50&#8201;mg was given "
        "orally; P&nbsp;&lt;&nbsp;0.05.</p><!-- P = 0.5 -->\n</body></html>\n"
    )
    raw_path = write(tmp_path, "page.txt", page.encode("utf-8"))
    record = extractor.extract_file(raw_path)
    assert record.sample_size == 120
    assert [(p.comparator, p.value) for p in record.p_values] == [("<", 0.05)]
    assert [(d.value, d.unit) for d in record.doses] == [(50.0, "mg")]
    assert record.offset_problems(page) == []
    assert [p.text for p in record.p_values] == ["P&nbsp;&lt;&nbsp;0.05"]
    assert any("HTML" in w for w in record.warnings)


def test_a_file_over_the_size_limit_is_refused_at_once(tmp_path):
    from trialfacts.running.extractor import Extractor

    small = Extractor(max_chars=1000)
    started = time.perf_counter()
    record = small.extract_file(write(tmp_path, "dump.txt", b"P = 0.01 " * 2000))
    assert isinstance(record, ErrorRecord)
    assert "too large for an abstract: 18,000 characters" in record.error
    assert time.perf_counter() - started < 5  # refused before any parsing


def test_an_exception_in_a_component_becomes_that_documents_error(tmp_path, capsys, monkeypatch):
    from trialfacts.extractors import doses

    original = doses.find_doses

    def exploding(text, *args, **kwargs):
        if "BOOM" in text:
            raise RuntimeError("dose grammar exploded")
        return original(text, *args, **kwargs)

    monkeypatch.setattr(doses, "find_doses", exploding)
    bad = write(tmp_path, "bad.txt", b"BOOM 5 mg")
    good = write(tmp_path, "good.txt", b"We gave 5 mg orally.")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(bad), str(good), "-o", str(out)]) == 1
    first, second = [OutputLine.validate_json(line) for line in out.read_text().splitlines()]
    assert isinstance(first, ErrorRecord) and "RuntimeError: dose grammar exploded" in first.error
    assert isinstance(second, TrialRecord) and [d.value for d in second.doses] == [5.0]
    assert "read 2, extracted 1, failed 1" in capsys.readouterr().err


def test_gold_offsets_that_do_not_match_the_text_are_named(tmp_path, capsys):
    gold = tmp_path / "gold"
    gold.mkdir()
    data = json.loads((ROOT / "gold" / f"{SEED_IDS[0]}.json").read_text(encoding="utf-8"))
    data["p_values"][0]["start"] += 1
    data["p_values"][0]["end"] += 1
    (gold / f"{SEED_IDS[0]}.json").write_text(json.dumps(data), encoding="utf-8")
    code = main(["evaluate", "--gold", str(gold), "--corpus", str(ROOT / "corpus"), "--summary", "--quiet"])
    out = capsys.readouterr().out
    assert code == 3
    assert f"{SEED_IDS[0]}.json: offsets do not match" in out


# Inputs built to make regular expressions backtrack. They run in a child process so that a
# catastrophic pattern fails this test (after a generous limit) instead of hanging the suite.
HOSTILE = {
    "100k digits": "1" * 100_000,
    "10k nested parentheses": "(" * 10_000 + "P = 0.05" + ")" * 10_000,
    "p<<<< repeated": "p<<<<<<<<" * 20_000,
    "a 1 MB line": ("We randomized 40 patients to 5 mg/kg (P = 0.03) or 10 x 10^6 cells, " * 15_000)[:1_000_000],
    "list of ones": "1, " * 100_000 + "mg",
    "n= repeated": "n=" * 100_000,
    "plus-minus chain": "1 ± " * 50_000 + "mg",
}

CHILD = """
import json, sys, time
from trialfacts.running.extractor import Extractor
extractor = Extractor()
inputs = json.loads(sys.stdin.read())
for name, text in inputs.items():
    started = time.perf_counter()
    record = extractor.extract_text(text, "hostile")
    print(json.dumps({"name": name, "seconds": round(time.perf_counter() - started, 2)}), flush=True)
"""


def test_hostile_inputs_finish_in_bounded_time():
    result = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps(HOSTILE), text=True,
                            capture_output=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    finished = [json.loads(line)["name"] for line in result.stdout.splitlines()]
    assert finished == list(HOSTILE)


def _run_and_signal(tmp_path, sig):
    inputs = [str(ROOT / "corpus" / f"{SEEDS}.txt") for SEEDS in SEED_IDS] * 300
    out = tmp_path / "out.jsonl"
    # A job started in the background inherits SIGINT ignored; a person at a terminal does not.
    process = subprocess.Popen([sys.executable, "-m", "trialfacts.cli", "extract", *inputs, "-o", str(out)],
                               stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # wait until the pipeline is built and the temporary output exists, then interrupt
    deadline = time.time() + 120
    while time.time() < deadline and not list(tmp_path.glob(".out.jsonl.*.tmp")):
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(sig)
    _, err = process.communicate(timeout=60)
    return process.returncode, err, out


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_run_leaves_no_output_and_no_traceback(tmp_path, sig):
    code, err, out = _run_and_signal(tmp_path, sig)
    assert code == 130
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("interrupted:")
    assert not out.exists()
    assert not list(tmp_path.glob(".out.jsonl.*"))


def test_killed_run_never_leaves_a_half_written_output(tmp_path):
    code, _, out = _run_and_signal(tmp_path, signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert not out.exists()  # only the temporary file beside it can remain


# --- Batches: each stage runs over many documents, and one bad document stays one error ------------

def batch_items(tmp_path):
    from trialfacts.reading.sources import Document, SourceError

    seed = ROOT / "corpus" / f"{SEED_IDS[0]}.txt"
    return [
        Document(doc_id=seed.stem, source=str(seed), path=seed),
        Document(doc_id="streamed", source="feed.jsonl:3", text=ABSTRACT, metadata={"pmid": "123", "year": 2020}),
        SourceError(doc_id="broken", source="feed.jsonl:4", error="line 4: not JSON"),
        Document(doc_id="gone", source=str(tmp_path / "gone.txt"), path=tmp_path / "gone.txt"),
        Document(doc_id="pdf", source="scan.txt", path=write(tmp_path, "scan.txt", b"%PDF-1.7\n1 0 obj")),
        Document(doc_id="empty", source="empty.jsonl:1", text=""),
    ]


def test_a_batch_gives_the_records_of_one_document_at_a_time(extractor, tmp_path):
    items = batch_items(tmp_path)
    batched = extractor.extract_batch(items)
    assert [record.doc_id for record in batched] == [item.doc_id for item in items]
    assert [type(record).__name__ for record in batched] == [
        "TrialRecord", "TrialRecord", "ErrorRecord", "ErrorRecord", "ErrorRecord", "TrialRecord"]
    assert [record.model_dump_json() for record in batched] == \
        [extractor.extract(item).model_dump_json() for item in items]
    # the same facts as nlp(text) on one document, the path of trialfacts.extract
    alone = extractor.extract_text(items[0].path.read_text(encoding="utf-8"), items[0].doc_id, items[0].source)
    assert batched[0].model_dump(exclude={"encoding"}) == alone.model_dump(exclude={"encoding"})
    assert batched[0].sample_size is not None and batched[0].doses
    assert batched[1].metadata.pmid == "123" and batched[1].text == ABSTRACT
    assert extractor.extract_batch([]) == []


def test_long_texts_go_through_in_parts_with_the_same_records(extractor, tmp_path, monkeypatch):
    from trialfacts.running import extractor as extractor_module

    items = batch_items(tmp_path)
    expected = [record.model_dump_json() for record in extractor.extract_batch(items)]
    parts = []
    run_stages = extractor_module.Extractor._run_stages
    monkeypatch.setattr(extractor_module, "BATCH_CHARACTERS", 50)
    monkeypatch.setattr(extractor_module.Extractor, "_run_stages",
                        lambda self, group, records: parts.append(len(group)) or run_stages(self, group, records))
    assert [record.model_dump_json() for record in extractor.extract_batch(items)] == expected
    assert parts == [1, 1, 1]  # the seed, then the abstract, each over the limit alone; the empty text last


def test_records_read_before_an_input_fails_come_out_before_its_error(extractor):
    from trialfacts.reading.sources import Document
    from trialfacts.running.runner import RunOptions, extract_in_order

    def inputs():
        yield Document(doc_id="first", source="a", text=ABSTRACT)
        yield Document(doc_id="second", source="b", text=ABSTRACT)
        raise OSError("the disk went away")

    seen = []
    with pytest.raises(OSError, match="the disk went away"):
        for outcome in extract_in_order(inputs(), RunOptions()):
            seen.append(outcome.doc_id)
    assert seen == ["first", "second"]


@pytest.fixture
def failing_component(extractor):
    """A component that raises on a document holding "FAILS HERE", last in the pipeline for one test."""
    from spacy.language import Language

    name = "test_fails_here"
    if name not in Language.factories:
        @Language.component(name)
        def fails_here(doc):
            if "FAILS HERE" in doc.text:
                raise RuntimeError("a component broke")
            if "KEY MISSING" in doc.text:
                raise KeyError("weights")
            if "GIVES NOTHING" in doc.text:
                return None
            return doc
    extractor.nlp.add_pipe(name)
    try:
        yield
    finally:
        extractor.nlp.remove_pipe(name)


def test_a_document_a_component_fails_on_is_an_error_record_and_the_batch_goes_on(extractor, failing_component):
    from trialfacts.reading.sources import Document

    texts = [ABSTRACT, "Twelve patients were enrolled. FAILS HERE", ABSTRACT.replace("40", "44")]
    records = extractor.extract_batch([Document(doc_id=f"d{i}", source=f"s{i}", text=t) for i, t in enumerate(texts)])
    assert [type(record).__name__ for record in records] == ["TrialRecord", "ErrorRecord", "TrialRecord"]
    assert records[1].doc_id == "d1" and records[1].error == "extraction failed: RuntimeError: a component broke"
    assert [records[0].sample_size, records[2].sample_size] == [40, 44]


@pytest.mark.parametrize("text,error", [
    ("KEY MISSING", "extraction failed: ValueError: [E109] Component 'test_fails_here' could not be run."),
    ("GIVES NOTHING", "extraction failed: ValueError: [E005] Pipeline component 'test_fails_here' returned"),
])
def test_a_component_fails_in_a_batch_as_it_fails_in_nlp(extractor, failing_component, text, error):
    from trialfacts.reading.sources import Document

    record = extractor.extract_batch([Document(doc_id="d", source="s", text=text)])[0]
    assert record.error.startswith(error)
    with pytest.raises(ValueError) as raised:
        extractor.extract_text(text, "d")
    assert error.removeprefix("extraction failed: ValueError: ") in str(raised.value)


def test_a_batch_leaves_no_garbage_for_the_cyclic_collector(extractor, tmp_path):
    # A Doc whose user_data holds Spans of it is a reference cycle; left to the collector, the
    # documents of long runs piled up in its oldest generation and memory grew.
    import gc

    items = batch_items(tmp_path)
    extractor.extract_batch(items)  # warm: caches and interned strings filled
    gc.collect()
    gc.disable()
    try:
        extractor.extract_batch(items)
        extractor.extract_text(ABSTRACT, "one")
        assert gc.collect() == 0
    finally:
        gc.enable()
