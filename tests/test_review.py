"""The review pages, read back with an HTML parser: every mention marked with exactly its text,
its value beside it, the raw text escaped, nothing fetched from the network, and the
evaluation page colouring each mention as the scoring matched it."""

import json
import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest

from trialfacts.records.evaluate import evaluate, load_gold_folder, Report
from trialfacts.reading.decoding import read_raw
from trialfacts.records.models import (
    Dose,
    Effect,
    Entity,
    ErrorRecord,
    Mention,
    PValue,
    Route,
    SampleSizeMention,
    TrialRecord,
    gold_view,
)
from trialfacts.views.review import (
    intervention_statuses,
    match_statuses,
    page_name,
    render_comparison_report,
    render_document,
    render_index,
    write_pages,
)
from support import ROOT, SEED_IDS

SEED_000 = "000_0a71ac7b8c3031ac"


class MarkCollector(HTMLParser):
    """The marks of a page as a browser builds them: text per mention id (parts joined),
    their attributes, the labels beside them, and every attribute value seen.

    Shared with test_review_browser.py, which reads Chromium's DOM with it.
    """

    VOID = {"meta", "br", "img", "input", "link", "hr", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, mark id or None, chip id or None)
        self.texts = defaultdict(str)
        self.attrs = {}
        self.parts = defaultdict(int)
        self.labels = {}
        self.classes = defaultdict(set)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        mark = chip = None
        classes = set((attrs.get("class") or "").split())
        if tag == "mark" and "m" in classes:
            mark = attrs["data-m"]
            self.attrs.setdefault(mark, attrs)
            self.parts[mark] += 1
            self.classes[mark] |= classes
        if "chip" in classes and "data-for" in attrs:
            chip = attrs["data-for"]
            self.labels[chip] = ""
        if tag not in self.VOID:
            self.stack.append((tag, mark, chip))

    def handle_endtag(self, tag):
        while self.stack:
            open_tag = self.stack.pop()
            if open_tag[0] == tag:
                break

    def handle_data(self, data):
        for _, mark, chip in self.stack:
            if mark is not None:
                self.texts[mark] += data
            if chip is not None:
                self.labels[chip] += data

    def mentions(self):
        """(field, start, end, text, label, classes) for every marked mention."""
        return [
            (a["data-field"], int(a["data-start"]), int(a["data-end"]), self.texts[m],
             self.labels.get(m), self.classes[m])
            for m, a in self.attrs.items()
        ]

    def of_field(self, field):
        """{text: (label, hover title, classes)} of the marks of one field ("effects", "interventions", ...)."""
        return {self.texts[m]: (self.labels.get(m), a["title"], self.classes[m])
                for m, a in self.attrs.items() if a["data-field"] == field}


def expected_marks(record):
    """(field, start, end, text) of every mark a record's page must have: each scored mention,
    each context entity, and each distinct name a dose's intervention points to."""
    names = {("interventions", d.intervention.start, d.intervention.end, d.intervention.text)
             for d in record.doses if d.intervention is not None}
    return sorted([(field, m.start, m.end, m.text) for field, m in record.mentions()]
                  + [("entities", e.start, e.end, e.text) for e in record.entities] + list(names))


def collect(page: str) -> MarkCollector:
    collector = MarkCollector()
    collector.feed(page)
    collector.close()
    return collector


