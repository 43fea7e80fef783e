"""brat standoff export and import: exact round trips, brat's format rules, and review edits.

The round trips are the contract: a gold file that goes to brat and back unedited must be the
same JSON, or a review in brat would silently change gold nobody touched.
"""

import json
import re

import pytest

from trialfacts.views.brat import (
    BratError,
    LINE_BREAKS,
    attribute_values,
    escape_note_value,
    export_brat,
    import_brat,
    import_brat_folder,
    parse_note,
)
from trialfacts.reading.decoding import read_raw
from trialfacts.records.models import (
    Dose,
    Effect,
    Entity,
    Mention,
    PValue,
    Route,
    SampleSizeMention,
    TrialRecord,
    gold_view,
    load_gold,
)
from trialfacts.resources import read_pattern_text
from support import ROOT, SEED_IDS


def mention(model, raw, text, occurrence=0, **values):
    """A mention of ``text`` in ``raw`` (its n-th occurrence), offsets found rather than counted."""
    start = -1
    for _ in range(occurrence + 1):
        start = raw.index(text, start + 1)
    return model(text=text, start=start, end=start + len(text), **values)


def round_trip(tmp_path, raw, record):
    export_brat([(raw, record)], tmp_path)
    return import_brat(tmp_path / f"{record.doc_id}.ann")


def assert_gold_equal(imported, original):
    assert gold_view(imported, imported.status) == gold_view(original, original.status)


def read_ann(tmp_path, doc_id):
    return (tmp_path / f"{doc_id}.ann").read_text(encoding="utf-8")


def write_ann(tmp_path, doc_id, text):
    (tmp_path / f"{doc_id}.ann").write_text(text, encoding="utf-8", newline="")


# --- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_seed_gold_round_trips_exactly(tmp_path, doc_id):
    gold = load_gold(ROOT / "gold" / f"{doc_id}.json")
    imported = round_trip(tmp_path, read_raw(ROOT / "corpus" / f"{doc_id}.txt"), gold)
    assert_gold_equal(imported, gold)
    assert imported.status == "reviewed"


def test_every_devset_gold_round_trips_exactly(tmp_path, devset):
    golds = [load_gold(path) for path in sorted((devset / "gold").glob("*.json"))]
    golds = [g for g in golds if g.status == "reviewed"]
    assert golds
    export_brat([(read_raw(devset / "corpus" / f"{g.doc_id}.txt"), g) for g in golds], tmp_path)
    imported = dict(import_brat_folder(tmp_path))
    for gold in golds:
        record = imported[tmp_path / f"{gold.doc_id}.ann"]
        assert not isinstance(record, str), record
        assert gold_view(record, record.status) == gold_view(gold, gold.status), gold.doc_id


def assert_predictions_round_trip(tmp_path, extractor, paths):
    predictions = [extractor.extract_file(path) for path in paths]
    export_brat([(read_raw(p.source), p) for p in predictions], tmp_path)
    imported = dict(import_brat_folder(tmp_path))
    for prediction in predictions:
        record = imported[tmp_path / f"{prediction.doc_id}.ann"]
        assert not isinstance(record, str), record
        # Output has no status; an unreviewed import is a draft.
        assert record.status == "draft"
        assert gold_view(record, "draft") == gold_view(prediction, "draft"), prediction.doc_id
        assert [d.intervention for d in record.doses] == [d.intervention for d in prediction.doses]


def test_seed_predictions_round_trip(tmp_path, extractor):
    assert_predictions_round_trip(tmp_path, extractor, [ROOT / "corpus" / f"{i}.txt" for i in SEED_IDS])


def test_devset_predictions_round_trip(tmp_path, extractor, devset):
    assert_predictions_round_trip(tmp_path, extractor, sorted((devset / "corpus").glob("*.txt")))


# --- the exact format -------------------------------------------------------------------------

TINY_RAW = "A trial of drug X\n26 patients got 10 mg/kg orally twice daily (P < 0.05; p = NS).\n"


def tiny_record(status="reviewed"):
    raw = TINY_RAW
    return TrialRecord(
        doc_id="tiny",
        status=status,
        sample_size=26,
        sample_sizes=[mention(SampleSizeMention, raw, "26 patients", value=26, role="enrolled")],
        p_values=[
            mention(PValue, raw, "P < 0.05", comparator="<", value=0.05, threshold=True),
            mention(PValue, raw, "p = NS", comparator="ns", value=None),
        ],
        doses=[mention(Dose, raw, "10 mg/kg", value=10.0, unit="mg/kg", frequency="twice daily")],
        routes=[mention(Route, raw, "orally", route="oral")],
    )


