"""Facility permissions."""

from __future__ import annotations

from typing import Any

from kcvote.accounts.enums import Role
from kcvote.facilities.models import Facility


def is_facility_user(user: Any) -> bool:
    """Facility representatives (the role given at sign-up)."""
    return bool(getattr(user, "is_authenticated", False) and user.holds(Role.FACILITY))


def is_member(user: Any, facility: Facility | None) -> bool:
    """True if ``user`` acts for ``facility``."""
    if facility is None or not getattr(user, "is_authenticated", False):
        return False
    return any(m.user_id == user.id for m in facility.members)
