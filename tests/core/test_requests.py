"""Pages of a digest."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.domain import Digest, DigestItem, StoredArticle
from bot.core.requests import paginate
from tests.app.digest_helpers import (
    NOW,
)


def digest_of(count: int) -> Digest:
    items = [
        DigestItem(StoredArticle(i, f"a{i}", "", "s", None, None, NOW), None, 1 - i / 100)
        for i in range(count)
    ]
    return Digest("russia", NOW - timedelta(days=7), NOW, items)


def test_pages_cut_the_ranked_articles_in_order():
    digest = digest_of(23)

    pages = [paginate(digest, n, 10) for n in (1, 2, 3)]

    assert [len(p.digest.items) for p in pages] == [10, 10, 3]
    assert [i.article.id for p in pages for i in p.digest.items] == list(range(23))
    assert {(p.count, p.total) for p in pages} == {(3, 23)}


def test_a_page_size_of_zero_puts_all_on_one_page_and_an_empty_digest_has_one_page():
    assert len(paginate(digest_of(23), 1, 0).digest.items) == 23
    assert (paginate(digest_of(0), 1, 10).count, paginate(digest_of(0), 1, 0).count) == (1, 1)


def test_a_page_past_the_last_is_refused_naming_the_last():
    with pytest.raises(ValueError, match="has 3 pages; the last is page 3"):
        paginate(digest_of(23), 4, 10)
