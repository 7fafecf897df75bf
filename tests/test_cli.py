"""Operator commands."""

from __future__ import annotations

from sqlalchemy import func, select

from kcvote.accounts.models import User
from kcvote.reference.models import Province


def test_seed_is_idempotent(app, db) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["kcvote", "seed"])
    second = runner.invoke(args=["kcvote", "seed"])
    assert first.exit_code == 0
    assert "+34 provinces" in first.output
    assert "+0 regions, +0 provinces, +0 levels, +0 product groups" in second.output
    assert db.session.scalar(select(func.count(Province.id))) == 34


def test_demo_creates_one_user_per_role_once(app, db) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["kcvote", "demo"])
    second = runner.invoke(args=["kcvote", "demo"])
    assert first.exit_code == 0
    assert "+5 users" in first.output
    assert "+0 users" in second.output
    for email in (
        "admin@kcvote.local",
        "organizer@kcvote.local",
        "juror@kcvote.local",
        "council@kcvote.local",
        "facility@kcvote.local",
    ):
        assert email in second.output
    roles = sorted(r for u in db.session.scalars(select(User)) for r in u.role_names)
    assert roles == ["admin", "council_member", "facility", "juror", "organizer"]


def test_create_user_with_role(app, db) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["kcvote", "create-user", "so.ct@example.vn", "--role", "organizer", "--name", "Sở Công Thương"],
        env={"KCVOTE_NEW_PASSWORD": "mat-khau-van-hanh"},
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "so.ct@example.vn"))
    assert (user.name, user.role_names, user.is_confirmed) == ("Sở Công Thương", ["organizer"], True)


def test_create_user_refuses_weak_password_and_duplicates(app, db) -> None:
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["kcvote", "create-user", "a@example.vn", "--role", "juror", "--password", "123"])
    assert weak.exit_code != 0
    assert "ít nhất 10 ký tự" in weak.output
    ok = runner.invoke(
        args=["kcvote", "create-user", "a@example.vn", "--role", "juror", "--password", "mot-hai-ba-bon"]
    )
    assert ok.exit_code == 0
    again = runner.invoke(
        args=["kcvote", "create-user", "a@example.vn", "--role", "juror", "--password", "mot-hai-ba-bon"]
    )
    assert again.exit_code != 0
    assert "đã được đăng ký" in again.output
    assert db.session.scalar(select(func.count(User.id))) == 1
