"""Runs at scale: worker processes, stream inputs, part folders with --resume, Dask.

Speed and memory are measured by bench/throughput.py, not here; these tests hold the
behaviour that makes long runs safe: same records whatever the number of workers, in
input order, and a killed run that resumes to the same output.
"""

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from trialfacts.cli import extract_main
from trialfacts.records.models import ErrorRecord, OutputLine
from support import DEVSET, ROOT, SEED_IDS

SEEDS = [str(ROOT / "corpus" / f"{doc_id}.txt") for doc_id in SEED_IDS]

ARTICLE = """<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">
<PMID Version="1">{pmid}</PMID><Article PubModel="Print"><Journal><JournalIssue CitedMedium="Print">
<PubDate><Year>2001</Year></PubDate></JournalIssue><Title>Trials Journal</Title></Journal>
<ArticleTitle>Drug {pmid} in adults.</ArticleTitle><Abstract>
<AbstractText Label="METHODS" NlmCategory="METHODS">Sixty patients were randomized to 10 mg/kg intravenously or placebo.</AbstractText>
<AbstractText Label="RESULTS" NlmCategory="RESULTS">Pain fell (P &lt; 0.01).</AbstractText>
</Abstract></Article></MedlineCitation></PubmedArticle>"""


def pubmed_xml(pmids) -> str:
    articles = "\n".join(ARTICLE.format(pmid=p) for p in pmids)
    return f'<?xml version="1.0" encoding="utf-8"?>\n<PubmedArticleSet>\n{articles}\n</PubmedArticleSet>\n'


def corpus_files(count: int) -> list[str]:
    """Seeds first, then dev-set texts where the dev set is present."""
    files = list(SEEDS)
    if (DEVSET / "corpus").is_dir():
        files += [str(p) for p in sorted((DEVSET / "corpus").glob("*.txt"))]
    return files[:count]


def records_of(path) -> list:
    return [OutputLine.validate_json(line) for line in open(path, encoding="utf-8") if line.strip()]


def parts_text(folder) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("part-*.jsonl")))


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """One worker, one output file: what every other way of running must reproduce."""
    files = corpus_files(12)
    out = tmp_path_factory.mktemp("reference") / "out.jsonl"
    assert extract_main([*files, "-o", str(out), "-q"]) == 0
    return files, out.read_text(encoding="utf-8")


def test_two_workers_give_the_same_records_in_input_order(reference, tmp_path):
    files, expected = reference
    out = tmp_path / "out.jsonl"
    assert extract_main([*files, "-o", str(out), "-q", "--workers", "2"]) == 0
    assert out.read_text(encoding="utf-8") == expected
    assert [r.doc_id for r in records_of(out)] == [os.path.basename(f)[:-4] for f in files]


def test_a_bad_file_among_workers_is_an_error_record_in_its_place(tmp_path):
    bad = tmp_path / "scan.txt"
    bad.write_bytes(b"%PDF-1.4\x00")
    out = tmp_path / "out.jsonl"
    assert extract_main([SEEDS[0], str(bad), SEEDS[1], "-o", str(out), "-q", "--workers", "2"]) == 1
    records = records_of(out)
    assert [r.doc_id for r in records] == [SEED_IDS[0], "scan", SEED_IDS[1]]
    assert isinstance(records[1], ErrorRecord) and "PDF" in records[1].error


def test_part_folder_splits_in_order_and_records_the_run(reference, tmp_path):
    files, expected = reference
    folder = tmp_path / "run"
    assert extract_main([*files, "-o", f"{folder}/", "--part-size", "5", "-q", "--workers", "2"]) == 0
    parts = sorted(p.name for p in folder.glob("part-*"))
    assert parts == ["part-000000.jsonl", "part-000001.jsonl", "part-000002.jsonl"]
    assert [len(records_of(folder / p)) for p in parts] == [5, 5, 2]
    assert parts_text(folder) == expected
    assert json.loads((folder / "done.json").read_text()) == {"documents": 12, "failed": 0, "parts": 3}
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["input_list"] == files and manifest["inputs"]["count"] == 12
    assert manifest["part_size"] == 5
    assert not list(folder.glob(".*"))  # no temporary left behind


def test_a_used_part_folder_needs_resume_and_the_same_settings(reference, tmp_path, capsys):
    files, _ = reference
    folder = tmp_path / "run"
    assert extract_main([*files[:3], "-o", f"{folder}/", "--part-size", "2", "-q"]) == 0
    with pytest.raises(SystemExit) as again:
        extract_main([*files[:3], "-o", f"{folder}/", "--part-size", "2", "-q"])
    assert again.value.code == 2 and "use --resume" in capsys.readouterr().err
    with pytest.raises(SystemExit) as changed:
        extract_main([*files[:3], "-o", f"{folder}/", "--part-size", "3", "-q", "--resume"])
    assert changed.value.code == 2 and "differs in: part_size" in capsys.readouterr().err


