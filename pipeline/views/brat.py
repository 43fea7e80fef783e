"""Records to brat standoff and back, so people can review and correct extractions in brat.

brat (https://brat.nlplab.org) shows a ``<doc>.txt`` with the annotations of ``<doc>.ann``
and lets a reviewer delete, add and edit them. The export writes one pair per record plus
the ``annotation.conf``/``visual.conf`` that declare every type and attribute value, so the
folder opens as a brat collection; the import turns the corrected ``.ann`` back into a
record that loads as gold. docs/brat.md is the reviewer's guide and the format contract.

The mapping is exact both ways (gold -> brat -> gold gives the same JSON):

- the ``.txt`` is the raw text, written as UTF-8 with nothing added or translated, so a
  byte-order mark stays character 0 and ``\\r\\n`` stays two characters: brat's offsets
  then count exactly the characters GOLD.md's offsets count;
- a closed vocabulary (comparator, role, base unit, route, status) is a brat attribute,
  which brat offers as a drop-down;
- numbers and free text (value, value_max, spread, the ``/kg`` part of a unit, frequency,
  an effect's interval, the document's sample size) go in the annotation's note as
  ``key=value; key=value``, with floats written by ``repr`` so they read back to the same float;
- a dose's intervention is an ``Intervention`` annotation over the name and an
  ``InterventionOf`` relation from the Dose to it: one annotation per name span, however
  many doses share it, so correcting the name in brat corrects every dose tied to it;
- document-level values sit on a ``Document`` annotation over the first line of text,
  because every brat annotation needs a span;
- a span that crosses a line break is written as brat fragments (``START END;START END``),
  since brat cannot show one span over two lines, and joined back on import.

Import is strict: a line it cannot turn into exactly one value is an error naming the file
and line, never a silent guess, because a wrong gold value costs more than a re-edit.
"""

from __future__ import annotations

import math
import re
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..reading.decoding import read_raw
from ..records.models import (
    Comparator,
    Dose,
    Effect,
    Measure,
    Mention,
    PValue,
    Role,
    Route,
    SampleSizeMention,
    TrialRecord,
    describe_validation_error,
)
from ..resources import load_mapping, read_pattern_text, route_names

DOCUMENT = "Document"
# brat type -> record field, in GOLD.md's field order (the order the .ann lists them).
SCORED_TYPES = {
    "SampleSize": "sample_sizes",
    "PValue": "p_values",
    "Dose": "doses",
    "Route": "routes",
    "Effect": "effects",
}
MODELS = {"SampleSize": SampleSizeMention, "PValue": PValue, "Dose": Dose, "Route": Route, "Effect": Effect}
# A dose's intervention: the name's span as its own annotation, tied to the Dose by a relation
# (Arg1 the Dose, Arg2 the name), since a brat note cannot point at text.
INTERVENTION = "Intervention"
INTERVENTION_OF = "InterventionOf"
NOTE_TYPE = "AnnotatorNotes"

# Which attributes each type takes, and whether it must have them.
ATTRIBUTES = {
    DOCUMENT: {"Status": False},
    "SampleSize": {"Role": True},
    "PValue": {"Comparator": True, "Threshold": False},
    "Dose": {"Unit": True},
    "Route": {"RouteName": True},
    "Effect": {"Measure": True},
    INTERVENTION: {},
}
BINARY_ATTRIBUTES = frozenset({"Threshold"})
# Note keys each type accepts, and the ones it must have (PValue's value is checked apart:
# "ns" has none).
NOTE_KEYS = {
    DOCUMENT: ({"sample_size"}, set()),
    "SampleSize": ({"value"}, {"value"}),
    "PValue": ({"value"}, set()),
    "Dose": ({"value", "value_max", "spread", "per", "frequency"}, {"value"}),
    "Route": (set(), set()),
    "Effect": ({"value", "ci_low", "ci_high", "ci_level"}, {"value"}),
    INTERVENTION: (set(), set()),
}
# Keys an older export wrote, with what replaced them.
RETIRED_NOTE_KEYS = {
    ("Dose", "intervention"): f"the intervention is now an {INTERVENTION} annotation over its name, "
    f"tied to the Dose by an {INTERVENTION_OF} relation (drag from the Dose to the name in brat)",
}

