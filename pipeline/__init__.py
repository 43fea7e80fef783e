"""trialfacts: structured facts from clinical-trial abstracts."""

__version__ = "0.1.0"
