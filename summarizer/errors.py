"""Errors of the summarizer package.

SummarizerError
├── ModelLoadError      a model could not be loaded (says which, where it looked, how to fix)
└── SummarizationError  a loaded model failed on a text

`batch_or_each` runs a model step on a batch and, when the batch fails, on each item alone, so
one text the model fails on costs only its own result.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

log = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")


class SummarizerError(Exception):
    """Base of every error raised by the summarizer package."""


class ModelLoadError(SummarizerError):
    """A model could not be loaded; the message says which, where it looked and what to do."""


class SummarizationError(SummarizerError):
    """A loaded model failed to summarize or embed a text."""


def batch_or_each(
    step: Callable[[list[Item]], list[Result]], items: list[Item]
) -> list[Result | SummarizationError]:
    """`step(items)`, one result per item; when that raises SummarizationError, `step` on each
    item alone, an item's error kept in its place."""
    if not items:
        return []
    try:
        return list(step(items))
    except SummarizationError as exc:
        log.warning("a batch of %d failed (%s); retrying one by one", len(items), exc)
    results: list[Result | SummarizationError] = []
    for item in items:
        try:
            [result] = step([item])
        except SummarizationError as exc:
            result = exc
        results.append(result)
    return results