# Every character Python's str.splitlines() breaks at. brat reads .ann files line by line
# with that rule, so none of them may appear raw inside an .ann line: spans are split into
# fragments at them and notes escape them.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_RUN = re.compile(f"[^{re.escape(LINE_BREAKS)}]+")
_LINE_BREAK_ONLY = re.compile(f"[{re.escape(LINE_BREAKS)}]+")
_TEXTBOUND_ID = re.compile(r"T[0-9]+")
_ATTRIBUTE_ID = re.compile(r"[AM][0-9]+")
_NOTE_ID = re.compile(r"#[0-9]*")
_NOTE_KEY = re.compile(r"[a-z_]+")
_RELATION_ID = re.compile(r"R[0-9]+")
_UNSUPPORTED = {"E": "an event", "N": "a normalization", "*": "an equivalence"}


class BratError(ValueError):
    """An .ann file (or a record on export) that cannot be converted; says where and why."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


# ---------------------------------------------------------------------------------------------
# Vocabularies: the model's, so import accepts exactly what a gold file may hold.


def attribute_values() -> dict[str, frozenset[str]]:
    """Allowed values of every multi-valued attribute (the test checks annotation.conf agrees)."""
    return {
        "Status": frozenset({"reviewed", "draft"}),
        "Role": frozenset(typing.get_args(Role)),
        "Comparator": frozenset(typing.get_args(Comparator)),
        "Unit": _base_units(),
        "RouteName": route_names(),
        "Measure": frozenset(typing.get_args(Measure)),
    }


def _base_units() -> frozenset[str]:
    # Every base unit a gold file may carry: the ones the dose grammar reads and the ones
    # GOLD.md allows that it does not ("vp"); the model accepts the same set.
    units = load_mapping("units.json")
    return frozenset([*units["units"], *units.get("also_valid", {}).get("units", [])])


# ---------------------------------------------------------------------------------------------
# Notes: "key=value; key=value", values escaped so any string survives one .ann line.

_ESCAPE = {"\\": "\\\\", ";": "\\;", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNESCAPE = {"\\": "\\", ";": ";", "n": "\n", "r": "\r", "t": "\t", "s": " "}


def escape_note_value(value: str) -> str:
    """A value as it goes into a note: ``\\``, ``;``, control and line-break characters escaped,
    and whitespace at either end written as ``\\s`` or ``\\uXXXX``, because the reader strips the
    spaces people type around keys and values."""
    out = []
    last = len(value) - 1
    for i, ch in enumerate(value):
        if ch in _ESCAPE:
            out.append(_ESCAPE[ch])
        elif ch in LINE_BREAKS or ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        elif (i == 0 or i == last) and ch.isspace():
            out.append("\\s" if ch == " " else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def format_note(items: Iterable[tuple[str, str]]) -> str:
    return "; ".join(f"{key}={escape_note_value(value)}" for key, value in items)


def _split_note(note: str) -> list[str]:
    """Split at every ``;`` that is not escaped (escapes stay in the parts)."""
    parts, current, i = [], [], 0
    while i < len(note):
        ch = note[i]
        if ch == "\\" and i + 1 < len(note):
            current.append(note[i : i + 2])
            i += 2
            continue
        if ch == ";":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        code = value[i + 1 : i + 2]
        if code in _UNESCAPE:
            out.append(_UNESCAPE[code])
            i += 2
        elif code == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", value[i + 2 : i + 6] or ""):
            out.append(chr(int(value[i + 2 : i + 6], 16)))
            i += 6
        else:
            raise ValueError(f"unknown escape {value[i:i + 2]!r} (known: \\\\ \\; \\n \\r \\t \\s \\uXXXX)")
    return "".join(out)


def parse_note(note: str) -> dict[str, str]:
    """``"value=0.02; spread=1.5"`` -> ``{"value": "0.02", "spread": "1.5"}``; ValueError if malformed."""
    items: dict[str, str] = {}
    for part in _split_note(note):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or not _NOTE_KEY.fullmatch(key):
            raise ValueError(f"{part.strip()!r} is not key=value (e.g. value=0.02; spread=1.5)")
        if key in items:
            raise ValueError(f"{key} is given twice")
        items[key] = _unescape(value.strip())
    return items


def _number(key: str, text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{key}={text!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{key}={text!r} is not a finite number")
    return number


def _integer(key: str, text: str) -> int:
    if not re.fullmatch(r"[0-9]+", text):
        raise ValueError(f"{key}={text!r} is not a whole number")
    return int(text)


# ---------------------------------------------------------------------------------------------
# Spans


def fragments(raw: str, start: int, end: int) -> list[tuple[int, int]]:
    """The brat fragments of ``raw[start:end]``: the stretches between line breaks.

    brat draws text line by line and reads .ann files line by line, so a span may not hold
    a line break; a mention that crosses one becomes ``START END;START END`` and the import
    joins it back. A span that begins or ends with a line break has no such form (its
    fragments would lose the outer characters), so it is refused.
    """
    if start == end:
        return [(start, end)]
    parts = [(start + m.start(), start + m.end()) for m in _LINE_RUN.finditer(raw[start:end])]
    if not parts or parts[0][0] != start or parts[-1][1] != end:
        raise ValueError(
            f"span {start}-{end} {raw[start:end]!r} begins or ends with a line break; "
            "brat fragments cannot hold it"
        )
    return parts


def _offsets_field(parts: list[tuple[int, int]]) -> str:
    return ";".join(f"{s} {e}" for s, e in parts)


def _fragment_text(raw: str, parts: list[tuple[int, int]]) -> str:
    # brat joins the texts of a discontinuous span with one space (annotation.DISCONT_SEP).
    return " ".join(raw[s:e] for s, e in parts)


def document_span(raw: str) -> tuple[int, int]:
    """Where the Document annotation goes: the first line with visible text, trimmed.

    Any span would do for brat; the first line (usually the title) is where a reviewer looks
    first. A byte-order mark is skipped, as brat shows it as nothing. A text without any
    visible character gets the empty span 0-0.
    """
    for line in _LINE_RUN.finditer(raw):
        content = [i for i in range(line.start(), line.end()) if not (raw[i].isspace() or raw[i] == "\ufeff")]
        if content:
            return content[0], content[-1] + 1
    return 0, 0


# ---------------------------------------------------------------------------------------------
# Export


def brat_type_name(label: str) -> str:
    """A context entity's brat type: brat type names are ASCII letters, digits, ``_`` and ``-``
    (projectconfig.normalize_to_storage_form), and must not collide with a scheme type."""
    name = re.sub(r"[^A-Za-z0-9_-]", "_", label) or "ENTITY"
    return f"{name}_entity" if name in {DOCUMENT, INTERVENTION, INTERVENTION_OF} or name in SCORED_TYPES else name


def _mention_annotation(kind: str, mention) -> tuple[list[tuple[str, str | None]], list[tuple[str, str]]]:
    """(attributes, note items) of one scored mention."""
    if kind == "SampleSize":
        return [("Role", mention.role)], [("value", str(mention.value))]
    if kind == "PValue":
        attributes = [("Comparator", mention.comparator)]
        if mention.threshold:
            attributes.append(("Threshold", None))
        note = [] if mention.value is None else [("value", repr(mention.value))]
        return attributes, note
    if kind == "Dose":
        base, _, per = mention.unit.partition("/")
        note = [("value", repr(mention.value))]
        if mention.value_max is not None:
            note.append(("value_max", repr(mention.value_max)))
        if mention.spread is not None:
            note.append(("spread", repr(mention.spread)))
        if per:
            note.append(("per", per))
        if mention.frequency is not None:
            note.append(("frequency", mention.frequency))
        return [("Unit", base)], note
    if kind == "Effect":
        # p_value is output only (the same mention is in p_values): not part of the review.
        note = [("value", repr(mention.value))]
        for key in ("ci_low", "ci_high", "ci_level"):
            if getattr(mention, key) is not None:
                note.append((key, repr(getattr(mention, key))))
        return [("Measure", mention.measure)], note
    return [("RouteName", mention.route)], []


def record_to_ann(raw: str, record: TrialRecord, include_entities: bool = True) -> tuple[str, list[str]]:
    """The .ann text of a record over ``raw`` and the context entity types it uses.

    Layout: the Document annotation (T1), then the scored mentions field by field in list
    order, then the Intervention names (in the order doses first use them) with the
    InterventionOf relations of the doses, then context entities; each text-bound line is
    followed by its attributes and note.
    """
    problems = record.offset_problems(raw)
    if problems:
        raise BratError([f"{record.doc_id}: offsets do not fit the text: {p}" for p in problems])
    lines: list[str] = []
    counters = {"T": 0, "A": 0, "#": 0}

    def add(kind: str, start: int, end: int, attributes, note: str | None) -> str:
        try:
            parts = fragments(raw, start, end)
        except ValueError as exc:
            raise BratError([f"{record.doc_id}: {kind}: {exc}"]) from None
        counters["T"] += 1
        tid = f"T{counters['T']}"
        lines.append(f"{tid}\t{kind} {_offsets_field(parts)}\t{_fragment_text(raw, parts)}")
        for name, value in attributes:
            counters["A"] += 1
            lines.append(f"A{counters['A']}\t{name} {tid}" + ("" if value is None else f" {value}"))
        if note:
            counters["#"] += 1
            lines.append(f"#{counters['#']}\t{NOTE_TYPE} {tid}\t{note}")
        return tid

    doc_attributes = [] if record.status is None else [("Status", record.status)]
    doc_note = [] if record.sample_size is None else [("sample_size", str(record.sample_size))]
    add(DOCUMENT, *document_span(raw), doc_attributes, format_note(doc_note))
    dose_ids = []
    for kind, field_name in SCORED_TYPES.items():
        for mention in getattr(record, field_name):
            attributes, note = _mention_annotation(kind, mention)
            tid = add(kind, mention.start, mention.end, attributes, format_note(note))
            if kind == "Dose":
                dose_ids.append(tid)
    name_ids: dict[tuple[int, int], str] = {}
    for dose in record.doses:
        name = dose.intervention
        if name is not None and (name.start, name.end) not in name_ids:
            name_ids[(name.start, name.end)] = add(INTERVENTION, name.start, name.end, [], "")
    relations = 0
    for dose_id, dose in zip(dose_ids, record.doses):
        if dose.intervention is not None:
            relations += 1
            name_id = name_ids[(dose.intervention.start, dose.intervention.end)]
            lines.append(f"R{relations}\t{INTERVENTION_OF} Arg1:{dose_id} Arg2:{name_id}")
    entity_types: list[str] = []
    if include_entities:
        for entity in record.entities:
            kind = brat_type_name(entity.label)
            if kind not in entity_types:
                entity_types.append(kind)
            note = [(k, v) for k, v in (("identifier", entity.identifier), ("source", entity.source)) if v]
            add(kind, entity.start, entity.end, [], format_note(note))
    return "".join(line + "\n" for line in lines), entity_types


def _safe_file_stem(doc_id: str) -> bool:
    return (
        doc_id not in {".", ".."}
        and not any(c in doc_id for c in '/\\\0')
        and not any(c in doc_id for c in LINE_BREAKS)
        and Path(doc_id).name == doc_id
    )


def annotation_conf_with(entity_types: Iterable[str]) -> str:
    """The shipped annotation.conf, plus any context entity types it does not declare yet."""
    text = read_pattern_text("brat/annotation.conf")
    declared = declared_entity_types(text)
    extra = [t for t in entity_types if t not in declared]
    if not extra:
        return text
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip() == "[relations]")
    while at > 0 and not lines[at - 1].strip():
        at -= 1
    block = ["# Labels of this export's records that the shipped scheme does not list.", *extra]
    return "\n".join(lines[:at] + block + lines[at:])


def export_brat(
    items: Iterable[tuple[str, TrialRecord]], out_dir: Path, include_entities: bool = True
) -> list[Path]:
    """Write ``<doc_id>.txt`` + ``<doc_id>.ann`` for every (raw text, record) and the two confs.

    ``raw`` is the text the record's offsets count in (``read_raw(path)``, or ``record.text``
    for records read from a stream). Existing files of the same names are replaced. Returns
    the paths written: per document its .txt then .ann, then annotation.conf and visual.conf.
    Raises BratError for a doc_id that is not a plain file name or comes twice, and for a
    record whose offsets do not fit its text (that is a bug upstream, not a review matter).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    seen: set[str] = set()
    entity_types: list[str] = []
    for raw, record in items:
        doc_id = record.doc_id
        if not _safe_file_stem(doc_id):
            raise BratError([f"{doc_id!r}: doc_id is not usable as a file name"])
        if doc_id in seen:
            raise BratError([f"{doc_id}: doc_id comes twice; its files would overwrite each other"])
        seen.add(doc_id)
        ann, types = record_to_ann(raw, record, include_entities)
        entity_types.extend(t for t in types if t not in entity_types)
        txt_path, ann_path = out_dir / f"{doc_id}.txt", out_dir / f"{doc_id}.ann"
        # newline="": nothing translated, so "\r\n" stays two characters as the offsets count it.
        with open(txt_path, "w", encoding="utf-8", newline="") as handle:
            handle.write(raw)
        with open(ann_path, "w", encoding="utf-8", newline="") as handle:
            handle.write(ann)
        written += [txt_path, ann_path]
    conf_path = out_dir / "annotation.conf"
    with open(conf_path, "w", encoding="utf-8", newline="") as handle:
        handle.write(annotation_conf_with(entity_types))
    visual_path = out_dir / "visual.conf"
    with open(visual_path, "w", encoding="utf-8", newline="") as handle:
        handle.write(read_pattern_text("brat/visual.conf"))
    return written + [conf_path, visual_path]


