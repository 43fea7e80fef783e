"""Schema round-trips: every gold file loads, every output record validates, bad gold is named."""

import json

import pytest
from pydantic import ValidationError

from trialfacts.records.models import (
    ErrorRecord, GoldFileError, OutputLine, TrialRecord, gold_view, load_gold, output_json_schema,
)
from support import DEVSET, ROOT

PROJECT_GOLD = sorted((ROOT / "gold").glob("*.json"))
DEVSET_GOLD = sorted((DEVSET / "gold").glob("*.json")) if (DEVSET / "gold").is_dir() else []


@pytest.mark.parametrize("path", PROJECT_GOLD + DEVSET_GOLD, ids=lambda p: p.stem)
def test_gold_file_loads_and_its_offsets_hold(path):
    gold = load_gold(path)
    assert gold.status == "reviewed"
    raw = (path.parent.parent / "corpus" / f"{gold.doc_id}.txt").read_text(encoding="utf-8")
    assert gold.offset_problems(raw) == []


@pytest.mark.parametrize("path", PROJECT_GOLD, ids=lambda p: p.stem)
def test_gold_round_trips_through_the_model(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert gold_view(load_gold(path), status=data["status"]) == data


def _write(tmp_path, doc_id, data):
    path = tmp_path / f"{doc_id}.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def _gold(**changes):
    data = {"doc_id": "x1", "status": "reviewed", "sample_size": 10, "sample_sizes": [],
            "p_values": [], "doses": [], "routes": [], "effects": []}
    data.update(changes)
    return data


@pytest.mark.parametrize("content,message", [
    ("{not json", "not readable JSON"),
    (_gold(routes=None) | {"routes": [{"text": "oral", "start": 0, "end": 4, "route": "by mouth"}]}, "routes.0.route"),
    ({k: v for k, v in _gold().items() if k != "p_values"}, "missing field(s) p_values"),
    (_gold(doses=[{"text": "5 mg", "start": 0, "end": 4, "value": 5, "value_max": None, "spread": None,
                   "unit": "mg/dL", "frequency": None}]), "unit 'mg/dL'"),
    (_gold(p_values=[{"text": "P = 2", "start": 0, "end": 5, "comparator": "=", "value": 2, "threshold": False}]),
     "p_values.0.value"),
    (_gold(sample_sizes=[{"text": "26 patients", "start": 0, "end": 5, "value": 26, "role": "enrolled"}]),
     "sample_sizes.0"),
    (_gold(doc_id="other"), "does not match the file name"),
])
def test_malformed_gold_names_file_and_field(tmp_path, content, message):
    path = _write(tmp_path, "x1", content)
    with pytest.raises(GoldFileError) as error:
        load_gold(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_extra_fields_are_rejected():
    with pytest.raises(ValidationError):
        TrialRecord.model_validate(_gold(notes="free text"))


def test_output_line_is_a_record_or_an_error():
    assert isinstance(OutputLine.validate_python(_gold()), TrialRecord)
    error = OutputLine.validate_python({"doc_id": "x", "source": "x.txt", "error": "binary content"})
    assert isinstance(error, ErrorRecord)


def test_json_schema_names_the_scored_fields():
    schema = json.dumps(output_json_schema())
    for field in ("sample_size", "sample_sizes", "p_values", "doses", "routes", "error"):
        assert f'"{field}"' in schema
