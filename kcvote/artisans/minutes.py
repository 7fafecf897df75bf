"""The minutes of a council meeting as one A4 PDF: biên bản họp (attendance and quorum), biên bản kiểm
phiếu of each closed ballot (listed, present, cast, the threshold in persons, each nomination's tally
and result) and the list sent on to the next council. Open ballots are never printed (no tally exists)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from kcvote.artisans import councils, rules
from kcvote.artisans.enums import BallotStatus, CouncilLevel
from kcvote.artisans.labels import TITLE_LABELS
from kcvote.artisans.models import Ballot, Meeting
from kcvote.core.i18n import fmt_date
from kcvote.core.pdf import render_pdf

NEXT_COUNCIL = {
    CouncilLevel.PROVINCIAL: _l("Hội đồng chuyên ngành cấp Bộ"),
    CouncilLevel.MINISTRY: _l("Hội đồng cấp Nhà nước"),
    CouncilLevel.STATE: _l("lấy ý kiến nhân dân và trình khen thưởng"),
}


@dataclass
class TallyRow:
    number: int
    name: str
    craft: str
    province: str
    title: str
    yes: int
    no: int
    passed: bool


@dataclass
class BallotView:
    number: int
    listed: int
    present: int
    cast: int
    pass_percent: str
    needed: int
    rows: list[TallyRow]


def _ballot_view(number: int, ballot: Ballot, present: int) -> BallotView:
    rows = [
        TallyRow(
            number=i,
            name=item.nomination.nominee.name,
            craft=item.nomination.nominee.craft,
            province=item.nomination.province.name,
            title=str(TITLE_LABELS[item.nomination.title]),
            yes=item.yes_count or 0,
            no=item.no_count or 0,
            passed=bool(item.passed),
        )
        for i, item in enumerate(ballot.items, start=1)
    ]
    return BallotView(
        number=number,
        listed=ballot.listed_members,
        present=present,
        cast=ballot.ballots_cast or 0,
        pass_percent=councils._percent(ballot.pass_percent),
        needed=rules.needed_for(ballot.listed_members, ballot.pass_percent),
        rows=rows,
    )


def minutes_pdf(meeting: Meeting) -> bytes:
    """The meeting's minutes, tally and list for the next council."""
    council = meeting.council
    status = councils.quorum(meeting)
    present = councils.present_member_ids(meeting)
    closed = [b for b in councils.ballots_of(meeting) if b.status == BallotStatus.CLOSED]
    ballots = [_ballot_view(i, b, status.present) for i, b in enumerate(closed, start=1)]
    passed = [row for view in ballots for row in view.rows if row.passed]
    chair = next((m for m in council.members if m.role.value == "chair"), None)
    secretary = next((m for m in council.members if m.role.value == "secretary"), None)
    attendance = [
        {
            "number": i,
            "name": m.user.name,
            "job_title": m.job_title,
            "role": str(councils.ROLE_LABELS[m.role]),
            "present": m.id in present,
            "presiding": status.presiding is not None and status.presiding.id == m.id,
        }
        for i, m in enumerate(council.members, start=1)
    ]
    return render_pdf(
        "print/artisans_minutes.html",
        council=council,
        round=council.award_round,
        level_label=str(councils.LEVEL_LABELS[council.level]),
        meeting=meeting,
        held_on=fmt_date(meeting.held_on),
        quorum=status,
        attendance=attendance,
        ballots=ballots,
        passed=passed,
        next_council=str(NEXT_COUNCIL[council.level]),
        chair=status.presiding or chair,
        secretary=secretary,
        open_ballots=any(b.status == BallotStatus.OPEN for b in councils.ballots_of(meeting)),
    )
