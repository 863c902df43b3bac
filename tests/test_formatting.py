"""Digests as Telegram HTML: escaping, layout, and messages that Telegram accepts.

Lengths and tag balance are checked with an independent reading of each message (the standard
library's HTML parser), not with the module's own counting.
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from bot.core.domain import Digest, DigestItem, StoredArticle
from bot.core.requests import paginate
from bot.render.formatting import (
    TELEGRAM_MAX_CHARS,
    pack_blocks,
    render_article,
    render_digest,
    split_for_telegram,
    telegram_html_length,
    telegram_length,
)

SINCE = datetime(2024, 11, 3, 12, 0, tzinfo=UTC)
UNTIL = datetime(2024, 11, 10, 12, 0, tzinfo=UTC)
TELEGRAM_TAGS = {"b", "i", "a", "u", "s", "code", "pre", "blockquote", "tg-spoiler"}


class _MessageReader(HTMLParser):
    """What Telegram would show for a message, and whether its tags nest properly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open_tags: list[str] = []
        self.links: list[str | None] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.problems.append(f"unsupported tag <{tag}>")
        if tag == "a":
            self.links.append(dict(attrs).get("href"))
        self.open_tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open_tags or self.open_tags[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open_tags[-1:] or 'nothing'}")
        else:
            self.open_tags.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def read(message: str) -> _MessageReader:
    reader = _MessageReader()
    reader.feed(message)
    reader.close()
    return reader


def visible_text(message: str) -> str:
    return "".join(read(message).parts)


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def assert_telegram_accepts(messages: list[str]) -> None:
    for message in messages:
        reader = read(message)
        assert reader.problems == [], message
        assert reader.open_tags == [], message
        text = "".join(reader.parts)
        assert text.strip(), "an empty message"
        assert utf16_units(text) <= TELEGRAM_MAX_CHARS


def make_item(
    number: int = 1,
    *,
    title: str = "Talks resume",
    summary: str | None = "Delegations met again.",
    source: str = "Reuters",
    published: datetime | None = datetime(2024, 11, 4, 8, 0, tzinfo=UTC),
) -> DigestItem:
    article = StoredArticle(
        id=number,
        title=title,
        text="The full text.",
        source=source,
        author=None,
        published=published,
        received_at=datetime(2024, 11, 5, 8, 0, tzinfo=UTC),
    )
    return DigestItem(article=article, summary=summary, relevance=0.9)


def make_digest(items: list[DigestItem], topic: str = "russia") -> Digest:
    return Digest(topic=topic, since=SINCE, until=UNTIL, items=items)


def rendered(digest: Digest, **options) -> list[str]:
    """The texts of the digest's messages."""
    return [message.text for message in render_digest(digest, language="en", **options)]


def long_summary(number: int, sentences: int) -> str:
    return " ".join(
        f"Article {number} sentence {k} reports on talks, trade and the weather in detail."
        for k in range(sentences)
    )


# --- lengths -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "units"),
    [("", 0), ("abc", 3), ("Привет", 6), ("😀", 2), ("🇷🇺", 4), ("a😀b", 4)],
)
def test_telegram_length_counts_utf16_code_units(text: str, units: int) -> None:
    assert telegram_length(text) == units


def test_html_length_ignores_tags_and_counts_an_entity_as_one_character() -> None:
    html_text = '<b>a &amp; b</b> <a href="https://x.org/?q=1&amp;r=2">link</a> &#x27;😀&quot;'

    assert telegram_html_length(html_text) == utf16_units(visible_text(html_text)) == 15


# --- escaping and layout -----------------------------------------------------------------------


def test_title_summary_and_source_are_escaped() -> None:
    hostile = "<script>alert(\"x\")</script> & 'quotes'"
    item = make_item(title=f"T {hostile}", summary=f"S {hostile}", source=f"Src {hostile}")

    [message] = rendered(make_digest([item]))

    assert "<script>" not in message
    assert_telegram_accepts([message])
    text = visible_text(message)
    assert f"T {hostile}" in text
    assert f"S {hostile}" in text
    assert f"Src {hostile}" in text


