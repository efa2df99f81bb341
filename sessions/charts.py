"""Charts drawn on the server as inline SVG: no JavaScript, nothing from outside, and they print.

The strict Content-Security-Policy forbids inline style attributes, so shapes carry SVG presentation attributes
(positions and sizes) and CSS classes from static/css/chime.css (colours and line patterns, one per CHIME area).
Colour is never the only cue: each area's line has its own dash pattern and marker, every chart has a legend in
words, and the page shows the same figures as a table beside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.html import conditional_escape as esc
from django.utils.safestring import SafeString, mark_safe

from chime.framework import AREAS
from sessions.insights import is_partial

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 34
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    label: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


@dataclass
class Line:
    css: str
    segments: list[str]  # SVG "points" strings: a line breaks where a month has no value
    points: list[Point]


@dataclass
class Chart:
    title: str
    description: str
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    bars: list[Bar] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css class, words)
    note: str = ""  # shown under the chart, e.g. that the last month is still going
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    bottom: float = TOP + PLOT_H
    right: float = LEFT + PLOT_W

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    def svg(self, id: str) -> SafeString:  # noqa: A002 - the element id, as the template names it
        """The chart as an inline SVG figure (`{% chart chart id %}` in chime_tags), built here in one pass:
        a chart is hundreds of numbers, and a template renders each one through the number localiser (slow).
        Numbers are written as Python writes them, which is what the localiser gives for en-GB; every text is
        escaped. Markup: a figure with a visible title, the SVG (`role="img"`, named by its title and
        description), and a legend in words; no inline styles (the Content-Security-Policy forbids them)."""
        id = esc(id)  # noqa: A001
        title = esc(self.title)
        out = [
            '\n<figure class="chime-chart mb-2">\n'
            f'  <p class="chart-title fw-semibold mb-1" aria-hidden="true">{title}</p>\n'
            f'  <svg viewBox="{esc(self.view_box)}" class="chart-svg" role="img" '
            f'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">\n'
            f'    <title id="{id}-title">{title}</title>\n'
            f'    <desc id="{id}-desc">{esc(self.description)}</desc>\n    '
        ]
        left, right, bottom = self.left, self.right, self.bottom
        for tick in self.y_ticks:
            out.append(
                f'\n    <line class="chart-grid" x1="{left}" x2="{right}" y1="{tick.at}" y2="{tick.at}"/>\n'
                f'    <text class="chart-label" x="{int(left) - 6}" y="{tick.at}" text-anchor="end" '
                f'dominant-baseline="middle">{esc(tick.label)}</text>\n    '
            )
        out.append("\n    ")
        for tick in self.x_ticks:
            out.append(
                f'\n    <text class="chart-label" x="{tick.at}" y="{int(bottom) + 18}" '
                f'text-anchor="middle">{esc(tick.label)}</text>\n    '
            )
        out.append(
            f'\n    <line class="chart-axis" x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}"/>\n    '
        )
        for bar in self.bars:
            out.append(
                f'\n    <rect class="chart-bar {esc(bar.css)}" x="{bar.x}" y="{bar.y}" width="{bar.width}" '
                f'height="{bar.height}"><title>{esc(bar.label)}</title></rect>\n    '
            )
        out.append("\n    ")
        for line in self.lines:
            out.append(f'\n    <g class="chart-line {esc(line.css)}">\n      ')
            out.extend(f'<polyline points="{esc(segment)}" fill="none"/>' for segment in line.segments)
            out.append("\n      ")
            out.extend(
                f'<circle cx="{point.x}" cy="{point.y}" r="3.5"><title>{esc(point.label)}</title></circle>'
                for point in line.points
            )
            out.append("\n    </g>\n    ")
        out.append('\n  </svg>\n  <figcaption>\n    <ul class="chart-legend list-inline small mb-0">\n      ')
        out.extend(
            f'<li class="list-inline-item"><svg class="legend-key {esc(css)}" viewBox="0 0 24 12" width="24" '
            'height="12" aria-hidden="true"><line x1="0" x2="24" y1="6" y2="6"/><rect x="8" y="2" width="8" '
            f'height="8"/></svg> {esc(words)}</li>'
            for css, words in self.legend
        )
        out.append("\n    </ul>\n    ")
        if self.note:
            out.append(f'<p class="small mb-0 chart-note">{esc(self.note)}</p>')
        out.append("\n  </figcaption>\n</figure>\n")
        return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def _y(value: float, top_value: float, bottom_value: float = 0) -> float:
    span = (top_value - bottom_value) or 1
    return round(TOP + PLOT_H - (value - bottom_value) / span * PLOT_H, 1)


def _month_ticks(months: list[dt.date]) -> tuple[list[Tick], float]:
    """One tick per month; the month in progress is starred (see `_partial_note`)."""
    step = PLOT_W / max(1, len(months))
    return [
        Tick(round(LEFT + step * (i + 0.5), 1), f"{m:%b %y}{'*' if is_partial(m) else ''}")
        for i, m in enumerate(months)
    ], step


def _partial_note(months: list[dt.date]) -> str:
    partial = [m for m in months if is_partial(m)]
    return f"* {partial[0]:%B %Y} so far: the month is not over yet." if partial else ""


def _legend() -> list[tuple[str, str]]:
    return [(f"area-{area.code}", area.name) for area in AREAS]


def areas_touched_chart(months_data) -> Chart:
    """Grouped bars: for each month, how many sessions touched each CHIME area."""
    months = months_data.months
    x_ticks, step = _month_ticks(months)
    top = max([1, *(c.sessions for row in months_data.rows for c in row.cells)])
    bar_w = round(step * 0.8 / len(AREAS), 1)
    bars = []
    for a, row in enumerate(months_data.rows):
        for i, cell in enumerate(row.cells):
            if not cell.sessions:
                continue
            x = round(LEFT + step * i + step * 0.1 + bar_w * a, 1)
            y = _y(cell.sessions, top)
            label = f"{row.area.name}, {months[i]:%B %Y}: {cell.sessions}"
            bars.append(Bar(x, y, bar_w, round(TOP + PLOT_H - y, 1), f"area-{row.area.code}", label))
    return Chart(
        title="CHIME areas touched, by month",
        description="Bars show how many sessions touched each area each month. The table gives the same figures.",
        x_ticks=x_ticks,
        y_ticks=[Tick(_y(v, top), str(v)) for v in sorted({0, top // 2, top})],
        bars=bars,
        legend=_legend(),
        note=_partial_note(months),
    )


def _lines(
    series: list[tuple[str, list[float | None], list[str]]], months: list[dt.date], low: float, high: float
):
    x_ticks, step = _month_ticks(months)
    lines = []
    for css, values, labels in series:
        points, segments, current = [], [], []
        for i, value in enumerate(values):
            if value is None:
                if current:
                    segments.append(" ".join(current))
                current = []
                continue
            x, y = x_ticks[i].at, _y(value, high, low)
            points.append(Point(x, y, labels[i]))
            current.append(f"{x},{y}")
        if current:
            segments.append(" ".join(current))
        lines.append(Line(css=css, segments=segments, points=points))
    return x_ticks, lines


def _rating_series(months_data) -> list[tuple[str, list[float | None], list[str]]]:
    months = months_data.months
    series = []
    for row in months_data.rows:
        values = [c.average_rating for c in row.cells]
        if any(v is not None for v in values):
            labels = [
                f"{row.area.name}, {m:%B %Y}: {v:.1f}" if v is not None else ""
                for m, v in zip(months, values, strict=True)
            ]
            series.append(
                (f"area-{row.area.code}", [float(v) if v is not None else None for v in values], labels)
            )
    return series


def _rating_lines(months_data, title: str, description: str) -> Chart | None:
    series = _rating_series(months_data)
    if not series:
        return None
    x_ticks, lines = _lines(series, months_data.months, 1, 5)
    return Chart(
        title=title,
        description=description,
        x_ticks=x_ticks,
        y_ticks=[Tick(_y(v, 5, 1), str(v)) for v in range(1, 6)],
        lines=lines,
        legend=[item for item in _legend() if item[0] in {s[0] for s in series}],
        note=_partial_note(months_data.months),
    )


def ratings_chart(months_data) -> Chart | None:
    """Lines: the person's own average rating (1 to 5) per area per month, given in sessions, where they chose
    to give one. Their check-ins between sessions are a chart of their own (`check_ins_chart`)."""
    return _rating_lines(
        months_data,
        "Their own ratings given in sessions, by month",
        "Lines show the average of the ratings they chose to give in sessions in each area, from 1 (really hard) "
        "to 5 (really good). Gaps are months with no rating. Their own check-ins are shown apart.",
    )


def check_ins_chart(months_data, *, own_view: bool = False) -> Chart | None:
    """Lines: the average of the person's own check-ins (1 to 5) per area per month, apart from sessions.
    `own_view`: worded to the person themselves."""
    if own_view:
        return _rating_lines(
            months_data,
            "My check-ins, by month",
            "Each line is one area. It shows the number you gave, from 1 (really hard) to 5 (really good). "
            "A gap means no check-in that month.",
        )
    return _rating_lines(
        months_data,
        "Their own check-ins (not in sessions), by month",
        "Lines show the average of the ratings they gave when checking in on their own, in each area, from 1 "
        "(really hard) to 5 (really good). Gaps are months with no check-in. Ratings given in sessions are shown "
        "apart.",
    )


def session_ratings_for_the_person(months_data) -> Chart | None:
    """The same lines as `ratings_chart`, worded to the person themselves."""
    return _rating_lines(
        months_data,
        "What I said in sessions, by month",
        "Each line is one area. It shows the number you gave in a session, from 1 (really hard) to 5 (really "
        "good). A gap means no number that month.",
    )


def shares_chart(months: list[dt.date], shares: dict[str, list[float | None]]) -> Chart:
    """Lines: the share of sessions (per cent) touching each area, month by month."""
    series = []
    for area in AREAS:
        values = shares[area.code]
        labels = [
            f"{area.name}, {m:%B %Y}: {v:.0f}%" if v is not None else ""
            for m, v in zip(months, values, strict=True)
        ]
        series.append((f"area-{area.code}", values, labels))
    x_ticks, lines = _lines(series, months, 0, 100)
    return Chart(
        title="Share of sessions touching each CHIME area, by month",
        description="Lines show the percentage of that month's sessions that touched each area. "
        "A session can touch several areas, so the lines need not add up to 100.",
        x_ticks=x_ticks,
        y_ticks=[Tick(_y(v, 100), f"{v}%") for v in (0, 25, 50, 75, 100)],
        lines=lines,
        legend=_legend(),
        note=_partial_note(months),
    )


def measure_chart(measure, points, *, title: str = "") -> Chart:
    """One line: a measure's totals in the order they were taken, each dated; a point that changed by the
    published threshold from the first is labelled so (never by colour alone: the table says it too)."""
    step = PLOT_W / max(1, len(points))
    x_ticks = [
        Tick(round(LEFT + step * (i + 0.5), 1), f"{p.response.taken_on:%d %b %y}")
        for i, p in enumerate(points)
    ]
    low, high = measure.lowest_total, measure.highest_total
    plotted = []
    for tick, point in zip(x_ticks, points, strict=True):
        words = point.change_words
        label = f"{point.response.taken_on:%d %B %Y}: {point.response.total.normalize():f} ({words})"
        plotted.append(Point(tick.at, _y(float(point.response.total), high, low), label))
    segment = " ".join(f"{p.x},{p.y}" for p in plotted)
    view = points[-1].response.get_view_display().lower() if points else ""
    return Chart(
        title=title or f"{measure.short_name} totals over time ({view})",
        description=f"The line shows each {measure.short_name} total, from {low} to {high}; higher is "
        f"{'better' if measure.higher_is_better else 'harder'}. The table gives the same figures and the change.",
        x_ticks=x_ticks,
        y_ticks=[Tick(_y(v, high, low), str(v)) for v in sorted({low, (low + high) // 2, high})],
        lines=[Line(css="measure-line", segments=[segment] if segment else [], points=plotted)],
        legend=[("measure-line", f"{measure.short_name} total")],
    )
