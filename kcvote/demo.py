"""Demo data for `make run`: one user per role, product rounds (open, being judged, certified) and artisan
titles (an award round under way, an earlier one recognised with certificates)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from kcvote.accounts import services as account_services
from kcvote.accounts.enums import Role
from kcvote.accounts.models import User
from kcvote.artisans.enums import Choice, CouncilLevel, Gender, MemberRole, PrizeLevel, PrizeRank, Title
from kcvote.artisans.models import AwardRound, Ballot, CommentPeriod, Council, Nomination
from kcvote.contests.models import Round
from kcvote.core.clock import add_days, today_vn
from kcvote.extensions import db
from kcvote.facilities import services as facility_services
from kcvote.reference.models import Province

if TYPE_CHECKING:
    from kcvote.entries.models import Entry
    from kcvote.reference.models import ProductGroup

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


def _demo_pdf(text: str = "Giay chung nhan dang ky kinh doanh - ban sao") -> bytes:
    """A small, valid one-page PDF standing in for a scanned document (``text``: ASCII, its one line)."""
    line = text.encode("ascii").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    content = b"BT /F1 18 Tf 72 760 Td (" + line + b") Tj ET"
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


def _accepted_demo_entry(
    organizer: User, round_: Round, email: str, group: ProductGroup, product_name: str, *, photo_seed: int, pdf: bytes
) -> Entry:
    """A demo facility's entry registered, completed, submitted and accepted, through the services."""
    from kcvote.core.images import demo_photo
    from kcvote.entries import services as entry_services
    from kcvote.entries.enums import DocumentKind, PhotoKind
    from kcvote.facilities.models import Facility, FacilityMember

    user = account_services.get_user_by_email(email)
    facility = (
        db.session.scalar(select(Facility).join(FacilityMember).where(FacilityMember.user_id == user.id))
        if user
        else None
    )
    if user is None or facility is None:
        raise RuntimeError("Load the demo round first (load_demo_round).")
    entry = entry_services.register_entry(actor=user, round_=round_, group=group, product_name=product_name)
    entry_services.save_dossier(actor=user, entry=entry, fields={**DEMO_DESCRIPTION, "declaration_accepted": True})
    for view, kind in enumerate((PhotoKind.FRONT, PhotoKind.SIDE, PhotoKind.TOP)):
        entry_services.add_photo(
            actor=user,
            entry=entry,
            data=demo_photo(product_name, seed=photo_seed, view=view, size=(800, 600)),
            kind=kind,
        )
    entry_services.add_document(actor=user, entry=entry, data=pdf, kind=DocumentKind.BUSINESS_REGISTRATION)
    entry_services.submit_entry(actor=user, entry=entry)
    entry_services.accept_entry(actor=organizer, entry=entry)
    return entry


def load_demo_judging_round() -> tuple[Round | None, int]:
    """A round in judging with jurors assigned; some sheets submitted, some in progress."""
    from kcvote.contests import services as contest_services
    from kcvote.core.clock import add_days, today_vn
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
        _accepted_demo_entry(
            organizer,
            round_,
            f"coso{index:02d}@demo.kcvote.vn",
            by_number[group_number],
            product_name,
            photo_seed=index + 50,
            pdf=pdf,
        )
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
    from kcvote.entries.models import Entry
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
        _accepted_demo_entry(
            organizer, round_, email, by_number[group_number], product_name, photo_seed=index + 100, pdf=pdf
        )
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


# --- artisan titles (Nghị định 43/2024): award rounds, dossiers, councils, public side (make run) ---
#
# Lần thứ 5 (2024–2025) is history: Thái Nguyên's three dossiers went through the provincial, ministry
# and State councils and both comment periods; the final list is recorded and the certificates issued,
# so the public gallery shows people. Lần thứ 6 (2025–2026) is under way: Thái Nguyên receives
# dossiers (a draft of the demo facility's account, one awaiting intake, one asked to complete, four
# accepted); the provincial council (council@demo.kcvote.vn its secretary) closed one ballot and has
# another open today; the ministry council passed two, whose list is open for public comment.
#
# Everything goes through the services. They file, decide and vote "today"; the story happened
# earlier, so afterwards only dates are moved back (filing and intake dates, and lần thứ 5's window
# via save_window), as the certified product round does. Meetings, comment periods, the final
# decision and certificates take their dates as arguments and need no such correction.

DEMO_AWARD_ROUND_NAME = "Xét tặng danh hiệu Nghệ nhân nhân dân, Nghệ nhân ưu tú lần thứ {number}"
DEMO_FINAL_DECISION = "1190/QĐ-CTN"


@dataclass(frozen=True)
class DemoCouncilPerson:
    email: str
    name: str
    job_title: str
    role: MemberRole = MemberRole.MEMBER


