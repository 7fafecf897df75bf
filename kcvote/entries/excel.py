"""Excel in and out for organizers: the import template, the import itself (dry run, then commit), the export.

Organizers collect paper dossiers and keep lists in Excel. They upload facilities and entries into a
round: :func:`parse` is the dry run (every bad row, with the reason, nothing written), :func:`commit`
re-reads the same file and creates what is missing. Uploading the same file again adds nothing:
facilities are matched by their registration number, products by (facility, name), entries by
(round, product). Existing facilities and products are never modified by an import: the facility owns
its profile.

The workbook's headers and guide are Vietnamese whatever the user's language: they are the file
format (:data:`COLUMNS`), and parsing matches them. Messages about the file go through gettext.

File rules, documented in the template's "Hướng dẫn" sheet:

- row 1 of the first sheet holds the headers; columns are found by header (accent- and
  case-insensitive, a trailing "*" or "(*)" ignored), so their order does not matter;
- a row whose first cell starts with "VD:" is an example and is ignored, as are empty rows;
- at most :data:`MAX_ROWS` rows and :data:`MAX_BYTES` bytes.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from io import BytesIO
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from kcvote.accounts.models import User
from kcvote.accounts.services import valid_email
from kcvote.contests.enums import RoundState
from kcvote.contests.models import Round
from kcvote.contests.rules import can_manage_round
from kcvote.core import audit
from kcvote.core.clock import VIETNAM
from kcvote.core.db import utcnow
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.core.text import fold
from kcvote.entries.enums import EntryOrigin, EntryStatus
from kcvote.entries.labels import STATUS_LABELS
from kcvote.entries.models import Entry, EntryEvent, Product
from kcvote.extensions import db
from kcvote.facilities.enums import LegalForm
from kcvote.facilities.models import Facility
from kcvote.reference.models import ProductGroup, Province

MAX_BYTES = 5 * 1024 * 1024
# Uncompressed size of all the parts of the .xlsx: a small file may not unpack into a huge one.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# Rows of the sheet, header included.
MAX_ROWS = 5000
# Columns read per row; headers further right are ignored.
MAX_COLUMNS = 60
EXAMPLE_MARK = "VD:"

COLUMNS: list[tuple[str, str]] = [
    ("facility_name", "Tên cơ sở"),
    ("legal_form", "Loại hình"),
    ("registration_no", "Mã số thuế/ĐKKD"),
    ("province", "Tỉnh/thành phố"),
    ("address", "Địa chỉ"),
    ("phone", "Điện thoại"),
    ("email", "Email"),
    ("representative", "Người đại diện"),
    ("product_name", "Tên sản phẩm"),
    ("group_code", "Nhóm sản phẩm"),
    ("contact_name", "Người liên hệ"),
    ("contact_phone", "Điện thoại người liên hệ"),
    ("materials", "Nguyên liệu"),
    ("production_process", "Quy trình sản xuất"),
    ("capacity", "Năng lực sản xuất"),
    ("markets", "Thị trường tiêu thụ"),
    ("price", "Giá bán"),
    ("distinctive", "Nét độc đáo, khác biệt"),
]
HEADERS = dict(COLUMNS)
REQUIRED = ("facility_name", "legal_form", "registration_no", "province", "product_name", "group_code")
DESCRIPTION_KEYS = ("materials", "production_process", "capacity", "markets", "price", "distinctive")
# Database column lengths (descriptions are Text: a generous cap keeps a sheet from carrying a book).
MAX_LENGTHS = {
    "facility_name": 300,
    "address": 500,
    "phone": 40,
    "email": 254,
    "representative": 200,
    "product_name": 300,
    "contact_name": 200,
    "contact_phone": 40,
    "price": 200,
    **{key: 10_000 for key in DESCRIPTION_KEYS if key != "price"},
}
# Other header spellings organizers use (folded).
HEADER_ALIASES = {
    "ma so thue": "registration_no",
    "ma so dkkd": "registration_no",
    "so dang ky kinh doanh": "registration_no",
    "tinh": "province",
    "tinh, thanh pho": "province",
    "tinh/tp": "province",
    "so dien thoai": "phone",
    "nhom": "group_code",
    "loai hinh co so": "legal_form",
    "nguoi dai dien phap luat": "representative",
}

# The file format's labels (Vietnamese), plus the abbreviations seen on paper forms.
LEGAL_FORM_NAMES = {
    LegalForm.SME: "Doanh nghiệp nhỏ và vừa",
    LegalForm.COOPERATIVE: "Hợp tác xã",
    LegalForm.COOPERATIVE_GROUP: "Tổ hợp tác",
    LegalForm.HOUSEHOLD: "Hộ kinh doanh",
}
_LEGAL_FORMS = {
    **{fold(label): form for form, label in LEGAL_FORM_NAMES.items()},
    "dnnvv": LegalForm.SME,
    "htx": LegalForm.COOPERATIVE,
    "tht": LegalForm.COOPERATIVE_GROUP,
    "hkd": LegalForm.HOUSEHOLD,
    "ho kinh doanh ca the": LegalForm.HOUSEHOLD,
}
ORIGIN_NAMES = {EntryOrigin.WEB: "web", EntryOrigin.IMPORT: "Excel", EntryOrigin.NOMINATION: "đề cử"}

EXPORT_COLUMNS: list[tuple[str, int]] = [
    ("Mã số", 20),
    ("Sản phẩm", 36),
    ("Nhóm", 28),
    ("Cơ sở", 36),
    ("Loại hình", 22),
    ("Mã số thuế", 16),
    ("Tỉnh/thành phố", 20),
    ("Địa chỉ", 40),
    ("Điện thoại", 16),
    ("Trạng thái", 24),
    ("Ngày nộp", 12),
    ("Số ảnh", 8),
    ("Nguồn", 10),
]

_REGISTRATION_NO = re.compile(r"[0-9-]{8,20}")
_PHONE = re.compile(r"[0-9 +.\-]+")
_PROVINCE_PREFIXES = ("thanh pho ", "tp. ", "tp ", "tinh ")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_EXAMPLE_FONT = Font(italic=True, color="808080")


@dataclass
class RowError:
    """One problem of the file: ``row`` as Excel numbers it, ``column`` its header (None: the whole row)."""

    row: int
    column: str | None
    message: str


@dataclass
class ImportRow:
    """A valid row, normalised: ``legal_form`` is the LegalForm value, ``province`` the province's current
    name (a former province is mapped), ``group_code`` the group's code. The ``new_*`` flags say what
    commit would create for this row."""

    row: int
    facility_name: str
    legal_form: str
    registration_no: str
    province: str
    address: str
    phone: str
    email: str
    representative: str
    product_name: str
    group_code: str
    contact_name: str
    contact_phone: str
    materials: str
    production_process: str
    capacity: str
    markets: str
    price: str
    distinctive: str
    new_facility: bool = False
    new_product: bool = False
    new_entry: bool = False


@dataclass
class ImportReport:
    """What a file holds and what committing it adds; ``rows`` are the valid rows only."""

    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    new_facilities: int = 0
    new_products: int = 0
    new_entries: int = 0
    existing_entries: int = 0

    @property
    def ok(self) -> bool:
        """Nothing wrong and something to import."""
        return not self.errors and bool(self.rows)


@dataclass
class _Resolved:
    legal_form: LegalForm
    province: Province
    group: ProductGroup


@dataclass
class _Analysis:
    report: ImportReport
    resolved: dict[int, _Resolved]
    facilities: dict[str, Facility]  # existing, by registration number
    products: dict[tuple[int, str], Product]  # existing, by (facility id, folded name)
    entered: set[int]  # product ids already entered in the round


# --- template --------------------------------------------------------------------------------------


def _province_key(name: str) -> str:
    key = fold(name)
    for prefix in _PROVINCE_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :].strip()
    return key


def _header_key(text: str) -> str:
    return fold(text).removesuffix("(*)").removesuffix("*").strip()


_HEADER_KEYS = {**{_header_key(header): key for key, header in COLUMNS}, **HEADER_ALIASES}


def _style_header(ws: Worksheet, widths: Iterable[int], fills: Sequence[PatternFill]) -> None:
    for index, width in enumerate(widths, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = _HEADER_FONT
        cell.fill = fills[index - 1]
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"


def _set(cell: Cell, value: Any) -> None:
    """Write a value; text starting with "=" stays text (openpyxl would store it as a formula)."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


