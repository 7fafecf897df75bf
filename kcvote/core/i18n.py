"""Language selection and Vietnamese date/number formatting."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app, has_request_context, session
from flask_babel import format_date, format_datetime, format_decimal
from flask_login import current_user

DATE_PATTERN = "dd/MM/yyyy"
DATETIME_PATTERN = "dd/MM/yyyy HH:mm"


def select_locale() -> str:
    """The signed-in user's language, else the session's, else Vietnamese."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return str(current_user.locale)
    chosen = session.get("locale")
    if chosen in languages:
        return str(chosen)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def fmt_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy in every language (datetimes shown in Vietnam's time zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, DATE_PATTERN)
    return format_date(value, DATE_PATTERN)


def fmt_datetime(value: datetime | None) -> str:
    """dd/mm/yyyy HH:mm in Vietnam's time zone."""
    if value is None:
        return ""
    return format_datetime(value, DATETIME_PATTERN)


def fmt_number(value: float | int | None) -> str:
    """1.234,5 in Vietnamese, 1,234.5 in English."""
    if value is None:
        return ""
    return format_decimal(value)