def test_resume_redoes_only_missing_parts_and_ignores_unfinished_temporaries(reference, tmp_path, capsys):
    files, expected = reference
    folder = tmp_path / "run"
    assert extract_main([*files, "-o", f"{folder}/", "--part-size", "4", "-q"]) == 0
    (folder / "part-000001.jsonl").unlink()
    (folder / ".part-000001.jsonl.x.tmp").write_text("{half a record")  # what a killed run leaves
    kept = (folder / "part-000002.jsonl").stat().st_mtime_ns
    assert extract_main([*files, "-o", f"{folder}/", "--part-size", "4", "--resume"]) == 0
    assert parts_text(folder) == expected
    assert (folder / "part-000002.jsonl").stat().st_mtime_ns == kept
    assert not list(folder.glob(".*.tmp"))
    assert "read 12 (8 of them in 2 parts complete before)" in capsys.readouterr().err


def test_resume_knows_the_same_files_by_another_name_and_refuses_changed_ones(tmp_path, monkeypatch, capsys):
    for name in ("a", "b", "c"):
        shutil.copy(SEEDS[0], tmp_path / f"{name}.txt")
    monkeypatch.chdir(tmp_path)
    assert extract_main(["a.txt", "b.txt", "c.txt", "-o", "run/", "--part-size", "1", "-q"]) == 0
    (tmp_path / "run" / "part-000002.jsonl").unlink()
    absolute = [str(tmp_path / f"{name}.txt") for name in ("a", "b", "c")]
    assert extract_main([*absolute, "-o", "run/", "--part-size", "1", "-q", "--resume"]) == 0
    (tmp_path / "run" / "part-000002.jsonl").unlink()
    with open(tmp_path / "a.txt", "a", encoding="utf-8") as handle:
        handle.write("\nOne more line.")  # the records after it would shift between parts
    with pytest.raises(SystemExit) as refused:
        extract_main(["a.txt", "b.txt", "c.txt", "-o", "run/", "--part-size", "1", "-q", "--resume"])
    assert refused.value.code == 2 and "differs in: inputs" in capsys.readouterr().err


def test_a_start_that_fails_leaves_the_folder_unclaimed(tmp_path, capsys):
    folder = tmp_path / "run"
    with pytest.raises(SystemExit) as usage:
        extract_main([SEEDS[0], "-o", f"{folder}/", "--model", "no_such_model_xyz"])
    assert usage.value.code == 2 and "cannot be loaded" in capsys.readouterr().err
    assert not folder.exists() or not any(folder.iterdir())
    assert extract_main([SEEDS[0], "-o", f"{folder}/", "-q"]) == 0


def test_a_worker_that_dies_stops_the_run_with_its_own_exit_status(tmp_path):
    out = tmp_path / "out.jsonl"
    stream = tmp_path / "many.jsonl"
    text = open(SEEDS[0], encoding="utf-8").read()
    stream.write_text("".join(json.dumps({"id": f"d{n}", "text": text}) + "\n" for n in range(20000)))
    command = [sys.executable, "-m", "trialfacts.cli", "extract", str(stream), "-o", str(out), "--workers", "2"]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    workers = []
    deadline = time.monotonic() + 120
    while len(workers) < 2:
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.2)
        children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout
        workers = children.split()
    time.sleep(0.5)
    os.kill(int(workers[0]), signal.SIGKILL)  # what the out-of-memory killer does
    _, err = process.communicate(timeout=120)
    assert process.returncode == 4
    assert "killed by SIGKILL" in err and "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob(".out.jsonl.*"))
    assert subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True).returncode == 1


def test_a_reader_that_goes_away_ends_the_run_quietly():
    command = f"{sys.executable} -m trialfacts.cli extract {' '.join(SEEDS * 10)} | head -c 10"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 141, result.stderr
    assert "Traceback" not in result.stderr and len(result.stdout) == 10


def test_a_run_killed_midway_resumes_to_the_same_output(reference, tmp_path):
    files, expected = reference
    # Enough documents that the kill lands midway: twelve take less than one polling interval.
    files, expected = files * 40, expected * 40
    folder = tmp_path / "run"
    command = [sys.executable, "-m", "trialfacts.cli", "extract", *files, "-o", f"{folder}/",
               "--part-size", "1", "-q"]
    process = subprocess.Popen(command, cwd=ROOT)
    deadline = time.monotonic() + 120
    while not (folder / "part-000001.jsonl").exists() and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not (folder / "done.json").exists() and process.returncode == -signal.SIGKILL
    assert subprocess.run([*command, "--resume"], cwd=ROOT).returncode == 0
    assert parts_text(folder) == expected


def test_resume_and_dask_need_a_part_folder(capsys):
    for flag in (["--resume"], ["--dask", "local"]):
        with pytest.raises(SystemExit) as usage:
            extract_main([SEEDS[0], "-o", "out.jsonl", *flag])
        assert usage.value.code == 2 and "-o DIR/" in capsys.readouterr().err


