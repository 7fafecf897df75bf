"""Printable PDFs of a round's judging: the results minutes, the score sheets (Phụ lục 4, filled or
blank for paper fallback) and the list of conflicts of interest.

Each function loads what it prints with one query per kind of data (never one per sheet), builds
plain view rows and renders a template of templates/print/ through kcvote.core.pdf. Routes check
who may print; the scores themselves are printable only once judging has closed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import defaultload, joinedload, lazyload

from kcvote.accounts.models import User
from kcvote.contests.enums import RoundState
from kcvote.contests.models import Round, Rubric
from kcvote.core.errors import DomainError
from kcvote.core.i18n import fmt_date, fmt_datetime
from kcvote.core.pdf import render_pdf
from kcvote.entries.enums import EntryStatus
from kcvote.entries.models import Entry, Product
from kcvote.extensions import db
from kcvote.facilities.models import Facility
from kcvote.judging import results, rules
from kcvote.judging.enums import ConflictSource, SheetStatus
from kcvote.judging.models import Conflict, ScoreSheet
from kcvote.reference.models import ProductGroup

SOURCE_LABELS = {
    ConflictSource.DECLARED: _l("tự khai"),
    ConflictSource.FACILITY_MEMBER: _l("thuộc cơ sở"),
    ConflictSource.SAME_PROVINCE: _l("cùng tỉnh"),
}

_ROMAN = (
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def roman(number: int) -> str:
    """I, II, III, IV ... as the regulation numbers the criterion groups."""
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def fmt_points(value: Decimal | str | None) -> str:
    """A figure of the results with 2 decimals in the user's language (80,00 in Vietnamese)."""
    if value is None or value == "":
        return "—"
    return str(format_decimal(Decimal(value), format="#,##0.00"))


def fmt_score(value: Decimal | None) -> str:
    """Points as a juror gives them: 8 or 7,5 (no trailing zeros); empty when not given."""
    if value is None:
        return ""
    return str(format_decimal(value, format="#,##0.##"))


# --- view rows -------------------------------------------------------------------------------


@dataclass
class CriterionRow:
    number: int
    name: str
    max_points: str
    points: str


@dataclass
class GroupRow:
    number: str
    name: str
    max_points: str
    points: str
    criteria: list[CriterionRow] = field(default_factory=list)


@dataclass
class SheetView:
    """One printed Phụ lục 4 sheet; blank fields are empty strings."""

    code: str
    product: str
    group: str
    facility: str | None  # None in blind rounds: the line is not printed at all
    juror: str
    job_title: str
    groups: list[GroupRow]
    total: str
    max_total: str
    remarks: str = ""
    submitted_at: str = ""
    stage: int | None = None


def _sheet_groups(rubric: Rubric | None, points: dict[int, Decimal] | None) -> tuple[list[GroupRow], str]:
    """The rubric's groups with the juror's points (None: a blank sheet), and the sheet's total."""
    rows = []
    total = Decimal(0)
    number = 0
    for position, group in enumerate(rubric.groups if rubric else [], start=1):
        subtotal = Decimal(0)
        criteria = []
        for criterion in group.criteria:
            number += 1
            given = points.get(criterion.id) if points is not None else None
            subtotal += given or 0
            criteria.append(CriterionRow(number, criterion.name, fmt_score(criterion.max_points), fmt_score(given)))
        total += subtotal
        rows.append(
            GroupRow(
                roman(position),
                group.name,
                fmt_score(group.max_points),
                fmt_score(subtotal) if points is not None else "",
                criteria,
            )
        )
    return rows, fmt_score(total) if points is not None else ""


def _rubric_total(rubric: Rubric | None) -> str:
    return fmt_score(rubric.total) if rubric else ""


def _header(round_: Round) -> dict[str, Any]:
    return {
        "round": round_,
        "level": round_.level.name,
        "scope": round_.scope_label,
        "year": round_.year,
    }


def _require_closed(round_: Round) -> None:
    if not rules.scores_visible_to_jurors(round_):
        raise DomainError(_l("Chỉ in điểm khi đợt đã kết thúc chấm điểm."))


def _lean(path: Any = None) -> Any:
    """Loader options for entries (at ``path``, else the queried entity): what the printouts show
    (product, facility, group: joined by the model), not the photos, documents and facility members
    that the models' selectin loaders would fetch for nothing."""
    options = (
        lazyload(Entry.photos),
        lazyload(Entry.documents),
        defaultload(Entry.facility).lazyload(Facility.members),
        defaultload(Entry.product).defaultload(Product.facility).lazyload(Facility.members),
    )
    return options if path is None else (path.options(*options),)


# --- results minutes -------------------------------------------------------------------------


