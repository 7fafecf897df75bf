"""Bulk issue in the background, with its progress in the database.

A job issues the round's pending certificates one at a time, committing each with the job's progress
and heartbeat. Any instance can show the progress; a job whose heartbeat stops (the process was
killed, the machine restarted) is interrupted, and starting the issue again resumes it: issuing is
idempotent (one certificate per entry and generation), so nothing is issued twice.

How a job runs is the setting CERTIFICATE_JOBS: "thread" (default: a thread of the web process, for
the embedded setup), "inline" (within the request; tests), or "worker" (left pending for
``flask --app wsgi kcvote certificates work``, run by a separate process in a scale-out setup).
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kcvote.accounts.models import User
from kcvote.certificates import services
from kcvote.certificates.enums import JobStatus
from kcvote.certificates.models import Certificate, IssueJob
from kcvote.certificates.rules import can_manage_certificates
from kcvote.contests.models import Round
from kcvote.core import audit
from kcvote.core.db import utcnow
from kcvote.core.errors import NotAllowed
from kcvote.extensions import db

log = logging.getLogger(__name__)

# A running job that has not written its heartbeat for this long was interrupted.
STALE_AFTER = timedelta(seconds=90)


def latest_job(round_: Round) -> IssueJob | None:
    return db.session.scalar(
        select(IssueJob).where(IssueJob.round_id == round_.id).order_by(IssueJob.id.desc()).limit(1)
    )


def is_live(job: IssueJob) -> bool:
    """Pending, or running with a recent heartbeat."""
    if job.status == JobStatus.PENDING:
        return True
    return job.status == JobStatus.RUNNING and utcnow() - job.heartbeat_at < STALE_AFTER


def _done(round_: Round) -> int:
    """Recognised entries whose certificate is issued with its PDF."""
    recognised = set(services.recognised_entry_ids(round_))
    without_pdf = set(services.missing_pdf_ids(round_))
    rows = db.session.execute(select(Certificate.id, Certificate.entry_id).where(Certificate.round_id == round_.id))
    return len({entry_id for cid, entry_id in rows if entry_id in recognised and cid not in without_pdf})


def progress(round_: Round) -> dict[str, object]:
    """What the progress bar shows: issued (with PDF) of recognised, and the latest job's state."""
    job = latest_job(round_)
    total = len(services.recognised_entry_ids(round_))
    done = _done(round_)
    state = "idle"
    if job is not None:
        state = job.status.value
        if job.status == JobStatus.RUNNING and not is_live(job):
            state = "interrupted"
    return {"total": total, "done": done, "state": state, "error": job.error if job is not None else ""}


def start_issue(*, actor: User, round_: Round) -> tuple[IssueJob, bool]:
    """Start issuing the round's pending certificates, or join the job already under way. Returns
    the job and whether a new run was started (False: one is already live).

    :raise DomainError: the results are not frozen or the design is incomplete.
    """
    if not can_manage_certificates(actor, round_):
        raise NotAllowed(_l("Bạn không quản lý đợt bình chọn này."))
    services.check_can_issue(round_, services.design_of(round_))
    job = latest_job(round_)
    if job is not None and is_live(job):
        return job, False
    pending = services.pending_entry_ids(round_)
    job = IssueJob(
        round_id=round_.id,
        status=JobStatus.PENDING,
        total=len(services.recognised_entry_ids(round_)),
        done=_done(round_),
        started_by_id=actor.id,
    )
    db.session.add(job)
    db.session.flush()
    audit.record("certificates.issue_started", actor_id=actor.id, obj=round_, job_id=job.id, pending=len(pending))
    return job, True


def run_job(job_id: int) -> IssueJob | None:
    """Issue the job's pending certificates, committing after each (needs an app context)."""
    job = db.session.get(IssueJob, job_id)
    if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
        return job
    round_ = db.session.get(Round, job.round_id)
    actor = db.session.get(User, job.started_by_id) if job.started_by_id else None
    if round_ is None:
        return job
    job.status, job.heartbeat_at = JobStatus.RUNNING, utcnow()
    db.session.commit()
    try:
        design = services.design_of(round_)
        services.check_can_issue(round_, design)
        prizes = services.recognised(round_)
        job.total = len(prizes)
        pending = services.pending_entry_ids(round_)
        # Registry rows in short transactions, then the PDFs batch by batch (no lock held while
        # rendering); an interruption anywhere is resumed by the next run (missing_pdf_ids).
        for start in range(0, len(pending), services.RENDER_BATCH):
            for entry_id in pending[start : start + services.RENDER_BATCH]:
                services.issue_if_pending(
                    actor=actor, round_=round_, entry_id=entry_id, design=design, prizes=prizes, render_pdf=False
                )
            db.session.commit()
            services.render_missing(round_)
            job.done = _done(round_)
            job.heartbeat_at = utcnow()
            db.session.commit()
        services.render_missing(round_)
        job.done = _done(round_)
        job.status, job.finished_at = JobStatus.DONE, utcnow()
        db.session.commit()
    except Exception as exc:  # a failed job must say so on the page, whatever broke
        db.session.rollback()
        log.exception("certificate job %s failed", job_id)
        job = db.session.get(IssueJob, job_id)
        if job is not None:
            job.status, job.error, job.finished_at = JobStatus.FAILED, str(exc)[:500], utcnow()
            db.session.commit()
    return job


def launch(job: IssueJob) -> None:
    """Run the job the way CERTIFICATE_JOBS says (the caller has committed the job row)."""
    mode = current_app.config.get("CERTIFICATE_JOBS", "thread")
    if mode == "inline":
        run_job(job.id)
    elif mode == "thread":
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        threading.Thread(target=_run_in_app, args=(app, job.id), name=f"certificates-{job.id}", daemon=True).start()


def _run_in_app(app: Flask, job_id: int) -> None:
    with app.app_context():
        try:
            run_job(job_id)
        finally:
            db.session.remove()


def work_pending() -> int:
    """Run every pending or interrupted job once (the worker's loop body); returns how many ran."""
    ran = 0
    for job in db.session.scalars(
        select(IssueJob).where(IssueJob.status.in_([JobStatus.PENDING, JobStatus.RUNNING]))
    ).all():
        if job.status == JobStatus.RUNNING and is_live(job):
            continue
        run_job(job.id)
        ran += 1
    return ran
