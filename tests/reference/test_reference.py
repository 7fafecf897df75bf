"""Reference data: seeding and admin edits."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kcvote.accounts.enums import Role
from kcvote.core.audit import AuditEntry
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.reference import services
from kcvote.reference.models import Level, ProductGroup, Province, Region
from tests.conftest import login_as, post_form, text_of
from tests.factories import make_user


def _count(db, model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_seed_loads_34_provinces_in_3_regions(db) -> None:
    report = services.seed_reference_data()
    db.session.commit()
    assert (report.regions, report.provinces, report.levels, report.product_groups) == (3, 34, 4, 4)
    per_region = dict(
        db.session.execute(select(Region.name, func.count(Province.id)).join(Province).group_by(Region.name)).all()
    )
    assert per_region == {"phía Bắc": 18, "miền Trung – Tây Nguyên": 8, "phía Nam": 8}
    hai_phong = db.session.scalar(select(Province).where(Province.name == "Hải Phòng"))
    assert (hai_phong.code, hai_phong.kind, hai_phong.merged_from) == ("HAI-PHONG", "thành phố", "Hải Phòng; Hải Dương")
    levels = db.session.scalars(select(Level.name).order_by(Level.rank)).all()
    assert levels == ["Cấp xã", "Cấp tỉnh", "Cấp khu vực", "Cấp quốc gia"]
    groups = db.session.scalars(select(ProductGroup.code).order_by(ProductGroup.number)).all()
    assert groups == ["TCMN", "CBNLTS", "CK", "KHAC"]


def test_seed_twice_adds_nothing_and_keeps_admin_edits(db) -> None:
    services.seed_reference_data()
    admin = make_user(Role.ADMIN)
    level = db.session.scalar(select(Level).where(Level.code == "xa"))
    services.save_level(actor=admin, level=level, code="xa", name="Cấp xã, phường", rank=1)
    db.session.commit()
    again = services.seed_reference_data()
    assert again.total == 0
    assert level.name == "Cấp xã, phường"
    assert _count(db, Province) == 34


def test_only_admin_edits_reference_data(db) -> None:
    services.seed_reference_data()
    organizer = make_user(Role.ORGANIZER)
    with pytest.raises(NotAllowed):
        services.save_level(actor=organizer, level=None, code="thon", name="Cấp thôn", rank=9)


def test_duplicate_code_is_refused(db) -> None:
    services.seed_reference_data()
    admin = make_user(Role.ADMIN)
    with pytest.raises(DomainError, match="đã tồn tại"):
        services.save_product_group(actor=admin, group=None, number=5, code="TCMN", name="Trùng", active=True)


def test_admin_edits_province_code_through_the_page(client, db, seeded) -> None:
    admin = make_user(Role.ADMIN)
    login_as(client, admin)
    province = db.session.scalar(select(Province).where(Province.name == "Hà Nội"))
    page = f"/admin/reference/provinces/{province.id}"
    data = {"code": "01", "name": "Hà Nội", "kind": "thành phố", "region_id": province.region_id}
    response = post_form(client, page, data, token_from=page)
    assert response.status_code == 302
    db.session.rollback()
    assert province.code == "01"
    assert db.session.scalars(select(AuditEntry.action)).all() == ["reference.province_saved"]


def test_province_bad_input_is_422_in_vietnamese_and_unchanged(client, db, seeded) -> None:
    login_as(client, make_user(Role.ADMIN))
    province = db.session.scalar(select(Province).where(Province.name == "Hà Nội"))
    page = f"/admin/reference/provinces/{province.id}"
    response = post_form(
        client,
        page,
        {"code": "mã có dấu", "name": "", "kind": "tỉnh", "region_id": province.region_id},
        token_from=page,
    )
    assert response.status_code == 422
    body = text_of(response)
    assert "Mã chỉ gồm chữ không dấu" in body
    assert "Vui lòng nhập thông tin này." in body
    db.session.rollback()
    assert province.code == "HA-NOI"


def test_admin_adds_level_and_duplicate_rank_is_refused(client, db, seeded) -> None:
    login_as(client, make_user(Role.ADMIN))
    page = "/admin/reference/levels/new"
    added = post_form(
        client, page, {"code": "lien-tinh", "name": "Cấp liên tỉnh", "rank": 5, "scope": "region"}, token_from=page
    )
    assert added.status_code == 302
    duplicate = post_form(client, page, {"code": "khac", "name": "Khác", "rank": 5, "scope": "region"}, token_from=page)
    assert duplicate.status_code == 422
    assert "Thứ bậc 5 đã được dùng" in text_of(duplicate)
    assert _count(db, Level) == 5


def test_reference_index_lists_everything(client, seeded) -> None:
    login_as(client, make_user(Role.ADMIN))
    body = text_of(client.get("/admin/reference/"))
    for expected in ("Thành phố Hồ Chí Minh", "miền Trung – Tây Nguyên", "Cấp quốc gia", "Thủ công mỹ nghệ"):
        assert expected in body