def test_url_source_becomes_a_link_named_by_its_host_with_an_escaped_href() -> None:
    url = 'https://www.example.com/news?id=1&lang="en"<x>'
    item = make_item(source=url)

    [message] = rendered(make_digest([item]))

    assert (
        '<i><a href="https://www.example.com/news?id=1&amp;lang=&quot;en&quot;&lt;x&gt;">'
        "example.com</a> · 4 Nov 2024</i>"
    ) in message
    assert read(message).links == [url]


@pytest.mark.parametrize("source", ["Reuters", "ftp://files.example.com/a", "https://", "mailto:a"])
def test_a_source_that_is_not_an_http_url_stays_plain_text(source: str) -> None:
    [message] = rendered(make_digest([make_item(source=source)]))

    assert read(message).links == []
    assert f"{source} · 4 Nov 2024" in visible_text(message)


def test_header_names_topic_period_and_article_count() -> None:
    digest = make_digest([make_item(1), make_item(2)], topic="russia & co")

    [message] = rendered(digest)

    assert message.startswith("<b>Digest: russia &amp; co</b>\n3 Nov – 10 Nov 2024 · 2 articles")


@pytest.mark.parametrize(
    ("since", "until", "period"),
    [
        (
            datetime(2024, 12, 28, tzinfo=UTC),
            datetime(2025, 1, 4, tzinfo=UTC),
            "28 Dec 2024 – 4 Jan 2025",
        ),
        (datetime(2024, 11, 4, 1, tzinfo=UTC), datetime(2024, 11, 4, 9, tzinfo=UTC), "4 Nov 2024"),
    ],
)
def test_period_shows_years_only_where_needed(
    since: datetime, until: datetime, period: str
) -> None:
    digest = Digest(topic="t", since=since, until=until, items=[make_item()])

    [message] = rendered(digest)

    assert f"\n{period} · 1 article\n" in message


def test_dates_are_shown_in_the_given_time_zone() -> None:
    item = make_item(published=datetime(2024, 11, 4, 23, 30, tzinfo=UTC))

    [message] = rendered(make_digest([item]), tz=ZoneInfo("Europe/Berlin"))

    assert "5 Nov 2024</i>" in message


def test_article_without_publication_date_is_dated_by_arrival() -> None:
    [message] = rendered(make_digest([make_item(published=None)]))

    assert "Reuters · 5 Nov 2024" in visible_text(message)


def test_article_block_is_bold_title_italic_source_line_then_summary_in_an_expandable_quote():
    [message] = rendered(make_digest([make_item()]))

    assert message.endswith(
        "\n\n<b>Talks resume</b>\n<i>Reuters · 4 Nov 2024</i>\n"
        "<blockquote expandable>Delegations met again.</blockquote>"
    )


def test_an_article_shown_alone_has_its_summary_unquoted() -> None:
    message = render_article(make_item(), language="en", tz=UTC)

    assert message.endswith("</i>\nDelegations met again.")


def test_a_quoted_summary_cut_between_messages_is_quoted_in_both() -> None:
    item = make_item(summary="Delegations met again. " * 300)

    messages = rendered(make_digest([item]))

    assert len(messages) == 2
    assert messages[0].endswith("</blockquote>")
    assert messages[1].startswith("<blockquote expandable>")


def test_missing_summary_shows_that_it_is_in_progress() -> None:
    [message] = rendered(make_digest([make_item(summary=None)]))

    assert message.endswith("\n<i>Summary in progress…</i>")


def test_overview_follows_the_header_escaped() -> None:
    [message] = rendered(make_digest([make_item()]), overview="Talks <and> trade")

    header, overview, _ = message.split("\n\n")
    assert header.startswith("<b>Digest: russia</b>")
    assert overview == "Talks &lt;and&gt; trade"


def test_the_digests_own_overview_is_shown_after_the_header() -> None:
    digest = replace(make_digest([make_item()]), overview="A week of talks.")

    [message] = rendered(digest)

    assert message.split("\n\n")[1] == "A week of talks."


# --- splitting ---------------------------------------------------------------------------------