# Listed in this order (positions 1, 2 ...); council@demo.kcvote.vn (a DEMO_USERS account) is the secretary.
DEMO_PROVINCIAL_COUNCIL = [
    DemoCouncilPerson(
        "council2@demo.kcvote.vn", "Hà Quang Minh", "Phó Chủ tịch UBND tỉnh Thái Nguyên", MemberRole.CHAIR
    ),
    DemoCouncilPerson("council3@demo.kcvote.vn", "Đinh Văn Tuấn", "Giám đốc Sở Công Thương", MemberRole.VICE_CHAIR),
    DemoCouncilPerson("council4@demo.kcvote.vn", "Lương Thị Hạnh", "Phó Giám đốc Sở Văn hóa, Thể thao và Du lịch"),
    DemoCouncilPerson("council5@demo.kcvote.vn", "Bế Văn Khôi", "Phó Giám đốc Sở Nông nghiệp và Môi trường"),
    DemoCouncilPerson("council6@demo.kcvote.vn", "Trần Thị Nguyệt", "Phó Chủ tịch Liên minh Hợp tác xã tỉnh"),
    DemoCouncilPerson("council7@demo.kcvote.vn", "Dương Văn Lâm", "Chủ tịch Hội Làng nghề tỉnh Thái Nguyên"),
    DemoCouncilPerson("council8@demo.kcvote.vn", "Phạm Thị Thu Trang", "Giảng viên Trường Cao đẳng Thái Nguyên"),
    DemoCouncilPerson(
        "council9@demo.kcvote.vn", "Hoàng Văn Sơn", "Giám đốc Trung tâm Khuyến công và Tư vấn phát triển công nghiệp"
    ),
    DemoCouncilPerson("council10@demo.kcvote.vn", "Mai Thị Phượng", "Phó Chủ tịch Hội Liên hiệp Phụ nữ tỉnh"),
    DemoCouncilPerson(
        "council@demo.kcvote.vn",
        "Phạm Văn Hội Đồng",
        "Trưởng phòng Quản lý công nghiệp, Sở Công Thương",
        MemberRole.SECRETARY,
    ),
]
DEMO_MINISTRY_COUNCIL = [
    DemoCouncilPerson("hdbo1@demo.kcvote.vn", "Vũ Đức Thành", "Thứ trưởng Bộ Công Thương", MemberRole.CHAIR),
    DemoCouncilPerson(
        "hdbo2@demo.kcvote.vn",
        "Ngô Quang Huy",
        "Cục trưởng Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công",
        MemberRole.VICE_CHAIR,
    ),
    DemoCouncilPerson("hdbo3@demo.kcvote.vn", "Đỗ Thị Lan Anh", "Vụ Thi đua – Khen thưởng, Bộ Công Thương"),
    DemoCouncilPerson("hdbo4@demo.kcvote.vn", "Trịnh Văn Hòa", "Phó Chủ tịch Hiệp hội Làng nghề Việt Nam"),
    DemoCouncilPerson("hdbo5@demo.kcvote.vn", "Nguyễn Thị Minh Tâm", "Giảng viên Trường Đại học Mỹ thuật Công nghiệp"),
    DemoCouncilPerson("hdbo6@demo.kcvote.vn", "Lê Văn Phúc", "Nghệ nhân nhân dân, nghề gốm"),
    DemoCouncilPerson(
        "hdbo7@demo.kcvote.vn",
        "Tạ Thị Hương",
        "Chuyên viên chính Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công",
        MemberRole.SECRETARY,
    ),
]
DEMO_STATE_COUNCIL = [
    DemoCouncilPerson("hdnn1@demo.kcvote.vn", "Bùi Quốc Trung", "Bộ trưởng Bộ Công Thương", MemberRole.CHAIR),
    DemoCouncilPerson(
        "hdnn2@demo.kcvote.vn", "Phan Thị Thu Hà", "Thứ trưởng Bộ Văn hóa, Thể thao và Du lịch", MemberRole.VICE_CHAIR
    ),
    DemoCouncilPerson("hdnn3@demo.kcvote.vn", "Cao Văn Đông", "Phó Trưởng ban Ban Thi đua – Khen thưởng Trung ương"),
    DemoCouncilPerson("hdnn4@demo.kcvote.vn", "Lại Thị Thanh", "Vụ trưởng, Văn phòng Chủ tịch nước"),
    DemoCouncilPerson("hdnn5@demo.kcvote.vn", "Mạc Đình Long", "Vụ trưởng, Bộ Nội vụ"),
    DemoCouncilPerson("hdnn6@demo.kcvote.vn", "Kiều Văn Thái", "Phó Chủ tịch Liên minh Hợp tác xã Việt Nam"),
    DemoCouncilPerson("hdnn7@demo.kcvote.vn", "Chu Thị Hồng", "Chủ tịch Hiệp hội Làng nghề Việt Nam"),
    DemoCouncilPerson("hdnn8@demo.kcvote.vn", "Lò Văn Pình", "Nghệ nhân nhân dân, nghề dệt thổ cẩm"),
    DemoCouncilPerson(
        "hdnn9@demo.kcvote.vn",
        "Âu Văn Nghĩa",
        "Phó Cục trưởng Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công",
        MemberRole.SECRETARY,
    ),
]
# Artisans who file their own dossier (facility-role accounts); the others are filed by the Sở.
DEMO_ARTISAN_ACCOUNTS = {
    "nghenhan1@demo.kcvote.vn": "Hoàng Thị Liên",
    "nghenhan2@demo.kcvote.vn": "Ma Văn Đức",
}


@dataclass(frozen=True)
class DemoPrize:
    contest: str
    level: PrizeLevel
    rank: PrizeRank
    year: int
    sent_by_state: bool = False


@dataclass(frozen=True)
class DemoWork:
    name: str
    made_on: date
    description: str
    prize: DemoPrize | None = None


@dataclass(frozen=True)
class DemoDossier:
    """A nominee and their declaration (Mẫu 01 / Mẫu 02), and who files it."""

    name: str
    gender: Gender
    birth_date: date
    id_number: str  # "" leaves it missing (a draft)
    address: str
    craft: str
    workplace: str
    title: Title
    periods: tuple[tuple[int, int | None, str, str], ...]
    works: tuple[DemoWork, ...]
    people_taught: int
    teaching_description: str
    teaching_evidence: bool = True
    commendations: str = ""
    account: str | None = None  # files their own dossier; None: the Sở files it on the artisan's behalf
    prior_title: tuple[str, date] | None = None  # the NNƯT decision (number, date) a NNND nominee holds


_NATIONAL = "Cuộc thi Sản phẩm thủ công mỹ nghệ Việt Nam năm {year}"
_PROVINCIAL = "Cuộc thi Sản phẩm thủ công mỹ nghệ tỉnh Thái Nguyên năm {year}"
_PRIOR_NNUT = ("1536/QĐ-CTN", date(2019, 11, 12))


def _national(rank: PrizeRank, year: int) -> DemoPrize:
    return DemoPrize(_NATIONAL.format(year=year), PrizeLevel.NATIONAL, rank, year)


