"""Human labels (Vietnamese msgids) for entry enums and missing pieces."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from kcvote.entries.enums import DocumentKind, EntryStatus, PhotoKind

STATUS_LABELS = {
    EntryStatus.DRAFT: _l("Đang soạn"),
    EntryStatus.SUBMITTED: _l("Đã nộp, chờ thẩm định"),
    EntryStatus.COMPLETION_REQUESTED: _l("Cần bổ sung"),
    EntryStatus.ACCEPTED: _l("Đã tiếp nhận"),
    EntryStatus.REJECTED: _l("Không tiếp nhận"),
    EntryStatus.WITHDRAWN: _l("Đã rút"),
}

PHOTO_LABELS = {
    PhotoKind.FRONT: _l("Mặt trước"),
    PhotoKind.SIDE: _l("Mặt bên"),
    PhotoKind.TOP: _l("Mặt trên"),
    PhotoKind.OTHER: _l("Ảnh khác"),
}

DOCUMENT_LABELS = {
    DocumentKind.BUSINESS_REGISTRATION: _l("Giấy chứng nhận đăng ký kinh doanh / hợp tác xã / hộ kinh doanh"),
    DocumentKind.QUALITY_CERTIFICATE: _l("Giấy chứng nhận chất lượng"),
    DocumentKind.FOOD_SAFETY_CERTIFICATE: _l("Giấy chứng nhận an toàn thực phẩm"),
    DocumentKind.AWARD: _l("Giấy khen, bằng khen, giải thưởng"),
    DocumentKind.RECOGNITION_DECISION: _l("Quyết định công nhận của cấp dưới"),
    DocumentKind.LOWER_CERTIFICATE: _l("Giấy chứng nhận của cấp dưới"),
    DocumentKind.OTHER: _l("Tài liệu khác"),
}

FIELD_LABELS = {
    "materials": _l("Nguyên liệu"),
    "production_process": _l("Quy trình sản xuất"),
    "capacity": _l("Năng lực sản xuất"),
    "markets": _l("Thị trường tiêu thụ"),
    "price": _l("Giá bán"),
    "distinctive": _l("Nét độc đáo, khác biệt của sản phẩm"),
}

EVENT_LABELS = {
    "created": _l("Tạo hồ sơ"),
    "submitted": _l("Nộp hồ sơ"),
    "resubmitted": _l("Nộp bổ sung"),
    "reopened": _l("Mở lại để sửa"),
    "withdrawn": _l("Rút hồ sơ"),
    "completion_requested": _l("Yêu cầu bổ sung"),
    "accepted": _l("Tiếp nhận"),
    "rejected": _l("Không tiếp nhận"),
    "nominated": _l("Được đề cử từ cấp dưới"),
    "imported": _l("Nhập từ Excel"),
}


def missing_label(code: str) -> str:
    """A readable sentence for one code of rules.missing_pieces()."""
    if code == "contact":
        return str(_l("Người liên hệ và số điện thoại (phiếu đăng ký)"))
    if code == "declaration":
        return str(_l("Cam kết của cơ sở (phiếu đăng ký)"))
    if code == "photo_count":
        return str(_l("Đủ số ảnh tối thiểu của đợt"))
    kind, _, value = code.partition(":")
    if kind == "description":
        return str(_l("Bản thuyết minh: %(field)s", field=FIELD_LABELS[value]))
    if kind == "photo":
        return str(_l("Ảnh chụp %(view)s", view=str(PHOTO_LABELS[PhotoKind(value)]).lower()))
    if kind == "document":
        return str(DOCUMENT_LABELS[DocumentKind(value)])
    return code
