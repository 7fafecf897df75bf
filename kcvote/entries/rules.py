"""Entry rules: who sees and changes a dossier, and what a complete dossier needs. Pure functions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from kcvote.accounts.enums import Role
from kcvote.contests.enums import RoundState
from kcvote.contests.rules import can_manage_round, registration_open
from kcvote.core.clock import deadline_passed, today_vn
from kcvote.entries.enums import REQUIRED_DOCUMENT_KINDS, REQUIRED_PHOTO_KINDS, EntryStatus
from kcvote.entries.models import Entry
from kcvote.facilities.rules import is_member

# Text sections of the bản thuyết minh, each required before submitting.
DESCRIPTION_FIELDS = ("materials", "production_process", "capacity", "markets", "price", "distinctive")


def is_owner(user: Any, entry: Entry) -> bool:
    """The user acts for the facility that filed the entry."""
    return is_member(user, entry.facility)


# Higher domains grant more readers without entries importing them (e.g. judging: an assigned,
# non-conflicted juror while the round is judged). Each grant gets (user, entry).
VIEW_GRANTS: list[Callable[[Any, Entry], bool]] = []


def can_view_entry(user: Any, entry: Entry) -> bool:
    """The facility, the round's organizers and admins, and whoever a higher domain grants."""
    return is_owner(user, entry) or can_manage_round(user, entry.round) or any(g(user, entry) for g in VIEW_GRANTS)


def can_view_documents(user: Any, entry: Entry) -> bool:
    """Documents identify the facility: granted readers see them only where a grant says so."""
    return is_owner(user, entry) or can_manage_round(user, entry.round) or any(g(user, entry) for g in DOCUMENT_GRANTS)


DOCUMENT_GRANTS: list[Callable[[Any, Entry], bool]] = []


def can_screen(user: Any, entry: Entry) -> bool:
    """Organizers of the round screen its dossiers while registration or screening runs."""
    return can_manage_round(user, entry.round)


def screening_open(entry: Entry) -> bool:
    return entry.round.state in (RoundState.OPEN, RoundState.SCREENING)


def dossier_editable(entry: Entry, today: date | None = None) -> bool:
    """A draft until the registration deadline; a dossier sent back for completion until its deadline."""
    today = today or today_vn()
    if entry.status == EntryStatus.DRAFT:
        return registration_open(entry.round, today)
    if entry.status == EntryStatus.COMPLETION_REQUESTED:
        return screening_open(entry) and not deadline_passed(entry.completion_deadline, today)
    return False


def can_edit(user: Any, entry: Entry, today: date | None = None) -> bool:
    return is_owner(user, entry) and dossier_editable(entry, today)


def can_withdraw(user: Any, entry: Entry, today: date | None = None) -> bool:
    """Before the deadline and before a decision."""
    if not is_owner(user, entry):
        return False
    if entry.status not in (EntryStatus.DRAFT, EntryStatus.SUBMITTED, EntryStatus.COMPLETION_REQUESTED):
        return False
    return registration_open(entry.round, today) or dossier_editable(entry, today)


def can_reopen(user: Any, entry: Entry, today: date | None = None) -> bool:
    """A submitted dossier not yet screened goes back to draft while registration is open."""
    return is_owner(user, entry) and entry.status == EntryStatus.SUBMITTED and registration_open(entry.round, today)


def missing_pieces(entry: Entry) -> list[str]:
    """Every piece a complete dossier still lacks, as stable codes (translated for display)."""
    missing = []
    if not entry.contact_name.strip() or not entry.contact_phone.strip():
        missing.append("contact")
    for field in DESCRIPTION_FIELDS:
        if not getattr(entry, field).strip():
            missing.append(f"description:{field}")
    if not entry.declaration_accepted:
        missing.append("declaration")
    kinds = {p.kind for p in entry.photos}
    for kind in REQUIRED_PHOTO_KINDS:
        if kind not in kinds:
            missing.append(f"photo:{kind.value}")
    if len(entry.photos) < entry.round.min_photos:
        missing.append("photo_count")
    documents = {d.kind for d in entry.documents}
    missing.extend(f"document:{k.value}" for k in REQUIRED_DOCUMENT_KINDS if k not in documents)
    return missing


def can_upload(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.holds(Role.FACILITY))
