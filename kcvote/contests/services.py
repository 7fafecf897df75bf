"""Round use cases: create, copy, edit, rubric versions, and one function per state transition."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kcvote.accounts.enums import Role, ScopeType
from kcvote.accounts.models import RoleAssignment, User
from kcvote.contests import rules
from kcvote.contests.enums import RoundState
from kcvote.contests.models import Round, Rubric, RubricCriterion, RubricGroup
from kcvote.core import audit
from kcvote.core.clock import deadline_passed, today_vn
from kcvote.core.db import utcnow
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.extensions import db
from kcvote.reference.enums import ScopeKind
from kcvote.reference.models import Level, ProductGroup, Province, Region

# The 100-point score sheet of Phụ lục 4 (TT 26/2014): the four groups are the regulation's;
# the sub-criteria inside them are a setting, and these are editable defaults.
DEFAULT_RUBRIC: list[tuple[str, list[tuple[str, int]]]] = [
    (
        "Đáp ứng thị trường và khả năng phát triển sản xuất",
        [
            ("Khả năng đáp ứng nhu cầu thị trường, thị hiếu người tiêu dùng", 10),
            ("Thị trường tiêu thụ trong nước và xuất khẩu", 10),
            ("Khả năng sản xuất hàng loạt, mở rộng quy mô", 10),
            ("Doanh thu, lợi nhuận và hiệu quả kinh doanh", 10),
        ],
    ),
    (
        "Kinh tế – kỹ thuật – xã hội và môi trường",
        [
            ("Hiệu quả kinh tế, giá trị gia tăng của sản phẩm", 10),
            ("Sử dụng nguyên liệu, lao động tại địa phương", 10),
            ("Quy trình công nghệ, chất lượng và tiêu chuẩn sản phẩm", 10),
            ("Bảo vệ môi trường, an toàn lao động, an toàn thực phẩm", 10),
        ],
    ),
    (
        "Tính văn hóa, tính thẩm mỹ",
        [
            ("Thể hiện bản sắc văn hóa dân tộc, truyền thống địa phương", 5),
            ("Kiểu dáng, mẫu mã, bao bì, nhãn mác", 5),
        ],
    ),
    (
        "Một số tiêu chí khác",
        [
            ("Đăng ký nhãn hiệu, bảo hộ sở hữu trí tuệ", 4),
            ("Chứng nhận chất lượng, giải thưởng đã đạt", 3),
            ("Tính sáng tạo, độc đáo của sản phẩm", 3),
        ],
    ),
]

OPENING_MESSAGES = {
    "no_rubric": _l("Chưa có phiếu chấm điểm."),
    "rubric_total": _l("Phiếu chấm điểm phải có tổng 100 điểm và mỗi nhóm có ít nhất một tiêu chí."),
    "no_groups": _l("Chưa chọn nhóm sản phẩm nào."),
    "no_dates": _l("Chưa có ngày mở và hạn đăng ký."),
    "dates_order": _l("Hạn đăng ký phải sau ngày mở đăng ký."),
    "deadline_past": _l("Hạn đăng ký đã qua."),
    "judging_before_deadline": _l("Ngày bắt đầu chấm phải sau hạn đăng ký."),
}


@dataclass
class RubricRow:
    """One line of the rubric editor: a criterion inside a named group."""

    group: str
    criterion: str
    max_points: Decimal


@dataclass
class RoundSettings:
    """Everything an organizer sets on a round."""

    name: str
    level: Level
    year: int
    groups: Sequence[ProductGroup]
    scope_province: Province | None = None
    scope_region: Region | None = None
    scope_commune: str = ""
    code_prefix: str = "KC"
    registration_opens_on: date | None = None
    registration_deadline: date | None = None
    judging_starts_on: date | None = None
    judging_ends_on: date | None = None
    pass_threshold: Decimal = Decimal("70.00")
    min_photos: int = 3
    max_photo_mb: int = 10
    max_document_mb: int = 10
    certificate_validity_years: int = 4
    blind_judging: bool = False
    jurors_per_entry: int | None = None
    completion_days: int = 15
    prize_tiers: list[list[Any]] = field(default_factory=list)
    two_stage: bool = False
    same_province_conflict: bool = False
    aggregate_method: str = "mean"
    trim_min_jurors: int = 5
    disagreement_sd: Decimal = Decimal("10.00")


def parse_prize_tiers(text: str) -> list[list[Any]]:
    """ "Giải nhất: 2; Giải nhì: 4" → [["Giải nhất", 2], ["Giải nhì", 4]]. :raise DomainError: on bad input."""
    tiers: list[list[Any]] = []
    for part in (p.strip() for p in text.replace("\n", ";").split(";")):
        if not part:
            continue
        name, _, count = part.rpartition(":")
        if not name.strip() or not count.strip().isdigit() or int(count) < 1:
            raise DomainError(_l("Cơ cấu giải ghi theo dạng “Giải nhất: 2; Giải nhì: 4” (lỗi ở: %(part)s).", part=part))
        tiers.append([name.strip(), int(count)])
    return tiers


def _check_scope(settings: RoundSettings) -> None:
    scope = settings.level.scope
    if scope in (ScopeKind.COMMUNE, ScopeKind.PROVINCE) and settings.scope_province is None:
        raise DomainError(_l("Hãy chọn tỉnh, thành phố tổ chức đợt bình chọn."))
    if scope == ScopeKind.COMMUNE and not settings.scope_commune.strip():
        raise DomainError(_l("Hãy nhập tên xã tổ chức đợt bình chọn."))
    if scope == ScopeKind.REGION and settings.scope_region is None:
        raise DomainError(_l("Hãy chọn vùng tổ chức đợt bình chọn."))


def _apply(round_: Round, settings: RoundSettings) -> None:
    scope = settings.level.scope
    round_.name = settings.name.strip()
    round_.level = settings.level
    round_.year = settings.year
    round_.groups = list(settings.groups)
    round_.scope_province = settings.scope_province if scope in (ScopeKind.COMMUNE, ScopeKind.PROVINCE) else None
    round_.scope_region = settings.scope_region if scope == ScopeKind.REGION else None
    round_.scope_commune = settings.scope_commune.strip() if scope == ScopeKind.COMMUNE else ""
    round_.code_prefix = settings.code_prefix.strip().upper()
    round_.registration_opens_on = settings.registration_opens_on
    round_.registration_deadline = settings.registration_deadline
    round_.judging_starts_on = settings.judging_starts_on
    round_.judging_ends_on = settings.judging_ends_on
    round_.pass_threshold = settings.pass_threshold
    round_.min_photos = settings.min_photos
    round_.max_photo_mb = settings.max_photo_mb
    round_.max_document_mb = settings.max_document_mb
    round_.certificate_validity_years = settings.certificate_validity_years
    round_.blind_judging = settings.blind_judging
    round_.jurors_per_entry = settings.jurors_per_entry
    round_.completion_days = settings.completion_days
    round_.prize_tiers = [list(t) for t in settings.prize_tiers]
    round_.two_stage = settings.two_stage
    round_.same_province_conflict = settings.same_province_conflict
    round_.aggregate_method = settings.aggregate_method
    round_.trim_min_jurors = settings.trim_min_jurors
    round_.disagreement_sd = settings.disagreement_sd


def _grant_organizer(actor: User, round_: Round) -> None:
    if not actor.has_scoped_role(Role.ORGANIZER, ScopeType.ROUND, round_.id):
        actor.roles.append(
            RoleAssignment(role=Role.ORGANIZER, scope_type=ScopeType.ROUND, scope_id=round_.id, granted_by_id=actor.id)
        )


def _new_rubric(round_: Round, rows: Sequence[RubricRow], actor: User | None) -> Rubric:
    version = max((r.version for r in round_.rubrics), default=0) + 1
    rubric = Rubric(version=version, created_by_id=actor.id if actor else None)
    groups: dict[str, RubricGroup] = {}
    for row in rows:
        group_name = row.group.strip()
        group = groups.get(group_name)
        if group is None:
            group = RubricGroup(position=len(groups) + 1, name=group_name)
            groups[group_name] = group
            rubric.groups.append(group)
        group.criteria.append(
            RubricCriterion(position=len(group.criteria) + 1, name=row.criterion.strip(), max_points=row.max_points)
        )
    round_.rubrics.insert(0, rubric)
    return rubric


def default_rubric_rows() -> list[RubricRow]:
    """The regulation's four groups with the default sub-criteria."""
    return [RubricRow(group, name, Decimal(points)) for group, criteria in DEFAULT_RUBRIC for name, points in criteria]


