"""Specification of the faithfulness guard: numbers and names must come from the source."""

from __future__ import annotations

import logging

import pytest

from summarizer.faithfulness import guarded, unsupported_facts

SOURCE = (
    "The council of Springfield said on Monday that 1,200 homes were flooded. "
    "Mayor Quimby's office expects repairs to cost 3.5 million dollars."
)


@pytest.mark.parametrize(
    "summary",
    [
        "Springfield's council said 1200 homes were flooded.",
        "Mayor Quimby expects repairs to cost 3.5 million dollars.",
        "The council said homes were flooded on Monday.",
        "Repairs will cost millions, the council said.",
    ],
)
def test_a_summary_stating_only_what_the_source_says_is_supported(summary: str) -> None:
    assert unsupported_facts(summary, SOURCE) == []


@pytest.mark.parametrize(
    ("summary", "missing"),
    [
        ("The council said 1,300 homes were flooded.", ["1,300"]),
        ("Mayor Burns expects repairs to cost 3.5 million dollars.", ["Burns"]),
        ("Shelbyville said 12 homes were flooded on Monday.", ["12", "Shelbyville"]),
        ("The council of Springfield met on Tuesday.", ["Tuesday"]),
    ],
)
def test_invented_numbers_and_names_are_reported(summary: str, missing: list[str]) -> None:
    assert unsupported_facts(summary, SOURCE) == missing


def test_an_unfaithful_summary_is_replaced_by_the_fallback_and_logged(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="summarizer.faithfulness"):
        result = guarded(
            "Shelbyville flooded.", SOURCE, lambda: "extractive summary", model_key="m"
        )

    assert result == "extractive summary"
    assert "'Shelbyville'" in caplog.text and "m:" in caplog.text


def test_a_faithful_summary_is_kept_without_calling_the_fallback() -> None:
    def fallback() -> str:
        raise AssertionError("the fallback must not run")

    assert guarded("Springfield flooded.", SOURCE, fallback, model_key="m") == (
        "Springfield flooded."
    )
