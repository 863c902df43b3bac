"""`digestbot backup`: a copy of the database taken while the bot runs (bot.store.backup)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from bot.store.backup import backup_database


@dataclass(frozen=True)
class Backup:
    """A backup made: its file and size."""

    path: Path
    size_bytes: int


def back_up(settings: Settings, target: Path, *, now: datetime | None = None) -> Backup:
    """Copy the configured database into `target`, a new file, or a folder (then into
    `digestbot-YYYYMMDD-HHMMSS.sqlite3` there, in UTC). Raises BackupError (why and what to do)."""
    if target.is_dir():
        stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%d-%H%M%S")
        target = target / f"digestbot-{stamp}.sqlite3"
    return Backup(target, backup_database(settings.effective_database_url, target))
