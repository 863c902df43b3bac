"""/import and /export against the fake Bot API: an OPML file sent with /import as its caption
(or answered with /import in a group) is followed, /export sends the feeds back as a file, and
what is no feed list, or too large, gets a clear answer and follows nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ingest.opml import ListedFeed, read_opml
from tests.handlers.live import live_bot

FIXTURES = Path(__file__).parents[1] / "fixtures" / "opml"
ADMIN = 77
GROUP = -1005


@pytest.fixture
async def live(fake, sqlite_store, fake_matcher):
    async with live_bot(fake, sqlite_store, fake_matcher, admins=[ADMIN]) as running:
        yield running


async def test_an_imported_rsstt_list_is_followed_and_exported_back(live, fake, sqlite_store):
    fake.send_document(
        ADMIN, "RSStT_export.opml", (FIXTURES / "rsstt_export.opml").read_bytes(),
        mime_type="text/x-opml", caption="/import",
    )  # fmt: skip
    await live.wait_for(lambda: len(fake.messages(ADMIN)) == 1)
    [exported] = await live.send_and_wait(ADMIN, "/export")

    imported = fake.messages(ADMIN)[0]
    assert imported.plain_text.startswith("Imported the feed list: following 3 new feeds")
    assert [f.title for f in sqlite_store.feeds.all()][2] == "Северный вестник"
    assert exported.document.file_name.endswith(".opml")
    assert exported.plain_text.startswith("The 3 followed feeds as an OPML file")
    assert read_opml(exported.document.data) == [
        ListedFeed(f.url, f.title) for f in sqlite_store.feeds.all()
    ]


async def test_in_a_group_an_admin_answers_the_file_with_import(live, fake, sqlite_store):
    opml = (FIXTURES / "miniflux_export.opml").read_bytes()
    fake.send_document(GROUP, "feeds.opml", opml, chat_type="supergroup", user_id=ADMIN)

    [answer] = await live.send_and_wait(
        GROUP, "/import", chat_type="supergroup", user_id=ADMIN, reply_to_message_id=1
    )

    assert answer.plain_text.startswith("Imported the feed list: following 3 new feeds")
    assert len(sqlite_store.feeds.all()) == 3


@pytest.mark.parametrize(
    ("name", "data", "answer", "downloads"),
    [
        ("notes.txt", b"Harbour Wire https://harbour.example/rss.xml", "is not an OPML", 1),
        ("feeds.opml", b"<opml><body><outline text='x'/></body></opml>", "lists no feeds", 1),
        ("huge.opml", b"<opml>" + b" " * 1_200_000 + b"</opml>", "is at most 1 MB", 0),
    ],
)
async def test_what_is_no_feed_list_gets_a_clear_answer_and_follows_nothing(
    live, fake, sqlite_store, name, data, answer, downloads
):
    fake.send_document(ADMIN, name, data, caption="/import")
    await live.wait_for(lambda: len(fake.messages(ADMIN)) == 1)

    [reply] = fake.messages(ADMIN)
    assert answer in reply.plain_text and "Traceback" not in reply.plain_text
    assert sqlite_store.feeds.all() == []
    assert len(fake.calls("getFile")) == downloads  # a huge file is refused unread


async def test_a_file_without_a_name_is_called_the_file_in_the_chats_language(live, fake):
    await live.send_and_wait(ADMIN, "/language de")
    fake.send_document(ADMIN, "", b"Harbour Wire https://harbour.example/rss", caption="/import")
    await live.wait_for(lambda: len(fake.messages(ADMIN)) == 2)

    assert fake.messages(ADMIN)[-1].plain_text.startswith("Die Datei ist keine OPML")


async def test_import_and_export_are_for_admins_and_explain_themselves(live, fake):
    [refused] = await live.send_and_wait(5, "/export")
    [usage] = await live.send_and_wait(ADMIN, "/import")
    [empty] = await live.send_and_wait(ADMIN, "/export")

    assert refused.plain_text == "Only the bot's administrators can manage feeds."
    assert "with /import as its caption" in usage.plain_text
    assert empty.plain_text.startswith("No feeds are followed")


async def test_an_opml_file_sent_alone_in_a_private_chat_is_imported(live, fake, sqlite_store):
    fake.send_document(ADMIN, "subscriptions.opml", (FIXTURES / "rsstt_export.opml").read_bytes())
    await live.wait_for(lambda: len(fake.messages(ADMIN)) == 1)

    [answer] = fake.messages(ADMIN)
    assert answer.plain_text.startswith("Imported the feed list: following 3 new feeds")
    assert len(sqlite_store.feeds.all()) == 3
