"""factory_boy factories on the real database session."""

from __future__ import annotations

from typing import Any

import factory
from werkzeug.security import generate_password_hash

from kcvote.accounts.enums import Role
from kcvote.accounts.models import RoleAssignment, User
from kcvote.core.db import utcnow
from kcvote.core.text import fold
from kcvote.extensions import db

# One hash computed once: scrypt is deliberately slow and tests create many users.
PASSWORD = "correct-horse-42"
_PASSWORD_HASH = generate_password_hash(PASSWORD)


class UserFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        model = User
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"

    name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    email = factory.Sequence(lambda n: f"user{n}@example.vn")
    search_text = factory.LazyAttribute(lambda o: fold(f"{o.name} {o.email}"))
    password_hash = _PASSWORD_HASH
    locale = "vi"
    active = True
    email_confirmed_at = factory.LazyFunction(utcnow)

    @factory.post_generation
    def roles(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        for role in extracted or []:
            obj.roles.append(RoleAssignment(role=Role(role)))
        if create:
            db.session.flush()


def make_user(*roles: Role | str, **kwargs: Any) -> User:
    """A confirmed, active user with the given global roles, committed."""
    user = UserFactory(roles=list(roles), **kwargs)
    db.session.commit()
    return user


# --- rounds, facilities, entries ------------------------------------------------------------


def jpeg_bytes(width: int = 640, height: int = 480, color: tuple[int, int, int] = (180, 60, 40)) -> bytes:
    """A real JPEG photo for upload tests."""
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def make_round(
    organizer: User | None = None,
    *,
    level_code: str = "tinh",
    province_name: str = "Thái Nguyên",
    opens_in: int = -5,
    deadline_in: int = 20,
    open_it: bool = True,
    name: str = "Bình chọn sản phẩm CNNT tiêu biểu tỉnh Thái Nguyên 2025",
    year: int = 2025,
) -> Any:
    """A provincial round with all four groups, opened unless ``open_it`` is False (needs seeded data)."""
    from sqlalchemy import select

    from kcvote.contests import services
    from kcvote.core.clock import add_days, today_vn
    from kcvote.reference.models import Level, ProductGroup, Province, Region

    organizer = organizer or make_user(Role.ORGANIZER)
    level = db.session.scalar(select(Level).where(Level.code == level_code))
    today = today_vn()
    settings = services.RoundSettings(
        name=name,
        level=level,
        year=year,
        groups=db.session.scalars(select(ProductGroup).order_by(ProductGroup.number)).all(),
        scope_province=db.session.scalar(select(Province).where(Province.name == province_name)),
        scope_region=db.session.scalar(select(Region).where(Region.code == "bac")),
        scope_commune="xã La Bằng" if level_code == "xa" else "",
        code_prefix="TN",
        registration_opens_on=add_days(today, opens_in),
        registration_deadline=add_days(today, deadline_in),
    )
    round_ = services.create_round(actor=organizer, settings=settings)
    if open_it:
        services.open_round(actor=organizer, round_=round_)
    db.session.commit()
    return round_


def make_facility(user: User | None = None, *, name: str = "Hợp tác xã Chè La Bằng", number: str | None = None) -> Any:
    """A facility with ``user`` (a new facility user by default) as its member."""
    from sqlalchemy import select

    from kcvote.facilities import services
    from kcvote.facilities.enums import LegalForm
    from kcvote.reference.models import Province

    user = user or make_user(Role.FACILITY)
    facility = services.save_facility(
        actor=user,
        facility=None,
        name=name,
        legal_form=LegalForm.COOPERATIVE,
        registration_no=number or f"46{user.id:08d}",
        province=db.session.scalar(select(Province).where(Province.name == "Thái Nguyên")),
        address="xã La Bằng, tỉnh Thái Nguyên",
        phone="0208 3123 456",
        email="",
        representative=user.name,
    )
    db.session.commit()
    return facility


DOSSIER = {
    "contact_name": "Hoàng Thị Lan",
    "contact_phone": "0912 345 678",
    "materials": "Búp chè tươi trồng tại xã La Bằng",
    "production_process": "Hái – héo – vò – sao – đóng gói",
    "capacity": "5 tấn/năm",
    "markets": "Hà Nội, Thái Nguyên",
    "price": "400.000 đồng/kg",
    "distinctive": "Chè trồng dưới chân núi Tam Đảo",
    "declaration_accepted": True,
}


def make_entry(
    round_: Any, user: User, *, product_name: str = "Chè xanh La Bằng", group_number: int = 2, complete: bool = False
) -> Any:
    """A draft entry of ``user``'s facility; with ``complete`` its dossier has everything to submit."""
    from sqlalchemy import select

    from kcvote.entries import services
    from kcvote.entries.enums import DocumentKind, PhotoKind
    from kcvote.reference.models import ProductGroup

    group = db.session.scalar(select(ProductGroup).where(ProductGroup.number == group_number))
    entry = services.register_entry(actor=user, round_=round_, group=group, product_name=product_name)
    if complete:
        services.save_dossier(actor=user, entry=entry, fields=DOSSIER)
        for kind in (PhotoKind.FRONT, PhotoKind.SIDE, PhotoKind.TOP):
            services.add_photo(actor=user, entry=entry, data=jpeg_bytes(), kind=kind)
        services.add_document(actor=user, entry=entry, data=MINIMAL_PDF, kind=DocumentKind.BUSINESS_REGISTRATION)
    db.session.commit()
    return entry


def make_judging_round(
    n_entries: int = 2, n_jurors: int = 2, **round_kwargs: Any
) -> tuple[Any, Any, list[Any], list[User]]:
    """A round in judging with ``n_entries`` accepted entries and ``n_jurors`` jurors, each juror
    assigned to every entry. Returns (organizer, round, entries, jurors)."""
    from kcvote.contests import services as contest_services
    from kcvote.core.clock import add_days
    from kcvote.entries import services as entry_services
    from kcvote.judging import services as judging_services

    organizer = make_user(Role.ORGANIZER)
    round_ = make_round(organizer, **round_kwargs)
    entries = []
    for i in range(n_entries):
        owner = make_user(Role.FACILITY)
        make_facility(owner, name=f"Cơ sở {i + 1}")
        entry = make_entry(round_, owner, product_name=f"Sản phẩm {i + 1}", complete=True)
        entry_services.submit_entry(actor=owner, entry=entry)
        entry_services.accept_entry(actor=organizer, entry=entry)
        entries.append(entry)
    jurors = []
    for j in range(n_jurors):
        appointment, _ = judging_services.appoint_juror(
            actor=organizer, round_=round_, email=f"giamkhao{j + 1}@example.vn", name=f"Giám khảo {j + 1}"
        )
        jurors.append(appointment.user)
    contest_services.start_screening(actor=organizer, round_=round_, today=add_days(round_.registration_deadline, 1))
    contest_services.start_judging(actor=organizer, round_=round_)
    for entry in entries:
        for juror in jurors:
            judging_services.add_assignment(actor=organizer, entry=entry, juror=juror)
    db.session.commit()
    return organizer, round_, entries, jurors


def score_entry(entry: Any, juror: User, share: str) -> None:
    """``juror`` gives every criterion ``share`` of its maximum (rounded to half points) and submits."""
    from decimal import Decimal

    from kcvote.judging import services as judging_services

    points = {
        c.id: str((Decimal(share) * c.max_points * 2).quantize(Decimal(1)) / 2) for c in entry.round.rubric.criteria
    }
    judging_services.save_sheet(actor=juror, entry=entry, points=points)
    judging_services.submit_sheet(actor=juror, entry=entry)


def make_finalized_round(
    n_entries: int = 3, n_recognised: int = 2, prizes: dict[int, str] | None = None, **round_kwargs: Any
) -> tuple[Any, Any, list[Any]]:
    """A finalized round: ``n_entries`` accepted entries scored by two jurors (all pass), the first
    ``n_recognised`` recognised by the council (``prizes`` maps an index to a prize). Returns
    (organizer, round, entries)."""
    from kcvote.contests import services as contest_services
    from kcvote.judging import results

    organizer, round_, entries, jurors = make_judging_round(n_entries=n_entries, n_jurors=2, **round_kwargs)
    round_.prize_tiers = [["Giải nhất", 1], ["Giải nhì", 2]]
    for i, entry in enumerate(entries):
        share = str(0.95 - i * 0.05)
        for juror in jurors:
            score_entry(entry, juror, share)
    contest_services.close_judging(actor=organizer, round_=round_)
    prizes = prizes or {}
    choices = {entry.id: prizes.get(i, "") for i, entry in enumerate(entries[:n_recognised])}
    results.select_entries(actor=organizer, round_=round_, choices=choices)
    contest_services.finalize_round(actor=organizer, round_=round_)
    db.session.commit()
    return organizer, round_, entries
