from ethics.models.audit import AuditEvent
from ethics.models.emergency import EmergencyAccess
from ethics.models.rights import ErasureRequest, LegalHold, RetentionRule, SubjectAccessRequest

__all__ = [
    "AuditEvent",
    "EmergencyAccess",
    "ErasureRequest",
    "LegalHold",
    "RetentionRule",
    "SubjectAccessRequest",
]
