"""Contest rules: who manages a round, and whether registration is open. Pure functions."""

from __future__ import annotations

from datetime import date
from typing import Any

from kcvote.accounts.enums import Role, ScopeType
from kcvote.contests.enums import RoundState
from kcvote.contests.models import Round
from kcvote.core.clock import deadline_passed, today_vn

# Settings an organizer may still change once registration has opened.
# Judging settings may still be decided while dossiers come in.
EDITABLE_WHEN_OPEN = (
    "name",
    "registration_deadline",
    "judging_starts_on",
    "judging_ends_on",
    "prize_tiers",
    "same_province_conflict",
    "aggregate_method",
    "trim_min_jurors",
    "disagreement_sd",
    "two_stage",
    "jurors_per_entry",
    "blind_judging",
)


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def can_create_round(user: Any) -> bool:
    """Admins, and organizers holding the role without a scope (e.g. a Sở Công Thương)."""
    return _signed_in(user) and (user.has_role(Role.ADMIN) or user.has_global_role(Role.ORGANIZER))


def can_manage_round(user: Any, round_: Round) -> bool:
    """Admins, and the organizers of this round (the role scoped to it)."""
    if not _signed_in(user):
        return False
    return user.has_role(Role.ADMIN) or user.has_scoped_role(Role.ORGANIZER, ScopeType.ROUND, round_.id)


def is_organizer(user: Any) -> bool:
    """Anyone who organises rounds (for navigation)."""
    return _signed_in(user) and (user.has_role(Role.ADMIN) or user.holds(Role.ORGANIZER))


def registration_open(round_: Round, today: date | None = None) -> bool:
    """Facilities may register and edit drafts: the round is open and its window is running."""
    today = today or today_vn()
    if round_.state != RoundState.OPEN:
        return False
    if round_.registration_opens_on and today < round_.registration_opens_on:
        return False
    return not deadline_passed(round_.registration_deadline, today)


def opening_problems(round_: Round, today: date | None = None) -> list[str]:
    """What stops the round from opening (empty when it can open). Messages are msgids."""
    today = today or today_vn()
    problems = []
    rubric = round_.rubric
    if rubric is None or not rubric.groups:
        problems.append("no_rubric")
    elif rubric.total != 100 or any(not g.criteria for g in rubric.groups):
        problems.append("rubric_total")
    if not round_.groups:
        problems.append("no_groups")
    if round_.registration_opens_on is None or round_.registration_deadline is None:
        problems.append("no_dates")
    elif round_.registration_deadline < round_.registration_opens_on:
        problems.append("dates_order")
    elif deadline_passed(round_.registration_deadline, today):
        problems.append("deadline_past")
    if (
        round_.judging_starts_on
        and round_.registration_deadline
        and round_.judging_starts_on <= round_.registration_deadline
    ):
        problems.append("judging_before_deadline")
    return problems
