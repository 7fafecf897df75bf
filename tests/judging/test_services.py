"""Jurors, conflicts, assignments and score sheets on a real database."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, func, select

from kcvote.accounts.enums import Role, ScopeType
from kcvote.contests import services as contest_services
from kcvote.core.audit import AuditEntry
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.judging import services
from kcvote.judging.enums import ConflictSource, SheetStatus
from kcvote.judging.models import Assignment, Conflict, Score, ScoreSheet
from tests.factories import make_facility, make_judging_round, make_round, make_user


def _full_points(entry, value: str = "5") -> dict[int, str]:
    return {c.id: str(min(Decimal(value), c.max_points)) for c in entry.round.rubric.criteria}


def test_appoint_existing_user_and_invite_new_one(db, seeded) -> None:
    organizer, round_, _, jurors = make_judging_round(n_entries=1, n_jurors=1)
    existing = make_user(Role.JUROR, email="cu@example.vn")
    appointment, invited = services.appoint_juror(actor=organizer, round_=round_, email="cu@example.vn")
    assert (appointment.user_id, invited) == (existing.id, False)
    assert existing.has_scoped_role(Role.JUROR, ScopeType.ROUND, round_.id)
    assert jurors[0].has_password is False  # invited by e-mail, sets a password from the link


def test_appoint_new_person_needs_a_name(db, seeded) -> None:
    organizer, round_, _, _ = make_judging_round(n_entries=1, n_jurors=0)
    with pytest.raises(DomainError, match="họ tên"):
        services.appoint_juror(actor=organizer, round_=round_, email="moi@example.vn")


def test_only_round_organizers_appoint(db, seeded) -> None:
    _, round_, _, _ = make_judging_round(n_entries=1, n_jurors=0)
    with pytest.raises(NotAllowed):
        services.appoint_juror(actor=make_user(Role.ORGANIZER), round_=round_, email="x@example.vn", name="X")


def test_autosave_is_idempotent_and_ordered(db, seeded) -> None:
    _, _, [entry], [juror] = make_judging_round(n_entries=1, n_jurors=1)
    criterion = entry.round.rubric.criteria[0]
    saved = services.save_sheet(actor=juror, entry=entry, points={criterion.id: "7,5"}, client_id="tab-1", client_seq=2)
    assert (saved.applied, saved.total, saved.version) == (True, Decimal("7.5"), 1)
    replayed = services.save_sheet(
        actor=juror, entry=entry, points={criterion.id: "7,5"}, client_id="tab-1", client_seq=2
    )
    stale = services.save_sheet(actor=juror, entry=entry, points={criterion.id: "1"}, client_id="tab-1", client_seq=1)
    db.session.commit()
    assert (replayed.applied, stale.applied) == (False, False)
    assert (replayed.version, replayed.total) == (stale.version, stale.total) == (1, Decimal("7.5"))
    sheet = services.sheet_for(entry.id, juror.id)
    assert sheet is not None
    assert (sheet.points[criterion.id], sheet.version) == (Decimal("7.5"), 1)
    assert db.session.scalar(select(func.count(ScoreSheet.id))) == 1


def test_a_save_clears_and_sets_points_and_refreshes_the_sheet_the_session_holds(db, seeded) -> None:
    _, _, [entry], [juror] = make_judging_round(n_entries=1, n_jurors=1)
    first, second = entry.round.rubric.criteria[:2]
    services.save_sheet(actor=juror, entry=entry, points={first.id: "7", second.id: "2,5"})
    sheet = services.sheet_for(entry.id, juror.id)
    assert sheet is not None
    assert (sheet.points, sheet.version) == ({first.id: Decimal("7"), second.id: Decimal("2.5")}, 1)
    saved = services.save_sheet(actor=juror, entry=entry, points={first.id: None, second.id: "3"}, remarks=" Tốt ")
    assert (saved.applied, saved.version, saved.total) == (True, 2, Decimal("3"))
    # The save writes without the ORM: the session's copies of the sheet and its scores are read again.
    assert (sheet.points, sheet.version, sheet.remarks) == ({second.id: Decimal("3")}, 2, "Tốt")
    db.session.commit()
    assert db.session.scalar(select(func.count(Score.id))) == 1


@contextmanager
def _statements(db: Any) -> Iterator[list[str]]:
    sent: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_rubric_criteria_are_kept_per_version_and_never_served_for_another(db, seeded) -> None:
    organizer = make_user(Role.ORGANIZER)
    round_ = make_round(organizer, open_it=False)
    first = round_.rubric
    bounds = services.rubric_bounds(first.id, first.created_at)
    assert {c.id: (c.name, c.max_points) for c in bounds.values()} == {
        c.id: (c.name, c.max_points) for c in first.criteria
    }
    # A new version (the round is still a draft) is another key: its own criteria, not the first's.
    rows = [contest_services.RubricRow("Nhóm duy nhất", "Tiêu chí duy nhất", Decimal(100))]
    second = contest_services.save_rubric(actor=organizer, round_=round_, rows=rows)
    [only] = services.rubric_bounds(second.id, second.created_at).values()
    assert (only.name, only.max_points) == ("Tiêu chí duy nhất", Decimal(100))
    # A version read once is served again without a statement; the same id with another creation time
    # (another database whose rubric got the same id) is read afresh.
    with _statements(db) as sent:
        assert services.rubric_bounds(first.id, first.created_at) == bounds
    assert sent == []
    with _statements(db) as sent:
        services.rubric_bounds(first.id, first.created_at + timedelta(microseconds=1))
    assert len(sent) == 1
    assert services.rubric_bounds(None, None) == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "Điểm không được âm (tiêu chí: "),
        ("11", "Điểm vượt quá mức tối đa 10 (tiêu chí: Khả năng đáp ứng nhu cầu thị trường"),
        ("7.3", "nửa điểm, ví dụ 7 hoặc 7,5 (tiêu chí: "),
        ("bảy", "Điểm không hợp lệ (tiêu chí: "),
    ],
)
def test_points_out_of_bounds_are_refused(db, seeded, value: str, message: str) -> None:
    _, _, [entry], [juror] = make_judging_round(n_entries=1, n_jurors=1)
    criterion = entry.round.rubric.criteria[0]
    with pytest.raises(DomainError, match=re.escape(message)):
        services.save_sheet(actor=juror, entry=entry, points={criterion.id: value})
    db.session.rollback()
    assert db.session.scalar(select(func.count(Score.id))) == 0


def test_submit_needs_every_criterion_then_locks(db, seeded) -> None:
    _, _, [entry], [juror] = make_judging_round(n_entries=1, n_jurors=1)
    first = entry.round.rubric.criteria[0]
    services.save_sheet(actor=juror, entry=entry, points={first.id: "5"})
    with pytest.raises(DomainError, match="Còn tiêu chí chưa chấm"):
        services.submit_sheet(actor=juror, entry=entry)
    services.save_sheet(actor=juror, entry=entry, points=_full_points(entry, "7.5"))
    sheet = services.submit_sheet(actor=juror, entry=entry)
    assert sheet.status == SheetStatus.SUBMITTED
    assert services.sheet_total(sheet) == sum(min(Decimal("7.5"), c.max_points) for c in entry.round.rubric.criteria)
    with pytest.raises(DomainError, match="khoá"):
        services.save_sheet(actor=juror, entry=entry, points={first.id: "1"})


def test_organizer_reopens_with_reason_audited(db, seeded) -> None:
    organizer, _, [entry], [juror] = make_judging_round(n_entries=1, n_jurors=1)
    services.save_sheet(actor=juror, entry=entry, points=_full_points(entry))
    sheet = services.submit_sheet(actor=juror, entry=entry)
    with pytest.raises(DomainError, match="lý do"):
        services.reopen_sheet(actor=organizer, sheet=sheet, reason=" ")
    with pytest.raises(NotAllowed):
        services.reopen_sheet(actor=juror, sheet=sheet, reason="tự mở")
    services.reopen_sheet(actor=organizer, sheet=sheet, reason="Giám khảo nhập nhầm tiêu chí 2")
    db.session.commit()
    assert sheet.status == SheetStatus.DRAFT
    row = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "sheet.reopened")).one()
    assert row.data == {"entry_id": entry.id, "reason": "Giám khảo nhập nhầm tiêu chí 2"}


def test_unassigned_juror_cannot_score(db, seeded) -> None:
    organizer, round_, [entry], _ = make_judging_round(n_entries=1, n_jurors=1)
    other, _ = services.appoint_juror(actor=organizer, round_=round_, email="khac@example.vn", name="Khác")
    with pytest.raises(NotAllowed, match="không được phân công"):
        services.save_sheet(actor=other.user, entry=entry, points={})


def test_scoring_only_while_judging(db, seeded) -> None:
    organizer, round_, [entry], [juror] = make_judging_round(n_entries=1, n_jurors=1)
    contest_services.close_judging(actor=organizer, round_=round_)
    with pytest.raises(DomainError, match="giai đoạn chấm điểm"):
        services.save_sheet(actor=juror, entry=entry, points=_full_points(entry))


def test_declared_conflict_removes_assignment_and_draft(db, seeded) -> None:
    _, _, [entry], [juror] = make_judging_round(n_entries=1, n_jurors=1)
    services.save_sheet(actor=juror, entry=entry, points={entry.round.rubric.criteria[0].id: "5"})
    services.declare_conflict(actor=juror, entry=entry, reason="Cơ sở là của người thân")
    db.session.commit()
    assert db.session.scalar(select(func.count(Assignment.id))) == 0
    assert db.session.scalar(select(func.count(ScoreSheet.id))) == 0
    with pytest.raises(NotAllowed):
        services.save_sheet(actor=juror, entry=entry, points={})
    with pytest.raises(DomainError, match="đã được ghi nhận"):
        services.declare_conflict(actor=juror, entry=entry, reason="lần nữa")


def test_automatic_conflicts_facility_member_and_same_province(db, seeded) -> None:
    organizer, round_, entries, _jurors = make_judging_round(n_entries=2, n_jurors=1)
    colleague = entries[0].facility.members[0].user
    services.appoint_juror(actor=organizer, round_=round_, email=colleague.email)
    round_.same_province_conflict = True
    local, _ = services.appoint_juror(
        actor=organizer,
        round_=round_,
        email="dia-phuong@example.vn",
        name="Địa Phương",
        province=entries[1].facility.province,
    )
    found = services.detect_conflicts(actor=organizer, round_=round_)
    db.session.commit()
    pairs = sorted((c.juror_id, c.entry_id, c.source) for c in found)
    expected = [(colleague.id, entries[0].id, ConflictSource.FACILITY_MEMBER)] + [
        (local.user_id, e.id, ConflictSource.SAME_PROVINCE) for e in entries
    ]
    assert pairs == sorted(expected)
    assert services.detect_conflicts(actor=organizer, round_=round_) == []
    assert db.session.scalar(select(func.count(Conflict.id))) == 3


def test_manual_assignment_refuses_conflicted_juror(db, seeded) -> None:
    organizer, _, [entry], [juror] = make_judging_round(n_entries=1, n_jurors=1)
    services.declare_conflict(actor=juror, entry=entry, reason="Người thân")
    with pytest.raises(DomainError, match="xung đột lợi ích"):
        services.add_assignment(actor=organizer, entry=entry, juror=juror)


@pytest.mark.parametrize("started", [False, True], ids=["new sheet", "started sheet"])
def test_two_saves_at_once_make_one_sheet(app, db, seeded, started: bool) -> None:
    """Two requests saving the same sheet at the same moment: one sheet, both changes kept, no error."""
    _, _, [entry], [juror] = make_judging_round(n_entries=1, n_jurors=1)
    first, second, third = entry.round.rubric.criteria[:3]
    if started:  # the sheet exists: each save only locks it
        services.save_sheet(actor=juror, entry=entry, points={third.id: "1"}, client_id="tab-0")
        db.session.commit()
    entry_id, juror_id = entry.id, juror.id
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def save(criterion_id: int, seq: int) -> None:
        try:
            with app.app_context():
                from kcvote.accounts.models import User
                from kcvote.entries.models import Entry

                barrier.wait()
                services.save_sheet(
                    actor=db.session.get(User, juror_id),
                    entry=db.session.get(Entry, entry_id),
                    points={criterion_id: "6"},
                    client_id=f"tab-{seq}",
                    client_seq=seq,
                )
                db.session.commit()
                db.session.remove()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=save, args=(c.id, i + 1)) for i, c in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    db.session.rollback()
    sheets = db.session.scalars(select(ScoreSheet)).all()
    assert len(sheets) == 1
    assert sheets[0].points == {first.id: Decimal("6"), second.id: Decimal("6")} | (
        {third.id: Decimal("1")} if started else {}
    )
    assert sheets[0].version == 3 if started else 2


def test_remove_juror_only_without_submitted_sheets(db, seeded) -> None:
    organizer, round_, [entry], [juror] = make_judging_round(n_entries=1, n_jurors=1)
    services.save_sheet(actor=juror, entry=entry, points=_full_points(entry))
    services.submit_sheet(actor=juror, entry=entry)
    appointment = services.appointments(round_)[0]
    with pytest.raises(DomainError, match="đã nộp phiếu"):
        services.remove_juror(actor=organizer, appointment=appointment)


def test_facility_user_cannot_declare_conflicts(db, seeded) -> None:
    _, _, [entry], _ = make_judging_round(n_entries=1, n_jurors=1)
    stranger = make_user(Role.FACILITY)
    make_facility(stranger, name="Lạ")
    with pytest.raises(NotAllowed):
        services.declare_conflict(actor=stranger, entry=entry, reason="x")
