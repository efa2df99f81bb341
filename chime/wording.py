"""Words that help, not hurt: spot clinical labels and stigmatising words in a practitioner's note.

The word list is data (chime/wording.json, or the file named by CHIME_WORDING_FILE). The same function runs for
the server-side check after a form is posted and for the live hint in the page (htmx posts the text here).
It is a hint, never a block.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class Hint:
    found: str
    suggest: str
    why: str


@cache
def _load(path: Path) -> tuple[re.Pattern[str], dict[str, dict[str, str]]]:
    entries = json.loads(Path(path).read_text(encoding="utf-8"))["words"]
    by_term = {entry["term"].lower(): entry for entry in entries}
    # Longest first, so "suffers from" wins over a shorter entry inside it.
    terms = sorted(by_term, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(t) for t in terms) + r")(?![\w-])", re.IGNORECASE
    )
    return pattern, by_term


def find_unhelpful_words(text: str) -> list[Hint]:
    """Return one hint per distinct unhelpful word or phrase in `text`, in the order they first appear."""
    pattern, by_term = _load(Path(settings.CHIME_WORDING_FILE))
    hints: dict[str, Hint] = {}
    for match in pattern.finditer(text or ""):
        key = match.group(1).lower()
        if key not in hints:
            entry = by_term[key]
            hints[key] = Hint(found=match.group(1), suggest=entry["suggest"], why=entry["why"])
    return list(hints.values())
