"""Public comment, the final list and artisan certificates: the services and their guards."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from kcvote.accounts.enums import Role
from kcvote.artisans import outcome
from kcvote.artisans.enums import CommentStatus, CouncilLevel, NominationStatus
from kcvote.artisans.models import CommentPeriod, CouncilRule, PublicComment
from kcvote.certificates import artisan as artisan_certificates
from kcvote.certificates import rules as certificate_rules
from kcvote.certificates import services as certificate_services
from kcvote.certificates.enums import CertificateKind, CertificateState
from kcvote.certificates.models import Certificate
from kcvote.core.audit import AuditEntry
from kcvote.core.clock import add_days, today_vn
from kcvote.core.errors import DomainError, NotAllowed
from tests.artisans.factories import make_nomination, make_nominee
from tests.artisans.public_factories import (
    complete_design,
    issued,
    open_period,
    pass_at,
    posted_list,
    recognise,
)
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("seeded")


def _audit(db, action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def _comments(db) -> int:
    return db.session.scalar(select(func.count()).select_from(PublicComment))


# -- periods --------------------------------------------------------------------------------------


def test_publish_period_runs_twenty_days_counting_the_first(app, db) -> None:
    posted = posted_list()
    db.session.delete(posted.period)
    db.session.commit()

    period = outcome.publish_comment_period(
        actor=posted.organizer, award_round=posted.award_round, level=CouncilLevel.MINISTRY, today=date(2026, 11, 22)
    )
    db.session.commit()

    assert (period.starts_on, period.ends_on) == (date(2026, 11, 22), date(2026, 12, 11))
    assert [e.data["ends_on"] for e in _audit(db, "artisans.comment_period_published")] == ["2026-12-11"]


def test_publish_period_follows_the_council_rule_in_force(app, db) -> None:
    posted = posted_list()
    db.session.delete(posted.period)
    db.session.add(CouncilRule(effective_from=date(2026, 1, 1), comment_days=30))
    db.session.commit()

    period = outcome.publish_comment_period(
        actor=posted.organizer, award_round=posted.award_round, level=CouncilLevel.MINISTRY, today=date(2026, 11, 22)
    )

    assert period.ends_on == date(2026, 12, 21)


def test_publish_period_refused_twice_for_the_provincial_level_and_without_a_passed_list(app, db) -> None:
    posted = posted_list()

    with pytest.raises(DomainError, match="đã được đăng lấy ý kiến"):
        outcome.publish_comment_period(
            actor=posted.organizer, award_round=posted.award_round, level=CouncilLevel.MINISTRY
        )
    with pytest.raises(DomainError, match="Chỉ lấy ý kiến"):
        outcome.publish_comment_period(
            actor=posted.organizer, award_round=posted.award_round, level=CouncilLevel.PROVINCIAL
        )
    with pytest.raises(DomainError, match="Chưa có hồ sơ nào"):
        outcome.publish_comment_period(actor=posted.organizer, award_round=posted.award_round, level=CouncilLevel.STATE)
    assert db.session.scalar(select(func.count()).select_from(CommentPeriod)) == 1


def test_publish_period_refused_to_a_council_member(app, db) -> None:
    posted = posted_list()
    with pytest.raises(NotAllowed):
        outcome.publish_comment_period(actor=posted.secretary, award_round=posted.award_round, level=CouncilLevel.STATE)


def test_passed_at_counts_only_passed_items_of_closed_ballots_of_that_level(app, db) -> None:
    posted = posted_list()
    failed = make_nomination(posted.award_round, nominee=make_nominee(name="Lê Văn Trượt"))
    pass_at(posted.award_round, CouncilLevel.MINISTRY, [], failed=[failed], council=posted.council)

    assert [n.nominee.name for n in outcome.passed_at(posted.award_round.id, CouncilLevel.MINISTRY)] == [
        "Trần Thị Lụa",  # NNND first
        "Nguyễn Văn Gốm",
    ]
    assert outcome.passed_at(posted.award_round.id, CouncilLevel.STATE) == []


# -- comments -------------------------------------------------------------------------------------


def test_comment_is_stored_and_audited_without_the_contact(app, db) -> None:
    posted = posted_list()
    comment = outcome.submit_comment(
        period=posted.period,
        name="Phạm Văn Dân",
        contact="dan@example.vn",
        text="Nghệ nhân Gốm dạy nghề miễn phí cho thanh niên trong làng.",
        nomination_id=posted.nominations[0].id,
    )
    db.session.commit()

    assert comment is not None
    assert (comment.status, comment.nomination_id) == (CommentStatus.NEW, posted.nominations[0].id)
    (entry,) = _audit(db, "artisans.comment_received")
    assert "dan@example.vn" not in str(entry.data)


def test_comment_refused_after_the_last_day(app, db) -> None:
    posted = posted_list()
    with pytest.raises(DomainError, match="đã kết thúc ngày"):
        outcome.submit_comment(
            period=posted.period,
            name="Phạm Văn Dân",
            contact="dan@example.vn",
            text="Muộn",
            today=add_days(posted.period.ends_on, 1),
        )
    assert _comments(db) == 0


def test_comment_taken_on_the_last_day(app, db) -> None:
    posted = posted_list()
    comment = outcome.submit_comment(
        period=posted.period, name="A", contact="a@example.vn", text="Kịp", today=posted.period.ends_on
    )
    assert comment is not None


def test_honeypot_comment_stores_nothing(app, db) -> None:
    posted = posted_list()
    result = outcome.submit_comment(
        period=posted.period, name="bot", contact="bot@spam", text="buy", honeypot="http://spam.example"
    )
    db.session.commit()
    assert (result, _comments(db), _audit(db, "artisans.comment_received")) == (None, 0, [])


def test_comment_about_someone_not_on_the_list_refused(app, db) -> None:
    posted = posted_list()
    other = make_nomination(posted.award_round, nominee=make_nominee(name="Không Có Tên"))
    with pytest.raises(DomainError, match="không có trong danh sách"):
        outcome.submit_comment(period=posted.period, name="A", contact="a@example.vn", text="?", nomination_id=other.id)


def test_secretary_handles_a_comment_and_it_is_audited(app, db) -> None:
    posted = posted_list()
    comment = outcome.submit_comment(period=posted.period, name="A", contact="a@example.vn", text="Ý kiến")
    db.session.commit()
    assert comment is not None

    outcome.handle_comment(actor=posted.secretary, comment=comment, handling="Đã xác minh: đúng sự thật.")
    db.session.commit()

    assert (comment.status, comment.handling, comment.handled_by_id) == (
        CommentStatus.HANDLED,
        "Đã xác minh: đúng sự thật.",
        posted.secretary.id,
    )
    assert comment.handled_at is not None
    (entry,) = _audit(db, "artisans.comment_handled")
    assert (entry.actor_id, entry.data["handling"]) == (posted.secretary.id, "Đã xác minh: đúng sự thật.")


def test_handling_refused_to_another_councils_member_and_when_empty(app, db) -> None:
    posted = posted_list()
    comment = outcome.submit_comment(period=posted.period, name="A", contact="a@example.vn", text="Ý kiến")
    db.session.commit()
    assert comment is not None
    ordinary = next(m.user for m in posted.council.members if m.role.value == "member")

    with pytest.raises(NotAllowed):
        outcome.handle_comment(actor=ordinary, comment=comment, handling="x")
    with pytest.raises(NotAllowed):
        outcome.handle_comment(actor=make_user(Role.JUROR), comment=comment, handling="x")
    with pytest.raises(DomainError, match="Cần ghi nội dung xử lý"):
        outcome.handle_comment(actor=posted.organizer, comment=comment, handling="   ")
    assert comment.status == CommentStatus.NEW


# -- the final list -------------------------------------------------------------------------------


def _final(posted, **kw):
    values = {"decision_number": "1234/QĐ-CTN", "decision_date": add_days(today_vn(), -1), **kw}
    return outcome.record_final_list(actor=posted.organizer, award_round=posted.award_round, **values)


def test_final_list_refused_before_the_state_list_is_posted(app, db) -> None:
    posted = posted_list()
    with pytest.raises(DomainError, match="Chưa đăng danh sách của Hội đồng cấp Nhà nước"):
        _final(posted)


def test_final_list_refused_while_comments_are_taken(app, db) -> None:
    posted = posted_list()
    pass_at(posted.award_round, CouncilLevel.STATE, posted.nominations)
    open_period(posted.award_round, CouncilLevel.STATE, days_ago=19)  # today is its last day
    with pytest.raises(DomainError, match="Đang lấy ý kiến"):
        _final(posted)
    assert posted.award_round.final_decision_number == ""


def test_final_list_refused_with_unhandled_comments_or_bad_dates(app, db) -> None:
    posted = posted_list()
    outcome.submit_comment(period=posted.period, name="A", contact="a@example.vn", text="Chưa xử lý")
    pass_at(posted.award_round, CouncilLevel.STATE, posted.nominations)
    state = open_period(posted.award_round, CouncilLevel.STATE, days_ago=25)

    with pytest.raises(DomainError, match="Còn 1 ý kiến"):
        _final(posted)
    db.session.execute(PublicComment.__table__.update().values(status=CommentStatus.HANDLED, handling="ok"))
    with pytest.raises(DomainError, match="không được sau hôm nay"):
        _final(posted, decision_date=add_days(today_vn(), 1))
    with pytest.raises(DomainError, match="phải sau ngày kết thúc"):
        _final(posted, decision_date=state.ends_on)
    assert {n.status for n in posted.nominations} == {NominationStatus.ACCEPTED}


def test_final_list_recognises_the_state_list_once(app, db) -> None:
    posted = posted_list()
    failed = make_nomination(posted.award_round, nominee=make_nominee(name="Lê Văn Trượt"))
    pass_at(posted.award_round, CouncilLevel.STATE, posted.nominations, failed=[failed])
    open_period(posted.award_round, CouncilLevel.STATE, days_ago=25)

    recognised = _final(posted)
    db.session.commit()

    assert sorted(n.id for n in recognised) == sorted(n.id for n in posted.nominations)
    assert {n.status for n in posted.nominations} == {NominationStatus.RECOGNISED}
    assert failed.status == NominationStatus.FAILED
    assert (posted.award_round.final_decision_number, posted.award_round.final_decision_date) == (
        "1234/QĐ-CTN",
        add_days(today_vn(), -1),
    )
    assert len(_audit(db, "artisans.nomination_recognised")) == 2
    with pytest.raises(DomainError, match="đã được ghi nhận"):
        _final(posted, decision_number="9999/QĐ-CTN")


def test_final_list_refused_to_a_secretary(app, db) -> None:
    posted = posted_list()
    with pytest.raises(NotAllowed):
        outcome.record_final_list(
            actor=posted.secretary,
            award_round=posted.award_round,
            decision_number="1",
            decision_date=today_vn(),
        )


# -- certificates ---------------------------------------------------------------------------------


def test_certificates_issued_once_per_recognised_nomination(app, db) -> None:
    posted = posted_list()
    certificates = issued(posted)

    again = outcome.issue_certificates(actor=posted.organizer, award_round=posted.award_round)
    db.session.commit()

    assert again == []
    assert sorted(c.nomination_id for c in certificates) == sorted(n.id for n in posted.nominations)
    stored = db.session.scalars(select(Certificate).order_by(Certificate.sequence)).all()
    assert [(c.number, c.kind) for c in stored] == [
        ("1/GCN-NN", CertificateKind.ARTISAN),
        ("2/GCN-NN", CertificateKind.ARTISAN),
    ]
    assert all(c.pdf_key for c in stored)


def test_certificate_prints_the_title_craft_and_decision_and_never_expires(app, db) -> None:
    posted = posted_list()
    issued(posted)
    mine = db.session.scalar(select(Certificate).where(Certificate.nomination_id == posted.nominations[0].id))

    assert (mine.subject, mine.holder, mine.group, mine.province, mine.decision_number, mine.holder_address) == (
        "Nghệ nhân ưu tú",
        "Nguyễn Văn Gốm",
        "Gốm Phù Lãng",
        "Bắc Ninh",
        "1234/QĐ-CTN",
        "",
    )
    assert mine.holder_user_id == posted.artisan.id
    assert mine.valid_until == artisan_certificates.NO_EXPIRY
    assert mine.state(date(2100, 1, 1)) == CertificateState.VALID
    assert certificate_services.by_code(mine.verification_code) == mine


def test_holder_and_organizers_download_others_do_not(app, db) -> None:
    posted = posted_list()
    issued(posted)
    mine = db.session.scalar(select(Certificate).where(Certificate.nomination_id == posted.nominations[0].id))
    theirs = db.session.scalar(select(Certificate).where(Certificate.nomination_id == posted.nominations[1].id))

    assert certificate_rules.can_download(posted.artisan, mine)
    assert not certificate_rules.can_download(posted.artisan, theirs)
    assert certificate_rules.can_download(posted.organizer, theirs)
    assert not certificate_rules.can_download(posted.secretary, theirs)


def test_certificates_refused_before_the_final_list_and_without_a_signer(app, db) -> None:
    posted = posted_list()
    with pytest.raises(DomainError, match="sau khi đã ghi nhận quyết định"):
        outcome.issue_certificates(actor=posted.organizer, award_round=posted.award_round)
    recognise(posted)
    with pytest.raises(DomainError, match="Họ tên người ký"):
        outcome.issue_certificates(actor=posted.organizer, award_round=posted.award_round)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
    complete_design(posted.award_round, posted.organizer)
    assert len(outcome.issue_certificates(actor=posted.organizer, award_round=posted.award_round)) == 2