def test_thirty_long_articles_split_into_messages_without_splitting_an_article() -> None:
    items = [make_item(n, title=f"Title {n}", summary=long_summary(n, 8)) for n in range(1, 31)]

    messages = rendered(make_digest(items))

    assert len(messages) > 1
    assert_telegram_accepts(messages)
    for n, item in enumerate(items, start=1):
        holding = [m for m in messages if f"<b>Title {n}</b>" in m]
        assert len(holding) == 1
        assert item.summary in holding[0]


def test_messages_are_packed_so_the_next_block_would_not_have_fitted() -> None:
    items = [make_item(n, summary=long_summary(n, 5)) for n in range(1, 31)]

    messages = rendered(make_digest(items))

    texts = [visible_text(m) for m in messages]
    for previous, following in zip(texts, texts[1:], strict=False):
        first_block = following.split("\n\n")[0]
        assert utf16_units(previous) + 2 + utf16_units(first_block) > TELEGRAM_MAX_CHARS


def test_header_appears_in_the_first_message_only() -> None:
    items = [make_item(n, summary=long_summary(n, 10)) for n in range(1, 31)]

    messages = rendered(make_digest(items))

    assert messages[0].startswith("<b>Digest: russia</b>")
    assert all("Digest: russia" not in m for m in messages[1:])


def test_a_10000_character_summary_splits_at_sentences_into_valid_messages() -> None:
    summary = long_summary(1, 140)
    assert len(summary) > 10_000
    digest = make_digest([make_item(summary=summary)])

    messages = rendered(digest)

    assert len(messages) == 3
    assert_telegram_accepts(messages)
    texts = [visible_text(m) for m in messages]
    assert all(text.endswith(".") for text in texts)
    assert " ".join(texts).split()[-len(summary.split()) :] == summary.split()


def test_a_long_block_joins_the_message_being_filled_when_much_room_is_left() -> None:
    messages = rendered(make_digest([make_item(summary=long_summary(1, 140))]))

    assert "<b>Talks resume</b>" in messages[0]
    assert "Article 1 sentence 0 " in messages[0]


def test_a_giant_title_is_cut_with_its_bold_tag_closed_and_reopened() -> None:
    title = "word " * 2000

    messages = rendered(make_digest([make_item(title=title)]))

    assert len(messages) == 3
    assert_telegram_accepts(messages)
    assert messages[1].startswith("<b>word") and messages[1].endswith("</b>")
    assert " ".join(visible_text(m) for m in messages).count("word") == 2000


def test_each_message_carries_the_articles_whose_block_begins_in_it() -> None:
    items = [make_item(n, title=f"Title {n}", summary=long_summary(n, 8)) for n in range(1, 31)]

    messages = render_digest(make_digest(items), language="en")

    assert len(messages) > 1
    for message in messages:
        shown = re.findall(r"<b>(Title \d+)</b>", message.text)
        assert [title for _, title in message.articles] == shown
    assert [article_id for m in messages for article_id, _ in m.articles] == list(range(1, 31))


def test_an_article_cut_across_messages_is_carried_by_the_message_it_begins_in() -> None:
    items = [make_item(1, title="Short"), make_item(2, title="Long", summary=long_summary(2, 140))]

    messages = render_digest(make_digest(items), language="en")

    assert len(messages) == 3
    assert [m.articles for m in messages] == [((1, "Short"), (2, "Long")), (), ()]


def test_the_packer_tells_which_message_each_block_begins_in() -> None:
    messages, starts = pack_blocks(["<b>aaaa</b>", " ", "bbbb", "cccc", "d" * 30], limit=12)

    assert messages == ["<b>aaaa</b>\n\nbbbb", "cccc\n\ndddddd", "d" * 12, "d" * 12]
    assert starts == [0, None, 0, 1, 1]


def test_text_without_any_space_is_cut_between_characters() -> None:
    messages = split_for_telegram(["<i>" + "x" * 10_000 + "</i>"])

    assert [visible_text(m) for m in messages] == ["x" * 4096, "x" * 4096, "x" * 1808]
    assert_telegram_accepts(messages)


