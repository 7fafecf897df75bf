"""Demo data for `make run`: one user per role, and an open provincial round with ~40 entries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from kcvote.accounts import services as account_services
from kcvote.accounts.enums import Role
from kcvote.accounts.models import User
from kcvote.contests.models import Round
from kcvote.extensions import db
from kcvote.facilities import services as facility_services

DEMO_PASSWORD = "kcvote-demo-2026"


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: Role
    organization: str
    job_title: str


DEMO_USERS = [
    DemoUser("admin@demo.kcvote.vn", "Trần Thị Quản Trị", Role.ADMIN, "Cục Khuyến công", "Quản trị hệ thống"),
    DemoUser(
        "organizer@demo.kcvote.vn",
        "Nguyễn Văn Tổ Chức",
        Role.ORGANIZER,
        "Sở Công Thương Thái Nguyên",
        "Phó Giám đốc Trung tâm Khuyến công",
    ),
    DemoUser(
        "juror@demo.kcvote.vn",
        "Lê Thị Giám Khảo",
        Role.JUROR,
        "Trường Đại học Kỹ thuật Công nghiệp",
        "Giảng viên chính",
    ),
    DemoUser(
        "council@demo.kcvote.vn",
        "Phạm Văn Hội Đồng",
        Role.COUNCIL_MEMBER,
        "Hội đồng xét tặng cấp tỉnh",
        "Thư ký hội đồng",
    ),
    DemoUser("facility@demo.kcvote.vn", "Hoàng Thị Cơ Sở", Role.FACILITY, "Hợp tác xã Chè La Bằng", "Giám đốc"),
]


def load_demo_users() -> list[tuple[DemoUser, bool]]:
    """Create the demo users that are missing. Returns each with whether it was created."""
    result = []
    for demo in DEMO_USERS:
        existing = account_services.get_user_by_email(demo.email)
        if existing is None:
            user = account_services.create_user(
                email=demo.email, name=demo.name, password=DEMO_PASSWORD, role=demo.role
            )
            user.organization, user.job_title = demo.organization, demo.job_title
        result.append((demo, existing is None))
    return result


# --- an open provincial round with ~40 entries (make run) ------------------------------------

DEMO_ROUND_NAME = "Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu tỉnh Thái Nguyên năm {year}"

# (facility, legal form, commune/ward, product, group number)
DEMO_ENTRIES: list[tuple[str, str, str, str, int]] = [
    ("Hợp tác xã Chè La Bằng", "cooperative", "xã La Bằng", "Chè xanh La Bằng đặc biệt", 2),
    ("Hợp tác xã Chè Tân Cương Hoàng Bình", "cooperative", "phường Tân Cương", "Chè móc câu Tân Cương", 2),
    ("Hộ kinh doanh Nguyễn Văn Thắng", "household", "xã Phúc Xuân", "Chè búp tôm nõn Phúc Xuân", 2),
    ("Công ty TNHH Chè Hảo Đạt", "sme", "xã Tân Cương", "Hồng trà Hảo Đạt", 2),
    ("Hợp tác xã Nông nghiệp Yên Đổ", "cooperative", "xã Phú Lương", "Miến dong Yên Đổ", 2),
    ("Tổ hợp tác Bánh chưng Bờ Đậu", "cooperative_group", "xã Phú Lương", "Bánh chưng Bờ Đậu", 2),
    ("Hộ kinh doanh Lê Thị Hoa", "household", "phường Phổ Yên", "Gạo nếp vải Phú Bình", 2),
    ("Hợp tác xã Mỳ gạo Hùng Sơn", "cooperative", "xã Đại Từ", "Mỳ gạo Hùng Sơn", 2),
    ("Công ty Cổ phần Thực phẩm Thái Hưng", "sme", "phường Gia Sàng", "Giò lụa Thái Hưng", 2),
    ("Hợp tác xã Mật ong Võ Nhai", "cooperative", "xã Võ Nhai", "Mật ong rừng Võ Nhai", 2),
    ("Hợp tác xã Miến Việt Cường", "cooperative", "xã Bộc Bố", "Miến dong Bắc Kạn", 2),
    ("Hộ kinh doanh Triệu Thị Mai", "household", "xã Chợ Đồn", "Tương nếp Chợ Đồn", 2),
    ("Hợp tác xã Rượu men lá Nà Phặc", "cooperative", "xã Nà Phặc", "Rượu men lá Nà Phặc", 2),
    ("Công ty TNHH Nấm Hương Ba Bể", "sme", "xã Ba Bể", "Nấm hương rừng sấy khô", 2),
    ("Hợp tác xã Đan lát Phú Bình", "cooperative", "xã Phú Bình", "Giỏ mây tre đan xuất khẩu", 1),
    ("Hộ kinh doanh Đàm Văn Lực", "household", "xã Định Hóa", "Chổi chít Định Hóa", 1),
    ("Tổ hợp tác Thêu thổ cẩm Tày", "cooperative_group", "xã Định Hóa", "Túi thổ cẩm thêu tay người Tày", 1),
    ("Hợp tác xã Gốm Tân Thành", "cooperative", "xã Tân Thành", "Bình gốm men lam", 1),
    ("Công ty TNHH Mỹ nghệ Gỗ Đồng Hỷ", "sme", "xã Đồng Hỷ", "Khay trà gỗ nghiến chạm khắc", 1),
    ("Hộ kinh doanh Hoàng Văn Nam", "household", "xã Na Rì", "Đàn tính dân tộc Tày", 1),
    ("Hợp tác xã Dệt Bản Hon", "cooperative", "xã Bản Hon", "Khăn dệt thổ cẩm Bản Hon", 1),
    ("Tổ hợp tác Nón lá Phú Thịnh", "cooperative_group", "xã Phú Thịnh", "Nón lá bài thơ", 1),
    ("Hộ kinh doanh Ma Thị Lan", "household", "xã Bạch Thông", "Vòng tay bạc chạm hoa văn", 1),
    ("Hợp tác xã Tre trúc Đại Từ", "cooperative", "xã Đại Từ", "Bộ ống hút tre tự nhiên", 1),
    ("Công ty Cổ phần Cơ khí Sông Công", "sme", "phường Sông Công", "Máy sao chè quay tay cải tiến", 3),
    ("Công ty TNHH Cơ khí Gia Sàng", "sme", "phường Gia Sàng", "Máy vò chè mini", 3),
    ("Hộ kinh doanh Dương Văn Tùng", "household", "xã Phổ Yên", "Dao rèn thủ công Phổ Yên", 3),
    ("Hợp tác xã Cơ khí nông nghiệp Phú Bình", "cooperative", "xã Phú Bình", "Máy tuốt lúa đạp chân", 3),
    ("Công ty TNHH Thiết bị Tân Long", "sme", "xã Tân Long", "Lò sấy nông sản dùng sinh khối", 3),
    ("Hộ kinh doanh Trần Văn Đức", "household", "xã Đồng Hỷ", "Cày cải tiến kéo tay", 3),
    ("Công ty TNHH Khuôn mẫu Thái Nguyên", "sme", "phường Phan Đình Phùng", "Khuôn ép bánh gạo", 3),
    ("Hợp tác xã Rèn Phúc Sen", "cooperative", "xã Quảng Hòa", "Dao quắm rèn Phúc Sen", 3),
    ("Công ty TNHH Gạch không nung Đại Việt", "sme", "phường Phổ Yên", "Gạch không nung xi măng cốt liệu", 4),
    ("Hợp tác xã Dược liệu Thần Sa", "cooperative", "xã Thần Sa", "Cao cà gai leo", 4),
    ("Hộ kinh doanh Nông Thị Hạnh", "household", "xã Ba Bể", "Xà phòng thảo mộc bồ hòn", 4),
    ("Công ty TNHH Phân bón hữu cơ Xanh", "sme", "xã Đại Từ", "Phân bón hữu cơ vi sinh từ bã chè", 4),
    ("Hợp tác xã Tinh dầu Quế Pác Nặm", "cooperative", "xã Pác Nặm", "Tinh dầu quế nguyên chất", 4),
    ("Tổ hợp tác Hương trầm Yên Lạc", "cooperative_group", "xã Yên Lạc", "Hương nén trầm tự nhiên", 4),
    ("Công ty TNHH Bao bì Sinh thái", "sme", "phường Túc Duyên", "Bao bì giấy từ bã mía", 4),
    ("Hộ kinh doanh Lục Văn Sinh", "household", "xã Ngân Sơn", "Nến sáp ong rừng", 4),
]

DEMO_DESCRIPTION = {
    "materials": "Nguyên liệu chính thu mua tại địa phương (trên 80%), có hợp đồng bao tiêu với các hộ dân.",
    "production_process": "Sơ chế – chế biến – hoàn thiện – đóng gói; kiểm tra chất lượng ở từng công đoạn.",
    "capacity": "Sản lượng khoảng 12.000 sản phẩm/năm; 15 lao động thường xuyên, 30 lao động thời vụ.",
    "markets": "Tiêu thụ trong tỉnh và các tỉnh phía Bắc; bán qua cửa hàng OCOP và sàn thương mại điện tử.",
    "price": "150.000 – 450.000 đồng/sản phẩm",
    "distinctive": "Giữ kỹ thuật truyền thống của địa phương, mẫu mã được cải tiến, bao bì thân thiện môi trường.",
}


def load_demo_round() -> tuple[Round | None, int]:
    """The open provincial round with ~40 entries and generated photos. Returns (round, entries added)."""
    from kcvote.contests import services as contest_services
    from kcvote.core.clock import add_days, today_vn
    from kcvote.core.images import demo_photo
    from kcvote.entries import services as entry_services
    from kcvote.entries.enums import DocumentKind, EntryStatus, PhotoKind
    from kcvote.facilities.enums import LegalForm
    from kcvote.facilities.models import Facility, FacilityMember
    from kcvote.reference.models import Level, ProductGroup, Province

    today = today_vn()
    name = DEMO_ROUND_NAME.format(year=today.year)
    if db.session.scalar(select(Round.id).where(Round.name == name)) is not None:
        return None, 0
    organizer = account_services.get_user_by_email("organizer@demo.kcvote.vn")
    facility_user = account_services.get_user_by_email("facility@demo.kcvote.vn")
    level = db.session.scalar(select(Level).where(Level.code == "tinh"))
    province = db.session.scalar(select(Province).where(Province.name == "Thái Nguyên"))
    if organizer is None or facility_user is None or level is None or province is None:
        raise RuntimeError("Load reference data (kcvote seed) and demo users first.")
    groups = db.session.scalars(select(ProductGroup).order_by(ProductGroup.number)).all()
    settings = contest_services.RoundSettings(
        name=name,
        level=level,
        year=today.year,
        groups=groups,
        scope_province=province,
        code_prefix="TN",
        registration_opens_on=add_days(today, -20),
        registration_deadline=add_days(today, 25),
        judging_starts_on=add_days(today, 35),
        judging_ends_on=add_days(today, 45),
    )
    round_ = contest_services.create_round(actor=organizer, settings=settings)
    contest_services.open_round(actor=organizer, round_=round_)
    by_number = {g.number: g for g in groups}
    member_hash = generate_password_hash(DEMO_PASSWORD)
    registration_pdf = _demo_pdf()
    added = 0
    for index, (facility_name, legal_form, commune, product_name, group_number) in enumerate(DEMO_ENTRIES):
        # The demo facility account acts for the first facility; the others get members of their own.
        user = facility_user if index == 0 else _demo_member(index, facility_name, member_hash)
        facility = db.session.scalar(select(Facility).join(FacilityMember).where(FacilityMember.user_id == user.id))
        if facility is None:
            facility = facility_services.save_facility(
                actor=user,
                facility=None,
                name=facility_name,
                legal_form=LegalForm(legal_form),
                registration_no=f"46{index:08d}",
                province=province,
                address=f"{commune}, tỉnh Thái Nguyên",
                phone=f"0208 3{index:02d} 456",
                email="",
                representative=user.name,
            )
        entry = entry_services.register_entry(
            actor=user, round_=round_, group=by_number[group_number], product_name=product_name
        )
        if index == 0:
            added += 1
            continue  # the demo facility's own entry stays a draft to try the dossier pages
        entry_services.save_dossier(actor=user, entry=entry, fields={**DEMO_DESCRIPTION, "declaration_accepted": True})
        for view, kind in enumerate((PhotoKind.FRONT, PhotoKind.SIDE, PhotoKind.TOP)):
            entry_services.add_photo(
                actor=user,
                entry=entry,
                data=demo_photo(product_name, seed=index, view=view, size=(800, 600)),
                kind=kind,
            )
        entry_services.add_document(
            actor=user, entry=entry, data=registration_pdf, kind=DocumentKind.BUSINESS_REGISTRATION
        )
        if index % 9 == 4:
            added += 1
            continue  # a few drafts still being prepared
        entry_services.submit_entry(actor=user, entry=entry)
        if index % 3 == 0:
            entry_services.accept_entry(actor=organizer, entry=entry)
        elif index % 13 == 2:
            entry_services.request_completion(
                actor=organizer, entry=entry, message="Bổ sung giấy chứng nhận an toàn thực phẩm còn hiệu lực."
            )
        assert entry.status != EntryStatus.WITHDRAWN
        added += 1
    return round_, added


def _demo_member(index: int, facility_name: str, password_hash: str) -> User:
    email = f"coso{index:02d}@demo.kcvote.vn"
    user = account_services.get_user_by_email(email)
    if user is None:
        user = account_services.create_user(
            email=email,
            name=f"Đại diện {facility_name}",
            password=DEMO_PASSWORD,
            role=Role.FACILITY,
            password_hash=password_hash,
        )
    return user


def _demo_pdf() -> bytes:
    """A small, valid one-page PDF standing in for a scanned business registration."""
    content = b"BT /F1 18 Tf 72 760 Td (Giay chung nhan dang ky kinh doanh - ban sao) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# --- a commune round being judged: jurors, sheets submitted and in progress (make run) -------

DEMO_JUDGING_NAME = "Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp xã Đại Từ năm {year}"
# (index of a facility in DEMO_ENTRIES, product, group number)
DEMO_JUDGING_ENTRIES: list[tuple[int, str, int]] = [
    (1, "Chè đinh Tân Cương", 2),
    (2, "Chè túi lọc Phúc Xuân", 2),
    (7, "Bún khô Hùng Sơn", 2),
    (9, "Mật ong hoa nhãn", 2),
    (14, "Làn mây đựng quà Tết", 1),
    (17, "Ấm chén gốm men rạn", 1),
    (18, "Hộp đựng chè gỗ nghiến", 1),
    (23, "Khay tre ép", 1),
    (24, "Máy sấy chè mini", 3),
    (26, "Liềm rèn Phổ Yên", 3),
    (33, "Trà cà gai leo túi lọc", 4),
    (36, "Nhang quế", 4),
]
DEMO_JURORS = [
    ("juror@demo.kcvote.vn", None),
    ("giamkhao2@demo.kcvote.vn", "Đỗ Văn Thẩm"),
    ("giamkhao3@demo.kcvote.vn", "Vũ Thị Định"),
]


def load_demo_judging_round() -> tuple[Round | None, int]:
    """A round in judging with jurors assigned; some sheets submitted, some in progress."""
    from kcvote.contests import services as contest_services
    from kcvote.core.clock import add_days, today_vn
    from kcvote.core.images import demo_photo
    from kcvote.entries import services as entry_services
    from kcvote.entries.enums import DocumentKind, PhotoKind
    from kcvote.facilities.models import Facility, FacilityMember
    from kcvote.judging import services as judging_services
    from kcvote.reference.models import Level, ProductGroup, Province

    today = today_vn()
    name = DEMO_JUDGING_NAME.format(year=today.year)
    if db.session.scalar(select(Round.id).where(Round.name == name)) is not None:
        return None, 0
    organizer = account_services.get_user_by_email("organizer@demo.kcvote.vn")
    level = db.session.scalar(select(Level).where(Level.code == "xa"))
    province = db.session.scalar(select(Province).where(Province.name == "Thái Nguyên"))
    if organizer is None or level is None or province is None:
        raise RuntimeError("Load reference data (kcvote seed) and demo users first.")
    groups = db.session.scalars(select(ProductGroup).order_by(ProductGroup.number)).all()
    settings = contest_services.RoundSettings(
        name=name,
        level=level,
        year=today.year,
        groups=groups,
        scope_province=province,
        scope_commune="xã Đại Từ",
        code_prefix="DT",
        registration_opens_on=add_days(today, -1),
        registration_deadline=today,
        jurors_per_entry=2,
    )
    round_ = contest_services.create_round(actor=organizer, settings=settings)
    contest_services.open_round(actor=organizer, round_=round_)
    by_number = {g.number: g for g in groups}
    pdf = _demo_pdf()
    for index, product_name, group_number in DEMO_JUDGING_ENTRIES:
        user = account_services.get_user_by_email(f"coso{index:02d}@demo.kcvote.vn")
        facility = (
            db.session.scalar(select(Facility).join(FacilityMember).where(FacilityMember.user_id == user.id))
            if user
            else None
        )
        if user is None or facility is None:
            raise RuntimeError("Load the demo round first (load_demo_round).")
        entry = entry_services.register_entry(
            actor=user, round_=round_, group=by_number[group_number], product_name=product_name
        )
        entry_services.save_dossier(actor=user, entry=entry, fields={**DEMO_DESCRIPTION, "declaration_accepted": True})
        for view, kind in enumerate((PhotoKind.FRONT, PhotoKind.SIDE, PhotoKind.TOP)):
            entry_services.add_photo(
                actor=user,
                entry=entry,
                data=demo_photo(product_name, seed=index + 50, view=view, size=(800, 600)),
                kind=kind,
            )
        entry_services.add_document(actor=user, entry=entry, data=pdf, kind=DocumentKind.BUSINESS_REGISTRATION)
        entry_services.submit_entry(actor=user, entry=entry)
        entry_services.accept_entry(actor=organizer, entry=entry)
    contest_services.start_screening(actor=organizer, round_=round_, today=add_days(today, 1))
    for email, juror_name in DEMO_JURORS:
        judging_services.appoint_juror(actor=organizer, round_=round_, email=email, name=juror_name or "")
    for email, _name in DEMO_JURORS[1:]:
        juror = account_services.get_user_by_email(email)
        if juror is not None and juror.password_hash is None:
            juror.password_hash = generate_password_hash(DEMO_PASSWORD)
            juror.email_confirmed_at = juror.created_at
    contest_services.start_judging(actor=organizer, round_=round_)
    judging_services.run_assignment(actor=organizer, round_=round_)
    _demo_partial_scores(round_)
    return round_, len(DEMO_JUDGING_ENTRIES)


def _demo_partial_scores(round_: Round) -> None:
    """The other jurors have submitted most sheets; the demo juror has one in progress."""
    import random
    from decimal import Decimal

    from kcvote.judging import services as judging_services
    from kcvote.judging.models import Assignment

    rng = random.Random(2026)
    criteria = round_.rubric.criteria if round_.rubric else []
    assignments = db.session.scalars(
        select(Assignment).where(Assignment.round_id == round_.id).order_by(Assignment.entry_id, Assignment.juror_id)
    ).all()
    demo_juror_started = False
    for assignment in assignments:
        juror, entry = assignment.juror, assignment.entry
        is_demo = juror.email == "juror@demo.kcvote.vn"
        if is_demo and demo_juror_started:
            continue  # the rest waits for whoever tries the demo
        level = 0.6 + (entry.id % 7) * 0.05
        points = {
            c.id: str(
                (Decimal(min(max(level + rng.uniform(-0.1, 0.1), 0), 1)) * c.max_points * 2).quantize(Decimal(1)) / 2
            )
            for c in (criteria[: len(criteria) // 2] if is_demo else criteria)
        }
        judging_services.save_sheet(actor=juror, entry=entry, points=points)
        if is_demo:
            demo_juror_started = True
        elif rng.random() < 0.8:
            judging_services.submit_sheet(actor=juror, entry=entry)


# --- last cycle's provincial round: finalized, certificates issued (make run) ----------------

DEMO_CERTIFIED_NAME = "Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu tỉnh Thái Nguyên năm {year}"
# (index of a facility in DEMO_ENTRIES, product, group number); index 0 is the demo facility account.
DEMO_CERTIFIED_ENTRIES: list[tuple[int, str, int]] = [
    (0, "Chè xanh La Bằng đặc biệt", 2),
    (3, "Chè móc câu Trại Cài", 2),
    (5, "Miến dong Việt Cường", 2),
    (11, "Rượu ngô men lá", 2),
    (6, "Giỏ mây tre đan xuất khẩu", 1),
    (12, "Tranh gỗ khắc chè", 1),
    (15, "Bình gốm Phú Lạc", 1),
    (21, "Dao rèn Khe Mo", 3),
    (28, "Máy vò chè mini", 3),
    (31, "Xà phòng sả chanh", 4),
    (34, "Tinh dầu quế", 4),
]


def _last_cycle_year(today_year: int) -> int:
    """Provincial rounds run every two years, usually in odd years: the latest such year before this one."""
    year = today_year - 1
    return year if year % 2 == 1 else year - 1


def load_demo_certified_round() -> tuple[Round | None, int]:
    """Last cycle's provincial round: judged, finalized with prizes, published, certificates issued (one
    of them since revoked). Returns (round, certificates issued)."""
    from datetime import date

    from kcvote.certificates import services as certificate_services
    from kcvote.contests import services as contest_services
    from kcvote.core.clock import add_days, today_vn
    from kcvote.core.images import demo_photo
    from kcvote.entries import services as entry_services
    from kcvote.entries.enums import DocumentKind, PhotoKind
    from kcvote.entries.models import Entry
    from kcvote.facilities.models import Facility, FacilityMember
    from kcvote.judging import results
    from kcvote.judging import services as judging_services
    from kcvote.reference.models import Level, ProductGroup, Province

    today = today_vn()
    year = _last_cycle_year(today.year)
    name = DEMO_CERTIFIED_NAME.format(year=year)
    if db.session.scalar(select(Round.id).where(Round.name == name)) is not None:
        return None, 0
    organizer = account_services.get_user_by_email("organizer@demo.kcvote.vn")
    level = db.session.scalar(select(Level).where(Level.code == "tinh"))
    province = db.session.scalar(select(Province).where(Province.name == "Thái Nguyên"))
    if organizer is None or level is None or province is None:
        raise RuntimeError("Load reference data (kcvote seed) and demo users first.")
    groups = db.session.scalars(select(ProductGroup).order_by(ProductGroup.number)).all()
    settings = contest_services.RoundSettings(
        name=name,
        level=level,
        year=year,
        groups=groups,
        scope_province=province,
        code_prefix="TN",
        registration_opens_on=add_days(today, -1),
        registration_deadline=today,
        prize_tiers=[["Giải nhất", 1], ["Giải nhì", 2], ["Giải ba", 3]],
    )
    round_ = contest_services.create_round(actor=organizer, settings=settings)
    contest_services.open_round(actor=organizer, round_=round_)
    by_number = {g.number: g for g in groups}
    pdf = _demo_pdf()
    for index, product_name, group_number in DEMO_CERTIFIED_ENTRIES:
        email = "facility@demo.kcvote.vn" if index == 0 else f"coso{index:02d}@demo.kcvote.vn"
        user = account_services.get_user_by_email(email)
        facility = (
            db.session.scalar(select(Facility).join(FacilityMember).where(FacilityMember.user_id == user.id))
            if user
            else None
        )
        if user is None or facility is None:
            raise RuntimeError("Load the demo round first (load_demo_round).")
        entry = entry_services.register_entry(
            actor=user, round_=round_, group=by_number[group_number], product_name=product_name
        )
        entry_services.save_dossier(actor=user, entry=entry, fields={**DEMO_DESCRIPTION, "declaration_accepted": True})
        for view, kind in enumerate((PhotoKind.FRONT, PhotoKind.SIDE, PhotoKind.TOP)):
            entry_services.add_photo(
                actor=user,
                entry=entry,
                data=demo_photo(product_name, seed=index + 100, view=view, size=(800, 600)),
                kind=kind,
            )
        entry_services.add_document(actor=user, entry=entry, data=pdf, kind=DocumentKind.BUSINESS_REGISTRATION)
        entry_services.submit_entry(actor=user, entry=entry)
        entry_services.accept_entry(actor=organizer, entry=entry)
    contest_services.start_screening(actor=organizer, round_=round_, today=add_days(today, 1))
    for email, juror_name in DEMO_JURORS:
        judging_services.appoint_juror(actor=organizer, round_=round_, email=email, name=juror_name or "")
    contest_services.start_judging(actor=organizer, round_=round_)
    judging_services.run_assignment(actor=organizer, round_=round_)
    _demo_full_scores(round_, [product for _, product, _ in DEMO_CERTIFIED_ENTRIES])
    contest_services.close_judging(actor=organizer, round_=round_)
    # The council recognises the passing products but the weakest one; the best three get prizes.
    passing = [r for r in results.records(round_) if r["passed"]]
    passing.sort(key=lambda r: (-float(r["average"]), r["code"]))
    prizes = ["Giải nhất", "Giải nhì", "Giải nhì", "Giải ba"]
    chosen = passing[:-1] if len(passing) > 3 else passing
    choices = {int(r["entry_id"]): (prizes[i] if i < len(prizes) else "") for i, r in enumerate(chosen)}
    results.select_entries(actor=organizer, round_=round_, choices=choices)
    contest_services.finalize_round(actor=organizer, round_=round_)
    contest_services.publish_round(actor=organizer, round_=round_)
    certificate_services.save_design(
        actor=organizer,
        round_=round_,
        fields={
            "decision_number": "1875/QĐ-SCT",
            "decision_date": date(year, 12, 10),
            "signer_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
            "signer_name": "Nguyễn Văn Tổ Chức",
        },
    )
    # Backdate the round to its own year (the services above ran on today's dates).
    round_.registration_opens_on, round_.registration_deadline = date(year, 6, 1), date(year, 8, 31)
    round_.judging_starts_on, round_.judging_ends_on = date(year, 10, 1), date(year, 10, 15)
    prize_of = certificate_services.recognised(round_)
    issued = []
    for entry_id in prize_of:
        recognised_entry = db.session.get(Entry, entry_id)
        if recognised_entry is not None:
            issued.append(
                certificate_services.issue_certificate(
                    actor=organizer,
                    round_=round_,
                    entry=recognised_entry,
                    issued_on=date(year, 12, 15),
                    recognised_prizes=prize_of,
                )
            )
    # One certificate was later revoked, so the verification page can show that too.
    if len(issued) > 2:
        certificate_services.revoke_certificate(
            actor=organizer, certificate=issued[-1], reason="Cơ sở đã ngừng sản xuất sản phẩm này."
        )
    return round_, len(issued)


def _demo_full_scores(round_: Round, ranking: list[str]) -> None:
    """Every juror submits every sheet; products listed first score best (the demo facility's product
    leads, so its account has a certificate to download), the last ones fall below 70."""
    import random
    from decimal import Decimal

    from kcvote.judging import services as judging_services
    from kcvote.judging.models import Assignment

    rng = random.Random(round_.year)
    criteria = round_.rubric.criteria if round_.rubric else []
    assignments = db.session.scalars(
        select(Assignment).where(Assignment.round_id == round_.id).order_by(Assignment.entry_id, Assignment.juror_id)
    ).all()
    for assignment in assignments:
        juror, entry = assignment.juror, assignment.entry
        level = 0.93 - 0.03 * ranking.index(entry.product.name)
        points = {
            c.id: str(
                (Decimal(min(max(level + rng.uniform(-0.04, 0.04), 0), 1)) * c.max_points * 2).quantize(Decimal(1)) / 2
            )
            for c in criteria
        }
        judging_services.save_sheet(actor=juror, entry=entry, points=points)
        judging_services.submit_sheet(actor=juror, entry=entry)
