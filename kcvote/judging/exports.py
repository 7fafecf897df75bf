"""Excel export of every score (juror × entry × criterion) and a summary sheet with aggregates and ranks."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kcvote.contests.models import Round, RubricCriterion
from kcvote.extensions import db
from kcvote.judging import results
from kcvote.judging.enums import SheetStatus
from kcvote.judging.models import Score, ScoreSheet

SCORE_HEADERS = [
    "Mã số",
    "Giám khảo",
    "Tiêu chí",
    "Điểm",
    "Nhóm tiêu chí",
    "Điểm tối đa",
    "Sản phẩm",
    "Trạng thái phiếu",
]
SUMMARY_HEADERS = [
    "Mã số",
    "Sản phẩm",
    "Cơ sở",
    "Nhóm",
    "Tổng điểm các giám khảo",
    "Điểm bình quân",
    "Trung vị",
    "Độ lệch chuẩn",
    "Xếp hạng",
    "Đạt",
    "Công nhận",
    "Giải",
]


def _sheet(book: Workbook, title: str, headers: list[str]) -> object:
    sheet = book.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    return sheet


def export_scores(round_: Round) -> bytes:
    """The workbook: sheet "Điểm" with one row per juror × entry × criterion, sheet "Tổng hợp" with one
    row per entry (aggregates, rank, pass, recognition, prize). Blind rounds omit the facility."""
    book = Workbook()
    book.remove(book.active)
    scores = book.create_sheet("Điểm")
    scores.append(SCORE_HEADERS)
    for cell in scores[1]:
        cell.font = Font(bold=True)
    scores.freeze_panes = "A2"
    sheets = db.session.scalars(
        select(ScoreSheet)
        .where(ScoreSheet.round_id == round_.id)
        .options(selectinload(ScoreSheet.scores).selectinload(Score.criterion).selectinload(RubricCriterion.group))
        .order_by(ScoreSheet.entry_id, ScoreSheet.juror_id)
    ).all()
    for sheet in sheets:
        status = "Đã nộp" if sheet.status == SheetStatus.SUBMITTED else "Đang chấm"
        for score in sorted(sheet.scores, key=lambda s: (s.criterion.group.position, s.criterion.position)):
            scores.append(
                [
                    sheet.entry.code,
                    sheet.juror.name,
                    score.criterion.name,
                    float(score.points),
                    score.criterion.group.name,
                    float(score.criterion.max_points),
                    sheet.entry.product.name,
                    status,
                ]
            )
    summary = book.create_sheet("Tổng hợp")
    summary.append(SUMMARY_HEADERS)
    for cell in summary[1]:
        cell.font = Font(bold=True)
    summary.freeze_panes = "A2"
    blind = round_.blind_judging
    for record in results.records(round_):
        summary.append(
            [
                record["code"],
                record["product"],
                "" if blind else record["facility"],
                record["group"],
                ", ".join(record["juror_totals"]),
                float(record["average"]) if record["average"] is not None else None,
                float(record["median"]) if record["median"] is not None else None,
                float(record["std_dev"]) if record.get("std_dev") is not None else None,
                record["rank"],
                "Đạt" if record["passed"] else "Không đạt",
                "Có" if record["recognised"] else "",
                record["prize"] or "",
            ]
        )
    for sheet in (scores, summary):
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