def rubric_rows(rubric: Rubric) -> list[RubricRow]:
    """A rubric version as editor rows."""
    return [RubricRow(g.name, c.name, c.max_points) for g in rubric.groups for c in g.criteria]


def create_round(*, actor: User, settings: RoundSettings, source: Round | None = None) -> Round:
    """Create a draft round with the default rubric (or the source round's); its creator organises it."""
    if not rules.can_create_round(actor):
        raise NotAllowed(_l("Bạn không có quyền tạo đợt bình chọn."))
    _check_scope(settings)
    round_ = Round(created_by_id=actor.id, source_round_id=source.id if source else None)
    _apply(round_, settings)
    db.session.add(round_)
    source_rubric = source.rubric if source else None
    _new_rubric(round_, rubric_rows(source_rubric) if source_rubric else default_rubric_rows(), actor)
    db.session.flush()
    _grant_organizer(actor, round_)
    db.session.flush()
    audit.record("round.created", actor_id=actor.id, obj=round_, name=round_.name, copied_from=round_.source_round_id)
    return round_


def _shift_year(day: date | None, years: int) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def copy_round(*, actor: User, source: Round, year: int) -> Round:
    """A new draft for ``year`` with the source's settings, groups and rubric; dates move by the years between."""
    if not rules.can_manage_round(actor, source):
        raise NotAllowed(_l("Bạn không quản lý đợt bình chọn này."))
    shift = year - source.year
    name = source.name.replace(str(source.year), str(year)) if str(source.year) in source.name else source.name
    settings = RoundSettings(
        name=name,
        level=source.level,
        year=year,
        groups=list(source.groups),
        scope_province=source.scope_province,
        scope_region=source.scope_region,
        scope_commune=source.scope_commune,
        code_prefix=source.code_prefix,
        registration_opens_on=_shift_year(source.registration_opens_on, shift),
        registration_deadline=_shift_year(source.registration_deadline, shift),
        judging_starts_on=_shift_year(source.judging_starts_on, shift),
        judging_ends_on=_shift_year(source.judging_ends_on, shift),
        pass_threshold=source.pass_threshold,
        min_photos=source.min_photos,
        max_photo_mb=source.max_photo_mb,
        max_document_mb=source.max_document_mb,
        certificate_validity_years=source.certificate_validity_years,
        blind_judging=source.blind_judging,
        jurors_per_entry=source.jurors_per_entry,
        completion_days=source.completion_days,
        prize_tiers=[list(t) for t in source.prize_tiers or []],
        two_stage=source.two_stage,
        same_province_conflict=source.same_province_conflict,
        aggregate_method=source.aggregate_method,
        trim_min_jurors=source.trim_min_jurors,
        disagreement_sd=source.disagreement_sd,
    )
    return create_round(actor=actor, settings=settings, source=source)