class ResourceFinder(HTMLParser):
    """What a browser would fetch for a page: elements that load something, links to
    another host or scheme, and url()/@import in CSS. Text that merely names a URL is not one."""

    LOADING_TAGS = {"script", "link", "img", "iframe", "object", "embed", "video", "audio", "source", "frame"}
    URL_ATTRIBUTES = {"src", "href", "srcset", "action", "formaction", "poster", "data", "background"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        if tag in self.LOADING_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip()
            if name in self.URL_ATTRIBUTES and (re.match(r"[a-z][a-z0-9+.-]*:|//", value, re.I) or name != "href"):
                self.found.append(f"{name}={value}")
            if name == "style" and re.search(r"url\(|@import", value, re.I):
                self.found.append(f"style={value}")
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if self.in_style and re.search(r"url\(|@import", data, re.I):
            self.found.append("CSS url()/@import")


def network_references(page: str) -> list[str]:
    finder = ResourceFinder()
    finder.feed(page)
    finder.close()
    return finder.found


@pytest.fixture(scope="module")
def seed_000(extractor):
    path = ROOT / "corpus" / f"{SEED_000}.txt"
    return read_raw(path), extractor.extract_file(path)


@pytest.fixture(scope="module")
def seed_000_page(seed_000):
    raw, record = seed_000
    return render_document(raw, record)


def test_seed_page_marks_every_mention_with_exactly_its_text(seed_000, seed_000_page):
    raw, record = seed_000
    expected = expected_marks(record)
    marked = sorted(m[:4] for m in collect(seed_000_page).mentions())
    assert marked == expected
    assert len(expected) == 9 + 26 + 1  # the seed's scored mentions, entities and intervention name, none lost


def test_seed_page_shows_each_value_beside_its_mention_and_on_hover(seed_000_page):
    collector = collect(seed_000_page)
    labels = {(field, text): label for field, _, _, text, label, _ in collector.mentions()}
    assert labels[("doses", "15\u2009±\u20094.5\u2009×\u2009106")] == "DOSE 1.5e7 cells ± 4.5e6 (BM-MSCs)"
    assert labels[("p_values", "p\u2009<\u20090.02")] == "P < 0.02"
    assert labels[("sample_sizes", "26 patients")] == "n = 26 (enrolled)"
    assert labels[("routes", "via lumbar puncture into the cerebrospinal fluid")] == "ROUTE intrathecal"
    assert labels[("entities", "BM-MSCs")] == "cell product"
    assert labels[("interventions", "BM-MSCs")] == "intervention of 1.5e7 cells ± 4.5e6"
    titles = {(a["data-field"], a["data-start"]): a["title"] for a in collector.attrs.values()}
    assert titles[("doses", "939")] == ("dose: 1.5e7 cells ± 4.5e6 (BM-MSCs) \u2014 characters 939\u2013953 \u2014 "
                                        "intervention \u201cBM-MSCs\u201d at characters 957\u2013964")
    assert titles[("interventions", "957")] == (
        "intervention name \u201cBM-MSCs\u201d of 1.5e7 cells ± 4.5e6 \u2014 characters 957\u2013964")
    assert titles[("p_values", "1782")] == "p-value: P < 0.02 \u2014 characters 1782\u20131790"
    assert "entity CELL_PRODUCT bone marrow-derived mesenchymal stem cells" in titles[("entities", "957")]


def test_seed_page_header_has_metadata_summary_and_legend(seed_000_page):
    for said in ("EudraCT 2011-000362-35", "Transplantation of Mesenchymal Stromal Cells",
                 "Sample size (total)</dt><dd>26", "n = 23 (analyzed)", "P &lt; 0.05",
                 "participant count", "p-value", "Legend"):
        assert said in seed_000_page, said


def test_page_is_self_contained(seed_000, seed_000_page):
    raw, record = seed_000
    assert network_references(seed_000_page) == []
    assert network_references(render_index([(f"{SEED_000}.html", SEED_000, record)])) == []
    # A text that itself names URLs still fetches nothing: they are shown as text.
    text = 'See <img src="https://example.org/x.png"> and <link href="http://example.org/a.css">.'
    page = render_document(text, TrialRecord(doc_id="urls"))
    assert network_references(page) == []
    assert network_references(text) == ["<img>", "src=https://example.org/x.png", "<link>",
                                         "href=http://example.org/a.css"]  # the check itself works


def test_raw_text_and_values_are_escaped():
    raw = '<script>alert("x")</script> 10 mg <i>"drug"</i> & more <b>bold</b>'
    start = raw.index("10 mg")
    name = Mention(text='<i>"drug"</i>', start=raw.index("<i>"), end=raw.index("</i>") + 4)
    record = TrialRecord(
        doc_id="x<y>&z",
        doses=[Dose(text="10 mg", start=start, end=start + 5, value=10, unit="mg", intervention=name)],
        entities=[Entity(text="<b>bold</b>", start=raw.index("<b>"), end=len(raw), label="CHEMICAL",
                         identifier='a"b<c>')],
        warnings=["<em>warning</em>"],
    )
    page = render_document(raw, record)
    assert "<script>" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<b>" not in page and "<em>" not in page and "<i>" not in page
    assert "&lt;em&gt;warning&lt;/em&gt;" in page
    marks = {m[3]: m for m in collect(page).mentions()}
    assert marks["<b>bold</b>"][0] == "entities"
    assert marks["10 mg"][4] == 'DOSE 10 mg (<i>"drug"</i>)'
    assert marks['<i>"drug"</i>'][0] == "interventions"
    attrs = {a["data-field"]: a for a in collect(page).attrs.values()}
    assert 'a"b<c>' in attrs["entities"]["title"]


def test_overlapping_mentions_are_both_marked():
    raw = "Patients received 2 × 10^6 MSCs/kg intravenously once."
    dose_text = "2 × 10^6 MSCs/kg"
    start = raw.index(dose_text)
    record = TrialRecord(
        doc_id="overlap",
        doses=[Dose(text=dose_text, start=start, end=start + len(dose_text), value=2e6, unit="cells/kg")],
        routes=[Route(text="intravenously", start=raw.index("intra"), end=raw.index(" once"), route="intravenous")],
        entities=[
            # inside the dose
            Entity(text="MSCs", start=raw.index("MSCs"), end=raw.index("MSCs") + 4, label="CELL_PRODUCT"),
            # crossing the dose's end and containing the route: has to be split into parts
            Entity(text="MSCs/kg intravenously", start=raw.index("MSCs"), end=raw.index(" once"), label="OTHER"),
        ],
    )
    page = render_document(raw, record)
    collector = collect(page)
    marked = sorted(m[:4] for m in collector.mentions())
    expected = sorted([(f, m.start, m.end, m.text) for f, m in record.mentions()]
                      + [("entities", e.start, e.end, e.text) for e in record.entities])
    assert marked == expected
    parts = {collector.texts[m]: collector.parts[m] for m in collector.attrs}
    assert parts[dose_text] == 1 and parts["MSCs"] == 1 and parts["MSCs/kg intravenously"] == 2
    assert {m[4] for m in collector.mentions()} == {"DOSE 2e6 cells/kg", "ROUTE intravenous", "cell product", "other"}
    # The page still reads as the raw text, labels aside.
    text = re.sub(r'<span class="chip[^>]*>[^<]*</span>', "", page.split('id="text">', 1)[1].split("</div>", 1)[0])
    assert re.sub(r"<[^>]+>", "", text).replace("&amp;", "&") == raw


def test_mention_whose_offsets_miss_its_text_is_listed_not_marked():
    raw = "n = 40 patients were enrolled"
    record = TrialRecord(doc_id="off", sample_sizes=[
        SampleSizeMention(text="40 patients", start=4, end=15, value=40, role="enrolled"),
        SampleSizeMention(text="41 patients", start=4, end=15, value=41, role="enrolled"),
    ])
    page = render_document(raw, record)
    assert [m[3] for m in collect(page).mentions()] == ["40 patients"]
    assert "Not placed in the text" in page and "41 patients" in page


def test_index_links_pages_and_lists_error_records():
    record = TrialRecord(doc_id="a", sample_size=12)
    error = ErrorRecord(doc_id="broken<1>", source="broken.pdf", error="binary content: a PDF document, not text")
    page = render_index([("a.html", "a", record), ("", "broken<1>", error)])
    assert 'href="a.html"' in page and "n = 12" in page
    assert "broken&lt;1&gt;" in page and "error: binary content: a PDF document, not text" in page
    assert page.count("href=") == 1  # no page for the error record


def test_write_pages_writes_safe_names_and_the_index(tmp_path):
    items = [
        ("one text", TrialRecord(doc_id="../etc/passwd")),
        ("two", TrialRecord(doc_id="index")),
        ("three", TrialRecord(doc_id="INDEX")),
        (None, TrialRecord(doc_id="streamed", text="from a stream",
                           routes=[Route(text="stream", start=7, end=13, route="oral")])),
        (None, ErrorRecord(doc_id="bad", error="not text")),
    ]
    paths = write_pages(items, tmp_path / "out")
    assert [p.name for p in paths] == ["etc_passwd.html", "index-2.html", "INDEX-3.html", "streamed.html", "index.html"]
    assert all(p.parent == tmp_path / "out" and p.is_file() for p in paths)
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="etc_passwd.html"' in index and "error: not text" in index
    streamed = collect((tmp_path / "out" / "streamed.html").read_text(encoding="utf-8"))
    assert [m[3] for m in streamed.mentions()] == ["stream"]


def test_page_names_do_not_collide():
    taken = set()
    assert [page_name(d, taken) for d in ("a b", "a_b", "A_B", "", "...")] == [
        "a_b.html", "a_b-2.html", "A_B-3.html", "document.html", "document-2.html"]


# ---------------------------------------------------------------------------------------
# Gold against prediction

P_TEXT = "Effect A (p = 0.02); effect B (p = 0.05); effect C (p = 0.03); alpha was set at p < 0.05."


def p_value(text: str, comparator="=", threshold=False) -> PValue:
    start = P_TEXT.index(text)
    value = float(text.split()[-1])
    return PValue(text=text, start=start, end=start + len(text), comparator=comparator, value=value,
                  threshold=threshold)


@pytest.fixture
def p_pair(tmp_path):
    threshold = p_value("p < 0.05", "<", threshold=True)
    gold = TrialRecord(doc_id="pdoc", status="reviewed", p_values=[p_value("p = 0.02"), p_value("p = 0.05"), threshold])
    predicted = TrialRecord(doc_id="pdoc", p_values=[p_value("p = 0.02"), p_value("p = 0.03"), threshold])
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "pdoc.json").write_text(json.dumps(gold_view(gold, "reviewed")), encoding="utf-8")
    report = evaluate({"pdoc": predicted}, gold_dir, {"pdoc": P_TEXT})
    golds = load_gold_folder(gold_dir, Report())
    return report, predicted, golds


