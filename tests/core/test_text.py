"""Accent folding for search."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kcvote.core.text import fold, like_pattern


@pytest.mark.parametrize(
    ("given_text", "expected"),
    [
        ("Nguyễn Văn Đức", "nguyen van duc"),
        ("LÀNG NGHỀ", "lang nghe"),
        ("  Thủ   công  mỹ nghệ ", "thu cong my nghe"),
        ("Hợp tác xã Chè La Bằng", "hop tac xa che la bang"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_strips_vietnamese_diacritics(given_text: str | None, expected: str) -> None:
    assert fold(given_text) == expected


@given(st.text())
def test_fold_is_idempotent(value: str) -> None:
    assert fold(fold(value)) == fold(value)


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ "))
def test_fold_output_is_plain_ascii_for_vietnamese_text(value: str) -> None:
    assert fold(value).isascii()


def test_like_pattern_escapes_wildcards() -> None:
    assert like_pattern("50%_x") == "%50\\%\\_x%"
