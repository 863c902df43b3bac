"""Reading the Prometheus metrics (bot.metrics) in tests: the process-wide registry only grows,
so a test compares a value after its action with the value before. And a free port for an
endpoint to serve them on."""

from __future__ import annotations

import socket

from prometheus_client import REGISTRY


def sample(name: str, **labels: str) -> float:
    """The current value of a sample of the default registry; 0 when it has none yet."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
