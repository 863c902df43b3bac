"""A push process for the fleet tests (tests/e2e/fleet.py): `digestbot pusher`'s code
(bot.telegram.pusher.run_pusher) on the settings of its environment, with the fake models of the
unit tests instead of the real one (a digest needs no real summary, and loading the model in
every process would take most of a test's time).

    python -m tests.e2e.pusher [--unclaimed]

`--unclaimed` pushes without the push lease and the subscription claims (`Unclaimed`): the
negative control, which must show duplicates.
"""

from __future__ import annotations

import argparse

from bot.app.pushes import PushLease
from bot.app.services import Services
from bot.config import load_settings
from bot.store import open_store
from bot.telegram.pusher import run_pusher
from bot.wiring import configure_logging
from summarizer.topics.matcher import TopicMatcher
from tests.fakes import FakeSummarizer, HashingEncoder, naming_model
from tests.pushes import Unclaimed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--unclaimed", action="store_true")
    args = parser.parse_args()
    settings = load_settings()
    configure_logging(settings)
    services = Services(
        settings=settings,
        store=open_store(settings.effective_database_url),
        summarizer=FakeSummarizer(),
        matcher=TopicMatcher(HashingEncoder(), model=naming_model()),
    )
    lease = PushLease.for_settings(services.store, settings)
    if args.unclaimed:
        lease = Unclaimed(services.store, lease.ttl_s)
    run_pusher(services, lease)


if __name__ == "__main__":
    main()
