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
from tests.conftest import csrf_token, login_as
from tests.factories import make_entry, make_facility, make_round, make_user

ROLES = ["anonymous", "admin", "organizer", "juror", "council_member", "facility"]
ALLOW, LOGIN, DENY, HIDDEN = "allow", "login", "deny", "hidden"


def _expect(anonymous: str, admin: str, organizer: str, juror: str, council: str, facility: str) -> dict[str, str]:
    return dict(zip(ROLES, [anonymous, admin, organizer, juror, council, facility], strict=True))


PUBLIC = _expect(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW)
SIGNED_IN = _expect(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW)
ADMIN_ONLY = _expect(LOGIN, ALLOW, DENY, DENY, DENY, DENY)
INVITERS = _expect(LOGIN, ALLOW, ALLOW, DENY, DENY, DENY)
FACILITY_ONLY = _expect(LOGIN, DENY, DENY, DENY, DENY, ALLOW)
OWNER_ONLY = _expect(LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN)  # facility A's member is not in the table
ROUND_ORGANIZERS = _expect(LOGIN, ALLOW, ALLOW, DENY, DENY, DENY)
DOSSIER_READERS = _expect(LOGIN, ALLOW, ALLOW, HIDDEN, HIDDEN, HIDDEN)
JURORS = _expect(LOGIN, DENY, DENY, ALLOW, DENY, DENY)
# The juror is not appointed to the world's round, which is still taking registrations: they see
# nothing of it (404), as no juror sees anything before judging.
JURORS_HIDDEN = _expect(LOGIN, DENY, DENY, HIDDEN, DENY, DENY)

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
}


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
    values = {
        "appointment_id": appointment.id,
        "sheet_id": sheet.id,
        "round_id": round_.id,
        "entry_id": entry.id,
        "photo_id": entry.photos[0].id,
        "document_id": entry.documents[0].id,
        "variant": "thumb",
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
    return World(users, values)


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
