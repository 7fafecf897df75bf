"""Operator commands: `flask --app wsgi kcvote ...`."""

from __future__ import annotations

import sys
from typing import Any

import click
from flask.cli import AppGroup

from kcvote.accounts import services as account_services
from kcvote.accounts.enums import Role
from kcvote.core import audit
from kcvote.core.errors import DomainError
from kcvote.extensions import db

kcvote_cli = AppGroup("kcvote", help="kcvote operator commands.")


@kcvote_cli.command("seed")
def seed() -> None:
    """Load reference data (regions, provinces, levels, product groups) and the artisan-title rules in
    force since 6/6/2024; adds only what is missing."""
    from kcvote.artisans.settings import seed_rules
    from kcvote.reference.services import seed_reference_data

    report = seed_reference_data()
    rules = seed_rules()
    db.session.commit()
    click.echo(
        f"Reference data: +{report.regions} regions, +{report.provinces} provinces, "
        f"+{report.levels} levels, +{report.product_groups} product groups."
    )
    click.echo(f"Artisan-title rules: +{rules} rule versions.")


@kcvote_cli.command("demo")
def demo() -> None:
    """Load demo data (users per role, product rounds, artisan titles) and print the demo logins."""
    from kcvote.demo import (
        DEMO_PASSWORD,
        load_demo_artisans,
        load_demo_certified_round,
        load_demo_judging_round,
        load_demo_round,
        load_demo_users,
    )

    rows = load_demo_users()
    db.session.commit()
    round_, entries = load_demo_round()
    db.session.commit()
    judging_round, judged = load_demo_judging_round()
    db.session.commit()
    certified_round, certified = load_demo_certified_round()
    db.session.commit()
    artisans = load_demo_artisans()
    db.session.commit()
    created = sum(1 for _, was_created in rows if was_created)
    click.echo(f"Demo data: +{created} users, +{entries} entries" + (f" in round {round_.id}." if round_ else "."))
    if judging_round is not None:
        click.echo(f"Demo judging: round {judging_round.id} with {judged} entries, 3 jurors, sheets in progress.")
    if certified_round is not None:
        click.echo(
            f"Demo certificates: round {certified_round.id} ({certified_round.year}) finalized and published, "
            f"{certified} certificates issued; verify one at /verify."
        )
    click.echo(
        f"Demo artisan titles: +{artisans.award_rounds} award rounds, +{artisans.dossiers} dossiers, "
        f"+{artisans.accounts} accounts, +{artisans.councils} councils, +{artisans.ballots} ballots, "
        f"+{artisans.comments} comments, +{artisans.certificates} certificates."
    )
    if artisans.current_round is not None:
        click.echo(
            f"Demo artisan round {artisans.current_round.id} (lần thứ 6): Thái Nguyên receives dossiers; the "
            "provincial council has a ballot open today (council@demo.kcvote.vn, its secretary, has not voted)."
        )
    if artisans.comment_period is not None:
        click.echo(
            f"Demo public comment: the ministry council's list at /artisans/comment/{artisans.comment_period.id}."
        )
    if artisans.final_round is not None:
        click.echo(
            f"Demo recognised artisans: award round {artisans.final_round.id} (lần thứ 5), "
            f"{len(artisans.recognised)} artisans with certificates at /artisans/gallery."
        )
    click.echo("")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD})")
    for user, _ in rows:
        click.echo(f"  {user.role.value:<15} {user.email}")
    for role, emails, what in (
        ("council_member", "council2@ … council10@demo.kcvote.vn", "provincial council (council@ is its secretary)"),
        ("council_member", "hdbo1@ … hdbo7@demo.kcvote.vn", "ministry council"),
        ("council_member", "hdnn1@ … hdnn9@demo.kcvote.vn", "State council"),
        ("facility", "nghenhan1@demo.kcvote.vn", "artisan recognised in lần thứ 5, with a certificate"),
        ("facility", "nghenhan2@demo.kcvote.vn", "artisan asked to complete a dossier"),
    ):
        click.echo(f"  {role:<15} {emails:<38} {what}")