def test_exact_ann_content_of_a_tiny_record(tmp_path):
    paths = export_brat([(TINY_RAW, tiny_record())], tmp_path)
    assert [p.name for p in paths] == ["tiny.txt", "tiny.ann", "annotation.conf", "visual.conf"]
    assert (tmp_path / "tiny.txt").read_bytes() == TINY_RAW.encode("utf-8")
    assert read_ann(tmp_path, "tiny") == (
        "T1\tDocument 0 17\tA trial of drug X\n"
        "A1\tStatus T1 reviewed\n"
        "#1\tAnnotatorNotes T1\tsample_size=26\n"
        "T2\tSampleSize 18 29\t26 patients\n"
        "A2\tRole T2 enrolled\n"
        "#2\tAnnotatorNotes T2\tvalue=26\n"
        "T3\tPValue 63 71\tP < 0.05\n"
        "A3\tComparator T3 <\n"
        "A4\tThreshold T3\n"
        "#3\tAnnotatorNotes T3\tvalue=0.05\n"
        "T4\tPValue 73 79\tp = NS\n"
        "A5\tComparator T4 ns\n"
        "T5\tDose 34 42\t10 mg/kg\n"
        "A6\tUnit T5 mg\n"
        "#4\tAnnotatorNotes T5\tvalue=10.0; per=kg; frequency=twice daily\n"
        "T6\tRoute 43 49\torally\n"
        "A7\tRouteName T6 oral\n"
    )
    assert (tmp_path / "annotation.conf").read_text(encoding="utf-8") == read_pattern_text("brat/annotation.conf")
    assert (tmp_path / "visual.conf").read_text(encoding="utf-8") == read_pattern_text("brat/visual.conf")
    assert_gold_equal(import_brat(tmp_path / "tiny.ann"), tiny_record())


def test_floats_are_written_exactly(tmp_path):
    raw = "Given 0.1 mg then 123456789.123 mg, p = 1.2e-05.\n"
    record = TrialRecord(
        doc_id="floats",
        doses=[
            mention(Dose, raw, "0.1 mg", value=0.1, unit="mg"),
            mention(Dose, raw, "123456789.123 mg", value=123456789.123, value_max=1 / 3, spread=2 / 3, unit="mg"),
        ],
        p_values=[mention(PValue, raw, "p = 1.2e-05", comparator="=", value=1.2e-05)],
    )
    imported = round_trip(tmp_path, raw, record)
    assert [(d.value, d.value_max, d.spread) for d in imported.doses] == [
        (0.1, None, None),
        (123456789.123, 1 / 3, 2 / 3),
    ]
    assert imported.p_values[0].value == 1.2e-05
    assert "value=1.2e-05" in read_ann(tmp_path, "floats")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\u2028"])
def test_span_across_a_line_break_becomes_fragments(tmp_path, newline):
    raw = f"Title\nPatients got 15 ±{newline}4.5 × 10^6 cells/kg intra-{newline}thecally.{newline}"
    dose_text = f"15 ±{newline}4.5 × 10^6 cells/kg"
    route_text = f"intra-{newline}thecally"
    record = TrialRecord(
        doc_id="wrapped",
        status="draft",
        doses=[mention(Dose, raw, dose_text, value=1.5e7, spread=4.5e6, unit="cells/kg")],
        routes=[mention(Route, raw, route_text, route="intrathecal")],
    )
    imported = round_trip(tmp_path, raw, record)
    ann = read_ann(tmp_path, "wrapped")
    start = raw.index(dose_text)
    cut = start + len("15 ±")
    assert f"T2\tDose {start} {cut};{cut + len(newline)} {start + len(dose_text)}\t15 ± 4.5 × 10^6 cells/kg\n" in ann
    # No raw line break inside any .ann line: brat reads the file line by line.
    assert len(ann.splitlines()) == ann.count("\n")
    assert_gold_equal(imported, record)
    assert imported.doses[0].text == dose_text


