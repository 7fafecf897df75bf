"""Artisan dossiers (Nghị định 43/2024): award rounds and provincial windows, nominations filed by the
artisan or by the Sở on their behalf, evidence uploads, intake at the Sở, and the rules in force.

Services check permission (NotAllowed), check the rules (DomainError), change state, flush and write
the audit log; they never commit. The permission predicates (``can_*``) are used by routes and
templates alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from kcvote.accounts.enums import Role
from kcvote.accounts.models import User
from kcvote.artisans import rules, settings
from kcvote.artisans.enums import (
    CouncilLevel,
    EvidenceKind,
    NominationStatus,
    PrizeLevel,
    PrizeRank,
    Title,
)
from kcvote.artisans.models import (
    AwardRound,
    Council,
    CouncilMember,
    CouncilRule,
    CraftPeriod,
    Evidence,
    Nomination,
    Nominee,
    Prize,
    SubmissionWindow,
    TitleRule,
    Work,
)
from kcvote.core import audit
from kcvote.core.clock import add_days, today_vn
from kcvote.core.db import utcnow
from kcvote.core.errors import DomainError, FileTooLarge, NotAllowed
from kcvote.core.images import DocumentRejected, process_image, sniff_document
from kcvote.core.storage import delete_after_commit, discard_on_rollback, get_storage
from kcvote.core.text import fold
from kcvote.extensions import db
from kcvote.reference.models import Province

MB = 1024 * 1024
DOCUMENT_MAX_MB = 10  # photos and PDFs
EDITABLE = (NominationStatus.DRAFT, NominationStatus.COMPLETION_REQUESTED)
# What an upload proves (``Evidence.purpose``); "work:<id>" and "prize:<id>" name one work or prize.
PURPOSES = ("work", "prize", "teaching", "title", "authorisation", "other")
# Defaults when no CouncilRule is in force (none seeded yet): DOMAIN.md §B.
DEFAULT_ANSWER_DAYS = 10
DEFAULT_COMPLETION_DAYS = 15


class IncompleteDossier(DomainError):
    """Submission refused: ``missing`` lists what the dossier still lacks (labels a user can read)."""

    def __init__(self, missing: list[object]) -> None:
        super().__init__(_l("Hồ sơ chưa đủ để nộp: %(items)s.", items="; ".join(str(m) for m in missing)))
        self.missing = missing


class EvidenceRejected(DomainError):
    """An upload is not a photo, a PDF or a short video."""

    status_code = 422


# --- permissions ----------------------------------------------------------------------------------


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_so(user: Any) -> bool:
    """The Sở Công Thương (organizers) and admins: award rounds, intake, rules, filing on behalf."""
    return _signed_in(user) and (user.has_role(Role.ADMIN) or user.holds(Role.ORGANIZER))


def is_admin(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.ADMIN)


def can_file(user: Any) -> bool:
    """Artisans file their own dossier from a facility-role account; the Sở files on behalf."""
    return _signed_in(user) and (user.holds(Role.FACILITY) or is_so(user))


def is_owner(user: Any, nomination: Nomination) -> bool:
    """The artisan (the nominee's account) or whoever filed the dossier."""
    if not _signed_in(user):
        return False
    return nomination.filed_by_id == user.id or (
        nomination.nominee.user_id is not None and nomination.nominee.user_id == user.id
    )


def can_view_nomination(user: Any, nomination: Nomination) -> bool:
    """The whole dossier, private data included: the owner and the Sở."""
    return is_owner(user, nomination) or is_so(user)


# Private data (ID number, birth date, address) follows the same rule as the whole dossier.
can_see_private = can_view_nomination


def can_edit(user: Any, nomination: Nomination) -> bool:
    """The owner edits a draft or a dossier sent back for completion; the Sở edits the dossiers it files
    on an artisan's behalf."""
    if nomination.status not in EDITABLE:
        return False
    return is_owner(user, nomination) or (nomination.on_behalf and is_so(user))


def is_council_member_of_round(user: Any, award_round_id: int) -> bool:
    """A listed member of any council of the award round."""
    if not _signed_in(user):
        return False
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    CouncilMember.user_id == user.id,
                    CouncilMember.council_id == Council.id,
                    Council.award_round_id == award_round_id,
                )
            )
        )
    )


