"""Role × route authorization: every route in app.url_map has a row with each role's expected answer.

Adding a route without a row here fails ``test_every_route_has_a_row``. Expected answers:
ALLOW (served: 2xx, a redirect that is not to the sign-in page, or a 4xx about the input),
LOGIN (redirected to sign in), DENY (403), HIDDEN (404: another facility's dossier or file, so that
guessing ids reveals nothing).

The world: the organizer created the round (so organises it); an entry of facility A (whose member
is not one of the roles below) is submitted with photos and documents; the facility role acts for
facility B. A juror sees nothing of dossiers before judging.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from kcvote.accounts.enums import Role
from tests.artisans import authz_councils, authz_dossier, authz_public
from tests.authz_common import (  # the expectation sets rows are written with
    ADMIN_ONLY,
    ALLOW,
    DENY,
    DOSSIER_READERS,
    FACILITY_ONLY,
    HIDDEN,
    INVITERS,
    JURORS,
    JURORS_HIDDEN,
    LOGIN,
    OWNER_ONLY,
    PUBLIC,
    ROLES,
    ROUND_ORGANIZERS,
    SIGNED_IN,
    _expect,
)
from tests.conftest import csrf_token, login_as
from tests.factories import make_entry, make_facility, make_finalized_round, make_round, make_user

# (rule, method) -> expected answer per role
MATRIX: dict[tuple[str, str], dict[str, str]] = {
    ("/", "GET"): PUBLIC,
    ("/healthz", "GET"): PUBLIC,
    ("/static/<path:filename>", "GET"): PUBLIC,
    ("/bootstrap/static/<path:filename>", "GET"): PUBLIC,
    ("/language/<code>", "POST"): PUBLIC,
    ("/account/signup", "GET"): PUBLIC,
    ("/account/signup", "POST"): PUBLIC,
    ("/account/confirm/<token>", "GET"): PUBLIC,
    ("/account/confirm", "GET"): PUBLIC,
    ("/account/confirm", "POST"): PUBLIC,
    ("/account/login", "GET"): PUBLIC,
    ("/account/login", "POST"): PUBLIC,
    ("/account/logout", "POST"): SIGNED_IN,
    ("/account/password/forgot", "GET"): PUBLIC,
    ("/account/password/forgot", "POST"): PUBLIC,
    ("/account/password/reset/<token>", "GET"): PUBLIC,
    ("/account/password/reset/<token>", "POST"): PUBLIC,
    ("/account/invitation/<token>", "GET"): PUBLIC,
    ("/account/invitation/<token>", "POST"): PUBLIC,
    ("/account/profile", "GET"): SIGNED_IN,
    ("/account/profile", "POST"): SIGNED_IN,
    ("/account/profile/password", "GET"): SIGNED_IN,
    ("/account/profile/password", "POST"): SIGNED_IN,
    ("/admin/users", "GET"): ADMIN_ONLY,
    ("/admin/users/<int:user_id>", "GET"): ADMIN_ONLY,
    ("/admin/users/<int:user_id>/roles", "POST"): ADMIN_ONLY,
    ("/admin/users/<int:user_id>/roles/<int:assignment_id>/revoke", "POST"): ADMIN_ONLY,
    ("/admin/users/<int:user_id>/deactivate", "POST"): ADMIN_ONLY,
    ("/admin/users/<int:user_id>/reactivate", "POST"): ADMIN_ONLY,
    ("/admin/users/<int:user_id>/resend-invitation", "POST"): INVITERS,
    ("/admin/invite", "GET"): INVITERS,
    ("/admin/invite", "POST"): INVITERS,
    ("/admin/audit", "GET"): ADMIN_ONLY,
    ("/admin/reference/", "GET"): ADMIN_ONLY,
    ("/admin/reference/regions/new", "GET"): ADMIN_ONLY,
    ("/admin/reference/regions/new", "POST"): ADMIN_ONLY,
    ("/admin/reference/regions/<int:region_id>", "GET"): ADMIN_ONLY,
    ("/admin/reference/regions/<int:region_id>", "POST"): ADMIN_ONLY,
    ("/admin/reference/provinces/<int:province_id>", "GET"): ADMIN_ONLY,
    ("/admin/reference/provinces/<int:province_id>", "POST"): ADMIN_ONLY,
    ("/admin/reference/levels/new", "GET"): ADMIN_ONLY,
    ("/admin/reference/levels/new", "POST"): ADMIN_ONLY,
    ("/admin/reference/levels/<int:level_id>", "GET"): ADMIN_ONLY,
    ("/admin/reference/levels/<int:level_id>", "POST"): ADMIN_ONLY,
    ("/admin/reference/groups/new", "GET"): ADMIN_ONLY,
    ("/admin/reference/groups/new", "POST"): ADMIN_ONLY,
    ("/admin/reference/groups/<int:group_id>", "GET"): ADMIN_ONLY,
    ("/admin/reference/groups/<int:group_id>", "POST"): ADMIN_ONLY,
    # facilities
    ("/facility/", "GET"): FACILITY_ONLY,
    ("/facility/", "POST"): FACILITY_ONLY,
    ("/facility/members", "POST"): FACILITY_ONLY,
    # entries: the facility's side
    ("/my", "GET"): FACILITY_ONLY,
    ("/rounds/<int:round_id>/register", "GET"): FACILITY_ONLY,
    ("/rounds/<int:round_id>/register", "POST"): FACILITY_ONLY,
    ("/entries/<int:entry_id>", "GET"): OWNER_ONLY,
    ("/entries/<int:entry_id>/edit", "GET"): OWNER_ONLY,
    ("/entries/<int:entry_id>/edit", "POST"): OWNER_ONLY,
    ("/entries/<int:entry_id>/photos", "POST"): OWNER_ONLY,
    ("/entries/<int:entry_id>/photos/<int:photo_id>/delete", "POST"): OWNER_ONLY,
    ("/entries/<int:entry_id>/documents", "POST"): OWNER_ONLY,
    ("/entries/<int:entry_id>/documents/<int:document_id>/delete", "POST"): OWNER_ONLY,
    ("/entries/<int:entry_id>/submit", "POST"): OWNER_ONLY,
    ("/entries/<int:entry_id>/withdraw", "POST"): OWNER_ONLY,
    ("/entries/<int:entry_id>/reopen", "POST"): OWNER_ONLY,
    ("/media/photos/<int:photo_id>/<variant>", "GET"): DOSSIER_READERS,
    ("/media/documents/<int:document_id>", "GET"): DOSSIER_READERS,
    # contests: organizers
    ("/manage/rounds/", "GET"): ROUND_ORGANIZERS,
    ("/manage/rounds/new", "GET"): ROUND_ORGANIZERS,
    ("/manage/rounds/new", "POST"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>", "GET"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/edit", "GET"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/edit", "POST"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/rubric", "GET"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/rubric", "POST"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/transition/<action>", "POST"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/copy", "POST"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/organizers", "POST"): ROUND_ORGANIZERS,
    # screening: organizers of the round
    ("/manage/rounds/<int:round_id>/entries", "GET"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/entries.xlsx", "GET"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/import", "GET"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/import", "POST"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/import/template.xlsx", "GET"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/nominate", "GET"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/nominate", "POST"): ROUND_ORGANIZERS,
    ("/manage/entries/<int:entry_id>", "GET"): ROUND_ORGANIZERS,
    ("/manage/entries/<int:entry_id>/accept", "POST"): ROUND_ORGANIZERS,
    ("/manage/entries/<int:entry_id>/request-completion", "POST"): ROUND_ORGANIZERS,
    ("/manage/entries/<int:entry_id>/reject", "POST"): ROUND_ORGANIZERS,
    # judging
    ("/manage/rounds/<int:round_id>/jurors", "GET"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/jurors", "POST"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/jurors/<int:appointment_id>/remove", "POST"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/assign", "POST"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/remind", "POST"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/stage-two", "POST"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/assignments", "POST"): ROUND_ORGANIZERS,
    # printouts: "kind" is the conflicts list in the world (the results minutes refuse before closing)
    ("/manage/rounds/<int:round_id>/print/<kind>.pdf", "GET"): ROUND_ORGANIZERS,
    ("/manage/entries/<int:entry_id>/site-visit", "POST"): ROUND_ORGANIZERS,
    ("/manage/sheets/<int:sheet_id>/reopen", "POST"): ROUND_ORGANIZERS,
    ("/judge", "GET"): JURORS,
    ("/judge/rounds/<int:round_id>", "GET"): JURORS_HIDDEN,
    ("/judge/entries/<int:entry_id>", "GET"): JURORS_HIDDEN,
    ("/judge/entries/<int:entry_id>/sheet", "POST"): JURORS_HIDDEN,
    ("/judge/entries/<int:entry_id>/submit", "POST"): JURORS_HIDDEN,
    ("/judge/entries/<int:entry_id>/conflict", "POST"): JURORS_HIDDEN,
    # results: the world's round is still open, so nobody sees scores yet
    ("/manage/rounds/<int:round_id>/results", "GET"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/results", "POST"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/results/reopen", "POST"): ADMIN_ONLY,
    ("/manage/rounds/<int:round_id>/scores.xlsx", "GET"): _expect(LOGIN, HIDDEN, HIDDEN, DENY, DENY, DENY),
    ("/results/<int:round_id>", "GET"): _expect(HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    # certificates: the world's round is still open (nothing to issue or print); the certificate
    # belongs to facility C of a finalized round the organizer co-organises
    ("/manage/rounds/<int:round_id>/certificates", "GET"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/certificates/design", "POST"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/certificates/background", "POST"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/certificates/background/delete", "POST"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/certificates/preview.pdf", "GET"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/certificates/issue", "POST"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/certificates/progress", "GET"): ROUND_ORGANIZERS,
    ("/manage/rounds/<int:round_id>/certificates/all.pdf", "GET"): _expect(LOGIN, HIDDEN, HIDDEN, DENY, DENY, DENY),
    ("/manage/certificates/<int:certificate_id>/revoke", "POST"): ROUND_ORGANIZERS,
    ("/manage/certificates/<int:certificate_id>/reissue", "POST"): ROUND_ORGANIZERS,
    ("/manage/certificates/expiring", "GET"): ROUND_ORGANIZERS,
    ("/my/certificates", "GET"): FACILITY_ONLY,
    ("/certificates/<int:certificate_id>.pdf", "GET"): DOSSIER_READERS,
    ("/verify", "GET"): PUBLIC,
    ("/verify", "POST"): PUBLIC,
    ("/v/<verification_code>", "GET"): PUBLIC,
    ("/v/<verification_code>/photo", "GET"): PUBLIC,
}


# Areas with their own rows and world values (tests/artisans/authz_*.py).
EXTENSIONS = [authz_dossier, authz_councils, authz_public]
for _extension in EXTENSIONS:
    overlap = set(MATRIX) & set(_extension.ROWS)
    assert not overlap, f"rows defined twice: {overlap}"
    MATRIX.update(_extension.ROWS)


def _routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }


def test_every_route_has_a_row(app: Flask) -> None:
    missing = sorted(_routes(app) - set(MATRIX))
    assert missing == [], f"add these routes to MATRIX: {missing}"


def test_every_row_is_a_route(app: Flask) -> None:
    stale = sorted(set(MATRIX) - _routes(app))
    assert stale == [], f"these rows name no route: {stale}"


@dataclass
class World:
    users: dict[str, Any]
    values: dict[str, Any]


@pytest.fixture
def world(app: Flask, seeded: None) -> World:
    from sqlalchemy import select

    from kcvote.accounts import services
    from kcvote.entries import services as entry_services
    from kcvote.extensions import db
    from kcvote.judging import services as judging_services
    from kcvote.judging.enums import SheetStatus
    from kcvote.judging.models import ScoreSheet
    from kcvote.reference.models import Level, ProductGroup, Province, Region

    users = {role: make_user(Role(role), email=f"{role}@example.vn") for role in ROLES if role != "anonymous"}
    # A pending invitee (juror, no password yet) is the target of the user routes.
    target, _ = services.invite_user(actor=users["admin"], email="target@example.vn", name="Đích", role=Role.JUROR)
    db.session.commit()
    round_ = make_round(users["organizer"])
    owner = make_user(Role.FACILITY, email="owner-a@example.vn")
    make_facility(owner, name="Cơ sở A")
    make_facility(users["facility"], name="Cơ sở B")
    entry = make_entry(round_, owner, complete=True)
    entry_services.submit_entry(actor=owner, entry=entry)
    appointment, _ = judging_services.appoint_juror(
        actor=users["organizer"], round_=round_, email="gk-khac@example.vn", name="Giám khảo khác"
    )
    sheet = ScoreSheet(
        round_id=round_.id,
        entry_id=entry.id,
        juror_id=appointment.user_id,
        rubric_id=round_.rubric.id,
        status=SheetStatus.SUBMITTED,  # so removing the juror is refused and every role sees it
    )
    db.session.add(sheet)
    db.session.commit()
    certificate = _certificate(users["organizer"])
    values = {
        "appointment_id": appointment.id,
        "sheet_id": sheet.id,
        "round_id": round_.id,
        "entry_id": entry.id,
        "photo_id": entry.photos[0].id,
        "document_id": entry.documents[0].id,
        "variant": "thumb",
        "certificate_id": certificate.id,
        "verification_code": certificate.verification_code,
        "action": "close",
        "kind": "conflicts",
        "user_id": target.id,
        "assignment_id": target.roles[0].id,
        "token": "not-a-valid-token",
        "code": "en",
        "filename": "css/app.css",
        "region_id": db.session.scalar(select(Region.id).limit(1)),
        "province_id": db.session.scalar(select(Province.id).limit(1)),
        "level_id": db.session.scalar(select(Level.id).limit(1)),
        "group_id": db.session.scalar(select(ProductGroup.id).limit(1)),
    }
    for extension in EXTENSIONS:
        extra = extension.world(users)
        clash = {k for k in extra if k in values and values[k] != extra[k]}
        assert not clash, f"world values defined twice with different values: {clash}"
        values.update(extra)
    db.session.commit()
    return World(users, values)


def _certificate(organizer: Any) -> Any:
    """A certificate of facility C, issued for a finalized round that ``organizer`` co-organises."""
    from datetime import date

    from kcvote.certificates import services as certificate_services
    from kcvote.contests import services as contest_services
    from kcvote.extensions import db

    owner, round_, _ = make_finalized_round(n_entries=1, n_recognised=1)
    contest_services.add_organizer(actor=owner, round_=round_, user=organizer)
    fields = {"decision_number": "1/QĐ-SCT", "decision_date": date(2025, 12, 1), "signer_name": "Nguyễn Văn A"}
    certificate_services.save_design(actor=owner, round_=round_, fields=fields)
    (certificate,) = certificate_services.issue_pending(actor=owner, round_=round_)
    db.session.commit()
    return certificate


def _url(app: Flask, rule_text: str, values: dict[str, Any]) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text)
    args = {name: values[name] for name in rule.arguments}
    if rule.endpoint == "bootstrap.static":
        args["filename"] = "css/bootstrap.min.css"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **args)


def _outcome(response: Any) -> str:
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303) and "/account/login" in location and "next=" in location:
        return LOGIN
    if response.status_code == 403:
        return DENY
    if response.status_code == 404:
        return HIDDEN
    if response.status_code in (200, 201, 204, 302, 303, 400, 401, 409, 413, 422):
        return ALLOW
    return f"unexpected {response.status_code}"


@pytest.mark.parametrize(("rule", "method"), sorted(MATRIX))
def test_role_can_or_cannot_reach_route(app: Flask, world: World, rule: str, method: str) -> None:
    url = _url(app, rule, world.values)
    observed = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            login_as(client, world.users[role])
        response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": csrf_token(client)})
        observed[role] = _outcome(response)
        response.close()
    assert observed == MATRIX[(rule, method)]
