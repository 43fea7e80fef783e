"""Route surface forms (cases/routes.jsonl) and the ties that make a route word a route, run through
the components the route extractor reads: tokenizer, abbreviations, lexicon entities and doses.

A text's first sentence is read as its title (a route word there is the study's), so the cases that
test what ties a route word open with a neutral title ("A randomized trial.").
"""

import pytest
import spacy

from trialfacts.nlp.spans import ROUTES, read_spans
from trialfacts.nlp.tokenizer import trialfacts_tokenizer

from support import load_cases

TITLE = "A randomized trial. "


@pytest.fixture(scope="module")
def nlp():
    import trialfacts.nlp.build  # noqa: F401  (registers the components)

    nlp = spacy.blank("en")
    nlp.tokenizer = trialfacts_tokenizer(nlp)
    for name in ("trialfacts_abbreviations", "trialfacts_lexicon", "trialfacts_dose", "trialfacts_route"):
        nlp.add_pipe(name)
    return nlp


def routes(nlp, text: str) -> list[tuple[str, str]]:
    doc = nlp(text)
    return [(doc.text[p["start"]:p["end"]], p["route"]) for p in read_spans(doc, ROUTES)]


@pytest.mark.parametrize("case", load_cases("routes.jsonl"), ids=lambda c: c["text"][:60])
def test_route_forms(nlp, case):
    assert [list(r) for r in routes(nlp, case["text"])] == case["expect"]


# --- Route words: anatomy, disease and procedures are not routes; a study's giving is ----------
# (route word, its route, a noun that makes it anatomy, disease or a procedure)
LOOK_ALIKES = [
    ("intraventricular", "intracerebroventricular", "haemorrhage"),
    ("intraventricular", "intracerebroventricular", "hemorrhage grade 3"),
    ("intramedullary", "intraspinal", "nailing"),
    ("intramedullary", "intraspinal", "rod fixation"),
    ("intrathecal", "intrathecal", "immune activation"),
    ("intrathecal", "intrathecal", "IgG synthesis"),
    ("subarachnoid", "intrathecal", "haemorrhage"),
    ("rectal", "rectal", "bleeding"),
    ("rectal", "rectal", "temperature"),
    ("subcutaneous", "subcutaneous", "fat"),
    ("subcutaneous", "subcutaneous", "tissue oedema"),
    ("epidural", "epidural", "haematoma"),
    ("epidural", "epidural", "catheter migration"),
    ("intravenous", "intravenous", "catheter"),
    ("intra-articular", "intra-articular", "fractures"),
    ("oral", "oral", "ulcers"),
    ("inhalation", "inhalation", "injury"),
    ("intracerebral", "intracerebral", "haemorrhage"),
]


@pytest.mark.parametrize("word, route, noun", LOOK_ALIKES, ids=lambda x: str(x))
def test_route_word_before_anatomy_or_disease_is_not_a_route(nlp, word, route, noun):
    # a verb of giving and a dose in the same sentence do not make it one
    for text in (f"{TITLE}Patients given 20 mg of ketamine had less {word} {noun}.",
                 f"{TITLE}Patients with {word} {noun} received ketamine 20 mg.",
                 f"{word.capitalize()} {noun} after ketamine: a randomized trial."):
        assert routes(nlp, text) == [], text


# (route word, its route, a drug), each stated with something the study gives
GIVEN = [
    ("oral", "oral", "ibuprofen"),
    ("intravenous", "intravenous", "lidocaine"),
    ("intramuscular", "intramuscular", "ceftriaxone"),
    ("subcutaneous", "subcutaneous", "enoxaparin"),
    ("intrathecal", "intrathecal", "baclofen"),
    ("epidural", "epidural", "ropivacaine"),
    ("inhaled", "inhalation", "budesonide"),
    ("nebulized", "inhalation", "salbutamol"),
    ("aerosolised", "inhalation", "tobramycin"),
    ("topical", "topical", "diclofenac"),
    ("sublingual", "sublingual", "buprenorphine"),
    ("rectal", "rectal", "artesunate"),
    ("intranasal", "intranasal", "naloxone"),
    ("intravitreal", "intravitreal", "ranibizumab"),
]
GIVING = [
    "{TITLE}Patients received {word} {drug} 10 mg daily.",  # a verb of giving
    "{TITLE}A single {word} dose of {drug} was compared with placebo.",  # a dose noun
    "{TITLE}{Word} {drug} 10 mg or placebo was compared in 40 adults.",  # the drug's amount
    "{TITLE}Forty adults were randomized to {word} {drug} or placebo.",  # allocation
    "{Word} {drug} in adults: a randomized trial.",  # the title
]


