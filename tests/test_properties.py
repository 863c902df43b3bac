"""Properties of every parser that reads what users type or press, checked on generated input:
topic queries, schedules and where they start, callback data and page numbers, time zones,
and the Telegram HTML splitter (never over the limit, never a broken tag)."""

from __future__ import annotations

import html
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app.arguments import normalize_topic
from bot.app.chats import resolve_timezone
from bot.app.subscriptions import split_topic_and_schedule
from bot.core.requests import MAX_PERIOD_DAYS
from bot.core.schedule import (
    MAX_EVERY,
    Schedule,
    canonical_spec,
    format_schedule,
    next_run,
    parse_schedule,
)
from bot.render.formatting import (
    ALERT_MAX_CHARS,
    shorten,
    split_for_telegram,
    telegram_html_length,
    telegram_length,
)
from bot.sandbox.fakebot.html import parse_html
from bot.telegram.keyboards import (
    MAX_CALLBACK_BYTES,
    ButtonPress,
    article_markup,
    digest_markup,
    next_page_markup,
    parse_callback,
)
from summarizer.topics.query import parse_topic_query

settings.register_profile(
    "digestbot", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("digestbot")

ZONES = sorted(available_timezones() - {"Factory", "localtime"})
SCHEDULE_WORDS = st.sampled_from(
    "weekly daily every hourly at on day days weekdays weekends mon tue wed thu fri sat sun "
    "monday friday mon-fri fri-mon mon,wed 9am 9 am pm 12am 13pm 0am 09:00 9:00 24:00 23:59 7:5 "
    "10s 5m 2h 30 min hours 1.5h -5m 999999999999s russia war times , -".split()
)
user_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=80)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
)


# --- topic queries ---------------------------------------------------------------------------


@given(st.lists(st.one_of(st.sampled_from(["OR", "or", "-", "--x", "-a b"]), user_text)))
def test_a_topic_query_wants_something_or_is_refused(words):
    try:
        query = parse_topic_query(" ".join(words))
    except ValueError as exc:
        assert "asks for nothing to match" in str(exc)
        return
    assert query.phrases and all(phrase.strip() for phrase in query.phrases)
    for phrase in query.phrases + query.excluded:
        assert phrase == " ".join(phrase.split())
        assert "or" not in phrase.lower().split()


# --- schedules ---------------------------------------------------------------------------------


@given(st.lists(SCHEDULE_WORDS, max_size=6).map(" ".join) | user_text)
def test_a_schedule_parses_to_what_it_writes_or_is_refused_naming_the_forms(spec):
    try:
        schedule = parse_schedule(spec)
    except ValueError as exc:
        assert "Use one of: 'daily 07:30' or 'at 9am'" in str(exc)
        return
    assert parse_schedule(canonical_spec(schedule)) == schedule
    assert parse_schedule(format_schedule(schedule)) == schedule


@st.composite
def schedules(draw) -> Schedule:
    kind = draw(st.sampled_from(["weekly", "daily", "every"]))
    if kind == "every":
        seconds = draw(st.integers(1, int(MAX_EVERY.total_seconds())))
        return Schedule("every", every=timedelta(seconds=seconds))
    at = time(draw(st.integers(0, 23)), draw(st.integers(0, 59)))
    if kind == "daily":
        return Schedule("daily", at=at)
    days = draw(st.sets(st.integers(0, 6), min_size=1, max_size=6))
    return Schedule("weekly", weekdays=tuple(sorted(days)), at=at)


@given(schedules())
def test_every_schedule_reads_back_from_its_stored_and_shown_forms(schedule):
    assert parse_schedule(canonical_spec(schedule)) == schedule
    assert parse_schedule(format_schedule(schedule)) == schedule


@given(schedules(), moments, st.sampled_from(ZONES))
def test_the_next_run_is_soon_after_and_at_the_wall_clock_time_unless_a_gap_moved_it(
    schedule, after, zone
):
    tz = ZoneInfo(zone)
    run = next_run(schedule, after, tz)

    assert run.tzinfo is UTC and run > after
    if schedule.kind == "every":
        assert run - after == schedule.every
        return
    assert run - after <= timedelta(days=8)
    local = run.astimezone(tz)
    wall = datetime.combine(local.date(), schedule.at)
    if local.replace(tzinfo=None) == wall:
        assert schedule.kind == "daily" or local.weekday() in schedule.weekdays
    else:  # the wall-clock time does not exist that day: the run is the end of the gap
        assert wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall


@given(schedules().filter(lambda s: s.kind != "every"), moments, st.sampled_from(ZONES))
def test_timed_schedules_run_at_most_once_a_local_day_also_on_fall_back_nights(
    schedule, after, zone
):
    tz = ZoneInfo(zone)
    runs = [after]
    for _ in range(4):
        runs.append(next_run(schedule, runs[-1], tz))

    days = [run.astimezone(tz).date() for run in runs[1:]]
    assert len(set(days)) == len(days)