def _provincial(rank: PrizeRank, year: int) -> DemoPrize:
    return DemoPrize(_PROVINCIAL.format(year=year), PrizeLevel.PROVINCIAL, rank, year)


# Lần thứ 5: all three recognised.
DEMO_DOSSIERS_5 = [
    DemoDossier(
        name="Hoàng Thị Liên",
        gender=Gender.FEMALE,
        birth_date=date(1968, 3, 15),
        id_number="019168004521",
        address="xóm Nà Mòn, xã Định Hóa, tỉnh Thái Nguyên",
        craft="Dệt thổ cẩm Tày",
        workplace="Tổ hợp tác dệt thổ cẩm Nà Mòn",
        title=Title.NNUT,
        periods=((1990, None, "xã Định Hóa", "Dệt thổ cẩm tại gia đình; từ năm 2008 lập tổ hợp tác dệt."),),
        works=(
            DemoWork(
                "Chăn thổ cẩm hoa văn sao tám cánh",
                date(2018, 5, 10),
                "Dệt tay trên khung cửi truyền thống, sợi bông nhuộm chàm.",
                _national(PrizeRank.THIRD, 2018),
            ),
            DemoWork(
                "Bộ khăn piêu và túi thổ cẩm Tày",
                date(2021, 9, 1),
                "Phục dựng hoa văn cổ của người Tày Định Hóa.",
                _provincial(PrizeRank.FIRST, 2022),
            ),
        ),
        people_taught=120,
        teaching_description="Mở 6 lớp truyền nghề dệt cho phụ nữ Tày xã Định Hóa (2012–2023), mỗi lớp 20 học viên.",
        commendations="Bằng khen của Chủ tịch UBND tỉnh Thái Nguyên năm 2020.",
        account="nghenhan1@demo.kcvote.vn",
    ),
    DemoDossier(
        name="Triệu Văn Hồng",
        gender=Gender.MALE,
        birth_date=date(1956, 11, 2),
        id_number="019056001187",
        address="thôn Nà Hang, xã Ba Bể, tỉnh Thái Nguyên",
        craft="Chạm bạc người Dao",
        workplace="Cơ sở chạm bạc Triệu Hồng",
        title=Title.NNND,
        periods=((1975, None, "xã Ba Bể", "Học nghề từ cha; chế tác trang sức bạc truyền thống của người Dao đỏ."),),
        works=(
            DemoWork(
                "Bộ xà tích bạc chạm hoa văn",
                date(2015, 4, 1),
                "Làm trước khi được phong Nghệ nhân ưu tú.",
                _national(PrizeRank.SECOND, 2016),
            ),
            DemoWork(
                "Bộ trang sức bạc cô dâu Dao đỏ",
                date(2020, 6, 15),
                "Gồm vòng cổ, vòng tay, hoa tai và bộ bạc đeo lưng.",
                _national(PrizeRank.SECOND, 2021),
            ),
            DemoWork(
                "Vòng cổ bạc chạm hoa văn rồng mây",
                date(2022, 3, 20),
                "Chạm nổi thủ công trên bạc 925.",
                DemoPrize(
                    "Giải thưởng Thủ công mỹ nghệ khu vực ASEAN năm 2023",
                    PrizeLevel.REGIONAL,
                    PrizeRank.THIRD,
                    2023,
                    sent_by_state=True,
                ),
            ),
        ),
        people_taught=168,
        teaching_description=(
            "Truyền nghề cho con cháu và thanh niên người Dao ở 4 thôn; cùng Trung tâm Khuyến công mở 3 lớp "
            "đào tạo nghề chạm bạc."
        ),
        prior_title=_PRIOR_NNUT,
    ),
    DemoDossier(
        name="Dương Văn Thụ",
        gender=Gender.MALE,
        birth_date=date(1963, 7, 21),
        id_number="019063002936",
        address="xóm Chợ, xã Phú Bình, tỉnh Thái Nguyên",
        craft="Mây tre đan mỹ nghệ",
        workplace="Hợp tác xã Đan lát Phú Bình",
        title=Title.NNUT,
        periods=(
            (1985, 2000, "xã Phú Bình", "Thợ đan tại hợp tác xã thủ công."),
            (2004, None, "xã Phú Bình", "Chủ nhiệm Hợp tác xã Đan lát Phú Bình."),
        ),
        works=(
            DemoWork(
                "Bình hoa mây đan hai lớp",
                date(2017, 8, 1),
                "Kỹ thuật đan lồng hai lớp, không dùng đinh.",
                _national(PrizeRank.THIRD, 2017),
            ),
            DemoWork(
                "Bộ khay giỏ mây tre đan xuất khẩu",
                date(2020, 4, 1),
                "Mẫu thiết kế riêng cho thị trường châu Âu.",
                _provincial(PrizeRank.SECOND, 2021),
            ),
        ),
        people_taught=95,
        teaching_description="Dạy nghề cho lao động nông thôn theo các lớp khuyến công (2010–2023).",
    ),
]

