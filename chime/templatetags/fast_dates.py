"""Django's `date` filter, with a fast path for Chime's own formats (a built-in library: settings.TEMPLATES).

Django's filter parses the format string and looks up the month's name (a translation) for every date it writes;
a person's page writes over a hundred dates, at about 40 microseconds each. Chime's named formats (chime/formats)
use only the day, the month's short name, the year, the hour and the minute: for those this filter writes the
same text from a format parsed once and month names looked up once per language. Anything else (another format
character, a value that is not exactly a date or datetime) goes to Django's own filter, so the text is always
Django's (tests/chime/test_fast_dates.py compares the two).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django import template
from django.template import defaultfilters
from django.utils import formats
from django.utils.dateformat import re_escaped, re_formatchars
from django.utils.dates import MONTHS_3
from django.utils.translation import get_language

register = template.Library()

_DATE_PARTS = {
    "j": lambda d: str(d.day),
    "d": lambda d: "%02d" % d.day,  # noqa: UP031 - Django's own spelling, kept so the text matches
    "n": lambda d: str(d.month),
    "Y": lambda d: "%04d" % d.year,  # noqa: UP031
}
_TIME_PARTS = {
    "H": lambda d: "%02d" % d.hour,  # noqa: UP031
    "i": lambda d: "%02d" % d.minute,  # noqa: UP031
}


@lru_cache(maxsize=64)
def _compiled(format_string: str) -> tuple[tuple[str, str], ...] | None:
    """The format as (kind, text) pieces: ("", literal) or ("j", ...) per format character; None when it uses a
    character this filter leaves to Django."""
    pieces = []
    for i, piece in enumerate(re_formatchars.split(format_string)):
        if i % 2:
            if piece not in _DATE_PARTS and piece not in _TIME_PARTS and piece != "M":
                return None
            pieces.append((piece, ""))
        elif piece:
            pieces.append(("", re_escaped.sub(r"\1", piece)))
    return tuple(pieces)


@lru_cache(maxsize=16)
def _short_months(language: str | None) -> tuple[str, ...]:
    return ("", *(str(MONTHS_3[month]).title() for month in range(1, 13)))


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """`{{ day|date }}`, `{{ moment|date:"DATETIME_FORMAT" }}`: the same text as Django's `date` filter."""
    kind = type(value)
    if kind is dt.date or kind is dt.datetime:
        pieces = _compiled(str(formats.get_format(arg or "DATE_FORMAT")))
        if pieces is not None and (kind is dt.datetime or all(p not in _TIME_PARTS for p, _ in pieces)):
            out = []
            for part, text in pieces:
                if not part:
                    out.append(text)
                elif part == "M":
                    out.append(_short_months(get_language())[value.month])
                else:
                    out.append((_DATE_PARTS.get(part) or _TIME_PARTS[part])(value))
            return "".join(out)
    return defaultfilters.date(value, arg)
