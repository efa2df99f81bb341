from ethics.models.consent import (
    Consent,
    ConsentWording,
    ContentKind,
    Disclosure,
    OrganisationContact,
    SharingPurpose,
)
from ethics.models.emergency import EmergencyAccess, EmergencySearch
from ethics.models.online_access import Invitation, OnlineAccess, WithheldSession
from ethics.models.passkeys import WebAuthnCredential  # the passkey library: in the personal-data map
from ethics.models.record_requests import RecordChangeRequest
from ethics.models.rights import (
    ErasureRequest,
    LegalHold,
    RetentionRule,
    SubjectAccessPack,
    SubjectAccessReopening,
    SubjectAccessRequest,
)
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
    "Concern",
    "ConcernClosure",
    "ConcernEscalation",
    "ConcernEvent",
    "Consent",
    "ConsentWording",
    "ContentKind",
    "CrisisService",
    "Disclosure",
    "EmergencyAccess",
    "EmergencySearch",
    "ErasureRequest",
    "Invitation",
    "LegalHold",
    "OrganisationContact",
    "OnlineAccess",
    "RecordChangeRequest",
    "Referral",
    "RetentionRule",
    "SharingPurpose",
    "SubjectAccessPack",
    "SubjectAccessReopening",
    "SubjectAccessRequest",
    "UrgencyLevel",
    "WebAuthnCredential",
    "WithheldSession",
]
