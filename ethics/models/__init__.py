from ethics.models.audit import AuditEvent

__all__ = ["AuditEvent"]
