"""The entity lexicon pass (pipeline/lexicon.py): drugs, diseases, cell products, outcome scales."""

import gzip
import importlib.util
import time

import pytest
import spacy
from scispacy.custom_tokenizer import combined_rule_tokenizer

from trialfacts.nlp.lexicon import (
    CELL_PRODUCT,
    DISEASE,
    DRUG,
    KEY_VERSION,
    LEXICON_HEADER,
    OUTCOME_SCALE,
    SOURCE_DISEASES,
    SOURCE_DRUGS,
    SOURCE_TRIALFACTS,
    load_lexicon,
    term_key,
)
from trialfacts.resources import load_rules, load_word_list, read_pattern_bytes

from support import ROOT

KEY = "trialfacts_entities"


def scispacy_nlp(**config):
    nlp = spacy.blank("en")
    nlp.tokenizer = combined_rule_tokenizer(nlp)
    nlp.add_pipe("trialfacts_lexicon", config=config)
    return nlp


@pytest.fixture(scope="module")
def nlp():
    return scispacy_nlp()


def found(nlp, text):
    doc = nlp(text)
    return [(span.text, span.label_, span._.identifier) for span in doc.spans[KEY]]


# (text, [(surface, label, identifier)]) -- the whole text is run; every span is listed.
CASES = [
    # our own cell products and outcome scales
    ("BM-MSCs", [("BM-MSCs", CELL_PRODUCT, "bone marrow-derived mesenchymal stem cells")]),
    ("BM-MSC", [("BM-MSC", CELL_PRODUCT, "bone marrow-derived mesenchymal stem cells")]),
    ("MSC-NTF cells", [("MSC-NTF cells", CELL_PRODUCT, "MSC-NTF cells")]),
    ("MSCs", [("MSCs", CELL_PRODUCT, "mesenchymal stem cells")]),
    ("mesenchymal stem/stromal cells", [("mesenchymal stem/stromal cells", CELL_PRODUCT, "mesenchymal stem cells")]),
    (
        "bone marrow-derived mononuclear cells",
        [("bone marrow-derived mononuclear cells", CELL_PRODUCT, "bone marrow mononuclear cells")],
    ),
    ("CD34+ cells", [("CD34+ cells", CELL_PRODUCT, "CD34+ cells")]),
    ("CD133+ cells", [("CD133+ cells", CELL_PRODUCT, "CD133+ cells")]),
    ("neural stem cells", [("neural stem cells", CELL_PRODUCT, "neural stem cells")]),
    ("olfactory ensheathing cells", [("olfactory ensheathing cells", CELL_PRODUCT, "olfactory ensheathing cells")]),
    ("ALSFRS-R", [("ALSFRS-R", OUTCOME_SCALE, "ALSFRS-R")]),
    ("ALSFRS", [("ALSFRS", OUTCOME_SCALE, "ALSFRS")]),
    ("FVC", [("FVC", OUTCOME_SCALE, "forced vital capacity")]),
    ("forced vital capacity", [("forced vital capacity", OUTCOME_SCALE, "forced vital capacity")]),
    # longest match: the revised scale, not the ALS scale inside it
    (
        "the ALS functional rating scale-revised (ALSFRS-R)",
        [
            ("ALS functional rating scale-revised", OUTCOME_SCALE, "ALSFRS-R"),
            ("ALSFRS-R", OUTCOME_SCALE, "ALSFRS-R"),
        ],
    ),
    ("modified Rankin Scale", [("modified Rankin Scale", OUTCOME_SCALE, "mRS")]),
    ("mRS", [("mRS", OUTCOME_SCALE, "mRS")]),
    ("EDSS", [("EDSS", OUTCOME_SCALE, "EDSS")]),
    ("Barthel index", [("Barthel index", OUTCOME_SCALE, "Barthel index")]),
    # the two PyPI lexicons, with DrugBank and (corrected) MeSH ids
    ("riluzole", [("riluzole", DRUG, "DrugBank:DB00740")]),
    ("Rilutek", [("Rilutek", DRUG, "DrugBank:DB00740")]),
    ("edaravone", [("edaravone", DRUG, "DrugBank:DB12243")]),
    ("amyotrophic lateral sclerosis", [("amyotrophic lateral sclerosis", DISEASE, "MeSH:D000690")]),
    ("Amyotrophic Lateral Sclerosis", [("Amyotrophic Lateral Sclerosis", DISEASE, "MeSH:D000690")]),
    ("multiple sclerosis", [("multiple sclerosis", DISEASE, "MeSH:D009103")]),  # the package says D009188
    ("cancer", [("cancer", DISEASE, "MeSH:D009369")]),  # the package says D009362 (metastasis)
    ("Parkinson's disease", [("Parkinson's disease", DISEASE, "MeSH:D010300")]),
    ("AIDS", [("AIDS", DISEASE, "MeSH:D000163")]),
    # the drug lexicon's cell therapies are cell products
    ("tisagenlecleucel", [("tisagenlecleucel", CELL_PRODUCT, "DrugBank:DB13881")]),
    # negatives: common words, short words, the pronoun and the route abbreviation
    ("combined", []),
    ("Combined", []),
    ("rating", []),
    ("IT", []),
    ("it", []),
    ("various", []),
    ("trial", []),
    ("patients", []),
    ("oral", []),
    ("lead", []),
    ("aims", []),
    ("hearing aids", []),  # "aids" only as AIDS
    ("vas deferens", []),  # "VAS" only in capitals
    ("msc", []),  # acronyms are case-sensitive
    ("the in", []),  # the caffeine synonym "thein" spans no word boundary
    ("same", []),  # "SAM-e"
    ("more", []),  # the drug lexicon's junk variant "...''more''"
    ("recurrence", []),  # MeSH disease attribute, not a disease
    ("disease progression", []),
    ("parents", []),  # MeSH persons
    ("The trial combined oral riluzole with IT injection in various patients.", [("riluzole", DRUG, "DrugBank:DB00740")]),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[text[:40] for text, _ in CASES])
