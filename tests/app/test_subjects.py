"""What the period's articles are about: subject counts and an empty digest's advice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app.digests import compose_digest, recent_digest
from bot.app.subjects import advise_on_empty_digest, subject_counts_in_period, topics_with_articles
from tests.app.digest_helpers import (
    FARMING,
    NOW,
    RUSSIA,
    add,
    add_dated,
    add_recent,
    recent_services,
)


def test_an_empty_digest_suggests_only_topics_whose_digest_has_articles(sqlite_store, fake_matcher):
    add(sqlite_store, "gas", RUSSIA)
    add(sqlite_store, "soy", FARMING)
    # Named by a text, but only in passing: its digest would be empty.
    add(sqlite_store, "rain", FARMING.replace("good rains", "rains over Paraguay"))
    since, until = NOW - timedelta(days=1), NOW
    named = [s for s, _ in subject_counts_in_period(sqlite_store, since, until)]

    suggested = topics_with_articles(
        sqlite_store, fake_matcher, since=since, until=until, leave_out="brazil"
    )

    assert "russia" in suggested and "brazil" not in suggested
    assert "paraguay" in named and "paraguay" not in suggested
    for topic in suggested:
        digest = compose_digest(sqlite_store, fake_matcher, "m", topic, since=since, until=until)
        assert digest.items, topic


def test_suggestions_leave_out_forum_interjections_and_fold_demonyms(sqlite_store, fake_matcher):
    add(sqlite_store, "forum", "Ehhhh. Lol. Russians say Russian gas is cheap. Haha, sure.")
    add(sqlite_store, "gas", RUSSIA)

    suggested = topics_with_articles(
        sqlite_store, fake_matcher, since=NOW - timedelta(days=1), until=NOW
    )

    assert suggested[0] == "russia"
    assert not {"ehhhh", "lol", "haha", "russian", "russians"} & set(suggested)


def test_subject_counts_tell_how_many_articles_of_the_period_name_each(sqlite_store):
    add(sqlite_store, "gas", RUSSIA + " On Monday Moscow agreed.")
    add(sqlite_store, "gas 2", "Russia and Brazil met in Moscow on Monday. They agreed.")
    add(sqlite_store, "soy", FARMING)
    add(sqlite_store, "old", "Russia. " * 5, published=NOW - timedelta(days=30))

    counts = dict(subject_counts_in_period(sqlite_store, NOW - timedelta(days=1), NOW))

    assert (counts["russia"], counts["moscow"], counts["brazil"]) == (2, 2, 2)
    assert "monday" not in counts and "on" not in counts


def test_subject_counts_follow_the_period_as_it_moves_and_articles_arrive(sqlite_store):
    add(sqlite_store, "gas", RUSSIA, received_at=NOW - timedelta(hours=30))
    add(sqlite_store, "soy", FARMING)
    first = dict(subject_counts_in_period(sqlite_store, NOW - timedelta(days=2), NOW))
    add(sqlite_store, "soy 2", "Brazil sold soy to China. " + FARMING)

    moved = dict(subject_counts_in_period(sqlite_store, NOW - timedelta(days=1), NOW))

    assert (first["russia"], first["brazil"]) == (1, 1)
    assert moved == {"brazil": 2, "china": 1}


@pytest.mark.parametrize(("days_ago", "older_days"), [(20, 30), (700, 3650)])
def test_an_empty_digest_names_the_shortest_longer_period_whose_digest_holds_older_matches(
    sqlite_store, fake_matcher, days_ago, older_days
):
    add_dated(sqlite_store, "gas", RUSSIA, days_ago)
    add_dated(sqlite_store, "oil", RUSSIA + " Oil too.", days_ago + 1)
    add_recent(sqlite_store, "soy", FARMING + " Russia buys none.")
    services = recent_services(sqlite_store, fake_matcher)
    digest = recent_digest(services, "russia")

    advice = advise_on_empty_digest(services, digest, days=7)

    assert digest.items == []
    assert advice.older_days == older_days
    assert advice.older_count == len(recent_digest(services, "russia", days=older_days).items)
    assert advice.older_count >= 2
    assert "russia" not in advice.suggestions


def test_no_older_hint_for_a_topic_no_older_article_names_or_beyond_the_longest_period(
    sqlite_store, fake_matcher
):
    add_dated(sqlite_store, "gas", RUSSIA, 4000)
    add_recent(sqlite_store, "soy", FARMING)
    services = recent_services(sqlite_store, fake_matcher)

    unnamed = advise_on_empty_digest(services, recent_digest(services, "japan"), days=7)
    too_old = advise_on_empty_digest(services, recent_digest(services, "russia"), days=7)

    assert (unnamed.older_days, too_old.older_days) == (None, None)
    assert "brazil" in unnamed.suggestions
