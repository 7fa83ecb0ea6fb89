"""Answer quality on the news-qa questions: the bot against reference BM25 engines.

Usage: python -m bench.qa ARTICLES QUESTIONS [--questions N] [--articles N] [--no-reference]
    [--halves] [--dump PATH] [--off-topic PATH...] [--near-topic] [--cased]

The bot is measured through its real pipeline: the articles are imported into a fresh temporary
database with `Archive.import_records` (as `newsbot import` does) and each question is asked with
`QuestionService.ask` (as `newsbot ask --jsonl` does); its results are mapped back to the
dataset's ids through their external id. A question the bot says the archive does not answer
(`answered` false) counts as a miss for answer hit@1.

Abstention: the share of `short` and `typo` questions answered (`answered` true) when asked of
the news-qa archive as of their date (on-topic), and, with `--off-topic`, the share left
unanswered when asked of an archive holding only those files (e.g. FA-KES and the seed).
With `--near-topic`, the share left unanswered when a question is asked of the news-qa archive
the day before its article's date, for the questions whose answer string no article of that day
or before holds: the archive has stories on the topic ("theranos holmes verdict" before the
verdict), but not the answer. With `--cased`, the `short` and `typo` forms (all small letters in
the question set) are typed with names capitalised, as their gold article writes them: the bot
reads a capitalised word inside a question as a name its answer must hold.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import pathlib
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from bench.reference import Doc, Engine, all_engines, overlap_sentence
from bot.articles.archive import ImportRecord
from bot.articles.files import iter_jsonl_lines, read_records
from bot.articles.parsing import content_hash
from bot.questions.service import QuestionService
from bot.services import Services, open_services
from bot.settings import load_settings
from storage.articles import ArticleStore
from storage.search_index import IndexChange, SearchIndex

FORMS = ("quiz", "short", "typo")
# The forms a journalist types in a chat: the abstention measure asks these.
CHAT_FORMS = ("short", "typo")
LABELS = ("gold", "silver", "all")
BATCH = 2000
RESULTS = 10


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
    answered: int = 0
    # The gold article shown or listed under a shown hit's "also in" (its story's copies).
    story1: int = 0
    story5: int = 0

    def row(self) -> tuple[float, float, float]:
        """Return hit@1, hit@5 and answer hit@1 as fractions."""
        return (
            self.hit1 / max(self.asked, 1),
            self.hit5 / max(self.asked, 1),
            self.answer1 / max(self.answerable, 1),
        )


@dataclass(slots=True)
class Report:
    """Tallies per form and label for one engine, and per half (even/odd question) of the set."""

    name: str
    tallies: dict[tuple[str, str], Tally] = field(default_factory=dict)

    def add(
        self,
        form: str,
        number: int,
        q: Question,
        ranked: list[int],
        sentence: str | None,
        answered: bool = True,
        also: Sequence[Sequence[int]] = (),
    ) -> None:
        """Count one question asked, the `number`-th of the set (no answer: `sentence` None);
        `also`: each hit's other copies of its story (the bot's answers list them)."""
        padded = [*also, *([()] * (len(ranked) - len(also)))]
        shown = [{r, *copies} for r, copies in zip(ranked, padded, strict=False)]
        for label in (q.label, "all", f"half{number % 2}"):
            t = self.tallies.setdefault((form, label), Tally())
            t.asked += 1
            t.answered += answered
            t.hit1 += bool(ranked[:1] and ranked[0] in q.gold)
            t.hit5 += bool(set(ranked[:5]) & q.gold)
            t.story1 += bool(shown[:1] and shown[0] & q.gold)
            t.story5 += any(story & q.gold for story in shown[:5])
            if q.answer is not None:
                t.answerable += 1
                t.answer1 += bool(sentence and q.answer.lower() in sentence.lower())

    def get(self, form: str, label: str) -> tuple[float, float, float]:
        """Return the measures of one cell."""
        return self.tallies.get((form, label), Tally()).row()

    def stories(self, form: str, label: str) -> tuple[float, float]:
        """Story hit@1 and hit@5 of one cell."""
        t = self.tallies.get((form, label), Tally())
        return t.story1 / max(t.asked, 1), t.story5 / max(t.asked, 1)

    def answered_share(self, form: str, label: str = "all") -> float:
        """The share of the questions of one cell the bot said the archive answers."""
        t = self.tallies.get((form, label), Tally())
        return t.answered / max(t.asked, 1)


@dataclass(frozen=True, slots=True)
class Dataset:
    """The articles (ids = line numbers), their JSONL lines, and the questions."""

    docs: list[Doc]
    lines: list[str]
    ids: dict[str, int]
    questions: list[Question]


def load(
    articles_path: pathlib.Path,
    questions_path: pathlib.Path,
    n_questions: int,
    n_articles: int,
    *,
    cased: bool = False,
) -> Dataset:
    """Read articles (ids = line numbers) and questions, optionally a subset of each.

    With `n_articles`, the first that many articles are kept plus every gold article. The
    dataset holds some texts under several ids; the archive keeps such a text once, so every
    article with the same text as a gold article counts as gold. With `cased`, the chat
    forms are typed as a journalist types names (`typed_as_written`).
    """
    raw_questions = [json.loads(line) for line in questions_path.open(encoding="utf-8")]
    if n_questions:
        raw_questions = raw_questions[:n_questions]
    wanted = {g for q in raw_questions for g in q["gold_doc_ids"]}
    docs: list[Doc] = []
    lines: list[str] = []
    ids: dict[str, int] = {}
    same_text: dict[str, set[int]] = {}
    with articles_path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            a = json.loads(line)
            if n_articles and len(docs) >= n_articles and a["id"] not in wanted:
                continue
            ids[a["id"]] = number
            same_text.setdefault(content_hash(a["text"]), set()).add(number)
            date = datetime.date.fromisoformat(a["date"]) if a.get("date") else None
            docs.append(Doc(number, a.get("title") or "", a["text"], date))
            lines.append(line)
    twins = {number: group for group in same_text.values() for number in group}
    if cased:
        texts = {a_id: docs[number - 1] for a_id, number in ids.items()}
        for q in raw_questions:
            gold = " ".join(
                f"{texts[g].title}. {texts[g].text}" for g in q["gold_doc_ids"] if g in texts
            )
            for form in CHAT_FORMS:
                q[form] = typed_as_written(q[form], gold)
    questions = [
        Question(
            q["qid"],
            q["label"],
            datetime.date.fromisoformat(q["question_date"]),
            frozenset(n for g in q["gold_doc_ids"] if g in ids for n in twins[ids[g]]),
            q["answer"] if q["answer_in_doc"] else None,
            {form: q[form] for form in FORMS},
        )
        for q in raw_questions
    ]
    return Dataset(docs, lines, ids, questions)


# A word inside a sentence, after a small word: where English capitalises only names.
_INSIDE = re.compile(r"(?<=[a-z,] )(\w+)")


def typed_as_written(question: str, text: str) -> str:
    """The question with each word in small letters that the text writes capitalised more
    often than not inside its sentences, capitalised (names, as people type them: "theranos
    holmes verdict" -> "Theranos Holmes verdict"); misspelt words stay as typed."""
    inside = Counter(_INSIDE.findall(text))
    words = question.split(" ")
    return " ".join(
        word[:1].upper() + word[1:]
        if word.islower() and inside[word[:1].upper() + word[1:]] > inside[word]
        else word
        for word in words
    )


def build_bot(docs: Sequence[Doc], path: pathlib.Path | None) -> SearchIndex:
    """Index the articles straight into a SearchIndex, for parameter sweeps (bench/tune.py)."""
    index = SearchIndex.open(path)
    for start in range(0, len(docs), BATCH):
        batch = docs[start : start + BATCH]
        index.apply(
            [IndexChange(d.doc_id, d.title, d.text, d.date) for d in batch], start + len(batch)
        )
    return index


Asker = Callable[[str, datetime.date], tuple[list[int], str | None]]


async def bot_report(
    data: Dataset,
    tmp: pathlib.Path,
    off_topic: Sequence[pathlib.Path] = (),
    forms: Sequence[str] = FORMS,
    near_topic: Sequence[tuple[Question, datetime.date]] = (),
) -> tuple[Report, list[dict[str, object]], Report]:
    """Import the articles into a fresh database as `newsbot import` does, ask as `newsbot ask`.

    With `off_topic` files, the archive holds those instead of the dataset's articles. The
    `near_topic` questions are asked too, each as of its date, in the chat forms (third report).
    """
    services = await fresh_services(tmp)
    try:
        started = time.perf_counter()
        bad: list[int] = []
        records = _file_records(off_topic) if off_topic else iter_jsonl_lines(iter(data.lines), bad)
        imported = await services.archive.import_records(records)
        print(
            f"bot imported {imported.added} articles ({imported.duplicates} duplicates, "
            f"{len(imported.rejected) + len(bad)} rejected) in "
            f"{time.perf_counter() - started:.1f}s",
            file=sys.stderr,
        )
        report, rows = await _ask_all(services.questions, services.archive.articles, data, forms)
        near = Report("bot, near-topic")
        for number, (q, day) in enumerate(near_topic):
            for form in CHAT_FORMS:
                answers = await services.questions.ask(q.forms[form], as_of=day, limit=RESULTS)
                near.add(form, number, q, [], None, answers.answered)
                rows.append(
                    {
                        "qid": q.qid,
                        "form": form,
                        "near_topic": True,
                        "answered": answers.answered,
                        "share": round(answers.coverage.share, 4),
                        "missing": answers.coverage.missing,
                        "absent": list(answers.coverage.absent),
                        "lang": answers.coverage.lang,
                    }
                )
        return report, rows, near
    finally:
        await services.close()


async def fresh_services(tmp: pathlib.Path) -> Services:
    """The bot's services on a new SQLite archive and index in `tmp` (no Telegram)."""
    settings = load_settings(
        database_url=f"sqlite+aiosqlite:///{tmp / 'qa.sqlite3'}",
        index_dir=tmp / "qa.index",
        telegram_bot_token=None,
    )
    return await open_services(settings)


def near_topic_questions(data: Dataset) -> list[tuple[Question, datetime.date]]:
    """The questions with an answer string, each with the day before its (first) article's
    date, when no article of that day or before holds the answer string."""
    dated = [(d.date, f"{d.title}\n{d.text}".lower()) for d in data.docs if d.date is not None]
    dates = {d.doc_id: d.date for d in data.docs}
    found: list[tuple[Question, datetime.date]] = []
    for q in data.questions:
        days = [day for g in q.gold if (day := dates.get(g)) is not None]
        if q.answer is None or not days:
            continue
        before = min(days) - datetime.timedelta(days=1)
        answer = q.answer.lower()
        if not any(day <= before and answer in text for day, text in dated):
            found.append((q, before))
    return found


def _file_records(paths: Sequence[pathlib.Path]) -> Iterator[ImportRecord]:
    """The records of .jsonl and single-article files, as `newsbot import` reads them."""
    for path in paths:
        if path.suffix == ".jsonl":
            with path.open(encoding="utf-8") as handle:
                yield from iter_jsonl_lines(handle, [])
        else:
            yield from read_records(path.name, path.read_bytes()).records


async def _ask_all(
    questions: QuestionService, store: ArticleStore, data: Dataset, forms: Sequence[str]
) -> tuple[Report, list[dict[str, object]]]:
    report = Report("bot")
    rows: list[dict[str, object]] = []
    for number, q in enumerate(data.questions):
        for form in forms:
            answers = await questions.ask(q.forms[form], as_of=q.as_of, limit=RESULTS)
            ranked = [data.ids.get(h.article.external_id or "", 0) for h in answers.hits]
            copies = [[c.article_id for c in h.also] for h in answers.hits[:5]]
            stored = await store.get_many(sorted({a for ids in copies for a in ids}))
            also = [
                [data.ids.get(stored[a].external_id or "", 0) for a in ids if a in stored]
                for ids in copies
            ]
            sentence = answers.hits[0].answer.sentence if answers.hits else None
            report.add(
                form,
                number,
                q,
                ranked,
                sentence if answers.answered else None,
                answers.answered,
                also,
            )
            rows.append(
                {
                    "qid": q.qid,
                    "form": form,
                    "ranked": ranked[:5],
                    "also": also,
                    "answer": q.answer,
                    "sentence": sentence,
                    "gold": sorted(q.gold),
                    "answered": answers.answered,
                    "share": round(answers.coverage.share, 4),
                    "missing": answers.coverage.missing,
                    "absent": list(answers.coverage.absent),
                    "lang": answers.coverage.lang,
                }
            )
    return report, rows


def engine_asker(engine: Engine, texts: dict[int, tuple[str, str]]) -> Asker:
    """Ask a reference engine; the answer is the top article's sentence sharing most words."""

    def ask(question: str, as_of: datetime.date) -> tuple[list[int], str | None]:
        ranked = engine.search(question, as_of, RESULTS)
        if not ranked:
            return [], None
        return ranked, overlap_sentence(question, texts[ranked[0]][1])

    return ask


def run(name: str, ask: Asker, questions: Sequence[Question]) -> Report:
    """Ask every question in every form."""
    report = Report(name)
    for number, q in enumerate(questions):
        for form in FORMS:
            ranked, sentence = ask(q.forms[form], q.as_of)
            report.add(form, number, q, ranked, sentence)
    return report


def print_reports(
    reports: Sequence[Report], labels: Sequence[str] = LABELS, out: Callable[[str], None] = print
) -> None:
    """Print hit@1 / hit@5 / answer hit@1 per form and label, engines side by side."""
    out("form   label   " + "".join(f"{r.name:>20}" for r in reports))
    for form in FORMS:
        for label in labels:
            cells = "".join(
                "{:>20}".format("{:.3f}/{:.3f}/{:.3f}".format(*r.get(form, label))) for r in reports
            )
            out(f"{form:<6} {label:<7} {cells}")
    out("cells: article hit@1 / hit@5 / answer hit@1")
    bot = reports[0]
    for form in FORMS:
        cells = " ".join(
            "{}={:.3f}/{:.3f}".format(label, *bot.stories(form, label)) for label in labels
        )
        out(f"{form:<6} story hit@1/hit@5 (the gold article shown or under its 'also in') {cells}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", type=pathlib.Path)
    parser.add_argument("questions", type=pathlib.Path)
    parser.add_argument("--questions", dest="n_questions", type=int, default=0)
    parser.add_argument("--articles", dest="n_articles", type=int, default=0)
    parser.add_argument("--no-reference", action="store_true")
    parser.add_argument("--halves", action="store_true", help="also rows for even/odd questions")
    parser.add_argument("--dump", type=pathlib.Path, help="write the bot's answers as JSONL")
    parser.add_argument(
        "--off-topic",
        type=pathlib.Path,
        nargs="+",
        default=[],
        help="files of an archive on other topics: measure how often the bot says it has no answer",
    )
    parser.add_argument(
        "--cased",
        action="store_true",
        help="type the chat forms' names capitalised, as the gold article writes them",
    )
    parser.add_argument(
        "--near-topic",
        action="store_true",
        help="also ask the questions the day before their article: how often no answer is said",
    )
    args = parser.parse_args(argv)

    data = load(args.articles, args.questions, args.n_questions, args.n_articles, cased=args.cased)
    print(f"{len(data.docs)} articles, {len(data.questions)} questions", file=sys.stderr)
    near_topic = near_topic_questions(data) if args.near_topic else []
    with tempfile.TemporaryDirectory() as tmp:
        bot, rows, near = asyncio.run(bot_report(data, pathlib.Path(tmp), near_topic=near_topic))
    off: Report | None = None
    if args.off_topic:
        with tempfile.TemporaryDirectory() as tmp:
            off, off_rows, _ = asyncio.run(
                bot_report(data, pathlib.Path(tmp), args.off_topic, CHAT_FORMS)
            )
        rows += [{**r, "off_topic": True} for r in off_rows]
    if args.dump is not None:
        args.dump.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    reports = [bot]
    if not args.no_reference:
        texts = {d.doc_id: (d.title, d.text) for d in data.docs}
        for engine in all_engines():
            engine.add(data.docs)
            engine.finish()
            reports.append(run(engine.name, engine_asker(engine, texts), data.questions))
    labels = [*LABELS, "half0", "half1"] if args.halves else LABELS
    print_reports(reports, labels)
    print_abstention(bot, off, labels)
    if near_topic:
        for form in CHAT_FORMS:
            for label in labels:
                left = 1 - near.answered_share(form, label)
                asked = near.tallies.get((form, label), Tally()).asked
                print(f"{form:<6} {label:<7} near-topic unanswered {left:.3f} ({asked} asked)")
    return 0


def print_abstention(
    on: Report, off: Report | None, labels: Sequence[str], out: Callable[[str], None] = print
) -> None:
    """Print the share answered on-topic and left unanswered off-topic, per chat form."""
    for form in CHAT_FORMS:
        for label in labels:
            cells = f"on-topic answered {on.answered_share(form, label):.3f}"
            if off is not None:
                cells += f"  off-topic unanswered {1 - off.answered_share(form, label):.3f}"
            out(f"{form:<6} {label:<7} {cells}")


if __name__ == "__main__":
    raise SystemExit(main())
