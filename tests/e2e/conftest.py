"""Fixtures of the end-to-end tests: a fake Telegram Bot API and a local web server per test."""

from __future__ import annotations

import pytest

from bot.sandbox.fakebot import FakeBotAPI
from tests.pageserver import PageServer


@pytest.fixture
def fake():
    with FakeBotAPI() as server:
        yield server


@pytest.fixture
def pages():
    with PageServer() as server:
        yield server
