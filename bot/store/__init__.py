"""Storage: the only package that imports SQLAlchemy; hands out plain values from bot.domain."""

from bot.store.db import DatabaseBusy, DatabaseGone, DatabaseUnavailable, open_store
from bot.store.repository import Store

__all__ = ["DatabaseBusy", "DatabaseGone", "DatabaseUnavailable", "Store", "open_store"]