def test_emoji_count_double_so_3000_do_not_fit_in_one_message() -> None:
    emoji = "😀" * 3000

    messages = rendered(make_digest([make_item(summary=emoji)]))

    assert len(messages) == 2
    assert_telegram_accepts(messages)
    assert "".join(visible_text(m) for m in messages).count("😀") == 3000


def test_entities_count_as_one_character_so_escaped_text_packs_by_its_shown_length() -> None:
    ampersands = "&" * 4000  # 20,000 characters once escaped, 4000 once shown

    messages = split_for_telegram([ampersands.replace("&", "&amp;")])

    assert messages == ["&amp;" * 4000]


def test_blocks_are_packed_whole_with_a_blank_line_between() -> None:
    messages = split_for_telegram(["<b>aaaa</b>", "bbbb", "cccc"], limit=12)

    assert messages == ["<b>aaaa</b>\n\nbbbb", "cccc"]


def test_no_blocks_or_blank_blocks_make_no_messages() -> None:
    assert split_for_telegram([]) == []
    assert split_for_telegram([" \n ", "<b> </b>"]) == []


@pytest.mark.parametrize("seed", range(40))
def test_any_mix_of_blocks_splits_into_accepted_messages_without_losing_text(seed: int) -> None:
    rng = random.Random(seed)
    limit = rng.randint(20, 600)
    fragments = ["word", "longerword", "&", "<", ">", '"', "'", "😀", "🇷🇺", "Привет"]
    fragments += [".", "!", "…", " ", " ", " ", " ", "\n"]

    def escaped_text() -> str:
        return html.escape("".join(rng.choice(fragments) for _ in range(rng.randint(1, 400))))

    shapes = [
        "{}",
        "<b>{}</b>",
        "<i>{}</i>",
        '<a href="https://x.org/?a=1&amp;b=&quot;2&quot;">{}</a>',
        "<b>{}<i>{}</i>{}</b>",
    ]

    def line() -> str:
        shape = rng.choice(shapes)
        return shape.format(*(escaped_text() for _ in range(shape.count("{}"))))

    def block() -> str:
        return "\n".join(line() for _ in range(rng.randint(1, 4)))

    blocks = [block() for _ in range(rng.randint(1, 8))]

    messages = split_for_telegram(blocks, limit)

    for message in messages:
        reader = read(message)
        assert reader.problems == [] and reader.open_tags == []
        assert 0 < utf16_units("".join(reader.parts)) <= limit
    shown = "".join(visible_text(m) for m in messages)
    expected = "".join(visible_text(b) for b in blocks)
    assert "".join(shown.split()) == "".join(expected.split())


def test_a_page_counts_the_whole_digest_and_ends_with_how_to_get_the_next() -> None:
    digest = make_digest([make_item(n) for n in range(1, 24)])
    page = paginate(digest, 1, 10)

    messages = rendered(page.digest, page=page)

    lines = visible_text(messages[0]).splitlines()
    assert lines[1].endswith("23 articles · page 1 of 3")
    assert visible_text(messages[-1]).endswith("page 1 of 3 — /digest russia 2 for more")
    assert visible_text("".join(messages)).count("Talks resume") == 10


def test_the_next_page_line_names_the_command_it_is_given() -> None:
    page = paginate(make_digest([make_item(n) for n in range(1, 24)]), 2, 10)

    messages = rendered(page.digest, page=page, next_page_command="/digest russia 30d 3")

    assert visible_text(messages[-1]).endswith("page 2 of 3 — /digest russia 30d 3 for more")


def test_the_last_page_says_so_and_a_single_page_has_no_page_line() -> None:
    digest = make_digest([make_item(n) for n in range(1, 24)])
    last = paginate(digest, 3, 10)
    single = paginate(make_digest([make_item(1)]), 1, 10)

    [last_message] = rendered(last.digest, page=last)
    [single_message] = rendered(single.digest, page=single)

    assert visible_text(last_message).endswith("page 3 of 3, the last.")
    assert "page" not in visible_text(single_message)
    assert visible_text(single_message).splitlines()[1].endswith("1 article")
