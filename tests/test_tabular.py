"""CSV/TSV for spreadsheets: exact rows for the seeds, and cells that survive Excel and friends."""

import csv
import io

import pytest

from trialfacts.records.models import Dose, Effect, ErrorRecord, Mention, Metadata, PValue, Route, TrialRecord
from trialfacts.views.tabular import COLUMNS, TableWriter, record_row, spreadsheet_cell, write_table
from support import ROOT, SEED_IDS


@pytest.fixture(scope="module")
def seeds(extractor):
    return [extractor.extract_file(ROOT / "corpus" / f"{doc_id}.txt") for doc_id in SEED_IDS]


def table(records, **options):
    handle = io.StringIO(newline="")
    write_table(records, handle, **options)
    return handle.getvalue()


def rows(text, delimiter=","):
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=delimiter))


def test_seed_000_row(seeds):
    assert record_row(seeds[0]) == {
        "doc_id": "000_0a71ac7b8c3031ac",
        "title": "Transplantation of Mesenchymal Stromal Cells in Patients With Amyotrophic Lateral "
        "Sclerosis: Results of Phase I/IIa Clinical Trial",
        "journal": "",
        "year": "2017",
        "pmid": "",
        "registrations": "EudraCT 2011-000362-35",
        "sample_size": "26",
        "routes": "intrathecal",
        "doses": "1.5e7 cells ± 4.5e6 (BM-MSCs)",
        "p_values": "P < 0.02; P < 0.05",
        "p_thresholds": "",
        "effects": "",
        "warnings": "",
        "error": "",
        "source": str(ROOT / "corpus" / "000_0a71ac7b8c3031ac.txt"),
    }


def test_seed_003_row(seeds):
    assert record_row(seeds[1]) == {
        "doc_id": "003_55175bd2ab1d999b",
        "title": "Safety and Clinical Effects of Mesenchymal Stem Cells Secreting Neurotrophic Factor "
        "Transplantation in Patients With Amyotrophic Lateral Sclerosis: Results of Phase 1/2 and 2a "
        "Clinical Trials.",
        "journal": "JAMA Neurol",
        "year": "2016",
        "pmid": "",
        "registrations": "NCT01051882; NCT01777646",
        "sample_size": "26",
        # Eleven route mentions, two routes, in the order the text first gives them.
        "routes": "intramuscular; intrathecal",
        "doses": "",
        "p_values": "P < 0.04; P = 0.052",
        "p_thresholds": "",
        "effects": "",
        "warnings": "",
        "error": "",
        "source": str(ROOT / "corpus" / "003_55175bd2ab1d999b.txt"),
    }


def test_seed_table_reads_back_with_csv(seeds):
    text = table(seeds)
    assert text.startswith(",".join(COLUMNS) + "\r\n")
    assert text.count("\r\n") == 3 and "\n" not in text.replace("\r\n", "")
    header, *body = rows(text)
    assert tuple(header) == COLUMNS
    assert [dict(zip(header, row)) for row in body] == [record_row(r) for r in seeds]


RAW = ("Title\nDrug 10 mg/kg twice daily orally, 200 µg i.v., P < .05 significant, p = .003\n"
       "HR 0.72 (95% CI 0.61-0.85), MD -3.1 (-5.0 to -1.2) points, OR 1.4\n")


