"""Parameter sweeps for ranking and sentence choice on the dev questions, with half-set checks.

Usage: python -m bench.tune ARTICLES QUESTIONS [ranking|sentences] [name=v1,v2 ...]
"""

from __future__ import annotations

import dataclasses
import itertools
import pathlib
import sys
from collections.abc import Sequence

from bench.qa import FORMS, Question, build_bot, load
from bot.retrieval import DEFAULT_RANKING, RankingWeights, Retriever
from bot.sentences import DEFAULT_WEIGHTS, SentenceWeights, best_sentence


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
            sentence = best_sentence(query, title, text, weights)
            hit = q.answer.lower() in sentence.lower()
            for key in (form, f"{form}/{number % 2}"):
                out.setdefault(key, []).append(hit)
    return {k: sum(v) / len(v) for k, v in out.items()}


def _grid(specs: Sequence[str]) -> list[dict[str, float]]:
    names = [s.split("=")[0] for s in specs]
    values = [[float(x) for x in s.split("=")[1].split(",")] for s in specs]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*values)]


def main(argv: Sequence[str]) -> int:
    """Sweep the given parameters and print one line per setting."""
    articles, questions_path, what, *specs = argv
    data = load(pathlib.Path(articles), pathlib.Path(questions_path), 0, 0)
    docs, questions = data.docs, data.questions
    texts = {d.doc_id: (d.title, d.text) for d in docs}
    index = build_bot(docs, None)
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
            weights = dataclasses.replace(DEFAULT_WEIGHTS, **setting)  # type: ignore[arg-type]
            s = sentence_measures(Retriever(index, RankingWeights()), questions, texts, weights)
            cells = " ".join(f"{f}={s[f]:.3f}({s[f + '/0']:.2f},{s[f + '/1']:.2f})" for f in FORMS)
        print(setting, cells, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
