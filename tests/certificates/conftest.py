"""Fixtures: a finalized round whose recognised products can be certified."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kcvote.certificates import services
from tests.factories import make_finalized_round

DESIGN = {
    "parent_body": "UBND TỈNH THÁI NGUYÊN",
    "issuer_name": "SỞ CÔNG THƯƠNG TỈNH THÁI NGUYÊN",
    "issuer_code": "SCT-TN",
    "number_suffix": "GCN-SCT",
    "place": "Thái Nguyên",
    "decision_number": "1234/QĐ-SCT",
    "decision_date": date(2025, 12, 10),
    "signer_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
    "signer_name": "Nguyễn Văn Hùng",
    "title": "GIẤY CHỨNG NHẬN",
    "body_text": services.DEFAULT_BODY,
    "footer_text": services.DEFAULT_FOOTER,
}


@pytest.fixture
def finalized(db: Any, seeded: None) -> tuple[Any, Any, list[Any]]:
    """Three entries, the first two recognised (the first with Giải nhất); the design saved."""
    organizer, round_, entries = make_finalized_round(n_entries=3, n_recognised=2, prizes={0: "Giải nhất"})
    services.save_design(actor=organizer, round_=round_, fields=DESIGN)
    db.session.commit()
    return organizer, round_, entries


@pytest.fixture
def issued(finalized: tuple[Any, Any, list[Any]], db: Any) -> tuple[Any, Any, list[Any], list[Any]]:
    """The round's two certificates issued (with their PDFs)."""
    organizer, round_, entries = finalized
    certificates = services.issue_pending(actor=organizer, round_=round_)
    db.session.commit()
    return organizer, round_, entries, certificates
