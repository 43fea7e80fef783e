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
from collections.abc import Iterator
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


# V1 with IGNORECASE turns on full case folding ("ß" = "ss"), which makes matching many times
# slower and which no rule here needs: a pattern starting with this keeps simple folding.
NO_FULLCASE = "(?-f)"


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
        return regex.compile(NO_FULLCASE + self.pattern, regex.V1 | regex.IGNORECASE)


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
        AT_BOUNDARY,
        BRANCH,
        IN,
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
        AT_BOUNDARY,
        BRANCH,
        IN,
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
def required_literals(pattern: str, lookarounds: bool = False, case_sensitive: bool = False) -> Literals | None:
    """Case-folded strings one of which every match of ``pattern`` contains, or None where none
    can be read off the pattern (it then has no prefilter). With ``lookarounds``, strings that a
    positive lookahead or lookbehind requires next to the match count too: they are in the text,
    if not in the match ("=" for "(?<![\\w-])[rt](?= ?=)"). For a ``case_sensitive`` pattern
    without inline flags, the strings as written, to compare with the text itself ("OR" is in
    fewer texts than "or")."""
    parsed = parse_pattern(pattern)
    if case_sensitive and parsed is not None and _has_inline_flags(parsed):
        return None
    literals = _sequence_literals(list(parsed), lookarounds) if parsed is not None else None
    if not literals:
        return None
    return frozenset(literals) if case_sensitive else frozenset(fold_for_literals(s) for s in literals)


def _has_inline_flags(parsed) -> bool:
    """Whether a parsed pattern sets its own case mode, whole ("(?i)") or in part ("(?-i:...)")."""
    return bool(parsed.state.flags & re.IGNORECASE) or _scoped_flags(parsed)


def _scoped_flags(items) -> bool:
    for op, argument in items:
        if op is SUBPATTERN and (argument[1] or argument[2] or _scoped_flags(argument[-1])):
            return True
        if op is BRANCH and any(_scoped_flags(branch) for branch in argument[1]):
            return True
        if op in _REPEATS and _scoped_flags(argument[2]):
            return True
        if op in (ASSERT, ASSERT_NOT) and _scoped_flags(argument[1]):
            return True
        if op is _ATOMIC_GROUP and _scoped_flags(argument):
            return True
    return False


def parse_pattern(pattern: str):
    """The standard parser's reading of a rule, or None where it would misread the pattern."""
    if _NOT_STANDARD_SYNTAX.search(pattern):
        return None
    try:
        return _sre_parse.parse(pattern)
    except Exception:  # noqa: BLE001 - regex-module syntax the standard parser lacks
        return None


def could_match(literals: Literals | None, folded_text: str) -> bool:
    """False only where no match is possible: none of the literals is in the folded text."""
    return literals is None or any(literal in folded_text for literal in literals)


def _sequence_literals(items, lookarounds: bool = False) -> Literals | None:
    """The best of the literal sets a sequence of parsed items requires: each run of literal
    characters is one ("\\bintravenous(?:ly)?\\b" needs "intravenous"), and so is each group,
    alternation or repeat that must match at least once (and, with ``lookarounds``, each positive
    lookaround)."""
    best = None
    run: list[str] = []
    for op, argument in items:
        if op is LITERAL:
            run.append(chr(argument))
            continue
        if op is ASSERT and lookarounds:
            best = _better(best, _sequence_literals(list(argument[1]), lookarounds))
        if op in _ZERO_WIDTH:
            continue
        if run:
            best = _better(best, frozenset(["".join(run)]))
            run = []
        if op is SUBPATTERN:
            best = _better(best, _sequence_literals(list(argument[-1]), lookarounds))
        elif op is _ATOMIC_GROUP:
            best = _better(best, _sequence_literals(list(argument), lookarounds))
        elif op is BRANCH:
            branches = [_sequence_literals(list(branch), lookarounds) for branch in argument[1]]
            if all(branches):
                best = _better(best, frozenset().union(*branches))
        elif op in _REPEATS and argument[0] >= 1:
            best = _better(best, _sequence_literals(list(argument[2]), lookarounds))
    if run:
        best = _better(best, frozenset(["".join(run)]))
    return best


def _better(a: Literals | None, b: Literals | None) -> Literals | None:
    """The more selective of two literal sets: the longer shortest string, then fewer strings."""
    if not a or not b:
        return a or b
    return min(a, b, key=lambda s: (-min(map(len, s)), len(s)))


# --- Opening literals -------------------------------------------------------------------------
# The regex engine finds a pattern fast where every match contains one literal string (it searches
# for it as a prefilter would); an alternation of words ("\b(?:rates?|incidences?|...)\b") it
# tries at every position of the text, some 20 to 40 ns a character. Where every match opens with
# one of a few literals, searching for each literal alone and trying the pattern only where one
# occurs finds the same matches many times faster.

# At most this many opening strings: a pattern opening with more is searched for as it is.
OPENINGS_LIMIT = 16


@lru_cache(maxsize=None)
def opening_literals(pattern: str) -> frozenset[str] | None:
    """Strings, as written in the pattern (not case-folded), one of which every match of
    ``pattern`` starts with; None where the openings cannot be read off the pattern, one of
    them would be empty, or there are more than OPENINGS_LIMIT."""
    parsed = parse_pattern(pattern)
    if parsed is None or _has_inline_flags(parsed):
        return None  # a part in another case mode than the rule's: its openings' mode would differ
    found = _openings(list(parsed))
    return frozenset(found) if found else None


