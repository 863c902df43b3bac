"""Reading the Prometheus metrics (bot.metrics) in tests: the process-wide registry only grows,
so a test compares a value after its action with the value before."""

from __future__ import annotations

from prometheus_client import REGISTRY


def sample(name: str, **labels: str) -> float:
    """The current value of a sample of the default registry; 0 when it has none yet."""
    return REGISTRY.get_sample_value(name, labels) or 0.0