# ---------------------------------------------------------------------------------------------
# annotation.conf: import needs only to know which entity types a folder declares


def declared_entity_types(conf_text: str) -> list[str]:
    """The [entities] of an annotation.conf, read as brat's projectconfig reads them."""
    types, section = [], None
    for line in conf_text.splitlines():
        if not line.strip() or line.lstrip().startswith("#") or re.fullmatch(r"\s*-+\s*", line):
            continue
        header = re.fullmatch(r"\s*\[(.*)\]\s*", line)
        if header:
            section = header.group(1)
        elif section == "entities":
            # "Name|alias<whitespace>args"; a leading "!" marks a type that is only a group heading.
            types.append(line.split()[0].split("|")[0].lstrip("!"))
    return types


def _folder_entity_types(folder: Path) -> list[str]:
    """What brat would use for the folder: its own annotation.conf, else the shipped one."""
    local = Path(folder) / "annotation.conf"
    text = local.read_text(encoding="utf-8-sig") if local.is_file() else read_pattern_text("brat/annotation.conf")
    return declared_entity_types(text)


# ---------------------------------------------------------------------------------------------
# Import


@dataclass
class _TextBound:
    id: str
    kind: str
    start: int
    end: int
    text: str
    line: int
    attributes: dict[str, tuple[str | None, int]] = field(default_factory=dict)
    note: tuple[str, int] | None = None