def update_round(*, actor: User, round_: Round, settings: RoundSettings) -> Round:
    """Edit a draft freely; once open only the name and dates may change; afterwards nothing."""
    if not rules.can_manage_round(actor, round_):
        raise NotAllowed(_l("Bạn không quản lý đợt bình chọn này."))
    _check_scope(settings)
    if round_.state == RoundState.DRAFT:
        _apply(round_, settings)
    elif round_.state == RoundState.OPEN:
        changed = _changed_fields(round_, settings)
        frozen = sorted(set(changed) - set(rules.EDITABLE_WHEN_OPEN))
        if frozen:
            raise DomainError(
                _l(
                    "Đợt đã mở đăng ký: chỉ còn sửa được tên và các mốc thời gian (đang sửa: %(fields)s).",
                    fields=", ".join(frozen),
                )
            )
        if settings.registration_deadline and deadline_passed(settings.registration_deadline):
            raise DomainError(_l("Hạn đăng ký mới không được ở trong quá khứ."))
        for field in changed:
            setattr(round_, field, getattr(settings, field))
        round_.name = round_.name.strip()
    else:
        raise DomainError(_l("Không thể sửa đợt bình chọn ở trạng thái này."))
    db.session.flush()
    audit.record("round.updated", actor_id=actor.id, obj=round_, state=round_.state.value)
    return round_


