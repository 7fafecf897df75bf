"""Append-only audit log whose rows are hash-chained.

Each row stores the hash of the previous row (``prev_hash``) and its own ``hash`` over its
content and ``prev_hash``. Changing, deleting or reordering any row breaks the chain, which
:func:`verify_chain` detects. ``prev_hash`` is unique, so two writers can never fork the chain;
on PostgreSQL an advisory lock serialises appends, on SQLite the database write lock does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, event, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from kcvote.core.db import Model, utcnow
from kcvote.extensions import db

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x6B63766F7465  # "kcvote": advisory lock id for appends


class AuditEntry(Model):
    """One audited event. Never updated, never deleted."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    def compute_hash(self) -> str:
        """Hash of this row's content chained to ``prev_hash``."""
        return entry_hash(
            prev_hash=self.prev_hash,
            created_at=self.created_at,
            actor_id=self.actor_id,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            ip=self.ip,
            data=self.data,
        )


def entry_hash(
    *,
    prev_hash: str,
    created_at: datetime,
    actor_id: int | None,
    action: str,
    object_type: str | None,
    object_id: str | None,
    ip: str | None,
    data: dict[str, Any] | None,
) -> str:
    """SHA-256 over a canonical JSON form of one row."""
    payload = json.dumps(
        [
            prev_hash,
            created_at.isoformat(timespec="microseconds"),
            actor_id,
            action,
            object_type,
            object_id,
            ip,
            data or {},
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    action: str,
    *,
    actor_id: int | None = None,
    obj: Any = None,
    object_type: str | None = None,
    object_id: object = None,
    ip: str | None = None,
    **data: Any,
) -> AuditEntry:
    """Append one row to the audit log (flushed, not committed: the caller's transaction owns it)."""
    session = db.session
    if obj is not None:
        object_type = object_type or type(obj).__name__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    if ip is None:
        ip = _request_ip()
    _lock_for_append(session)
    last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    entry = AuditEntry(
        created_at=utcnow(),
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        ip=ip,
        data=_jsonable(data),
        prev_hash=last or GENESIS,
    )
    entry.hash = entry.compute_hash()
    session.add(entry)
    session.flush()
    return entry


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    # A JSON round trip makes the stored value equal to what is hashed (tuples, dates ...).
    result: dict[str, Any] = json.loads(json.dumps(data, default=str, ensure_ascii=False))
    return result


def _request_ip() -> str | None:
    from flask import has_request_context, request

    if has_request_context():
        return request.remote_addr
    return None


def _lock_for_append(session: Any) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})


@dataclass(frozen=True)
class ChainReport:
    """Result of verifying the chain: ``bad_id`` is the first broken row, or None."""

    rows: int
    bad_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.bad_id is None


def _iter_rows(batch: int = 1000) -> Iterator[AuditEntry]:
    last_id = 0
    while True:
        rows = db.session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
        db.session.expunge_all()


def verify_chain() -> ChainReport:
    """Walk the log in id order and check every row's link and hash."""
    expected_prev = GENESIS
    count = 0
    for row in _iter_rows():
        if row.prev_hash != expected_prev:
            return ChainReport(count, row.id, "prev_hash does not match the previous row")
        if row.compute_hash() != row.hash:
            return ChainReport(count, row.id, "content does not match its hash")
        expected_prev = row.hash
        count += 1
    return ChainReport(count)


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, flush_context: object, instances: object) -> None:
    """The application never updates or deletes audit rows (the database refuses too)."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise RuntimeError("The audit log is append-only.")
