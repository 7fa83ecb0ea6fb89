"""The HTML of question answers and archive replies (no Telegram objects here)."""

from __future__ import annotations

from bot.questions.service import Answers, Hit
from bot.render import bold_spans, byline, escape, read_command
from bot.stories.keeper import outlets_line

NOTHING_FOUND = "I found nothing in the archive for that."


def answers_html(answers: Answers) -> str:
    """The reply to a question: the quoted best sentence, its article, then more hits."""
    if not answers.hits:
        text = NOTHING_FOUND
        if answers.suggestions:
            words = ", ".join(f"<i>{escape(w)}</i>" for w in answers.suggestions)
            text += f"\nThe archive has these close words: {words}."
        return text
    first, *rest = answers.hits
    lines: list[str] = []
    if answers.offset:
        lines.append(f"Results {answers.offset + 1}–{answers.offset + len(answers.hits)}:")
        for n, hit in enumerate(answers.hits, 1):
            lines.extend((hit_line(answers.offset + n, hit), *also_in(hit)))
        return "\n".join(lines)
    lines.append(quote(first))
    lines.append(f"<b>{escape(first.article.title)}</b>")
    lines.append(_meta(first))
    lines.extend(also_in(first))
    if rest:
        lines.append("")
        lines.append("Also:")
        for n, hit in enumerate(rest, 2):
            lines.extend((hit_line(n, hit), *also_in(hit)))
    return "\n".join(lines)


def quote(hit: Hit) -> str:
    """The answer sentence in quotes with the matching words in bold."""
    if not hit.answer.sentence:
        return ""
    return f"“{bold_spans(hit.answer.sentence, hit.answer.highlights)}”"


def hit_line(number: int, hit: Hit) -> str:
    """One further hit on one line."""
    article = hit.article
    source = f", {escape(article.source)}" if article.source else ""
    return (
        f"{number}. {escape(article.title)} ({article.published.isoformat()}{source}) "
        f"{read_command(article.id)}"
    )


def _meta(hit: Hit) -> str:
    article = hit.article
    return byline(article.published.isoformat(), article.source, article.id)


def also_in(hit: Hit) -> list[str]:
    """'also in: Reuters, Al Arabiya +3' when the hit's story has other copies."""
    outlets = outlets_line(hit.also, hit.article.source)
    return [f"<i>also in: {escape(outlets)}</i>"] if outlets else []
