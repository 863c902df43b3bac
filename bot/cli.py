"""The `digestbot` command line: run the bot (polling or webhook), a worker or the pushes alone,
ingest files, print digests, list and delete stored articles, import and export feed lists,
show settings, migrate the database and check its health."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from tqdm import tqdm
from typer.core import TyperGroup

from bot.app.arguments import normalize_topic
from bot.app.articles import (
    MAX_SEARCH_WORDS,
    Deletion,
    NoSearchWordsError,
    delete_article,
    recent_articles,
    search_articles,
)
from bot.app.backups import back_up
from bot.app.digests import recent_digest, recent_period
from bot.app.feedlists import MAX_IMPORTED_FEEDS, export_feed_list, import_feed_list
from bot.app.intake import StoredOutcome, ingest_file
from bot.app.services import Services
from bot.app.stats import package_version
from bot.app.subjects import advise_on_empty_digest, subject_counts_in_period
from bot.app.summaries import drain, run_worker
from bot.config import ConfigError, load_settings, setting_origins
from bot.core.domain import StoredArticle
from bot.core.requests import paginate
from bot.ingest import IngestError
from bot.ingest.documents import HTML_EXTENSIONS, TEXT_EXTENSIONS, read_file
from bot.render.page import digest_json
from bot.runtime import configure_process
from bot.store import DatabaseUnavailable, migrate_database, schema_problem
from bot.store.backup import BackupError
from bot.wiring import build_services, configure_logging, serve_metrics
from summarizer.errors import ModelLoadError

SETUP_ERROR_EXIT_CODE = 2  # as for a wrong command line: fix the set-up and run it again


class _Commands(TyperGroup):
    """digestbot's commands: a mistake in the set-up (a setting, the database, the model) ends
    the command with one clear line per mistake on stderr and exit code 2, not a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (ConfigError, DatabaseUnavailable, ModelLoadError) as exc:
            for line in str(exc).splitlines():
                typer.echo(f"error: {line}", err=True)
            raise typer.Exit(SETUP_ERROR_EXIT_CODE) from None


app = typer.Typer(help=__doc__, no_args_is_help=True, pretty_exceptions_enable=False, cls=_Commands)

feeds_app = typer.Typer(
    help="The followed feeds as OPML feed lists: import and export.", no_args_is_help=True
)
app.add_typer(feeds_app, name="feeds")

INGESTIBLE_SUFFIXES = TEXT_EXTENSIONS | HTML_EXTENSIONS
PROGRESS_BAR_FROM = 5
PROGRESS_DELAY_S = 0.5  # summarizing shows its bar once it has taken this long


