"""Permission predicates for accounts, used by routes (abort 403) and templates."""

from __future__ import annotations

from typing import Any

from kcvote.accounts.enums import Role
from kcvote.accounts.models import User


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_admin(user: Any) -> bool:
    """Administrators manage users, roles and reference data."""
    return _signed_in(user) and user.has_role(Role.ADMIN)


def can_manage_users(user: Any) -> bool:
    """List, search, deactivate users and change any role."""
    return is_admin(user)


def invitable_roles(user: Any) -> list[Role]:
    """Roles ``user`` may invite people into: admins any staff role, organizers jurors and council."""
    if is_admin(user):
        return [Role.JUROR, Role.COUNCIL_MEMBER, Role.ORGANIZER, Role.ADMIN]
    if _signed_in(user) and user.holds(Role.ORGANIZER):
        return [Role.JUROR, Role.COUNCIL_MEMBER]
    return []


def can_invite(user: Any, role: Role | None = None) -> bool:
    """True if ``user`` may invite anybody (or, given ``role``, somebody into that role)."""
    roles = invitable_roles(user)
    return bool(roles) if role is None else role in roles


def can_deactivate(actor: Any, target: User) -> bool:
    """Admins may deactivate others, never themselves (nobody locks the last door from inside)."""
    return can_manage_users(actor) and actor.id != target.id


def can_edit_reference_data(user: Any) -> bool:
    """Provinces, regions, levels and product groups are edited by administrators."""
    return is_admin(user)
