"""Judging use cases: appoint jurors, conflicts, assignments, and the score sheets (autosave, submit, reopen).

Every juror-facing rule is checked here; routes only show what these allow.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import lazyload

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


def _require_scoring(actor: User, entry: Entry, stage: int) -> None:
    if not rules.is_round_juror(actor, entry.round):
        raise NotAllowed(_l("Sản phẩm này không được phân công cho bạn."))
    assigned, conflict = assigned_and_conflicted(actor.id, entry.id, stage)
    if not assigned:
        raise NotAllowed(_l("Sản phẩm này không được phân công cho bạn."))
    if conflict:
        raise NotAllowed(_l("Bạn đã khai xung đột lợi ích với sản phẩm này."))
    if not rules.scoring_open(entry.round):
        raise DomainError(_l("Đợt bình chọn không ở giai đoạn chấm điểm."))


def current_criteria(round_id: int) -> tuple[int | None, dict[int, RubricCriterion]]:
    """The id of the round's current rubric (its latest version, as ``Round.rubric``) and that rubric's
    criteria by id, in one query: scoring needs the bounds, not the rubric's groups."""
    latest = (
        select(Rubric.id).where(Rubric.round_id == round_id).order_by(Rubric.version.desc()).limit(1).scalar_subquery()
    )
    rows = db.session.execute(
        select(Rubric.id, RubricCriterion)
        .outerjoin(RubricGroup, RubricGroup.rubric_id == Rubric.id)
        .outerjoin(RubricCriterion, RubricCriterion.group_id == RubricGroup.id)
        .where(Rubric.id == latest)
    ).all()
    rubric_id = rows[0][0] if rows else None
    return rubric_id, {criterion.id: criterion for _id, criterion in rows if criterion is not None}


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


def _locked_sheet(entry: Entry, juror: User, stage: int, rubric_id: int | None) -> ScoreSheet:
    """Get or create the sheet, safely under concurrency (insert-if-absent, then lock the row)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        # Once the sheet exists (every save but a sheet's first) locking it is enough.
        sheet = _sheet_for_update(entry.id, juror.id, stage)
        if sheet is not None:
            return sheet
    values = {
        "round_id": entry.round_id,
        "entry_id": entry.id,
        "juror_id": juror.id,
        "stage": stage,
        "rubric_id": rubric_id,
        "status": SheetStatus.DRAFT,
        "remarks": "",
        "client_id": "",
        "client_seq": 0,
        "version": 0,
        "created_at": utcnow(),
        "updated_at": utcnow(),
    }
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    # On SQLite this write is also the lock: it takes the database's write lock before the sheet is read.
    db.session.execute(
        insert(ScoreSheet).values(**values).on_conflict_do_nothing(index_elements=["entry_id", "juror_id", "stage"])
    )
    sheet = _sheet_for_update(entry.id, juror.id, stage)
    assert sheet is not None  # inserted above or by a concurrent request
    return sheet


def parse_points(raw: Mapping[int, Any], criteria: Mapping[int, RubricCriterion]) -> dict[int, Decimal | None]:
    """Validate points per criterion of the round's rubric (``criteria`` by id, from ``current_criteria``).

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
        problem = rules.points_problem(points, criterion)
        if problem:
            raise DomainError(
                str(POINTS_MESSAGES[problem])
                % {"name": criterion.name, "max": f"{criterion.max_points.normalize():f}".replace(".", ",")}
            )
        # As the database keeps it (one decimal), so that a total read before the commit reads the same after.
        parsed[criterion.id] = points.quantize(TENTH)
    return parsed


def save_sheet(
    *,
    actor: User,
    entry: Entry,
    points: Mapping[int, Any],
    remarks: str | None = None,
    client_id: str = "",
    client_seq: int = 0,
    stage: int = 1,
) -> tuple[ScoreSheet, bool]:
    """Autosave a juror's sheet. Idempotent and ordered per client: a save whose ``client_seq`` is not
    newer than the last applied one from the same ``client_id`` changes nothing. Returns (sheet, applied)."""
    _require_scoring(actor, entry, stage)
    rubric_id, criteria = current_criteria(entry.round_id)
    parsed = parse_points(points, criteria)
    sheet = _locked_sheet(entry, actor, stage, rubric_id)
    if sheet.status != SheetStatus.DRAFT:
        raise DomainError(_l("Phiếu đã nộp và bị khoá; ban tổ chức có thể mở lại nếu cần."))
    if client_id and sheet.client_id == client_id and client_seq <= sheet.client_seq:
        return sheet, False
    by_criterion = {s.criterion_id: s for s in sheet.scores}
    for criterion_id, value in parsed.items():
        score = by_criterion.get(criterion_id)
        if value is None:
            if score is not None:
                sheet.scores.remove(score)
        elif score is None:
            sheet.scores.append(Score(criterion_id=criterion_id, points=value))
        else:
            score.points = value
    if remarks is not None:
        sheet.remarks = remarks.strip()[:5000]
    sheet.client_id, sheet.client_seq = client_id, client_seq
    sheet.version += 1
    db.session.flush()
    return sheet, True


def submit_sheet(*, actor: User, entry: Entry, stage: int = 1) -> ScoreSheet:
    """Submit (lock) the sheet; every criterion must be scored."""
    _require_scoring(actor, entry, stage)
    rubric = entry.round.rubric
    sheet = _locked_sheet(entry, actor, stage, rubric.id if rubric else None)
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
