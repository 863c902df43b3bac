"""digestbot: a self-hosted Telegram bot that stores news articles, summarizes them locally and
pushes scheduled, topic-filtered digests.

python-telegram-bot 22 warns on every flood-control answer (429) that `RetryAfter.retry_after`
will become a `timedelta`; digestbot opts in to that now (`PTB_TIMEDELTA`), unless the
environment says otherwise.
"""

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")
