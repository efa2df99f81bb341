"""A chart for each section of the commissioners' report: this period's counts beside the previous period's.

Each figure is a pair of horizontal bars, drawn on the server: the label and the values are HTML text (they wrap
and stay readable on a phone), and each bar is a small SVG stretched to its row, its length a presentation
attribute (the strict Content-Security-Policy forbids inline styles). A suppressed count ("fewer than 5") is never
drawn as a length: it gets a short hatched mark and the words. The section's table beside it is the figures; the
chart only repeats the counts, so hours, shares and averages (other units) are in the table alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape  # Django's escape, without its lazy-text wrapper (1,300 calls a page)

from django.utils.safestring import SafeString, mark_safe

from sessions.reports import SUPPRESSED, Section


@dataclass(frozen=True)
class Bar:
    period: str  # "This period" or "Previous period"
    css: str
    length: float | None  # per cent of the widest bar in the chart; None when suppressed (a hatched mark)
    value: str  # the figure as the table shows it

    @property
    def html(self) -> str:
        if self.length is None:
            drawn = '<span class="bar-track"><span class="bar-hatched"></span></span>'
        else:
            drawn = (
                '<svg class="bar-track" viewBox="0 0 100 10" preserveAspectRatio="none" focusable="false">'
                f'<rect class="{escape(self.css)}" x="0" y="0" width="{self.length}" height="10"/></svg>'
            )
        return f'<div class="bar-line">{drawn}<span class="bar-value">{escape(self.value)}</span></div>'


@dataclass(frozen=True)
class BarPair:
    label: str
    bars: tuple[Bar, Bar]


@dataclass(frozen=True)
class SectionChart:
    title: str
    pairs: list[BarPair]
    has_suppressed: bool

    @property
    def note(self) -> str:
        if not self.has_suppressed:
            return ""
        return f"A hatched mark means {SUPPRESSED}: small numbers are not drawn to size, so nobody can be picked out."

    @property
    def html(self) -> SafeString:
        """The chart's markup. Built here, not in a template: a year's report draws some 200 bars, and the template
        engine took longer over them than the database over the figures. Every text is escaped. The table beside
        the chart is the figures, so the drawing is hidden from screen readers; no inline styles: bar lengths are SVG
        attributes, colours are classes."""
        parts = [
            '<figure class="report-chart">',
            f'<figcaption class="chart-title fw-semibold mb-1">{escape(self.title)}</figcaption>',
            '<div aria-hidden="true"><p class="small mb-1"><span class="bar-key bar-now"></span> Upper bar: this'
            ' period. <span class="bar-key bar-before"></span> Lower bar: previous period.</p>',
        ]
        for pair in self.pairs:
            parts.append(f'<div class="bar-pair"><p class="bar-label">{escape(pair.label)}</p>')
            parts += [bar.html for bar in pair.bars]
            parts.append("</div>")
        parts.append("</div>")
        if self.note:
            parts.append(f'<p class="small mb-0 chart-note">{escape(self.note)}</p>')
        parts.append("</figure>")
        return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above


def section_chart(section: Section) -> SectionChart | None:
    """Paired bars for the section's counts, or None when it has no counts to draw (its table says why)."""
    lines = [line for line in section.lines if line.row.definition.charted]
    if not lines:
        return None
    widest = max([1, *(row.number or 0 for line in lines for row in (line.row, line.previous) if row)])
    pairs = [
        BarPair(
            line.row.label,
            (
                _bar("This period", "bar-now", line.row, widest),
                _bar("Previous period", "bar-before", line.previous, widest),
            ),
        )
        for line in lines
    ]
    suppressed = any(bar.length is None for pair in pairs for bar in pair.bars)
    return SectionChart(f"{section.title}: this period beside the previous period", pairs, suppressed)


def table_rows(section: Section) -> SafeString:
    """The section table's body rows (figure, this period, previous period), built here for the same reason as the
    chart's markup (see `SectionChart.html`); every text is escaped."""
    return mark_safe(  # noqa: S308 - every text in it is escaped
        "\n".join(
            f'<tr data-section="{escape(line.row.section)}"><th scope="row">{escape(line.row.label)}</th>'
            f"<td>{escape(line.row.value)}</td><td>{escape(line.previous.value if line.previous else '')}</td></tr>"
            for line in section.lines
        )
    )


def _bar(period: str, css: str, row, widest: int) -> Bar:
    if row is None or row.number is None:
        return Bar(period, css, None, row.value if row else "")
    return Bar(period, css, round(100 * row.number / widest, 1), row.value)
