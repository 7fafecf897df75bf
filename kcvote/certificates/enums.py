"""Certificate states (leaf module: imports nothing from kcvote)."""

from __future__ import annotations

from enum import StrEnum


class CertificateStatus(StrEnum):
    """What is stored. "Expired" is not stored: it follows from the validity date (see ``Certificate.state``)."""

    VALID = "valid"
    REVOKED = "revoked"
    REPLACED = "replaced"


class CertificateState(StrEnum):
    """What a reader is told: the stored status, with a valid certificate past its date shown as expired."""

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    REPLACED = "replaced"


class CertificateKind(StrEnum):
    PRODUCT = "product"
    ARTISAN = "artisan"


class JobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
