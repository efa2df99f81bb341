from ethics.models.audit import AuditEvent
from ethics.models.consent import Consent, ConsentWording, ContentKind, Disclosure, SharingPurpose

__all__ = ["AuditEvent", "Consent", "ConsentWording", "ContentKind", "Disclosure", "SharingPurpose"]
