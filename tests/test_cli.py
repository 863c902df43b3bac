"""The command line with the real default model: ingest files and folders, then print a digest
as JSON, as a user would from a shell; and what `digestbot pusher` says when it cannot start."""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import PROGRESS_DELAY_S, app
from bot.sandbox.fakebot import FakeBotAPI
from summarizer.text import split_sentences
from tests.telegraphserver import FakeTelegraph

FIXTURES = Path(__file__).parent / "e2e" / "fixtures"
# The articles these tests ingest (the folder holds other e2e tests' articles too).
CLI_ARTICLES = ("kazakh_border.txt", "kremlin_energy.txt", "quarterly_review.md")

runner = CliRunner()


def copy_articles(folder: Path) -> Path:
    """`folder` (made if missing) holding the `CLI_ARTICLES`."""
    folder.mkdir(exist_ok=True)
    for name in CLI_ARTICLES:
        shutil.copy(FIXTURES / name, folder / name)
    return folder


@pytest.fixture
def environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGESTBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DIGESTBOT_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("DIGESTBOT_LOG_LEVEL", "WARNING")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return tmp_path


@pytest.mark.model
def test_ingested_folder_gives_a_json_digest_of_the_topic(environment):
    folder = copy_articles(environment / "articles")

    ingested = runner.invoke(app, ["ingest", str(folder)])
    again = runner.invoke(app, ["ingest", str(folder / "kremlin_energy.txt")])
    digest = runner.invoke(app, ["digest", "russia", "--json"])
    best = runner.invoke(app, ["digest", "russia", "--json", "--limit", "1"])

    assert ingested.exit_code == 0, ingested.output
    assert "4 new, 0 already stored, 0 files skipped." in ingested.output
    assert "0 new, 1 already stored" in again.output
    result = json.loads(digest.output)
    assert result["topic"] == "russia"
    by_title = {a["title"]: a for a in result["articles"]}
    assert set(by_title) == {
        "Kremlin Tightens Grip on Gas Exports as Winter Nears",
        "Moscow Courts African Leaders With Grain and Guns",
    }
    limited = json.loads(best.output)
    assert (limited["total"], len(limited["articles"])) == (2, 1)
    assert limited["articles"][0] == result["articles"][0]
    assert by_title["Moscow Courts African Leaders With Grain and Guns"]["source"] == (
        "quarterly_review.md"
    )
    overview_sentences = split_sentences(result["overview"])
    assert 2 <= len(overview_sentences) <= 3
    summaries = " ".join(article["summary"] for article in result["articles"])
    assert all(sentence[-40:] in summaries for sentence in overview_sentences)
    for article in result["articles"]:
        assert article["summary"] and article["summary"].split(". ")[0] in (
            (FIXTURES / article["source"]).read_text()
        )


@pytest.mark.model
def test_topic_without_articles_names_the_topics_that_have_some(environment):
    runner.invoke(app, ["ingest", str(FIXTURES / "kazakh_border.txt")])

    result = runner.invoke(app, ["digest", "north", "korea"])

    assert result.exit_code == 0
    assert "No articles about north korea" in result.output
    assert "beijing" in result.output


@pytest.mark.model
def test_the_worker_command_summarizes_queued_articles_once_and_exits(environment):
    ingested = runner.invoke(app, ["ingest", "--no-summarize", str(copy_articles(environment))])

    first = runner.invoke(app, ["worker", "--once"])
    again = runner.invoke(app, ["worker", "--once"])

    assert ingested.exit_code == 0, ingested.output
    assert first.exit_code == 0, first.output
    assert "4 articles summarized." in first.stdout
    assert "0 articles summarized." in again.stdout
    digest = json.loads(runner.invoke(app, ["digest", "russia", "--json"]).output)
    assert all(article["summary"] for article in digest["articles"])


def test_missing_paths_and_unsupported_files_fail_with_a_reason(environment):
    (environment / "notes.txt").write_text("   ")

    result = runner.invoke(app, ["ingest", str(environment / "notes.txt"), "/nonexistent.md"])

    assert result.exit_code == 1
    assert "not found: /nonexistent.md" in result.output
    assert "skipped" in result.output and "notes.txt" in result.output


