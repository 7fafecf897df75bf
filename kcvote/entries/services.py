"""Entry use cases: register, fill the dossier, upload, submit, withdraw; screen; nominate upwards.

Every rule is checked here, not only by hiding buttons: after the deadline, or once accepted,
nothing changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kcvote.accounts.models import User
from kcvote.contests.enums import RoundState
from kcvote.contests.models import Round
from kcvote.contests.rules import can_manage_round, registration_open
from kcvote.core import audit
from kcvote.core.clock import add_days, today_vn
from kcvote.core.db import utcnow
from kcvote.core.errors import DomainError, FileTooLarge, NotAllowed
from kcvote.core.images import process_image, sniff_document
from kcvote.core.storage import delete_after_commit, discard_on_rollback, get_storage
from kcvote.entries import rules
from kcvote.entries.enums import DocumentKind, EntryOrigin, EntryStatus, PhotoKind
from kcvote.entries.labels import missing_label
from kcvote.entries.models import Document, Entry, EntryEvent, Photo, Product
from kcvote.extensions import db
from kcvote.facilities.models import Facility
from kcvote.facilities.services import facility_of
from kcvote.reference.models import ProductGroup

MB = 1024 * 1024


class IncompleteDossier(DomainError):
    """Submit refused: ``missing`` lists every missing piece at once."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(_l("Hồ sơ còn thiếu: %(items)s.", items="; ".join(missing_label(m) for m in missing)))
        self.missing = missing


def _event(entry: Entry, actor: User | None, kind: str, message: str = "") -> None:
    entry.events.append(EntryEvent(actor_id=actor.id if actor else None, kind=kind, message=message))


def _require_editable(actor: User, entry: Entry) -> None:
    if not rules.is_owner(actor, entry):
        raise NotAllowed(_l("Bạn không thuộc cơ sở đã nộp hồ sơ này."))
    if not rules.dossier_editable(entry):
        raise DomainError(_l("Hồ sơ không còn sửa được: đã quá hạn, đã nộp hoặc đã được tiếp nhận."))


# --- facility side -------------------------------------------------------------------------


def register_entry(
    *, actor: User, round_: Round, group: ProductGroup, product_name: str = "", product: Product | None = None
) -> Entry:
    """Register a product (an existing one of the facility, or a new one) into an open round."""
    facility = facility_of(actor)
    if facility is None:
        raise DomainError(_l("Hãy khai báo thông tin cơ sở trước khi đăng ký sản phẩm."))
    if not registration_open(round_):
        raise DomainError(_l("Đợt bình chọn này không nhận đăng ký vào lúc này."))
    if group.id not in {g.id for g in round_.groups}:
        raise DomainError(_l("Đợt bình chọn này không có nhóm sản phẩm %(group)s.", group=group.name))
    if product is None:
        name = product_name.strip()
        if not name:
            raise DomainError(_l("Hãy nhập tên sản phẩm."))
        product = db.session.scalar(select(Product).where(Product.facility_id == facility.id, Product.name == name))
        if product is None:
            product = Product(facility=facility, name=name, group=group)
            db.session.add(product)
    elif product.facility_id != facility.id:
        raise NotAllowed(_l("Sản phẩm này không thuộc cơ sở của bạn."))
    product.group = group
    db.session.flush()
    if db.session.scalar(select(Entry.id).where(Entry.round_id == round_.id, Entry.product_id == product.id)):
        raise DomainError(_l("Sản phẩm “%(name)s” đã được đăng ký vào đợt này.", name=product.name))
    entry = Entry(
        round=round_,
        product=product,
        facility=facility,
        group=group,
        contact_name=facility.representative,
        contact_phone=facility.phone,
    )
    db.session.add(entry)
    entry.refresh_search()
    _event(entry, actor, "created")
    db.session.flush()
    audit.record("entry.created", actor_id=actor.id, obj=entry, round_id=round_.id, product=product.name)
    return entry


def save_dossier(*, actor: User, entry: Entry, fields: dict[str, Any]) -> Entry:
    """Save the registration form and description (a draft can be saved any time before the deadline)."""
    _require_editable(actor, entry)
    allowed = {"contact_name", "contact_phone", "declaration_accepted", *rules.DESCRIPTION_FIELDS}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(name)
        setattr(entry, name, value.strip() if isinstance(value, str) else bool(value))
    db.session.flush()
    audit.record("entry.saved", actor_id=actor.id, obj=entry)
    return entry


