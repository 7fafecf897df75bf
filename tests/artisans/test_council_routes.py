"""Council pages: forms with bad input, private data kept off the council's dossier page, no tally before
closing on any page, votes and paper ballots through the routes, and the minutes PDF."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import func, select

from kcvote.accounts.enums import Role
from kcvote.artisans import councils
from kcvote.artisans.enums import Choice, CouncilLevel
from kcvote.artisans.models import BallotBoxEntry, BallotVoter, Council, CouncilMember, Meeting
from kcvote.extensions import db
from tests.artisans.factories import make_award_round, make_council
from tests.artisans.test_council_services import setup_meeting, vote_all
from tests.conftest import login_as, post_form, text_of
from tests.factories import make_user


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_organizer_creates_council_and_adds_members(client, db, seeded) -> None:
    organizer = make_user(Role.ORGANIZER)
    award_round = make_award_round()
    login_as(client, organizer)
    page = client.get("/manage/councils")
    assert page.status_code == 200 and "Lập hội đồng" in text_of(page)
    bac_ninh = db.session.scalar(select(Council.id).limit(1))
    assert bac_ninh is None
    from tests.artisans.factories import province

    response = post_form(
        client,
        "/manage/councils",
        {
            "council-award_round_id": award_round.id,
            "council-level": "provincial",
            "council-province_id": province("Bắc Ninh").id,
            "council-name": "Hội đồng xét tặng tỉnh Bắc Ninh",
            "council-decision_number": "123/QĐ-UBND",
        },
    )
    assert response.status_code == 302
    council = db.session.scalar(select(Council))
    assert council is not None and council.decision_number == "123/QĐ-UBND"
    response = post_form(
        client,
        f"/manage/councils/{council.id}/members",
        {"member-email": "chu-tich@example.vn", "member-name": "Trần Chủ Tịch", "member-role": "chair"},
    )
    assert response.status_code == 302
    page = client.get(f"/councils/{council.id}")
    assert "Trần Chủ Tịch" in text_of(page) and "Chủ tịch" in text_of(page)


def test_council_forms_refuse_bad_input(client, db, seeded) -> None:
    organizer = make_user(Role.ORGANIZER)
    award_round = make_award_round()
    login_as(client, organizer)
    response = post_form(
        client,
        "/manage/councils",
        {"council-award_round_id": award_round.id, "council-level": "provincial", "council-name": ""},
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "Vui lòng nhập thông tin này." in text and "phải gắn với một tỉnh" in text
    assert _count(Council) == 0
    council, _ = make_council(award_round, members=2)
    response = post_form(client, f"/manage/councils/{council.id}/members", {"member-email": "không-phải-email"})
    assert response.status_code == 422 and "Địa chỉ email không hợp lệ." in text_of(response)
    response = post_form(
        client, f"/manage/councils/{council.id}/members", {"member-email": "moi@example.vn", "member-role": "member"}
    )
    assert response.status_code == 422 and "hãy nhập họ tên" in text_of(response)
    assert _count(CouncilMember) == 2
    response = post_form(client, f"/councils/{council.id}/meetings", {"meeting-held_on": "31/02/2026"})
    assert response.status_code == 422 and "Vui lòng nhập thông tin này." in text_of(response)
    assert _count(Meeting) == 0
    response = post_form(client, f"/manage/councils/{council.id}", {"edit-name": ""})
    assert response.status_code == 422 and _count(Council) == 1


def test_meeting_page_states_quorum_and_refuses_ballot_without_it(client, db, seeded) -> None:
    organizer, _, _, listed, meeting, noms = setup_meeting(members=10, present=7)
    login_as(client, organizer)
    page = client.get(f"/councils/meetings/{meeting.id}")
    assert "7/10 thành viên có mặt: chưa đủ điều kiện" in text_of(page)
    response = post_form(
        client, f"/councils/meetings/{meeting.id}/ballots", {"ballot-nomination_ids": [n.id for n in noms]}
    )
    assert response.status_code == 422 and "Không đủ điều kiện mở bỏ phiếu" in text_of(response)
    response = post_form(
        client,
        f"/councils/meetings/{meeting.id}/attendance",
        {"att-present": [m.id for m in listed[:8]], "att-delegate_id": "0"},
    )
    assert response.status_code == 302
    assert "8/10 thành viên có mặt: đủ điều kiện" in text_of(client.get(f"/councils/meetings/{meeting.id}"))
    response = post_form(client, f"/councils/meetings/{meeting.id}/ballots", {})
    assert response.status_code == 422 and "Hãy chọn ít nhất một hồ sơ." in text_of(response)


def test_dossier_page_hides_private_data(client, db, seeded) -> None:
    _, _, council, listed, _, (nom, _) = setup_meeting(members=5)
    login_as(client, listed[2].user)
    page = client.get(f"/councils/{council.id}/dossiers/{nom.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert nom.nominee.name in html and "Gốm Phù Lãng" in html and "Tác phẩm 1" in html
    for private in (nom.nominee.id_number, "12/04/1965", "1965-04-12", "thôn Phù Lãng"):
        assert private not in html
    assert "Đối chiếu tiêu chuẩn" in html
    outsider = make_user(Role.COUNCIL_MEMBER)
    login_as(client, outsider)
    assert client.get(f"/councils/{council.id}/dossiers/{nom.id}").status_code == 404


def test_no_tally_on_any_page_before_closing(client, db, seeded) -> None:
    organizer, _, council, listed, meeting, noms = setup_meeting(members=5)
    ballot = councils.open_ballot(actor=organizer, meeting=meeting, nominations=noms)
    db.session.commit()
    vote_all(ballot, listed[:3], [{n.id: Choice.YES for n in noms}] * 3)
    admin = make_user(Role.ADMIN)
    for user in (admin, organizer, listed[-1].user, listed[0].user, listed[4].user):
        login_as(client, user)
        for path in (f"/councils/ballots/{ballot.id}", f"/councils/meetings/{meeting.id}", f"/councils/{council.id}"):
            html = client.get(path).get_data(as_text=True)
            assert 'data-testid="tally"' not in html, (user, path)
        assert "3/5 thành viên có mặt đã bỏ phiếu" in text_of(client.get(f"/councils/ballots/{ballot.id}"))
    login_as(client, organizer)
    pdf = client.get(f"/councils/meetings/{meeting.id}/minutes.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf.data)).pages)
    assert "BIÊN BẢN KIỂM PHIẾU" not in text and "chưa kết thúc" in text


def test_member_votes_from_the_ballot_page_once(client, db, seeded) -> None:
    organizer, _, _, listed, meeting, noms = setup_meeting(members=5)
    ballot = councils.open_ballot(actor=organizer, meeting=meeting, nominations=noms)
    db.session.commit()
    member = listed[1]
    login_as(client, member.user)
    path = f"/councils/ballots/{ballot.id}"
    assert "Phiếu bầu của bạn" in text_of(client.get(path))
    incomplete = post_form(client, f"{path}/vote", {f"choice-{noms[0].id}": "yes"}, token_from=path)
    assert incomplete.status_code == 422 and "cho từng hồ sơ" in text_of(incomplete)
    assert _count(BallotVoter) == 0 and _count(BallotBoxEntry) == 0
    choices = {f"choice-{n.id}": "no" for n in noms}
    assert post_form(client, f"{path}/vote", choices, token_from=path).status_code == 302
    assert "Bạn đã bỏ phiếu trong đợt này" in text_of(client.get(path))
    again = post_form(client, f"{path}/vote", choices, token_from=path)
    assert again.status_code == 422 and "chỉ bỏ phiếu một lần" in text_of(again)
    assert _count(BallotVoter) == 1 and _count(BallotBoxEntry) == 2


def test_secretary_enters_paper_ballot_and_closes(client, db, seeded) -> None:
    _, award_round, _, listed, meeting, (nom,) = setup_meeting(members=5, nominations=1)
    secretary = listed[-1]
    login_as(client, secretary.user)
    response = post_form(client, f"/councils/meetings/{meeting.id}/ballots", {"ballot-nomination_ids": [nom.id]})
    assert response.status_code == 302
    ballot_path = response.headers["Location"]
    for member in listed:
        response = post_form(
            client,
            f"{ballot_path}/paper",
            {"paper-member_id": member.id, f"choice-{nom.id}": "yes"},
            token_from=ballot_path,
        )
        assert response.status_code == 302
    response = post_form(client, f"{ballot_path}/paper", {"paper-member_id": listed[0].id}, token_from=ballot_path)
    assert response.status_code == 422  # nobody left to enter
    assert post_form(client, f"{ballot_path}/close", token_from=ballot_path).status_code == 302
    page = text_of(client.get(ballot_path))
    assert "Đạt" in page and "Số phiếu thu về: 5." in page
    assert councils.passed_at(award_round, CouncilLevel.PROVINCIAL)[0].id == nom.id
    pdf = client.get(f"/councils/meetings/{meeting.id}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf.data)).pages)
    for expected in ("BIÊN BẢN HỌP HỘI ĐỒNG", "BIÊN BẢN KIỂM PHIẾU", "DANH SÁCH ĐỀ NGHỊ", "5/5 thành viên có mặt"):
        assert expected in text, expected
    assert "ít nhất 5 phiếu đồng ý" in text and nom.nominee.name in text


def test_ordinary_member_cannot_run_the_meeting(client, db, seeded) -> None:
    _, _, council, listed, meeting, noms = setup_meeting(members=5)
    login_as(client, listed[2].user)
    assert client.get(f"/councils/meetings/{meeting.id}/minutes.pdf").status_code == 403
    response = post_form(client, f"/councils/meetings/{meeting.id}/ballots", {"ballot-nomination_ids": [noms[0].id]})
    assert response.status_code == 403
    assert client.get("/councils/mine").status_code == 200
    assert council.name in text_of(client.get("/councils/mine"))


def test_navigation_leads_council_members_and_organizers_to_their_pages(app, db, seeded) -> None:
    from bs4 import BeautifulSoup

    _, _, _, listed, _, _ = setup_meeting(members=5)

    def nav_links(user) -> set[str]:
        page = login_as(app.test_client(), user).get("/")
        nav = BeautifulSoup(page.data, "html.parser").find("nav", {"aria-label": "Điều hướng chính"})
        return {a["href"] for a in nav.find_all("a", href=True)}

    member = nav_links(listed[2].user)
    assert "/councils/mine" in member and "/manage/councils" not in member
    organizer = nav_links(make_user(Role.ORGANIZER))
    assert {"/manage/councils", "/manage/award-rounds", "/manage/artisans/outcome"} <= organizer
    facility = nav_links(make_user(Role.FACILITY))
    assert "/artisans/my" in facility and "/councils/mine" not in facility and "/manage/councils" not in facility
