"""Demo data for `make run`: one user per role (later issues add rounds and entries)."""

from __future__ import annotations

from dataclasses import dataclass

from kcvote.accounts import services as account_services
from kcvote.accounts.enums import Role

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
