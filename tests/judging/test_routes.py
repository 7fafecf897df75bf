"""Judging pages through the test client: jurors, assignment, autosave JSON, blind mode, secrecy."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import event, func, select

from kcvote.accounts.enums import Role
from kcvote.contests import services as contest_services
from kcvote.judging import services
from kcvote.judging.enums import ConflictSource, SheetStatus
from kcvote.judging.models import Assignment, Conflict, JurorAppointment, ScoreSheet
from tests.conftest import csrf_token, login_as, post_form, text_of
from tests.factories import make_judging_round, make_user


def _autosave(client, entry, points: dict, seq: int, client_id: str = "tab") -> object:
    token = csrf_token(client, f"/judge/entries/{entry.id}")
    return client.post(
        f"/judge/entries/{entry.id}/sheet",
        json={
            "points": {str(k): v for k, v in points.items()},
            "remarks": "Mẫu mã đẹp",
            "client_id": client_id,
            "client_seq": seq,
        },
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )


def test_organizer_appoints_and_assigns_automatically(client, db, seeded) -> None:
    organizer, round_, _entries, _ = make_judging_round(n_entries=4, n_jurors=0)
    round_.jurors_per_entry = 2
    db.session.commit()
    login_as(client, organizer)
    page = f"/manage/rounds/{round_.id}/jurors"
    for i in range(4):
        response = post_form(
            client, page, {"juror-email": f"gk{i}@example.vn", "juror-name": f"Giám khảo {i}"}, token_from=page
        )
        assert response.status_code == 302
    done = post_form(client, f"/manage/rounds/{round_.id}/assign", token_from=page)
    assert done.status_code == 200
    assert "Đã phân công 8 lượt chấm." in text_of(done)
    loads = db.session.execute(select(Assignment.juror_id, func.count()).group_by(Assignment.juror_id)).all()
    assert sorted(n for _, n in loads) == [2, 2, 2, 2]
    per_entry = db.session.execute(select(Assignment.entry_id, func.count()).group_by(Assignment.entry_id)).all()
    assert sorted(n for _, n in per_entry) == [2, 2, 2, 2]


def test_appoint_bad_email_is_422(client, db, seeded) -> None:
    organizer, round_, _, _ = make_judging_round(n_entries=1, n_jurors=0)
    login_as(client, organizer)
    page = f"/manage/rounds/{round_.id}/jurors"
    response = post_form(client, page, {"juror-email": "khong-hop-le"}, token_from=page)
    assert response.status_code == 422
    assert "Địa chỉ email không hợp lệ." in text_of(response)
    assert db.session.scalar(select(func.count(JurorAppointment.id))) == 0


def test_autosave_json_then_submit_and_queue_progress(client, db, seeded) -> None:
    _, _round, entries, [juror] = make_judging_round(n_entries=2, n_jurors=1)
    login_as(client, juror)
    entry = entries[0]
    points = {c.id: str(min(Decimal(8), c.max_points)) for c in entry.round.rubric.criteria}
    saved = _autosave(client, entry, points, seq=1)
    assert saved.status_code == 200
    assert saved.json["applied"] is True
    again = _autosave(client, entry, points, seq=1)
    assert (again.status_code, again.json["applied"], again.json["version"]) == (200, False, 1)
    submitted = post_form(
        client, f"/judge/entries/{entry.id}/submit", token_from=f"/judge/entries/{entry.id}", follow_redirects=True
    )
    assert "Đã chấm 1/2" in text_of(submitted)
    db.session.rollback()
    assert db.session.scalar(select(ScoreSheet.status)) == SheetStatus.SUBMITTED


def test_autosave_bad_points_is_4xx_in_vietnamese(client, db, seeded) -> None:
    _, _, [entry], [juror] = make_judging_round(n_entries=1, n_jurors=1)
    login_as(client, juror)
    criterion = entry.round.rubric.criteria[0]
    response = _autosave(client, entry, {criterion.id: "99"}, seq=1)
    assert response.status_code == 422
    assert "vượt quá mức tối đa" in response.json["error"]
    garbage = client.post(
        f"/judge/entries/{entry.id}/sheet",
        json={"points": ["not", "a", "map"]},
        headers={"X-CSRFToken": csrf_token(client, f"/judge/entries/{entry.id}"), "Accept": "application/json"},
    )
    assert garbage.status_code == 400
    assert db.session.scalar(select(func.count(ScoreSheet.id))) == 0


def test_autosave_answers_the_committed_version_and_total(client, db, seeded) -> None:
    _, _, [entry], [juror] = make_judging_round(n_entries=1, n_jurors=1)
    login_as(client, juror)
    first, second = entry.round.rubric.criteria[:2]
    assert _autosave(client, entry, {first.id: "7"}, seq=1).json["total"] == "7.0"
    answer = _autosave(client, entry, {second.id: "2,5"}, seq=2).json
    db.session.rollback()
    sheet = db.session.scalar(select(ScoreSheet))
    assert (answer["version"], answer["total"]) == (sheet.version, str(services.sheet_total(sheet))) == (2, "9.5")


def test_autosave_sends_a_fixed_number_of_statements(client, db, seeded) -> None:
    _, _, [entry], [juror] = make_judging_round(n_entries=1, n_jurors=1)
    login_as(client, juror)
    first, second = entry.round.rubric.criteria[:2]
    assert _autosave(client, entry, {first.id: "7"}, seq=1).status_code == 200  # creates the sheet
    token = csrf_token(client, f"/judge/entries/{entry.id}")
    sent: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(" ".join(statement.split()[:3]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        answer = client.post(
            f"/judge/entries/{entry.id}/sheet",
            json={"points": {str(second.id): "2,5"}, "client_id": "tab", "client_seq": 2},
            headers={"X-CSRFToken": token, "Accept": "application/json"},
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert (answer.status_code, answer.json["version"], answer.json["total"]) == (200, 2, "9.5")
    # The user with their roles; the entry's round, rubric, assignment and conflict in one SELECT; the
    # sheet's row under its lock; the point; the sheet's UPDATE, which answers version and total. The
    # rubric's criteria were read by the first save. SQLite inserts the sheet if absent first: its lock.
    kinds = [statement.split()[0] for statement in sent]
    expected = ["SELECT", "SELECT", "SELECT", "INSERT", "UPDATE"]
    if db.engine.dialect.name == "sqlite":
        expected.insert(2, "INSERT")
    assert kinds == expected, sent


def test_autosave_is_404_unless_assigned_without_conflict_while_judging(client, db, seeded) -> None:
    organizer, round_, [first, second, third], [juror] = make_judging_round(n_entries=3, n_jurors=1)
    assignment = db.session.scalar(select(Assignment).where(Assignment.entry_id == first.id))
    services.remove_assignment(actor=organizer, assignment=assignment)
    # An automatic conflict found while the assignment still stands.
    db.session.add(Conflict(round_id=round_.id, juror_id=juror.id, entry_id=second.id, source=ConflictSource.DECLARED))
    db.session.commit()
    login_as(client, juror)
    token = csrf_token(client, f"/judge/entries/{third.id}")
    criterion = third.round.rubric.criteria[0]
    for entry in (first, second):
        url = f"/judge/entries/{entry.id}/sheet"
        headers = {"X-CSRFToken": token, "Accept": "application/json"}
        assert client.post(url, json={"points": {str(criterion.id): "5"}}, headers=headers).status_code == 404
        assert client.post(url, json={"points": ["not", "a", "map"]}, headers=headers).status_code == 404
    assert _autosave(client, third, {criterion.id: "5"}, seq=1).status_code == 200
    contest_services.close_judging(actor=organizer, round_=round_)
    db.session.commit()
    closed = client.post(
        f"/judge/entries/{third.id}/sheet",
        json={"points": {str(criterion.id): "6"}, "client_id": "tab", "client_seq": 2},
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )
    assert closed.status_code == 404
    assert db.session.scalar(select(func.count(ScoreSheet.id))) == 1


def test_blind_mode_hides_the_facility_everywhere(client, db, seeded) -> None:
    _, round_, [entry], [juror] = make_judging_round(n_entries=1, n_jurors=1)
    round_.blind_judging = True
    db.session.commit()
    login_as(client, juror)
    name = entry.facility.name
    for path in ("/judge", f"/judge/rounds/{round_.id}", f"/judge/entries/{entry.id}"):
        body = client.get(path).data.decode()
        assert name not in body, path
    document = entry.documents[0]
    assert client.get(f"/media/documents/{document.id}").status_code == 404
    photo = client.get(f"/media/photos/{entry.photos[0].id}/thumb")
    assert photo.status_code == 200
    assert name not in photo.headers.get("Content-Disposition", "")
    photo.close()


def test_juror_never_sees_another_jurors_scores(client, app, db, seeded) -> None:
    _, _, [entry], [first, second] = make_judging_round(n_entries=1, n_jurors=2)
    criterion = entry.round.rubric.criteria[0]
    services.save_sheet(actor=first, entry=entry, points={criterion.id: "9.5"})
    services.save_sheet(actor=first, entry=entry, points={}, remarks="Nhận xét bí mật của giám khảo 1")
    db.session.commit()
    login_as(client, second)
    page = client.get(f"/judge/entries/{entry.id}").data.decode()
    assert "9.5" not in page and "9,5" not in page
    assert "Nhận xét bí mật" not in page
    assert client.get("/manage/rounds/1/jurors").status_code == 403


def test_conflict_declared_from_the_sheet_removes_entry_from_queue(client, db, seeded) -> None:
    _, _round, [entry], [juror] = make_judging_round(n_entries=1, n_jurors=1)
    login_as(client, juror)
    page = f"/judge/entries/{entry.id}"
    empty = post_form(client, f"{page}/conflict", {"reason": ""}, token_from=page)
    assert empty.status_code == 422
    assert "lý do xung đột lợi ích" in text_of(empty)
    done = post_form(
        client, f"{page}/conflict", {"reason": "Cơ sở của người thân"}, token_from=page, follow_redirects=True
    )
    assert "Đã ghi nhận xung đột lợi ích" in text_of(done)
    assert client.get(page).status_code == 404


def test_organizer_reopens_a_sheet_with_reason(client, db, seeded) -> None:
    organizer, round_, [entry], [juror] = make_judging_round(n_entries=1, n_jurors=1)
    services.save_sheet(actor=juror, entry=entry, points={c.id: "1" for c in entry.round.rubric.criteria})
    sheet = services.submit_sheet(actor=juror, entry=entry)
    db.session.commit()
    login_as(client, organizer)
    page = f"/manage/rounds/{round_.id}/jurors"
    refused = post_form(client, f"/manage/sheets/{sheet.id}/reopen", {"reason": ""}, token_from=page)
    assert refused.status_code == 422
    ok = post_form(client, f"/manage/sheets/{sheet.id}/reopen", {"reason": "Nhập nhầm"}, token_from=page)
    assert ok.status_code == 302
    db.session.rollback()
    assert sheet.status == SheetStatus.DRAFT


def test_unappointed_user_cannot_open_the_sheet(client, db, seeded) -> None:
    _, _, [entry], _ = make_judging_round(n_entries=1, n_jurors=1)
    login_as(client, make_user(Role.JUROR))
    assert client.get(f"/judge/entries/{entry.id}").status_code == 404


def test_reminders_go_to_jurors_who_are_behind(client, app, db, seeded) -> None:
    from tests.conftest import outbox

    organizer, round_, entries, jurors = make_judging_round(n_entries=2, n_jurors=2)
    for entry in entries:
        services.save_sheet(actor=jurors[0], entry=entry, points={c.id: "1" for c in entry.round.rubric.criteria})
        services.submit_sheet(actor=jurors[0], entry=entry)
    db.session.commit()
    assert [(u.email, n) for u, n in services.jurors_behind(round_)] == [(jurors[1].email, 2)]
    login_as(client, organizer)
    page = f"/manage/rounds/{round_.id}/jurors"
    before = len(outbox(app))
    response = post_form(client, f"/manage/rounds/{round_.id}/remind", token_from=page, follow_redirects=True)
    assert "Đã gửi nhắc nhở tới 1 giám khảo." in text_of(response)
    mails = outbox(app)[before:]
    assert [(m["To"], m["Subject"]) for m in mails] == [(jurors[1].email, "Nhắc chấm điểm: còn 2 phiếu")]


def test_organizer_adjusts_assignments_by_hand(client, db, seeded) -> None:
    organizer, round_, [entry], [first, second] = make_judging_round(n_entries=1, n_jurors=2)
    login_as(client, organizer)
    page = f"/manage/rounds/{round_.id}/jurors"
    url = f"/manage/rounds/{round_.id}/assignments"
    removed = post_form(client, url, {"entry_id": entry.id, "juror_id": second.id, "action": "remove"}, token_from=page)
    assert removed.status_code == 302
    again = post_form(client, url, {"entry_id": entry.id, "juror_id": second.id, "action": "remove"}, token_from=page)
    assert again.status_code == 422
    assert "chưa được phân công" in text_of(again)
    added = post_form(client, url, {"entry_id": entry.id, "juror_id": second.id, "action": "add"}, token_from=page)
    assert added.status_code == 302
    db.session.rollback()
    pairs = db.session.execute(select(Assignment.juror_id, Assignment.manual).order_by(Assignment.juror_id)).all()
    assert [tuple(p) for p in pairs] == [(first.id, True), (second.id, True)]
    bad = post_form(client, url, {"entry_id": 999999, "juror_id": second.id, "action": "add"}, token_from=page)
    assert bad.status_code == 422
