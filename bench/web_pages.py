"""The web-articles pages for the web benchmarks: loading them, the benchmark's measure, and a
local HTTP server (in its own process, so that serving costs the bot no CPU) to fetch them from.
"""

from __future__ import annotations

import gzip
import json
import multiprocessing
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TOKENS = re.compile(r"\w+")
CANONICAL = re.compile(
    r"<link[^>]+rel=[\"']?canonical[^>]*>|<meta[^>]+(?:og:url|twitter:url)[^>]*>|<base [^>]*>",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class WebPage:
    key: str
    url: str
    html: str
    body: str  # the article body a person marked


def load_pages(data_dir: Path) -> list[WebPage]:
    """The pages of DATA_DIR/web-articles (or DATA_DIR itself), sorted by id."""
    root = data_dir / "web-articles" if (data_dir / "web-articles").is_dir() else data_dir
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        WebPage(
            key,
            truth[key]["url"],
            gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8"),
            truth[key]["articleBody"],
        )
        for key in sorted(truth)
    ]


def shingle_counts(predicted: str, truth: str) -> tuple[float, float, float]:
    """The benchmark's per-page tp, fp, fn over 4-token shingles, normalised to sum to 1."""

    def shingles(text: str) -> Counter[tuple[str, ...]]:
        tokens = TOKENS.findall(text)
        return Counter(tuple(tokens[i : i + 4]) for i in range(max(0, len(tokens) - 3)))

    pred, true = shingles(predicted), shingles(truth)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def f1_scores(extracted: list[str], pages: list[WebPage]) -> dict[str, float]:
    """Precision and recall as means over pages, F1 from the two means (the README's measure)."""
    precisions, recalls = [], []
    for text, page in zip(extracted, pages, strict=True):
        tp, fp, fn = shingle_counts(text, page.body)
        precisions.append(tp / (tp + fp) if tp + fp else 0.0)
        recalls.append(tp / (tp + fn) if tp + fn else 0.0)
    p = sum(precisions) / len(precisions)
    r = sum(recalls) / len(recalls)
    return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r}


def unique_page(page: WebPage, marker: str) -> str:
    """A page made distinct: no canonical address of its own, and words of its own where the
    article starts, in its middle and in the first paragraph (one of them is extracted)."""
    html = CANONICAL.sub("", page.html)
    tokens = TOKENS.findall(page.body)
    spots = set()
    first = r"\W+".join(re.escape(w) for w in tokens[:4])
    if first and (found := re.search(r">\s*(" + first + ")", html)):
        spots.add(found.start(1))
    for start in range(len(tokens) // 2, len(tokens) - 4):
        matches = list(
            re.finditer(r"\W+".join(re.escape(w) for w in tokens[start : start + 4]), html)
        )
        if len(matches) == 1:
            spots.add(matches[0].start())
            break
    if (paragraph := html.find("<p>")) >= 0:
        spots.add(paragraph + 3)
    for at in sorted(spots, reverse=True):
        html = f"{html[:at]}{marker}. {html[at:]}"
    return html


Routes = Callable[[str, dict[str, str]], tuple[int, dict[str, str], bytes]]


def serve_in_process(make_routes: Callable[[], Routes]) -> tuple[multiprocessing.Process, int]:
    """Run an aiohttp server on 127.0.0.1 in a child process; returns it and its port."""
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(target=_serve, args=(make_routes, child), daemon=True)
    process.start()
    port = int(parent.recv())
    return process, port


def _serve(make_routes: Callable[[], Routes], conn: object) -> None:
    import asyncio

    from aiohttp import web

    routes = make_routes()

    async def handle(request: web.Request) -> web.Response:
        status, headers, body = routes(request.path_qs, dict(request.headers))
        return web.Response(status=status, headers=headers, body=body)

    async def main() -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        conn.send(runner.addresses[0][1])  # type: ignore[attr-defined]
        await asyncio.Event().wait()

    asyncio.run(main())