def can_view_evidence(user: Any, nomination: Nomination) -> bool:
    """The owner, the Sở, and members of a council of the nomination's award round."""
    return can_view_nomination(user, nomination) or is_council_member_of_round(user, nomination.award_round_id)


def _require_so(actor: User) -> None:
    if not is_so(actor):
        raise NotAllowed(_l("Chỉ Sở Công Thương (ban tổ chức) được làm việc này."))


def _require_editable(actor: User, nomination: Nomination) -> None:
    if not (is_owner(actor, nomination) or (nomination.on_behalf and is_so(actor))):
        raise NotAllowed(_l("Bạn không phải người lập hồ sơ này."))
    if nomination.status not in EDITABLE:
        raise DomainError(_l("Hồ sơ đã nộp: chỉ sửa được khi còn là bản nháp hoặc khi Sở yêu cầu bổ sung."))


# --- award rounds and windows ---------------------------------------------------------------------

ROUND_FIELDS = ("name", "number", "start_year", "end_year", "plan_decision_number", "plan_decision_date")


def _check_round_fields(fields: dict[str, Any]) -> None:
    if fields["end_year"] < fields["start_year"]:
        raise DomainError(_l("Năm kết thúc không được trước năm bắt đầu."))


def create_award_round(*, actor: User, fields: dict[str, Any]) -> AwardRound:
    """A new award round (đợt xét tặng) with its plan decision."""
    _require_so(actor)
    _check_round_fields(fields)
    award_round = AwardRound(created_by_id=actor.id, **{k: fields[k] for k in ROUND_FIELDS})
    award_round.name = award_round.name.strip()
    db.session.add(award_round)
    db.session.flush()
    audit.record("award_round.created", actor_id=actor.id, obj=award_round, name=award_round.name)
    return award_round


def update_award_round(*, actor: User, award_round: AwardRound, fields: dict[str, Any]) -> AwardRound:
    _require_so(actor)
    _check_round_fields(fields)
    for key in ROUND_FIELDS:
        setattr(award_round, key, fields[key].strip() if isinstance(fields[key], str) else fields[key])
    db.session.flush()
    audit.record("award_round.updated", actor_id=actor.id, obj=award_round)
    return award_round


def save_window(
    *, actor: User, award_round: AwardRound, province: Province, opens_on: date, closes_on: date
) -> SubmissionWindow:
    """Add the province's submission window, or change it if it exists."""
    _require_so(actor)
    if closes_on < opens_on:
        raise DomainError(_l("Ngày kết thúc nhận hồ sơ không được trước ngày bắt đầu."))
    window = next((w for w in award_round.windows if w.province_id == province.id), None)
    if window is None:
        window = SubmissionWindow(province=province, opens_on=opens_on, closes_on=closes_on)
        award_round.windows.append(window)
        action = "award_round.window_added"
    else:
        window.opens_on, window.closes_on = opens_on, closes_on
        action = "award_round.window_changed"
    db.session.flush()
    audit.record(
        action,
        actor_id=actor.id,
        obj=award_round,
        province_id=province.id,
        opens_on=opens_on.isoformat(),
        closes_on=closes_on.isoformat(),
    )
    return window


def remove_window(*, actor: User, window: SubmissionWindow) -> None:
    """Remove a province's window; refused once dossiers of that province exist in the round."""
    _require_so(actor)
    award_round = window.award_round
    filed = db.session.scalar(
        select(
            exists().where(Nomination.award_round_id == award_round.id, Nomination.province_id == window.province_id)
        )
    )
    if filed:
        raise DomainError(_l("Đã có hồ sơ của tỉnh này trong đợt: không thể xoá thời hạn nhận hồ sơ."))
    province_id = window.province_id
    award_round.windows.remove(window)
    db.session.flush()
    audit.record("award_round.window_removed", actor_id=actor.id, obj=award_round, province_id=province_id)