def statuses_by_column(page: str) -> dict[str, dict[str, str]]:
    """{"g": {text: status}, "p": {text: status}} from the marks' classes and id prefixes."""
    collector = collect(page)
    columns = {"g": {}, "p": {}}
    for mark, attrs in collector.attrs.items():
        status = next(c[2:] for c in attrs["class"].split() if c.startswith("s-"))
        columns[mark[0]][collector.texts[mark]] = status
    return columns


def test_comparison_colours_hit_false_hit_and_miss(p_pair):
    report, predicted, golds = p_pair
    assert (report.rows["p_values"].tp, report.rows["p_values"].fp, report.rows["p_values"].fn) == (1, 1, 1)
    page = render_comparison_report(report, {"pdoc": predicted}, golds, {"pdoc": P_TEXT})
    assert statuses_by_column(page) == {
        "g": {"p = 0.02": "hit", "p = 0.05": "miss", "p < 0.05": "neutral"},
        "p": {"p = 0.02": "hit", "p = 0.03": "false", "p < 0.05": "neutral"},
    }
    labels = {label for *_, label, _ in collect(page).mentions()}
    assert {"\u2713 P = 0.02", "\u25cb P = 0.05", "\u2717 P = 0.03", "\u00b7 P < 0.05 (threshold)"} <= labels
    # The score table on top, the legend, a table of contents linking the document.
    assert page.index("<table class=\"scores\">") < page.index("Legend") < page.index('href="#doc-pdoc"')
    assert "<td>p_values</td><td>1</td><td>1</td><td>1</td><td>0.500</td><td>0.500</td><td>0.500</td>" in page
    assert 'id="doc-pdoc"' in page and "1 hit \u00b7 1 false \u00b7 1 missed" in page
    assert network_references(page) == []


