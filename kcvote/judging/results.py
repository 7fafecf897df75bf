"""Results of a round: aggregate the submitted sheets (scoring.py), the council's selection and prizes,
and the snapshot frozen at finalize.

Only submitted sheets count. Before the round is finalized results are provisional and recomputed
on request; from finalize on they are read from the snapshot and never recomputed silently.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload, load_only

from kcvote.accounts.models import User
from kcvote.contests.enums import RoundState
from kcvote.contests.models import Round
from kcvote.contests.rules import can_manage_round
from kcvote.contests.services import transition_effect
from kcvote.core import audit
from kcvote.core.db import utcnow
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.entries.enums import EntryStatus
from kcvote.entries.models import Entry, Product
from kcvote.extensions import db
from kcvote.facilities.models import Facility
from kcvote.judging import scoring
from kcvote.judging.enums import SheetStatus
from kcvote.judging.models import ResultSnapshot, Score, ScoreSheet
from kcvote.reference.models import ProductGroup

RECORD_KEYS = (
    "code",
    "product",
    "facility",
    "group",
    "juror_totals",
    "average",
    "median",
    "rank",
    "passed",
    "recognised",
    "prize",
)


def settings_of(round_: Round) -> scoring.AggregateSettings:
    """The round's aggregation settings (the regulation's mean ≥ 70 unless the round says otherwise)."""
    method = round_.aggregate_method if round_.aggregate_method in scoring.METHODS else "mean"
    return scoring.AggregateSettings(
        method=method,  # type: ignore[arg-type]
        trim_min_jurors=max(round_.trim_min_jurors, 3),
        disagreement_sd=Decimal(round_.disagreement_sd),
        threshold=Decimal(round_.pass_threshold),
        with_zscore=True,
    )


def juror_totals(round_id: int, stage: int = 1) -> dict[int, dict[int, Decimal]]:
    """entry id → juror id → total of the submitted sheet, summed by the database in one query."""
    rows = db.session.execute(
        select(ScoreSheet.entry_id, ScoreSheet.juror_id, func.sum(Score.points))
        .join(Score, Score.sheet_id == ScoreSheet.id)
        .where(
            ScoreSheet.round_id == round_id,
            ScoreSheet.stage == stage,
            ScoreSheet.status == SheetStatus.SUBMITTED,
        )
        # One group per sheet (entry, juror and stage make a sheet unique). Grouping on the key lets
        # SQLite read the sheets in key order without sorting them, and gives PostgreSQL's planner the
        # right number of groups; entry and juror depend on the key.
        .group_by(ScoreSheet.id, ScoreSheet.entry_id, ScoreSheet.juror_id)
    )
    totals: dict[int, dict[int, Decimal]] = defaultdict(dict)
    exact: dict[Any, Decimal] = {}  # a round has few distinct totals (0 to 100 by halves): convert each once
    for entry_id, juror_id, total in rows:
        value = exact.get(total)
        if value is None:
            # SQLite sums NUMERIC as a float; half points are exact in binary, so str() is exact.
            value = exact[total] = Decimal(str(total)).quantize(Decimal("0.1"))
        totals[entry_id][juror_id] = value
    return totals


class EntryLine(NamedTuple):
    """The values of an accepted entry that the results show, read without loading the ORM entry."""

    id: int
    code: str | None
    group: str
    product: str
    facility: str
    recognised_at: datetime | None
    prize: str


def _accepted(round_id: int) -> dict[int, EntryLine]:
    """The round's accepted entries, as plain rows (one SELECT with three joins, no ORM objects)."""
    rows = db.session.execute(
        select(Entry.id, Entry.code, ProductGroup.code, Product.name, Facility.name, Entry.recognised_at, Entry.prize)
        .join(ProductGroup, Entry.group_id == ProductGroup.id)
        .join(Product, Entry.product_id == Product.id)
        .join(Facility, Entry.facility_id == Facility.id)
        .where(Entry.round_id == round_id, Entry.status == EntryStatus.ACCEPTED)
    )
    return {row[0]: EntryLine(*row) for row in rows}


def compute(round_: Round, stage: int = 1) -> tuple[list[scoring.EntryResult], dict[int, EntryLine]]:
    """Provisional results of the accepted entries, ranked within each product group."""
    entries = _accepted(round_.id)
    totals = juror_totals(round_.id, stage)
    scores = [
        scoring.EntryScores(entry_id=e.id, group=e.group, code=e.code or f"#{e.id}", juror_totals=totals.get(e.id, {}))
        for e in entries.values()
    ]
    return scoring.aggregate(scores, settings_of(round_)), entries


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def records(round_: Round, stage: int | None = None) -> list[dict[str, Any]]:
    """One record per entry with RECORD_KEYS: from the snapshot once finalized, else computed from the
    round's current stage (in a two-stage round, entries not shortlisted have no stage-2 figures and
    do not pass)."""
    snapshot = active_snapshot(round_)
    if snapshot is not None:
        return list(snapshot.records)
    results, entries = compute(round_, stage or round_.current_stage)
    out = []
    for result in results:
        entry = entries[result.entry_id]
        out.append(
            {
                "code": result.code,
                "product": entry.product,
                "facility": entry.facility,
                "group": result.group,
                "juror_totals": [f"{total:.2f}" for _juror, total in result.juror_totals],
                "average": _decimal(result.mean),
                "median": _decimal(result.median),
                "aggregate": _decimal(result.aggregate),
                "std_dev": _decimal(result.std_dev),
                "disagreement": result.disagreement,
                "zscore_mean": _decimal(result.zscore_mean),
                "rank": result.rank,
                "tied": result.tied,
                "passed": result.passed,
                "recognised": entry.recognised_at is not None,
                "prize": entry.prize or None,
                "entry_id": entry.id,
            }
        )
    return out