def _changed_fields(round_: Round, settings: RoundSettings) -> list[str]:
    fields = [
        "name", "year", "code_prefix", "registration_opens_on", "registration_deadline", "judging_starts_on",
        "judging_ends_on", "pass_threshold", "min_photos", "max_photo_mb", "max_document_mb",
        "certificate_validity_years", "blind_judging", "jurors_per_entry", "completion_days", "prize_tiers", "two_stage", "same_province_conflict", "aggregate_method",
        "trim_min_jurors", "disagreement_sd",
    ]  # fmt: skip
    changed = [f for f in fields if getattr(round_, f) != getattr(settings, f)]
    if round_.level_id != settings.level.id:
        changed.append("level")
    if {g.id for g in round_.groups} != {g.id for g in settings.groups}:
        changed.append("groups")
    return changed


def save_rubric(*, actor: User, round_: Round, rows: Sequence[RubricRow]) -> Rubric:
    """Save the rubric as a new version. Refused once the round has opened (it keeps its version)."""
    if not rules.can_manage_round(actor, round_):
        raise NotAllowed(_l("Bạn không quản lý đợt bình chọn này."))
    if round_.state != RoundState.DRAFT:
        raise DomainError(_l("Đợt đã mở: phiếu chấm điểm được giữ nguyên phiên bản lúc mở và không sửa được nữa."))
    if not rows:
        raise DomainError(_l("Phiếu chấm điểm cần ít nhất một tiêu chí."))
    for row in rows:
        if not row.group.strip() or not row.criterion.strip():
            raise DomainError(_l("Mỗi dòng cần tên nhóm và tên tiêu chí."))
        if row.max_points <= 0 or row.max_points * 2 != int(row.max_points * 2):
            raise DomainError(_l("Điểm tối đa phải là số dương, bội của 0,5 (tiêu chí: %(name)s).", name=row.criterion))
    total = sum((r.max_points for r in rows), Decimal(0))
    if total != 100:
        raise DomainError(_l("Tổng điểm tối đa phải là 100 (hiện là %(total)s).", total=f"{total.normalize():f}"))
    rubric = _new_rubric(round_, rows, actor)
    db.session.flush()
    audit.record("round.rubric_saved", actor_id=actor.id, obj=round_, version=rubric.version, total=str(total))
    return rubric


def add_organizer(*, actor: User, round_: Round, user: User) -> None:
    """Make another organizer a co-organizer of this round."""
    if not rules.can_manage_round(actor, round_):
        raise NotAllowed(_l("Bạn không quản lý đợt bình chọn này."))
    if not (user.holds(Role.ORGANIZER) or user.has_role(Role.ADMIN)):
        raise DomainError(_l("%(email)s chưa có vai trò ban tổ chức; hãy mời họ trước.", email=user.email))
    _grant_organizer(user, round_)
    db.session.flush()
    audit.record("role.assigned", actor_id=actor.id, obj=user, role="organizer", scope_type="round", scope_id=round_.id)


def organizers_of(round_: Round) -> list[User]:
    """The users holding the organizer role scoped to this round."""
    return list(
        db.session.scalars(
            select(User)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(
                RoleAssignment.role == Role.ORGANIZER,
                RoleAssignment.scope_type == ScopeType.ROUND,
                RoleAssignment.scope_id == round_.id,
            )
            .order_by(User.name)
        )
    )


# --- state transitions: one function each, with its guards -------------------------------


# Higher domains (entries, judging) add checks to transitions without contests importing them:
# each guard gets the round and returns the reasons (translated) that block entering its target.
TransitionGuard = Callable[[Round], list[str]]
TRANSITION_GUARDS: dict[RoundState, list[TransitionGuard]] = defaultdict(list)


# ... and effects that must happen in the same transaction as the transition (e.g. judging freezes
# the results when the round is finalized). Each effect gets (actor, round).
TransitionEffect = Callable[[User, Round], None]
TRANSITION_EFFECTS: dict[RoundState, list[TransitionEffect]] = defaultdict(list)


def transition_effect(target: RoundState) -> Callable[[TransitionEffect], TransitionEffect]:
    """Register the decorated function to run when a round enters ``target``."""

    def register(func: TransitionEffect) -> TransitionEffect:
        if func not in TRANSITION_EFFECTS[target]:
            TRANSITION_EFFECTS[target].append(func)
        return func

    return register