def test_comparison_without_text_lists_the_mentions(p_pair):
    report, predicted, golds = p_pair
    page = render_comparison_report(report, {"pdoc": predicted}, golds, {})
    assert collect(page).attrs == {}
    assert "not available: mentions are listed" in page
    assert '<span class="chip s-miss"' in page and '<span class="chip s-false"' in page


def test_comparison_shows_a_prediction_error(p_pair):
    report, _, golds = p_pair
    error = ErrorRecord(doc_id="pdoc", error="binary content: a PDF document, not text")
    page = render_comparison_report(report, {"pdoc": error}, golds, {"pdoc": P_TEXT})
    assert "error: binary content: a PDF document, not text" in page
    assert statuses_by_column(page)["g"] == {"p = 0.02": "miss", "p = 0.05": "miss", "p < 0.05": "neutral"}


def test_equal_values_match_in_text_order_and_doses_to_four_digits():
    raw = "12 patients, later 12 patients; 1.5 × 10^7 cells and 1.50004 × 10^7 cells"
    def count(i):
        start = [m.start() for m in re.finditer("12 patients", raw)][i]
        return SampleSizeMention(text="12 patients", start=start, end=start + 11, value=12, role="arm")
    def dose(text, value):
        start = raw.index(text)
        return Dose(text=text, start=start, end=start + len(text), value=value, unit="cells")
    gold = TrialRecord(doc_id="d", sample_sizes=[count(1), count(0)], doses=[dose("1.5 × 10^7", 1.5e7)])
    predicted = TrialRecord(doc_id="d", sample_sizes=[count(1)], doses=[dose("1.50004 × 10^7", 1.50004e7)])
    gold_status, predicted_status = match_statuses(gold, predicted)
    assert [gold_status[id(m)] for m in gold.sample_sizes] == ["miss", "hit"]  # the first in the text is the hit
    assert gold_status[id(gold.doses[0])] == predicted_status[id(predicted.doses[0])] == "hit"