def _print_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"digestbot {package_version()}")
        raise typer.Exit


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_print_version, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Set the process-wide knobs (`bot.runtime.configure_process`) before any command runs:
    no torch is imported before this point."""
    configure_process()


def _services() -> Services:
    settings = load_settings()
    configure_logging(settings)
    return build_services(settings)


@app.command()
def run() -> None:
    """Run the Telegram bot (long polling), with the summary worker in-process unless
    worker_in_process = false (then run `digestbot worker` too). On PostgreSQL a second
    `digestbot run` waits as a standby and takes over when the first stops."""
    from bot.telegram.application import PollingLockLost
    from bot.telegram.application import run as run_bot

    services = _services()
    serve_metrics(services)
    try:
        _run_telegram(services, run_bot)
    except PollingLockLost as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc


@app.command()
def web() -> None:
    """Run the bot in webhook mode: an HTTP server on web_host:web_port
    taking Telegram's updates at the path of webhook_url, with /healthz and /readyz. Several
    may share a PostgreSQL database behind a reverse proxy; `digestbot set-webhook` first."""
    from bot.telegram.webhook import check_web_settings, run_web

    try:
        check_web_settings(load_settings())  # before the database is opened
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    services = _services()
    serve_metrics(services)
    _run_telegram(services, run_web)


@app.command("set-webhook")
def set_webhook(
    drop_pending_updates: Annotated[
        bool, typer.Option(help="Drop the updates Telegram holds for the bot.")
    ] = False,
) -> None:
    """Tell Telegram to POST the bot's updates to webhook_url with webhook_secret (then run
    `digestbot web`; `digestbot run` deletes the webhook again)."""
    import asyncio

    from telegram.error import TelegramError

    from bot.telegram.webhook import set_webhook as set_bot_webhook

    settings = load_settings()
    configure_logging(settings)
    try:
        info = asyncio.run(set_bot_webhook(settings, drop_pending_updates=drop_pending_updates))
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    except TelegramError as exc:
        typer.echo(f"Telegram refused the webhook: {exc}", err=True)
        raise typer.Exit(1) from exc
    pending = info.get("pending_update_count", 0)
    typer.echo(f"webhook set: {info.get('url')} ({pending} updates pending)")


@app.command("telegraph-account")
def telegraph_account(
    name: Annotated[str, typer.Argument(help="The account's short name (1-32 characters).")],
) -> None:
    """Make a Telegraph (telegra.ph) account at telegraph_api_url and print its access token:
    set it as telegraph_token to offer long digests as one Telegraph page."""
    import asyncio

    from bot.app.exports import PageNotPublished
    from bot.telegram.telegraph import create_account

    if not 1 <= len(name) <= 32:
        raise typer.BadParameter("a Telegraph short name has 1 to 32 characters")
    settings = load_settings()
    try:
        token = asyncio.run(create_account(settings.telegraph_api_url, name))
    except PageNotPublished as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    typer.echo(token)


@app.command()
def pusher() -> None:
    """Send the scheduled pushes in this process, without polling Telegram (until stopped).

    For a fleet on PostgreSQL: several may run beside the bot; one sends at a time, its rate
    limiter pacing every push, and another takes over when it stops or dies.
    """
    from bot.telegram.pusher import run_pusher

    services = _services()
    serve_metrics(services)
    _run_telegram(services, run_pusher)


def _run_telegram(services: Services, runner: Callable[[Services], None]) -> None:
    """Run the bot one way or the other, its set-up mistakes told in one line."""
    from telegram.error import InvalidToken, NetworkError

    try:
        runner(services)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    except InvalidToken as exc:
        typer.echo(f"Telegram refused the bot token: {exc}. Check TELEGRAM_BOT_TOKEN.", err=True)
        raise typer.Exit(1) from exc
    except NetworkError as exc:
        typer.echo(
            f"Could not reach the Telegram Bot API at {services.settings.telegram_api_url}: "
            f"{exc}. Check the network or the telegram_api_url setting.",
            err=True,
        )
        raise typer.Exit(1) from exc
    except KeyboardInterrupt:
        typer.echo("digestbot stopped", err=True)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.txt, .md, .html).")],
    summarize: Annotated[bool, typer.Option(help="Summarize the new articles now.")] = True,
) -> None:
    """Store the articles in files and folders, then summarize them."""
    services = _services()
    files = _collect(paths)
    if not files:
        typer.echo("No .txt, .md or .html files found.", err=True)
        raise typer.Exit(1)
    failures = 0
    stored: list[StoredOutcome] = []
    max_chars = services.settings.max_article_chars
    for path in tqdm(files, unit="file", disable=len(files) < PROGRESS_BAR_FROM):
        try:
            outcomes = ingest_file(
                services.store, path.name, read_file(path, max_chars), max_chars=max_chars
            )
        except (IngestError, OSError) as exc:
            failures += 1
            tqdm.write(f"skipped {path}: {exc}")
            continue
        for outcome in outcomes:
            state = "stored" if outcome.created else "duplicate"
            tqdm.write(f"{state}: {outcome.article.title} ({outcome.article.source})")
        stored.extend(outcomes)
    if summarize:
        _summarize_pending(services)
    typer.echo(
        f"{sum(o.created for o in stored)} new, {sum(not o.created for o in stored)} already "
        f"stored, {failures} files skipped."
    )
    if failures:
        raise typer.Exit(1)


@app.command()
def digest(
    topic: Annotated[list[str], typer.Argument(help="The topic, e.g. russia or north korea.")],
    days: Annotated[
        int | None, typer.Option(min=1, help="Days back (default: digest_days).")
    ] = None,
    limit: Annotated[
        int, typer.Option(min=0, help="At most this many articles, best first (0: all).")
    ] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print the digest of a topic over the last days, most relevant first, then most recent."""
    services = _services()
    try:
        name = normalize_topic(" ".join(topic))
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    _summarize_pending(services)
    page = paginate(recent_digest(services, name, days=days), 1, limit)
    result = page.digest
    if as_json:
        typer.echo(
            json.dumps(digest_json(page.digest, total=page.total), ensure_ascii=False, indent=2)
        )
        return
    if not result.items:
        days = days or services.settings.digest_days
        advice = advise_on_empty_digest(services, result, days=days)
        older = (
            f" {advice.older_count} from the last {advice.older_days} days match: "
            f"--days {advice.older_days}."
            if advice.older_days
            else ""
        )
        topics = ", ".join(advice.suggestions)
        hint = f" Topics with articles: {topics}." if topics else ""
        typer.echo(f"No articles about {name} in the last {days} days.{older}{hint}")
        return
    shown = f"{len(result.items)} of {page.total}" if page.count > 1 else str(page.total)
    typer.echo(f"Digest: {name} ({shown} articles since {result.since:%Y-%m-%d})\n")
    if result.overview:
        typer.echo(f"{result.overview}\n")
    for item in result.items:
        article = item.article
        typer.echo(f"# {article.title}\n{article.source} · {article.dated:%Y-%m-%d}")
        typer.echo(f"{item.summary or '(no summary yet)'}\n")