def at(text, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = RAW.index(text, start + 1)
    return {"text": text, "start": start, "end": start + len(text)}


def awkward_record(title='A "quoted", comma\r\nand newline ± trial', **changes):
    record = TrialRecord(
        doc_id="awkward",
        sample_size=12,
        metadata=Metadata(title=title, year=2001, pmid="123", registrations=["NCT001", "ISRCTN002"]),
        doses=[
            Dose(**at("10 mg/kg"), value=10.0, unit="mg/kg", frequency="twice daily",
                 intervention=Mention(**at("Drug"))),
            Dose(**at("200 µg"), value=200.0, unit="ug"),
        ],
        routes=[Route(**at("orally"), route="oral"), Route(**at("i.v."), route="intravenous")],
        p_values=[
            PValue(**at("P < .05"), comparator="<", value=0.05, threshold=True),
            PValue(**at("p = .003"), comparator="=", value=0.003),
        ],
        effects=[
            Effect(**at("HR 0.72 (95% CI 0.61-0.85)"), measure="HR", value=0.72, ci_low=0.61, ci_high=0.85,
                   ci_level=0.95, p_value=PValue(**at("p = .003"), comparator="=", value=0.003)),
            Effect(**at("MD -3.1 (-5.0 to -1.2)"), measure="MD", value=-3.1, ci_low=-5.0, ci_high=-1.2),
            Effect(**at("OR 1.4"), measure="OR", value=1.4),
        ],
        warnings=["not valid UTF-8 (byte 3): decoded as cp1252"],
        source="in/awkward.txt",
    )
    return record.model_copy(update=changes)


def test_values_are_joined_readably_and_thresholds_kept_apart():
    row = record_row(awkward_record())
    assert row["registrations"] == "NCT001; ISRCTN002"
    assert row["doses"] == "10 mg/kg, twice daily (Drug); 200 ug"
    assert row["routes"] == "oral; intravenous"
    assert row["p_values"] == "P = 0.003"
    assert row["p_thresholds"] == "P < 0.05"
    assert row["year"] == "2001" and row["sample_size"] == "12"


def test_effects_are_said_with_their_interval_and_p_value():
    assert record_row(awkward_record())["effects"] == (
        "HR 0.72 (95% CI 0.61-0.85), P = 0.003; MD -3.1 (-5 to -1.2); OR 1.4")


@pytest.mark.parametrize("values, said", [
    ({"measure": "RR", "value": 0.58, "ci_low": 0.43, "ci_high": 0.8, "ci_level": 0.95}, "RR 0.58 (95% CI 0.43-0.8)"),
    ({"measure": "SMD", "value": -0.4, "ci_low": -0.7, "ci_high": -0.1, "ci_level": 0.95},
     "SMD -0.4 (95% CI -0.7 to -0.1)"),
    ({"measure": "RD", "value": 2.5, "ci_low": -0.5, "ci_high": 5.5, "ci_level": 0.9}, "RD 2.5 (90% CI -0.5 to 5.5)"),
    ({"measure": "IRR", "value": 1.25, "ci_low": 1.01, "ci_high": 1.55}, "IRR 1.25 (1.01-1.55)"),
    ({"measure": "MD", "value": 12.5, "ci_low": 0.0, "ci_high": 25.0, "ci_level": 0.99}, "MD 12.5 (99% CI 0-25)"),
    ({"measure": "other", "value": 7.0}, "other 7"),
])
def test_effect_cell_is_exact(values, said):
    record = TrialRecord(doc_id="e", effects=[Effect(text="x", start=0, end=1, **values)])
    assert record_row(record)["effects"] == said
    # Whatever the sign, the cell starts with the measure: never read as a formula.
    assert spreadsheet_cell(said) == said


def test_quotes_commas_and_non_ascii_survive_and_newlines_become_spaces():
    (header, row) = rows(table([awkward_record()]))
    cells = dict(zip(header, row))
    assert cells["title"] == 'A "quoted", comma and newline ± trial'
    assert cells["doses"] == "10 mg/kg, twice daily (Drug); 200 ug"
    assert cells["effects"] == "HR 0.72 (95% CI 0.61-0.85), P = 0.003; MD -3.1 (-5 to -1.2); OR 1.4"
    # One physical line per row: a spreadsheet that splits at line ends still sees two rows.
    assert len(table([awkward_record()]).split("\r\n")) == 3


def test_bom_only_when_asked():
    assert table([awkward_record()], bom=True).startswith("\ufeffdoc_id,")
    assert not table([awkward_record()]).startswith("\ufeff")
    # Excel's UTF-8 detection needs the bytes EF BB BF first.
    handle = io.BytesIO()
    wrapper = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    TableWriter(wrapper, bom=True).write(awkward_record(title="200 µg"))
    wrapper.flush()
    assert handle.getvalue().startswith(b"\xef\xbb\xbfdoc_id,")
    assert "200 µg".encode("utf-8") in handle.getvalue()


def test_tsv_has_one_tab_between_cells_and_none_inside():
    record = awkward_record(title="tab\there\tand\nthere")
    text = table([record, ErrorRecord(doc_id="bad", source="in/bad.pdf", error="binary\tcontent")], delimiter="\t")
    lines = text.split("\r\n")
    assert lines[-1] == ""
    for line in lines[:-1]:
        assert line.count("\t") == len(COLUMNS) - 1
    header, row, error_row = rows(text, delimiter="\t")
    assert dict(zip(header, row))["title"] == "tab here and there"
    assert dict(zip(header, error_row))["error"] == "binary content"


@pytest.mark.parametrize("title", ["=HYPERLINK(\"http://x\")", "+1+2", "-3-4", "@SUM(A1)", "  =1+1", "\n=1+1"])
def test_formula_looking_cells_are_neutralized(title):
    (header, row) = rows(table([awkward_record(title=title)]))
    cell = dict(zip(header, row))["title"]
    assert cell.startswith("'") and cell[1:].strip() == title.strip()


def test_ordinary_cells_are_left_alone():
    for value in ("P < 0.05", "1.5e7 cells ± 4.5e6", "NCT001", "Title with = inside", "'quoted'"):
        assert spreadsheet_cell(value) == value


def test_error_record_row():
    error = "binary content: a PDF document, not text"
    row = record_row(ErrorRecord(doc_id="broken", source="in/broken.pdf", error=error))
    assert row == {
        **dict.fromkeys(COLUMNS, ""),
        "doc_id": "broken",
        "source": "in/broken.pdf",
        "error": "binary content: a PDF document, not text",
    }
    assert COLUMNS.index("error") > COLUMNS.index("p_values")


def test_header_alone_for_no_records_and_streaming_writes():
    assert table([]) == ",".join(COLUMNS) + "\r\n"
    handle = io.StringIO(newline="")
    writer = TableWriter(handle)
    assert handle.getvalue() == ",".join(COLUMNS) + "\r\n"
    writer.write(awkward_record())
    writer.write(ErrorRecord(doc_id="x", error="failed"))
    assert writer.rows == 2 and len(rows(handle.getvalue())) == 3
