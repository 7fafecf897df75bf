"""Printed PDFs: results minutes, score sheets (Phụ lục 4), blank sheets, conflicts; the closed-network fetcher."""

from __future__ import annotations

import io
import socket
from decimal import Decimal
from typing import Any

import pytest
from jinja2 import ChoiceLoader, DictLoader
from pypdf import PdfReader
from sqlalchemy import event

from kcvote.contests import services as contest_services
from kcvote.core.errors import DomainError
from kcvote.core.pdf import ResourceRefused, StaticOnlyFetcher, render_pdf, static_root
from kcvote.judging import printing, services
from tests.factories import make_judging_round


def _pages(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _text(pdf: bytes) -> str:
    """The document's text, whitespace collapsed (table cells wrap where the column is narrow)."""
    return " ".join(" ".join(_pages(pdf)).split())


def _score(entry: Any, juror: Any, remarks: str = "") -> None:
    """Eight points per criterion (capped at its maximum), then submit."""
    points = {c.id: str(min(Decimal(8), c.max_points)) for c in entry.round.rubric.criteria}
    services.save_sheet(actor=juror, entry=entry, points=points, remarks=remarks)
    services.submit_sheet(actor=juror, entry=entry)


def _closed_round(db: Any, n_entries: int = 2, n_jurors: int = 2, **round_kwargs: Any) -> tuple[Any, Any, list, list]:
    organizer, round_, entries, jurors = make_judging_round(n_entries=n_entries, n_jurors=n_jurors, **round_kwargs)
    for entry in entries:
        for juror in jurors:
            _score(entry, juror, remarks="Bao bì đẹp, cần đăng ký nhãn hiệu.")
    contest_services.close_judging(actor=organizer, round_=round_)
    db.session.commit()
    return organizer, round_, entries, jurors


@pytest.fixture
def closed(db, seeded):
    """Two entries × two jurors, every sheet submitted (8 points a criterion, capped: 84 of 100), judging closed."""
    return _closed_round(db)


def test_results_pdf_lists_codes_averages_jurors_totals_and_pass(closed, app) -> None:
    _, round_, entries, _ = closed
    with app.test_request_context():
        text = _text(printing.results_pdf(round_))
    assert "BIÊN BẢN TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert round_.name in text
    assert entries[0].code == "TN-2025-CBNLTS-001"
    for entry in entries:
        assert entry.code in text
        assert entry.facility.name in text
    assert text.count("84,00; 84,00") == 2  # each juror's total, per entry
    assert "84.00" not in text  # Vietnamese decimal comma throughout
    assert text.count("Đạt") - text.count("Không đạt") == 2
    assert "Tổng số sản phẩm dự thi: 2; số sản phẩm đạt: 2; số sản phẩm được công nhận: 0." in text
    assert "Kết quả tạm tính: đợt chưa chốt kết quả." in text
    assert "…, ngày … tháng … năm …" in text
    assert "Trang 1/1" in text


def test_results_pdf_is_marked_final_once_finalized(closed, app, db) -> None:
    organizer, round_, _, _ = closed
    contest_services.finalize_round(actor=organizer, round_=round_)
    db.session.commit()
    with app.test_request_context():
        text = _text(printing.results_pdf(round_))
    assert "Kết quả chính thức (đã chốt)." in text
    assert "tạm tính" not in text


def test_results_pdf_in_english_uses_decimal_point(closed, app) -> None:
    from flask_babel import force_locale

    _, round_, _, _ = closed
    with app.test_request_context(), force_locale("en"):
        text = _text(printing.results_pdf(round_))
    assert "SUMMARY OF THE SCORING RESULTS" in text
    assert text.count("84.00; 84.00") == 2


def test_score_sheets_pdf_prints_one_page_per_submitted_sheet(closed, app) -> None:
    _, round_, entries, jurors = closed
    with app.test_request_context():
        pages = _pages(printing.score_sheets_pdf(round_))
    assert len(pages) == 4
    first = pages[0]
    assert "PHIẾU CHẤM ĐIỂM" in first
    assert entries[0].code in first and entries[0].product.name in first
    assert "Chế biến nông, lâm, thủy sản và thực phẩm" in first
    assert jurors[0].name in first
    assert "Tổng cộng".upper() in first
    assert "Bao bì đẹp, cần đăng ký nhãn hiệu." in first
    assert "Giám khảo ký, ghi rõ họ tên" in first
    assert entries[0].facility.name in first  # not a blind round
    codes_and_jurors = [
        (next(e.code for e in entries if e.code in p), next(j.name for j in jurors if j.name in p)) for p in pages
    ]
    assert codes_and_jurors == [(e.code, j.name) for e in entries for j in jurors]


def test_score_sheets_pdf_shows_points_subtotals_and_total(closed, app) -> None:
    _, round_, _, _ = closed
    with app.test_request_context():
        first = _pages(printing.score_sheets_pdf(round_))[0]
    # 8 points each: groups of 4 × 10, 4 × 10, 2 × 5 (capped at 5), 4 + 3 + 3 (capped) → 32, 32, 10, 10.
    lines = [" ".join(line.split()) for line in first.splitlines()]
    assert "I Đáp ứng thị trường và khả năng phát triển sản xuất 40 32" in lines
    assert "IV Một số tiêu chí khác 10 10" in lines
    assert "TỔNG CỘNG 100 84" in lines


def test_score_sheets_pdf_never_prints_the_facility_in_blind_rounds(db, seeded, app) -> None:
    organizer, round_, entries, jurors = make_judging_round(n_entries=2, n_jurors=2)
    round_.blind_judging = True
    db.session.commit()
    for entry in entries:
        for juror in jurors:
            _score(entry, juror)
    contest_services.close_judging(actor=organizer, round_=round_)
    db.session.commit()
    with app.test_request_context():
        sheets = _text(printing.score_sheets_pdf(round_))
        blank = _text(printing.blank_sheets_pdf(round_))
    for text in (sheets, blank):
        assert entries[0].code in text
        for entry in entries:
            assert entry.facility.name not in text
        assert "Tên cơ sở" not in text


def test_score_sheets_pdf_is_refused_before_judging_closes(db, seeded, app) -> None:
    _, round_, _, _ = make_judging_round(n_entries=1, n_jurors=1)
    with app.test_request_context():
        with pytest.raises(DomainError, match="kết thúc chấm điểm"):
            printing.score_sheets_pdf(round_)
        with pytest.raises(DomainError, match="kết thúc chấm điểm"):
            printing.results_pdf(round_)


def test_blank_sheets_pdf_has_a_generic_sheet_then_one_per_accepted_entry(db, seeded, app) -> None:
    _, round_, entries, _ = make_judging_round(n_entries=2, n_jurors=1)
    with app.test_request_context():
        pages = _pages(printing.blank_sheets_pdf(round_))
    assert len(pages) == len(entries) + 1
    assert all("PHIẾU CHẤM ĐIỂM" in page for page in pages)
    assert not any(e.code in pages[0] for e in entries)
    assert "Mã số bình chọn:" in pages[0]
    assert [e.code in page for e, page in zip(entries, pages[1:], strict=True)] == [True, True]
    assert entries[0].facility.name in pages[1]
    assert "Giám khảo ký, ghi rõ họ tên" in pages[1]


def test_conflicts_pdf_lists_a_declared_conflict(db, seeded, app) -> None:
    _, round_, entries, jurors = make_judging_round(n_entries=2, n_jurors=2)
    services.declare_conflict(actor=jurors[1], entry=entries[0], reason="Là người thân của chủ cơ sở")
    db.session.commit()
    with app.test_request_context():
        text = _text(printing.conflicts_pdf(round_))
    assert "DANH SÁCH XUNG ĐỘT LỢI ÍCH" in text
    assert f"1 {jurors[1].name} {entries[0].code} {entries[0].product.name} tự khai" in text
    assert entries[0].product.name in text
    assert "tự khai" in text
    assert "Là người thân của chủ cơ sở" in text
    assert "Tổng số: 1." in text


def test_score_sheets_load_in_a_fixed_number_of_queries(db, seeded, app) -> None:
    _, round_, _, _ = _closed_round(db, n_entries=3, n_jurors=2)
    db.session.expire_all()
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with app.test_request_context():
            round_ = db.session.get(type(round_), round_.id)
            statements.clear()
            pages = _pages(printing.score_sheets_pdf(round_))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(pages) == 6
    # One query for the sheets (entries and jurors joined), one for all their scores, the round's rubric:
    # no table is read twice, so nothing is loaded sheet by sheet.
    tables = [s.split("FROM ", 1)[1].split()[0] for s in statements]
    assert (tables.count("score_sheets"), tables.count("scores")) == (1, 1)
    assert len(tables) == len(set(tables)), tables


# --- the closed-network fetcher ---------------------------------------------------------------


def test_fetcher_serves_static_files_only(app) -> None:
    root = static_root()
    fetcher = StaticOnlyFetcher(root)
    css = fetcher.fetch((root / "css" / "print.css").as_uri())
    assert b"@page" in css.read()
    css.close()
    for url in (
        "http://example.com/x.png",
        "https://example.com/x.css",
        "data:text/plain,hello",
        "file:///etc/passwd",
        (root / ".." / "kcvote" / "config.py").as_uri(),
        "file://example.com/share/x.png",
    ):
        with pytest.raises(ResourceRefused):
            fetcher.fetch(url)


def test_render_pdf_never_fetches_a_remote_image(app, monkeypatch) -> None:
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    refused: list[str] = []
    original = StaticOnlyFetcher.fetch

    def spy(self: StaticOnlyFetcher, url: str, headers: Any = None) -> Any:
        try:
            return original(self, url, headers)
        except ResourceRefused:
            refused.append(url)
            raise

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    app.jinja_env.loader = ChoiceLoader(
        [
            DictLoader(
                {
                    "print/remote.html": '{% extends "print/_base.html" %}{% block content %}'
                    '<img src="http://example.com/x.png" alt=""><p>Ảnh ngoài mạng bị bỏ qua</p>{% endblock %}'
                }
            ),
            app.jinja_env.loader,
        ]
    )
    with app.test_request_context():
        text = _text(render_pdf("print/remote.html", round=None))
    assert "Ảnh ngoài mạng bị bỏ qua" in text
    assert refused == ["http://example.com/x.png"]
    assert attempts == []
