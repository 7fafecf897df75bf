"""Forms of the councils area: councils and members, meetings and attendance, ballots."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from kcvote.artisans.enums import CouncilLevel, MemberRole
from kcvote.core.forms import BaseForm, VnDateField

REQUIRED = _l("Vui lòng nhập thông tin này.")
CHOOSE = _l("Vui lòng chọn một mục.")

LEVEL_CHOICES = [
    SelectChoice(CouncilLevel.PROVINCIAL.value, _l("Hội đồng cấp tỉnh")),
    SelectChoice(CouncilLevel.MINISTRY.value, _l("Hội đồng chuyên ngành cấp Bộ")),
    SelectChoice(CouncilLevel.STATE.value, _l("Hội đồng cấp Nhà nước")),
]
ROLE_CHOICES = [
    SelectChoice(MemberRole.MEMBER.value, _l("Ủy viên")),
    SelectChoice(MemberRole.CHAIR.value, _l("Chủ tịch")),
    SelectChoice(MemberRole.VICE_CHAIR.value, _l("Phó Chủ tịch")),
    SelectChoice(MemberRole.SECRETARY.value, _l("Ủy viên thư ký")),
]


class CouncilForm(BaseForm):
    award_round_id = SelectField(_l("Đợt xét tặng"), coerce=int, validators=[InputRequired(CHOOSE)])
    level = SelectField(_l("Cấp hội đồng"), choices=LEVEL_CHOICES, validators=[InputRequired(CHOOSE)])
    province_id = SelectField(_l("Tỉnh, thành phố (hội đồng cấp tỉnh)"), coerce=int, validators=[Optional()])
    name = StringField(_l("Tên hội đồng"), validators=[DataRequired(REQUIRED), Length(max=300)])
    decision_number = StringField(_l("Số quyết định thành lập"), validators=[Optional(), Length(max=80)])
    submit = SubmitField(_l("Lập hội đồng"))


class CouncilEditForm(BaseForm):
    name = StringField(_l("Tên hội đồng"), validators=[DataRequired(REQUIRED), Length(max=300)])
    decision_number = StringField(_l("Số quyết định thành lập"), validators=[Optional(), Length(max=80)])
    submit = SubmitField(_l("Lưu"))


class MemberForm(BaseForm):
    email = EmailField(
        _l("Email của thành viên"),
        validators=[DataRequired(REQUIRED), Email(_l("Địa chỉ email không hợp lệ."), check_deliverability=False)],
    )
    name = StringField(_l("Họ và tên (nếu chưa có tài khoản)"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Vai trò trong hội đồng"), choices=ROLE_CHOICES, validators=[InputRequired(CHOOSE)])
    job_title = StringField(_l("Chức vụ, đơn vị"), validators=[Optional(), Length(max=200)])
    position = IntegerField(
        _l("Thứ tự trong danh sách"),
        validators=[Optional(), NumberRange(min=0, max=999, message=_l("Thứ tự từ 0 đến 999."))],
    )
    submit = SubmitField(_l("Thêm thành viên"))


class MeetingForm(BaseForm):
    held_on = VnDateField(_l("Ngày họp"), validators=[InputRequired(REQUIRED)])
    place = StringField(_l("Địa điểm"), validators=[DataRequired(REQUIRED), Length(max=300)])
    notes = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Tạo cuộc họp"))


class AttendanceForm(BaseForm):
    present = SelectMultipleField(_l("Có mặt"), coerce=int, validators=[Optional()])
    delegate_id = SelectField(_l("Phó Chủ tịch được ủy quyền chủ trì (khi Chủ tịch vắng)"), coerce=int)
    submit = SubmitField(_l("Lưu điểm danh"))


class OpenBallotForm(BaseForm):
    nomination_ids = SelectMultipleField(
        _l("Hồ sơ đưa ra bỏ phiếu"), coerce=int, validators=[DataRequired(_l("Hãy chọn ít nhất một hồ sơ."))]
    )
    submit = SubmitField(_l("Mở bỏ phiếu kín"))


class VoteForm(BaseForm):
    """Only the CSRF token: the choices are radio groups named ``choice-<nomination id>``."""

    submit = SubmitField(_l("Gửi phiếu bầu"))


class PaperBallotForm(BaseForm):
    """The member whose paper ballot is entered; the choices as in :class:`VoteForm`."""

    member_id = SelectField(_l("Phiếu giấy của thành viên"), coerce=int, validators=[InputRequired(CHOOSE)])
    submit = SubmitField(_l("Nhập phiếu giấy"))