# Lần thứ 6, in the order they are filed: (story, days before today it was filed, dossier).
DEMO_DOSSIERS_6: list[tuple[str, int, DemoDossier]] = [
    (
        "draft",
        0,
        DemoDossier(
            name="Hoàng Thị Cơ Sở",
            gender=Gender.FEMALE,
            birth_date=date(1975, 9, 8),
            id_number="",
            address="xóm La Bằng, xã La Bằng, tỉnh Thái Nguyên",
            craft="Đan lát tre giang",
            workplace="Hợp tác xã Chè La Bằng",
            title=Title.NNUT,
            periods=((2004, None, "xã La Bằng", "Đan giỏ hái chè, nong, nia bằng tre giang."),),
            works=(
                DemoWork(
                    "Bộ giỏ hái chè đan nong mốt",
                    date(2023, 6, 1),
                    "Giỏ hái chè nhẹ, bền, đan từ tre giang ngâm bùn.",
                    _provincial(PrizeRank.SECOND, 2023),
                ),
            ),
            people_taught=35,
            teaching_description="Hướng dẫn xã viên hợp tác xã đan giỏ hái chè.",
            teaching_evidence=False,
            account="facility@demo.kcvote.vn",
        ),
    ),
    (
        "passed",
        40,
        DemoDossier(
            name="Đào Văn Khánh",
            gender=Gender.MALE,
            birth_date=date(1966, 2, 14),
            id_number="019066002741",
            address="tổ dân phố Ba Hàng, phường Phổ Yên, tỉnh Thái Nguyên",
            craft="Chạm khắc gỗ mỹ nghệ",
            workplace="Xưởng mộc mỹ nghệ Khánh Phổ Yên",
            title=Title.NNUT,
            periods=((1984, None, "phường Phổ Yên", "Thợ chạm, từ năm 1998 mở xưởng riêng."),),
            works=(
                DemoWork(
                    "Tranh gỗ chạm nổi Đồi chè Tân Cương",
                    date(2018, 7, 1),
                    "Gỗ mít, chạm nổi nhiều lớp.",
                    _national(PrizeRank.THIRD, 2019),
                ),
                DemoWork(
                    "Khay trà gỗ nghiến chạm bát tiên",
                    date(2021, 10, 1),
                    "Gỗ nghiến nguyên tấm.",
                    _provincial(PrizeRank.FIRST, 2022),
                ),
            ),
            people_taught=86,
            teaching_description="Nhận học nghề tại xưởng; 86 thợ đã thành nghề, nhiều người mở xưởng riêng.",
        ),
    ),
    (
        "passed",
        38,
        DemoDossier(
            name="Lê Đình Lộc",
            gender=Gender.MALE,
            birth_date=date(1958, 8, 30),
            id_number="019058003417",
            address="xóm Đồng Tâm, xã Tân Thành, tỉnh Thái Nguyên",
            craft="Gốm mỹ nghệ",
            workplace="Hợp tác xã Gốm Tân Thành",
            title=Title.NNND,
            periods=((1976, None, "xã Tân Thành", "Thợ gốm, nghiên cứu men lam và men rạn."),),
            works=(
                DemoWork(
                    "Bình gốm men lam vẽ đồi chè",
                    date(2020, 9, 1),
                    "Vẽ tay men lam dưới men.",
                    _national(PrizeRank.SECOND, 2021),
                ),
                DemoWork(
                    "Lọ gốm men rạn Trăng quê",
                    date(2022, 12, 1),
                    "Men rạn tự pha từ tro thực vật.",
                    DemoPrize(
                        "Cuộc thi Gốm nghệ thuật quốc tế năm 2024",
                        PrizeLevel.INTERNATIONAL,
                        PrizeRank.THIRD,
                        2024,
                        sent_by_state=True,
                    ),
                ),
            ),
            people_taught=155,
            teaching_description="Truyền nghề tại hợp tác xã và các lớp dạy nghề gốm cho lao động nông thôn.",
            prior_title=_PRIOR_NNUT,
        ),
    ),
    (
        "failed",
        36,
        DemoDossier(
            name="Lương Thị Thu",
            gender=Gender.FEMALE,
            birth_date=date(1980, 1, 11),
            id_number="019180006093",
            address="xóm Na Làng, xã Phú Thịnh, tỉnh Thái Nguyên",
            craft="Làm nón lá",
            workplace="Tổ hợp tác Nón lá Phú Thịnh",
            title=Title.NNUT,
            periods=((2013, None, "xã Phú Thịnh", "Làm nón lá bài thơ, nón ba tầm."),),
            works=(
                DemoWork(
                    "Nón lá bài thơ Phú Thịnh", date(2022, 3, 1), "Nón 16 vòng.", _provincial(PrizeRank.SECOND, 2022)
                ),
                DemoWork(
                    "Nón ba tầm", date(2024, 2, 1), "Phục dựng nón quai thao.", _provincial(PrizeRank.THIRD, 2024)
                ),
            ),
            people_taught=60,
            teaching_description="Dạy làm nón cho phụ nữ trong xóm.",
            teaching_evidence=False,
        ),
    ),
    (
        "completion",
        14,
        DemoDossier(
            name="Ma Văn Đức",
            gender=Gender.MALE,
            birth_date=date(1961, 4, 25),
            id_number="019061005512",
            address="thôn Nà Pài, xã Na Rì, tỉnh Thái Nguyên",
            craft="Chế tác đàn tính",
            workplace="Cơ sở chế tác đàn tính Nà Pài",
            title=Title.NNUT,
            periods=((1998, None, "xã Na Rì", "Chế tác đàn tính phục vụ hát then."),),
            works=(
                DemoWork(
                    "Đàn tính bầu quả bầu khắc hoa văn",
                    date(2019, 9, 1),
                    "Bầu đàn từ quả bầu già, cần đàn gỗ dâu.",
                    _national(PrizeRank.THIRD, 2020),
                ),
                DemoWork(
                    "Bộ đàn tính then biểu diễn",
                    date(2022, 11, 1),
                    "Năm cây đàn cùng âm sắc.",
                    _provincial(PrizeRank.SECOND, 2023),
                ),
            ),
            people_taught=42,
            teaching_description="Dạy chế tác đàn tính cho thanh niên trong xã.",
            teaching_evidence=False,
            account="nghenhan2@demo.kcvote.vn",
        ),
    ),
    (
        "open_ballot",
        22,
        DemoDossier(
            name="Vi Thị Hường",
            gender=Gender.FEMALE,
            birth_date=date(1972, 5, 3),
            id_number="019172004875",
            address="tổ 5, phường Phan Đình Phùng, tỉnh Thái Nguyên",
            craft="Thêu tranh tay",
            workplace="Cơ sở tranh thêu Hường",
            title=Title.NNUT,
            periods=(
                (1992, 2005, "phường Phan Đình Phùng", "Thợ thêu xưởng tranh thêu xuất khẩu."),
                (2008, None, "phường Phan Đình Phùng", "Mở cơ sở tranh thêu riêng."),
            ),
            works=(
                DemoWork(
                    "Tranh thêu Chùa Hang", date(2019, 3, 1), "Thêu chỉ tơ tằm.", _national(PrizeRank.THIRD, 2019)
                ),
                DemoWork(
                    "Tranh thêu Hồ Núi Cốc",
                    date(2023, 8, 1),
                    "Khổ 1,2 × 0,8 m.",
                    _provincial(PrizeRank.FIRST, 2024),
                ),
            ),
            people_taught=72,
            teaching_description="Dạy thêu cho người khuyết tật tại cơ sở.",
        ),
    ),
    (
        "submitted",
        3,
        DemoDossier(
            name="Lý Thị Sinh",
            gender=Gender.FEMALE,
            birth_date=date(1970, 12, 19),
            id_number="019170003358",
            address="thôn Khuổi Luông, xã Ba Bể, tỉnh Thái Nguyên",
            craft="Thêu thổ cẩm người Dao",
            workplace="Tổ hợp tác thêu Khuổi Luông",
            title=Title.NNUT,
            periods=((1986, None, "xã Ba Bể", "Thêu y phục truyền thống người Dao tiền."),),
            works=(
                DemoWork(
                    "Bộ y phục cô dâu Dao tiền",
                    date(2019, 10, 1),
                    "Thêu tay toàn bộ, chỉ màu nhuộm tự nhiên.",
                    _national(PrizeRank.THIRD, 2020),
                ),
                DemoWork(
                    "Tranh thêu hoa văn Dao trên nền chàm",
                    date(2023, 5, 1),
                    "Ứng dụng hoa văn cổ vào sản phẩm trang trí.",
                    _provincial(PrizeRank.FIRST, 2024),
                ),
            ),
            people_taught=64,
            teaching_description="Truyền nghề thêu cho phụ nữ Dao thôn Khuổi Luông.",
        ),
    ),
]


