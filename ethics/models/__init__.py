from ethics.models.audit import AuditEvent
from ethics.models.safeguarding import (
    Concern,
    ConcernClosure,
    ConcernEscalation,
    ConcernEvent,
    CrisisService,
    Referral,
    UrgencyLevel,
)

__all__ = [
    "AuditEvent",
    "Concern",
    "ConcernClosure",
    "ConcernEscalation",
    "ConcernEvent",
    "CrisisService",
    "Referral",
    "UrgencyLevel",
]
