from ethics.models.audit import AuditEvent
from ethics.models.emergency import EmergencyAccess

__all__ = ["AuditEvent", "EmergencyAccess"]
