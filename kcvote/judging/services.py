"""Judging use cases: appoint jurors, conflicts, assignments, and the score sheets (autosave, submit, reopen).

Every juror-facing rule is checked here; routes only show what these allow.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, TypeVar, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    ScalarSelect,
    Select,
    Table,
    bindparam,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import InstrumentedAttribute, lazyload

from kcvote.accounts import services as account_services
from kcvote.accounts.enums import Role, ScopeType
from kcvote.accounts.models import RoleAssignment, User
from kcvote.contests.enums import RoundState
from kcvote.contests.models import Round, Rubric, RubricCriterion, RubricGroup
from kcvote.contests.rules import can_manage_round
from kcvote.core import audit
from kcvote.core.db import utcnow
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.entries.enums import EntryStatus
from kcvote.entries.models import Entry
from kcvote.extensions import db
from kcvote.facilities.models import FacilityMember
from kcvote.judging import assignment as algo
from kcvote.judging import rules
from kcvote.judging.enums import ConflictSource, SheetStatus
from kcvote.judging.models import Assignment, Conflict, JurorAppointment, Score, ScoreSheet, SiteVisit
from kcvote.reference.models import ProductGroup, Province

TENTH = Decimal("0.1")
# An autosave writes the sheet and its scores with Core statements: no ORM objects on that path.
SHEETS = cast(Table, ScoreSheet.__table__)
SCORES = cast(Table, Score.__table__)
_Locked = TypeVar("_Locked")
POINTS_MESSAGES = {
    "negative": _l("Điểm không được âm (tiêu chí: %(name)s)."),
    "over_max": _l("Điểm vượt quá mức tối đa %(max)s (tiêu chí: %(name)s)."),
    "not_half": _l("Điểm chỉ được chấm đến nửa điểm, ví dụ 7 hoặc 7,5 (tiêu chí: %(name)s)."),
}


def _require_manager(actor: User, round_: Round) -> None:
    if not can_manage_round(actor, round_):
        raise NotAllowed(_l("Bạn không quản lý đợt bình chọn này."))


def _require_before_closing(round_: Round) -> None:
    """Assignments and conflicts change only while dossiers are screened or scored."""
    if round_.state not in (RoundState.SCREENING, RoundState.JUDGING):
        raise DomainError(_l("Chỉ thay đổi phân công khi đợt đang thẩm định hồ sơ hoặc đang chấm điểm."))


# --- jurors ----------------------------------------------------------------------------------


def appoint_juror(
    *,
    actor: User,
    round_: Round,
    email: str,
    name: str = "",
    groups: Sequence[ProductGroup] = (),
    province: Province | None = None,
) -> tuple[JurorAppointment, bool]:
    """Appoint an existing user, or invite a new one, as a juror of the round (optionally for some
    product groups only). Returns (appointment, invited: whether a new account was created)."""
    _require_manager(actor, round_)
    if round_.state in (RoundState.CLOSED, RoundState.FINALIZED, RoundState.PUBLISHED):
        raise DomainError(_l("Đợt bình chọn đã kết thúc chấm điểm."))
    offered = {g.id for g in round_.groups}
    if any(g.id not in offered for g in groups):
        raise DomainError(_l("Chỉ chọn các nhóm sản phẩm của đợt bình chọn."))
    user = account_services.get_user_by_email(email)
    invited = False
    if user is None:
        if not name.strip():
            raise DomainError(_l("Người này chưa có tài khoản: hãy nhập họ tên để gửi lời mời."))
        user, invited = account_services.invite_user(actor=actor, email=email, name=name, role=Role.JUROR)
    appointment = db.session.scalar(
        select(JurorAppointment).where(JurorAppointment.round_id == round_.id, JurorAppointment.user_id == user.id)
    )
    if appointment is None:
        appointment = JurorAppointment(round_id=round_.id, user_id=user.id, appointed_by_id=actor.id)
        db.session.add(appointment)
    appointment.groups = list(groups)
    appointment.province = province
    if not user.has_scoped_role(Role.JUROR, ScopeType.ROUND, round_.id):
        user.roles.append(
            RoleAssignment(role=Role.JUROR, scope_type=ScopeType.ROUND, scope_id=round_.id, granted_by_id=actor.id)
        )
    db.session.flush()
    audit.record(
        "juror.appointed",
        actor_id=actor.id,
        obj=round_,
        juror=user.email,
        groups=[g.code for g in groups],
        province=province.name if province else None,
    )
    return appointment, invited


def remove_juror(*, actor: User, appointment: JurorAppointment) -> None:
    """Remove a juror who has not submitted any sheet; their unsubmitted work goes with them."""
    round_ = appointment.round
    _require_manager(actor, round_)
    if round_.state in (RoundState.CLOSED, RoundState.FINALIZED, RoundState.PUBLISHED):
        raise DomainError(_l("Đợt bình chọn đã kết thúc chấm điểm."))
    submitted = db.session.scalar(
        select(ScoreSheet.id).where(
            ScoreSheet.round_id == round_.id,
            ScoreSheet.juror_id == appointment.user_id,
            ScoreSheet.status == SheetStatus.SUBMITTED,
        )
    )
    if submitted is not None:
        raise DomainError(_l("Giám khảo đã nộp phiếu chấm; không thể bỏ khỏi đợt."))
    user = appointment.user
    db.session.execute(delete(ScoreSheet).where(ScoreSheet.round_id == round_.id, ScoreSheet.juror_id == user.id))
    db.session.execute(delete(Assignment).where(Assignment.round_id == round_.id, Assignment.juror_id == user.id))
    for role in [
        a for a in user.roles if a.role == Role.JUROR and a.scope_type == ScopeType.ROUND and a.scope_id == round_.id
    ]:
        user.roles.remove(role)
    db.session.delete(appointment)
    db.session.flush()
    audit.record("juror.removed", actor_id=actor.id, obj=round_, juror=user.email)


def appointments(round_: Round) -> list[JurorAppointment]:
    """The round's jurors, by name."""
    return list(
        db.session.scalars(
            select(JurorAppointment)
            .join(User, JurorAppointment.user_id == User.id)
            .where(JurorAppointment.round_id == round_.id)
            .order_by(User.name)
        )
    )


