"""`kcvote demo`: the artisan-title demo data (lần thứ 5 recognised, lần thứ 6 under way)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import func, select

from kcvote.accounts.models import RoleAssignment, User
from kcvote.artisans import councils, outcome, queries, services
from kcvote.artisans.enums import (
    BallotStatus,
    Check,
    CommentStatus,
    CouncilLevel,
    MemberRole,
    NominationStatus,
    Title,
)
from kcvote.artisans.models import (
    AwardRound,
    Ballot,
    BallotBoxEntry,
    BallotVoter,
    CommentPeriod,
    Council,
    CouncilMember,
    Evidence,
    Meeting,
    Nomination,
    PublicComment,
    Vote,
)
from kcvote.certificates.enums import CertificateKind, CertificateStatus
from kcvote.certificates.models import Certificate
from kcvote.core.audit import AuditEntry
from kcvote.core.clock import today_vn
from kcvote.demo import DEMO_AWARD_ROUND_NAME, DEMO_FINAL_DECISION
from kcvote.extensions import db
from kcvote.reference.models import Province
from tests.conftest import login_as, text_of

FIRST_RUN = (
    "Demo artisan titles: +2 award rounds, +10 dossiers, +27 accounts, +5 councils, +6 ballots, +3 comments, "
    "+3 certificates."
)
SECOND_RUN = (
    "Demo artisan titles: +0 award rounds, +0 dossiers, +0 accounts, +0 councils, +0 ballots, +0 comments, "
    "+0 certificates."
)
COUNTED = (
    User,
    RoleAssignment,
    AwardRound,
    Nomination,
    Evidence,
    Council,
    CouncilMember,
    Meeting,
    Ballot,
    BallotVoter,
    BallotBoxEntry,
    Vote,
    CommentPeriod,
    PublicComment,
    Certificate,
    AuditEntry,
)


def run_demo(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["kcvote", "demo"])
    assert result.exit_code == 0, result.output
    return result.output


def user(email: str) -> User:
    found = db.session.scalar(select(User).where(User.email == email))
    assert found is not None
    return found


def award_round(number: int) -> AwardRound:
    found = db.session.scalar(select(AwardRound).where(AwardRound.number == number))
    assert found is not None
    return found


def nomination(name: str) -> Nomination:
    found = db.session.scalars(select(Nomination)).unique().all()
    return next(n for n in found if n.nominee.name == name)


def council(number: int, level: CouncilLevel) -> Council:
    found = db.session.scalar(
        select(Council).join(AwardRound).where(AwardRound.number == number, Council.level == level)
    )
    assert found is not None
    return found


def ballots_of(council_: Council) -> list[Ballot]:
    return list(
        db.session.scalars(select(Ballot).join(Meeting).where(Meeting.council_id == council_.id).order_by(Ballot.id))
    )


def row_counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) or 0 for model in COUNTED}


def checks(name: str) -> dict[str, Check]:
    return {r.code: r.status for r in services.checklist(nomination(name)).results}


def test_demo_artisans_rounds_dossiers_and_councils_once(app, db, seeded) -> None:
    first = run_demo(app)
    counts = row_counts()
    second = run_demo(app)

    assert FIRST_RUN in first
    assert SECOND_RUN in second
    assert row_counts() == counts
    rounds = db.session.scalars(select(AwardRound).order_by(AwardRound.number)).all()
    assert [(r.number, r.name, r.start_year, r.end_year, r.final_decision_number) for r in rounds] == [
        (5, DEMO_AWARD_ROUND_NAME.format(number=5), 2024, 2025, DEMO_FINAL_DECISION),
        (6, DEMO_AWARD_ROUND_NAME.format(number=6), 2025, 2026, ""),
    ]
    current, last = award_round(6), award_round(5)
    thai_nguyen = db.session.scalar(select(Province).where(Province.name == "Thái Nguyên"))
    assert sorted(w.province.name for w in current.windows) == ["Bắc Ninh", "Thái Nguyên"]
    assert (services.window_open(current, thai_nguyen.id), services.window_open(last, thai_nguyen.id)) == (True, False)
    in_round = db.session.scalars(select(Nomination).where(Nomination.award_round_id == current.id)).unique()
    assert {n.nominee.name: (n.status, n.stage) for n in in_round} == {
        "Hoàng Thị Cơ Sở": (NominationStatus.DRAFT, None),
        "Lý Thị Sinh": (NominationStatus.SUBMITTED, None),
        "Ma Văn Đức": (NominationStatus.COMPLETION_REQUESTED, None),
        "Đào Văn Khánh": (NominationStatus.ACCEPTED, CouncilLevel.STATE),
        "Lê Đình Lộc": (NominationStatus.ACCEPTED, CouncilLevel.STATE),
        "Lương Thị Thu": (NominationStatus.FAILED, CouncilLevel.PROVINCIAL),
        "Vi Thị Hường": (NominationStatus.ACCEPTED, CouncilLevel.PROVINCIAL),
    }
    recognised = db.session.scalars(select(Nomination).where(Nomination.award_round_id == last.id)).unique()
    assert {n.nominee.name: (n.title, n.status) for n in recognised} == {
        "Hoàng Thị Liên": (Title.NNUT, NominationStatus.RECOGNISED),
        "Triệu Văn Hồng": (Title.NNND, NominationStatus.RECOGNISED),
        "Dương Văn Thụ": (Title.NNUT, NominationStatus.RECOGNISED),
    }
    # The demo facility's account sees its own draft; the Sở's dates are still ahead.
    facility = user("facility@demo.kcvote.vn")
    assert [(n.nominee.name, n.status, n.filed_by_id) for n in queries.nominations_of(facility)] == [
        ("Hoàng Thị Cơ Sở", NominationStatus.DRAFT, facility.id)
    ]
    today = today_vn()
    assert nomination("Lý Thị Sinh").answer_due >= today
    asked = nomination("Ma Văn Đức")
    assert asked.completion_message and asked.completion_due >= today
    assert asked.filed_by_id == user("nghenhan2@demo.kcvote.vn").id
    # The checklists show met, not met and the council's own judgement.
    assert checks("Hoàng Thị Cơ Sở") == {
        "loyalty": Check.COUNCIL,
        "years": Check.MET,
        "ethics": Check.COUNCIL,
        "works": Check.NOT_MET,
        "taught": Check.NOT_MET,
    }
    assert checks("Lương Thị Thu") == {
        "loyalty": Check.COUNCIL,
        "years": Check.NOT_MET,
        "ethics": Check.COUNCIL,
        "works": Check.NOT_MET,
        "taught": Check.COUNCIL,
    }
    assert checks("Lê Đình Lộc") == {
        "prior_title": Check.MET,
        "loyalty": Check.COUNCIL,
        "years": Check.MET,
        "ethics": Check.COUNCIL,
        "works": Check.MET,
        "taught": Check.MET,
    }
    # Councils: the demo council account is the Thái Nguyên council's secretary in both rounds.
    listed = {
        (c.award_round.number, c.level): (
            len(c.members),
            next(m.user.email for m in c.members if m.role == MemberRole.SECRETARY),
        )
        for c in db.session.scalars(select(Council)).unique()
    }
    assert listed == {
        (5, CouncilLevel.PROVINCIAL): (10, "council@demo.kcvote.vn"),
        (5, CouncilLevel.MINISTRY): (7, "hdbo7@demo.kcvote.vn"),
        (5, CouncilLevel.STATE): (9, "hdnn9@demo.kcvote.vn"),
        (6, CouncilLevel.PROVINCIAL): (10, "council@demo.kcvote.vn"),
        (6, CouncilLevel.MINISTRY): (7, "hdbo7@demo.kcvote.vn"),
    }
    assert [c.name for c in councils.councils_for_member(user("council@demo.kcvote.vn"))] == [
        "Hội đồng xét tặng danh hiệu Nghệ nhân nhân dân, Nghệ nhân ưu tú tỉnh Thái Nguyên"
    ] * 2


def tally_rows(response: Any) -> list[list[str]]:
    """The tally table's rows: the artisan's name (the cell's first line), yes, no, result."""
    table = BeautifulSoup(response.data, "html.parser").find("table", {"data-testid": "tally"})
    assert table is not None
    rows = []
    for tr in table.find("tbody").find_all("tr"):
        name, *cells = tr.find_all("td")
        rows.append([name.find(string=True).strip(), *(" ".join(td.get_text(" ").split()) for td in cells)])
    return rows


def test_demo_artisans_ballots_comments_gallery_and_certificates(app, db, seeded) -> None:
    run_demo(app)
    client = app.test_client()
    secretary = user("council@demo.kcvote.vn")
    provincial = council(6, CouncilLevel.PROVINCIAL)
    closed, still_open = ballots_of(provincial)

    # The closed ballot: 9 of 10 members present; passing needs 9 yes votes of all 10 listed.
    assert (closed.status, closed.listed_members, closed.ballots_cast) == (BallotStatus.CLOSED, 10, 9)
    assert [(i.nomination.nominee.name, i.yes_count, i.no_count, i.passed) for i in closed.items] == [
        ("Đào Văn Khánh", 9, 0, True),
        ("Lê Đình Lộc", 9, 0, True),
        ("Lương Thị Thu", 4, 5, False),
    ]
    channels = db.session.scalars(select(BallotVoter.channel).where(BallotVoter.ballot_id == closed.id))
    assert Counter(channels) == {"online": 8, "paper": 1}
    page = login_as(client, secretary).get(f"/councils/ballots/{closed.id}")
    assert page.status_code == 200
    assert tally_rows(page) == [
        ["Đào Văn Khánh", "9", "0", "Đạt"],
        ["Lê Đình Lộc", "9", "0", "Đạt"],
        ["Lương Thị Thu", "4", "5", "Không đạt"],
    ]

    # Today's ballot is open: 6 of the 9 present have voted; the secretary has not and may.
    progress = councils.progress(still_open)
    assert (still_open.status, progress.present, progress.voted) == (BallotStatus.OPEN, 9, 6)
    assert [i.nomination.nominee.name for i in still_open.items] == ["Vi Thị Hường"]
    assert councils.can_vote(secretary, still_open)
    assert still_open.meeting.held_on == today_vn()
    voting = client.get(f"/councils/ballots/{still_open.id}")
    assert "6/9 thành viên có mặt đã bỏ phiếu." in text_of(voting)
    assert BeautifulSoup(voting.data, "html.parser").find("table", {"data-testid": "tally"}) is None

    # The ministry council's list is open for comment, with one comment handled and one new.
    (period,) = outcome.open_periods()
    assert (period.award_round.number, period.level) == (6, CouncilLevel.MINISTRY)
    assert sorted(c.status for c in outcome.comments_of(period)) == [CommentStatus.HANDLED, CommentStatus.NEW]
    public = app.test_client()
    listed = text_of(public.get(f"/artisans/comment/{period.id}"))
    assert "Đào Văn Khánh" in listed and "Lê Đình Lộc" in listed and "Lương Thị Thu" not in listed

    # The gallery shows lần thứ 5's recognised artisans with a work photo each, nothing private.
    gallery = public.get("/artisans/gallery")
    assert gallery.status_code == 200
    cards = BeautifulSoup(gallery.data, "html.parser").find_all("article", {"data-testid": "artisan"})
    assert [card.find("h2").get_text(strip=True) for card in cards] == [
        "Triệu Văn Hồng",
        "Dương Văn Thụ",
        "Hoàng Thị Liên",
    ]
    for card in cards:
        photo = public.get(card.find("img")["src"])
        photo.close()  # send_file's open file
        assert (photo.status_code, photo.mimetype) == (200, "image/jpeg")
    assert "019168004521" not in gallery.get_data(as_text=True)
    assert DEMO_FINAL_DECISION in text_of(gallery)

    # Their certificates are issued; the artisan with an account finds hers.
    issued = db.session.scalars(
        select(Certificate).where(Certificate.kind == CertificateKind.ARTISAN).order_by(Certificate.holder)
    ).all()
    assert [(c.holder, c.subject, c.decision_number, c.decision_date, c.status) for c in issued] == [
        ("Dương Văn Thụ", "Nghệ nhân ưu tú", DEMO_FINAL_DECISION, date(2025, 8, 28), CertificateStatus.VALID),
        ("Hoàng Thị Liên", "Nghệ nhân ưu tú", DEMO_FINAL_DECISION, date(2025, 8, 28), CertificateStatus.VALID),
        ("Triệu Văn Hồng", "Nghệ nhân nhân dân", DEMO_FINAL_DECISION, date(2025, 8, 28), CertificateStatus.VALID),
    ]
    artisan = user("nghenhan1@demo.kcvote.vn")
    assert [c.holder for c in issued if c.holder_user_id == artisan.id] == ["Hoàng Thị Liên"]
    mine = login_as(app.test_client(), artisan).get("/my/artisan-certificates")
    assert issued[1].number in text_of(mine)

    # The demo facility's account finds its draft under "my dossiers".
    dossiers = text_of(login_as(app.test_client(), user("facility@demo.kcvote.vn")).get("/artisans/my"))
    assert "Hoàng Thị Cơ Sở" in dossiers and "Nháp" in dossiers
