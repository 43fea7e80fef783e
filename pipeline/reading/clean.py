"""Raw page text -> clean abstract text, with a map back to the raw characters.

Real input is a web page pasted into a file: navigation and notices around the
title and abstract, Unicode spaces and minus signs, superscripts flattened by
copy-paste ("15 ± 4.5 × 106" meant 10^6). Cleaning drops the chrome (line rules in
patterns/page_chrome.jsonl), folds the Unicode variants the number grammar would
otherwise have to know, repairs flattened powers of ten, and reads what metadata the
page shows (title, journal, year, DOI, PMID, trial registrations).

Every character of the clean text knows where it came from: ``CleanText.to_raw``
turns a clean-text span into raw-file offsets, so each mention the extractors find
is reported as ``raw[start:end]``.
"""

from __future__ import annotations

import bisect
import html
import unicodedata
from dataclasses import dataclass, field

import regex

from ..records.models import Metadata
from ..resources import (
    Rule,
    fold_for_literals,
    load_mapping,
    load_rules,
    occurrences,
    required_literals,
)


# One chunk of clean text and the raw characters it came from. Where both have the
# same length the map is character by character; otherwise (a repaired power of ten,
# a decoded entity) the chunk maps to its raw stretch as a whole.
@dataclass(frozen=True)
class Segment:
    clean_start: int
    clean_len: int
    raw_start: int
    raw_len: int

    @property
    def linear(self) -> bool:
        return self.clean_len == self.raw_len


