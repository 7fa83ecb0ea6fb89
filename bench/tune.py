"""Parameter sweeps for ranking and the fit of the answer-sentence weights, with half-set checks.

Usage: python -m bench.tune ARTICLES QUESTIONS ranking [name=v1,v2 ...]
       python -m bench.tune ARTICLES QUESTIONS sentences [name=v1,v2 ...]
       python -m bench.tune ARTICLES QUESTIONS fit
       python -m bench.tune ARTICLES QUESTIONS cost

`cost` prints the CPU time of one `best_sentence` call (each question's gold article, all forms,
after a first pass that warms the caches), best of 5 passes.

`fit` fits `bot.sentences.SentenceWeights`: a conditional logit (softmax over the sentences of an
article, the sentences holding the answer string being right) over each answerable question's
gold article and, when the bot ranks another article first, that article too; all three forms.
The README's seed question is a requirement, not a sample: its article (in the bundled sample
archive, and alone in an empty one) counts as SEED_WEIGHT questions whose right sentence is the UN
sentence. It prints the weights fitted on all questions, and answer hit@1 on the questions left
out when fitting on half of them (even/odd and random halves), next to the current weights.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import json
import pathlib
import random
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from bench.qa import FORMS, Question, build_bot, load
from bench.reference import Doc
from bot.articles.parsing import parse_article
from bot.questions.retrieval import DEFAULT_RANKING, RankingWeights, Retriever
from bot.questions.sentences import (
    CUES,
    DEFAULT_WEIGHTS,
    SentenceWeights,
    best_sentence,
    sentence_cues,
)

if TYPE_CHECKING:
    import numpy.typing as npt

    from storage.search_index import SearchIndex

RANDOM_HALVES = 8
SAMPLE = pathlib.Path(__file__).parent.parent / "bot" / "sample"
SEED_QUESTION = "civilians trapped in Raqqa?"
SEED_ANSWER = "The United Nations has expressed concern"
SEED_WEIGHT = 30
L2 = 0.01
STEPS = 300


def ranking_measures(
    retriever: Retriever, questions: Sequence[Question]
) -> dict[str, tuple[float, float]]:
    """Return hit@1 and hit@5 per form, and per half of the set (even/odd questions)."""
    out: dict[str, list[tuple[bool, bool]]] = {}
    for number, q in enumerate(questions):
        for form in FORMS:
            query = retriever.analyze(q.forms[form])
            ranked = [a.article_id for a in retriever.search(query, as_of=q.as_of, limit=5)]
            hit = (bool(ranked[:1] and ranked[0] in q.gold), bool(set(ranked) & q.gold))
            for key in (form, f"{form}/{number % 2}"):
                out.setdefault(key, []).append(hit)
    return {
        k: (sum(h[0] for h in v) / len(v), sum(h[1] for h in v) / len(v)) for k, v in out.items()
    }


def sentence_measures(
    retriever: Retriever,
    questions: Sequence[Question],
    texts: dict[int, tuple[str, str]],
    weights: SentenceWeights,
) -> dict[str, float]:
    """Return per form how often the chosen sentence of the gold article holds the answer."""
    out: dict[str, list[bool]] = {}
    for number, q in enumerate(questions):
        if q.answer is None or not q.gold:
            continue
        title, text = texts[min(q.gold)]
        for form in FORMS:
            query = retriever.analyze(q.forms[form])
            sentence = best_sentence(query, title, text, weights, retriever.stats)
            hit = q.answer.lower() in sentence.lower()
            for key in (form, f"{form}/{number % 2}"):
                out.setdefault(key, []).append(hit)
    return {k: sum(v) / len(v) for k, v in out.items()}


@dataclasses.dataclass(frozen=True, slots=True)
class Item:
    """The sentences of one article asked one question: their cues and which hold the answer."""

    number: int
    form: str
    top: bool  # the article the bot ranks first (else the gold article, ranked lower)
    gold: bool  # the gold article
    cues: npt.NDArray[np.float64]
    right: npt.NDArray[np.float64]


def fit_items(
    retriever: Retriever, questions: Sequence[Question], texts: dict[int, tuple[str, str]]
) -> list[Item]:
    """The sentences of the gold and of the top-ranked article of every answerable question."""
    items: list[Item] = []
    for number, q in enumerate(questions):
        if q.answer is None or not q.gold:
            continue
        answer = q.answer.lower()
        for form in FORMS:
            query = retriever.analyze(q.forms[form])
            ranked = [a.article_id for a in retriever.search(query, as_of=q.as_of, limit=1)]
            top = ranked[0] if ranked else None
            gold = min(q.gold) if top not in q.gold else top
            for article in {gold, top} - {None}:
                assert article is not None
                found = sentence_cues(query, *texts[article], retriever.stats)
                items.append(
                    Item(
                        number,
                        form,
                        article == top,
                        article in q.gold,
                        np.array([c for _, c in found], dtype=float).reshape(-1, len(CUES)),
                        np.array([answer in s.lower() for s, _ in found], dtype=float),
                    )
                )
    return items


def seed_items() -> list[Item]:
    """The seed question on the seed article, in the sample archive and alone."""
    seed = parse_article((SAMPLE / "raqqa-2017-07-04.txt").read_text(encoding="utf-8"))
    day = datetime.date(2017, 7, 4)
    sample = [
        Doc(n, a.get("title") or "", a["text"], None)
        for n, a in enumerate(
            (json.loads(line) for line in (SAMPLE / "fakes.jsonl").open(encoding="utf-8")),
            start=1,
        )
    ]
    items = []
    for docs in (sample, []):
        retriever = Retriever(build_bot([*docs, Doc(0, seed.title, seed.text, day)], None))
        query = retriever.analyze(SEED_QUESTION)
        found = sentence_cues(query, seed.title, seed.text, retriever.stats)
        cues = np.array([c for _, c in found], dtype=float)
        right = np.array([s.startswith(SEED_ANSWER) for s, _ in found], dtype=float)
        items += [Item(-1, "short", False, False, cues, right)] * SEED_WEIGHT
    return items


def fit(items: Sequence[Item]) -> npt.NDArray[np.float64]:
    """Weights maximising the likelihood that the softmax of the scores picks a right sentence."""
    usable = [(i.cues, i.right) for i in items if i.right.any() and len(i.right) > 1]
    # All articles padded to the longest, so that each step is a few array operations.
    longest = max(len(right) for _, right in usable)
    cues = np.zeros((len(usable), longest, len(CUES)))
    right = np.zeros((len(usable), longest))
    real = np.zeros((len(usable), longest), dtype=bool)
    for n, (c, r) in enumerate(usable):
        cues[n, : len(r)], right[n, : len(r)], real[n, : len(r)] = c, r, True
    w = np.zeros(len(CUES))
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for step in range(1, STEPS + 1):  # Adam on the mean log-likelihood with a little L2
        z = np.where(real, cues @ w, -np.inf)
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        q = p * right
        q /= q.sum(axis=1, keepdims=True)
        grad = -L2 * w + np.einsum("nm,nmk->k", q - p, cues) / len(usable)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w += 0.05 * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return w


def answer_hits(
    items: Sequence[Item],
    w: Sequence[float] | npt.NDArray[np.float64],
    keep: set[int] | None = None,
) -> str:
    """Answer hit@1 per form as the bench counts it (top article), and with the gold given."""
    out: dict[tuple[str, str], list[float]] = {}
    for i in items:
        if keep is not None and i.number not in keep:
            continue
        hit = float(i.right[int(np.argmax(i.cues @ np.asarray(w)))]) if len(i.right) else 0.0
        for kind in (("top", i.top), ("gold", i.gold)):
            if kind[1]:
                out.setdefault((kind[0], i.form), []).append(hit)
    return " ".join(
        f"{kind}:" + "/".join(f"{np.mean(out[(kind, f)]):.3f}" for f in FORMS)
        for kind in ("top", "gold")
    )


def fit_report(items: list[Item], questions: Sequence[Question]) -> None:
    """Print held-out answer hit@1 of half fits, then the weights fitted on everything."""
    numbers = sorted({i.number for i in items})
    seeds = seed_items()
    current = DEFAULT_WEIGHTS.vector()
    halves = [({n for n in numbers if n % 2 == h}, f"even/odd {h}") for h in (0, 1)]
    for seed in range(RANDOM_HALVES):
        half = set(random.Random(seed).sample(numbers, len(numbers) // 2))
        halves.append((half, f"random {seed}"))
    for train, name in halves:
        held = set(numbers) - train
        w = fit([i for i in items if i.number in train] + seeds)
        print(f"{name:>9} held out: fitted {answer_hits(items, w, held)}")
        print(f"{'':>9}           current {answer_hits(items, current, held)}")
    w = fit(items + seeds)
    print("all questions: fitted ", answer_hits(items, w))
    print("               current", answer_hits(items, current))
    print("weights:", ", ".join(f"{n}={x:.2f}" for n, x in zip(CUES, w, strict=True)))


def cost(
    retriever: Retriever, questions: Sequence[Question], texts: dict[int, tuple[str, str]]
) -> None:
    """Print the CPU time per answer-sentence choice, gold article given."""
    calls = [
        (retriever.analyze(q.forms[form]), *texts[min(q.gold)])
        for q in questions
        if q.gold
        for form in FORMS
    ]
    passes = []
    for _ in range(6):
        started = time.process_time()
        for query, title, text in calls:
            best_sentence(query, title, text, stats=retriever.stats)
        passes.append((time.process_time() - started) / len(calls))
    chars = sum(len(text) for _, _, text in calls) / len(calls)
    print(
        f"best_sentence: {min(passes[1:]) * 1000:.3f} ms CPU per call (best of 5 passes after a "
        f"warm-up), {len(calls)} calls, articles of {chars:.0f} characters on average"
    )


def _grid(specs: Sequence[str]) -> list[dict[str, float]]:
    names = [s.split("=")[0] for s in specs]
    values = [[float(x) for x in s.split("=")[1].split(",")] for s in specs]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*values)]


def parsed(docs: Sequence[Doc]) -> list[Doc]:
    """The articles as the bot files them (headline and paragraphs as `newsbot import` does)."""
    out = []
    for d in docs:
        article = parse_article(d.text, title=d.title)
        out.append(Doc(d.doc_id, article.title, article.text, d.date))
    return out


def main(argv: Sequence[str]) -> int:
    """Sweep the given parameters and print one line per setting, or fit the sentence weights."""
    articles, questions_path, what, *specs = argv
    data = load(pathlib.Path(articles), pathlib.Path(questions_path), 0, 0)
    docs, questions = parsed(data.docs), data.questions
    texts = {d.doc_id: (d.title, d.text) for d in docs}
    index: SearchIndex = build_bot(docs, None)
    if what == "fit":
        fit_report(fit_items(Retriever(index), questions, texts), questions)
        return 0
    if what == "cost":
        cost(Retriever(index), questions, texts)
        return 0
    for setting in _grid(specs) or [{}]:
        if what == "ranking":
            ints = {k: int(v) if k in ("slop", "candidates") else v for k, v in setting.items()}
            ranking = dataclasses.replace(DEFAULT_RANKING, **ints)  # type: ignore[arg-type]
            m = ranking_measures(Retriever(index, ranking), questions)
            cells = " ".join(
                f"{f}={m[f][0]:.3f}/{m[f][1]:.3f}({m[f + '/0'][0]:.2f},{m[f + '/1'][0]:.2f})"
                for f in FORMS
            )
        else:
            weights = dataclasses.replace(DEFAULT_WEIGHTS, **setting)
            s = sentence_measures(Retriever(index, RankingWeights()), questions, texts, weights)
            cells = " ".join(f"{f}={s[f]:.3f}({s[f + '/0']:.2f},{s[f + '/1']:.2f})" for f in FORMS)
        print(setting, cells, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
