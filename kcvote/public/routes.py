"""Public routes."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from kcvote.accounts import services as account_services
from kcvote.core.urls import safe_next
from kcvote.extensions import db

bp = Blueprint("public", __name__)


@bp.get("/")
def index() -> str:
    """Home page."""
    return render_template("public/index.html")


@bp.post("/language/<code>")
def set_language(code: str) -> Response:
    """Switch the interface language; kept in the profile, or the session when signed out."""
    if code not in current_app.config["LANGUAGES"]:
        code = current_app.config["BABEL_DEFAULT_LOCALE"]
    session["locale"] = code
    if current_user.is_authenticated:
        account_services.set_locale(current_user, code)
        db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("public.index")))


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """Liveness and database check for load balancers."""
    from sqlalchemy import text

    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}, 200
