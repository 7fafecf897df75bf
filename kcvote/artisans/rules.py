"""Pure rules for artisan titles (DOMAIN.md §B): eligibility, quorum and the pass threshold.

No database, no Flask: the caller turns a nomination and the rule in force into the plain facts
below. Every threshold comes from a rule row with an effective date (``TitleRule``, ``CouncilRule``);
a nomination is judged by the rule in force on the day it was filed.

Arithmetic is exact (integers and Decimal): "at least P % of N" means ``count * 100 >= P * N``, i.e.
the count must reach P % of N rounded UP to a whole person. With P = 90: 10 members need 9 yes
votes, 11 members need 10; with P = 75 a meeting of 10 listed members needs 8 present.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from math import ceil
from typing import Protocol, TypeVar

from flask_babel import lazy_gettext as _l

from kcvote.artisans.enums import Check, PrizeLevel, Title


class HasEffectiveDate(Protocol):
    @property
    def effective_from(self) -> date: ...


R = TypeVar("R", bound=HasEffectiveDate)


@dataclass(frozen=True)
class TitleCriteria:
    """The thresholds of one title (a ``TitleRule`` row as plain values)."""

    title: Title
    effective_from: date
    min_years_in_craft: int
    min_works: int
    national_max_rank: int
    regional_max_rank: int
    international_max_rank: int
    provincial_max_rank: int
    requires_state_sending: bool
    min_people_taught: int
    special_craft_min_taught: int
    requires_title: Title | None
    to_confirm: bool = False


@dataclass(frozen=True)
class PrizeFact:
    level: PrizeLevel
    rank: int  # 1 = nhất ... 4 = khuyến khích
    year: int
    sent_by_state: bool
    work_id: int | None
    contest: str = ""


@dataclass(frozen=True)
class WorkFact:
    id: int
    name: str
    made_on: date | None


@dataclass(frozen=True)
class DossierFacts:
    """What the dossier declares, as plain values."""

    title: Title
    periods: Sequence[tuple[int, int | None]]
    works: Sequence[WorkFact]
    prizes: Sequence[PrizeFact]
    people_taught: int
    special_craft: bool = False
    has_teaching_evidence: bool = False
    current_title: Title | None = None
    current_title_date: date | None = None
    discipline_record: str = ""
    as_of: date = field(default_factory=date.today)


@dataclass(frozen=True)
class CheckResult:
    """One line of the checklist: which criterion, its outcome, and why."""

    code: str
    label: str
    status: Check
    reason: str


def rule_in_force(rules: Iterable[R], on: date) -> R | None:
    """The newest rule whose effective date is on or before ``on`` (None if none was in force yet)."""
    candidates = [r for r in rules if r.effective_from <= on]
    return max(candidates, key=lambda r: r.effective_from) if candidates else None


def years_in_craft(periods: Iterable[tuple[int, int | None]], as_of_year: int) -> int:
    """Distinct calendar years covered by the periods (continuous or cumulative; overlaps count once;
    an open period runs to ``as_of_year``; years after it are ignored)."""
    years: set[int] = set()
    for start, end in periods:
        last = min(end if end is not None else as_of_year, as_of_year)
        years.update(range(start, last + 1))
    return len(years)


def prize_qualifies(prize: PrizeFact, criteria: TitleCriteria) -> bool:
    """A prize counts when its rank is good enough for its level (and, for regional and international
    prizes where the rule says so, the State sent the work)."""
    limit = {
        PrizeLevel.NATIONAL: criteria.national_max_rank,
        PrizeLevel.REGIONAL: criteria.regional_max_rank,
        PrizeLevel.INTERNATIONAL: criteria.international_max_rank,
        PrizeLevel.PROVINCIAL: criteria.provincial_max_rank,
    }[prize.level]
    if limit <= 0 or prize.rank > limit:
        return False
    if criteria.requires_state_sending and prize.level in (PrizeLevel.REGIONAL, PrizeLevel.INTERNATIONAL):
        return prize.sent_by_state
    return True


def qualifying_works(facts: DossierFacts, criteria: TitleCriteria) -> list[WorkFact]:
    """Works with at least one qualifying prize; for a title that requires an earlier one, only works
    made after that title was conferred (and prizes won from that year on)."""
    since = facts.current_title_date if criteria.requires_title is not None else None
    found = []
    for work in facts.works:
        if since is not None and (work.made_on is None or work.made_on <= since):
            continue
        prizes = [p for p in facts.prizes if p.work_id == work.id and prize_qualifies(p, criteria)]
        if since is not None:
            prizes = [p for p in prizes if p.year >= since.year]
        if prizes:
            found.append(work)
    return found


def evaluate(facts: DossierFacts, criteria: TitleCriteria) -> list[CheckResult]:
    """The checklist of every criterion for ``facts.title``: met, not met, or for the council."""
    results: list[CheckResult] = []
    if criteria.requires_title is not None:
        held = facts.current_title == criteria.requires_title and facts.current_title_date is not None
        results.append(
            CheckResult(
                "prior_title",
                str(_l("Đã được phong tặng danh hiệu Nghệ nhân ưu tú")),
                Check.MET if held else Check.NOT_MET,
                str(_l("Được phong tặng ngày %(d)s.", d=facts.current_title_date.strftime("%d/%m/%Y")))
                if held and facts.current_title_date
                else str(_l("Hồ sơ chưa khai danh hiệu Nghệ nhân ưu tú và ngày quyết định.")),
            )
        )
    results.append(
        CheckResult(
            "loyalty",
            str(_l("Trung thành với Tổ quốc, chấp hành tốt chủ trương, chính sách, pháp luật")),
            Check.COUNCIL,
            str(_l("Khai có hình thức kỷ luật: %(text)s", text=facts.discipline_record))
            if facts.discipline_record.strip()
            else str(_l("Không khai hình thức kỷ luật nào; hội đồng xem xét.")),
        )
    )
    years = years_in_craft(facts.periods, facts.as_of.year)
    results.append(
        CheckResult(
            "years",
            str(_l("Có ít nhất %(n)d năm hành nghề", n=criteria.min_years_in_craft)),
            Check.MET if years >= criteria.min_years_in_craft else Check.NOT_MET,
            str(_l("Các giai đoạn hành nghề cộng lại %(years)d năm.", years=years)),
        )
    )
    results.append(
        CheckResult(
            "ethics",
            str(_l("Có phẩm chất đạo đức tốt, tiêu biểu cho nghề")),
            Check.COUNCIL,
            str(_l("Hội đồng đánh giá.")),
        )
    )
    works = qualifying_works(facts, criteria)
    names = ", ".join(w.name for w in works) or "—"
    results.append(
        CheckResult(
            "works",
            str(_l("Có ít nhất %(n)d tác phẩm đạt giải theo quy định", n=criteria.min_works))
            if criteria.requires_title is None
            else str(
                _l(
                    "Có ít nhất %(n)d tác phẩm mới đạt giải, làm sau khi được phong Nghệ nhân ưu tú",
                    n=criteria.min_works,
                )
            ),
            Check.MET if len(works) >= criteria.min_works else Check.NOT_MET,
            str(_l("%(count)d tác phẩm đủ điều kiện: %(names)s.", count=len(works), names=names)),
        )
    )
    needed = criteria.special_craft_min_taught if facts.special_craft else criteria.min_people_taught
    if facts.people_taught < needed:
        taught_status = Check.NOT_MET
        taught_reason = str(
            _l("Khai đã truyền nghề cho %(n)d người; cần ít nhất %(need)d.", n=facts.people_taught, need=needed)
        )
    elif not facts.has_teaching_evidence:
        taught_status = Check.COUNCIL
        taught_reason = str(
            _l("Khai %(n)d người nhưng chưa có minh chứng truyền nghề; hội đồng xem xét.", n=facts.people_taught)
        )
    else:
        taught_status = Check.MET
        taught_reason = str(_l("Khai đã truyền nghề cho %(n)d người, có minh chứng.", n=facts.people_taught))
    results.append(
        CheckResult(
            "taught",
            str(_l("Truyền nghề cho ít nhất %(n)d người", n=needed)),
            taught_status,
            taught_reason,
        )
    )
    return results


def overall(results: Iterable[CheckResult]) -> Check:
    """NOT_MET if any criterion is not met; else COUNCIL if any is for the council; else MET."""
    statuses = {r.status for r in results}
    if Check.NOT_MET in statuses:
        return Check.NOT_MET
    return Check.COUNCIL if Check.COUNCIL in statuses else Check.MET


def at_least_share(count: int, total: int, percent: Decimal) -> bool:
    """``count`` is at least ``percent`` % of ``total`` (exact: count × 100 ≥ percent × total)."""
    return Decimal(count) * 100 >= Decimal(percent) * total


def needed_for(total: int, percent: Decimal) -> int:
    """The smallest count that is at least ``percent`` % of ``total`` (rounded up to a whole person)."""
    return ceil(Decimal(percent) * total / 100)


def quorum_met(*, listed: int, present: int, presiding_present: bool, percent: Decimal) -> bool:
    """A meeting is valid with at least ``percent`` % of the listed members present, including the chair
    or the vice-chair the chair delegated."""
    return listed > 0 and presiding_present and at_least_share(present, listed, percent)


def passes(*, yes: int, listed: int, percent: Decimal) -> bool:
    """A nomination passes with yes votes from at least ``percent`` % of ALL listed members (not of
    those present or voting)."""
    return listed > 0 and at_least_share(yes, listed, percent)
