"""The review and exchange commands as a user runs them: show, evaluate --html, CSV, brat."""

import csv
import io
import json
import shutil

import pytest

from trialfacts.cli import extract_main, main
from support import ROOT, SEED_IDS

SEEDS = [str(ROOT / "corpus" / f"{doc_id}.txt") for doc_id in SEED_IDS]


def test_show_writes_a_page_per_document_and_an_index(tmp_path, capsys):
    bad = tmp_path / "scan.txt"
    bad.write_bytes(b"%PDF-1.4\x00")
    pages = tmp_path / "pages"
    assert main(["show", *SEEDS, str(bad), "-o", str(pages)]) == 1
    names = sorted(p.name for p in pages.iterdir())
    assert names == [f"{SEED_IDS[0]}.html", f"{SEED_IDS[1]}.html", "index.html"]
    page = (pages / f"{SEED_IDS[0]}.html").read_text(encoding="utf-8")
    assert "1.5e7 cells ± 4.5e6" in page and "P &lt; 0.02" in page and "n = 26 (enrolled)" in page
    index = (pages / "index.html").read_text(encoding="utf-8")
    assert "scan" in index and "PDF" in index  # the failed file is listed, not dropped
    assert "error: " in capsys.readouterr().err


def test_show_takes_an_existing_output_file(tmp_path):
    out = tmp_path / "out.jsonl"
    assert extract_main([*SEEDS, "-o", str(out), "-q"]) == 0
    pages = tmp_path / "pages"
    assert main(["show", "--predictions", str(out), "-o", str(pages), "-q"]) == 0
    assert len(list(pages.glob("*.html"))) == 3


def test_show_needs_inputs_or_predictions(tmp_path, capsys):
    with pytest.raises(SystemExit) as usage:
        main(["show", "-o", str(tmp_path / "pages")])
    assert usage.value.code == 2 and "--predictions" in capsys.readouterr().err


def test_evaluate_html_puts_table_and_side_by_side_view_in_one_page(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    report = tmp_path / "report.html"
    assert main(["evaluate", "--summary", "-q", "--html", str(report)]) == 0
    page = report.read_text(encoding="utf-8")
    assert "sample_sizes" in page and "route_set" in page
    assert page.count("<h3>Gold</h3>") == 2 and page.count("<h3>Prediction</h3>") == 2
    assert SEED_IDS[0] in page and SEED_IDS[1] in page


def test_csv_output_opens_as_one_row_per_document(tmp_path):
    out = tmp_path / "out.csv"
    assert extract_main([*SEEDS, "-o", str(out), "--format", "csv", "--bom", "-q"]) == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["doc_id"] for r in rows] == list(SEED_IDS)
    assert rows[0]["sample_size"] == "26" and rows[0]["routes"] == "intrathecal"
    assert rows[0]["doses"] == "1.5e7 cells ± 4.5e6 (BM-MSCs)"
    assert rows[0]["p_values"] == "P < 0.02; P < 0.05"
    assert rows[1]["routes"] == "intramuscular; intrathecal" or set(rows[1]["routes"].split("; ")) == {
        "intramuscular", "intrathecal"}


def test_tsv_to_standard_output(capsys):
    assert extract_main([SEEDS[1], "--format", "tsv", "-q"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t")[0] == "doc_id" and len(lines) == 2
    assert lines[1].split("\t")[0] == SEED_IDS[1]


def test_bom_needs_a_table_format(capsys):
    with pytest.raises(SystemExit) as usage:
        extract_main([SEEDS[0], "--bom"])
    assert usage.value.code == 2 and "--bom goes with --format csv or tsv" in capsys.readouterr().err


def test_gold_goes_to_brat_and_comes_back_identical(tmp_path):
    brat = tmp_path / "brat"
    assert main(["export-brat", "--gold", str(ROOT / "gold"), "--corpus", str(ROOT / "corpus"),
                 "-o", str(brat), "-q"]) == 0
    assert (brat / "annotation.conf").exists() and (brat / f"{SEED_IDS[0]}.ann").exists()
    back = tmp_path / "gold"
    assert main(["import-brat", str(brat), "-o", str(back), "-q"]) == 0
    for doc_id in SEED_IDS:
        original = json.loads((ROOT / "gold" / f"{doc_id}.json").read_text(encoding="utf-8"))
        assert json.loads((back / f"{doc_id}.json").read_text(encoding="utf-8")) == original


def test_import_brat_refuses_to_overwrite_gold_and_names_bad_lines(tmp_path, capsys):
    brat = tmp_path / "brat"
    assert main(["export-brat", *SEEDS, "-o", str(brat), "-q"]) == 0
    gold = tmp_path / "gold"
    assert main(["import-brat", str(brat), "-o", str(gold), "-q"]) == 0
    draft = json.loads((gold / f"{SEED_IDS[0]}.json").read_text(encoding="utf-8"))
    assert draft["status"] == "draft" and draft["sample_size"] == 26
    assert main(["import-brat", str(brat), "-o", str(gold)]) == 1
    assert "use --force" in capsys.readouterr().err
    ann = brat / f"{SEED_IDS[1]}.ann"
    ann.write_text(ann.read_text(encoding="utf-8") + "T999\tNoSuchType 0 4\tSkip\n", encoding="utf-8")
    shutil.rmtree(gold)
    assert main(["import-brat", str(brat), "-o", str(gold)]) == 1
    err = capsys.readouterr().err
    assert f"{ann.name}:" in err and "NoSuchType" in err
    assert (gold / f"{SEED_IDS[0]}.json").exists() and not (gold / f"{SEED_IDS[1]}.json").exists()


def test_records_that_share_a_doc_id_are_refused_not_dropped(tmp_path, capsys):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(SEEDS[0], tmp_path / folder / "x.txt")
    twins = [str(tmp_path / "a" / "x.txt"), str(tmp_path / "b" / "x.txt")]
    out = tmp_path / "out.jsonl"
    assert extract_main([*twins, SEEDS[1], "-o", str(out), "-q"]) == 0
    assert len(out.read_text().splitlines()) == 3  # extract keeps both
    with pytest.raises(SystemExit) as usage:
        main(["show", "--predictions", str(out), "-o", str(tmp_path / "pages")])
    assert usage.value.code == 2 and "doc_id 'x' again (first at line 1)" in capsys.readouterr().err
    brat = tmp_path / "brat"
    assert main(["export-brat", *twins, SEEDS[1], "-o", str(brat)]) == 1
    assert "comes again" in capsys.readouterr().err
    assert sorted(p.name for p in brat.iterdir()) == sorted(
        ["x.txt", "x.ann", f"{SEED_IDS[1]}.txt", f"{SEED_IDS[1]}.ann", "annotation.conf", "visual.conf"])
