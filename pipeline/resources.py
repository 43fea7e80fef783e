"""Loading the data files in patterns/ (shipped inside the package as ``trialfacts.patterns``).

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
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import regex
from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    field_validator,
)


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
    def _compiles(cls, pattern: str, info: ValidationInfo) -> str:
        if info.context and info.context.get("phrases"):
            return pattern  # a surface form (see load_rules), never compiled
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


# In an installed package patterns/ is the subpackage trialfacts.patterns; in a source checkout
# imported without installing, it is the folder beside pipeline/.
_SOURCE_PATTERNS = Path(__file__).resolve().parent.parent / "patterns"


def read_pattern_bytes(name: str) -> bytes:
    try:
        folder = resources.files("trialfacts.patterns")
    except ModuleNotFoundError:
        folder = _SOURCE_PATTERNS
    return folder.joinpath(name).read_bytes()


def read_pattern_text(name: str) -> str:
    return read_pattern_bytes(name).decode("utf-8")


@lru_cache(maxsize=None)
def load_rules(name: str, phrases: bool = False) -> tuple[Rule, ...]:
    """The rules of a file in patterns/. With ``phrases``, each pattern is the surface form of a
    phrase (the lexicon's own terms), not a regular expression, and is not compiled to check it:
    hundreds of compiles were a tenth of the pipeline's loading time."""
    rules = []
    context = {"phrases": phrases}
    for number, line in enumerate(read_pattern_text(name).splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            rules.append(Rule.model_validate_json(line, context=context))
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
    also = units.get("also_valid", {})
    return (frozenset([*units["units"], *also.get("units", [])]),
            frozenset([*units["denominators"], *also.get("denominators", [])]))


def unit_is_valid(unit: str) -> bool:
    """A canonical unit: a base unit followed by any number of '/denominator'."""
    bases, denominators = _unit_vocabulary()
    head, *per = unit.split("/")
    return head in bases and all(d in denominators for d in per)


# --- Literal prefilters -----------------------------------------------------------------------
# Most rules cannot match a given text at all, and the regex engine finds that out slowly: it scans
# for an alternation ("\borally\b|\boral\b|\bper os\b") one position at a time, at some 40 ns a
# character, where a plain substring search takes nanoseconds for the whole text. So each rule also
# gets the literal strings one of which every match of it contains ("orally"/"oral"/"per os"), read
# from the parsed pattern, and it is run only on a text that holds one of them (the prefilter of
# RE2 and Hyperscan). The strings are compared case-folded, so one check serves a rule whatever
# its case mode. A pattern the reader does not understand gets no prefilter and always runs.
try:  # the standard library's regular-expression parser (public as sre_parse before 3.11)
    import re._parser as _sre_parse
    from re._constants import (
        ASSERT,
        ASSERT_NOT,
        AT,
        BRANCH,
        LITERAL,
        MAX_REPEAT,
        MIN_REPEAT,
        SUBPATTERN,
    )
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre_parse
    from sre_constants import (
        ASSERT,
        ASSERT_NOT,
        AT,
        BRANCH,
        LITERAL,
        MAX_REPEAT,
        MIN_REPEAT,
        SUBPATTERN,
    )

_REPEATS = {MAX_REPEAT, MIN_REPEAT} | {getattr(_sre_parse, "POSSESSIVE_REPEAT", MAX_REPEAT)}
_ATOMIC_GROUP = getattr(_sre_parse, "ATOMIC_GROUP", None)
# Zero-width items: the characters on either side of one are adjacent in the match.
_ZERO_WIDTH = {AT, ASSERT, ASSERT_NOT}

Literals = frozenset[str]

# regex-module syntax that the standard parser would read as literal characters: a nested set
# ("[[a-z]--[aeiou]]" in V1) and a fuzzy constraint ("(?:foo){e<=1}").
_NOT_STANDARD_SYNTAX = re.compile(r"\[(?:\\.|[^\]\\])*\[|\{[a-z]")


def fold_for_literals(text: str) -> str:
    """``text`` as the prefilters compare it: case-folded, so that every character the regex
    module's case-insensitive matching takes for a letter of a rule ("K" for "k", "ſ" for "s")
    folds to that letter; "İ" folds to "i" and a combining dot, which is dropped."""
    return text.casefold().replace("i\u0307", "i")


@lru_cache(maxsize=None)
def required_literals(pattern: str) -> Literals | None:
    """Case-folded strings one of which every match of ``pattern`` contains, or None where none
    can be read off the pattern (it then has no prefilter)."""
    if _NOT_STANDARD_SYNTAX.search(pattern):
        return None
    try:
        parsed = _sre_parse.parse(pattern)
    except Exception:  # noqa: BLE001 - regex-module syntax the standard parser lacks
        return None
    literals = _sequence_literals(list(parsed))
    return frozenset(fold_for_literals(s) for s in literals) if literals else None


def could_match(literals: Literals | None, folded_text: str) -> bool:
    """False only where no match is possible: none of the literals is in the folded text."""
    return literals is None or any(literal in folded_text for literal in literals)


def _sequence_literals(items) -> Literals | None:
    """The best of the literal sets a sequence of parsed items requires: each run of literal
    characters is one ("\\bintravenous(?:ly)?\\b" needs "intravenous"), and so is each group,
    alternation or repeat that must match at least once."""
    best = None
    run: list[str] = []
    for op, argument in items:
        if op is LITERAL:
            run.append(chr(argument))
            continue
        if op in _ZERO_WIDTH:
            continue
        if run:
            best = _better(best, frozenset(["".join(run)]))
            run = []
        if op is SUBPATTERN:
            best = _better(best, _sequence_literals(list(argument[-1])))
        elif op is _ATOMIC_GROUP:
            best = _better(best, _sequence_literals(list(argument)))
        elif op is BRANCH:
            branches = [_sequence_literals(list(branch)) for branch in argument[1]]
            if all(branches):
                best = _better(best, frozenset().union(*branches))
        elif op in _REPEATS and argument[0] >= 1:
            best = _better(best, _sequence_literals(list(argument[2])))
    if run:
        best = _better(best, frozenset(["".join(run)]))
    return best


def _better(a: Literals | None, b: Literals | None) -> Literals | None:
    """The more selective of two literal sets: the longer shortest string, then fewer strings."""
    if not a or not b:
        return a or b
    return min(a, b, key=lambda s: (-min(map(len, s)), len(s)))