def _check_size(data: bytes, limit_mb: int) -> None:
    if len(data) > limit_mb * MB:
        raise FileTooLarge(_l("Tệp lớn hơn giới hạn %(mb)d MB của đợt bình chọn.", mb=limit_mb))


def add_photo(*, actor: User, entry: Entry, data: bytes, kind: PhotoKind, caption: str = "") -> Photo:
    """Verify, clean and store a photo (original re-encoded + display + thumbnail)."""
    _require_editable(actor, entry)
    return _store_photo(entry, data, kind, caption, actor)


def _store_photo(entry: Entry, data: bytes, kind: PhotoKind, caption: str, actor: User | None) -> Photo:
    _check_size(data, entry.round.max_photo_mb)
    image = process_image(data)
    storage = get_storage()
    keys = []
    try:
        for blob in (image.original, image.display, image.thumbnail):
            keys.append(storage.save(blob, suffix=image.suffix if blob is image.original else ".jpg"))
    except Exception:
        for key in keys:
            storage.delete(key)
        raise
    discard_on_rollback(keys)
    photo = Photo(
        kind=kind,
        caption=caption.strip()[:300],
        position=len(entry.photos),
        original_key=keys[0],
        display_key=keys[1],
        thumb_key=keys[2],
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        size_bytes=len(image.original),
        uploaded_by_id=actor.id if actor else None,
    )
    entry.photos.append(photo)
    db.session.flush()
    audit.record(
        "entry.photo_added", actor_id=actor.id if actor else None, obj=entry, photo_id=photo.id, kind=kind.value
    )
    return photo


def remove_photo(*, actor: User, photo: Photo) -> None:
    """Remove a photo; its files go once the removal is committed."""
    entry = photo.entry
    _require_editable(actor, entry)
    entry.photos.remove(photo)
    delete_after_commit(photo.keys)
    db.session.flush()
    audit.record("entry.photo_removed", actor_id=actor.id, obj=entry, photo_id=photo.id)


def add_document(*, actor: User, entry: Entry, data: bytes, kind: DocumentKind, label: str = "") -> Document:
    """Store a PDF (checked by signature) or a scanned image (re-encoded like photos)."""
    _require_editable(actor, entry)
    return _store_document(entry, data, kind, label, actor)


def _store_document(entry: Entry, data: bytes, kind: DocumentKind, label: str, actor: User | None) -> Document:
    _check_size(data, entry.round.max_document_mb)
    detected = sniff_document(data)
    storage = get_storage()
    if detected == "application/pdf":
        blob, content_type, suffix = data, "application/pdf", ".pdf"
    else:
        image = process_image(data)
        blob, content_type, suffix = image.original, image.content_type, image.suffix
    key = storage.save(blob, suffix=suffix)
    discard_on_rollback([key])
    document = Document(
        kind=kind,
        label=label.strip()[:200],
        key=key,
        content_type=content_type,
        size_bytes=len(blob),
        uploaded_by_id=actor.id if actor else None,
    )
    entry.documents.append(document)
    db.session.flush()
    audit.record(
        "entry.document_added",
        actor_id=actor.id if actor else None,
        obj=entry,
        document_id=document.id,
        kind=kind.value,
    )
    return document


def remove_document(*, actor: User, document: Document) -> None:
    entry = document.entry
    _require_editable(actor, entry)
    entry.documents.remove(document)
    delete_after_commit([document.key])
    db.session.flush()
    audit.record("entry.document_removed", actor_id=actor.id, obj=entry, document_id=document.id)


def submit_entry(*, actor: User, entry: Entry) -> Entry:
    """Submit; refused with every missing piece listed at once."""
    _require_editable(actor, entry)
    missing = rules.missing_pieces(entry)
    if missing:
        raise IncompleteDossier(missing)
    resubmission = entry.status == EntryStatus.COMPLETION_REQUESTED
    entry.status = EntryStatus.SUBMITTED
    entry.submitted_at = utcnow()
    _event(entry, actor, "resubmitted" if resubmission else "submitted")
    db.session.flush()
    audit.record("entry.submitted", actor_id=actor.id, obj=entry, resubmission=resubmission)
    return entry


