"""Judging enums (leaf module)."""

from __future__ import annotations

from enum import StrEnum


class SheetStatus(StrEnum):
    """A score sheet is saved as a draft until the juror submits (locks) it."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class ConflictSource(StrEnum):
    """Why a juror may not score an entry."""

    DECLARED = "declared"  # the juror said so, with a reason
    FACILITY_MEMBER = "facility_member"  # the juror acts for the entry's facility
    SAME_PROVINCE = "same_province"  # regional/national rounds: the juror's province is the facility's
