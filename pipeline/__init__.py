"""trialfacts: structured facts from clinical-trial abstracts.

    import trialfacts
    record = trialfacts.extract("Sixty patients were randomized to 10 mg/kg orally or placebo (P < 0.01).")

The package, by the way a fact is made:

- ``reading``: input files and streams (``sources``), bytes to text (``decoding``), page chrome
  and Unicode cleaning with an offset map back to the raw text (``clean``);
- ``nlp``: the spaCy pipeline (``build``): tokenizer, abbreviations, lexicon entities, and the
  span store the extractors write to (``spans``);
- ``extractors``: the number grammar (``numbers``) and one spaCy component per field
  (``pvalues``, ``sample_size``, ``doses`` with ``dose_interventions``, ``routes``, ``effects``);
- ``records``: the pydantic models (``models``), Doc to record (``record``), scoring
  (``evaluate``), values as people read them (``describe``);
- ``running``: one record or error per document (``extractor``), worker processes and part
  folders (``runner``), Dask (``dask_runner``), the progress bar;
- ``views``: review pages (``review``), CSV/TSV (``tabular``), brat standoff (``brat``);
- ``cli``: one module per command; ``api``: the functions below, which the CLI uses.
"""

__version__ = "0.1.0"

__all__ = ["load", "extract", "extract_many", "evaluate", "__version__"]


def __getattr__(name: str):
    # The API is imported on first use, so that `extract --help` (which imports this package)
    # does not pay for pydantic and spaCy.
    if name in ("load", "extract", "extract_many", "evaluate"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'trialfacts' has no attribute {name!r}")
