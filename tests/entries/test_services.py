"""Entries: registration, dossier completeness, deadlines, screening, codes, progression."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from kcvote.accounts.enums import Role
from kcvote.contests import services as contest_services
from kcvote.contests.enums import RoundState
from kcvote.core.clock import add_days, today_vn
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.entries import services
from kcvote.entries.enums import DocumentKind, EntryOrigin, EntryStatus, PhotoKind
from kcvote.entries.models import Entry, EntryEvent, Photo
from kcvote.entries.rules import missing_pieces
from tests.factories import MINIMAL_PDF, jpeg_bytes, make_entry, make_facility, make_round, make_user


@pytest.fixture
def world(db, seeded):
    organizer = make_user(Role.ORGANIZER)
    round_ = make_round(organizer)
    owner = make_user(Role.FACILITY)
    make_facility(owner)
    return organizer, round_, owner


def _media_files(app) -> list[Path]:
    return [p for p in Path(app.config["MEDIA_DIR"]).rglob("*") if p.is_file()]


def test_register_needs_a_facility_profile(world) -> None:
    _, round_, _ = world
    stranger = make_user(Role.FACILITY)
    with pytest.raises(DomainError, match="khai báo thông tin cơ sở"):
        make_entry(round_, stranger)


def test_register_same_product_twice_is_refused(world) -> None:
    _, round_, owner = world
    make_entry(round_, owner, product_name="Chè xanh La Bằng")
    with pytest.raises(DomainError, match="đã được đăng ký vào đợt này"):
        make_entry(round_, owner, product_name="Chè xanh La Bằng")


def test_register_refused_when_round_not_open(db, seeded) -> None:
    round_ = make_round(open_it=False)
    owner = make_user(Role.FACILITY)
    make_facility(owner)
    with pytest.raises(DomainError, match="không nhận đăng ký"):
        make_entry(round_, owner)


def test_submit_lists_every_missing_piece_at_once(world) -> None:
    _, round_, owner = world
    entry = make_entry(round_, owner)
    with pytest.raises(services.IncompleteDossier) as error:
        services.submit_entry(actor=owner, entry=entry)
    assert error.value.missing == [
        "description:materials",
        "description:production_process",
        "description:capacity",
        "description:markets",
        "description:price",
        "description:distinctive",
        "declaration",
        "photo:front",
        "photo:side",
        "photo:top",
        "photo_count",
        "document:business_registration",
    ]
    message = str(error.value.message)
    assert "Ảnh chụp mặt bên" in message
    assert "Giấy chứng nhận đăng ký kinh doanh" in message


def test_three_photos_of_one_view_are_not_enough(world) -> None:
    _, round_, owner = world
    entry = make_entry(round_, owner, complete=True)
    for photo in list(entry.photos):
        photo.kind = PhotoKind.FRONT
    assert missing_pieces(entry) == ["photo:side", "photo:top"]


def test_complete_dossier_submits_and_is_then_locked(world) -> None:
    _, round_, owner = world
    entry = make_entry(round_, owner, complete=True)
    services.submit_entry(actor=owner, entry=entry)
    assert entry.status == EntryStatus.SUBMITTED
    with pytest.raises(DomainError, match="không còn sửa được"):
        services.save_dossier(actor=owner, entry=entry, fields={"price": "1 đồng"})
    with pytest.raises(DomainError, match="không còn sửa được"):
        services.add_photo(actor=owner, entry=entry, data=jpeg_bytes(), kind=PhotoKind.OTHER)


def test_edits_refused_after_the_deadline(world, db) -> None:
    _, round_, owner = world
    entry = make_entry(round_, owner, complete=True)
    round_.registration_deadline = add_days(today_vn(), -1)
    db.session.commit()
    with pytest.raises(DomainError, match="không còn sửa được"):
        services.save_dossier(actor=owner, entry=entry, fields={"price": "1 đồng"})
    with pytest.raises(DomainError, match="không còn sửa được"):
        services.submit_entry(actor=owner, entry=entry)
    with pytest.raises(DomainError, match="không còn sửa được"):
        services.remove_photo(actor=owner, photo=entry.photos[0])
    with pytest.raises(DomainError):
        services.withdraw_entry(actor=owner, entry=entry)


def test_another_facility_cannot_touch_the_dossier(world) -> None:
    _, round_, owner = world
    entry = make_entry(round_, owner)
    other = make_user(Role.FACILITY)
    make_facility(other, name="Cơ sở khác")
    with pytest.raises(NotAllowed):
        services.save_dossier(actor=other, entry=entry, fields={"price": "1 đồng"})
    with pytest.raises(NotAllowed):
        services.add_photo(actor=other, entry=entry, data=jpeg_bytes(), kind=PhotoKind.FRONT)


def test_withdraw_and_reopen_before_the_deadline(world) -> None:
    _, round_, owner = world
    entry = make_entry(round_, owner, complete=True)
    services.submit_entry(actor=owner, entry=entry)
    services.reopen_entry(actor=owner, entry=entry)
    assert entry.status == EntryStatus.DRAFT
    services.withdraw_entry(actor=owner, entry=entry)
    assert entry.status == EntryStatus.WITHDRAWN
    assert [e.kind for e in entry.events] == ["created", "submitted", "reopened", "withdrawn"]


def test_accept_gives_readable_codes_per_group(world) -> None:
    organizer, round_, owner = world
    first = make_entry(round_, owner, product_name="Chè xanh", complete=True)
    second = make_entry(round_, owner, product_name="Chè đen", complete=True)
    craft = make_entry(round_, owner, product_name="Giỏ mây", group_number=1, complete=True)
    for entry in (first, second, craft):
        services.submit_entry(actor=owner, entry=entry)
        services.accept_entry(actor=organizer, entry=entry)
    assert [first.code, second.code, craft.code] == ["TN-2025-CBNLTS-001", "TN-2025-CBNLTS-002", "TN-2025-TCMN-001"]
    with pytest.raises(DomainError, match="chờ thẩm định"):
        services.accept_entry(actor=organizer, entry=first)


def test_request_completion_then_resubmit(world) -> None:
    organizer, round_, owner = world
    entry = make_entry(round_, owner, complete=True)
    services.submit_entry(actor=owner, entry=entry)
    services.request_completion(actor=organizer, entry=entry, message="Bổ sung giấy chứng nhận ATTP")
    assert (entry.status, entry.completion_deadline) == (EntryStatus.COMPLETION_REQUESTED, add_days(today_vn(), 15))
    services.add_document(actor=owner, entry=entry, data=MINIMAL_PDF, kind=DocumentKind.FOOD_SAFETY_CERTIFICATE)
    services.submit_entry(actor=owner, entry=entry)
    assert entry.status == EntryStatus.SUBMITTED
    assert [e.kind for e in entry.events][-2:] == ["completion_requested", "resubmitted"]


def test_completion_after_its_deadline_is_refused(world, db) -> None:
    organizer, round_, owner = world
    entry = make_entry(round_, owner, complete=True)
    services.submit_entry(actor=owner, entry=entry)
    services.request_completion(actor=organizer, entry=entry, message="Bổ sung", deadline=today_vn())
    entry.completion_deadline = add_days(today_vn(), -1)
    with pytest.raises(DomainError, match="không còn sửa được"):
        services.submit_entry(actor=owner, entry=entry)


def test_reject_needs_a_reason_and_facility_cannot_screen(world) -> None:
    organizer, round_, owner = world
    entry = make_entry(round_, owner, complete=True)
    services.submit_entry(actor=owner, entry=entry)
    with pytest.raises(DomainError, match="lý do"):
        services.reject_entry(actor=organizer, entry=entry, reason="  ")
    with pytest.raises(NotAllowed):
        services.accept_entry(actor=owner, entry=entry)
    services.reject_entry(actor=organizer, entry=entry, reason="Sản phẩm độc bản, không sản xuất hàng loạt")
    assert (entry.status, entry.decision_reason) == (EntryStatus.REJECTED, "Sản phẩm độc bản, không sản xuất hàng loạt")


def test_failed_upload_leaves_no_file_and_no_row(world, app, db) -> None:
    _, round_, owner = world
    entry = make_entry(round_, owner)
    before = _media_files(app)
    with pytest.raises(DomainError):
        services.add_photo(actor=owner, entry=entry, data=b"<html>not a photo</html>", kind=PhotoKind.FRONT)
    db.session.rollback()
    assert _media_files(app) == before
    assert db.session.scalar(select(func.count(Photo.id))) == 0


def test_rolled_back_upload_removes_its_files(world, app, db) -> None:
    _, round_, owner = world
    entry = make_entry(round_, owner)
    services.add_photo(actor=owner, entry=entry, data=jpeg_bytes(), kind=PhotoKind.FRONT)
    assert len(_media_files(app)) == 3
    db.session.rollback()
    assert _media_files(app) == []
    assert db.session.scalar(select(func.count(Photo.id))) == 0


def test_removed_photo_files_go_after_commit(world, app, db) -> None:
    _, round_, owner = world
    entry = make_entry(round_, owner, complete=True)
    count = len(_media_files(app))
    services.remove_photo(actor=owner, photo=entry.photos[0])
    assert len(_media_files(app)) == count
    db.session.commit()
    assert len(_media_files(app)) == count - 3


def _finalized_round_with_recognised(organizer, owner):
    lower = make_round(organizer, level_code="tinh", name="Bình chọn tỉnh Thái Nguyên 2023", year=2023)
    entry = make_entry(lower, owner, complete=True)
    services.submit_entry(actor=owner, entry=entry)
    services.accept_entry(actor=organizer, entry=entry)
    contest_services.start_screening(actor=organizer, round_=lower, today=add_days(lower.registration_deadline, 1))
    contest_services.start_judging(actor=organizer, round_=lower)
    contest_services.close_judging(actor=organizer, round_=lower)
    contest_services.finalize_round(actor=organizer, round_=lower)
    entry.recognised_at = entry.decided_at
    return lower, entry


def test_nomination_carries_the_dossier_up_a_level(world, app, db) -> None:
    organizer, _, owner = world
    _lower, source = _finalized_round_with_recognised(organizer, owner)
    regional_organizer = make_user(Role.ORGANIZER)
    regional = make_round(regional_organizer, level_code="khu-vuc", name="Bình chọn khu vực phía Bắc 2024", year=2024)
    assert services.nomination_candidates(regional) == [source]
    [nominated] = services.nominate_entries(actor=regional_organizer, round_=regional, sources=[source])
    db.session.commit()
    assert (nominated.origin, nominated.status, nominated.source_entry_id) == (
        EntryOrigin.NOMINATION,
        EntryStatus.SUBMITTED,
        source.id,
    )
    assert nominated.materials == source.materials
    assert [p.kind for p in nominated.photos] == [p.kind for p in source.photos]
    assert {p.original_key for p in nominated.photos}.isdisjoint({p.original_key for p in source.photos})
    assert services.nomination_candidates(regional) == []
    services.add_photo_to_nominated(actor=owner, entry=nominated, data=jpeg_bytes(), kind=PhotoKind.OTHER)
    assert len(nominated.photos) == 4
    assert len(source.photos) == 3


def test_nomination_skips_unrecognised_and_other_regions(world, db) -> None:
    organizer, _, owner = world
    _lower, source = _finalized_round_with_recognised(organizer, owner)
    source.recognised_at = None
    regional = make_round(level_code="khu-vuc", name="Khu vực phía Bắc 2024", year=2024)
    assert services.nomination_candidates(regional) == []
    with pytest.raises(DomainError, match="không đủ điều kiện"):
        services.nominate_entries(actor=regional.created_by, round_=regional, sources=[source])


def test_history_records_every_step(world, db) -> None:
    organizer, round_, owner = world
    entry = make_entry(round_, owner, complete=True)
    services.submit_entry(actor=owner, entry=entry)
    services.accept_entry(actor=organizer, entry=entry)
    db.session.commit()
    kinds = db.session.scalars(
        select(EntryEvent.kind).where(EntryEvent.entry_id == entry.id).order_by(EntryEvent.id)
    ).all()
    assert kinds == ["created", "submitted", "accepted"]
    assert db.session.get(Entry, entry.id).round.state == RoundState.OPEN
