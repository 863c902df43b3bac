"""Push options and pauses: how a chat wants its subscriptions pushed.

Options are written `name=value` after a topic, the same way in `/subscribe russia daily 9am
silent=on max=5`, `/set russia summary=full` and `/settings previews=on` (the chat's defaults,
taken by its new subscriptions): `silent=on|off` (no notification sound), `summary=short|full`,
`previews=on|off` (Telegram's preview of the first link) and `max=N` (at most N articles a
push, `max=all` or `max=0` for all; a last line names the others' /digest). `read_options`
takes them out of a command's words; what is left is the topic (and schedule).

`/pause [topic]` and `/resume [topic]` act on one subscription, or on all of the chat's without
a topic. A paused subscription gets no pushes (a push already being sent is finished). On
resume its next push is computed from now and covers what arrives from the resume on: the
paused period's articles are not pushed (a /digest shows them), so a long pause never ends in
one huge push.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.app.chats import chat_timezone
from bot.config import Settings
from bot.core.domain import PushOptions, Subscription, SummaryLength
from bot.core.schedule import next_run, parse_schedule
from bot.core.texts import N_, UserText, user_text
from bot.store import Store

MAX_ARTICLES_OPTION = 100
OPTION_SYNTAX = N_(
    "Options: silent=on|off, summary=short|full, previews=on|off, max=N (articles a push; "
    "max=all for all), e.g. /set russia silent=on max=5"
)
_SWITCH = {"on": True, "yes": True, "true": True, "off": False, "no": False, "false": False}

OptionChanges = dict[str, object]  # PushOptions field → new value


def read_options(words: list[str]) -> tuple[list[str], OptionChanges]:
    """The words that are not options, and the option changes the others ask for; ValueError
    (with the options' syntax) for an unknown option or value."""
    rest: list[str] = []
    changes: OptionChanges = {}
    for word in words:
        if "=" not in word:
            rest.append(word)
            continue
        name, _, value = word.lower().partition("=")
        field, parsed = _option(name, value)
        if field is None:
            raise ValueError(
                user_text(
                    "I don't know the option {word}. {syntax}",
                    word=repr(word[:40]),
                    syntax=UserText(OPTION_SYNTAX),
                )
            )
        changes[field] = parsed
    return rest, changes


def _option(name: str, value: str) -> tuple[str | None, object]:
    """The PushOptions field and value `name=value` sets; (None, None) when it sets none."""
    if name in ("silent", "previews") and value in _SWITCH:
        return name, _SWITCH[value]
    if name == "summary" and value in (SummaryLength.SHORT, SummaryLength.FULL):
        return name, SummaryLength(value)
    if name == "max" and value in ("all", "0"):
        return "max_articles", 0
    if name == "max" and value.isdigit() and 1 <= int(value) <= MAX_ARTICLES_OPTION:
        return "max_articles", int(value)
    return None, None


def with_changes(options: PushOptions, changes: OptionChanges) -> PushOptions:
    """`options` with `changes` made."""
    return replace(options, **changes)


def set_options(
    store: Store, chat_id: int, topic: str, changes: OptionChanges
) -> Subscription | None:
    """Change the push options of the chat's subscription to `topic`; returns it changed, or
    None when the chat follows no such topic."""
    subscription = _subscription_to(store, chat_id, topic)
    if subscription is None:
        return None
    options = with_changes(subscription.options, changes)
    store.preferences.set_options(subscription.id, options)
    return replace(subscription, options=options)


def chat_defaults(
    store: Store, settings: Settings, chat_id: int, changes: OptionChanges
) -> PushOptions:
    """The chat's default push options, changed first by `changes` (if any)."""
    options = store.preferences.chat_defaults(chat_id)
    if changes:
        options = with_changes(options, changes)
        chat_timezone(store, settings, chat_id)  # the chat is created if new
        store.preferences.set_chat_defaults(chat_id, options)
    return options


def pause(store: Store, chat_id: int, topic: str | None, *, now: datetime) -> list[Subscription]:
    """Pause the chat's subscription to `topic` (None: all of them); returns the subscriptions
    asked for, each paused (one paused before keeps its date)."""
    chosen = _chosen(store, chat_id, topic)
    store.preferences.pause([s.id for s in chosen if not s.paused], now=now)
    return [s if s.paused else replace(s, paused_at=now) for s in chosen]


def resume(store: Store, chat_id: int, topic: str | None, *, now: datetime) -> list[Subscription]:
    """Resume the chat's paused subscription to `topic` (None: all of them); returns those
    resumed, each with its next push computed from `now`, covering what arrives from `now`."""
    resumed = []
    for subscription in _chosen(store, chat_id, topic):
        if not subscription.paused:
            continue
        tz = ZoneInfo(subscription.timezone)
        next_at = next_run(parse_schedule(subscription.schedule), now, tz)
        covered = max(now, subscription.covered_until)
        if store.preferences.resume(subscription.id, next_run_at=next_at, covered_until=covered):
            resumed.append(
                replace(subscription, paused_at=None, next_run_at=next_at, covered_until=covered)
            )
    return resumed


def toggle_pause(
    store: Store, chat_id: int, subscription_id: int, *, paused: bool, now: datetime
) -> Subscription | None:
    """Pause (or resume) subscription `subscription_id` if it is the chat's (a button);
    returns it after the change, or None when it is gone or another chat's."""
    subscription = store.chats.subscription(subscription_id)
    if subscription is None or subscription.chat_id != chat_id:
        return None
    change = pause if paused else resume
    done = change(store, chat_id, subscription.topic, now=now)
    return done[0] if done else store.chats.subscription(subscription_id)


def _chosen(store: Store, chat_id: int, topic: str | None) -> list[Subscription]:
    subscriptions = store.chats.subscriptions(chat_id)
    return [s for s in subscriptions if topic is None or s.topic == topic]


def _subscription_to(store: Store, chat_id: int, topic: str) -> Subscription | None:
    return next(iter(_chosen(store, chat_id, topic)), None)
