"""Authorization rows for the artisan councils routes, merged into tests/test_authorization.py's matrix.

The world: a provincial council of an award round whose listed members include the matrix's
council_member user (an ordinary member, not the secretary); a meeting today with everyone present,
an open ballot on one accepted nomination. A council's existence is not public: signed-in users who are
neither managers nor listed get 404; a listed member who is not the secretary gets 403 on the
secretary's actions.
"""

from __future__ import annotations

from typing import Any

from tests.authz_common import ADMIN_ONLY, ALLOW, DENY, HIDDEN, LOGIN, PUBLIC, SIGNED_IN, _expect  # noqa: F401

MANAGERS = _expect(LOGIN, ALLOW, ALLOW, DENY, DENY, DENY)
VIEWERS = _expect(LOGIN, ALLOW, ALLOW, HIDDEN, ALLOW, HIDDEN)
SECRETARY = _expect(LOGIN, ALLOW, ALLOW, HIDDEN, DENY, HIDDEN)
COUNCIL_USERS = _expect(LOGIN, ALLOW, ALLOW, DENY, ALLOW, DENY)
# Only a listed member votes: managers who are not listed are refused (403).
VOTERS = _expect(LOGIN, DENY, DENY, HIDDEN, ALLOW, HIDDEN)

# (rule, method) -> expected answer per role (see tests/authz_common.py)
ROWS: dict[tuple[str, str], dict[str, str]] = {
    ("/manage/councils", "GET"): MANAGERS,
    ("/manage/councils", "POST"): MANAGERS,
    ("/councils/mine", "GET"): COUNCIL_USERS,
    ("/councils/<int:council_id>", "GET"): VIEWERS,
    ("/manage/councils/<int:council_id>", "POST"): MANAGERS,
    ("/manage/councils/<int:council_id>/members", "POST"): MANAGERS,
    ("/manage/councils/<int:council_id>/members/<int:council_member_id>/remove", "POST"): MANAGERS,
    ("/councils/<int:council_id>/dossiers/<int:agenda_nomination_id>", "GET"): VIEWERS,
    ("/councils/<int:council_id>/meetings", "POST"): SECRETARY,
    ("/councils/meetings/<int:meeting_id>", "GET"): VIEWERS,
    ("/councils/meetings/<int:meeting_id>/attendance", "POST"): SECRETARY,
    ("/councils/meetings/<int:meeting_id>/ballots", "POST"): SECRETARY,
    ("/councils/meetings/<int:meeting_id>/minutes.pdf", "GET"): SECRETARY,
    ("/councils/ballots/<int:ballot_id>", "GET"): VIEWERS,
    ("/councils/ballots/<int:ballot_id>/vote", "POST"): VOTERS,
    ("/councils/ballots/<int:ballot_id>/paper", "POST"): SECRETARY,
    ("/councils/ballots/<int:ballot_id>/close", "POST"): SECRETARY,
}


def world(users: dict[str, Any]) -> dict[str, Any]:
    """Create what these routes need in the shared world; return the URL values (by parameter name)."""
    from kcvote.artisans import councils
    from kcvote.core.clock import today_vn
    from kcvote.extensions import db
    from tests.artisans.factories import make_award_round, make_council, make_nomination, make_nominee

    award_round = make_award_round(number=96)
    council, _ = make_council(award_round, members=5)
    # The matrix's council member is an ordinary listed member (neither chair nor secretary).
    member, _ = councils.add_member(actor=users["organizer"], council=council, email=users["council_member"].email)
    nomination = make_nomination(award_round, nominee=make_nominee(name="Nghệ nhân Hội đồng"))
    meeting = councils.create_meeting(actor=users["organizer"], council=council, held_on=today_vn(), place="Sở")
    councils.record_attendance(actor=users["organizer"], meeting=meeting, present_ids=[m.id for m in council.members])
    ballot = councils.open_ballot(actor=users["organizer"], meeting=meeting, nominations=[nomination])
    db.session.commit()
    return {
        "council_id": council.id,
        "council_member_id": member.id,
        "agenda_nomination_id": nomination.id,
        "meeting_id": meeting.id,
        "ballot_id": ballot.id,
    }