def test_a_folders_readme_and_hidden_files_are_left_out(environment):
    folder = copy_articles(environment / "articles")
    shutil.copy(FIXTURES / "kremlin_energy.txt", folder / "README.md")
    (folder / ".drafts").mkdir()
    shutil.copy(FIXTURES / "kremlin_energy.txt", folder / ".drafts" / "draft.txt")
    (folder / "kremlin_energy.txt").unlink()

    result = runner.invoke(app, ["ingest", "--no-summarize", str(folder)])

    assert result.exit_code == 0, result.output
    assert f"left out {folder / 'README.md'}: a folder's README is not an article" in result.output
    assert "3 new, 0 already stored, 0 files skipped." in result.output


@pytest.mark.timeout(30)
def test_endless_file_is_refused_after_reading_past_the_limit_only(environment, monkeypatch):
    monkeypatch.setenv("DIGESTBOT_MAX_ARTICLE_CHARS", "1000")
    endless = environment / "endless.txt"
    endless.symlink_to("/dev/zero")

    result = runner.invoke(app, ["ingest", "--no-summarize", str(endless), "/dev/zero"])

    assert result.exit_code == 1
    assert "endless.txt” is over 4,000 bytes" in result.output
    assert "can't read “zero”" in result.output


def test_config_shows_effective_settings_with_the_token_masked(environment, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:very-secret")

    result = runner.invoke(app, ["config"])

    shown = json.loads(result.output)
    assert shown["telegram_bot_token"] == "***"
    assert shown["effective_database_url"].startswith("sqlite:///")


def test_topics_lists_the_subjects_of_the_period_with_article_counts(environment):
    empty = runner.invoke(app, ["topics"])
    runner.invoke(app, ["ingest", "--no-summarize", str(FIXTURES)])

    result = runner.invoke(app, ["topics", "--limit", "3"])

    assert "No articles from the last 7 days." in empty.output
    rows = [line.rsplit(maxsplit=1) for line in result.output.splitlines()]
    assert len(rows) == 3
    assert all(count.isdigit() and int(count) >= 1 for _, count in rows)
    assert [int(c) for _, c in rows] == sorted((int(c) for _, c in rows), reverse=True)


@pytest.mark.model
def test_a_repost_from_another_file_is_listed_as_a_second_source(environment):
    original = (FIXTURES / "kremlin_energy.txt").read_text()
    headline, body = original.split("\n", 1)
    repost = environment / "evening_wire.txt"
    repost.write_text(f"Moscow Squeezes Gas Exporters\n{body}\nSubscribe for more news.\n")

    runner.invoke(app, ["ingest", str(FIXTURES / "kremlin_energy.txt")])
    again = runner.invoke(app, ["ingest", str(repost)])
    digest = json.loads(runner.invoke(app, ["digest", "russia", "--json"]).output)

    assert "0 new, 1 already stored" in again.output
    [article] = digest["articles"]
    assert article["title"] == headline
    assert article["sources"] == ["kremlin_energy.txt", "evening_wire.txt"]
    assert article["language"] == "en"


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("variable", "value", "command", "says"),
    [
        ("DIGESTBOT_DEFAULT_TIMEZONE", "Mars/Olympus", ["config"], "unknown IANA time zone"),
        ("DIGESTBOT_LOG_LEVEL", "verbose", ["topics"], "unknown log level"),
        ("DIGESTBOT_ADMINS", "12345 abc", ["config"], "admins = 'abc'"),
        ("DIGESTBOT_DATA_DIR", "{tmp}/a-file/data", ["topics"], "cannot open the database"),
        ("DIGESTBOT_DATABASE_URL", "sqlite:///{tmp}", ["topics"], "cannot open the database"),
        ("DIGESTBOT_EMBEDDING_MODEL", "{tmp}/no-model", ["digest", "russia"], "no-model"),
    ],
)
def test_a_set_up_mistake_is_one_line_and_exit_code_2(
    environment, monkeypatch, variable, value, command, says
):
    (environment / "a-file").write_text("not a directory")
    if command[0] == "digest":  # the model loads for the first article to summarize
        article = str(FIXTURES / "kremlin_energy.txt")
        assert runner.invoke(app, ["ingest", "--no-summarize", article]).exit_code == 0
    monkeypatch.setenv(variable, value.format(tmp=environment))

    result = runner.invoke(app, command)

    assert result.exit_code == 2, result.output
    [line] = error_lines(result)
    assert line.startswith("error: ") and says in line
    assert "Traceback" not in result.output