def window_of(award_round: AwardRound, province_id: int) -> SubmissionWindow | None:
    return next((w for w in award_round.windows if w.province_id == province_id), None)


def window_open(award_round: AwardRound, province_id: int, today: date | None = None) -> bool:
    """The province's Sở receives dossiers today (both ends inclusive)."""
    window = window_of(award_round, province_id)
    day = today or today_vn()
    return window is not None and window.opens_on <= day <= window.closes_on


def _require_window(award_round: AwardRound, province_id: int) -> None:
    if not window_open(award_round, province_id):
        window = window_of(award_round, province_id)
        if window is None:
            raise DomainError(_l("Tỉnh, thành phố này chưa có thời hạn nhận hồ sơ trong đợt xét tặng."))
        raise DomainError(
            _l(
                "Sở Công Thương chỉ nhận hồ sơ từ %(start)s đến %(end)s.",
                start=window.opens_on.strftime("%d/%m/%Y"),
                end=window.closes_on.strftime("%d/%m/%Y"),
            )
        )


# --- nominations ----------------------------------------------------------------------------------

NOMINEE_FIELDS = (
    "name",
    "birth_date",
    "gender",
    "id_number",
    "address",
    "craft",
    "workplace",
    "current_title",
    "current_title_decision",
    "current_title_date",
)
DECLARATION_FIELDS = ("people_taught", "teaching_description", "special_craft", "commendations", "discipline_record")


def _apply_nominee(nominee: Nominee, fields: dict[str, Any]) -> None:
    for key in NOMINEE_FIELDS:
        if key in fields:
            value = fields[key]
            setattr(nominee, key, value.strip() if isinstance(value, str) else value)
    if nominee.current_title is None:
        nominee.current_title_decision, nominee.current_title_date = "", None
    index_nominee(nominee)


def index_nominee(nominee: Nominee) -> None:
    """Fill the accent-folded text the intake list searches ("nguyen van gom" finds "Nguyễn Văn Gốm")."""
    nominee.search_text = fold(f"{nominee.name} {nominee.craft}")[:600]


def start_nomination(
    *, actor: User, award_round: AwardRound, province: Province, title: Title, fields: dict[str, Any]
) -> Nomination:
    """Open a draft dossier in the award round for a nominee of ``province``.

    An artisan (facility role) files their own; the Sở files on an artisan's behalf (``on_behalf``,
    which then needs an authorisation upload before it can be submitted). The province's window must
    be open today.
    """
    if not can_file(actor):
        raise NotAllowed(_l("Tài khoản của bạn không lập được hồ sơ nghệ nhân."))
    _require_window(award_round, province.id)
    on_behalf = is_so(actor)
    if not on_behalf:
        mine = db.session.scalar(
            select(Nomination.id)
            .join(Nominee, Nominee.id == Nomination.nominee_id)
            .where(Nomination.award_round_id == award_round.id, Nominee.user_id == actor.id)
        )
        if mine is not None:
            raise DomainError(_l("Bạn đã có hồ sơ trong đợt xét tặng này."))
    nominee = Nominee(user_id=None if on_behalf else actor.id, province_id=province.id, name="")
    _apply_nominee(nominee, fields)
    if not nominee.name:
        raise DomainError(_l("Hãy nhập họ và tên nghệ nhân."))
    db.session.add(nominee)
    nomination = Nomination(
        award_round_id=award_round.id,
        nominee=nominee,
        province_id=province.id,
        title=title,
        status=NominationStatus.DRAFT,
        filed_by_id=actor.id,
        on_behalf=on_behalf,
    )
    db.session.add(nomination)
    db.session.flush()
    audit.record(
        "nomination.started",
        actor_id=actor.id,
        obj=nomination,
        award_round_id=award_round.id,
        title=title.value,
        on_behalf=on_behalf,
    )
    return nomination