def _parse_textbound(data: str, text: str | None, raw: str, known_types: set[str]) -> tuple[str, list[tuple[int, int]]]:
    kind, _, offsets = data.partition(" ")
    if kind not in known_types:
        raise ValueError(f"unknown type {kind!r} (annotation.conf declares {', '.join(sorted(known_types))})")
    parts = []
    for fragment in offsets.split(";"):
        match = re.fullmatch(r"\s*([0-9]+) ([0-9]+)\s*", fragment)
        if not match:
            raise ValueError(f"offsets {offsets!r} are not 'START END' or 'START END;START END'")
        parts.append((int(match.group(1)), int(match.group(2))))
    for (s, e), (next_start, _) in zip(parts, parts[1:] + [(None, None)]):
        if not 0 <= s <= e <= len(raw):
            raise ValueError(f"offsets {s}-{e} are outside the text ({len(raw)} characters)")
        if s == e and len(parts) > 1:
            raise ValueError(f"fragment {s}-{e} is empty")
        if next_start is not None and (next_start <= e or not _LINE_BREAK_ONLY.fullmatch(raw[e:next_start])):
            raise ValueError(
                f"fragments {offsets!r} are not one span split at line breaks "
                "(trialfacts has no discontinuous mentions)"
            )
    expected = _fragment_text(raw, parts)
    if text is None:
        raise ValueError(f"no text after the offsets (brat writes a tab and {expected!r})")
    if text != expected:
        raise ValueError(f"offsets {offsets} hold {expected!r} in the .txt, but the line says {text!r}")
    return kind, parts


