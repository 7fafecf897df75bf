"""Ranked results from the database: ``kcvote.judging.results.records`` on SQLite and PostgreSQL.

Rounds of 250, 2,500 and 25,000 accepted entries, each scored by the same 9 jurors on the full default
rubric (13 criteria, 100 points) (every sheet submitted), are bulk-inserted with SQLAlchemy Core into a fresh
database per size: a SQLite file in a temporary directory, and a scratch PostgreSQL database that is
dropped afterwards. Then ``records(round_)`` -- the provisional ranked results the organizer's page
and the export show -- is timed, and split into its parts by wrapping the functions it calls:

- SQL totals: ``results.juror_totals`` (one GROUP BY sheet over score_sheets x scores, Decimal conversion);
- entry load: the rest of ``results.compute`` (one SELECT of the accepted entries' seven shown values,
  joined with product, facility and group, read as plain rows, and the ``EntryScores``);
- aggregate: ``scoring.aggregate`` (every figure, pass and ranks);
- records: the dicts ``records`` builds from the results.

Each run starts from an empty session (nothing cached in the identity map). Writes its results to
bench/README.md.

Run: .venv/bin/python bench/results.py [RUNS] [SIZE ...]
"""

from __future__ import annotations

import gc
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from _databases import PG_ADMIN_URL, scratch_database  # bench/ is on sys.path when a script runs
from _readme import write_results

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, func, insert, select, text

from kcvote import create_app
from kcvote.accounts.enums import Role
from kcvote.accounts.models import User
from kcvote.accounts.services import create_user
from kcvote.contests.enums import RoundState
from kcvote.contests.models import Round
from kcvote.contests.services import DEFAULT_RUBRIC, RoundSettings, create_round
from kcvote.entries.enums import EntryOrigin, EntryStatus
from kcvote.entries.models import Entry, Product
from kcvote.extensions import db
from kcvote.facilities.enums import LegalForm
from kcvote.facilities.models import Facility
from kcvote.judging import results, scoring
from kcvote.judging.enums import SheetStatus
from kcvote.judging.models import Score, ScoreSheet
from kcvote.reference.models import Level, ProductGroup, Province
from kcvote.reference.services import seed_reference_data

ROOT = Path(__file__).resolve().parent.parent
SIZES = (250, 2_500, 25_000)
JURORS = 9
CRITERIA = sum(len(criteria) for _group, criteria in DEFAULT_RUBRIC)  # 13 in the default rubric
CHUNK = 1_000  # entries per bulk insert of their sheets and scores
NOW = datetime(2025, 10, 1, 8, 0, 0)
SECTION = "results.py — ranked results from the database"


# --- databases -------------------------------------------------------------------------------


@contextmanager
def database(kind: str, size: int, tmp: str) -> Iterator[str]:
    """A fresh, empty database URL; dropped (PostgreSQL) or deleted (SQLite) afterwards."""
    with scratch_database(kind, f"results_{size}", tmp) as url:
        yield url


def make_app(url: str, tmp: str) -> Flask:
    return create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_DIR": tmp,
            "MAIL_OUTBOX_DIR": f"{tmp}/outbox",
        }
    )


# --- data ------------------------------------------------------------------------------------


