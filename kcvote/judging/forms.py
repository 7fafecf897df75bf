"""Judging forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from kcvote.core.forms import BaseForm, VnDateField

REQUIRED = _l("Vui lòng nhập thông tin này.")


class AppointJurorForm(BaseForm):
    email = EmailField(
        _l("Email của giám khảo"),
        validators=[DataRequired(REQUIRED), Email(_l("Địa chỉ email không hợp lệ."), check_deliverability=False)],
    )
    name = StringField(_l("Họ và tên (nếu chưa có tài khoản)"), validators=[Optional(), Length(max=200)])
    group_ids = SelectMultipleField(_l("Chỉ chấm các nhóm (để trống: tất cả)"), coerce=int, validators=[Optional()])
    province_id = SelectField(_l("Tỉnh, thành phố của giám khảo"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Bổ nhiệm giám khảo"))


class ConflictForm(BaseForm):
    reason = TextAreaField(_l("Lý do xung đột lợi ích"), validators=[DataRequired(REQUIRED), Length(max=2000)])
    submit = SubmitField(_l("Khai xung đột lợi ích"))


class ReopenForm(BaseForm):
    reason = TextAreaField(_l("Lý do mở lại phiếu"), validators=[DataRequired(REQUIRED), Length(max=2000)])
    submit = SubmitField(_l("Mở lại phiếu"))


class SiteVisitForm(BaseForm):
    visited_on = VnDateField(_l("Ngày khảo sát"), validators=[Optional()])
    notes = TextAreaField(_l("Ghi chép khảo sát thực tế"), validators=[DataRequired(REQUIRED), Length(max=5000)])
    submit = SubmitField(_l("Lưu biên bản khảo sát"))