def transition_guard(target: RoundState) -> Callable[[TransitionGuard], TransitionGuard]:
    """Register the decorated function as a guard on entering ``target``."""

    def register(func: TransitionGuard) -> TransitionGuard:
        if func not in TRANSITION_GUARDS[target]:
            TRANSITION_GUARDS[target].append(func)
        return func

    return register


def _transition(actor: User, round_: Round, expected: RoundState, target: RoundState, **data: Any) -> Round:
    if not rules.can_manage_round(actor, round_):
        raise NotAllowed(_l("Bạn không quản lý đợt bình chọn này."))
    if round_.state != expected:
        raise DomainError(
            _l(
                "Không thể chuyển từ trạng thái “%(current)s” sang “%(target)s”.",
                current=STATE_LABELS[round_.state],
                target=STATE_LABELS[target],
            )
        )
    blocking = [reason for guard in TRANSITION_GUARDS[target] for reason in guard(round_)]
    if blocking:
        raise DomainError(" ".join(blocking))
    previous = round_.state
    round_.state = target
    round_.state_changed_at = utcnow()
    db.session.flush()
    for effect in TRANSITION_EFFECTS[target]:
        effect(actor, round_)
    audit.record(
        "round.state_changed", actor_id=actor.id, obj=round_, **{"from": previous.value, "to": target.value}, **data
    )
    return round_


def open_round(*, actor: User, round_: Round, today: date | None = None) -> Round:
    """draft → open: needs a complete 100-point rubric, product groups and a future registration deadline."""
    problems = rules.opening_problems(round_, today)
    if problems and round_.state == RoundState.DRAFT:
        raise DomainError(" ".join(str(OPENING_MESSAGES[p]) for p in problems))
    rubric = round_.rubric
    return _transition(
        actor, round_, RoundState.DRAFT, RoundState.OPEN, rubric_version=rubric.version if rubric else None
    )


def start_screening(*, actor: User, round_: Round, today: date | None = None) -> Round:
    """open → screening: only once the registration deadline has passed."""
    if round_.state == RoundState.OPEN and not deadline_passed(round_.registration_deadline, today or today_vn()):
        raise DomainError(_l("Hạn đăng ký chưa kết thúc; chưa thể chuyển sang thẩm định hồ sơ."))
    return _transition(actor, round_, RoundState.OPEN, RoundState.SCREENING)


def start_judging(*, actor: User, round_: Round) -> Round:
    """screening → judging: the guards of higher domains (every dossier screened ...) must pass."""
    return _transition(actor, round_, RoundState.SCREENING, RoundState.JUDGING)


def close_judging(*, actor: User, round_: Round) -> Round:
    """judging → closed: scoring ends; results can be reviewed."""
    return _transition(actor, round_, RoundState.JUDGING, RoundState.CLOSED)


def finalize_round(*, actor: User, round_: Round) -> Round:
    """closed → finalized: results are frozen."""
    return _transition(actor, round_, RoundState.CLOSED, RoundState.FINALIZED)


def reopen_results(*, actor: User, round_: Round, reason: str) -> Round:
    """finalized → closed: only an administrator, with a reason (audited); the frozen results are retired."""
    if not actor.has_role(Role.ADMIN):
        raise NotAllowed(_l("Chỉ quản trị viên được mở lại kết quả đã chốt."))
    if not reason.strip():
        raise DomainError(_l("Hãy ghi rõ lý do mở lại kết quả."))
    return _transition(actor, round_, RoundState.FINALIZED, RoundState.CLOSED, reason=reason.strip())


def publish_round(*, actor: User, round_: Round) -> Round:
    """finalized → published: recognised products appear on the public pages."""
    return _transition(actor, round_, RoundState.FINALIZED, RoundState.PUBLISHED)


TRANSITIONS = {
    "open": open_round,
    "screening": start_screening,
    "judging": start_judging,
    "close": close_judging,
    "finalize": finalize_round,
    "publish": publish_round,
}

STATE_LABELS = {
    RoundState.DRAFT: _l("Bản nháp"),
    RoundState.OPEN: _l("Đang nhận hồ sơ"),
    RoundState.SCREENING: _l("Thẩm định hồ sơ"),
    RoundState.JUDGING: _l("Đang chấm điểm"),
    RoundState.CLOSED: _l("Đã kết thúc chấm"),
    RoundState.FINALIZED: _l("Đã chốt kết quả"),
    RoundState.PUBLISHED: _l("Đã công bố"),
}