def _class_characters(argument) -> list[str] | None:
    """The characters of a plain class ("[sz]"); None for a range, a category or a negation."""
    characters = []
    for op, value in argument:
        if op is not LITERAL:
            return None
        characters.append(chr(value))
    return characters


def _openings(items) -> set[str] | None:
    heads = [""]
    for index, (op, argument) in enumerate(items):
        if op in _ZERO_WIDTH:
            continue
        if op is LITERAL:
            heads = [head + chr(argument) for head in heads]
            continue
        characters = _class_characters(argument) if op is IN else None
        if characters and len(heads) * len(characters) <= OPENINGS_LIMIT:
            heads = [head + c for head in heads for c in characters]
            continue
        if heads != [""]:
            return set(heads)  # the literal run so far opens every match
        rest = items[index + 1 :]
        if op is SUBPATTERN:
            return _openings(list(argument[-1]) + rest)
        if op is BRANCH:
            branches = [_openings(list(branch) + rest) for branch in argument[1]]
            return _union(branches)
        if op in _REPEATS:
            low, _, body = argument
            taken = _openings(list(body))  # not + rest: the body may repeat before the rest
            return taken if low >= 1 else _union([taken, _openings(rest)])
        return None
    return set(heads) if heads != [""] else None


def _union(sets: list[set[str] | None]) -> set[str] | None:
    if any(s is None for s in sets):
        return None
    union = set().union(*sets)
    return union if len(union) <= OPENINGS_LIMIT else None


@lru_cache(maxsize=None)
def search_openings(pattern: str, case_sensitive: bool) -> tuple[tuple[str, regex.Pattern], ...] | None:
    """The openings to search a rule by (finditer_at_openings), each as the prefilters compare it
    (case-folded, or as written for a case-sensitive rule) with its literal pattern in the rule's
    case mode; None where the rule is best run as it is: one literal is in every match (the engine
    searches for it itself), or an opening is a single character (found all over a text)."""
    literals = required_literals(pattern)
    openings = opening_literals(pattern)
    if (literals is not None and len(literals) == 1) or not openings or min(map(len, openings)) < 2:
        return None
    if case_sensitive:
        return tuple((o, regex.compile(regex.escape(o), regex.V1)) for o in sorted(openings))
    flags = regex.V1 | regex.IGNORECASE
    return tuple((fold_for_literals(o), regex.compile("(?-f)" + regex.escape(o), flags)) for o in sorted(openings))


def finditer_at_openings(pattern: regex.Pattern, openings: tuple[regex.Pattern, ...], text: str) -> list[regex.Match]:
    """``list(pattern.finditer(text))`` for a pattern whose every match starts where one of
    ``openings`` matches: the pattern is tried at each such place, left to right, skipping those
    inside the last match. (A match at a place sees the text before it, as in a search.)"""
    return matches_at(pattern, {m.start() for opening in openings for m in opening.finditer(text, overlapped=True)}, text)


def occurrences(text: str, needle: str) -> Iterator[int]:
    """Every position where ``needle`` stands in ``text``, overlapping ones too. A few substring
    searches find the places a pattern can start far faster than the engine scans every position."""
    at = text.find(needle)
    while at >= 0:
        yield at
        at = text.find(needle, at + 1)


def matches_at(pattern: regex.Pattern, starts: set[int], text: str) -> list[regex.Match]:
    """``list(pattern.finditer(text))`` for a pattern whose every match starts at one of ``starts``:
    it is tried at each, left to right, skipping those inside the last match."""
    matches = []
    end = 0
    for start in sorted(starts):
        if start >= end and (match := pattern.match(text, start)) is not None:
            matches.append(match)
            end = match.end()
    return matches


def openings_at_word_boundary(
    pattern: str, openings: tuple[tuple[str, regex.Pattern], ...] | None
) -> tuple[tuple[str, regex.Pattern], ...] | None:
    """A rule's openings (resources.search_openings), each searched for only after a word boundary
    where every match of the rule starts at one: "iv" is in "positive", "me" in "time", "peri" in
    "experience", and each place found costs a try of the rule."""
    if openings is None or not _opens_at_word_boundary(pattern):
        return openings
    return tuple((literal, _at_word_boundary(opening)) for literal, opening in openings)


def _opens_at_word_boundary(pattern: str) -> bool:
    """Whether every match of a pattern starts at a word boundary: each of its branches opens
    with "\\b", after lookarounds only ("\\bIV\\b|(?<![(\\[])\\biv\\b")."""
    parsed = parse_pattern(pattern)
    return parsed is not None and _items_open_at_word_boundary(list(parsed))


def _items_open_at_word_boundary(items) -> bool:
    for op, argument in items:
        if op is AT and argument is AT_BOUNDARY:
            return True
        if op in (ASSERT, ASSERT_NOT, AT):
            continue  # zero-width: the boundary may come after it, at the same place
        if op is BRANCH:
            return all(_items_open_at_word_boundary(list(branch)) for branch in argument[1])
        if op is SUBPATTERN and not (argument[1] or argument[2]):  # a group in the pattern's own mode
            return _items_open_at_word_boundary(list(argument[-1]))
        return False
    return False


def _at_word_boundary(opening: regex.Pattern) -> regex.Pattern:
    """An opening's pattern that matches only after a word boundary, in the same case mode."""
    mode = NO_FULLCASE if opening.pattern.startswith(NO_FULLCASE) else ""
    return regex.compile(mode + r"\b" + opening.pattern[len(mode):], opening.flags)
