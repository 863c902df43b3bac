"""Reading what users type: topics and what /digest asks for."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.app.arguments import normalize_topic, optional_topic, parse_digest_request
from bot.core.requests import TOPIC_SYNTAX, DigestRequest


@pytest.mark.parametrize(
    ("raw", "topic"),
    [
        ("Russia", "russia"),
        ("  North   KOREA ", "north korea"),
        ("china, -taiwan!", "china -taiwan"),
        ("Russia OR Ukraine", "russia or ukraine"),
        ("U.S. -China", "us -china"),  # an abbreviation written with dots is the word
        ("Erdoğan", "erdoğan"),
    ],
)
def test_topics_are_normalized(raw, topic):
    assert normalize_topic(raw) == topic


@pytest.mark.parametrize("raw", ["", "   ", "!!!", "x" * 101, "-taiwan", "russia OR"])
def test_empty_or_overlong_topics_are_refused_with_a_reason(raw):
    with pytest.raises(ValueError, match="topic"):
        normalize_topic(raw)


@pytest.mark.parametrize("raw", ["", "-taiwan", "russia OR"])
def test_a_topic_that_asks_for_nothing_is_refused_naming_the_syntax(raw):
    with pytest.raises(ValueError) as refused:
        normalize_topic(raw)

    assert TOPIC_SYNTAX in str(refused.value)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["russia"], DigestRequest("russia")),
        (["russia", "2"], DigestRequest("russia", page=2)),
        (["north", "korea", "3"], DigestRequest("north korea", page=3)),
        (["russia", "30d"], DigestRequest("russia", days=30)),
        (["russia", "30D", "2"], DigestRequest("russia", days=30, page=2)),
        (["russia", "2", "365d"], DigestRequest("russia", days=365, page=2)),
        (["russia", "1d", "9999"], DigestRequest("russia", days=1, page=9999)),
        (["russia", "3650d"], DigestRequest("russia", days=3650)),
        (["2"], DigestRequest("2")),
        (["30d"], DigestRequest("30d")),
        (["3d", "printing"], DigestRequest("3d printing")),
        (["russia", "2", "3"], DigestRequest("russia 2", page=3)),
        (["topic", "²"], DigestRequest("topic ²")),
        (["topic", "٢"], DigestRequest("topic ٢")),
        (["russia", "30days"], DigestRequest("russia 30days")),
    ],
)
def test_trailing_period_and_page_after_the_topic_are_read_and_other_words_are_the_topic(
    words, expected
):
    assert parse_digest_request(words) == expected


@pytest.mark.parametrize(
    ("words", "reason"),
    [
        (["russia", "0"], "Pages are 1 to 9999"),
        (["russia", "10000"], "Pages are 1 to 9999"),
        (["russia", "9" * 5000], "Pages are 1 to 9999"),
        (["russia", "0d"], "A period is 1 to 3650 days"),
        (["russia", "99999d"], "A period is 1 to 3650 days"),
        (["russia", "3651d", "2"], "A period is 1 to 3650 days"),
        (["russia", "1" * 5000 + "d"], "A period is 1 to 3650 days"),
        ([], "Give a topic"),
        (["!!", "30d"], "Give a topic"),
    ],
)
def test_a_page_or_period_out_of_range_or_no_topic_is_refused_with_a_reason(words, reason):
    with pytest.raises(ValueError, match=reason):
        parse_digest_request(words)


@pytest.mark.parametrize(
    ("request_", "page", "command"),
    [
        (DigestRequest("russia"), None, "/digest russia"),
        (DigestRequest("russia", page=3), None, "/digest russia 3"),
        (DigestRequest("north korea", days=30), 2, "/digest north korea 30d 2"),
    ],
)
def test_a_request_names_the_command_that_asks_for_it_and_reads_back(request_, page, command):
    assert request_.command(page) == command
    assert parse_digest_request(command.split()[1:]) == replace(
        request_, page=page or request_.page
    )


def test_no_words_name_all_topics_and_words_name_one():
    assert optional_topic([]) is None
    assert optional_topic(["North", "Korea"]) == "north korea"
    with pytest.raises(ValueError):
        optional_topic(["???"])
