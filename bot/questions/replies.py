"""The HTML of question answers and archive replies (no Telegram objects here)."""

from __future__ import annotations

from collections.abc import Callable

from bot.i18n import ENGLISH, N_, Texts
from bot.questions.filters import FilterProblem, Problem
from bot.questions.service import Answers, Hit
from bot.render import also_in, bold_spans, byline, escape, quoted, read_command
from bot.stories.keeper import outlets_of

NO_ANSWER = N_("The archive has no answer to that.")
# A request for the news of days the archive has no article of.
NOTHING_FROM = N_("The archive has nothing from {days}.")
CLOSEST = N_("Closest articles, may not answer:")
# A question naming days ("yesterday", "2016-06-14") none of whose articles match it.
NOTHING_THOSE_DAYS = N_("Nothing in the archive from {days} answers that.")
NOTHING_FOUND = N_("I found nothing in the archive for that.")
# Nothing found, and the question wrote filters ({filters}: as written, `source:bbc`).
NOTHING_PASSES = N_("No article passes {filters}.")
NOTHING_WITH_FILTER = N_("No article matches that with {filters}: try without it.")
NOTHING_WITH_FILTERS = N_("No article matches that with {filters}: try without some of them.")
EMPTY_ARCHIVE = N_("The archive is empty: send me an article, a link or a file.")
# ... and the archive holds no article in the question's language (or its lang: filter's).
UNHELD_LANGUAGE = N_("The archive holds no articles in {language}.")
# What each malformed filter gets (the filter as written goes in {filter}).
PROBLEM_TEXTS = {
    Problem.EMPTY: N_("{filter} needs a value, for example source:reuters or lang:ar."),
    Problem.BAD_DATE: N_(
        "I could not read the date in {filter}: write it as 2017-06-01, 2017-06 or 2017."
    ),
    Problem.BAD_LANGUAGE: N_(
        "{filter} is not a language code I know: try lang:en, lang:ru, lang:ar, lang:fr or lang:fa."
    ),
    Problem.UNCLOSED_QUOTE: N_(
        'A quote is not closed near {filter}: put the exact phrase in "...".'
    ),
    Problem.EMPTY_RANGE: N_("No date is both after and before in {filter}."),
    Problem.NO_WORDS: N_(
        "Filters only narrow a search: add the words to look for, for example {filter} elections."
    ),
}


def problems_html(problems: tuple[FilterProblem, ...], texts: Texts = ENGLISH) -> str:
    """One line for each malformed filter of a question (nothing was searched)."""
    return "\n".join(
        texts(PROBLEM_TEXTS[p.problem], filter=f"<code>{escape(p.written)}</code>")
        for p in problems
    )


def nothing_found(
    answers: Answers, texts: Texts = ENGLISH, code: Callable[[str], str] = str
) -> str:
    """Nothing found: said of the filters the question wrote, if it wrote some."""
    if not answers.filtered:
        return texts(NOTHING_FOUND)
    filters = " ".join(code(written) for written in answers.filtered)
    if answers.listing:
        return texts(NOTHING_PASSES, filters=filters)
    several = len(answers.filtered) > 1
    return texts(NOTHING_WITH_FILTERS if several else NOTHING_WITH_FILTER, filters=filters)


def nothing_text(answers: Answers, texts: Texts = ENGLISH) -> str:
    """Why a question found no article, in plain text and one line (an inline button)."""
    if answers.problems:
        problem = answers.problems[0]
        return texts(PROBLEM_TEXTS[problem.problem], filter=problem.written)
    if answers.empty_archive:
        return texts(EMPTY_ARCHIVE)
    if answers.unheld_lang is not None:
        return texts(UNHELD_LANGUAGE, language=texts.language_name(answers.unheld_lang))
    return nothing_found(answers, texts)


def answers_html(answers: Answers, texts: Texts = ENGLISH) -> str:
    """The reply to a question: the quoted best sentence, its article, then more hits."""
    if answers.problems:
        return problems_html(answers.problems, texts)
    if not answers.hits:
        if answers.empty_archive:
            return texts(EMPTY_ARCHIVE)
        text = nothing_found(answers, texts, lambda written: f"<code>{escape(written)}</code>")
        if answers.unheld_lang is not None:
            name = texts.language_name(answers.unheld_lang)
            unheld = texts(UNHELD_LANGUAGE, language=escape(name))
            # `lang:ar` alone: that no article is in Arabic says it all.
            text = unheld if answers.listing else f"{text}\n{unheld}"
        if answers.suggestions:
            words = ", ".join(f"<i>{escape(w)}</i>" for w in answers.suggestions)
            text += "\n" + texts("The archive has these close words: {words}.", words=words)
        return text
    first, *rest = answers.hits
    lines: list[str] = []
    if answers.offset:
        first_number, last_number = answers.offset + 1, answers.offset + len(answers.hits)
        lines.append(texts("Results {first}–{last}:", first=first_number, last=last_number))
        for n, hit in enumerate(answers.hits, answers.offset + 1):
            lines.extend((hit_line(n, hit), *_under(n, also_in_hit(hit, texts))))
        return "\n".join(lines)
    if answers.listing:
        if answers.other_days is not None:
            lines.append(texts(NOTHING_FROM, days=escape(str(answers.other_days))))
        if answers.news:
            lines.append(texts("The newest articles:"))
        else:
            # ("what's new in Raqqa?" is not shown as "... Raqqa?:")
            asked = answers.question.rstrip("?？؟!. ") or answers.question
            lines.append(texts("Newest articles for {filters}:", filters=escape(asked)))
        lines.extend(hit_line(n, hit) for n, hit in enumerate(answers.hits, 1))
        return "\n".join(lines)
    if not answers.answered:
        # Never a quote presented as the answer: only what comes nearest, said to be so.
        if answers.other_days is not None:
            lines.append(texts(NOTHING_THOSE_DAYS, days=escape(str(answers.other_days))))
        else:
            lines.append(texts(NO_ANSWER))
        lines.append(texts(CLOSEST))
        lines.extend(hit_line(n, hit) for n, hit in enumerate(answers.hits, 1))
        return "\n".join(lines)
    if first.answer.sentence:  # (a text that is only its headline again has none)
        lines.append(quote(first))
    lines.append(f"<b>{escape(first.article.title)}</b>")
    lines.append(_meta(first))
    lines.extend(also_in_hit(first, texts))
    if rest:
        lines.append("")
        lines.append(texts("Also:"))
        for n, hit in enumerate(rest, 2):
            lines.extend((hit_line(n, hit), *_under(n, also_in_hit(hit, texts))))
    return "\n".join(lines)


def _under(number: int, lines: list[str]) -> list[str]:
    """Lines indented under a numbered hit's text ("3. "), so they read as that hit's."""
    indent = " " * (len(str(number)) + 2)
    return [indent + line for line in lines]


def quote(hit: Hit) -> str:
    """The answer sentence in quotes with the matching words in bold."""
    if not hit.answer.sentence:
        return ""
    return quoted(bold_spans(hit.answer.sentence, hit.answer.highlights))


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


def also_in_hit(hit: Hit, texts: Texts = ENGLISH) -> list[str]:
    """'also in: Reuters, Al Arabiya +3' when the hit's story has other copies."""
    outlets = outlets_of(hit.also, hit.article.source)
    return [also_in(outlets.said(texts), texts)] if outlets else []
