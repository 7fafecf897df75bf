"""Shared artisan-title factories: rows written directly (like factory_boy), so each area's tests can
start from the state they need (an accepted nomination, a council with members ...)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from kcvote.accounts.enums import Role, ScopeType
from kcvote.accounts.models import RoleAssignment, User
from kcvote.artisans.enums import CouncilLevel, MemberRole, NominationStatus, PrizeLevel, PrizeRank, Title
from kcvote.artisans.models import (
    AwardRound,
    Council,
    CouncilMember,
    CraftPeriod,
    Nomination,
    Nominee,
    Prize,
    SubmissionWindow,
    Work,
)
from kcvote.artisans.services import index_nominee
from kcvote.artisans.settings import seed_rules
from kcvote.core.clock import add_days, today_vn
from kcvote.extensions import db
from kcvote.reference.models import Province
from tests.factories import make_user


def province(name: str = "Bắc Ninh") -> Province:
    found = db.session.scalar(select(Province).where(Province.name == name))
    assert found is not None, f"seed reference data first (no province {name})"
    return found


def make_award_round(*, number: int = 6, provinces: tuple[str, ...] = ("Bắc Ninh",), open_days: int = 30) -> AwardRound:
    """Lần thứ N with a window open today for each named province; the default rules are seeded."""
    seed_rules()
    today = today_vn()
    award_round = AwardRound(
        name=f"Xét tặng danh hiệu Nghệ nhân nhân dân, Nghệ nhân ưu tú lần thứ {number}",
        number=number,
        start_year=today.year,
        end_year=today.year + 1,
        plan_decision_number="2214/QĐ-BCT",
        plan_decision_date=add_days(today, -30),
    )
    for name in provinces:
        award_round.windows.append(
            SubmissionWindow(
                province=province(name), opens_on=add_days(today, -5), closes_on=add_days(today, open_days)
            )
        )
    db.session.add(award_round)
    db.session.commit()
    return award_round


def make_nominee(
    user: User | None = None, *, name: str = "Nguyễn Văn Gốm", province_name: str = "Bắc Ninh", **kw: Any
) -> Nominee:
    nominee = Nominee(
        user_id=user.id if user else None,
        name=name,
        birth_date=date(1965, 4, 12),
        id_number=kw.pop("id_number", "027065001234"),
        address=kw.pop("address", "thôn Phù Lãng, tỉnh Bắc Ninh"),
        province=province(province_name),
        craft=kw.pop("craft", "Gốm Phù Lãng"),
        workplace=kw.pop("workplace", "Xưởng gốm Phù Lãng"),
        **kw,
    )
    index_nominee(nominee)
    db.session.add(nominee)
    db.session.flush()
    return nominee


def make_nomination(
    award_round: AwardRound,
    *,
    nominee: Nominee | None = None,
    title: Title = Title.NNUT,
    status: NominationStatus = NominationStatus.ACCEPTED,
    stage: CouncilLevel | None = CouncilLevel.PROVINCIAL,
    eligible: bool = True,
    filed_by: User | None = None,
) -> Nomination:
    """A nomination with a plausible dossier (periods, two works with national 2nd prizes, people
    taught); ``eligible`` False leaves it short of years and pupils."""
    nominee = nominee or make_nominee()
    today = today_vn()
    nomination = Nomination(
        award_round_id=award_round.id,
        nominee=nominee,
        province_id=nominee.province_id,
        title=title,
        status=status,
        stage=stage
        if status in (NominationStatus.ACCEPTED, NominationStatus.FAILED, NominationStatus.RECOGNISED)
        else None,
        filed_by_id=filed_by.id if filed_by else None,
        filed_on=None if status == NominationStatus.DRAFT else add_days(today, -3),
        people_taught=200 if eligible else 10,
        teaching_description="Dạy nghề tại xưởng và trường nghề",
        declaration_accepted=True,
    )
    nomination.periods.append(CraftPeriod(from_year=1985 if eligible else 2015, to_year=None, place="Phù Lãng"))
    db.session.add(nomination)
    db.session.flush()
    for i, year in enumerate((2018, 2021)):
        work = Work(nomination_id=nomination.id, name=f"Tác phẩm {i + 1}", made_on=date(year, 3, 1))
        db.session.add(work)
        db.session.flush()
        db.session.add(
            Prize(
                nomination_id=nomination.id,
                work_id=work.id,
                contest="Cuộc thi sản phẩm thủ công mỹ nghệ Việt Nam",
                level=PrizeLevel.NATIONAL,
                rank=PrizeRank.SECOND,
                year=year,
            )
        )
    db.session.commit()
    db.session.refresh(nomination)
    return nomination


def make_council(
    award_round: AwardRound,
    *,
    level: CouncilLevel = CouncilLevel.PROVINCIAL,
    province_name: str | None = "Bắc Ninh",
    members: int = 5,
    users: list[User] | None = None,
) -> tuple[Council, list[CouncilMember]]:
    """A council with ``members`` listed members: the first is the chair, the second the vice-chair,
    the last the secretary. Each member's user holds the council_member role scoped to the council.
    Pass ``users`` to use existing users (they get the scoped role too)."""
    council = Council(
        award_round_id=award_round.id,
        level=level,
        province_id=province(province_name).id if (province_name and level == CouncilLevel.PROVINCIAL) else None,
        name={
            CouncilLevel.PROVINCIAL: f"Hội đồng xét tặng cấp tỉnh {province_name or ''}".strip(),
            CouncilLevel.MINISTRY: "Hội đồng chuyên ngành cấp Bộ Công Thương",
            CouncilLevel.STATE: "Hội đồng cấp Nhà nước",
        }[level],
    )
    db.session.add(council)
    db.session.flush()
    people = list(users or [])
    while len(people) < members:
        people.append(make_user(Role.COUNCIL_MEMBER))
    listed = []
    for i, user in enumerate(people[:members]):
        role = MemberRole.MEMBER
        if i == 0:
            role = MemberRole.CHAIR
        elif i == 1:
            role = MemberRole.VICE_CHAIR
        elif i == members - 1:
            role = MemberRole.SECRETARY
        member = CouncilMember(council_id=council.id, user_id=user.id, role=role, position=i)
        db.session.add(member)
        user.roles.append(RoleAssignment(role=Role.COUNCIL_MEMBER, scope_type=ScopeType.COUNCIL, scope_id=council.id))
        listed.append(member)
    db.session.commit()
    return council, listed
