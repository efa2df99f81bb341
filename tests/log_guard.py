"""A guard over the whole suite's logs: no log line of any test may contain a marker planted in personal data.

Tests that plant personal data to follow it (names, notes, search terms, erasure's markers) write it with MARKER in
it. A handler on the root logger formats every record exactly as production prints it (chime.logs's JSON formatter)
and remembers any line holding the marker; the test during which it was written then fails at teardown, naming the
line. It sees what the app's loggers let through at their configured levels (the request line at INFO, everything
else from WARNING), from every thread, the live server's included.
"""

from __future__ import annotations

import logging

import pytest

from chime import logs

MARKER = "qzmark"  # tests/ethics/test_erasure_leaves_no_marker.py's markers start with it too


class MarkerCatcher(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        spec = logs.formatter("json")
        self.setFormatter(spec.pop("()")(**spec))
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        line = self.format(record)
        if MARKER in line.lower():
            self.leaks.append(line[:500])


@pytest.fixture(scope="session")
def marker_catcher():
    catcher = MarkerCatcher()
    root = logging.getLogger()
    root.addHandler(catcher)
    yield catcher
    root.removeHandler(catcher)


@pytest.fixture(autouse=True)
def _no_personal_data_in_logs(marker_catcher):
    marker_catcher.leaks.clear()
    yield
    leaks, marker_catcher.leaks = marker_catcher.leaks, []
    assert leaks == [], f"Log lines hold personal data (the marker {MARKER!r}): {leaks}"