def save_dossier(
    *, actor: User, nomination: Nomination, title: Title, nominee_fields: dict[str, Any], declaration: dict[str, Any]
) -> Nomination:
    """Save the nominee's details, the title sought and the declaration (Mẫu 01 / Mẫu 02)."""
    _require_editable(actor, nomination)
    if declaration.get("people_taught") is not None and declaration["people_taught"] < 0:
        raise DomainError(_l("Số người đã truyền nghề không được âm."))
    nomination.title = title
    _apply_nominee(nomination.nominee, nominee_fields)
    if not nomination.nominee.name:
        raise DomainError(_l("Hãy nhập họ và tên nghệ nhân."))
    for key in DECLARATION_FIELDS:
        if key in declaration:
            value = declaration[key]
            if key == "people_taught":
                value = value or 0
            setattr(nomination, key, value.strip() if isinstance(value, str) else value)
    db.session.flush()
    audit.record("nomination.saved", actor_id=actor.id, obj=nomination)
    return nomination


def _this_year() -> int:
    return today_vn().year


def add_period(
    *, actor: User, nomination: Nomination, from_year: int, to_year: int | None, place: str, description: str = ""
) -> CraftPeriod:
    """A period in the craft (to_year None: to this day)."""
    _require_editable(actor, nomination)
    if from_year < 1900 or from_year > _this_year():
        raise DomainError(_l("Năm bắt đầu không hợp lệ."))
    if to_year is not None and (to_year < from_year or to_year > _this_year()):
        raise DomainError(_l("Năm kết thúc phải từ năm bắt đầu đến năm nay."))
    period = CraftPeriod(from_year=from_year, to_year=to_year, place=place.strip(), description=description.strip())
    nomination.periods.append(period)
    db.session.flush()
    audit.record("nomination.period_added", actor_id=actor.id, obj=nomination, period_id=period.id)
    return period


def remove_period(*, actor: User, period: CraftPeriod) -> None:
    nomination = period.nomination
    _require_editable(actor, nomination)
    nomination.periods.remove(period)
    db.session.flush()
    audit.record("nomination.period_removed", actor_id=actor.id, obj=nomination, period_id=period.id)


def add_work(
    *, actor: User, nomination: Nomination, name: str, description: str = "", made_on: date | None = None
) -> Work:
    """A work the nominee personally designed and made."""
    _require_editable(actor, nomination)
    if made_on is not None and made_on > today_vn():
        raise DomainError(_l("Ngày hoàn thành tác phẩm không được sau hôm nay."))
    work = Work(name=name.strip(), description=description.strip(), made_on=made_on)
    nomination.works.append(work)
    db.session.flush()
    audit.record("nomination.work_added", actor_id=actor.id, obj=nomination, work_id=work.id)
    return work


def remove_work(*, actor: User, work: Work) -> None:
    """Remove a work; its prizes stay (unlinked) and its photos become general work photos."""
    nomination = work.nomination
    _require_editable(actor, nomination)
    for prize in nomination.prizes:
        if prize.work_id == work.id:
            prize.work_id = None
    for item in nomination.evidence:
        if item.purpose == f"work:{work.id}":
            item.purpose = "work"
    nomination.works.remove(work)
    db.session.flush()
    audit.record("nomination.work_removed", actor_id=actor.id, obj=nomination, work_id=work.id)


def add_prize(
    *,
    actor: User,
    nomination: Nomination,
    contest: str,
    level: PrizeLevel,
    rank: PrizeRank,
    year: int,
    work_id: int | None = None,
    sent_by_state: bool = False,
) -> Prize:
    """A prize, usually won with one of the dossier's works."""
    _require_editable(actor, nomination)
    if year < 1900 or year > _this_year():
        raise DomainError(_l("Năm đạt giải không hợp lệ."))
    if work_id is not None and work_id not in {w.id for w in nomination.works}:
        raise DomainError(_l("Tác phẩm đạt giải không thuộc hồ sơ này."))
    prize = Prize(
        contest=contest.strip(), level=level, rank=rank, year=year, work_id=work_id, sent_by_state=sent_by_state
    )
    nomination.prizes.append(prize)
    db.session.flush()
    audit.record("nomination.prize_added", actor_id=actor.id, obj=nomination, prize_id=prize.id)
    return prize


