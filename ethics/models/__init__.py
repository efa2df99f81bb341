from ethics.models.audit import AuditEvent
from ethics.models.consent import Consent, ConsentWording, ContentKind, Disclosure, SharingPurpose
from ethics.models.emergency import EmergencyAccess
from ethics.models.rights import ErasureRequest, LegalHold, RetentionRule, SubjectAccessRequest

__all__ = [
    "AuditEvent",
    "Consent",
    "ConsentWording",
    "ContentKind",
    "Disclosure",
    "EmergencyAccess",
    "ErasureRequest",
    "LegalHold",
    "RetentionRule",
    "SharingPurpose",
    "SubjectAccessRequest",
]
