"""Doses: the surface forms GOLD.md names, each with the exact values it must yield, and the
amounts that are not doses. Strings are written in clean form (what trialfacts.reading.clean hands the
extractors) except in the tests that go through the Cleaner first."""

from __future__ import annotations

import time

import pytest
import regex
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

import trialfacts
from trialfacts.reading.clean import Cleaner
from trialfacts.extractors.doses import find_doses, make_dose_extractor  # noqa: F401  (registers the factory)
from trialfacts.records.models import Dose
from trialfacts.nlp.spans import DOSES, ENTITIES, read_spans

from support import load_cases


def _doses(text, interventions=()):
    return [
        (text[f.start:f.end], f.values["value"], f.values["value_max"], f.values["spread"],
         f.values["unit"], f.values["frequency"])
        for f in find_doses(text, interventions)
    ]


# (text, [(span, value, value_max, spread, unit, frequency), ...])
POSITIVES = [
    # The seed sentence: a cell count, the power of ten applying to both numbers, "of <cell product>".
    ("Patients received 15 ± 4.5 × 10^6 of BM-MSCs via lumbar puncture",
     [("15 ± 4.5 × 10^6", 1.5e7, None, 4.5e6, "cells", None)]),
    # Plain amounts and every canonical base unit.
    ("randomized to receive 45 mg of hyperbaric lidocaine", [("45 mg", 45.0, None, None, "mg", None)]),
    ("arginine (30 g) was infused", [("30 g", 30.0, None, None, "g", None)]),
    ("with or without 10 microg of fentanyl", [("10 microg", 10.0, None, None, "ug", None)]),
    ("fentanyl 10 µg", [("10 µg", 10.0, None, None, "ug", None)]),
    ("fentanyl 10 μg", [("10 μg", 10.0, None, None, "ug", None)]),
    ("vitamin B12 500 mcg", [("500 mcg", 500.0, None, None, "ug", None)]),
    ("a 50 ng bolus", [("50 ng", 50.0, None, None, "ng", None)]),
    ("placebo (5 mL of normal saline)", [("5 mL", 5.0, None, None, "mL", None)]),
    ("as a 5-mL i.v. injection", [("5-mL", 5.0, None, None, "mL", None)]),
    ("30 cc of milk of magnesia", [("30 cc", 30.0, None, None, "mL", None)]),
    ("drank 1 L of polyethylene glycol solution", [("1 L", 1.0, None, None, "L", None)]),
    ("Epo-b (30000 IU once weekly)", [("30000 IU", 30000.0, None, None, "IU", "once weekly")]),
    ("insulin 10 units at bedtime", [("10 units", 10.0, None, None, "U", "at bedtime")]),
    ("heparin 80 U/kg", [("80 U/kg", 80.0, None, None, "U/kg", None)]),
    ("potassium chloride 20 mmol", [("20 mmol", 20.0, None, None, "mmol", None)]),
    ("bicarbonate 50 mEq", [("50 mEq", 50.0, None, None, "mEq", None)]),
    ("radiotherapy 60 Gy in 30 fractions", [("60 Gy", 60.0, None, None, "Gy", None)]),
    ("AAV9 at 2 × 10^11 vg/kg", [("2 × 10^11 vg/kg", 2e11, None, None, "vg/kg", None)]),
    ("virus 1 × 10^9 PFU", [("1 × 10^9 PFU", 1e9, None, None, "PFU", None)]),
    ("the Lancet's 0·5 mg", [("0·5 mg", 0.5, None, None, "mg", None)]),
    ("gemcitabine 1,000 mg/m2", [("1,000 mg/m2", 1000.0, None, None, "mg/m2", None)]),
    ("containing either 12 gI of iodine", [("12 gI", 12.0, None, None, "g", None)]),
    # Per-denominators, appended in the order written.
    ("naltrexone, 1.0 mg/kg, or placebo", [("1.0 mg/kg", 1.0, None, None, "mg/kg", None)]),
    ("ursodeoxycholic acid (10 mg/kg per day in two divided doses)",
     [("10 mg/kg per day", 10.0, None, None, "mg/kg/day", None)]),
    ("tobramycin (6 mg/kg/day)", [("6 mg/kg/day", 6.0, None, None, "mg/kg/day", None)]),
    ("levodopa 190 mg/d", [("190 mg/d", 190.0, None, None, "mg/day", None)]),
    ("rifampicin 600 mg per day", [("600 mg per day", 600.0, None, None, "mg/day", None)]),
    ("an average dosage of 31.7 mg/daily", [("31.7 mg/daily", 31.7, None, None, "mg/day", None)]),
    ("cilazapril 50 mg a day", [("50 mg a day", 50.0, None, None, "mg/day", None)]),
    ("2 mg per kg per day", [("2 mg per kg per day", 2.0, None, None, "mg/kg/day", None)]),
    ("5 mg/kg body weight", [("5 mg/kg body weight", 5.0, None, None, "mg/kg", None)]),
    ("cisplatin 100 mg/m2 at 2-week intervals",
     [("100 mg/m2", 100.0, None, None, "mg/m2", "at 2-week intervals")]),
    ("fluorouracil 500 mg/m (2), epirubicin 75 mg/m (2)",
     [("500 mg/m (2)", 500.0, None, None, "mg/m2", None), ("75 mg/m (2)", 75.0, None, None, "mg/m2", None)]),
    ("cetuximab (250 mg/m (2) /week)", [("250 mg/m (2) /week", 250.0, None, None, "mg/m2/week", None)]),
    ("FU 1,000 mg/m2/d for 5 days", [("1,000 mg/m2/d", 1000.0, None, None, "mg/m2/day", None)]),
    ("saline at a rate of 0.3 ml min (-1) kg (-1) during",
     [("0.3 ml min (-1) kg (-1)", 0.3, None, None, "mL/min/kg", None)]),
    ("an infusion of 2 mg·kg-1·h-1", [("2 mg·kg-1·h-1", 2.0, None, None, "mg/kg/h", None)]),
    ("fentanyl infusion (2 micrograms/kg/hour)", [("2 micrograms/kg/hour", 2.0, None, None, "ug/kg/h", None)]),
    ("0.5 mL/kg of albumin", [("0.5 mL/kg", 0.5, None, None, "mL/kg", None)]),
    ("methylprednisolone at 125 mg/body for 3 days", [("125 mg/body", 125.0, None, None, "mg", None)]),
    # Ranges and spreads.
    ("citalopram 10-20 mg daily", [("10-20 mg", 10.0, 20.0, None, "mg", "daily")]),
    ("approximately 1-2mg of nasal nicotine spray", [("1-2mg", 1.0, 2.0, None, "mg", None)]),
    ("fentanyl 1 to 2 micrograms/kg", [("1 to 2 micrograms/kg", 1.0, 2.0, None, "ug/kg", None)]),
    ("doses between 1 and 2 mg", [("1 and 2 mg", 1.0, 2.0, None, "mg", None)]),
    ("patients received 12.5 ± 3.1 mg/kg", [("12.5 ± 3.1 mg/kg", 12.5, None, 3.1, "mg/kg", None)]),
    ("at doses ranging from 0.25-2 mg/d", [("0.25-2 mg/d", 0.25, 2.0, None, "mg/day", None)]),
    # Powers of ten, flattened superscripts, scale words.
    ("1-2 × 10^6 cells/kg", [("1-2 × 10^6 cells/kg", 1e6, 2e6, None, "cells/kg", None)]),
    ("1 × 10^6 cells/kg", [("1 × 10^6 cells/kg", 1e6, None, None, "cells/kg", None)]),
    ("2 x 10(6) cells/kg", [("2 x 10(6) cells/kg", 2e6, None, None, "cells/kg", None)]),
    ("5 x 10E6 cells", [("5 x 10E6 cells", 5e6, None, None, "cells", None)]),
    ("1.5 × 10^6 CD34+ cells/kg", [("1.5 × 10^6 CD34+ cells/kg", 1.5e6, None, None, "cells/kg", None)]),
    ("1.5 million cells", [("1.5 million cells", 1.5e6, None, None, "cells", None)]),
    ("one group of dose of 2 millions of BMSC for kilogram of weight",
     [("2 millions of BMSC for kilogram of weight", 2e6, None, None, "cells/kg", None)]),
    ("a booster with 10 (7) irradiated autologous tumour cells",
     [("10 (7) irradiated autologous tumour cells", 1e7, None, None, "cells", None)]),
    ("vaccinations contained 10 (7) BCG organisms", [("10 (7) BCG organisms", 1e7, None, None, "cells", None)]),
    ("cohorts of 0. 25 X 10^6 cells/kg", [("0. 25 X 10^6 cells/kg", 2.5e5, None, None, "cells/kg", None)]),
    # Lists sharing one unit written once.
    ("single oral doses of 1, 5, and 10 mg of asimadoline",
     [("1", 1.0, None, None, "mg", "single"), ("5", 5.0, None, None, "mg", "single"),
      ("10 mg", 10.0, None, None, "mg", "single")]),
    ("5 and 10 mg, respectively", [("5", 5.0, None, None, "mg", None), ("10 mg", 10.0, None, None, "mg", None)]),
    ("after single doses of 5 or 10 mg", [("5", 5.0, None, None, "mg", "single"), ("10 mg", 10.0, None, None, "mg", "single")]),
    ("a higher dose of LA depot (7.5 vs. 3.75 mg)",
     [("7.5", 7.5, None, None, "mg", None), ("3.75 mg", 3.75, None, None, "mg", None)]),
    ("DEX 0.25 µg/kg, 0.5 µg/kg, or 1.0 µg/kg, respectively",
     [("0.25 µg/kg", 0.25, None, None, "ug/kg", None), ("0.5 µg/kg", 0.5, None, None, "ug/kg", None),
      ("1.0 µg/kg", 1.0, None, None, "ug/kg", None)]),
    ("94x10^6 cells, 141x10^6 and 188x10^6",
     [("94x10^6 cells", 9.4e7, None, None, "cells", None), ("141x10^6", 1.41e8, None, None, "cells", None),
      ("188x10^6", 1.88e8, None, None, "cells", None)]),
    ("start with the lowest dose (94x10^6 cells) and the dose will be increased to the next medium and high "
     "dose (141x10^6 and 188x10^6 respectively), for the next group",
     [("94x10^6 cells", 9.4e7, None, None, "cells", None), ("141x10^6", 1.41e8, None, None, "cells", None),
      ("188x10^6", 1.88e8, None, None, "cells", None)]),
    ("codeine/acetaminophen 30/500 mg", [("30", 30.0, None, None, "mg", None), ("500 mg", 500.0, None, None, "mg", None)]),
    ("starting dosage of 25/2500 mg/d",
     [("25", 25.0, None, None, "mg/day", None), ("2500 mg/d", 2500.0, None, None, "mg/day", None)]),
    # A comma alone joins no list: only the amount next to the unit is a dose.
    ("(n = 30, 5 mg)", [("5 mg", 5.0, None, None, "mg", None)]),
    # Frequencies as written, lower-cased.
    ("riluzole 50 mg twice daily", [("50 mg", 50.0, None, None, "mg", "twice daily")]),
    ("lansoprazole (30 mg o.d.)", [("30 mg", 30.0, None, None, "mg", "o.d.")]),
    ("ranitidine (300 mg b.d.)", [("300 mg", 300.0, None, None, "mg", "b.d.")]),
    ("zidovudine (300 mg b.i.d.)", [("300 mg", 300.0, None, None, "mg", "b.i.d.")]),
    ("capecitabine (1000 mg/m (2) bid)", [("1000 mg/m (2)", 1000.0, None, None, "mg/m2", "bid")]),
    ("cilomilast, 15 mg two times a day", [("15 mg", 15.0, None, None, "mg", "two times a day")]),
    ("docetaxel 75 mg/m2 every 3 weeks", [("75 mg/m2", 75.0, None, None, "mg/m2", "every 3 weeks")]),
    ("amlodipine, 5 mg daily", [("5 mg", 5.0, None, None, "mg", "daily")]),
    ("sitaxsentan 100 mg once daily", [("100 mg", 100.0, None, None, "mg", "once daily")]),
    ("a 300-mg once-daily regimen", [("300-mg", 300.0, None, None, "mg", "once-daily")]),
    ("ketorolac 30 mg every other day", [("30 mg", 30.0, None, None, "mg", "every other day")]),
    ("one injection of the hormone (2 IU/kg)", [("2 IU/kg", 2.0, None, None, "IU/kg", "one injection")]),
    ("randomized to single dose sumatriptan (6 mg SQ)", [("6 mg", 6.0, None, None, "mg", "single")]),
    # More forms: decimal comma, counts per weight without the noun, cell nouns with a source prefix.
    ("0,5 mg", [("0,5 mg", 0.5, None, None, "mg", None)]),
    ("CD34+ cells (5 × 10^6/kg)", [("5 × 10^6/kg", 5e6, None, None, "cells/kg", None)]),
    ("They received 3 × 10^8 autologous BM-MNCs", [("3 × 10^8 autologous BM-MNCs", 3e8, None, None, "cells", None)]),
    ("2 × 10^7 hUC-MSCs", [("2 × 10^7 hUC-MSCs", 2e7, None, None, "cells", None)]),
    ("intrathecal injection of 1 × 10^6 MSCs/kg", [("1 × 10^6 MSCs/kg", 1e6, None, None, "cells/kg", None)]),
    ("1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 11 mg",
     [(str(n), float(n), None, None, "mg", None) for n in range(1, 11)] + [("11 mg", 11.0, None, None, "mg", None)]),
    ("5 mg for day 1", [("5 mg", 5.0, None, None, "mg", None)]),
    ("Participants consumed 30 g/d of almonds", [("30 g/d", 30.0, None, None, "g/day", None)]),
    ("Enoxaparin 40 mg s.c. once daily", [("40 mg", 40.0, None, None, "mg", "once daily")]),
    ("riluzole 50 mg (orally) bid", [("50 mg", 50.0, None, None, "mg", "bid")]),
    ("metformin titrated from 500 mg to 2000 mg daily",
     [("500 mg", 500.0, None, None, "mg", None), ("2000 mg", 2000.0, None, None, "mg", "daily")]),
    ("a loading dose of 20 mg/kg followed by 10 mg/kg every 12 hours",
     [("20 mg/kg", 20.0, None, None, "mg/kg", None), ("10 mg/kg", 10.0, None, None, "mg/kg", "every 12 hours")]),
    ("Total radiation dose was 45 Gy in 25 fractions", [("45 Gy", 45.0, None, None, "Gy", None)]),
    ("(1.5 ± 0.5) × 10^6 cells/kg", [("(1.5 ± 0.5) × 10^6 cells/kg", 1.5e6, None, 5e5, "cells/kg", None)]),
    ("(1-2) × 10^6 cells/kg", [("(1-2) × 10^6 cells/kg", 1e6, 2e6, None, "cells/kg", None)]),
    ("20 g L-arginine", [("20 g", 20.0, None, None, "g", None)]),
    ("interferon alfa 3 MIU three times weekly", [("3 MIU", 3e6, None, None, "IU", "three times weekly")]),
    ("2 mg kg⁻¹ h⁻¹", [("2 mg kg⁻¹ h⁻¹", 2.0, None, None, "mg/kg/h", None)]),
    ("epirubicin 60 mg m-2", [("60 mg m-2", 60.0, None, None, "mg/m2", None)]),
    ("5 mg·m^-2·day-1", [("5 mg·m^-2·day-1", 5.0, None, None, "mg/m2/day", None)]),
    ("etanercept 50 mg biweekly", [("50 mg", 50.0, None, None, "mg", "biweekly")]),
    ("Patients received 1 × 10^6 cells/kg (P = 2 × 10^6)", [("1 × 10^6 cells/kg", 1e6, None, None, "cells/kg", None)]),
    ("3 × 10^8 BM-MNCs and then 2 × 10^8", [("3 × 10^8 BM-MNCs", 3e8, None, None, "cells", None),
                                           ("2 × 10^8", 2e8, None, None, "cells", None)]),
    # Context words do not veto a dose when a word of giving or "dose" comes after them.
    ("Cmax in plasma ranging from 18 ng ml (-1) at the 1 mg dose", [("1 mg", 1.0, None, None, "mg", None)]),
    ("morning cortisol after overnight 1 mg dexamethasone", [("1 mg", 1.0, None, None, "mg", None)]),
    ("the highest dose level of 10 mg of asimadoline", [("10 mg", 10.0, None, None, "mg", None)]),
    ("Plasma AVP was suppressed only by the 10 mg dose", [("10 mg", 10.0, None, None, "mg", None)]),
    ("long-chain triglyceride propofol (2.5 mg/kg)", [("2.5 mg/kg", 2.5, None, None, "mg/kg", None)]),
    ("oral 17beta-estradiol (2 mg daily)", [("2 mg", 2.0, None, None, "mg", "daily")]),
    # Issue forms: a bare flattened "10E6", superscript exponents kept as Unicode, a single dose, units.
    ("Patients received 10E6 cells", [("10E6 cells", 1e6, None, None, "cells", None)]),
    ("Patients received 2 X 10E6 cells/kg", [("2 X 10E6 cells/kg", 2e6, None, None, "cells/kg", None)]),
    ("1-2 × 10⁶ cells/kg", [("1-2 × 10⁶ cells/kg", 1e6, 2e6, None, "cells/kg", None)]),
    ("Patients received 15 ± 4.5 × 10⁶ cells", [("15 ± 4.5 × 10⁶ cells", 1.5e7, None, 4.5e6, "cells", None)]),
    ("vaccinations contained 10⁷ BCG organisms", [("10⁷ BCG organisms", 1e7, None, None, "cells", None)]),
    ("1.5 million cells/kg", [("1.5 million cells/kg", 1.5e6, None, None, "cells/kg", None)]),
    ("a single dose of 10 mg", [("10 mg", 10.0, None, None, "mg", "single")]),
    ("10 mg as a single dose", [("10 mg", 10.0, None, None, "mg", "single")]),
    ("a single intravenous dose of 0.5 mg/kg", [("0.5 mg/kg", 0.5, None, None, "mg/kg", "single")]),
    ("doses of 5 and 10 mg respectively", [("5", 5.0, None, None, "mg", None), ("10 mg", 10.0, None, None, "mg", None)]),
    ("drug 5 mg three times daily", [("5 mg", 5.0, None, None, "mg", "three times daily")]),
    ("docetaxel 75 mg/m2 every three weeks", [("75 mg/m2", 75.0, None, None, "mg/m2", "every three weeks")]),
    ("vitamin D 500 IU daily", [("500 IU", 500.0, None, None, "IU", "daily")]),
    ("vitamin D3 2000 international units daily", [("2000 international units", 2000.0, None, None, "IU", "daily")]),
    ("heparin 500 IU/kg", [("500 IU/kg", 500.0, None, None, "IU/kg", None)]),
    ("5 mcg/kg", [("5 mcg/kg", 5.0, None, None, "ug/kg", None)]),
    ("drug 5 mg/kg/d", [("5 mg/kg/d", 5.0, None, None, "mg/kg/day", None)]),
    ("drug 5 mg/m²", [("5 mg/m²", 5.0, None, None, "mg/m2", None)]),
    # A modified cell product named by a capitalized suffix on the cell noun.
    ("2 × 10^6 MSC-NTF/kg", [("2 × 10^6 MSC-NTF/kg", 2e6, None, None, "cells/kg", None)]),
    ("1 × 10^6 MSC-NTF cells/kg", [("1 × 10^6 MSC-NTF cells/kg", 1e6, None, None, "cells/kg", None)]),
    ("5 × 10^6 MSC-IL10 cells", [("5 × 10^6 MSC-IL10 cells", 5e6, None, None, "cells", None)]),
    # What the amount is of, written inside the unit, and which body weight or surface it is per.
    ("a target of 1.4 g protein/kg IBW daily", [("1.4 g protein/kg IBW daily", 1.4, None, None, "g/kg/day", None)]),
    ("600 mg elemental calcium/day", [("600 mg elemental calcium/day", 600.0, None, None, "mg/day", None)]),
    ("somatropin 0.2 U/kg IBW/week", [("0.2 U/kg IBW/week", 0.2, None, None, "U/kg/week", None)]),
    ("insulin 0.5 units/kg ideal body weight per day",
     [("0.5 units/kg ideal body weight per day", 0.5, None, None, "U/kg/day", None)]),
    ("docetaxel 60 mg per square metre of body-surface area",
     [("60 mg per square metre of body-surface area", 60.0, None, None, "mg/m2", None)]),
    ("3 mg per kilogram of body weight", [("3 mg per kilogram of body weight", 3.0, None, None, "mg/kg", None)]),
    ("1 mg/kg body-weight", [("1 mg/kg body-weight", 1.0, None, None, "mg/kg", None)]),
    ("1.5 mg × kg(-1) × h(-1)", [("1.5 mg × kg(-1) × h(-1)", 1.5, None, None, "mg/kg/h", None)]),
    # "daily" or "weekly" right after a per-weight or per-surface unit is a rate; after a plain unit,
    # or with a count before it, a frequency.
    ("5 mg/kg daily for 5 days", [("5 mg/kg daily", 5.0, None, None, "mg/kg/day", None)]),
    ("paclitaxel 80 mg/m2 weekly", [("80 mg/m2 weekly", 80.0, None, None, "mg/m2/week", None)]),
    ("5 mg/kg twice daily", [("5 mg/kg", 5.0, None, None, "mg/kg", "twice daily")]),
    ("prednisone 50 mg daily", [("50 mg", 50.0, None, None, "mg", "daily")]),
    # Million units with a space, two doses joined by "+", levels rising by commas, suspended hyphens.
    ("interferon beta 9 M IU three times weekly", [("9 M IU", 9e6, None, None, "IU", "three times weekly")]),
    ("(2 g+0.25 g every 8 hours)",
     [("2 g", 2.0, None, None, "g", None), ("0.25 g", 0.25, None, None, "g", "every 8 hours")]),
    ("cumulative doses of 10, 40, 160 micrograms",
     [("10", 10.0, None, None, "ug", None), ("40", 40.0, None, None, "ug", None),
      ("160 micrograms", 160.0, None, None, "ug", None)]),
    ("(30, 20, 5 mg)", [("5 mg", 5.0, None, None, "mg", None)]),
    ("75- and 150-mg doses", [("75", 75.0, None, None, "mg", None), ("150-mg", 150.0, None, None, "mg", None)]),
    ("10-, 20-, or 40-mg tablets",
     [("10", 10.0, None, None, "mg", None), ("20", 20.0, None, None, "mg", None),
      ("40-mg", 40.0, None, None, "mg", None)]),
    # A number that numbers a day or a cycle is no amount, nor the first of a list.
    ("375 mg on day 1 and 125 mg on days 2 to 5",
     [("375 mg", 375.0, None, None, "mg", None), ("125 mg", 125.0, None, None, "mg", None)]),
    ("at week 12, 5 mg", [("5 mg", 5.0, None, None, "mg", None)]),
    # Radiation converted to Gy; viral particles; per dose kept as written, per injection dropped.
    ("4000 rads of radiation", [("4000 rads", 40.0, None, None, "Gy", None)]),
    ("180 cGy per fraction", [("180 cGy", 1.8, None, None, "Gy", None)]),
    ("1 × 10^11 viral particles", [("1 × 10^11 viral particles", 1e11, None, None, "vp", None)]),
    ("3 × 10^10 vp/mL", [("3 × 10^10 vp/mL", 3e10, None, None, "vp/mL", None)]),
    ("2 × 10^9 PFU/ml", [("2 × 10^9 PFU/ml", 2e9, None, None, "PFU/mL", None)]),
    ("two doses of vaccine (10 µg / dose)", [("10 µg / dose", 10.0, None, None, "ug/dose", None)]),
    ("gentamicin 2.5 mg/kg/dose", [("2.5 mg/kg/dose", 2.5, None, None, "mg/kg/dose", None)]),
    ("2 mL/injection", [("2 mL/injection", 2.0, None, None, "mL", None)]),
    ("100 units per infusion", [("100 units per infusion", 100.0, None, None, "U", None)]),
    # A growth factor named "-CSF" is no cerebrospinal fluid.
    ("G-CSF (5 μg/kg/day) for 5 days", [("5 μg/kg/day", 5.0, None, None, "ug/kg/day", None)]),
    ("GM-CSF 250 mcg/m2 on days 1-5", [("250 mcg/m2", 250.0, None, None, "ug/m2", None)]),
    # A group named by its dose and drug is a dose even where a result is reported of it.
    ("the mean difference between the 20-mg/d drugamab and placebo groups was 3 points",
     [("20-mg/d", 20.0, None, None, "mg/day", None)]),
]


