"""Process-wide knobs: environment variables the libraries read, /digest's warm-up after start-up
and the garbage collector's freeze. `digestbot` (bot.cli's `main`) and the bench scripts that
measure the models call `configure_process` before anything reads them.

python-telegram-bot 22 warns on every flood-control answer (429) that `RetryAfter.retry_after`
will become a `timedelta`; digestbot opts in to that now (`PTB_TIMEDELTA`), unless the
environment says otherwise. PTB reads it when an error is made, so any time before the bot runs.

Torch's OpenMP threads (GNU libgomp in the PyPI wheels) spin while they wait for work. On a
2-core machine shared with another busy process, or in the bot where the summary worker and a
/digest query encode at once, spinning threads starve each other: encoder calls measured 5–20×
slower. Never spinning (OMP_WAIT_POLICY=PASSIVE) costs an idle machine dearly instead: one
sentence at a time took 2.3× as long, batched encoding 1.2×. A short spin gives both: with
GOMP_SPINCOUNT=10000, two processes encoding at once each took what PASSIVE took (libgomp's own
spin of about 3 ms: 1.4× that, ACTIVE: 1.8×), while alone single sentences took 1.25× and
batches 1.2× of ACTIVE's time. It is the default here unless the environment sets
GOMP_SPINCOUNT or OMP_WAIT_POLICY (which libgomp would otherwise let GOMP_SPINCOUNT override).
libgomp reads it once, when torch is first imported: every torch import in `summarizer` is
lazy, so importing the bot's modules loads no torch before `configure_process` runs.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable

from bot.app.digests import (
    prepare_overviews,
    recent_digest,
    recent_period,
    remember_summaries,
)
from bot.app.services import Services
from bot.app.subjects import prepare_topics
from summarizer.topics.aboutness import read_article
from summarizer.topics.countries import countries_by_name

WARM_UP_TOPIC = "news"  # the digest composed at start-up; any topic warms the same caches
# Articles cached since the last freeze are walked by every full garbage collection (about 50
# objects each); a bot taking in thousands a day would slowly regain the spikes the freeze at
# start-up removed.
REFREEZE_S = 6 * 3600


def configure_process() -> None:
    """Set the environment's process-wide knobs (see the module's account) where the
    environment leaves them unset; call it before torch is imported."""
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    if "OMP_WAIT_POLICY" not in os.environ:
        os.environ.setdefault("GOMP_SPINCOUNT", "10000")  # about 0.1 ms of spinning


def warm_up(services: Services, stopping: Callable[[], bool] = lambda: False) -> int:
    """Prepare for /digest right after start-up; returns how many articles the period holds.
    It gives up between steps once `stopping()` is true (the bot is stopping: a stop must not
    wait minutes for a warm-up nobody will use).

    Embeds the topic matcher's competing categories (which loads the encoder), reads the
    country names subjects are folded by (`summarizer.topics.countries`), reads the recent
    period's articles and passage vectors into the store's memory, splits their sentences for
    the matcher (`read_article`), and (when the period holds articles) stacks the vectors, by
    composing one digest: the first /digest a user sends then costs what later ones do but for
    its topic's query. Articles arriving later are remembered as they are stored. It reads the
    period's summaries into memory (`remember_summaries`) and encodes the newest ones'
    sentences for overviews (`prepare_overviews`): a topic's first overview then needs no
    encoder pass.
    Then it counts the period's subjects, so /topics and an empty digest's suggestions read only
    newer articles, and has the matcher work out the topics readers are likeliest to ask (the
    categories' words and those subjects), both in `prepare_topics`.

    Last, what it read is moved out of the garbage collector's sight (`freeze_long_lived`).
    """
    services.matcher.kinds.embed_categories()
    if services.matcher.settings.categories:
        services.matcher.kinds.category_phrases()
    countries_by_name()
    since, until = recent_period(services.settings.digest_days)
    articles = services.store.articles.dated_between(since, until)
    steps = (
        lambda: [read_article(article.title, article.text) for article in articles],
        lambda: recent_digest(services, WARM_UP_TOPIC, overview=False),
        lambda: remember_summaries(services, [a.id for a in articles], stopping=stopping),
        lambda: prepare_overviews(services, [a.id for a in articles], stopping=stopping),
        lambda: prepare_topics(services, since, until, stopping),
        freeze_long_lived,
    )
    for step in steps:
        if stopping():
            break
        step()
    return len(articles)


def freeze_long_lived() -> None:
    """Collect garbage, then move every object still alive out of the collector's sight
    (`gc.freeze`); called after warm-up and then every `REFREEZE_S` by the bot.

    The cached period is hundreds of thousands of long-lived objects (500,000 for 10,000
    articles), and each full collection walked them all: 230–270 ms in the middle of a /digest
    (bench/digest_latency.py). Reference counting still frees them when they are dropped; an
    object alive now that later becomes part of a reference cycle is never freed, so this runs
    seldom, after a collection.
    """
    gc.collect()
    gc.freeze()