# --- conflicts -------------------------------------------------------------------------------


def conflicted(juror_id: int, entry_id: int) -> bool:
    """True if the juror is in conflict with the entry (declared or automatic)."""
    return (
        db.session.scalar(select(Conflict.id).where(Conflict.juror_id == juror_id, Conflict.entry_id == entry_id))
        is not None
    )


def _add_conflict(round_: Round, juror_id: int, entry: Entry, source: ConflictSource, reason: str) -> Conflict | None:
    if conflicted(juror_id, entry.id):
        return None
    conflict = Conflict(round_id=round_.id, juror_id=juror_id, entry_id=entry.id, source=source, reason=reason)
    db.session.add(conflict)
    # A conflicted juror neither scores the entry nor keeps an unsubmitted sheet for it.
    db.session.execute(delete(Assignment).where(Assignment.juror_id == juror_id, Assignment.entry_id == entry.id))
    db.session.execute(
        delete(ScoreSheet).where(
            ScoreSheet.juror_id == juror_id, ScoreSheet.entry_id == entry.id, ScoreSheet.status == SheetStatus.DRAFT
        )
    )
    return conflict


def declare_conflict(*, actor: User, entry: Entry, reason: str) -> Conflict:
    """A juror declares a conflict of interest with an entry, before or while scoring."""
    round_ = entry.round
    if not rules.is_round_juror(actor, round_):
        raise NotAllowed(_l("Bạn không phải giám khảo của đợt bình chọn này."))
    _require_before_closing(round_)
    if not reason.strip():
        raise DomainError(_l("Hãy ghi rõ lý do xung đột lợi ích."))
    submitted = db.session.scalar(
        select(ScoreSheet.id).where(
            ScoreSheet.juror_id == actor.id, ScoreSheet.entry_id == entry.id, ScoreSheet.status == SheetStatus.SUBMITTED
        )
    )
    if submitted is not None:
        raise DomainError(_l("Bạn đã nộp phiếu cho sản phẩm này; hãy đề nghị ban tổ chức mở lại phiếu trước."))
    conflict = _add_conflict(round_, actor.id, entry, ConflictSource.DECLARED, reason.strip())
    if conflict is None:
        raise DomainError(_l("Xung đột lợi ích với sản phẩm này đã được ghi nhận."))
    db.session.flush()
    audit.record("juror.conflict_declared", actor_id=actor.id, obj=entry, reason=reason.strip())
    return conflict