def test_pubmed_xml_and_json_lines_stream_in_with_offsets_into_their_text(tmp_path):
    xml = tmp_path / "pubmed26n0001.xml.gz"
    xml.write_bytes(gzip.compress(pubmed_xml(["111", "222"]).encode()))
    jsonl = tmp_path / "abstracts.jsonl"
    jsonl.write_text(
        json.dumps({"pmcid": "PMC9", "body": "Forty adults got 5 mg orally (P = 0.03)."}) + "\n"
        + "{broken\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    status = extract_main([str(xml), str(jsonl), "-o", str(out), "-q", "--workers", "2",
                           "--id-field", "pmcid", "--text-field", "body"])
    assert status == 1  # the broken line is a failure, reported and kept
    records = records_of(out)
    assert [r.doc_id for r in records[:3]] == ["pmid111", "pmid222", "PMC9"]
    first = records[0]
    assert first.sample_size == 60 and first.metadata.pmid == "111" and first.metadata.year == 2001
    assert first.text.startswith("Drug 111 in adults.\nMETHODS: Sixty patients")
    assert [(d.value, d.unit) for d in first.doses] == [(10.0, "mg/kg")]
    assert [r.route for r in first.routes] == ["intravenous"]
    assert [(p.comparator, p.value) for p in first.p_values] == [("<", 0.01)]
    for record in records[:3]:
        for _, mention in record.mentions():
            assert record.text[mention.start:mention.end] == mention.text
    assert records[2].sample_size == 40 and [r.route for r in records[2].routes] == ["oral"]
    assert isinstance(records[3], ErrorRecord) and records[3].source == f"{jsonl}:2"


def test_csv_output_in_part_files(tmp_path):
    folder = tmp_path / "run"
    assert extract_main([*SEEDS, "-o", f"{folder}/", "--format", "csv", "-q", "--part-size", "1"]) == 0
    rows = [p.read_text(encoding="utf-8").splitlines() for p in sorted(folder.glob("part-*.csv"))]
    assert len(rows) == 2 and all(r[0].startswith("doc_id,") and len(r) == 2 for r in rows)
    assert json.loads((folder / "done.json").read_text())["documents"] == 2


dask_required = os.environ.get("TRIALFACTS_REQUIRE_DASK") == "1"


def test_dask_local_cluster_gives_the_records_of_the_local_run(reference, tmp_path):
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        if dask_required:
            raise
        pytest.skip("dask[distributed] is not installed (pip install '.[dask]')")
    files, expected = reference
    folder = tmp_path / "run"
    assert extract_main([*files, "-o", f"{folder}/", "--part-size", "3", "-q",
                         "--dask", "local", "--workers", "2"]) == 0
    assert parts_text(folder) == expected
    assert json.loads((folder / "done.json").read_text()) == {"documents": 12, "failed": 0, "parts": 4}
    # Same folder, resumed with one part gone: only that part is redone, by the cluster.
    (folder / "part-000002.jsonl").unlink()
    assert extract_main([*files, "-o", f"{folder}/", "--part-size", "3", "-q",
                         "--dask", "local", "--workers", "2", "--resume"]) == 0
    assert parts_text(folder) == expected


def test_outputs_get_the_permissions_of_an_ordinary_new_file(tmp_path):
    mask = os.umask(0o022)
    try:
        out, folder = tmp_path / "out.jsonl", tmp_path / "run"
        assert extract_main([SEEDS[0], "-o", str(out), "-q"]) == 0
        assert extract_main([SEEDS[0], "-o", f"{folder}/", "-q"]) == 0
    finally:
        os.umask(mask)
    for path in (out, folder / "part-000000.jsonl", folder / "manifest.json", folder / "done.json"):
        assert path.stat().st_mode & 0o777 == 0o644, path


def test_the_output_format_does_not_rebuild_the_pipeline():
    from trialfacts.running.runner import RunOptions, process_extractor

    built = process_extractor(RunOptions())
    assert process_extractor(RunOptions(output_format="csv", bom=True)) is built


def _die_halfway_through_a_result(tasks, results, options):
    # A result message's length prefix promises a megabyte; the worker dies after ten bytes,
    # as one killed while writing a large batch's records does.
    tasks.get()
    os.write(results.fileno(), (1_000_000).to_bytes(4, "big") + b"0123456789")
    os._exit(9)


def test_a_worker_killed_while_writing_a_result_is_reported_not_waited_for(monkeypatch):
    from trialfacts.running import runner

    monkeypatch.setattr(runner, "_worker_loop", _die_halfway_through_a_result)
    if "fork" not in runner.multiprocessing.get_all_start_methods():
        pytest.skip("the replaced worker loop reaches the child only through fork")
    pool = runner.WorkerProcesses(1, runner.RunOptions())
    signal.alarm(60)  # a hang fails the test instead of the whole run
    try:
        pool.send(0, ["a document"])
        with pytest.raises(runner.WorkerDied, match=r"exit status 9"):
            pool.receive(0)
    finally:
        signal.alarm(0)
        pool.kill()
