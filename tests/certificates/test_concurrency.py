"""Two issuers at once on PostgreSQL: numbers stay unique and gapless, and no entry is certified twice."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import select

from kcvote.certificates import services
from kcvote.certificates.models import Certificate
from tests.certificates.conftest import DESIGN
from tests.conftest import database_url
from tests.factories import make_finalized_round

pytestmark = pytest.mark.skipif(database_url() is None, reason="row locks under concurrency: PostgreSQL only")


def _run_together(app, work: list[Callable[[], None]]) -> list[BaseException]:
    barrier = threading.Barrier(len(work))
    failures: list[BaseException] = []

    def run(task: Callable[[], None]) -> None:
        try:
            with app.app_context():
                barrier.wait()
                task()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=run, args=(task,)) for task in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def _issuer(round_id: int) -> Callable[[], None]:
    def issue() -> None:
        from kcvote.contests.models import Round
        from kcvote.extensions import db

        round_ = db.session.get(Round, round_id)
        services.issue_pending(actor=None, round_=round_, render_pdf=False)
        db.session.commit()
        db.session.remove()

    return issue


def test_two_issuers_of_one_series_take_distinct_numbers(app, db, seeded) -> None:
    rounds = []
    for _ in range(2):
        organizer, round_, _ = make_finalized_round(n_entries=4, n_recognised=4)
        services.save_design(actor=organizer, round_=round_, fields=DESIGN)  # the same issuer code
        rounds.append(round_.id)
    db.session.commit()
    assert _run_together(app, [_issuer(rounds[0]), _issuer(rounds[1])]) == []
    db.session.rollback()
    numbers = db.session.scalars(select(Certificate.sequence).order_by(Certificate.sequence)).all()
    assert numbers == list(range(1, 9))


def test_two_jobs_on_one_round_certify_each_entry_once(app, db, seeded) -> None:
    organizer, round_, _ = make_finalized_round(n_entries=4, n_recognised=4)
    services.save_design(actor=organizer, round_=round_, fields=DESIGN)
    db.session.commit()
    assert _run_together(app, [_issuer(round_.id), _issuer(round_.id)]) == []
    db.session.rollback()
    rows = db.session.execute(select(Certificate.entry_id, Certificate.sequence).order_by(Certificate.sequence)).all()
    assert len({entry_id for entry_id, _ in rows}) == len(rows) == 4
    assert [sequence for _, sequence in rows] == [1, 2, 3, 4]