@kcvote_cli.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default=None, help="Full name (defaults to the part of EMAIL before @).")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="KCVOTE_NEW_PASSWORD",
    help="Prompted when not given; or set KCVOTE_NEW_PASSWORD.",
)
def create_user(email: str, role: str, name: str | None, password: str) -> None:
    """Create an active, confirmed user with one role."""
    from flask import current_app

    try:
        user = account_services.create_user(
            email=email,
            name=name or email.split("@")[0],
            password=password,
            role=Role(role),
            min_length=current_app.config["PASSWORD_MIN_LENGTH"],
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    click.echo(f"Created user {user.id} {user.email} with role {role}.")


rounds_cli = AppGroup("rounds", help="Selection rounds.")
kcvote_cli.add_command(rounds_cli)


@rounds_cli.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def rounds_list(fmt: str) -> None:
    """Every round with its id, name, level, year, state and entry count."""
    import json

    from kcvote.contests.queries import round_summary
    from kcvote.entries.queries import rounds_with_entry_counts

    records = [round_summary(r, n) for r, n in rounds_with_entry_counts()]
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    for rec in records:
        click.echo(
            f"{rec['id']:>5}  {rec['year']}  {rec['state']:<10} {rec['entry_count']:>5}  {rec['level']}: {rec['name']}"
        )


def _round_or_fail(round_id: int) -> Any:
    from kcvote.contests.models import Round

    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise click.ClickException(f"No round {round_id}.")
    return round_


@kcvote_cli.command("results")
@click.argument("round_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
def results_command(round_id: int, fmt: str) -> None:
    """One record per entry: code, product, facility, group, juror_totals, average, median, rank,
    passed, recognised, prize (provisional until the round is finalized, frozen afterwards)."""
    import csv
    import json

    from kcvote.judging.results import RECORD_KEYS, records

    rows = [{key: record.get(key) for key in RECORD_KEYS} for record in records(_round_or_fail(round_id))]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(RECORD_KEYS))
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "juror_totals": " ".join(row["juror_totals"] or [])})


@kcvote_cli.command("export-scores")
@click.argument("round_id", type=int)
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True)
def export_scores_command(round_id: int, out: str) -> None:
    """Write every score (juror × entry × criterion) and the summary to an Excel file."""
    from pathlib import Path

    from kcvote.judging.exports import export_scores

    Path(out).write_bytes(export_scores(_round_or_fail(round_id)))
    click.echo(f"Wrote {out}.")


@kcvote_cli.command("demo-scores")
@click.argument("round_id", type=int)
@click.option("--seed", type=int, default=2025, show_default=True)
def demo_scores_command(round_id: int, seed: int) -> None:
    """For demos only: fill plausible scores on every assigned sheet of a judging round and submit them."""
    from kcvote.judging.demo import fill_demo_scores

    try:
        sheets = fill_demo_scores(_round_or_fail(round_id), seed=seed)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    click.echo(f"Filled and submitted {sheets} score sheets.")


certificates_cli = AppGroup("certificates", help="Certificates: bulk issue, verification, background jobs.")
kcvote_cli.add_command(certificates_cli)


