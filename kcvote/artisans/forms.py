"""Forms and labels for award rounds, artisan dossiers (Mẫu 01 / Mẫu 02), intake at the Sở and the rules
in force."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from kcvote.artisans.enums import Check, EvidenceKind, Gender, NominationStatus, PrizeLevel, PrizeRank, Title
from kcvote.artisans.labels import TITLE_LABELS
from kcvote.core.forms import BaseForm, LocalDecimalField, VnDateField

REQUIRED = _l("Vui lòng nhập thông tin này.")
NO_FILE = _l("Hãy chọn tệp để tải lên.")
BAD_YEAR = _l("Năm phải từ 1900 đến 2100.")
NOT_NEGATIVE = _l("Không được là số âm.")

FORM_OF_TITLE = {Title.NNND: _l("Mẫu 01"), Title.NNUT: _l("Mẫu 02")}
GENDER_LABELS = {Gender.FEMALE: _l("Nữ"), Gender.MALE: _l("Nam")}
STATUS_LABELS = {
    NominationStatus.DRAFT: _l("Nháp"),
    NominationStatus.SUBMITTED: _l("Đã nộp, chờ Sở trả lời"),
    NominationStatus.COMPLETION_REQUESTED: _l("Cần bổ sung"),
    NominationStatus.RETURNED: _l("Bị trả lại"),
    NominationStatus.ACCEPTED: _l("Sở đã tiếp nhận"),
    NominationStatus.FAILED: _l("Không đạt"),
    NominationStatus.RECOGNISED: _l("Được phong tặng"),
}
LEVEL_LABELS = {
    PrizeLevel.NATIONAL: _l("Quốc gia"),
    PrizeLevel.REGIONAL: _l("Khu vực"),
    PrizeLevel.INTERNATIONAL: _l("Quốc tế"),
    PrizeLevel.PROVINCIAL: _l("Cấp tỉnh"),
}
RANK_LABELS = {
    PrizeRank.FIRST: _l("Giải nhất"),
    PrizeRank.SECOND: _l("Giải nhì"),
    PrizeRank.THIRD: _l("Giải ba"),
    PrizeRank.CONSOLATION: _l("Giải khuyến khích"),
}
PURPOSE_LABELS = {
    "work": _l("Ảnh, video tác phẩm"),
    "prize": _l("Giấy chứng nhận giải thưởng"),
    "teaching": _l("Minh chứng truyền nghề"),
    "title": _l("Quyết định phong tặng danh hiệu"),
    "authorisation": _l("Giấy ủy quyền"),
    "other": _l("Khác"),
}
KIND_LABELS = {EvidenceKind.PHOTO: _l("Ảnh"), EvidenceKind.DOCUMENT: _l("PDF"), EvidenceKind.VIDEO: _l("Video")}
CHECK_LABELS = {Check.MET: _l("Đạt"), Check.NOT_MET: _l("Chưa đạt"), Check.COUNCIL: _l("Hội đồng xem xét")}
# rules.py ranks: 0 = never counts, 1 = nhất ... 4 = khuyến khích.
MAX_RANK_CHOICES = [SelectChoice(0, _l("Không tính"))] + [
    SelectChoice(int(r.value), _l("Từ %(rank)s trở lên", rank=RANK_LABELS[r])) for r in PrizeRank
]


def _year(label: object, required: bool = True) -> IntegerField:
    first = InputRequired(REQUIRED) if required else Optional()
    return IntegerField(
        label, validators=[first, NumberRange(1900, 2100, BAD_YEAR)], render_kw={"inputmode": "numeric"}
    )


def _text(label: object, rows: int = 3, max_length: int = 5000) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), Length(max=max_length)], render_kw={"rows": rows})


def _count(label: object) -> IntegerField:
    return IntegerField(label, validators=[InputRequired(REQUIRED), NumberRange(min=0, message=NOT_NEGATIVE)])


class AwardRoundForm(BaseForm):
    name = StringField(_l("Tên đợt xét tặng"), validators=[DataRequired(REQUIRED), Length(max=300)])
    number = IntegerField(_l("Lần thứ"), validators=[InputRequired(REQUIRED), NumberRange(1, 99)])
    start_year = _year(_l("Năm bắt đầu"))
    end_year = _year(_l("Năm kết thúc"))
    plan_decision_number = StringField(_l("Số quyết định ban hành kế hoạch"), validators=[Optional(), Length(max=80)])
    plan_decision_date = VnDateField(_l("Ngày quyết định"), validators=[Optional()])
    submit = SubmitField(_l("Lưu đợt xét tặng"))


class WindowForm(BaseForm):
    province_id = SelectField(_l("Tỉnh, thành phố"), coerce=int, validators=[DataRequired(REQUIRED)])
    opens_on = VnDateField(_l("Nhận hồ sơ từ ngày"), validators=[InputRequired(REQUIRED)])
    closes_on = VnDateField(_l("Đến hết ngày"), validators=[InputRequired(REQUIRED)])
    submit = SubmitField(_l("Lưu thời hạn"))


def _title_field() -> SelectField:
    return SelectField(
        _l("Danh hiệu đề nghị"),
        choices=[SelectChoice(t.value, str(label)) for t, label in TITLE_LABELS.items()],
        validators=[DataRequired(REQUIRED)],
    )


class StartForm(BaseForm):
    province_id = SelectField(_l("Nộp hồ sơ tại Sở Công Thương tỉnh, thành phố"), coerce=int)
    title = _title_field()
    name = StringField(_l("Họ và tên nghệ nhân"), validators=[DataRequired(REQUIRED), Length(max=200)])
    craft = StringField(_l("Nghề"), validators=[DataRequired(REQUIRED), Length(max=200)])
    submit = SubmitField(_l("Lập hồ sơ"))


class DossierForm(BaseForm):
    """The nominee's details, the title sought and the declaration of Mẫu 01 / Mẫu 02."""

    title = _title_field()
    name = StringField(_l("Họ và tên"), validators=[DataRequired(REQUIRED), Length(max=200)])
    birth_date = VnDateField(_l("Ngày sinh"), validators=[Optional()])
    gender = SelectField(
        _l("Giới tính"),
        choices=[SelectChoice("", "—")] + [SelectChoice(g.value, str(label)) for g, label in GENDER_LABELS.items()],
        validators=[Optional()],
    )
    id_number = StringField(
        _l("Số định danh cá nhân/CCCD"),
        validators=[Optional(), Length(min=9, max=12, message=_l("Số định danh có 9 hoặc 12 chữ số."))],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    address = StringField(_l("Nơi cư trú"), validators=[Optional(), Length(max=500)])
    craft = StringField(_l("Nghề"), validators=[DataRequired(REQUIRED), Length(max=200)])
    workplace = StringField(_l("Nơi làm việc (cơ sở, làng nghề)"), validators=[Optional(), Length(max=300)])
    current_title = SelectField(
        _l("Danh hiệu đã được phong tặng"),
        choices=[SelectChoice("", _l("Chưa có"))]
        + [SelectChoice(t.value, str(label)) for t, label in TITLE_LABELS.items()],
        validators=[Optional()],
    )
    current_title_decision = StringField(_l("Số quyết định phong tặng"), validators=[Optional(), Length(max=80)])
    current_title_date = VnDateField(_l("Ngày quyết định phong tặng"), validators=[Optional()])
    people_taught = _count(_l("Số người đã truyền nghề"))
    teaching_description = _text(_l("Việc truyền nghề (hình thức, thời gian, nơi dạy, học trò tiêu biểu)"), 4)
    special_craft = BooleanField(_l("Nghề đặc thù (số người truyền nghề yêu cầu thấp hơn)"))
    commendations = _text(_l("Khen thưởng đã nhận (hình thức, năm, cơ quan quyết định)"))
    discipline_record = _text(_l("Kỷ luật (nếu có; để trống nếu không)"), 2)
    submit = SubmitField(_l("Lưu hồ sơ"))

    def validate_id_number(self, field: StringField) -> None:
        if field.data and not field.data.strip().isdigit():
            raise ValidationError(_l("Số định danh chỉ gồm chữ số."))


class PeriodForm(BaseForm):
    from_year = _year(_l("Từ năm"))
    to_year = _year(_l("Đến năm (để trống: đến nay)"), required=False)
    place = StringField(_l("Nơi hành nghề"), validators=[DataRequired(REQUIRED), Length(max=300)])
    description = _text(_l("Công việc"), 2)
    submit = SubmitField(_l("Thêm giai đoạn"))


class WorkForm(BaseForm):
    name = StringField(_l("Tên tác phẩm"), validators=[DataRequired(REQUIRED), Length(max=300)])
    description = _text(_l("Mô tả (chất liệu, kích thước, kỹ thuật)"), 2)
    made_on = VnDateField(_l("Ngày hoàn thành"), validators=[Optional()])
    submit = SubmitField(_l("Thêm tác phẩm"))


class PrizeForm(BaseForm):
    contest = StringField(_l("Cuộc thi, triển lãm"), validators=[DataRequired(REQUIRED), Length(max=300)])
    level = SelectField(_l("Cấp"), choices=[SelectChoice(v.value, str(label)) for v, label in LEVEL_LABELS.items()])
    rank = SelectField(_l("Giải"), choices=[SelectChoice(v.value, str(label)) for v, label in RANK_LABELS.items()])
    year = _year(_l("Năm đạt giải"))
    work_id = SelectField(_l("Tác phẩm đạt giải"), coerce=int)
    sent_by_state = BooleanField(_l("Tác phẩm do Nhà nước cử đi dự thi"))
    submit = SubmitField(_l("Thêm giải thưởng"))


class EvidenceForm(BaseForm):
    file = FileField(
        _l("Tệp (ảnh, PDF hoặc video MP4/WebM)"),
        validators=[FileRequired(NO_FILE)],
        render_kw={"accept": "image/jpeg,image/png,image/webp,application/pdf,video/mp4,video/webm,video/quicktime"},
    )
    purpose = SelectField(_l("Minh chứng cho"), validators=[DataRequired(REQUIRED)])
    label = StringField(_l("Ghi chú"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Tải lên"))


class SubmitNominationForm(BaseForm):
    declaration_accepted = BooleanField(
        _l(
            "Tôi cam đoan những nội dung kê khai trên là đúng sự thật và chịu trách nhiệm trước pháp luật về "
            "thông tin đã khai."
        )
    )
    submit = SubmitField(_l("Nộp hồ sơ cho Sở Công Thương"))


class CompletionForm(BaseForm):
    message = TextAreaField(
        _l("Nội dung cần bổ sung"),
        validators=[DataRequired(REQUIRED), Length(max=5000)],
        render_kw={"rows": 4},
    )
    submit = SubmitField(_l("Yêu cầu bổ sung"))


class ReturnForm(BaseForm):
    reason = TextAreaField(
        _l("Lý do trả hồ sơ"), validators=[DataRequired(REQUIRED), Length(max=5000)], render_kw={"rows": 3}
    )
    submit = SubmitField(_l("Trả hồ sơ"))


def _rank_field(label: object) -> SelectField:
    return SelectField(label, coerce=int, choices=MAX_RANK_CHOICES)


class TitleRuleForm(BaseForm):
    effective_from = VnDateField(_l("Có hiệu lực từ ngày"), validators=[InputRequired(REQUIRED)])
    min_years_in_craft = _count(_l("Số năm hành nghề tối thiểu"))
    min_works = _count(_l("Số tác phẩm đạt giải tối thiểu"))
    national_max_rank = _rank_field(_l("Giải quốc gia được tính"))
    regional_max_rank = _rank_field(_l("Giải khu vực được tính"))
    international_max_rank = _rank_field(_l("Giải quốc tế được tính"))
    provincial_max_rank = _rank_field(_l("Giải cấp tỉnh được tính"))
    requires_state_sending = BooleanField(_l("Giải khu vực, quốc tế chỉ tính khi Nhà nước cử đi"))
    min_people_taught = _count(_l("Số người truyền nghề tối thiểu"))
    special_craft_min_taught = _count(_l("Số người truyền nghề tối thiểu (nghề đặc thù)"))
    to_confirm = BooleanField(_l("Cần xác nhận (chưa đối chiếu văn bản)"))
    note = _text(_l("Căn cứ, ghi chú"), 2, 2000)
    submit = SubmitField(_l("Thêm phiên bản"))


class CouncilRuleForm(BaseForm):
    effective_from = VnDateField(_l("Có hiệu lực từ ngày"), validators=[InputRequired(REQUIRED)])
    answer_days = IntegerField(
        _l("Số ngày Sở trả lời hồ sơ"), validators=[InputRequired(REQUIRED), NumberRange(1, 365)]
    )
    completion_days = IntegerField(
        _l("Số ngày nghệ nhân bổ sung hồ sơ"), validators=[InputRequired(REQUIRED), NumberRange(1, 365)]
    )
    quorum_percent = LocalDecimalField(
        _l("Tỷ lệ thành viên có mặt tối thiểu (%)"), validators=[InputRequired(REQUIRED), NumberRange(1, 100)]
    )
    pass_percent = LocalDecimalField(
        _l("Tỷ lệ phiếu đồng ý trên tổng số thành viên (%)"), validators=[InputRequired(REQUIRED), NumberRange(1, 100)]
    )
    comment_days = IntegerField(_l("Số ngày lấy ý kiến"), validators=[InputRequired(REQUIRED), NumberRange(1, 365)])
    to_confirm = BooleanField(_l("Cần xác nhận (chưa đối chiếu văn bản)"))
    note = _text(_l("Căn cứ, ghi chú"), 2, 2000)
    submit = SubmitField(_l("Thêm phiên bản"))