def detect_conflicts(*, actor: User, round_: Round) -> list[Conflict]:
    """Record the conflicts found automatically: a juror who acts for the entry's facility; at
    regional and national level (a round setting), a juror from the facility's province."""
    _require_manager(actor, round_)
    _require_before_closing(round_)
    jurors = appointments(round_)
    entries = accepted_entries(round_)
    members = {
        (m.user_id, m.facility_id)
        for m in db.session.scalars(
            select(FacilityMember).where(FacilityMember.user_id.in_([j.user_id for j in jurors]))
        )
    }
    found = []
    for juror in jurors:
        for entry in entries:
            source = None
            if (juror.user_id, entry.facility_id) in members:
                source, reason = ConflictSource.FACILITY_MEMBER, str(_l("Giám khảo thuộc cơ sở dự thi."))
            elif (
                round_.same_province_conflict and juror.province_id and juror.province_id == entry.facility.province_id
            ):
                source, reason = ConflictSource.SAME_PROVINCE, str(_l("Giám khảo cùng tỉnh với cơ sở dự thi."))
            if source is not None:
                conflict = _add_conflict(round_, juror.user_id, entry, source, reason)
                if conflict is not None:
                    found.append(conflict)
    db.session.flush()
    if found:
        audit.record("juror.conflicts_detected", actor_id=actor.id, obj=round_, count=len(found))
    return found


def accepted_entries(round_: Round) -> list[Entry]:
    """The entries that are judged: accepted ones, in code order."""
    return list(
        db.session.scalars(
            select(Entry).where(Entry.round_id == round_.id, Entry.status == EntryStatus.ACCEPTED).order_by(Entry.code)
        )
    )


# --- assignments -----------------------------------------------------------------------------


def add_assignment(*, actor: User, entry: Entry, juror: User, stage: int = 1) -> Assignment:
    """The organizer assigns a juror to an entry by hand."""
    round_ = entry.round
    _require_manager(actor, round_)
    _require_before_closing(round_)
    if not rules.is_round_juror(juror, round_):
        raise DomainError(_l("%(name)s không phải giám khảo của đợt này.", name=juror.name))
    if entry.status != EntryStatus.ACCEPTED:
        raise DomainError(_l("Chỉ phân công chấm các hồ sơ đã được tiếp nhận."))
    if conflicted(juror.id, entry.id):
        raise DomainError(_l("%(name)s có xung đột lợi ích với sản phẩm này.", name=juror.name))
    existing = db.session.scalar(
        select(Assignment).where(
            Assignment.entry_id == entry.id, Assignment.juror_id == juror.id, Assignment.stage == stage
        )
    )
    if existing is not None:
        existing.manual = True
        return existing
    assignment = Assignment(round_id=round_.id, entry_id=entry.id, juror_id=juror.id, stage=stage, manual=True)
    db.session.add(assignment)
    db.session.flush()
    audit.record("assignment.added", actor_id=actor.id, obj=entry, juror=juror.email, stage=stage)
    return assignment


def remove_assignment(*, actor: User, assignment: Assignment) -> None:
    """Take an entry away from a juror (not once they submitted its sheet)."""
    entry = assignment.entry
    _require_manager(actor, entry.round)
    _require_before_closing(entry.round)
    sheet = sheet_for(entry.id, assignment.juror_id, assignment.stage)
    if sheet is not None and sheet.status == SheetStatus.SUBMITTED:
        raise DomainError(_l("Giám khảo đã nộp phiếu cho sản phẩm này."))
    if sheet is not None:
        db.session.delete(sheet)
    db.session.delete(assignment)
    db.session.flush()
    audit.record("assignment.removed", actor_id=actor.id, obj=entry, juror_id=assignment.juror_id)


def assigned_and_conflicted(juror_id: int, entry_id: int, stage: int = 1) -> tuple[bool, bool]:
    """Whether the juror is assigned the entry in this stage, and whether they are in conflict with it
    (declared or automatic), in one query."""
    assigned = (
        select(Assignment.id)
        .where(Assignment.juror_id == juror_id, Assignment.entry_id == entry_id, Assignment.stage == stage)
        .exists()
    )
    conflict = select(Conflict.id).where(Conflict.juror_id == juror_id, Conflict.entry_id == entry_id).exists()
    row = db.session.execute(select(assigned, conflict)).one()
    return bool(row[0]), bool(row[1])


