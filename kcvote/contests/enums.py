"""Contest enums (leaf module)."""

from __future__ import annotations

from enum import StrEnum


class RoundState(StrEnum):
    """draft → open → screening → judging → closed → finalized → published."""

    DRAFT = "draft"
    OPEN = "open"
    SCREENING = "screening"
    JUDGING = "judging"
    CLOSED = "closed"
    FINALIZED = "finalized"
    PUBLISHED = "published"


STATE_ORDER = list(RoundState)
