"""Two-stage rounds: stage 1 shortlist (average above the threshold), site visits, stage 2 rescoring;
both stages' sheets are kept and the results come from stage 2."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kcvote.contests import services as contest_services
from kcvote.core.errors import DomainError
from kcvote.judging import results, services
from kcvote.judging.models import ScoreSheet, SiteVisit
from tests.conftest import login_as, post_form, text_of
from tests.factories import make_judging_round


def _score(entry, juror, share: str, stage: int) -> None:
    points = {
        c.id: str((Decimal(share) * c.max_points * 2).quantize(Decimal(1)) / 2) for c in entry.round.rubric.criteria
    }
    services.save_sheet(actor=juror, entry=entry, points=points, stage=stage)
    services.submit_sheet(actor=juror, entry=entry, stage=stage)


@pytest.fixture
def stage_one(db, seeded):
    organizer, round_, entries, jurors = make_judging_round(n_entries=3, n_jurors=2)
    round_.two_stage = True
    for entry, share in zip(entries, ("1", "0.5", "0.8"), strict=True):
        for juror in jurors:
            _score(entry, juror, share, stage=1)
    db.session.commit()
    return organizer, round_, entries, jurors


def test_shortlist_is_above_the_threshold(stage_one) -> None:
    _, round_, entries, _ = stage_one
    assert sorted(results.shortlist(round_)) == sorted([entries[0].id, entries[2].id])


def test_stage_two_needs_every_stage_one_sheet(db, seeded) -> None:
    organizer, round_, entries, jurors = make_judging_round(n_entries=1, n_jurors=2)
    round_.two_stage = True
    _score(entries[0], jurors[0], "1", stage=1)
    with pytest.raises(DomainError, match="Còn phiếu vòng 1 chưa nộp"):
        results.start_stage_two(actor=organizer, round_=round_)


def test_stage_two_rescoring_keeps_both_stages(stage_one, db) -> None:
    organizer, round_, entries, jurors = stage_one
    chosen = results.start_stage_two(actor=organizer, round_=round_)
    assert sorted(chosen) == sorted([entries[0].id, entries[2].id])
    assert round_.current_stage == 2
    with pytest.raises(DomainError):
        services.save_sheet(actor=jurors[0], entry=entries[1], points={}, stage=2)
    services.record_site_visit(actor=organizer, entry=entries[0], visited_on=None, notes="Xưởng sạch, 12 lao động")
    for juror in jurors:
        _score(entries[0], juror, "0.5", stage=2)
        _score(entries[2], juror, "0.9", stage=2)
    db.session.commit()
    assert db.session.scalar(select(func.count(ScoreSheet.id))) == 6 + 4
    rows = {r["code"]: r for r in results.records(round_)}
    assert (rows[entries[0].code]["average"], rows[entries[0].code]["passed"]) == ("50.00", False)
    assert rows[entries[1].code]["average"] is None
    assert rows[entries[2].code]["rank"] == 1
    assert db.session.scalar(select(SiteVisit.notes)) == "Xưởng sạch, 12 lao động"
    contest_services.close_judging(actor=organizer, round_=round_)


def test_stage_two_and_site_visit_pages(stage_one, client, db) -> None:
    organizer, round_, entries, _ = stage_one
    login_as(client, organizer)
    page = f"/manage/rounds/{round_.id}/jurors"
    assert "2 sản phẩm có điểm bình quân trên 70" in text_of(client.get(page))
    moved = post_form(client, f"/manage/rounds/{round_.id}/stage-two", token_from=page, follow_redirects=True)
    assert "Đã chuyển sang vòng 2 với 2 sản phẩm vào vòng trong." in text_of(moved)
    empty = post_form(client, f"/manage/entries/{entries[0].id}/site-visit", {"notes": ""}, token_from=page)
    assert empty.status_code == 422
    saved = post_form(
        client,
        f"/manage/entries/{entries[0].id}/site-visit",
        {"notes": "Đã khảo sát", "visited_on": "20/11/2026"},
        token_from=page,
    )
    assert saved.status_code == 302
    db.session.rollback()
    visit = db.session.scalar(select(SiteVisit))
    assert (visit.notes, visit.visited_on.isoformat()) == ("Đã khảo sát", "2026-11-20")
