"""Extraction quality on real article pages, through the bot's own path.

Each page of web-articles is served from 127.0.0.1 (another process), fetched by the bot's
fetcher, extracted, stored in a fresh archive and read back; the stored body is scored with the
benchmark's own measure (4-token shingles; see the data's README). trafilatura (defaults, and
without comments) and readability-lxml alone are measured on the same pages in the same run.

Usage: python -m bench.extract DATA_DIR [--workdir DIR]
DATA_DIR holds web-articles/ (ground-truth.json, html/*.html.gz).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from functools import partial
from pathlib import Path

import lxml.html
import trafilatura
from readability import Document

from bench.web_pages import Routes, WebPage, f1_scores, load_pages, serve_in_process
from bot.services import open_services
from bot.settings import Settings


def _routes(data_dir: Path) -> Routes:
    pages = {f"/page/{p.key}": p.html.encode("utf-8") for p in load_pages(data_dir)}

    def route(path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        body = pages.get(path)
        if body is None:
            return 404, {}, b""
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body

    return route


async def through_the_bot(pages: list[WebPage], port: int, workdir: Path) -> list[str]:
    """Fetch, extract, store and read back each page; '' where the bot stored nothing."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{workdir / 'extract.sqlite3'}",
        index_dir=workdir / "extract.index",
        fetch_allow_private=True,
    )
    services = await open_services(settings)
    texts = []
    try:
        for page in pages:
            try:
                written = await services.web.add_link(f"http://127.0.0.1:{port}/page/{page.key}")
            except Exception as exc:  # a page the bot refuses scores 0, with the reason shown
                print(f"  {page.key[:12]}: {exc}")
                texts.append("")
                continue
            stored = await services.archive.articles.get(written.value.article.id)
            texts.append(stored.text if stored is not None else "")
    finally:
        await services.close()
    return texts


def readability_text(html: str) -> str:
    summary = Document(html).summary(html_partial=True)
    return str(lxml.html.fromstring(summary).text_content())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    pages = load_pages(args.data_dir)
    process, port = serve_in_process(partial(_routes, args.data_dir))
    results: dict[str, dict[str, float]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = args.workdir or Path(tmp)
            started = time.perf_counter()
            bot = asyncio.run(through_the_bot(pages, port, workdir))
            results["bot (fetch, extract, store, read back)"] = {
                **f1_scores(bot, pages),
                "seconds": time.perf_counter() - started,
            }
            halves = (pages[0::2], bot[0::2]), (pages[1::2], bot[1::2])
            for name, (half_pages, half_texts) in zip(("even", "odd"), halves, strict=True):
                results[f"bot, {name} half"] = f1_scores(half_texts, half_pages)
    finally:
        process.kill()
        process.join()
    engines = {
        "trafilatura defaults": lambda p: trafilatura.extract(p.html, url=p.url) or "",
        "trafilatura include_comments=False": lambda p: (
            trafilatura.extract(p.html, url=p.url, include_comments=False) or ""
        ),
        "readability-lxml": lambda p: readability_text(p.html),
    }
    for name, engine in engines.items():
        started = time.perf_counter()
        texts = [engine(p) for p in pages]
        results[name] = {**f1_scores(texts, pages), "seconds": time.perf_counter() - started}
    print(f"{len(pages)} pages")
    print(f"{'engine':45} {'F1':>6} {'prec':>6} {'recall':>6} {'s':>6}")
    for name, r in results.items():
        seconds = f"{r['seconds']:6.1f}" if "seconds" in r else ""
        print(f"{name:45} {r['f1']:6.3f} {r['precision']:6.3f} {r['recall']:6.3f} {seconds}")
    print(json.dumps({k: {m: round(v, 4) for m, v in r.items()} for k, r in results.items()}))


if __name__ == "__main__":
    main()