def active_snapshot(round_: Round) -> ResultSnapshot | None:
    return db.session.scalar(
        select(ResultSnapshot).where(ResultSnapshot.round_id == round_.id, ResultSnapshot.active.is_(True))
    )


def select_entries(*, actor: User, round_: Round, choices: Mapping[int, str | None]) -> int:
    """The council's selection after closing: ``choices`` maps entry id → prize ("" = recognised
    without a prize, None = not recognised). Only passing entries can be recognised; each prize tier
    holds at most its configured number. Returns how many are recognised."""
    if not can_manage_round(actor, round_):
        raise NotAllowed(_l("Bạn không quản lý đợt bình chọn này."))
    if round_.state != RoundState.CLOSED:
        raise DomainError(_l("Chỉ chọn sản phẩm công nhận khi đợt đã kết thúc chấm và chưa chốt kết quả."))
    results, entries = compute(round_, round_.current_stage)
    passed = {r.entry_id for r in results if r.passed}
    tiers = {str(name): int(count) for name, count in (round_.prize_tiers or [])}
    used: dict[str, int] = defaultdict(int)
    for entry_id, prize in choices.items():
        if prize is None:
            continue
        if entry_id not in entries:
            raise DomainError(_l("Hồ sơ không thuộc đợt bình chọn này."))
        if entry_id not in passed:
            raise DomainError(
                _l("Sản phẩm %(code)s không đạt điểm nên không thể công nhận.", code=entries[entry_id].code)
            )
        if prize:
            if prize not in tiers:
                raise DomainError(_l("Giải “%(prize)s” không có trong cơ cấu giải của đợt.", prize=prize))
            used[prize] += 1
            if used[prize] > tiers[prize]:
                raise DomainError(_l("Giải “%(prize)s” chỉ có %(n)d suất.", prize=prize, n=tiers[prize]))
    now = utcnow()
    count = 0
    # Only the two columns written are loaded (the results read the rest without ORM objects).
    accepted = db.session.scalars(
        select(Entry)
        .where(Entry.round_id == round_.id, Entry.status == EntryStatus.ACCEPTED)
        .options(load_only(Entry.recognised_at, Entry.prize), lazyload("*"))
    )
    for entry in accepted:
        prize = choices.get(entry.id)
        if prize is None:
            entry.recognised_at, entry.prize = None, ""
        else:
            entry.recognised_at = entry.recognised_at or now
            entry.prize = prize
            count += 1
    db.session.flush()
    audit.record("results.selected", actor_id=actor.id, obj=round_, recognised=count, prizes=dict(used))
    return count


@transition_effect(RoundState.FINALIZED)
def freeze_results(actor: User, round_: Round) -> None:
    """At finalize the results are written once; nothing recomputes them afterwards."""
    frozen = records(round_)
    snapshot = ResultSnapshot(round_id=round_.id, created_by_id=actor.id, records=frozen)
    db.session.add(snapshot)
    db.session.flush()
    audit.record("results.frozen", actor_id=actor.id, obj=round_, snapshot_id=snapshot.id, entries=len(frozen))


@transition_effect(RoundState.CLOSED)
def retire_snapshot(actor: User, round_: Round) -> None:
    """Reopening finalized results (admins only, with a reason) retires the snapshot; it is kept."""
    snapshot = active_snapshot(round_)
    if snapshot is not None:
        snapshot.active = False
        snapshot.retired_reason = "reopened"
        db.session.flush()


def shortlist(round_: Round) -> list[int]:
    """Stage 1's shortlist: entries whose stage-1 aggregate is above the threshold (DOMAIN.md §A:
    "round 1 shortlist (avg > 70)")."""
    stage_one, _entries = compute(round_, 1)
    threshold = Decimal(round_.pass_threshold)
    return [r.entry_id for r in stage_one if r.aggregate is not None and r.aggregate > threshold]


def start_stage_two(*, actor: User, round_: Round) -> list[int]:
    """Move a two-stage round to its second scoring: the shortlist is rescored independently (new
    sheets; stage 1's are kept). Every stage-1 sheet must be submitted. Returns the shortlisted ids."""
    from kcvote.judging import services  # services does not import results: no cycle

    if not can_manage_round(actor, round_):
        raise NotAllowed(_l("Bạn không quản lý đợt bình chọn này."))
    if not round_.two_stage or round_.current_stage != 1 or round_.state != RoundState.JUDGING:
        raise DomainError(_l("Chỉ chuyển sang vòng 2 khi đợt chấm hai vòng đang chấm vòng 1."))
    if services.jurors_behind(round_, stage=1):
        raise DomainError(_l("Còn phiếu vòng 1 chưa nộp; chưa thể chuyển sang vòng 2."))
    chosen = shortlist(round_)
    if not chosen:
        raise DomainError(_l("Không có sản phẩm nào vượt điểm sàn ở vòng 1."))
    round_.current_stage = 2
    db.session.flush()
    services.run_assignment(actor=actor, round_=round_, stage=2, entry_ids=set(chosen))
    audit.record("round.stage_two_started", actor_id=actor.id, obj=round_, shortlisted=len(chosen))
    return chosen
