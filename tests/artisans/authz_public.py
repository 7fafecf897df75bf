"""Authorization rows for the artisan public routes, merged into tests/test_authorization.py's matrix.

The world: an award round whose ministry council (the council_member user is its secretary) passed
two nominations, posted for comment today with one comment (handled); the State council passed them
too, its comment period is over and the final list is recorded, and one certificate is registered
(without its PDF). URL values use names only this area uses (outcome_round_id, period_id, comment_id,
evidence_id, artisan_certificate_id)."""

from __future__ import annotations

from typing import Any

from kcvote.accounts.enums import Role
from kcvote.artisans import outcome
from kcvote.certificates import artisan as artisan_certificates
from kcvote.extensions import db
from tests.artisans.public_factories import add_work_photo, complete_design, posted_list, recognise
from tests.authz_common import ADMIN_ONLY, ALLOW, DENY, HIDDEN, LOGIN, PUBLIC, SIGNED_IN, _expect  # noqa: F401
from tests.factories import make_user

ORGANIZERS = _expect(LOGIN, ALLOW, ALLOW, DENY, DENY, DENY)
# Organizers and the secretary of the council whose list was posted.
COMMENT_HANDLERS = _expect(LOGIN, ALLOW, ALLOW, DENY, ALLOW, DENY)

# (rule, method) -> expected answer per role (see tests/authz_common.py)
ROWS: dict[tuple[str, str], dict[str, str]] = {
    ("/artisans/comment", "GET"): PUBLIC,
    ("/artisans/comment/<int:period_id>", "GET"): PUBLIC,
    ("/artisans/comment/<int:period_id>", "POST"): PUBLIC,  # an empty form: 422 for everyone
    ("/artisans/final/<int:outcome_round_id>", "GET"): PUBLIC,
    ("/artisans/gallery", "GET"): PUBLIC,
    ("/artisans/photos/<int:evidence_id>", "GET"): PUBLIC,
    ("/my/artisan-certificates", "GET"): SIGNED_IN,
    ("/manage/artisans/outcome", "GET"): ORGANIZERS,
    ("/manage/artisans/rounds/<int:outcome_round_id>/outcome", "GET"): ORGANIZERS,
    ("/manage/artisans/rounds/<int:outcome_round_id>/comment-periods", "POST"): ORGANIZERS,
    ("/manage/artisans/rounds/<int:outcome_round_id>/final-list", "POST"): ORGANIZERS,
    ("/manage/artisans/rounds/<int:outcome_round_id>/certificate-design", "POST"): ORGANIZERS,
    ("/manage/artisans/rounds/<int:outcome_round_id>/certificates", "POST"): ORGANIZERS,
    ("/manage/artisans/certificates/<int:artisan_certificate_id>/revoke", "POST"): ORGANIZERS,
    ("/manage/artisans/certificates/<int:artisan_certificate_id>/reissue", "POST"): ORGANIZERS,
    ("/manage/artisans/comments", "GET"): COMMENT_HANDLERS,
    ("/manage/artisans/comment-periods/<int:period_id>", "GET"): COMMENT_HANDLERS,
    ("/manage/artisans/comments/<int:comment_id>/handle", "POST"): COMMENT_HANDLERS,
}


def world(users: dict[str, Any]) -> dict[str, Any]:
    """Create what these routes need in the shared world; return the URL values (by parameter name)."""
    members = [make_user(Role.COUNCIL_MEMBER) for _ in range(4)] + [users["council_member"]]
    posted = posted_list(number=99, users=members)
    photo = add_work_photo(posted.nominations[0])
    comment = outcome.submit_comment(period=posted.period, name="Phạm Văn Dân", contact="0912345678", text="Đồng ý.")
    assert comment is not None
    outcome.handle_comment(actor=posted.organizer, comment=comment, handling="Ghi nhận.")
    db.session.commit()
    recognised = recognise(posted)
    # One certificate, registered without its PDF: rendering would slow every row of the matrix.
    complete_design(posted.award_round, posted.organizer)
    certificate = artisan_certificates.issue_artisan_certificate(
        actor=posted.organizer,
        facts=outcome.facts_for_certificate(recognised[0], posted.award_round),
        design=artisan_certificates.artisan_design_of(posted.award_round.id),
        render_pdf=False,
    )
    assert certificate is not None
    db.session.commit()
    return {
        "outcome_round_id": posted.award_round.id,
        "period_id": posted.period.id,
        "comment_id": comment.id,
        "evidence_id": photo.id,
        "artisan_certificate_id": certificate.id,
    }