def may_score(juror_id: int, entry_id: int, stage: int = 1) -> bool:
    """Assigned the entry in this stage and not in conflict with it."""
    assigned, conflict = assigned_and_conflicted(juror_id, entry_id, stage)
    return assigned and not conflict


# --- score sheets ----------------------------------------------------------------------------


def sheet_for(entry_id: int, juror_id: int, stage: int = 1) -> ScoreSheet | None:
    return db.session.scalar(
        select(ScoreSheet).where(
            ScoreSheet.entry_id == entry_id, ScoreSheet.juror_id == juror_id, ScoreSheet.stage == stage
        )
    )


@dataclass(frozen=True)
class ScoringTarget:
    """An entry as a save sees it, with the juror's standing on it: read by ``scoring_target`` in one
    statement, without ORM objects."""

    entry_id: int
    round_id: int
    round_state: RoundState
    stage: int  # the stage scored
    rubric_id: int | None  # the round's current rubric (its latest version, as ``Round.rubric``)
    rubric_created_at: datetime | None
    assigned: bool  # the juror is assigned the entry in this stage
    conflicted: bool  # the juror is in conflict with the entry (declared or automatic)

    @property
    def may_score(self) -> bool:
        """Assigned the entry in this stage and not in conflict with it."""
        return self.assigned and not self.conflicted


def scoring_target(juror_id: int, entry_id: int, stage: int | None = None) -> ScoringTarget | None:
    """The entry's round (its state; the stage scored: ``stage``, else the round's current one), the round's
    current rubric, and whether the juror is assigned the entry in that stage and in conflict with it, in
    one statement. None if there is no such entry."""
    params = {"juror_id": juror_id, "entry_id": entry_id} | ({} if stage is None else {"stage": stage})
    row = db.session.execute(_target_query(stage is not None), params).one_or_none()
    if row is None:
        return None
    round_id, state, scored, rubric_id, rubric_created_at, assigned, conflicted = row
    return ScoringTarget(
        entry_id, round_id, state, scored, rubric_id, rubric_created_at, bool(assigned), bool(conflicted)
    )


@functools.cache
def _target_query(stage_given: bool) -> Select[Any]:
    """The statement of ``scoring_target``, built once (parameters juror_id, entry_id and, when
    ``stage_given``, stage). ORM-enabled, so that the session flushes pending changes before it."""
    scored_stage: ColumnElement[int] = (
        bindparam("stage", type_=Integer) if stage_given else Round.current_stage.expression
    )

    def latest_rubric(column: InstrumentedAttribute[Any]) -> ScalarSelect[Any]:
        return (
            select(column).where(Rubric.round_id == Round.id).order_by(Rubric.version.desc()).limit(1).scalar_subquery()
        )

    juror_id = bindparam("juror_id", type_=Integer)
    assigned = (
        select(Assignment.id)
        .where(Assignment.juror_id == juror_id, Assignment.entry_id == Entry.id, Assignment.stage == scored_stage)
        .exists()
    )
    conflict = select(Conflict.id).where(Conflict.juror_id == juror_id, Conflict.entry_id == Entry.id).exists()
    return (
        select(
            Entry.round_id,
            Round.state,
            scored_stage,
            latest_rubric(Rubric.id),
            latest_rubric(Rubric.created_at),
            assigned,
            conflict,
        )
        .join(Round, Round.id == Entry.round_id)
        .where(Entry.id == bindparam("entry_id", type_=Integer))
    )


def _require_scoring(actor: User, target: ScoringTarget | None) -> ScoringTarget:
    if target is None or not rules.is_juror_of_round(actor, target.round_id) or not target.assigned:
        raise NotAllowed(_l("Sản phẩm này không được phân công cho bạn."))
    if target.conflicted:
        raise NotAllowed(_l("Bạn đã khai xung đột lợi ích với sản phẩm này."))
    if not rules.scoring_open_in(target.round_state):
        raise DomainError(_l("Đợt bình chọn không ở giai đoạn chấm điểm."))
    return target


@dataclass(frozen=True)
class CriterionBounds:
    """What scoring needs of a rubric criterion: its name (for messages) and its maximum."""

    id: int
    name: str
    max_points: Decimal


