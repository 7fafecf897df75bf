"""The hash-chained, append-only audit log and `audit verify`."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kcvote.core import audit
from kcvote.core.audit import GENESIS, AuditEntry, verify_chain


def _three_rows(db) -> list[AuditEntry]:
    rows = [audit.record("test.event", n=i, note="Nguyễn") for i in range(3)]
    db.session.commit()
    return rows


def test_record_links_each_row_to_the_previous(db) -> None:
    first, second, third = _three_rows(db)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash


def test_verify_chain_counts_rows_when_intact(db) -> None:
    _three_rows(db)
    report = verify_chain()
    assert (report.ok, report.rows, report.bad_id) == (True, 3, None)


def test_verify_chain_on_empty_log_is_ok(db) -> None:
    assert verify_chain().ok
    assert verify_chain().rows == 0


def _drop_triggers(db) -> None:
    """Simulate someone with full database access (bypassing the append-only triggers)."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("DROP TRIGGER audit_log_no_update"))
        db.session.execute(text("DROP TRIGGER audit_log_no_delete"))
    else:
        db.session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"))
    db.session.commit()


def test_tampered_content_is_detected_at_that_row(db, app) -> None:
    rows = _three_rows(db)
    _drop_triggers(db)
    db.session.execute(text("UPDATE audit_log SET action = 'test.forged' WHERE id = :id"), {"id": rows[1].id})
    db.session.commit()
    db.session.expire_all()
    report = verify_chain()
    assert (report.ok, report.bad_id) == (False, rows[1].id)


def test_deleted_row_is_detected(db) -> None:
    rows = _three_rows(db)
    _drop_triggers(db)
    db.session.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": rows[1].id})
    db.session.commit()
    report = verify_chain()
    assert report.bad_id == rows[2].id


def test_audit_verify_cli_exit_codes(db, app) -> None:
    rows = _three_rows(db)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["kcvote", "audit", "verify"])
    assert ok.exit_code == 0
    assert "3 rows" in ok.output
    _drop_triggers(db)
    db.session.execute(text("UPDATE audit_log SET data = '{\"n\": 99}' WHERE id = :id"), {"id": rows[0].id})
    db.session.commit()
    bad = runner.invoke(args=["kcvote", "audit", "verify"])
    assert bad.exit_code == 1
    assert f"row {rows[0].id}" in bad.output


def test_database_refuses_update_of_audit_rows(db) -> None:
    rows = _three_rows(db)
    with pytest.raises(DBAPIError):
        db.session.execute(text("UPDATE audit_log SET action = 'x' WHERE id = :id"), {"id": rows[0].id})
        db.session.flush()
    db.session.rollback()


def test_database_refuses_delete_of_audit_rows(db) -> None:
    rows = _three_rows(db)
    with pytest.raises(DBAPIError):
        db.session.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": rows[0].id})
        db.session.flush()
    db.session.rollback()


def test_orm_refuses_to_modify_audit_rows(db) -> None:
    rows = _three_rows(db)
    rows[0].action = "changed"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_concurrent_appends_on_postgresql_keep_one_chain(app, db) -> None:
    """Writers in parallel transactions must not fork the chain (advisory lock + unique prev_hash)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers itself; this checks PostgreSQL's advisory lock")
    import threading

    barrier = threading.Barrier(4)
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            with app.app_context():
                barrier.wait()
                for i in range(10):
                    audit.record("test.concurrent", writer=n, i=i)
                    db.session.commit()
                db.session.remove()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    report = verify_chain()
    assert (report.ok, report.rows) == (True, 40)
