"""The whole digest as one file: a standalone, escaped HTML page and the JSON, named safely."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from bot.app.exports import digest_files
from bot.render.page import digest_json, file_stem, render_page
from tests.test_formatting import UNTIL, make_digest, make_item


class Resources(HTMLParser):
    """Every tag, and any attribute that would load something."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.loads: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.loads += [value for name, value in attrs if name in ("src", "srcset")]
        if tag == "link" or tag == "script":
            self.loads.append(tag)


def test_the_page_shows_every_article_whole_escaped_and_loads_nothing():
    items = [
        make_item(1, title="<script>alert(1)</script>", summary="A & B <i>met</i>. " * 50),
        make_item(2, source="https://www.reuters.com/world/x", summary=None),
    ]
    digest = make_digest(items, topic="russia & <china>")

    page = render_page(digest, language="en")

    parsed = Resources()
    parsed.feed(page)
    assert parsed.loads == [] and "script" not in parsed.tags
    assert parsed.tags.count("article") == 2
    assert "<title>Digest: russia &amp; &lt;china&gt;</title>" in page
    assert ("A &amp; B &lt;i&gt;met&lt;/i&gt;. " * 50).strip() in page
    assert '<a href="https://www.reuters.com/world/x">reuters.com</a>' in page
    assert "Summary in progress…" in page


def test_the_page_dates_follow_the_time_zone():
    digest = make_digest([make_item()])

    assert "4 Nov 2024" in render_page(digest, language="en")
    assert file_stem(digest, tz=ZoneInfo("Pacific/Kiritimati")).endswith(
        UNTIL.astimezone(ZoneInfo("Pacific/Kiritimati")).date().isoformat()
    )


def test_a_file_name_keeps_only_safe_characters_of_the_topic():
    digest = make_digest([make_item()], topic="../north korea -china/ü")

    assert file_stem(digest) == f"digest-north-korea-china-ü-{UNTIL.date().isoformat()}"


def test_the_files_are_the_page_and_the_json_of_the_same_digest():
    digest = make_digest([make_item(1), make_item(2, title="Second")])

    page, exported = digest_files(digest, tz=ZoneInfo("UTC"), language="en")

    assert page.name.endswith(".html") and exported.name.endswith(".json")
    assert page.caption == "Digest: russia, 2 articles on one page"
    values = json.loads(exported.data)
    assert values == json.loads(json.dumps(digest_json(digest)))
    assert [a["title"] for a in values["articles"]] == ["Talks resume", "Second"]
    assert values["total"] == 2


def test_the_page_and_its_captions_are_in_the_chats_language():
    digest = make_digest([make_item(1), make_item(2, summary=None)])

    page, exported = digest_files(digest, tz=ZoneInfo("UTC"), language="de")
    html = page.data.decode()

    assert page.caption == "Digest: russia, 2 Artikel auf einer Seite"
    assert exported.caption == "Derselbe Digest als JSON"
    assert '<html lang="de">' in html and "<h1>Digest: russia</h1>" in html
    assert "2 Artikel" in html and "Zusammenfassung entsteht…" in html
    assert "4. Nov. 2024" in html and "4 Nov 2024" not in html
    assert json.loads(exported.data) == json.loads(json.dumps(digest_json(digest)))
