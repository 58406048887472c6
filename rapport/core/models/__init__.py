from rapport.core.models.audit import AuditChain, AuditEvent
from rapport.core.models.clinics import (
    Clinic,
    PortalRole,
    Role,
    StaffRole,
    Supervision,
    User,
)
from rapport.core.models.duties import RoleGrantRequest, SecondFactorReset
from rapport.core.models.outbox import OutboundEmail
from rapport.core.models.tenancy import ClinicKeyed, ClinicKeyedQuerySet
from rapport.core.models.twofactor import RecoveryCode, RecoveryCodeDevice
from rapport.core.models.worker import WorkerHeartbeat

__all__ = [
    "AuditChain",
    "AuditEvent",
    "Clinic",
    "ClinicKeyed",
    "ClinicKeyedQuerySet",
    "OutboundEmail",
    "PortalRole",
    "RecoveryCode",
    "RecoveryCodeDevice",
    "Role",
    "RoleGrantRequest",
    "SecondFactorReset",
    "StaffRole",
    "Supervision",
    "User",
    "WorkerHeartbeat",
]