_EXAMPLE = {
    "facility_name": f"{EXAMPLE_MARK} Hợp tác xã mây tre đan Phú Vinh",
    "legal_form": "Hợp tác xã",
    "registration_no": "0101234567",
    "province": "Hà Nội",
    "address": "Thôn Phú Vinh, xã Phú Nghĩa",
    "phone": "0243 123 456",
    "email": "htxphuvinh@example.vn",
    "representative": "Nguyễn Văn An",
    "product_name": "Làn mây đan thủ công",
    "group_code": "TCMN",
    "contact_name": "Nguyễn Thị Bình",
    "contact_phone": "0912 345 678",
    "materials": "Mây, tre tự nhiên của địa phương",
    "production_process": "Chọn nguyên liệu, xử lý chống mốc, đan tay, sơn phủ",
    "capacity": "2.000 sản phẩm/tháng",
    "markets": "Trong nước; xuất khẩu Nhật Bản",
    "price": "350.000 đồng/chiếc",
    "distinctive": "Hoa văn truyền thống làng nghề Phú Vinh",
}
_GUIDE = {
    "facility_name": "Tên đầy đủ của cơ sở công nghiệp nông thôn.",
    "legal_form": "Một trong: " + "; ".join(LEGAL_FORM_NAMES.values()) + " (không phân biệt dấu, hoa thường).",
    "registration_no": "Mã số thuế hoặc số đăng ký kinh doanh: chữ số và dấu gạch ngang, 8–20 ký tự. "
    "Nên để ô ở dạng Văn bản (Text) để giữ số 0 ở đầu. Cơ sở đã có trên hệ thống được nhận ra theo mã số này.",
    "province": "Tên tỉnh, thành phố hiện hành (danh sách bên dưới); tên tỉnh cũ trước sáp nhập 2025 "
    "được tự chuyển sang tỉnh mới.",
    "address": "Địa chỉ của cơ sở.",
    "phone": "8–15 chữ số; được dùng dấu cách, dấu chấm, dấu gạch ngang và dấu +.",
    "email": "Địa chỉ email của cơ sở.",
    "representative": "Người đại diện theo pháp luật.",
    "product_name": "Tên sản phẩm dự bình chọn. Mỗi cặp (mã số, tên sản phẩm) chỉ xuất hiện một lần.",
    "group_code": "Mã nhóm (như TCMN) hoặc số thứ tự nhóm (1–4); phải là nhóm của đợt bình chọn.",
    "contact_name": "Người liên hệ về hồ sơ (để trống: người đại diện).",
    "contact_phone": "Điện thoại người liên hệ (để trống: điện thoại của cơ sở).",
    "materials": "Bản thuyết minh: nguyên liệu.",
    "production_process": "Bản thuyết minh: quy trình sản xuất.",
    "capacity": "Bản thuyết minh: năng lực sản xuất.",
    "markets": "Bản thuyết minh: thị trường tiêu thụ.",
    "price": "Bản thuyết minh: giá bán.",
    "distinctive": "Bản thuyết minh: nét độc đáo, khác biệt của sản phẩm.",
}
_TEXT_KEYS = ("registration_no", "phone", "contact_phone")
_TEMPLATE_WIDTHS = {"facility_name": 36, "product_name": 32, "address": 36, "legal_form": 24, "province": 20}


