"""Account services on a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kcvote.accounts import services
from kcvote.accounts.enums import Role, ScopeType
from kcvote.accounts.models import RoleAssignment, User
from kcvote.accounts.queries import users_query
from kcvote.core.audit import AuditEntry
from kcvote.core.errors import DomainError, NotAllowed
from tests.factories import PASSWORD, make_user


def _actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_register_facility_user_creates_unconfirmed_facility(db) -> None:
    user, created = services.register_facility_user(
        name="Hoàng Thị Lan", email="Lan@Example.VN", password="mot-mat-khau-dai"
    )
    db.session.commit()
    assert created is True
    assert user.email == "lan@example.vn"
    assert user.is_confirmed is False
    assert [a.role for a in user.roles] == [Role.FACILITY]
    assert _actions(db) == ["user.signed_up"]


def test_register_existing_email_creates_nothing(db) -> None:
    existing = make_user(Role.FACILITY, email="lan@example.vn")
    user, created = services.register_facility_user(name="X", email="LAN@example.vn", password="mot-mat-khau-dai")
    assert (user.id, created) == (existing.id, False)
    assert db.session.scalar(select(func.count(User.id))) == 1


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short", "ít nhất 10"),
        ("aaaaaaaaaaaa", "quá đơn giản"),
        ("lan@example.vn", "trùng với địa chỉ email"),
    ],
)
def test_password_policy_refuses_weak_passwords(db, password: str, fragment: str) -> None:
    with pytest.raises(DomainError) as error:
        services.register_facility_user(name="Lan", email="lan@example.vn", password=password)
    assert fragment in str(error.value.message)
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_authenticate_unconfirmed_user_is_refused(db) -> None:
    services.register_facility_user(name="Lan", email="lan@example.vn", password="mot-mat-khau-dai")
    with pytest.raises(services.SignInRefused) as refused:
        services.authenticate("lan@example.vn", "mot-mat-khau-dai")
    assert refused.value.reason == "unconfirmed"


def test_authenticate_records_success_and_failure(db) -> None:
    user = make_user(Role.JUROR, email="gk@example.vn")
    with pytest.raises(services.SignInRefused):
        services.authenticate("gk@example.vn", "wrong-password!")
    with pytest.raises(services.SignInRefused):
        services.authenticate("nobody@example.vn", "whatever-password")
    signed_in = services.authenticate("GK@example.vn ", PASSWORD)
    db.session.commit()
    assert signed_in.id == user.id
    assert signed_in.last_login_at is not None
    assert _actions(db) == ["auth.sign_in_failed", "auth.sign_in_failed", "auth.sign_in"]


def test_authenticate_deactivated_user_is_refused(db) -> None:
    make_user(Role.JUROR, email="gk@example.vn", active=False)
    with pytest.raises(services.SignInRefused) as refused:
        services.authenticate("gk@example.vn", PASSWORD)
    assert refused.value.reason == "inactive"


def test_invite_new_staff_creates_passwordless_user_with_role(db) -> None:
    organizer = make_user(Role.ORGANIZER)
    user, created = services.invite_user(actor=organizer, email="gk@example.vn", name="Lê Giám Khảo", role=Role.JUROR)
    db.session.commit()
    assert created is True
    assert user.has_password is False
    assert user.invited_by_id == organizer.id
    assert [a.role for a in user.roles] == [Role.JUROR]
    assert _actions(db) == ["user.invited", "role.assigned"]


def test_invite_existing_user_adds_role_once(db) -> None:
    admin = make_user(Role.ADMIN)
    existing = make_user(Role.FACILITY, email="x@example.vn")
    services.invite_user(actor=admin, email="x@example.vn", name="X", role=Role.JUROR)
    services.invite_user(actor=admin, email="x@example.vn", name="X", role=Role.JUROR)
    db.session.commit()
    assert sorted(a.role.value for a in existing.roles) == ["facility", "juror"]


def test_organizer_cannot_invite_organizer_or_admin(db) -> None:
    organizer = make_user(Role.ORGANIZER)
    for role in (Role.ORGANIZER, Role.ADMIN):
        with pytest.raises(NotAllowed):
            services.invite_user(actor=organizer, email="o@example.vn", name="O", role=role)
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_accept_invitation_sets_password_and_confirms(db) -> None:
    admin = make_user(Role.ADMIN)
    user, _ = services.invite_user(actor=admin, email="gk@example.vn", name="GK", role=Role.JUROR)
    services.accept_invitation(user, "mat-khau-moi-123")
    db.session.commit()
    assert user.is_confirmed
    assert services.authenticate("gk@example.vn", "mat-khau-moi-123").id == user.id


def test_assign_and_revoke_roles_are_audited(db) -> None:
    admin = make_user(Role.ADMIN)
    target = make_user(Role.FACILITY)
    assignment = services.assign_role(actor=admin, user=target, role=Role.ORGANIZER)
    services.revoke_role(actor=admin, assignment=assignment)
    db.session.commit()
    assert [a.role for a in target.roles] == [Role.FACILITY]
    assert _actions(db) == ["role.assigned", "role.revoked"]


def test_scoped_role_applies_only_to_its_scope(db) -> None:
    admin = make_user(Role.ADMIN)
    target = make_user()
    services.assign_role(actor=admin, user=target, role=Role.ORGANIZER, scope_type=ScopeType.ROUND, scope_id=7)
    db.session.commit()
    assert target.has_role(Role.ORGANIZER, ScopeType.ROUND, 7) is True
    assert target.has_role(Role.ORGANIZER, ScopeType.ROUND, 8) is False
    assert target.has_role(Role.ORGANIZER) is False
    assert target.holds(Role.ORGANIZER) is True


def test_scope_needs_both_type_and_id(db) -> None:
    admin = make_user(Role.ADMIN)
    with pytest.raises(DomainError):
        services.assign_role(actor=admin, user=make_user(), role=Role.JUROR, scope_type=ScopeType.ROUND)


def test_non_admin_cannot_assign_roles(db) -> None:
    organizer = make_user(Role.ORGANIZER)
    with pytest.raises(NotAllowed):
        services.assign_role(actor=organizer, user=make_user(), role=Role.ADMIN)


def test_last_admin_keeps_admin_role(db) -> None:
    admin = make_user(Role.ADMIN)
    with pytest.raises(DomainError, match="cuối cùng"):
        services.revoke_role(actor=admin, assignment=admin.roles[0])
    db.session.rollback()
    assert db.session.scalar(select(func.count(RoleAssignment.id))) == 1


def test_deactivate_blocks_sign_in_and_cannot_target_self(db) -> None:
    admin = make_user(Role.ADMIN)
    target = make_user(Role.JUROR, email="gk@example.vn")
    with pytest.raises(NotAllowed):
        services.deactivate_user(actor=admin, user=admin)
    services.deactivate_user(actor=admin, user=target)
    db.session.commit()
    with pytest.raises(services.SignInRefused):
        services.authenticate("gk@example.vn", PASSWORD)
    assert _actions(db)[-2:] == ["user.deactivated", "auth.sign_in_failed"]


def test_change_password_requires_current_password(db) -> None:
    user = make_user(Role.FACILITY)
    with pytest.raises(DomainError, match="hiện tại không đúng"):
        services.change_password(user, "not-my-password", "new-password-123")
    services.change_password(user, PASSWORD, "new-password-123")
    db.session.commit()
    assert services.authenticate(user.email, "new-password-123").id == user.id


def test_search_is_accent_insensitive(db) -> None:
    nguyen = make_user(name="Nguyễn Văn An", email="an@example.vn")
    make_user(name="Trần Thị Bình", email="binh@example.vn")
    for query in ("nguyen van", "NGUYỄN", "văn an", "an@example"):
        found = db.session.scalars(users_query(q=query)).all()
        assert [u.id for u in found] == [nguyen.id], query


def test_search_treats_wildcards_literally(db) -> None:
    make_user(name="Nguyễn Văn An")
    assert db.session.scalars(users_query(q="%")).all() == []