@dataclass
class CleanText:
    raw: str
    text: str
    segments: list[Segment]
    metadata: Metadata = field(default_factory=Metadata)
    # Where the segments point into an intermediate text (HTML turned to text), the map from
    # that text to the raw file.
    source_map: "CleanText | None" = None
    _starts: list[int] = field(default_factory=list, repr=False)
    # Where the whole text is one linear segment of the raw file (almost every abstract: cleaning
    # changed nothing, or cut only chrome before it), what to add to a clean offset for the raw one.
    _shift: int | None = field(default=None, repr=False)

    def __post_init__(self):
        self._starts = [s.clean_start for s in self.segments]
        if len(self.segments) == 1 and self.segments[0].linear and self.source_map is None:
            self._shift = self.segments[0].raw_start - self.segments[0].clean_start

    @property
    def html(self) -> bool:
        return self.source_map is not None

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Raw offsets of the clean span [start, end); end exclusive, end > start."""
        # Called for every mention and entity of a record, so the segment look-ups and the
        # linear tests (Segment.linear) are written out rather than called.
        if self._shift is not None:
            return start + self._shift, end + self._shift
        segments, starts = self.segments, self._starts
        first = segments[bisect.bisect_right(starts, start) - 1]
        last = segments[bisect.bisect_right(starts, end - 1) - 1]
        raw_start = first.raw_start + (start - first.clean_start if first.clean_len == first.raw_len else 0)
        if last.clean_len == last.raw_len:
            raw_end = last.raw_start + (end - last.clean_start)
        else:
            raw_end = last.raw_start + last.raw_len
        if self.source_map is not None:
            return self.source_map.to_raw(raw_start, raw_end)
        return raw_start, raw_end


class _Builder:
    def __init__(self):
        self.parts: list[str] = []
        self.segments: list[Segment] = []
        self.length = 0

    def add(self, clean: str, raw_start: int, raw_len: int) -> None:
        if not clean:
            return
        seg = Segment(self.length, len(clean), raw_start, raw_len)
        prev = self.segments[-1] if self.segments else None
        if (
            prev is not None
            and seg.linear
            and prev.linear
            and prev.raw_start + prev.raw_len == raw_start
            and prev.clean_start + prev.clean_len == self.length
        ):
            self.segments[-1] = Segment(prev.clean_start, prev.clean_len + seg.clean_len, prev.raw_start, prev.raw_len + raw_len)
        else:
            self.segments.append(seg)
        self.parts.append(clean)
        self.length += len(clean)


# Characters folded one for one: Unicode spaces to a space, minus and dash variants to
# "-", multiplication signs to "×", the Greek mu to the micro sign, "≦"/"≧" to "≤"/"≥".
# Soft hyphens, zero-width characters and byte-order marks are removed.
@dataclass(frozen=True)
class _Folds:
    table: dict[int, str]
    pattern: regex.Pattern
    ascii_sources: tuple[str, ...]  # the ASCII characters the table folds (a tab)

    def edits(self, chunk: str) -> list[tuple[int, int, str]]:
        """(start, end, replacement) of each character of ``chunk`` to fold."""
        # Most abstracts are plain ASCII, where only the ASCII characters of the table can occur:
        # checking that is far cheaper than scanning for the whole table. Without those, only the
        # stretches of other characters need scanning (see NON_ASCII_RUN).
        if not any(char in chunk for char in self.ascii_sources):
            return [(m.start(), m.end(), self.table[ord(m.group())])
                    for run_start, run_end in non_ascii_runs(chunk)
                    for m in self.pattern.finditer(chunk, run_start, run_end)]
        return [(m.start(), m.end(), self.table[ord(m.group())]) for m in self.pattern.finditer(chunk)]

    @staticmethod
    def apply(chunk: str, edits: list[tuple[int, int, str]]) -> str:
        """``chunk`` with the edits made: chunk.translate(table) from the edits found, without
        a second pass over every character."""
        parts, pos = [], 0
        for start, end, replacement in edits:
            parts += (chunk[pos:start], replacement)
            pos = end
        parts.append(chunk[pos:])
        return "".join(parts)


# Stretches of characters outside ASCII. The regex engine tests each character against a class of
# many characters (the folds) ten times slower than against this one range; where only such
# characters can match (a fold, a digit of another script, a math letter), those patterns run
# over these stretches alone.
NON_ASCII_RUN = regex.compile(r"[^\x00-\x7f]+")


def non_ascii_runs(chunk: str) -> list[tuple[int, int]]:
    if chunk.isascii():
        return []
    return [m.span() for m in NON_ASCII_RUN.finditer(chunk)]


def _folds() -> _Folds:
    mapping = load_mapping("unicode_folds.json")
    table = {}
    for target, sources in mapping["replace"].items():
        for source in sources:
            table[ord(source)] = target
    for source in mapping["remove"]:
        table[ord(source)] = ""
    chars = "".join(regex.escape(chr(c)) for c in table)
    ascii_sources = tuple(chr(code) for code in table if code < 128)
    return _Folds(table, regex.compile(f"[{chars}]"), ascii_sources)


# Decimal digits of other scripts ("٣", and digits newer than Python's Unicode tables, which the
# regex module still calls \d): folded one for one to ASCII where Python knows their value, else
# to U+FFFD, so the number grammar only ever reads 0-9.
OTHER_SCRIPT_DIGIT = regex.compile(r"(?![0-9])\d")


# Letters of the Mathematical Alphanumeric Symbols block ("𝑃 < 0.05", "𝑛 = 23": the italic P and n
# of an equation editor, kept by PubMed): folded one for one to the letter they are styled from.
MATH_LETTER = regex.compile(r"[\U0001D400-\U0001D7CB]")


def _plain_letter(char: str) -> str:
    plain = unicodedata.normalize("NFKC", char)
    return plain if len(plain) == 1 else char


def _ascii_digit(char: str) -> str:
    value = unicodedata.digit(char, None)
    return "\ufffd" if value is None else str(value)


# A flattened superscript: "× 106" (10^6) after a mantissa and a multiplication sign.
# The exponent is one digit, or two starting with 1 ("× 1012"); "× 100" is left alone.
FLATTENED_POWER_OF_TEN = regex.compile(
    r"(?<=\d ?[×xX*] ?)10(?P<exponent>[1-9]|1[0-9])(?![\d.,])"
)


# --- Whitespace -------------------------------------------------------------------------------
# Text pasted from PDFs and web pages puts any whitespace between the parts of a mention: a run
# of spaces, a Unicode space, a line break ("P\n= 0.05", "n =\n23", "10\nmg"). The rules read
# one space, so cleaning makes every whitespace run inside a sentence one space. A line break
# stays a line break only where it is structure: a blank line (paragraph), the end of a sentence
# or heading before a capitalized line, a heading or a list item starting the next line.

# A run worth looking at: two or more whitespace characters, or one that is not a plain space.
# (Single Unicode spaces are folded one for one by the table; they are caught here only when
# they sit next to other whitespace.) Written as "a whitespace character, then either more of
# them or, where it was not a plain space, whatever whitespace follows" rather than
# r"\s{2,}|[^\S ]": the same matches, but the engine skips ahead to the next whitespace character
# instead of trying both alternatives at every position (twice as fast over an abstract).
WHITESPACE_RUN = regex.compile(r"\s(?:\s+|(?<=[^\S ])\s*)")
LINE_BREAK = regex.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
# Ends a sentence, heading or label: a line break after it may be structure.
ENDS_CLAUSE = frozenset(".!?:;")
# A line that starts a heading ("RESULTS:", "Main outcome measures:") or a list item ("- Age
# 18-75", "2) ALS", "• ALS"): the line break before it is structure.
STRUCTURE_START = regex.compile(
    r"(?:[A-Z][A-Za-z]*(?: [A-Za-z]+){0,4} ?:(?!\d)|[-•*·▪◦●‣] |\(?\d{1,2}[.)] (?=[A-Z]))"
)


def _is_whitespace(char: str) -> bool:
    """Whether ``char`` is \\s to the regex module: Python's whitespace but for \\x1c-\\x1f."""
    return char.isspace() and not "\x1c" <= char <= "\x1f"


