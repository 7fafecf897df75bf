"""Account forms: field validation only (rules live in services)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from kcvote.accounts.enums import Role
from kcvote.accounts.services import password_problems
from kcvote.core.forms import BaseForm

REQUIRED = _l("Vui lòng nhập thông tin này.")
BAD_EMAIL = _l("Địa chỉ email không hợp lệ.")

ROLE_LABELS = {
    Role.ADMIN: _l("Quản trị viên"),
    Role.ORGANIZER: _l("Ban tổ chức"),
    Role.JUROR: _l("Giám khảo"),
    Role.COUNCIL_MEMBER: _l("Thành viên hội đồng"),
    Role.FACILITY: _l("Cơ sở CNNT"),
}


def email_field(label: object = None) -> EmailField:
    return EmailField(
        label or _l("Email"),
        validators=[DataRequired(REQUIRED), Email(BAD_EMAIL, check_deliverability=False), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )


class PasswordPolicy:
    """Validates a new password against the configured policy, with every reason shown."""

    def __call__(self, form: BaseForm, field: Any) -> None:
        email = form.email.data if hasattr(form, "email") and form.email.data else getattr(form, "_email", "")
        problems = password_problems(
            field.data or "", email=email or "", min_length=current_app.config["PASSWORD_MIN_LENGTH"]
        )
        if problems:
            raise ValidationError(" ".join(str(p) for p in problems))


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        _l("Mật khẩu mới"),
        validators=[DataRequired(REQUIRED), PasswordPolicy()],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("Hai mật khẩu không khớp."))],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class SignupForm(BaseForm):
    name = StringField(
        _l("Họ và tên người đại diện"),
        validators=[DataRequired(REQUIRED), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    email = email_field()
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Đăng ký"))


class LoginForm(BaseForm):
    # No format check on sign-in: an existing account signs in with whatever address it has.
    email = StringField(
        _l("Email"), validators=[DataRequired(REQUIRED), Length(max=254)], render_kw={"autocomplete": "email"}
    )
    password = PasswordField(
        _l("Mật khẩu"), validators=[DataRequired(REQUIRED)], render_kw={"autocomplete": "current-password"}
    )
    remember = BooleanField(_l("Ghi nhớ đăng nhập"))
    next = HiddenField()
    submit = SubmitField(_l("Đăng nhập"))


class EmailOnlyForm(BaseForm):
    email = email_field()
    submit = SubmitField(_l("Gửi liên kết"))


class SetPasswordForm(BaseForm):
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Đặt mật khẩu"))

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._email = email


class ChangePasswordForm(BaseForm):
    current = PasswordField(
        _l("Mật khẩu hiện tại"), validators=[DataRequired(REQUIRED)], render_kw={"autocomplete": "current-password"}
    )
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Đổi mật khẩu"))

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._email = email


class ProfileForm(BaseForm):
    name = StringField(_l("Họ và tên"), validators=[DataRequired(REQUIRED), Length(max=200)])
    phone = StringField(_l("Điện thoại"), validators=[Optional(), Length(max=40)])
    organization = StringField(_l("Cơ quan / đơn vị"), validators=[Optional(), Length(max=200)])
    job_title = StringField(_l("Chức danh"), validators=[Optional(), Length(max=200)])
    locale = SelectField(_l("Ngôn ngữ"), choices=[SelectChoice("vi", "Tiếng Việt"), SelectChoice("en", "English")])
    submit = SubmitField(_l("Lưu"))


def role_choices(roles: list[Role]) -> list[SelectChoice]:
    return [SelectChoice(r.value, str(ROLE_LABELS[r])) for r in roles]


class InviteForm(BaseForm):
    name = StringField(_l("Họ và tên"), validators=[DataRequired(REQUIRED), Length(max=200)])
    email = email_field()
    role = SelectField(_l("Vai trò"), validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Gửi lời mời"))


class AssignRoleForm(BaseForm):
    role = SelectField(_l("Vai trò"), validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Thêm vai trò"))


class ConfirmActionForm(BaseForm):
    """An empty form: the CSRF token is the whole point."""

    submit = SubmitField(_l("Xác nhận"))
