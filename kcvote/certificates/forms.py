"""Certificate forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from kcvote.core.forms import BaseForm, VnDateField

REQUIRED = _l("Vui lòng nhập thông tin này.")


class DesignForm(BaseForm):
    parent_body = StringField(_l("Cơ quan chủ quản"), validators=[Optional(), Length(max=200)])
    issuer_name = StringField(_l("Cơ quan cấp"), validators=[DataRequired(REQUIRED), Length(max=200)])
    issuer_code = StringField(
        _l("Mã sê-ri số (mỗi cơ quan cấp, mỗi năm đánh số từ 1)"),
        validators=[
            DataRequired(REQUIRED),
            Length(max=40),
            Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Chỉ dùng chữ không dấu, số, dấu chấm, gạch ngang.")),
        ],
    )
    number_suffix = StringField(
        _l("Ký hiệu sau số (123/GCN-SCT)"),
        validators=[
            DataRequired(REQUIRED),
            Length(max=40),
            Regexp(r"^[A-Za-zĐđ0-9./-]+$", message=_l("Chỉ dùng chữ, số, dấu chấm, gạch chéo, gạch ngang.")),
        ],
    )
    place = StringField(_l("Địa danh (ghi trước ngày cấp)"), validators=[Optional(), Length(max=100)])
    decision_number = StringField(_l("Số quyết định công nhận"), validators=[DataRequired(REQUIRED), Length(max=80)])
    decision_date = VnDateField(_l("Ngày quyết định"), validators=[DataRequired(REQUIRED)])
    signer_title = TextAreaField(
        _l("Chức vụ người ký (mỗi dòng một dòng in, ví dụ KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC)"),
        validators=[DataRequired(REQUIRED), Length(max=200)],
    )
    signer_name = StringField(_l("Họ tên người ký"), validators=[DataRequired(REQUIRED), Length(max=200)])
    title = StringField(_l("Tiêu đề"), validators=[DataRequired(REQUIRED), Length(max=200)])
    body_text = TextAreaField(_l("Dòng dưới tiêu đề"), validators=[Optional(), Length(max=2000)])
    footer_text = TextAreaField(_l("Đoạn cuối"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Lưu mẫu giấy chứng nhận"))


class BackgroundForm(BaseForm):
    image = FileField(_l("Ảnh nền (khung viền scan, JPEG hoặc PNG, khổ A4 ngang)"), validators=[FileRequired(REQUIRED)])
    submit = SubmitField(_l("Tải ảnh nền lên"))


class ReasonForm(BaseForm):
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired(REQUIRED), Length(max=2000)])
    submit = SubmitField(_l("Xác nhận"))


class VerifyForm(BaseForm):
    number = StringField(_l("Số giấy chứng nhận"), validators=[DataRequired(REQUIRED), Length(max=80)])
    code = StringField(_l("Mã tra cứu (8 ký tự in dưới mã QR)"), validators=[DataRequired(REQUIRED), Length(max=40)])
    submit = SubmitField(_l("Tra cứu"))
