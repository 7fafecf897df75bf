"""Dossier services: windows, editing, submission, deadlines, intake guards, rules in force at filing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from kcvote.accounts.enums import Role
from kcvote.artisans import services
from kcvote.artisans.enums import Check, CouncilLevel, Gender, NominationStatus, PrizeLevel, PrizeRank, Title
from kcvote.artisans.models import AwardRound, Nomination, TitleRule
from kcvote.core.audit import AuditEntry
from kcvote.core.clock import add_days, today_vn
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.extensions import db
from tests.artisans.factories import make_award_round, make_council, make_nomination, province
from tests.factories import jpeg_bytes, make_user

pytestmark = pytest.mark.usefixtures("seeded")


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def start(actor: Any, award_round: AwardRound, *, title: Title = Title.NNUT, name: str = "Trần Thị Lụa") -> Nomination:
    nomination = services.start_nomination(
        actor=actor,
        award_round=award_round,
        province=province(),
        title=title,
        fields={"name": name, "craft": "Dệt lụa"},
    )
    db.session.commit()
    return nomination


def fill(actor: Any, nomination: Nomination) -> Nomination:
    """Everything a complete NNƯT dossier needs."""
    services.save_dossier(
        actor=actor,
        nomination=nomination,
        title=nomination.title,
        nominee_fields={
            "name": nomination.nominee.name,
            "birth_date": date(1968, 5, 1),
            "gender": Gender.FEMALE,
            "id_number": "027168009999",
            "address": "Vạn Phúc, Hà Đông",
            "craft": "Dệt lụa",
        },
        declaration={"people_taught": 120, "teaching_description": "Dạy nghề cho thợ trẻ trong làng"},
    )
    services.add_period(actor=actor, nomination=nomination, from_year=1990, to_year=None, place="Vạn Phúc")
    work = services.add_work(actor=actor, nomination=nomination, name="Lụa vân hoa", made_on=date(2019, 1, 5))
    services.add_prize(
        actor=actor,
        nomination=nomination,
        contest="Sản phẩm thủ công mỹ nghệ Việt Nam",
        level=PrizeLevel.NATIONAL,
        rank=PrizeRank.SECOND,
        year=2019,
        work_id=work.id,
    )
    db.session.commit()
    return nomination


@pytest.fixture
def award_round() -> AwardRound:
    return make_award_round()


@pytest.fixture
def artisan() -> Any:
    return make_user(Role.FACILITY)


@pytest.fixture
def organizer() -> Any:
    return make_user(Role.ORGANIZER)


def test_start_nomination_in_open_window_makes_a_draft_of_the_artisan(award_round: AwardRound, artisan: Any) -> None:
    nomination = start(artisan, award_round)

    assert (nomination.status, nomination.on_behalf, nomination.nominee.user_id) == (
        NominationStatus.DRAFT,
        False,
        artisan.id,
    )
    assert "nomination.started" in actions()


def test_start_nomination_refused_when_window_closed(artisan: Any) -> None:
    award_round = make_award_round()
    window = award_round.windows[0]
    window.opens_on, window.closes_on = add_days(today_vn(), -30), add_days(today_vn(), -1)
    db.session.commit()

    with pytest.raises(DomainError, match="chỉ nhận hồ sơ từ"):
        start(artisan, award_round)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Nomination.id))) == 0


def test_start_nomination_refused_for_province_without_window(artisan: Any, award_round: AwardRound) -> None:
    with pytest.raises(DomainError, match="chưa có thời hạn"):
        services.start_nomination(
            actor=artisan, award_round=award_round, province=province("Hà Nội"), title=Title.NNUT, fields={"name": "A"}
        )


def test_start_nomination_refused_for_juror(award_round: AwardRound) -> None:
    with pytest.raises(NotAllowed):
        start(make_user(Role.JUROR), award_round)


def test_second_own_nomination_in_round_refused(award_round: AwardRound, artisan: Any) -> None:
    start(artisan, award_round)
    with pytest.raises(DomainError, match="đã có hồ sơ"):
        start(artisan, award_round)


def test_submit_sets_filed_on_answer_due_and_status(award_round: AwardRound, artisan: Any) -> None:
    nomination = fill(artisan, start(artisan, award_round))

    services.submit_nomination(actor=artisan, nomination=nomination, declaration_accepted=True)

    today = today_vn()
    assert (nomination.status, nomination.filed_on, nomination.answer_due) == (
        NominationStatus.SUBMITTED,
        today,
        today + timedelta(days=10),
    )
    assert nomination.submitted_at is not None
    assert actions()[-1] == "nomination.submitted"


def test_submit_without_declaration_refused(award_round: AwardRound, artisan: Any) -> None:
    nomination = fill(artisan, start(artisan, award_round))
    with pytest.raises(DomainError, match="lời cam đoan"):
        services.submit_nomination(actor=artisan, nomination=nomination, declaration_accepted=False)


def test_submit_incomplete_lists_what_is_missing(award_round: AwardRound, artisan: Any) -> None:
    nomination = start(artisan, award_round)
    with pytest.raises(services.IncompleteDossier) as caught:
        services.submit_nomination(actor=artisan, nomination=nomination, declaration_accepted=True)
    message = str(caught.value)
    assert "ít nhất một giai đoạn hành nghề" in message
    assert "số định danh" in message
    assert nomination.status == NominationStatus.DRAFT


def test_nnnd_needs_the_nnut_title_declared(award_round: AwardRound, artisan: Any) -> None:
    nomination = fill(artisan, start(artisan, award_round, title=Title.NNND))
    assert any("Nghệ nhân ưu tú" in str(m) for m in services.missing_pieces(nomination))


def test_submit_after_window_closed_refused(award_round: AwardRound, artisan: Any) -> None:
    nomination = fill(artisan, start(artisan, award_round))
    award_round.windows[0].closes_on = add_days(today_vn(), -1)
    db.session.commit()
    with pytest.raises(DomainError, match="chỉ nhận hồ sơ"):
        services.submit_nomination(actor=artisan, nomination=nomination, declaration_accepted=True)


def test_edit_after_submit_refused(award_round: AwardRound, artisan: Any) -> None:
    nomination = fill(artisan, start(artisan, award_round))
    services.submit_nomination(actor=artisan, nomination=nomination, declaration_accepted=True)
    db.session.commit()

    with pytest.raises(DomainError, match="chỉ sửa được"):
        services.add_period(actor=artisan, nomination=nomination, from_year=2000, to_year=2001, place="X")
    with pytest.raises(DomainError, match="chỉ sửa được"):
        services.add_evidence(actor=artisan, nomination=nomination, data=jpeg_bytes(), purpose="work")
    assert not services.can_edit(artisan, nomination)


def test_someone_else_cannot_edit(award_round: AwardRound, artisan: Any) -> None:
    nomination = start(artisan, award_round)
    with pytest.raises(NotAllowed):
        services.add_work(actor=make_user(Role.FACILITY), nomination=nomination, name="X")
    # The Sở reads an artisan's own dossier but does not edit it.
    with pytest.raises(NotAllowed):
        services.add_work(actor=make_user(Role.ORGANIZER), nomination=nomination, name="X")


def test_on_behalf_needs_authorisation_before_submit(award_round: AwardRound, organizer: Any) -> None:
    nomination = fill(organizer, start(organizer, award_round))
    assert nomination.on_behalf and nomination.nominee.user_id is None

    with pytest.raises(services.IncompleteDossier, match="giấy ủy quyền"):
        services.submit_nomination(actor=organizer, nomination=nomination, declaration_accepted=True)
    db.session.rollback()

    services.add_evidence(
        actor=organizer, nomination=nomination, data=b"%PDF-1.4\n1 0 obj\n%%EOF\n", purpose="authorisation"
    )
    services.submit_nomination(actor=organizer, nomination=nomination, declaration_accepted=True)
    assert nomination.status == NominationStatus.SUBMITTED


def submitted(award_round: AwardRound, artisan: Any) -> Nomination:
    nomination = fill(artisan, start(artisan, award_round))
    services.submit_nomination(actor=artisan, nomination=nomination, declaration_accepted=True)
    db.session.commit()
    return nomination


def test_completion_request_then_resubmit_sets_new_answer_due(
    award_round: AwardRound, artisan: Any, organizer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    nomination = submitted(award_round, artisan)
    filed_on = nomination.filed_on

    services.request_completion(actor=organizer, nomination=nomination, message="Bổ sung bản sao giấy khen")
    assert nomination.status == NominationStatus.COMPLETION_REQUESTED
    assert nomination.completion_due == today_vn() + timedelta(days=15)
    assert services.can_edit(artisan, nomination)

    later = today_vn() + timedelta(days=4)
    monkeypatch.setattr(services, "today_vn", lambda: later)
    services.submit_nomination(actor=artisan, nomination=nomination, declaration_accepted=True)

    assert (nomination.status, nomination.answer_due, nomination.filed_on) == (
        NominationStatus.SUBMITTED,
        later + timedelta(days=10),
        filed_on,
    )
    assert actions()[-1] == "nomination.resubmitted"


def test_resubmit_after_completion_deadline_refused(
    award_round: AwardRound, artisan: Any, organizer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    nomination = submitted(award_round, artisan)
    services.request_completion(actor=organizer, nomination=nomination, message="Bổ sung")
    due = nomination.completion_due
    assert due is not None

    monkeypatch.setattr(services, "today_vn", lambda: due)
    services.save_dossier(actor=artisan, nomination=nomination, title=Title.NNUT, nominee_fields={}, declaration={})
    monkeypatch.setattr(services, "today_vn", lambda: due + timedelta(days=1))
    with pytest.raises(DomainError, match="quá hạn bổ sung"):
        services.submit_nomination(actor=artisan, nomination=nomination, declaration_accepted=True)


def test_deadlines_follow_the_council_rule_in_force(award_round: AwardRound, artisan: Any) -> None:
    admin = make_user(Role.ADMIN)
    rule = services.settings.council_rule(today_vn())
    assert rule is not None
    services.add_council_rule(
        actor=admin,
        fields={
            "effective_from": today_vn(),
            "answer_days": 7,
            "completion_days": 12,
            "quorum_percent": Decimal(75),
            "pass_percent": Decimal(90),
            "comment_days": 20,
            "to_confirm": False,
            "note": "",
        },
    )
    nomination = submitted(award_round, artisan)
    assert nomination.answer_due == today_vn() + timedelta(days=7)


def test_accept_moves_to_provincial_council(award_round: AwardRound, artisan: Any, organizer: Any) -> None:
    nomination = submitted(award_round, artisan)

    services.accept_nomination(actor=organizer, nomination=nomination)

    assert (nomination.status, nomination.stage) == (NominationStatus.ACCEPTED, CouncilLevel.PROVINCIAL)
    assert nomination.decided_at is not None
    assert actions()[-1] == "nomination.accepted"


def test_accept_refused_while_in_completion_and_on_draft(award_round: AwardRound, artisan: Any, organizer: Any) -> None:
    draft = start(artisan, award_round)
    with pytest.raises(DomainError, match="bản nháp"):
        services.accept_nomination(actor=organizer, nomination=draft)
    with pytest.raises(DomainError, match="bản nháp"):
        services.return_nomination(actor=organizer, nomination=draft, reason="x")
    with pytest.raises(DomainError, match="bản nháp"):
        services.request_completion(actor=organizer, nomination=draft, message="x")

    other = fill(organizer, start(organizer, award_round, name="Lê Văn Mộc"))
    other.status, other.completion_due = NominationStatus.COMPLETION_REQUESTED, today_vn()
    with pytest.raises(DomainError, match="chờ nghệ nhân bổ sung"):
        services.accept_nomination(actor=organizer, nomination=other)


def test_return_needs_a_reason_and_only_once(award_round: AwardRound, artisan: Any, organizer: Any) -> None:
    nomination = submitted(award_round, artisan)
    with pytest.raises(DomainError, match="lý do"):
        services.return_nomination(actor=organizer, nomination=nomination, reason="  ")

    services.return_nomination(actor=organizer, nomination=nomination, reason="Không thuộc lĩnh vực thủ công mỹ nghệ")
    assert nomination.status == NominationStatus.RETURNED
    with pytest.raises(DomainError, match="đã được Sở trả lời"):
        services.accept_nomination(actor=organizer, nomination=nomination)


def test_intake_actions_refused_for_artisan(award_round: AwardRound, artisan: Any) -> None:
    nomination = submitted(award_round, artisan)
    with pytest.raises(NotAllowed):
        services.accept_nomination(actor=artisan, nomination=nomination)


def test_checklist_uses_rule_in_force_on_filing_day(award_round: AwardRound) -> None:
    """A stricter rule from tomorrow on does not judge a dossier filed before it."""
    nomination = make_nomination(award_round, title=Title.NNUT, status=NominationStatus.SUBMITTED)
    old = services.checklist(nomination)
    assert old.rule is not None and old.rule.effective_from == date(2024, 6, 6)
    stricter = TitleRule(
        title=Title.NNUT,
        effective_from=add_days(today_vn(), -1),
        min_years_in_craft=80,
        min_works=2,
        national_max_rank=3,
        regional_max_rank=3,
        international_max_rank=3,
        min_people_taught=50,
        special_craft_min_taught=20,
    )
    db.session.add(stricter)
    db.session.commit()

    filed_before = services.checklist(nomination)  # filed 3 days ago
    assert filed_before.rule is not None and filed_before.rule.id == old.rule.id
    assert filed_before.outcome == old.outcome

    nomination.filed_on = today_vn()
    filed_after = services.checklist(nomination)
    assert filed_after.rule is not None and filed_after.rule.id == stricter.id
    years = next(r for r in filed_after.results if r.code == "years")
    assert years.status == Check.NOT_MET


def test_window_save_changes_existing_and_refuses_inverted_dates(award_round: AwardRound, organizer: Any) -> None:
    today = today_vn()
    services.save_window(
        actor=organizer,
        award_round=award_round,
        province=province(),
        opens_on=today,
        closes_on=add_days(today, 3),
    )
    assert len(award_round.windows) == 1 and award_round.windows[0].closes_on == add_days(today, 3)
    with pytest.raises(DomainError, match="không được trước"):
        services.save_window(
            actor=organizer,
            award_round=award_round,
            province=province("Huế"),
            opens_on=today,
            closes_on=add_days(today, -1),
        )


def test_window_with_dossiers_cannot_be_removed(award_round: AwardRound, artisan: Any, organizer: Any) -> None:
    start(artisan, award_round)
    with pytest.raises(DomainError, match="không thể xoá"):
        services.remove_window(actor=organizer, window=award_round.windows[0])


def test_council_member_of_round_sees_evidence_others_do_not(award_round: AwardRound, artisan: Any) -> None:
    nomination = start(artisan, award_round)
    _, members = make_council(award_round, members=5)
    outsider_round = make_award_round(number=7)
    _, strangers = make_council(outsider_round, members=5)

    assert services.can_view_evidence(members[0].user, nomination)
    assert not services.can_view_evidence(strangers[0].user, nomination)
    assert not services.can_view_nomination(members[0].user, nomination)
    assert not services.can_view_evidence(make_user(Role.FACILITY), nomination)


def test_rule_version_on_same_date_refused() -> None:
    admin = make_user(Role.ADMIN)
    make_award_round()
    rule = services.settings.title_rule(Title.NNND, today_vn())
    assert rule is not None
    fields = {k: getattr(rule, k) for k in services.TITLE_RULE_FIELDS}
    with pytest.raises(DomainError, match="Đã có một phiên bản"):
        services.add_title_rule(actor=admin, title=Title.NNND, fields=fields)
    with pytest.raises(NotAllowed):
        services.add_title_rule(actor=make_user(Role.ORGANIZER), title=Title.NNND, fields=fields)
