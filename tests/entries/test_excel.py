"""Excel import (dry run, commit, idempotence, row errors) and export of entries."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, timedelta
from io import BytesIO
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from kcvote.accounts.enums import Role
from kcvote.contests.enums import RoundState
from kcvote.contests.models import Round
from kcvote.contests.services import RoundSettings, create_round, open_round
from kcvote.core.audit import AuditEntry
from kcvote.core.clock import today_vn
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.entries import excel
from kcvote.entries.enums import EntryOrigin, EntryStatus
from kcvote.entries.models import Entry, Product
from kcvote.facilities.enums import LegalForm
from kcvote.facilities.models import Facility
from kcvote.reference.models import Level, ProductGroup, Province
from tests.factories import make_user

HEADERS = [header for _, header in excel.COLUMNS]
EXPORT_HEADERS = [
    "Mã số",
    "Sản phẩm",
    "Nhóm",
    "Cơ sở",
    "Loại hình",
    "Mã số thuế",
    "Tỉnh/thành phố",
    "Địa chỉ",
    "Điện thoại",
    "Trạng thái",
    "Ngày nộp",
    "Số ảnh",
    "Nguồn",
]


def make_round(db, organizer, group_codes: tuple[str, ...] = ("TCMN", "CBNLTS", "CK", "KHAC")) -> Round:
    """An open provincial round (Hà Nội) with the given product groups."""
    today = today_vn()
    groups = db.session.scalars(
        select(ProductGroup).where(ProductGroup.code.in_(group_codes)).order_by(ProductGroup.number)
    ).all()
    settings = RoundSettings(
        name=f"Bình chọn sản phẩm CNNT tiêu biểu Hà Nội {today.year}",
        level=db.session.scalar(select(Level).where(Level.code == "tinh")),
        year=today.year,
        groups=groups,
        scope_province=db.session.scalar(select(Province).where(Province.name == "Hà Nội")),
        code_prefix="HN",
        registration_opens_on=today,
        registration_deadline=today + timedelta(days=30),
    )
    round_ = create_round(actor=organizer, settings=settings)
    open_round(actor=organizer, round_=round_)
    db.session.commit()
    return round_


@pytest.fixture
def organizer(db, seeded):
    return make_user(Role.ORGANIZER)


@pytest.fixture
def round_(db, organizer) -> Round:
    return make_round(db, organizer)


def row(**overrides: Any) -> dict[str, Any]:
    """One good row; keys are those of excel.COLUMNS."""
    values: dict[str, Any] = {
        "facility_name": "Hợp tác xã Mây tre Phú Vinh",
        "legal_form": "Hợp tác xã",
        "registration_no": "0101234567",
        "province": "Hà Nội",
        "address": "Thôn Phú Vinh, xã Phú Nghĩa",
        "phone": "0243 123 456",
        "email": "PhuVinh@Example.vn",
        "representative": "Nguyễn Văn An",
        "product_name": "Làn mây đan",
        "group_code": "TCMN",
        "contact_name": "Nguyễn Thị Bình",
        "contact_phone": "0912.345.678",
        "materials": "Mây, tre",
        "production_process": "Đan tay",
        "capacity": "2.000 chiếc/tháng",
        "markets": "Trong nước",
        "price": "350.000 đồng",
        "distinctive": "Hoa văn truyền thống",
    }
    values.update(overrides)
    return values


def workbook(*rows: dict[str, Any] | None, headers: list[str] = HEADERS) -> bytes:
    """An .xlsx with the header row then one row per dict (None: an empty row)."""
    keys = {header: key for key, header in excel.COLUMNS}
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for values in rows:
        ws.append([None if values is None else values.get(keys.get(h, ""), None) for h in headers])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def good_file() -> bytes:
    return workbook(
        row(),
        row(product_name="Khay tre", group_code=1),
        row(
            facility_name="Công ty TNHH Chè Tân Cương",
            legal_form="Doanh nghiệp nhỏ và vừa",
            registration_no="4600123456",
            province="Thái Nguyên",
            product_name="Chè Tân Cương",
            group_code="cbnlts",
            email="",
            contact_name="",
            contact_phone="",
        ),
    )


def counts(db) -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count(Facility.id))),
        db.session.scalar(select(func.count(Product.id))),
        db.session.scalar(select(func.count(Entry.id))),
    )


def error_tuples(report: excel.ImportReport) -> list[tuple[int, str | None]]:
    return [(e.row, e.column) for e in report.errors]


def test_template_parses_to_no_rows_and_no_errors(round_) -> None:
    report = excel.parse(excel.build_template(), round_)

    assert (report.rows, report.errors, report.ok) == ([], [], False)


def test_template_has_styled_header_example_and_guide(round_) -> None:
    wb = openpyxl.load_workbook(BytesIO(excel.build_template()))

    assert wb.sheetnames == ["Hồ sơ", "Hướng dẫn"]
    sheet = wb["Hồ sơ"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet["A1"].font.b is True
    assert sheet.freeze_panes == "A2"
    assert str(sheet["A2"].value).startswith("VD:")
    assert sheet["A2"].font.i is True
    guide_text = [c.value for r in wb["Hướng dẫn"].iter_rows() for c in r if c.value is not None]
    assert "TCMN" in guide_text
    assert "Thủ công mỹ nghệ" in guide_text
    assert "Hải Phòng" in guide_text
    assert "Hợp tác xã" in guide_text


def test_parse_good_file_counts_and_writes_nothing(db, round_) -> None:
    before = counts(db)

    report = excel.parse(good_file(), round_)

    assert report.errors == []
    assert report.ok is True
    assert [r.row for r in report.rows] == [2, 3, 4]
    assert (report.new_facilities, report.new_products, report.new_entries, report.existing_entries) == (2, 3, 3, 0)
    assert [(r.legal_form, r.group_code, r.email) for r in report.rows] == [
        ("cooperative", "TCMN", "phuvinh@example.vn"),
        ("cooperative", "TCMN", "phuvinh@example.vn"),
        ("sme", "CBNLTS", ""),
    ]
    db.session.rollback()
    assert counts(db) == before


def test_commit_creates_submitted_imported_entries(db, round_, organizer) -> None:
    before = counts(db)

    report = excel.commit(actor=organizer, round_=round_, data=good_file())
    db.session.commit()

    assert (report.new_facilities, report.new_products, report.new_entries) == (2, 3, 3)
    assert counts(db) == (before[0] + 2, before[1] + 3, before[2] + 3)
    entries = db.session.scalars(select(Entry).where(Entry.round_id == round_.id).order_by(Entry.id)).all()
    assert [(e.status, e.origin, e.declaration_accepted) for e in entries] == [
        (EntryStatus.SUBMITTED, EntryOrigin.IMPORT, False)
    ] * 3
    assert all(e.submitted_at is not None for e in entries)
    assert [e.product.name for e in entries] == ["Làn mây đan", "Khay tre", "Chè Tân Cương"]
    assert [e.group.code for e in entries] == ["TCMN", "TCMN", "CBNLTS"]
    first, _, third = entries
    assert (first.contact_name, first.contact_phone, first.materials, first.price) == (
        "Nguyễn Thị Bình",
        "0912.345.678",
        "Mây, tre",
        "350.000 đồng",
    )
    # An empty contact falls back to the facility's representative and phone.
    assert (third.contact_name, third.contact_phone) == ("Nguyễn Văn An", "0243 123 456")
    assert first.search_text == "lan may dan hop tac xa may tre phu vinh"
    assert [ev.kind for ev in first.events] == ["imported"]
    facility = first.facility
    assert (facility.legal_form, facility.registration_no, facility.province.name, facility.email) == (
        LegalForm.COOPERATIVE,
        "0101234567",
        "Hà Nội",
        "phuvinh@example.vn",
    )
    assert facility.search_text == "hop tac xa may tre phu vinh 0101234567 nguyen van an"
    audit_row = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "entries.imported"))
    assert (audit_row.actor_id, audit_row.object_type, audit_row.object_id) == (organizer.id, "Round", str(round_.id))
    assert audit_row.data == {"facilities": 2, "products": 3, "entries": 3}


def test_commit_same_file_twice_adds_nothing(db, round_, organizer) -> None:
    data = good_file()
    excel.commit(actor=organizer, round_=round_, data=data)
    db.session.commit()
    after_first = counts(db)

    report = excel.commit(actor=organizer, round_=round_, data=data)
    db.session.commit()

    assert counts(db) == after_first
    assert (report.new_facilities, report.new_products, report.new_entries, report.existing_entries) == (0, 0, 0, 3)
    assert [r.new_entry for r in report.rows] == [False, False, False]


def test_commit_adds_only_the_new_product_of_a_known_facility(db, round_, organizer) -> None:
    excel.commit(actor=organizer, round_=round_, data=workbook(row()))
    db.session.commit()
    before = counts(db)

    report = excel.commit(
        actor=organizer, round_=round_, data=workbook(row(), row(product_name="Khay tre", group_code="TCMN"))
    )
    db.session.commit()

    assert (report.new_facilities, report.new_products, report.new_entries, report.existing_entries) == (0, 1, 1, 1)
    assert counts(db) == (before[0], before[1] + 1, before[2] + 1)


def test_parse_bad_rows_reports_every_error(db, organizer) -> None:
    round_ = make_round(db, organizer, ("TCMN", "CBNLTS"))
    data = workbook(
        row(facility_name=""),
        row(registration_no="0100000002", province="Atlantis"),
        row(registration_no="0100000003", legal_form="Công ty cổ phần"),
        row(registration_no="0100000004", group_code="CK"),
        row(registration_no="12ab"),
        row(registration_no="0100000006"),
        row(registration_no="0100000006", product_name="làn mây đan"),
        row(registration_no="0100000008", group_code="XYZ", phone="12", email="not-an-email"),
    )

    report = excel.parse(data, round_)

    assert error_tuples(report) == [
        (2, "Tên cơ sở"),
        (3, "Tỉnh/thành phố"),
        (4, "Loại hình"),
        (5, "Nhóm sản phẩm"),
        (6, "Mã số thuế/ĐKKD"),
        (8, "Tên sản phẩm"),
        (9, "Nhóm sản phẩm"),
        (9, "Điện thoại"),
        (9, "Email"),
    ]
    messages = [e.message for e in report.errors]
    assert messages[0] == "Chưa nhập (cột bắt buộc)."
    assert messages[1] == "Không có tỉnh, thành phố “Atlantis”."
    assert messages[2].startswith("Loại hình “Công ty cổ phần” không hợp lệ; chọn một trong: Doanh nghiệp nhỏ và vừa;")
    assert messages[3] == "Đợt bình chọn này không nhận nhóm “Thiết bị, máy móc, dụng cụ và phụ tùng cơ khí”."
    assert messages[4].startswith("Mã số “12ab” không hợp lệ")
    assert messages[5] == "Trùng với dòng 7: cùng mã số và tên sản phẩm."
    assert messages[6].startswith("Nhóm sản phẩm “XYZ” không có")
    assert messages[7].startswith("Số điện thoại “12” không hợp lệ")
    assert messages[8] == "Địa chỉ email “not-an-email” không hợp lệ."
    assert [r.row for r in report.rows] == [7]
    assert report.ok is False


def test_parse_flags_a_number_owned_by_another_facility(db, round_) -> None:
    hanoi = db.session.scalar(select(Province).where(Province.name == "Hà Nội"))
    db.session.add(
        Facility(
            name="Hộ kinh doanh Gốm Bát Tràng",
            legal_form=LegalForm.HOUSEHOLD,
            registration_no="0101234567",
            province=hanoi,
        )
    )
    db.session.commit()

    report = excel.parse(workbook(row()), round_)

    assert error_tuples(report) == [(2, "Mã số thuế/ĐKKD")]
    assert report.errors[0].message == "Mã số 0101234567 đã thuộc cơ sở “Hộ kinh doanh Gốm Bát Tràng” trên hệ thống."


def test_parse_flags_one_number_with_two_facility_names(round_) -> None:
    report = excel.parse(workbook(row(), row(facility_name="Cơ sở khác", product_name="Khay tre")), round_)

    assert error_tuples(report) == [(3, "Mã số thuế/ĐKKD")]
    assert report.errors[0].message == "Mã số 0101234567 đã dùng cho cơ sở “Hợp tác xã Mây tre Phú Vinh” ở dòng 2."


def test_parse_former_province_maps_to_merged_province(db, round_, organizer) -> None:
    report = excel.parse(workbook(row(province="Hải Dương")), round_)
    assert report.errors == []
    assert report.rows[0].province == "Hải Phòng"

    excel.commit(actor=organizer, round_=round_, data=workbook(row(province="tinh hai duong")))

    facility = db.session.scalar(select(Facility).where(Facility.registration_no == "0101234567"))
    assert facility.province.name == "Hải Phòng"


def test_parse_legal_form_is_accent_and_case_insensitive(round_) -> None:
    report = excel.parse(
        workbook(row(legal_form="hop tac xa"), row(legal_form="HỘ KINH DOANH", product_name="B")), round_
    )

    assert report.errors == []
    assert [r.legal_form for r in report.rows] == [LegalForm.COOPERATIVE.value, LegalForm.HOUSEHOLD.value]


def test_parse_number_cells_keep_no_decimal_part(round_) -> None:
    report = excel.parse(workbook(row(registration_no=4600123456, phone=912345678, group_code=2.0)), round_)

    assert report.errors == []
    assert (report.rows[0].registration_no, report.rows[0].phone, report.rows[0].group_code) == (
        "4600123456",
        "912345678",
        "CBNLTS",
    )


def test_parse_skips_empty_and_example_rows(round_) -> None:
    data = workbook(row(facility_name="VD: Hợp tác xã mẫu"), None, row(), {"address": "   "})

    report = excel.parse(data, round_)

    assert report.errors == []
    assert [r.row for r in report.rows] == [4]


def test_parse_finds_columns_by_header_in_any_order(round_) -> None:
    headers = list(reversed(HEADERS))
    report = excel.parse(workbook(row(), headers=headers), round_)

    assert report.errors == []
    assert report.rows[0].facility_name == "Hợp tác xã Mây tre Phú Vinh"


def test_parse_reports_missing_required_columns(round_) -> None:
    headers = [h for h in HEADERS if h not in ("Tên sản phẩm", "Nhóm sản phẩm")]
    report = excel.parse(workbook(row(), headers=headers), round_)

    assert error_tuples(report) == [(1, "Tên sản phẩm"), (1, "Nhóm sản phẩm")]
    assert report.errors[0].message == "Thiếu cột “Tên sản phẩm” ở dòng tiêu đề."
    assert report.rows == []


def _zip_with(name: str, payload: bytes) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, payload)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04junk",
        b"<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>",
        b"",
        _zip_with("hello.txt", b"not a workbook"),
        _zip_with("xl/bomb.xml", b"0" * (60 * 1024 * 1024)),
    ],
    ids=["zip-header-junk", "html", "empty", "zip-not-xlsx", "zip-bomb"],
)
def test_parse_refuses_what_is_not_an_xlsx(round_, data: bytes) -> None:
    with pytest.raises(DomainError) as raised:
        excel.parse(data, round_)

    assert str(raised.value) == "Không đọc được tệp: hãy tải lên bảng tính Excel dạng .xlsx."


def test_parse_refuses_a_file_of_5_mb(round_) -> None:
    with pytest.raises(DomainError) as raised:
        excel.parse(b"PK" + b"\0" * (5 * 1024 * 1024), round_)

    assert str(raised.value) == "Tệp Excel phải nhỏ hơn 5 MB."


def test_parse_refuses_too_many_rows(round_) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for _ in range(excel.MAX_ROWS):
        ws.append(["x"])
    buffer = BytesIO()
    wb.save(buffer)

    with pytest.raises(DomainError) as raised:
        excel.parse(buffer.getvalue(), round_)

    assert str(raised.value).startswith("Bảng tính có quá nhiều dòng (tối đa 5000 dòng)")


def test_commit_refused_when_the_file_has_errors_writes_nothing(db, round_, organizer) -> None:
    before = counts(db)
    audit_rows = db.session.scalar(select(func.count(AuditEntry.id)))
    data = workbook(
        row(), row(registration_no="0100000009", province="Atlantis"), row(legal_form="?", product_name="Khay tre")
    )

    with pytest.raises(DomainError) as raised:
        excel.commit(actor=organizer, round_=round_, data=data)
    db.session.rollback()

    assert str(raised.value) == "Tệp còn 2 lỗi; hãy sửa rồi tải lên lại. Chưa có hồ sơ nào được nhập."
    assert counts(db) == before
    assert db.session.scalar(select(func.count(AuditEntry.id))) == audit_rows


def test_commit_refused_for_a_file_without_rows(round_, organizer) -> None:
    with pytest.raises(DomainError) as raised:
        excel.commit(actor=organizer, round_=round_, data=excel.build_template())

    assert str(raised.value) == "Tệp không có dòng dữ liệu nào để nhập."


def test_commit_by_a_facility_user_is_not_allowed(db, round_) -> None:
    facility_user = make_user(Role.FACILITY)

    with pytest.raises(NotAllowed):
        excel.commit(actor=facility_user, round_=round_, data=good_file())


def test_commit_by_an_organizer_of_another_round_is_not_allowed(db, round_) -> None:
    other = make_user(Role.ORGANIZER)

    with pytest.raises(NotAllowed):
        excel.commit(actor=other, round_=round_, data=good_file())


def test_commit_refused_on_a_draft_round(db, round_, organizer) -> None:
    round_.state = RoundState.DRAFT
    db.session.commit()

    with pytest.raises(DomainError) as raised:
        excel.commit(actor=organizer, round_=round_, data=good_file())

    assert str(raised.value) == "Chỉ nhập hồ sơ vào đợt đang nhận hoặc đang thẩm định hồ sơ."


def test_export_lists_one_row_per_entry_with_vietnamese_labels(db, round_, organizer) -> None:
    excel.commit(actor=organizer, round_=round_, data=workbook(row(), row(registration_no="0100000009")))
    db.session.commit()
    entries = db.session.scalars(select(Entry).where(Entry.round_id == round_.id).order_by(Entry.id)).all()
    entries[1].facility.name = '=HYPERLINK("http://evil")'

    wb = openpyxl.load_workbook(BytesIO(excel.export_entries(round_, entries)))

    assert wb.sheetnames == ["Danh sách hồ sơ"]
    sheet = wb["Danh sách hồ sơ"]
    assert [c.value for c in sheet[1]] == EXPORT_HEADERS
    assert sheet.max_row == 3
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:M3"
    first = [c.value for c in sheet[2]]
    assert first[:10] == [
        None,
        "Làn mây đan",
        "Thủ công mỹ nghệ",
        "Hợp tác xã Mây tre Phú Vinh",
        "Hợp tác xã",
        "0101234567",
        "Hà Nội",
        "Thôn Phú Vinh, xã Phú Nghĩa",
        "0243 123 456",
        "Đã nộp, chờ thẩm định",
    ]
    assert first[11:] == [0, "Excel"]
    submitted = sheet.cell(row=2, column=11)
    assert isinstance(submitted.value, datetime)
    assert submitted.value.date() == today_vn()
    assert submitted.number_format == "dd/mm/yyyy"
    # Text that looks like a formula stays text.
    assert sheet.cell(row=3, column=4).data_type == "s"
    assert sheet.cell(row=3, column=4).value == '=HYPERLINK("http://evil")'


def test_export_of_no_entries_has_the_header_only(round_) -> None:
    sheet = openpyxl.load_workbook(BytesIO(excel.export_entries(round_, []))).active

    assert [c.value for c in sheet[1]] == EXPORT_HEADERS
    assert sheet.max_row == 1


def test_submitted_date_is_vietnam_date(db, round_, organizer) -> None:
    excel.commit(actor=organizer, round_=round_, data=workbook(row()))
    entry = db.session.scalar(select(Entry).where(Entry.round_id == round_.id))
    # 18:00 UTC on 30 June is already 1 July in Vietnam.
    entry.submitted_at = datetime(2025, 6, 30, 18, 0)

    sheet = openpyxl.load_workbook(BytesIO(excel.export_entries(round_, [entry]))).active

    assert sheet.cell(row=2, column=11).value.date() == date(2025, 7, 1)