def _build_mention(tb: _TextBound) -> tuple[dict | None, list[tuple[int, str]]]:
    """A scored mention's fields from its annotation, attributes and note; or the problems,
    each with the line to fix: the note's line for a bad value, else the annotation's."""
    problems = []
    for name, required in ATTRIBUTES[tb.kind].items():
        if required and name not in tb.attributes:
            problems.append((tb.line, f"{tb.id} {tb.kind} has no {name} attribute (set it in brat)"))
    keys, needed = NOTE_KEYS[tb.kind]
    if tb.kind == "PValue" and tb.attributes.get("Comparator", ("",))[0] != "ns":
        needed = {"value"}
    note_line = tb.note[1] if tb.note else tb.line
    try:
        note = parse_note(tb.note[0]) if tb.note else {}
        retired = [key for key in note if (tb.kind, key) in RETIRED_NOTE_KEYS]
        if retired:
            raise ValueError(f"{retired[0]}= is no longer a note key: {RETIRED_NOTE_KEYS[(tb.kind, retired[0])]}")
        unknown = sorted(set(note) - keys)
        if unknown:
            raise ValueError(
                f"note key(s) {', '.join(unknown)} do not apply to {tb.kind}"
                + (f" (known: {', '.join(sorted(keys))})" if keys else " (it takes no note)")
            )
    except ValueError as exc:
        return None, problems + [(note_line, f"{tb.id} {tb.kind}: note: {exc}")]
    if needed - set(note):
        example = {"SampleSize": "value=26", "Dose": "value=400.0; per=kg",
                   "Effect": "value=0.72; ci_low=0.61; ci_high=0.85; ci_level=0.95"}.get(tb.kind, "value=0.02")
        problems.append((tb.line, f"{tb.id} {tb.kind} has no value note: add an AnnotatorNotes like {example}"))
    if problems:
        return None, problems

    data: dict = {"text": tb.text, "start": tb.start, "end": tb.end}
    try:
        if tb.kind == "SampleSize":
            data.update(value=_integer("value", note["value"]), role=tb.attributes["Role"][0])
        elif tb.kind == "PValue":
            comparator = tb.attributes["Comparator"][0]
            if comparator == "ns" and "value" in note:
                raise ValueError("comparator ns goes without a value: remove value= from the note")
            data.update(
                comparator=comparator,
                value=_number("value", note["value"]) if "value" in note else None,
                threshold="Threshold" in tb.attributes,
            )
        elif tb.kind == "Dose":
            per = note.get("per")
            data.update(
                value=_number("value", note["value"]),
                value_max=_number("value_max", note["value_max"]) if "value_max" in note else None,
                spread=_number("spread", note["spread"]) if "spread" in note else None,
                unit=tb.attributes["Unit"][0] + (f"/{per}" if per else ""),
                frequency=note.get("frequency"),
            )
        elif tb.kind == "Effect":
            data.update(
                measure=tb.attributes["Measure"][0],
                **{key: _number(key, note[key]) if key in note else None
                   for key in ("value", "ci_low", "ci_high", "ci_level")},
            )
        else:
            data.update(route=tb.attributes["RouteName"][0])
        MODELS[tb.kind].model_validate(data)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError too
        message = describe_validation_error(exc) if isinstance(exc, ValidationError) else str(exc)
        return None, [(note_line, f"{tb.id} {tb.kind}: {message}")]
    return data, []