def test_surface_forms(nlp, text, expected):
    assert found(nlp, text) == expected


@pytest.mark.parametrize(
    "text,source",
    [("riluzole", SOURCE_DRUGS), ("stroke", SOURCE_DISEASES), ("BM-MSCs", SOURCE_TRIALFACTS), ("Kymriah", SOURCE_DRUGS)],
)
def test_lexicon_source(nlp, text, source):
    doc = nlp(text)
    (span,) = doc.spans[KEY]
    assert span._.lexicon_source == source
    assert span.kb_id_ == span._.identifier


def test_abbreviation_defined_in_the_text_is_found_everywhere(nlp):
    text = "In ALS trials, amyotrophic lateral sclerosis (ALS) progresses; ALS patients got riluzole (RIL)."
    assert found(nlp, text) == [
        ("ALS", DISEASE, "MeSH:D000690"),
        ("amyotrophic lateral sclerosis", DISEASE, "MeSH:D000690"),
        ("ALS", DISEASE, "MeSH:D000690"),
        ("ALS", DISEASE, "MeSH:D000690"),
        ("riluzole", DRUG, "DrugBank:DB00740"),
        ("RIL", DRUG, "DrugBank:DB00740"),
    ]


def test_abbreviation_needs_a_term_and_matching_letters(nlp):
    assert found(nlp, "intrathecal (IT) injection; IT again") == []
    assert found(nlp, "stroke (XYZ) and XYZ") == [("stroke", DISEASE, "MeSH:D020521")]
    assert found(nlp, "ALS alone is not defined here") == []


def test_abbreviations_can_be_switched_off():
    nlp = scispacy_nlp(abbreviations=False)
    text = "amyotrophic lateral sclerosis (ALS); ALS"
    assert found(nlp, text) == [("amyotrophic lateral sclerosis", DISEASE, "MeSH:D000690")]


def test_spans_do_not_overlap_and_are_in_order(nlp):
    text = (
        "Autologous bone marrow-derived mesenchymal stem cells (BM-MSCs) secreting neurotrophic factors "
        "(MSC-NTF cells) were given to ALS patients; ALSFRS-R and FVC were measured; 15 x 10^6 BM-MSCs."
    )
    doc = nlp(text)
    spans = list(doc.spans[KEY])
    assert [s.start for s in spans] == sorted(s.start for s in spans)
    for left, right in zip(spans, spans[1:]):
        assert left.end <= right.start
    assert [(s.text, s.label_) for s in spans] == [
        ("Autologous bone marrow-derived mesenchymal stem cells", CELL_PRODUCT),
        ("BM-MSCs", CELL_PRODUCT),
        ("MSC-NTF cells", CELL_PRODUCT),
        ("ALSFRS-R", OUTCOME_SCALE),
        ("FVC", OUTCOME_SCALE),
        ("BM-MSCs", CELL_PRODUCT),
    ]