# Above this many characters outside ASCII, or places to widen, a chunk's runs are found by the
# pattern (text dense with whitespace: a Python loop per place would cost more than the scan).
NON_ASCII_CHARACTERS_READ = 200
WHITESPACE_PLACES_READ = 200


def whitespace_runs(chunk: str) -> list[tuple[int, int]]:
    """(start, end) of each WHITESPACE_RUN match in ``chunk``: each stretch of whitespace longer
    than one character, or of one that is not a space."""
    # Scanning for WHITESPACE_RUN costs some 10 ns a character. Each such stretch holds a
    # whitespace character other than a space, or two spaces, and those few places are found by
    # substring searches (outside ASCII, by reading the characters of the stretches there); each
    # is then widened to its whole stretch.
    runs = non_ascii_runs(chunk)
    if sum(end - start for start, end in runs) > NON_ASCII_CHARACTERS_READ:
        return [run.span() for run in WHITESPACE_RUN.finditer(chunk)]
    places = [at for start, end in runs for at in range(start, end) if _is_whitespace(chunk[at])]
    for needle in ("\n", "  ", "\t", "\r", "\v", "\f"):
        for at in occurrences(chunk, needle):
            if len(places) == WHITESPACE_PLACES_READ:
                return [run.span() for run in WHITESPACE_RUN.finditer(chunk)]
            places.append(at)
    found = []
    end = 0
    for place in sorted(places):
        if place < end:
            continue  # in the stretch just found
        start, end = place, place + 1
        while start > 0 and _is_whitespace(chunk[start - 1]):
            start -= 1
        while end < len(chunk) and _is_whitespace(chunk[end]):
            end += 1
        found.append((start, end))
    return found


