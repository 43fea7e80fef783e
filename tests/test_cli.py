"""The command line as a user meets it: outputs, messages and exit codes."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from trialfacts.cli import extract_main, main
from trialfacts.cli.add import safe_doc_id
from trialfacts.records.models import OutputLine, TrialRecord
from support import ROOT, SEED_IDS

SEEDS = [str(ROOT / "corpus" / f"{doc_id}.txt") for doc_id in SEED_IDS]


def test_extract_writes_one_validated_record_per_file(tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    assert extract_main([*SEEDS, "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    records = [OutputLine.validate_json(line) for line in lines]
    assert [r.doc_id for r in records] == list(SEED_IDS)
    assert all(isinstance(r, TrialRecord) for r in records)
    assert "read 2, extracted 2, failed 0" in capsys.readouterr().err
    assert not [p for p in tmp_path.iterdir() if p.name != "out.jsonl"]  # no temporary left behind


def test_extract_to_stdout_composes_with_other_tools(capsys):
    assert main(["extract", SEEDS[0], "--quiet"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["sample_size"] == 26
    assert captured.err == ""


def test_a_bad_file_becomes_an_error_record_and_the_run_goes_on(tmp_path, capsys):
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"%PDF-1.4\x00\x01\x02")
    out = tmp_path / "out.jsonl"
    assert extract_main([str(binary), SEEDS[0], "-o", str(out)]) == 1
    first, second = [json.loads(line) for line in out.read_text().splitlines()]
    assert first["doc_id"] == "scan" and "binary" in first["error"]
    assert second["sample_size"] == 26
    err = capsys.readouterr().err
    assert f"error: {binary}" in err and "failed 1" in err


@pytest.mark.parametrize("argument,message", [
    ("no/such/file.txt", "no such file or directory"),
    ("corpus/*.pdf", "pattern matches no file"),
])
def test_usage_errors_exit_2_with_one_clear_line(argument, message, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    with pytest.raises(SystemExit) as exit_info:
        extract_main([argument])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert argument in err and message in err
    assert len(err.strip().splitlines()) == 1


def test_a_directory_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        extract_main([str(tmp_path)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert str(tmp_path) in err and "is a directory" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("limit", ["-5", "0", "many"])
def test_a_size_limit_below_one_is_a_usage_error(limit, capsys):
    with pytest.raises(SystemExit) as exit_info:
        extract_main([*SEEDS, "--max-chars", limit])
    assert exit_info.value.code == 2
    assert "--max-chars" in capsys.readouterr().err


def test_evaluate_prints_the_table_and_honours_fail_under(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["evaluate", "--summary", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "documents scored: 2" in out
    assert "p_values" in out and "route_set" in out and "offset violations: 0" in out
    # The seeds' gold has no effects: the bare form passes that row over, a named floor fails on it.
    assert main(["evaluate", "--summary", "--quiet", "--fail-under", "0.99"]) == 0
    capsys.readouterr()
    assert main(["evaluate", "--summary", "--quiet", "--fail-under", "effects=0.5"]) == 1
    assert "effects f1 n/a < 0.5" in capsys.readouterr().err


@pytest.mark.parametrize("floor", ["1.01", "doses=-0.1", "doses=high", "doses.speed=0.9", "dose=0.9"])
def test_evaluate_refuses_floors_it_cannot_hold(floor, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    with pytest.raises(SystemExit) as exit_info:
        main(["evaluate", "--summary", "--quiet", "--fail-under", floor])
    assert exit_info.value.code == 2
    assert f"--fail-under {floor}:" in capsys.readouterr().err


def test_evaluate_scores_a_predictions_file_as_json(tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    extract_main([*SEEDS, "-o", str(out), "--quiet"])
    capsys.readouterr()
    code = main(["evaluate", "--predictions", str(out), "--gold", str(ROOT / "gold"), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["documents_scored"] == 2
    assert report["rows"]["sample_size"] == {"tp": 2, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_evaluate_names_bad_gold_and_goes_on(tmp_path, capsys):
    gold = tmp_path / "gold"
    shutil.copytree(ROOT / "gold", gold)
    (gold / "broken.json").write_text("{oops", encoding="utf-8")
    code = main(["evaluate", "--gold", str(gold), "--corpus", str(ROOT / "corpus"), "--summary", "--quiet"])
    captured = capsys.readouterr()
    assert code == 3
    assert "broken.json" in captured.out and "documents scored: 2" in captured.out


def test_add_copies_writes_a_draft_and_refuses_duplicates(tmp_path, capsys):
    corpus, gold = tmp_path / "corpus", tmp_path / "gold"
    args = ["--corpus", str(corpus), "--gold", str(gold), "--quiet"]
    assert main(["add", SEEDS[0], *args]) == 0
    draft = json.loads((gold / f"{SEED_IDS[0]}.json").read_text(encoding="utf-8"))
    assert draft["status"] == "draft" and draft["sample_size"] == 26
    assert (corpus / f"{SEED_IDS[0]}.txt").read_bytes() == (ROOT / "corpus" / f"{SEED_IDS[0]}.txt").read_bytes()
    # the same abstract again, under another name: refused, nothing written
    copy = tmp_path / "again.txt"
    shutil.copyfile(SEEDS[0], copy)
    assert main(["add", str(copy), *args]) == 1
    assert "same content as" in capsys.readouterr().err
    assert not (corpus / "again.txt").exists()


def test_add_refuses_an_existing_doc_id_without_force(tmp_path, capsys):
    corpus, gold = tmp_path / "corpus", tmp_path / "gold"
    args = ["--corpus", str(corpus), "--gold", str(gold), "--quiet"]
    assert main(["add", SEEDS[0], "--id", "trial", *args]) == 0
    assert main(["add", SEEDS[1], "--id", "trial", *args]) == 1
    assert "exists" in capsys.readouterr().err
    assert main(["add", SEEDS[1], "--id", "trial", "--force", *args]) == 0
    assert json.loads((gold / "trial.json").read_text())["doc_id"] == "trial"


@pytest.mark.parametrize("name,doc_id", [
    ("../x", "x"),
    ("/etc/passwd", "etc_passwd"),
    ("trial one (v2)", "trial_one_v2"),
    ("..hidden", "hidden"),
])
def test_doc_ids_cannot_escape_the_corpus(name, doc_id):
    assert safe_doc_id(name) == doc_id


def test_schema_is_json(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "TrialRecord" in json.dumps(schema)


def test_console_scripts_answer_help():
    scripts = Path(sys.executable).parent  # installed beside the interpreter running the tests
    for command in (["extract", "--help"], ["trialfacts", "--help"]):
        executable = shutil.which(command[0], path=str(scripts)) or pytest.fail(f"{command[0]} not installed in {scripts}")
        result = subprocess.run([executable, *command[1:]], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0
        assert "usage:" in result.stdout


def test_installed_command_runs_from_another_directory(tmp_path):
    # patterns/ ships inside the package: nothing is read from the source tree's folders
    extract = shutil.which("extract", path=str(Path(sys.executable).parent))
    result = subprocess.run([extract, SEEDS[1], "-o", "out.jsonl"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "out.jsonl").read_text())["sample_size"] == 26
    assert result.stderr.strip() == "read 1, extracted 1, failed 0; wrote out.jsonl"


def test_add_adopts_a_file_already_saved_in_the_corpus(tmp_path):
    corpus, gold = tmp_path / "corpus", tmp_path / "gold"
    corpus.mkdir()
    saved = corpus / "saved.txt"
    shutil.copyfile(SEEDS[1], saved)
    args = ["--corpus", str(corpus), "--gold", str(gold), "--quiet"]
    assert main(["add", str(saved), *args]) == 0
    assert json.loads((gold / "saved.json").read_text())["status"] == "draft"
    assert main(["add", str(saved), *args]) == 1  # its gold exists now
