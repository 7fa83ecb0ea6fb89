"""Known-item retrieval per language: every language's articles in one archive, headlines asked.

    python -m bench.languages ../shared/data/multilingual [--langs ar,ru,fr,fa] [--halves all]

Imports each `{lang}-articles.jsonl` without titles into one index (language detected per
article and page clutter left out, as `newsbot import` does), asks each
`{lang}-dev-questions.jsonl` query (and its `typo` form) and prints article hit@1 / hit@5 per
language for the bot and, measured in the same run on the same articles (their whole texts),
the reference engines: tantivy's default analyser, tantivy with
the language's Snowball stemmer, bm25s with PyStemmer. `--halves` picks the question
halves reported (by a hash of the id: tuned on `tune`, checked on `check`; `all`: both).
`--dump PATH` writes one JSON line a question and form: its gold article's id, the bot's first
ten ids and the gold's place in its first 100, and each reference engine's first five.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import pathlib
import time
from collections import Counter
from dataclasses import dataclass

import bm25s
import Stemmer
import tantivy

from bot.articles.clutter.spans import clutter_spans, encode_spans, without_clutter
from bot.languages import detect
from bot.questions.abstention import answers, coverage
from bot.questions.analysis import Query
from bot.questions.retrieval import Retriever
from storage.search_index import IndexChange, SearchIndex

STEMMERS = {"ar": "arabic", "ru": "russian", "fr": "french", "fa": None, "es": "spanish"}


@dataclass(frozen=True, slots=True)
class Question:
    qid: str
    lang: str
    query: str
    typo: str
    gold: str


def load(folder: pathlib.Path, langs: list[str]) -> tuple[list[dict[str, str]], list[Question]]:
    articles: list[dict[str, str]] = []
    questions: list[Question] = []
    for lang in langs:
        with (folder / f"{lang}-articles.jsonl").open(encoding="utf-8") as f:
            articles.extend(json.loads(line) for line in f if line.strip())
        with (folder / f"{lang}-dev-questions.jsonl").open(encoding="utf-8") as f:
            for line in f:
                q = json.loads(line)
                questions.append(
                    Question(q["qid"], q["lang"], q["query"], q["typo"], q["gold_doc_ids"][0])
                )
    return articles, questions


def in_half(qid: str, half: str) -> bool:
    if half == "all":
        return True
    even = hashlib.sha256(qid.encode()).digest()[0] % 2 == 0
    return even if half == "tune" else not even


class Bot:
    name = "bot"

    def __init__(self, articles: list[dict[str, str]]) -> None:
        self.index = SearchIndex.open(None)
        started = time.perf_counter()
        langs = [detect(article["text"]) or "xx" for article in articles]
        self.detect_seconds = time.perf_counter() - started
        self.detected = Counter((a["lang"], lang) for a, lang in zip(articles, langs, strict=True))
        # Page clutter (a "see also" link's headline...) is not searched, as in `newsbot import`.
        self.clutter = [encode_spans(clutter_spans("", a["text"])) for a in articles]
        self.langs = langs
        self.bodies = [
            without_clutter(a["text"], clutter)
            for a, clutter in zip(articles, self.clutter, strict=True)
        ]
        changes = []
        for number, (article, lang, body) in enumerate(
            zip(articles, langs, self.bodies, strict=True), 1
        ):
            date = dt.date.fromisoformat(article["date"]) if article.get("date") else None
            changes.append(IndexChange(number, "", body, date, lang=lang, source=article["source"]))
        self.index.apply(changes, len(changes))
        self.retriever = Retriever(self.index)
        self.texts = [article["text"] for article in articles]

    def answered(self, query: str) -> bool:
        """Whether the bot would quote its top hit as the answer (bot/questions/abstention)."""
        analysed = self.retriever.analyze(query)
        found = self.ranked(analysed, 1)
        if not found:
            return False
        top = found[0] - 1
        found = coverage(analysed, "", self.texts[top], self.clutter[top], lang=self.langs[top])
        return answers(found)

    def search(self, query: str, k: int) -> list[int]:
        return self.ranked(self.retriever.analyze(query), k)

    def ranked(self, analysed: Query, k: int) -> list[int]:
        """The first k articles, the first few ranked again by their words as typed, as
        `QuestionService.ask` does (with a headline: none here)."""
        head = self.retriever.reranks(analysed)
        found = self.retriever.search(analysed, as_of=None, limit=max(k, head))
        texts = {
            s.article_id: (self.langs[s.article_id - 1], "\n" + self.bodies[s.article_id - 1])
            for s in found[:head]
        }
        return [s.article_id for s in self.retriever.by_exact_words(analysed, found, texts)][:k]


class TantivyEngine:
    def __init__(self, articles: list[dict[str, str]], stemmer: str | None, name: str) -> None:
        self.name = name
        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("id", stored=True, indexed=True, fast=True)
        tokenizer = "default" if stemmer is None else "stem"
        builder.add_text_field("body", tokenizer_name=tokenizer)
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema)
        if stemmer is not None:
            self.index.register_tokenizer(
                "stem",
                tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                .filter(tantivy.Filter.remove_long(40))
                .filter(tantivy.Filter.lowercase())
                .filter(tantivy.Filter.stemmer(stemmer))
                .build(),
            )
        writer = self.index.writer(heap_size=200_000_000)
        for number, article in enumerate(articles, 1):
            writer.add_document(tantivy.Document(id=number, body=article["text"]))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def search(self, query: str, k: int) -> list[int]:
        words = [w for w in query.split() if w.isalnum()]
        if not words:
            return []
        parsed = self.index.parse_query(" OR ".join(words), ["body"])
        hits = self.searcher.search(parsed, k).hits
        return [self.searcher.doc(address)["id"][0] for _, address in hits]


class Bm25sEngine:
    def __init__(self, articles: list[dict[str, str]], lang: str, stemmer: str | None) -> None:
        self.name = "bm25s+PyStemmer"
        self.stemmer = Stemmer.Stemmer(stemmer) if stemmer else None
        self.ids = [number for number, a in enumerate(articles, 1)]
        tokens = bm25s.tokenize(
            [a["text"] for a in articles], stopwords=None, stemmer=self.stemmer, show_progress=False
        )
        self.model = bm25s.BM25(k1=1.5, b=0.75)
        self.model.index(tokens, show_progress=False)

    def search(self, query: str, k: int) -> list[int]:
        tokens = bm25s.tokenize([query], stopwords=None, stemmer=self.stemmer, show_progress=False)
        if not tokens.vocab:
            return []
        found, _ = self.model.retrieve(tokens, k=k, show_progress=False)
        return [self.ids[int(i)] for i in found[0]]


def score(
    engine: object,
    questions: list[Question],
    gold_of: dict[str, int],
    form: str,
    found_by: dict[tuple[str, str], list[int]] | None = None,
) -> str:
    """hit@1 / hit@5 of one engine; each question's first five go into `found_by` if given."""
    at1 = at5 = 0
    for q in questions:
        text = q.query if form == "query" else q.typo
        found = engine.search(text, 5)  # type: ignore[attr-defined]
        if found_by is not None:
            found_by[(q.qid, form)] = found
        gold = gold_of[q.gold]
        at1 += bool(found) and found[0] == gold
        at5 += gold in found
    n = max(len(questions), 1)
    return f"{at1 / n:.2f} / {at5 / n:.2f}"


