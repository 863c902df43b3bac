"""Unexpected errors as the operator's `error_chat` is told of them: once per cause, with the
cause, without server paths or secrets.

A cause is the error's kind and the place in digestbot's own code it came from (the innermost
frame in the `bot` or `summarizer` packages: module, function, line), so the same failure
repeating (every tick, every chat) is reported once, and another failure at another place is
reported too. What is remembered is per process and bounded (`MAX_CAUSES`): a restart reports
again. The texts are redacted: absolute file paths keep their file name only, a URL's password
and the given secrets (the bot token) are masked.
"""

from __future__ import annotations

import re
import threading
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from types import TracebackType

PROJECT_PACKAGES = ("bot", "summarizer")
MAX_CAUSES = 1000
MAX_DETAIL_CHARS = 500
MASK = "***"

_PATH = re.compile(r"(?<![\w:/.])(?:/[^\s/'\"():,]+)+/([^\s/'\"():,]+)")
_URL_PASSWORD = re.compile(r"(://[^/\s:@]+):[^/\s@]+@")


@dataclass(frozen=True)
class Incident:
    """One unexpected error: its kind, where it came from, what it said and what was being
    done (the log message), all redacted."""

    kind: str
    where: str
    detail: str
    context: str

    @property
    def cause(self) -> tuple[str, str]:
        """What makes two incidents the same: the kind and the place."""
        return self.kind, self.where


def incident_of(error: BaseException, context: str, secrets: Iterable[str] = ()) -> Incident:
    """The incident of `error`, raised while doing `context` (a log message)."""
    secrets = [secret for secret in secrets if secret]
    return Incident(
        kind=type(error).__name__,
        where=_origin(error.__traceback__),
        detail=redact(str(error), secrets)[:MAX_DETAIL_CHARS],
        context=redact(context, secrets)[:MAX_DETAIL_CHARS],
    )


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with file paths cut to their file name, URL passwords and `secrets` masked."""
    for secret in secrets:
        text = text.replace(secret, MASK)
    text = _URL_PASSWORD.sub(rf"\1:{MASK}@", text)
    return _PATH.sub(r"\1", text)


class IncidentLog:
    """The causes already reported (thread-safe: errors are logged from worker threads too)."""

    def __init__(self, max_causes: int = MAX_CAUSES) -> None:
        self.max_causes = max_causes
        self._seen: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def first_time(self, incident: Incident) -> bool:
        """Whether `incident`'s cause is new (it is remembered from now on)."""
        with self._lock:
            if incident.cause in self._seen:
                return False
            if len(self._seen) >= self.max_causes:
                self._seen.clear()  # a storm of distinct causes: report afresh, never unbounded
            self._seen.add(incident.cause)
            return True


def _origin(trace: TracebackType | None) -> str:
    """The innermost frame of digestbot's own code in `trace` as "module.function:line", else
    the innermost frame's module ("unknown" without a traceback)."""
    frames = traceback.extract_tb(trace) if trace else []
    modules = []
    while trace is not None:
        modules.append(trace.tb_frame.f_globals.get("__name__", "?"))
        trace = trace.tb_next
    ours = [
        (module, frame)
        for module, frame in zip(modules, frames, strict=True)
        if module.split(".", 1)[0] in PROJECT_PACKAGES
    ]
    if ours:
        module, frame = ours[-1]
        return f"{module}.{frame.name}:{frame.lineno}"
    return modules[-1] if modules else "unknown"