@dataclass
class ArtisanDemoReport:
    """What load_demo_artisans added (all zero on a second run)."""

    award_rounds: int = 0
    dossiers: int = 0
    accounts: int = 0
    councils: int = 0
    ballots: int = 0
    comments: int = 0
    certificates: int = 0
    current_round: AwardRound | None = None  # lần thứ 6, when created now
    comment_period: CommentPeriod | None = None
    final_round: AwardRound | None = None  # lần thứ 5, when created now
    recognised: list[str] = field(default_factory=list)


def load_demo_artisans() -> ArtisanDemoReport:
    """Artisan titles: lần thứ 5 recognised with certificates, lần thứ 6 in progress (see above)."""
    from kcvote.artisans.settings import seed_rules

    seed_rules()  # the rules in force (also loaded by `kcvote seed`): quorum and checklists need them
    report = ArtisanDemoReport()
    admin = account_services.get_user_by_email("admin@demo.kcvote.vn")
    organizer = account_services.get_user_by_email("organizer@demo.kcvote.vn")
    province = db.session.scalar(select(Province).where(Province.name == "Thái Nguyên"))
    other = db.session.scalar(select(Province).where(Province.name == "Bắc Ninh"))
    if admin is None or organizer is None or province is None or other is None:
        raise RuntimeError("Load reference data (kcvote seed) and demo users first.")
    users = _demo_artisan_accounts(report)
    names = [DEMO_AWARD_ROUND_NAME.format(number=n) for n in (5, 6)]
    existing = set(db.session.scalars(select(AwardRound.name).where(AwardRound.name.in_(names))))
    if names[0] not in existing:
        _demo_award_round_5(report, admin=admin, organizer=organizer, province=province, users=users)
    if names[1] not in existing:
        _demo_award_round_6(report, admin=admin, organizer=organizer, province=province, other=other, users=users)
    return report


def _demo_artisan_accounts(report: ArtisanDemoReport) -> dict[str, User]:
    """The council members and the artisans who file their own dossiers, by e-mail (created if missing)."""
    people = [*DEMO_PROVINCIAL_COUNCIL, *DEMO_MINISTRY_COUNCIL, *DEMO_STATE_COUNCIL]
    wanted = [(p.email, p.name, Role.COUNCIL_MEMBER, p.job_title) for p in people]
    wanted += [(email, name, Role.FACILITY, "") for email, name in DEMO_ARTISAN_ACCOUNTS.items()]
    users: dict[str, User] = {}
    password_hash: str | None = None
    for email, name, role, job_title in wanted:
        user = account_services.get_user_by_email(email)
        if user is None:
            password_hash = password_hash or generate_password_hash(DEMO_PASSWORD)
            user = account_services.create_user(
                email=email, name=name, password=DEMO_PASSWORD, role=role, password_hash=password_hash
            )
            user.job_title = job_title or None
            report.accounts += 1
        users[email] = user
    facility = account_services.get_user_by_email("facility@demo.kcvote.vn")
    if facility is None:
        raise RuntimeError("Load the demo users first (load_demo_users).")
    users[facility.email] = facility
    return users


def _nominee_fields(dossier: DemoDossier) -> dict[str, object]:
    prior = dossier.prior_title
    return {
        "name": dossier.name,
        "birth_date": dossier.birth_date,
        "gender": dossier.gender,
        "id_number": dossier.id_number,
        "address": dossier.address,
        "craft": dossier.craft,
        "workplace": dossier.workplace,
        "current_title": Title.NNUT if prior else None,
        "current_title_decision": prior[0] if prior else "",
        "current_title_date": prior[1] if prior else None,
    }


