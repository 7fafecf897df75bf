"""50 jurors autosaving their score sheets against gunicorn on PostgreSQL, beside a bare endpoint.

A scratch PostgreSQL database gets the schema and a round in judging with 50 jurors, each assigned
20 of 200 accepted entries. kcvote is served by gunicorn (4 sync workers) and 50 simulated jurors
sign in through the login form, read the CSRF token from their score-sheet page, then autosave like
a juror typing: each request sets one criterion (POST /judge/entries/<id>/sheet, JSON, X-CSRFToken)
with an increasing client_seq, 13 saves per sheet, then the next assigned entry.

The baseline is a bare Flask + Flask-SQLAlchemy app (written to a temporary module) whose one POST
inserts one row into its own table of the same database, served by gunicorn the same way and hit by
the same 50 clients with the same JSON body for the same time.

The clients are one asyncio process on the same machine (a new TCP connection per request, as
gunicorn's sync workers close every connection). Its CPU use, the gunicorn workers' and the
PostgreSQL backends' are read from /proc. Then a single-threaded, in-process run splits one
autosave into its parts. Processes and the database are removed at the end, even on failure.
Writes its results to bench/README.md.

Run: .venv/bin/python bench/scoring_load.py [SECONDS] [CLIENTS]
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import os
import platform
import pstats
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from _databases import PG_ADMIN_URL, postgres_database  # bench/ is on sys.path when a script runs
from _readme import write_results

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, func, insert, select, text
from werkzeug.security import generate_password_hash

from kcvote import create_app
from kcvote.accounts.enums import Role, ScopeType
from kcvote.accounts.models import RoleAssignment, User
from kcvote.accounts.services import create_user
from kcvote.contests.enums import RoundState
from kcvote.contests.services import RoundSettings, create_round
from kcvote.entries.enums import EntryOrigin, EntryStatus
from kcvote.entries.models import Entry, Product
from kcvote.extensions import db, login_manager
from kcvote.facilities.enums import LegalForm
from kcvote.facilities.models import Facility
from kcvote.judging import rules as judging_rules
from kcvote.judging import services as judging_services
from kcvote.judging.models import Assignment, JurorAppointment, ScoreSheet
from kcvote.reference.models import Level, ProductGroup, Province
from kcvote.reference.services import seed_reference_data

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
WORKERS = 4
CLIENTS = 50
ENTRIES = 200
ENTRIES_PER_JUROR = 20
SATURATED, PACED = "saturated", "paced"
PACE = (1.0, 3.0)  # seconds between the starts of one juror's saves, at the paced load
MODES: dict[str, tuple[float, float] | None] = {SATURATED: None, PACED: PACE}
WARMUP_S = 5.0
PASSWORD = "mat-khau-thu-nghiem"
SECRET_KEY = "bench-scoring-load-secret-key-0123456789"
NOW = datetime(2025, 10, 1, 8, 0, 0)
TICK = os.sysconf("SC_CLK_TCK")
SECTION = "scoring_load.py — 50 jurors autosaving"

BARE_APP = '''\
"""Bare Flask + Flask-SQLAlchemy: one POST that inserts one row (the baseline of bench/scoring_load.py)."""

import json
import os
from datetime import UTC, datetime

from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Hit(db.Model):
    __tablename__ = "bench_bare_hits"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64))
    client_seq: Mapped[int]
    points: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["BARE_DATABASE_URL"]
db.init_app(app)


@app.get("/")
def ready():
    return "ok"


@app.post("/hit")
def hit():
    payload = request.get_json(silent=True) or {}
    db.session.add(
        Hit(
            client_id=str(payload.get("client_id") or "")[:64],
            client_seq=int(payload.get("client_seq") or 0),
            points=json.dumps(payload.get("points") or {}),
            created_at=datetime.now(UTC).replace(tzinfo=None),
        )
    )
    db.session.commit()
    return jsonify(saved=True)
'''


# --- database and data -----------------------------------------------------------------------


@contextmanager
def scratch_database() -> Iterator[tuple[str, str]]:
    """(database name, URL) of a fresh PostgreSQL database, dropped afterwards."""
    with postgres_database("kcvote_bench_load") as url:
        yield url.rsplit("/", 1)[1], url


@dataclass
class Scenario:
    round_id: int
    jurors: list[tuple[int, str, list[int]]]  # (user id, e-mail, assigned entry ids)
    criteria: list[tuple[int, int]]  # (criterion id, max points), in rubric order


def _next_id(model: Any) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def build_scenario(n_jurors: int) -> Scenario:
    """A national round in judging: ENTRIES accepted entries, ``n_jurors`` jurors who can sign in,
    each appointed and assigned ENTRIES_PER_JUROR entries (bulk inserts, not the audited services)."""
    seed_reference_data()
    organizer = create_user(
        email="bench-organizer@example.vn",
        name="Ban tổ chức",
        password=PASSWORD,
        role=Role.ORGANIZER,
        password_hash="bench-no-sign-in",
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
    round_.state = RoundState.JUDGING
    db.session.commit()
    assert round_.rubric is not None
    criteria = [(c.id, int(c.max_points)) for c in round_.rubric.criteria]
    round_id = round_.id

    first_facility, first_product, first_entry = _next_id(Facility), _next_id(Product), _next_id(Entry)
    facilities, products, entries = [], [], []
    for n in range(ENTRIES):
        group = groups[n % len(groups)]
        facilities.append(
            {
                "id": first_facility + n,
                "name": f"Cơ sở sản xuất số {n + 1}",
                "legal_form": LegalForm.HOUSEHOLD,
                "registration_no": None,
                "province_id": provinces[n % len(provinces)],
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        products.append(
            {
                "id": first_product + n,
                "facility_id": first_facility + n,
                "group_id": group.id,
                "name": f"Sản phẩm số {n + 1}",
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        entries.append(
            {
                "id": first_entry + n,
                "round_id": round_id,
                "product_id": first_product + n,
                "facility_id": first_facility + n,
                "group_id": group.id,
                "status": EntryStatus.ACCEPTED,
                "origin": EntryOrigin.WEB,
                "code": f"QG-2025-{group.code}-{n + 1:05d}",
                "submitted_at": NOW,
                "decided_at": NOW,
                "declaration_accepted": True,
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
    for model, rows in ((Facility, facilities), (Product, products), (Entry, entries)):
        db.session.execute(insert(model), rows)

    password_hash = generate_password_hash(PASSWORD)  # once: scrypt is deliberately slow
    first_user = _next_id(User)
    jurors = []
    for n in range(n_jurors):
        assigned = [first_entry + (n * 4 + i) % ENTRIES for i in range(ENTRIES_PER_JUROR)]
        jurors.append((first_user + n, f"giamkhao{n + 1}@example.vn", assigned))
    db.session.execute(
        insert(User),
        [
            {
                "id": user_id,
                "email": email,
                "name": f"Giám khảo {n + 1}",
                "search_text": f"giam khao {n + 1} {email}",
                "password_hash": password_hash,
                "locale": "vi",
                "active": True,
                "email_confirmed_at": NOW,
                "created_at": NOW,
                "updated_at": NOW,
            }
            for n, (user_id, email, _assigned) in enumerate(jurors)
        ],
    )
    db.session.execute(
        insert(RoleAssignment),
        [
            {
                "user_id": user_id,
                "role": Role.JUROR,
                "scope_type": ScopeType.ROUND,
                "scope_id": round_id,
                "granted_by_id": organizer.id,
                "granted_at": NOW,
            }
            for user_id, _email, _assigned in jurors
        ],
    )
    db.session.execute(
        insert(JurorAppointment),
        [
            {
                "round_id": round_id,
                "user_id": user_id,
                "appointed_by_id": organizer.id,
                "created_at": NOW,
                "updated_at": NOW,
            }
            for user_id, _email, _assigned in jurors
        ],
    )
    db.session.execute(
        insert(Assignment),
        [
            {
                "round_id": round_id,
                "entry_id": entry_id,
                "juror_id": user_id,
                "stage": 1,
                "manual": False,
                "created_at": NOW,
            }
            for user_id, _email, assigned in jurors
            for entry_id in assigned
        ],
    )
    db.session.commit()
    for table in ("facilities", "products", "entries", "users"):  # ids were given explicitly
        sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608  # fixed names
        db.session.execute(text(sql))
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    return Scenario(round_id, jurors, criteria)


# --- processes -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(app_spec: str, port: int, env: dict[str, str], cwd: Path, log: Path, ready_path: str) -> Iterator[int]:
    """Serve ``app_spec`` with gunicorn (WORKERS sync workers); yields the master's pid; stops it afterwards."""
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603  # our own virtualenv's gunicorn, fixed arguments
            [GUNICORN, "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", app_spec],
            cwd=cwd,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn {app_spec} exited: {log.read_text(errors='replace')[-2000:]}")
            try:
                status, _headers, _body = asyncio.run(request(port, "GET", ready_path))
                if status == 200 and len(worker_pids(process.pid)) == WORKERS:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn {app_spec} did not answer: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield process.pid
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # the master stops its workers
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _stat_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(entry.name))
    return pids