def reopen_entry(*, actor: User, entry: Entry) -> Entry:
    """Take a submitted, unscreened dossier back to draft while registration is open."""
    if not rules.can_reopen(actor, entry):
        raise DomainError(_l("Hồ sơ này không thể mở lại để sửa."))
    entry.status = EntryStatus.DRAFT
    _event(entry, actor, "reopened")
    db.session.flush()
    audit.record("entry.reopened", actor_id=actor.id, obj=entry)
    return entry


def withdraw_entry(*, actor: User, entry: Entry) -> Entry:
    """Withdraw before the deadline and before a decision."""
    if not rules.can_withdraw(actor, entry):
        raise DomainError(_l("Không thể rút hồ sơ này: đã quá hạn hoặc đã có kết quả thẩm định."))
    entry.status = EntryStatus.WITHDRAWN
    _event(entry, actor, "withdrawn")
    db.session.flush()
    audit.record("entry.withdrawn", actor_id=actor.id, obj=entry)
    return entry


# --- organizer side: screening -------------------------------------------------------------


def _require_screening(actor: User, entry: Entry) -> None:
    if not rules.can_screen(actor, entry):
        raise NotAllowed(_l("Bạn không quản lý đợt bình chọn này."))
    if not rules.screening_open(entry):
        raise DomainError(_l("Đợt bình chọn không còn ở giai đoạn nhận và thẩm định hồ sơ."))
    if entry.status != EntryStatus.SUBMITTED:
        raise DomainError(_l("Chỉ hồ sơ đã nộp và đang chờ thẩm định mới xử lý được."))


def next_code(round_: Round, group: ProductGroup) -> str:
    """The next free entry code of the group in the round: PREFIX-YEAR-GROUP-NNN."""
    stem = f"{round_.code_prefix}-{round_.year}-{group.code}-"
    codes = db.session.scalars(select(Entry.code).where(Entry.round_id == round_.id, Entry.code.like(f"{stem}%"))).all()
    numbers = [int(c[len(stem) :]) for c in codes if c and c[len(stem) :].isdigit()]
    return f"{stem}{max(numbers, default=0) + 1:03d}"


def accept_entry(*, actor: User, entry: Entry) -> Entry:
    """Accept a dossier and give it its mã số bình chọn."""
    _require_screening(actor, entry)
    # One code assignment at a time per round (PostgreSQL row lock; SQLite serialises writers).
    db.session.execute(select(Round.id).where(Round.id == entry.round_id).with_for_update())
    entry.code = next_code(entry.round, entry.group)
    entry.status = EntryStatus.ACCEPTED
    entry.decided_at = utcnow()
    entry.decision_reason = ""
    entry.refresh_search()
    _event(entry, actor, "accepted", entry.code)
    db.session.flush()
    audit.record("entry.accepted", actor_id=actor.id, obj=entry, code=entry.code)
    return entry


def request_completion(*, actor: User, entry: Entry, message: str, deadline: date | None = None) -> Entry:
    """Send the dossier back with what to complete and by when (default: the round's completion days)."""
    _require_screening(actor, entry)
    if not message.strip():
        raise DomainError(_l("Hãy ghi rõ nội dung cần bổ sung."))
    deadline = deadline or add_days(today_vn(), entry.round.completion_days)
    if deadline < today_vn():
        raise DomainError(_l("Hạn bổ sung không được ở trong quá khứ."))
    entry.status = EntryStatus.COMPLETION_REQUESTED
    entry.completion_message = message.strip()
    entry.completion_deadline = deadline
    _event(entry, actor, "completion_requested", message.strip())
    db.session.flush()
    audit.record("entry.completion_requested", actor_id=actor.id, obj=entry, deadline=deadline.isoformat())
    return entry


def reject_entry(*, actor: User, entry: Entry, reason: str) -> Entry:
    """Refuse a dossier, with the reason the facility will read."""
    _require_screening(actor, entry)
    if not reason.strip():
        raise DomainError(_l("Hãy ghi rõ lý do không tiếp nhận."))
    entry.status = EntryStatus.REJECTED
    entry.decided_at = utcnow()
    entry.decision_reason = reason.strip()
    _event(entry, actor, "rejected", reason.strip())
    db.session.flush()
    audit.record("entry.rejected", actor_id=actor.id, obj=entry)
    return entry


# --- progression (liên thông) ----------------------------------------------------------------


