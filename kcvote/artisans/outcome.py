"""After the councils: public comment on the lists they passed, the final list with its decision
number, the artisans' certificates, and what the public may see of recognised artisans.

Public views of a nomination show only what the law publishes: name, craft, province, title, works
and prizes. Never the ID number, birth date, address, phone or workplace (``PublicNominee``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, or_, select

from kcvote.accounts.enums import Role
from kcvote.accounts.models import User
from kcvote.artisans.enums import (
    BallotStatus,
    CommentStatus,
    CouncilLevel,
    EvidenceKind,
    MemberRole,
    NominationStatus,
    PrizeLevel,
    PrizeRank,
    Title,
)
from kcvote.artisans.models import (
    AwardRound,
    Ballot,
    BallotItem,
    CommentPeriod,
    Council,
    CouncilMember,
    Evidence,
    Meeting,
    Nomination,
    Nominee,
    PublicComment,
)
from kcvote.artisans.settings import council_rule
from kcvote.certificates import artisan as artisan_certificates
from kcvote.certificates.models import Certificate
from kcvote.core import audit
from kcvote.core.clock import add_days, today_vn
from kcvote.core.db import utcnow
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.extensions import db
from kcvote.reference.models import Province

# The lists posted for comment: after the ministry council and after the State council (DOMAIN.md §B).
COMMENT_LEVELS = (CouncilLevel.MINISTRY, CouncilLevel.STATE)
DEFAULT_COMMENT_DAYS = 20

# Printed on certificates (an official document: always Vietnamese, never translated).
TITLE_PRINTED = {Title.NNND: "Nghệ nhân nhân dân", Title.NNUT: "Nghệ nhân ưu tú"}
LEVEL_LABELS = {
    CouncilLevel.PROVINCIAL: _l("Hội đồng cấp tỉnh"),
    CouncilLevel.MINISTRY: _l("Hội đồng chuyên ngành cấp Bộ"),
    CouncilLevel.STATE: _l("Hội đồng cấp Nhà nước"),
}
PRIZE_LEVEL_LABELS = {
    PrizeLevel.NATIONAL: _l("quốc gia"),
    PrizeLevel.REGIONAL: _l("khu vực"),
    PrizeLevel.INTERNATIONAL: _l("quốc tế"),
    PrizeLevel.PROVINCIAL: _l("cấp tỉnh"),
}
PRIZE_RANK_LABELS = {
    PrizeRank.FIRST: _l("Giải nhất"),
    PrizeRank.SECOND: _l("Giải nhì"),
    PrizeRank.THIRD: _l("Giải ba"),
    PrizeRank.CONSOLATION: _l("Giải khuyến khích"),
}
NOT_RECOGNISABLE = (NominationStatus.FAILED, NominationStatus.RETURNED)


# -- who may do what ------------------------------------------------------------------------------


def is_artisan_organizer(user: Any) -> bool:
    """Admins and organizers run comment periods, the final list and certificates."""
    return bool(getattr(user, "is_authenticated", False)) and (user.has_role(Role.ADMIN) or user.holds(Role.ORGANIZER))


def is_secretary(user: Any, award_round_id: int, level: CouncilLevel) -> bool:
    """True if ``user`` is the listed secretary of a council of this level in this award round."""
    if not getattr(user, "is_authenticated", False):
        return False
    found = db.session.scalar(
        select(CouncilMember.id)
        .join(Council, Council.id == CouncilMember.council_id)
        .where(
            CouncilMember.user_id == user.id,
            CouncilMember.role == MemberRole.SECRETARY,
            Council.award_round_id == award_round_id,
            Council.level == level,
        )
        .limit(1)
    )
    return found is not None


def is_comment_handler(user: Any) -> bool:
    """Organizers, and the secretary of a council whose list goes to public comment (ministry, State):
    they see the periods of their own councils. A provincial council's list is not posted."""
    if is_artisan_organizer(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    found = db.session.scalar(
        select(CouncilMember.id)
        .join(Council, Council.id == CouncilMember.council_id)
        .where(
            CouncilMember.user_id == user.id,
            CouncilMember.role == MemberRole.SECRETARY,
            Council.level.in_(COMMENT_LEVELS),
        )
        .limit(1)
    )
    return found is not None


def can_handle_comments(user: Any, period: CommentPeriod) -> bool:
    """The organizers and the secretary of the council whose list was posted read and handle comments."""
    return is_artisan_organizer(user) or is_secretary(user, period.award_round_id, period.level)


def _require_organizer(actor: User) -> None:
    if not is_artisan_organizer(actor):
        raise NotAllowed(_l("Chỉ Sở Công Thương, Bộ Công Thương (người tổ chức) được làm việc này."))


# -- the lists passed by a council ----------------------------------------------------------------


def passed_ids_query(award_round_id: int, level: CouncilLevel) -> Select[int]:
    """Ids of the nominations that passed a closed ballot of a council of ``level`` in the award round."""
    return (
        select(BallotItem.nomination_id)
        .join(Ballot, Ballot.id == BallotItem.ballot_id)
        .join(Meeting, Meeting.id == Ballot.meeting_id)
        .join(Council, Council.id == Meeting.council_id)
        .where(
            Council.award_round_id == award_round_id,
            Council.level == level,
            Ballot.status == BallotStatus.CLOSED,
            BallotItem.passed.is_(True),
        )
        .distinct()
    )


def passed_at(award_round_id: int, level: CouncilLevel) -> list[Nomination]:
    """The nominations a council of ``level`` passed, in list order: title (NNND first), province, name."""
    return list(
        db.session.scalars(
            select(Nomination)
            .join(Nominee, Nominee.id == Nomination.nominee_id)
            .join(Province, Province.id == Nomination.province_id)
            .where(Nomination.id.in_(passed_ids_query(award_round_id, level)))
            .order_by(Nomination.title, Province.name, Nominee.name, Nomination.id)
        )
    )


@dataclass
class PublicNominee:
    """What the public may read about a nomination (no ID number, birth date, address or phone)."""

    nomination_id: int
    name: str
    craft: str
    province: str
    title: Title
    works: list[str] = field(default_factory=list)
    prizes: list[str] = field(default_factory=list)


def prize_text(prize: Any) -> str:
    """ "Giải nhì quốc gia 2018 — Cuộc thi ...": a prize in one short line."""
    return f"{PRIZE_RANK_LABELS[prize.rank]} {PRIZE_LEVEL_LABELS[prize.level]} {prize.year} — {prize.contest}"


def public_view(nomination: Nomination) -> PublicNominee:
    nominee = nomination.nominee
    return PublicNominee(
        nomination_id=nomination.id,
        name=nominee.name,
        craft=nominee.craft,
        province=nomination.province.name,
        title=nomination.title,
        works=[w.name for w in nomination.works],
        prizes=[prize_text(p) for p in nomination.prizes],
    )


# -- comment periods ------------------------------------------------------------------------------


def period_of(award_round_id: int, level: CouncilLevel) -> CommentPeriod | None:
    return db.session.scalar(
        select(CommentPeriod).where(CommentPeriod.award_round_id == award_round_id, CommentPeriod.level == level)
    )


def is_open(period: CommentPeriod, today: date | None = None) -> bool:
    """Comments are taken from ``starts_on`` to ``ends_on``, both days included (Vietnam time)."""
    today = today or today_vn()
    return period.starts_on <= today <= period.ends_on


def open_periods(today: date | None = None) -> list[CommentPeriod]:
    today = today or today_vn()
    return list(
        db.session.scalars(
            select(CommentPeriod)
            .where(CommentPeriod.starts_on <= today, CommentPeriod.ends_on >= today)
            .order_by(CommentPeriod.ends_on, CommentPeriod.id)
        )
    )


def recent_closed_periods(today: date | None = None, limit: int = 10) -> list[CommentPeriod]:
    today = today or today_vn()
    return list(
        db.session.scalars(
            select(CommentPeriod)
            .where(CommentPeriod.ends_on < today)
            .order_by(CommentPeriod.ends_on.desc(), CommentPeriod.id.desc())
            .limit(limit)
        )
    )


def publish_comment_period(
    *, actor: User, award_round: AwardRound, level: CouncilLevel, today: date | None = None
) -> CommentPeriod:
    """Post the list a council passed for comment for ``comment_days`` days (the CouncilRule in force,
    20 by default), counting the day of posting: posted on 22/11/2026, comments are taken through
    11/12/2026 inclusive (ends_on = starts_on + comment_days - 1). One period per level and round.

    :raise DomainError: not a level that posts its list, already posted, or nothing passed.
    """
    _require_organizer(actor)
    if level not in COMMENT_LEVELS:
        raise DomainError(_l("Chỉ lấy ý kiến về danh sách của Hội đồng cấp Bộ và Hội đồng cấp Nhà nước."))
    existing = period_of(award_round.id, level)
    if existing is not None:
        raise DomainError(
            _l(
                "Danh sách của %(council)s đã được đăng lấy ý kiến từ ngày %(d)s.",
                council=LEVEL_LABELS[level],
                d=existing.starts_on.strftime("%d/%m/%Y"),
            )
        )
    if not passed_at(award_round.id, level):
        raise DomainError(_l("Chưa có hồ sơ nào được %(council)s thông qua.", council=LEVEL_LABELS[level]))
    today = today or today_vn()
    rule = council_rule(today)
    days = rule.comment_days if rule is not None else DEFAULT_COMMENT_DAYS
    period = CommentPeriod(
        award_round_id=award_round.id,
        level=level,
        starts_on=today,
        ends_on=add_days(today, max(days, 1) - 1),
        created_by_id=actor.id,
    )
    db.session.add(period)
    db.session.flush()
    audit.record(
        "artisans.comment_period_published",
        actor_id=actor.id,
        obj=period,
        award_round_id=award_round.id,
        level=level.value,
        starts_on=period.starts_on.isoformat(),
        ends_on=period.ends_on.isoformat(),
    )
    return period


def submit_comment(
    *,
    period: CommentPeriod,
    name: str,
    contact: str,
    text: str,
    nomination_id: int | None = None,
    honeypot: str = "",
    today: date | None = None,
) -> PublicComment | None:
    """Take a comment from the public. A filled honeypot (a field people never see) marks a robot:
    nothing is stored and None is returned, so the caller answers exactly as for a real comment.

    :raise DomainError: the period is over (or not started), or the nominee is not on the list.
    """
    if honeypot.strip():
        return None
    today = today or today_vn()
    if not is_open(period, today):
        raise DomainError(_l("Thời gian lấy ý kiến đã kết thúc ngày %(d)s.", d=period.ends_on.strftime("%d/%m/%Y")))
    name, contact, text = name.strip(), contact.strip(), text.strip()
    if not (name and contact and text):
        raise DomainError(_l("Vui lòng ghi họ tên, cách liên hệ và nội dung góp ý."))
    if nomination_id is not None:
        listed = db.session.scalars(passed_ids_query(period.award_round_id, period.level)).all()
        if nomination_id not in listed:
            raise DomainError(_l("Người được chọn không có trong danh sách lấy ý kiến."))
    comment = PublicComment(period_id=period.id, nomination_id=nomination_id, name=name, contact=contact, text=text)
    db.session.add(comment)
    db.session.flush()
    # The commenter's name and contact stay in the comment, not in the (long-lived) audit log.
    audit.record("artisans.comment_received", obj=comment, period_id=period.id, nomination_id=nomination_id)
    return comment


def comments_of(period: CommentPeriod) -> list[PublicComment]:
    """The period's comments, new ones first, then oldest first."""
    return list(
        db.session.scalars(
            select(PublicComment)
            .where(PublicComment.period_id == period.id)
            .order_by(PublicComment.status != CommentStatus.NEW, PublicComment.created_at, PublicComment.id)
        )
    )


def comment_counts(period_ids: list[int]) -> dict[int, dict[CommentStatus, int]]:
    """period id → {status: count}."""
    counts: dict[int, dict[CommentStatus, int]] = {pid: dict.fromkeys(CommentStatus, 0) for pid in period_ids}
    if not period_ids:
        return counts
    rows = db.session.execute(
        select(PublicComment.period_id, PublicComment.status, func.count())
        .where(PublicComment.period_id.in_(period_ids))
        .group_by(PublicComment.period_id, PublicComment.status)
    )
    for period_id, status, count in rows:
        counts[period_id][status] = count
    return counts


def handle_comment(*, actor: User, comment: PublicComment, handling: str) -> PublicComment:
    """Record how a comment was handled (may be revised later: each revision is audited).

    :raise NotAllowed: not an organizer nor the council's secretary.
    :raise DomainError: no handling written.
    """
    if not can_handle_comments(actor, comment.period):
        raise NotAllowed(_l("Chỉ thư ký hội đồng và người tổ chức được xử lý ý kiến."))
    handling = handling.strip()
    if not handling:
        raise DomainError(_l("Cần ghi nội dung xử lý ý kiến."))
    comment.status = CommentStatus.HANDLED
    comment.handling = handling
    comment.handled_by_id = actor.id
    comment.handled_at = utcnow()
    db.session.flush()
    audit.record(
        "artisans.comment_handled", actor_id=actor.id, obj=comment, period_id=comment.period_id, handling=handling
    )
    return comment


def handler_periods(user: Any) -> list[CommentPeriod]:
    """The periods whose comments ``user`` handles: all for organizers, their councils' for secretaries."""
    query = select(CommentPeriod).order_by(CommentPeriod.starts_on.desc(), CommentPeriod.id.desc())
    if not is_artisan_organizer(user):
        mine = (
            select(Council.award_round_id, Council.level)
            .join(CouncilMember, CouncilMember.council_id == Council.id)
            .where(CouncilMember.user_id == user.id, CouncilMember.role == MemberRole.SECRETARY)
        )
        pairs = db.session.execute(mine).all()
        if not pairs:
            return []
        query = query.where(
            or_(*(and_(CommentPeriod.award_round_id == r, CommentPeriod.level == lvl) for r, lvl in pairs))
        )
    return list(db.session.scalars(query))


# -- the final list -------------------------------------------------------------------------------


def is_final(award_round: AwardRound) -> bool:
    return bool(award_round.final_decision_number)


def record_final_list(
    *,
    actor: User,
    award_round: AwardRound,
    decision_number: str,
    decision_date: date,
    today: date | None = None,
) -> list[Nomination]:
    """Record the final decision on the award round and mark RECOGNISED every nomination the State
    council passed. Only once the State list's comment period is over and every comment on the
    round's lists has been handled; the decision is dated after the comment period and not in the
    future. Recorded once (a wrong number is corrected by an administrator, not here).

    :raise DomainError: any of the above is not so.
    """
    _require_organizer(actor)
    today = today or today_vn()
    if is_final(award_round):
        raise DomainError(
            _l("Danh sách cuối cùng đã được ghi nhận theo Quyết định số %(n)s.", n=award_round.final_decision_number)
        )
    period = period_of(award_round.id, CouncilLevel.STATE)
    if period is None:
        raise DomainError(_l("Chưa đăng danh sách của Hội đồng cấp Nhà nước để lấy ý kiến."))
    if today <= period.ends_on:
        raise DomainError(
            _l(
                "Đang lấy ý kiến về danh sách của Hội đồng cấp Nhà nước đến hết ngày %(d)s; "
                "chỉ ghi nhận danh sách cuối cùng sau ngày đó.",
                d=period.ends_on.strftime("%d/%m/%Y"),
            )
        )
    pending = db.session.scalar(
        select(func.count())
        .select_from(PublicComment)
        .join(CommentPeriod, CommentPeriod.id == PublicComment.period_id)
        .where(CommentPeriod.award_round_id == award_round.id, PublicComment.status == CommentStatus.NEW)
    )
    if pending:
        raise DomainError(_l("Còn %(n)s ý kiến góp ý chưa được xử lý.", n=pending))
    decision_number = decision_number.strip()
    if not decision_number:
        raise DomainError(_l("Cần ghi số quyết định công nhận."))
    if decision_date > today:
        raise DomainError(_l("Ngày quyết định không được sau hôm nay."))
    if decision_date <= period.ends_on:
        raise DomainError(
            _l("Ngày quyết định phải sau ngày kết thúc lấy ý kiến (%(d)s).", d=period.ends_on.strftime("%d/%m/%Y"))
        )
    nominations = [n for n in passed_at(award_round.id, CouncilLevel.STATE) if n.status not in NOT_RECOGNISABLE]
    if not nominations:
        raise DomainError(_l("Không có hồ sơ nào được Hội đồng cấp Nhà nước thông qua."))
    award_round.final_decision_number = decision_number
    award_round.final_decision_date = decision_date
    for nomination in nominations:
        nomination.status = NominationStatus.RECOGNISED
        nomination.stage = CouncilLevel.STATE
    db.session.flush()
    audit.record(
        "artisans.final_list_recorded",
        actor_id=actor.id,
        obj=award_round,
        decision_number=decision_number,
        decision_date=decision_date.isoformat(),
        nominations=[n.id for n in nominations],
    )
    for nomination in nominations:
        audit.record(
            "artisans.nomination_recognised",
            actor_id=actor.id,
            obj=nomination,
            award_round_id=award_round.id,
            decision_number=decision_number,
        )
    return nominations


def recognised_query(
    *, award_round_id: int | None = None, title: Title | None = None, province_id: int | None = None
) -> Select[Nomination]:
    """Recognised nominations (filters optional), newest award round first, then title, province, name."""
    query = (
        select(Nomination)
        .join(AwardRound, AwardRound.id == Nomination.award_round_id)
        .join(Nominee, Nominee.id == Nomination.nominee_id)
        .join(Province, Province.id == Nomination.province_id)
        .where(Nomination.status == NominationStatus.RECOGNISED)
        .order_by(AwardRound.number.desc(), Nomination.title, Province.name, Nominee.name, Nomination.id)
    )
    if award_round_id is not None:
        query = query.where(Nomination.award_round_id == award_round_id)
    if title is not None:
        query = query.where(Nomination.title == title)
    if province_id is not None:
        query = query.where(Nomination.province_id == province_id)
    return query


def final_rounds() -> list[AwardRound]:
    """Award rounds whose final list is recorded, newest first."""
    return list(
        db.session.scalars(
            select(AwardRound).where(AwardRound.final_decision_number != "").order_by(AwardRound.number.desc())
        )
    )


def is_public_work_photo(evidence: Evidence) -> bool:
    """Only a work's photo (purpose "work..."), of a RECOGNISED nomination, with a thumbnail, is public."""
    return (
        evidence.kind == EvidenceKind.PHOTO
        and evidence.purpose.startswith("work")
        and evidence.thumb_key is not None
        and evidence.nomination.status == NominationStatus.RECOGNISED
    )


def work_photos(nomination_ids: list[int]) -> dict[int, int]:
    """nomination id → id of its first work photo (for the gallery), in one query."""
    if not nomination_ids:
        return {}
    rows = db.session.execute(
        select(Evidence.nomination_id, func.min(Evidence.id))
        .where(
            Evidence.nomination_id.in_(nomination_ids),
            Evidence.kind == EvidenceKind.PHOTO,
            Evidence.purpose.startswith("work"),
            Evidence.thumb_key.is_not(None),
        )
        .group_by(Evidence.nomination_id)
    )
    return {int(nomination_id): int(evidence_id) for nomination_id, evidence_id in rows}


# -- certificates ---------------------------------------------------------------------------------


def facts_for_certificate(nomination: Nomination, award_round: AwardRound) -> artisan_certificates.ArtisanFacts:
    nominee = nomination.nominee
    return artisan_certificates.ArtisanFacts(
        award_round_id=award_round.id,
        nomination_id=nomination.id,
        holder_user_id=nominee.user_id,
        holder=nominee.name,
        craft=nominee.craft,
        province=nomination.province.name,
        title_label=TITLE_PRINTED[nomination.title],
        round_name=award_round.name,
        decision_number=award_round.final_decision_number,
        decision_date=award_round.final_decision_date,
    )


def reissue_certificate(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    """A corrected certificate (new number) from the nominee's details as they are now; the old one is
    marked replaced.

    :raise DomainError: no reason, or the certificate is not valid.
    """
    _require_organizer(actor)
    nomination = db.session.get(Nomination, certificate.nomination_id) if certificate.nomination_id else None
    if nomination is None:
        raise DomainError(_l("Chỉ cấp lại giấy chứng nhận danh hiệu nghệ nhân tại đây."))
    return artisan_certificates.reissue_artisan_certificate(
        actor=actor,
        certificate=certificate,
        reason=reason,
        facts=facts_for_certificate(nomination, nomination.award_round),
    )


def issue_certificates(*, actor: User, award_round: AwardRound, issued_on: date | None = None) -> list[Certificate]:
    """Issue a certificate to every recognised nomination of the round that has none (never twice).

    :raise DomainError: the final list is not recorded, or the design lacks the issuer or signer.
    """
    _require_organizer(actor)
    if not is_final(award_round):
        raise DomainError(_l("Chỉ cấp giấy chứng nhận sau khi đã ghi nhận quyết định công nhận."))
    done = artisan_certificates.certified_nomination_ids(award_round.id)
    facts = [
        facts_for_certificate(n, award_round)
        for n in db.session.scalars(recognised_query(award_round_id=award_round.id))
        if n.id not in done
    ]
    issued = artisan_certificates.issue_artisan_certificates(
        actor=actor, award_round_id=award_round.id, facts=facts, issued_on=issued_on
    )
    audit.record("artisans.certificates_issued", actor_id=actor.id, obj=award_round, count=len(issued))
    return issued
