"""The record: one pydantic model set for gold files and for extractor output.

Field names follow ../shared/GOLD.md. Gold files carry only the scored fields
(plus ``status``); output records add provenance (``source``, ``metadata``,
``entities``, ``abbreviations``, ``warnings``). Both load through
:class:`TrialRecord`, so a gold file that would not pass as output (unknown
route, unit outside the vocabulary, p-value above 1) is rejected the same way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from ..resources import route_names, unit_is_valid

Comparator = Literal["<", "<=", "=", ">", ">=", "ns"]
Role = Literal["screened", "enrolled", "randomized", "arm", "analyzed", "completed", "withdrawn"]
Measure = Literal["OR", "RR", "HR", "IRR", "RD", "MD", "SMD", "other"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Mention(Strict):
    """A stretch of the raw input: ``raw[start:end] == text``."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _span_is_ordered(self):
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.end - self.start != len(self.text):
            raise ValueError(
                f"span {self.start}-{self.end} is {self.end - self.start} characters "
                f"but text {self.text!r} has {len(self.text)}"
            )
        return self


class PValue(Mention):
    comparator: Comparator
    value: float | None = Field(ge=0.0, le=1.0)
    threshold: bool = False

    @model_validator(mode="after")
    def _ns_has_no_value(self):
        if (self.comparator == "ns") != (self.value is None):
            raise ValueError("comparator 'ns' goes with value null, and only it does")
        return self


class SampleSizeMention(Mention):
    value: int = Field(ge=1)
    role: Role


class Dose(Mention):
    value: float = Field(gt=0)
    value_max: float | None = Field(default=None, gt=0)
    spread: float | None = Field(default=None, ge=0)
    unit: str
    frequency: str | None = None
    # The study intervention the amount is of: one mention of its name, or null where the
    # document never names it (GOLD.md "doses").
    intervention: Mention | None = None

    @field_validator("unit")
    @classmethod
    def _unit_in_vocabulary(cls, unit: str) -> str:
        if not unit_is_valid(unit):
            raise ValueError(f"unit {unit!r} is not in patterns/units.json")
        return unit


class Route(Mention):
    route: str

    @field_validator("route")
    @classmethod
    def _route_in_vocabulary(cls, route: str) -> str:
        if route not in route_names():
            raise ValueError(f"route {route!r} is not one of GOLD.md's routes")
        return route


class Effect(Mention):
    """A between-group effect estimate with its confidence interval (GOLD.md "effects").

    The numbers are kept as written: an interval that does not contain its estimate is a typo
    of the source, reported by a warning on the record, never "repaired" here."""

    measure: Measure
    value: float
    ci_low: float | None = None
    ci_high: float | None = None
    ci_level: float | None = Field(default=None, gt=0, lt=1)
    # Output only: the p-value reported with this estimate (same bracket or clause), so that
    # "HR 0.72 (0.61-0.85), P < .001" reads as one result. The same mention is in p_values.
    p_value: PValue | None = None

    @model_validator(mode="after")
    def _interval_is_whole(self):
        if (self.ci_low is None) != (self.ci_high is None):
            raise ValueError("an interval has both ends or neither")
        if self.ci_level is not None and self.ci_low is None:
            raise ValueError("ci_level goes with an interval")
        return self


class Entity(Mention):
    label: str
    identifier: str | None = None
    source: str | None = None


class Abbreviation(Mention):
    long_form: str
    long_start: int = Field(ge=0)
    long_end: int = Field(ge=0)


class Metadata(Strict):
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    doi: str | None = None
    pmid: str | None = None
    registrations: list[str] = []


class TrialRecord(Strict):
    doc_id: str = Field(min_length=1)
    # Gold only: "reviewed" files are scored, "draft" ones are not. Output leaves it null.
    status: Literal["reviewed", "draft"] | None = None
    sample_size: int | None = Field(default=None, ge=1)
    sample_sizes: list[SampleSizeMention] = []
    p_values: list[PValue] = []
    doses: list[Dose] = []
    routes: list[Route] = []
    effects: list[Effect] = []
    source: str | None = None
    # Output only: how the file was decoded (utf-8, utf-8-sig, utf-16, cp1252, latin-1).
    encoding: str | None = None
    metadata: Metadata | None = None
    entities: list[Entity] = []
    abbreviations: list[Abbreviation] = []
    warnings: list[str] = []
    # Output only: the text the offsets count in, for records read from a stream (PubMed XML,
    # MEDLINE, JSON Lines), where no file holds it. Null for plain files: the file is the text.
    text: str | None = None

    def mentions(self):
        """Every scored mention, with the field it belongs to."""
        for field in MENTION_FIELDS:
            for mention in getattr(self, field):
                yield field, mention

    def offset_problems(self, raw: str) -> list[str]:
        """Mentions whose span does not hold their text in ``raw``."""
        problems = []
        fields = [
            *self.mentions(),
            *(("doses.intervention", d.intervention) for d in self.doses if d.intervention),
            *(("entities", e) for e in self.entities),
        ]
        for field, m in fields:
            if raw[m.start : m.end] != m.text:
                problems.append(
                    f"{field}: text {m.text!r} at {m.start}-{m.end}, "
                    f"but the file has {raw[m.start:m.end]!r} there"
                )
        return problems


class ErrorRecord(Strict):
    """What a file that could not be read or extracted becomes: nothing is dropped."""

    doc_id: str
    source: str | None = None
    error: str = Field(min_length=1)


OutputLine = TypeAdapter(Union[TrialRecord, ErrorRecord])
# The fields GOLD.md defines, in its order; the mention lists among them.
SCORED_FIELDS = ("sample_size", "sample_sizes", "p_values", "doses", "routes", "effects")
MENTION_FIELDS = ("sample_sizes", "p_values", "doses", "routes", "effects")


class GoldFileError(ValueError):
    """A gold file that cannot be used, with the file and the field named."""


def describe_validation_error(error: ValidationError) -> str:
    parts = []
    for e in error.errors():
        where = ".".join(str(x) for x in e["loc"]) or "(top level)"
        parts.append(f"{where}: {e['msg']}")
    return "; ".join(parts)


def load_gold(path: Path) -> TrialRecord:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldFileError(f"{path}: not readable JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise GoldFileError(f"{path}: expected a JSON object, found {type(data).__name__}")
    missing = [f for f in ("doc_id", "status", *SCORED_FIELDS) if f not in data]
    if missing:
        raise GoldFileError(f"{path}: missing field(s) {', '.join(missing)}")
    try:
        record = TrialRecord.model_validate(data)
    except ValidationError as exc:
        raise GoldFileError(f"{path}: {describe_validation_error(exc)}") from exc
    if record.doc_id != path.stem:
        raise GoldFileError(f"{path}: doc_id {record.doc_id!r} does not match the file name")
    return record


def output_json_schema() -> dict:
    return OutputLine.json_schema()


def gold_view(record: TrialRecord, status: str) -> dict:
    """A record as a gold file holds it: the scored fields only, in GOLD.md's order."""
    data = record.model_dump(include={"doc_id", *SCORED_FIELDS})
    for effect in data["effects"]:
        effect.pop("p_value", None)  # output only
    return {"doc_id": data["doc_id"], "status": status, **{f: data[f] for f in SCORED_FIELDS}}
