"""Reference-data use cases: idempotent seeding and admin edits (audited)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kcvote.accounts.models import User
from kcvote.accounts.rules import can_edit_reference_data
from kcvote.core import audit
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.core.text import fold
from kcvote.extensions import db
from kcvote.reference.enums import ScopeKind
from kcvote.reference.models import Level, ProductGroup, Province, Region

DATA_DIR = Path(__file__).parent / "data"
PROVINCES_CSV = DATA_DIR / "provinces-2025.csv"

REGIONS = [
    ("bac", "phía Bắc"),
    ("trung-tay-nguyen", "miền Trung – Tây Nguyên"),
    ("nam", "phía Nam"),
]
LEVELS = [
    ("xa", "Cấp xã", 1, ScopeKind.COMMUNE),
    ("tinh", "Cấp tỉnh", 2, ScopeKind.PROVINCE),
    ("khu-vuc", "Cấp khu vực", 3, ScopeKind.REGION),
    ("quoc-gia", "Cấp quốc gia", 4, ScopeKind.NATION),
]
PRODUCT_GROUPS = [
    (1, "TCMN", "Thủ công mỹ nghệ"),
    (2, "CBNLTS", "Chế biến nông, lâm, thủy sản và thực phẩm"),
    (3, "CK", "Thiết bị, máy móc, dụng cụ và phụ tùng cơ khí"),
    (4, "KHAC", "Sản phẩm khác"),
]


def province_code(name: str) -> str:
    """A readable default code from the name ("Thành phố Hồ Chí Minh" -> "HO-CHI-MINH")."""
    folded = fold(name)
    if folded.startswith("thanh pho "):
        folded = folded[len("thanh pho ") :]
    return folded.upper().replace(" ", "-")


@dataclass
class SeedReport:
    """How many rows of each kind a seed run added."""

    regions: int = 0
    provinces: int = 0
    levels: int = 0
    product_groups: int = 0

    @property
    def total(self) -> int:
        return self.regions + self.provinces + self.levels + self.product_groups


def seed_reference_data(csv_path: Path = PROVINCES_CSV) -> SeedReport:
    """Insert whatever reference rows are missing; never overwrites an admin's edits."""
    report = SeedReport()
    regions_by_name: dict[str, Region] = {r.name: r for r in db.session.scalars(select(Region))}
    existing_codes = {r.code for r in regions_by_name.values()}
    for order, (code, name) in enumerate(REGIONS, start=1):
        if name not in regions_by_name and code not in existing_codes:
            region = Region(code=code, name=name, sort_order=order)
            db.session.add(region)
            regions_by_name[name] = region
            report.regions += 1
    db.session.flush()

    known = {p.name for p in db.session.scalars(select(Province))}
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for order, row in enumerate(csv.DictReader(handle), start=1):
            name = row["name"].strip()
            if name in known:
                continue
            province_region = regions_by_name.get(row["region"].strip())
            if province_region is None:
                raise DomainError(_l("Vùng không xác định: %(region)s", region=row["region"]))
            db.session.add(
                Province(
                    code=province_code(name),
                    name=name,
                    kind=row["kind"].strip(),
                    region=province_region,
                    merged_from=(row.get("merged_from") or "").strip(),
                    sort_order=order,
                )
            )
            report.provinces += 1

    level_codes = set(db.session.scalars(select(Level.code)))
    level_ranks = set(db.session.scalars(select(Level.rank)))
    for code, name, rank, scope in LEVELS:
        if code not in level_codes and rank not in level_ranks:
            db.session.add(Level(code=code, name=name, rank=rank, scope=scope))
            report.levels += 1

    group_numbers = set(db.session.scalars(select(ProductGroup.number)))
    group_codes = set(db.session.scalars(select(ProductGroup.code)))
    for number, code, name in PRODUCT_GROUPS:
        if number not in group_numbers and code not in group_codes:
            db.session.add(ProductGroup(number=number, code=code, name=name))
            report.product_groups += 1
    db.session.flush()
    return report


def _check(actor: User) -> None:
    if not can_edit_reference_data(actor):
        raise NotAllowed(_l("Chỉ quản trị viên được sửa dữ liệu danh mục."))


def _unique(model: type[Any], column: str, value: object, current_id: int | None, message: object) -> None:
    stmt = select(model.id).where(getattr(model, column) == value)
    if current_id is not None:
        stmt = stmt.where(model.id != current_id)
    if db.session.scalar(stmt) is not None:
        raise DomainError(message)


def save_region(*, actor: User, region: Region | None, code: str, name: str) -> Region:
    """Create or edit a region."""
    _check(actor)
    code, name = code.strip(), name.strip()
    rid = region.id if region else None
    _unique(Region, "code", code, rid, _l("Mã vùng %(code)s đã tồn tại.", code=code))
    _unique(Region, "name", name, rid, _l("Tên vùng %(name)s đã tồn tại.", name=name))
    created = region is None
    if region is None:
        region = Region(sort_order=len(db.session.scalars(select(Region.id)).all()) + 1)
        db.session.add(region)
    region.code, region.name = code, name
    db.session.flush()
    audit.record("reference.region_saved", actor_id=actor.id, obj=region, code=code, name=name, created=created)
    return region


def save_province(*, actor: User, province: Province, code: str, name: str, region: Region, kind: str) -> Province:
    """Edit a province's code, name, kind and region."""
    _check(actor)
    code, name = code.strip().upper(), name.strip()
    _unique(Province, "code", code, province.id, _l("Mã tỉnh %(code)s đã tồn tại.", code=code))
    _unique(Province, "name", name, province.id, _l("Tên tỉnh %(name)s đã tồn tại.", name=name))
    province.code, province.name, province.region, province.kind = code, name, region, kind.strip()
    db.session.flush()
    audit.record("reference.province_saved", actor_id=actor.id, obj=province, code=code, name=name, region=region.code)
    return province


def save_level(
    *, actor: User, level: Level | None, code: str, name: str, rank: int, scope: ScopeKind = ScopeKind.PROVINCE
) -> Level:
    """Create or edit a contest level."""
    _check(actor)
    code, name = code.strip(), name.strip()
    lid = level.id if level else None
    _unique(Level, "code", code, lid, _l("Mã cấp %(code)s đã tồn tại.", code=code))
    _unique(Level, "rank", rank, lid, _l("Thứ bậc %(rank)s đã được dùng cho cấp khác.", rank=rank))
    created = level is None
    if level is None:
        level = Level()
        db.session.add(level)
    level.code, level.name, level.rank, level.scope = code, name, rank, scope
    db.session.flush()
    audit.record(
        "reference.level_saved",
        actor_id=actor.id,
        obj=level,
        code=code,
        name=name,
        rank=rank,
        scope=scope.value,
        created=created,
    )
    return level


def save_product_group(
    *, actor: User, group: ProductGroup | None, number: int, code: str, name: str, active: bool
) -> ProductGroup:
    """Create or edit a product group."""
    _check(actor)
    code, name = code.strip().upper(), name.strip()
    gid = group.id if group else None
    _unique(ProductGroup, "number", number, gid, _l("Số thứ tự nhóm %(n)s đã được dùng.", n=number))
    _unique(ProductGroup, "code", code, gid, _l("Mã nhóm %(code)s đã tồn tại.", code=code))
    created = group is None
    if group is None:
        group = ProductGroup()
        db.session.add(group)
    group.number, group.code, group.name, group.active = number, code, name, active
    db.session.flush()
    audit.record(
        "reference.product_group_saved",
        actor_id=actor.id,
        obj=group,
        code=code,
        name=name,
        active=active,
        created=created,
    )
    return group