def remove_prize(*, actor: User, prize: Prize) -> None:
    nomination = prize.nomination
    _require_editable(actor, nomination)
    for item in nomination.evidence:
        if item.purpose == f"prize:{prize.id}":
            item.purpose = "prize"
    nomination.prizes.remove(prize)
    db.session.flush()
    audit.record("nomination.prize_removed", actor_id=actor.id, obj=nomination, prize_id=prize.id)


# --- evidence -------------------------------------------------------------------------------------

# ISO-BMFF major brands of MP4 / QuickTime video; image brands (heic, avif, mif1) are not videos.
_VIDEO_BRANDS = {
    b"isom": ("video/mp4", ".mp4"),
    b"iso2": ("video/mp4", ".mp4"),
    b"iso4": ("video/mp4", ".mp4"),
    b"iso5": ("video/mp4", ".mp4"),
    b"iso6": ("video/mp4", ".mp4"),
    b"mp41": ("video/mp4", ".mp4"),
    b"mp42": ("video/mp4", ".mp4"),
    b"avc1": ("video/mp4", ".mp4"),
    b"M4V ": ("video/mp4", ".mp4"),
    b"dash": ("video/mp4", ".mp4"),
    b"qt  ": ("video/quicktime", ".mov"),
}
_EBML = b"\x1a\x45\xdf\xa3"
NOT_EVIDENCE = _l(
    "Chỉ nhận ảnh (JPEG, PNG, WebP), tệp PDF hoặc video ngắn (MP4, WebM). Tệp này không thuộc loại nào trong số đó."
)


def sniff_video(data: bytes) -> tuple[str, str] | None:
    """(content type, suffix) if ``data`` starts like an MP4/QuickTime or WebM video, else None.

    MP4: an ISO-BMFF ``ftyp`` box at byte 4 whose major brand is a video brand. WebM: the EBML magic
    1A 45 DF A3 and the DocType "webm" in the header.
    """
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return _VIDEO_BRANDS.get(data[8:12])
    if data.startswith(_EBML) and b"\x42\x82" in data[:64]:
        doctype_at = data.index(b"\x42\x82", 0, 64) + 2
        # DocType element: ID 42 82, a one-byte size (0x80 | length), then the name.
        if doctype_at < len(data) and data[doctype_at] & 0x80:
            length = data[doctype_at] & 0x7F
            if data[doctype_at + 1 : doctype_at + 1 + length] == b"webm":
                return ("video/webm", ".webm")
    return None


def video_max_mb() -> int:
    return int(current_app.config.get("ARTISAN_VIDEO_MAX_MB", 50))


