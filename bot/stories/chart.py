"""The /trend picture: a bar chart as PNG bytes (matplotlib's Agg canvas, no display, no pyplot)."""

from __future__ import annotations

import datetime as dt
import io
import textwrap
import warnings

from bot.stories.trend import Trend

HEADLINE_CHARS = 80
LABEL_WIDTH = 34
EPOCH = dt.date(1970, 1, 1)


def trend_png(trend: Trend) -> bytes:
    """A PNG of the trend's bars with its busiest peaks labelled; the trend must not be empty."""
    # Imported here: matplotlib takes a moment to load, and only this picture needs it.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

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
    for number, peak in enumerate(trend.peaks):
        label = textwrap.fill(
            textwrap.shorten(peak.headline, HEADLINE_CHARS, placeholder="…"), LABEL_WIDTH
        )
        axes.annotate(
            f"{label}\n({peak.start.isoformat()}: {peak.count})",
            xy=(_day(peak.start) + width / 2, peak.count),
            xytext=((2 * number + 1) / (2 * len(trend.peaks)), 0.97),
            textcoords="axes fraction",
            ha="center",
            va="top",
            fontsize=8,
            arrowprops={"arrowstyle": "-", "color": "#888888", "shrinkB": 2},
        )
    axes.xaxis_date()
    axes.set_ylabel(f"stories per {trend.unit}")
    axes.set_title(f"“{trend.words}”", fontsize=11)
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
