"""Checks entries adds to round transitions (registered with contests, which cannot import us)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from kcvote.contests.enums import RoundState
from kcvote.contests.models import Round
from kcvote.contests.services import transition_guard
from kcvote.entries.enums import UNSCREENED, EntryStatus
from kcvote.entries.queries import status_counts


@transition_guard(RoundState.JUDGING)
def screening_finished(round_: Round) -> list[str]:
    """Judging starts only when every submitted dossier is screened and one at least accepted."""
    counts = status_counts(round_.id)
    waiting = sum(counts.get(s, 0) for s in UNSCREENED)
    if waiting:
        return [str(_l("Còn %(n)d hồ sơ chưa thẩm định xong; chưa thể bắt đầu chấm điểm.", n=waiting))]
    if not counts.get(EntryStatus.ACCEPTED):
        return [str(_l("Chưa có hồ sơ nào được tiếp nhận; chưa thể bắt đầu chấm điểm."))]
    return []
