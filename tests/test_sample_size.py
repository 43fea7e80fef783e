"""Participant counts (trialfacts.extractors.sample_size): surface forms, roles, rejections and the total.

Each table row is a sentence as it reaches the extractor (clean text) and the exact
(value, role) list it must yield, in reading order; rules follow ../shared/GOLD.md and
docs/annotation.md section 3.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from trialfacts.reading.clean import Cleaner
from trialfacts.extractors.sample_size import find_sample_sizes, total_sample_size
from trialfacts.nlp.spans import Found

from support import load_cases

ROOT = Path(__file__).resolve().parent.parent


def found(text: str) -> list[tuple[int, str]]:
    return [(f.values["value"], f.values["role"]) for f in find_sample_sizes(text)]


def spans(text: str) -> list[str]:
    return [text[f.start:f.end] for f in find_sample_sizes(text)]


# --- surface forms: value and role --------------------------------------------------------
POSITIVES = [
    # the statistician's n, in its spellings
    ("Patients were assigned to placebo (n = 23) or drug (n = 25).", [(23, "arm"), (25, "arm")]),
    ("The experimental group (n=12) used oral cryotherapy.", [(12, "arm")]),
    ("to Phone group (N.=57, home-based surveillance)", [(57, "arm")]),
    ("a control group (n : 9) was studied", [(9, "arm")]),
    ("randomized to OAC (n = 1,347) or placebo", [(1347, "arm")]),
    # spelled-out numbers
    ("Three hundred forty-one patients were randomized to two regimens.", [(341, "randomized")]),
    ("Twenty-six patients were enrolled.", [(26, "enrolled")]),
    ("Sixty nine subjects took part.", [(69, "enrolled")]),
    ("Four hundred seventeen anthracycline-naive MBC patients were randomized.", [(417, "randomized")]),
    ("Eight hundred and six alcohol-dependent clients were recruited.", [(806, "enrolled")]),
    # thousands
    ("Subjects were 1,347 police trainees.", [(1347, "enrolled")]),
    ("The trial enrolled 1 347 patients in 40 centres.", [(1347, "enrolled")]),
    ("(1 347 patients in 40 centres)", [(1347, "enrolled")]),
    # modifiers between number and noun
    ("Eleven healthy tobacco smoking adult male volunteers were studied.", [(11, "enrolled")]),
    ("A total of 587 H. pylori-infected subjects were randomized.", [(587, "randomized")]),
    ("The trial will include 25 adult, non-ventilator-dependent patients.", [(25, "enrolled")]),
    ("Out of 383 myocardial infarction (MI) patients, most were men.", [(383, "enrolled")]),
    ("The study was performed in 48 type 2 diabetic patients.", [(48, "enrolled")]),
    ("We randomly assigned 2079 men and women who were 35 years of age or older.", [(2079, "randomized")]),
    # roles from the predicate
    ("In total, 26 patients were enrolled in the study.", [(26, "enrolled")]),
    ("Forty-five patients were randomised to receive drug or placebo.", [(45, "randomized")]),
    ("We screened 212 patients for eligibility.", [(212, "screened")]),
    ("310 patients were assessed for eligibility.", [(310, "screened")]),
    ("Overall, 24 patients will be recruited.", [(24, "enrolled")]),
    ("23 patients were suitable for efficacy evaluation.", [(23, "analyzed")]),
    ("Of these, 40 patients were evaluable for response.", [(40, "analyzed")]),
    ("In all, 552 participants completed the study.", [(552, "completed")]),
    ("Six patients received the high dose.", [(6, "arm")]),
    ("6 patients with early-stage ALS were injected intramuscularly.", [(6, "arm")]),
    ("Thirteen age-matched healthy volunteers served as controls.", [(13, "enrolled")]),
    ("12 patients dropped out before the second visit.", [(12, "withdrawn")]),
    ("Nine participants withdrew consent.", [(9, "withdrawn")]),
    ("Seven subjects were lost to follow-up.", [(7, "withdrawn")]),
    ("Among the 12 patients in the phase 1/2 trial the treatment was safe.", [(12, "enrolled")]),
    ("Group A - 12 patients of early disease stage.", [(12, "arm")]),
    ("Sixteen patients were randomized in group A and 16 patients in group B.", [(16, "arm"), (16, "arm")]),
    ("They were divided into 2 groups of 30 patients each.", [(30, "arm")]),
    ("A subset of 42 women at one site underwent colposcopy.", [(42, "analyzed")]),
    # counts with no noun of their own
    ("The single and combination groups comprised 14 and 13 patients, respectively.", [(14, "arm"), (13, "arm")]),
    ("2367 persons in the intervention and 2162 in the control groups.", [(2367, "arm"), (2162, "arm")]),
    ("Of 54 patients, 27 were assigned to the BP group and 27 to the BP + DU group.",
     [(54, "enrolled"), (27, "arm"), (27, "arm")]),
    ("23 patients died, 15 were lost to follow-up, 45 refused repeat colonoscopy, and five developed contraindications.",
     [(23, "withdrawn"), (15, "withdrawn"), (45, "withdrawn"), (5, "withdrawn")]),
    ("Among the 552 participants who completed the examination, 94 stopped treatment early.",
     [(552, "completed"), (94, "withdrawn")]),
    ("A total of 269 (89.4%) participants completed all visits and 263 (87.4%) completed the fitness test.",
     [(269, "completed"), (263, "completed")]),
    ("A total of 1905 of the randomized subjects (91.6 percent) completed the study.", [(1905, "completed")]),
    ("Forty-one out of 50 randomized participants completed the trial.", [(41, "completed"), (50, "randomized")]),
    ("Thirty South Asian (15 women) and 30 white European (14 women) older adults took part.",
     [(30, "enrolled"), (30, "enrolled")]),
    ("191 health workers (94 in the intervention group and 97 in the control group) took part.",
     [(191, "enrolled"), (94, "arm"), (97, "arm")]),
    # denominators of results are counts of the group; their numerators are results
    ("Seizures were controlled in 13 of the 30 neonates assigned to receive phenobarbital.", [(30, "arm")]),
    ("Seventeen of 20 (85%) women in the control group developed preeclampsia, whereas 9 of 20 (45%) in the treatment group did.",
     [(20, "arm"), (20, "arm")]),
    ("Relapses occurred in 21 (43%) of 49 patients.", [(49, "arm")]),
    # a singular label takes one number: after "study 1," the next number is a count again
    ("In study 1, 40 patients were enrolled; in study 2, 60 patients were enrolled.",
     [(40, "enrolled"), (60, "enrolled")]),
    ("One hundred twenty patients were enrolled.", [(120, "enrolled")]),
    ("Three hundred and forty-one patients were randomized.", [(341, "randomized")]),
    ("Patients were assigned to placebo (N = 23) or drug (N = 25).", [(23, "arm"), (25, "arm")]),
    ("In 2005, 40 patients were enrolled.", [(40, "enrolled")]),
    # "data of" marks the analysed group, however the phrase before it runs
    ("The mean data of all 11 subjects were obtained.", [(11, "analyzed")]),
    ("Forty-four percent (24 of 54) of the CQ-treated patients were therapeutic failures.", [(54, "arm")]),
]


@pytest.mark.parametrize("text,expected", POSITIVES, ids=[t[:40] for t, _ in POSITIVES])
def test_surface_forms(text, expected):
    assert found(text) == expected


SPANS = [
    ("In total, 26 patients were enrolled.", ["26 patients"]),
    ("placebo (n = 23) or drug", ["n = 23"]),
    ("placebo (n=12) or drug", ["n=12"]),
    ("Phone group (N.=57, with calls)", ["N.=57"]),
    ("Twenty-six patients were enrolled.", ["Twenty-six patients"]),
    ("comprised 14 and 13 patients", ["14", "13 patients"]),
    ("A total of 269 (89.4%) participants completed", ["269"]),
]


@pytest.mark.parametrize("text,expected", SPANS)
def test_span_is_number_with_adjacent_head(text, expected):
    assert spans(text) == expected


# --- classes of wording, kept as data (cases/sample_sizes.jsonl) ----------------------------
# Each row: a sentence written for one class (spelled-out numbers with modifiers, spaced
# thousands, screened pools, analysed populations, planned targets, per-arm lists, fractions,
# make-up of a group, withdrawals by reason, units other than people, results, clusters), every
# count it holds as [value, role] and, where given, the total it implies.
CASES = load_cases("sample_sizes.jsonl")


@pytest.mark.parametrize("case", CASES, ids=[f"{c['class']}: {c['text'][:40]}" for c in CASES])
def test_case_table(case):
    mentions = find_sample_sizes(case["text"])
    assert [[m.values["value"], m.values["role"]] for m in mentions] == case["mentions"]
    if "total" in case:
        assert total_sample_size(case["text"], mentions) == case["total"]


# Thousands set off by a space, whatever stands before them.
@pytest.mark.parametrize("before", ["", "In total, ", "Cohort: ", "were followed; ", "The registry. ", "(", "A total of "])
@pytest.mark.parametrize("number,noun,value", [("32 929", "subjects", 32929), ("1 204", "children", 1204),
                                               ("120 500", "women", 120500)])
def test_thousands_with_a_space(before, number, noun, value):
    assert (value, "enrolled") in found(f"{before}{number} {noun} were enrolled.")


@pytest.mark.parametrize("text", [
    "Table 2 lists 3 456 789 values.",        # a run of digits
    "(n = 12 100 mg)",                        # a count then a dose
    "Doses on weeks 2, 4 100 patients",       # a label list then a count
    "values of 12 345 and 6 789 were seen",   # no participant noun
])
def test_spaced_digits_that_are_not_one_count(text):
    assert not any(value >= 1000 for value, _ in found(text))


# With no noun after it, the verb of its subject makes a spaced number one count; the part
# after the space is never a count of its own (a leading zero marks it: "002").
@pytest.mark.parametrize("text,expected", [
    ("Of 1 245 women screened, 1 002 were randomly assigned.", (1002, "randomized")),
    ("In total, 32 929 were enrolled.", (32929, "enrolled")),
    ("Of those screened; 2 040 were randomised to either arm.", (2040, "randomized")),
    ("After screening, 1 120 had been enrolled.", (1120, "enrolled")),
])
def test_thousands_with_a_space_before_a_verb(text, expected):
    assert found(text) == [*[m for m in found(text) if m[1] == "screened"], expected]


@pytest.mark.parametrize("text", [
    "At week 2 100 were still enrolled.",  # a label's number, then a count: never one number
    "Batch 007 was used in 12 units.",
    "Tubes 001 to 050 were discarded.",
])
def test_no_count_from_digits_run_together_or_with_a_leading_zero(text):
    assert not any(value >= 1000 or value in (1, 7, 50) for value, _ in found(text))


# Spelled-out numbers: hyphens set off by spaces, "and", and modifiers joined by "and".
@pytest.mark.parametrize("text,value", [
    ("Sixty - two subjects were enrolled.", 62),
    ("One hundred forty - eight patients completed the study.", 148),
    ("Two hundred sixteen male and female CABG patients were randomized.", 216),
    ("Ninety-one elderly or disabled outpatients were randomized.", 91),
    ("Seventy Japanese and Korean volunteers took part.", 70),
])
def test_spelled_numbers_with_words_between(text, value):
    assert [v for v, _ in found(text)] == [value]


@pytest.mark.parametrize("text", [
    "In 3 severe and 7 moderate cases the drug failed.",     # "and" before a number ends the phrase
    "Two randomized, double-blind, placebo-controlled trials were pooled.",
    "Four randomised studies and 2 cohort studies were reviewed.",
    "At 6 month infants were weighed.",                      # a time unit is no modifier
])
def test_phrases_that_count_no_people(text):
    assert found(text) == []


# A setting word before a participant noun ("study participants"), never a unit after a number.
@pytest.mark.parametrize("text,value", [
    ("We enrolled 20 study participants.", 20),
    ("In all, 35 trial subjects were randomized.", 35),
    ("Thus, 2 panels of 25 hospital nurses used the creams.", 25),
    ("Patients from 3 centre groups: 40 centre patients took part.", 40),
])
def test_setting_words_as_modifiers(text, value):
    assert [v for v, _ in found(text)] == [value]


@pytest.mark.parametrize("text", ["Patients came from 12 hospitals.", "The 3 studies were pooled.",
                                  "Data from 14 sites were analysed."])
def test_setting_words_alone_are_units(text):
    assert found(text) == []


# The total is the count that entered the study, not the pool it was drawn from.
@pytest.mark.parametrize("pool", ["Of 500 patients assessed, ", "Among the 500 women contacted, ",
                                  "Of 500 children screened, ", "From 500 referred patients, "])
@pytest.mark.parametrize("part,role", [("120 were randomized", "randomized"), ("120 were enrolled", "enrolled"),
                                       ("120 met the inclusion criteria", "enrolled")])
def test_total_is_the_part_that_entered(pool, part, role):
    text = pool + part + "."
    assert total(text) == 120
    assert found(text)[-1] == (120, role)


@pytest.mark.parametrize("first", ["We randomized 300 patients.", "Three hundred patients were randomly assigned.",
                                   "Patients with asthma (n = 300) from 9 centres were randomly assigned."])
@pytest.mark.parametrize("later", [
    "The final analysis included 280 patients.",
    "Data were available for 280 patients.",
    "280 patients were included in the intention-to-treat analysis.",
    "The per-protocol population comprised 280 patients.",
    "At 12 months, 280 patients were assessed.",
    "More of the 280 patients given the drug improved.",
])
def test_a_later_analysed_count_is_not_the_total(first, later):
    assert total(f"{first} {later}") == 300


# Planned counts: the total only where no actual count is given (GOLD.md "Decisions").
@pytest.mark.parametrize("target", ["The study intended to enroll 400 patients", "We aimed to recruit 400 patients",
                                    "A predefined sample size of 400 patients was set",
                                    "The target sample size was 400 patients"])
def test_planned_count(target):
    assert total(target + ".") == 400
    text = f"{target}; 212 patients were enrolled before the trial was stopped."
    assert found(text) == [(212, "enrolled")]
    assert total(text) == 212


def test_a_final_sample_size_is_no_target():
    assert found("The final sample size was 44 children.") == [(44, "enrolled")]


# Fractions beside their own percentage give the group's count; anything else does not.
@pytest.mark.parametrize("text,value", [
    ("Cure rates were 80% (114/142) in treated patients.", 142),
    ("Death occurred in 2/35 (6%) of the patients.", 35),
    ("lowest among patients in the q8w group [2/82, 2.4%].", 82),
    ("Response in the placebo group: 9/27 (33.3%).", 27),
])
def test_fraction_denominators(text, value):
    assert (value, "arm") in found(text)


@pytest.mark.parametrize("text", [
    "Mortality was 3/40 (20%) in the group of patients.",    # the percentage is not 3/40's
    "Patients took lopinavir/ritonavir 400/100 mg (50%).",
    "The ratio was 1/2 (50%) among patients.",
    "Visits on 12/10 and 14/10 of patients.",
])
def test_fractions_that_give_no_count(text):
    assert found(text) == []


# Per-arm counts next to the count they split.
@pytest.mark.parametrize("text,arms", [
    ("A total of 121 patients were treated (61 afatinib, 60 cetuximab).", [61, 60]),
    ("Eighty patients were randomized (40 to drug and 40 to placebo).", [40, 40]),
    ("81 were enrolled (41 [50.6%] to the high-dose group and 40 [49.4%] to the low-dose group).", [41, 40]),
    ("118 evaluable patients: 32 in the laser group, 34 in the drug group and 52 in the control group.", [32, 34, 52]),
    ("Among women without CHD (6074 on tamoxifen versus 6072 on placebo), risks were similar.", [6074, 6072]),
    ("68 crossed over to stage II (32 and 36, respectively).", [32, 36]),
])
def test_arms_beside_their_total(text, arms):
    values = [v for v, _ in found(text)]
    assert values[-len(arms):] == arms


@pytest.mark.parametrize("text,kept", [
    ("Seventy-two patients (59 male and 13 female) were randomized.", [72]),
    ("Ten patients, including 3 severe and 7 moderate cases, were treated.", [10]),
    ("Sixty-seven children were randomized (slow response, 55 patients; translocation, 12 patients).", [67]),
    ("Eleven patients (7 men, 4 women) were enrolled.", [11]),
    ("Healthy undergraduates (66 women, 68 men) took part.", [66, 68]),  # the group's own count is not written
])
def test_make_up_of_a_group(text, kept):
    assert [v for v, _ in found(text)] == kept


@pytest.mark.parametrize("text,expected", [
    ("Of the 60 children, 4 could not be evaluated - 2 moved away and 2 did not return.", [(60, "enrolled"), (4, "withdrawn")]),
    ("Of 90 patients, 5 withdrew (3 because of nausea, 2 because of rash).", [(90, "enrolled"), (5, "withdrawn")]),
    ("Treatment was stopped early because of adverse events in 18 (12%) patients.", [(18, "withdrawn")]),
    ("One patient in the placebo group withdrew after randomisation.", [(1, "withdrawn")]),
    ("Of the initial 120 cases, 11 cases were disqualified.", [(11, "withdrawn")]),
])
def test_withdrawals(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "At the end, 12, 8, and 13 patients from groups A, B, and C, respectively, were responders.",
    "We observed 5 patients who experienced vomiting.",
    "Among the 5 patients with adverse events, 3 recovered.",
    "The pandemic has killed more than 160,000 individuals.",
    "Interim analyses were planned every 50 patients.",
    "All 10 patients (100%) from the drug group were discharged.",
    "By day 9, 6 patients (60%) in the drug group improved.",
    "Responders: 134 patients given sertraline (N=71 [53%]).",
    "Three patients were long term responders.",
])
def test_results_and_rates_are_no_counts(text):
    assert all(value not in (5, 6, 8, 10, 12, 13, 50, 71, 3, 160000) for value, _ in found(text))


@pytest.mark.parametrize("text,value", [
    ("All the 22 patients were tested positive before treatment.", 22),
    ("Tone in all 17 subjects was reduced.", 17),
])
def test_the_whole_group_is_a_count_whatever_follows(text, value):
    assert [v for v, _ in found(text)] == [value]


# Units other than people: mentions where randomized, the total only without a count of people.
@pytest.mark.parametrize("text,total_value", [
    ("A total of 247 febrile episodes were prospectively randomized.", 247),
    ("Episodes were randomly allocated drug A (288 episodes) or drug B (293 episodes).", 581),
    ("Forty-six femoral shaft fractures were randomized to two nails.", 46),
    ("Fifty-four eyes of 27 patients were randomized.", 27),
    ("We treated 30 eyes of 30 patients.", 30),
    # kinds of teeth and lesions, and what the units are of, however long, before the verb
    ("Ninety common warts on the hands were randomly allocated to duct tape or cryotherapy.", 90),
    ("Seventy-two mandibular premolars in 36 adolescents were randomized to two sealants.", 36),
    ("In all, 64 episodes of severe malaria in children under five years of age were randomized.", 64),
    ("Fifty carious molars were randomized to two liners (n = 25 teeth per group).", 50),
    # an n of units beside a count of people: the people are the total
    ("Forty children (n = 80 molars) were randomized.", 40),
])
def test_units_other_than_people(text, total_value):
    assert total(text) == total_value


@pytest.mark.parametrize("text", ["Villages served as the units of randomisation (n = 24).",
                                  "Schools (n = 12) were randomized."])
def test_the_n_of_clusters_is_no_count(text):
    assert found(text) == []


def test_the_n_of_people_admitted_to_units_is_a_count():
    assert (1983, "arm") in found("3606 patients were admitted to the eight units (n=1983 control period; n=1623 other).")


@pytest.mark.parametrize("text,expected", [
    ("Twenty-seven patients (A) received drug X; 21 (B) received drug Y.", [(27, "arm"), (21, "arm")]),
    ("18 patients received placebo and 23 ones were given enalapril.", [(18, "arm"), (23, "arm")]),
    ("64 patients who received the drug did not differ from the 53 who did not.", [(64, "arm"), (53, "arm")]),
    ("Ten volunteers, and seven with colitis took part.", [(10, "enrolled"), (7, "enrolled")]),
    ("46 fractures were randomized to nails, 24 with slotted nails and 22 with plain nails.",
     [(46, "randomized"), (24, "arm"), (22, "arm")]),
    ("Sixty-two subjects met the inclusion criteria, with 35 enrolled in the A arm and 27 in the B arm.",
     [(62, "enrolled"), (35, "arm"), (27, "arm")]),
    ("At Week 44, 567 drug-treated patients entered the extension.", [(567, "enrolled")]),
    ("Group I consisted of 15 patients and Group II consisted of 30 patients.", [(15, "arm"), (30, "arm")]),
    ("The study group comprised 41 patients.", [(41, "enrolled")]),
    ("adolescents aged 13-16 years (n 196) took part", [(196, "enrolled")]),
])
def test_groups_without_a_noun_of_their_own_and_roles(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("One hundred twenty of 150 eligible patients consented and were randomized.", 120),
    ("Of 300 women approached, 212 of 260 eligible women agreed to participate.", 212),
    ("84 out of 100 outpatients consecutively randomized to A (n = 42) or B (n = 42).", 100),  # a participle: said of the 100
    ("Forty-one out of 50 randomized participants completed the trial.", 50),
])
def test_a_part_that_entered_from_a_pool(text, expected):
    assert total(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("They were divided into 2 groups of 30 patients each.", 60),
    ("Three treatment groups of 12 volunteers each were studied.", 36),
    ("There will be 5 treatment groups of up to 5 patients each.", None),
    ("Sixty patients were divided into two groups of 30.", 60),
])
def test_equal_groups(text, expected):
    assert total(text) == expected


# --- what is not a count ------------------------------------------------------------------
NEGATIVES = [
    "Of these patients, 13 (87%) were defined as responders.",
    "4 cases had diarrhea.",
    "Adverse events occurred in 12 patients.",
    "H. pylori was eradicated in 226 subjects assigned to OAC.",
    "About 30% of the patients experienced a mild headache.",
    "Values were stable in 75% of patients at 3 months.",
    "patients aged 20 and 75 years",
    "Patients were monitored for 6 months before treatment.",
    "Patients received 400 mg twice daily for 12 weeks.",
    "The trial ran from 2011 to 2014.",
    "Since January 1974, the clinic has treated cancers.",
    "This phase 2 trial tested the drug.",
    "Results are shown in Fig. 2 and Table 3.",
    "Supplementation with n-3 fatty acids lowered triglycerides.",
    "Patients were randomized in a 2:1:1 ratio.",
    "Post-operative complications (n = 4) were fewer with the drug.",
    "Hospital stay was shorter in group II (35.2 +/- 22.3 hours, n = 11).",
    "scar pain (1 vs 4 patients with moderate pain)",
    "Five cases of hypotension occurred in each group.",
    "Blunted ACTH was seen in 2 cases.",
    "One patient had a rash.",
    "Groups 1, 2, and 4 will receive a single dose.",
    "Doses were given on days 1, 3, 7, 10, and 14 after transplantation.",
    "Patients aged between 20 and 75 years were eligible.",
    "Patients 20 to 75 years old were eligible.",
    "Enrolment continues until at least 3 patients in the preceding group have completed treatment.",
    "There were 40 recurrences in the control group and 25 in the ASI group.",
    "Patients were followed for 8-12 weeks.",
    "Table 2 lists 3 456 789 values.",
    "a three to five minute scripted intervention",
    "Thirty-four percent of patients improved.",
    "The mean age was 55 years.",
    "Patients received one of three treatments.",
    "Seventy percent (n = 30) of the sample population displayed a lower output.",
    "Grade 4 toxicity (n = 0) was not seen.",
    "n = 0",
    "12 patients were treatment failures.",
    "Ten patients (3 men and 7 women)",  # the breakdown is not counted; only "Ten patients" is
]


@pytest.mark.parametrize("text", NEGATIVES[:-1], ids=[t[:40] for t in NEGATIVES[:-1]])
def test_not_a_count(text):
    assert found(text) == []


def test_sex_breakdown_in_brackets_is_not_a_count():
    assert found(NEGATIVES[-1]) == [(10, "enrolled")]


# --- the document total -------------------------------------------------------------------
def total(text: str) -> int | None:
    return total_sample_size(text, find_sample_sizes(text))


TOTALS = [
    # enrolled wins over randomized and analyzed
    ("In total, 120 patients were enrolled. 100 patients were randomized to drug or placebo. "
     "90 patients were evaluable.", 120),
    ("26 patients were enrolled in the study and were assessed for safety; 23 patients were suitable for efficacy evaluation.", 26),
    # randomized when no enrolment is given; its arms are not added on top
    ("587 subjects were randomized to OAC (n = 295) and placebo (n = 292).", 587),
    ("Sixty-seven children were randomized (slow early response, 55 patients; translocation, 12 patients).", 67),
    # the sum of the arms when no total is stated
    ("Drug A was given to patients (n = 94) and drug B to patients (n = 110).", 204),
    ("2367 persons in the intervention and 2162 in the control groups.", 4529),
    ("The single and combination groups comprised 14 and 13 patients, respectively.", 27),
    # subgroups of a group are not added
    ("Users (n = 19) were divided into two groups, high (n = 10) and low dependence (n = 10), "
     "and compared to an age-matched control group of healthy people who were tested in the same laboratory (n = 9).", 28),
    # phases or studies summed
    ("Among the 12 patients in the phase 1/2 trial and the 14 patients in the phase 2a trial the treatment was safe.", 26),
    ("We studied 20 patients with Raynaud's syndrome and ten healthy volunteers.", 30),
    ("In study 1, 40 patients were enrolled; in study 2, 60 patients were enrolled.", 100),
    ("In phase 1, 12 patients were enrolled, and in phase 2, 30 patients were enrolled.", 42),
    ("Patients were randomized to drug (n = 40) or placebo (n = 38).", 78),
    ("Between 1998 and 2003, 120 patients were enrolled.", 120),
    # screened never counts
    ("We screened 300 patients; 120 were enrolled.", 120),
    ("300 patients were screened. 150 patients were randomized.", 150),
    ("A total of 300 patients were screened for eligibility.", None),
    # the same count mentioned again is one group
    ("In this study, 11 volunteers took part. The mean data of all 11 subjects were obtained.", 11),
    # a later description of part of the population is not added
    ("Fifty-six patients were enrolled in an open trial. Thirty-four patients were labeled with PDD.", 56),
    # "up to" / "at least" per-cohort figures give no stated total
    ("There will be 5 treatment groups of up to 5 patients each.", None),
    ("Only a maximum of six patients will be given a particular dosage.", None),
    # but an enrolment target stated as "up to" is still the stated total
    ("The study is planned to enroll up to 30 subjects over 24 months.", 30),
    # no count stated
    ("Patients with ALS will receive intrathecal injections of cells.", None),
    ("About 30% of the patients experienced headache (p < 0.05).", None),
]


@pytest.mark.parametrize("text,expected", TOTALS, ids=[t[:40] for t, _ in TOTALS])
def test_total(text, expected):
    assert total(text) == expected


def test_total_of_no_mentions_is_none():
    assert total_sample_size("Twenty-six patients were enrolled.", []) is None


def test_total_ignores_given_screened_mentions():
    text = "We screened 300 patients."
    mentions = [Found(12, 24, "SAMPLE_SIZE", {"value": 300, "role": "screened"})]
    assert total_sample_size(text, mentions) is None


# --- the two seed abstracts, raw file -> Cleaner -> extractor -----------------------------
SEEDS = ["000_0a71ac7b8c3031ac", "003_55175bd2ab1d999b"]


@pytest.mark.parametrize("doc_id", SEEDS)
def test_seed_abstract_end_to_end(doc_id):
    raw = (ROOT / "corpus" / f"{doc_id}.txt").read_bytes().decode("utf-8")
    gold = json.loads((ROOT / "gold" / f"{doc_id}.json").read_text(encoding="utf-8"))
    clean = Cleaner()(raw)
    mentions = find_sample_sizes(clean.text)
    got = []
    for m in mentions:
        start, end = clean.to_raw(m.start, m.end)
        got.append({"text": raw[start:end], "start": start, "end": end, **m.values})
    expected = [{k: g[k] for k in ("text", "start", "end", "value", "role")} for g in gold["sample_sizes"]]
    assert got == expected
    assert total_sample_size(clean.text, mentions) == gold["sample_size"] == 26


# --- the spaCy component ------------------------------------------------------------------
def test_component_writes_spans_and_total():
    import spacy

    import trialfacts.extractors.sample_size  # noqa: F401  registers the factory
    from trialfacts.nlp.spans import SAMPLE_SIZES, read_spans

    nlp = spacy.blank("en")
    nlp.add_pipe("trialfacts_sample_size")
    doc = nlp("In total, 26 patients were enrolled; 23 patients were suitable for efficacy evaluation.")
    assert doc._.sample_size == 26
    payloads = read_spans(doc, SAMPLE_SIZES)
    assert [(p["value"], p["role"]) for p in payloads] == [(26, "enrolled"), (23, "analyzed")]
    assert [doc.text[p["start"]:p["end"]] for p in payloads] == ["26 patients", "23 patients"]


# --- hostile input stays linear -----------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["1" * 100_000, "a" * 1_000_000, "patients " * 100_000, "Twenty-six " * 50_000, "( " * 100_000,
     "n = " + "9" * 100_000],
    ids=["digits", "letters", "nouns", "spelled", "brackets", "n-equals-digits"],
)
def test_pathological_input_is_fast(text):
    started = time.perf_counter()
    find_sample_sizes(text)
    assert time.perf_counter() - started < 10


# The speed-ups read some rules in a rewritten form; each must find what the rule as written does.
CLAUSES = [
    "In phase 2, ", "Of the 120 screened, ", "patients aged 18 to ", "were randomized (n = ", "mean age ",
    "a total of ", "Groups 1, 2, and ", "complications (n = ", "adverse events occurred in ", "9 of ",
    "Twenty-one (43%) of the ", "up to ", "3.5 ± 1.2, ", "in March 2004, ", "5 vs. ", "x", "",
    "13 of the\n", "13 of \n", "one out of ", "study 1, ", "In phase ", "phases 1 and ", "on day ",
]


@pytest.mark.parametrize("before", CLAUSES)
def test_rules_rewritten_to_look_behind_find_what_they_find_searched(before):
    import regex as regex_module

    from trialfacts.extractors import sample_size_cues as ss
    from trialfacts.extractors.numbers import spelled_number_pattern
    from trialfacts.resources import load_rules

    rules = load_rules("sample_size_roles.jsonl")
    for label in ("not_count", "outcome"):
        searched = any(rule.compiled().search(before + ss.MARK) for rule in rules
                       if rule.label == label and not rule.pattern.startswith(ss.MARK))
        assert ss._matches(label, before, None) == searched, label
    denominator = regex_module.compile(
        rf"(?:\b\d{{1,7}}|{spelled_number_pattern()})(?: ?\( ?\d{{1,3}}(?:[.·]\d{{1,2}})? ?%\))?,? (?:out )?of (?:the |these |those |all )?$",
        regex_module.I | regex_module.V1)
    assert ss.is_denominator(before) == bool(denominator.search(before))


AFTER_CLAUSES = [
    "% of patients", " patients had diarrhea", "-month follow-up", ".5 mg", " to 5", "'s disease",
    " patients were randomized", " (45%) developed fever, and", "", " x 10^6 cells", " per cent",
]


@pytest.mark.parametrize("after", AFTER_CLAUSES)
def test_rules_at_the_marker_match_as_one_alternation_what_they_match_one_by_one(after):
    from trialfacts.extractors import sample_size_cues as ss
    from trialfacts.resources import load_rules

    for label in ("not_count", "outcome"):
        one_by_one = any(rule.compiled().match(ss.MARK + after)
                         for rule in load_rules("sample_size_roles.jsonl")
                         if rule.label == label and rule.pattern.startswith(ss.MARK))
        assert ss._matches(label, None, after) == one_by_one, label


def test_rule_prefilters_never_skip_a_cue(devset):
    """With and without the literal prefilters (resources.required_literals), the cues read
    around every number of the dev texts are the same."""
    from trialfacts.extractors import sample_size_cues as ss
    from trialfacts.reading.clean import Cleaner

    cleaner = Cleaner()
    windows = []
    for path in sorted((devset / "corpus").glob("*.txt")):
        text = cleaner(path.read_text(encoding="utf-8")).text
        for number in ss._numbers(text):
            windows.append(text[max(0, number.start() - ss.BEFORE_WINDOW): number.start()].replace(ss.MARK, " "))
            windows.append(text[number.end(): number.end() + ss.AFTER_WINDOW].replace(ss.MARK, " "))
    for rules in ss.RULE_SETS:
        for window in windows:
            for after in (True, False):
                marked = ss.MARK + window if after else window + ss.MARK
                mark = 0 if after else len(window)
                with_prefilters = ss._rule_cues(marked, mark, rules, after)
                unfiltered = []
                for label, at_mark, pattern, _ in ss._rules(rules):
                    if at_mark != after:
                        continue
                    match = pattern.match(marked, mark) if at_mark else pattern.search(marked, max(0, mark - ss.BEFORE_REACH), mark + 1)
                    if match is not None:
                        unfiltered.append(label)
                assert sorted(label for *_, label in with_prefilters) == sorted(unfiltered), (rules, window)


# --- whole abstracts through the whole pipeline (cases/sample_size_abstracts.jsonl) ----------
# Short abstracts and registry entries written for the classes GOLD.md's rules cover: CONSORT
# flows (screened -> randomized -> analysed), per-arm counts only, equal groups, planned targets,
# several studies or phases, units other than people, cluster trials, and numbers that are no
# counts in context (ages, durations, doses, outcome counts, years, centres, earlier studies).
# Each row: the document total and the multiset of (value, role) mentions.
ABSTRACTS = load_cases("sample_size_abstracts.jsonl")


@pytest.mark.parametrize("case", ABSTRACTS, ids=[f"{c['id']} {c['class']}" for c in ABSTRACTS])
def test_abstract_through_the_pipeline(case):
    from collections import Counter

    import trialfacts

    record = trialfacts.extract(case["text"])
    got = Counter((m.value, m.role) for m in record.sample_sizes)
    assert (record.sample_size, got) == (case["total"], Counter(tuple(m) for m in case["mentions"]))


# --- the classes the abstract table found (each with wordings of its own) --------------------
@pytest.mark.parametrize("text,expected", [
    # a verb before takes the count as its object; its relative clause describes the group
    ("This pilot study enrolled 15 patients who received six infusions.", [(15, "enrolled")]),
    ("The analysis included 88 patients who had been randomized.", [(88, "analyzed")]),
    ("We treated 12 patients who had relapsed.", [(12, "arm")]),
    ("We enrolled 40 patients in the intervention group.", [(40, "arm")]),
    # registry fields, targets and the future tense
    ("Enrollment: 120 (Anticipated)", [(120, "enrolled")]),
    ("Actual Enrollment: 48 participants", [(48, "enrolled")]),
    ("Target sample size: 80.", [(80, "enrolled")]),
    ("As planned, 120 patients were enrolled.", [(120, "enrolled")]),
    # numbers that are not counts no longer cut a count off from its verb
    ("Ninety-six children aged 6 to 12 years were randomly assigned.", [(96, "randomized")]),
    # a group's place yields to what the group did, and to its result
    ("Eight patients in the surgery group and eight in the control group were lost to follow-up.",
     [(8, "withdrawn"), (8, "withdrawn")]),
    ("Two patients in the valve group required further surgery.", []),
    ("At 1 year, 13 adults in the exercise arm and 7 in the control arm had reached remission.", []),
    # a result's coordinated counts report it too
    ("Twelve patients had nausea and 4 patients vomited.", []),
    ("Nonunion occurred in 1 patient after plating and 7 patients after casting.", []),
    ("Infection developed in 3 infants receiving probiotics and 11 receiving placebo.", []),
    ("Pain resolved in 14 patients and 6 patients withdrew.", [(6, "withdrawn")]),
    # bare counts: a verb's object, a group named by "with", "per group", "for analysis"
    ("Fifty patients were divided into two groups of 25.", [(50, "enrolled"), (25, "arm")]),
    ("We screened 900 women; 212 with anaemia were randomized.", [(900, "screened"), (212, "randomized")]),
    ("We randomized 300 (150 per arm).", [(300, "randomized"), (150, "arm")]),
    ("Six were excluded, leaving 124 for analysis.", [(6, "withdrawn"), (124, "analyzed")]),
    ("In total, 164 were randomly assigned: 82 to yoga and 82 to the waiting list.",
     [(164, "randomized"), (82, "arm"), (82, "arm")]),
    # a part with its own noun after "of the" that entered
    ("Of 60 eligible children, 45 of the children were randomized.", [(60, "screened"), (45, "randomized")]),
    # counts of other studies are no mentions
    ("A previous trial in 500 patients was positive.", []),
    ("Earlier meta-analyses pooling 14 trials and 4,860 participants were inconclusive.", []),
    ("Patients without previous treatment entered this study of 40 patients.", [(40, "enrolled")]),
    ("A retrospective review of 120 patients was performed.", [(120, "enrolled")]),
    # units randomized as the object of the verb
    ("We randomized 320 febrile episodes in 164 children.", [(320, "randomized"), (164, "enrolled")]),
    # compounds of participant nouns
    ("In total, 2 048 schoolchildren and 40 ex-smokers took part.", [(2048, "enrolled"), (40, "enrolled")]),
])
def test_abstract_classes(text, expected):
    assert sorted(found(text)) == sorted(expected)


@pytest.mark.parametrize("text,expected", [
    # one count for every group, times the groups named or the treatments assigned
    ("Adults were randomly assigned to training or stretching (n = 30 per group).", 60),
    ("Patients were randomized to A, B or C, with 20 patients in each group.", 60),
    ("Volunteers were enrolled in three sequential dose cohorts of 12 participants each.", 36),
    ("Patients were assigned to 3 groups (n = 20 each).", 60),
    # the first count a document gives is the population; a stray later count does not add
    ("Sixty patients received ondansetron. Twelve patients had nausea and 4 patients vomited.", 60),
    # a planned denominator: the part is the actual count
    ("The trial stopped after 87 of the planned 300 patients had been enrolled.", 87),
    # the pool that was assessed is not the total
    ("In all, 1,000 patients were assessed; 640 met the inclusion criteria.", 640),
])
def test_abstract_class_totals(text, expected):
    assert total(text) == expected


# --- a fresh challenge table (cases/sample_size_fresh.jsonl), written before the rules below -----
# Short abstracts and registry entries in many journals' styles; each row only the total. Rows
# r001-r060 were written by a reviewer in December 2026 and scored before the rules they led to
# (50 of 60 right on that first look). Rows s001-s050 were written by another reviewer at the end
# of that round, harder on purpose, and scored without any rule written from them: 38 of 50
# right; the 12 misses are kept as known misses, the next round's first look.
FRESH = load_cases("sample_size_fresh.jsonl")


# Rows marked "known_miss" are classes no rule covers yet; they stay in the table as a record.
@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.xfail(strict=True)) if c.get("known_miss") else c
                                  for c in FRESH], ids=[f"{c['id']} {c['class']}" for c in FRESH])
def test_fresh_abstract_total(case):
    import trialfacts

    assert trialfacts.extract(case["text"]).sample_size == case["total"]


# --- the classes the fresh table and the work split found ------------------------------------
@pytest.mark.parametrize("text,expected", [
    # equal groups count every group, whatever tier the count is read in
    ("Two panels of 30 office workers were asked to use the gel or its vehicle.", 60),
    ("Three series of 12 patients were enrolled at three dose levels.", 36),
    ("Two groups were compared; 25 patients were enrolled.", 25),
    # a count of every group beside the population's count is one group's size
    ("Eighteen patients were enrolled across three dose levels, with 6 patients per cohort.", 18),
    ("Thirty children were recruited, 15 per group.", 30),
    ("Adults with gout were randomized to febuxostat or allopurinol (n = 45 per group).", 90),
    ("Mice (n = 8/group) were given saline or the antibody in two groups.", 16),
    # the groups named after "each"
    ("We will recruit 600 patients each for the prevention and treatment trials.", 1200),
    ("We enrolled 25 infants each in the zinc, iron and placebo arms.", 75),
    ("We will recruit 600 patients each year.", 600),
    # a crossover's sequences are its groups
    ("Volunteers were randomized to one of two sequences (n = 11 per sequence).", 22),
])
def test_groups_a_count_stands_for(text, expected):
    assert total(text) == expected


@pytest.mark.parametrize("text,expected", [
    # groups named apart keep their equal counts, sentence by sentence
    ("Group A (n=25): saline. Group B (n=25): magnesium. Group C (n=25): lidocaine.", 75),
    ("Group I (n = 40) received clonidine. Group II (n = 40) received midazolam.", 80),
    # the same group named again is counted once
    ("Patients were randomized to drug (n = 40) or placebo (n = 40). In the drug group (n = 40), pain fell.", 80),
    ("The control group (n = 20) received water. Weight fell in the control group (n = 20) too.", 20),
])
def test_equal_counts_of_groups_named_apart(text, expected):
    assert total(text) == expected


@pytest.mark.parametrize("text,expected", [
    # a numbered statement's number before a spelled-out count
    ("1 Twenty patients with angina completed a crossover comparison.", [(20, "completed")]),
    ("3 Forty-one healthy volunteers took part.", [(41, "enrolled")]),
    ("We enrolled 30 two-year-old children.", [(30, "enrolled")]),
    # abbreviated and joined heads
    ("Methods: 58 pts with relapsed myeloma were treated with the combination.", [(58, "arm")]),
    ("We recruited 90 otherwise healthy but overweight adult volunteers.", [(90, "enrolled")]),
    # "with relapsed ..." describes the disease; "relapsed" as the verb is a result
    ("Seventy patients with relapsed lymphoma received rituximab.", [(70, "arm")]),
    ("Forty patients with relapsed/refractory leukaemia were enrolled.", [(40, "enrolled")]),
    ("Twelve patients relapsed within a year.", []),
    ("Of these, 12 patients with high-risk disease relapsed.", []),
    # the authors' own earlier report
    ("We previously reported on 30 patients treated with this regimen.", []),
    ("It has previously been shown in 24 volunteers that the drug is safe.", []),
    ("Patients previously treated with methotrexate (n = 40) were randomized.", [(40, "randomized")]),
    # registry fields in square brackets and "the number of patients was"
    ("Enrollment: 64 [Actual]", [(64, "enrolled")]),
    ("The total number of participants was 212.", [(212, "enrolled")]),
    ("The number of patients with nausea was 12.", []),
])
def test_fresh_surface_classes(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text,expected", [
    # a verb left out: the second count is an arm like the first
    ("Colchicine was given to 199 patients and naproxen to 200 patients.", 399),
    ("Ketamine was given to 20 adults, and saline to 22 adults.", 42),
    ("Drug A was given to 30 patients and 30 patients were enrolled later.", 30),
    # a group placed in a cohort, and the parallel count beside it
    ("Overall, 31 patients were recruited into the first cohort and 29 into the second cohort.", 60),
    # counts after "into two groups:" are the groups
    ("Patients were randomized into two groups: 10 patients, including 3 severe cases, received A; "
     "12 patients, including 5 severe cases, received B.", 22),
    ("Sixty patients were randomized into two groups: 30 patients received A and 30 received B.", 60),
    # a later sentence's "a sample of" describes a part of the population stated first
    ("A total of 107 pupils consented. There was a sample of 50 pupils in three comparison schools.", 107),
    # a sentence that opens a further experiment or part adds its population
    ("In experiment 1, 24 healthy subjects inhaled methacholine. In experiment 2, 16 asthmatic subjects repeated it.", 40),
    ("We enrolled 50 patients. In the second phase, 12 patients relapsed.", 50),
    ("We enrolled 50 patients. In study 2, most of the 30 women improved.", 50),
    # a participle after the pool's noun says the pool was enrolled
    ("Treatment was received by 820 of 919 patients enrolled; 352 patients received consolidation.", 919),
    ("In all, 120 of 150 eligible patients were enrolled.", 120),
])
def test_fresh_total_classes(text, expected):
    assert total(text) == expected


@pytest.mark.parametrize("text,expected", [
    # a count with no cue, then "of whom" a part that entered: the count is the pool
    ("In 2019, 610 men attended the clinic, of whom 320 were eligible. Of these, 290 consented and were randomized.", 290),
    ("We approached 150 carers, of whom 98 were enrolled.", 98),
    # a pool with its own enrolment cue stays the population (GOLD.md: enrolled first)
    ("We enrolled 45 patients in a run-in phase, of whom 30 were randomized.", 45),
    # a later "the N ..." in the population's tier points back to a group already counted
    ("In this analysis of a trial of 4,200 participants, we examined the 1,150 participants with diabetes.", 4200),
    ("Among the 12 patients in the first trial and the 14 patients in the second trial, none died.", 26),
    # the verb before the first count takes the coordinated counts as objects too
    ("We randomly assigned 310 women with asthma and 295 women with COPD to the app or usual care.", 605),
    ("We enrolled 40 patients with gout and 20 healthy controls.", 60),
    ("We randomized 300 patients with asthma and 20 patients withdrew.", 300),
])
def test_pools_back_references_and_shared_objects(text, expected):
    assert total(text) == expected


@pytest.mark.parametrize("text,expected", [
    # a spelled count echoed in digits is one count
    ("Twenty-eight (28) outpatients were randomized.", [(28, "randomized")]),
    ("Two hundred and ten (210) women took part.", [(210, "enrolled")]),
    ("Nine (9) were excluded.", [(9, "withdrawn")]),
    # a percentage or another number in the bracket is no echo
    ("Twelve (15%) patients had nausea.", []),
])
def test_spelled_count_echoed_in_digits(text, expected):
    assert found(text) == expected


# --- counts outside the study: background sections, facts about the disease, future studies ---
@pytest.mark.parametrize("text,expected", [
    ("BACKGROUND: Gout affects 8 million adults, and 1 of 4 cases recur within a year. METHODS: We enrolled 90 men.", 90),
    ("Background: A trial of 600 children was negative. Objective: To test zinc. Design: 120 children were randomized.", 120),
    # a sentence in the background that speaks of this study keeps its count
    ("BACKGROUND: Trials are scarce; this trial enrolled 75 adults. METHODS: Adults received drug or placebo.", 75),
    # results straight after the background: the methods stood in it, unheaded
    ("BACKGROUND: Asthma is common. Eighty children were randomized to A or B. RESULTS: Symptoms fell.", 80),
    # without a header of the study's own parts the abstract is not read as sectioned
    ("Background: Ninety patients were enrolled. Conclusions: The drug was safe.", 90),
])
def test_background_sections(text, expected):
    assert total(text) == expected


@pytest.mark.parametrize("text,expected", [
    # a fraction in the present tense is a fact about the disease
    ("About 1 of 5 women develop anaemia in pregnancy.", []),
    ("Two of 3 cases occur in children.", []),
    # results are in the past (or the present perfect)
    ("Healing occurred in 18 of 24 patients given the dressing.", [(24, "arm")]),
    ("Relapse: 25 of 48 control patients have had a recurrence.", [(48, "arm")]),
    # studies the document calls for
    ("Larger trials in 500 patients are needed.", []),
    ("Future studies with at least 200 children should confirm this.", []),
    ("This multicentre trial of 320 patients was stopped early.", [(320, "enrolled")]),
    # a sex breakdown in brackets counts where its group is not counted in the same sentence
    ("In earlier work, 40 patients responded. Students (30 women and 25 men) took part.",
     [(30, "enrolled"), (25, "enrolled")]),
])
def test_counts_outside_the_study(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text,expected", [
    # a result's agent: "reported by", "achieved by"
    ("Nausea was reported by 7 patients in the active group and 2 in the control group.", []),
    ("Remission was achieved by 12 children.", []),
    ("The questionnaire was completed by 120 participants.", [(120, "completed")]),
    # an n with a noun that is not people
    ("The trial had co-primary end points (n = 3 outcomes).", []),
    ("Hospitals (n = 12 centres) took part.", []),
    ("Children (n = 45 infants) were enrolled.", [(45, "enrolled")]),
])
def test_results_agents_and_ns_of_other_things(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text,expected", [
    # a subgroup a result is read in is written out as analysed and never adds to the total
    ("Women were randomized to drug (n = 40) or placebo (n = 40). Among responders (n = 31), relapse was rare.", 80),
    ("A total of 500 adults were randomized. RESULTS: In the subgroup with diabetes (n = 120), benefit was larger.", 500),
    ("Drug A was given to 50 children and drug B to 48 children. Children with eczema (n = 20) had more rashes.", 98),
    # a subgroup count is no actual count beside a target
    ("The trial will recruit 350 adults. Among those with diabetes (n = 34), adherence was high.", 350),
    # groups coordinated after the verb stay groups
    ("Kinetics were studied in healthy volunteers (n = 12) and in patients with renal impairment (n = 9).", 21),
])
def test_subgroups_never_add(text, expected):
    assert total(text) == expected


def test_subgroup_mentions_are_analysed():
    assert found("Among responders (n = 34), relapse was rare.") == [(34, "analyzed")]
    assert found("Patients with diabetes (n = 45) had a larger benefit.") == [(45, "analyzed")]
    assert found("Patients with asthma (n = 60) received budesonide.") == [(60, "arm")]


@pytest.mark.parametrize("text,expected", [
    # the study's staff at work
    ("Two radiologists independently reviewed the scans.", []),
    ("Three blinded assessors rated all videos.", []),
    # people in a profession who are the participants stay counts
    ("Forty nurses rated their stress before and after the course.", [(40, "enrolled")]),
    ("Twenty nurses were randomized to training or control.", [(20, "randomized")]),
])
def test_staff_at_work(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text,expected", [
    # chosen at random is a sample drawn, not an allocation: enrolled
    ("From the registry, 200 women were randomly selected and interviewed.", [(200, "enrolled")]),
    ("The records of 26 patients and 33 randomly selected, matched controls were reviewed.", [(26, "enrolled"), (33, "enrolled")]),
    ("Sixty patients were randomly allocated to A or B.", [(60, "randomized")]),
])
def test_random_selection_is_enrolment(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text,expected", [
    # coordinated denominators share the head noun of the last one
    ("Rash occurred in 12 (14%) of 85 ibuprofen and 3 (4%) of 80 placebo recipients.", [(85, "arm"), (80, "arm")]),
    ("Cure was seen in 9 of 30 laser and 4 of 28 sham patients.", [(30, "arm"), (28, "arm")]),
    # a unit between is its own noun
    ("Pain stopped in 4 of 6 weeks and in 2 of 8 patients.", [(8, "arm")]),
])
def test_coordinated_denominators_share_a_head(text, expected):
    assert found(text) == expected


def test_match_tests_with_prefilters_find_what_every_rule_finds(devset):
    """_matches runs some before-rules alone behind a literal prefilter (the rest as one
    alternation): around every number of the dev texts it answers as the rules searched one
    by one do."""
    from trialfacts.extractors import sample_size_cues as ss
    from trialfacts.reading.clean import Cleaner
    from trialfacts.resources import load_rules

    rules = load_rules("sample_size_roles.jsonl")
    cleaner = Cleaner()
    for path in sorted((devset / "corpus").glob("*.txt")):
        text = cleaner(path.read_text(encoding="utf-8")).text
        for number in ss._numbers(text):
            before = text[max(0, number.start() - ss.BEFORE_WINDOW): number.start()].replace(ss.MARK, " ")
            for label in ("not_count", "outcome", "not_people"):
                searched = any(rule.compiled().search(before + ss.MARK) for rule in rules
                               if rule.label == label and not rule.pattern.startswith(ss.MARK))
                assert ss._matches(label, before, None) == searched, (label, before)


@pytest.mark.parametrize("text", ["Fifty patients were randomized. 25 received A; 25 received B.",
                                  "No sentence end here", "", "One.\nTwo. (Three) RESULTS.METHODS"])
def test_sentences_are_split_once_and_cannot_be_changed(text):
    from trialfacts.extractors import sample_size_cues as ss

    spans = ss.sentence_spans(text)
    assert isinstance(spans, tuple)
    assert ss.sentence_spans(text) is spans
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))


def test_building_the_component_compiles_its_rules():
    """The rules are compiled with the pipeline, not by the first document."""
    import spacy

    from trialfacts.extractors import sample_size_cues as ss

    ss._match_tests.cache_clear()
    ss._side_rules.cache_clear()
    spacy.blank("en").add_pipe("trialfacts_sample_size")
    assert ss._match_tests.cache_info().currsize == 3
    assert ss._side_rules.cache_info().currsize == 2 * len(ss.RULE_SETS)


@pytest.mark.parametrize("text,expected_total,expected_mentions", [
    # A group named by its label ("group 1", "arm B", "group II") places a count as surely as a
    # group named by its treatment; the counts coordinated with it are the other groups.
    ("A total of 52 children were included in group 1, 49 in group 2.", 101, [(52, "arm"), (49, "arm")]),
    ("Thirty women were enrolled into arm B and 28 into arm C.", 58, [(30, "arm"), (28, "arm")]),
    ("We included 80 patients in group I and 75 in group II.", 155, [(80, "arm"), (75, "arm")]),
    # Negatives: a choice of groups, or the study itself, places no count in one group.
    ("Sixty patients were enrolled in group A or B at random.", 60, [(60, "enrolled")]),
    ("Sixty patients were enrolled in group 1 or 2.", 60, [(60, "enrolled")]),
    ("120 patients were included in the study.", 120, [(120, "enrolled")]),
])
def test_a_count_placed_in_a_group_named_by_its_label(text, expected_total, expected_mentions):
    assert found(text) == expected_mentions
    assert total(text) == expected_total


@pytest.mark.parametrize("text,expected_total,expected_mentions", [
    # A survey's addressees were asked; its respondents are the study population.
    ("The questionnaire was sent to 412 physicians, of whom 260 responded to the survey.", 260,
     [(412, "screened"), (260, "analyzed")]),
    ("The survey was distributed to more than 300 midwives, of whom 225 submitted complete responses.", 225,
     [(300, "screened"), (225, "analyzed")]),
    ("A questionnaire was mailed to 500 parents; 320 returned the questionnaire.", 320,
     [(500, "screened"), (320, "analyzed")]),
    # Negatives: "responded" to a treatment is a result; a diary returned is no survey's reply.
    ("60 patients were randomized. 12 patients responded to treatment.", 60, [(60, "randomized")]),
    ("Forty patients were enrolled and 38 returned the diary.", 40, [(40, "enrolled"), (38, "completed")]),
    ("The drug was distributed to 40 villages.", None, []),
])
def test_a_surveys_addressees_and_respondents(text, expected_total, expected_mentions):
    assert found(text) == expected_mentions
    assert total(text) == expected_total


@pytest.mark.parametrize("text,expected", [
    # "either" and "both" name every group: the count is of those randomized, not of one arm.
    ("120 patients were randomized to either group.", [(120, "randomized")]),
    ("Ninety adults were randomly assigned to either arm.", [(90, "randomized")]),
    ("Forty-four children were randomized to both study arms in turn.", [(44, "randomized")]),
    # Negatives: one group named.
    ("60 patients were randomized to the placebo group.", [(60, "arm")]),
    ("31 were allocated to the exercise arm.", [(31, "arm")]),
])
def test_randomized_to_either_group_is_no_arm(text, expected):
    assert found(text) == expected


# Equal groups of any number up to twelve: the count stands for each of them.
@pytest.mark.parametrize("text,expected_total", [
    ("Rats were divided into seven groups of 30 animals each.", 210),
    ("Ten groups of 12 mice each were treated.", 120),
    ("Volunteers were randomized into 8 groups of 25 participants each.", 200),
    ("We randomized 134 patients into two groups; 67 patients in each group.", 134),
    ("We studied 67 patients in each of the two groups.", 134),
    ("Forty women in each of the three study arms were followed.", 120),
    # Negatives: a count with no groups multiplied, and a number that is not one of groups.
    ("Seven patients were enrolled in 30 centres.", 7),
    ("Patients came from seven groups of practices; 30 were enrolled.", 30),
])
def test_equal_groups_multiply_the_count(text, expected_total):
    assert total(text) == expected_total


# "9/20 patients": a fraction whose whole carries a participant noun; its whole is a group's count.
@pytest.mark.parametrize("text,expected", [
    ("Symptoms improved in 11/24 patients on the active drug.", [(24, "arm")]),
    ("Relapse was seen in 3/17 children given the vaccine and 9/18 children given saline.",
     [(17, "arm"), (18, "arm")]),
    # Negatives: a part larger than the whole, cases of the outcome, a pressure, a date.
    ("Symptoms improved in 30/24 patients.", []),
    ("Three infections were proven, and 2/3 cases were fatal.", []),
    ("Pressure fell from 140/90 mmHg in patients.", []),
    ("Visits on 12/30/2020 were cancelled for patients.", []),
])
def test_fraction_wholes_with_a_participant_noun(text, expected):
    assert found(text) == expected


# "each" before an n makes it the count of every group, as "(n = 25 each)" does after it.
@pytest.mark.parametrize("text,expected_total", [
    ("The 2 groups (each n = 25) were compared.", 50),
    ("Patients were randomized to drug or placebo (each n=40).", 80),
    ("Three arms (per arm: n = 20) were run.", 60),
    ("Patients in each arm (n = 20) were followed in two arms.", 40),
    # Negatives: "each" says something of one person, or stands too far from the n.
    ("Each patient (n = 20) was followed.", 20),
    ("Each visit lasted an hour; in total (n = 20) were randomized to drug or placebo.", 20),
])
def test_each_before_an_n(text, expected_total):
    assert total(text) == expected_total


# A per-group count in the bracket after a count stands for as many groups as fit in it.
@pytest.mark.parametrize("text,expected_total", [
    ("A total of 502 patients (251 in each group) were included in the intention-to-treat analysis.", 502),
    ("We analysed 300 patients (100 per arm).", 300),
    ("In all, 90 adults (30 per group) completed the study.", 90),
    # Negative: the bracket of a pool the trial's count was drawn from.
    ("Of 500 patients screened (250 per site), 120 were randomized.", 120),
])
def test_each_count_in_the_bracket_of_a_whole(text, expected_total):
    assert total(text) == expected_total


# "N of them were enrolled": the count before is the pool the trial drew from.
@pytest.mark.parametrize("text,expected", [
    ("In 2019, 3,500 patients were admitted to our unit, and 150 of them were enrolled in the trial.",
     [(3500, "screened"), (150, "enrolled")]),
    ("A total of 1,020 children attended the clinics; 310 of these were enrolled.",
     [(1020, "screened"), (310, "enrolled")]),
    # Negatives: a part randomized or withdrawn from the enrolled group leaves it the total.
    ("We enrolled 200 patients, and 150 of them were randomized.", [(200, "enrolled"), (150, "randomized")]),
    ("We studied 90 patients; 30 of them were excluded.", [(90, "enrolled"), (30, "withdrawn")]),
    ("We recruited 120 patients, 60 of whom had diabetes.", [(120, "enrolled")]),
])
def test_a_part_of_them_enrolled_makes_the_whole_a_pool(text, expected):
    assert found(text) == expected


def test_a_cue_before_a_part_of_whom_is_the_wholes():
    text = "Follow-up was available for 13 194 women, 1048 of whom had prior heart disease."
    assert found(text) == [(13194, "analyzed")]


# The same groups counted again later (a time point, an assessment) are not further groups.
@pytest.mark.parametrize("text,expected_total", [
    ("Patients were randomized to drug (n = 40) or placebo (n = 40). At 6 months, 36 patients in the "
     "drug group and 35 in the placebo group were assessed.", 80),
    ("Group A (n = 30) and group B (n = 31) were compared. After 12 weeks, group A (n = 27) and "
     "group B (n = 29) were analysed.", 61),
    # Negatives: other groups (another centre), and more groups than before.
    ("In centre A, 20 patients received drug and 20 received placebo. In centre B, 15 patients "
     "received drug and 15 received placebo.", 70),
    ("Group A (n = 30) and group B (n = 31) were compared. At 12 weeks, group C (n = 12), group D "
     "(n = 11) and group E (n = 10) were added.", 94),
])
def test_groups_counted_again_at_follow_up(text, expected_total):
    assert total(text) == expected_total


# A further group named with its verb left out ("and the control group 57"): that group's count.
@pytest.mark.parametrize("text,expected", [
    ("The intervention group comprised 55 patients and the control group 57 patients.", [(55, "arm"), (57, "arm")]),
    ("The intervention group consisted of 55 patients, the control group of 57.", [(55, "arm"), (57, "arm")]),
    ("Group A included 20 patients, group B 21 patients and group C 19 patients.",
     [(20, "arm"), (21, "arm"), (19, "arm")]),
    ("The intervention arm enrolled 64 patients and the control arm 66.", [(64, "arm"), (66, "arm")]),
    # Negatives: a time after the group's name is no count.
    ("Pain fell in the drug group, and the placebo group 3 days later.", []),
    ("The control group 12 weeks after surgery showed no change.", []),
])
def test_a_further_group_with_its_verb_left_out(text, expected):
    assert found(text) == expected


# The number of groups a per-group count stands for, where its own sentence does not say it.
@pytest.mark.parametrize("text,expected_total", [
    ("We compared a heparin given under the skin with one given by infusion in two groups of adults. "
     "Results were clear. There were 67 patients in each group.", 134),
    ("There were 40 patients in each arm.", 80),          # "each arm": two, the common design
    ("Rats were divided into control and treated groups (n = 8 per group).", 16),
    ("The vaccine and placebo groups comprised 150 infants each.", 300),
    ("The low-dose, high-dose and placebo arms had 40 patients each.", 120),
    # Negative: "each" of the people, not of groups.
    ("Twenty patients each received both drugs in random order.", 20),
])
def test_groups_a_per_group_count_stands_for(text, expected_total):
    assert total(text) == expected_total


# An n after a time point counts whom that time point measured: the same people each time.
@pytest.mark.parametrize("text,expected_total", [
    ("Ferritin was measured in the infants at 6 months (n = 71) and again at 12 months (n = 68).", 71),
    ("Participants were assessed at entry (n = 45), 3 months (n = 41) and 6 months (n = 39).", 45),
    ("Folate was assessed in lactating women at 4- (n = 53) and 16-wk postpartum (n = 55).", 55),
    ("We enrolled 80 women. Outcomes were measured at 6 months (n = 71) and at 12 months (n = 68).", 80),
    # Negatives: durations that name the groups, and groups named apart.
    ("Patients treated for 6 months (n = 20) or 12 months (n = 22) were compared.", 42),
    ("Patients were randomized to drug (n = 40) or placebo (n = 38).", 78),
])
def test_n_at_time_points_counts_the_same_people(text, expected_total):
    assert total(text) == expected_total


# People the study adds after its population ("a separate group of 37 women", "30 additional
# patients") add to the total, whichever count states the population.
@pytest.mark.parametrize("text,expected_total", [
    ("We randomized 559 women to two schedules. To explore this, dose distributions were assessed in "
     "a separate group of 37 women in whom CT images were available.", 596),
    ("We enrolled 200 patients. For pharmacokinetics, 30 additional patients were recruited.", 230),
    ("Forty adults were randomized. An independent sample of 25 adults then rated the videos.", 65),
    ("The score was then tested in a separate cohort of 120 patients.", 120),
    # Negatives: parts of the population, and people who left it.
    ("We enrolled 559 women. A subgroup of 37 of these women underwent CT.", 559),
    ("We enrolled 50 patients; 12 further patients withdrew.", 50),
])
def test_people_added_after_the_population(text, expected_total):
    assert total(text) == expected_total


# The whole of "N of the M patients completing 12 months" is those who completed, not a group.
@pytest.mark.parametrize("text,expected_total", [
    ("Sixty-nine patients received interferon. Forty-seven of the 61 patients completing the intended "
     "12 or more months of therapy had a response.", 69),
    ("Sixty patients were randomized; 40 of the 52 patients completing the trial improved.", 60),
    ("Eighty women were given iron. Anaemia resolved in 30 of the 70 women who completed follow-up.", 80),
    # Negative: completing an arm's treatment still names that arm.
    ("Response occurred in 9 of 20 patients completing treatment and in 4 of 21 given placebo.", 41),
])
def test_a_whole_that_completed_is_no_further_group(text, expected_total):
    assert total(text) == expected_total


# A pool reviewed, identified or checked, then the part that entered, in one sentence.
@pytest.mark.parametrize("text,expected_total", [
    ("Medical records of 420 patients were reviewed, and 96 patients fulfilled the criteria and were enrolled.", 96),
    ("In all, 310 smokers were identified; 150 agreed and were randomized.", 150),
    ("Charts of 75 children were checked, and 40 were enrolled.", 40),
    # Negative: a count reviewed after the trial's own count is no pool.
    ("We enrolled 60 patients, and their records were reviewed at 6 months.", 60),
])
def test_a_pool_reviewed_then_the_part_that_entered(text, expected_total):
    assert total(text) == expected_total


# A finding first, then what became of the group: the group's role is the second.
@pytest.mark.parametrize("text,expected", [
    ("Of 1,024 women screened for gestational diabetes, 98 tested positive and were randomized.",
     [(1024, "screened"), (98, "randomized")]),
    ("Of 300 screened, 120 women had anaemia and were randomly assigned to iron or placebo.",
     [(300, "screened"), (120, "randomized")]),
    ("Of 500 children tested, 60 had malaria and were enrolled.", [(500, "screened"), (60, "enrolled")]),
    ("We enrolled 80 patients; 6 developed a rash and were withdrawn.", [(80, "enrolled"), (6, "withdrawn")]),
    # Negatives: the finding is the result, and what follows is a treatment of it.
    ("Twelve patients had nausea and were treated with ondansetron.", []),
    ("Nine patients developed fever and were given paracetamol.", []),
])
def test_a_finding_then_what_became_of_the_group(text, expected):
    assert found(text) == expected


# Near-misses of this round's rules, written by a reviewer: each total must stay as GOLD.md reads it.
@pytest.mark.parametrize("text,expected_total", [
    # a number before a bracket that is no count of people gives no number of groups
    ("Rats were fed the diet for 60 days (n = 10 per group).", 20),
    ("Volunteers received 40 mg once daily (n = 10 per group).", 20),
    # a time point needs its unit, and groups formed by time, birth or age are groups
    ("Blood pressure was lower in patients on 3 (n = 12) than on 2 (n = 20) antihypertensive drugs.", 32),
    ("Patients were randomized to start feeding at day 1 (n = 45) or at day 3 (n = 44).", 89),
    ("Infants born at 28 weeks (n = 30) and at 32 weeks (n = 35) of gestation were studied.", 65),
    ("We studied children aged 6 years (n = 40) and 8 years (n = 42).", 82),
    # a part of the trial's own population is no pool's part
    ("Ninety patients were enrolled in the trial, and 45 of them were also enrolled in the imaging substudy.", 90),
    ("A total of 200 patients were randomized, and 60 of them were enrolled in the pharmacokinetic substudy.", 200),
    ("Of the 150 enrolled patients, 120 of them were enrolled at the main site.", 150),
    # "included in the analysis" after a finding is the analysed part
    ("A total of 60 patients were randomized. Forty had complete data and were included in the analysis.", 60),
    # "a second group", "further patients" with a result: arms and results, not more people
    ("Forty patients were randomized. The first group of 20 patients received drug A, and a second "
     "group of 20 patients received placebo.", 40),
    ("A total of 120 patients were randomized. In the placebo group, 5 further patients had a relapse by week 12.", 120),
    ("A total of 80 patients were randomized. Six additional patients experienced nausea after the second dose.", 80),
    # another trial's groups are not the first trial's groups at follow-up
    ("In study 1, 40 patients received drug and 40 received placebo. In a second, independent trial, 30 "
     "patients received drug and 30 received placebo and were followed up for 12 months.", 140),
    # the groups named in an earlier sentence, not the default of two
    ("Patients were randomized to low-dose, medium-dose or high-dose aspirin. There were 50 patients in each group.", 150),
    ("Patients received ketamine, midazolam or saline. There were 20 patients in each group.", 60),
    ("We performed a single-arm study; 25 patients in each dose cohort were treated.", 25),
])
def test_near_misses_of_this_rounds_rules(text, expected_total):
    assert total(text) == expected_total



# An n in the bracket right after a count breaks that count down into its groups: each n is an
# arm, and the verb after the bracket is said of the whole (the semicolon between the groups
# ends no clause). Negatives: an n after a group's or a treatment's name keeps its own reading.
@pytest.mark.parametrize("text,expected,expected_total", [
    ("A total of 120 participants (n = 58, intervention; n = 62, control) were randomized.",
     [(120, "randomized"), (58, "arm"), (62, "arm")], 120),
    ("Overall 90 smokers (varenicline, n = 44; counselling, n = 46) were randomised.",
     [(90, "randomized"), (44, "arm"), (46, "arm")], 90),
    ("In all, 75 women were enrolled (n = 40, yoga; n = 35, waiting list).",
     [(75, "enrolled"), (40, "arm"), (35, "arm")], 75),
    # negatives: no count before the bracket, or the bracket follows a treatment, not the count
    ("Adult outpatients with asthma (N = 204) were randomly assigned to drug or placebo.",
     [(204, "randomized")], 204),
    ("Children were given zinc (n = 30; 10 mg daily) or placebo (n = 31; syrup).",
     [(30, "arm"), (31, "arm")], 61),
])
def test_ns_breaking_down_a_count(text, expected, expected_total):
    assert found(text) == expected
    assert total(text) == expected_total


# A count that repeats the verb of the count before it names a second group beside it, and both
# are the study's groups. Negatives: results coordinated the same way, and a different verb.
@pytest.mark.parametrize("text,expected,expected_total", [
    ("Fifty-two patients underwent laser ablation and 47 underwent surgical stripping.",
     [(52, "arm"), (47, "arm")], 99),
    ("Overall 18 volunteers received the nasal spray and 17 received the tablet.",
     [(18, "arm"), (17, "arm")], 35),
    ("We enrolled 80 patients: 40 patients underwent surgery and 40 underwent stenting.",
     [(80, "enrolled"), (40, "arm"), (40, "arm")], 80),
    # negatives
    ("Twelve patients developed nausea and 4 developed vomiting.", [], None),
    ("Fifty-two patients underwent laser ablation and 47 had a relapse.", [(52, "enrolled")], 52),
])
def test_a_count_repeating_the_verb_of_the_one_before(text, expected, expected_total):
    assert found(text) == expected
    assert total(text) == expected_total


# "N were enrolled in <group> and M in <group>": the first count is placed in a group by its own
# verb, so both are the groups' counts and add up. Negatives: a place that is no group, and a
# total stated beside them.
@pytest.mark.parametrize("text,expected,expected_total", [
    ("In the trial period 310 mothers were recruited in the intervention clinics and 295 in the control clinics.",
     [(310, "arm"), (295, "arm")], 605),
    ("Forty-four workers were enrolled in the coaching arm and 41 in the usual-care arm.",
     [(44, "arm"), (41, "arm")], 85),
    ("A total of 85 workers were enrolled: 44 workers were enrolled in the coaching arm and 41 in the usual-care arm.",
     [(85, "enrolled"), (44, "arm"), (41, "arm")], 85),
    # negative: "in the study" places no one in a group
    ("We enrolled 90 patients in the study and 40 in the registry.", [(90, "enrolled")], 90),
])
def test_counts_placed_in_groups_by_their_verb(text, expected, expected_total):
    assert found(text) == expected
    assert total(text) == expected_total


# "Each group comprised N": every group is the subject, so the count is each group's and the
# total is the whole, or as many groups as were formed. Negative: "each patient" is no group.
@pytest.mark.parametrize("text,expected,expected_total", [
    ("Ninety adults were randomized to yoga, walking or rest; every arm consisted of 30 adults.",
     [(90, "randomized"), (30, "arm")], 90),
    ("Volunteers were allocated to three groups. Each group was composed of 12 volunteers.",
     [(12, "arm")], 36),
    ("Each cohort comprised 8 healthy men.", [(8, "arm")], 8),
    # negative
    ("Each patient received 30 tablets.", [], None),
])
def test_each_group_as_subject_counts_every_group(text, expected, expected_total):
    assert found(text) == expected
    assert total(text) == expected_total


# Further people treated in a part of the study that opens in their sentence joined the study,
# whatever the verb of treatment. Negatives: no part opened there, and a result.
@pytest.mark.parametrize("text,expected_total", [
    ("In stage 1, 24 volunteers were enrolled. In stage 2, 30 additional volunteers were given the booster.", 54),
    ("In part A, 15 patients were enrolled. In part B, 20 further patients were treated at the chosen dose.", 35),
    # negatives
    ("Eighteen patients were enrolled. Later, 12 more patients received the drug.", 18),
    ("Eighteen patients were enrolled. In phase II, 12 more patients received rescue medication.", 18),
])
def test_further_people_in_a_part_of_the_study(text, expected_total):
    assert total(text) == expected_total


# Clusters a trial randomizes (schools, practices, villages, wards) are no people, however many
# words stand between the number and the cluster's noun; the people in them are.
@pytest.mark.parametrize("text,expected_values,expected_total", [
    ("Pupils (n = 1,980) attended the 10 intervention schools or the 10 control schools.", [1980], 1980),
    ("Thirty-two general practices were randomized and 1,120 patients were enrolled.", [1120], 1120),
    ("The 640 mothers lived in 15 intervention villages or 15 control villages.", [640], 640),
    ("Of 903 residents, 450 were enrolled in the 12 intervention homes and 453 in the 12 control homes.",
     [903, 450, 453], 903),
    # negative: the people in a cluster stay a count
    ("We enrolled 45 children from three schools.", [45], 45),
])
def test_clusters_are_no_people(text, expected_values, expected_total):
    assert [value for value, _ in found(text)] == expected_values
    assert total(text) == expected_total


# Operations a trial randomizes or compares as its units (GOLD.md: parts or events of people):
# named by a word of the list or by its ending ("-ectomies", "-plasties"); compared ones only
# in a sentence that randomizes and compares, and never as the subject of a result.
@pytest.mark.parametrize("text,expected,expected_total", [
    ("A total of 76 unicompartmental knee arthroplasties were randomized to two implants.",
     [(76, "randomized")], 76),
    ("We randomly allocated 140 laparoscopic appendectomies to one or three trocars.",
     [(140, "randomized")], 140),
    ("This randomized study compared wound healing after 61 open repairs with 64 endoscopic repairs.",
     [(61, "arm"), (64, "arm")], 125),
    # negatives: results, no randomization, and people beside the operations
    ("In a randomized trial comparing two sutures, 9 repairs failed and 2 repairs were infected.", [], None),
    ("Complications were compared after 45 cholecystectomies and 50 appendectomies.", [], None),
    ("We randomized 80 patients undergoing 95 hernia repairs to mesh A versus mesh B.",
     [(80, "randomized"), (95, "arm")], 80),
])
def test_operations_as_units(text, expected, expected_total):
    assert found(text) == expected
    assert total(text) == expected_total


# One named group as the subject ("Group C had 40 children", "the exercise arm comprised 52
# women") makes the count that group's; "the study group" is the whole. A group whose label
# extends the label of a group the trial formed ("randomized into groups A and B ... 12 in group
# AR") is a part of it, not a further group. Negatives: the study group, and a third label that
# extends none.
@pytest.mark.parametrize("text,expected,expected_total", [
    ("Infants were randomly divided into group S and group P. Group S had 36 infants and group P 35.",
     [(36, "arm"), (35, "arm")], 71),
    ("The massage arm comprised 28 women and the control arm 27 women.", [(28, "arm"), (27, "arm")], 55),
    ("Patients were randomized into groups L and H. In all, 150 patients were included in group L, "
     "148 in group H, 22 in group L2 and 19 in group H2.",
     [(150, "arm"), (148, "arm"), (22, "analyzed"), (19, "analyzed")], 298),
    # negatives
    ("The study group comprised 60 patients.", [(60, "enrolled")], 60),
    ("Patients were randomized into groups A and B. 30 patients were included in group A, 31 in group B, "
     "and 20 in group C.", [(30, "arm"), (31, "arm"), (20, "arm")], 81),
])
def test_named_groups_and_their_parts(text, expected, expected_total):
    assert found(text) == expected
    assert total(text) == expected_total


# Bare counts in a bracket that add up to a count which completed, was analysed or withdrew
# are that count's groups, with its role; the total stays the whole. Negatives: a bracket that
# does not add up, and a make-up by sex.
@pytest.mark.parametrize("text,expected,expected_total", [
    ("At 12 weeks, 58 children completed the trial (30 zinc, 28 placebo).",
     [(58, "completed"), (30, "completed"), (28, "completed")], 58),
    ("In all, 71 adults were analysed (36 on melatonin, 35 on placebo).",
     [(71, "analyzed"), (36, "analyzed"), (35, "analyzed")], 71),
    # negatives
    ("Overall 120 patients were analysed (61 ketamine, 60 saline).", [(120, "analyzed")], 120),
    ("In all, 58 children completed the trial (30 boys and 28 girls).", [(58, "completed")], 58),
])
def test_a_bracket_breaking_down_a_count_that_completed(text, expected, expected_total):
    assert found(text) == expected
    assert total(text) == expected_total


# "(n = 40/41)": the n of two groups written with a slash, groups of like size; a slash between
# sizes far apart is a part of a whole ("(n = 9/20)"), and so is a slash inside the bracket.
@pytest.mark.parametrize("text,expected_values,expected_total", [
    ("Adults were randomized to tai chi or stretching (n = 33/35).", [33, 35], 68),
    ("A total of 61 children were allocated to zinc or placebo (n=30/31).", [61, 30, 31], 61),
    # negatives
    ("Pain improved in the drug group (n = 9/20).", [9], 9),
    ("Women were randomized to two regimens (n = 40/41 completed).", [40], 40),
])
def test_two_groups_ns_written_with_a_slash(text, expected_values, expected_total):
    assert [value for value, _ in found(text)] == expected_values
    assert total(text) == expected_total


def test_places_a_pattern_is_tried_at_come_from_the_pattern_itself():
    # sentence_spans and the formed-groups search try their pattern only where one of these
    # stands; they are read off the patterns, so a word added to a pattern is looked for too.
    from trialfacts.extractors.sample_size_cues import SENTENCE_ENDERS
    from trialfacts.extractors.sample_size_mentions import GROUPS_FORMED_OPENINGS

    assert SENTENCE_ENDERS == {".", "!", "?", "\n"}
    assert GROUPS_FORMED_OPENINGS == {"randomized", "randomised", "randomly ", "divided", "allocated", "assigned"}