@certificates_cli.command("issue")
@click.argument("round_id", type=int)
@click.option("--out", "out", type=click.Path(file_okay=False), required=True, help="Folder for the PDF files.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes rendering PDFs (default: the number of CPU cores).",
)
def certificates_issue(round_id: int, out: str, jobs: int | None) -> None:
    """Issue the certificates of a finalized round's recognised products (again: only the missing
    ones; an interrupted run resumes) and write one PDF per valid certificate plus tat-ca.pdf, all of
    them in one file for printing."""
    import os
    from pathlib import Path

    from kcvote.certificates import bulk, services
    from kcvote.certificates.enums import CertificateStatus
    from kcvote.certificates.models import Certificate
    from kcvote.core.pdf import merge_pdfs
    from kcvote.core.storage import get_storage

    round_ = _round_or_fail(round_id)
    try:
        services.check_can_issue(round_, services.design_of(round_))
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    work = len(services.pending_entry_ids(round_)) + len(services.missing_pdf_ids(round_))
    with click.progressbar(length=work, label="Issuing certificates", file=sys.stderr) as bar:
        issued, _rendered = bulk.issue_and_render(round_, jobs=jobs or os.cpu_count() or 1, progress=bar.update)
    db.session.expire_all()
    certificates = db.session.scalars(
        db.select(Certificate)
        .where(Certificate.round_id == round_.id, Certificate.status == CertificateStatus.VALID)
        .order_by(Certificate.year, Certificate.sequence)
    ).all()
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    storage = get_storage()
    documents = []
    for certificate in certificates:
        if certificate.pdf_key is None:
            raise click.ClickException(f"Certificate {certificate.number} has no PDF; run the command again.")
        data = storage.read(certificate.pdf_key)
        documents.append(data)
        (folder / f"gcn-{certificate.year}-{certificate.sequence:04d}.pdf").write_bytes(data)
    if documents:
        (folder / "tat-ca.pdf").write_bytes(merge_pdfs(documents))
    click.echo(
        f"{issued} issued now, {len(certificates)} valid certificates written to {folder}"
        + (" with tat-ca.pdf." if documents else ".")
    )


@certificates_cli.command("verify")
@click.argument("code")
def certificates_verify(code: str) -> None:
    """Print a certificate's status from its verification code (as printed under the QR code).
    Exit 0 when it is valid, 2 when it exists but is expired, revoked or replaced, 1 when not found."""
    from kcvote.certificates import services
    from kcvote.certificates.enums import CertificateState
    from kcvote.core.clock import today_vn

    certificate = services.by_code(code)
    if certificate is None:
        click.echo("Not found.", err=True)
        sys.exit(1)
    state = certificate.state(today_vn())
    click.echo(f"{certificate.number} ({certificate.year}): {state.value}")
    click.echo(f"  {certificate.subject} — {certificate.holder}")
    click.echo(f"  issued {certificate.issued_on:%d/%m/%Y}, valid until {certificate.valid_until:%d/%m/%Y}")
    if state == CertificateState.REVOKED:
        click.echo(f"  revoked {certificate.revoked_at:%d/%m/%Y}: {certificate.revoked_reason}")
    if state == CertificateState.REPLACED and certificate.replaced_by is not None:
        click.echo(f"  replaced by {certificate.replaced_by.number} ({certificate.replaced_by.year})")
    sys.exit(0 if state == CertificateState.VALID else 2)


@certificates_cli.command("work")
@click.option("--loop/--once", default=False, help="Keep polling for new jobs (every 5 s).")
def certificates_work(loop: bool) -> None:
    """Run the pending (or interrupted) bulk-issue jobs started from the web, for deployments that set
    CERTIFICATE_JOBS=worker."""
    import time

    from kcvote.certificates import jobs

    while True:
        ran = jobs.work_pending()
        if ran:
            click.echo(f"Ran {ran} job(s).")
        if not loop:
            return
        time.sleep(5)


audit_cli = AppGroup("audit", help="The hash-chained audit log.")
kcvote_cli.add_command(audit_cli)


@audit_cli.command("verify")
def audit_verify() -> None:
    """Check the whole chain: exit 0 with the row count, or 1 naming the first bad row."""
    report = audit.verify_chain()
    if report.ok:
        click.echo(f"Audit log intact: {report.rows} rows.")
        return
    click.echo(
        f"Audit log broken at row {report.bad_id}: {report.reason} ({report.rows} rows verified before it).", err=True
    )
    sys.exit(1)
