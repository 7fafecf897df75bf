"""Facility forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from kcvote.core.forms import BaseForm
from kcvote.facilities.enums import LegalForm

REQUIRED = _l("Vui lòng nhập thông tin này.")

LEGAL_FORM_LABELS = {
    LegalForm.SME: _l("Doanh nghiệp nhỏ và vừa"),
    LegalForm.COOPERATIVE: _l("Hợp tác xã"),
    LegalForm.COOPERATIVE_GROUP: _l("Tổ hợp tác"),
    LegalForm.HOUSEHOLD: _l("Hộ kinh doanh"),
}


class FacilityForm(BaseForm):
    name = StringField(_l("Tên cơ sở"), validators=[DataRequired(REQUIRED), Length(max=300)])
    legal_form = SelectField(_l("Loại hình"), choices=[SelectChoice(k.value, v) for k, v in LEGAL_FORM_LABELS.items()])
    registration_no = StringField(
        _l("Mã số thuế / số đăng ký kinh doanh"),
        validators=[
            DataRequired(REQUIRED),
            Regexp(r"^[0-9][0-9-]{7,19}$", message=_l("Mã số gồm 8 đến 20 chữ số (có thể có dấu gạch ngang).")),
        ],
    )
    province_id = SelectField(_l("Tỉnh, thành phố"), coerce=int, validators=[DataRequired(REQUIRED)])
    address = StringField(_l("Địa chỉ"), validators=[DataRequired(REQUIRED), Length(max=500)])
    phone = StringField(
        _l("Điện thoại"),
        validators=[
            DataRequired(REQUIRED),
            Regexp(r"^\+?[0-9 .]{8,20}$", message=_l("Số điện thoại không hợp lệ.")),
        ],
    )
    email = EmailField(
        _l("Email của cơ sở"),
        validators=[Optional(), Email(_l("Địa chỉ email không hợp lệ."), check_deliverability=False)],
    )
    representative = StringField(_l("Người đại diện"), validators=[DataRequired(REQUIRED), Length(max=200)])
    submit = SubmitField(_l("Lưu thông tin cơ sở"))


class MemberForm(BaseForm):
    name = StringField(_l("Họ và tên"), validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(REQUIRED), Email(_l("Địa chỉ email không hợp lệ."), check_deliverability=False)],
    )
    submit = SubmitField(_l("Thêm người cùng quản lý"))
