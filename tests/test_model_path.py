"""The installed-model path (`--model`): a scispaCy model's entities join the record.

No scispaCy model can be installed here, so the test trains a tiny spaCy NER model,
saves it, and loads it by path the way `--model en_core_sci_sm` loads a package.
"""

import random

import pytest
import spacy
from spacy.training import Example

TRAINING = [
    ("Patients received riluzole daily.", [(18, 26, "CHEMICAL")]),
    ("Riluzole was well tolerated.", [(0, 8, "CHEMICAL")]),
    ("Patients with ALS received riluzole.", [(27, 35, "CHEMICAL")]),
    ("We gave riluzole to patients.", [(8, 16, "CHEMICAL")]),
]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    random.seed(0)
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    ner.add_label("CHEMICAL")
    examples = [Example.from_dict(nlp.make_doc(text), {"entities": ents}) for text, ents in TRAINING]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(30):
        random.shuffle(examples)
        nlp.update(examples, sgd=optimizer, drop=0.0)
    path = tmp_path_factory.mktemp("model") / "tiny_ner"
    nlp.to_disk(path)
    return path


def test_model_entities_join_the_record(tiny_model):
    from trialfacts.running.extractor import Extractor

    extractor = Extractor(model=str(tiny_model))
    assert "ner" in extractor.nlp.pipe_names
    raw = "Patients received riluzole daily. P < 0.05 was considered significant."
    record = extractor.extract_text(raw, "t1")
    from_model = [e for e in record.entities if e.source == "model"]
    assert ("riluzole", "CHEMICAL", 18) in [(e.text, e.label, e.start) for e in from_model]
    assert all(raw[e.start:e.end] == e.text for e in from_model)
    # the rules still run beside the model
    assert [(p.value, p.threshold) for p in record.p_values] == [(0.05, True)]


def test_unknown_model_is_a_clear_error():
    from trialfacts.running.extractor import Extractor

    with pytest.raises(OSError, match="en_no_such_model"):
        Extractor(model="en_no_such_model")