@app.command()
def topics(
    days: Annotated[
        int | None, typer.Option(min=1, help="Days back (default: digest_days).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many subjects.")] = 15,
) -> None:
    """Print the subjects the articles of the last days name most, with article counts."""
    services = _services()
    days = days or services.settings.digest_days
    counts = subject_counts_in_period(services.store, *recent_period(days), limit=limit)
    if not counts:
        typer.echo(f"No articles from the last {days} days.")
        return
    width = max(len(subject) for subject, _ in counts)
    for subject, count in counts:
        typer.echo(f"{subject:{width}}  {count}")


@app.command()
def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Summarize what is queued, then exit.")
    ] = False,
) -> None:
    """Summarize stored articles in batches, in this process, then keep polling for new ones.

    Run it beside `digestbot run` with worker_in_process = false; several may share a database.
    In cluster mode (queue = "procrastinate") it runs the queue's jobs: summaries, feed polls.
    """
    services = _services()
    serve_metrics(services)
    settings = services.settings
    if settings.cluster_mode and not once:
        from bot.cluster.worker import run_cluster_worker

        typer.echo(f"cluster worker: {services.summarizer.model_key}", err=True)
        run_cluster_worker(services)
        return
    typer.echo(f"summary worker: {services.summarizer.model_key}", err=True)
    try:
        processed = run_worker(
            services.store,
            services.summarizer,
            services.matcher,
            batch_size=settings.worker_batch_size,
            idle_s=settings.worker_idle_s,
            once=once,
        )
    except (ModelLoadError, DatabaseUnavailable) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    except KeyboardInterrupt:
        typer.echo("summary worker stopped", err=True)
        return
    typer.echo(f"{processed} articles summarized.")


@app.command()
def migrate() -> None:
    """Bring the database to the newest schema, then exit. Every process also migrates when it
    starts; in a cluster this runs once first, so replicas never migrate side by side."""
    settings = load_settings()
    configure_logging(settings)
    revision = migrate_database(settings.effective_database_url)
    typer.echo(f"database at revision {revision}")
    if settings.cluster_mode:
        from bot.cluster.queue import apply_queue_schema

        typer.echo(str(apply_queue_schema(settings.effective_database_url)))


@app.command()
def healthcheck() -> None:
    """Exit 0 when the database answers and its schema is current; else say why on one line
    and exit 1 (for container health checks). Changes nothing."""
    try:
        problem = schema_problem(load_settings().effective_database_url)
    except ConfigError as exc:
        problem = "settings: " + "; ".join(str(exc).splitlines())
    if problem:
        typer.echo(f"unhealthy: {problem}", err=True)
        raise typer.Exit(1)
    typer.echo("healthy")


@app.command()
def demo(
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port of the web chat.")] = 8080,
    articles: Annotated[
        Path | None,
        typer.Option(help="Pre-load the articles of this folder instead of the samples."),
    ] = None,
    samples: Annotated[
        bool, typer.Option(help="Pre-load articles, so /digest answers at once.")
    ] = True,
    host: Annotated[
        str, typer.Option(help="Address of the web chat (loopback unless --allow-remote).")
    ] = "127.0.0.1",
    allow_remote: Annotated[
        bool, typer.Option("--allow-remote", help="Allow a non-loopback --host.")
    ] = False,
) -> None:
    """Try the bot without a token: the real bot against a local Telegram stand-in, in a web
    chat at http://127.0.0.1:8080 (private chat, group, channel; buttons; time warp)."""
    from bot.sandbox.demo import DemoError, run_demo

    try:
        run_demo(
            host=host, port=port, articles=articles, preload=samples,
            allow_remote=allow_remote, say=typer.echo,
        )  # fmt: skip
    except DemoError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    except KeyboardInterrupt:
        typer.echo("Demo stopped.")


@app.command()
def backup(
    path: Annotated[Path, typer.Argument(help="A new file, or a folder to put a dated file in.")],
) -> None:
    """Copy the SQLite database into PATH while the bot runs (for PostgreSQL: use pg_dump)."""
    settings = load_settings()
    configure_logging(settings)
    try:
        made = back_up(settings, path)
    except BackupError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"Backed up to {made.path} ({made.size_bytes / 1_000_000:.1f} MB).")