def _file_dossier(
    dossier: DemoDossier, *, award_round: AwardRound, province: Province, filer: User, seed: int, draft: bool = False
) -> Nomination:
    """Start the dossier, fill it in and attach its evidence as the filer would on the dossier pages."""
    from kcvote.artisans import services as artisan_services
    from kcvote.core.images import demo_photo

    nomination = artisan_services.start_nomination(
        actor=filer, award_round=award_round, province=province, title=dossier.title, fields=_nominee_fields(dossier)
    )
    artisan_services.save_dossier(
        actor=filer,
        nomination=nomination,
        title=dossier.title,
        nominee_fields={},
        declaration={
            "people_taught": dossier.people_taught,
            "teaching_description": dossier.teaching_description,
            "special_craft": False,
            "commendations": dossier.commendations,
            "discipline_record": "",
        },
    )
    for from_year, to_year, place, description in dossier.periods:
        artisan_services.add_period(
            actor=filer,
            nomination=nomination,
            from_year=from_year,
            to_year=to_year,
            place=place,
            description=description,
        )
    for index, demo_work in enumerate(dossier.works):
        work = artisan_services.add_work(
            actor=filer,
            nomination=nomination,
            name=demo_work.name,
            description=demo_work.description,
            made_on=demo_work.made_on,
        )
        photo = demo_photo(demo_work.name, seed=seed + index, view=index, size=(800, 600))
        artisan_services.add_evidence(
            actor=filer, nomination=nomination, data=photo, purpose=f"work:{work.id}", label=demo_work.name
        )
        if demo_work.prize is not None:
            prize = artisan_services.add_prize(
                actor=filer,
                nomination=nomination,
                contest=demo_work.prize.contest,
                level=demo_work.prize.level,
                rank=demo_work.prize.rank,
                year=demo_work.prize.year,
                work_id=work.id,
                sent_by_state=demo_work.prize.sent_by_state,
            )
            if not draft:
                artisan_services.add_evidence(
                    actor=filer,
                    nomination=nomination,
                    data=_demo_pdf(f"Giay chung nhan giai thuong nam {prize.year} - ban sao"),
                    purpose=f"prize:{prize.id}",
                    label=f"Bản sao giấy chứng nhận giải thưởng năm {prize.year}",
                )
    if dossier.teaching_evidence:
        artisan_services.add_evidence(
            actor=filer,
            nomination=nomination,
            data=_demo_pdf("Danh sach nguoi duoc truyen nghe - co xac nhan cua UBND xa"),
            purpose="teaching",
            label="Danh sách người được truyền nghề có xác nhận của UBND xã",
        )
    if dossier.prior_title is not None:
        artisan_services.add_evidence(
            actor=filer,
            nomination=nomination,
            data=_demo_pdf(f"Quyet dinh phong tang Nghe nhan uu tu so {dossier.prior_title[0]}".replace("Đ", "D")),
            purpose="title",
            label=f"Quyết định phong tặng Nghệ nhân ưu tú số {dossier.prior_title[0]}",
        )
    if nomination.on_behalf:
        artisan_services.add_evidence(
            actor=filer,
            nomination=nomination,
            data=_demo_pdf("Giay uy quyen lap ho so de nghi xet tang danh hieu"),
            purpose="authorisation",
            label="Giấy ủy quyền của nghệ nhân cho Sở Công Thương lập hồ sơ",
        )
    if not draft:
        artisan_services.submit_nomination(actor=filer, nomination=nomination, declaration_accepted=True)
    return nomination


def _at(day: date, hour: int) -> datetime:
    """``hour`` o'clock in Vietnam on ``day``, as the naive UTC the columns store."""
    return datetime(day.year, day.month, day.day, hour) - timedelta(hours=7)


def _backdate_filing(
    nomination: Nomination, *, filed_on: date, decided_on: date | None = None, asked_on: date | None = None
) -> None:
    """Move the filing (and the Sở's answer: accepted on ``decided_on``, or completion asked on
    ``asked_on``) back to when the story has them; the deadlines follow from the rule in force."""
    from kcvote.artisans import settings as artisan_settings

    rule = artisan_settings.council_rule(filed_on)
    answer_days, completion_days = (rule.answer_days, rule.completion_days) if rule else (10, 15)
    nomination.filed_on = filed_on
    nomination.submitted_at = _at(filed_on, 9)
    nomination.answer_due = add_days(filed_on, answer_days)
    if decided_on is not None:
        nomination.decided_at = _at(decided_on, 15)
    if asked_on is not None:
        nomination.completion_due = add_days(asked_on, completion_days)


def _demo_council(
    *,
    actor: User,
    award_round: AwardRound,
    level: CouncilLevel,
    name: str,
    decision_number: str,
    people: list[DemoCouncilPerson],
    province: Province | None = None,
) -> Council:
    from kcvote.artisans import councils

    council = councils.create_council(
        actor=actor,
        award_round=award_round,
        level=level,
        name=name,
        province=province,
        decision_number=decision_number,
    )
    for position, person in enumerate(people, start=1):
        councils.add_member(
            actor=actor,
            council=council,
            email=person.email,
            role=person.role,
            job_title=person.job_title,
            position=position,
        )
    return council


def _secretary(council: Council) -> User:
    return next(m.user for m in council.members if m.role == MemberRole.SECRETARY)


def _demo_ballot(
    council: Council,
    *,
    held_on: date,
    place: str,
    nominations: list[Nomination],
    absent: tuple[str, ...] = (),
    against: dict[int, tuple[str, ...]] | None = None,
    paper: tuple[str, ...] = (),
    not_yet: tuple[str, ...] = (),
    close: bool = True,
) -> Ballot:
    """A meeting run by the council's secretary: attendance (everyone but ``absent``), a secret ballot on
    ``nominations``, each present member voting yes except those ``against`` a nomination; ``paper``
    members vote on paper (the secretary enters it), ``not_yet`` have not voted; then the count."""
    from kcvote.artisans import councils

    secretary = _secretary(council)
    meeting = councils.create_meeting(
        actor=secretary,
        council=council,
        held_on=held_on,
        place=place,
        notes="Xét hồ sơ đề nghị xét tặng danh hiệu Nghệ nhân nhân dân, Nghệ nhân ưu tú.",
    )
    present = [m for m in council.members if m.user.email not in absent]
    councils.record_attendance(actor=secretary, meeting=meeting, present_ids=[m.id for m in present])
    ballot = councils.open_ballot(actor=secretary, meeting=meeting, nominations=nominations)
    against = against or {}
    for member in present:
        email = member.user.email
        if email in not_yet:
            continue
        choices = {n.id: Choice.NO if email in against.get(n.id, ()) else Choice.YES for n in nominations}
        if email in paper:
            councils.enter_paper_ballot(actor=secretary, ballot=ballot, member=member, choices=choices)
        else:
            councils.cast_vote(actor=member.user, ballot=ballot, choices=choices)
    if close:
        councils.close_ballot(actor=secretary, ballot=ballot)
    return ballot