def add_evidence(*, actor: User, nomination: Nomination, data: bytes, purpose: str, label: str = "") -> Evidence:
    """Store an uploaded proof, told apart by its content (never its name or declared type): a photo is
    re-encoded with a thumbnail (no metadata), a PDF is kept as sent, a short MP4/WebM video is kept as
    sent within ARTISAN_VIDEO_MAX_MB. Anything else (SVG, HTML, executables ...) is refused and nothing
    is stored."""
    _require_editable(actor, nomination)
    _check_purpose(nomination, purpose)
    if not data:
        raise EvidenceRejected(_l("Tệp rỗng: không có dữ liệu nào được gửi lên."))
    storage = get_storage()
    video = sniff_video(data)
    thumb_key: str | None = None
    if video is not None:
        limit = video_max_mb()
        if len(data) > limit * MB:
            raise FileTooLarge(_l("Video lớn hơn giới hạn %(mb)d MB.", mb=limit))
        kind, (content_type, suffix), blob = EvidenceKind.VIDEO, video, data
        keys = [storage.save(blob, suffix=suffix)]
    else:
        if len(data) > DOCUMENT_MAX_MB * MB:
            raise FileTooLarge(_l("Ảnh và tệp PDF tối đa %(mb)d MB.", mb=DOCUMENT_MAX_MB))
        try:
            detected = sniff_document(data)
        except DocumentRejected as error:
            raise EvidenceRejected(NOT_EVIDENCE) from error
        if detected == "application/pdf":
            kind, content_type, blob = EvidenceKind.DOCUMENT, "application/pdf", data
            keys = [storage.save(blob, suffix=".pdf")]
        else:
            image = process_image(data)
            kind, content_type, blob = EvidenceKind.PHOTO, image.content_type, image.original
            keys = [storage.save(blob, suffix=image.suffix)]
            try:
                keys.append(storage.save(image.thumbnail, suffix=".jpg"))
            except Exception:
                storage.delete(keys[0])
                raise
            thumb_key = keys[1]
    discard_on_rollback(keys)
    evidence = Evidence(
        kind=kind,
        purpose=purpose,
        label=label.strip()[:200],
        key=keys[0],
        thumb_key=thumb_key,
        content_type=content_type,
        size_bytes=len(blob),
        uploaded_by_id=actor.id,
    )
    nomination.evidence.append(evidence)
    db.session.flush()
    audit.record(
        "nomination.evidence_added",
        actor_id=actor.id,
        obj=nomination,
        evidence_id=evidence.id,
        kind=kind.value,
        purpose=purpose,
    )
    return evidence


def _check_purpose(nomination: Nomination, purpose: str) -> None:
    base, _, ref = purpose.partition(":")
    if base not in PURPOSES:
        raise DomainError(_l("Hãy chọn minh chứng này dùng để chứng minh điều gì."))
    if ref:
        known = {str(w.id) for w in nomination.works} if base == "work" else set()
        if base == "prize":
            known = {str(p.id) for p in nomination.prizes}
        if ref not in known:
            raise DomainError(_l("Tác phẩm hoặc giải thưởng được chọn không thuộc hồ sơ này."))


def remove_evidence(*, actor: User, evidence: Evidence) -> None:
    """Remove an upload; its files go once the removal is committed."""
    nomination = evidence.nomination
    _require_editable(actor, nomination)
    delete_after_commit([k for k in (evidence.key, evidence.thumb_key) if k])
    nomination.evidence.remove(evidence)
    db.session.flush()
    audit.record("nomination.evidence_removed", actor_id=actor.id, obj=nomination, evidence_id=evidence.id)


# --- submission -----------------------------------------------------------------------------------


def missing_pieces(nomination: Nomination) -> list[object]:
    """What the dossier lacks before it can be submitted (labels a user can read)."""
    nominee = nomination.nominee
    missing: list[object] = []
    required = (
        (nominee.name, _l("họ và tên")),
        (nominee.birth_date, _l("ngày sinh")),
        (nominee.gender, _l("giới tính")),
        (nominee.id_number, _l("số định danh cá nhân/CCCD")),
        (nominee.address, _l("nơi cư trú")),
        (nominee.craft, _l("nghề")),
    )
    missing.extend(label for value, label in required if not value)
    if nomination.title == Title.NNND and not (
        nominee.current_title == Title.NNUT and nominee.current_title_decision and nominee.current_title_date
    ):
        missing.append(_l("danh hiệu Nghệ nhân ưu tú đã được phong tặng (số và ngày quyết định)"))
    if not nomination.periods:
        missing.append(_l("ít nhất một giai đoạn hành nghề"))
    if not nomination.works:
        missing.append(_l("các tác phẩm tiêu biểu"))
    if nomination.people_taught <= 0 or not nomination.teaching_description.strip():
        missing.append(_l("số người đã truyền nghề và mô tả việc truyền nghề"))
    if nomination.on_behalf and not any(e.purpose == "authorisation" for e in nomination.evidence):
        missing.append(_l("giấy ủy quyền của nghệ nhân (hồ sơ do Sở lập thay)"))
    return missing


