"""Storage: the only package that imports SQLAlchemy; hands out bot.core.domain values."""

from bot.store.database import (
    DatabaseBusy,
    DatabaseGone,
    DatabaseReadOnly,
    DatabaseUnavailable,
    open_store,
)
from bot.store.repository import Store

__all__ = [
    "DatabaseBusy",
    "DatabaseGone",
    "DatabaseReadOnly",
    "DatabaseUnavailable",
    "Store",
    "open_store",
]
