"""Forms of the public comment, the comment handling, the final list and the artisan certificate design."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from kcvote.certificates.forms import DesignForm
from kcvote.core.forms import BaseForm, VnDateField

REQUIRED = _l("Vui lòng nhập thông tin này.")


def _int_or_none(value: object) -> int | None:
    if value in (None, "", "0", 0):
        return None
    try:
        return int(str(value))
    except ValueError:
        return -1  # refused by the choices check


class CommentForm(BaseForm):
    name = StringField(_l("Họ và tên"), validators=[DataRequired(REQUIRED), Length(max=200)])
    contact = StringField(
        _l("Địa chỉ liên hệ (thư điện tử hoặc số điện thoại)"), validators=[DataRequired(REQUIRED), Length(max=200)]
    )
    nomination = SelectField(_l("Góp ý về"), coerce=_int_or_none, validate_choice=True)
    text = TextAreaField(_l("Nội dung góp ý"), validators=[DataRequired(REQUIRED), Length(max=5000)])
    # The honeypot: hidden from people by a CSS class; robots fill every field.
    website = StringField(_l("Trang web (để trống)"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Gửi góp ý"))


class HandlingForm(BaseForm):
    handling = TextAreaField(_l("Nội dung xử lý"), validators=[DataRequired(REQUIRED), Length(max=5000)])
    submit = SubmitField(_l("Lưu xử lý"))


class PublishForm(BaseForm):
    level = SelectField(
        _l("Danh sách của"),
        choices=[
            SelectChoice("ministry", _l("Hội đồng chuyên ngành cấp Bộ")),
            SelectChoice("state", _l("Hội đồng cấp Nhà nước")),
        ],
        validators=[DataRequired(REQUIRED)],
    )
    submit = SubmitField(_l("Đăng danh sách lấy ý kiến"))


class FinalListForm(BaseForm):
    decision_number = StringField(_l("Số quyết định công nhận"), validators=[DataRequired(REQUIRED), Length(max=80)])
    decision_date = VnDateField(_l("Ngày quyết định"), validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Ghi nhận danh sách cuối cùng"))


class ArtisanDesignForm(DesignForm):
    """The product certificate design without the decision: artisan certificates take the award
    round's final decision."""

    decision_number = None
    decision_date = None  # type: ignore[assignment]
