"""Account enums (leaf module: imports nothing from kcvote)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a user may do; an assignment may be scoped to a round or a council."""

    ADMIN = "admin"
    ORGANIZER = "organizer"
    JUROR = "juror"
    COUNCIL_MEMBER = "council_member"
    FACILITY = "facility"


class ScopeType(StrEnum):
    """What a role assignment is limited to (None means everywhere)."""

    ROUND = "round"
    COUNCIL = "council"


STAFF_ROLES = (Role.ORGANIZER, Role.JUROR, Role.COUNCIL_MEMBER)