def test_a_postgresql_url_without_its_driver_is_one_line_and_exit_code_2(environment, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if not installed
    monkeypatch.setenv("DIGESTBOT_DATABASE_URL", "postgresql+psycopg://bot@127.0.0.1/digests")

    result = runner.invoke(app, ["topics"])

    assert result.exit_code == 2
    [line] = error_lines(result)
    assert "driver" in line and "digestbot[postgres]" in line


def test_config_shows_the_absolute_database_and_where_each_value_came_from(
    environment, monkeypatch
):
    monkeypatch.chdir(environment)
    monkeypatch.setenv("DIGESTBOT_DATA_DIR", "relative-data")
    (environment / ".env").write_text("DIGESTBOT_DIGEST_DAYS=3\n")

    shown = json.loads(runner.invoke(app, ["config"]).stdout)

    database = environment / "relative-data" / "digestbot.sqlite3"
    assert shown["effective_database_url"] == f"sqlite:///{database}"
    assert shown["digest_days"] == 3
    assert shown["origins"]["digest_days"] == str(environment / ".env")
    assert shown["origins"]["data_dir"] == "environment variable DIGESTBOT_DATA_DIR"


@pytest.fixture
def fake_models(environment, monkeypatch, fake_summarizer, fake_matcher):
    """The CLI's services with the fast stand-in models instead of the real ones."""
    from bot import cli
    from bot.app.services import Services
    from bot.store import open_store

    def build(settings):
        store = open_store(settings.effective_database_url)
        return Services(settings, store, fake_summarizer, fake_matcher)

    monkeypatch.setattr(cli, "build_services", build)
    return environment


def test_ingest_shows_the_summarizing_progress_with_rate_and_time_left(
    fake_models, fake_summarizer, monkeypatch
):
    folder = copy_articles(fake_models / "articles")
    monkeypatch.setenv("DIGESTBOT_WORKER_BATCH_SIZE", "1")
    summarize = fake_summarizer.summarize_embedded

    def slowly(articles):  # each batch takes a while, so the bar shows
        time.sleep(PROGRESS_DELAY_S / 2)
        return summarize(articles)

    monkeypatch.setattr(fake_summarizer, "summarize_embedded", slowly)

    result = runner.invoke(app, ["ingest", str(folder)])

    assert result.exit_code == 0, result.output
    progress = result.stderr.splitlines()[-1].split("\r")[-1]
    assert progress.startswith("summarizing: 100%")
    assert "4/4 [" in progress and "article/s]" in progress
    assert "<00:00" in progress  # the time left, after the time spent
    assert "4 new" in result.stdout


def test_nothing_to_summarize_shows_no_progress(fake_models):
    folder = copy_articles(fake_models / "articles")
    runner.invoke(app, ["ingest", str(folder)])

    result = runner.invoke(app, ["digest", "russia", "--json"])

    assert result.exit_code == 0, result.output
    assert "summarizing" not in result.stderr


def test_backup_copies_the_database_into_a_new_file_or_a_dated_one_in_a_folder(environment):
    runner.invoke(app, ["ingest", "--no-summarize", str(copy_articles(environment / "articles"))])
    (environment / "backups").mkdir()

    to_file = runner.invoke(app, ["backup", str(environment / "copy.sqlite3")])
    to_folder = runner.invoke(app, ["backup", str(environment / "backups")])
    again = runner.invoke(app, ["backup", str(environment / "copy.sqlite3")])

    assert to_file.exit_code == 0, to_file.output
    assert f"Backed up to {environment / 'copy.sqlite3'} (" in to_file.stdout
    (dated,) = (environment / "backups").iterdir()
    assert dated.name.startswith("digestbot-") and dated.suffix == ".sqlite3"
    assert to_folder.exit_code == 0 and str(dated) in to_folder.stdout
    assert again.exit_code == 1
    assert "exists already" in again.stderr


def test_backup_of_postgresql_advises_pg_dump_and_fails(environment, monkeypatch):
    monkeypatch.setenv("DIGESTBOT_DATABASE_URL", "postgresql+psycopg://bot:secret@db/news")

    result = runner.invoke(app, ["backup", str(environment / "copy")])

    assert result.exit_code == 1
    assert "pg_dump" in result.stderr and "secret" not in result.output
    assert not (environment / "copy").exists()


def test_version_prints_the_installed_package_version():
    from importlib.metadata import version

    result = runner.invoke(app, ["--version"])

    assert result.exit_code == 0
    assert result.stdout == f"digestbot {version('digestbot')}\n"


def test_articles_lists_the_stored_ones_searches_them_and_delete_removes_one(environment):
    folder = copy_articles(environment / "articles")
    runner.invoke(app, ["ingest", "--no-summarize", str(folder)])

    listed = runner.invoke(app, ["articles", "--json"])
    found = runner.invoke(app, ["articles", "--search", "gas exports", "--limit", "1"])
    articles = json.loads(listed.output)["articles"]
    kremlin = next(a for a in articles if a["title"].startswith("Kremlin Tightens"))
    deleted = runner.invoke(app, ["delete", str(kremlin["id"])])
    again = runner.invoke(app, ["delete", str(kremlin["id"])])
    after = runner.invoke(app, ["articles", "--search", "gas exports"])
    nothing = runner.invoke(app, ["articles", "--search", "?!"])

    assert listed.exit_code == 0, listed.output
    assert len(articles) == 4 and [a["id"] for a in articles] == sorted(
        (a["id"] for a in articles), reverse=True
    )
    assert found.exit_code == 0 and "1 articles hold 'gas exports'" in found.output
    assert f"{kremlin['id']:>6}" in found.output and "kremlin_energy.txt" in found.output
    assert deleted.output == f"Deleted article {kremlin['id']}.\n"
    assert again.exit_code == 1 and f"There is no article {kremlin['id']}." in again.output
    assert after.output == "No stored article matches.\n"
    assert nothing.exit_code == 2 and "words to look for" in nothing.output


def test_feeds_import_follows_an_opml_list_and_export_prints_it_back(environment, monkeypatch):
    opml = Path(__file__).parent / "fixtures" / "opml" / "miniflux_export.opml"
    without_admin = runner.invoke(app, ["feeds", "import", str(opml)])
    monkeypatch.setenv("DIGESTBOT_ADMINS", "77")

    imported = runner.invoke(app, ["feeds", "import", str(opml)])
    again = runner.invoke(app, ["feeds", "import", str(opml)])
    exported = runner.invoke(app, ["feeds", "export"])
    not_opml = runner.invoke(app, ["feeds", "import", str(FIXTURES / "kazakh_border.txt")])

    assert without_admin.exit_code == 2 and "no admins are set" in without_admin.output
    assert imported.exit_code == 0, imported.output
    assert imported.output.endswith("3 feeds followed, 0 already followed.\n")
    assert again.output.endswith("0 feeds followed, 3 already followed.\n")
    assert 'xmlUrl="https://desk.example/feed.json"' in exported.output
    assert exported.output.startswith("<?xml version='1.0' encoding='utf-8'?>\n<opml")
    assert not_opml.exit_code == 1 and "is not an OPML feed list" in not_opml.output


def test_pusher_without_a_token_says_how_to_get_one(environment, monkeypatch):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)

    result = runner.invoke(app, ["pusher"])

    assert result.exit_code == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in result.output


def test_pusher_with_a_token_telegram_refuses_says_so(environment, monkeypatch):
    with FakeBotAPI() as fake:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:not-the-fakes-token")
        monkeypatch.setenv("DIGESTBOT_TELEGRAM_API_URL", f"{fake.url}/bot")

        result = runner.invoke(app, ["pusher"])

    assert result.exit_code == 1
    assert "Telegram refused the bot token" in result.output


def test_telegraph_account_prints_the_new_token_and_config_masks_it(environment, monkeypatch):
    with FakeTelegraph() as telegraph:
        monkeypatch.setenv("DIGESTBOT_TELEGRAPH_API_URL", telegraph.url)

        made = runner.invoke(app, ["telegraph-account", "digestbot"])
        telegraph.refuse = "FLOOD_WAIT_5"
        refused = runner.invoke(app, ["telegraph-account", "digestbot"])

    assert made.exit_code == 0 and made.output == "fake-token-1\n"
    assert refused.exit_code == 1 and "FLOOD_WAIT_5" in refused.output
    monkeypatch.setenv("DIGESTBOT_TELEGRAPH_TOKEN", "fake-token-1")
    assert json.loads(runner.invoke(app, ["config"]).output)["telegraph_token"] == "***"