@app.command()
def articles(
    search: Annotated[
        str | None, typer.Option(help="Only articles holding all these words.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many, newest first.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the latest stored articles with their numbers, or search them all."""
    services = _services()
    total = None
    if search is None:
        found = recent_articles(services.store, limit)
    else:
        try:
            matches = search_articles(services.store, search, limit)
        except NoSearchWordsError:
            raise typer.BadParameter(
                f"give one to {MAX_SEARCH_WORDS} words to look for", param_hint="--search"
            ) from None
        found, total = matches.articles, matches.total
    if as_json:
        listing = {"total": total, "articles": [_article_json(a) for a in found]}
        typer.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    if not found:
        typer.echo("No stored article matches." if search else "No articles stored yet.")
        return
    if total is not None:
        typer.echo(f"{total} articles hold {search!r}; the newest {len(found)}:")
    for article in found:
        typer.echo(f"{article.id:>6}  {article.received_at:%Y-%m-%d}  {article.title}")
        typer.echo(f"        {', '.join((article.source, *article.also_from))}")


@app.command()
def delete(
    article: Annotated[int, typer.Argument(min=1, help="The article's number (see articles).")],
) -> None:
    """Delete a stored article with its summaries (the operator may delete any)."""
    services = _services()
    outcome = delete_article(services.store, article, user_id=None, is_admin=True)
    if outcome is not Deletion.DELETED:
        typer.echo(f"There is no article {article}.", err=True)
        raise typer.Exit(1)
    typer.echo(f"Deleted article {article}.")


@feeds_app.command("import")
def import_feeds(
    path: Annotated[Path, typer.Argument(help="An OPML file exported from a feed reader.")],
    added_by: Annotated[
        int | None,
        typer.Option(help="Telegram user id told when a feed keeps failing (default: the "
                     "first of admins)."),
    ] = None,
) -> None:  # fmt: skip
    """Follow every feed an OPML file lists (each read at the bot's next feed poll)."""
    services = _services()
    admins = services.settings.admins
    if added_by is None and not admins:
        raise typer.BadParameter("no admins are set: name who is told of failing feeds")
    try:
        data = path.read_bytes()
        result = import_feed_list(
            services.store,
            data,
            name=path.name,
            added_by=added_by if added_by is not None else admins[0],
            interval_s=services.settings.feed_interval_s,
            now=datetime.now(UTC),
        )
    except (IngestError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    for url in result.refused:
        typer.echo(f"left out (not an http(s) link): {url}", err=True)
    if result.left_out:
        typer.echo(f"left out: {result.left_out} feeds past the first {MAX_IMPORTED_FEEDS}")
    typer.echo(f"{len(result.followed)} feeds followed, {len(result.already)} already followed.")


@feeds_app.command("export")
def export_feeds(
    output: Annotated[
        Path | None, typer.Option(help="Write the OPML to this file instead of stdout.")
    ] = None,
) -> None:
    """Print the followed feeds as an OPML feed list."""
    data = export_feed_list(_services().store, datetime.now(UTC))
    if data is None:
        typer.echo("No feeds are followed.", err=True)
        raise typer.Exit(1)
    if output is None:
        typer.echo(data.decode(), nl=False)
    else:
        output.write_bytes(data)


@app.command()
def config() -> None:
    """Show the effective settings (secrets masked), the absolute database location, and where
    each setting not left at its default came from (environment, .env or TOML file)."""
    values = load_settings().masked()
    values["origins"] = setting_origins()
    typer.echo(json.dumps(values, indent=2))


def _collect(paths: list[Path]) -> list[Path]:
    """The files named, and the article files inside the folders named: hidden files and
    folders and a folder's README (which describes the folder, it is not an article) are
    left out there."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                inside = found.relative_to(path).parts
                if found.suffix.lower() not in INGESTIBLE_SUFFIXES or any(
                    part.startswith(".") for part in inside
                ):
                    continue
                if found.stem.lower() == "readme":
                    typer.echo(f"left out {found}: a folder's README is not an article", err=True)
                    continue
                files.append(found)
        elif path.exists():
            files.append(path)
        else:
            typer.echo(f"not found: {path}", err=True)
    return files


def _summarize_pending(services: Services) -> None:
    """Summarize every article still without a summary, with a progress bar on stderr
    (articles done, articles/s, time left) as each batch is stored, once it has taken
    `PROGRESS_DELAY_S` (a set-up mistake found at once is its one error line alone)."""
    model_key = services.summarizer.model_key
    pending = services.store.backlog.read(model_key, datetime.now(UTC)).summaries_pending
    if not pending:
        return
    bar = tqdm(
        total=pending, unit="article", desc="summarizing", file=sys.stderr,
        delay=PROGRESS_DELAY_S,
    )  # fmt: skip
    try:
        drain(
            services.store,
            services.summarizer,
            services.matcher,
            batch_size=services.settings.worker_batch_size,
            on_batch=bar.update,
        )
    except BaseException:
        bar.leave = False  # the error's one line takes the bar's place
        raise
    finally:
        bar.close()


def _article_json(article: StoredArticle) -> dict:
    return {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "sources": [article.source, *article.also_from],
        "language": article.language,
        "author": article.author,
        "published": article.published and article.published.isoformat(),
        "received_at": article.received_at.isoformat(),
    }
