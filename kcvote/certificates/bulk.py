"""Rendering many certificates' PDFs on every core (the CLI's bulk issue).

Rendering is CPU-bound Python (WeasyPrint), so threads do not help; worker processes do. Each worker
is a fresh interpreter (spawn, never fork: a forked database connection would be shared) that builds
its own app from the parent's configuration and renders batches of certificate ids, committing each
batch's PDF keys. The registry rows exist before rendering starts, so workers never take numbers.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from kcvote.contests.models import Round
from kcvote.extensions import db

_worker_app: Flask | None = None


def _portable_config(app: Flask) -> dict[str, Any]:
    """The parent's settings that a worker needs to reach the same database and media."""
    simple = (str, int, float, bool, type(None))
    return {key: value for key, value in app.config.items() if key.isupper() and isinstance(value, simple)}


def _init_worker(config: dict[str, Any]) -> None:
    global _worker_app
    from kcvote import create_app

    _worker_app = create_app(config)
    _worker_app.app_context().push()


def _render_batch(args: tuple[int, list[int]]) -> int:
    from kcvote.certificates import services

    round_id, ids = args
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        return 0
    made = services.render_missing(round_, ids)
    db.session.commit()
    db.session.remove()
    return made


def _chunks(ids: list[int], size: int) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def issue_and_render(round_: Round, *, jobs: int, progress: Callable[[int], None]) -> tuple[int, int]:
    """Issue the round's pending certificates and make every missing PDF, ``jobs`` processes
    rendering while this one numbers the next batch (numbering is a few milliseconds a certificate,
    rendering a hundred: they overlap). ``progress(n)`` after each rendered batch. Returns (issued,
    rendered). Resumable: certificates numbered by an interrupted run are rendered first."""
    from kcvote.certificates import services

    design = services.design_of(round_)
    services.check_can_issue(round_, design)
    prizes = services.recognised(round_)
    missing = services.missing_pdf_ids(round_)
    pending = services.pending_entry_ids(round_)
    size = services.RENDER_BATCH
    issued = rendered = 0
    if jobs <= 1:
        for batch in _chunks(missing, size):
            rendered += services.render_missing(round_, batch)
            db.session.commit()
            progress(len(batch))
        for batch in _chunks(pending, size):
            certificates = services.issue_batch(
                actor=None, round_=round_, entry_ids=batch, design=design, prizes=prizes
            )
            db.session.commit()
            issued += len(certificates)
            rendered += services.render_missing(round_, [c.id for c in certificates])
            db.session.commit()
            progress(len(batch))
        return issued, rendered
    config = _portable_config(current_app)
    context = multiprocessing.get_context("spawn")
    with context.Pool(jobs, initializer=_init_worker, initargs=(config,)) as pool:
        waiting: list[tuple[int, Any]] = [
            (len(batch), pool.apply_async(_render_batch, ((round_.id, batch),))) for batch in _chunks(missing, size)
        ]

        def drain(block: bool) -> int:
            made = 0
            while waiting and (block or waiting[0][1].ready()):
                count, result = waiting.pop(0)
                made += result.get()
                progress(count)
            return made

        for batch in _chunks(pending, size):
            certificates = services.issue_batch(
                actor=None, round_=round_, entry_ids=batch, design=design, prizes=prizes
            )
            db.session.commit()
            issued += len(certificates)
            ids = [c.id for c in certificates]
            waiting.append((len(batch), pool.apply_async(_render_batch, ((round_.id, ids),))))
            rendered += drain(block=False)
        rendered += drain(block=True)
    return issued, rendered
