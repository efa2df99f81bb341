from __future__ import annotations

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