def test_terms_do_not_cross_brackets_or_commas(nlp):
    assert found(nlp, "aspiration) pneumonia") == [("pneumonia", DISEASE, "MeSH:D011014")]
    assert [t for t, _, _ in found(nlp, "multiple, sclerosis")] == ["sclerosis"]  # not "multiple sclerosis"


@pytest.mark.parametrize("tokenizer", ["scispacy", "default", "trialfacts"])
def test_same_result_under_other_tokenizers(tokenizer):
    nlp = spacy.blank("en")
    if tokenizer == "scispacy":
        nlp.tokenizer = combined_rule_tokenizer(nlp)
    elif tokenizer == "trialfacts":
        if importlib.util.find_spec("trialfacts.nlp.tokenizer") is None:
            pytest.skip("trialfacts.nlp.tokenizer not present")
        from trialfacts.nlp.tokenizer import trialfacts_tokenizer

        nlp.tokenizer = trialfacts_tokenizer(nlp)
    nlp.add_pipe("trialfacts_lexicon")
    text = "BM-MSCs, CD34+ cells and riluzole in Parkinson's disease; ALSFRS-R; IL-2R."
    assert [(t, label) for t, label, _ in found(nlp, text)] == [
        ("BM-MSCs", CELL_PRODUCT),
        ("CD34+ cells", CELL_PRODUCT),
        ("riluzole", DRUG),
        ("Parkinson's disease", DISEASE),
        ("ALSFRS-R", OUTCOME_SCALE),
    ]


def test_labels_config_restricts_the_output():
    nlp = scispacy_nlp(labels=[DRUG])
    assert found(nlp, "riluzole for amyotrophic lateral sclerosis; FVC") == [("riluzole", DRUG, "DrugBank:DB00740")]


def test_unknown_label_is_rejected():
    with pytest.raises(ValueError, match="unknown labels"):
        scispacy_nlp(labels=["GENE"])


def test_doc_ents_are_left_alone(nlp):
    doc = nlp.make_doc("riluzole in amyotrophic lateral sclerosis")
    doc.ents = [spacy.tokens.Span(doc, 0, 1, label="CHEMICAL")]
    doc = nlp.get_pipe("trialfacts_lexicon")(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("riluzole", "CHEMICAL")]
    assert len(doc.spans[KEY]) == 2


def test_spans_key_config():
    nlp = scispacy_nlp(spans_key="entities")
    doc = nlp("riluzole")
    assert "entities" in doc.spans and KEY not in doc.spans


def test_config_round_trip(nlp):
    rebuilt = spacy.blank("en").from_config(nlp.config)
    assert rebuilt.pipe_names == ["trialfacts_lexicon"]
    assert rebuilt.get_pipe("trialfacts_lexicon").lexicon is nlp.get_pipe("trialfacts_lexicon").lexicon


def test_every_stoplist_term_yields_nothing(nlp):
    for word in load_word_list("lexicon_stoplist.txt"):
        assert found(nlp, word) == [], word
        assert term_key(word) not in load_lexicon().entries, word


@pytest.mark.parametrize("name,label", [("cell_products.jsonl", CELL_PRODUCT), ("outcome_scales.jsonl", OUTCOME_SCALE)])
def test_every_rule_term_is_found_as_written(nlp, name, label):
    stop = {term_key(word) for word in load_word_list("lexicon_stoplist.txt")}
    for rule in load_rules(name):
        assert rule.label == label and rule.id
        if term_key(rule.pattern) in stop:
            continue
        doc = nlp(rule.pattern)
        spans = list(doc.spans[KEY])
        assert [(s.text, s.label_) for s in spans] == [(rule.pattern, label)], rule.pattern


def test_case_sensitive_rules_need_their_case(nlp):
    for rule in load_rules("outcome_scales.jsonl") + load_rules("cell_products.jsonl"):
        if rule.case == "sensitive" and rule.pattern.lower() != rule.pattern:
            doc = nlp(rule.pattern.lower())
            assert all(span._.lexicon_source != SOURCE_TRIALFACTS for span in doc.spans[KEY]), rule.pattern


def test_compiled_lexicon_header_and_version():
    raw = read_pattern_bytes("lexicon_terms.tsv.gz")
    header = gzip.decompress(raw).decode("utf-8").split("\n", 1)[0].split("\t")
    assert header[0] == LEXICON_HEADER
    assert f"key_version={KEY_VERSION}" in header


def test_lexicon_is_cached_and_read_only():
    first = load_lexicon()
    assert load_lexicon() is first
    with pytest.raises(TypeError):
        first.entries["new term"] = ()  # type: ignore[index]
    assert len(first) > 80_000


