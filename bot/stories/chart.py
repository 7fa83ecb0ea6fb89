"""The /trend picture: a bar chart as PNG bytes (matplotlib's Agg canvas, no display, no pyplot).

Its words (axis label, title, the framing of each peak's label) are in the reader's language.
DejaVu Sans, matplotlib's default font, has Cyrillic and Arabic letters. Arabic needs shaping
(joined letters, right to left), which matplotlib does from 3.11 on with the libraqm its
wheels ship; a matplotlib built without it would draw Arabic as separate letters in the wrong
order, so the chart's words of a right-to-left language fall back to English there (the
caption, a Telegram text, is in the reader's language either way). Dates are ISO numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
import warnings
from dataclasses import dataclass
from functools import cache

from bot.i18n import ENGLISH, Texts
from bot.stories.trend import Peak, Trend

HEADLINE_CHARS = 80
LABEL_WIDTH = 34
EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class ChartWords:
    """What the picture says in words: its title, its axis label and each peak's label."""

    title: str
    axis: str
    peaks: tuple[str, ...]


def chart_words(trend: Trend, texts: Texts = ENGLISH) -> ChartWords:
    """The picture's words in the language of `texts` (English for a right-to-left language
    when matplotlib cannot shape it; see the module docstring)."""
    if texts.right_to_left and not shapes_text():
        texts = ENGLISH
    if trend.merged:
        axis = texts("stories per month") if trend.unit == "month" else texts("stories per week")
    else:
        axis = texts("articles per month") if trend.unit == "month" else texts("articles per week")
    return ChartWords(
        title=texts("“{words}”", words=trend.words),
        axis=axis,
        peaks=tuple(_peak_label(peak, trend.merged, texts) for peak in trend.peaks),
    )


def _peak_label(peak: Peak, merged: bool, texts: Texts) -> str:
    headline = textwrap.fill(
        textwrap.shorten(peak.headline, HEADLINE_CHARS, placeholder="…"), LABEL_WIDTH
    )
    start = peak.start.isoformat()
    if merged:
        count = texts.plural("({date}: {n} story)", "({date}: {n} stories)", peak.count, date=start)
    else:
        count = texts.plural(
            "({date}: {n} article)", "({date}: {n} articles)", peak.count, date=start
        )
    return f"{headline}\n{count}"


@cache
def shapes_text() -> bool:
    """Whether matplotlib lays out complex scripts (joined Arabic letters, right to left)."""
    from matplotlib import ft2font

    return getattr(ft2font, "__libraqm_version__", None) is not None


def trend_png(trend: Trend, texts: Texts = ENGLISH) -> bytes:
    """A PNG of the trend's bars with its busiest peaks labelled, its words in the language
    of `texts`; the trend must not be empty."""
    # Imported here: matplotlib takes a moment to load, and only this picture needs it.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    words = chart_words(trend, texts)

    figure = Figure(figsize=(10, 4.8), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    width = 6 if trend.unit == "week" else 27
    axes.bar(
        [_day(start) for start in trend.starts],
        trend.counts,
        width=width,
        align="edge",
        color="#3b6ea8",
    )
    highest = max(trend.counts)
    axes.set_ylim(0, highest * 1.6 + 1)
    # Labels side by side above the bars (peaks in date order), each with a line to its bar:
    # neighbouring peaks would overlap if labelled in place.
    for number, (peak, label) in enumerate(zip(trend.peaks, words.peaks, strict=True)):
        axes.annotate(
            label,
            xy=(_day(peak.start) + width / 2, peak.count),
            xytext=((2 * number + 1) / (2 * len(trend.peaks)), 0.97),
            textcoords="axes fraction",
            ha="center",
            va="top",
            fontsize=8,
            arrowprops={"arrowstyle": "-", "color": "#888888", "shrinkB": 2},
        )
    axes.xaxis_date()
    # Whole stories on the count axis ("2.5 stories a week" is no count), and dates that do not
    # overlap (matplotlib's default date ticks collided on a month's bars).
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    # (matplotlib.dates has no annotations for these two)
    locator = AutoDateLocator()  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    axes.set_ylabel(words.axis)
    axes.set_title(words.title, fontsize=11)
    axes.spines[["top", "right"]].set_visible(False)
    out = io.BytesIO()
    with warnings.catch_warnings():
        # A headline's emoji or a script the font lacks is drawn as a box: not worth a
        # warning in the log for every chart.
        warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        figure.tight_layout()
        figure.savefig(out, format="png")
    return out.getvalue()


def _day(day: dt.date) -> float:
    """Matplotlib's date number (days since its default epoch, 1970-01-01)."""
    return float((day - EPOCH).days)