@pytest.mark.parametrize("template", GIVING)
@pytest.mark.parametrize("word, route, drug", GIVEN, ids=lambda x: str(x))
def test_route_word_tied_to_what_the_study_gives(nlp, word, route, drug, template):
    text = template.format(TITLE=TITLE, word=word, Word=word.capitalize(), drug=drug)
    assert [r for _, r in routes(nlp, text)] == [route], text


@pytest.mark.parametrize("text", [
    f"{TITLE}The intravenous antibiotic days were counted in 40 children.",
    f"{TITLE}Age, sex and oral decontamination were recorded for 60 patients.",
    f"{TITLE}Airway responses to inhaled particles were measured in 12 adults.",
    f"{TITLE}Epidural technique did not differ between 2 groups.",
])
def test_route_word_tied_to_nothing_given_is_not_a_route(nlp, text):
    assert routes(nlp, text) == []


def test_route_word_tied_to_nothing_counts_where_the_route_is_stated(nlp):
    text = f"{TITLE}Patients received oral zinc 20 mg. Oral intake was recorded daily."
    assert routes(nlp, text) == [("oral", "oral"), ("Oral", "oral")]


# --- Where the giving is not the study's own -------------------------------------------------
@pytest.mark.parametrize("other", [
    "Previous studies of intravenous magnesium were negative.",
    "Earlier trials gave magnesium intravenously.",
    "Intravenous magnesium has been shown to be safe in other settings.",
    "Magnesium is usually given intravenously.",
    "Reports of intravenous magnesium toxicity are rare.",
    "BACKGROUND Intravenous magnesium is standard. METHODS",
])
def test_route_of_other_studies_or_background_is_dropped(nlp, other):
    text = f"{TITLE}{other} We gave 400 mg of magnesium orally to 100 patients."
    assert [r for _, r in routes(nlp, text)] == ["oral"], text


def test_title_ends_at_a_heading(nlp):
    text = ("Magnesium for asthma in children BACKGROUND Intravenous magnesium is standard. "
            "METHODS We randomized 80 children to 500 mg of magnesium or placebo by mouth.")
    assert routes(nlp, text) == [("by mouth", "oral")]


@pytest.mark.parametrize("measured", [
    "The need for intravenous antibiotics was recorded.",
    "Use of intravenous opioids was recorded.",
    "Patients with a history of intravenous steroid use were excluded.",
    "Rescue analgesia with IV morphine was allowed.",
    "Days on intravenous fluids were counted.",
])
def test_treatment_measured_or_excluded_is_not_a_route(nlp, measured):
    text = f"{TITLE}{measured} Patients received celecoxib 200 mg by mouth."
    assert [r for _, r in routes(nlp, text)] == ["oral"], text


@pytest.mark.parametrize("text, expected", [
    (f"{TITLE}Adults with previously untreated gout were randomized to oral colchicine 0.5 mg or placebo.", ["oral"]),
    (f"{TITLE}Cells were expanded as previously described and 1 x 10^6 cells/kg were injected intrathecally.",
     ["intrathecal"]),
    (f"{TITLE}Patients in the other trial arm received oral placebo tablets.", ["oral"]),
])
def test_words_of_earlier_treatment_before_the_study_giving(nlp, text, expected):
    assert [r for _, r in routes(nlp, text)] == expected, text


