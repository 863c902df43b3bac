"""End to end: links pasted in chat are fetched from 127.0.0.1, stored and summarized; a
broken or forbidden link gets a clear answer and stores nothing."""

from __future__ import annotations

import pytest

from tests.e2e.harness import BotProcess
from tests.e2e.test_bot import CHAT, wait_for_summary
from tests.ingest.conftest import FIXTURES

pytestmark = pytest.mark.e2e


@pytest.fixture
def bot(fake, tmp_path):
    with BotProcess(fake, tmp_path, fetch_allowed_networks='["127.0.0.0/8"]') as process:
        yield process


def test_pasted_link_is_fetched_stored_and_summarized(fake, pages, bot):
    url = pages.page("/harbour", (FIXTURES / "article.html").read_bytes())

    [reply] = fake.send_and_wait(CHAT, f"Have a look: {url}", timeout=30)

    assert reply.plain_text.startswith("Stored: Harbour Reopens After the Storm")
    assert url in reply.plain_text
    completed = wait_for_summary(fake, reply.message_id)
    assert "harbour" in completed.split("\n\n", 1)[1].lower()


def test_broken_and_forbidden_links_get_a_reason_and_store_nothing(fake, pages, bot):
    pages.redirect("/metadata", "http://169.254.169.254/latest/meta-data/")

    [missing] = fake.send_and_wait(CHAT, f"/add {pages.url('/gone')}", timeout=30)
    [refused] = fake.send_and_wait(CHAT, pages.url("/metadata"), timeout=30)

    assert "does not exist (HTTP 404)" in missing.plain_text
    assert "private or reserved address" in refused.plain_text
    digest = bot.cli("digest", "harbour", "--json")
    assert '"articles": []' in digest.stdout