def rubric_bounds(rubric_id: int | None, created_at: datetime | None) -> Mapping[int, CriterionBounds]:
    """The criteria of a rubric version, by id.

    A version is never edited once saved, only superseded by a new one (``contests.services.save_rubric``,
    and not even that once the round has opened), so its criteria are kept in this process after the
    first read. The key is the version's id *and* its creation time: an id alone could name another
    rubric in another database (tests, a database re-created or restored), the pair cannot. Nothing else
    (the round's state, assignments, sheets) is kept: those change, and other processes change them."""
    if rubric_id is None or created_at is None:
        return MappingProxyType({})
    return _rubric_bounds(rubric_id, created_at)


@functools.lru_cache(maxsize=256)
def _rubric_bounds(rubric_id: int, created_at: datetime) -> Mapping[int, CriterionBounds]:
    rows = db.session.execute(
        select(RubricCriterion.id, RubricCriterion.name, RubricCriterion.max_points)
        .join(RubricGroup, RubricGroup.id == RubricCriterion.group_id)
        .where(RubricGroup.rubric_id == rubric_id)
    ).all()
    return MappingProxyType({id_: CriterionBounds(id_, name, max_points) for id_, name, max_points in rows})


def _sheet_if_absent(target: ScoringTarget, juror_id: int, dialect: str) -> None:
    """Insert the sheet unless it exists (safe under concurrency: the unique key decides)."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    db.session.execute(
        insert(SHEETS)
        .values(
            round_id=target.round_id,
            entry_id=target.entry_id,
            juror_id=juror_id,
            stage=target.stage,
            rubric_id=target.rubric_id,
            status=SheetStatus.DRAFT,
            remarks="",
            client_id="",
            client_seq=0,
            version=0,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["entry_id", "juror_id", "stage"])
    )


def _get_or_create_locked(target: ScoringTarget, juror_id: int, lock: Callable[[], _Locked | None]) -> _Locked:
    """Get or create the sheet, then hold its row lock; ``lock`` reads it under the lock (as a row or as an
    ORM object), so that what it reads includes the changes of a save that held the lock before."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        # Once the sheet exists (every save but a sheet's first) locking it is enough.
        locked = lock()
        if locked is not None:
            return locked
    # On SQLite this write is also the lock: it takes the database's write lock before the sheet is read.
    _sheet_if_absent(target, juror_id, dialect)
    locked = lock()
    assert locked is not None  # inserted above or by a concurrent request
    return locked


def _sheet_for_update(entry_id: int, juror_id: int, stage: int) -> ScoreSheet | None:
    return db.session.scalar(
        select(ScoreSheet)
        .where(ScoreSheet.entry_id == entry_id, ScoreSheet.juror_id == juror_id, ScoreSheet.stage == stage)
        .with_for_update(of=ScoreSheet)
        # The values read under the lock, not those of an earlier copy in the session. The juror (and
        # their roles) are not needed. The scores keep their selectin load: a second statement, sent
        # once the lock is held, so that it sees the scores of a save that held the lock before.
        .options(lazyload(ScoreSheet.juror))
        .execution_options(populate_existing=True)
    )


def _locked_sheet(target: ScoringTarget, juror: User) -> ScoreSheet:
    """The sheet as an ORM object (created if absent), under its row lock."""
    return _get_or_create_locked(target, juror.id, lambda: _sheet_for_update(target.entry_id, juror.id, target.stage))


def _locked_sheet_row(target: ScoringTarget, juror_id: int) -> Row[int, SheetStatus, str, int, int]:
    """The sheet's id, status, client id and sequence and version (created if absent), under its row lock."""

    def lock() -> Row[int, SheetStatus, str, int, int] | None:
        params = {"entry_id": target.entry_id, "juror_id": juror_id, "stage": target.stage}
        return db.session.execute(_LOCK_SHEET, params).one_or_none()

    return _get_or_create_locked(target, juror_id, lock)


