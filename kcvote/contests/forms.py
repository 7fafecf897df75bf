"""Round forms."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from kcvote.core.forms import BaseForm, LocalDecimalField, VnDateField

REQUIRED = _l("Vui lòng nhập thông tin này.")


def _date(label: Any, required: bool = False) -> VnDateField:
    validators = [DataRequired(REQUIRED)] if required else [Optional()]
    return VnDateField(label, validators=validators)


class RoundForm(BaseForm):
    name = StringField(_l("Tên đợt bình chọn"), validators=[DataRequired(REQUIRED), Length(max=300)])
    level_id = SelectField(_l("Cấp"), coerce=int, validators=[DataRequired(REQUIRED)])
    year = IntegerField(
        _l("Năm"), validators=[DataRequired(REQUIRED), NumberRange(2000, 2100, _l("Năm từ 2000 đến 2100."))]
    )
    scope_province_id = SelectField(_l("Tỉnh, thành phố (cấp xã, cấp tỉnh)"), coerce=int, validators=[Optional()])
    scope_commune = StringField(_l("Tên xã (cấp xã)"), validators=[Optional(), Length(max=200)])
    scope_region_id = SelectField(_l("Vùng (cấp khu vực)"), coerce=int, validators=[Optional()])
    group_ids = SelectMultipleField(
        _l("Nhóm sản phẩm"), coerce=int, validators=[DataRequired(_l("Chọn ít nhất một nhóm sản phẩm."))]
    )
    code_prefix = StringField(
        _l("Tiền tố mã số bình chọn"),
        default="KC",
        validators=[
            DataRequired(REQUIRED),
            Length(max=12),
            Regexp(r"^[A-Za-z0-9]+$", message=_l("Chỉ gồm chữ không dấu và số.")),
        ],
    )
    registration_opens_on = _date(_l("Ngày mở đăng ký"))
    registration_deadline = _date(_l("Hạn nộp hồ sơ (hết ngày)"))
    judging_starts_on = _date(_l("Ngày bắt đầu chấm"))
    judging_ends_on = _date(_l("Ngày kết thúc chấm"))
    pass_threshold = LocalDecimalField(
        _l("Điểm đạt (bình quân tối thiểu)"),
        places=2,
        default=70,
        validators=[DataRequired(REQUIRED), NumberRange(0, 100, _l("Từ 0 đến 100."))],
    )
    min_photos = IntegerField(
        _l("Số ảnh tối thiểu"), default=3, validators=[DataRequired(REQUIRED), NumberRange(3, 20, _l("Từ 3 đến 20."))]
    )
    max_photo_mb = IntegerField(
        _l("Dung lượng tối đa mỗi ảnh (MB)"),
        default=10,
        validators=[DataRequired(REQUIRED), NumberRange(1, 20, _l("Từ 1 đến 20."))],
    )
    max_document_mb = IntegerField(
        _l("Dung lượng tối đa mỗi tài liệu (MB)"),
        default=10,
        validators=[DataRequired(REQUIRED), NumberRange(1, 20, _l("Từ 1 đến 20."))],
    )
    certificate_validity_years = IntegerField(
        _l("Giấy chứng nhận có hiệu lực đến 31/12 của năm thứ"),
        default=4,
        validators=[DataRequired(REQUIRED), NumberRange(1, 10, _l("Từ 1 đến 10."))],
    )
    completion_days = IntegerField(
        _l("Số ngày cho cơ sở bổ sung hồ sơ"),
        default=15,
        validators=[DataRequired(REQUIRED), NumberRange(1, 60, _l("Từ 1 đến 60."))],
    )
    blind_judging = BooleanField(_l("Chấm ẩn danh (giám khảo không thấy tên cơ sở)"))
    same_province_conflict = BooleanField(
        _l("Giám khảo không chấm sản phẩm của cơ sở cùng tỉnh (cấp khu vực, quốc gia)")
    )
    aggregate_method = SelectField(
        _l("Cách tính điểm xét đạt và xếp hạng"),
        choices=[
            SelectChoice("mean", _l("Bình quân các giám khảo (theo quy định)")),
            SelectChoice("trimmed_mean", _l("Bình quân sau khi bỏ điểm cao nhất và thấp nhất (từ đủ số giám khảo)")),
            SelectChoice("zscore_mean", _l("Chuẩn hoá theo từng giám khảo (z-score)")),
        ],
    )
    trim_min_jurors = IntegerField(
        _l("Số giám khảo tối thiểu để bỏ điểm cao nhất, thấp nhất"),
        default=5,
        validators=[DataRequired(REQUIRED), NumberRange(3, 50, _l("Từ 3 đến 50."))],
    )
    disagreement_sd = LocalDecimalField(
        _l("Cảnh báo chênh lệch khi độ lệch chuẩn vượt quá"),
        places=2,
        default=10,
        validators=[DataRequired(REQUIRED), NumberRange(0, 100, _l("Từ 0 đến 100."))],
    )
    two_stage = BooleanField(_l("Chấm hai vòng (vòng 1 chọn vòng trong, khảo sát thực tế, vòng 2 chấm lại)"))
    jurors_per_entry = IntegerField(
        _l("Số giám khảo chấm mỗi sản phẩm (để trống: tất cả)"),
        validators=[Optional(), NumberRange(1, 50, _l("Từ 1 đến 50."))],
    )
    prize_tiers = StringField(
        _l("Cơ cấu giải (nếu có)"),
        validators=[Optional(), Length(max=500)],
        render_kw={"placeholder": "Giải nhất: 2; Giải nhì: 4; Giải ba: 6; Khuyến khích: 8"},
    )
    submit = SubmitField(_l("Lưu"))

    def validate_registration_deadline(self, field: Any) -> None:
        opens = self.registration_opens_on.data
        if field.data and opens and field.data < opens:
            raise ValidationError(_l("Hạn nộp phải sau ngày mở đăng ký."))

    def validate_judging_ends_on(self, field: Any) -> None:
        starts = self.judging_starts_on.data
        if field.data and starts and field.data < starts:
            raise ValidationError(_l("Ngày kết thúc chấm phải sau ngày bắt đầu."))


class CopyRoundForm(BaseForm):
    year = IntegerField(
        _l("Năm của đợt mới"), validators=[DataRequired(REQUIRED), NumberRange(2000, 2100, _l("Năm từ 2000 đến 2100."))]
    )
    submit = SubmitField(_l("Sao chép thành đợt mới"))


class RubricRowForm(Form):
    group = StringField(_l("Nhóm tiêu chí"), validators=[Optional(), Length(max=300)])
    criterion = StringField(_l("Tiêu chí"), validators=[Optional(), Length(max=500)])
    max_points = LocalDecimalField(
        _l("Điểm tối đa"), places=1, validators=[Optional(), NumberRange(0.5, 100, _l("Từ 0,5 đến 100."))]
    )


class RubricForm(BaseForm):
    rows = FieldList(FormField(RubricRowForm), min_entries=1)
    submit = SubmitField(_l("Lưu phiên bản mới"))


class AddOrganizerForm(BaseForm):
    email = StringField(_l("Email của cán bộ ban tổ chức"), validators=[DataRequired(REQUIRED), Length(max=254)])
    submit = SubmitField(_l("Thêm"))


class ReasonForm(BaseForm):
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired(REQUIRED), Length(max=2000)])
    submit = SubmitField(_l("Xác nhận"))