def results_pdf(round_: Round) -> bytes:
    """Biên bản tổng hợp kết quả chấm điểm: one table per product group, ranked, with counts and signatures.

    :raise DomainError: before judging has closed (nobody sees scores before that).
    """
    _require_closed(round_)
    records = results.records(round_)
    codes = {r["group"] for r in records}
    groups = list(
        db.session.scalars(select(ProductGroup).where(ProductGroup.code.in_(codes)).order_by(ProductGroup.number))
    )
    by_group: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_group[record["group"]].append(record)
    show_aggregate = round_.aggregate_method != "mean"
    tables: list[dict[str, Any]] = []
    names = {g.code: g.name for g in groups}
    ordered = [g.code for g in groups] + sorted(codes - names.keys())
    for code in ordered:
        rows = sorted(by_group[code], key=lambda r: (r["rank"] is None, r["rank"] or 0, r["code"]))
        tables.append(
            {
                "name": names.get(code, code),
                "rows": [
                    {
                        "code": r["code"],
                        "product": r["product"],
                        "facility": r["facility"],
                        "juror_totals": "; ".join(fmt_points(t) for t in r["juror_totals"]),
                        "average": fmt_points(r["average"]),
                        "aggregate": fmt_points(r.get("aggregate")),
                        "rank": r["rank"],
                        "tied": bool(r.get("tied")),
                        "passed": r["passed"],
                        "recognised": r["recognised"],
                        "prize": r["prize"] or "",
                    }
                    for r in rows
                ],
            }
        )
    final = round_.state in (RoundState.FINALIZED, RoundState.PUBLISHED)
    return render_pdf(
        "print/results.html",
        **_header(round_),
        tables=tables,
        show_aggregate=show_aggregate,
        threshold=fmt_score(round_.pass_threshold),
        entered=len(records),
        passed=sum(1 for r in records if r["passed"]),
        recognised=sum(1 for r in records if r["recognised"]),
        any_tied=any(row["tied"] for table in tables for row in table["rows"]),
        final=final,
    )


# --- score sheets ----------------------------------------------------------------------------


def submitted_sheets(round_: Round, stage: int | None = None) -> list[ScoreSheet]:
    """The round's submitted sheets with entry, juror and scores, by stage, entry code and juror name."""
    query = (
        select(ScoreSheet)
        .where(ScoreSheet.round_id == round_.id, ScoreSheet.status == SheetStatus.SUBMITTED)
        .options(*_lean(joinedload(ScoreSheet.entry)), joinedload(ScoreSheet.juror).lazyload(User.roles))
    )
    if stage is not None:
        query = query.where(ScoreSheet.stage == stage)
    sheets = list(db.session.scalars(query).unique())
    return sorted(sheets, key=lambda s: (s.stage, s.entry.code or "", s.juror.name, s.juror_id))


def score_sheets_pdf(round_: Round, *, stage: int | None = None) -> bytes:
    """Every submitted phiếu chấm điểm (one page per juror × entry), as Phụ lục 4 lays it out; all stages
    unless ``stage`` is given. Blind rounds never print the facility.

    :raise DomainError: before judging has closed.
    """
    _require_closed(round_)
    rubrics = {r.id: r for r in round_.rubrics}
    blind = not rules.sees_identity(round_)
    views = []
    for sheet in submitted_sheets(round_, stage):
        rubric = rubrics.get(sheet.rubric_id, round_.rubric)
        groups, total = _sheet_groups(rubric, sheet.points)
        entry = sheet.entry
        views.append(
            SheetView(
                code=entry.code or "",
                product=entry.product.name,
                group=entry.group.name,
                facility=None if blind else entry.facility.name,
                juror=sheet.juror.name,
                job_title=sheet.juror.job_title or "",
                groups=groups,
                total=total,
                max_total=_rubric_total(rubric),
                remarks=sheet.remarks,
                submitted_at=fmt_datetime(sheet.submitted_at),
                stage=sheet.stage if round_.two_stage else None,
            )
        )
    return render_pdf("print/score_sheets.html", **_header(round_), sheets=views, blank=False)


def blank_sheets_pdf(round_: Round) -> bytes:
    """Blank score sheets for scoring on paper: one generic sheet (no entry code) first, then one per
    accepted entry in code order. Blind rounds never print the facility."""
    rubric = round_.rubric
    blind = not rules.sees_identity(round_)
    groups, _total = _sheet_groups(rubric, None)
    generic = SheetView("", "", "", None if blind else "", "", "", groups, "", _rubric_total(rubric))
    entries = db.session.scalars(
        select(Entry)
        .options(*_lean())
        .where(Entry.round_id == round_.id, Entry.status == EntryStatus.ACCEPTED)
        .order_by(Entry.code, Entry.id)
    ).unique()
    views = [generic] + [
        SheetView(
            code=e.code or "",
            product=e.product.name,
            group=e.group.name,
            facility=None if blind else e.facility.name,
            juror="",
            job_title="",
            groups=groups,
            total="",
            max_total=_rubric_total(rubric),
        )
        for e in entries
    ]
    return render_pdf("print/score_sheets.html", **_header(round_), sheets=views, blank=True)


# --- conflicts -------------------------------------------------------------------------------


def _conflict_rows(conflicts: Iterable[Conflict]) -> Sequence[dict[str, str]]:
    ordered = sorted(conflicts, key=lambda c: (c.juror.name, c.entry.code or "", c.id))
    return [
        {
            "juror": c.juror.name,
            "code": c.entry.code or "",
            "product": c.entry.product.name,
            "source": str(SOURCE_LABELS.get(c.source, c.source.value)),
            "reason": c.reason,
            "date": fmt_date(c.created_at),
        }
        for c in ordered
    ]


def conflicts_pdf(round_: Round) -> bytes:
    """The conflicts of interest of the round (declared or found automatically), for the minutes."""
    conflicts = db.session.scalars(
        select(Conflict)
        .where(Conflict.round_id == round_.id)
        .options(*_lean(joinedload(Conflict.entry)), joinedload(Conflict.juror).lazyload(User.roles))
    ).unique()
    return render_pdf("print/conflicts.html", **_header(round_), conflicts=_conflict_rows(conflicts))