def parse_points(raw: Mapping[int, Any], criteria: Mapping[int, CriterionBounds]) -> dict[int, Decimal | None]:
    """Validate points per criterion of the round's rubric (``criteria`` by id, from ``rubric_bounds``).

    :raise DomainError: naming the criterion.
    """
    parsed: dict[int, Decimal | None] = {}
    for criterion_id, value in raw.items():
        criterion = criteria.get(int(criterion_id))
        if criterion is None:
            raise DomainError(_l("Tiêu chí không thuộc phiếu chấm của đợt này."))
        if value is None or (isinstance(value, str) and not value.strip()):
            parsed[criterion.id] = None
            continue
        try:
            points = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            raise DomainError(_l("Điểm không hợp lệ (tiêu chí: %(name)s).", name=criterion.name)) from None
        problem = rules.points_problem(points, criterion.max_points)
        if problem:
            raise DomainError(
                str(POINTS_MESSAGES[problem])
                % {"name": criterion.name, "max": f"{criterion.max_points.normalize():f}".replace(".", ",")}
            )
        # As the database keeps it (one decimal), so that a total read before the commit reads the same after.
        parsed[criterion.id] = points.quantize(TENTH)
    return parsed


# The Core statements of an autosave, built once; parameters by name.
_LOCK_SHEET = (
    select(SHEETS.c.id, SHEETS.c.status, SHEETS.c.client_id, SHEETS.c.client_seq, SHEETS.c.version)
    .where(
        SHEETS.c.entry_id == bindparam("entry_id"),
        SHEETS.c.juror_id == bindparam("juror_id"),
        SHEETS.c.stage == bindparam("stage"),
    )
    .with_for_update()
)
_SHEET_TOTAL = select(func.sum(SCORES.c.points)).where(SCORES.c.sheet_id == bindparam("sheet_id")).scalar_subquery()
_CLEAR_SCORES = delete(SCORES).where(
    SCORES.c.sheet_id == bindparam("sheet_id"), SCORES.c.criterion_id.in_(bindparam("cleared", expanding=True))
)


def _upsert_score(insert: Callable[[Table], Any]) -> Any:
    statement = insert(SCORES)
    return statement.on_conflict_do_update(
        index_elements=["sheet_id", "criterion_id"], set_={"points": statement.excluded.points}
    )


_UPSERT_SCORE = {"postgresql": _upsert_score(pg_insert), "sqlite": _upsert_score(sqlite_insert)}
_BUMP_SHEET = (
    update(SHEETS)
    .where(SHEETS.c.id == bindparam("sheet_id"))
    .values(client_id=bindparam("new_client_id"), client_seq=bindparam("new_client_seq"), version=SHEETS.c.version + 1)
    .returning(SHEETS.c.version, _SHEET_TOTAL)
)
_BUMP_SHEET_REMARKS = _BUMP_SHEET.values(remarks=bindparam("new_remarks"))


@dataclass(frozen=True)
class SavedSheet:
    """A sheet as a save leaves it: its version and total, and whether the save changed anything."""

    sheet_id: int
    version: int
    total: Decimal
    applied: bool


def _expire_copies(sheet_id: int) -> None:
    """The writes of ``save_points`` bypass the session: expire its copies of the sheet and of its scores,
    if it holds any, so that they are read again. (An autosave's session holds none.)"""
    session = db.session()
    for state in list(session.identity_map.all_states()):
        if (state.class_ is ScoreSheet and state.identity == (sheet_id,)) or (
            state.class_ is Score and state.dict.get("sheet_id") == sheet_id
        ):
            session.expire(state.obj())


def save_points(
    *,
    actor: User,
    target: ScoringTarget | None,
    points: Mapping[int, Any],
    remarks: str | None = None,
    client_id: str = "",
    client_seq: int = 0,
) -> SavedSheet:
    """Autosave a juror's sheet for ``target`` (from ``scoring_target``, in this transaction). Idempotent and
    ordered per client: a save whose ``client_seq`` is not newer than the last applied one from the same
    ``client_id`` changes nothing.

    Without ORM objects: the sheet's row is read under its lock, the points are written (INSERT … ON
    CONFLICT DO UPDATE, DELETE for a cleared criterion), then one UPDATE of the sheet returns its new
    version and total.

    :raise NotAllowed: not a juror of the round, not assigned the entry in this stage, or in conflict.
    :raise DomainError: scoring is not open, a point is out of bounds, or the sheet is submitted.
    """
    target = _require_scoring(actor, target)
    parsed = parse_points(points, rubric_bounds(target.rubric_id, target.rubric_created_at))
    sheet_id, status, last_client_id, last_seq, version = _locked_sheet_row(target, actor.id)
    if status != SheetStatus.DRAFT:
        raise DomainError(_l("Phiếu đã nộp và bị khoá; ban tổ chức có thể mở lại nếu cần."))
    if client_id and last_client_id == client_id and client_seq <= last_seq:
        total = db.session.scalar(select(_SHEET_TOTAL), {"sheet_id": sheet_id})
        return SavedSheet(sheet_id, version, total if total is not None else Decimal(0), applied=False)
    cleared = [criterion_id for criterion_id, value in parsed.items() if value is None]
    given = [
        {"sheet_id": sheet_id, "criterion_id": criterion_id, "points": value}
        for criterion_id, value in parsed.items()
        if value is not None
    ]
    if cleared:
        db.session.execute(_CLEAR_SCORES, {"sheet_id": sheet_id, "cleared": cleared})
    if given:
        db.session.execute(_UPSERT_SCORE[db.session.get_bind().dialect.name], given)
    changes = {"sheet_id": sheet_id, "new_client_id": client_id, "new_client_seq": client_seq}
    if remarks is not None:
        changes["new_remarks"] = remarks.strip()[:5000]
    # The total is read by the same statement, after the points' writes and under the lock.
    version, total = db.session.execute(_BUMP_SHEET if remarks is None else _BUMP_SHEET_REMARKS, changes).one()
    _expire_copies(sheet_id)
    return SavedSheet(sheet_id, version, total if total is not None else Decimal(0), applied=True)


