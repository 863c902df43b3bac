"""Reading what users type after a command: a topic (`normalize_topic`, `optional_topic`) and
what `/digest TOPIC [PERIOD] [PAGE]` asks for (`parse_digest_request`). ValueError carries a
reason to show them."""

from __future__ import annotations

import re

from bot.core.requests import MAX_PAGE, MAX_PERIOD_DAYS, DigestRequest
from summarizer.topics.query import TOPIC_SYNTAX, parse_topic_query

MAX_TOPIC_CHARS = 100


def normalize_topic(raw: str) -> str:
    """Lower-case a user's topic and collapse its whitespace; ValueError (with the topic syntax)
    if empty, too long, or a query that wants nothing (`summarizer.topics.query`)."""
    topic = " ".join(re.sub(r"[^\w\s'-]", " ", raw.lower()).split())
    if not topic:
        raise ValueError(f"Give a topic, e.g. /digest russia. {TOPIC_SYNTAX}")
    if len(topic) > MAX_TOPIC_CHARS:
        raise ValueError(f"A topic is at most {MAX_TOPIC_CHARS} characters.")
    parse_topic_query(topic)
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
            page = _bounded(last, MAX_PAGE, "Pages are 1 to {top}, e.g. /digest russia 2.")
        elif days is None and re.fullmatch(r"[0-9]+d", last):
            days = _bounded(
                last[:-1], MAX_PERIOD_DAYS, "A period is 1 to {top} days, e.g. /digest russia 30d."
            )
        else:
            break
        words.pop()
    return DigestRequest(normalize_topic(" ".join(words)), days, page or 1)


def _bounded(digits: str, top: int, reason: str) -> int:
    """`digits` as a number from 1 to `top`; ValueError(`reason`) otherwise."""
    number = int(digits) if len(digits) <= len(str(top)) else top + 1
    if not 1 <= number <= top:
        raise ValueError(reason.format(top=top))
    return number