@pytest.mark.parametrize("text, expected", POSITIVES, ids=[t for t, _ in POSITIVES])
def test_dose_surface_forms(text, expected):
    assert _doses(text) == expected


NEGATIVES = [
    # Levels measured in participants: concentration units are never doses; context words veto others.
    "serum creatinine 1.2 mg/dL",
    "HbA1c 7%",
    "HbA1c 7.1 mg",
    "LDL 130 mg/dL",
    "glucose 5.5 mmol/L",
    "hemoglobin 12 g/dL",
    "TSH 10.3 mU/L",
    "serum 25(OH)D 20 ng/mL",
    "vitamin D levels of 30 ng/ml",
    "Cmax values of 18 ng ml (-1)",
    "free plasma concentrations of 25 microg per milliliter",
    "GH peak, 5.7 +/- 5.2 vs. 18.0 +/- 7.0 microg/L",
    "neutrophil count > 1 x 10 (9) /L",
    "platelets 150 x 10^9/L",
    "CD34+ cell count reaches 20,000 cells/ml",
    "CD4 count > 100 cells/mm (3)",
    "AUC 120 mg·h/L",
    "BP 140/90 mmHg",
    "insulin 5 mU/L",
    "formula containing 1.2 mg/100 mL",
    "exposure was 1234 ng·h/mL",
    "glucose 110 mg%",
    "a 1 mg/mL solution",
    "urinary albumin 30 mg/24 h",
    "proteinuria 1.5 g/day",
    "creatinine clearance 60 mL/min",
    "Blood loss was 300 mL",
    "blood loss (300 mL)",
    "urine output was 1500 mL",
    "FEV1 of 2.1 L",
    "infarct volume of 12 mL",
    "mean difference 1.2 mg",
    "morphine consumption at 24 h was 10.2 mg",
    "Serum potassium increased from 4.1 ± 0.4 to 4.6 ± 0.5 mmol/L",
    "Mean arterial pressure fell by 12 mmHg",
    "weight gain of 200 g",
    "birth weight 3200 g",
    # Results of a tested comparison between groups.
    "similar in both groups (582 vs 465 ml, respectively; p = 0.15)",
    "did not differ (3.0 ml/kg/min vs 3.1 ml/kg/min, p = 0.75)",
    "from 3.2 +/-1.6 to 5.5+/-2.2 ml min (-1) (P < 0.01)",
    "(1.5 vs. 1.0 units on a 0-3 scale)",
    "-0.5 and -0.4 units in favor of LE",
    # Baseline characteristics, intake, cut-offs, composition.
    "body weight 70 kg",
    "BMI 25 kg/m2",
    "mean age 54 years, weight 80 kg",
    "daily sodium intake 2.3 g",
    "protein intake of 1.2 g/kg/day",
    "women consuming > 410 microg/d",
    "high in fiber (18 g of dietary fiber per 1000 kcal)",
    "formula milk containing 1.2 mg of iron per 100 ml",
    "propofol injected at 1 mL/s",
    "plasma level of 5 ng/mL",
    "the plasma level was 5 ng/mL",
    "plasma concentration reached 5 ng/mL",
    "Cmax of 5 ng/mL",
    "a Cmax of 120 ng",
    "serum creatinine of 1.2 mg/dL",
    # Durations, percentages, formulation strengths in %, years, ages, labels.
    "treated for 12 weeks",
    "a 2-h infusion",
    "aged 45 years",
    "5% lidocaine",
    "2.5% saline",
    "0.5% bupivacaine",
    "between 2010 and 2015",
    "Fig. 2",
    "phase 2 trial",
    "n-3 fatty acids",
    "P < 0.05",
    "a 25 G spinal needle",
    "22071 U.S. male physicians",
    "5 L-dopa",
    "a 1.5 cm incision",
    "10 cells",
    "a single dose of MSC-NTF cells",
    "2 × 10^6 MSC-treated patients",
    "1,000 patients with stem cells",
    "2000 donor cells",
    # A strength per puff, actuation or tablet; a result with its spread; a mean of what was taken.
    "(inhaler, 20 micrograms/puff)",
    "salbutamol 100 µg per actuation",
    "metformin 500 mg per tablet",
    "a 2 mg/capsule formulation",
    "greatest with the combination (335.2 ml, SE 24.6)",
    "largest in arm A (120 mg, SD 15)",
    "Mean total doses of drugone, drugtwo and drugthree were 443, 45 and 4.4 micrograms kg-1, respectively",
    "the median cumulative amount of opioid was 12 mg",
    "Blood loss was 300 mL in both groups",
    "CSF (5 mL) was collected",
    # Concentrations stay levels, after counted particles too when they are cells.
    "5 × 10^6 cells/mL",
    "a 2 mg/mL suspension",
    # A count with no unit and no counted dose before it.
    "15 ± 4.5 × 10^6",
    "141x10^6 and 188x10^6",
    "",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_not_doses(text):
    assert _doses(text) == []


def _entities(text, names, label="DRUG"):
    """(start, end, label) of every occurrence of each name; a name written "name:LABEL" takes that label."""
    entities = []
    for name in names:
        name, _, own_label = name.partition(":")
        entities += [(m.start(), m.end(), own_label or label) for m in regex.finditer(regex.escape(name), text)]
    return entities


def _named(text, names=()):
    found = find_doses(text, _entities(text, names))
    return [None if f.values["intervention"] is None
            else text[f.values["intervention"]["start"]:f.values["intervention"]["end"]] for f in found]


# (text, lexicon entities, the intervention name of each dose in order). Names are the lexicon's drugs
# (given here), the word lists' names (placebo, saline, substances, INN stems, salts) and product codes.
INTERVENTIONS = [
    # The name the amount is attached to, before or after it.
    ("riluzole 50 mg twice daily", ["riluzole"], ["riluzole"]),
    ("50 mg of riluzole", ["riluzole"], ["riluzole"]),
    ("Patients received 15 ± 4.5 × 10^6 of BM-MSCs via lumbar puncture", ["BM-MSCs"], ["BM-MSCs"]),
    ("amlodipine, 5 mg daily or enalapril 20 mg daily", ["amlodipine", "enalapril"], ["amlodipine", "enalapril"]),
    ("captopril (12.5 mg and 25 mg) and enalapril (5 mg and 10 mg)", ["captopril", "enalapril"],
     ["captopril", "captopril", "enalapril", "enalapril"]),
    ("1.5 mg/kg of preoperative IV lidocaine", ["lidocaine"], ["lidocaine"]),
    ("ketamine at a dose of 0.15 mg/kg", ["ketamine"], ["ketamine"]),
    ("0.15 mg/kg ketamine", ["ketamine"], ["ketamine"]),
    ("received 400 mg hydroxychloroquine", ["hydroxychloroquine"], ["hydroxychloroquine"]),
    ("single oral doses of 1, 5, and 10 mg of asimadoline", ["asimadoline"], ["asimadoline"] * 3),
    ("perindopril 2 mg/indapamide 0.625 mg", ["perindopril", "indapamide"], ["perindopril", "indapamide"]),
    ("two doses (60 and 80 mg) of plain bupivacaine", ["bupivacaine"], ["bupivacaine", "bupivacaine"]),
    ("the 60- and 80-mg doses of preservative-free lidocaine", ["lidocaine"], ["lidocaine", "lidocaine"]),
    ("a further 5 mL i.v. of the saline solution", [], ["saline"]),
    # A form or route word between the name and its amount.
    ("the LA depot 3.75 mg", ["LA"], ["LA"]),
    ("ketamine i.v. 0.15 mg/kg", ["ketamine"], ["ketamine"]),
    ("naloxone nasal spray 4 mg", ["naloxone"], ["naloxone"]),
    # "of" after the amount names its drug even with another drug before it.
    ("after warfarin was stopped, patients received 40 mg of enoxaparin", ["warfarin", "enoxaparin"], ["enoxaparin"]),
    # An amount joined to another with a name shares it, in either direction.
    ("5 mg and 10 mg of apixaban", ["apixaban"], ["apixaban", "apixaban"]),
    # Otherwise the closest name before it: in its sentence, else earlier.
    ("cefepime 6 g/day (2 g every 8 hours)", ["cefepime"], ["cefepime", "cefepime"]),
    ("Enalapril was titrated to an average of 20 mg/day. Amlodipine controlled 70% at 7.5 mg/day",
     ["Enalapril", "Amlodipine"], ["Enalapril", "Amlodipine"]),
    ("Volunteers took oseltamivir. For treatment, the same drug was given (75 mg or 150 mg)",
     ["oseltamivir"], ["oseltamivir", "oseltamivir"]),
    ("riluzole was stopped. Patients received 50 mg", ["riluzole"], ["riluzole"]),
    # With no name before it, the first one after it in its clause; none beyond.
    ("A 600 mg loading dose was followed by 300 mg daily of clopidogrel", ["clopidogrel"], ["clopidogrel"] * 2),
    ("A 600 mg loading dose was given; clopidogrel was the comparator", ["clopidogrel"], [None]),
    ("50 mg twice daily", [], [None]),
    # As many names listed as amounts, with "respectively": paired in order.
    ("Amlodipine and valsartan were given at 5 and 160 mg, respectively", ["Amlodipine", "valsartan"],
     ["Amlodipine", "valsartan"]),
    ("Patients received ketamine, morphine, or saline in doses of 0.5 mg/kg, 0.1 mg/kg and 5 mL, respectively",
     ["ketamine", "morphine"], ["ketamine", "morphine", "saline"]),
    ("fentanyl or sufentanil (1 μg/kg or 0.1 μg/kg, respectively)", ["fentanyl", "sufentanil"],
     ["fentanyl", "sufentanil"]),
    # Placebo, vehicle and saline are names only where the amount is attached to them.
    ("placebo (5 mL)", [], ["placebo"]),
    ("20 mL of normal saline", [], ["normal saline"]),
    ("Patients received placebo or 10 mg of the study drug", [], [None]),
    ("Volunteers took oseltamivir or matching placebo. Later, 20 mg was given", ["oseltamivir"], ["oseltamivir"]),
    # A cell dose names its product in its unit; else it takes the closest cell product before it.
    ("one group of dose of 2 millions of BMSC for kilogram of weight", [], ["BMSC"]),
    ("a booster with 10 (7) irradiated autologous tumour cells", [], ["irradiated autologous tumour cells"]),
    ("vaccinations contained 10 (7) BCG organisms", [], ["BCG organisms"]),
    ("MSCs were given after cyclophosphamide 50 mg/kg. The dose was 2 × 10^6 cells/kg",
     ["MSCs:CELL_PRODUCT", "cyclophosphamide"], ["cyclophosphamide", "MSCs"]),
    ("MSC-NTF cells (1.5 × 10^6 MSCs/kg)", ["MSC-NTF cells:CELL_PRODUCT"], ["MSC-NTF cells"]),
    # Names the lexicon lacks: substances, INN stems, salts.
    ("with nicotine, 1.2 mg", [], ["nicotine"]),
    ("arginine (30 g) was infused", [], ["arginine"]),
    ("one injection of secretin (2 IU/kg)", [], ["secretin"]),
    ("vitamin D3 (50,000 IU weekly)", [], ["vitamin D3"]),
    ("received 10 million units alpha-2a IFN", [], ["IFN"]),
    ("bimagrumab 10 mg/kg every 4 weeks", [], ["bimagrumab"]),
    ("Ensitrelvir 125 mg once daily", [], ["Ensitrelvir"]),
    ("cefdinir 300 mg twice daily", [], ["cefdinir"]),
    ("Ozagrel Hydrochloride (400 mg/day, orally)", [], ["Ozagrel Hydrochloride"]),
    ("magnesium sulfate 4 g over 20 minutes", [], ["magnesium sulfate"]),
    ("750 rads of intraoperative beta radiation", [], ["beta radiation"]),
    # Words that end like a stem, measured analytes and salts after a common word are no names.
    ("In April 20 mg was given", [], [None]),
    ("Serum calcium was low; then 1 g was given", [], [None]),
    ("With low sodium, patients took 5 mg", [], [None]),
    ("potassium chloride 20 mmol", [], ["potassium chloride"]),
    # A token shaped like a product code, right next to the amount; its later mentions are names too.
    ("micronized E2 (0.5 mg) or micronized P4 (100 mg)", [], ["E2", "P4"]),
    ("received 100 ml SFI (study group)", [], ["SFI"]),
    ("cohorts for HYNR-CS-Allo inj., 0.25 × 10^6 cells/kg. The first cohort will be 0.5 × 10^6 cells/kg",
     [], ["HYNR-CS-Allo", "HYNR-CS-Allo"]),
    ("The study drug AZD7442 (300 mg) was injected", [], ["AZD7442"]),
    # Routes, frequencies, days and groups are no product codes.
    ("IV (10 mg)", [], [None]),
    ("G1 (5 mg/kg) and G2 (10 mg/kg)", [], [None, None]),
    ("100 mg/m2 D1 and D8", [], [None]),
    ("then 200 mg Q3W and 5 mg BID", [], [None, None]),
    ("Patients took 50 mg HCTZ daily", [], ["HCTZ"]),
    # A name never reaches across a sentence end.
    ("the average dose of 31.7 mg/daily. Amlodipine controlled 75%", ["Amlodipine"], [None]),
]


@pytest.mark.parametrize("text, names, expected", INTERVENTIONS, ids=[t for t, _, _ in INTERVENTIONS])
def test_intervention_is_the_named_drug(text, names, expected):
    assert _named(text, names) == expected


def test_disease_and_scale_mentions_are_no_names():
    text = "ALS-5 (2 mL) was injected."
    assert _named(text) == ["ALS-5"]
    found = find_doses(text, not_names=[(0, 5)])
    assert [f.values["intervention"] for f in found] == [None]


# Through the whole pipeline: abbreviations the document defines name the dose where their long form
# holds a drug or a product word; others (a scale, a trial name) do not.
PIPELINE_INTERVENTIONS = [
    ("Patients were randomised to Shenfu Injection (SFI) or saline. They received 100 ml SFI daily.", ["SFI"]),
    ("Chloroquine diphosphate (CQ) was given: 600 mg CQ twice daily for 10 days.", ["CQ"]),
    ("Whole-brain radiotherapy (WBRT) was planned. WBRT (10 fractions of 3 Gy) followed.", ["WBRT"]),
    ("Interferon (IFN) was given. Patients received 9 million units alpha-2a IFN i.m.", ["IFN"]),
    ("Pain on a visual analogue scale (VAS) was recorded. The VAS 5 mg group was small.", [None]),
    ("Patients received somatostatin-UCB 250 mcg i.v. bolus, then infusion at a rate of 6 mg/d.",
     ["somatostatin-UCB", "somatostatin-UCB"]),
    ("Adults received vitamin D3 (50,000 IU weekly) or placebo for 8 weeks.", ["vitamin D3"]),
    ("Patients were randomly assigned to tocilizumab 8 mg/kg intravenously or usual care.", ["tocilizumab"]),
]


@pytest.mark.parametrize("raw, expected", PIPELINE_INTERVENTIONS, ids=[r for r, _ in PIPELINE_INTERVENTIONS])
def test_intervention_through_the_pipeline(extractor, raw, expected):
    record = extractor.extract_text(raw, "t")
    assert [d.intervention.text if d.intervention else None for d in record.doses] == expected
    for dose in record.doses:
        if dose.intervention:
            assert raw[dose.intervention.start:dose.intervention.end] == dose.intervention.text


# A table written apart from the tests above, in the styles trial abstracts and registry entries use
# (oncology regimens, paediatric mg/kg, insulin and vaccine units, IU, Gy and cGy, cell products,
# fixed-dose combinations, ranges, lists, rates, loading and titration, registry "Drug:" lines), and
# amounts that are no doses (levels, baseline values, results, rescue and background doses,
# strengths per tablet or %). Raw text in, record out. Each case: [span, value, value_max, spread,
# unit, intervention name]; names compared as GOLD.md scores them (one word sequence inside the other).
STYLES = load_cases("doses_styles.jsonl")
NAME_BREAK = regex.compile(r"[^\p{L}\p{N}]+")


def _name_words(name):
    return tuple(w for w in NAME_BREAK.split(name.lower()) if w)


def _same_name(predicted, expected, text=""):
    """GOLD.md's name match: one word sequence inside the other, or one defined as the other's
    abbreviation in the text ("hydroxychloroquine (HCQ)")."""
    if predicted is None or expected is None:
        return predicted is expected
    shorter, longer = sorted((_name_words(predicted), _name_words(expected)), key=len)
    if any(longer[i:i + len(shorter)] == shorter for i in range(len(longer) - len(shorter) + 1)):
        return True
    lowered = text.lower()
    return any(f"{a} ({b})".lower() in lowered for a, b in ((predicted, expected), (expected, predicted)))


def _style_doses(text):
    return [[d.text, d.value, d.value_max, d.spread, d.unit, d.intervention.text if d.intervention else None]
            for d in trialfacts.extract(text).doses]


@pytest.mark.parametrize("case", STYLES, ids=lambda c: c["text"][:60])
def test_dose_styles(case):
    found = _style_doses(case["text"])
    expected = case["expect"]
    assert [d[:5] for d in found] == [e[:5] for e in expected]
    assert all(_same_name(d[5], e[5], case["text"]) for d, e in zip(found, expected)), (found, expected)


def test_the_styles_table_holds_enough_cases():
    assert len([c for c in STYLES if c["expect"]]) >= 120 and len([c for c in STYLES if not c["expect"]]) >= 40


def _as_model_values(values, text, to_raw=None):
    """A dose's values as the output model takes them: the intervention with its text."""
    values = dict(values)
    named = values["intervention"]
    if named is not None:
        start, end = to_raw(named["start"], named["end"]) if to_raw else (named["start"], named["end"])
        values["intervention"] = {"text": text[start:end], "start": start, "end": end}
    return values


def test_values_have_exactly_the_dose_keys():
    (found,) = find_doses("riluzole 50 mg")
    assert set(found.values) == {"value", "value_max", "spread", "unit", "frequency", "intervention"}
    assert found.label == "DOSE"


# Raw text -> Cleaner -> find_doses -> back to the raw span: the repaired superscript and the
# folded thin spaces, dashes and Greek mu must map back to the characters in the file.
RAW = [
    ("Patients received 15\u2009±\u20094.5\u2009×\u2009106 of BM-MSCs via lumbar puncture.",
     "15\u2009±\u20094.5\u2009×\u2009106", 1.5e7, None, 4.5e6, "cells"),
    ("The dose was 1\u20132 x 10(6) cells/kg.", "1\u20132 x 10(6) cells/kg", 1e6, 2e6, None, "cells/kg"),
    ("The first cohort will be 0. 5 X 106 cells/kg dose cohort.", "0. 5 X 106 cells/kg", 5e5, None, None, "cells/kg"),
    ("The lowest dose (94x106 cells) was given.", "94x106 cells", 9.4e7, None, None, "cells"),
    ("DEX 2.5\u2009μg/kg was given.", "2.5\u2009μg/kg", 2.5, None, None, "ug/kg"),
    ("IV lidocaine at 1.5\u200amg/kg, respectively.", "1.5\u200amg/kg", 1.5, None, None, "mg/kg"),
]


@pytest.mark.parametrize("raw, span, value, value_max, spread, unit", RAW, ids=[r[1] for r in RAW])
def test_through_the_cleaner(raw, span, value, value_max, spread, unit):
    clean = Cleaner()(raw)
    (found,) = find_doses(clean.text)
    start, end = clean.to_raw(found.start, found.end)
    assert raw[start:end] == span
    assert (found.values["value"], found.values["value_max"], found.values["spread"], found.values["unit"]) == (
        value, value_max, spread, unit)
    Dose(text=span, start=start, end=end, **_as_model_values(found.values, raw, clean.to_raw))  # the model accepts it


def test_component_reads_intervention_entities():
    nlp = spacy.blank("en")
    nlp.add_pipe("trialfacts_dose")
    doc = nlp.make_doc("Patients took riluzole 50 mg twice daily and ALS-5 (2 mL).")
    doc.spans[ENTITIES] = [doc.char_span(14, 22, label="DRUG"), doc.char_span(45, 50, label="DISEASE")]
    doc = nlp.get_pipe("trialfacts_dose")(doc)
    payloads = read_spans(doc, DOSES)
    # The disease mention is no name: the volume takes the closest drug before it.
    assert [(p["start"], p["end"], p["unit"], p["intervention"]) for p in payloads] == [
        (23, 28, "mg", {"start": 14, "end": 22}), (52, 56, "mL", {"start": 14, "end": 22})]


def test_component_without_entities():
    nlp = spacy.blank("en")
    nlp.add_pipe("trialfacts_dose")
    doc = nlp("Patients received 15 ± 4.5 × 10^6 of BM-MSCs. Then 2 mg was given.")
    first, second = read_spans(doc, DOSES)
    # The cell noun names the product, and is a mention for the doses after it.
    assert first["value"] == 1.5e7 and first["intervention"] == {"start": 37, "end": 44}  # BM-MSCs
    assert second["intervention"] == {"start": 37, "end": 44}


TOKENS = ["1", "0", "10", "0.5", ".5", "0·3", "1,000", "0. 25", "0,5", "-", "±", "+/-", "×", "x", "10^6", "10(6)",
          "10 (7)", "10E6", "(", ")", "(-1)", "-1", "/", "per", "a", "for", "of", "the", "mg", "g", "µg", "mL", "L",
          "IU", "U", "units", "Gy", "cells", "MSCs", "BM-MSCs", "kg", "m2", "m (2)", "day", "d", "daily", "h",
          "min", "body", "million", "and", "or", "vs.", ",", "to", "between", "dL", "%", "twice daily", "b.i.d.",
          "single", "dose", "serum", "P", "=", "<", "respectively", ";", ".", " ", "CD34+", "U.S."]


@given(st.lists(st.sampled_from(TOKENS), max_size=14), st.sampled_from([" ", ""]))
@settings(max_examples=400, deadline=None, database=None)
def test_any_token_soup_gives_valid_doses(tokens, sep):
    text = sep.join(tokens)
    for found in find_doses(text):
        assert 0 <= found.start < found.end <= len(text)
        span = text[found.start:found.end]
        assert span == span.strip()
        Dose(text=span, start=found.start, end=found.end, **_as_model_values(found.values, text))


# Inputs built to make a backtracking engine blow up must finish in linear time.
ADVERSARIAL = [
    "1" * 100_000,
    "1" * 100_000 + " mg",
    "1." * 50_000 + " mg",
    "1, " * 30_000 + "mg",
    "1 and " * 20_000 + "mg",
    "1 ± " * 30_000 + "mg",
    "1 x 10^6 " * 15_000,
    "1 million " * 10_000,
    "1 × 10^6 of " + "the " * 30_000 + "cells",
    "-" * 100_000 + "1 mg",
    "1" + " " * 100_000 + "mg",
    "(" * 100_000 + "1 mg",
    # Names: many product codes, each tied to its own amount, and one name repeated.
    "".join(f"AB{i} 5 mg, " for i in range(10_000)),
    "placebo 5 mL and " * 10_000,
    "nicotine " * 50_000 + "5 mg",
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=lambda t: f"{t[:12]!r}x{len(t)}")
def test_no_catastrophic_backtracking(text):
    started = time.perf_counter()
    find_doses(text)
    assert time.perf_counter() - started < 10


def test_megabyte_line_is_linear():
    line = "Patients received 50 mg of drug daily and 1-2 × 10^6 cells/kg. " * 16_000
    started = time.perf_counter()
    found = find_doses(line)
    assert len(found) == 32_000
    assert time.perf_counter() - started < 60


# Where an amount may start: never inside a word or a number (the scan skips those positions up front),
# but a bracketed amount may follow a name glued to it.
AMOUNT_STARTS = [
    ("CD34(2.5 ± 0.5) × 10^7 cells/kg were infused", [("(2.5 ± 0.5) × 10^7 cells/kg", 2.5e7, "cells/kg")]),
    ("hUC(1-2) × 10^6 cells/kg", [("(1-2) × 10^6 cells/kg", 1e6, "cells/kg")]),
    ("the T40 mg arm", []),
    ("took y.5 mg daily", []),
    ("received .25 mg twice", [(".25 mg", 0.25, "mg")]),
    ("oral 0,5 mg", [("0,5 mg", 0.5, "mg")]),
    ("given 2 500 mg", [("2 500 mg", 2500.0, "mg")]),
    ("up to 10^8 cells", [("10^8 cells", 1e8, "cells")]),
]


@pytest.mark.parametrize("text, expected", AMOUNT_STARTS, ids=[t for t, _ in AMOUNT_STARTS])
def test_where_an_amount_starts(text, expected):
    assert [(span, value, unit) for span, value, _, _, unit, _ in _doses(text)] == expected


# A power of ten past the largest float ("10^999") is no dose and must not fail the document: Python
# raises OverflowError for 10.0 ** 309, and an infinite value is a wrong number. Doses beside it stay.
@pytest.mark.parametrize("text,expected", [
    ("the infusion held 10^999 mg of saline and 4 mg of ondansetron", [("4 mg", 4.0)]),
    ("animals got 3 × 10^400 cells/kg or 2 × 10^6 cells/kg", [("2 × 10^6 cells/kg", 2e6)]),
    ("a dose of " + "7" * 350 + " mg was typed by mistake", []),
    ("0 x 10^999 cells/kg", []),
    # Negatives: large but finite powers are read.
    ("a total of 5 x 10^12 cells was given", [("5 x 10^12 cells", 5e12)]),
    ("1.5 × 10^300 cells", [("1.5 × 10^300 cells", 1.5e300)]),
])
def test_power_past_the_largest_float_is_no_dose(text, expected):
    assert [(f.text, f.values["value"]) for f in _found(text)] == expected


def _found(text):
    class Shown:
        def __init__(self, found):
            self.text, self.values = text[found.start:found.end], found.values
    return [Shown(found) for found in find_doses(text)]
