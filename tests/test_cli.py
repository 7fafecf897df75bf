"""Operator commands."""

from __future__ import annotations

from sqlalchemy import func, select

from kcvote.accounts.models import User
from kcvote.demo import DEMO_CERTIFIED_NAME, DEMO_PASSWORD, DEMO_USERS
from kcvote.reference.models import Province
from tests.conftest import post_form


def test_seed_is_idempotent(app, db) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["kcvote", "seed"])
    second = runner.invoke(args=["kcvote", "seed"])
    assert first.exit_code == 0
    assert "+34 provinces" in first.output
    assert "+0 regions, +0 provinces, +0 levels, +0 product groups" in second.output
    assert db.session.scalar(select(func.count(Province.id))) == 34


def test_demo_creates_one_user_per_role_once(app, db, seeded) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["kcvote", "demo"])
    second = runner.invoke(args=["kcvote", "demo"])
    assert first.exit_code == 0
    assert "+5 users" in first.output
    assert "+0 users" in second.output
    for email in (
        "admin@demo.kcvote.vn",
        "organizer@demo.kcvote.vn",
        "juror@demo.kcvote.vn",
        "council@demo.kcvote.vn",
        "facility@demo.kcvote.vn",
    ):
        assert email in second.output
    client = app.test_client()
    for demo_user in DEMO_USERS:
        data = {"email": demo_user.email, "password": DEMO_PASSWORD}
        response = post_form(client, "/account/login", data, token_from="/account/login")
        assert (demo_user.email, response.status_code) == (demo_user.email, 302)
        post_form(client, "/account/logout")
    demo_emails = [d.email for d in DEMO_USERS]
    roles = sorted(r for u in db.session.scalars(select(User).where(User.email.in_(demo_emails))) for r in u.role_names)
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
    local = runner.invoke(
        args=["kcvote", "create-user", "b@kcvote.local", "--role", "juror", "--password", "mot-hai-ba-bon"]
    )
    assert local.exit_code != 0
    assert "Địa chỉ email không hợp lệ." in local.output
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_demo_round_is_open_with_forty_entries_in_four_groups(app, db, seeded) -> None:
    from kcvote.contests.enums import RoundState
    from kcvote.contests.models import Round
    from kcvote.entries.enums import EntryStatus
    from kcvote.entries.models import Entry

    runner = app.test_cli_runner()
    assert runner.invoke(args=["kcvote", "demo"]).exit_code == 0
    round_ = db.session.scalar(select(Round).where(Round.state == RoundState.OPEN))
    entries = db.session.scalars(select(Entry).where(Entry.round_id == round_.id)).all()
    assert round_.state == RoundState.OPEN
    assert len(entries) == 40
    assert sorted({e.group.number for e in entries}) == [1, 2, 3, 4]
    statuses = {e.status for e in entries}
    assert {
        EntryStatus.DRAFT,
        EntryStatus.SUBMITTED,
        EntryStatus.ACCEPTED,
        EntryStatus.COMPLETION_REQUESTED,
    } <= statuses
    accepted = [e for e in entries if e.status == EntryStatus.ACCEPTED]
    assert all(e.code and e.code.startswith(f"TN-{round_.year}-") for e in accepted)
    assert all(len(e.photos) == 3 for e in entries if e.status != EntryStatus.DRAFT)
    again = runner.invoke(args=["kcvote", "demo"])
    assert "+0 users, +0 entries" in again.output
    listed = runner.invoke(args=["kcvote", "rounds", "list", "--format", "json"])
    import json

    judging = db.session.scalar(select(Round).where(Round.state == RoundState.JUDGING))
    certified = db.session.scalar(select(Round).where(Round.state == RoundState.PUBLISHED))
    # Last cycle's provincial round: the latest odd year before this one (rounds run every two years).
    last_cycle = round_.year - 1 if (round_.year - 1) % 2 == 1 else round_.year - 2
    assert (certified.name, certified.year) == (DEMO_CERTIFIED_NAME.format(year=last_cycle), last_cycle)
    assert json.loads(listed.output) == [
        {
            "id": judging.id,
            "name": judging.name,
            "level": "Cấp xã",
            "year": judging.year,
            "state": "judging",
            "entry_count": 12,
        },
        {
            "id": round_.id,
            "name": round_.name,
            "level": "Cấp tỉnh",
            "year": round_.year,
            "state": "open",
            "entry_count": 40,
        },
        {
            "id": certified.id,
            "name": certified.name,
            "level": "Cấp tỉnh",
            "year": last_cycle,
            "state": "published",
            "entry_count": 11,
        },
    ]
    from kcvote.judging.enums import SheetStatus
    from kcvote.judging.models import ScoreSheet

    states = db.session.scalars(select(ScoreSheet.status).where(ScoreSheet.round_id == judging.id)).all()
    assert SheetStatus.SUBMITTED in states and SheetStatus.DRAFT in states
