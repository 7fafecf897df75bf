"""Read-side selects for artisan dossiers: award rounds, the Sở's intake list, an artisan's own dossiers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from kcvote.accounts.models import User
from kcvote.artisans.enums import NominationStatus
from kcvote.artisans.models import AwardRound, Nomination, Nominee, SubmissionWindow
from kcvote.core.clock import today_vn
from kcvote.core.text import like_pattern
from kcvote.extensions import db
from kcvote.reference.models import Province


def award_rounds() -> list[AwardRound]:
    """Newest first."""
    return list(db.session.scalars(select(AwardRound).order_by(AwardRound.number.desc(), AwardRound.id.desc())))


def rounds_open_for_filing(today: date | None = None) -> list[tuple[AwardRound, list[SubmissionWindow]]]:
    """Award rounds with at least one province receiving dossiers today, with those windows."""
    day = today or today_vn()
    found = []
    for award_round in award_rounds():
        windows = [w for w in award_round.windows if w.opens_on <= day <= w.closes_on]
        if windows:
            found.append((award_round, sorted(windows, key=lambda w: w.province.sort_order)))
    return found


def provinces() -> list[Province]:
    return list(db.session.scalars(select(Province).order_by(Province.sort_order, Province.name)))


def nominations_of(user: User) -> list[Nomination]:
    """Dossiers the user filed or is the nominee of, newest first."""
    return list(
        db.session.scalars(
            select(Nomination)
            .join(Nominee, Nominee.id == Nomination.nominee_id)
            .where(or_(Nomination.filed_by_id == user.id, Nominee.user_id == user.id))
            .order_by(Nomination.id.desc())
        )
    )


@dataclass(frozen=True)
class IntakeFilters:
    province_id: int | None = None
    status: NominationStatus | None = None
    q: str = ""
    overdue: bool = False


def intake_list(award_round_id: int, filters: IntakeFilters, today: date | None = None) -> list[Nomination]:
    """The Sở's list: filed dossiers (drafts only when asked for), the soonest answer deadline first."""
    day = today or today_vn()
    query = select(Nomination).join(Nominee, Nominee.id == Nomination.nominee_id)
    query = query.where(Nomination.award_round_id == award_round_id)
    if filters.province_id:
        query = query.where(Nomination.province_id == filters.province_id)
    if filters.status is not None:
        query = query.where(Nomination.status == filters.status)
    else:
        query = query.where(Nomination.status != NominationStatus.DRAFT)
    if filters.q.strip():
        query = query.where(Nominee.search_text.like(like_pattern(filters.q), escape="\\"))
    if filters.overdue:
        query = query.where(Nomination.status == NominationStatus.SUBMITTED, Nomination.answer_due < day)
    query = query.order_by(Nomination.answer_due.is_(None), Nomination.answer_due, Nominee.name, Nomination.id)
    return list(db.session.scalars(query))
