"""Facility enums (leaf module)."""

from __future__ import annotations

from enum import StrEnum


class LegalForm(StrEnum):
    """The four legal forms eligible under Thông tư 26/2014."""

    SME = "sme"  # doanh nghiệp nhỏ và vừa
    COOPERATIVE = "cooperative"  # hợp tác xã
    COOPERATIVE_GROUP = "cooperative_group"  # tổ hợp tác
    HOUSEHOLD = "household"  # hộ kinh doanh
