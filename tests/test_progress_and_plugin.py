"""The progress bar a person sees on a terminal, and the spaCy plugin entry points."""

import io
import json
import os
import pty
import subprocess
import sys

import pytest

from trialfacts.running.progress import ProgressBar
from support import ROOT, SEED_IDS

SEEDS = [str(ROOT / "corpus" / f"{doc_id}.txt") for doc_id in SEED_IDS]


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_bar_shows_share_count_and_rate_on_a_terminal():
    screen = Terminal()
    bar = ProgressBar(10, stream=screen)
    for _ in range(10):
        bar.step()
    bar.close()
    last = screen.getvalue().rstrip("\n").split("\r")[-1]
    assert last.startswith("100%|") and "10/10" in last and "docs/s" in last
    assert screen.getvalue().endswith("\n")


def test_said_lines_go_above_the_bar_not_into_it():
    screen = Terminal()
    bar = ProgressBar(10, stream=screen)
    bar.step()
    bar.say("error: a.txt: binary content")
    bar.step()
    bar.close()
    lines = screen.getvalue().replace("\r", "\n").splitlines()
    assert "error: a.txt: binary content" in lines  # a line of its own


@pytest.mark.parametrize("stream,quiet,total", [
    (io.StringIO(), False, 100),  # a pipe or a log file: no redraws
    (Terminal(), True, 100),      # --quiet
    (Terminal(), False, 3),       # a few documents: done before a bar helps
])
def test_no_bar_when_nobody_watches_or_nothing_to_wait_for(stream, quiet, total):
    bar = ProgressBar(total, quiet=quiet, stream=stream)
    for _ in range(total):
        bar.step()
    bar.close()
    assert stream.getvalue() == ""


def test_unknown_total_counts_documents():
    screen = Terminal()
    bar = ProgressBar(None, stream=screen)
    bar.step()
    bar.close()
    assert "1docs" in screen.getvalue().replace(" ", "") and "%|" not in screen.getvalue()


def test_extract_draws_the_bar_only_when_stderr_is_a_terminal(tmp_path):
    files = SEEDS * 4  # eight documents
    command = [sys.executable, "-m", "trialfacts.cli", "extract", *files, "-o", str(tmp_path / "out.jsonl")]
    piped = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert piped.returncode == 0 and "\r" not in piped.stderr and "[#" not in piped.stderr
    primary, secondary = pty.openpty()
    process = subprocess.Popen(command, cwd=ROOT, stderr=secondary, stdout=subprocess.DEVNULL)
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait() == 0
    os.close(primary)
    screen = seen.decode()
    assert "100%|" in screen and "8/8" in screen and "read 8, extracted 8, failed 0" in screen


PLUGIN = """
import json
import spacy
nlp = spacy.blank("en")
for name in ["trialfacts_abbreviations", "trialfacts_lexicon", "trialfacts_pvalue",
             "trialfacts_sample_size", "trialfacts_dose", "trialfacts_route", "trialfacts_effect"]:
    nlp.add_pipe(name)
doc = nlp("Sixty patients with amyotrophic lateral sclerosis (ALS) received 10 mg/kg of riluzole "
          "intravenously; pain fell (mean difference -1.2, 95% CI -2.0 to -0.4; P < 0.01).")
print(json.dumps({"pipes": nlp.pipe_names,
                  "spans": {key: [s.text for s in group] for key, group in doc.spans.items()},
                  "sample_size": doc._.sample_size}))
"""


def test_a_fresh_spacy_pipeline_finds_the_factories_through_entry_points(tmp_path):
    result = subprocess.run([sys.executable, "-c", PLUGIN], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.splitlines()[-1])
    assert found["pipes"][-1] == "trialfacts_effect"
    assert found["spans"]["trialfacts_effects"] == ["mean difference -1.2, 95% CI -2.0 to -0.4"]
    assert found["spans"]["trialfacts_p_values"] == ["P < 0.01"]
    assert found["spans"]["trialfacts_doses"] == ["10 mg/kg"]
    assert found["spans"]["trialfacts_routes"] == ["intravenously"]
    assert found["sample_size"] == 60
    assert "riluzole" in found["spans"]["trialfacts_entities"]