def _demo_award_round_5(
    report: ArtisanDemoReport, *, admin: User, organizer: User, province: Province, users: dict[str, User]
) -> None:
    """Lần thứ 5 (2024–2025), from filing to certificates."""
    from kcvote.artisans import outcome
    from kcvote.artisans import services as artisan_services
    from kcvote.certificates import artisan as artisan_certificates

    today = today_vn()
    award_round = artisan_services.create_award_round(
        actor=admin,
        fields={
            "name": DEMO_AWARD_ROUND_NAME.format(number=5),
            "number": 5,
            "start_year": 2024,
            "end_year": 2025,
            "plan_decision_number": "1839/QĐ-BCT",
            "plan_decision_date": date(2024, 7, 10),
        },
    )
    # The services file dossiers only while the province's window is open, so it opens today and is
    # then set to its real dates (as the Sở would correct it).
    artisan_services.save_window(
        actor=admin, award_round=award_round, province=province, opens_on=today, closes_on=today
    )
    filed = []
    for index, dossier in enumerate(DEMO_DOSSIERS_5):
        filer = users[dossier.account] if dossier.account else organizer
        nomination = _file_dossier(dossier, award_round=award_round, province=province, filer=filer, seed=500 + index)
        artisan_services.accept_nomination(actor=organizer, nomination=nomination)
        _backdate_filing(nomination, filed_on=add_days(date(2024, 8, 20), 7 * index), decided_on=date(2024, 9, 25))
        filed.append(nomination)
    artisan_services.save_window(
        actor=admin, award_round=award_round, province=province, opens_on=date(2024, 8, 1), closes_on=date(2024, 9, 30)
    )
    provincial = _demo_council(
        actor=organizer,
        award_round=award_round,
        level=CouncilLevel.PROVINCIAL,
        name="Hội đồng xét tặng danh hiệu Nghệ nhân nhân dân, Nghệ nhân ưu tú tỉnh Thái Nguyên",
        decision_number="2105/QĐ-UBND",
        people=DEMO_PROVINCIAL_COUNCIL,
        province=province,
    )
    _demo_ballot(
        provincial,
        held_on=date(2024, 10, 22),
        place="Hội trường Sở Công Thương Thái Nguyên",
        nominations=filed,
        against={filed[2].id: ("council8@demo.kcvote.vn",)},
    )
    ministry = _demo_council(
        actor=admin,
        award_round=award_round,
        level=CouncilLevel.MINISTRY,
        name="Hội đồng chuyên ngành cấp Bộ Công Thương",
        decision_number="3120/QĐ-BCT",
        people=DEMO_MINISTRY_COUNCIL,
    )
    _demo_ballot(
        ministry, held_on=date(2025, 1, 14), place="Bộ Công Thương, 54 Hai Bà Trưng, Hà Nội", nominations=filed
    )
    outcome.publish_comment_period(
        actor=admin, award_round=award_round, level=CouncilLevel.MINISTRY, today=date(2025, 2, 10)
    )
    state = _demo_council(
        actor=admin,
        award_round=award_round,
        level=CouncilLevel.STATE,
        name="Hội đồng cấp Nhà nước xét tặng danh hiệu Nghệ nhân nhân dân, Nghệ nhân ưu tú lần thứ 5",
        decision_number="812/QĐ-TTg",
        people=DEMO_STATE_COUNCIL,
    )
    _demo_ballot(state, held_on=date(2025, 5, 20), place="Bộ Công Thương, 54 Hai Bà Trưng, Hà Nội", nominations=filed)
    period = outcome.publish_comment_period(
        actor=admin, award_round=award_round, level=CouncilLevel.STATE, today=date(2025, 6, 2)
    )
    comment = outcome.submit_comment(
        period=period,
        name="Nông Văn Tùng",
        contact="0912 345 678",
        text="Đề nghị ghi rõ nghề của ông Triệu Văn Hồng là chạm bạc của người Dao đỏ xã Ba Bể.",
        nomination_id=filed[1].id,
        today=date(2025, 6, 9),
    )
    assert comment is not None
    outcome.handle_comment(
        actor=_secretary(state),
        comment=comment,
        handling="Đã đối chiếu hồ sơ: tên nghề ghi đúng theo bản khai; trả lời người góp ý qua điện thoại.",
    )
    recognised = outcome.record_final_list(
        actor=admin,
        award_round=award_round,
        decision_number=DEMO_FINAL_DECISION,
        decision_date=date(2025, 8, 28),
        today=date(2025, 9, 1),
    )
    artisan_certificates.save_artisan_design(
        actor=admin, award_round_id=award_round.id, fields={"signer_name": "Ngô Quang Huy"}
    )
    certificates = outcome.issue_certificates(actor=admin, award_round=award_round, issued_on=date(2025, 9, 15))
    report.award_rounds += 1
    report.dossiers += len(filed)
    report.councils += 3
    report.ballots += 3
    report.comments += 1
    report.certificates += len(certificates)
    report.final_round = award_round
    report.recognised = [n.nominee.name for n in recognised]


