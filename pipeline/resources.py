"""Loading the data files in patterns/ (shipped inside the package as ``pipeline.patterns``).

One rule format for every component, after spaCy's SpanRuler and medspaCy: a JSONL
file of ``{"label": ..., "pattern": ..., "id": ...}`` lines. ``pattern`` is a regular
expression (``regex`` module syntax, matched case-insensitively unless the rule says
``"case": "sensitive"``). Mappings (units, number words) are JSON objects loaded with
duplicate keys rejected, as quantulum3 does for its unit file.

Everything here is read once per process and cached; callers get copies or
immutable tuples, so nothing a component does can change what the next one sees.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import regex
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator


class PatternFileError(ValueError):
    """A data file in patterns/ that is malformed; names the file and the line."""


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    pattern: str
    id: str | None = None
    case: Literal["insensitive", "sensitive"] = "insensitive"

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        try:
            regex.compile(pattern)
        except regex.error as exc:
            raise ValueError(f"pattern does not compile: {exc}") from exc
        return pattern

    def compiled(self) -> regex.Pattern:
        if self.case == "sensitive":
            return regex.compile(self.pattern, regex.V1)
        # V1 with IGNORECASE turns on full case folding ("ß" = "ss"), which makes matching many
        # times slower and which no rule here needs: "(?-f)" keeps simple folding.
        return regex.compile("(?-f)" + self.pattern, regex.V1 | regex.IGNORECASE)


# In an installed package patterns/ is the subpackage pipeline.patterns; in a source checkout
# imported without installing, it is the folder beside pipeline/.
_SOURCE_PATTERNS = Path(__file__).resolve().parent.parent / "patterns"


def read_pattern_bytes(name: str) -> bytes:
    try:
        folder = resources.files("pipeline.patterns")
    except ModuleNotFoundError:
        folder = _SOURCE_PATTERNS
    return folder.joinpath(name).read_bytes()


def read_pattern_text(name: str) -> str:
    return read_pattern_bytes(name).decode("utf-8")


@lru_cache(maxsize=None)
def load_rules(name: str) -> tuple[Rule, ...]:
    rules = []
    for number, line in enumerate(read_pattern_text(name).splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            rules.append(Rule.model_validate_json(line))
        except ValidationError as exc:
            raise PatternFileError(f"patterns/{name}:{number}: {exc}") from exc
    return tuple(rules)


def _reject_duplicate_keys(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise PatternFileError(f"duplicate key {key!r}")
        seen[key] = value
    return seen


@lru_cache(maxsize=None)
def _load_mapping_cached(name: str) -> str:
    text = read_pattern_text(name)
    try:
        json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except PatternFileError as exc:
        raise PatternFileError(f"patterns/{name}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise PatternFileError(f"patterns/{name}: {exc}") from exc
    return text


def load_mapping(name: str) -> dict:
    """A fresh copy of a JSON mapping from patterns/, duplicate keys rejected."""
    return json.loads(_load_mapping_cached(name))


@lru_cache(maxsize=None)
def load_word_list(name: str) -> frozenset[str]:
    """A plain list: one entry a line, '#' starts a comment."""
    words = set()
    for line in read_pattern_text(name).splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(line)
    return frozenset(words)


def route_names() -> frozenset[str]:
    """GOLD.md's route vocabulary: what ``route`` may be."""
    return load_word_list("route_names.txt")


@lru_cache(maxsize=None)
def _unit_vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    units = load_mapping("units.json")
    return frozenset(units["units"]), frozenset(units["denominators"])


def unit_is_valid(unit: str) -> bool:
    """A canonical unit: a base unit followed by any number of '/denominator'."""
    bases, denominators = _unit_vocabulary()
    head, *per = unit.split("/")
    return head in bases and all(d in denominators for d in per)
