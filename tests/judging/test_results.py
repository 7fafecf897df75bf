"""Results: aggregation from submitted sheets, the council's selection, finalize snapshot, exports, CLI."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from kcvote.accounts.enums import Role
from kcvote.contests import services as contest_services
from kcvote.contests.enums import RoundState
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.judging import results, services
from kcvote.judging.models import ResultSnapshot
from tests.conftest import login_as, post_form, text_of
from tests.factories import make_judging_round, make_user


def _score(entry, juror, share: str) -> None:
    """Give every criterion ``share`` of its maximum (rounded to half points) and submit."""
    points = {
        c.id: str((Decimal(share) * c.max_points * 2).quantize(Decimal(1)) / 2) for c in entry.round.rubric.criteria
    }
    services.save_sheet(actor=juror, entry=entry, points=points)
    services.submit_sheet(actor=juror, entry=entry)


@pytest.fixture
def scored(db, seeded):
    """Two entries × two jurors: entry 1 averages 75 (100 and 50), entry 2 averages 50 (fails)."""
    organizer, round_, entries, jurors = make_judging_round(n_entries=2, n_jurors=2)
    round_.prize_tiers = [["Giải nhất", 1]]
    _score(entries[0], jurors[0], "1")
    _score(entries[0], jurors[1], "0.5")
    _score(entries[1], jurors[0], "0.5")
    _score(entries[1], jurors[1], "0.5")
    contest_services.close_judging(actor=organizer, round_=round_)
    db.session.commit()
    return organizer, round_, entries, jurors


def test_records_aggregate_submitted_sheets(scored) -> None:
    _, round_, entries, _ = scored
    rows = {r["code"]: r for r in results.records(round_)}
    first, second = rows[entries[0].code], rows[entries[1].code]
    assert (first["average"], first["median"], first["rank"], first["passed"]) == ("75.00", "75.00", 1, True)
    assert (second["average"], second["rank"], second["passed"]) == ("50.00", 2, False)
    assert first["juror_totals"] == ["100.00", "50.00"]


def test_selection_recognises_only_passing_entries_within_prize_tiers(scored, db) -> None:
    organizer, round_, entries, _ = scored
    with pytest.raises(DomainError, match="không đạt điểm"):
        results.select_entries(actor=organizer, round_=round_, choices={entries[1].id: ""})
    with pytest.raises(DomainError, match="không có trong cơ cấu giải"):
        results.select_entries(actor=organizer, round_=round_, choices={entries[0].id: "Giải đặc biệt"})
    assert results.select_entries(actor=organizer, round_=round_, choices={entries[0].id: "Giải nhất"}) == 1
    db.session.commit()
    assert (entries[0].prize, entries[0].recognised_at is not None, entries[1].recognised_at) == (
        "Giải nhất",
        True,
        None,
    )


def test_finalize_freezes_results_and_writes_are_refused(scored, db) -> None:
    organizer, round_, entries, jurors = scored
    results.select_entries(actor=organizer, round_=round_, choices={entries[0].id: ""})
    contest_services.finalize_round(actor=organizer, round_=round_)
    db.session.commit()
    snapshot = db.session.scalar(select(ResultSnapshot))
    assert [r["code"] for r in snapshot.records] == [entries[0].code, entries[1].code]
    # Changing a score in the database afterwards does not change the frozen results.
    entries[0].recognised_at = None
    db.session.commit()
    assert results.records(round_)[0]["recognised"] is True
    with pytest.raises(DomainError):
        services.save_sheet(actor=jurors[0], entry=entries[0], points={})
    with pytest.raises(DomainError):
        results.select_entries(actor=organizer, round_=round_, choices={})


def test_only_admin_reopens_finalized_results_with_reason(scored, db) -> None:
    organizer, round_, _, _ = scored
    contest_services.finalize_round(actor=organizer, round_=round_)
    with pytest.raises(NotAllowed):
        contest_services.reopen_results(actor=organizer, round_=round_, reason="Sai sót")
    admin = make_user(Role.ADMIN)
    with pytest.raises(DomainError, match="lý do"):
        contest_services.reopen_results(actor=admin, round_=round_, reason="")
    contest_services.reopen_results(actor=admin, round_=round_, reason="Khiếu nại của cơ sở")
    db.session.commit()
    assert round_.state == RoundState.CLOSED
    assert results.active_snapshot(round_) is None
    assert db.session.scalar(select(ResultSnapshot.retired_reason)) == "reopened"


def test_cli_results_json_and_csv(scored, app) -> None:
    _, round_, entries, _ = scored
    runner = app.test_cli_runner()
    data = json.loads(runner.invoke(args=["kcvote", "results", str(round_.id), "--format", "json"]).output)
    assert list(data[0]) == list(results.RECORD_KEYS)
    assert (data[0]["code"], data[0]["average"], data[0]["rank"], data[0]["passed"]) == (
        entries[0].code,
        "75.00",
        1,
        True,
    )
    csv_out = runner.invoke(args=["kcvote", "results", str(round_.id), "--format", "csv"]).output.splitlines()
    assert csv_out[0] == ",".join(results.RECORD_KEYS)
    assert len(csv_out) == 3


def test_export_scores_excel(scored, app, tmp_path) -> None:
    _, round_, entries, _jurors = scored
    out = tmp_path / "diem.xlsx"
    result = app.test_cli_runner().invoke(args=["kcvote", "export-scores", str(round_.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    rows = list(book["Điểm"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Mã số", "Giám khảo", "Tiêu chí", "Điểm")
    n_criteria = len(round_.rubric.criteria)
    assert len(rows) - 1 == 2 * 2 * n_criteria
    summary = list(book["Tổng hợp"].iter_rows(values_only=True))
    assert summary[1][0] == entries[0].code
    assert summary[1][9] == "Đạt"


def test_demo_scores_fill_a_judging_round(db, seeded, app) -> None:
    _, round_, _, _ = make_judging_round(n_entries=3, n_jurors=2)
    result = app.test_cli_runner().invoke(args=["kcvote", "demo-scores", str(round_.id)])
    assert result.exit_code == 0, result.output
    assert "Filled and submitted 6 score sheets." in result.output


def test_results_page_and_public_page(scored, client, db) -> None:
    organizer, round_, entries, _ = scored
    login_as(client, organizer)
    page = f"/manage/rounds/{round_.id}/results"
    body = text_of(client.get(page))
    assert "Kết quả tạm tính" in body and "75.00" in body
    saved = post_form(
        client, page, {f"entry-{entries[0].id}": "Giải nhất", f"entry-{entries[1].id}": "-"}, token_from=page
    )
    assert saved.status_code == 302
    bad = post_form(client, page, {f"entry-{entries[1].id}": "+"}, token_from=page)
    assert bad.status_code == 422
    assert "không đạt điểm" in text_of(bad)
    db.session.rollback()  # see what the requests committed
    contest_services.finalize_round(actor=organizer, round_=round_)
    contest_services.publish_round(actor=organizer, round_=round_)
    db.session.commit()
    public = text_of(client.application.test_client().get(f"/results/{round_.id}"))
    assert entries[0].product.name in public and "Giải nhất" in public
    assert entries[1].product.name not in public


def test_nobody_sees_scores_before_closing(db, seeded, client) -> None:
    organizer, round_, _, _ = make_judging_round(n_entries=1, n_jurors=1)
    login_as(client, organizer)
    body = text_of(client.get(f"/manage/rounds/{round_.id}/results"))
    assert "Kết quả chỉ xem được khi đợt đã kết thúc chấm điểm" in body
    assert client.get(f"/manage/rounds/{round_.id}/scores.xlsx").status_code == 404


def test_after_finalize_every_write_path_refuses(scored, db) -> None:
    from kcvote.entries import services as entry_services

    organizer, round_, entries, jurors = scored
    contest_services.finalize_round(actor=organizer, round_=round_)
    db.session.commit()
    sheet = services.sheet_for(entries[0].id, jurors[0].id)
    attempts = [
        lambda: services.save_sheet(actor=jurors[0], entry=entries[0], points={}),
        lambda: services.submit_sheet(actor=jurors[0], entry=entries[0]),
        lambda: services.reopen_sheet(actor=organizer, sheet=sheet, reason="x"),
        lambda: services.declare_conflict(actor=jurors[0], entry=entries[0], reason="x"),
        lambda: services.add_assignment(actor=organizer, entry=entries[0], juror=jurors[0]),
        lambda: services.run_assignment(actor=organizer, round_=round_),
        lambda: services.appoint_juror(actor=organizer, round_=round_, email="moi@example.vn", name="Mới"),
        lambda: services.remove_juror(actor=organizer, appointment=services.appointments(round_)[0]),
        lambda: results.select_entries(actor=organizer, round_=round_, choices={}),
        lambda: contest_services.save_rubric(
            actor=organizer, round_=round_, rows=contest_services.default_rubric_rows()
        ),
        lambda: entry_services.accept_entry(actor=organizer, entry=entries[0]),
        lambda: contest_services.finalize_round(actor=organizer, round_=round_),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError):
            attempt()
        db.session.rollback()
    assert [s.status.value for s in db.session.scalars(select(services.ScoreSheet))] == ["submitted"] * 4
