"""Account use cases. Services flush and audit; routes commit once per request."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from kcvote.accounts import rules
from kcvote.accounts.enums import Role, ScopeType
from kcvote.accounts.models import RoleAssignment, User
from kcvote.core import audit
from kcvote.core.db import utcnow
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.extensions import db

# Checked when the e-mail is unknown so that a miss costs as long as a hit.
_DUMMY_HASH = generate_password_hash("kcvote-timing-equaliser")


def password_problems(password: str, *, email: str = "", min_length: int = 10) -> list[object]:
    """Reasons ``password`` is refused by the policy (empty when it is acceptable)."""
    problems: list[object] = []
    if len(password) < min_length:
        problems.append(_l("Mật khẩu phải có ít nhất %(n)d ký tự.", n=min_length))
    if password and len(set(password)) < 4:
        problems.append(_l("Mật khẩu quá đơn giản: hãy dùng nhiều ký tự khác nhau."))
    if email and password.strip().lower() in {email.lower(), email.split("@")[0].lower()}:
        problems.append(_l("Mật khẩu không được trùng với địa chỉ email."))
    return problems


def _check_password_policy(password: str, email: str, min_length: int) -> None:
    problems = password_problems(password, email=email, min_length=min_length)
    if problems:
        raise DomainError(problems[0])


def valid_email(email: str) -> str:
    """The normalised (lower-cased) address. :raise DomainError: when it is not a usable address."""
    try:
        checked = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise DomainError(_l("Địa chỉ email không hợp lệ.")) from None
    return str(checked.normalized).lower()


def get_user_by_email(email: str) -> User | None:
    """The user with this e-mail (case-insensitive), or None."""
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def _set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password)


def register_facility_user(
    *, name: str, email: str, password: str, locale: str = "vi", min_length: int = 10
) -> tuple[User, bool]:
    """Sign up a facility representative (unconfirmed). Returns (user, created).

    When the e-mail is already registered nothing is created and ``created`` is False, so the
    caller can tell the owner by mail without revealing to the visitor that the account exists.
    """
    email = valid_email(email)
    existing = get_user_by_email(email)
    if existing is not None:
        return existing, False
    _check_password_policy(password, email, min_length)
    user = User(locale=locale)
    user.set_identity(name=name, email=email)
    _set_password(user, password)
    user.roles.append(RoleAssignment(role=Role.FACILITY))
    db.session.add(user)
    db.session.flush()
    audit.record("user.signed_up", actor_id=user.id, obj=user)
    return user, True


def confirm_email(user: User) -> bool:
    """Mark the e-mail confirmed; False if it already was."""
    if user.email_confirmed_at is not None:
        return False
    user.email_confirmed_at = utcnow()
    audit.record("user.email_confirmed", actor_id=user.id, obj=user)
    db.session.flush()
    return True


class SignInRefused(DomainError):
    """Sign-in refused; ``reason`` is 'credentials', 'inactive' or 'unconfirmed'."""

    status_code = 200

    def __init__(self, message: object, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def authenticate(email: str, password: str) -> User:
    """Check credentials and record the attempt. :raise SignInRefused: with a readable reason."""
    user = get_user_by_email(email)
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        audit.record("auth.sign_in_failed", actor_id=user.id if user else None, email=email.strip().lower()[:254])
        raise SignInRefused(_l("Email hoặc mật khẩu không đúng."), "credentials")
    if not check_password_hash(user.password_hash, password):
        audit.record("auth.sign_in_failed", actor_id=user.id, obj=user, email=user.email)
        raise SignInRefused(_l("Email hoặc mật khẩu không đúng."), "credentials")
    if not user.active:
        audit.record("auth.sign_in_failed", actor_id=user.id, obj=user, reason="inactive")
        raise SignInRefused(_l("Tài khoản này đã bị khoá. Hãy liên hệ quản trị viên."), "inactive")
    if not user.is_confirmed:
        audit.record("auth.sign_in_failed", actor_id=user.id, obj=user, reason="unconfirmed")
        raise SignInRefused(
            _l("Bạn cần xác nhận địa chỉ email trước khi đăng nhập. Hãy mở liên kết trong thư chúng tôi đã gửi."),
            "unconfirmed",
        )
    user.last_login_at = utcnow()
    audit.record("auth.sign_in", actor_id=user.id, obj=user)
    return user


def record_sign_out(user: User) -> None:
    """Audit a sign-out."""
    audit.record("auth.sign_out", actor_id=user.id, obj=user)


def invite_user(
    *,
    actor: User,
    email: str,
    name: str,
    role: Role,
    scope_type: ScopeType | None = None,
    scope_id: int | None = None,
) -> tuple[User, bool]:
    """Invite a staff member (or give an existing user the role). Returns (user, created)."""
    if not rules.can_invite(actor, role):
        raise NotAllowed(_l("Bạn không được mời người dùng với vai trò này."))
    email = valid_email(email)
    user = get_user_by_email(email)
    created = user is None
    if user is None:
        user = User(invited_by_id=actor.id, locale="vi")
        user.set_identity(name=name, email=email)
        db.session.add(user)
        db.session.flush()
    elif not user.active:
        raise DomainError(_l("Tài khoản %(email)s đã bị khoá; hãy mở khoá trước khi mời lại.", email=user.email))
    audit.record("user.invited", actor_id=actor.id, obj=user, email=user.email, role=role.value, new_account=created)
    _add_role(actor=actor, user=user, role=role, scope_type=scope_type, scope_id=scope_id)
    return user, created


def invite_facility_member(*, actor: User, email: str, name: str, existing: User | None) -> tuple[User, bool]:
    """Create (or reuse) an account with the facility role for a colleague. The caller checks
    that ``actor`` may act for the facility. Returns (user, created)."""
    if existing is not None and not existing.active:
        raise DomainError(_l("Tài khoản %(email)s đã bị khoá; hãy mở khoá trước khi mời lại.", email=existing.email))
    user = existing
    if user is None:
        user = User(invited_by_id=actor.id, locale="vi")
        user.set_identity(name=name, email=email)
        db.session.add(user)
        db.session.flush()
    audit.record("user.invited", actor_id=actor.id, obj=user, email=user.email, role=Role.FACILITY.value)
    _add_role(actor=actor, user=user, role=Role.FACILITY, scope_type=None, scope_id=None)
    return user, existing is None


def accept_invitation(user: User, password: str, *, min_length: int = 10) -> None:
    """An invited person sets a password; their e-mail counts as confirmed."""
    _check_password_policy(password, user.email, min_length)
    _set_password(user, password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    audit.record("user.invitation_accepted", actor_id=user.id, obj=user)
    db.session.flush()


def reset_password(user: User, password: str, *, min_length: int = 10) -> None:
    """Set a new password from a reset link (which proves the e-mail, so it confirms it)."""
    _check_password_policy(password, user.email, min_length)
    _set_password(user, password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    audit.record("user.password_reset", actor_id=user.id, obj=user)
    db.session.flush()


def change_password(user: User, current: str, new: str, *, min_length: int = 10) -> None:
    """Change a password after checking the current one."""
    if not user.password_hash or not check_password_hash(user.password_hash, current):
        raise DomainError(_l("Mật khẩu hiện tại không đúng."))
    _check_password_policy(new, user.email, min_length)
    _set_password(user, new)
    audit.record("user.password_changed", actor_id=user.id, obj=user)
    db.session.flush()


def update_profile(
    user: User, *, name: str, phone: str | None, organization: str | None, job_title: str | None, locale: str
) -> None:
    """Update the user's own profile fields."""
    user.set_identity(name=name, email=user.email)
    user.phone = (phone or "").strip() or None
    user.organization = (organization or "").strip() or None
    user.job_title = (job_title or "").strip() or None
    user.locale = locale
    db.session.flush()


