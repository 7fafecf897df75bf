"""The facility profile and its members."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kcvote.accounts.enums import Role
from kcvote.accounts.models import User
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.facilities import services
from kcvote.facilities.enums import LegalForm
from kcvote.facilities.models import Facility, FacilityMember
from kcvote.reference.models import Province
from tests.conftest import link_in, login_as, outbox, post_form, text_of
from tests.factories import make_facility, make_user

PROFILE = {
    "name": "Hợp tác xã Chè La Bằng",
    "legal_form": "cooperative",
    "registration_no": "4600123456",
    "address": "xã La Bằng, tỉnh Thái Nguyên",
    "phone": "0208 3123 456",
    "email": "htx@labang.vn",
    "representative": "Hoàng Thị Lan",
}


def _province_id(db, name: str = "Thái Nguyên") -> int:
    return db.session.scalar(select(Province.id).where(Province.name == name))


def test_facility_creates_profile_and_becomes_member(client, db, seeded) -> None:
    user = make_user(Role.FACILITY)
    login_as(client, user)
    response = post_form(client, "/facility/", {**PROFILE, "province_id": _province_id(db)}, token_from="/facility/")
    assert response.status_code == 302
    facility = db.session.scalar(select(Facility))
    assert (facility.name, facility.registration_no, facility.province.name) == (
        "Hợp tác xã Chè La Bằng",
        "4600123456",
        "Thái Nguyên",
    )
    assert [m.user_id for m in facility.members] == [user.id]
    assert facility.search_text == "hop tac xa che la bang 4600123456 hoang thi lan"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("registration_no", "12ab", "Mã số gồm 8 đến 20 chữ số"),
        ("phone", "gọi tôi", "Số điện thoại không hợp lệ."),
        ("name", "", "Vui lòng nhập thông tin này."),
        ("email", "khong-phai-email", "Địa chỉ email không hợp lệ."),
    ],
)
def test_profile_bad_input_is_422_and_writes_nothing(client, db, seeded, field: str, value: str, message: str) -> None:
    login_as(client, make_user(Role.FACILITY))
    data = {**PROFILE, "province_id": _province_id(db), field: value}
    response = post_form(client, "/facility/", data, token_from="/facility/")
    assert response.status_code == 422
    assert message in text_of(response)
    assert db.session.scalar(select(func.count(Facility.id))) == 0


def test_registration_number_belongs_to_one_facility(db, seeded) -> None:
    make_facility(number="4600999999")
    other = make_user(Role.FACILITY)
    province = db.session.scalar(select(Province).where(Province.name == "Thái Nguyên"))
    with pytest.raises(DomainError, match="đã được cơ sở khác đăng ký"):
        services.save_facility(
            actor=other, facility=None, name="X", legal_form=LegalForm.HOUSEHOLD, registration_no="4600999999",
            province=province, address="", phone="", email="", representative="",
        )  # fmt: skip


def test_only_facility_accounts_create_profiles(db, seeded) -> None:
    with pytest.raises(NotAllowed):
        make_facility(make_user(Role.JUROR))


def test_member_invites_colleague_who_then_acts_for_the_facility(client, app, db, seeded) -> None:
    owner = make_user(Role.FACILITY)
    facility = make_facility(owner)
    login_as(client, owner)
    response = post_form(
        client, "/facility/members", {"name": "Lê Văn Bình", "email": "binh@labang.vn"}, token_from="/facility/"
    )
    assert response.status_code == 302
    colleague_id = db.session.scalar(select(FacilityMember.user_id).where(FacilityMember.user_id != owner.id))
    assert colleague_id is not None
    mail = outbox(app)[-1]
    assert mail["To"] == "binh@labang.vn"
    link = link_in(mail)
    other = app.test_client()
    assert (
        post_form(
            other, link, {"password": "mat-khau-binh-1", "confirm": "mat-khau-binh-1"}, token_from=link
        ).status_code
        == 302
    )
    db.session.rollback()
    assert services.facility_of(db.session.get(User, colleague_id)).id == facility.id


def test_colleague_of_another_facility_cannot_be_added(db, seeded) -> None:
    first = make_facility(make_user(Role.FACILITY, email="a@x.vn"), name="A")
    second_owner = make_user(Role.FACILITY, email="b@x.vn")
    make_facility(second_owner, name="B")
    with pytest.raises(DomainError, match="đã gắn với một cơ sở khác"):
        services.add_member(actor=first.members[0].user, facility=first, email="b@x.vn", name="B")
