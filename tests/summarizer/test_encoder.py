"""The encoder's process settings."""

from __future__ import annotations

import os
import subprocess
import sys


def test_torch_threads_wait_passively_unless_the_environment_says_otherwise():
    script = "import summarizer, os; print(os.environ['OMP_WAIT_POLICY'])"
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}

    def policy(environment: dict[str, str]) -> str:
        command = [sys.executable, "-c", script]
        return subprocess.run(command, env=environment, capture_output=True, text=True).stdout

    assert policy(env).strip() == "PASSIVE"
    assert policy(env | {"OMP_WAIT_POLICY": "ACTIVE"}).strip() == "ACTIVE"
