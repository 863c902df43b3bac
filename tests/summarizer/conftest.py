"""Fixtures the topic-matching tests share."""

from __future__ import annotations

import pytest

from summarizer.topics import evidence as evidence_module


@pytest.fixture
def read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The titles of the articles whose naming evidence is read, in turn."""
    titles: list[str] = []
    original = evidence_module.lexical_evidence

    def counted(names, article, **how):
        titles.append(article.title)
        return original(names, article, **how)

    monkeypatch.setattr(evidence_module, "lexical_evidence", counted)
    return titles