def save_sheet(
    *,
    actor: User,
    entry: Entry,
    points: Mapping[int, Any],
    remarks: str | None = None,
    client_id: str = "",
    client_seq: int = 0,
    stage: int = 1,
) -> SavedSheet:
    """``save_points`` for an entry and a stage."""
    return save_points(
        actor=actor,
        target=scoring_target(actor.id, entry.id, stage),
        points=points,
        remarks=remarks,
        client_id=client_id,
        client_seq=client_seq,
    )


def submit_sheet(*, actor: User, entry: Entry, stage: int = 1) -> ScoreSheet:
    """Submit (lock) the sheet; every criterion must be scored."""
    target = _require_scoring(actor, scoring_target(actor.id, entry.id, stage))
    rubric = entry.round.rubric
    sheet = _locked_sheet(target, actor)
    if sheet.status != SheetStatus.DRAFT:
        raise DomainError(_l("Phiếu đã được nộp."))
    missing = [c.name for c in (rubric.criteria if rubric else []) if c.id not in sheet.points]
    if missing:
        raise DomainError(_l("Còn tiêu chí chưa chấm: %(names)s.", names="; ".join(missing)))
    sheet.status = SheetStatus.SUBMITTED
    sheet.submitted_at = utcnow()
    db.session.flush()
    audit.record("sheet.submitted", actor_id=actor.id, obj=sheet, entry_id=entry.id, total=str(sheet_total(sheet)))
    return sheet


def reopen_sheet(*, actor: User, sheet: ScoreSheet, reason: str) -> ScoreSheet:
    """The organizer reopens a submitted sheet, with a reason (audited)."""
    if not rules.can_reopen_sheet(actor, sheet):
        raise NotAllowed(_l("Bạn không thể mở lại phiếu này."))
    if not reason.strip():
        raise DomainError(_l("Hãy ghi rõ lý do mở lại phiếu."))
    sheet.status = SheetStatus.DRAFT
    sheet.submitted_at = None
    db.session.flush()
    audit.record("sheet.reopened", actor_id=actor.id, obj=sheet, entry_id=sheet.entry_id, reason=reason.strip())
    return sheet


def sheet_total(sheet: ScoreSheet) -> Decimal:
    """The sum of the sheet's points."""
    return sum((s.points for s in sheet.scores), Decimal(0))


