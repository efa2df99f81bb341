"""A chart for each section of the commissioners' report: this period's counts beside the previous period's.

Each figure is a pair of horizontal bars, drawn on the server: the label and the values are HTML text (they wrap
and stay readable on a phone), and each bar is a small SVG stretched to its row, its length a presentation
attribute (the strict Content-Security-Policy forbids inline styles). A suppressed count ("fewer than 5") is never
drawn as a length: it gets a short hatched mark and the words. The section's table beside it is the figures; the
chart only repeats the counts, so hours, shares and averages (other units) are in the table alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from sessions.reports import SUPPRESSED, Section


@dataclass(frozen=True)
class Bar:
    period: str  # "This period" or "Previous period"
    css: str
    length: float | None  # per cent of the widest bar in the chart; None when suppressed (a hatched mark)
    value: str  # the figure as the table shows it


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


def _bar(period: str, css: str, row, widest: int) -> Bar:
    if row is None or row.number is None:
        return Bar(period, css, None, row.value if row else "")
    return Bar(period, css, round(100 * row.number / widest, 1), row.value)
