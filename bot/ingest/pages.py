"""Fetched pages to article drafts: decode with the server's charset, then extract.

HTML goes through the same trafilatura extraction as uploaded HTML files; plain text through
the pasted-text pipeline, unless the "text" is an HTML page served as text/plain. The article's
source is the page's final URL (after redirects).
"""

from __future__ import annotations

from bot.core.domain import ArticleDraft
from bot.core.texts import user_text
from bot.ingest.articles import parse_text
from bot.ingest.decode import decode_text
from bot.ingest.documents import looks_like_html, parse_html
from bot.ingest.errors import UndecodableFileError, UnsupportedContentError
from bot.ingest.fetch import FetchedPage


def parse_page(page: FetchedPage, *, max_chars: int) -> list[ArticleDraft]:
    """The articles of a fetched page, `source` = its final URL (IngestError if none)."""
    try:
        markup = decode_text(page.url, page.content, charset=page.charset)
    except UndecodableFileError as exc:
        raise UnsupportedContentError(
            user_text(
                "{url} is labelled {content_type} but holds binary data, not a web page. "
                "Send a link to an article's page, or the article's text.",
                url=page.url,
                content_type=page.content_type,
            )
        ) from exc
    if page.content_type == "text/plain" and not looks_like_html(markup):
        return parse_text(markup, source=page.url, max_chars=max_chars)
    return parse_html(page.url, markup, page.url, max_chars)