def dump_lines(
    bot: Bot,
    asked: list[Question],
    ids: list[str],
    gold_of: dict[str, int],
    found: dict[str, dict[tuple[str, str], list[int]]],
    half: str,
) -> list[str]:
    """One JSON line a question and form: the gold, the bot's ranking, the references' top 5."""
    lines = []
    for q in asked:
        for form in ("query", "typo"):
            text = q.query if form == "query" else q.typo
            ranked = bot.search(text, 100)
            gold = gold_of[q.gold]
            record = {
                "qid": q.qid,
                "lang": q.lang,
                "half": half,
                "form": form,
                "question": text,
                "gold": q.gold,
                "bot_rank": ranked.index(gold) + 1 if gold in ranked else None,
                "bot": [ids[n - 1] for n in ranked[:10]],
                **{name: [ids[n - 1] for n in got[(q.qid, form)]] for name, got in found.items()},
            }
            lines.append(json.dumps(record, ensure_ascii=False))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=pathlib.Path)
    parser.add_argument("--langs", default="ar,ru,fr,fa")
    parser.add_argument("--halves", default="tune,check", help="question halves: tune,check,all")
    parser.add_argument("--no-references", action="store_true")
    parser.add_argument("--dump", type=pathlib.Path, help="each question's rankings (JSON lines)")
    args = parser.parse_args()
    langs = args.langs.split(",")
    articles, questions = load(args.folder, langs)
    gold_of = {a["id"]: n for n, a in enumerate(articles, 1)}
    halves = args.halves.split(",")
    bot = Bot(articles)
    wrong = sum(c for (given, got), c in bot.detected.items() if given != got)
    print(
        f"{len(articles):,} articles, {len(questions)} questions; "
        f"language detected for {len(articles) / bot.detect_seconds:,.0f} articles/s, "
        f"{wrong} of {len(articles):,} not the corpus's language"
    )
    print("| lang | half | engine | hit@1 / hit@5 | typo hit@1 / hit@5 |")
    print("|---|---|---|---|---|")
    plain = None if args.no_references else TantivyEngine(articles, None, "tantivy default")
    ids = [a["id"] for a in articles]
    dumped: list[str] = []
    for lang in langs:
        engines: list[object] = [bot]
        if plain is not None:
            engines.append(plain)
            if STEMMERS.get(lang):
                engines.append(TantivyEngine(articles, STEMMERS[lang], "tantivy stem"))
            engines.append(Bm25sEngine(articles, lang, STEMMERS.get(lang)))
        for half in halves:
            asked = [q for q in questions if q.lang == lang and in_half(q.qid, half)]
            found: dict[str, dict[tuple[str, str], list[int]]] = {}
            for engine in engines:
                name = engine.name  # type: ignore[attr-defined]
                got = found[name] = {}
                clean = score(engine, asked, gold_of, "query", got)
                typo = score(engine, asked, gold_of, "typo", got)
                print(f"| {lang} | {half} ({len(asked)}) | {name} | {clean} | {typo} |", flush=True)
            if args.dump is not None:
                del found["bot"]
                dumped.extend(dump_lines(bot, asked, ids, gold_of, found, half))
            shares = [
                sum(bot.answered(q.query if form == "query" else q.typo) for q in asked)
                / max(len(asked), 1)
                for form in ("query", "typo")
            ]
            print(
                f"| {lang} | {half} ({len(asked)}) | bot: share answered | {shares[0]:.2f} "
                f"| {shares[1]:.2f} |",
                flush=True,
            )
    if args.dump is not None:
        args.dump.write_text("".join(line + "\n" for line in dumped), encoding="utf-8")


if __name__ == "__main__":
    main()
