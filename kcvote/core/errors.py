"""Domain errors and the HTTP error pages (in the user's language)."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from kcvote.extensions import db

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule was broken; ``message`` is a translatable text a user can read."""

    status_code = 422

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


class NotAllowed(DomainError):
    """The actor may not do this."""

    status_code = 403


class FileTooLarge(DomainError):
    """An uploaded file is over its size limit."""

    status_code = 413


ERROR_TEXTS = {
    400: (_l("Yêu cầu không hợp lệ"), _l("Máy chủ không hiểu yêu cầu này.")),
    403: (_l("Không có quyền truy cập"), _l("Bạn không có quyền xem trang này.")),
    404: (_l("Không tìm thấy trang"), _l("Trang bạn tìm không tồn tại hoặc đã bị xoá.")),
    405: (_l("Phương thức không được phép"), _l("Trang này không nhận kiểu yêu cầu đó.")),
    413: (
        _l("Tệp quá lớn"),
        _l("Tệp bạn gửi vượt quá giới hạn dung lượng cho phép. Hãy chọn tệp nhỏ hơn."),
    ),
    422: (_l("Không thể thực hiện"), _l("Yêu cầu không thể thực hiện.")),
    429: (
        _l("Quá nhiều yêu cầu"),
        _l("Bạn đã thử quá nhiều lần. Vui lòng chờ một lúc rồi thử lại."),
    ),
    500: (
        _l("Lỗi máy chủ"),
        _l("Đã có lỗi xảy ra. Chúng tôi đã ghi nhận và sẽ khắc phục."),
    ),
}


def render_error(code: int, detail: object = None) -> tuple[Any, int]:
    """Render the error page for ``code`` (JSON for clients that ask for it, e.g. uploads)."""
    title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=str(detail or text), status=code), code
    return render_template("errors/error.html", code=code, title=title, text=text, detail=detail), code


def register_errorhandlers(app: Flask) -> None:
    """Attach handlers for HTTP errors, CSRF failures and domain errors."""

    def handle_http(error: HTTPException) -> tuple[Any, int] | HTTPException:
        code = error.code or 500
        if code not in ERROR_TEXTS:
            return error
        detail = None
        if code == 429:
            detail = _l("Giới hạn: %(limit)s.", limit=error.description)
        return render_error(code, detail)

    def handle_csrf(error: CSRFError) -> tuple[Any, int]:
        db.session.rollback()
        return render_error(
            400, _l("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Hãy tải lại trang và thử lại.")
        )

    def handle_domain(error: DomainError) -> tuple[Any, int]:
        db.session.rollback()
        return render_error(error.status_code, error.message)

    def handle_unexpected(error: Exception) -> tuple[Any, int]:
        db.session.rollback()
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)

    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(DomainError, handle_domain)
    if not app.testing and not app.debug:
        app.register_error_handler(Exception, handle_unexpected)
