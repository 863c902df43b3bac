"""`log_format = "json"`: one JSON object per log line, with a command's fields and tracebacks."""

from __future__ import annotations

import json
import logging

from bot.wiring import JsonFormatter


def record(message: str, *args, exc_info=None, **extra) -> logging.LogRecord:
    made = logging.getLogger("bot.test").makeRecord(
        "bot.test", logging.WARNING, __file__, 1, message, args, exc_info, extra=extra
    )
    return made


def test_a_line_is_a_json_object_with_time_level_logger_message_and_extra_fields():
    line = JsonFormatter().format(record("chat %d asked", 5, command="/stats", ms=12))

    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "bot.test"
    assert entry["message"] == "chat 5 asked"
    assert (entry["command"], entry["ms"]) == ("/stats", 12)
    assert entry["time"].endswith("+00:00")
    assert "\n" not in line and "args" not in entry and "msg" not in entry


def test_an_exception_comes_with_its_traceback_in_one_line():
    try:
        raise ValueError("bad value")
    except ValueError as exc:
        line = JsonFormatter().format(record("failed", exc_info=(type(exc), exc, None)))

    assert "\n" not in line
    assert json.loads(line)["exception"].endswith("ValueError: bad value")