def test_background_mention_of_the_study_route_counts(nlp):
    text = (f"{TITLE}BACKGROUND Intrathecal cells may slow ALS. "
            "METHODS Twenty patients received 1 x 10^6 cells/kg intrathecally.")
    assert routes(nlp, text) == [("Intrathecal", "intrathecal"), ("intrathecally", "intrathecal")]


def test_known_properties_of_the_study_drug_count(nlp):
    text = ("Afatinib in head and neck cancer. Afatinib is an oral kinase blocker that has shown activity. "
            "We treated 100 patients with afatinib 40 mg daily.")
    assert routes(nlp, text) == [("oral", "oral")]


@pytest.mark.parametrize("text", [
    f"{TITLE}If pain persisted, patients received intravenous morphine 2 mg. Patients took celecoxib 200 mg by mouth.",
    f"{TITLE}Total intravenous morphine consumption was lower with celecoxib 200 mg by mouth.",
    f"{TITLE}Three patients required intravenous fluids. Patients took celecoxib 200 mg by mouth.",
])
def test_conditional_or_measured_treatment_is_not_a_route(nlp, text):
    assert [r for _, r in routes(nlp, text)] == ["oral"], text


def test_unheaded_abstract_opens_with_background():
    # no headings: the sentences before the first on the study itself are background
    from trialfacts.extractors.routes import find_routes

    text = ("Magnesium in asthma. Magnesium relaxes bronchial smooth muscle given intravenously. "
            "We randomized 80 children to 500 mg of magnesium or placebo by mouth.")
    assert [f.values["route"] for f in find_routes(text)] == ["oral"]


# --- One administration, one mention; routes named by where the product goes -----------------
@pytest.mark.parametrize("text, expected", [
    (f"{TITLE}Patients received intrathecal delivery of 1 x 10^6 cells/kg to the cerebrospinal fluid.",
     [("intrathecal delivery", "intrathecal")]),
    (f"{TITLE}Cells were transplanted in the lumbar spinal cord of 12 patients.",
     [("in the lumbar spinal cord", "intraspinal")]),
    (f"{TITLE}Motor neurons degenerate in the spinal cord of 12 patients given riluzole.", []),
    (f"{TITLE}Patients received drug X 0.1% or vehicle four times a day in both eyes.", [("in both eyes", "ophthalmic")]),
    (f"{TITLE}Glaucoma patients received topical timolol 0.5%.", [("topical", "ophthalmic")]),
    (f"{TITLE}Eczema patients received topical hydrocortisone 1%.", [("topical", "topical")]),
    (f"{TITLE}Patients applied an oral mucoadhesive film with 5 mg of drug X.", [("oral", "topical")]),
    (f"{TITLE}Patients received an oral solution with 5 mg of drug X.", [("oral", "oral")]),
])
def test_destinations_and_sites(nlp, text, expected):
    assert routes(nlp, text) == expected


@pytest.mark.parametrize("text", [
    f"{TITLE}Intravenous iron sucrose was infused over 30 min in 40 women.",
    f"{TITLE}The intravenous group had shorter stays in hospital.",
    f"{TITLE}Intravenous and oral routes were compared in 50 adults.",
])
def test_route_word_tied_by_a_passive_of_giving_an_arm_or_a_route_noun(nlp, text):
    assert "intravenous" in [r for _, r in routes(nlp, text)], text


# --- Abbreviations only where the text uses them as routes ------------------------------------
@pytest.mark.parametrize("text, expected", [
    (f"{TITLE}Morphine 10 mg IV was given at induction.", ["intravenous"]),
    (f"{TITLE}Patients received IV lidocaine 1.5 mg/kg.", ["intravenous"]),
    (f"{TITLE}Ibuprofen 400 mg PO was given every 6 hours.", ["oral"]),
    (f"{TITLE}Enoxaparin 40 mg SC was given once daily.", ["subcutaneous"]),
    (f"{TITLE}Patients in groups II, III and IV received ketamine 0.5 mg/kg.", []),
    (f"{TITLE}Depression was rated with DSM-IV criteria in patients given sertraline.", []),
    (f"{TITLE}Patients with stage IV disease received gemcitabine 1000 mg/m2.", []),
    (f"{TITLE}The PO group and the SC group were compared.", []),
])
def test_bare_abbreviations_need_a_route_use(nlp, text, expected):
    assert [r for _, r in routes(nlp, text)] == expected