def set_locale(user: User, locale: str) -> None:
    """Remember the interface language in the user's profile."""
    user.locale = locale
    db.session.flush()


def _add_role(
    *, actor: User | None, user: User, role: Role, scope_type: ScopeType | None, scope_id: int | None
) -> RoleAssignment:
    if (scope_type is None) != (scope_id is None):
        raise DomainError(_l("Phạm vi vai trò phải có cả loại và mã số."))
    for existing in user.roles:
        if existing.role == role and existing.scope_type == scope_type and existing.scope_id == scope_id:
            return existing
    assignment = RoleAssignment(
        role=role, scope_type=scope_type, scope_id=scope_id, granted_by_id=actor.id if actor else None
    )
    user.roles.append(assignment)
    db.session.flush()
    audit.record(
        "role.assigned",
        actor_id=actor.id if actor else None,
        obj=user,
        role=role.value,
        scope_type=scope_type.value if scope_type else None,
        scope_id=scope_id,
    )
    return assignment


def assign_role(
    *, actor: User, user: User, role: Role, scope_type: ScopeType | None = None, scope_id: int | None = None
) -> RoleAssignment:
    """Give ``user`` a role (idempotent). Admins only."""
    if not rules.can_manage_users(actor):
        raise NotAllowed(_l("Chỉ quản trị viên được phân quyền."))
    return _add_role(actor=actor, user=user, role=role, scope_type=scope_type, scope_id=scope_id)


