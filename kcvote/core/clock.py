"""Dates as people in Vietnam see them: deadlines end at midnight, Vietnam time."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def today_vn() -> date:
    """Today's date in Vietnam."""
    return datetime.now(VIETNAM).date()


def deadline_passed(deadline: date | None, today: date | None = None) -> bool:
    """An inclusive deadline has passed once its day is over in Vietnam."""
    if deadline is None:
        return False
    return (today or today_vn()) > deadline


def add_days(day: date, days: int) -> date:
    return day + timedelta(days=days)
