"""Review pages: the raw text of a document with every extracted mention highlighted.

A reviewer trusts an extraction only after seeing each value next to the words it came
from, so these pages show the text exactly as the offsets count it (page chrome and all,
line breaks kept), each mention marked in its field's colour with its normalized value
beside it and, on hover, field, value and offsets. The name a dose's ``intervention`` points
to is underlined in the dose colour and says which doses it belongs to, since the tie is a
value a reviewer checks like any other. The evaluation page does the same for gold against
prediction, coloured by how the scoring matched each mention (and each intervention name by
how the ``dose_interventions`` row matched the doses tied to it).

Every page is one self-contained HTML file (inline CSS, no scripts, no fonts, no network
references), so it opens from disk, from a CI artifact or from a mail attachment alike.

Why not displaCy's span renderer: it renders each token as its own inline block and
appends a space after every token, so it neither keeps the raw text's whitespace and line
breaks nor puts a mention in one element, and its template has no place for a hover title.
The markup here follows the same idea (spans may overlap; overlapping ones nest) with the
standard HTML element for highlighted text, ``<mark>``, one per mention: where two mentions
cross rather than nest, the later one is split into parts that share its ``data-m`` id.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..records.describe import describe_dose, describe_mention, describe_record
from ..records.evaluate import (
    ROWS,
    Report,
    match_interventions,
    abbreviation_pairs,
    dose_intervention_items,
    scored_items,
)
from ..records.models import Dose, ErrorRecord, TrialRecord

# Scored fields in the order a reader of an abstract meets them.
FIELDS = ("sample_sizes", "doses", "routes", "p_values", "effects")
# Marks that are not mentions of a field of their own: the names doses are tied to.
INTERVENTIONS = "interventions"
FIELD_NAMES = {
    "sample_sizes": "participant count",
    "doses": "dose",
    "routes": "route",
    "p_values": "p-value",
    "effects": "effect estimate",
    INTERVENTIONS: "intervention name (of a dose)",
    "entities": "entity",
}
# Prefix of the label beside a mention, where the value alone does not say the field
# ("P < 0.02", "n = 26 (enrolled)" and "HR 0.72 (95% CI 0.61-0.85)" do; "intrathecal" does not).
LABEL_PREFIX = {"doses": "DOSE ", "routes": "ROUTE ", "sample_sizes": "", "p_values": "", "effects": ""}
# An intervention name's label lists the doses tied to it up to this many, then counts them.
NAME_LABEL_DOSES = 3

STATUS_NAMES = {
    "hit": "true hit: in gold and predicted",
    "false": "false hit: predicted, not in gold",
    "miss": "miss: in gold, not predicted",
    "neutral": "not scored (a significance threshold)",
}
STATUS_SYMBOLS = {"hit": "\u2713", "false": "\u2717", "miss": "\u25cb", "neutral": "\u00b7"}

# C0 controls other than tab, line feed, carriage return and form feed are not allowed in
# HTML text; they show as a replacement character instead (the offsets are not affected:
# nothing is counted on the page).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def _esc(value) -> str:
    return html.escape(str(value), quote=True)


def _esc_text(text: str) -> str:
    return _esc(_CONTROL.sub("\ufffd", text))


CSS = """
:root { color-scheme: light; }
body { margin: 0; padding: 1.5rem 2rem 3rem; background: #f6f7f9; color: #1f2328;
  font: 15px/1.5 "DejaVu Sans", "Liberation Sans", -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
h1 { font-size: 1.35rem; margin: 0 0 .25rem; line-height: 1.3; }
h2 { font-size: 1.1rem; margin: 2rem 0 .5rem; }
h3 { font-size: .95rem; margin: 0 0 .5rem; text-transform: uppercase; letter-spacing: .04em; color: #57606a; }
a { color: #0b5cad; }
.muted { color: #57606a; font-size: .85rem; }
.box { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: .75rem 1rem; margin: .75rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; color: #57606a; }
dl.facts dd { margin: 0; }
ul.values { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem; }
ul.values a { text-decoration: none; }
.none { color: #8c959f; font-style: italic; }
.warnings { background: #fff8c5; border-color: #d4a72c; }
.warnings ul, .problems ul { margin: .25rem 0 0; padding-left: 1.25rem; }
.problems { background: #ffebe9; border-color: #ff8182; }
ul.legend { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; align-items: center; }
ul.legend li { display: flex; align-items: center; gap: .35rem; font-size: .9rem; }
.swatch { display: inline-block; min-width: 2.2rem; padding: 0 .3rem; border-radius: 3px; text-align: center;
  background: var(--bg); border-bottom: 3px solid var(--fg); font-size: .8rem; }
.swatch.iv { background: transparent; border-bottom-width: 2px; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 2.1; font-size: 15px;
  background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: .75rem 1.1rem; margin: .75rem 0; }
mark.m { background: var(--bg); color: inherit; border-bottom: 3px solid var(--fg); border-radius: 3px 3px 0 0;
  padding: 2px 1px 0; -webkit-box-decoration-break: clone; box-decoration-break: clone; }
mark.m mark.m { padding: 0; border-bottom-width: 2px; }
mark.m.part { border-radius: 0; }
mark.f-entities { background: transparent; border-bottom: 2px dotted var(--fg); }
mark.iv { background: transparent; border-bottom-width: 2px; padding: 0; }
.chip { display: inline-block; margin: 0 .15rem 0 .2rem; padding: 0 .35rem; border-radius: 3px;
  background: var(--fg); color: #fff; font-size: 11px; font-weight: 600; line-height: 1.6;
  white-space: nowrap; vertical-align: 1px; text-decoration: none; }
a.chip { color: #fff; }
.chip.f-entities { background: #eef1f4; color: #424a53; font-weight: 500; border: 1px solid #d0d7de; line-height: 1.4; }
.chip.iv { background: var(--bg); color: var(--fg); font-weight: 500; border: 1px solid var(--fg); line-height: 1.4; }
.f-sample_sizes { --bg: #dbeafe; --fg: #1d4ed8; }
.f-doses { --bg: #ffedd5; --fg: #b45309; }
.f-routes { --bg: #dcfce7; --fg: #15803d; }
.f-p_values { --bg: #f3e8ff; --fg: #7e22ce; }
.f-effects { --bg: #cffafe; --fg: #0e7490; }
.f-interventions { --bg: #fff7ed; --fg: #b45309; }
.f-entities { --bg: #f1f5f9; --fg: #6e7781; }
.s-hit { --bg: #dcfce7; --fg: #15803d; }
.s-false { --bg: #ffe4e6; --fg: #be123c; }
.s-miss { --bg: #fef3c7; --fg: #b45309; }
mark.s-miss { border-bottom-style: dashed; }
.s-neutral { --bg: #eef1f4; --fg: #6e7781; }
table.scores { border-collapse: collapse; background: #fff; font-variant-numeric: tabular-nums; }
table.scores th, table.scores td { border: 1px solid #d0d7de; padding: .3rem .7rem; text-align: right; }
table.scores th:first-child, table.scores td:first-child { text-align: left; }
table.scores thead th { background: #eef1f4; }
table.small { font-size: .85rem; }
table.small th, table.small td { padding: .15rem .5rem; }
.cols { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; align-items: start; margin-top: 1rem; }
details.fold { color: #57606a; font-size: .85rem; line-height: 1.6; }
details.fold summary { cursor: pointer; font-style: italic; }
.cols .text { margin: 0; }
nav.toc ol { margin: .25rem 0 0; padding-left: 1.5rem; columns: 2; }
section.doc { border-top: 2px solid #d0d7de; margin-top: 2rem; }
table.index { border-collapse: collapse; background: #fff; width: 100%; }
table.index th, table.index td { border: 1px solid #d0d7de; padding: .35rem .6rem; text-align: left; vertical-align: top; }
table.index thead th { background: #eef1f4; }
tr.error td { background: #ffebe9; }
"""


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{_esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


# ---------------------------------------------------------------------------------------
# Highlighting


@dataclass
class Highlight:
    """One stretch of the raw text to mark: where, with which colour, label and hover text."""

    start: int
    end: int
    text: str
    css: str  # the colour class, e.g. "f-doses" or "s-hit"
    label: str  # shown beside the mention
    title: str  # shown on hover
    field: str  # "doses", "entities", ...
    value: str  # the normalized value alone


@dataclass
class Marked:
    html: str
    unplaced: list[Highlight]  # offsets do not hold their text
    ids: dict[int, str]  # element id of each placed highlight, by id(highlight)


def _highlight_html(raw: str, highlights: list[Highlight], id_prefix: str = "m",
                    window: tuple[int, int] | None = None) -> Marked:
    """The raw text as HTML with each highlight in a ``<mark>``; also the ones that do not fit.

    A highlight whose offsets do not hold its text is not placed (it would mark the wrong
    words); the caller lists it instead. Overlapping highlights nest; where they cross, the
    inner one is closed and reopened around the boundary. Labels follow the outermost mark
    they sit in, so a mark's text is exactly its mention's text.

    ``window`` (start, end) renders only that stretch of the text; it must hold every
    highlight that fits the text.
    """
    placed = [h for h in highlights if _fits(raw, h)]
    unplaced = [h for h in highlights if not _fits(raw, h)]
    # Ids in text order, outer before inner, so the page reads m-1, m-2, ... from the top.
    placed.sort(key=lambda h: (h.start, -h.end))
    ids = {index: f"{id_prefix}-{index + 1}" for index in range(len(placed))}

    starting = defaultdict(list)
    for index, h in enumerate(placed):
        starting[h.start].append(index)
    low, high = window or (0, len(raw))
    points = sorted({low, high, *(h.start for h in placed), *(h.end for h in placed)})

    out: list[str] = []
    stack: list[int] = []  # open marks, outermost first
    opened: set[int] = set()
    finished: list[int] = []  # ended, label not yet written
    position = low

    def open_tag(index: int) -> str:
        h = placed[index]
        first = index not in opened
        opened.add(index)
        attributes = [
            ("class", f"m {h.css}" + ("" if first else " part")),
            ("data-m", ids[index]),
            ("data-field", h.field),
            ("data-start", h.start),
            ("data-end", h.end),
            ("data-value", h.value),
            ("title", h.title),
        ]
        if first:
            attributes.insert(0, ("id", ids[index]))
        return "<mark " + " ".join(f'{name}="{_esc(value)}"' for name, value in attributes) + ">"

    def write_labels() -> None:
        for index in sorted(finished):
            h = placed[index]
            out.append(f'<span class="chip {_esc(h.css)}" data-for="{ids[index]}" '
                       f'title="{_esc(h.title)}">{_esc(h.label)}</span>')
        finished.clear()

    for point in points:
        if point > position:
            out.append(_esc_text(raw[position:point]))
            position = point
        reopen: list[int] = []
        ending = [depth for depth, index in enumerate(stack) if placed[index].end == point]
        if ending:
            cut = ending[0]
            for index in reversed(stack[cut:]):
                out.append("</mark>")
                if placed[index].end == point:
                    finished.append(index)
                else:
                    reopen.append(index)
            del stack[cut:]
        if not stack and not reopen:
            write_labels()
        empty = [i for i in starting.get(point, []) if placed[i].start == placed[i].end]
        for index in empty:
            out.append(open_tag(index) + "</mark>")
            finished.append(index)
        if empty and not stack and not reopen:
            write_labels()
        # Longest first, so that what ends later encloses what ends sooner.
        to_open = reopen + [i for i in starting.get(point, []) if placed[i].end > placed[i].start]
        for index in sorted(to_open, key=lambda i: (-placed[i].end, placed[i].start, i)):
            out.append(open_tag(index))
            stack.append(index)
    write_labels()
    return Marked("".join(out), unplaced, {id(h): ids[index] for index, h in enumerate(placed)})


def _span(text: str, h: Highlight, href: str | None = None) -> str:
    """A label outside the text (summary lists, unplaced mentions), linked to its mark."""
    tag = "a" if href else "span"
    link = f' href="{_esc(href)}"' if href else ""
    return f'<{tag} class="chip {_esc(h.css)}"{link} title="{_esc(h.title)}">{_esc(text)}</{tag}>'


def _where(start: int, end: int) -> str:
    return f"characters {start}\u2013{end}"


def _tied_to(dose: Dose) -> str:
    """What a dose's hover text says of its intervention."""
    name = dose.intervention
    if name is None:
        return "no intervention named"
    return f"intervention \u201c{name.text}\u201d at {_where(name.start, name.end)}"


def _names_of_doses(record: TrialRecord) -> dict[tuple[int, int, str], list[Dose]]:
    """Each intervention name span the doses are tied to, with its doses in record order."""
    names: dict[tuple[int, int, str], list[Dose]] = {}
    for dose in record.doses:
        if dose.intervention is not None:
            name = dose.intervention
            names.setdefault((name.start, name.end, name.text), []).append(dose)
    return names


def _doses_said(doses: list[Dose]) -> str:
    if len(doses) > NAME_LABEL_DOSES:
        return f"{len(doses)} doses"
    # "; " between doses: a dose's own description may hold a comma ("400 mg, twice daily").
    return "; ".join(describe_dose(d, with_intervention=False) for d in doses)


def _name_highlight(span: tuple[int, int, str], css: str, label: str, said: str) -> Highlight:
    start, end, text = span
    return Highlight(start, end, text, f"{css} iv", label,
                     f"intervention name \u201c{text}\u201d of {said} \u2014 {_where(start, end)}",
                     INTERVENTIONS, text)


def _mention_highlights(record: TrialRecord) -> list[Highlight]:
    highlights = []
    for field in FIELDS:
        for mention in getattr(record, field):
            value = describe_mention(field, mention)
            tie = f" \u2014 {_tied_to(mention)}" if field == "doses" else ""
            highlights.append(Highlight(
                mention.start, mention.end, mention.text, f"f-{field}",
                LABEL_PREFIX[field] + value,
                f"{FIELD_NAMES[field]}: {value} \u2014 {_where(mention.start, mention.end)}{tie}",
                field, value,
            ))
    for span, doses in _names_of_doses(record).items():
        said = "; ".join(describe_dose(d, with_intervention=False) for d in doses)
        highlights.append(_name_highlight(span, "f-interventions", f"intervention of {_doses_said(doses)}", said))
    for entity in record.entities:
        said = entity.label
        if entity.identifier:
            said += f" {entity.identifier}"
        if entity.source:
            said += f" (from {entity.source})"
        highlights.append(Highlight(
            entity.start, entity.end, entity.text, "f-entities",
            entity.label.lower().replace("_", " "),
            f"entity {said} \u2014 {_where(entity.start, entity.end)}",
            "entities", said,
        ))
    return highlights


def _unplaced_box(unplaced: list[Highlight], with_text: bool) -> str:
    if not unplaced:
        return ""
    heading = ("Not placed in the text: their offsets do not hold their text" if with_text
               else "Mentions (no text to place them in)")
    items = "".join(
        f"<li>{_span(h.label, h)} <q>{_esc_text(h.text)}</q> "
        f"<span class=\"muted\">{_where(h.start, h.end)}</span></li>"
        for h in sorted(unplaced, key=lambda h: (h.start, h.end))
    )
    css = "problems" if with_text else ""
    return f'<div class="box {css}"><strong>{heading}</strong><ul>{items}</ul></div>'


# ---------------------------------------------------------------------------------------
# One document


def _metadata_rows(record: TrialRecord) -> list[tuple[str, str]]:
    rows = []
    meta = record.metadata
    if meta is not None:
        for name, value in (("Title", meta.title), ("Journal", meta.journal), ("Year", meta.year),
                            ("DOI", meta.doi), ("PMID", meta.pmid)):
            if value not in (None, ""):
                rows.append((name, _esc(value)))
        if meta.registrations:
            rows.append(("Registrations", _esc(", ".join(meta.registrations))))
    if record.source:
        rows.append(("Source", _esc(record.source)))
    if record.encoding:
        rows.append(("Encoding", _esc(record.encoding)))
    return rows


def _legend(counts: Counter) -> str:
    items = []
    for field in (*FIELDS, INTERVENTIONS, "entities"):
        css = f"f-{field} iv" if field == INTERVENTIONS else f"f-{field}"
        items.append(f'<li><span class="swatch {css}">{counts.get(field, 0)}</span>'
                     f"{_esc(FIELD_NAMES[field])}</li>")
    return ('<div class="box"><strong>Legend</strong> <span class="muted">(number of mentions; '
            'hover a mention for its field, value and offsets)</span>'
            f'<ul class="legend">{"".join(items)}</ul></div>')


def render_document(raw: str, record: TrialRecord, title: str | None = None, *,
                    index_href: str | None = None) -> str:
    """One self-contained HTML page: a record's summary above its raw text, mentions marked.

    ``raw`` is the text the record's offsets count in; ``title`` overrides the page heading
    (else the article title, else the doc_id); ``index_href``, where given, links back to
    an index page.
    """
    heading = title or (record.metadata.title if record.metadata and record.metadata.title else record.doc_id)
    highlights = _mention_highlights(record)
    marked = _highlight_html(raw or "", highlights)

    summary = [("Sample size (total)", _esc(record.sample_size) if record.sample_size is not None
                else '<span class="none">not found</span>')]
    for field in FIELDS:
        chips = []
        for h in highlights:
            if h.field == field:
                anchor = marked.ids.get(id(h))
                chips.append("<li>" + _span(h.value, h, f"#{anchor}" if anchor else None) + "</li>")
        summary.append((FIELD_NAMES[field].capitalize() + "s",
                        f'<ul class="values">{"".join(chips)}</ul>' if chips else '<span class="none">none</span>'))
    facts = "".join(f"<dt>{_esc(name)}</dt><dd>{value}</dd>" for name, value in summary)
    meta = "".join(f"<dt>{_esc(name)}</dt><dd>{value}</dd>" for name, value in _metadata_rows(record))

    parts = []
    if index_href:
        parts.append(f'<p class="muted"><a href="{_esc(index_href)}">\u2190 all documents</a></p>')
    parts.append(f"<h1>{_esc(heading)}</h1>")
    parts.append(f'<p class="muted">doc_id <code>{_esc(record.doc_id)}</code> \u00b7 {len(raw or ""):,} characters'
                 f" \u00b7 {_esc(describe_record(record))}</p>")
    parts.append(f'<div class="box"><dl class="facts">{facts}</dl></div>')
    if meta:
        parts.append(f'<div class="box"><dl class="facts">{meta}</dl></div>')
    if record.warnings:
        items = "".join(f"<li>{_esc(w)}</li>" for w in record.warnings)
        parts.append(f'<div class="box warnings"><strong>Warnings</strong><ul>{items}</ul></div>')
    parts.append(_legend(Counter(h.field for h in highlights)))
    parts.append(_unplaced_box(marked.unplaced, with_text=bool(raw)))
    if raw:
        parts.append(f'<div class="text" id="text">{marked.html}</div>')
    return _page(f"{record.doc_id} \u2014 trialfacts review", "\n".join(p for p in parts if p))


# ---------------------------------------------------------------------------------------
# Index and files


def render_index(entries: list[tuple[str, str, TrialRecord | ErrorRecord]]) -> str:
    """The page linking every document's page, one row a document; error records listed with their error.

    Each entry is (file name of the document's page, doc_id, record); an error record's
    file name is ignored, as it has no page.
    """
    rows = []
    errors = 0
    for file_name, doc_id, record in entries:
        if isinstance(record, ErrorRecord):
            errors += 1
            rows.append(f'<tr class="error"><td><code>{_esc(doc_id)}</code></td><td>{_esc(record.source or "")}</td>'
                        f"<td>{_esc(describe_record(record))}</td><td></td></tr>")
            continue
        title = record.metadata.title if record.metadata and record.metadata.title else ""
        warnings = f"{len(record.warnings)}" if record.warnings else ""
        rows.append(f'<tr><td><a href="{_esc(file_name)}"><code>{_esc(doc_id)}</code></a></td>'
                    f"<td>{_esc(title)}</td><td>{_esc(describe_record(record))}</td><td>{warnings}</td></tr>")
    body = (
        "<h1>trialfacts review</h1>"
        f'<p class="muted">{len(entries)} document(s), {errors} error(s). Open a document to see its '
        "text with every extracted mention highlighted.</p>"
        '<table class="index"><thead><tr><th>Document</th><th>Title / source</th><th>Extracted</th>'
        f'<th>Warnings</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    return _page("trialfacts review \u2014 index", body)


def page_name(doc_id: str, taken: set[str]) -> str:
    """A file name for a doc_id's page that is safe on any file system and not yet taken."""
    stem = _UNSAFE_NAME.sub("_", doc_id).strip("._-")[:120] or "document"
    name, number = stem, 1
    # "index" is the index page's; names are compared case-folded for case-insensitive disks.
    while name.casefold() == "index" or f"{name}.html".casefold() in taken:
        number += 1
        name = f"{stem}-{number}"
    taken.add(f"{name}.html".casefold())
    return f"{name}.html"


def write_pages(items: Iterable[tuple[str | None, TrialRecord | ErrorRecord]], out_dir: Path) -> list[Path]:
    """Write ``<doc_id>.html`` for every record and ``index.html`` into out_dir; return the paths written.

    Each item is (raw text, record); the raw text may be None for error records, and for
    records that carry their own text (``record.text``, from a stream).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written, entries, taken = [], [], set()
    for raw, record in items:
        if isinstance(record, ErrorRecord):
            entries.append(("", record.doc_id, record))
            continue
        name = page_name(record.doc_id, taken)
        text = raw if raw is not None else record.text
        page = render_document(text or "", record, index_href="index.html")
        path = out_dir / name
        path.write_text(page, encoding="utf-8")
        written.append(path)
        # The index needs the values, not the entities or the text: a big run stays small in memory.
        entries.append((name, record.doc_id, record.model_copy(update={"entities": [], "abbreviations": [], "text": None})))
    index = out_dir / "index.html"
    index.write_text(render_index(entries), encoding="utf-8")
    written.append(index)
    return written


# ---------------------------------------------------------------------------------------
# Gold against prediction


def _match_key(field: str, mention):
    """The item the scoring compares for one mention, or None where the mention is not scored.

    Built with evaluate.scored_items itself, so the page and the score cannot disagree.
    """
    items = scored_items(TrialRecord.model_construct(doc_id="_", **{field: [mention]}))[field]
    return next(iter(items), None)


def match_statuses(gold: TrialRecord, predicted: TrialRecord) -> tuple[dict[int, str], dict[int, str]]:
    """Status of every gold and predicted mention ("hit", "miss", "false", "neutral"), by id().

    Per field, the scored items are matched as multisets (as the score counts them);
    which of several equal mentions is the hit is decided in text order.
    """
    gold_status, predicted_status = {}, {}
    for field in FIELDS:
        gold_mentions = sorted(getattr(gold, field), key=lambda m: (m.start, m.end))
        predicted_mentions = sorted(getattr(predicted, field), key=lambda m: (m.start, m.end))
        gold_keys = {id(m): _match_key(field, m) for m in gold_mentions}
        predicted_keys = {id(m): _match_key(field, m) for m in predicted_mentions}
        common = (Counter(k for k in gold_keys.values() if k is not None)
                  & Counter(k for k in predicted_keys.values() if k is not None))
        for mentions, keys, status, unmatched in ((gold_mentions, gold_keys, gold_status, "miss"),
                                                  (predicted_mentions, predicted_keys, predicted_status, "false")):
            budget = Counter(common)
            for m in mentions:
                key = keys[id(m)]
                if key is None:
                    status[id(m)] = "neutral"
                elif budget[key] > 0:
                    budget[key] -= 1
                    status[id(m)] = "hit"
                else:
                    status[id(m)] = unmatched
    return gold_status, predicted_status


def intervention_statuses(gold: TrialRecord, predicted: TrialRecord,
                          raw: str | None = None) -> tuple[dict[int, str], dict[int, str]]:
    """Status of every dose's tie to its intervention ("hit", "miss", "false"), by id() of the
    dose; doses without an intervention have none.

    The ties are matched by the ``dose_interventions`` scoring itself (same dose key, names
    matching as word sequences or through the abbreviations ``raw`` defines). Equal (dose key,
    name) items are interchangeable there, so the first ones in the text are the hits.
    """
    def tied(record: TrialRecord) -> tuple[list[Dose], list[tuple]]:
        doses = sorted((d for d in record.doses if d.intervention is not None), key=lambda d: (d.start, d.end))
        return doses, dose_intervention_items(TrialRecord.model_construct(doc_id="_", doses=doses))

    (gold_doses, gold_items), (predicted_doses, predicted_items) = tied(gold), tied(predicted)
    _, missed, extra = match_interventions(gold_items, predicted_items, abbreviation_pairs(raw, predicted))
    statuses = []
    for doses, items, unmatched, status_of_unmatched in ((gold_doses, gold_items, missed, "miss"),
                                                         (predicted_doses, predicted_items, extra, "false")):
        hits = Counter(items) - Counter(unmatched)
        status = {}
        for dose, item in zip(doses, items):
            if hits[item] > 0:
                hits[item] -= 1
                status[id(dose)] = "hit"
            else:
                status[id(dose)] = status_of_unmatched
        statuses.append(status)
    return statuses[0], statuses[1]


def _status_highlights(record: TrialRecord, statuses: dict[int, str], ties: dict[int, str]) -> list[Highlight]:
    highlights = []
    for field in FIELDS:
        for mention in getattr(record, field):
            status = statuses[id(mention)]
            value = describe_mention(field, mention)
            label, tie = value, ""
            if field == "doses":
                tie = f" \u2014 {_tied_to(mention)}"
                if id(mention) in ties:
                    tie += f" ({STATUS_NAMES[ties[id(mention)]].split(':')[0]})"
                    if ties[id(mention)] != "hit":  # the dose may match while its tie does not
                        said = describe_dose(mention, with_intervention=False)
                        label = f"{said} ({mention.intervention.text} {STATUS_SYMBOLS[ties[id(mention)]]})"
            highlights.append(Highlight(
                mention.start, mention.end, mention.text, f"s-{status}",
                f"{STATUS_SYMBOLS[status]} {LABEL_PREFIX[field]}{label}",
                f"{FIELD_NAMES[field]}: {value} \u2014 {STATUS_NAMES[status]} \u2014 "
                f"{_where(mention.start, mention.end)}{tie}",
                field, value,
            ))
    # A name is a hit where every dose tied to it is; otherwise it is flagged, and its hover
    # text says which of its doses the scoring matched.
    for span, doses in _names_of_doses(record).items():
        tie_statuses = [ties[id(d)] for d in doses]
        status = next((t for t in tie_statuses if t != "hit"), "hit")
        said = "; ".join(f"{describe_dose(d, with_intervention=False)} {STATUS_SYMBOLS[t]}"
                         for d, t in zip(doses, tie_statuses))
        highlights.append(_name_highlight(span, f"s-{status}",
                                          f"{STATUS_SYMBOLS[status]} intervention of {_doses_said(doses)}", said))
    return highlights


def _document_scores(gold: TrialRecord, predicted: TrialRecord,
                     raw: str | None = None) -> dict[str, tuple[int, int, int]]:
    """TP, FP, FN of every row of ROWS, in its order, as evaluate counts them for this document."""
    g, p = scored_items(gold), scored_items(predicted)
    scores = {}
    for row in ROWS:
        if row == "dose_interventions":
            tp, missed, extra = match_interventions(dose_intervention_items(gold), dose_intervention_items(predicted),
                                                     abbreviation_pairs(raw, predicted))
            scores[row] = (tp, len(extra), len(missed))
            continue
        tp = sum((g[row] & p[row]).values())
        scores[row] = (tp, sum(p[row].values()) - tp, sum(g[row].values()) - tp)
    return scores


def _figure(value: float | None) -> str:
    return "\u2013" if value is None else f"{value:.3f}"


def _score_table(report: Report) -> str:
    rows = "".join(
        f"<tr><td>{_esc(name)}</td><td>{row.tp}</td><td>{row.fp}</td><td>{row.fn}</td>"
        f"<td>{_figure(row.precision)}</td><td>{_figure(row.recall)}</td><td>{_figure(row.f1)}</td></tr>"
        for name, row in report.rows.items()
    )
    return ('<table class="scores"><thead><tr><th>row</th><th>TP</th><th>FP</th><th>FN</th>'
            f"<th>precision</th><th>recall</th><th>F1</th></tr></thead><tbody>{rows}</tbody></table>")


def _status_legend() -> str:
    items = "".join(
        f'<li><span class="swatch s-{status}">{STATUS_SYMBOLS[status]}</span>{_esc(STATUS_NAMES[status])}</li>'
        for status in ("hit", "false", "miss", "neutral")
    )
    items += ('<li><span class="swatch s-hit iv">name</span>intervention name, underlined: coloured by '
              "dose_interventions (a hit where every dose tied to it matched)</li>")
    return (f'<div class="box"><strong>Legend</strong> <span class="muted">(left: gold, right: prediction; '
            f'hover a mention for its value and offsets)</span><ul class="legend">{items}</ul></div>')


# Web-page copies put hundreds of characters of chrome before and after the abstract; side by
# side they push every mention below the fold. So the comparison folds the text before the
# line of the first mention and after the line of the last one into a <details> (still on
# the page, one click away), where that is at least this long.
FOLD_AT_LEAST = 200


def _fits(raw: str, h: Highlight) -> bool:
    return 0 <= h.start <= h.end <= len(raw) and raw[h.start:h.end] == h.text


def _focus_window(raw: str, highlights: list[Highlight]) -> tuple[int, int]:
    """The stretch of raw from the line of the first mention to the line of the last."""
    placed = [h for h in highlights if _fits(raw, h)]
    if not placed:
        return 0, len(raw)
    low = raw.rfind("\n", 0, min(h.start for h in placed)) + 1
    high = raw.find("\n", max(h.end for h in placed))
    high = len(raw) if high < 0 else high
    if low < FOLD_AT_LEAST:
        low = 0
    if len(raw) - high < FOLD_AT_LEAST:
        high = len(raw)
    return low, high


def _fold(text: str, where: str) -> str:
    if not text:
        return ""
    return (f'<details class="fold"><summary>{len(text):,} characters {where} (no mentions)</summary>'
            f"{_esc_text(text)}</details>")


def _column(heading: str, raw: str | None, highlights: list[Highlight], id_prefix: str,
            window: tuple[int, int], note: str = "") -> str:
    parts = [f"<h3>{_esc(heading)}</h3>"]
    if note:
        parts.append(f'<div class="box problems">{_esc(note)}</div>')
    if raw:
        low, high = window
        marked = _highlight_html(raw, highlights, id_prefix, window)
        parts.append(_unplaced_box(marked.unplaced, with_text=True))
        parts.append(f'<div class="text">{_fold(raw[:low], "before")}{marked.html}'
                     f'{_fold(raw[high:], "after")}</div>')
    elif highlights:
        parts.append(_unplaced_box(highlights, with_text=False))
    else:
        parts.append('<p class="none">no mentions</p>')
    return "<div>" + "".join(parts) + "</div>"


def _anchor(doc_id: str) -> str:
    return "doc-" + _UNSAFE_NAME.sub("_", doc_id)


def render_comparison_report(report: Report, predictions: dict, golds: dict[str, TrialRecord],
                             raw_texts: dict[str, str]) -> str:
    """The ``evaluate --html`` page: the score table, then gold beside prediction for every scored document.

    Mentions are coloured as the scoring matched them (true hit, false hit, miss); a document
    whose text is not in raw_texts (nor in the prediction's own ``text``) shows the mentions
    as lists.
    """
    summary = (f"documents scored: {report.scored} \u00b7 drafts skipped: {report.drafts_skipped} \u00b7 "
               f"gold files with errors: {len(report.gold_errors)} \u00b7 offset violations: "
               f"{len(report.offset_violations)} \u00b7 predictions without gold: {len(report.unmatched_predictions)}")
    parts = ["<h1>trialfacts evaluation</h1>", f'<p class="muted">{_esc(summary)}</p>', _score_table(report),
             '<p class="muted">Precision, recall and F1 per row over all documents (micro average); '
             "sample_size recall is its accuracy over documents whose gold total is not null.</p>"]
    problems = [*(f"gold error: {e}" for e in report.gold_errors),
                *(f"offset violation: {v}" for v in report.offset_violations[:50])]
    if problems:
        items = "".join(f"<li>{_esc(p)}</li>" for p in problems)
        parts.append(f'<div class="box problems"><ul>{items}</ul></div>')
    parts.append(_status_legend())

    toc, sections = [], []
    for doc_id in sorted(golds):
        gold = golds[doc_id]
        prediction = predictions.get(doc_id)
        note = ""
        if isinstance(prediction, ErrorRecord):
            note = f"error: {prediction.error}"
        elif prediction is None:
            note = "no prediction for this document"
        predicted = prediction if isinstance(prediction, TrialRecord) else TrialRecord(doc_id=doc_id)
        raw = raw_texts.get(doc_id) or predicted.text
        gold_status, predicted_status = match_statuses(gold, predicted)
        gold_ties, predicted_ties = intervention_statuses(gold, predicted, raw)
        scores = _document_scores(gold, predicted, raw)
        tp, fp, fn = (sum(s[i] for row, s in scores.items() if row in FIELDS) for i in range(3))

        anchor = _anchor(doc_id)
        toc.append(f'<li><a href="#{_esc(anchor)}">{_esc(doc_id)}</a> '
                   f'<span class="muted">{tp} hit \u00b7 {fp} false \u00b7 {fn} missed</span></li>')
        head = "".join(f"<th>{_esc(row)}</th>" for row in ROWS)
        cells = "".join(f"<td>{s[0]} / {s[1]} / {s[2]}</td>" for s in scores.values())
        totals = f"total n: gold {gold.sample_size}, predicted {predicted.sample_size}"
        gold_marks = _status_highlights(gold, gold_status, gold_ties)
        predicted_marks = _status_highlights(predicted, predicted_status, predicted_ties)
        window = _focus_window(raw, gold_marks + predicted_marks) if raw else (0, 0)
        sections.append(
            f'<section class="doc" id="{_esc(anchor)}"><h2>{_esc(doc_id)}</h2>'
            f'<p class="muted">{_esc(totals)} \u00b7 per row TP / FP / FN:</p>'
            f'<table class="scores small"><thead><tr><th></th>{head}</tr></thead>'
            f"<tbody><tr><td>TP / FP / FN</td>{cells}</tr></tbody></table>"
            + ("" if raw else '<p class="muted">The document\'s text is not available: mentions are listed.</p>')
            + '<div class="cols">'
            + _column("Gold", raw, gold_marks, f"g-{anchor}", window)
            + _column("Prediction", raw, predicted_marks, f"p-{anchor}", window, note)
            + "</div></section>"
        )
    parts.append(f'<nav class="box toc"><strong>Documents</strong><ol>{"".join(toc)}</ol></nav>'
                 if toc else '<p class="none">No reviewed gold document was scored.</p>')
    parts.extend(sections)
    return _page("trialfacts evaluation", "\n".join(parts))
