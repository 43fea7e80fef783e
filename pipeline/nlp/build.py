"""Building the spaCy pipeline: scispaCy tokenizer and abbreviations, lexicon NER, the extractors.

Without a scispaCy model (none can be installed from the package registries) the
pipeline is spacy.blank("en") with scispaCy's tokenizer and AbbreviationDetector and
the lexicon component. With one (``model="en_core_sci_sm"`` or a path), the model's
own components run first and its entities join the record's ``entities``.
"""

from __future__ import annotations

import warnings

import spacy
from spacy.language import Language

# Importing the modules registers their factories with spaCy.
from ..extractors import doses, effects, pvalues, routes, sample_size  # noqa: F401
from . import abbreviations, lexicon  # noqa: F401
from .tokenizer import trialfacts_tokenizer

# Two warnings that tell a user of the command nothing: spaCy compiling scispaCy's tokenizer
# rules ("Possible set union"), and the abbreviation detector running its global matcher on a
# document that defined no abbreviation (W036).
warnings.filterwarnings("ignore", message="Possible set union", category=FutureWarning)
warnings.filterwarnings("ignore", message=r"\[W036\]", category=UserWarning)

# The effect extractor reads the p-values (an effect carries the one reported with it): after them.
EXTRACTORS = (
    "trialfacts_pvalue", "trialfacts_sample_size", "trialfacts_dose", "trialfacts_route", "trialfacts_effect",
)


def build_pipeline(model: str | None = None) -> Language:
    if model:
        # A model's tagger or parser is not needed by the rules; its NER is the point.
        nlp = spacy.load(model, exclude=["tagger", "attribute_ruler", "lemmatizer"])
    else:
        nlp = spacy.blank("en")
    nlp.tokenizer = trialfacts_tokenizer(nlp)
    nlp.add_pipe("trialfacts_abbreviations")
    nlp.add_pipe("trialfacts_lexicon")
    for name in EXTRACTORS:
        nlp.add_pipe(name)
    return nlp
