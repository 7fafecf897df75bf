"""Sign-up, confirmation, sign-in, password reset, invitations and the user's own profile."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from kcvote.accounts import emails, services, tokens
from kcvote.accounts.forms import (
    ChangePasswordForm,
    ConfirmActionForm,
    EmailOnlyForm,
    LoginForm,
    ProfileForm,
    SetPasswordForm,
    SignupForm,
)
from kcvote.core.auth import ViewResult
from kcvote.core.errors import DomainError
from kcvote.core.urls import safe_next
from kcvote.extensions import db, limiter

bp = Blueprint("accounts", __name__, url_prefix="/account")


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _sensitive_limit() -> str:
    return str(current_app.config["SENSITIVE_RATE_LIMIT"])


def _email_key() -> str:
    """Rate-limit key per attempted account, so rotating IPs cannot guess one password."""
    return "email:" + (request.form.get("email") or "").strip().lower()


def _min_length() -> int:
    return int(current_app.config["PASSWORD_MIN_LENGTH"])


def _home() -> str:
    return url_for("public.index")


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_sensitive_limit, methods=["POST"])
def signup() -> ViewResult:
    """A facility representative creates an account and is sent a confirmation link."""
    if current_user.is_authenticated:
        return redirect(_home())
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user, created = services.register_facility_user(
                name=form.name.data or "",
                email=form.email.data or "",
                password=form.password.data or "",
                locale=session.get("locale", "vi"),
                min_length=_min_length(),
            )
        except DomainError as error:
            db.session.rollback()
            form.password.errors = [str(error.message)]
            return render_template("accounts/signup.html", form=form), 422
        db.session.commit()
        if created:
            emails.send_confirmation(user)
        else:
            emails.send_already_registered(user)
        return render_template("accounts/check_email.html", email=form.email.data)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/signup.html", form=form), status


@bp.get("/confirm/<token>")
def confirm_email(token: str) -> Response:
    """Open the link from the confirmation e-mail."""
    user = tokens.load_token(token, "confirm")
    if user is None:
        flash(_("Liên kết xác nhận không hợp lệ hoặc đã hết hạn. Hãy yêu cầu gửi lại."), "danger")
        return redirect(url_for("accounts.resend_confirmation"))
    if services.confirm_email(user):
        db.session.commit()
        flash(_("Email đã được xác nhận. Bạn có thể đăng nhập."), "success")
    else:
        flash(_("Email này đã được xác nhận trước đó."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/confirm", methods=["GET", "POST"])
@limiter.limit(_sensitive_limit, methods=["POST"])
def resend_confirmation() -> ViewResult:
    """Send the confirmation link again (the answer never reveals whether the account exists)."""
    form = EmailOnlyForm()
    if form.validate_on_submit():
        user = services.get_user_by_email(form.email.data or "")
        if user is not None and user.active and not user.is_confirmed:
            emails.send_confirmation(user)
        return render_template("accounts/check_email.html", email=form.email.data)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/resend_confirmation.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_email_key)
def login() -> ViewResult:
    """Sign in with e-mail and password."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_user.is_authenticated:
        return redirect(safe_next(form.next.data, _home()))
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data or "", form.password.data or "")
        except services.SignInRefused as refused:
            db.session.commit()  # keep the audit row of the failed attempt
            flash(str(refused.message), "danger")
            return render_template("accounts/login.html", form=form, refused=refused.reason), 401
        db.session.commit()
        session.clear()  # a fresh session on sign-in: no fixation
        login_user(user, remember=bool(form.remember.data))
        session["locale"] = user.locale
        flash(_("Xin chào, %(name)s!", name=user.name), "success")
        return redirect(safe_next(form.next.data, _home()))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/login.html", form=form, refused=None), status


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Sign out (POST, so a link on another site cannot sign anyone out)."""
    services.record_sign_out(current_user)
    db.session.commit()
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(_home())


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_sensitive_limit, methods=["POST"])
def forgot_password() -> ViewResult:
    """Ask for a reset link; the answer is the same whether or not the e-mail is known."""
    form = EmailOnlyForm()
    if form.validate_on_submit():
        user = services.get_user_by_email(form.email.data or "")
        if user is not None and user.active:
            emails.send_password_reset(user)
        return render_template("accounts/check_email.html", email=form.email.data)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/forgot_password.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ViewResult:
    """Choose a new password from the e-mailed link (single use)."""
    user = tokens.load_token(token, "reset")
    if user is None or not user.active:
        flash(_("Liên kết đặt lại mật khẩu không hợp lệ, đã dùng hoặc đã hết hạn."), "danger")
        return redirect(url_for("accounts.forgot_password"))
    form = SetPasswordForm(email=user.email)
    if form.validate_on_submit():
        services.reset_password(user, form.password.data or "", min_length=_min_length())
        db.session.commit()
        flash(_("Mật khẩu đã được đặt lại. Hãy đăng nhập bằng mật khẩu mới."), "success")
        return redirect(url_for("accounts.login"))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/set_password.html", form=form, user=user, invitation=False), status


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> ViewResult:
    """An invited staff member sets their password and signs in."""
    user = tokens.load_token(token, "invite")
    if user is None or not user.active or user.has_password:
        flash(_("Lời mời không hợp lệ, đã được dùng hoặc đã hết hạn. Hãy liên hệ người mời bạn."), "danger")
        return redirect(url_for("accounts.login"))
    form = SetPasswordForm(email=user.email)
    if form.validate_on_submit():
        services.accept_invitation(user, form.password.data or "", min_length=_min_length())
        db.session.commit()
        flash(_("Chào mừng bạn! Mật khẩu đã được đặt; hãy đăng nhập."), "success")
        return redirect(url_for("accounts.login"))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/set_password.html", form=form, user=user, invitation=True), status


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> ViewResult:
    """The signed-in user's own details and language."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(
            current_user,
            name=form.name.data or "",
            phone=form.phone.data,
            organization=form.organization.data,
            job_title=form.job_title.data,
            locale=form.locale.data or "vi",
        )
        db.session.commit()
        session["locale"] = current_user.locale
        flash(_("Đã lưu hồ sơ."), "success")
        return redirect(url_for("accounts.profile"))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/profile.html", form=form, logout_form=ConfirmActionForm()), status


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
@limiter.limit(_sensitive_limit, methods=["POST"])
def change_password() -> ViewResult:
    """Change one's password, proving the current one."""
    form = ChangePasswordForm(email=current_user.email)
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current.data or "", form.password.data or "", min_length=_min_length()
            )
        except DomainError as error:
            db.session.rollback()
            form.current.errors = [str(error.message)]
            return render_template("accounts/change_password.html", form=form), 422
        db.session.commit()
        flash(_("Đã đổi mật khẩu."), "success")
        return redirect(url_for("accounts.profile"))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/change_password.html", form=form), status
