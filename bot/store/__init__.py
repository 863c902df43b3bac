"""Storage: the only package that imports SQLAlchemy; hands out plain values from bot.domain."""

from bot.store.db import DatabaseUnavailable, open_store
from bot.store.repository import Store

__all__ = ["DatabaseUnavailable", "Store", "open_store"]
