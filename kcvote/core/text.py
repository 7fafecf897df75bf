"""Text helpers: accent folding for search that works the same on every database."""

from __future__ import annotations

import unicodedata

_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str | None) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics: "Nguyễn Văn Đức" -> "nguyen van duc"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def like_pattern(query: str) -> str:
    """A LIKE pattern matching ``fold(query)`` anywhere, with wildcards escaped (escape char '\\')."""
    folded = fold(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{folded}%"
