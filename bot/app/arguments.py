"""Reading what users type after a command: a topic (`normalize_topic`, `optional_topic`) and
what `/digest TOPIC [PERIOD] [PAGE]` asks for (`parse_digest_request`). ValueError carries a
reason to show them (a `UserText`, shown in the chat's language)."""

from __future__ import annotations

import re

from bot.core.requests import MAX_PAGE, MAX_PERIOD_DAYS, TOPIC_SYNTAX, DigestRequest
from bot.core.texts import UserText, user_text
from summarizer.topics.names import undotted
from summarizer.topics.query import parse_topic_query

MAX_TOPIC_CHARS = 100


def normalize_topic(raw: str) -> str:
    """Lower-case a user's topic, its abbreviations undotted ("U.S." → "us"), and collapse its
    whitespace; ValueError (with the topic syntax) if empty, too long, or a query that wants
    nothing (`summarizer.topics.query`)."""
    topic = " ".join(re.sub(r"[^\w\s'-]", " ", undotted(raw).lower()).split())
    syntax = UserText(TOPIC_SYNTAX)
    if not topic:
        raise ValueError(user_text("Give a topic, e.g. /digest russia. {syntax}", syntax=syntax))
    if len(topic) > MAX_TOPIC_CHARS:
        raise ValueError(user_text("A topic is at most {most} characters.", most=MAX_TOPIC_CHARS))
    try:
        parse_topic_query(topic)
    except ValueError:
        raise ValueError(
            user_text("This topic asks for nothing to match. {syntax}", syntax=syntax)
        ) from None
    return topic


def optional_topic(words: list[str]) -> str | None:
    """The topic the words name, or None when there are none (a command on all topics, such as
    `/pause`); ValueError as `normalize_topic`."""
    return normalize_topic(" ".join(words)) if words else None


def parse_digest_request(words: list[str]) -> DigestRequest:
    """The request of `/digest TOPIC [PERIOD] [PAGE]` (e.g. `/digest russia 30d 2`).

    After at least one topic word, a last word of digits 0-9 is the page and a last word of
    digits and "d" the period in days; either may come first. Any other word, `²` included,
    belongs to the topic. ValueError with a reason for a page outside 1–`MAX_PAGE`, a period
    outside 1–`MAX_PERIOD_DAYS` days, and a topic `normalize_topic` refuses.
    """
    words = list(words)
    days = page = None
    while len(words) > 1:
        last = words[-1].lower()
        if page is None and re.fullmatch(r"[0-9]+", last):
            refusal = user_text("Pages are 1 to {top}, e.g. /digest russia 2.", top=MAX_PAGE)
            page = _bounded(last, MAX_PAGE, refusal)
        elif days is None and re.fullmatch(r"[0-9]+d", last):
            refusal = user_text(
                "A period is 1 to {top} days, e.g. /digest russia 30d.", top=MAX_PERIOD_DAYS
            )
            days = _bounded(last[:-1], MAX_PERIOD_DAYS, refusal)
        else:
            break
        words.pop()
    return DigestRequest(normalize_topic(" ".join(words)), days, page or 1)


def _bounded(digits: str, top: int, refusal: UserText) -> int:
    """`digits` as a number from 1 to `top`; ValueError(`refusal`) otherwise."""
    number = int(digits) if len(digits) <= len(str(top)) else top + 1
    if not 1 <= number <= top:
        raise ValueError(refusal)
    return number
