"""`kcvote certificates issue | verify`."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from kcvote.certificates import services
from kcvote.certificates.models import Certificate


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_issue_writes_one_pdf_each_and_a_combined_one(finalized, app, db, tmp_path, jobs: str) -> None:
    _, round_, _ = finalized
    out = tmp_path / "gcn"
    result = app.test_cli_runner().invoke(
        args=["kcvote", "certificates", "issue", str(round_.id), "--out", str(out), "--jobs", jobs]
    )
    assert result.exit_code == 0, result.output
    assert "2 issued now, 2 valid certificates written" in result.output
    year = db.session.scalar(select(Certificate.year).limit(1))
    assert sorted(p.name for p in out.iterdir()) == [f"gcn-{year}-0001.pdf", f"gcn-{year}-0002.pdf", "tat-ca.pdf"]
    combined = PdfReader(BytesIO((out / "tat-ca.pdf").read_bytes()))
    assert [("Số: 1/GCN-SCT" in p.extract_text(), "Số: 2/GCN-SCT" in p.extract_text()) for p in combined.pages] == [
        (True, False),
        (False, True),
    ]
    again = app.test_cli_runner().invoke(args=["kcvote", "certificates", "issue", str(round_.id), "--out", str(out)])
    assert "0 issued now, 2 valid certificates written" in again.output
    assert db.session.scalar(select(func.count(Certificate.id))) == 2


def test_issue_resumes_rendering_what_an_interruption_left(finalized, app, db, tmp_path) -> None:
    organizer, round_, _ = finalized
    services.issue_pending(actor=organizer, round_=round_, render_pdf=False)
    db.session.commit()
    result = app.test_cli_runner().invoke(
        args=["kcvote", "certificates", "issue", str(round_.id), "--out", str(tmp_path), "--jobs", "1"]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Certificate.id)).where(Certificate.pdf_key.is_(None))) == 0


def test_issue_refuses_a_round_not_finalized(db, seeded, app, tmp_path) -> None:
    from tests.factories import make_round

    round_ = make_round()
    result = app.test_cli_runner().invoke(
        args=["kcvote", "certificates", "issue", str(round_.id), "--out", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "kết quả đợt đã được chốt" in result.output


def test_verify_prints_the_status_with_an_exit_code(issued, app, db) -> None:
    organizer, _, _, certificates = issued
    runner = app.test_cli_runner()
    valid = runner.invoke(args=["kcvote", "certificates", "verify", certificates[0].verification_code])
    assert (valid.exit_code, valid.output.splitlines()[0]) == (0, f"1/GCN-SCT ({certificates[0].year}): valid")
    services.revoke_certificate(actor=organizer, certificate=certificates[0], reason="Vi phạm")
    db.session.commit()
    revoked = runner.invoke(args=["kcvote", "certificates", "verify", certificates[0].verification_code])
    assert revoked.exit_code == 2
    assert "revoked" in revoked.output and "Vi phạm" in revoked.output
    missing = runner.invoke(args=["kcvote", "certificates", "verify", "0" * 24])
    assert missing.exit_code == 1
