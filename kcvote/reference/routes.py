"""Administrators edit reference data: regions, provinces, levels and product groups."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from kcvote.accounts.rules import can_edit_reference_data
from kcvote.core.auth import ViewResult, require
from kcvote.core.errors import DomainError
from kcvote.extensions import db
from kcvote.reference import services
from kcvote.reference.enums import ScopeKind
from kcvote.reference.forms import LevelForm, ProductGroupForm, ProvinceForm, RegionForm
from kcvote.reference.models import Level, ProductGroup, Province, Region

bp = Blueprint("reference", __name__, url_prefix="/admin/reference")


def _get_or_404(model: type[Any], obj_id: int) -> Any:
    obj = db.session.get(model, obj_id)
    if obj is None:
        abort(404)
    return obj


def _form_page(form: Any, title: str, status: int = 200) -> tuple[str, int]:
    return render_template("reference/form.html", form=form, title=title), status


def _saved() -> Response:
    db.session.commit()
    flash(_("Đã lưu."), "success")
    return redirect(url_for("reference.index"))


@bp.get("/")
@require(can_edit_reference_data)
def index() -> str:
    """All reference data on one page."""
    regions = db.session.scalars(select(Region).order_by(Region.sort_order, Region.id)).all()
    provinces = db.session.scalars(select(Province).order_by(Province.sort_order, Province.id)).all()
    levels = db.session.scalars(select(Level).order_by(Level.rank)).all()
    groups = db.session.scalars(select(ProductGroup).order_by(ProductGroup.number)).all()
    return render_template("reference/index.html", regions=regions, provinces=provinces, levels=levels, groups=groups)


def _save_or_error(form: Any, title: str, save: Any) -> ViewResult:
    if not form.validate_on_submit():
        return _form_page(form, title, 422 if form.is_submitted() else 200)
    try:
        save()
    except DomainError as error:
        db.session.rollback()
        form.code.errors = [str(error.message)]
        return _form_page(form, title, 422)
    return _saved()


@bp.route("/regions/new", methods=["GET", "POST"])
@bp.route("/regions/<int:region_id>", methods=["GET", "POST"])
@require(can_edit_reference_data)
def region(region_id: int | None = None) -> ViewResult:
    """Add or edit a region."""
    obj = _get_or_404(Region, region_id) if region_id else None
    form = RegionForm(obj=obj)
    title = _("Sửa vùng") if obj else _("Thêm vùng")
    return _save_or_error(
        form,
        title,
        lambda: services.save_region(actor=current_user, region=obj, code=form.code.data, name=form.name.data),
    )


@bp.route("/provinces/<int:province_id>", methods=["GET", "POST"])
@require(can_edit_reference_data)
def province(province_id: int) -> ViewResult:
    """Edit a province (code, name, kind, region)."""
    obj = _get_or_404(Province, province_id)
    form = ProvinceForm(obj=obj)
    form.region_id.choices = [
        SelectChoice(r.id, r.name) for r in db.session.scalars(select(Region).order_by(Region.sort_order))
    ]

    def save() -> None:
        region = _get_or_404(Region, form.region_id.data)
        services.save_province(
            actor=current_user,
            province=obj,
            code=form.code.data,
            name=form.name.data,
            region=region,
            kind=form.kind.data,
        )

    return _save_or_error(form, _("Sửa tỉnh, thành phố"), save)


@bp.route("/levels/new", methods=["GET", "POST"])
@bp.route("/levels/<int:level_id>", methods=["GET", "POST"])
@require(can_edit_reference_data)
def level(level_id: int | None = None) -> ViewResult:
    """Add or edit a contest level."""
    obj = _get_or_404(Level, level_id) if level_id else None
    form = LevelForm(obj=obj)
    title = _("Sửa cấp") if obj else _("Thêm cấp")
    return _save_or_error(
        form,
        title,
        lambda: services.save_level(
            actor=current_user,
            level=obj,
            code=form.code.data,
            name=form.name.data,
            rank=form.rank.data,
            scope=ScopeKind(form.scope.data),
        ),
    )


@bp.route("/groups/new", methods=["GET", "POST"])
@bp.route("/groups/<int:group_id>", methods=["GET", "POST"])
@require(can_edit_reference_data)
def product_group(group_id: int | None = None) -> ViewResult:
    """Add or edit a product group."""
    obj = _get_or_404(ProductGroup, group_id) if group_id else None
    form = ProductGroupForm(obj=obj)
    title = _("Sửa nhóm sản phẩm") if obj else _("Thêm nhóm sản phẩm")
    return _save_or_error(
        form,
        title,
        lambda: services.save_product_group(
            actor=current_user,
            group=obj,
            number=form.number.data,
            code=form.code.data,
            name=form.name.data,
            active=bool(form.active.data),
        ),
    )