def whitespace_edits(chunk: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) that make each whitespace run of ``chunk`` one space, or one
    line break where the break is structure (see above). A blank line is left as written."""
    edits = []
    for start, end in whitespace_runs(chunk):
        breaks = len(LINE_BREAK.findall(chunk, start, end))
        if breaks >= 2:
            continue  # a paragraph break
        if breaks == 0:
            replacement = " "
        else:
            before = chunk[start - 1] if start > 0 else ""
            after = chunk[end] if end < len(chunk) else ""
            structure = (
                not before or not after
                or STRUCTURE_START.match(chunk, end) is not None
                or (before in ENDS_CLAUSE and not after.islower())
            )
            replacement = "\n" if structure else " "
        if chunk[start:end] != replacement:
            edits.append((start, end, replacement))
    return edits


# "0·003": a decimal written with the middle dot (the Lancet's style, kept by PubMed) reads as "0.003".
MIDDLE_DOT_DECIMAL = regex.compile(r"(?<=\d)·(?=\d)")
# "P = 0. 05", "0. 7x10^6": a decimal split by a space after the point, as PDF extraction leaves
# it. Only after a lone leading zero, where no sentence ends ("at week 2. 25 patients" stays).
SPLIT_DECIMAL = regex.compile(r"(?<![\w.,])0\.(?P<gap>\s{1,4})(?=\d)")


# HTML page source saved as text: recognised by its opening or by a run of common tags.
HTML_START = regex.compile(r"\A\s*(?:<!DOCTYPE\s+html|<html\b|<\?xml[^>]{0,200}>\s*<html\b)", regex.I)
HTML_TAG = regex.compile(r"</?(?:p|div|br|span|body|head|title|h[1-6]|li|ul|table|td|tr|a|meta|section|article)\b[^<>]{0,500}>", regex.I)
# Comments, invisible blocks, tags and character references, in one linear pass: the block
# bodies are scanned without nested quantifiers, and a tag may not run past 2,000 characters.
HTML_PIECE = regex.compile(
    r"<!--(?:[^-]|-(?!->)){0,1000000}-->"
    r"|<(?P<block>script|style|noscript|template)\b[^>]{0,2000}>(?:[^<]|<(?!/(?P=block)\s*>)){0,5000000}</(?P=block)\s*>"
    r"|<(?P<closing>/?)(?P<tag>[A-Za-z][A-Za-z0-9]{0,20})?[^<>]{0,2000}>"
    r"|&(?P<entity>#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?",
    regex.I,
)
# Tags that break a line, so paragraphs and headings stay apart in the text.
HTML_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr td th table section article header footer title "
    "blockquote dd dt dl pre hr nav aside main form figure figcaption".split()
)


def looks_like_html(raw: str) -> bool:
    if HTML_START.match(raw):
        return True
    return sum(1 for _ in zip(range(5), HTML_TAG.finditer(raw, 0, 100_000))) >= 5


def html_to_text(raw: str) -> CleanText:
    """Tags and comments out, character references decoded; each piece mapped to its raw stretch."""
    builder = _Builder()
    pos = 0
    for piece in HTML_PIECE.finditer(raw):
        builder.add(raw[pos:piece.start()], pos, piece.start() - pos)
        entity = piece.group("entity")
        if entity is not None:
            decoded = html.unescape(piece.group())
            # an unknown name stays as written
            builder.add(decoded, piece.start(), piece.end() - piece.start())
        elif (piece.group("tag") or "").lower() in HTML_BLOCK_TAGS:
            builder.add("\n", piece.start(), piece.end() - piece.start())
        pos = piece.end()
    builder.add(raw[pos:], pos, len(raw) - pos)
    if not builder.segments:
        builder.segments.append(Segment(0, 0, 0, 0))
    return CleanText(raw, "".join(builder.parts), builder.segments)


# No word of prose runs for hundreds of characters without a space; such a run (a URL, base64,
# a table squashed to one line, 10k nested brackets) makes spaCy's tokenizer quadratic in its
# length. A space is inserted every BREAK_EVERY characters of it; offsets are unaffected.
# (Looked for only where a run starts: the same matches, at half the cost of trying everywhere.)
LONG_RUN_LENGTH = 1000
LONG_RUN = regex.compile(rf"(?<!\S)\S{{{LONG_RUN_LENGTH},}}")
BREAK_EVERY = 500


def may_hold_long_run(chunk: str) -> bool:
    """False where ``chunk`` certainly holds no LONG_RUN: every piece between its spaces and line
    breaks (whitespace in any definition) is shorter than one. Splitting is far cheaper than the
    regular expression, which then runs only on the rare chunk with a long piece."""
    if len(chunk) < LONG_RUN_LENGTH:
        return False
    # A piece of LONG_RUN_LENGTH characters covers a whole block of half that length starting at a
    # multiple of it; where every such block holds a space or a line break (as in any prose), no
    # piece is that long, which a few substring searches show without splitting the chunk.
    block = LONG_RUN_LENGTH // 2
    if all(chunk.find(" ", at, at + block) >= 0 or chunk.find("\n", at, at + block) >= 0
           for at in range(0, len(chunk) - block + 1, block)):
        return False
    return max(map(len, chunk.replace("\n", " ").split(" "))) >= LONG_RUN_LENGTH


class Cleaner:
    """Built once per pipeline: compiles the chrome and metadata rules from patterns/."""

    def __init__(self):
        self._folds = _folds()
        rules = load_rules("page_chrome.jsonl")
        self._drop_line = _fullmatch_any([r for r in rules if r.label == "DROP_LINE"])
        self._drop_block = [r.compiled() for r in rules if r.label == "DROP_BLOCK"]
        self._drop_rest = [r.compiled() for r in rules if r.label == "DROP_REST"]
        self._citation = [r.compiled() for r in rules if r.label == "CITATION"]
        # Each registration rule's literals, as its prefilter compares them: as written, with the
        # page itself, for a case-sensitive rule ("NCT" is on few pages, "nct" on most: "function"),
        # case-folded, with the folded page, for the others.
        self._registrations = []
        for r in load_rules("registrations.jsonl"):
            sensitive = r.case == "sensitive" and required_literals(r.pattern, case_sensitive=True) is not None
            literals = required_literals(r.pattern, case_sensitive=sensitive)
            self._registrations.append((r.id, r.compiled(), literals, sensitive))
        # The literals of all registration rules together: each is looked for in a page once,
        # not once per rule that needs it.
        self._registration_literals = {
            sensitive: sorted({literal for _, _, literals, same in self._registrations
                               if same == sensitive and literals is not None for literal in literals})
            for sensitive in (True, False)
        }
        self._doi = regex.compile(r"\bdoi:?\s*(10\.\d{4,9}/[^\s\"<>]+?)(?=[.,;]?(?:\s|$))", regex.I)
        self._pmid = regex.compile(r"\bPMID:?\s*(\d{1,9})\b")
        self._year = regex.compile(r"\b(?:19[5-9]\d|20[0-4]\d)\b")

    def __call__(self, raw: str) -> CleanText:
        source_map = html_to_text(raw) if looks_like_html(raw) else None
        source = source_map.text if source_map is not None else raw
        lines = self._lines(source)
        # The citation matches of each line: read for the metadata, and the line is dropped.
        citations = [[found for pattern in self._citation if (found := pattern.fullmatch(content))]
                     for _, _, content in lines]
        metadata = self._metadata(source, lines, citations)
        builder = _Builder()
        for start, end in self._kept_ranges(lines, citations):
            self._fold_into(builder, source, start, end)
        text = "".join(builder.parts)
        if not builder.segments:
            builder.segments.append(Segment(0, 0, 0, 0))
        metadata = Metadata.model_construct(title=_first_line(text), **metadata)
        return CleanText(raw, text, builder.segments, metadata, source_map)

    @staticmethod
    def _lines(raw: str) -> list[tuple[int, int, str]]:
        """(start, end including the line break, stripped content) for each line."""
        lines, pos = [], 0
        for line in raw.splitlines(keepends=True):
            lines.append((pos, pos + len(line), line.strip()))
            pos += len(line)
        return lines

    def _kept_ranges(self, lines, citations):
        kept = []
        skipping_block = False
        for (start, end, content), cited in zip(lines, citations):
            if skipping_block:
                # A dropped heading's block runs to the first blank line after some content.
                if content:
                    skipping_block = "in_block"
                    continue
                if skipping_block == "in_block":
                    skipping_block = False
                continue
            if any(p.fullmatch(content) for p in self._drop_rest):
                break
            if any(p.fullmatch(content) for p in self._drop_block):
                skipping_block = True
                continue
            if cited or any(p.fullmatch(content) for p in self._drop_line):
                continue
            if kept and kept[-1][1] == start:
                kept[-1] = (kept[-1][0], end)
            else:
                kept.append((start, end))
        return kept

    def _fold_into(self, builder: _Builder, raw: str, start: int, end: int) -> None:
        pos = start
        chunk = raw[start:end]
        fold_edits = self._folds.edits(chunk)
        edits = list(fold_edits)
        if not chunk.isascii():
            runs = non_ascii_runs(chunk)
            edits.extend((m.start(), m.end(), _ascii_digit(m.group()))
                         for run in runs for m in OTHER_SCRIPT_DIGIT.finditer(chunk, *run))
            edits.extend((m.start(), m.end(), _plain_letter(m.group()))
                         for run in runs for m in MATH_LETTER.finditer(chunk, *run))
        folded_once = self._folds.apply(chunk, fold_edits) if edits else chunk
        # Folding is length-preserving except for removed characters; repair powers of ten
        # on the folded text, then emit copies and edits in raw order.
        for m in FLATTENED_POWER_OF_TEN.finditer(folded_once if not any(e[2] == "" for e in edits) else chunk):
            edits.append((m.start(), m.end(), "10^" + m.group("exponent")))
        if may_hold_long_run(chunk):
            for run in LONG_RUN.finditer(chunk):
                edits.extend((at, at, " ") for at in range(run.start() + BREAK_EVERY, run.end(), BREAK_EVERY))
        if "·" in chunk:
            edits.extend((m.start(), m.end(), ".") for m in MIDDLE_DOT_DECIMAL.finditer(chunk))
        # Whitespace edits replace whole runs: the folds of single spaces inside a run give way.
        spaces = [(m.start("gap"), m.end("gap"), "") for m in SPLIT_DECIMAL.finditer(chunk)]
        spaces += [e for e in whitespace_edits(chunk) if not any(s <= e[0] < t for s, t, _ in spaces)]
        if spaces:
            edits = [e for e in edits if not any(s <= e[0] < t for s, t, _ in spaces)] + spaces
        edits.sort()
        for e_start, e_end, replacement in edits:
            if start + e_start < pos:
                continue
            builder.add(raw[pos : start + e_start], pos, start + e_start - pos)
            builder.add(replacement, start + e_start, e_end - e_start)
            pos = start + e_end
        builder.add(raw[pos:end], pos, end - pos)

    def _metadata(self, raw: str, lines, citations) -> dict:
        """The metadata fields the page shows (all but the title). Gathered as plain values and
        put in the model at once (Metadata.model_construct: the values are of the fields' types
        already), not by one pydantic assignment each."""
        meta = {}
        for matches in citations:
            for found in matches:
                if meta.get("journal") is None:
                    groups = found.groupdict()
                    meta["journal"] = groups.get("journal")
                    if groups.get("year"):
                        meta["year"] = int(groups["year"])
        doi = self._doi.search(raw)
        if doi:
            meta["doi"] = doi.group(1)
        pmid = self._pmid.search(raw)
        if pmid:
            meta["pmid"] = pmid.group(1)
        if meta.get("year") is None:
            for _, _, content in lines:
                if content.lower().startswith(("publication date", "published", "epub")):
                    year = self._year.search(content)
                    if year:
                        meta["year"] = int(year.group())
                        break
        seen = []
        # Most pages name no registry: see resources.required_literals.
        present = {True: {literal for literal in self._registration_literals[True] if literal in raw}}
        if self._registration_literals[False]:
            folded = fold_for_literals(raw)
            present[False] = {literal for literal in self._registration_literals[False] if literal in folded}
        for registry, pattern, literals, sensitive in self._registrations:
            if literals is not None and literals.isdisjoint(present[sensitive]):  # resources.could_match, for each rule
                continue
            for found in pattern.finditer(raw):
                number = found.groupdict().get("number")
                identifier = f"{registry} {number}" if number else found.group().strip()
                if identifier not in seen:
                    seen.append(identifier)
        meta["registrations"] = seen
        return meta


INLINE_FLAG_OR_NAMED_GROUP = regex.compile(r"\(\?[^:=!<]")


def _fullmatch_any(rules) -> list[regex.Pattern]:
    """Patterns that fullmatch a line where one of ``rules`` does. Rules of a case mode without
    groups or inline flags are joined as one alternation: one call per line instead of one per
    rule (a page is a line or two, so the calls were most of the cost)."""
    patterns, joined = [], {}
    for rule in rules:
        compiled = rule.compiled()
        if compiled.groups or INLINE_FLAG_OR_NAMED_GROUP.search(rule.pattern):
            patterns.append(compiled)
        else:
            joined.setdefault(rule.case, []).append(f"(?:{rule.pattern})")
    for case, alternatives in joined.items():
        patterns.append(Rule(label="", pattern="|".join(alternatives), case=case).compiled())
    return patterns


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line
    return None
