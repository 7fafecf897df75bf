"""Reference enums (leaf module)."""

from __future__ import annotations

from enum import StrEnum


class ScopeKind(StrEnum):
    """What a level's rounds cover: one commune, one province, one region, or the nation."""

    COMMUNE = "commune"
    PROVINCE = "province"
    REGION = "region"
    NATION = "nation"