def revoke_role(*, actor: User, assignment: RoleAssignment) -> None:
    """Remove a role assignment. The last active administrator keeps the admin role."""
    if not rules.can_manage_users(actor):
        raise NotAllowed(_l("Chỉ quản trị viên được phân quyền."))
    if assignment.role == Role.ADMIN and assignment.scope_type is None and _active_admin_count() <= 1:
        raise DomainError(_l("Không thể thu hồi quyền của quản trị viên cuối cùng."))
    user = assignment.user
    user.roles.remove(assignment)
    db.session.flush()
    audit.record(
        "role.revoked",
        actor_id=actor.id,
        obj=user,
        role=assignment.role.value,
        scope_type=assignment.scope_type.value if assignment.scope_type else None,
        scope_id=assignment.scope_id,
    )


def _active_admin_count() -> int:
    return (
        db.session.scalar(
            select(func.count(func.distinct(User.id)))
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(User.active.is_(True), RoleAssignment.role == Role.ADMIN, RoleAssignment.scope_type.is_(None))
        )
        or 0
    )


def deactivate_user(*, actor: User, user: User) -> None:
    """Block a user from signing in; their records stay."""
    if not rules.can_deactivate(actor, user):
        raise NotAllowed(_l("Bạn không thể khoá tài khoản này."))
    if not user.active:
        return
    user.active = False
    audit.record("user.deactivated", actor_id=actor.id, obj=user)
    db.session.flush()


def reactivate_user(*, actor: User, user: User) -> None:
    """Allow a deactivated user to sign in again."""
    if not rules.can_manage_users(actor):
        raise NotAllowed(_l("Bạn không thể mở khoá tài khoản này."))
    if user.active:
        return
    user.active = True
    audit.record("user.reactivated", actor_id=actor.id, obj=user)
    db.session.flush()


def create_user(
    *, email: str, name: str, password: str, role: Role, min_length: int = 10, password_hash: str | None = None
) -> User:
    """Operator command: create a confirmed, active user with one global role.

    ``password_hash``, when given, must be the hash of ``password``; demo data creates dozens of users
    with one password and scrypt is deliberately slow."""
    email = valid_email(email)
    if get_user_by_email(email) is not None:
        raise DomainError(_l("Email %(email)s đã được đăng ký.", email=email))
    _check_password_policy(password, email, min_length)
    user = User(locale="vi", email_confirmed_at=utcnow())
    user.set_identity(name=name, email=email)
    if password_hash is not None:
        user.password_hash = password_hash
    else:
        _set_password(user, password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", obj=user, role=role.value)
    _add_role(actor=None, user=user, role=role, scope_type=None, scope_id=None)
    return user
