"""Reference-data forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Regexp

from kcvote.core.forms import BaseForm
from kcvote.reference.enums import ScopeKind

REQUIRED = _l("Vui lòng nhập thông tin này.")
CODE = Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Mã chỉ gồm chữ không dấu, số, gạch ngang hoặc gạch dưới."))


class RegionForm(BaseForm):
    code = StringField(_l("Mã"), validators=[DataRequired(REQUIRED), Length(max=32), CODE])
    name = StringField(_l("Tên vùng"), validators=[DataRequired(REQUIRED), Length(max=120)])
    submit = SubmitField(_l("Lưu"))


class ProvinceForm(BaseForm):
    code = StringField(_l("Mã"), validators=[DataRequired(REQUIRED), Length(max=32), CODE])
    name = StringField(_l("Tên tỉnh, thành phố"), validators=[DataRequired(REQUIRED), Length(max=120)])
    kind = SelectField(
        _l("Loại"), choices=[SelectChoice("tỉnh", _l("tỉnh")), SelectChoice("thành phố", _l("thành phố"))]
    )
    region_id = SelectField(_l("Vùng"), coerce=int, validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Lưu"))


class LevelForm(BaseForm):
    code = StringField(_l("Mã"), validators=[DataRequired(REQUIRED), Length(max=32), CODE])
    name = StringField(_l("Tên cấp"), validators=[DataRequired(REQUIRED), Length(max=120)])
    rank = IntegerField(
        _l("Thứ bậc (1 là thấp nhất)"),
        validators=[DataRequired(REQUIRED), NumberRange(1, 99, _l("Thứ bậc từ 1 đến 99."))],
    )
    scope = SelectField(
        _l("Phạm vi của đợt bình chọn"),
        choices=[
            SelectChoice(ScopeKind.COMMUNE.value, _l("một xã")),
            SelectChoice(ScopeKind.PROVINCE.value, _l("một tỉnh, thành phố")),
            SelectChoice(ScopeKind.REGION.value, _l("một vùng")),
            SelectChoice(ScopeKind.NATION.value, _l("toàn quốc")),
        ],
    )
    submit = SubmitField(_l("Lưu"))


class ProductGroupForm(BaseForm):
    number = IntegerField(
        _l("Số thứ tự"), validators=[DataRequired(REQUIRED), NumberRange(1, 99, _l("Số thứ tự từ 1 đến 99."))]
    )
    code = StringField(_l("Mã (dùng trong mã số bình chọn)"), validators=[DataRequired(REQUIRED), Length(max=16), CODE])
    name = StringField(_l("Tên nhóm"), validators=[DataRequired(REQUIRED), Length(max=200)])
    active = BooleanField(_l("Đang sử dụng"), default=True)
    submit = SubmitField(_l("Lưu"))