def _procedure() -> tuple[int, int]:
    rule = settings.council_rule(today_vn())
    if rule is None:
        return DEFAULT_ANSWER_DAYS, DEFAULT_COMPLETION_DAYS
    return rule.answer_days, rule.completion_days


def submit_nomination(*, actor: User, nomination: Nomination, declaration_accepted: bool) -> Nomination:
    """File the dossier at the Sở. The first submission fixes ``filed_on`` (the rules in force that day
    judge the nomination) and must fall in the province's window; a dossier sent back for completion is
    resubmitted by its completion deadline. Either way the Sở must answer within answer_days.

    :raise IncompleteDossier: listing what is missing.
    """
    _require_editable(actor, nomination)
    today = today_vn()
    if nomination.status == NominationStatus.DRAFT:
        _require_window(nomination.award_round, nomination.province_id)
    elif nomination.completion_due is not None and today > nomination.completion_due:
        raise DomainError(_l("Đã quá hạn bổ sung hồ sơ (%(d)s).", d=nomination.completion_due.strftime("%d/%m/%Y")))
    if not declaration_accepted:
        raise DomainError(_l("Hãy đánh dấu lời cam đoan trước khi nộp hồ sơ."))
    missing = missing_pieces(nomination)
    if missing:
        raise IncompleteDossier(missing)
    resubmission = nomination.status == NominationStatus.COMPLETION_REQUESTED
    answer_days, _ = _procedure()
    nomination.declaration_accepted = True
    nomination.filed_on = nomination.filed_on or today
    nomination.submitted_at = utcnow()
    nomination.answer_due = add_days(today, answer_days)
    nomination.status = NominationStatus.SUBMITTED
    db.session.flush()
    audit.record(
        "nomination.resubmitted" if resubmission else "nomination.submitted",
        actor_id=actor.id,
        obj=nomination,
        filed_on=nomination.filed_on.isoformat(),
        answer_due=nomination.answer_due.isoformat(),
    )
    return nomination


# --- intake at the Sở -----------------------------------------------------------------------------


def _require_submitted(nomination: Nomination) -> None:
    if nomination.status == NominationStatus.DRAFT:
        raise DomainError(_l("Hồ sơ còn là bản nháp, chưa được nộp."))
    if nomination.status == NominationStatus.COMPLETION_REQUESTED:
        raise DomainError(_l("Hồ sơ đang chờ nghệ nhân bổ sung."))
    if nomination.status != NominationStatus.SUBMITTED:
        raise DomainError(_l("Hồ sơ đã được Sở trả lời."))


def request_completion(*, actor: User, nomination: Nomination, message: str) -> Nomination:
    """Ask the artisan to complete the dossier within completion_days (15)."""
    _require_so(actor)
    _require_submitted(nomination)
    if not message.strip():
        raise DomainError(_l("Hãy ghi rõ nội dung cần bổ sung."))
    _, completion_days = _procedure()
    nomination.status = NominationStatus.COMPLETION_REQUESTED
    nomination.completion_message = message.strip()
    nomination.completion_due = add_days(today_vn(), completion_days)
    db.session.flush()
    audit.record(
        "nomination.completion_requested",
        actor_id=actor.id,
        obj=nomination,
        completion_due=nomination.completion_due.isoformat(),
    )
    return nomination


def accept_nomination(*, actor: User, nomination: Nomination) -> Nomination:
    """The Sở accepts the dossier: it goes to the provincial council."""
    _require_so(actor)
    _require_submitted(nomination)
    nomination.status = NominationStatus.ACCEPTED
    nomination.stage = CouncilLevel.PROVINCIAL
    nomination.decided_at = utcnow()
    db.session.flush()
    audit.record("nomination.accepted", actor_id=actor.id, obj=nomination)
    return nomination


