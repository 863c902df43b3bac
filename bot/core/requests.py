"""What a user asks of a digest and what the answer can offer: the `/digest` request (with the
command that asks for it again), a page of a digest, and the advice an empty digest gives."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.core.domain import Digest, DigestPage
from bot.core.texts import N_, user_text

MAX_PAGE = 9999  # the Next page button's callback data holds four digits
MAX_PERIOD_DAYS = 3650  # `/digest russia 30d`: periods of 1 day to ten years
# The topic syntax (summarizer.topics.query reads it), told with /help and to a topic refused.
TOPIC_SYNTAX = N_(
    "A topic is one word (russia), several words as one phrase (north korea), "
    "'china -taiwan' to leave out articles about taiwan, "
    "or 'russia OR ukraine' for articles about either."
)


@dataclass(frozen=True)
class DigestRequest:
    """What `/digest` is asked for: a topic, a period in days (None: the `digest_days`
    setting) and a page (from 1)."""

    topic: str
    days: int | None = None
    page: int = 1

    def command(self, page: int | None = None) -> str:
        """The command that asks for this digest again, at `page` (default: its own)."""
        page = self.page if page is None else page
        period = f" {self.days}d" if self.days else ""
        number = f" {page}" if page > 1 else ""
        return f"/digest {self.topic}{period}{number}"


def paginate(digest: Digest, number: int, per_page: int) -> DigestPage:
    """Page `number` (from 1) of `digest`, `per_page` articles a page (0: all on one page).

    ValueError when the digest has fewer pages; an empty digest has one, empty, page.
    """
    total = len(digest.items)
    if per_page <= 0:
        per_page = max(total, 1)
    count = max(1, -(-total // per_page))
    if number > count:
        if count == 1:
            raise ValueError(
                user_text(
                    "The digest of {topic} has 1 page; the last is page 1.", topic=digest.topic
                )
            )
        raise ValueError(
            user_text(
                "The digest of {topic} has {count} pages; the last is page {count}.",
                topic=digest.topic,
                count=count,
            )
        )
    items = digest.items[(number - 1) * per_page : number * per_page]
    return DigestPage(replace(digest, items=items), number=number, count=count, total=total)


@dataclass(frozen=True)
class EmptyDigestAdvice:
    """What an empty digest can offer instead: topics whose digest over the same period has
    articles, and when older articles match, the shortest longer period whose digest holds some
    (`older_days`, None when none does) with how many it holds."""

    suggestions: list[str]
    older_days: int | None = None
    older_count: int = 0
