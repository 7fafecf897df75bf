"""Entry forms: registration, dossier, uploads, screening."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from kcvote.core.forms import BaseForm, VnDateField
from kcvote.entries.labels import DOCUMENT_LABELS, PHOTO_LABELS

REQUIRED = _l("Vui lòng nhập thông tin này.")
NO_FILE = _l("Hãy chọn tệp để tải lên.")


class RegisterEntryForm(BaseForm):
    product_id = SelectField(_l("Sản phẩm"), coerce=int)
    product_name = StringField(_l("Tên sản phẩm mới"), validators=[Optional(), Length(max=300)])
    group_id = SelectField(_l("Nhóm sản phẩm"), coerce=int, validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Đăng ký sản phẩm"))


def _text(label: object, rows: int = 3) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), Length(max=5000)], render_kw={"rows": rows})


class DossierForm(BaseForm):
    contact_name = StringField(_l("Người liên hệ"), validators=[Optional(), Length(max=200)])
    contact_phone = StringField(_l("Điện thoại liên hệ"), validators=[Optional(), Length(max=40)])
    materials = _text(_l("Nguyên liệu (nguồn gốc, tỷ lệ nguyên liệu địa phương)"))
    production_process = _text(_l("Quy trình sản xuất"), 4)
    capacity = _text(_l("Năng lực sản xuất (sản lượng/năm, lao động)"))
    markets = _text(_l("Thị trường tiêu thụ (trong nước, xuất khẩu)"))
    price = StringField(_l("Giá bán"), validators=[Optional(), Length(max=200)])
    distinctive = _text(_l("Nét độc đáo, khác biệt của sản phẩm"), 4)
    declaration_accepted = BooleanField(
        _l(
            "Cơ sở cam kết sản phẩm do cơ sở tự sản xuất, không vi phạm sở hữu trí tuệ, đáp ứng quy định về chất "
            "lượng, an toàn và môi trường, sản xuất hàng loạt (không phải sản phẩm độc bản), và thông tin khai là đúng."
        )
    )
    submit = SubmitField(_l("Lưu nháp"))


class PhotoForm(BaseForm):
    file = FileField(
        _l("Ảnh (JPEG, PNG hoặc WebP)"), validators=[FileRequired(NO_FILE)], render_kw={"accept": "image/*"}
    )
    kind = SelectField(_l("Góc chụp"), choices=[SelectChoice(k.value, v) for k, v in PHOTO_LABELS.items()])
    caption = StringField(_l("Chú thích"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Tải ảnh lên"))


class DocumentForm(BaseForm):
    file = FileField(
        _l("Tài liệu (PDF hoặc ảnh chụp)"),
        validators=[FileRequired(NO_FILE)],
        render_kw={"accept": "application/pdf,image/*"},
    )
    kind = SelectField(_l("Loại tài liệu"), choices=[SelectChoice(k.value, v) for k, v in DOCUMENT_LABELS.items()])
    label = StringField(_l("Ghi chú"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Tải tài liệu lên"))


class CompletionForm(BaseForm):
    message = TextAreaField(_l("Nội dung cần bổ sung"), validators=[DataRequired(REQUIRED), Length(max=3000)])
    deadline = VnDateField(_l("Hạn bổ sung (để trống: theo số ngày của đợt)"), validators=[Optional()])
    submit = SubmitField(_l("Yêu cầu bổ sung"))


class RejectForm(BaseForm):
    reason = TextAreaField(_l("Lý do không tiếp nhận"), validators=[DataRequired(REQUIRED), Length(max=3000)])
    submit = SubmitField(_l("Không tiếp nhận"))


class NominateForm(BaseForm):
    submit = SubmitField(_l("Đề cử các sản phẩm đã chọn"))


class ImportForm(BaseForm):
    file = FileField(_l("Tệp Excel (.xlsx)"), validators=[FileRequired(NO_FILE)], render_kw={"accept": ".xlsx"})
    submit = SubmitField(_l("Kiểm tra (chưa ghi dữ liệu)"))