def test_abbreviation_defined_otherwise_is_not_a_route(nlp):
    assert routes(nlp, "Chronic gastritis and intestinal metaplasia (IM) improved; IM decreased in antrum.") == []


def test_every_route_id_is_in_the_vocabulary():
    from trialfacts.resources import load_rules, route_names

    for rule in load_rules("routes.jsonl"):
        if rule.label in ("ROUTE", "ROUTE_ABBREVIATION"):
            assert rule.id in route_names(), rule


# --- Literal prefilters (resources.required_literals), which decide which route rules run -------

def test_required_literals_of_simple_patterns():
    from trialfacts.resources import required_literals

    assert required_literals(r"\borally\b|\boral\b|\bper os\b") == {"orally", "oral", "per os"}
    assert required_literals(r"\bintravenous(?:ly)?\b") == {"intravenous"}
    assert required_literals(r"(?-i:IV)") == {"iv"}  # compared case-folded
    assert required_literals(r"(?<![\w.])i\.v\.(?!\w)") == {"i.v."}  # lookarounds match no text
    # an optional part or a class requires nothing; a repeat that must occur does
    assert required_literals(r"a?[bc]") is None
    assert required_literals(r"(?:ab){2,3}") == {"ab"}
    # regex-module syntax the standard parser would misread: no prefilter
    assert required_literals(r"(?:oral){e<=1}") is None
    assert required_literals(r"[[a-z]--[aeiou]]x") is None


def test_could_match_is_false_only_without_any_literal():
    from trialfacts.resources import could_match, fold_for_literals

    folded = fold_for_literals("Given ORALLY (p.o.) twice daily")
    assert could_match(frozenset({"orally", "per os"}), folded)
    assert could_match(None, folded)
    assert not could_match(frozenset({"intrathecal"}), folded)


def test_folding_covers_every_case_variant_the_regex_module_matches():
    """A prefilter compares case-folded text: every character that a case-insensitive rule
    matches in place of a literal's character must fold to exactly that character."""
    import regex

    from trialfacts.resources import fold_for_literals, load_rules, required_literals

    characters = set()
    for name in ("routes.jsonl", "sample_size_roles.jsonl", "registrations.jsonl"):
        for rule in load_rules(name):
            for literal in required_literals(rule.pattern) or ():
                characters.update(literal)
    flags = regex.V1 | regex.IGNORECASE
    any_of_them = regex.compile("(?-f)[" + "".join(regex.escape(c) for c in characters) + "]", flags)
    for code in range(0x110000):
        other = chr(code)
        if any_of_them.fullmatch(other):
            for char in characters:
                if regex.fullmatch(f"(?-f){regex.escape(char)}", other, flags):
                    assert fold_for_literals(other) == char, (char, hex(code))


def test_prefilters_never_skip_a_rule_that_matches(devset):
    """On the dev texts and variants of them, every match of every rule holds one of its literals."""
    from trialfacts.reading.decoding import read_raw
    from trialfacts.resources import fold_for_literals, load_rules, required_literals

    texts = []
    for path in sorted((devset / "corpus").glob("*.txt")):
        raw = read_raw(path)
        texts += [raw, raw.upper(), raw.swapcase()]
    for name in ("routes.jsonl", "registrations.jsonl"):
        for rule in load_rules(name):
            literals = required_literals(rule.pattern)
            if literals is None:
                continue
            pattern = rule.compiled()
            for text in texts:
                for match in pattern.finditer(text):
                    folded = fold_for_literals(match.group())
                    assert any(literal in folded for literal in literals), (rule.id, match.group())


