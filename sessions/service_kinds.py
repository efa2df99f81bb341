"""The kinds of service in the signposting directory: one list, read by the directory (`DirectoryService.Kind`), the
report's roll-ups (a count per kind, sessions/rollup_triggers.py) and the report's "Signposted, by kind of service".
"""

from __future__ import annotations

from django.db import models


class ServiceKind(models.TextChoices):
    HOUSING = "housing", "Housing"
    MONEY = "money", "Money and debt"
    MENTAL_HEALTH = "mental_health", "Mental health"
    DRUG_AND_ALCOHOL = "drug_and_alcohol", "Drug and alcohol"
    EMPLOYMENT = "employment", "Employment and learning"
    PEER_AND_COMMUNITY = "peer_and_community", "Peer and community groups"
    PHYSICAL_HEALTH = "physical_health", "Physical health"
    LEGAL = "legal", "Legal"
    CRISIS = "crisis", "Crisis"
    OTHER = "other", "Other"


TYPED = "typed"  # signposting typed in as "somewhere else": counted as a kind of its own in the report
# Each kind the report counts by, with its label: the directory's kinds, then "somewhere else (typed)".
REPORTED_KINDS = [*ServiceKind.choices, (TYPED, "Somewhere else (typed)")]
