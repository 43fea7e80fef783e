"""The review pages in a real browser: headless Chromium opens them from disk, its DOM holds
every highlighted mention and its value, and a screenshot of each is kept as a CI artifact
for a person to look at.

Chromium is Debian's package (``apt-get install chromium``). Where it is missing the test
skips, unless TRIALFACTS_REQUIRE_BROWSER=1 (CI) makes that a failure.
"""

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from trialfacts.records.evaluate import evaluate, load_gold_folder, Report
from trialfacts.reading.decoding import read_raw
from trialfacts.views.review import render_comparison_report, write_pages
from support import ROOT, SEED_IDS
from test_review import collect, expected_marks, network_references

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT = 60
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WINDOW = (1280, 1600)


def chromium() -> str:
    found = str(CHROMIUM) if CHROMIUM.is_file() else shutil.which("chromium")
    if found:
        return found
    if os.environ.get("TRIALFACTS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"TRIALFACTS_REQUIRE_BROWSER=1 but Chromium is not at {CHROMIUM}: apt-get install -y chromium")
    pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")


def artifacts_dir() -> Path:
    folder = Path(os.environ.get("TRIALFACTS_ARTIFACTS") or ROOT / "build" / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run_chromium(profile: Path, *arguments: str) -> subprocess.CompletedProcess:
    command = [
        chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        # The pages need nothing from the network; this keeps the test from reaching it even if one did.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile}", *arguments,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, f"chromium exited {result.returncode}: {result.stderr[-2000:]}"
    return result


def dump_dom(profile: Path, page: Path) -> str:
    return run_chromium(profile, "--dump-dom", page.as_uri()).stdout


def screenshot(profile: Path, page: Path, name: str) -> Path:
    target = artifacts_dir() / name
    target.unlink(missing_ok=True)
    run_chromium(profile, f"--screenshot={target}", f"--window-size={WINDOW[0]},{WINDOW[1]}", "--hide-scrollbars",
                 page.as_uri())
    return target


def assert_real_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    assert len(data) > 10_000, f"{path} is only {len(data)} bytes: a blank page?"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    assert (width, height) == WINDOW


@pytest.fixture(scope="module")
def browser():
    """Asked for first, so a machine without Chromium skips before building the extractor."""
    return chromium()


@pytest.fixture(scope="module")
def seeds(browser, extractor):
    texts, records = {}, {}
    for doc_id in SEED_IDS:
        path = ROOT / "corpus" / f"{doc_id}.txt"
        texts[doc_id], records[doc_id] = read_raw(path), extractor.extract_file(path)
    return texts, records


@pytest.fixture(scope="module")
def site(browser, seeds, tmp_path_factory):
    """Both seeds' pages and the index, as write_pages leaves them, and a comparison report."""
    texts, records = seeds
    folder = tmp_path_factory.mktemp("review")
    paths = write_pages([(texts[d], records[d]) for d in SEED_IDS], folder)

    # A prediction with one p-value wrong and one route dropped, so every colour shows.
    predictions = dict(records)
    first = records[SEED_IDS[0]]
    wrong = first.p_values[1].model_copy(update={"value": 0.03})
    predictions[SEED_IDS[0]] = first.model_copy(update={"p_values": [first.p_values[0], wrong],
                                                        "routes": first.routes[:-1]})
    report = evaluate(predictions, ROOT / "gold", texts, ROOT / "corpus")
    golds = load_gold_folder(ROOT / "gold", Report(), ROOT / "corpus")
    comparison = folder / "evaluate-report.html"
    comparison.write_text(render_comparison_report(report, predictions, golds, texts), encoding="utf-8")
    return folder, paths, comparison, tmp_path_factory.mktemp("chromium-profile")


def test_write_pages_gives_both_seeds_and_the_index(site):
    folder, paths, _, _ = site
    assert [p.name for p in paths] == [f"{d}.html" for d in SEED_IDS] + ["index.html"]


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_browser_dom_holds_every_mention_and_its_value(site, seeds, doc_id):
    folder, _, _, profile = site
    texts, records = seeds
    record = records[doc_id]
    dom = dump_dom(profile, folder / f"{doc_id}.html")
    marked = collect(dom).mentions()
    assert sorted(m[:4] for m in marked) == expected_marks(record)
    # The name a dose is tied to may also be an entity's text: labels of the mentions' own fields.
    labels = {m[3]: m[4] for m in marked if m[0] not in ("entities", "interventions")}
    if doc_id == SEED_IDS[0]:
        assert labels["15\u2009±\u20094.5\u2009×\u2009106"] == "DOSE 1.5e7 cells ± 4.5e6 (BM-MSCs)"
        assert labels["p\u2009<\u20090.02"] == "P < 0.02"
        assert labels["26 patients"] == "n = 26 (enrolled)"
        assert labels["intrathecal"] == "ROUTE intrathecal"
        assert {m[3]: m[4] for m in marked if m[0] == "interventions"} == {
            "BM-MSCs": "intervention of 1.5e7 cells ± 4.5e6"}
    else:
        assert labels["P = .052"] == "P = 0.052"
        assert labels["intramuscularly"] == "ROUTE intramuscular"
        assert labels["12 patients"] == "n = 12 (enrolled)"
    assert network_references(dom) == []


def test_browser_index_links_both_pages(site):
    folder, _, _, profile = site
    dom = dump_dom(profile, folder / "index.html")
    for doc_id in SEED_IDS:
        assert f'href="{doc_id}.html"' in dom


def test_browser_comparison_colours_the_changed_prediction(site):
    _, _, comparison, profile = site
    collector = collect(dump_dom(profile, comparison))
    statuses = {}
    for mark, attrs in collector.attrs.items():
        status = next(c for c in attrs["class"].split() if c.startswith("s-"))
        statuses[(mark[0], collector.texts[mark], attrs["data-start"])] = status
    first = "doc-" + SEED_IDS[0]
    assert statuses[("g", "p\u2009<\u20090.05", "1838")] == "s-miss"
    assert statuses[("p", "p\u2009<\u20090.05", "1838")] == "s-false"
    assert statuses[("g", "p\u2009<\u20090.02", "1782")] == statuses[("p", "p\u2009<\u20090.02", "1782")] == "s-hit"
    assert statuses[("g", "Intrathecal application", "2276")] == "s-miss"
    assert ("p", "Intrathecal application", "2276") not in statuses
    assert collector.labels[next(m for m, a in collector.attrs.items()
                                 if m.startswith(f"p-{first}") and a["data-start"] == "1838")] == "\u2717 P < 0.03"


@pytest.mark.parametrize("page, artifact", [
    (f"{SEED_IDS[0]}.html", "review-000.png"),
    (f"{SEED_IDS[1]}.html", "review-003.png"),
    ("index.html", "review-index.png"),
    ("evaluate-report.html", "evaluate-report.png"),
])
def test_screenshot_is_a_real_picture(site, page, artifact):
    folder, _, _, profile = site
    assert_real_png(screenshot(profile, folder / page, artifact))