def test_lexicon_loads_fast():
    started = time.process_time()
    fresh = load_lexicon.__wrapped__()  # uncached: read and index everything again
    elapsed = time.process_time() - started
    assert len(fresh) == len(load_lexicon())
    assert elapsed < 1.5, f"loading the lexicon took {elapsed:.2f} s of CPU"


@pytest.mark.parametrize(
    "text,key",
    [
        ("BM-MSCs", "bm mscs"),
        ("BM MSCs", "bm mscs"),
        ("CD34+ cells", "cd 34 cells"),
        ("ALSFRS-R", "alsfrs r"),
        ("Sjögren's syndrome", "sjogren s syndrome"),
        ("  ", ""),
    ],
)
def test_term_key(text, key):
    assert term_key(text) == key


def test_build_tool_helpers():
    spec = importlib.util.spec_from_file_location("build_lexicon", ROOT / "tools" / "build_lexicon.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    assert build.shares_stem("burn", "Burns") and build.shares_stem("injury", "Wounds and Injuries")
    assert not build.shares_stem("combined", "Multiple Carboxylase Deficiency")
    for junk in ("...''more''", "oil,palm", "epoetin alfa,", "title=tarascon pocket pharmacopoeia", "[[cobicistat"):
        assert build.JUNK.search(junk), junk
    for good in ("riluzole", "2,4-dichlorophenoxyacetic acid", "parkinson's disease", "interleukin-1β", "cd34+"):
        assert not build.JUNK.search(good), good
    assert build.CELL_NAME.search("tisagenlecleucel") and build.CELL_NAME.search("remestemcel-l")
    assert build.CELL_NAME.search("natural killer cell") and not build.CELL_NAME.search("cellulose")
    assert build.drug_identifier({"drugbank_id": "DB00740", "mesh_id": "D018696"}, "riluzole", {}, {}) == "DrugBank:DB00740"
    assert build.mesh_identifier({"mesh_id": "D009362"}, "Neoplasms", {"neoplasms": "D009369"}, {}) == "MeSH:D009369"


def test_prefixes_hold_every_key_cut_after_a_run():
    lexicon = load_lexicon()
    for key in list(lexicon.entries)[:2000]:
        runs = key.split(" ")
        for cut in range(1, len(runs)):
            assert " ".join(runs[:cut]) in lexicon.prefixes, key
    assert all(" ".join(p.split(" ")) == p for p in list(lexicon.prefixes)[:100])


def test_tokenizer_is_scispacys_with_finer_affixes(devset):
    """trialfacts_tokenizer builds one Tokenizer with scispaCy's special cases and our affixes;
    it splits exactly as scispaCy's tokenizer with those affixes set on it does."""
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

    from trialfacts.reading.decoding import read_raw
    from trialfacts.nlp.tokenizer import DIGIT_LETTER_INFIX, SYMBOL_INFIX, trialfacts_tokenizer

    nlp = spacy.blank("en")
    ours = trialfacts_tokenizer(nlp)
    theirs = combined_rule_tokenizer(nlp)
    assert ours.rules == theirs.rules
    assert (ours.token_match, ours.url_match) == (theirs.token_match, theirs.url_match)
    theirs.prefix_search = compile_prefix_regex([SYMBOL_INFIX]).search
    theirs.suffix_search = compile_suffix_regex([SYMBOL_INFIX]).search
    theirs.infix_finditer = compile_infix_regex([SYMBOL_INFIX, DIGIT_LETTER_INFIX]).finditer
    texts = [read_raw(path) for path in sorted((devset / "corpus").glob("*.txt"))]
    texts.append("e.g. Dr. i.v. 5mg/kg p<0.05 (n=12) U.S. vs. approx. Fig. 2 don't can't")
    for text in texts:
        assert [(t.text, t.whitespace_) for t in ours(text)] == [(t.text, t.whitespace_) for t in theirs(text)]


def test_doc_text_is_the_text_of_that_doc():
    from trialfacts.nlp.spans import doc_text
    from trialfacts.nlp.tokenizer import trialfacts_tokenizer

    nlp = spacy.blank("en")
    nlp.tokenizer = trialfacts_tokenizer(nlp)
    doc = nlp("Riluzole 50 mg  twice daily (BID).")
    assert doc_text(doc) == doc.text == "Riluzole 50 mg  twice daily (BID)."
    part = doc[3:6].as_doc(copy_user_data=True)
    assert doc_text(part) == part.text
    plain = spacy.blank("en")("made by another tokenizer")
    assert doc_text(plain) == plain.text
