"""Entry enums (leaf module)."""

from __future__ import annotations

from enum import StrEnum


class EntryStatus(StrEnum):
    """A dossier's life: draft → submitted → (completion_requested → submitted)* → accepted | rejected."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    COMPLETION_REQUESTED = "completion_requested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


# Screening is not finished while an entry is in one of these.
UNSCREENED = (EntryStatus.SUBMITTED, EntryStatus.COMPLETION_REQUESTED)


class EntryOrigin(StrEnum):
    """How the entry came in."""

    WEB = "web"  # registered by the facility
    IMPORT = "import"  # uploaded by the organizer from Excel (paper dossiers)
    NOMINATION = "nomination"  # carried up from a lower-level round


class PhotoKind(StrEnum):
    """Views required by the regulation (front, side, top), and any others."""

    FRONT = "front"
    SIDE = "side"
    TOP = "top"
    OTHER = "other"


REQUIRED_PHOTO_KINDS = (PhotoKind.FRONT, PhotoKind.SIDE, PhotoKind.TOP)


class DocumentKind(StrEnum):
    """Dossier documents; the business registration is required."""

    BUSINESS_REGISTRATION = "business_registration"
    QUALITY_CERTIFICATE = "quality_certificate"
    FOOD_SAFETY_CERTIFICATE = "food_safety_certificate"
    AWARD = "award"
    RECOGNITION_DECISION = "recognition_decision"  # lower level's decision (progression)
    LOWER_CERTIFICATE = "lower_certificate"  # lower level's certificate (progression)
    OTHER = "other"


REQUIRED_DOCUMENT_KINDS = (DocumentKind.BUSINESS_REGISTRATION,)
