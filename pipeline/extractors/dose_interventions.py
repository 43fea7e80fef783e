"""Which study intervention each dose is of (GOLD.md "doses", `intervention`).

A dose's intervention is one mention of a name: the one the amount is attached to ("hydroxychloroquine
400 mg", "400 mg of hydroxychloroquine", "received 400 mg hydroxychloroquine", "MSC-NTF cells
(1.5 x 10^6/kg)"), else the closest mention before it. The names come from:

- the lexicon's DRUG and CELL_PRODUCT entities (passed in by the component);
- words the lexicon does not hold, from patterns/intervention_names.jsonl: comparators ("placebo",
  "saline"), substances its filter drops ("nicotine", "secretin", "interferon"), words ending in an
  INN stem ("-mab", "-vir", "-caine") and words before a salt ("Ozagrel Hydrochloride");
- abbreviations the document defines for one of those, or for a product ("Shenfu Injection (SFI)");
- the counted cell noun of a cell dose ("10^7 BCG organisms", "2 millions of BMSC");
- development codes anywhere in the text ("AZD9291", "MK-3475", "BNT162b2");
- a token shaped like a product code ("HYNR-CS-Allo", "somatostatin-UCB", "E2") standing right next
  to an amount; once tied to a dose this way, its other mentions are names too.

Resolution, per dose: the attached name ("of X" after the amount, or a name after it inside the bracket
the amount opens, first; then a name right before it, the unit's own cell noun, a name right after it);
names listed before amounts marked "respectively", in order, and the drugs of a fixed-dose combination
before its amounts ("sitagliptin/metformin 50/1000 mg"); the name of an amount it is joined to
("captopril (12.5 mg and 25 mg)", "5 mg and 10 mg of X"); else the closest name before it (a cell
product for a cell dose where there is one); else the first name after it in its clause. Placebo,
vehicle and saline are taken only where attached. The names are built once per document, on first use
(DocumentNames): doses.py asks whether a name stands right before an amount that the words before it
would make a measured level.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, NamedTuple, Sequence

import regex

from ..nlp.spans import Found
from ..resources import NO_FULLCASE, load_rules, required_literals

RULES_FILE = "intervention_names.jsonl"


class Name(NamedTuple):  # a tuple: sorted and compared at C speed
    start: int
    end: int
    cell: bool = False  # a cell product: a dose counted in cells looks for these first
    comparator: bool = False  # placebo, vehicle, saline: a name only where an amount is attached to it


@dataclass
class DoseTie:
    """What a dose offers for finding its name."""

    found: Found
    start: int  # the first amount of the expression it belongs to ("1, 5 and 10 mg")
    end: int  # the end of that expression, its unit included
    own: Name | None = None  # a product named by the unit itself ("10^7 BCG organisms")
    cells: bool = False  # counted in cells


# --- Word lists -------------------------------------------------------------------------------
# The lists are looked up per distinct word of a document (cached across documents, as the words of
# the language recur), and a rule is run only around the words that can start its matches: scanning
# the whole text with an alternation of a hundred endings costs more than the rest of the extractor.


@dataclass(frozen=True)
class _Rule:
    pattern: regex.Pattern
    comparator: bool


@dataclass(frozen=True)
class _Words:
    rules: tuple  # NAME and COMPARATOR rules (_Rule)
    triggers: dict  # first letters-run of a rule's literal, lower-cased -> indexes of the rules it starts
    trigger_sizes: tuple
    untriggered: tuple  # indexes of rules with no literal to look for: run over the whole text
    stems: frozenset  # DRUG_STEM endings
    stem_sizes: tuple
    prefixes: tuple  # DRUG_PREFIX beginnings
    not_stems: tuple  # NOT_STEM endings
    salts: frozenset  # SALT words, lower-cased
    not_before_salt: frozenset
    forms: str  # FORM alternation, for the gaps
    product_head: regex.Pattern
    not_name: regex.Pattern  # NOT_NAME, matched against a whole token
    code: regex.Pattern  # DRUG_CODE, searched in the text
    not_code: frozenset  # NOT_CODE: capitals that make a code-shaped token no name


def _alternation(rules: Iterable) -> str:
    parts = [f"(?-i:{r.pattern})" if r.case == "sensitive" else f"(?:{r.pattern})" for r in rules]
    return "|".join(parts)


def _literals(rules: Iterable) -> list[str]:
    return [word.lower() for rule in rules for word in rule.pattern.split("|")]


LETTERS = regex.compile(r"[^\W\d_]+")
LEADING_LETTERS = regex.compile(r"[^\W\d_]*")


@lru_cache(maxsize=None)
def _words() -> _Words:
    by_label: dict[str, list] = {}
    for rule in load_rules(RULES_FILE):
        by_label.setdefault(rule.label, []).append(rule)
    flags = regex.V1 | regex.IGNORECASE
    rules, triggers, untriggered = [], {}, []
    for label in ("COMPARATOR", "NAME"):
        for rule in by_label.get(label, ()):
            index = len(rules)
            pattern = f"(?-i:{rule.pattern})" if rule.case == "sensitive" else rule.pattern
            rules.append(_Rule(regex.compile(rf"{NO_FULLCASE}(?<![\w-])(?:{pattern})(?!\w)", flags),
                               label == "COMPARATOR"))
            literals = required_literals(rule.pattern)
            if not literals:
                untriggered.append(index)
                continue
            for literal in literals:
                first = LETTERS.search(literal)
                if first is None:
                    untriggered.append(index)
                    continue
                triggers.setdefault(first.group().lower(), set()).add(index)
    stems = _literals(by_label.get("DRUG_STEM", ()))
    return _Words(
        rules=tuple(rules),
        triggers={word: tuple(sorted(indexes)) for word, indexes in triggers.items()},
        trigger_sizes=tuple(sorted({len(word) for word in triggers})),
        untriggered=tuple(sorted(set(untriggered))),
        stems=frozenset(stems),
        stem_sizes=tuple(sorted({len(s) for s in stems})),
        prefixes=tuple(_literals(by_label.get("DRUG_PREFIX", ()))),
        not_stems=tuple(_literals(by_label.get("NOT_STEM", ()))),
        salts=frozenset(_literals(by_label.get("SALT", ()))),
        not_before_salt=frozenset(_literals(by_label.get("NOT_BEFORE_SALT", ()))),
        forms=_alternation(by_label["FORM"]),
        product_head=regex.compile(rf"{NO_FULLCASE}\b(?:{_alternation(by_label['PRODUCT_HEAD'])})\b", flags),
        not_name=regex.compile(rf"(?:{_alternation(by_label['NOT_NAME'])})", regex.V1),
        code=regex.compile(_alternation(by_label["DRUG_CODE"]), regex.V1),
        not_code=frozenset(word for rule in by_label.get("NOT_CODE", ()) for word in rule.pattern.split("|")),
    )


STEM = 1
SALT = 2


@lru_cache(maxsize=1 << 15)
def _word_kind(word: str) -> tuple[int, tuple]:
    """What a word of letters is to the lists: STEM | SALT bits, and the rules it may start."""
    if not word.isalpha():
        return 0, ()
    words = _words()
    lower = word.lower()
    kind = 0
    if len(lower) >= 4 and _has_stem(lower, words) and (word[1:].islower()):
        kind |= STEM
    if lower in words.salts or word in words.salts:
        kind |= SALT
    rules = tuple(sorted({i for size in words.trigger_sizes if len(lower) >= size
                          for i in words.triggers.get(lower[:size], ())}))
    return kind, rules


def _has_stem(word: str, words: _Words) -> bool:
    if word.endswith(words.not_stems):
        return False
    if word.startswith(words.prefixes) and len(word) >= 7:
        return True
    # At least three letters before the stem: "vir" alone or "Elvir" are no drug names.
    return any(len(word) >= size + 3 and word[-size:] in words.stems for size in words.stem_sizes)


# Words of two letters or more: what the lists are looked up for where no tokens are given.
WORD = re.compile(r"[^\W\d_]{2,}")
# The word before a salt: "Ozagrel Hydrochloride", "formoterol fumarate". Not a verb form ("received
# sodium bicarbonate", "containing potassium"): no drug name ends in -ed or -ing.
WORD_BEFORE = regex.compile(r"(?<![\w-])([^\W\d_][\w-]{2,30}) $")
VERB_FORM = ("ed", "ing")
RULE_WINDOW = 40  # characters a NAME or COMPARATOR match may reach from the word that starts it


def is_listed_word(word: str) -> bool:
    """Whether the word lists know the word (a stem, a salt, or the start of a NAME or COMPARATOR)."""
    return len(word) >= 2 and _word_kind(word) != (0, ())


def word_starts(text: str, word: str) -> list[int]:
    """Where ``word`` stands in the text as a whole word (no letter or digit glued to it)."""
    starts, size = [], len(word)
    at = text.find(word)
    while at >= 0:
        if (at == 0 or not text[at - 1].isalnum()) and (at + size == len(text) or not text[at + size].isalnum()):
            starts.append(at)
        at = text.find(word, at + size)
    return starts


def text_words(text: str) -> list[tuple[int, str]]:
    """(start, word) of every run of letters of the text."""
    return [(m.start(), m.group()) for m in WORD.finditer(text)]


def word_names(text: str, words_at: Iterable[tuple[int, str]] | None = None) -> list[Name]:
    """The names the word lists find in the text: NAME and COMPARATOR words, stem-bearing words,
    the words before a salt. ``words_at``: (start, word) of the text's words, where the caller
    has them (the Doc's tokens); else runs of letters are read from the text."""
    words = _words()
    found: set[Name] = set()
    rules: dict[int, list] = {index: [] for index in words.untriggered}  # rule -> where to look
    for at, word in text_words(text) if words_at is None else words_at:
        kind, starts = _word_kind(word)
        if kind & STEM:
            found.add(Name(at, at + len(word)))
        if kind & SALT:
            before = WORD_BEFORE.search(text, max(0, at - 33), at)
            word_before = before.group(1).lower() if before else ""
            if before and word_before not in words.not_before_salt and not word_before.endswith(VERB_FORM):
                found.add(Name(before.start(1), at + len(word)))
        for index in starts:
            rules.setdefault(index, []).append(at)
    for index, places in rules.items():
        rule = words.rules[index]
        spans = [(0, len(text))] if index in words.untriggered else [
            (max(0, at - RULE_WINDOW), min(len(text), at + RULE_WINDOW)) for at in places]
        for low, high in spans:
            for match in rule.pattern.finditer(text, low, high):
                found.add(Name(match.start(), match.end(), comparator=rule.comparator))
    found.update(_code_names(text, words))
    return sorted(found)


# Where a development code may stand: a capital, maybe a hyphen, three digits ("AZD9291", "MK-0869",
# "mRNA-1273"). Searching for this first is twenty times faster than for the codes themselves.
CODE_HINT = regex.compile(r"[A-Z]-?\d{3}")
CODE_LEAD = 5  # how far before its hint a code may start: four more capitals ("ABCDE-123") or "mRN"


def _code_names(text: str, words: _Words) -> set[Name]:
    found = set()
    last_end = -1
    for hint in CODE_HINT.finditer(text):
        for start in range(max(0, hint.start() - CODE_LEAD, last_end), hint.start() + 1):
            match = words.code.match(text, start)
            if match:
                last_end = match.end()
                if LEADING_LETTERS.match(match.group()).group() not in words.not_code:
                    found.add(Name(match.start(), match.end()))
                break
    return found


def compile_name_rules() -> None:
    """Compile the word lists' rules and the gaps (see doses.compile_rules)."""
    _words()
    _gaps()


# --- Gaps between a name and its amount ---------------------------------------------------------


# A formulation strength between a name and its amount: "bupivacaine 0.5% 20 mL", "20 mL of 0.9% saline".
STRENGTH = r"\d{1,3}(?:\.\d{1,3})? ?%"


@lru_cache(maxsize=None)
def _gaps() -> tuple[regex.Pattern, ...]:
    forms = _words().forms
    # "riluzole 50 mg", "captopril (12.5 mg", "amlodipine, 5 mg", "ketamine at a dose of 0.15 mg/kg",
    # "LA depot 3.75 mg", "HYNR-CS-Allo inj., 0.25 x 10^6 cells/kg".
    before = (
        rf"(?: (?:{forms})(?!\w)){{0,2}}(?: {STRENGTH})?"
        r" ?[,:(]? ?(?:(?:was |were )?(?:given |administered |infused |injected )?(?:at|in|with) )?(?:an? )?"
        r"(?:(?:daily|total|single|initial|fixed|oral|intravenous|mean|starting|maintenance|loading) )?"
        r"(?:doses? (?:of )?)?\(?"
    )
    # "50 mg of riluzole", "(60 and 80 mg) of plain mepivacaine", "80-mg doses of plain mepivacaine",
    # "0.15 mg/kg ketamine", "5 mL i.v. of isotonic saline"; a joining word ("and", "or") means the name
    # belongs to the next amount, and no gap crosses a sentence end.
    word = (
        r"(?!(?:and|or|vs|versus|to|with|in|for|plus|at|on|from|by|per|was|were|is|are|than|followed|then"
        rf"|each|every|patients?|subjects?|groups?|arms?)\b)(?:{STRENGTH}|\w{{1,3}}(?:\.\w{{1,3}})+\.?|[\w%-]{{1,25}})"
    )
    after = rf" ?\)? ?(?:(?:doses?|dosages?) )?(?:of )?(?:{word} ){{0,3}}"
    flags = regex.V1 | regex.IGNORECASE
    # A token shaped like a product code: a capital followed somewhere by another capital or a digit.
    shape = r"(?=[\w+-]{0,30}?[A-Z][\w+-]{0,30}?[A-Z0-9])[A-Za-z0-9][\w+]*(?:-[\w+]+){0,3}"
    shaped_before = regex.compile(rf"{NO_FULLCASE}(?<![\w-])(?P<name>(?-i:{shape}))(?:{before})$", flags)
    shaped_after = regex.compile(rf"{NO_FULLCASE}(?:{after})(?P<name>(?-i:{shape}))(?![\w-])", flags)
    shaped = regex.compile(rf"(?<![\w-]){shape}(?![\w-])", regex.V1)
    return (regex.compile(NO_FULLCASE + before, flags), regex.compile(NO_FULLCASE + after, flags),
            shaped_before, shaped_after, shaped)


OF_AFTER = regex.compile(r" ?\)? ?(?:(?:doses?|dosages?) )?of ", regex.I)
# Where a name after the amount stops being one it can take: the end of its sentence or clause.
CLAUSE_END = regex.compile(r"[.!?](?=\s+[A-Z(])|\n|;")
# How far after a dose its clause is read for a name: longer than the clauses of abstracts, and a bound,
# so that a text with no sentence end (a page flattened to one line) is not read to its end for each dose.
CLAUSE_REACH = 400


# --- The document's names ---------------------------------------------------------------------


class _ByEnd:
    """Names sorted by where they end, for "the closest one before"."""

    def __init__(self, names: Iterable[Name] = ()):
        self.names: list[Name] = sorted(names, key=lambda n: (n.end, n.start))
        self.keys: list[tuple[int, int]] = [(n.end, n.start) for n in self.names]

    def add(self, name: Name) -> None:
        at = bisect_left(self.keys, (name.end, name.start))
        self.names.insert(at, name)
        self.keys.insert(at, (name.end, name.start))

    def ending_by(self, low: int, high: int) -> list[Name]:
        """The names that end within [low, high]."""
        return self.names[bisect_left(self.keys, (low, -1)) : bisect_right(self.keys, (high, high))]

    def last_by(self, position: int) -> Name | None:
        index = bisect_right(self.keys, (position, position))
        return self.names[index - 1] if index else None


class _Names:
    """The names, looked up by position: only those within reach of an amount are tried for
    attachment, so a long document with many names and many doses stays linear."""

    REACH = 100  # longer than either gap can match

    def __init__(self, names: Iterable[Name]):
        self.by_start: list[Name] = sorted(set(names))
        self.starts: list[int] = [n.start for n in self.by_start]
        self.by_end = _ByEnd(self.by_start)
        # the names a dose with none attached may take: no comparators
        self.fallback = _ByEnd(n for n in self.by_start if not n.comparator)
        self.cells = _ByEnd(n for n in self.by_start if n.cell and not n.comparator)

    def add(self, name: Name) -> None:
        index = bisect_left(self.by_start, name)
        if index < len(self.by_start) and self.by_start[index] == name:
            return
        self.by_start.insert(index, name)
        self.starts.insert(index, name.start)
        self.by_end.add(name)
        if not name.comparator:
            self.fallback.add(name)
            if name.cell:
                self.cells.add(name)

    def overlapping(self, start: int, end: int) -> list[Name]:
        return [n for n in self.by_start[bisect_left(self.starts, start - self.REACH) : bisect_left(self.starts, end)]
                if n.end > start]

    def after(self, end: int) -> list[Name]:
        return self.by_start[bisect_left(self.starts, end) : bisect_right(self.starts, end + self.REACH)]

    def before(self, start: int) -> list[Name]:
        return self.by_end.ending_by(start - self.REACH, start)

    def closest_before(self, start: int, cells: bool) -> Name | None:
        return (cells and self.cells.last_by(start)) or self.fallback.last_by(start)

    def first_after(self, end: int, limit: int) -> Name | None:
        index = bisect_left(self.starts, end)
        for name in self.by_start[index:]:
            if name.start >= limit:
                return None
            if not name.comparator and name.end <= limit:
                return name
        return None


# An amount that opens a bracket: what follows it inside the bracket is its own phrase ("intravenous
# iron (1000 mg ferric derisomaltose)"), and names the drug more closely than the name before the bracket.
OPENS_BRACKET = regex.compile(r"[(\[] ?$")


def _attached(text: str, tie: DoseTie, names: _Names) -> Name | None:
    gap_before, gap_after = _gaps()[:2]
    after = [n for n in names.after(tie.end) if gap_after.fullmatch(text, tie.end, n.start)]
    if after and (OF_AFTER.match(text, tie.end) or OPENS_BRACKET.search(text, max(0, tie.start - 2), tie.start)):
        return min(after, key=lambda n: (n.start, -n.end))
    before = [n for n in names.before(tie.start) if gap_before.fullmatch(text, n.end, tie.start)]
    if before:
        return max(before, key=lambda n: (n.end, -n.start))
    if tie.own is not None:
        return tie.own
    if after:
        return min(after, key=lambda n: (n.start, -n.end))
    return None


def _shaped(text: str, tie: DoseTie, excluded: _Names) -> tuple[int, int] | None:
    """A product-code token right next to the amount ("SFI", "somatostatin-UCB 250 mcg")."""
    shaped_before, shaped_after = _gaps()[2:4]
    not_name = _words().not_name
    found = shaped_before.search(text, max(0, tie.start - _Names.REACH), tie.start)
    candidates = []
    if found:
        candidates.append(found.span("name"))
    found = shaped_after.match(text, tie.end, min(len(text), tie.end + _Names.REACH))
    if found:
        candidates.append(found.span("name"))
    for start, end in candidates:
        token = text[start:end]
        if not_name.fullmatch(token) or token.isdigit() or excluded.overlapping(start, end):
            continue
        return start, end
    return None


class _CodeMentions:
    """Where each product-code token stands in the text: read in one pass, on the first code found."""

    def __init__(self, text: str):
        self.text = text
        self.at: dict[str, list[int]] | None = None

    def of(self, token: str) -> list[int]:
        if self.at is None:
            self.at = {}
            for match in _gaps()[4].finditer(self.text):
                self.at.setdefault(match.group(), []).append(match.start())
        return self.at.get(token, [])


JOINED_AMOUNTS = regex.compile(r" ?(?:,|and|or|vs\.?|versus)? ?", regex.I)


# "ketamine, morphine or saline in doses of 0.5 mg/kg, 0.1 mg/kg and 5 mL, respectively": as many names
# listed as amounts, paired in order.
RESPECTIVELY = regex.compile(r" ?[)\]]?,? ?respectively\b", regex.I)
LIST_GAP = regex.compile(r",? (?:and|or) |, ?| ?/ ?", regex.I)
SENTENCE_START = regex.compile(r".*(?:[.!?] (?=[A-Z(])|;|\n)", regex.S)


def _runs(text: str, ties: Sequence[DoseTie], ordered: list[int],
          joiner: regex.Pattern = JOINED_AMOUNTS) -> list[list[int]]:
    """The doses in runs of amounts joined by ``joiner`` (commas or conjunctions), in reading order."""
    runs = [[ordered[0]]]
    for previous, current in zip(ordered, ordered[1:]):
        if joiner.fullmatch(text, ties[previous].found.end, ties[current].found.start):
            runs[-1].append(current)
        else:
            runs.append([current])
    return runs


def _listed_before(text: str, start: int, names: _Names) -> list[Name]:
    """The names listed last before ``start`` in its sentence ("A, B and C"), in reading order."""
    window_start = max(0, start - 400)
    cut = SENTENCE_START.match(text, window_start, start)
    sentence_start = cut.end() if cut else window_start
    listed: list[Name] = []
    for name in reversed(names.by_end.ending_by(sentence_start, start)):
        if name.start < sentence_start:
            break
        if listed and name.start <= listed[-1].start < name.end:
            continue  # a shorter name inside one already taken ("magnesium" in "magnesium sulfate")
        if listed and name.end > listed[-1].start:
            continue
        if listed and not LIST_GAP.fullmatch(text, name.end, listed[-1].start):
            break
        listed.append(name)
    return listed[::-1]


def _pair_respectively(text: str, ties: Sequence[DoseTie], ordered: list[int], chosen: list, names: _Names) -> None:
    for run in _runs(text, ties, ordered):
        if len(run) < 2 or not RESPECTIVELY.match(text, ties[run[-1]].found.end):
            continue
        listed = _listed_before(text, ties[run[0]].start, names)
        if len(listed) == len(run):
            for index, name in zip(run, listed):
                chosen[index] = name


class DocumentNames:
    """A document's names, built on first use: where no amount needs one, the word lists are never read.

    ``entities``: (start, end, label) of the lexicon's DRUG and CELL_PRODUCT mentions;
    ``abbreviations``: (start, end, long_start, long_end) of each short form the document defines;
    ``not_names``: spans that are never names (the lexicon's DISEASE and OUTCOME_SCALE mentions);
    ``words_at``: (start, word) of the text's words, where the caller has them (see word_names).
    Any of them may be a generator: it is read once, on first use."""

    def __init__(
        self,
        text: str,
        entities: Iterable[tuple[int, int, str]] = (),
        abbreviations: Iterable[tuple[int, int, int, int]] = (),
        not_names: Iterable[tuple[int, int]] = (),
        words_at: Iterable[tuple[int, str]] | None = None,
    ):
        self.text = text
        self._sources = (entities, abbreviations, not_names, words_at)
        self._entities: list[tuple[int, int, str]] | None = None  # sorted by end
        self._names: _Names | None = None
        self._not_codes: _Names | None = None

    @property
    def entities(self) -> list[tuple[int, int, str]]:
        if self._entities is None:
            self._entities = sorted(self._sources[0], key=lambda entity: entity[1])
        return self._entities

    @property
    def names(self) -> _Names:
        if self._names is None:
            self._build()
        return self._names

    @property
    def not_codes(self) -> _Names:
        """Spans no product code may come from: diseases, scales, and abbreviations of anything else."""
        if self._not_codes is None:
            self._build()
        return self._not_codes

    def _build(self) -> None:
        text = self.text
        _, abbreviations, not_names, words_at = self._sources
        lexicon = [Name(s, e, label == "CELL_PRODUCT") for s, e, label in self.entities]
        names = _Names(lexicon + word_names(text, words_at))
        excluded = list(not_names)
        head = _words().product_head
        for short_start, short_end, long_start, long_end in abbreviations:
            if not _is_abbreviation(text, short_start, short_end, long_start, long_end):
                continue
            inside = names.overlapping(long_start, long_end)
            if inside or head.search(text, long_start, long_end):
                cell = any(n.cell for n in inside) or "cell" in text[long_start:long_end].lower()
                comparator = bool(inside) and all(n.comparator for n in inside)
                names.add(Name(short_start, short_end, cell, comparator))
                if not inside:
                    names.add(Name(long_start, long_end, cell))
            else:
                excluded.append((short_start, short_end))
        self._names = names
        self._not_codes = _Names(Name(s, e) for s, e in excluded)

    def named_before(self, start: int) -> bool:
        """Whether a drug's name stands right before an amount starting at ``start`` ("with liraglutide
        1.8 mg", "paclitaxel at 175 mg/m2"): the amount is then that drug's dose, whatever measured
        quantity the clause spoke of before ("HbA1c fell by 1.1% with liraglutide 1.8 mg"). Only the
        lexicon's names and words with a drug stem or shaped as a development code are looked at: building
        all of a document's names for each level measured in an abstract without doses would cost more
        than the rest of the extractor."""
        text, gap_before = self.text, _gaps()[0]
        low = max(0, start - _Names.REACH)
        ends = [end for end in (entity[1] for entity in self.entities) if low <= end <= start]
        if any(gap_before.fullmatch(text, end, start) for end in ends):
            return True
        # The gap holds at most a few words (forms, "was given at a daily dose of").
        for word in reversed(list(TOKEN.finditer(text, low, start))[-GAP_WORDS:]):
            if _is_drug_word(word.group()) and gap_before.fullmatch(text, word.end(), start):
                return True
        return False


GAP_WORDS = 10
# A word as named_before reads it: letters, digits and hyphens ("liraglutide", "AZD9291", "MK-3475").
TOKEN = regex.compile(r"[^\W_][\w-]*")


def _is_drug_word(word: str) -> bool:
    words = _words()
    if _word_kind(word)[0] & STEM:
        return True
    code = words.code.fullmatch(word)
    return bool(code) and LEADING_LETTERS.match(word).group() not in words.not_code


def _is_abbreviation(text: str, short_start: int, short_end: int, long_start: int, long_end: int) -> bool:
    """Whether the detector's pair defines a name. Not where the short form stands inside its own long
    form, is all lower case (a unit: "(50 mg elemental zinc)" read as "mg" for "mg elemental zinc"; names
    abbreviated are written with a capital: "TXA", "AmB") or is a route, frequency or statistic ("IV")."""
    short = text[short_start:short_end]
    if long_start <= short_start < long_end or short.islower():
        return False
    return not _words().not_name.fullmatch(short)


# The drugs of one name that holds a combination: the runs between its "/" and "-".
COMBINED_NAME_PARTS = regex.compile(r"[^/\s-](?:[^/-]*[^/\s-])?")
# Between the amounts of a fixed-dose combination ("50/1000 mg", "400 mg/100 mg") and between the names
# of its drugs ("sitagliptin/metformin", "amoxicillin-clavulanate").
COMBINED_AMOUNTS = regex.compile(r" ?/ ?")
COMBINED_NAMES = regex.compile(r" ?[/-] ?")


def _combination_names(text: str, first_start: int, count: int, names: _Names) -> list[Name] | None:
    """The ``count`` names of a combination written right before its amounts, in order: separate names
    joined by "/" or "-", or one name holding them ("lopinavir/ritonavir"), split at its joiners."""
    gap_before = _gaps()[0]
    attached = [n for n in names.before(first_start) if gap_before.fullmatch(text, n.end, first_start)]
    if not attached:
        return None
    # The last name first, the shortest one ending there ("ritonavir" before "lopinavir/ritonavir").
    listed = [max(attached, key=lambda n: (n.end, n.start))]
    while len(listed) < count:
        joined = [n for n in names.before(listed[0].start)
                  if n.end <= listed[0].start and COMBINED_NAMES.fullmatch(text, n.end, listed[0].start)]
        if not joined:
            break
        listed.insert(0, max(joined, key=lambda n: (n.end, n.start)))
    if len(listed) == count:
        return listed
    whole = max(attached, key=lambda n: (n.end, -n.start))
    parts = [m for m in COMBINED_NAME_PARTS.finditer(text, whole.start, whole.end)]
    if len(parts) == count:
        return [Name(m.start(), m.end()) for m in parts]
    return None


def _pair_combinations(text: str, ties: Sequence[DoseTie], ordered: list[int], chosen: list, names: _Names) -> None:
    for run in _runs(text, ties, ordered, COMBINED_AMOUNTS):
        if len(run) < 2:
            continue
        listed = _combination_names(text, ties[run[0]].found.start, len(run), names)
        if listed:
            for index, name in zip(run, listed):
                chosen[index] = name


def resolve(text: str, ties: Sequence[DoseTie], document: DocumentNames) -> None:
    """Set each dose's ``intervention`` ({"start", "end"} in the text, or None)."""
    if not ties:
        return
    names = document.names
    for tie in ties:
        if tie.own is not None:
            names.add(tie.own)
    not_codes = document.not_codes

    chosen = []
    codes = _CodeMentions(text)
    for tie in ties:
        name = _attached(text, tie, names)
        if name is None:
            shaped = _shaped(text, tie, not_codes)
            if shaped is not None:
                token = text[shaped[0] : shaped[1]]
                for start in codes.of(token):
                    names.add(Name(start, start + len(token), tie.cells))
                name = Name(shaped[0], shaped[1], tie.cells)
        chosen.append(name)

    ordered = sorted(range(len(ties)), key=lambda i: (ties[i].found.start, ties[i].found.end))
    _pair_respectively(text, ties, ordered, chosen, names)
    _pair_combinations(text, ties, ordered, chosen, names)
    # Amounts joined to one that has a name share it, forwards, then backwards.
    for run in _runs(text, ties, ordered):
        for previous, current in zip(run, run[1:]):
            if chosen[current] is None:
                chosen[current] = chosen[previous]
        for following, current in zip(run[::-1], run[-2::-1]):
            if chosen[current] is None:
                chosen[current] = chosen[following]
    for index, tie in enumerate(ties):
        name = chosen[index]
        if name is None:
            name = names.closest_before(tie.start, tie.cells)
        if name is None:
            reach = min(len(text), tie.end + CLAUSE_REACH)
            clause_end = CLAUSE_END.search(text, tie.end, reach)
            name = names.first_after(tie.end, clause_end.start() if clause_end else reach)
        tie.found.values["intervention"] = None if name is None else {"start": name.start, "end": name.end}
