"""What judging lets jurors read in the entries domain (registered there; entries cannot import us)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kcvote.entries.models import Entry
from kcvote.entries.rules import DOCUMENT_GRANTS, VIEW_GRANTS
from kcvote.extensions import db
from kcvote.judging import rules
from kcvote.judging.models import Assignment, Conflict


def assigned_juror_may_read(user: Any, entry: Entry) -> bool:
    """An assigned juror without a conflict reads the dossier while the round is judged (and after,
    once results are visible)."""
    if not getattr(user, "is_authenticated", False) or entry.round.state.value not in ("judging", "closed"):
        return False
    assigned = db.session.scalar(
        select(Assignment.id).where(Assignment.juror_id == user.id, Assignment.entry_id == entry.id)
    )
    if assigned is None:
        return False
    conflict = db.session.scalar(select(Conflict.id).where(Conflict.juror_id == user.id, Conflict.entry_id == entry.id))
    return conflict is None


def assigned_juror_may_read_documents(user: Any, entry: Entry) -> bool:
    """Documents name the facility: not in blind judging."""
    return rules.sees_identity(entry.round) and assigned_juror_may_read(user, entry)


for grant, registry in ((assigned_juror_may_read, VIEW_GRANTS), (assigned_juror_may_read_documents, DOCUMENT_GRANTS)):
    if grant not in registry:
        registry.append(grant)
