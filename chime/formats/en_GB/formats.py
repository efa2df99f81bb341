"""Chime's one way of writing dates and times (FORMAT_MODULE_PATH in settings points here).

Every page and table uses these through the named formats: `{{ day|date }}` ("24 Nov 2026"),
`{{ moment|date:"DATETIME_FORMAT" }}` ("24 Nov 2026, 17:00"), `{{ moment|time }}` ("17:00") and
`{{ month|date:"YEAR_MONTH_FORMAT" }}` ("Nov 2026"). Templates never spell out a format of their own
(tests/chime/test_date_formats.py).
"""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "M Y"
MONTH_DAY_FORMAT = "j M"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
