"""Factories for the public area's tests: nominations passed by a council's closed ballot, a work
photo as evidence, a recognised artisan with an issued certificate."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kcvote.accounts.enums import Role
from kcvote.accounts.models import User
from kcvote.artisans import outcome
from kcvote.artisans.enums import BallotStatus, CouncilLevel, EvidenceKind, NominationStatus, Title
from kcvote.artisans.models import AwardRound, Ballot, BallotItem, CommentPeriod, Council, Evidence, Meeting, Nomination
from kcvote.certificates import artisan as artisan_certificates
from kcvote.core.clock import add_days, today_vn
from kcvote.core.db import utcnow
from kcvote.core.images import process_image
from kcvote.core.storage import get_storage
from kcvote.extensions import db
from tests.artisans.factories import make_award_round, make_council, make_nomination, make_nominee
from tests.factories import jpeg_bytes, make_user

# The private facts make_nominee writes: none of them may appear on a public page.
PRIVATE = ("027065001234", "12/04/1965", "1965-04-12", "thôn Phù Lãng", "Xưởng gốm Phù Lãng")


def pass_at(
    award_round: AwardRound,
    level: CouncilLevel,
    nominations: list[Nomination],
    *,
    failed: list[Nomination] | None = None,
    council: Council | None = None,
    users: list[User] | None = None,
) -> Council:
    """A council of ``level`` (5 members, the last the secretary) whose closed ballot passed
    ``nominations`` (5 yes of 5) and failed ``failed`` (2 yes of 5)."""
    if council is None:
        council, _ = make_council(award_round, level=level, province_name=None, users=users)
    meeting = Meeting(council_id=council.id, held_on=today_vn(), place="Hà Nội")
    db.session.add(meeting)
    db.session.flush()
    ballot = Ballot(
        meeting_id=meeting.id,
        status=BallotStatus.CLOSED,
        listed_members=5,
        quorum_percent=Decimal("75"),
        pass_percent=Decimal("90"),
        closed_at=utcnow(),
        ballots_cast=5,
    )
    db.session.add(ballot)
    db.session.flush()
    for i, nomination in enumerate(nominations):
        db.session.add(
            BallotItem(
                ballot_id=ballot.id, nomination_id=nomination.id, position=i, yes_count=5, no_count=0, passed=True
            )
        )
        nomination.stage = level
    for i, nomination in enumerate(failed or []):
        db.session.add(
            BallotItem(
                ballot_id=ballot.id,
                nomination_id=nomination.id,
                position=100 + i,
                yes_count=2,
                no_count=3,
                passed=False,
            )
        )
        nomination.status = NominationStatus.FAILED
    db.session.commit()
    return council


def secretary_of(council: Council) -> User:
    return next(m.user for m in council.members if m.role.value == "secretary")


def add_work_photo(
    nomination: Nomination, *, purpose: str = "work:1", kind: EvidenceKind = EvidenceKind.PHOTO
) -> Evidence:
    """A real re-encoded photo with its thumbnail, stored like the dossier's uploads."""
    processed = process_image(jpeg_bytes(800, 600, (40, 90, 160)))
    storage = get_storage()
    evidence = Evidence(
        nomination_id=nomination.id,
        kind=kind,
        purpose=purpose,
        label="Bình gốm men nâu",
        key=storage.save(processed.original, suffix=processed.suffix),
        thumb_key=storage.save(processed.thumbnail, suffix=".jpg"),
        content_type="image/jpeg",
        size_bytes=len(processed.original),
    )
    db.session.add(evidence)
    db.session.commit()
    return evidence


def open_period(award_round: AwardRound, level: CouncilLevel, *, days_ago: int = 0, days: int = 20) -> CommentPeriod:
    """A comment period written directly (publish_comment_period is tested on its own)."""
    starts = add_days(today_vn(), -days_ago)
    period = CommentPeriod(
        award_round_id=award_round.id, level=level, starts_on=starts, ends_on=add_days(starts, days - 1)
    )
    db.session.add(period)
    db.session.commit()
    return period


@dataclass
class Posted:
    """An award round whose ministry council passed two nominations, posted for comment today."""

    award_round: AwardRound
    organizer: User
    council: Council
    secretary: User
    artisan: User
    nominations: list[Nomination]
    period: CommentPeriod


def posted_list(*, number: int = 6, users: list[User] | None = None) -> Posted:
    organizer = make_user(Role.ORGANIZER)
    artisan = make_user(Role.FACILITY, name="Nguyễn Văn Gốm")
    award_round = make_award_round(number=number, provinces=("Bắc Ninh", "Hà Nội"))
    first = make_nomination(award_round, nominee=make_nominee(artisan), title=Title.NNUT)
    second = make_nomination(
        award_round,
        nominee=make_nominee(
            name="Trần Thị Lụa",
            province_name="Hà Nội",
            craft="Dệt lụa Vạn Phúc",
            id_number="001170009999",
            address="số 5 phố Vạn Phúc, Hà Đông",
        ),
        title=Title.NNND,
    )
    council = pass_at(award_round, CouncilLevel.MINISTRY, [first, second], users=users)
    period = open_period(award_round, CouncilLevel.MINISTRY)
    return Posted(award_round, organizer, council, secretary_of(council), artisan, [first, second], period)


def recognise(posted: Posted, *, decision_number: str = "1234/QĐ-CTN") -> list[Nomination]:
    """Carry a posted list through the State council and its (past) comment period to the final list."""
    state = pass_at(posted.award_round, CouncilLevel.STATE, posted.nominations)
    period = open_period(posted.award_round, CouncilLevel.STATE, days_ago=25)
    del state, period
    recognised = outcome.record_final_list(
        actor=posted.organizer,
        award_round=posted.award_round,
        decision_number=decision_number,
        decision_date=add_days(today_vn(), -2),
    )
    db.session.commit()
    return recognised


def complete_design(award_round: AwardRound, organizer: User, **fields: Any) -> None:
    values = {"signer_name": "Nguyễn Hồng Diên", **fields}
    artisan_certificates.save_artisan_design(actor=organizer, award_round_id=award_round.id, fields=values)
    db.session.commit()


def issued(posted: Posted) -> list[Any]:
    """Recognise the posted list and issue its certificates."""
    recognise(posted)
    complete_design(posted.award_round, posted.organizer)
    certificates = outcome.issue_certificates(actor=posted.organizer, award_round=posted.award_round)
    db.session.commit()
    return certificates
