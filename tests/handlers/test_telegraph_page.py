"""A long digest as one Telegraph page, against the fake Bot API and a fake Telegraph API:
with a token set, the whole-digest button answers with a link to one page (made once), in a
channel in an alert; when Telegraph fails the files come instead, with a short note."""

from __future__ import annotations

import pytest

from tests.handlers.live import live_bot
from tests.handlers.test_whole_digest import CHANNEL, CHAT, push, store_reports
from tests.telegraphserver import FakeTelegraph


@pytest.fixture
def telegraph():
    with FakeTelegraph() as server:
        yield server


@pytest.fixture
async def live(fake, sqlite_store, fake_matcher, telegraph):
    async with live_bot(
        fake,
        sqlite_store,
        fake_matcher,
        digest_page_size=3,
        telegraph_token="page-token",
        telegraph_api_url=telegraph.url,
    ) as running:
        yield running


def whole_digest_button(fake, chat_id: int):
    last = fake.messages(chat_id)[-1]
    [data] = [d for d in last.button_data() if d.startswith("a:")]
    return last.message_id, data


def labels(message) -> list[str]:
    rows = message.reply_markup["inline_keyboard"]
    return [button["text"] for row in rows for button in row]


async def test_the_button_links_one_page_and_a_second_press_reuses_it(live, fake, telegraph):
    store_reports(live, 4)
    await push(live, CHAT)
    message_id, data = whole_digest_button(fake, CHAT)
    pushed = len(fake.messages(CHAT))

    fake.press_button(CHAT, message_id, data, user_id=CHAT)
    await live.wait_for(lambda: len(fake.messages(CHAT)) == pushed + 1)
    fake.press_button(CHAT, message_id, data, user_id=CHAT)
    await live.wait_for(lambda: len(fake.messages(CHAT)) == pushed + 2)

    assert "Whole digest on one page" in labels(fake.messages(CHAT)[pushed - 1])
    first, second = fake.messages(CHAT)[-2:]
    assert first.plain_text == "The whole digest on one page: https://telegra.ph/Digest-1"
    assert second.plain_text == first.plain_text
    [page] = telegraph.pages()
    assert page["access_token"] == "page-token" and page["title"] == "Digest: russia"
    assert page["content"].count('"h3"') == 4
    assert fake.calls("sendDocument") == []


async def test_when_telegraph_fails_the_files_come_with_a_short_note(live, fake, telegraph):
    telegraph.refuse = "FLOOD_WAIT_5"
    store_reports(live, 4)
    await push(live, CHAT)
    message_id, data = whole_digest_button(fake, CHAT)

    fake.press_button(CHAT, message_id, data, user_id=CHAT)
    await live.wait_for(lambda: len(fake.calls("sendDocument")) == 2)

    note = fake.messages(CHAT)[-3]
    assert note.plain_text == (
        "The digest could not be made into one page just now; here it is as files."
    )
    assert "FLOOD_WAIT" not in note.plain_text
    assert fake.messages(CHAT)[-2].document.file_name.endswith(".html")


async def test_in_a_channel_the_page_link_is_an_alert_for_the_presser(live, fake, telegraph):
    store_reports(live, 4)
    await push(live, CHANNEL, "channel")
    message_id, data = whole_digest_button(fake, CHANNEL)
    posted = len(fake.messages(CHANNEL))

    answer = await live.answer_to(fake.press_button(CHANNEL, message_id, data, user_id=5001))

    assert answer["show_alert"]
    assert answer["text"] == "The whole digest on one page: https://telegra.ph/Digest-1"
    assert len(fake.messages(CHANNEL)) == posted and fake.calls("sendDocument") == []


async def test_in_a_channel_a_failing_telegraph_posts_nothing(live, fake, telegraph):
    telegraph.refuse = "UNKNOWN_METHOD"
    store_reports(live, 4)
    await push(live, CHANNEL, "channel")
    message_id, data = whole_digest_button(fake, CHANNEL)
    posted = len(fake.messages(CHANNEL))

    answer = await live.answer_to(fake.press_button(CHANNEL, message_id, data, user_id=5001))

    assert answer["show_alert"] and "every reader" in answer["text"]
    assert len(fake.messages(CHANNEL)) == posted and fake.calls("sendDocument") == []


async def test_a_digest_answer_offers_itself_on_one_page(live, fake, telegraph):
    store_reports(live, 5, summary_chars=200)

    [answer] = await live.send_and_wait(CHAT, "/digest russia 2d")
    fake.press_button(CHAT, answer.message_id, "w:2d:russia", user_id=CHAT)
    await live.wait_for(lambda: len(telegraph.pages()) == 1)

    assert "Whole digest on one page" in labels(answer)
    assert telegraph.pages()[0]["content"].count('"h3"') == 5
