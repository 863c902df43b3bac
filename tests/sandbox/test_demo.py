"""The demo's own pieces: it listens on loopback only unless told, and its time warp makes the
subscription due soonest due now, so the bot's ticker pushes it."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.sandbox.demo import (
    DemoError,
    check_host,
    check_port_free,
    fire_next_push,
    listening_notice,
    sample_files,
)

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_addresses_are_accepted(host):
    check_host(host, allow_remote=False)
    assert "other machines cannot reach it" in listening_notice(host, 8080)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.org"])
def test_any_other_interface_is_refused_unless_allowed(host):
    with pytest.raises(DemoError, match="--allow-remote"):
        check_host(host, allow_remote=False)
    check_host(host, allow_remote=True)
    assert "anyone who can reach" in listening_notice(host, 8080)


def test_the_command_refuses_a_public_address_before_starting_anything(tmp_path):
    result = CliRunner().invoke(app, ["demo", "--host", "0.0.0.0", "--articles", str(tmp_path)])
    assert result.exit_code == 1
    assert "Refusing to listen on 0.0.0.0" in result.output


def test_a_port_in_use_is_refused_before_anything_starts():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(DemoError, match=f"Cannot listen on 127.0.0.1:{port}.*--port"):
            check_port_free("127.0.0.1", port)
    check_port_free("127.0.0.1", port)


def subscribe(store, chat_id: int, topic: str, next_run_at: datetime):
    store.chats.ensure(chat_id, timezone="UTC")
    subscription, _ = store.chats.subscribe(
        chat_id, topic, schedule="daily 09:00", next_run_at=next_run_at, covered_until=NOW
    )
    return subscription


def test_time_warp_makes_the_soonest_subscription_due_now(sqlite_store):
    subscribe(sqlite_store, 1, "china", NOW + timedelta(days=2))
    soonest = subscribe(sqlite_store, 2, "russia", NOW + timedelta(hours=3))
    subscribe(sqlite_store, 99, "other chat", NOW + timedelta(hours=1))

    said = fire_next_push(sqlite_store, [1, 2], now=NOW)

    assert "russia" in said and "runs now" in said
    assert [s.id for s in sqlite_store.chats.due_subscriptions(NOW)] == [soonest.id]
    [warped] = sqlite_store.chats.subscriptions(2)
    assert (warped.schedule, warped.next_run_at) == ("daily 09:00", NOW)
    assert sqlite_store.chats.subscriptions(1)[0].next_run_at == NOW + timedelta(days=2)


def test_time_warp_without_a_subscription_says_what_to_do(sqlite_store):
    assert "/subscribe" in fire_next_push(sqlite_store, [1, 2], now=NOW)
    assert sqlite_store.chats.due_subscriptions(NOW) == []


def test_the_bundled_samples_are_articles_and_another_folder_replaces_them(tmp_path):
    assert len(sample_files(None)) >= 4
    (tmp_path / "mine.md").write_text("# Title\n\nText.")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    assert [p.name for p in sample_files(tmp_path)] == ["mine.md"]
    with pytest.raises(DemoError, match="not a folder"):
        sample_files(tmp_path / "missing")
