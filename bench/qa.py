"""Answer quality on the news-qa questions: the bot against reference BM25 engines.

Usage: python -m bench.qa ARTICLES QUESTIONS [--questions N] [--articles N] [--no-reference]
"""

from __future__ import annotations

import argparse
import datetime
import json
import pathlib
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bench.reference import Doc, Engine, all_engines, overlap_sentence
from bot.retrieval import Retriever
from storage.search_index import IndexChange, SearchIndex

FORMS = ("quiz", "short", "typo")
LABELS = ("gold", "silver", "all")
BATCH = 2000


@dataclass(frozen=True, slots=True)
class Question:
    """One dev question in its three forms, with what counts as a hit."""

    qid: str
    label: str
    as_of: datetime.date
    gold: frozenset[int]
    answer: str | None
    forms: dict[str, str]


@dataclass(slots=True)
class Tally:
    """Counts for one form and label."""

    asked: int = 0
    hit1: int = 0
    hit5: int = 0
    answerable: int = 0
    answer1: int = 0

    def row(self) -> tuple[float, float, float]:
        """Return hit@1, hit@5 and answer hit@1 as fractions."""
        return (
            self.hit1 / max(self.asked, 1),
            self.hit5 / max(self.asked, 1),
            self.answer1 / max(self.answerable, 1),
        )


@dataclass(slots=True)
class Report:
    """Tallies per form and label for one engine."""

    name: str
    tallies: dict[tuple[str, str], Tally] = field(default_factory=dict)

    def add(self, form: str, q: Question, ranked: list[int], sentence: str | None) -> None:
        """Count one answered question."""
        for label in (q.label, "all"):
            t = self.tallies.setdefault((form, label), Tally())
            t.asked += 1
            t.hit1 += bool(ranked[:1] and ranked[0] in q.gold)
            t.hit5 += bool(set(ranked[:5]) & q.gold)
            if q.answer is not None:
                t.answerable += 1
                t.answer1 += bool(sentence and q.answer.lower() in sentence.lower())

    def get(self, form: str, label: str) -> tuple[float, float, float]:
        """Return the measures of one cell."""
        return self.tallies.get((form, label), Tally()).row()


def load(
    articles_path: pathlib.Path, questions_path: pathlib.Path, n_questions: int, n_articles: int
) -> tuple[list[Doc], list[Question]]:
    """Read articles (ids = line numbers) and questions, optionally a subset of each."""
    raw_questions = [json.loads(line) for line in questions_path.open(encoding="utf-8")]
    if n_questions:
        raw_questions = raw_questions[:n_questions]
    wanted = {g for q in raw_questions for g in q["gold_doc_ids"]}
    docs: list[Doc] = []
    ids: dict[str, int] = {}
    with articles_path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            a = json.loads(line)
            if n_articles and len(docs) >= n_articles and a["id"] not in wanted:
                continue
            ids[a["id"]] = number
            date = datetime.date.fromisoformat(a["date"]) if a.get("date") else None
            docs.append(Doc(number, a.get("title") or "", a["text"], date))
    questions = [
        Question(
            q["qid"],
            q["label"],
            datetime.date.fromisoformat(q["question_date"]),
            frozenset(ids[g] for g in q["gold_doc_ids"] if g in ids),
            q["answer"] if q["answer_in_doc"] else None,
            {form: q[form] for form in FORMS},
        )
        for q in raw_questions
    ]
    return docs, questions


def build_bot(docs: Sequence[Doc], path: pathlib.Path | None) -> SearchIndex:
    """Index the articles the way the bot does, in batches."""
    index = SearchIndex.open(path)
    for start in range(0, len(docs), BATCH):
        batch = docs[start : start + BATCH]
        index.apply(
            [IndexChange(d.doc_id, d.title, d.text, d.date) for d in batch], start + len(batch)
        )
    return index


Asker = Callable[[str, datetime.date], tuple[list[int], str | None]]


def bot_asker(retriever: Retriever, texts: dict[int, tuple[str, str]]) -> Asker:
    """Ask the bot's retriever directly: top 10 ids and the first article's answer sentence."""

    def ask(question: str, as_of: datetime.date) -> tuple[list[int], str | None]:
        query = retriever.analyze(question)
        ranked = [a.article_id for a in retriever.search(query, as_of=as_of, limit=10)]
        if not ranked:
            return [], None
        title, text = texts[ranked[0]]
        return ranked, retriever.answer(query, title, text).sentence

    return ask


def engine_asker(engine: Engine, texts: dict[int, tuple[str, str]]) -> Asker:
    """Ask a reference engine; the answer is the top article's sentence sharing most words."""

    def ask(question: str, as_of: datetime.date) -> tuple[list[int], str | None]:
        ranked = engine.search(question, as_of, 10)
        if not ranked:
            return [], None
        return ranked, overlap_sentence(question, texts[ranked[0]][1])

    return ask


def run(name: str, ask: Asker, questions: Sequence[Question]) -> Report:
    """Ask every question in every form."""
    report = Report(name)
    for q in questions:
        for form in FORMS:
            ranked, sentence = ask(q.forms[form], q.as_of)
            report.add(form, q, ranked, sentence)
    return report


def print_reports(reports: Sequence[Report], out: Callable[[str], None] = print) -> None:
    """Print hit@1 / hit@5 / answer hit@1 per form and label, engines side by side."""
    out("form   label   " + "".join(f"{r.name:>20}" for r in reports))
    for form in FORMS:
        for label in LABELS:
            cells = "".join(
                "{:>20}".format("{:.3f}/{:.3f}/{:.3f}".format(*r.get(form, label))) for r in reports
            )
            out(f"{form:<6} {label:<7} {cells}")
    out("cells: article hit@1 / hit@5 / answer hit@1")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", type=pathlib.Path)
    parser.add_argument("questions", type=pathlib.Path)
    parser.add_argument("--questions", dest="n_questions", type=int, default=0)
    parser.add_argument("--articles", dest="n_articles", type=int, default=0)
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args(argv)

    docs, questions = load(args.articles, args.questions, args.n_questions, args.n_articles)
    texts = {d.doc_id: (d.title, d.text) for d in docs}
    print(f"{len(docs)} articles, {len(questions)} questions", file=sys.stderr)
    reports: list[Report] = []
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        index = build_bot(docs, pathlib.Path(tmp) / "index")
        print(f"bot indexed in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        reports.append(run("bot", bot_asker(Retriever(index), texts), questions))
        index.close()
    if not args.no_reference:
        for engine in all_engines():
            engine.add(docs)
            engine.finish()
            reports.append(run(engine.name, engine_asker(engine, texts), questions))
    print_reports(reports)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