def test_byte_order_mark_stays_character_zero(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bom.txt").write_bytes(b"\xef\xbb\xbfTitle line\r\nWe enrolled 40 patients (P = .03).\r\n")
    raw = read_raw(corpus / "bom.txt")
    assert raw[0] == "\ufeff"
    record = TrialRecord(
        doc_id="bom",
        status="reviewed",
        sample_size=40,
        sample_sizes=[mention(SampleSizeMention, raw, "40 patients", value=40, role="enrolled")],
        p_values=[mention(PValue, raw, "P = .03", comparator="=", value=0.03)],
    )
    out = tmp_path / "brat"
    export_brat([(raw, record)], out)
    assert (out / "bom.txt").read_bytes() == (corpus / "bom.txt").read_bytes()
    ann = read_ann(out, "bom")
    # The Document span skips the mark (brat shows it as nothing); mentions count it.
    assert ann.startswith("T1\tDocument 1 11\tTitle line\n")
    assert f"T2\tSampleSize {raw.index('40 patients')} " in ann
    assert_gold_equal(import_brat(out / "bom.ann"), record)


def test_empty_and_blank_texts_still_have_a_document_annotation(tmp_path):
    for doc_id, raw in (("empty", ""), ("blank", " \n\n")):
        record = TrialRecord(doc_id=doc_id, status="reviewed")
        imported = round_trip(tmp_path, raw, record)
        assert read_ann(tmp_path, doc_id).startswith("T1\tDocument 0 0\t\n")
        assert_gold_equal(imported, record)


def test_note_values_with_separators_and_edges_round_trip(tmp_path):
    raw = "Title\nThey got 5 mg.\n"
    awkward = [" every; other = day\\ ", "\ttabbed\nline\u2028x\x85", "µ-dosing ± 1", ""]
    for i, frequency in enumerate(awkward):
        record = TrialRecord(
            doc_id=f"note{i}",
            doses=[mention(Dose, raw, "5 mg", value=5.0, unit="mg", frequency=frequency)],
        )
        imported = round_trip(tmp_path, raw, record)
        assert imported.doses[0].frequency == frequency
        assert len(read_ann(tmp_path, f"note{i}").splitlines()) == read_ann(tmp_path, f"note{i}").count("\n")


EFFECT_RAW = (
    "Title\nMortality: HR 0.72 (95% CI 0.61-0.85); weight change MD -3.1 (-5.0 to -1.2) kg;\n"
    "adjusted OR 1.4; RD 2.5 (90% CI -0.5 to 5.5) points; SMD 0.3 (0.1 to 0.5).\n"
)


def effect_record():
    raw = EFFECT_RAW
    return TrialRecord(
        doc_id="effects",
        status="reviewed",
        effects=[
            mention(Effect, raw, "HR 0.72 (95% CI 0.61-0.85)", measure="HR", value=0.72, ci_low=0.61, ci_high=0.85,
                    ci_level=0.95),
            mention(Effect, raw, "MD -3.1 (-5.0 to -1.2)", measure="MD", value=-3.1, ci_low=-5.0, ci_high=-1.2),
            mention(Effect, raw, "OR 1.4", measure="OR", value=1.4),
            mention(Effect, raw, "RD 2.5 (90% CI -0.5 to 5.5)", measure="RD", value=2.5, ci_low=-0.5, ci_high=5.5,
                    ci_level=0.9),
            mention(Effect, raw, "SMD 0.3 (0.1 to 0.5)", measure="other", value=0.3, ci_low=0.1, ci_high=0.5),
        ],
    )


def test_effects_round_trip_with_negative_bounds_and_missing_interval_or_level(tmp_path):
    record = effect_record()
    imported = round_trip(tmp_path, EFFECT_RAW, record)
    assert_gold_equal(imported, record)
    assert [(e.measure, e.value, e.ci_low, e.ci_high, e.ci_level) for e in imported.effects] == [
        ("HR", 0.72, 0.61, 0.85, 0.95),
        ("MD", -3.1, -5.0, -1.2, None),
        ("OR", 1.4, None, None, None),
        ("RD", 2.5, -0.5, 5.5, 0.9),
        ("other", 0.3, 0.1, 0.5, None),
    ]
    ann = read_ann(tmp_path, "effects")
    start = EFFECT_RAW.index("HR 0.72")
    assert (f"T2\tEffect {start} {start + 26}\tHR 0.72 (95% CI 0.61-0.85)\nA2\tMeasure T2 HR\n"
            "#1\tAnnotatorNotes T2\tvalue=0.72; ci_low=0.61; ci_high=0.85; ci_level=0.95\n") in ann
    assert "\tvalue=-3.1; ci_low=-5.0; ci_high=-1.2\n" in ann
    assert "#3\tAnnotatorNotes T4\tvalue=1.4\n" in ann


def test_an_effects_p_value_is_output_only_and_not_exported(tmp_path):
    raw = "Title\nHR 0.72 (0.61-0.85), P < .001\n"
    p = mention(PValue, raw, "P < .001", comparator="<", value=0.001)
    effect = mention(Effect, raw, "HR 0.72 (0.61-0.85)", measure="HR", value=0.72, ci_low=0.61, ci_high=0.85,
                     p_value=p)
    record = TrialRecord(doc_id="effect_p", status="reviewed", p_values=[p], effects=[effect])
    imported = round_trip(tmp_path, raw, record)
    assert "p_value" not in read_ann(tmp_path, "effect_p")
    assert imported.effects[0].p_value is None
    assert_gold_equal(imported, record)


SHARED_RAW = (
    "Title\nPatients got hydroxychloroquine 400 mg twice daily on day 1, then 200 mg daily, "
    "or placebo 10 mL; vitamin D3\n(1000 IU) was added. A 2 mg test dose came first.\n"
)


def shared_record():
    raw = SHARED_RAW
    drug = mention(Mention, raw, "hydroxychloroquine")
    return TrialRecord(
        doc_id="shared",
        status="reviewed",
        doses=[
            mention(Dose, raw, "400 mg", value=400.0, unit="mg", frequency="twice daily", intervention=drug),
            mention(Dose, raw, "200 mg", value=200.0, unit="mg", intervention=drug),
            mention(Dose, raw, "10 mL", value=10.0, unit="mL", intervention=mention(Mention, raw, "placebo")),
            mention(Dose, raw, "1000 IU", value=1000.0, unit="IU", intervention=mention(Mention, raw, "vitamin D3")),
            mention(Dose, raw, "2 mg", value=2.0, unit="mg"),  # no name in the text: null
        ],
    )


def test_one_intervention_annotation_serves_every_dose_of_that_name(tmp_path):
    record = shared_record()
    imported = round_trip(tmp_path, SHARED_RAW, record)
    assert_gold_equal(imported, record)
    assert [d.intervention and d.intervention.text for d in imported.doses] == [
        "hydroxychloroquine", "hydroxychloroquine", "placebo", "vitamin D3", None]
    ann = read_ann(tmp_path, "shared")
    start = SHARED_RAW.index("hydroxychloroquine")
    assert ann.count("\tIntervention ") == 3
    assert (f"T7\tIntervention {start} {start + 18}\thydroxychloroquine\n" in ann)
    assert ann.endswith(
        "R1\tInterventionOf Arg1:T2 Arg2:T7\n"
        "R2\tInterventionOf Arg1:T3 Arg2:T7\n"
        "R3\tInterventionOf Arg1:T4 Arg2:T8\n"
        "R4\tInterventionOf Arg1:T5 Arg2:T9\n"
    )
    assert "intervention=" not in ann


def test_intervention_ties_are_edited_with_relations(tmp_path):
    export_brat([(SHARED_RAW, shared_record())], tmp_path)
    ann = read_ann(tmp_path, "shared")
    # The reviewer ties the unnamed 2 mg (T6) to placebo (T8) in brat, which writes a tab after
    # the arguments, and removes the tie of 200 mg (T3) to hydroxychloroquine.
    ann = ann.replace("R2\tInterventionOf Arg1:T3 Arg2:T7\n", "") + "R5\tInterventionOf Arg1:T6 Arg2:T8\t\n"
    write_ann(tmp_path, "shared", ann)
    imported = import_brat(tmp_path / "shared.ann")
    assert [d.intervention and d.intervention.text for d in imported.doses] == [
        "hydroxychloroquine", None, "placebo", "vitamin D3", "placebo"]
    # Deleting a Dose in brat deletes its relations; a name tied to nothing is then an error.
    lines = [line for line in ann.splitlines(True) if not re.match(r"(T5|A5|#5|R4)\t", line)]
    write_ann(tmp_path, "shared", "".join(lines))
    with pytest.raises(BratError, match="T9 Intervention 'vitamin D3' is tied to no Dose"):
        import_brat(tmp_path / "shared.ann")


def test_an_intervention_name_across_a_line_break_becomes_fragments(tmp_path):
    raw = "Title\nThey got vitamin\nD3 1000 IU daily.\n"
    name = mention(Mention, raw, "vitamin\nD3")
    record = TrialRecord(doc_id="wrapped_name", doses=[
        mention(Dose, raw, "1000 IU", value=1000.0, unit="IU", intervention=name)])
    imported = round_trip(tmp_path, raw, record)
    assert imported.doses[0].intervention == name
    assert f"\tIntervention {name.start} {name.start + 7};{name.start + 8} {name.end}\tvitamin D3\n" in read_ann(
        tmp_path, "wrapped_name")


@pytest.mark.parametrize("unit", ["vp", "vp/mL", "ug/dose", "mg/kg/day", "cells/kg"])
def test_every_unit_a_gold_file_may_carry_round_trips(tmp_path, unit):
    raw = "Title\nThey got 5 units.\n"
    record = TrialRecord(doc_id="units", doses=[mention(Dose, raw, "5 units", value=5.0, unit=unit)])
    assert round_trip(tmp_path, raw, record).doses[0].unit == unit


@pytest.mark.parametrize("value", ["a;b", "=x", "\\", " lead", "trail ", "\u00a0nbsp\u00a0", "plain text"])
def test_note_escaping_is_exact(value):
    assert parse_note(f"frequency={escape_note_value(value)}") == {"frequency": value}


def test_entities_are_exported_for_context_and_not_imported(tmp_path):
    raw = "Title\nRiluzole 50 mg was given to ALS patients.\n"
    record = TrialRecord(
        doc_id="ents",
        doses=[mention(Dose, raw, "50 mg", value=50.0, unit="mg", intervention=mention(Mention, raw, "Riluzole"))],
        entities=[
            mention(Entity, raw, "Riluzole", label="DRUG", identifier="DrugBank:DB00740", source="trialfacts"),
            mention(Entity, raw, "ALS", label="DISEASE"),
            mention(Entity, raw, "patients", label="Population group"),  # a model label brat cannot spell
        ],
    )
    export_brat([(raw, record)], tmp_path)
    ann = read_ann(tmp_path, "ents")
    # The name is both the dose's Intervention (T3) and a context entity (T4) over the same span.
    assert "T3\tIntervention 6 14\tRiluzole\nR1\tInterventionOf Arg1:T2 Arg2:T3\n" in ann
    assert "T4\tDRUG 6 14\tRiluzole\n" in ann
    assert "\tAnnotatorNotes T4\tidentifier=DrugBank:DB00740; source=trialfacts\n" in ann
    assert "\tPopulation_group " in ann
    conf = (tmp_path / "annotation.conf").read_text(encoding="utf-8")
    assert "Population_group" in declared_conf(conf)["entities"]
    imported = import_brat(tmp_path / "ents.ann")
    assert imported.entities == []
    assert imported.doses[0].intervention == Mention(text="Riluzole", start=6, end=14)

    export_brat([(raw, record)], tmp_path / "plain", include_entities=False)
    assert "DRUG" not in read_ann(tmp_path / "plain", "ents")


def test_export_refuses_unusable_doc_ids_and_bad_offsets(tmp_path):
    with pytest.raises(BratError, match="file name"):
        export_brat([("x", TrialRecord(doc_id="../escape"))], tmp_path)
    with pytest.raises(BratError, match="twice"):
        export_brat([("x", TrialRecord(doc_id="a")), ("x", TrialRecord(doc_id="a"))], tmp_path)
    with pytest.raises(BratError, match="offsets do not fit"):
        export_brat([(TINY_RAW.upper(), tiny_record())], tmp_path)


# --- corrections made in brat -----------------------------------------------------------------


def test_edited_ann_imports_the_corrections(tmp_path):
    export_brat([(TINY_RAW, tiny_record(status="draft"))], tmp_path)
    lines = read_ann(tmp_path, "tiny").splitlines()
    # The reviewer deletes the Route (brat removes its attribute too), turns the "P < 0.05"
    # threshold into a result "P = 0.05", marks the document reviewed and adds a p-value the
    # extractor missed (brat appends it with the next free ids).
    lines = [line for line in lines if not re.match(r"(T6|A7)\t", line)]
    lines = [line for line in lines if not line.startswith("A4\tThreshold")]
    lines = [line.replace("Comparator T3 <", "Comparator T3 =") for line in lines]
    lines = [line.replace("Status T1 draft", "Status T1 reviewed") for line in lines]
    raw = TINY_RAW + "Follow-up: p < 0.001.\n"
    (tmp_path / "tiny.txt").write_text(raw, encoding="utf-8", newline="")
    start = raw.index("p < 0.001")
    lines += [
        f"T7\tPValue {start} {start + 9}\tp < 0.001",
        "A8\tComparator T7 <",
        "#5\tAnnotatorNotes T7\tvalue = 0.001",  # people type spaces; they are allowed
    ]
    write_ann(tmp_path, "tiny", "\n".join(lines) + "\n")

    record = import_brat(tmp_path / "tiny.ann")
    assert record.status == "reviewed"
    assert record.routes == []
    assert [(p.text, p.comparator, p.value, p.threshold) for p in record.p_values] == [
        ("P < 0.05", "=", 0.05, False),
        ("p = NS", "ns", None, False),
        ("p < 0.001", "<", 0.001, False),
    ]
    assert record.sample_size == 26 and len(record.sample_sizes) == 1 and len(record.doses) == 1


def test_an_annotation_added_earlier_in_the_text_is_sorted_into_reading_order(tmp_path):
    export_brat([(TINY_RAW, tiny_record())], tmp_path)
    start = TINY_RAW.index("A trial")
    added = f"T9\tPValue {start} {start + 1}\tA\nA9\tComparator T9 =\n#9\tAnnotatorNotes T9\tvalue=0.5\n"
    ann = read_ann(tmp_path, "tiny") + added
    write_ann(tmp_path, "tiny", ann)
    assert [p.text for p in import_brat(tmp_path / "tiny.ann").p_values] == ["A", "P < 0.05", "p = NS"]


def test_document_values_can_be_set_and_removed_in_brat(tmp_path):
    export_brat([(TINY_RAW, tiny_record())], tmp_path)
    ann = read_ann(tmp_path, "tiny")
    write_ann(tmp_path, "tiny", ann.replace("sample_size=26", "sample_size=30"))
    assert import_brat(tmp_path / "tiny.ann").sample_size == 30
    write_ann(tmp_path, "tiny", ann.replace("sample_size=26", "sample_size=twenty"))
    expected = f"{tmp_path / 'tiny.ann'}:3: T1 Document: note: sample_size='twenty'"
    with pytest.raises(BratError, match=re.escape(expected)):
        import_brat(tmp_path / "tiny.ann")
    # Without the note the document states no sample size; without Status it is a draft.
    without = ann.replace("#1\tAnnotatorNotes T1\tsample_size=26\n", "").replace("A1\tStatus T1 reviewed\n", "")
    write_ann(tmp_path, "tiny", without)
    record = import_brat(tmp_path / "tiny.ann")
    assert (record.sample_size, record.status) == (None, "draft")
    # A file with no Document annotation at all (e.g. made outside trialfacts) is a draft too.
    only_t2 = [line for line in ann.splitlines(True) if line.split("\t")[0] in {"T2", "A2", "#2"}]
    write_ann(tmp_path, "tiny", "".join(only_t2))
    record = import_brat(tmp_path / "tiny.ann")
    assert (record.status, record.sample_size, [m.value for m in record.sample_sizes]) == ("draft", None, [26])


# A new annotation as brat writes it, before its note (lines 18 and 19 of the tiny .ann).
NEW_P = "T9\tPValue 63 71\tP < 0.05\nA9\tComparator T9 <\n"
NEW_DOSE = "T9\tDose 34 42\t10 mg/kg\nA9\tUnit T9 mg\n"
MALFORMED = [
    # (what is done to the exported tiny.ann, its line number, words the error must say)
    ("T9\tOutcome 0 1\tA", 18, "unknown type 'Outcome'"),
    ("T9\tPValue 63 71\tP < 0.06", 18, "offsets 63 71 hold 'P < 0.05'"),
    ("T9\tPValue 63 9999\tP", 18, "outside the text"),
    ("T9\tPValue 63 71", 18, "no text after the offsets"),
    ("T9\tPValue 2 5;8 10\ttri of", 18, "not one span split at line breaks"),
    ("T9\tPValue 63 71\tP < 0.05\nA9\tComparator T9 ~", 19, "bad Comparator value '~'"),
    ("A9\tRole T4 enrolled", 18, "attribute Role does not apply to PValue"),
    ("A9\tThreshold T4 yes", 18, "takes no value"),
    ("A9\tComparator T99 <", 18, "refers to T99"),
    ("R1\tRelated Arg1:T2 Arg2:T3", 18, "relation 'Related' is not part of the trialfacts scheme"),
    ("R1\tInterventionOf Arg1:T5", 18, "expected 'InterventionOf Arg1:DOSE Arg2:NAME'"),
    ("R1\tInterventionOf Arg1:T5 Arg2:T99", 18, "goes to an Intervention (Arg2), but T99 is not a text annotation"),
    ("R1\tInterventionOf Arg1:T5 Arg2:T6", 18, "goes to an Intervention (Arg2), but T6 is a Route"),
    ("T9\tIntervention 11 15\tdrug\nR1\tInterventionOf Arg1:T3 Arg2:T9", 19,
     "goes from a Dose (Arg1), but T3 is a PValue"),
    ("T9\tIntervention 11 15\tdrug", 18, "T9 Intervention 'drug' is tied to no Dose"),
    (("T9\tIntervention 11 15\tdrug\nT10\tIntervention 0 1\tA\n"
      "R1\tInterventionOf Arg1:T5 Arg2:T9\nR2\tInterventionOf Arg1:T5 Arg2:T10"), 21,
     "Dose T5 is tied to a second Intervention (the first on line 20)"),
    ("T9\tIntervention 11 15\tdrug\nA9\tUnit T9 mg\nR1\tInterventionOf Arg1:T5 Arg2:T9", 19,
     "attribute Unit does not apply to Intervention"),
    ("T9\tIntervention 11 15\tdrug\n#9\tAnnotatorNotes T9\tX\nR1\tInterventionOf Arg1:T5 Arg2:T9", 19,
     "T9 Intervention: takes no note"),
    (NEW_DOSE + "#9\tAnnotatorNotes T9\tvalue=10; intervention=drug", 20,
     "intervention= is no longer a note key: the intervention is now an Intervention annotation"),
    ("T9\tEffect 63 71\tP < 0.05\nA9\tMeasure T9 OR", 18, "T9 Effect has no value note"),
    ("T9\tEffect 63 71\tP < 0.05\n#9\tAnnotatorNotes T9\tvalue=1.4", 18, "has no Measure attribute"),
    ("T9\tEffect 63 71\tP < 0.05\nA9\tMeasure T9 ratio", 19, "bad Measure value 'ratio'"),
    ("T9\tEffect 63 71\tP < 0.05\nA9\tMeasure T9 OR\n#9\tAnnotatorNotes T9\tvalue=1.4; ci_low=1.1", 20,
     "an interval has both ends or neither"),
    ("T9\tEffect 63 71\tP < 0.05\nA9\tMeasure T9 OR\n#9\tAnnotatorNotes T9\tvalue=1.4; ci_level=95", 20,
     "ci_level: Input should be less than 1"),
    ("T9\tEffect 63 71\tP < 0.05\nA9\tMeasure T9 OR\n#9\tAnnotatorNotes T9\tvalue=1.4; p_value=0.01", 20,
     "note key(s) p_value do not apply to Effect"),
    (NEW_P.rstrip("\n"), 18, "T9 PValue has no value note"),
    ("T9\tSampleSize 18 29\t26 patients\nA9\tRole T9 enrolled", 18, "T9 SampleSize has no value note"),
    ("T9\tSampleSize 18 29\t26 patients\n#9\tAnnotatorNotes T9\tvalue=26", 18, "has no Role attribute"),
    (NEW_P + "#9\tAnnotatorNotes T9\tvalue 0.05", 20, "is not key=value"),
    (NEW_P + "#9\tAnnotatorNotes T9\tvalue=1.5", 20, "value: Input should be less than or equal to 1"),
    (NEW_P + "#9\tAnnotatorNotes T9\tvalue=0,05", 20, "is not a number"),
    ("T9\tRoute 43 49\torally\nA9\tRouteName T9 oral\n#9\tAnnotatorNotes T9\tvalue=1", 20, "do not apply to Route"),
    ("T9\tPValue 73 79\tp = NS\nA9\tComparator T9 ns\n#9\tAnnotatorNotes T9\tvalue=0.5", 20, "ns goes without a value"),
    (NEW_DOSE + "#9\tAnnotatorNotes T9\tvalue=10; per=fortnight", 20, "'mg/fortnight' is not in"),
    (NEW_DOSE + "#9\tAnnotatorNotes T9\tvalue=10; frequency=a\\qb", 20, "unknown escape"),
    ("T9\tDocument 0 1\tA", 18, "a second Document annotation"),
    ("T1\tPValue 63 71\tP < 0.05", 18, "id T1 is used again"),
    ("T9 PValue 63 71 P < 0.05", 18, "no tab after the id"),
]


@pytest.mark.parametrize("added, line, words", MALFORMED, ids=[m[2] for m in MALFORMED])
def test_malformed_lines_name_file_and_line(tmp_path, added, line, words):
    export_brat([(TINY_RAW, tiny_record())], tmp_path)
    ann_path = tmp_path / "tiny.ann"
    assert len(read_ann(tmp_path, "tiny").splitlines()) == 17
    write_ann(tmp_path, "tiny", read_ann(tmp_path, "tiny") + added + "\n")
    with pytest.raises(BratError) as caught:
        import_brat(ann_path)
    problems = caught.value.problems
    assert any(p.startswith(f"{ann_path}:{line}: ") and words in p for p in problems), problems
    ((path, result),) = import_brat_folder(tmp_path)
    assert path == ann_path and isinstance(result, str) and f"{ann_path}:{line}: " in result


def test_folder_import_reports_each_file_on_its_own(tmp_path):
    export_brat([(TINY_RAW, tiny_record()), (TINY_RAW, tiny_record().model_copy(update={"doc_id": "other"}))], tmp_path)
    write_ann(tmp_path, "other", read_ann(tmp_path, "other").replace("Role T2 enrolled", "Role T2 everyone"))
    (tmp_path / "unreviewed.txt").write_text("no .ann beside me", encoding="utf-8")
    results = import_brat_folder(tmp_path)
    assert [p.name for p, _ in results] == ["other.ann", "tiny.ann"]
    assert isinstance(results[0][1], str)
    assert f"{tmp_path / 'other.ann'}:5: A2: bad Role value 'everyone'" in results[0][1]
    assert isinstance(results[1][1], TrialRecord)


def test_missing_text_file_is_an_error(tmp_path):
    export_brat([(TINY_RAW, tiny_record())], tmp_path)
    (tmp_path / "tiny.txt").unlink()
    ((_, result),) = import_brat_folder(tmp_path)
    assert isinstance(result, str) and "tiny.txt" in result


# --- annotation.conf --------------------------------------------------------------------------


def declared_conf(text):
    """What an annotation.conf declares, read the way brat's projectconfig reads it."""
    declared = {"entities": set(), "attributes": {}, "relations": {}}
    section = None
    for line in text.splitlines():
        if not line.strip() or re.match(r"\s*#", line) or re.fullmatch(r"\s*-+\s*", line):
            continue
        header = re.fullmatch(r"\s*\[(.*)\]\s*", line)
        if header:
            section = header.group(1)
            continue
        match = re.match(r"(\s*)(\S+)(?:\s+(.*))?$", line)
        name, args = match.group(2).split("|")[0], match.group(3) or ""
        if section == "entities":
            assert re.fullmatch(r"[A-Za-z0-9_-]+", name), f"not a brat storage form: {name}"
            declared["entities"].add(name)
        elif section == "relations" and not name.startswith("<"):
            pairs = dict(re.fullmatch(r"(\S*?):(\S*)", a.strip()).groups() for a in args.split(",") if a.strip())
            declared["relations"][name] = pairs
        elif section == "attributes":
            pairs = {}
            for arg in (a.strip() for a in args.split(",") if a.strip()):
                key, values = re.fullmatch(r"(\S*?):(\S*)", arg).groups()
                pairs[key] = values.split("|")
            declared["attributes"][name] = (set(pairs["Arg"]), set(pairs.get("Value", [])))
    return declared


def test_annotation_conf_matches_the_model_vocabularies():
    declared = declared_conf(read_pattern_text("brat/annotation.conf"))
    assert {"Document", "SampleSize", "PValue", "Dose", "Route", "Effect", "Intervention"} <= declared["entities"]
    for name, values in attribute_values().items():
        assert declared["attributes"][name][1] == set(values), name
    assert declared["attributes"]["Threshold"] == ({"PValue"}, set())
    assert declared["attributes"]["Measure"][0] == {"Effect"}
    assert declared["relations"] == {"InterventionOf": {"Arg1": "Dose", "Arg2": "Intervention"}}


def test_unit_values_cover_every_unit_the_model_accepts():
    units = json.loads(read_pattern_text("units.json"))
    assert attribute_values()["Unit"] == {*units["units"], *units["also_valid"]["units"]}
    assert "vp" in attribute_values()["Unit"]


def used_in_ann(text):
    types, attributes = set(), {}
    for line in text.splitlines():
        ann_id, _, rest = line.partition("\t")
        if ann_id.startswith(("T", "R")):
            types.add(rest.split(" ", 1)[0])
        elif ann_id.startswith("A"):
            name, _, *value = rest.split(" ")
            attributes.setdefault(name, set()).update(value)
    return types, attributes


def test_annotation_conf_declares_every_type_and_value_an_export_uses(tmp_path, extractor):
    golds = [load_gold(ROOT / "gold" / f"{i}.json") for i in SEED_IDS]
    items = [(read_raw(ROOT / "corpus" / f"{g.doc_id}.txt"), g) for g in golds]
    for doc_id in SEED_IDS:
        predicted = extractor.extract_file(ROOT / "corpus" / f"{doc_id}.txt")
        items.append((read_raw(predicted.source), predicted.model_copy(update={"doc_id": f"{doc_id}_predicted"})))
    items += [(TINY_RAW, tiny_record()), (EFFECT_RAW, effect_record()), (SHARED_RAW, shared_record())]
    export_brat(items, tmp_path)
    declared = declared_conf((tmp_path / "annotation.conf").read_text(encoding="utf-8"))
    for ann in tmp_path.glob("*.ann"):
        types, attributes = used_in_ann(ann.read_text(encoding="utf-8"))
        assert types <= declared["entities"] | set(declared["relations"]), ann.name
        for name, values in attributes.items():
            assert name in declared["attributes"], name
            assert values <= declared["attributes"][name][1], (name, values - declared["attributes"][name][1])


def test_line_breaks_are_the_ones_python_splits_lines_at():
    # brat reads .ann files with Python's line splitting; a character it breaks at and this
    # module does not know would cut an .ann line in two.
    # (Every line-break character is in the Basic Multilingual Plane; the scan stays fast.)
    breaking = {chr(c) for c in range(0x10000) if len(("a" + chr(c) + "b").splitlines()) == 2}
    assert breaking == set(LINE_BREAKS)