def nomination_candidates(round_: Round) -> list[Entry]:
    """Products recognised in finalized rounds of the level just below, within this round's scope,
    not yet entered here."""
    from kcvote.reference.models import Level, Province

    lower = db.session.scalar(select(Level).where(Level.rank < round_.level.rank).order_by(Level.rank.desc()))
    if lower is None:
        return []
    stmt = (
        select(Entry)
        .join(Round, Entry.round_id == Round.id)
        .join(Facility, Entry.facility_id == Facility.id)
        .where(
            Round.level_id == lower.id,
            Round.state.in_([RoundState.FINALIZED, RoundState.PUBLISHED]),
            Entry.recognised_at.is_not(None),
            Entry.product_id.not_in(select(Entry.product_id).where(Entry.round_id == round_.id)),
        )
    )
    if round_.scope_province_id:
        stmt = stmt.where(Facility.province_id == round_.scope_province_id)
    elif round_.scope_region_id:
        stmt = stmt.where(
            Facility.province_id.in_(select(Province.id).where(Province.region_id == round_.scope_region_id))
        )
    return list(db.session.scalars(stmt.order_by(Entry.group_id, Entry.code)))


def nominate_entries(*, actor: User, round_: Round, sources: Sequence[Entry]) -> list[Entry]:
    """Carry recognised entries into this round: a new entry linked to its source, dossier copied."""
    if not can_manage_round(actor, round_):
        raise NotAllowed(_l("Bạn không quản lý đợt bình chọn này."))
    if round_.state not in (RoundState.OPEN, RoundState.SCREENING):
        raise DomainError(_l("Chỉ đề cử vào đợt đang nhận hoặc đang thẩm định hồ sơ."))
    allowed = {e.id for e in nomination_candidates(round_)}
    storage = get_storage()
    created = []
    for source in sources:
        if source.id not in allowed:
            raise DomainError(_l("Sản phẩm %(name)s không đủ điều kiện đề cử vào đợt này.", name=source.product.name))
        entry = Entry(
            round=round_,
            product=source.product,
            facility=source.facility,
            group=source.group,
            origin=EntryOrigin.NOMINATION,
            source_entry_id=source.id,
            status=EntryStatus.SUBMITTED,
            submitted_at=utcnow(),
            contact_name=source.contact_name,
            contact_phone=source.contact_phone,
            declaration_accepted=source.declaration_accepted,
            **{field: getattr(source, field) for field in rules.DESCRIPTION_FIELDS},
        )
        for photo in source.photos:
            keys = [storage.copy(k) for k in photo.keys]
            discard_on_rollback(keys)
            entry.photos.append(
                Photo(
                    kind=photo.kind,
                    caption=photo.caption,
                    position=photo.position,
                    original_key=keys[0],
                    display_key=keys[1],
                    thumb_key=keys[2],
                    content_type=photo.content_type,
                    width=photo.width,
                    height=photo.height,
                    size_bytes=photo.size_bytes,
                    uploaded_by_id=photo.uploaded_by_id,
                )
            )
        for document in source.documents:
            key = storage.copy(document.key)
            discard_on_rollback([key])
            entry.documents.append(
                Document(
                    kind=document.kind,
                    label=document.label,
                    key=key,
                    content_type=document.content_type,
                    size_bytes=document.size_bytes,
                    uploaded_by_id=document.uploaded_by_id,
                )
            )
        db.session.add(entry)
        entry.refresh_search()
        _event(entry, actor, "nominated", f"{source.round.name} — {source.code or ''}")
        db.session.flush()
        audit.record("entry.nominated", actor_id=actor.id, obj=entry, source_entry_id=source.id)
        created.append(entry)
    return created


def add_photo_to_nominated(*, actor: User, entry: Entry, data: bytes, kind: PhotoKind, caption: str = "") -> Photo:
    """A nominated facility may add newer photos while its dossier awaits screening."""
    if not rules.is_owner(actor, entry):
        raise NotAllowed(_l("Bạn không thuộc cơ sở đã nộp hồ sơ này."))
    if (
        entry.origin != EntryOrigin.NOMINATION
        or entry.status != EntryStatus.SUBMITTED
        or not rules.screening_open(entry)
    ):
        raise DomainError(_l("Chỉ bổ sung ảnh mới cho hồ sơ được đề cử đang chờ thẩm định."))
    return _store_photo(entry, data, kind, caption, actor)
