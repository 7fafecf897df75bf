"""Read-side queries for judging."""

from __future__ import annotations

from sqlalchemy import select

from kcvote.contests.models import Round
from kcvote.entries.models import Entry
from kcvote.extensions import db
from kcvote.judging.enums import SheetStatus
from kcvote.judging.models import Assignment, Conflict, JurorAppointment, ScoreSheet


def queue_for_juror(juror_id: int, round_id: int, stage: int = 1) -> list[tuple[Entry, ScoreSheet | None]]:
    """The juror's entries in code order, each with their sheet (None before the first save)."""
    rows = db.session.execute(
        select(Entry, ScoreSheet)
        .join(
            Assignment,
            (Assignment.entry_id == Entry.id) & (Assignment.juror_id == juror_id) & (Assignment.stage == stage),
        )
        .outerjoin(
            ScoreSheet,
            (ScoreSheet.entry_id == Entry.id) & (ScoreSheet.juror_id == juror_id) & (ScoreSheet.stage == stage),
        )
        .where(Entry.round_id == round_id)
        .order_by(Entry.code)
    ).all()
    return [(entry, sheet) for entry, sheet in rows]


def rounds_of_juror(juror_id: int) -> list[Round]:
    return list(
        db.session.scalars(
            select(Round)
            .join(JurorAppointment, JurorAppointment.round_id == Round.id)
            .where(JurorAppointment.user_id == juror_id)
            .order_by(Round.year.desc(), Round.id.desc())
        )
    )


def progress_matrix(round_id: int, stage: int = 1) -> dict[tuple[int, int], str]:
    """(juror_id, entry_id) → "assigned" | "draft" | "submitted" | "conflict", for the monitoring matrix."""
    cells: dict[tuple[int, int], str] = {}
    for juror_id, entry_id in db.session.execute(
        select(Assignment.juror_id, Assignment.entry_id).where(
            Assignment.round_id == round_id, Assignment.stage == stage
        )
    ):
        cells[(juror_id, entry_id)] = "assigned"
    for juror_id, entry_id, status in db.session.execute(
        select(ScoreSheet.juror_id, ScoreSheet.entry_id, ScoreSheet.status).where(
            ScoreSheet.round_id == round_id, ScoreSheet.stage == stage
        )
    ):
        cells[(juror_id, entry_id)] = "submitted" if status == SheetStatus.SUBMITTED else "draft"
    for juror_id, entry_id in db.session.execute(
        select(Conflict.juror_id, Conflict.entry_id).where(Conflict.round_id == round_id)
    ):
        cells[(juror_id, entry_id)] = "conflict"
    return cells