def test_comparison_of_the_seeds_agrees_with_the_score(extractor):
    predictions, texts = {}, {}
    for doc_id in SEED_IDS:
        path = ROOT / "corpus" / f"{doc_id}.txt"
        texts[doc_id], predictions[doc_id] = read_raw(path), extractor.extract_file(path)
    report = evaluate(predictions, ROOT / "gold", texts, ROOT / "corpus")
    golds = load_gold_folder(ROOT / "gold", Report(), ROOT / "corpus")
    page = render_comparison_report(report, predictions, golds, texts)
    collector = collect(page)
    counts = defaultdict(int)
    for mark, attrs in collector.attrs.items():
        status = next(c for c in attrs["class"].split() if c.startswith("s-"))
        counts[(attrs["data-field"] == "interventions", status)] += 1
    hits = sum(row.tp for name, row in report.rows.items()
               if name in ("p_values", "sample_sizes", "doses", "routes", "effects"))
    names = {(d.intervention.start, d.intervention.end) for g in golds.values() for d in g.doses if d.intervention}
    # The seeds equal their gold: every mention and every intervention name a hit, on both sides.
    assert counts == {(False, "s-hit"): 2 * hits, (True, "s-hit"): 2 * len(names)}
    assert report.rows["dose_interventions"].tp == len(names) == 1
    assert "<th>effects</th><th>dose_interventions</th>" in page


# ---------------------------------------------------------------------------------------
# Effects and the interventions doses are tied to

TRIAL_TEXT = (
    "Hydroxychloroquine (HCQ) 400 mg twice daily, then HCQ 200 mg daily, or placebo 10 mL.\n"
    "Death: HR 0.72 (95% CI 0.61-0.85), P < .001; length of stay MD -3.1 (-5.0 to -1.2) days; OR 1.4.\n"
)


