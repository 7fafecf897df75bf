"""Rounds: creation, copy, settings, rubric versions and every state transition with its guards."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from kcvote.accounts.enums import Role, ScopeType
from kcvote.contests import services
from kcvote.contests.enums import RoundState
from kcvote.contests.models import Rubric
from kcvote.core.audit import AuditEntry
from kcvote.core.clock import add_days, today_vn
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.entries import services as entry_services
from tests.factories import make_entry, make_facility, make_round, make_user


def test_create_round_gives_default_rubric_and_scoped_organizer(db, seeded) -> None:
    organizer = make_user(Role.ORGANIZER)
    round_ = make_round(organizer, open_it=False)
    assert round_.state == RoundState.DRAFT
    assert (round_.rubric.version, round_.rubric.total) == (1, Decimal(100))
    assert [g.max_points for g in round_.rubric.groups] == [40, 40, 10, 10]
    assert organizer.has_scoped_role(Role.ORGANIZER, ScopeType.ROUND, round_.id)
    assert [g.number for g in round_.groups] == [1, 2, 3, 4]


def test_only_admin_or_global_organizer_creates_rounds(db, seeded) -> None:
    for role in (Role.JUROR, Role.FACILITY, Role.COUNCIL_MEMBER):
        with pytest.raises(NotAllowed):
            make_round(make_user(role))


def test_organizer_manages_only_their_rounds(db, seeded) -> None:
    mine = make_round(make_user(Role.ORGANIZER), open_it=False)
    other = make_user(Role.ORGANIZER)
    with pytest.raises(NotAllowed):
        services.open_round(actor=other, round_=mine)
    with pytest.raises(NotAllowed):
        services.save_rubric(actor=other, round_=mine, rows=services.default_rubric_rows())


def test_commune_round_needs_a_commune_name(db, seeded) -> None:
    organizer = make_user(Role.ORGANIZER)
    round_ = make_round(organizer, level_code="xa", open_it=False)
    assert round_.scope_label == "xã La Bằng, Thái Nguyên"
    settings = services.RoundSettings(
        name="X", level=round_.level, year=2025, groups=round_.groups, scope_province=round_.scope_province
    )
    with pytest.raises(DomainError, match="tên xã"):
        services.update_round(actor=organizer, round_=round_, settings=settings)


def test_regional_round_scope_is_the_region(db, seeded) -> None:
    round_ = make_round(level_code="khu-vuc", open_it=False)
    assert (round_.scope_region.name, round_.scope_province) == ("phía Bắc", None)


def test_save_rubric_makes_a_new_version_and_keeps_the_old(db, seeded) -> None:
    organizer = make_user(Role.ORGANIZER)
    round_ = make_round(organizer, open_it=False)
    rows = services.default_rubric_rows()
    rows[0] = services.RubricRow(rows[0].group, "Khả năng đáp ứng thị trường (sửa)", Decimal("9.5"))
    rows[1] = services.RubricRow(rows[1].group, rows[1].criterion, Decimal("10.5"))
    rubric = services.save_rubric(actor=organizer, round_=round_, rows=rows)
    db.session.commit()
    assert (rubric.version, round_.rubric.id) == (2, rubric.id)
    assert round_.rubric.criteria[0].max_points == Decimal("9.5")
    assert db.session.scalars(
        select(Rubric.version).where(Rubric.round_id == round_.id).order_by(Rubric.version)
    ).all() == [1, 2]


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([Decimal(50)], "Tổng điểm tối đa phải là 100 (hiện là 50)"),
        ([Decimal(0), Decimal(100)], "Điểm tối đa phải là số dương"),
        ([Decimal("33.3"), Decimal("66.7")], "bội của 0,5"),
    ],
)
def test_save_rubric_refuses_bad_points(db, seeded, points: list[Decimal], message: str) -> None:
    organizer = make_user(Role.ORGANIZER)
    round_ = make_round(organizer, open_it=False)
    rows = [services.RubricRow("Nhóm", f"Tiêu chí {i}", p) for i, p in enumerate(points)]
    with pytest.raises(DomainError, match=re.escape(message)):
        services.save_rubric(actor=organizer, round_=round_, rows=rows)


def test_rubric_is_frozen_once_open(db, seeded) -> None:
    organizer = make_user(Role.ORGANIZER)
    round_ = make_round(organizer)
    with pytest.raises(DomainError, match="giữ nguyên phiên bản"):
        services.save_rubric(actor=organizer, round_=round_, rows=services.default_rubric_rows())
    opened = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "round.state_changed")).one()
    assert opened.data == {"from": "draft", "to": "open", "rubric_version": 1}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"registration_opens_on": None}, "Chưa có ngày mở và hạn đăng ký."),
        ({"registration_deadline": -1}, "Hạn đăng ký đã qua."),
        ({"groups": []}, "Chưa chọn nhóm sản phẩm nào."),
        ({"judging_starts_on": 0}, "Ngày bắt đầu chấm phải sau hạn đăng ký."),
    ],
)
def test_open_round_guards(db, seeded, change: dict, message: str) -> None:
    organizer = make_user(Role.ORGANIZER)
    round_ = make_round(organizer, open_it=False)
    today = today_vn()
    for field, value in change.items():
        if field in ("registration_deadline", "judging_starts_on") and value is not None:
            value = add_days(today, value) if field == "registration_deadline" else round_.registration_deadline
        setattr(round_, field, value)
    with pytest.raises(DomainError, match=re.escape(message)):
        services.open_round(actor=organizer, round_=round_)
    db.session.rollback()
    assert round_.state == RoundState.DRAFT


def test_open_round_refuses_rubric_not_totalling_100(db, seeded) -> None:
    organizer = make_user(Role.ORGANIZER)
    round_ = make_round(organizer, open_it=False)
    round_.rubric.criteria[0].max_points = Decimal(5)
    with pytest.raises(DomainError, match="tổng 100 điểm"):
        services.open_round(actor=organizer, round_=round_)


def test_screening_waits_for_the_deadline(db, seeded) -> None:
    organizer = make_user(Role.ORGANIZER)
    round_ = make_round(organizer)
    with pytest.raises(DomainError, match="Hạn đăng ký chưa kết thúc"):
        services.start_screening(actor=organizer, round_=round_)
    services.start_screening(actor=organizer, round_=round_, today=add_days(round_.registration_deadline, 1))
    assert round_.state == RoundState.SCREENING


def test_judging_needs_every_dossier_screened_and_one_accepted(db, seeded) -> None:
    organizer = make_user(Role.ORGANIZER)
    round_ = make_round(organizer)
    owner = make_user(Role.FACILITY)
    make_facility(owner)
    entry = make_entry(round_, owner, complete=True)
    entry_services.submit_entry(actor=owner, entry=entry)
    services.start_screening(actor=organizer, round_=round_, today=add_days(round_.registration_deadline, 1))
    with pytest.raises(DomainError, match="Còn 1 hồ sơ chưa thẩm định xong"):
        services.start_judging(actor=organizer, round_=round_)
    entry_services.reject_entry(actor=organizer, entry=entry, reason="Sản phẩm độc bản")
    with pytest.raises(DomainError, match="Chưa có hồ sơ nào được tiếp nhận"):
        services.start_judging(actor=organizer, round_=round_)


def test_full_state_machine_in_order(db, seeded) -> None:
    organizer = make_user(Role.ORGANIZER)
    round_ = make_round(organizer)
    owner = make_user(Role.FACILITY)
    make_facility(owner)
    entry = make_entry(round_, owner, complete=True)
    entry_services.submit_entry(actor=owner, entry=entry)
    entry_services.accept_entry(actor=organizer, entry=entry)
    services.start_screening(actor=organizer, round_=round_, today=add_days(round_.registration_deadline, 1))
    services.start_judging(actor=organizer, round_=round_)
    services.close_judging(actor=organizer, round_=round_)
    services.finalize_round(actor=organizer, round_=round_)
    services.publish_round(actor=organizer, round_=round_)
    db.session.commit()
    moves = [
        e.data["to"]
        for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "round.state_changed").order_by(AuditEntry.id)
        )
    ]
    assert moves == ["open", "screening", "judging", "closed", "finalized", "published"]


@pytest.mark.parametrize("step", ["screening", "judging", "close", "finalize", "publish"])
def test_transitions_refuse_to_skip_states(db, seeded, step: str) -> None:
    organizer = make_user(Role.ORGANIZER)
    round_ = make_round(organizer, open_it=False)
    with pytest.raises(DomainError, match="Không thể chuyển từ trạng thái “Bản nháp”"):
        services.TRANSITIONS[step](actor=organizer, round_=round_)


def test_open_round_accepts_only_name_and_dates_changes(db, seeded) -> None:
    organizer = make_user(Role.ORGANIZER)
    round_ = make_round(organizer)
    settings = services.RoundSettings(
        name="Tên mới",
        level=round_.level,
        year=round_.year,
        groups=round_.groups,
        scope_province=round_.scope_province,
        code_prefix=round_.code_prefix,
        registration_opens_on=round_.registration_opens_on,
        registration_deadline=add_days(round_.registration_deadline, 5),
    )
    services.update_round(actor=organizer, round_=round_, settings=settings)
    assert round_.name == "Tên mới"
    settings.pass_threshold = Decimal(60)
    with pytest.raises(DomainError, match="pass_threshold"):
        services.update_round(actor=organizer, round_=round_, settings=settings)


def test_copy_round_from_last_cycle(db, seeded) -> None:
    organizer = make_user(Role.ORGANIZER)
    source = make_round(organizer, name="Bình chọn tỉnh Thái Nguyên 2023", year=2023, open_it=False)
    rows = services.default_rubric_rows()
    rows[-1] = services.RubricRow(rows[-1].group, "Tiêu chí riêng của tỉnh", rows[-1].max_points)
    services.save_rubric(actor=organizer, round_=source, rows=rows)
    copy = services.copy_round(actor=organizer, source=source, year=2025)
    db.session.commit()
    assert (copy.name, copy.year, copy.state, copy.source_round_id) == (
        "Bình chọn tỉnh Thái Nguyên 2025",
        2025,
        RoundState.DRAFT,
        source.id,
    )
    assert copy.rubric.version == 1
    assert [c.name for c in copy.rubric.criteria] == [c.name for c in source.rubric.criteria]
    assert copy.registration_deadline == source.registration_deadline.replace(
        year=source.registration_deadline.year + 2
    )
