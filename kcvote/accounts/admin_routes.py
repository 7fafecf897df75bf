"""Administration of users and roles (admins), and invitations (admins and organizers)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from kcvote.accounts import emails, rules, services
from kcvote.accounts.enums import Role
from kcvote.accounts.forms import ROLE_LABELS, AssignRoleForm, ConfirmActionForm, InviteForm, role_choices
from kcvote.accounts.models import RoleAssignment, User
from kcvote.accounts.queries import users_query
from kcvote.core import audit
from kcvote.core.auth import ViewResult, require
from kcvote.core.urls import safe_next
from kcvote.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 25


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/users")
@require(rules.can_manage_users)
def users() -> str:
    """List and search users (accent-insensitive), filter by role and status."""
    q = request.args.get("q", "").strip()[:100]
    role_value = request.args.get("role", "")
    role = Role(role_value) if role_value in {r.value for r in Role} else None
    status = request.args.get("status", "")
    active = {"active": True, "inactive": False}.get(status)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    pagination = db.paginate(users_query(q=q, role=role, active=active), page=page, per_page=PAGE_SIZE, error_out=False)
    return render_template(
        "admin/users.html",
        pagination=pagination,
        q=q,
        role=role_value,
        status=status,
        role_labels=ROLE_LABELS,
        roles=list(Role),
    )


def _render_detail(user: User, form: AssignRoleForm, status: int = 200) -> tuple[str, int]:
    history = db.session.scalars(
        select(audit.AuditEntry)
        .where(
            (audit.AuditEntry.actor_id == user.id)
            | ((audit.AuditEntry.object_type == "User") & (audit.AuditEntry.object_id == str(user.id)))
        )
        .order_by(audit.AuditEntry.id.desc())
        .limit(30)
    ).all()
    page = render_template(
        "admin/user_detail.html",
        user=user,
        form=form,
        action_form=ConfirmActionForm(),
        role_labels=ROLE_LABELS,
        history=history,
    )
    return page, status


def _assign_form() -> AssignRoleForm:
    form = AssignRoleForm()
    form.role.choices = role_choices(list(Role))
    return form


@bp.get("/users/<int:user_id>")
@require(rules.can_manage_users)
def user_detail(user_id: int) -> tuple[str, int]:
    """One user's details, roles and recent audit trail."""
    return _render_detail(_user_or_404(user_id), _assign_form())


@bp.post("/users/<int:user_id>/roles")
@require(rules.can_manage_users)
def assign_role(user_id: int) -> ViewResult:
    """Give a user a global role."""
    user = _user_or_404(user_id)
    form = _assign_form()
    if not form.validate_on_submit():
        return _render_detail(user, form, 400)
    role = Role(form.role.data)
    services.assign_role(actor=current_user, user=user, role=role)
    db.session.commit()
    flash(_("Đã thêm vai trò %(role)s.", role=ROLE_LABELS[role]), "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/roles/<int:assignment_id>/revoke")
@require(rules.can_manage_users)
def revoke_role(user_id: int, assignment_id: int) -> Response:
    """Remove one role assignment."""
    user = _user_or_404(user_id)
    assignment = db.session.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.user_id != user.id:
        abort(404)
    services.revoke_role(actor=current_user, assignment=assignment)
    db.session.commit()
    flash(_("Đã thu hồi vai trò %(role)s.", role=ROLE_LABELS[assignment.role]), "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/deactivate")
@require(rules.can_manage_users)
def deactivate(user_id: int) -> Response:
    """Block a user from signing in."""
    user = _user_or_404(user_id)
    services.deactivate_user(actor=current_user, user=user)
    db.session.commit()
    flash(_("Đã khoá tài khoản %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/reactivate")
@require(rules.can_manage_users)
def reactivate(user_id: int) -> Response:
    """Let a deactivated user sign in again."""
    user = _user_or_404(user_id)
    services.reactivate_user(actor=current_user, user=user)
    db.session.commit()
    flash(_("Đã mở khoá tài khoản %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/resend-invitation")
@require(rules.can_invite)
def resend_invitation(user_id: int) -> Response:
    """Send a fresh invitation link to someone who has not set a password yet."""
    user = _user_or_404(user_id)
    if not all(rules.can_invite(current_user, a.role) for a in user.roles):
        abort(403)
    if user.has_password or not user.active:
        flash(_("Người dùng này đã kích hoạt tài khoản hoặc đã bị khoá."), "warning")
    else:
        role = next((a.role for a in user.roles), Role.JUROR)
        emails.send_invitation(user, current_user, str(ROLE_LABELS[role]))
        flash(_("Đã gửi lại lời mời tới %(email)s.", email=user.email), "success")
    return redirect(safe_next(request.form.get("next"), url_for("admin.invite")))


@bp.route("/invite", methods=["GET", "POST"])
@require(rules.can_invite)
def invite() -> ViewResult:
    """Invite a staff member by e-mail; they set their own password from the link."""
    form = InviteForm()
    form.role.choices = role_choices(rules.invitable_roles(current_user))
    if form.validate_on_submit():
        role = Role(form.role.data)
        user, created = services.invite_user(
            actor=current_user, email=form.email.data or "", name=form.name.data or "", role=role
        )
        db.session.commit()
        emails.send_invitation(user, current_user, str(ROLE_LABELS[role]))
        if created:
            flash(_("Đã gửi lời mời tới %(email)s.", email=user.email), "success")
        else:
            flash(_("%(email)s đã có tài khoản: đã thêm vai trò và báo cho họ.", email=user.email), "success")
        return redirect(url_for("admin.invite"))
    pending = db.session.scalars(
        select(User)
        .where(User.password_hash.is_(None), User.invited_by_id.is_not(None))
        .order_by(User.created_at.desc())
        .limit(50)
    ).all()
    status = 422 if form.is_submitted() else 200
    return render_template("admin/invite.html", form=form, pending=pending, action_form=ConfirmActionForm()), status


@bp.get("/audit")
@require(rules.can_manage_users)
def audit_log() -> str:
    """Browse the audit log, newest first, with the chain's state."""
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    action = request.args.get("action", "").strip()[:64]
    stmt = select(audit.AuditEntry).order_by(audit.AuditEntry.id.desc())
    if action:
        stmt = stmt.where(audit.AuditEntry.action == action)
    pagination = db.paginate(stmt, page=page, per_page=50, error_out=False)
    actions = db.session.scalars(select(audit.AuditEntry.action).distinct().order_by(audit.AuditEntry.action)).all()
    actors = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(User.id.in_({e.actor_id for e in pagination.items if e.actor_id}))
        )
    }
    total = db.session.scalar(select(func.count(audit.AuditEntry.id))) or 0
    return render_template(
        "admin/audit.html", pagination=pagination, actions=actions, action=action, actors=actors, total=total
    )
