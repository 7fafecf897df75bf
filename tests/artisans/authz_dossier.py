"""Authorization rows for the artisan dossier routes, merged into tests/test_authorization.py's matrix.

The world: an award round with a Bắc Ninh window open today, and a submitted dossier filed by an
artisan who is none of the matrix's roles (with a craft period, a work, a prize and a photo). The Sở
(admin, organizer) reads it but does not edit it (403); everyone else gets 404 for it, the matrix's
council member included (they sit on no council of this award round). Removing the window is refused
(the province has a dossier), so every role meets the same world.
"""

from __future__ import annotations

from typing import Any

from tests.authz_common import ADMIN_ONLY, ALLOW, DENY, HIDDEN, LOGIN, PUBLIC, SIGNED_IN, _expect  # noqa: F401

SO = _expect(LOGIN, ALLOW, ALLOW, DENY, DENY, DENY)
FILERS = _expect(LOGIN, ALLOW, ALLOW, DENY, DENY, ALLOW)
# Someone else's dossier: the Sở reads it; nobody else learns it exists.
READERS = _expect(LOGIN, ALLOW, ALLOW, HIDDEN, HIDDEN, HIDDEN)
# Someone else's dossier: the Sở may not edit a dossier the artisan files himself.
EDITORS = _expect(LOGIN, DENY, DENY, HIDDEN, HIDDEN, HIDDEN)

D = "/artisans/dossiers/<int:nomination_id>"

# (rule, method) -> expected answer per role (see tests/authz_common.py)
ROWS: dict[tuple[str, str], dict[str, str]] = {
    ("/manage/award-rounds", "GET"): SO,
    ("/manage/award-rounds/new", "GET"): SO,
    ("/manage/award-rounds/new", "POST"): SO,
    ("/manage/award-rounds/<int:award_round_id>", "GET"): SO,
    ("/manage/award-rounds/<int:award_round_id>", "POST"): SO,
    ("/manage/award-rounds/<int:award_round_id>/windows", "POST"): SO,
    ("/manage/award-round-windows/<int:window_id>/delete", "POST"): SO,
    ("/manage/award-rounds/<int:award_round_id>/nominations", "GET"): SO,
    ("/manage/artisans/nominations/<int:nomination_id>", "GET"): SO,
    ("/manage/artisans/nominations/<int:nomination_id>/completion", "POST"): SO,
    ("/manage/artisans/nominations/<int:nomination_id>/accept", "POST"): SO,
    ("/manage/artisans/nominations/<int:nomination_id>/return", "POST"): SO,
    ("/manage/artisans/rules", "GET"): SO,
    ("/manage/artisans/rules/title/<rule_title>/new", "GET"): ADMIN_ONLY,
    ("/manage/artisans/rules/title/<rule_title>/new", "POST"): ADMIN_ONLY,
    ("/manage/artisans/rules/council/new", "GET"): ADMIN_ONLY,
    ("/manage/artisans/rules/council/new", "POST"): ADMIN_ONLY,
    ("/artisans/my", "GET"): FILERS,
    ("/artisans/award-rounds/<int:award_round_id>/start", "GET"): FILERS,
    ("/artisans/award-rounds/<int:award_round_id>/start", "POST"): FILERS,
    (D, "GET"): READERS,
    (f"{D}/edit", "GET"): READERS,  # the Sở is sent to the read-only page
    (f"{D}/edit", "POST"): EDITORS,
    (f"{D}/periods", "POST"): EDITORS,
    (f"{D}/periods/<int:craft_period_id>/delete", "POST"): EDITORS,
    (f"{D}/works", "POST"): EDITORS,
    (f"{D}/works/<int:work_id>/delete", "POST"): EDITORS,
    (f"{D}/prizes", "POST"): EDITORS,
    (f"{D}/prizes/<int:prize_id>/delete", "POST"): EDITORS,
    (f"{D}/evidence", "POST"): EDITORS,
    (f"{D}/evidence/<int:dossier_evidence_id>/delete", "POST"): EDITORS,
    (f"{D}/submit", "POST"): EDITORS,
    ("/artisans/evidence/<int:dossier_evidence_id>/<variant>", "GET"): READERS,
}


def world(users: dict[str, Any]) -> dict[str, Any]:
    """Create what these routes need in the shared world; return the URL values (by parameter name)."""
    from kcvote.accounts.enums import Role
    from kcvote.artisans import services
    from kcvote.artisans.enums import NominationStatus
    from kcvote.extensions import db
    from tests.artisans.factories import make_award_round, make_nomination, make_nominee
    from tests.factories import jpeg_bytes, make_user

    award_round = make_award_round(number=95)
    owner = make_user(Role.FACILITY, email="nghe-nhan@example.vn")
    nomination = make_nomination(
        award_round,
        nominee=make_nominee(owner, name="Nghệ nhân Hồ sơ"),
        status=NominationStatus.DRAFT,
        filed_by=owner,
    )
    evidence = services.add_evidence(actor=owner, nomination=nomination, data=jpeg_bytes(), purpose="work")
    nomination.status = NominationStatus.SUBMITTED
    db.session.commit()
    return {
        "award_round_id": award_round.id,
        "window_id": award_round.windows[0].id,
        "nomination_id": nomination.id,
        "craft_period_id": nomination.periods[0].id,
        "work_id": nomination.works[0].id,
        "prize_id": nomination.prizes[0].id,
        "dossier_evidence_id": evidence.id,
        "variant": "thumb",
        "rule_title": "nnut",
    }
