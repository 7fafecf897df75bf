"""Ballot secrecy: the schema cannot link a member to a choice, the data after closing does not betray the
voting order, and one member cannot vote twice, not even with two requests at the same moment."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import DateTime, Integer, inspect, select, text
from sqlalchemy.sql.sqltypes import Date, Time

from kcvote.artisans import councils
from kcvote.artisans.enums import Choice
from kcvote.artisans.models import Ballot, BallotBoxEntry, BallotVoter, Vote
from kcvote.core.errors import DomainError
from kcvote.extensions import db
from tests.artisans.test_council_services import setup_meeting, vote_all
from tests.conftest import database_url

TIME_TYPES = (DateTime, Date, Time)
PERSON_TABLES = {"users", "council_members"}


def _columns(table: str) -> dict[str, object]:
    return {c["name"]: c for c in inspect(db.engine).get_columns(table)}


def test_schema_keeps_who_apart_from_what(db) -> None:
    inspector = inspect(db.engine)
    voters = _columns("ballot_voters")
    assert set(voters) == {"ballot_id", "member_id", "channel"}
    assert not any(isinstance(c["type"], TIME_TYPES) for c in voters.values())
    # No serial id: the key is the pair (ballot, member), nothing counts up with each vote.
    assert inspector.get_pk_constraint("ballot_voters")["constrained_columns"] == ["ballot_id", "member_id"]
    assert "id" not in voters and "choice" not in voters
    for table in ("ballot_box", "votes"):
        columns = _columns(table)
        assert set(columns) == {"id", "ballot_id", "nomination_id", "choice"}, table
        assert not any(isinstance(c["type"], TIME_TYPES) for c in columns.values()), table
        assert not any(re.search(r"member|user|voter|time|created|_at$", name) for name in columns), table
        referenced = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        assert not referenced & PERSON_TABLES, table
        # The id is a random string, not a number that counts up.
        assert not isinstance(columns["id"]["type"], Integer), table
        assert inspector.get_pk_constraint(table)["constrained_columns"] == ["id"]


def _storage_order_column() -> str:
    return "ctid" if db.engine.dialect.name == "postgresql" else "rowid"


def _reproduces(sequence: list[tuple[int, str]], patterns: list[dict[int, Choice]], size: int) -> bool:
    """Reading rows in this order, is each run of ``size`` rows one member's ballot, in voting order?"""
    chunks = [sequence[i : i + size] for i in range(0, len(sequence), size)]
    return [dict(chunk) for chunk in chunks] == [{k: v.value for k, v in p.items()} for p in patterns]


def test_closed_ballot_does_not_betray_who_voted_what(db, seeded) -> None:
    organizer, _, _, listed, meeting, noms = setup_meeting(members=5, nominations=3)
    ballot = councils.open_ballot(actor=organizer, meeting=meeting, nominations=noms)
    db.session.commit()
    a, b, c = (n.id for n in noms)
    yes, no = Choice.YES, Choice.NO
    patterns = [  # five members, each a different ballot, voting in this order
        {a: yes, b: yes, c: yes},
        {a: no, b: no, c: no},
        {a: yes, b: no, c: yes},
        {a: no, b: yes, c: no},
        {a: yes, b: yes, c: no},
    ]
    vote_all(ballot, listed, patterns)
    box_ids = set(db.session.scalars(select(BallotBoxEntry.id)))
    assert len(box_ids) == 15
    councils.close_ballot(actor=organizer, ballot=ballot)
    db.session.commit()

    with db.engine.connect() as conn:  # full database access, as an administrator would have
        assert conn.execute(text("SELECT count(*) FROM ballot_box")).scalar() == 0
        rows = conn.execute(text("SELECT id, nomination_id, choice FROM votes")).all()
        assert len(rows) == 15
        assert all(re.fullmatch(r"[0-9a-f]{32}", row.id) for row in rows)
        assert not {row.id for row in rows} & box_ids  # fresh ids, not the box's
        orderings = [
            "id",
            _storage_order_column(),
            "nomination_id",
            "choice",
            "nomination_id, choice",
            "choice, nomination_id",
            "ballot_id",
        ]
        for order in orderings:
            sequence = [
                (row.nomination_id, row.choice)
                for row in conn.execute(text(f"SELECT nomination_id, choice FROM votes ORDER BY {order}"))  # noqa: S608 (fixed list above)
            ]
            assert not _reproduces(sequence, patterns, 3), order
        voters = conn.execute(text("SELECT * FROM ballot_voters")).mappings().all()
        assert {tuple(sorted(v.keys())) for v in voters} == {("ballot_id", "channel", "member_id")}
    # The tallies are right.
    expected = {n: sum(1 for p in patterns if p[n] == yes) for n in (a, b, c)}
    assert {i.nomination_id: i.yes_count for i in ballot.items} == expected
    assert {i.nomination_id: i.no_count for i in ballot.items} == {n: 5 - v for n, v in expected.items()}
    assert ballot.ballots_cast == 5