def return_nomination(*, actor: User, nomination: Nomination, reason: str) -> Nomination:
    """The Sở returns the dossier with a reason (also when a completion deadline has passed)."""
    _require_so(actor)
    if nomination.status != NominationStatus.COMPLETION_REQUESTED:
        _require_submitted(nomination)
    if not reason.strip():
        raise DomainError(_l("Hãy ghi lý do trả hồ sơ."))
    nomination.status = NominationStatus.RETURNED
    nomination.return_reason = reason.strip()
    nomination.decided_at = utcnow()
    db.session.flush()
    audit.record("nomination.returned", actor_id=actor.id, obj=nomination)
    return nomination


# --- the rules in force ---------------------------------------------------------------------------

TITLE_RULE_FIELDS = (
    "effective_from",
    "min_years_in_craft",
    "min_works",
    "national_max_rank",
    "regional_max_rank",
    "international_max_rank",
    "provincial_max_rank",
    "requires_state_sending",
    "min_people_taught",
    "special_craft_min_taught",
    "to_confirm",
    "note",
)
COUNCIL_RULE_FIELDS = (
    "effective_from",
    "answer_days",
    "completion_days",
    "quorum_percent",
    "pass_percent",
    "comment_days",
    "to_confirm",
    "note",
)


def add_title_rule(*, actor: User, title: Title, fields: dict[str, Any]) -> TitleRule:
    """A new version of a title's criteria from ``effective_from`` on (admins)."""
    if not is_admin(actor):
        raise NotAllowed(_l("Chỉ quản trị viên được thay đổi quy định."))
    _require_new_date(TitleRule, fields["effective_from"], TitleRule.title == title)
    rule = TitleRule(
        title=title,
        requires_title=Title.NNUT if title == Title.NNND else None,
        **{k: fields[k] for k in TITLE_RULE_FIELDS},
    )
    db.session.add(rule)
    db.session.flush()
    audit.record(
        "artisan_rule.title_added",
        actor_id=actor.id,
        obj=rule,
        title=title.value,
        effective_from=rule.effective_from.isoformat(),
    )
    return rule


def add_council_rule(*, actor: User, fields: dict[str, Any]) -> CouncilRule:
    """A new version of the council procedure from ``effective_from`` on (admins)."""
    if not is_admin(actor):
        raise NotAllowed(_l("Chỉ quản trị viên được thay đổi quy định."))
    _require_new_date(CouncilRule, fields["effective_from"])
    for key in ("quorum_percent", "pass_percent"):
        if not Decimal(0) < fields[key] <= Decimal(100):
            raise DomainError(_l("Tỷ lệ phải lớn hơn 0 và không quá 100 phần trăm."))
    rule = CouncilRule(**{k: fields[k] for k in COUNCIL_RULE_FIELDS})
    db.session.add(rule)
    db.session.flush()
    audit.record(
        "artisan_rule.council_added", actor_id=actor.id, obj=rule, effective_from=rule.effective_from.isoformat()
    )
    return rule


def _require_new_date(model: type[TitleRule] | type[CouncilRule], effective_from: date, *where: Any) -> None:
    taken = db.session.scalar(select(exists().where(model.effective_from == effective_from, *where)))
    if taken:
        raise DomainError(_l("Đã có một phiên bản quy định có hiệu lực từ ngày này."))


# --- the checklist ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checklist:
    """The eligibility checklist of a nomination under the rule in force on its judging date."""

    rule: TitleRule | None
    judged_on: date
    results: list[Any]
    outcome: Any


def checklist(nomination: Nomination) -> Checklist:
    """settings.title_rule(title, judging date) → criteria → rules.evaluate(facts) and the overall outcome."""
    judged_on = settings.judging_date(nomination)
    rule = settings.title_rule(nomination.title, judged_on)
    if rule is None:
        return Checklist(None, judged_on, [], None)
    results = rules.evaluate(settings.facts_of(nomination), settings.criteria_of(rule))
    return Checklist(rule, judged_on, results, rules.overall(results))


def days_left(due: date | None, today: date | None = None) -> int | None:
    """Days until a deadline (negative when overdue)."""
    if due is None:
        return None
    return (due - (today or today_vn())).days
