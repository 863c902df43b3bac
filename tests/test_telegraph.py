"""A whole digest as a Telegraph page: Node JSON of allowed tags only, user text kept as text,
within Telegraph's 64 KB; and the client against a fake Telegraph API on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from bot.app.exports import PageNotPublished
from bot.render.telegraph import CONTENT_LIMIT_BYTES, content_bytes, telegraph_page
from bot.telegram.telegraph import TelegraphClient, create_account
from tests.telegraphserver import FakeTelegraph
from tests.test_formatting import make_digest, make_item

ALLOWED = {"a", "aside", "b", "blockquote", "br", "code", "em", "figcaption", "figure", "h3",
           "h4", "hr", "i", "iframe", "img", "li", "ol", "p", "pre", "s", "strong", "u", "ul",
           "video"}  # fmt: skip


def walk(nodes):
    """Every element node, depth first."""
    for node in nodes:
        if isinstance(node, dict):
            yield node
            yield from walk(node.get("children", []))


def texts(nodes) -> str:
    return "".join(n if isinstance(n, str) else texts(n.get("children", [])) for n in nodes)


def test_the_page_holds_each_article_with_its_link_date_and_summary_as_text():
    items = [
        make_item(1, title="<script>alert(1)</script>", summary="A & B <i>met</i>."),
        make_item(2, source="https://www.reuters.com/world/x", summary=None),
    ]
    page = telegraph_page(make_digest(items, topic="russia & <china>"), language="en")

    assert page.title == "Digest: russia & <china>"
    assert {node["tag"] for node in walk(page.content)} <= ALLOWED
    assert "<script>alert(1)</script>" in texts(page.content)  # a text node, never a tag
    assert "A & B <i>met</i>." in texts(page.content)
    links = [n for n in walk(page.content) if n["tag"] == "a"]
    assert [n["attrs"]["href"] for n in links] == ["https://www.reuters.com/world/x"] * 2
    assert links[1]["children"] == ["reuters.com"]
    assert [n["children"] for n in walk(page.content) if n["tag"] == "h3"][0] == [
        "<script>alert(1)</script>"
    ]
    assert "4 Nov 2024" in texts(page.content) and "Summary in progress…" in texts(page.content)


def test_a_source_that_is_not_a_web_address_is_no_link():
    page = telegraph_page(make_digest([make_item(1, source="javascript:alert(1)")]), language="en")

    assert not [n for n in walk(page.content) if n["tag"] == "a"]
    assert "javascript:alert(1)" in texts(page.content)


def test_a_digest_too_big_for_one_page_is_cut_with_a_note_under_the_limit():
    summary = "Ünïcode summary. " * 400
    items = [make_item(i, title=f"Report {i}", summary=summary) for i in range(30)]

    page = telegraph_page(make_digest(items), language="en")

    assert content_bytes(page.content) <= CONTENT_LIMIT_BYTES
    shown = sum(1 for n in walk(page.content) if n["tag"] == "h3")
    assert 0 < shown < 30
    assert f"{30 - shown} of 30 articles did not fit on this page" in texts(page.content)


def test_a_digest_that_fits_has_no_note():
    items = [make_item(i, summary="Short. " * 20) for i in range(5)]

    page = telegraph_page(make_digest(items), language="de")

    assert sum(1 for n in walk(page.content) if n["tag"] == "h3") == 5
    assert "passten nicht" not in texts(page.content)
    assert page.title.startswith("Digest")


@pytest.fixture
def telegraph():
    with FakeTelegraph() as server:
        yield server


async def test_the_client_makes_a_page_once_and_links_it_again(telegraph):
    client = TelegraphClient(telegraph.url, "secret")
    page = telegraph_page(make_digest([make_item(1)]), language="en")

    first = await client.create_page(page)
    again = await client.create_page(page)

    assert first == again == "https://telegra.ph/Digest-1"
    [fields] = telegraph.pages()
    assert fields["access_token"] == "secret" and fields["title"] == page.title
    assert json.loads(fields["content"]) == page.content


async def test_a_refused_or_unreachable_telegraph_is_page_not_published(telegraph):
    page = telegraph_page(make_digest([make_item(1)]), language="en")
    telegraph.refuse = "CONTENT_TOO_BIG"

    with pytest.raises(PageNotPublished, match="CONTENT_TOO_BIG"):
        await TelegraphClient(telegraph.url, "secret").create_page(page)
    with pytest.raises(PageNotPublished, match="could not be reached"):
        await TelegraphClient("http://127.0.0.1:9", "secret", timeout_s=2).create_page(page)


async def test_create_account_returns_the_new_token(telegraph):
    assert await create_account(telegraph.url, "digestbot") == "fake-token-1"
    assert telegraph.calls == [("createAccount", {"short_name": "digestbot"})]


def test_the_note_of_a_cut_page_is_in_the_chats_language():
    items = [make_item(i, summary="Zusammenfassung. " * 400) for i in range(20)]

    page = telegraph_page(make_digest(items), language="de", limit_bytes=20_000)

    assert content_bytes(page.content) <= 20_000
    assert "von 20 Artikeln passten nicht auf diese Seite" in texts(page.content)
