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
    """Load reference data (regions, provinces, levels, product groups); adds only what is missing."""
    from kcvote.reference.services import seed_reference_data

    report = seed_reference_data()
    db.session.commit()
    click.echo(
        f"Reference data: +{report.regions} regions, +{report.provinces} provinces, "
        f"+{report.levels} levels, +{report.product_groups} product groups."
    )


@kcvote_cli.command("demo")
def demo() -> None:
    """Load demo data (one user per role) and print the demo logins."""
    from kcvote.demo import DEMO_PASSWORD, load_demo_judging_round, load_demo_round, load_demo_users

    rows = load_demo_users()
    db.session.commit()
    round_, entries = load_demo_round()
    db.session.commit()
    judging_round, judged = load_demo_judging_round()
    db.session.commit()
    created = sum(1 for _, was_created in rows if was_created)
    click.echo(f"Demo data: +{created} users, +{entries} entries" + (f" in round {round_.id}." if round_ else "."))
    if judging_round is not None:
        click.echo(f"Demo judging: round {judging_round.id} with {judged} entries, 3 jurors, sheets in progress.")
    click.echo("")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD})")
    for user, _ in rows:
        click.echo(f"  {user.role.value:<15} {user.email}")


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