def _demo_award_round_6(
    report: ArtisanDemoReport,
    *,
    admin: User,
    organizer: User,
    province: Province,
    other: Province,
    users: dict[str, User],
) -> None:
    """Lần thứ 6 (2025–2026), under way (see the comment at the top of this section)."""
    from kcvote.artisans import outcome
    from kcvote.artisans import services as artisan_services

    today = today_vn()
    award_round = artisan_services.create_award_round(
        actor=admin,
        fields={
            "name": DEMO_AWARD_ROUND_NAME.format(number=6),
            "number": 6,
            "start_year": 2025,
            "end_year": 2026,
            "plan_decision_number": "2431/QĐ-BCT",
            "plan_decision_date": date(2025, 9, 2),
        },
    )
    artisan_services.save_window(
        actor=admin,
        award_round=award_round,
        province=province,
        opens_on=add_days(today, -45),
        closes_on=add_days(today, 15),
    )
    artisan_services.save_window(
        actor=admin,
        award_round=award_round,
        province=other,
        opens_on=add_days(today, -10),
        closes_on=add_days(today, 35),
    )
    by_story: dict[str, list[Nomination]] = {}
    for index, (story, days_ago, dossier) in enumerate(DEMO_DOSSIERS_6):
        filer = users[dossier.account] if dossier.account else organizer
        nomination = _file_dossier(
            dossier,
            award_round=award_round,
            province=province,
            filer=filer,
            seed=600 + 10 * index,
            draft=story == "draft",
        )
        filed_on = add_days(today, -days_ago)
        if story == "completion":
            asked_on = add_days(filed_on, 8)
            artisan_services.request_completion(
                actor=organizer,
                nomination=nomination,
                message=(
                    "Đề nghị bổ sung danh sách người đã được truyền nghề có xác nhận của UBND xã Na Rì (bản khai "
                    "42 người, chưa đủ 50 người) và bản sao giấy chứng nhận giải Ba năm 2020."
                ),
            )
            _backdate_filing(nomination, filed_on=filed_on, asked_on=asked_on)
        elif story in ("passed", "failed", "open_ballot"):
            artisan_services.accept_nomination(actor=organizer, nomination=nomination)
            _backdate_filing(nomination, filed_on=filed_on, decided_on=add_days(filed_on, 7))
        elif story == "submitted":
            _backdate_filing(nomination, filed_on=filed_on)
        by_story.setdefault(story, []).append(nomination)
    provincial = _demo_council(
        actor=organizer,
        award_round=award_round,
        level=CouncilLevel.PROVINCIAL,
        name="Hội đồng xét tặng danh hiệu Nghệ nhân nhân dân, Nghệ nhân ưu tú tỉnh Thái Nguyên",
        decision_number="1876/QĐ-UBND",
        people=DEMO_PROVINCIAL_COUNCIL,
        province=province,
    )
    failing = by_story["failed"][0]
    # 9 of the 10 listed members present: a nomination needs 9 yes votes (90 % of all 10 listed).
    _demo_ballot(
        provincial,
        held_on=add_days(today, -21),
        place="Hội trường Sở Công Thương Thái Nguyên",
        nominations=[*by_story["passed"], failing],
        absent=("council7@demo.kcvote.vn",),
        against={
            failing.id: (
                "council4@demo.kcvote.vn",
                "council5@demo.kcvote.vn",
                "council8@demo.kcvote.vn",
                "council9@demo.kcvote.vn",
                "council10@demo.kcvote.vn",
            )
        },
        paper=("council6@demo.kcvote.vn",),
    )
    ministry = _demo_council(
        actor=admin,
        award_round=award_round,
        level=CouncilLevel.MINISTRY,
        name="Hội đồng chuyên ngành cấp Bộ Công Thương",
        decision_number="2987/QĐ-BCT",
        people=DEMO_MINISTRY_COUNCIL,
    )
    _demo_ballot(
        ministry,
        held_on=add_days(today, -10),
        place="Bộ Công Thương, 54 Hai Bà Trưng, Hà Nội",
        nominations=by_story["passed"],
    )
    period = outcome.publish_comment_period(
        actor=admin, award_round=award_round, level=CouncilLevel.MINISTRY, today=add_days(today, -4)
    )
    potter = by_story["passed"][1]
    first = outcome.submit_comment(
        period=period,
        name="Trần Văn Bình",
        contact="binh.tran@example.vn",
        text=(
            "Tôi là người học nghề gốm của ông Lê Đình Lộc từ năm 2010. Ông dạy nghề tận tình, không lấy học phí; "
            "đề nghị Hội đồng xem xét."
        ),
        nomination_id=potter.id,
    )
    outcome.submit_comment(
        period=period,
        name="Nguyễn Thị Mai",
        contact="0208 3856 123",
        text="Đề nghị công bố thêm ảnh tác phẩm của các nghệ nhân trong danh sách để người dân tiện theo dõi.",
    )
    assert first is not None
    outcome.handle_comment(
        actor=_secretary(ministry),
        comment=first,
        handling="Ghi nhận ý kiến ủng hộ; đã chuyển Hội đồng cấp Nhà nước cùng hồ sơ.",
    )
    # Today's meeting: a ballot still open; the secretary (council@demo.kcvote.vn), the chair and the
    # vice-chair have not voted yet, so whoever tries the demo can.
    _demo_ballot(
        provincial,
        held_on=today,
        place="Phòng họp số 2, Sở Công Thương Thái Nguyên",
        nominations=by_story["open_ballot"],
        absent=("council5@demo.kcvote.vn",),
        paper=("council4@demo.kcvote.vn",),
        not_yet=("council@demo.kcvote.vn", "council2@demo.kcvote.vn", "council3@demo.kcvote.vn"),
        close=False,
    )
    report.award_rounds += 1
    report.dossiers += len(DEMO_DOSSIERS_6)
    report.councils += 2
    report.ballots += 3
    report.comments += 2
    report.current_round = award_round
    report.comment_period = period
