"""Certificates: numbering, validity, codes, issuing once, revoking, reissuing, lookups."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from kcvote.accounts.enums import Role
from kcvote.certificates import services
from kcvote.certificates.enums import CertificateState, CertificateStatus
from kcvote.certificates.models import Certificate
from kcvote.core.audit import AuditEntry, verify_chain
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.core.storage import get_storage
from tests.factories import make_judging_round, make_user


def test_valid_until_is_31_december_of_the_fourth_year_counting_the_issue_year() -> None:
    assert services.valid_until(date(2025, 12, 15), 4) == date(2028, 12, 31)
    assert services.valid_until(date(2025, 1, 1), 4) == date(2028, 12, 31)
    assert services.valid_until(date(2025, 6, 1), 1) == date(2025, 12, 31)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(min_value=1, max_value=9))
def test_valid_until_covers_the_issue_day_and_ends_a_year(issued_on: date, years: int) -> None:
    end = services.valid_until(issued_on, years)
    assert (end.month, end.day) == (12, 31)
    assert end >= issued_on
    assert end.year - issued_on.year == years - 1


def test_verification_code_has_120_random_bits_in_crockford_base32() -> None:
    codes = {services.new_verification_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert {len(c) for c in codes} == {24}
    assert set("".join(codes)) <= set(services.ALPHABET)
    assert not set("".join(codes)) & set("ILOU")


def test_normalise_code_forgives_what_people_type_from_paper() -> None:
    assert services.normalise_code(" abcd-efgh ") == "ABCDEFGH"
    assert services.normalise_code("o1l1 iO") == "0111" + "10"


def test_issue_numbers_in_series_and_freezes_the_facts(issued, db) -> None:
    _, _, entries, certificates = issued
    first = certificates[0]
    assert [(c.number, c.sequence, c.issuer_code) for c in certificates] == [
        ("1/GCN-SCT", 1, "SCT-TN"),
        ("2/GCN-SCT", 2, "SCT-TN"),
    ]
    assert first.entry_id == entries[0].id
    assert (first.subject, first.holder, first.prize, first.decision_number) == (
        entries[0].product.name,
        entries[0].facility.name,
        "Giải nhất",
        "1234/QĐ-SCT",
    )
    assert first.valid_until == services.valid_until(first.issued_on, 4)
    # Renaming the product afterwards does not change the certificate.
    entries[0].product.name = "Tên mới"
    db.session.commit()
    db.session.refresh(first)
    assert first.subject == "Sản phẩm 1"
    assert get_storage().read(first.pdf_key).startswith(b"%PDF")


def test_issuing_twice_issues_nothing_more(issued, db) -> None:
    organizer, round_, _, _ = issued
    again = services.issue_pending(actor=organizer, round_=round_)
    db.session.commit()
    assert again == []
    assert db.session.scalar(select(func.count(Certificate.id))) == 2


def test_only_recognised_entries_of_a_finalized_round_get_certificates(finalized, db) -> None:
    organizer, round_, entries = finalized
    with pytest.raises(DomainError, match="không có trong danh sách được công nhận"):
        services.issue_certificate(actor=organizer, round_=round_, entry=entries[2])
    organizer2, judging_round, _, _ = make_judging_round(n_entries=1, n_jurors=1)
    services.save_design(
        actor=organizer2,
        round_=judging_round,
        fields={"decision_number": "1", "decision_date": date(2025, 1, 1), "signer_name": "A"},
    )
    with pytest.raises(DomainError, match="kết quả đợt đã được chốt"):
        services.issue_pending(actor=organizer2, round_=judging_round)


def test_issue_refuses_an_incomplete_design(finalized, db) -> None:
    organizer, round_, _ = finalized
    services.save_design(actor=organizer, round_=round_, fields={"decision_number": "", "signer_name": ""})
    with pytest.raises(DomainError) as error:
        services.issue_pending(actor=organizer, round_=round_)
    assert "Số quyết định công nhận" in str(error.value) and "Họ tên người ký" in str(error.value)
    assert db.session.scalar(select(func.count(Certificate.id))) == 0


def test_numbers_restart_each_year_and_per_issuer(finalized, db) -> None:
    organizer, round_, entries = finalized
    a = services.issue_certificate(actor=organizer, round_=round_, entry=entries[0], issued_on=date(2025, 12, 20))
    b = services.issue_certificate(actor=organizer, round_=round_, entry=entries[1], issued_on=date(2026, 1, 5))
    assert (a.year, a.sequence, b.year, b.sequence) == (2025, 1, 2026, 1)
    assert services.next_number("SCT-KHAC", 2026) == 1
    assert services.next_number("SCT-TN", 2026) == 2


def test_revoke_needs_a_reason_and_shows_as_revoked(issued, db) -> None:
    organizer, _, _, certificates = issued
    with pytest.raises(DomainError, match="lý do"):
        services.revoke_certificate(actor=organizer, certificate=certificates[0], reason="  ")
    services.revoke_certificate(actor=organizer, certificate=certificates[0], reason="Cơ sở vi phạm an toàn thực phẩm")
    db.session.commit()
    assert certificates[0].state(date(2026, 1, 1)) == CertificateState.REVOKED
    with pytest.raises(DomainError):
        services.revoke_certificate(actor=organizer, certificate=certificates[0], reason="lần nữa")
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert "certificate.revoked" in actions
    assert verify_chain().ok


def test_only_the_rounds_organizers_revoke(issued, db) -> None:
    _, _, _, certificates = issued
    stranger = make_user(Role.ORGANIZER)
    with pytest.raises(NotAllowed):
        services.revoke_certificate(actor=stranger, certificate=certificates[0], reason="x")


def test_reissue_gives_a_new_number_and_marks_the_old_replaced(issued, db) -> None:
    organizer, _, entries, certificates = issued
    entries[0].facility.name = "Hợp tác xã Chè La Bằng (tên đúng)"
    new = services.reissue_certificate(actor=organizer, certificate=certificates[0], reason="Sai tên cơ sở")
    db.session.commit()
    old = certificates[0]
    assert (old.status, old.replaced_by_id) == (CertificateStatus.REPLACED, new.id)
    assert (new.number, new.generation, new.holder) == ("3/GCN-SCT", 2, "Hợp tác xã Chè La Bằng (tên đúng)")
    assert new.verification_code != old.verification_code
    with pytest.raises(DomainError):
        services.reissue_certificate(actor=organizer, certificate=old, reason="lần nữa")


def test_expired_is_the_state_after_the_last_valid_day(issued) -> None:
    certificate = issued[3][0]
    assert certificate.state(certificate.valid_until) == CertificateState.VALID
    assert certificate.state(date(certificate.valid_until.year + 1, 1, 1)) == CertificateState.EXPIRED


def test_lookup_needs_the_number_and_the_short_code(issued) -> None:
    certificate = issued[3][0]
    short = certificate.verification_code[:8]
    assert services.lookup(certificate.number, short.lower()) == certificate
    assert services.lookup(f" {certificate.number} ", f"{short[:4]}-{short[4:]}") == certificate
    assert services.lookup(certificate.number, "ZZZZZZZZ") is None
    assert services.lookup("999/GCN-SCT", short) is None
    assert services.lookup(certificate.number, short[:7]) is None
    assert services.by_code(certificate.verification_code.lower()) == certificate
    assert services.by_code(certificate.verification_code[:-1]) is None


def test_results_with_valid_certificates_cannot_be_reopened(issued, db) -> None:
    from kcvote.contests import services as contest_services

    organizer, round_, _, certificates = issued
    admin = make_user(Role.ADMIN)
    with pytest.raises(DomainError, match="2 giấy chứng nhận còn hiệu lực"):
        contest_services.reopen_results(actor=admin, round_=round_, reason="Sai sót điểm")
    for certificate in certificates:
        services.revoke_certificate(actor=organizer, certificate=certificate, reason="Mở lại kết quả")
    contest_services.reopen_results(actor=admin, round_=round_, reason="Sai sót điểm")
    assert round_.state.value == "closed"
