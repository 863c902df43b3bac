"""Errors of the summarizer package.

SummarizerError
├── ModelLoadError      a model could not be loaded (says which, where it looked, how to fix)
└── SummarizationError  a loaded model failed on a text
"""


class SummarizerError(Exception):
    """Base of every error raised by the summarizer package."""


class ModelLoadError(SummarizerError):
    """A model could not be loaded; the message says which, where it looked and what to do."""


class SummarizationError(SummarizerError):
    """A loaded model failed to summarize or embed a text."""
