"""Fixtures for the ingest tests: small texts imitating each kind of junk real copies carry."""

from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixture_bytes() -> Callable[[str], bytes]:
    """Return a reader of a fixture file's bytes by name."""
    return lambda name: (FIXTURES / name).read_bytes()


@pytest.fixture
def fixture_text() -> Callable[[str], str]:
    """Return a reader of a fixture file's text by name."""
    return lambda name: (FIXTURES / name).read_text(encoding="utf-8")