def test_second_vote_is_refused_and_nothing_changes(db, seeded) -> None:
    organizer, _, _, listed, meeting, noms = setup_meeting(members=5)
    ballot = councils.open_ballot(actor=organizer, meeting=meeting, nominations=noms)
    db.session.commit()
    vote_all(ballot, listed[:1], [{n.id: Choice.YES for n in noms}])
    with pytest.raises(DomainError, match="mỗi thành viên chỉ bỏ phiếu một lần"):
        councils.cast_vote(actor=listed[0].user, ballot=ballot, choices={n.id: Choice.NO for n in noms})
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(BallotBoxEntry)) == 2
    assert db.session.scalar(select(db.func.count()).select_from(BallotVoter)) == 1


@pytest.mark.skipif(database_url() is None, reason="row locks under concurrency: PostgreSQL only")
@pytest.mark.parametrize("channel", ["online", "online+paper"])
def test_two_votes_of_one_member_at_once_make_one(app, db, seeded, channel: str) -> None:
    """Two requests casting the same member's ballot at the same moment (two tabs, or a tab and the
    secretary's paper entry): one voter record, one set of choices, the other refused with a message."""
    organizer, _, _, listed, meeting, noms = setup_meeting(members=5)
    ballot = councils.open_ballot(actor=organizer, meeting=meeting, nominations=noms)
    db.session.commit()
    ballot_id, member_id, organizer_id = ballot.id, listed[0].id, organizer.id
    nomination_ids = [n.id for n in noms]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    failures: list[BaseException] = []

    def cast(index: int) -> None:
        try:
            with app.app_context():
                from kcvote.accounts.models import User
                from kcvote.artisans.models import CouncilMember

                member = db.session.get(CouncilMember, member_id)
                target = db.session.get(Ballot, ballot_id)
                choices = dict.fromkeys(nomination_ids, Choice.YES if index == 0 else Choice.NO)
                barrier.wait()
                try:
                    if channel == "online+paper" and index == 1:
                        councils.enter_paper_ballot(
                            actor=db.session.get(User, organizer_id), ballot=target, member=member, choices=choices
                        )
                    else:
                        councils.cast_vote(actor=member.user, ballot=target, choices=choices)
                    db.session.commit()
                    outcomes.append("ok")
                except DomainError as error:
                    db.session.rollback()
                    outcomes.append(str(error.message))
                finally:
                    db.session.remove()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=cast, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(outcomes)[-1] == "ok" and outcomes.count("ok") == 1
    assert any("chỉ bỏ phiếu một lần" in o for o in outcomes)
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(BallotVoter)) == 1
    box = db.session.scalars(select(BallotBoxEntry.choice)).all()
    assert len(box) == 2 and len(set(box)) == 1  # one member's set of choices, not a mix


def test_vote_ids_are_not_in_voting_order(db, seeded) -> None:
    """The counted votes' ids are random: sorting them says nothing."""
    organizer, _, _, listed, meeting, noms = setup_meeting(members=5, nominations=1)
    ballot = councils.open_ballot(actor=organizer, meeting=meeting, nominations=noms)
    db.session.commit()
    vote_all(ballot, listed, [{noms[0].id: Choice.YES}] * 5)
    councils.close_ballot(actor=organizer, ballot=ballot)
    db.session.commit()
    ids = db.session.scalars(select(Vote.id).where(Vote.ballot_id == ballot.id)).all()
    assert len(set(ids)) == 5 and all(len(i) == 32 for i in ids)
