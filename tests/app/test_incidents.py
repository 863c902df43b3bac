"""Unexpected errors for the error_chat: a cause is the error's kind and place in digestbot's
code; texts lose server paths and secrets."""

from __future__ import annotations

import json

from bot.app.incidents import MASK, IncidentLog, incident_of, redact

TOKEN = "123456:AAE-secret-token"


def fail_in_project_code():
    json.loads("{not json")  # the error is raised in the json module, called from here


def caught(function) -> BaseException:
    try:
        function()
    except Exception as exc:
        return exc
    raise AssertionError("no error")


def test_the_cause_is_the_kind_and_the_innermost_place_in_digestbots_code():
    first, second = caught(fail_in_project_code), caught(fail_in_project_code)

    incident = incident_of(first, "push failed")

    assert incident.kind == "JSONDecodeError"
    # the test module is no project package: the innermost frame's module is named instead
    assert incident.where == "json.decoder"
    assert incident.cause == incident_of(second, "other context").cause


def test_a_place_in_the_bot_package_is_named_with_its_function_and_line():
    from bot.core.schedule import parse_schedule

    incident = incident_of(caught(lambda: parse_schedule("whenever")), "subscribe")

    assert incident.where.startswith("bot.core.schedule.")
    assert incident.where.rsplit(":", 1)[1].isdigit()


def test_paths_url_passwords_and_secrets_are_redacted():
    text = (
        f"cannot open /srv/digestbot/data/digestbot.sqlite3 via "
        f"postgresql+psycopg://bot:hunter2@db/news with bot{TOKEN}/getMe; see ./notes.txt"
    )

    redacted = redact(text, [TOKEN])

    assert redacted == (
        f"cannot open digestbot.sqlite3 via postgresql+psycopg://bot:{MASK}@db/news with "
        f"bot{MASK}/getMe; see ./notes.txt"
    )


def test_an_incident_carries_only_redacted_texts():
    error = RuntimeError(f"token {TOKEN} in /home/ops/app/bot/x.py")

    incident = incident_of(error, f"while at /home/ops/run {TOKEN}", secrets=[TOKEN])

    assert TOKEN not in incident.detail + incident.context
    assert "/home" not in incident.detail + incident.context
    assert incident.detail == f"token {MASK} in x.py"


def test_each_cause_is_reported_once():
    incidents = IncidentLog()
    one = incident_of(caught(fail_in_project_code), "a")
    other = incident_of(caught(lambda: 1 / 0), "b")

    assert [incidents.first_time(i) for i in (one, one, other, other)] == [
        True, False, True, False,
    ]  # fmt: skip


def test_past_the_bound_the_remembered_causes_start_afresh():
    incidents = IncidentLog(max_causes=1)
    one = incident_of(caught(fail_in_project_code), "a")
    other = incident_of(caught(lambda: 1 / 0), "b")

    assert [incidents.first_time(i) for i in (one, other, one)] == [True, True, True]