def backend_pids(database: str) -> list[int]:
    """PostgreSQL backends connected to ``database`` (their command line names it)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if cmdline.startswith("postgres: ") and f" {database} " in cmdline:
                pids.append(int(entry.name))
    return pids


def machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


# --- HTTP clients ----------------------------------------------------------------------------


async def request(
    port: int, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> tuple[int, list[tuple[str, str]], bytes]:
    """One HTTP/1.1 request on a new connection (gunicorn's sync workers close each one)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
        head += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if body or method == "POST":
            head.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        data = await reader.read()
    finally:
        writer.close()
    raw_head, _, content = data.partition(b"\r\n\r\n")
    lines = raw_head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    response_headers = [(k.strip().lower(), v.strip()) for k, _, v in (line.partition(":") for line in lines[1:])]
    return status, response_headers, content


CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]+)"')


def csrf_token(page: bytes) -> str:
    tag = CSRF_INPUT.search(page.decode())
    assert tag is not None, "no csrf_token in the page"
    value = VALUE.search(tag.group(0))
    assert value is not None
    return value.group(1)


@dataclass
class Client:
    """One simulated juror (or, for the baseline, one client sending the same bodies)."""

    number: int
    entries: list[int]
    criteria: list[tuple[int, int]]
    email: str = ""
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    step: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def keep_cookies(self, headers: list[tuple[str, str]]) -> None:
        # Cookies are sent back whatever their Secure flag: the server runs its production configuration.
        for name, value in headers:
            if name == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]

    def next_body(self) -> tuple[int, bytes]:
        """The next keystroke: one criterion of the current sheet, 13 per sheet, then the next entry."""
        entry_id = self.entries[(self.step // len(self.criteria)) % len(self.entries)]
        criterion_id, top = self.criteria[self.step % len(self.criteria)]
        self.step += 1
        value = self.rng.randint(0, 2 * top) / 2
        payload = {
            "points": {str(criterion_id): f"{value:g}"},
            "remarks": "",
            "client_id": f"bench-tab-{self.number}",
            "client_seq": self.step,
        }
        return entry_id, json.dumps(payload).encode()


async def sign_in(port: int, client: Client) -> None:
    """The login form with its CSRF token, then the first score sheet page for the next token."""
    status, headers, page = await request(port, "GET", "/account/login")
    assert status == 200, status
    client.keep_cookies(headers)
    form = urlencode({"csrf_token": csrf_token(page), "email": client.email, "password": PASSWORD, "next": ""}).encode()
    status, headers, _ = await request(
        port,
        "POST",
        "/account/login",
        {"Content-Type": "application/x-www-form-urlencoded", **client.cookie_header()},
        form,
    )
    assert status == 302, f"sign-in of {client.email} answered {status}"
    client.keep_cookies(headers)
    status, headers, page = await request(port, "GET", f"/judge/entries/{client.entries[0]}", client.cookie_header())
    assert status == 200, f"score sheet page answered {status}"
    client.keep_cookies(headers)
    client.csrf = csrf_token(page)


@dataclass
class LoadResult:
    requests: int
    seconds: float
    latencies_ms: list[float]
    errors: Counter[str]
    cpu: dict[str, float]  # CPU seconds in the measured window: client, workers, database, machine (all cores)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def pct(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")

    def cores(self, what: str) -> float:
        return self.cpu[what] / self.seconds

    @property
    def other_cores(self) -> float:
        """Cores busy with processes other than the client, the workers and their database backends."""
        return max(0.0, self.cores("machine") - self.cores("client") - self.cores("workers") - self.cores("database"))


def cpu_snapshot(master: int, database: str) -> dict[str, float]:
    busy, _total = machine_busy()
    return {
        "client": time.process_time(),
        "workers": sum(map(_stat_ticks, worker_pids(master))) / TICK,
        "database": sum(map(_stat_ticks, backend_pids(database))) / TICK,
        "machine": busy / TICK,
    }


async def _load(
    port: int,
    clients: list[Client],
    make: Callable[[Client], tuple[str, dict[str, str], bytes]],
    seconds: float,
    pace: tuple[float, float] | None,
    snapshot: Callable[[], dict[str, float]],
) -> tuple[list[float], Counter[str], dict[str, float]]:
    """Every client sends its next request as soon as the previous answer arrives (``pace`` None), or
    waits a random interval in ``pace`` seconds between the starts of its requests (a juror typing)."""
    start = time.perf_counter()
    window_start, window_end = start + WARMUP_S, start + WARMUP_S + seconds
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    cpu: dict[str, float] = {}

    async def monitor() -> None:
        await asyncio.sleep(window_start - time.perf_counter())
        first = snapshot()
        await asyncio.sleep(window_end - time.perf_counter())
        last = snapshot()
        cpu.update({key: last[key] - first[key] for key in first})

    async def run(client: Client) -> None:
        rng = random.Random(client.number)
        next_at = start + (rng.uniform(0, pace[1]) if pace else 0.0)
        while True:
            if pace:
                await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
                next_at += rng.uniform(*pace)
            began = time.perf_counter()
            if began >= window_end:
                return
            path, headers, body = make(client)
            try:
                status, response_headers, content = await request(port, "POST", path, headers, body)
                client.keep_cookies(response_headers)
                problem = "" if status == 200 else f"HTTP {status}"
                if not problem and b'"applied":false' in content:
                    problem = "not applied"
            except OSError as error:
                problem = type(error).__name__
            done = time.perf_counter()
            if window_start <= began and done <= window_end:
                latencies.append((done - began) * 1000)
                if problem:
                    errors[problem] += 1

    await asyncio.gather(monitor(), *(run(client) for client in clients))
    return latencies, errors, cpu


def load(
    port: int,
    master: int,
    database: str,
    clients: list[Client],
    make: Callable[[Client], tuple[str, dict[str, str], bytes]],
    seconds: float,
    pace: tuple[float, float] | None = None,
) -> LoadResult:
    """WARMUP_S seconds of load, then ``seconds`` measured (requests, latencies and CPU)."""
    latencies, errors, cpu = asyncio.run(
        _load(port, clients, make, seconds, pace, lambda: cpu_snapshot(master, database))
    )
    return LoadResult(requests=len(latencies), seconds=seconds, latencies_ms=latencies, errors=errors, cpu=cpu)


# --- in-process split of one autosave --------------------------------------------------------


@dataclass
class Phases:
    spent: dict[str, list[float]] = field(default_factory=dict)
    statements: Counter[str] = field(default_factory=Counter)
    current: str = ""

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        previous, self.current = self.current, name
        start = time.perf_counter()
        try:
            yield
        finally:
            self.spent.setdefault(name, []).append((time.perf_counter() - start) * 1000)
            self.current = previous

    def count(self, *_args: Any) -> None:
        self.statements[self.current] += 1


def split_autosave(app: Flask, scenario: Scenario, saves: int) -> tuple[list[tuple[str, float, float]], float]:
    """What the autosave view does, step by step, single-threaded against the same database; median
    ms per save and SQL statements per save for each step. Returns the rows and the median total."""
    phases = Phases()
    user_id, _email, entries = scenario.jurors[0]
    client = Client(0, entries, scenario.criteria, rng=random.Random(7))
    client.step = 10_000  # newer than anything the load test applied
    inner = ("rubric_bounds", "parse_points", "_locked_sheet_row")
    real = {name: getattr(judging_services, name) for name in inner}

    def wrapped(name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            with phases.phase(name):
                return real[name](*args, **kwargs)

        return call

    load_user = login_manager._user_callback  # what Flask-Login calls with the session's user id
    assert load_user is not None
    totals = []
    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", phases.count)
        for name in real:
            setattr(judging_services, name, wrapped(name))
        try:
            for _ in range(saves):
                entry_id, body = client.next_body()
                points = {int(k): v for k, v in json.loads(body)["points"].items()}
                db.session.remove()  # each request starts with an empty session
                start = time.perf_counter()
                with phases.phase(USER_STEP):  # kcvote's user_loader itself
                    user = load_user(str(user_id))
                    assert user is not None
                with phases.phase(TARGET_STEP):  # as the autosave view
                    target = judging_services.scoring_target(user.id, entry_id)
                    assert target is not None
                    assert judging_rules.is_juror_of_round(user, target.round_id)
                    assert judging_rules.scoring_open_in(target.round_state)
                with phases.phase("save_points"):
                    saved = judging_services.save_points(
                        actor=user,
                        target=target,
                        points=points,
                        remarks="",
                        client_id="bench-split",
                        client_seq=client.step,
                    )
                    assert saved.applied
                with phases.phase("commit"):
                    db.session.commit()
                assert saved.version > 0
                totals.append((time.perf_counter() - start) * 1000)
        finally:
            for name, function in real.items():
                setattr(judging_services, name, function)
            event.remove(engine, "before_cursor_execute", phases.count)
            db.session.remove()
    labels = {
        "rubric_bounds": "save_points › rubric_bounds (the rubric version's criteria, for the bounds: kept per "
        "process once read, as a version never changes)",
        "parse_points": "save_points › parse_points",
        "_locked_sheet_row": "save_points › _locked_sheet_row (the sheet's row, SELECT … FOR UPDATE, no ORM object)",
    }
    rows = [
        (name, statistics.median(phases.spent[name]), phases.statements[name] / saves)
        for name in (USER_STEP, TARGET_STEP)
    ]
    rows += [(labels[name], statistics.median(phases.spent[name]), phases.statements[name] / saves) for name in inner]
    rest = statistics.median(phases.spent["save_points"]) - sum(statistics.median(phases.spent[n]) for n in inner)
    rows.append(
        (
            "save_points › write the point (INSERT … ON CONFLICT DO UPDATE), then one UPDATE of the sheet "
            "RETURNING its version and total (the rest of save_points)",
            rest,
            phases.statements["save_points"] / saves,
        )
    )
    rows.append(("commit", statistics.median(phases.spent["commit"]), phases.statements["commit"] / saves))
    return rows, statistics.median(totals)


USER_STEP = "load the user (Flask-Login user_loader: the user joined with their roles)"
TARGET_STEP = (
    "scoring_target (the entry's round: state, stage, current rubric; assigned and not in conflict: one "
    "statement, no ORM object; juror of the round and open, from the loaded roles)"
)


def profile_requests(app: Flask, bare_module: Any, scenario: Scenario, saves: int) -> dict[str, Any]:
    """Single-threaded, in-process (test client, no network): median ms of one autosave request and
    one bare insert request, and where the autosave's time goes by package (cProfile, own time)."""
    _user_id, email, entries = scenario.jurors[1]
    client = Client(1, entries, scenario.criteria, rng=random.Random(11))
    client.step = 20_000
    web = app.test_client()
    page = web.get("/account/login")
    response = web.post(
        "/account/login", data={"csrf_token": csrf_token(page.data), "email": email, "password": PASSWORD, "next": ""}
    )
    assert response.status_code == 302, response.status_code
    token = csrf_token(web.get(f"/judge/entries/{entries[0]}").data)

    def autosave() -> None:
        entry_id, body = client.next_body()
        answer = web.post(
            f"/judge/entries/{entry_id}/sheet",
            data=body,
            headers={"X-CSRFToken": token, "Content-Type": "application/json"},
        )
        assert answer.status_code == 200, answer.data

    bare = bare_module.app.test_client()

    def insert_one() -> None:
        _entry_id, body = client.next_body()
        assert bare.post("/hit", data=body, headers={"Content-Type": "application/json"}).status_code == 200

    def median_ms(fn: Callable[[], None]) -> float:
        times = []
        for _ in range(saves):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)

    for fn in (autosave, insert_one):  # warm-up
        for _ in range(20):
            fn()
    result: dict[str, Any] = {"autosave_ms": median_ms(autosave), "bare_ms": median_ms(insert_one)}

    statements = Counter[str]()
    with app.app_context():
        engine = db.engine
    listener = lambda *_args: statements.update(["n"])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        autosave()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    result["statements"] = statements["n"]

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(saves):
        autosave()
    profiler.disable()
    by_package: Counter[str] = Counter()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = 0.0
    for (filename, _line, function), (_cc, _nc, own, _cum, _callers) in stats.items():
        total += own
        by_package[_package(filename, function)] += own
    result["packages"] = [(name, own / total) for name, own in by_package.most_common(8)]
    return result


def _package(filename: str, function: str) -> str:
    if "site-packages/" in filename:
        top = filename.split("site-packages/", 1)[1].split("/", 1)[0]
        if top in ("psycopg", "psycopg_binary"):
            return "psycopg (with its waits for PostgreSQL)"
        return top.removesuffix(".py")
    if filename.startswith(str(ROOT / "kcvote")):
        return "kcvote"
    if filename == "~":
        if "psycopg" in function or "socket" in function or "poll" in function or "select" in function:
            return "C calls: I/O (socket, psycopg wait)"
        return "C built-ins"
    return "Python standard library"


# --- main ------------------------------------------------------------------------------------


def main(seconds: float = 20.0, n_clients: int = CLIENTS) -> str:
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp_name, scratch_database() as (database, url):
        tmp = Path(tmp_name)
        (tmp / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
        os.environ["BARE_DATABASE_URL"] = url
        sys.path.insert(0, str(tmp))
        import bare_app  # the generated module

        with bare_app.app.app_context():
            bare_app.db.create_all()
            bare_app.db.engine.dispose()

        setup = create_app(
            {
                "ENV_NAME": "testing",
                "SQLALCHEMY_DATABASE_URI": url,
                "INSTANCE_DIR": str(tmp / "instance"),
                "MAIL_OUTBOX_DIR": str(tmp / "outbox"),
                "LOGIN_RATE_LIMIT": "100000 per minute",
            }
        )
        with setup.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            scenario = build_scenario(n_clients)
            db.session.remove()
            db.engine.dispose()

        env = {
            "KCVOTE_ENV": "production",
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": url,
            "LOGIN_RATE_LIMIT": "100000 per minute",
            "KCVOTE_INSTANCE_DIR": str(tmp / "instance"),
            "MEDIA_DIR": str(tmp / "instance" / "media"),
            "MAIL_OUTBOX_DIR": str(tmp / "outbox"),
            "REDIS_URL": "",
        }
        clients = [
            Client(n, entries, scenario.criteria, email=email, rng=random.Random(n))
            for n, (_user_id, email, entries) in enumerate(scenario.jurors)
        ]

        def autosave(client: Client) -> tuple[str, dict[str, str], bytes]:
            entry_id, body = client.next_body()
            headers = {"Content-Type": "application/json", "X-CSRFToken": client.csrf, **client.cookie_header()}
            return f"/judge/entries/{entry_id}/sheet", headers, body

        def bare_insert(client: Client) -> tuple[str, dict[str, str], bytes]:
            _entry_id, body = client.next_body()
            return "/hit", {"Content-Type": "application/json"}, body

        runs: dict[tuple[str, str], LoadResult] = {}
        port = free_port()
        with gunicorn("wsgi:app", port, env, ROOT, tmp / "kcvote.log", "/account/login") as master:
            start = time.perf_counter()

            async def sign_in_all() -> None:
                await asyncio.gather(*(sign_in(port, client) for client in clients))

            asyncio.run(sign_in_all())
            sign_in_s = time.perf_counter() - start
            print(f"{len(clients)} jurors signed in in {sign_in_s:.1f} s", flush=True)
            for mode, pace in MODES.items():
                runs["kcvote", mode] = load(port, master, database, clients, autosave, seconds, pace)
                print(_summary("kcvote autosave", mode, runs["kcvote", mode]), flush=True)

        port = free_port()
        bare_clients = [Client(n, c.entries, scenario.criteria, rng=random.Random(n)) for n, c in enumerate(clients)]
        with gunicorn("bare_app:app", port, {"BARE_DATABASE_URL": url}, tmp, tmp / "bare.log", "/") as master:
            for mode, pace in MODES.items():
                runs["bare", mode] = load(port, master, database, bare_clients, bare_insert, seconds, pace)
                print(_summary("bare insert", mode, runs["bare", mode]), flush=True)

        engine = sqlalchemy.create_engine(url)
        try:
            with engine.connect() as conn:
                sheets = conn.scalar(select(func.count()).select_from(ScoreSheet))
                audit_rows = conn.scalar(text("SELECT count(*) FROM audit_log"))
                hits = conn.scalar(text("SELECT count(*) FROM bench_bare_hits"))
        finally:
            engine.dispose()

        split_rows, split_total = split_autosave(setup, scenario, 300)
        profile = profile_requests(setup, bare_app, scenario, 300)
        with setup.app_context():
            db.session.remove()
            db.engine.dispose()
        with bare_app.app.app_context():
            bare_app.db.engine.dispose()
        sys.path.remove(str(tmp))
        server_log = (tmp / "kcvote.log").read_text(errors="replace")
        errors_logged = server_log.count("Traceback") + server_log.count("[ERROR]")

    return report(
        seconds,
        n_clients,
        load_before,
        runs,
        sign_in_s,
        sheets,
        audit_rows,
        hits,
        split_rows,
        split_total,
        profile,
        errors_logged,
    )


def _summary(name: str, mode: str, result: LoadResult) -> str:
    return f"{name}, {mode}: {result.rps:.0f} req/s, p95 {result.pct(95):.0f} ms, {sum(result.errors.values())} errors"


def _row(name: str, mode: str, result: LoadResult) -> str:
    errors = sum(result.errors.values())
    detail = ", ".join(f"{k}: {v}" for k, v in result.errors.most_common()) if errors else ""
    per_request = 1000 / result.requests if result.requests else float("nan")  # CPU s -> ms per request
    return (
        f"| {name} | {mode} | {result.requests:,} | **{result.rps:,.0f}** | {result.pct(50):.0f} ms "
        f"| **{result.pct(95):.0f} ms** | {result.pct(99):.0f} ms | {errors}{f' ({detail})' if detail else ''} "
        f"| {result.cpu['workers'] * per_request:.1f} ms | {result.cpu['database'] * per_request:.1f} ms "
        f"| {result.cores('client'):.2f} | {result.other_cores:.2f} |"
    )


def report(
    seconds: float,
    n_clients: int,
    load_before: float,
    runs: dict[tuple[str, str], LoadResult],
    sign_in_s: float,
    sheets: int | None,
    audit_rows: int | None,
    hits: int | None,
    split_rows: list[tuple[str, float, float]],
    split_total: float,
    profile: dict[str, Any],
    errors_logged: int,
) -> str:
    kcvote, bare = runs["kcvote", SATURATED], runs["bare", SATURATED]
    paced = runs["kcvote", PACED]
    ratio = kcvote.rps / bare.rps if bare.rps else float("nan")
    meets_ratio = ratio >= 0.5
    with sqlalchemy.create_engine(PG_ADMIN_URL).connect() as conn:
        pg_version = str(conn.scalar(text("SHOW server_version")))
    lines = [
        f"- command: `.venv/bin/python bench/scoring_load.py {seconds:g} {n_clients}`",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores shared by the clients, gunicorn and PostgreSQL; "
        f"Python {platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}, PostgreSQL {pg_version} "
        "(local, default settings, synchronous_commit on), scratch database dropped afterwards",
        f"- servers: `gunicorn -w {WORKERS} -b 127.0.0.1:PORT wsgi:app` (sync workers, one request at a time each) "
        "with `KCVOTE_ENV=production`, `SECRET_KEY`, `DATABASE_URL` = the scratch database, "
        "`LOGIN_RATE_LIMIT=100000 per minute`; production sets Secure cookies, which the bench client sends back over "
        "plain http anyway (a cookie's Secure flag binds browsers, not the server). The baseline: a bare Flask + "
        "Flask-SQLAlchemy app whose POST inserts one row into its own table in the same database, started the same "
        f"way (`gunicorn -w {WORKERS} ... bare_app:app`)",
        f"- load: {n_clients} clients in one asyncio process on the same machine, a new connection per request "
        f"(sync workers close each one); *{SATURATED}*: each client sends its next request as soon as the answer "
        f"arrives (throughput; latency is then queueing, about {n_clients} / throughput); *{PACED}*: each client "
        f"starts a save every {PACE[0]:g}–{PACE[1]:g} s at random ({n_clients / sum(PACE) * 2:.0f} req/s offered: a "
        "juror setting a criterion, the page debounces 400 ms, then reading on); "
        f"{WARMUP_S:g} s warm-up then {seconds:g} s measured for each server and load; the same JSON body for both "
        "(one criterion, remarks, client_id, increasing client_seq). kcvote: the jurors signed in through the login "
        f"form ({n_clients} sign-ins in {sign_in_s:.1f} s, scrypt) and send their session cookie and the page's CSRF "
        f"token; each juror has {ENTRIES_PER_JUROR} of {ENTRIES} entries and sets the 13 criteria of one sheet, one "
        f"request each, before the next ({sheets or 0:,} draft sheets at the end; {audit_rows or 0:,} audit rows, "
        "none from autosaves)",
        "- CPU from /proc over the measured window: the gunicorn workers' and the PostgreSQL backends' (of the "
        "scratch database) user + system time per request; cores busy with the load generator, and with other "
        "processes on the machine (anything else running at the time competes for the 2 cores; load average "
        f"before / after the run: {load_before:.1f} / {os.getloadavg()[0]:.1f})",
        "",
        "| endpoint | load | requests | req/s | p50 | p95 | p99 | errors | worker CPU / req | PostgreSQL CPU / req "
        "| client cores | other cores |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|",
        *(_row("kcvote autosave", mode, runs["kcvote", mode]) for mode in MODES),
        *(_row(f"bare insert ({hits or 0:,} rows in all)", mode, runs["bare", mode]) for mode in MODES),
        "",
        f"Target: at least half the bare endpoint's throughput and p95 under 100 ms. Throughput: **{ratio:.2f}×** "
        f"the bare endpoint's ({kcvote.rps:,.0f} against {bare.rps:,.0f} req/s; {'met' if meets_ratio else 'MISSED'}). "
        f"p95: **{kcvote.pct(95):,.0f} ms** at saturation, where the bare endpoint's is {bare.pct(95):,.0f} ms; "
        f"**{paced.pct(95):,.0f} ms** at the paced load ({'met' if paced.pct(95) < 100 else 'MISSED'}), where the bare "
        f"endpoint's is {runs['bare', PACED].pct(95):,.0f} ms. Server log: {errors_logged} errors.",
        "",
        "Where an autosave's time goes, single-threaded and in-process against the same database (no network, no "
        "concurrency; median of 300 saves, each from an empty session as in a request):",
        "",
        "| step | median ms | SQL statements |",
        "|---|---:|---:|",
        *(f"| {name} | {ms:.2f} | {n:.0f} |" for name, ms, n in split_rows),
        f"| **the steps together** | **{split_total:.2f}** | {sum(n for _name, _ms, n in split_rows):.0f} |",
        "",
        f"The whole request through Flask's test client (login check, CSRF, JSON, the view, the response): "
        f"**{profile['autosave_ms']:.1f} ms** and {profile['statements']} SQL statements, against "
        f"**{profile['bare_ms']:.1f} ms** for the bare insert ({profile['autosave_ms'] / profile['bare_ms']:.1f}× as long). "
        "Own time by package under cProfile (which inflates Python-heavy code): "
        + ", ".join(f"{name} {share:.0%}" for name, share in profile["packages"])
        + ".",
        "",
        *findings(kcvote, bare, split_rows),
    ]
    return "\n".join(lines)


def findings(kcvote: LoadResult, bare: LoadResult, split_rows: list[tuple[str, float, float]]) -> list[str]:
    """Why, in words, from the figures above (the statements named were read from the SQL log of one save)."""
    per_request = (kcvote.cpu["workers"] + kcvote.cpu["database"]) * 1000 / kcvote.requests
    bare_per_request = (bare.cpu["workers"] + bare.cpu["database"]) * 1000 / bare.requests
    statements = sum(n for _name, _ms, n in split_rows)
    return [
        f"Why: at saturation the machine is CPU-bound and an autosave costs about {per_request:.1f} ms of CPU "
        f"(gunicorn worker + PostgreSQL backend) where the bare insert costs {bare_per_request:.1f} ms, so the "
        "throughput ratio follows the CPU ratio; more workers cannot help on 2 cores. An autosave sends "
        f"{statements:.0f} statements (two more for a sheet's first save; one fewer for a replayed or stale "
        "client_seq, whose total is read and nothing written): the user joined with their roles (Flask-Login's "
        "user_loader; the roles decide who is a juror of which round); `scoring_target`, one SELECT of the "
        "entry's round (state, current stage), its current rubric version and whether the juror is assigned the "
        "entry in that stage and not in conflict with it, as plain values; the sheet's row SELECT … FOR UPDATE "
        "(on PostgreSQL the INSERT … ON CONFLICT DO NOTHING runs only while the sheet does not exist yet; on "
        "SQLite it runs first, as it takes the database's write lock); the point, INSERT … ON CONFLICT DO UPDATE "
        "(a cleared criterion is a DELETE); and one UPDATE of the sheet (client_id, client_seq, version + 1) "
        "RETURNING its new version and its total, summed by that statement under the lock, which is the answer. "
        "The rubric version's criteria (name and maximum, for the bounds) are read once per worker and kept: a "
        "version is never edited, only superseded, and cannot be once the round has opened; the cache is keyed "
        "by the version's id and creation time, so another version, or another database reusing the id, is "
        "read afresh. No ORM object is built for the entry, round, rubric, sheet or scores, and each statement "
        "is built once per process. Every rule is still checked on every save (juror of the round by the "
        "roles, assigned, not in conflict, scoring open, the bounds, the sheet a draft, client_seq newer). "
        "Beyond the bare insert remain those reads, the row lock, the pool's pre-ping, and in the worker "
        "Flask-Login with the user's ORM objects, the signed session cookie, the CSRF check and Flask-Limiter. "
        "Autosaves write no audit rows, so the audit chain's advisory lock plays no part.",
        "",
        "Before (the code as of commit 6981ee5, figures of this section's previous run), 8 statements per "
        "save: the entry joined with its round as ORM objects, the assignment and conflict in a second query, "
        "the current rubric's criteria read on every save, the sheet locked as an ORM object and its scores in "
        "another statement, then the unit of work's UPDATE of the sheet and INSERT or UPDATE of the score; 148 req/s at saturation against the bare endpoint's 706 "
        "(0.21×), p95 395 ms saturated and 22 ms paced, 10.8 + 1.8 ms of CPU per save (worker + PostgreSQL), "
        "11.66 ms for the steps and 13.8 ms per request in-process. Before that (commit c887503), 24 statements "
        "per save (the entry with every eager load, the checks twice, the sheet reloaded after the commit): "
        "79 req/s against 1,374 (0.06×), 17.3 + 7.0 ms of CPU per save. The machine's speed varies from day to "
        "day (the bare endpoint's own throughput with it): compare ratios, and CPU per request, rather than "
        "req/s across runs.",
        "",
        "This change was run three times within the hour on this machine: 0.33× (162 against 495 req/s) while "
        "other work took 0.8 to 1.7 of the 2 cores; 0.45× (377 against 836 req/s, p95 164 ms saturated and 9 ms "
        "paced, 3.7 + 1.1 ms of CPU per save against the bare insert's 1.4 + 0.2) with the machine quiet; and "
        "the run above, where everything, the bare insert most, ran slower. The throughput ratio sits at the "
        "target's edge and moves with the machine more than with the code; the CPU per save fell by half or "
        "more in every run.",
    ]


if __name__ == "__main__":
    args = sys.argv[1:]
    result = main(float(args[0]) if args else 20.0, int(args[1]) if len(args) > 1 else CLIENTS)
    print(result)
    write_results(SECTION, result)
