from __future__ import annotations

import re

from django import template

register = template.Library()


@register.filter
def heat_level(count: int) -> int:
    """Shade for a count in the CHIME area table: 0 none, 1 once, 2 two or three times, 3 four or more."""
    if not count:
        return 0
    if count == 1:
        return 1
    return 2 if count <= 3 else 3


@register.filter
def tel_href(number: str) -> str:
    """A phone number as a tap-to-call address: `0800 123 4567` -> `tel:08001234567` (a leading + is kept)."""
    digits = re.sub(r"[^0-9+]", "", number or "")
    return f"tel:{digits[:1]}{digits[1:].replace('+', '')}" if digits else ""


@register.simple_tag
def chart(chart, id: str):  # noqa: A002 - the element id
    """An inline SVG chart from sessions.charts: `{% chart areas_chart "areas-chart" %}` (see `Chart.svg`)."""
    return chart.svg(id)
