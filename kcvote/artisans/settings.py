"""The rules in force (title criteria and council procedure), each a row with an effective date.

Defaults follow DOMAIN.md §B: NNND from Nghị định 43/2024 (in force 6/6/2024); NNƯT and the council
procedure (the NĐ 123/2014 precedent) are marked ``to_confirm`` and shown so in the admin pages.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from kcvote.artisans.enums import Title
from kcvote.artisans.models import CouncilRule, Nomination, TitleRule
from kcvote.artisans.rules import DossierFacts, PrizeFact, TitleCriteria, WorkFact, rule_in_force
from kcvote.core.clock import today_vn
from kcvote.extensions import db

DECREE_43_IN_FORCE = date(2024, 6, 6)

DEFAULT_TITLE_RULES = [
    {
        "title": Title.NNND,
        "min_years_in_craft": 20,
        "min_works": 2,
        "national_max_rank": 2,
        "regional_max_rank": 3,
        "international_max_rank": 3,
        "provincial_max_rank": 0,
        "requires_state_sending": True,
        "min_people_taught": 150,
        "special_craft_min_taught": 50,
        "requires_title": Title.NNUT,
        "to_confirm": False,
        "note": "Nghị định 43/2024/NĐ-CP; số người truyền nghề của nghề đặc thù: cần xác nhận.",
    },
    {
        "title": Title.NNUT,
        "min_years_in_craft": 15,
        "min_works": 2,
        "national_max_rank": 3,
        "regional_max_rank": 3,
        "international_max_rank": 3,
        "provincial_max_rank": 2,
        "requires_state_sending": True,
        "min_people_taught": 50,
        "special_craft_min_taught": 20,
        "requires_title": None,
        "to_confirm": True,
        "note": "Điều 7 Nghị định 43/2024 chưa được đối chiếu: mọi ngưỡng cần xác nhận.",
    },
]


def seed_rules() -> int:
    """Load the default rules effective from 6/6/2024 when none exist (idempotent). Returns rows added."""
    added = 0
    for values in DEFAULT_TITLE_RULES:
        exists = db.session.scalar(
            select(TitleRule.id).where(
                TitleRule.title == values["title"], TitleRule.effective_from == DECREE_43_IN_FORCE
            )
        )
        if exists is None:
            db.session.add(TitleRule(effective_from=DECREE_43_IN_FORCE, **values))
            added += 1
    if db.session.scalar(select(CouncilRule.id).where(CouncilRule.effective_from == DECREE_43_IN_FORCE)) is None:
        db.session.add(
            CouncilRule(
                effective_from=DECREE_43_IN_FORCE,
                answer_days=10,
                completion_days=15,
                quorum_percent=Decimal("75"),
                pass_percent=Decimal("90"),
                comment_days=20,
                to_confirm=True,
                note="Theo tiền lệ Nghị định 123/2014/NĐ-CP: cần xác nhận.",
            )
        )
        added += 1
    db.session.flush()
    return added


def title_rule(title: Title, on: date) -> TitleRule | None:
    """The title's rule in force on ``on``."""
    return rule_in_force(db.session.scalars(select(TitleRule).where(TitleRule.title == title)).all(), on)


def council_rule(on: date | None = None) -> CouncilRule | None:
    """The council procedure in force on ``on`` (today by default)."""
    return rule_in_force(db.session.scalars(select(CouncilRule)).all(), on or today_vn())


def criteria_of(rule: TitleRule) -> TitleCriteria:
    return TitleCriteria(
        title=rule.title,
        effective_from=rule.effective_from,
        min_years_in_craft=rule.min_years_in_craft,
        min_works=rule.min_works,
        national_max_rank=rule.national_max_rank,
        regional_max_rank=rule.regional_max_rank,
        international_max_rank=rule.international_max_rank,
        provincial_max_rank=rule.provincial_max_rank,
        requires_state_sending=rule.requires_state_sending,
        min_people_taught=rule.min_people_taught,
        special_craft_min_taught=rule.special_craft_min_taught,
        requires_title=rule.requires_title,
        to_confirm=rule.to_confirm,
    )


def judging_date(nomination: Nomination) -> date:
    """The day whose rules judge the nomination: when it was filed (today for a draft)."""
    return nomination.filed_on or today_vn()


def facts_of(nomination: Nomination) -> DossierFacts:
    """The nomination's declarations as plain facts for rules.evaluate."""
    nominee = nomination.nominee
    return DossierFacts(
        title=nomination.title,
        periods=[(p.from_year, p.to_year) for p in nomination.periods],
        works=[WorkFact(w.id, w.name, w.made_on) for w in nomination.works],
        prizes=[
            PrizeFact(p.level, int(p.rank.value), p.year, p.sent_by_state, p.work_id, p.contest)
            for p in nomination.prizes
        ],
        people_taught=nomination.people_taught,
        special_craft=nomination.special_craft,
        has_teaching_evidence=any(e.purpose == "teaching" for e in nomination.evidence),
        current_title=nominee.current_title,
        current_title_date=nominee.current_title_date,
        discipline_record=nomination.discipline_record,
        as_of=judging_date(nomination),
    )