def _next_id(model: Any) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def build_round(n_entries: int, seed: int = 2025) -> tuple[int, int, float]:
    """A closed national round with ``n_entries`` accepted entries, each with 9 submitted sheets scoring every
    criterion of the default rubric. Returns (round id, rows inserted, seconds spent generating and inserting them)."""
    seed_reference_data()
    organizer = create_user(
        email="bench-organizer@example.vn",
        name="Ban tổ chức",
        password="mat-khau-thu-nghiem",
        role=Role.ORGANIZER,
        password_hash="bench-no-sign-in",  # nobody signs in; skip scrypt
    )
    level = db.session.scalars(select(Level).order_by(Level.rank.desc())).first()
    groups = list(db.session.scalars(select(ProductGroup).order_by(ProductGroup.number)))
    provinces = list(db.session.scalars(select(Province.id)))
    assert level is not None and groups and provinces
    round_ = create_round(
        actor=organizer,
        settings=RoundSettings(
            name="Bình chọn cấp quốc gia 2025", level=level, year=2025, groups=groups, code_prefix="QG"
        ),
    )
    round_.state = RoundState.CLOSED
    db.session.commit()
    rubric = round_.rubric
    assert rubric is not None
    criteria = [(c.id, int(c.max_points)) for c in rubric.criteria]
    assert len(criteria) == CRITERIA and sum(top for _, top in criteria) == 100
    round_id, rubric_id, prefix = round_.id, rubric.id, round_.code_prefix

    start = time.perf_counter()
    rng = random.Random(seed)
    halves = [Decimal(n) / 2 for n in range(2 * max(top for _, top in criteria) + 1)]
    juror_ids = list(range(_next_id(User), _next_id(User) + JURORS))
    db.session.execute(
        insert(User),
        [
            {
                "id": juror_id,
                "email": f"giamkhao{n}@example.vn",
                "name": f"Giám khảo {n}",
                "search_text": f"giam khao {n} giamkhao{n}@example.vn",
                "password_hash": None,
                "locale": "vi",
                "active": True,
                "email_confirmed_at": NOW,
                "created_at": NOW,
                "updated_at": NOW,
            }
            for n, juror_id in enumerate(juror_ids, start=1)
        ],
    )
    bias = {juror_id: rng.uniform(-0.08, 0.08) for juror_id in juror_ids}
    first_entry, first_facility, first_product = _next_id(Entry), _next_id(Facility), _next_id(Product)
    sheet_id, score_id = _next_id(ScoreSheet), _next_id(Score)
    rows = JURORS
    for chunk_start in range(0, n_entries, CHUNK):
        facilities, products, entries, sheets, scores = [], [], [], [], []
        for n in range(chunk_start, min(n_entries, chunk_start + CHUNK)):
            facility_id, product_id, entry_id = first_facility + n, first_product + n, first_entry + n
            group = groups[n % len(groups)]
            facilities.append(
                {
                    "id": facility_id,
                    "name": f"Cơ sở sản xuất số {n + 1}",
                    "legal_form": LegalForm.HOUSEHOLD,
                    "registration_no": None,
                    "province_id": provinces[n % len(provinces)],
                    "search_text": f"co so san xuat so {n + 1}",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
            products.append(
                {
                    "id": product_id,
                    "facility_id": facility_id,
                    "group_id": group.id,
                    "name": f"Sản phẩm số {n + 1}",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
            code = f"{prefix}-2025-{group.code}-{n + 1:05d}"
            entries.append(
                {
                    "id": entry_id,
                    "round_id": round_id,
                    "product_id": product_id,
                    "facility_id": facility_id,
                    "group_id": group.id,
                    "status": EntryStatus.ACCEPTED,
                    "origin": EntryOrigin.WEB,
                    "code": code,
                    "submitted_at": NOW,
                    "decided_at": NOW,
                    "search_text": f"san pham so {n + 1} co so san xuat so {n + 1} {code.lower()}",
                    "declaration_accepted": True,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
            quality = rng.uniform(0.45, 0.95)
            for juror_id in juror_ids:
                sheets.append(
                    {
                        "id": sheet_id,
                        "round_id": round_id,
                        "entry_id": entry_id,
                        "juror_id": juror_id,
                        "rubric_id": rubric_id,
                        "stage": 1,
                        "status": SheetStatus.SUBMITTED,
                        "remarks": "",
                        "client_id": "",
                        "client_seq": 0,
                        "version": 1,
                        "submitted_at": NOW,
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                )
                level_ = quality + bias[juror_id]
                for criterion_id, top in criteria:
                    points = halves[min(2 * top, max(0, round((level_ + rng.gauss(0, 0.06)) * top * 2)))]
                    scores.append(
                        {"id": score_id, "sheet_id": sheet_id, "criterion_id": criterion_id, "points": points}
                    )
                    score_id += 1
                sheet_id += 1
        for model, batch in ((Facility, facilities), (Product, products), (Entry, entries)):
            db.session.execute(insert(model), batch)
        db.session.execute(insert(ScoreSheet), sheets)
        db.session.execute(insert(Score), scores)
        rows += len(facilities) + len(products) + len(entries) + len(sheets) + len(scores)
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        # The ids were given explicitly: move the sequences past them, as the app would have.
        for table in ("facilities", "products", "entries", "score_sheets", "scores"):
            sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608  # fixed names
            db.session.execute(text(sql))
        db.session.commit()
        # What autovacuum does soon after a bulk load; the planner needs the row counts.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    return round_id, rows, time.perf_counter() - start


# --- timing ----------------------------------------------------------------------------------


class Timer:
    """Wraps module functions so that one call of ``records`` reports the time spent in each."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.queries = 0

    @contextmanager
    def wrap(self, module: Any, name: str, label: str) -> Iterator[None]:
        original = getattr(module, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[label] = self.spent.get(label, 0.0) + (time.perf_counter() - start) * 1000

        setattr(module, name, timed)
        try:
            yield
        finally:
            setattr(module, name, original)

    def count(self, *_args: Any) -> None:
        self.queries += 1


def time_records(round_id: int) -> dict[str, float]:
    """One cold call of ``records`` with its parts (ms) and the number of SQL statements it sent."""
    db.session.remove()
    round_ = db.session.get(Round, round_id)
    assert round_ is not None
    timer = Timer()
    engine = db.engine
    event.listen(engine, "before_cursor_execute", timer.count)
    try:
        with (
            timer.wrap(results, "juror_totals", "totals"),
            timer.wrap(results, "compute", "compute"),
            timer.wrap(scoring, "aggregate", "aggregate"),
        ):
            start = time.perf_counter()
            out = results.records(round_)
            total = (time.perf_counter() - start) * 1000
    finally:
        event.remove(engine, "before_cursor_execute", timer.count)
    assert out and all(r["rank"] is not None for r in out)
    spent = timer.spent
    return {
        "totals": spent["totals"],
        "load": spent["compute"] - spent["totals"] - spent["aggregate"],
        "aggregate": spent["aggregate"],
        "records": total - spent["compute"],
        "total": total,
        "queries": timer.queries,
        "entries": len(out),
        "passed": sum(bool(r["passed"]) for r in out),
    }


def records_without_gc(round_id: int) -> float:
    """ms of one cold ``records`` call with Python's cyclic garbage collector off (a diagnosis, not advice)."""
    gc.collect()
    gc.disable()
    try:
        return time_records(round_id)["total"]
    finally:
        gc.enable()


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def measure(kind: str, size: int, runs: int, tmp: str) -> dict[str, float]:
    with database(kind, size, tmp) as url:
        app = make_app(url, tmp)
        with app.app_context():
            try:
                migrate_start = time.perf_counter()
                upgrade(directory=str(ROOT / "migrations"))
                migrate_s = time.perf_counter() - migrate_start
                round_id, rows, build_s = build_round(size)
                time_records(round_id)  # warm-up: caches, first connection, statement compilation
                figures = median_of([time_records(round_id) for _ in range(runs)])
                figures["no_gc"] = statistics.median(records_without_gc(round_id) for _ in range(runs))
            finally:
                db.session.remove()
                db.engine.dispose()
    figures.update(rows=rows, build_s=build_s, migrate_s=migrate_s)
    print(
        f"{kind:10} {size:>6,} entries: {rows:,} rows in {build_s:.1f} s ({rows / build_s:,.0f} rows/s); "
        f"records {figures['total']:,.0f} ms (totals {figures['totals']:,.0f}, load {figures['load']:,.0f}, "
        f"aggregate {figures['aggregate']:,.0f}, records {figures['records']:,.0f}; {figures['queries']:.0f} queries); "
        f"gc off {figures['no_gc']:,.0f} ms",
        flush=True,
    )
    return figures


def _growth(current: float, previous: float | None) -> str:
    return "" if previous is None else f"×{current / previous:.1f}"


def main(runs: int = 5, sizes: tuple[int, ...] = SIZES) -> str:
    measured: dict[tuple[str, int], dict[str, float]] = {}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("sqlite", "postgresql"):
            for size in sizes:
                measured[kind, size] = measure(kind, size, runs, tmp)

    table = [
        "| entries | database | rows inserted | generation | SQL totals | entry load | aggregate | records dicts "
        "| **records() total** | growth | statements | records() with gc off |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in ("sqlite", "postgresql"):
        previous = previous_no_gc = None
        for size in sizes:
            f = measured[kind, size]
            table.append(
                f"| {size:,} | {'SQLite' if kind == 'sqlite' else 'PostgreSQL'} | {f['rows']:,.0f} "
                f"| {f['build_s']:.1f} s ({f['rows'] / f['build_s']:,.0f} rows/s) "
                f"| {f['totals']:,.0f} ms | {f['load']:,.0f} ms | {f['aggregate']:,.0f} ms | {f['records']:,.0f} ms "
                f"| **{f['total']:,.0f} ms** | {_growth(f['total'], previous)} | {f['queries']:.0f} "
                f"| {f['no_gc']:,.0f} ms ({_growth(f['no_gc'], previous_no_gc) or '–'}) |"
            )
            previous, previous_no_gc = f["total"], f["no_gc"]

    target = 2_500
    verdict = []
    if target in sizes:
        for kind, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
            total = measured[kind, target]["total"]
            verdict.append(f"{label} {total:,.0f} ms ({'under' if total < 1000 else 'OVER'} 1 s)")
    pg_version = ""
    with sqlalchemy.create_engine(PG_ADMIN_URL).connect() as conn:
        pg_version = str(conn.scalar(text("SHOW server_version")))
    import sqlite3

    lines = [
        f"- command: `.venv/bin/python bench/results.py {runs}`",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLAlchemy {sqlalchemy.__version__}, SQLite {sqlite3.sqlite_version} (file in a temp dir, WAL), "
        f"PostgreSQL {pg_version} (local, default settings, scratch database; VACUUM ANALYZE after the load)",
        f"- data: one closed national round per database, N accepted entries in 4 product groups, each with "
        f"{JURORS} submitted sheets × {CRITERIA} criteria of the default rubric (seeded random half points); "
        "bulk-inserted with SQLAlchemy Core `insert()` + executemany (facilities, products, entries, sheets, scores)",
        f"- timed: `results.records(round_)` from an empty session, median of {runs} runs after one warm-up; its parts "
        "by wrapping the functions it calls: SQL totals = `juror_totals` (GROUP BY sheet in the database + Decimal), "
        "entry load = the rest of `compute` (one SELECT of the accepted entries' shown values as plain rows), "
        "aggregate = `scoring.aggregate`, records dicts = building the output rows; statements = SQL statements sent",
        "",
        *table,
        "",
        "Target: 2,500 entries ranked in under 1 s on either database: " + ("; ".join(verdict) or "not measured") + ".",
        f"Load average (1 min) before / after the run: {load_before:.1f} / {os.getloadavg()[0]:.1f} "
        "(other work on the same 2 cores shows here and slows every figure).",
        f"Peak RSS of the run: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB.",
        "",
        *findings(measured, sizes),
    ]
    return "\n".join(lines)


def findings(measured: dict[tuple[str, int], dict[str, float]], sizes: tuple[int, ...]) -> list[str]:
    """Where the time goes, in words, from the figures of the largest round and the first two sizes."""
    largest, smallest = max(sizes), min(sizes)
    parts = []
    for kind, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        f = measured[kind, largest]
        parts.append(
            f"{label}: SQL totals {f['totals'] / f['total']:.0%} of {f['total']:,.0f} ms, aggregate "
            f"{f['aggregate'] / f['total']:.0%}, entry load {f['load'] / f['total']:.0%}, records dicts "
            f"{f['records'] / f['total']:.0%}"
        )
    lines = [
        f"Where the time goes at {largest:,} entries — " + "; ".join(parts) + ". `compute` reads the accepted "
        "entries as plain rows: one SELECT of the values `records` shows (id, code, group, product, facility, "
        "recognised, prize) joined with product, facility and group, no ORM objects (`select_entries`, which writes "
        "the council's choice, loads the entries' two written columns only). `juror_totals` groups by sheet rather "
        "than by (entry, juror), the same groups since a sheet is unique per entry, juror and stage: SQLite then "
        "reads the sheets in key order without a temporary B-tree (measured apart at 2,500 entries: 114 ms "
        "instead of 228 ms for the query; PostgreSQL's hash aggregate costs about the same either way). "
        "Three statements whatever the size.",
        "",
        "Before (commit c887503: `select(Entry)` with every eager load `Entry` declares — round, product, facility, "
        "their province and members, group, photos, documents — and GROUP BY entry, juror): 758 ms on SQLite and "
        "949 ms on PostgreSQL at 2,500 entries (27 statements), 7,858 ms and 9,155 ms at 25,000 (207 statements), "
        "growing ×18.1 and ×17.2 from 250 to 2,500 entries; the entry load alone was 59 % and 68 % of the time "
        "at 25,000. The machine ran slower on the day of this run (see the generation rates); timed back to back "
        "that day at 2,500 entries (median of 5, outside this script), the former code took 808 ms on SQLite and "
        "863 ms on PostgreSQL, this one 258 ms and 368 ms.",
    ]
    if len(sizes) > 1:
        second = sorted(sizes)[1]
        growth = [
            f"{label} ×{measured[kind, second]['total'] / measured[kind, smallest]['total']:.1f} with the collector, "
            f"×{measured[kind, second]['no_gc'] / measured[kind, smallest]['no_gc']:.1f} without"
            for kind, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL"))
        ]
        lines += [
            "",
            f"Growth from {smallest:,} to {second:,} entries (10×): " + "; ".join(growth) + " (the table's growth "
            "column gives the next step). Without the ORM entries the cyclic garbage collector has far fewer "
            "objects to walk; `gc.disable()` around the call stays a diagnosis, not a fix.",
        ]
    return lines


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    result = main(args[0] if args else 5, tuple(args[1:]) or SIZES)
    print(result)
    write_results(SECTION, result)
