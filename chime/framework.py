"""The CHIME recovery framework (Leamy, Bird, Le Boutillier, Williams & Slade, 2011).

Defined once here and used by every form, page and chart: the five areas, their subcategories from the paper,
and a short plain-language prompt for practitioners.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Area:
    code: str
    name: str  # the one name, on every page, form, chart and report
    prompt: str
    subcategories: tuple[str, ...]
    for_the_person: str = ""  # what the area means, in plain words to the person themselves (their own view)

    @property
    def note_label(self) -> str:
        return f"{self.name}: note"

    @property
    def rating_label(self) -> str:
        return f"{self.name}: their own rating today"


AREAS: tuple[Area, ...] = (
    Area(
        code="connectedness",
        name="Connectedness",
        prompt="Who and what are they connected to? Friends, family, peers, groups, their community.",
        subcategories=(
            "Peer support and support groups",
            "Relationships",
            "Support from others",
            "Being part of the community",
        ),
        for_the_person="The people in your life. Friends, family, groups, and people who help you.",
    ),
    Area(
        code="hope",
        name="Hope and optimism about the future",
        prompt="What gives them hope? What are they looking forward to, and what has gone well?",
        subcategories=(
            "Belief in the possibility of recovery",
            "Motivation to change",
            "Hope-inspiring relationships",
            "Positive thinking and valuing success",
            "Having dreams and aspirations",
        ),
        for_the_person="Hope for the days ahead. Things you look forward to, and things that went well.",
    ),
    Area(
        code="identity",
        name="Identity",
        prompt="How do they see themselves? Who are they beyond their difficulties?",
        subcategories=(
            "Dimensions of identity",
            "Rebuilding or redefining a positive sense of identity",
            "Overcoming stigma",
        ),
        for_the_person="How you see yourself. Who you are, not just what is hard.",
    ),
    Area(
        code="meaning",
        name="Meaning in life",
        prompt="What matters to them and gives their days purpose: roles, goals, beliefs, quality of life?",
        subcategories=(
            "Meaning of their experiences",
            "Spirituality",
            "Quality of life",
            "Meaningful life and social roles",
            "Meaningful life and social goals",
            "Rebuilding life",
        ),
        for_the_person="What makes your days feel worth it. Things you do, and what you care about.",
    ),
    Area(
        code="empowerment",
        name="Empowerment",
        prompt="Where are they taking charge? What strengths are they using, and what choices are they making?",
        subcategories=(
            "Personal responsibility",
            "Control over life",
            "Focusing upon strengths",
        ),
        for_the_person="Being in charge of your life. Using what you are good at, and making your own choices.",
    ),
)

AREAS_BY_CODE: dict[str, Area] = {area.code: area for area in AREAS}

# For model fields: the database stores the code, people see the name.
AreaChoices = models.TextChoices(
    "AreaChoices", [(area.code.upper(), (area.code, area.name)) for area in AREAS]
)

RATING_CHOICES = [
    (1, "1 – really hard"),
    (2, "2 – hard"),
    (3, "3 – getting by"),
    (4, "4 – good"),
    (5, "5 – really good"),
]


def area_named(code: str) -> Area:
    return AREAS_BY_CODE[code]
