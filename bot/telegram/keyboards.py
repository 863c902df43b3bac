"""Inline buttons under pushed digest messages, and their callback data.

Callback data (at most 64 bytes, Telegram's limit) is one of:

- ``f:<delivery>:<message>:<article>`` — "Full summary": the message shows that article whole;
- ``b:<delivery>:<message>`` — "Back to the digest": the message shows its digest text again;
- ``u:<subscription>`` — "Unsubscribe";
- ``a:<delivery>`` — "Whole digest as a file" under a pushed digest of several messages;
- ``w:<topic>`` or ``w:<days>d:<topic>`` — the same under a /digest answer of several messages
  or pages (only when the topic fits the 64 bytes);
- ``h:<subscription>`` — "Pause" (hold its pushes), ``r:<subscription>`` — "Resume"; a press
  turns one into the other on the message pressed (`toggled_pause_markup`);
- ``p:<page>:<topic>`` or ``p:<page>:<days>d:<topic>`` — "Next page" under a /digest answer,
  page 2 or later, the second form when it named a period (`/digest russia 30d`); only when the
  topic fits the 64 bytes, the page's last line names the command for the next page either way.
  Topics hold no colon (`bot.app.arguments.normalize_topic`), so the two forms cannot be confused.

The digest text and its articles are read back from the stored delivery, so a button keeps
working after a restart; `parse_callback` accepts exactly these forms and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.app.sending import Buttons, DigestButtons, NextPageButton
from bot.core.requests import MAX_PERIOD_DAYS
from bot.core.texts import N_
from bot.render.i18n import DEFAULT_LANGUAGE, tr

MAX_CALLBACK_BYTES = 64
DIGEST_BUTTONS = re.compile(r"^[fbuphraw]:")  # which callback data is this module's to parse
MAX_LABEL_CHARS = 48
WHOLE_DIGEST_LABEL = N_("Whole digest as a file (HTML, JSON)")
ONE_PAGE_LABEL = N_("Whole digest on one page")
_SUBSCRIPTION_ACTIONS: dict[str, Literal["unsubscribe", "pause", "resume"]] = {
    "u": "unsubscribe",
    "h": "pause",
    "r": "resume",
}
_CALLBACK = re.compile(
    r"(f):(\d{1,12}):(\d{1,4}):(\d{1,12})|(b):(\d{1,12}):(\d{1,4})|([uhr]):(\d{1,12})"
    r"|(p):([1-9]\d{0,3}):(?:([1-9]\d{0,3})d:)?([^\s:][^:\n]{0,59})"
    r"|(a):(\d{1,12})|(w):(?:([1-9]\d{0,3})d:)?([^\s:][^:\n]{0,61})",
    re.ASCII,  # \d: 0-9 only, as this module writes them
)


@dataclass(frozen=True)
class ButtonPress:
    """What a pressed button asks for; ids as in the callback data."""

    action: Literal[
        "full", "back", "unsubscribe", "pause", "resume", "page", "pushed file", "digest file"
    ]
    delivery_id: int = 0
    message_index: int = 0
    article_id: int = 0
    subscription_id: int = 0
    page: int = 0
    topic: str = ""
    days: int | None = None


def parse_callback(data: str | None) -> ButtonPress | None:
    """The press the data encodes, or None for data this bot never made (or made differently)."""
    match = _CALLBACK.fullmatch(data or "")
    if match is None:
        return None
    groups = match.groups()
    if groups[0]:
        return ButtonPress("full", int(groups[1]), int(groups[2]), article_id=int(groups[3]))
    if groups[4]:
        return ButtonPress("back", int(groups[5]), int(groups[6]))
    if groups[7]:
        return ButtonPress(_SUBSCRIPTION_ACTIONS[groups[7]], subscription_id=int(groups[8]))
    if groups[13]:
        return ButtonPress("pushed file", int(groups[14]))
    if groups[9]:
        action, page, days, topic = "page", int(groups[10]), groups[11], groups[12]
    else:
        action, page, days, topic = "digest file", 0, groups[16], groups[17]
    days = int(days) if days else None
    if days is not None and days > MAX_PERIOD_DAYS:
        return None
    return ButtonPress(action, page=page, topic=topic, days=days)


def buttons_markup(
    buttons: Buttons | None, articles: list[tuple[int, str]]
) -> InlineKeyboardMarkup | None:
    """The inline keyboard `buttons` ask for under a message showing `articles`."""
    if isinstance(buttons, DigestButtons):
        return digest_markup(
            buttons.delivery_id, buttons.message_index, articles, buttons.subscription_id,
            language=buttons.language, full_summaries=buttons.full_summaries,
            whole_digest=buttons.whole_digest, one_page=buttons.one_page,
        )  # fmt: skip
    if isinstance(buttons, NextPageButton):
        return next_page_markup(
            buttons.topic,
            buttons.page,
            days=buttons.days,
            language=buttons.language,
            whole_digest=buttons.whole_digest,
            one_page=buttons.one_page,
        )
    return None


def digest_markup(
    delivery_id: int,
    message_index: int,
    articles: list[tuple[int, str]],
    subscription_id: int,
    *,
    language: str = DEFAULT_LANGUAGE,
    full_summaries: bool = False,
    whole_digest: bool = False,
    one_page: bool = False,
    paused: bool = False,
) -> InlineKeyboardMarkup:
    """Buttons under a pushed digest message, labelled in `language`: "Full summary" per
    article it shows (when its summaries are cut), "Whole digest as a file" (when asked; "on
    one page" when `one_page`), then Pause (Resume when `paused`) and Unsubscribe."""
    rows = []
    if full_summaries:
        rows = [
            [
                _button(
                    tr(language, "Full summary: {title}", title=title),
                    f"f:{delivery_id}:{message_index}:{article_id}",
                )
            ]
            for article_id, title in articles
        ]
    if whole_digest:
        rows.append([_button(_whole_digest_label(language, one_page), f"a:{delivery_id}")])
    pausing = pause_button(subscription_id, paused=paused, language=language)
    rows.append([pausing, _button(tr(language, "Unsubscribe"), f"u:{subscription_id}")])
    return InlineKeyboardMarkup(rows)


def pause_button(
    subscription_id: int, *, paused: bool = False, language: str = DEFAULT_LANGUAGE
) -> InlineKeyboardButton:
    """ "Pause" for a running subscription, "Resume" for a paused one."""
    if paused:
        return _button(tr(language, "Resume"), f"r:{subscription_id}")
    return _button(tr(language, "Pause"), f"h:{subscription_id}")


def resume_markup(
    subscription_ids: list[int], topics: list[str], *, language: str = DEFAULT_LANGUAGE
) -> InlineKeyboardMarkup:
    """Under a pause's confirmation: a Resume button for each paused topic."""
    return InlineKeyboardMarkup(
        [
            [_button(f"{tr(language, 'Resume')} {topic}", f"r:{subscription_id}")]
            for subscription_id, topic in zip(subscription_ids, topics, strict=True)
        ]
    )


def toggled_pause_markup(
    markup: InlineKeyboardMarkup | None,
    subscription_id: int,
    *,
    paused: bool,
    language: str = DEFAULT_LANGUAGE,
) -> InlineKeyboardMarkup | None:
    """`markup` with the subscription's Pause button turned into Resume (`paused`) or back;
    None when it has neither (nothing to change)."""
    old, new = (f"h:{subscription_id}", "r:") if paused else (f"r:{subscription_id}", "h:")
    if markup is None or not any(
        b.callback_data == old for row in markup.inline_keyboard for b in row
    ):
        return None
    rows = [
        [
            _button(_toggled_label(b.text, paused, language), f"{new}{subscription_id}")
            if b.callback_data == old
            else b
            for b in row
        ]
        for row in markup.inline_keyboard
    ]
    return InlineKeyboardMarkup(rows)


def _toggled_label(label: str, paused: bool, language: str) -> str:
    """ "Pause" ↔ "Resume", keeping a topic named after it ("Resume russia")."""
    pause, resume = tr(language, "Pause"), tr(language, "Resume")
    if paused:
        return label.replace(pause, resume, 1)
    return label.replace(resume, pause, 1)


def article_markup(
    delivery_id: int, message_index: int, subscription_id: int, *, language: str = DEFAULT_LANGUAGE
) -> InlineKeyboardMarkup:
    """Buttons under an article shown whole: back to the digest, and Unsubscribe."""
    return InlineKeyboardMarkup(
        [
            [_button(tr(language, "« Back to the digest"), f"b:{delivery_id}:{message_index}")],
            [_button(tr(language, "Unsubscribe"), f"u:{subscription_id}")],
        ]
    )


def next_page_markup(
    topic: str,
    page: int | None,
    *,
    days: int | None = None,
    language: str = DEFAULT_LANGUAGE,
    whole_digest: bool = False,
    one_page: bool = False,
) -> InlineKeyboardMarkup | None:
    """Under a /digest answer: a "Next page" button asking for `page` (None: none) of the
    topic's digest over `days` (None: the default period), and "Whole digest as a file" ("on
    one page" when `one_page`) when `whole_digest`; each only when the topic fits Telegram's 64
    bytes of callback data (None when no button is left)."""
    period = f"{days}d:" if days else ""
    rows = []
    if page is not None and _fits(data := f"p:{page}:{period}{topic}"):
        rows.append([_button(tr(language, "Next page ({page}) ›", page=page), data)])
    if whole_digest and _fits(data := f"w:{period}{topic}"):
        rows.append([_button(_whole_digest_label(language, one_page), data)])
    return InlineKeyboardMarkup(rows) if rows else None


def _whole_digest_label(language: str, one_page: bool) -> str:
    return tr(language, ONE_PAGE_LABEL if one_page else WHOLE_DIGEST_LABEL)


def _fits(data: str) -> bool:
    return len(data.encode()) <= MAX_CALLBACK_BYTES


def _button(label: str, data: str) -> InlineKeyboardButton:
    assert len(data.encode()) <= MAX_CALLBACK_BYTES, data
    if len(label) > MAX_LABEL_CHARS:
        label = label[: MAX_LABEL_CHARS - 1].rstrip() + "…"
    return InlineKeyboardButton(label, callback_data=data)