def build_template() -> bytes:
    """The import template: sheet "Hồ sơ" (headers, one example row starting "VD:") and sheet "Hướng dẫn"."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Hồ sơ"
    keys = [key for key, _ in COLUMNS]
    ws.append([header for _, header in COLUMNS])
    _style_header(
        ws,
        [_TEMPLATE_WIDTHS.get(key, 22) for key in keys],
        [_REQUIRED_FILL if key in REQUIRED else _HEADER_FILL for key in keys],
    )
    ws.append([_EXAMPLE[key] for key in keys])
    for cell in ws[2]:
        cell.font = _EXAMPLE_FONT
    for key in _TEXT_KEYS:
        # Text format keeps the leading zero of tax numbers and phone numbers typed in.
        ws.column_dimensions[get_column_letter(keys.index(key) + 1)].number_format = "@"

    guide = wb.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Bắt buộc", "Hướng dẫn, giá trị hợp lệ"])
    _style_header(guide, [26, 10, 100], [_HEADER_FILL] * 3)
    for key, header in COLUMNS:
        guide.append([header, "Có" if key in REQUIRED else "Không", _GUIDE[key]])
    notes = [
        "Dòng 1 là dòng tiêu đề; các cột tô màu cam là bắt buộc; thứ tự các cột không quan trọng.",
        f"Dòng có ô đầu tiên bắt đầu bằng “{EXAMPLE_MARK}” là dòng mẫu và bị bỏ qua; dòng trống bị bỏ qua.",
        f"Tối đa {MAX_ROWS - 1:,} dòng dữ liệu, tệp nhỏ hơn {MAX_BYTES // (1024 * 1024)} MB.".replace(",", "."),
        "Tải lên lại cùng một tệp không tạo thêm hồ sơ: hồ sơ đã có được giữ nguyên.",
    ]
    guide.append([])
    for note in notes:
        guide.append(["", "", note])

    guide.append([])
    guide.append(["Loại hình"])
    guide.cell(row=guide.max_row, column=1).font = _HEADER_FONT
    for label in LEGAL_FORM_NAMES.values():
        guide.append(["", "", label])

    guide.append([])
    guide.append(["Nhóm sản phẩm", "Mã", "Tên nhóm"])
    guide.cell(row=guide.max_row, column=1).font = _HEADER_FONT
    groups = db.session.scalars(select(ProductGroup).where(ProductGroup.active).order_by(ProductGroup.number))
    for group in groups:
        guide.append([group.number, group.code, group.name])

    guide.append([])
    guide.append(["Tỉnh/thành phố", "", "Tên tỉnh cũ được chấp nhận"])
    guide.cell(row=guide.max_row, column=1).font = _HEADER_FONT
    first_province = guide.max_row + 1
    for province in db.session.scalars(select(Province).order_by(Province.sort_order, Province.name)):
        guide.append([province.name, "", province.merged_from])
    last_province = guide.max_row

    legal_forms = DataValidation(
        type="list", formula1='"' + ",".join(LEGAL_FORM_NAMES.values()) + '"', allow_blank=True, showErrorMessage=False
    )
    provinces = DataValidation(
        type="list",
        formula1=f"'Hướng dẫn'!$A${first_province}:$A${last_province}",
        allow_blank=True,
        showErrorMessage=False,
    )
    ws.add_data_validation(legal_forms)
    ws.add_data_validation(provinces)
    legal_letter = get_column_letter(keys.index("legal_form") + 1)
    province_letter = get_column_letter(keys.index("province") + 1)
    legal_forms.add(f"{legal_letter}3:{legal_letter}{MAX_ROWS}")
    provinces.add(f"{province_letter}3:{province_letter}{MAX_ROWS}")
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- reading ---------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as text: whole numbers without ".0" (tax numbers typed as numbers), dates dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _single_line(text: str) -> str:
    return " ".join(text.split())


def _open_sheet(data: bytes) -> tuple[Any, Any]:
    """The read-only workbook and its first sheet. :raise DomainError: not a usable .xlsx."""
    if len(data) >= MAX_BYTES:
        raise DomainError(_l("Tệp Excel phải nhỏ hơn %(mb)d MB.", mb=MAX_BYTES // (1024 * 1024)))
    not_xlsx = DomainError(_l("Không đọc được tệp: hãy tải lên bảng tính Excel dạng .xlsx."))
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_xlsx from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise not_xlsx
    try:
        with warnings.catch_warnings():
            # Files saved by Excel carry parts openpyxl does not support and warns about (extensions,
            # slicers ...); the cell values are still read.
            warnings.simplefilter("ignore")
            wb = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (KeyError, InvalidFileException, XML errors ...)
        raise not_xlsx from None
    if not wb.worksheets:
        wb.close()
        raise not_xlsx
    ws = wb.worksheets[0]
    if ws.max_row is not None and ws.max_row > MAX_ROWS:
        wb.close()
        raise _too_many_rows()
    return wb, ws


def _too_many_rows() -> DomainError:
    return DomainError(
        _l("Bảng tính có quá nhiều dòng (tối đa %(n)d dòng); nếu có dòng trống thừa ở cuối, hãy xoá chúng.", n=MAX_ROWS)
    )


def _read_rows(ws: Any) -> Iterable[tuple[int, tuple[Any, ...]]]:
    # The declared dimension may be missing or lie: count while reading too.
    for number, values in enumerate(ws.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
        if number > MAX_ROWS:
            raise _too_many_rows()
        yield number, tuple(values)


class _Checker:
    """Validates rows one by one, remembering what the file and the database already hold."""

    def __init__(self, round_: Round) -> None:
        self.round = round_
        self.errors: list[RowError] = []
        self.provinces: dict[str, Province] = {}
        former: dict[str, Province] = {}
        for province in db.session.scalars(select(Province)):
            self.provinces[_province_key(province.name)] = province
            for name in province.merged_from.split(";"):
                if name.strip():
                    former.setdefault(_province_key(name), province)
        for key, province in former.items():
            self.provinces.setdefault(key, province)
        self.groups = list(db.session.scalars(select(ProductGroup)))
        self.round_group_ids = {g.id for g in round_.groups}
        self.seen: dict[tuple[str, str], int] = {}  # (registration no, folded product) -> row
        self.names: dict[str, tuple[str, int]] = {}  # registration no -> (facility name, row)

    def error(self, row: int, key: str | None, message: object) -> None:
        self.errors.append(RowError(row=row, column=HEADERS[key] if key else None, message=str(message)))

    def group(self, row: int, value: str) -> ProductGroup | None:
        key = fold(value).removeprefix("nhom ").strip()
        found = None
        for group in self.groups:
            if key in (fold(group.code), str(group.number), fold(group.name)):
                found = group
                break
        if found is None:
            self.error(
                row,
                "group_code",
                _l("Nhóm sản phẩm “%(value)s” không có; hãy ghi mã nhóm (như TCMN) hoặc số thứ tự nhóm.", value=value),
            )
            return None
        if found.id not in self.round_group_ids:
            self.error(row, "group_code", _l("Đợt bình chọn này không nhận nhóm “%(group)s”.", group=found.name))
            return None
        return found

    def phone(self, row: int, key: str, value: str) -> None:
        digits = sum(ch.isdigit() for ch in value)
        if value and (not _PHONE.fullmatch(value) or not 8 <= digits <= 15):
            self.error(
                row,
                key,
                _l(
                    "Số điện thoại “%(value)s” không hợp lệ: cần 8–15 chữ số, chỉ gồm chữ số, dấu cách, "
                    "dấu chấm, dấu gạch ngang và dấu +.",
                    value=value,
                ),
            )

    def check(self, row: int, values: dict[str, str]) -> tuple[ImportRow, _Resolved] | None:
        """The normalised row, or None after recording every problem it has."""
        before = len(self.errors)
        for key in REQUIRED:
            if not values[key]:
                self.error(row, key, _l("Chưa nhập (cột bắt buộc)."))
        for key, limit in MAX_LENGTHS.items():
            if len(values[key]) > limit:
                self.error(row, key, _l("Quá dài: tối đa %(n)d ký tự.", n=limit))

        legal_form = _LEGAL_FORMS.get(fold(values["legal_form"])) if values["legal_form"] else None
        if values["legal_form"] and legal_form is None:
            self.error(
                row,
                "legal_form",
                _l(
                    "Loại hình “%(value)s” không hợp lệ; chọn một trong: %(choices)s.",
                    value=values["legal_form"],
                    choices="; ".join(LEGAL_FORM_NAMES.values()),
                ),
            )
        number = values["registration_no"]
        if number and not _REGISTRATION_NO.fullmatch(number):
            self.error(
                row,
                "registration_no",
                _l(
                    "Mã số “%(value)s” không hợp lệ: chỉ gồm chữ số và dấu gạch ngang, dài 8–20 ký tự.",
                    value=number,
                ),
            )
        province = self.provinces.get(_province_key(values["province"])) if values["province"] else None
        if values["province"] and province is None:
            self.error(row, "province", _l("Không có tỉnh, thành phố “%(value)s”.", value=values["province"]))
        group = self.group(row, values["group_code"]) if values["group_code"] else None
        self.phone(row, "phone", values["phone"])
        self.phone(row, "contact_phone", values["contact_phone"])
        if values["email"]:
            try:
                values["email"] = valid_email(values["email"])
            except DomainError:
                self.error(row, "email", _l("Địa chỉ email “%(value)s” không hợp lệ.", value=values["email"]))

        if number and values["facility_name"]:
            earlier = self.names.setdefault(number, (values["facility_name"], row))
            if fold(earlier[0]) != fold(values["facility_name"]):
                self.error(
                    row,
                    "registration_no",
                    _l(
                        "Mã số %(number)s đã dùng cho cơ sở “%(name)s” ở dòng %(row)d.",
                        number=number,
                        name=earlier[0],
                        row=earlier[1],
                    ),
                )
        if number and values["product_name"]:
            first = self.seen.setdefault((number, fold(values["product_name"])), row)
            if first != row:
                self.error(
                    row,
                    "product_name",
                    _l("Trùng với dòng %(row)d: cùng mã số và tên sản phẩm.", row=first),
                )

        if len(self.errors) > before or legal_form is None or province is None or group is None:
            return None
        imported = ImportRow(
            row=row,
            facility_name=values["facility_name"],
            legal_form=legal_form.value,
            registration_no=number,
            province=province.name,
            address=values["address"],
            phone=values["phone"],
            email=values["email"],
            representative=values["representative"],
            product_name=values["product_name"],
            group_code=group.code,
            contact_name=values["contact_name"],
            contact_phone=values["contact_phone"],
            materials=values["materials"],
            production_process=values["production_process"],
            capacity=values["capacity"],
            markets=values["markets"],
            price=values["price"],
            distinctive=values["distinctive"],
        )
        return imported, _Resolved(legal_form=legal_form, province=province, group=group)


def _row_values(cells: tuple[Any, ...], positions: dict[str, int]) -> dict[str, str]:
    values = {}
    for key, _ in COLUMNS:
        index = positions.get(key)
        text = _text(cells[index]) if index is not None and index < len(cells) else ""
        values[key] = text if key in DESCRIPTION_KEYS and key != "price" else _single_line(text)
    return values


def _in_chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _analyse(data: bytes, round_: Round) -> _Analysis:
    wb, ws = _open_sheet(data)
    report = ImportReport()
    resolved: dict[int, _Resolved] = {}
    checker = _Checker(round_)
    try:
        rows = iter(_read_rows(ws))
        header = next(rows, None)
        positions: dict[str, int] = {}
        for index, title in enumerate(header[1] if header else ()):
            key = _HEADER_KEYS.get(_header_key(_text(title)))
            if key is not None:
                positions.setdefault(key, index)
        missing = [key for key in REQUIRED if key not in positions]
        for key in missing:
            checker.error(1, key, _l("Thiếu cột “%(column)s” ở dòng tiêu đề.", column=HEADERS[key]))
        if not missing:
            for number, cells in rows:
                if not any(_text(cell) for cell in cells):
                    continue
                if _text(cells[0]).upper().startswith(EXAMPLE_MARK):
                    continue
                checked = checker.check(number, _row_values(cells, positions))
                if checked is not None:
                    report.rows.append(checked[0])
                    resolved[number] = checked[1]
    finally:
        wb.close()
    report.errors = checker.errors

    numbers = sorted({r.registration_no for r in report.rows})
    facilities: dict[str, Facility] = {}
    for chunk in _in_chunks(numbers):
        for found in db.session.scalars(select(Facility).where(Facility.registration_no.in_(chunk))):
            facilities[found.registration_no or ""] = found
    products: dict[tuple[int, str], Product] = {}
    for chunk in _in_chunks(sorted(f.id for f in facilities.values())):
        for known in db.session.scalars(select(Product).where(Product.facility_id.in_(chunk))):
            products.setdefault((known.facility_id, fold(known.name)), known)
    entered = set(db.session.scalars(select(Entry.product_id).where(Entry.round_id == round_.id)))

    valid: list[ImportRow] = []
    new_numbers: set[str] = set()
    for row in report.rows:
        facility = facilities.get(row.registration_no)
        if facility is not None and fold(facility.name) != fold(row.facility_name):
            report.errors.append(
                RowError(
                    row=row.row,
                    column=HEADERS["registration_no"],
                    message=str(
                        _l(
                            "Mã số %(number)s đã thuộc cơ sở “%(name)s” trên hệ thống.",
                            number=row.registration_no,
                            name=facility.name,
                        )
                    ),
                )
            )
            continue
        valid.append(row)
        product = products.get((facility.id, fold(row.product_name))) if facility else None
        if facility is None and row.registration_no not in new_numbers:
            new_numbers.add(row.registration_no)
            row.new_facility = True
        if product is not None and product.id in entered:
            report.existing_entries += 1
            continue
        row.new_product = product is None
        row.new_entry = True
    report.rows = valid
    report.errors.sort(key=lambda e: e.row)
    report.new_facilities = sum(r.new_facility for r in valid)
    report.new_products = sum(r.new_product for r in valid)
    report.new_entries = sum(r.new_entry for r in valid)
    return _Analysis(report, resolved, facilities, products, entered)


def parse(data: bytes, round_: Round) -> ImportReport:
    """Dry run: validate every row of the first sheet and count what :func:`commit` would add; writes nothing.

    :raise DomainError: the data is not a usable .xlsx (too large, too many rows, not a workbook).
    """
    return _analyse(data, round_).report


def commit(*, actor: User, round_: Round, data: bytes) -> ImportReport:
    """Re-read the file and create the missing facilities, products and entries (submitted, origin import).

    Flushes, never commits. The same file twice adds nothing the second time.
    :raise NotAllowed: the actor does not manage the round.
    :raise DomainError: the round does not take dossiers now, or the file has errors or no rows.
    """
    if not can_manage_round(actor, round_):
        raise NotAllowed(_l("Bạn không có quyền nhập hồ sơ vào đợt bình chọn này."))
    if round_.state not in (RoundState.OPEN, RoundState.SCREENING):
        raise DomainError(_l("Chỉ nhập hồ sơ vào đợt đang nhận hoặc đang thẩm định hồ sơ."))
    # One import at a time per round (PostgreSQL row lock; SQLite serialises writers).
    db.session.execute(select(Round.id).where(Round.id == round_.id).with_for_update())
    analysis = _analyse(data, round_)
    report = analysis.report
    if report.errors:
        raise DomainError(
            _l("Tệp còn %(n)d lỗi; hãy sửa rồi tải lên lại. Chưa có hồ sơ nào được nhập.", n=len(report.errors))
        )
    if not report.rows:
        raise DomainError(_l("Tệp không có dòng dữ liệu nào để nhập."))

    facilities = dict(analysis.facilities)
    numbers = {facility.id: number for number, facility in facilities.items()}
    # Keyed by registration number: new facilities have no id until the flush.
    products = {(numbers[facility_id], name): p for (facility_id, name), p in analysis.products.items()}
    created = {"facilities": 0, "products": 0, "entries": 0}
    now = utcnow()
    for row in report.rows:
        resolved = analysis.resolved[row.row]
        facility = facilities.get(row.registration_no)
        if facility is None:
            facility = Facility(
                name=row.facility_name,
                legal_form=resolved.legal_form,
                registration_no=row.registration_no,
                province=resolved.province,
                address=row.address,
                phone=row.phone,
                email=row.email,
                representative=row.representative,
            )
            facility.refresh_search()
            db.session.add(facility)
            facilities[row.registration_no] = facility
            created["facilities"] += 1
        product_key = (row.registration_no, fold(row.product_name))
        product = products.get(product_key)
        if product is None:
            product = Product(facility=facility, name=row.product_name, group=resolved.group)
            db.session.add(product)
            products[product_key] = product
            created["products"] += 1
        elif product.id in analysis.entered:
            continue
        entry = Entry(
            round=round_,
            product=product,
            facility=facility,
            group=resolved.group,
            origin=EntryOrigin.IMPORT,
            status=EntryStatus.SUBMITTED,
            submitted_at=now,
            contact_name=row.contact_name or facility.representative,
            contact_phone=row.contact_phone or facility.phone,
            declaration_accepted=False,
            **{key: getattr(row, key) for key in DESCRIPTION_KEYS},
        )
        entry.refresh_search()
        entry.events.append(EntryEvent(actor_id=actor.id, kind="imported"))
        db.session.add(entry)
        created["entries"] += 1
    db.session.flush()
    audit.record(
        "entries.imported",
        actor_id=actor.id,
        obj=round_,
        facilities=created["facilities"],
        products=created["products"],
        entries=created["entries"],
    )
    report.new_facilities = created["facilities"]
    report.new_products = created["products"]
    report.new_entries = created["entries"]
    return report


# --- export ----------------------------------------------------------------------------------------


def _submitted_on(entry: Entry) -> date | None:
    if entry.submitted_at is None:
        return None
    return entry.submitted_at.replace(tzinfo=UTC).astimezone(VIETNAM).date()


def export_entries(round_: Round, entries: Sequence[Entry]) -> bytes:
    """The entry list as a workbook (sheet "Danh sách hồ sơ"), labels in Vietnamese like its headers."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách hồ sơ"
    ws.append([header for header, _ in EXPORT_COLUMNS])
    _style_header(ws, [width for _, width in EXPORT_COLUMNS], [_HEADER_FILL] * len(EXPORT_COLUMNS))
    date_column = [header for header, _ in EXPORT_COLUMNS].index("Ngày nộp") + 1
    with force_locale("vi"):
        for number, entry in enumerate(entries, start=2):
            facility = entry.facility
            values: list[Any] = [
                entry.code or "",
                entry.product.name,
                entry.group.name,
                facility.name,
                LEGAL_FORM_NAMES[facility.legal_form],
                facility.registration_no or "",
                facility.province.name,
                facility.address,
                facility.phone,
                str(STATUS_LABELS[entry.status]),
                _submitted_on(entry),
                len(entry.photos),
                ORIGIN_NAMES[entry.origin],
            ]
            for column, value in enumerate(values, start=1):
                _set(ws.cell(row=number, column=column), value)
            ws.cell(row=number, column=date_column).number_format = "dd/mm/yyyy"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(EXPORT_COLUMNS))}{max(len(entries) + 1, 1)}"
    return _save(wb)
