"""Read-side queries for rounds."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from kcvote.accounts.enums import Role, ScopeType
from kcvote.accounts.models import RoleAssignment, User
from kcvote.contests.enums import RoundState
from kcvote.contests.models import Round
from kcvote.extensions import db


def managed_rounds_query(user: User) -> Select[Any]:
    """The rounds ``user`` organises (all of them for an admin), newest first."""
    stmt = select(Round).order_by(Round.year.desc(), Round.id.desc())
    if user.has_role(Role.ADMIN):
        return stmt
    scoped = select(RoleAssignment.scope_id).where(
        RoleAssignment.user_id == user.id,
        RoleAssignment.role == Role.ORGANIZER,
        RoleAssignment.scope_type == ScopeType.ROUND,
    )
    return stmt.where(Round.id.in_(scoped))


def open_rounds() -> list[Round]:
    """Rounds currently taking registrations (by state; the window is checked per round)."""
    return list(
        db.session.scalars(select(Round).where(Round.state == RoundState.OPEN).order_by(Round.registration_deadline))
    )


def round_summary(round_: Round, entries: int) -> dict[str, Any]:
    """The JSON record `kcvote rounds list` prints for a round."""
    return {
        "id": round_.id,
        "name": round_.name,
        "level": round_.level.name,
        "year": round_.year,
        "state": round_.state.value,
        "entry_count": entries,
    }
