"""Read-side queries for entries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, select

from kcvote.contests.models import Round
from kcvote.core.text import like_pattern
from kcvote.entries.enums import EntryStatus
from kcvote.entries.models import Entry
from kcvote.extensions import db
from kcvote.facilities.models import Facility


def status_counts(round_id: int) -> dict[EntryStatus, int]:
    """How many entries of the round are in each status."""
    rows = db.session.execute(
        select(Entry.status, func.count(Entry.id)).where(Entry.round_id == round_id).group_by(Entry.status)
    ).all()
    return {status: int(n) for status, n in rows}


def entry_counts(round_ids: Iterable[int]) -> dict[int, int]:
    """Entries per round for several rounds, in one query."""
    ids = list(round_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Entry.round_id, func.count(Entry.id)).where(Entry.round_id.in_(ids)).group_by(Entry.round_id)
    ).all()
    return {rid: int(n) for rid, n in rows}


def rounds_with_entry_counts() -> list[tuple[Round, int]]:
    """Every round (newest first) with its entry count."""
    rounds = db.session.scalars(select(Round).order_by(Round.year.desc(), Round.id.desc())).all()
    counts = entry_counts(r.id for r in rounds)
    return [(r, counts.get(r.id, 0)) for r in rounds]


def screening_query(
    round_id: int,
    *,
    q: str = "",
    group_id: int | None = None,
    status: EntryStatus | None = None,
    province_id: int | None = None,
) -> Select[Any]:
    """The organizer's entry list: filters and an accent-insensitive search on product, facility, code."""
    stmt = select(Entry).join(Facility, Entry.facility_id == Facility.id).where(Entry.round_id == round_id)
    if q.strip():
        stmt = stmt.where(Entry.search_text.like(like_pattern(q), escape="\\"))
    if group_id:
        stmt = stmt.where(Entry.group_id == group_id)
    # Drafts belong to the facility until submitted; the organizer sees them only when asked.
    stmt = stmt.where(Entry.status == status) if status is not None else stmt.where(Entry.status != EntryStatus.DRAFT)
    if province_id:
        stmt = stmt.where(Facility.province_id == province_id)
    return stmt.order_by(Entry.group_id, Entry.code, Entry.id)


def entries_of_facility(facility_id: int) -> list[Entry]:
    """A facility's entries, newest rounds first."""
    return list(
        db.session.scalars(
            select(Entry)
            .join(Round)
            .where(Entry.facility_id == facility_id)
            .order_by(Round.year.desc(), Entry.id.desc())
        )
    )