def at(text, model=Mention, occurrence=0, **values):
    start = -1
    for _ in range(occurrence + 1):
        start = TRIAL_TEXT.index(text, start + 1)
    return model(text=text, start=start, end=start + len(text), **values)


def trial_record(doc_id="trial", **changes):
    hcq = at("Hydroxychloroquine")
    p = at("P < .001", PValue, comparator="<", value=0.001)
    record = TrialRecord(
        doc_id=doc_id,
        doses=[
            at("400 mg", Dose, value=400.0, unit="mg", frequency="twice daily", intervention=hcq),
            at("200 mg", Dose, value=200.0, unit="mg", intervention=hcq),
            at("10 mL", Dose, value=10.0, unit="mL", intervention=at("placebo")),
        ],
        p_values=[p],
        effects=[
            at("HR 0.72 (95% CI 0.61-0.85)", Effect, measure="HR", value=0.72, ci_low=0.61, ci_high=0.85,
               ci_level=0.95, p_value=p),
            at("MD -3.1 (-5.0 to -1.2)", Effect, measure="MD", value=-3.1, ci_low=-5.0, ci_high=-1.2),
            at("OR 1.4", Effect, measure="OR", value=1.4),
        ],
    )
    return record.model_copy(update=changes)


def test_effects_are_marked_in_their_own_colour_with_their_value():
    record = trial_record()
    page = render_document(TRIAL_TEXT, record)
    collector = collect(page)
    assert sorted(m[:4] for m in collector.mentions()) == expected_marks(record)
    effects = collector.of_field("effects")
    assert {text: label for text, (label, _, _) in effects.items()} == {
        "HR 0.72 (95% CI 0.61-0.85)": "HR 0.72 (95% CI 0.61-0.85), P < 0.001",
        "MD -3.1 (-5.0 to -1.2)": "MD -3.1 (-5 to -1.2)",
        "OR 1.4": "OR 1.4",
    }
    assert all("f-effects" in classes for _, _, classes in effects.values())
    assert effects["OR 1.4"][1] == f"effect estimate: OR 1.4 \u2014 characters {TRIAL_TEXT.index('OR 1.4')}\u2013" \
                                   f"{TRIAL_TEXT.index('OR 1.4') + 6}"
    # Legend (with the count) and summary name the field; the index line counts the effects.
    assert '<span class="swatch f-effects">3</span>effect estimate' in page
    assert "<dt>Effect estimates</dt>" in page and "3 effect(s)" in page
    assert ".f-effects {" in page


def test_each_dose_shows_its_intervention_and_each_name_its_doses():
    record = trial_record()
    collector = collect(render_document(TRIAL_TEXT, record))
    doses = collector.of_field("doses")
    assert doses["400 mg"][0] == "DOSE 400 mg, twice daily (Hydroxychloroquine)"
    placebo = TRIAL_TEXT.index("placebo")
    assert doses["10 mL"][1].endswith(
        f"\u2014 intervention \u201cplacebo\u201d at characters {placebo}\u2013{placebo + 7}")
    # One mark per name however many doses it serves, underlined in the dose colour.
    names = collector.of_field("interventions")
    assert set(names) == {"Hydroxychloroquine", "placebo"}
    label, title, classes = names["Hydroxychloroquine"]
    assert label == "intervention of 400 mg, twice daily; 200 mg"
    assert title == ("intervention name \u201cHydroxychloroquine\u201d of 400 mg, twice daily; 200 mg "
                     "\u2014 characters 0\u201318")
    assert {"f-interventions", "iv"} <= classes
    # The mention of "HCQ" no dose is tied to is not marked.
    assert "HCQ" not in names


def test_a_name_with_many_doses_counts_them():
    record = trial_record()
    hcq = record.doses[0].intervention
    many = record.model_copy(update={"doses": [d.model_copy(update={"intervention": hcq}) for d in record.doses]
                                     + [record.doses[0].model_copy(update={"intervention": hcq})]})
    names = collect(render_document(TRIAL_TEXT, many)).of_field("interventions")
    assert names["Hydroxychloroquine"][0] == "intervention of 4 doses"