@given(st.lists(st.one_of(SCHEDULE_WORDS, user_text.filter(lambda w: w and not w.isspace()))))
def test_splitting_subscribe_words_keeps_every_word(words):
    words = [word for word in words if word.split() == [word]]
    topic, spec = split_topic_and_schedule(words)

    assert (topic.split() + (spec or "").split()) == words


# --- callback data and page numbers ------------------------------------------------------------


@given(st.text(max_size=80) | st.from_regex(r"[fbup]:[0-9:]{0,20}[a-z ]{0,5}", fullmatch=True))
def test_any_callback_data_is_read_as_a_press_this_bot_makes_or_refused(data):
    press = parse_callback(data)

    if press is not None:
        assert press.action in ("full", "back", "unsubscribe", "pause", "resume", "page")
        assert press.action != "page" or (press.page >= 1 and press.topic)


ids = st.integers(0, 999_999_999_999)


@given(ids, st.integers(0, 9999), ids, ids, st.text(max_size=200), st.booleans())
def test_digest_and_article_buttons_read_back_as_what_they_ask(
    delivery, index, article, subscription, title, paused
):
    markups = [
        digest_markup(
            delivery, index, [(article, title)], subscription, full_summaries=True, paused=paused
        ),
        article_markup(delivery, index, subscription),
    ]
    data = [b.callback_data for m in markups for row in m.inline_keyboard for b in row]

    assert all(len(d.encode()) <= MAX_CALLBACK_BYTES for d in data)
    assert [parse_callback(d) for d in data] == [
        ButtonPress("full", delivery, index, article_id=article),
        ButtonPress("resume" if paused else "pause", subscription_id=subscription),
        ButtonPress("unsubscribe", subscription_id=subscription),
        ButtonPress("back", delivery, index),
        ButtonPress("unsubscribe", subscription_id=subscription),
    ]


@given(
    st.integers(2, 9999),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=70),
    st.none() | st.integers(1, MAX_PERIOD_DAYS),
)
def test_a_next_page_button_reads_back_as_its_page_topic_and_period_or_is_left_out(page, raw, days):
    try:
        topic = normalize_topic(raw)  # as /digest reads it
    except ValueError:
        return
    markup = next_page_markup(topic, page, days=days)

    if markup is not None:
        [[button]] = markup.inline_keyboard
        pressed = ButtonPress("page", page=page, topic=topic, days=days)
        assert parse_callback(button.callback_data) == pressed


# --- time zones ---------------------------------------------------------------------------------


@given(st.sampled_from(ZONES), st.randoms())
def test_a_known_time_zone_is_found_in_any_case(zone, random):
    typed = "".join(c.upper() if random.random() < 0.5 else c.lower() for c in zone)

    assert resolve_timezone(f" {typed} ") == zone


long_text = st.builds(str.__mul__, user_text.filter(bool), st.integers(100, 200))


@given(user_text | long_text)
def test_an_unknown_time_zone_is_refused_in_a_short_answer(name):
    try:
        zone = resolve_timezone(name)
    except ValueError as exc:
        assert str(exc).startswith("I don't know the time zone")
        assert len(str(exc)) < 600  # the name is quoted shortened, escapes and all
    else:
        ZoneInfo(zone)


# --- Telegram HTML splitting ---------------------------------------------------------------------

visible = st.text(
    st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from(["\n", " ", "😀", "\u200d"]),
    min_size=1,
    max_size=300,
)


@st.composite
def html_blocks(draw) -> str:
    """A well-formed block: escaped text, some of it wrapped in (nested) tags."""
    pieces = []
    for text in draw(st.lists(visible, min_size=1, max_size=5)):
        piece = html.escape(text)
        for tag in draw(st.lists(st.sampled_from(["b", "i", "u", "a"]), max_size=2)):
            attributes = ' href="https://example.org/?a=1&amp;b=2"' if tag == "a" else ""
            piece = f"<{tag}{attributes}>{piece}</{tag}>"
        pieces.append(piece)
    return draw(st.sampled_from(["", "\n"])).join(pieces)


@given(st.lists(html_blocks(), min_size=1, max_size=6), st.integers(16, 600))
def test_split_messages_stay_within_the_limit_and_are_valid_html(blocks, limit):
    messages = split_for_telegram(blocks, limit=limit)

    shown = ""
    for message in messages:
        text, _ = parse_html(message)  # raises on a broken tag or entity
        assert telegram_html_length(message) == telegram_length(text) <= limit
        shown += text
    wanted = "".join(parse_html(block)[0] for block in blocks)
    assert "".join(shown.split()) == "".join(wanted.split())  # nothing lost, nothing added


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=1000), st.integers(2, 300))
def test_shortened_text_fits_and_is_the_start_of_the_text(text, limit):
    short = shorten(text, limit)

    assert telegram_length(short) <= limit
    if short != text:
        assert short.endswith("…") and text.startswith(short[:-1])


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=600))
def test_an_alert_always_fits_a_callback_answer(summary):
    assert telegram_length(shorten(f"Title\n\n{summary}", ALERT_MAX_CHARS)) <= ALERT_MAX_CHARS
