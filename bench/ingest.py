"""Measure ingestion speed without summarizing: pasted text, and pages fetched over local HTTP.

    python bench/ingest.py [DIR ...] [--database URL]

Each DIR (default ../shared/news-summaries/articles and ../shared/news-topics beside the
repository) holds .txt articles, headline on the first line. Text: every article goes through
`ingest_text` (cleaning, language, exact and near-duplicate checks, storing) into a fresh
SQLite store. Pages: the same articles as HTML pages served by http.server on 127.0.0.1, each
fetched through the guarded fetcher, extracted by trafilatura and stored in another fresh
store. Prints articles per second for each. Nothing here is a test: no figure is asserted.
"""

from __future__ import annotations

import argparse
import functools
import html
import ipaddress
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.app.intake import ingest_text, ingest_url  # noqa: E402
from bot.ingest.fetch import FetchLimits  # noqa: E402
from bot.store import open_store  # noqa: E402

SHARED = REPO.parent / "shared"
DEFAULT_DIRS = [SHARED / "news-summaries" / "articles", SHARED / "news-topics"]
MAX_CHARS = 200_000


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def load_articles(directories: list[Path]) -> list[tuple[str, str]]:
    """(name, text) of every .txt article in the directories."""
    return [
        (path.stem, path.read_text())
        for directory in directories
        for path in sorted(directory.glob("*.txt"))
        if path.name != "README.md"
    ]


def as_page(text: str) -> str:
    headline, body = text.split("\n", 1)
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n") if p.strip())
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(headline)}"
        f"</title></head><body><nav><a href='/'>Home</a></nav><article><h1>"
        f"{html.escape(headline)}</h1>{paragraphs}</article><footer>© News</footer></body></html>"
    )


def bench_text(articles: list[tuple[str, str]], workdir: Path) -> tuple[int, float]:
    store = open_store(f"sqlite:///{workdir / 'text.sqlite3'}")
    stored = 0
    started = time.perf_counter()
    for name, text in articles:
        stored += len(ingest_text(store, text, source=name, max_chars=MAX_CHARS))
    elapsed = time.perf_counter() - started
    store.close()
    return stored, elapsed


def bench_pages(articles: list[tuple[str, str]], workdir: Path) -> tuple[int, float]:
    site = workdir / "site"
    site.mkdir()
    for name, text in articles:
        (site / f"{name}.html").write_text(as_page(text))
    handler = functools.partial(QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    limits = FetchLimits(allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    store = open_store(f"sqlite:///{workdir / 'pages.sqlite3'}")
    stored = 0
    started = time.perf_counter()
    for name, _ in articles:
        url = f"{base}/{name}.html"
        stored += len(ingest_url(store, url, limits=limits, max_chars=MAX_CHARS))
    elapsed = time.perf_counter() - started
    store.close()
    server.shutdown()
    return stored, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directories", nargs="*", type=Path, default=DEFAULT_DIRS)
    args = parser.parse_args()
    articles = load_articles(args.directories)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        ingest_text(
            open_store(f"sqlite:///{workdir / 'warm.sqlite3'}"),
            articles[0][1],
            source="warm-up",
            max_chars=MAX_CHARS,
        )  # loads the language model once, outside the timings
        stored, elapsed = bench_text(articles, workdir)
        print(
            f"text:  {len(articles)} articles ({stored} stored) in {elapsed:.2f} s = "
            f"{len(articles) / elapsed:.0f} articles/s"
        )
        stored, elapsed = bench_pages(articles, workdir)
        print(
            f"pages: {len(articles)} pages over local HTTP ({stored} stored) in {elapsed:.2f} s = "
            f"{len(articles) / elapsed:.0f} articles/s"
        )


if __name__ == "__main__":
    main()