def test_comparison_scores_and_colours_effects_and_intervention_ties(tmp_path):
    gold = trial_record(status="reviewed")
    # The prediction: ties 400 mg to "HCQ" (the text defines it: a hit), 200 mg to placebo (wrong)
    # and 10 mL to nothing (missed); misses the MD, and reads the OR as 1.5.
    predicted = trial_record(
        doses=[gold.doses[0].model_copy(update={"intervention": at("HCQ")}),
               gold.doses[1].model_copy(update={"intervention": at("placebo")}),
               gold.doses[2].model_copy(update={"intervention": None})],
        effects=[gold.effects[0], gold.effects[2].model_copy(update={"value": 1.5})],
    )
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "trial.json").write_text(json.dumps(gold_view(gold, "reviewed")), encoding="utf-8")
    report = evaluate({"trial": predicted}, gold_dir, {"trial": TRIAL_TEXT})
    assert (report.rows["effects"].tp, report.rows["effects"].fp, report.rows["effects"].fn) == (1, 1, 2)
    rows = report.rows["dose_interventions"]
    assert (rows.tp, rows.fp, rows.fn) == (1, 1, 2)

    gold_ties, predicted_ties = intervention_statuses(gold, predicted, TRIAL_TEXT)
    assert [gold_ties[id(d)] for d in gold.doses] == ["hit", "miss", "miss"]
    assert [predicted_ties.get(id(d)) for d in predicted.doses] == ["hit", "false", None]

    golds = load_gold_folder(gold_dir, Report())
    page = render_comparison_report(report, {"trial": predicted}, golds, {"trial": TRIAL_TEXT})
    columns = statuses_by_column(page)
    assert {t: s for t, s in columns["g"].items() if t.startswith(("HR", "MD", "OR"))} == {
        "HR 0.72 (95% CI 0.61-0.85)": "hit", "MD -3.1 (-5.0 to -1.2)": "miss", "OR 1.4": "miss"}
    assert {t: s for t, s in columns["p"].items() if t.startswith(("HR", "OR"))} == {
        "HR 0.72 (95% CI 0.61-0.85)": "hit", "OR 1.4": "false"}
    # Names: gold's hydroxychloroquine serves a matched and an unmatched dose, so it is flagged;
    # the prediction's HCQ is a hit, its placebo (tied to the wrong dose) a false hit.
    assert columns["g"]["Hydroxychloroquine"] == "miss" and columns["g"]["placebo"] == "miss"
    assert columns["p"]["HCQ"] == "hit" and columns["p"]["placebo"] == "false"
    # A dose that matches while its tie does not says so beside the name.
    collector = collect(page)
    doses = {(mark[0], int(a["data-start"])): collector.labels[mark]
             for mark, a in collector.attrs.items() if a["data-field"] == "doses"}
    hcq_200 = TRIAL_TEXT.index("200 mg")
    assert doses[("g", hcq_200)] == "\u2713 DOSE 200 mg (Hydroxychloroquine \u25cb)"
    assert doses[("p", hcq_200)] == "\u2713 DOSE 200 mg (placebo \u2717)"
    assert doses[("p", TRIAL_TEXT.index("400 mg"))] == "\u2713 DOSE 400 mg, twice daily (HCQ)"
    names = collect(page).of_field("interventions")
    assert any(title.startswith("intervention name \u201cHydroxychloroquine\u201d of 400 mg, twice daily \u2713; "
                                "200 mg \u25cb") for _, title, _ in names.values())
    # Rows of the score table and of the document's table.
    assert "<td>effects</td><td>1</td><td>1</td><td>2</td>" in page
    assert "<td>dose_interventions</td><td>1</td><td>1</td><td>2</td>" in page
    assert "<th>effects</th><th>dose_interventions</th>" in page and "<td>1 / 1 / 2</td><td>1 / 1 / 2</td>" in page
    assert network_references(page) == []
