"""One way of writing dates and times: defined once (chime/formats/en_GB/formats.py), used by every template."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path

from django.conf import settings
from django.template import Context, Template

TEMPLATES = Path(settings.BASE_DIR) / "templates"
NAMED = {"DATE_FORMAT", "DATETIME_FORMAT", "TIME_FORMAT", "YEAR_MONTH_FORMAT"}
MACHINE = {"Y-m-d"}  # for addresses and form values, never shown as a date to read
FORMAT_ARGUMENT = re.compile(r"\|(?:date|time):\s*([\"'])(.*?)\1")


def test_no_template_spells_out_a_date_format_of_its_own():
    stray = [
        f"{path.relative_to(TEMPLATES)}: {fmt}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for _, fmt in FORMAT_ARGUMENT.findall(path.read_text())
        if fmt not in NAMED | MACHINE
    ]
    assert stray == []


def test_a_day_and_a_moment_are_written_the_one_way():
    moment = dt.datetime(2026, 11, 25, 17, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    html = Template(
        '{{ d|date }} · {{ m|date:"DATETIME_FORMAT" }} · {{ m|time }} · {{ d|date:"YEAR_MONTH_FORMAT" }}'
    )
    shown = html.render(Context({"d": dt.date(2026, 11, 24), "m": moment}))
    assert shown == "24 Nov 2026 · 25 Nov 2026, 17:00 · 17:00 · Nov 2026"
