"""Judging rules: who may see and score what, and when. Pure functions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kcvote.accounts.enums import Role, ScopeType
from kcvote.contests.enums import RoundState
from kcvote.contests.models import Round
from kcvote.contests.rules import can_manage_round
from kcvote.judging.enums import SheetStatus
from kcvote.judging.models import ScoreSheet

HALF = Decimal("0.5")


def is_round_juror(user: Any, round_: Round) -> bool:
    """Appointed to this round (the juror role scoped to it)."""
    return is_juror_of_round(user, round_.id)


def is_juror_of_round(user: Any, round_id: int) -> bool:
    """``is_round_juror`` by the round's id, for callers that read the round's columns only."""
    return bool(
        getattr(user, "is_authenticated", False) and user.has_scoped_role(Role.JUROR, ScopeType.ROUND, round_id)
    )


def is_juror(user: Any) -> bool:
    """Anyone appointed as a juror somewhere (for navigation)."""
    return bool(getattr(user, "is_authenticated", False) and user.holds(Role.JUROR))


def scoring_open(round_: Round) -> bool:
    """Sheets are filled only while the round is judging."""
    return scoring_open_in(round_.state)


def scoring_open_in(state: RoundState) -> bool:
    """``scoring_open`` by the round's state, for callers that read the round's columns only."""
    return state == RoundState.JUDGING


def scores_visible_to_jurors(round_: Round) -> bool:
    """Nobody but the organizers sees other jurors' scores before the round is closed."""
    return round_.state in (RoundState.CLOSED, RoundState.FINALIZED, RoundState.PUBLISHED)


def can_edit_sheet(user: Any, sheet: ScoreSheet) -> bool:
    """The sheet's own juror, while judging runs and until they submit it."""
    return (
        getattr(user, "is_authenticated", False)
        and sheet.juror_id == user.id
        and sheet.status == SheetStatus.DRAFT
        and scoring_open(sheet.entry.round)
    )


def can_reopen_sheet(user: Any, sheet: ScoreSheet) -> bool:
    """The round's organizers reopen a submitted sheet (with a reason) while judging runs."""
    return (
        sheet.status == SheetStatus.SUBMITTED
        and scoring_open(sheet.entry.round)
        and can_manage_round(user, sheet.entry.round)
    )


def points_problem(points: Decimal, max_points: Decimal) -> str | None:
    """Why ``points`` cannot be given to a criterion worth ``max_points`` (a stable code), or None."""
    if points < 0:
        return "negative"
    if points > max_points:
        return "over_max"
    if (points / HALF) != (points / HALF).to_integral_value():
        return "not_half"
    return None


def sees_identity(round_: Round) -> bool:
    """In blind judging jurors see the entry code only, never the facility."""
    return not round_.blind_judging