def run_assignment(
    *, actor: User, round_: Round, stage: int = 1, entry_ids: Collection[int] | None = None
) -> algo.Assignment:
    """Assign jurors to the accepted entries automatically: k per entry (the round's setting; all
    when unset), balanced loads, no conflicts. Pairs set by hand, and pairs whose sheet was started,
    are kept. Returns the algorithm's result, whose problems the organizer sees."""
    _require_manager(actor, round_)
    if round_.state not in (RoundState.SCREENING, RoundState.JUDGING):
        raise DomainError(_l("Chỉ phân công khi đợt đang thẩm định hồ sơ hoặc đang chấm điểm."))
    detect_conflicts(actor=actor, round_=round_)
    entries = [e for e in accepted_entries(round_) if entry_ids is None or e.id in entry_ids]
    jurors = appointments(round_)
    if not jurors:
        raise DomainError(_l("Chưa có giám khảo nào được bổ nhiệm."))
    current = list(
        db.session.scalars(select(Assignment).where(Assignment.round_id == round_.id, Assignment.stage == stage))
    )
    started: set[tuple[int, int]] = {
        (juror_id, entry_id)
        for juror_id, entry_id in db.session.execute(
            select(ScoreSheet.juror_id, ScoreSheet.entry_id).where(
                ScoreSheet.round_id == round_.id, ScoreSheet.stage == stage
            )
        )
    }
    fixed = {(a.juror_id, a.entry_id) for a in current if a.manual} | started
    conflicts: set[tuple[int, int]] = {
        (juror_id, entry_id)
        for juror_id, entry_id in db.session.execute(
            select(Conflict.juror_id, Conflict.entry_id).where(Conflict.round_id == round_.id)
        )
    }
    result = algo.assign(
        [algo.EntryInfo(e.id, e.group.code) for e in entries],
        [algo.JurorInfo(j.user_id, frozenset(g.code for g in j.groups) or None) for j in jurors],
        round_.jurors_per_entry,
        conflicts,
        fixed=fixed,
    )
    existing = {(a.juror_id, a.entry_id): a for a in current}
    for pair, row in existing.items():
        if pair not in result.pairs:
            db.session.delete(row)
    for juror_id, entry_id in sorted(result.pairs - existing.keys()):
        db.session.add(Assignment(round_id=round_.id, entry_id=entry_id, juror_id=juror_id, stage=stage))
    db.session.flush()
    audit.record(
        "assignment.automatic",
        actor_id=actor.id,
        obj=round_,
        pairs=len(result.pairs),
        spread=result.spread,
        problems=len(result.problems),
    )
    return result


def jurors_behind(round_: Round, stage: int = 1) -> list[tuple[User, int]]:
    """Jurors with assigned entries whose sheet is not submitted yet, with how many remain."""
    assigned = db.session.execute(
        select(Assignment.juror_id, Assignment.entry_id).where(
            Assignment.round_id == round_.id, Assignment.stage == stage
        )
    ).all()
    submitted = {
        (juror_id, entry_id)
        for juror_id, entry_id in db.session.execute(
            select(ScoreSheet.juror_id, ScoreSheet.entry_id).where(
                ScoreSheet.round_id == round_.id, ScoreSheet.stage == stage, ScoreSheet.status == SheetStatus.SUBMITTED
            )
        )
    }
    remaining: dict[int, int] = {}
    for juror_id, entry_id in assigned:
        if (juror_id, entry_id) not in submitted:
            remaining[juror_id] = remaining.get(juror_id, 0) + 1
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(remaining)))}
    return sorted(((users[j], n) for j, n in remaining.items()), key=lambda item: item[0].name)


def record_reminders(*, actor: User, round_: Round, jurors: Sequence[tuple[User, int]]) -> None:
    """Audit that reminders go out (the route sends them after committing)."""
    _require_manager(actor, round_)
    if not rules.scoring_open(round_):
        raise DomainError(_l("Đợt bình chọn không ở giai đoạn chấm điểm."))
    audit.record("juror.reminded", actor_id=actor.id, obj=round_, jurors=[u.email for u, _n in jurors])


def record_site_visit(*, actor: User, entry: Entry, visited_on: date | None, notes: str) -> SiteVisit:
    """Notes of the visit to a shortlisted facility in a two-stage round (one record per entry, editable)."""
    round_ = entry.round
    _require_manager(actor, round_)
    if not round_.two_stage or round_.current_stage != 2 or not rules.scoring_open(round_):
        raise DomainError(_l("Chỉ ghi biên bản khảo sát thực tế ở vòng 2 của đợt chấm hai vòng."))
    if not notes.strip():
        raise DomainError(_l("Hãy ghi nội dung khảo sát thực tế."))
    visit = db.session.scalar(select(SiteVisit).where(SiteVisit.entry_id == entry.id))
    if visit is None:
        visit = SiteVisit(round_id=round_.id, entry_id=entry.id)
        db.session.add(visit)
    visit.visited_on, visit.notes, visit.author_id = visited_on, notes.strip(), actor.id
    db.session.flush()
    audit.record("entry.site_visit", actor_id=actor.id, obj=entry, visited_on=str(visited_on) if visited_on else None)
    return visit
