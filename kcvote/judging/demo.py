"""Plausible scores for demonstrations (`kcvote demo-scores`), never for real rounds' data."""

from __future__ import annotations

import random
from decimal import Decimal

from sqlalchemy import select

from kcvote.contests.models import Round
from kcvote.core.errors import DomainError
from kcvote.extensions import db
from kcvote.judging import rules, services
from kcvote.judging.models import Assignment


def fill_demo_scores(round_: Round, *, seed: int = 2025, submit_share: float = 1.0) -> int:
    """Give every assigned sheet points around a per-entry quality (some pass, some do not) and submit
    a share of them. Returns how many sheets were filled."""
    if not rules.scoring_open(round_):
        raise DomainError("The round is not judging.")
    rng = random.Random(seed)
    criteria = round_.rubric.criteria if round_.rubric else []
    quality: dict[int, float] = {}
    filled = 0
    assignments = db.session.scalars(
        select(Assignment).where(Assignment.round_id == round_.id).order_by(Assignment.entry_id, Assignment.juror_id)
    ).all()
    for assignment in assignments:
        entry, juror = assignment.entry, assignment.juror
        level = quality.setdefault(entry.id, rng.uniform(0.55, 0.95))
        points = {}
        for criterion in criteria:
            share = min(max(level + rng.uniform(-0.12, 0.12), 0), 1)
            points[criterion.id] = str((Decimal(share) * criterion.max_points * 2).quantize(Decimal(1)) / 2)
        services.save_sheet(actor=juror, entry=entry, points=points, remarks="")
        if rng.random() < submit_share:
            services.submit_sheet(actor=juror, entry=entry)
        filled += 1
    return filled