def test_literal_gates_find_every_literal_the_text_holds(devset):
    """present_literals, searching literals under shared words and openings, finds exactly the
    literals a plain substring test of each finds; and a rule told which literals are present finds
    the matches it finds testing its own openings."""
    from trialfacts.extractors.routes import route_vocabulary
    from trialfacts.reading.decoding import read_raw
    from trialfacts.resources import fold_for_literals

    vocabulary = route_vocabulary()
    literals = {literal for _, groups in vocabulary.literal_gates for _, group in groups for literal in group}
    texts = ["Given orally, intravenously or by the intrathecal route; paraspinal injection.", "IV", ""]
    for path in sorted((devset / "corpus").glob("*.txt")):
        raw = read_raw(path)
        texts += [raw, raw.upper()]
    for text in texts:
        folded = fold_for_literals(text)
        present = vocabulary.present_literals(folded)
        assert present == {literal for literal in literals if literal in folded}
        for rule in vocabulary.rules:
            found = [m.span() for m in rule.finditer(text, folded, present)]
            assert found == [m.span() for m in rule.pattern.finditer(text)], (rule.route, rule.pattern.pattern[:40])


# --- The abbreviation detector whose definitions the routes read ---------------------------------

def test_abbreviation_detector_finds_what_scispacys_matchers_find(devset):
    """trialfacts.nlp.abbreviations searches ORTH arrays where scispaCy runs two Matchers; with the
    bracket pattern bounded the same way, both find the same abbreviations and long forms."""
    from scispacy.abbreviation import AbbreviationDetector
    from spacy.matcher import Matcher

    from trialfacts.nlp.abbreviations import SCISPACY_MAX_TOKENS, BoundedAbbreviationDetector
    from trialfacts.reading.decoding import read_raw

    nlp = spacy.blank("en")
    nlp.tokenizer = trialfacts_tokenizer(nlp)
    ours = BoundedAbbreviationDetector(nlp, "ours", SCISPACY_MAX_TOKENS, False)
    theirs = AbbreviationDetector(nlp, "theirs")
    theirs.matcher = Matcher(nlp.vocab)
    inside = {"ORTH": {"NOT_IN": ["(", ")"]}, "OP": f"{{1,{SCISPACY_MAX_TOKENS}}}"}
    theirs.matcher.add("parenthesis", [[{"ORTH": "("}, inside, {"ORTH": ")"}]])
    texts = [read_raw(path) for path in sorted((devset / "corpus").glob("*.txt"))]
    texts += ["( a ( b ) c ) (d) ((e)) ()", "(" * 50 + "P" + ")" * 50, "Alpha Beta (AB) and AB AB AB",
              "x ( 1 2 3 4 5 6 7 8 ) ( 1 2 3 4 5 6 7 8 9 ) tumour necrosis factor (TNF) TNF"]

    def found(detector, text):
        doc = nlp.make_doc(text)
        doc._.abbreviations = []
        detector(doc)
        return sorted((s.start, s.end, s._.long_form.start, s._.long_form.end) for s in doc._.abbreviations)

    for text in texts:
        doc = nlp.make_doc(text)
        assert [(start, end) for _, start, end in theirs.matcher(doc)] == ours.parentheses(doc.to_array("ORTH"))
        assert found(ours, text) == found(theirs, text)


# Lower-case abbreviations take the ties of upper-case ones: an amount or a drug beside them.
@pytest.mark.parametrize("text, expected", [
    ("Dexamethasone 8 mg iv was given before induction.", [("iv", "intravenous")]),
    ("Enoxaparin 40 mg sc once daily was started.", [("sc", "subcutaneous")]),
    ("Vitamin C 1 g po daily was taken.", [("po", "oral")]),
    ("Ceftriaxone 1 g im as one dose.", [("im", "intramuscular")]),
    # Negatives: a stage or phase, and a word with nothing given beside it.
    ("Patients with stage iv disease received cisplatin.", []),
    ("The study, phase iv, gave 5 mg.", []),
    ("Im Jahr 2010 waren es 40 Patienten.", []),
    ("Doses rose: (i) 5 mg, (ii) 10 mg, (iii) 20 mg, (iv) 40 mg.", []),   # a list label
])
def test_lower_case_route_abbreviations(nlp, text, expected):
    assert routes(nlp, TITLE + text) == expected