def import_brat(ann_path: Path) -> TrialRecord:
    """The record a (corrected) .ann file and the .txt beside it hold; BratError if malformed.

    ``doc_id`` is the file stem; ``status`` comes from the Document annotation's Status
    attribute and is "draft" where there is none; every list is in reading order (sorted by
    start, ties in file order), so an annotation added in brat lands where it is read.
    A Dose's ``intervention`` is the Intervention annotation its InterventionOf relation goes
    to (null without one). Context entities are skipped: gold has no entities.
    """
    ann_path = Path(ann_path)
    where = str(ann_path)
    txt_path = ann_path.with_suffix(".txt")
    try:
        raw = read_raw(txt_path)
    except OSError as exc:
        raise BratError([f"{where}: cannot read the text beside it ({txt_path.name}): {exc.strerror or exc}"]) from None
    try:
        ann_text = ann_path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BratError([f"{where}: cannot read as UTF-8: {exc}"]) from None

    known_types = {DOCUMENT, *SCORED_TYPES, INTERVENTION, *_folder_entity_types(ann_path.parent)}
    vocabularies = attribute_values()
    problems: list[tuple[int, str]] = []
    textbounds: dict[str, _TextBound] = {}
    attributes: list[tuple[int, str, str, str, str | None]] = []  # line, id, name, target, value
    notes: list[tuple[int, str, str, str]] = []  # line, id, target, text
    relations: list[tuple[int, str, str, str]] = []  # line, id, Arg1 (a Dose), Arg2 (an Intervention)
    seen_ids: dict[str, int] = {}

    def problem(line: int, message: str) -> None:
        problems.append((line, f"{where}:{line}: {message}"))

    for number, line in enumerate(ann_text.splitlines(), start=1):
        if not line.strip():
            continue
        ann_id, tab, rest = line.partition("\t")
        if not tab:
            problem(number, f"not a brat annotation line (no tab after the id): {line!r}")
            continue
        if ann_id in seen_ids:
            problem(number, f"id {ann_id} is used again (first on line {seen_ids[ann_id]})")
            continue
        seen_ids[ann_id] = number
        if _TEXTBOUND_ID.fullmatch(ann_id):
            data, tab, text = rest.partition("\t")
            try:
                kind, parts = _parse_textbound(data, text if tab else None, raw, known_types)
            except ValueError as exc:
                problem(number, f"{ann_id}: {exc}")
                continue
            textbounds[ann_id] = _TextBound(
                ann_id, kind, parts[0][0], parts[-1][1], raw[parts[0][0] : parts[-1][1]], number
            )
        elif _ATTRIBUTE_ID.fullmatch(ann_id):
            tokens = rest.split()
            if len(tokens) not in (2, 3):
                problem(number, f"{ann_id}: expected 'Name TARGET [VALUE]', found {rest!r}")
                continue
            attributes.append((number, ann_id, tokens[0], tokens[1], tokens[2] if len(tokens) == 3 else None))
        elif _NOTE_ID.fullmatch(ann_id):
            head, _, text = rest.partition("\t")
            tokens = head.split()
            if len(tokens) != 2 or tokens[0] != NOTE_TYPE:
                problem(number, f"{ann_id}: expected '{NOTE_TYPE} TARGET<tab>text', found {rest!r}")
                continue
            notes.append((number, ann_id, tokens[1], text))
        elif _RELATION_ID.fullmatch(ann_id):
            # brat writes "Type Arg1:T5 Arg2:T9", with a tab after it for relations drawn in its UI.
            head, _, tail = rest.partition("\t")
            tokens = head.split()
            args = dict(token.partition(":")[::2] for token in tokens[1:])
            if tail.strip() or len(tokens) != 3 or set(args) != {"Arg1", "Arg2"} or not all(args.values()):
                problem(number, f"{ann_id}: expected '{INTERVENTION_OF} Arg1:DOSE Arg2:NAME', found {rest!r}")
            elif tokens[0] != INTERVENTION_OF:
                problem(number, f"{ann_id}: relation {tokens[0]!r} is not part of the trialfacts scheme "
                                f"(its one relation is {INTERVENTION_OF}, from a Dose to its {INTERVENTION})")
            else:
                relations.append((number, ann_id, args["Arg1"], args["Arg2"]))
        else:
            what = _UNSUPPORTED.get(ann_id[:1])
            problem(number, f"{ann_id}: " + (
                f"{what} is not part of the trialfacts scheme" if what else "unknown kind of annotation id"
            ))

    for number, ann_id, name, target, value in attributes:
        tb = textbounds.get(target)
        if tb is None:
            problem(number, f"{ann_id}: {name} refers to {target}, which is not a text annotation in this file")
        elif tb.kind not in ATTRIBUTES:
            continue  # a context entity: nothing of it is imported
        elif name not in ATTRIBUTES[tb.kind]:
            problem(number, f"{ann_id}: attribute {name} does not apply to {tb.kind}")
        elif name in tb.attributes:
            problem(number, f"{ann_id}: {target} has {name} twice (also line {tb.attributes[name][1]})")
        elif name in BINARY_ATTRIBUTES and value is not None:
            problem(number, f"{ann_id}: {name} is a yes/no attribute and takes no value, found {value!r}")
        elif name not in BINARY_ATTRIBUTES and value not in vocabularies[name]:
            problem(number, f"{ann_id}: bad {name} value {value!r} (one of: {', '.join(sorted(vocabularies[name]))})")
        else:
            tb.attributes[name] = (value, number)

    for number, ann_id, target, text in notes:
        tb = textbounds.get(target)
        if tb is None:
            problem(number, f"{ann_id}: note refers to {target}, which is not a text annotation in this file")
        elif tb.note is not None:
            problem(number, f"{ann_id}: {target} has a second note (the first is on line {tb.note[1]})")
        else:
            tb.note = (text, number)

    # Each Dose takes at most one name; each name must be some Dose's, or it holds nothing.
    names_of_doses: dict[str, tuple[_TextBound, int]] = {}  # Dose id -> (its name, relation line)
    for number, ann_id, dose_id, name_id in relations:
        dose, name = textbounds.get(dose_id), textbounds.get(name_id)
        if dose is None or dose.kind != "Dose":
            found = "not a text annotation in this file" if dose is None else f"a {dose.kind}"
            problem(number, f"{ann_id}: {INTERVENTION_OF} goes from a Dose (Arg1), but {dose_id} is {found}")
        elif name is None or name.kind != INTERVENTION:
            found = "not a text annotation in this file" if name is None else f"a {name.kind}"
            problem(number, f"{ann_id}: {INTERVENTION_OF} goes to an {INTERVENTION} (Arg2), but {name_id} is {found}")
        elif dose_id in names_of_doses:
            problem(number, f"{ann_id}: Dose {dose_id} is tied to a second {INTERVENTION} (the first on line "
                            f"{names_of_doses[dose_id][1]}); a dose is of one intervention: delete one relation")
        else:
            names_of_doses[dose_id] = (name, number)
    tied_names = {name.id for name, _ in names_of_doses.values()}

    status, sample_size = "draft", None
    fields: dict[str, list[dict]] = {name: [] for name in SCORED_TYPES.values()}
    document_line = None
    for tb in textbounds.values():
        if tb.kind == DOCUMENT:
            if document_line is not None:
                problem(tb.line, f"{tb.id}: a second Document annotation (the first is on line {document_line})")
                continue
            document_line = tb.line
            if "Status" in tb.attributes:
                status = tb.attributes["Status"][0]
            try:
                note = parse_note(tb.note[0]) if tb.note else {}
                unknown = sorted(set(note) - NOTE_KEYS[DOCUMENT][0])
                if unknown:
                    raise ValueError(f"note key(s) {', '.join(unknown)} do not apply to Document (known: sample_size)")
                if "sample_size" in note:
                    sample_size = _integer("sample_size", note["sample_size"])
                    if sample_size < 1:
                        raise ValueError("sample_size must be at least 1 (leave it out for none)")
            except ValueError as exc:
                problem(tb.note[1] if tb.note else tb.line, f"{tb.id} Document: note: {exc}")
        elif tb.kind == INTERVENTION:
            if tb.note is not None:
                problem(tb.note[1], f"{tb.id} {INTERVENTION}: takes no note (its text is the name)")
            if tb.id not in tied_names:
                problem(tb.line, f"{tb.id} {INTERVENTION} {tb.text!r} is tied to no Dose: draw an "
                                 f"{INTERVENTION_OF} relation from the Dose to it, or delete it")
        elif tb.kind in SCORED_TYPES:
            data, mention_problems = _build_mention(tb)
            for line, message in mention_problems:
                problem(line, message)
            if data is not None:
                if tb.id in names_of_doses:
                    name = names_of_doses[tb.id][0]
                    data["intervention"] = Mention(text=name.text, start=name.start, end=name.end)
                fields[SCORED_TYPES[tb.kind]].append(data)

    if problems:
        raise BratError([message for _, message in sorted(problems, key=lambda p: p[0])])
    for mentions in fields.values():
        mentions.sort(key=lambda m: m["start"])  # stable: ties keep file order
    try:
        return TrialRecord(doc_id=ann_path.stem, status=status, sample_size=sample_size, **fields)
    except ValidationError as exc:
        raise BratError([f"{where}: {describe_validation_error(exc)}"]) from None


def import_brat_folder(folder: Path) -> list[tuple[Path, TrialRecord | str]]:
    """Every .ann in ``folder`` (sorted by name) as its record, or as the error text naming
    file and line. A .txt without an .ann is not a review and is skipped."""
    results: list[tuple[Path, TrialRecord | str]] = []
    for ann_path in sorted(Path(folder).glob("*.ann")):
        try:
            results.append((ann_path, import_brat(ann_path)))
        except BratError as exc:
            results.append((ann_path, str(exc)))
    return results

