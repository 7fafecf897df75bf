"""1,000 certificate PDFs: ``flask --app wsgi kcvote certificates issue`` timed as the operator runs it.

For each run a fresh database (a SQLite file in a temporary directory, or a scratch PostgreSQL database
dropped afterwards) is migrated to head, seeded with the reference data, and given one FINALIZED
provincial round with 1,000 recognised accepted entries (facility with a Vietnamese name and address,
product, entry code; a few prizes), its active ``ResultSnapshot`` and a complete saved
``CertificateDesign``; rows bulk-inserted with SQLAlchemy Core. ``services.check_can_issue`` and
``services.pending_entry_ids`` confirm 1,000 pending certificates before the clock starts.

Then the real command runs as a subprocess with ``--jobs 1`` and ``--jobs 2`` (a fresh database each):
wall time, its phases (from the progress bar's labels on stderr and the output folder's creation), CPU
time, peak RSS of the command's process and of its largest worker (VmHWM from /proc, polled), and of
the whole tree (``os.wait4``). The output is checked: one PDF per certificate, numbered 1..1,000
without gaps or repeats, each one page, and ``tat-ca.pdf`` with 1,000 pages in number order.

Last, in this process, one batch of 25 certificates is rendered again the way every path renders
them (the CLI's workers and the web's background job both call ``render.certificates_pdfs``), split
into its steps, beside single-certificate rendering. Writes its results to bench/README.md.

Run: .venv/bin/python bench/certificates.py [--postgres | --both] [--jobs 1,2] [--size 1000]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from _databases import PG_ADMIN_URL, scratch_database  # bench/ is on sys.path when a script runs
from _readme import write_results

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pikepdf
import pypdf
import sqlalchemy
import weasyprint
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, func, insert, select, text

from kcvote import create_app
from kcvote.accounts.enums import Role
from kcvote.accounts.services import create_user
from kcvote.certificates import render, services
from kcvote.certificates.enums import CertificateStatus
from kcvote.certificates.models import Certificate
from kcvote.contests.enums import RoundState
from kcvote.contests.models import Round
from kcvote.contests.services import RoundSettings, create_round
from kcvote.core import pdf
from kcvote.entries.enums import EntryOrigin, EntryStatus
from kcvote.entries.models import Entry, Product
from kcvote.extensions import db
from kcvote.facilities.enums import LegalForm
from kcvote.facilities.models import Facility
from kcvote.judging.models import ResultSnapshot
from kcvote.reference.models import Level, ProductGroup, Province
from kcvote.reference.services import seed_reference_data

ROOT = Path(__file__).resolve().parent.parent
FLASK = ROOT / ".venv" / "bin" / "flask"
SIZE = 1_000
JOBS = (1, 2)
TARGET_S = 60.0
POLL_S = 0.1  # /proc sampling period of the command's process tree
PUBLIC_BASE_URL = "https://kcvote.sct.thainguyen.gov.vn"
NOW = datetime(2025, 12, 1, 8, 0, 0)
SECTION = "certificates.py — 1,000 certificate PDFs"
PRIZES: list[list[Any]] = [["Giải nhất", 1], ["Giải nhì", 2], ["Giải ba", 3]]
DESIGN = {
    "parent_body": "UBND TỈNH THÁI NGUYÊN",
    "issuer_name": "SỞ CÔNG THƯƠNG TỈNH THÁI NGUYÊN",
    "issuer_code": "SCT-TN",
    "number_suffix": "GCN-SCT",
    "place": "Thái Nguyên",
    "decision_number": "1234/QĐ-SCT",
    "decision_date": date(2025, 12, 10),
    "signer_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
    "signer_name": "Nguyễn Văn Hùng",
    "title": "GIẤY CHỨNG NHẬN",
    "body_text": services.DEFAULT_BODY,
    "footer_text": services.DEFAULT_FOOTER,
}

# Vietnamese names and addresses, some of them as long as real ones get.
HOLDER_KINDS = ("Hợp tác xã", "Cơ sở sản xuất", "Hộ kinh doanh", "Công ty TNHH", "Công ty cổ phần")
HOLDER_NAMES = ("Chè Tân Cương", "Miến dong Việt Cường", "Mây tre đan Phú Bình", "Nông sản sạch Đại Từ",
                "Thực phẩm Hoàng Nông", "Gốm Tân Hương", "Mật ong La Bằng", "Bánh chưng Bờ Đậu")  # fmt: skip
PRODUCTS = (
    "Chè xanh đặc sản",
    "Miến dong",
    "Giỏ mây đan thủ công",
    "Mật ong rừng nguyên chất",
    "Bình gốm men rạn",
    "Bánh chưng Bờ Đậu",
    "Rượu ngô men lá",
    "Tinh dầu quế",
    "Nấm linh chi sấy khô",
    "Trà hoa vàng túi lọc",
)
PACKS = ("", " hộp 200 g", " loại đặc biệt, hộp thiếc 500 g", " (bộ quà tặng cao cấp gồm 3 sản phẩm, đóng hộp gỗ)")
COMMUNES = ("Tân Cương", "Phúc Xuân", "La Bằng", "Hoàng Nông", "Sơn Cẩm", "Động Đạt", "Trại Cau", "Bá Xuyên")


# --- databases -------------------------------------------------------------------------------


@contextmanager
def database(kind: str, tag: str, tmp: str) -> Iterator[str]:
    """A fresh, empty database URL; dropped (PostgreSQL) or deleted (SQLite) afterwards."""
    with scratch_database(kind, f"certificates_{tag}", tmp) as url:
        yield url


def settings_for(url: str, folder: Path) -> dict[str, Any]:
    """The configuration both this process and the command use: same database, media and instance folder."""
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "INSTANCE_DIR": str(folder / "instance"),
        "MEDIA_DIR": str(folder / "media"),
        "MAIL_OUTBOX_DIR": str(folder / "outbox"),
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
    }


def make_app(settings: dict[str, Any]) -> Flask:
    return create_app({"ENV_NAME": "testing", **settings})


def command_env(settings: dict[str, Any]) -> dict[str, str]:
    """The operator's environment (kcvote/config.py names) pointing at the scratch database and folders."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KCVOTE_ENV", "SERVER_NAME")}
    env.update(
        KCVOTE_ENV="production",
        SECRET_KEY="bench-certificates-secret-key-0123456789",
        DATABASE_URL=settings["SQLALCHEMY_DATABASE_URI"],
        KCVOTE_INSTANCE_DIR=settings["INSTANCE_DIR"],
        MEDIA_DIR=settings["MEDIA_DIR"],
        MAIL_OUTBOX_DIR=settings["MAIL_OUTBOX_DIR"],
        PUBLIC_BASE_URL=settings["PUBLIC_BASE_URL"],
    )
    return env


# --- data ------------------------------------------------------------------------------------


def _next_id(model: Any) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _holder(n: int, rng: random.Random) -> tuple[str, str]:
    name = f"{HOLDER_KINDS[n % len(HOLDER_KINDS)]} {HOLDER_NAMES[n % len(HOLDER_NAMES)]} số {n + 1}"
    commune = COMMUNES[rng.randrange(len(COMMUNES))]
    address = f"Xóm {rng.randint(1, 24)}, xã {commune}, tỉnh Thái Nguyên"
    if n % 7 == 0:
        address = f"Số {rng.randint(1, 300)}, đường Cách Mạng Tháng Tám, tổ {rng.randint(1, 40)}, phường {commune}, tỉnh Thái Nguyên"
    return name, address


def build_round(n_entries: int, seed: int = 2025) -> tuple[int, float]:
    """A FINALIZED provincial round with ``n_entries`` recognised accepted entries, its active results
    snapshot and a complete certificate design. Returns (round id, seconds spent)."""
    start = time.perf_counter()
    seed_reference_data()
    organizer = create_user(
        email="bench-organizer@example.vn",
        name="Ban tổ chức",
        password="mat-khau-thu-nghiem",
        role=Role.ORGANIZER,
        password_hash="bench-no-sign-in",  # nobody signs in; skip scrypt
    )
    level = db.session.scalar(select(Level).where(Level.code == "tinh"))
    province = db.session.scalar(select(Province).where(Province.name == "Thái Nguyên"))
    groups = list(db.session.scalars(select(ProductGroup).order_by(ProductGroup.number)))
    assert level is not None and province is not None and groups
    round_ = create_round(
        actor=organizer,
        settings=RoundSettings(
            name="Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp tỉnh năm 2025",
            level=level,
            year=2025,
            groups=groups,
            scope_province=province,
            code_prefix="TN",
            prize_tiers=PRIZES,
        ),
    )
    round_.state = RoundState.FINALIZED
    round_id, prefix = round_.id, round_.code_prefix

    rng = random.Random(seed)
    prizes = [str(name) for name, count in PRIZES for _ in range(int(count))]
    first_facility, first_product, first_entry = _next_id(Facility), _next_id(Product), _next_id(Entry)
    facilities, products, entries, records = [], [], [], []
    for n in range(n_entries):
        facility_id, product_id, entry_id = first_facility + n, first_product + n, first_entry + n
        group = groups[n % len(groups)]
        holder, address = _holder(n, rng)
        product = PRODUCTS[n % len(PRODUCTS)] + PACKS[rng.randrange(len(PACKS))]
        code = f"{prefix}-2025-{group.code}-{n + 1:04d}"
        prize = prizes[n] if n < len(prizes) else ""
        facilities.append(
            {
                "id": facility_id,
                "name": holder,
                "legal_form": LegalForm.HOUSEHOLD,
                "registration_no": None,
                "province_id": province.id,
                "address": address,
                "search_text": holder.lower(),
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        products.append(
            {
                "id": product_id,
                "facility_id": facility_id,
                "group_id": group.id,
                "name": product,
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
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
                "recognised_at": NOW,
                "prize": prize,
                "search_text": f"{product} {holder} {code}".lower(),
                "declaration_accepted": True,
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        average = f"{95 - 25 * n / n_entries:.2f}"
        records.append(
            {
                "code": code,
                "product": product,
                "facility": holder,
                "group": group.code,
                "juror_totals": [],
                "average": average,
                "median": average,
                "aggregate": average,
                "std_dev": "0.00",
                "disagreement": False,
                "zscore_mean": None,
                "rank": n // len(groups) + 1,
                "tied": False,
                "passed": True,
                "recognised": True,
                "prize": prize or None,
                "entry_id": entry_id,
            }
        )
    for model, rows in ((Facility, facilities), (Product, products), (Entry, entries)):
        db.session.execute(insert(model), rows)
    db.session.add(ResultSnapshot(round_id=round_id, created_by_id=organizer.id, records=records))
    services.save_design(actor=organizer, round_=round_, fields=DESIGN)
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        for table in ("facilities", "products", "entries"):
            sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608  # fixed names
            db.session.execute(text(sql))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))

    finalized = db.session.get(Round, round_id)
    assert finalized is not None and finalized.state == RoundState.FINALIZED
    services.check_can_issue(finalized, services.design_of(finalized))
    pending = services.pending_entry_ids(finalized)
    assert len(pending) == n_entries, f"{len(pending)} pending certificates, expected {n_entries}"
    return round_id, time.perf_counter() - start


# --- the command under the clock -------------------------------------------------------------


@dataclass
class Run:
    """What one run of the command did and cost."""

    kind: str
    jobs: int
    returncode: int = 0
    wall: float = 0.0
    marks: dict[str, float] = field(default_factory=dict)  # seconds from start: Issuing certificates, writing
    cpu: float = 0.0
    tree_maxrss_mb: float = 0.0  # os.wait4: the largest of the command and the children it waited for
    parent_hwm_mb: float = 0.0
    worker_hwm_mb: float = 0.0
    workers: int = 0
    tree_rss_mb: float = 0.0  # the largest sum of RSS over the tree at one sample
    stdout: str = ""
    stderr: list[tuple[float, str]] = field(default_factory=list)
    build_s: float = 0.0
    files: int = 0
    files_mb: float = 0.0
    merged_mb: float = 0.0
    merged_pages: int = 0
    problems: list[str] = field(default_factory=list)


def _status_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in kB; (0, 0) once it is gone."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return rss, hwm


def _descendants(root: int) -> list[tuple[int, int]]:
    """(pid, parent pid) of the processes below ``root`` (from the parent ids of every process in /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        parent = todo.pop()
        for child in parents.get(parent, []):
            found.append((child, parent))
            todo.append(child)
    return found


def _is_worker(pid: int) -> bool:
    """A multiprocessing worker (spawn_main), not its resource tracker."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return b"spawn_main" in handle.read()
    except (FileNotFoundError, ProcessLookupError):
        return False


def _read_lines(stream: Any, start: float, into: list[tuple[float, str]]) -> None:
    for line in stream:
        into.append((time.perf_counter() - start, line.rstrip("\n")))


def run_command(run: Run, round_id: int, settings: dict[str, Any], out: Path) -> None:
    """``flask --app wsgi kcvote certificates issue ROUND_ID --out OUT --jobs N``, watched from /proc."""
    argv = [str(FLASK), "--app", "wsgi", "kcvote", "certificates", "issue", str(round_id), "--out", str(out)]
    argv += ["--jobs", str(run.jobs)]
    start = time.perf_counter()
    proc = subprocess.Popen(  # noqa: S603  # our own command, fixed arguments
        argv, cwd=ROOT, env=command_env(settings), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    stdout: list[tuple[float, str]] = []
    readers = [
        threading.Thread(target=_read_lines, args=(proc.stdout, start, stdout), daemon=True),
        threading.Thread(target=_read_lines, args=(proc.stderr, start, run.stderr), daemon=True),
    ]
    for reader in readers:
        reader.start()
    hwm: dict[int, int] = {}
    workers: set[int] = set()
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        tree_rss = 0
        for member, parent in [(proc.pid, 0), *_descendants(proc.pid)]:
            rss, peak = _status_kb(member)
            tree_rss += rss
            hwm[member] = max(hwm.get(member, 0), peak)
            # Only the command's own children: a worker's short-lived subprocesses (ctypes looking for a
            # library) carry its command line between fork and exec.
            if parent == proc.pid and member not in workers and _is_worker(member):
                workers.add(member)
        run.tree_rss_mb = max(run.tree_rss_mb, tree_rss / 1024)
        if "writing" not in run.marks and out.exists():
            run.marks["writing"] = time.perf_counter() - start
        time.sleep(POLL_S)
    run.wall = time.perf_counter() - start
    proc.returncode = run.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    run.stdout = "\n".join(line for _, line in stdout)
    run.cpu = usage.ru_utime + usage.ru_stime  # the command and its waited-for workers
    run.tree_maxrss_mb = usage.ru_maxrss / 1024
    run.parent_hwm_mb = hwm.get(proc.pid, 0) / 1024
    run.worker_hwm_mb = max((hwm.get(w, 0) for w in workers), default=0) / 1024
    run.workers = len(workers)
    for seconds, line in run.stderr:
        for label in ("Issuing certificates",):
            if line.startswith(label) and label not in run.marks:
                run.marks[label] = seconds


# --- checking the output ---------------------------------------------------------------------


def _text(reader: pypdf.PdfReader, page: int) -> str:
    return " ".join(reader.pages[page].extract_text().split())


def check_output(run: Run, round_id: int, n_entries: int, out: Path) -> None:
    """Every certificate numbered once, 1..n, with its own one-page PDF; tat-ca.pdf in number order."""
    rows = db.session.execute(
        select(Certificate.sequence, Certificate.number, Certificate.holder, Certificate.entry_id, Certificate.pdf_key)
        .where(Certificate.round_id == round_id, Certificate.status == CertificateStatus.VALID)
        .order_by(Certificate.sequence)
    ).all()
    sequences = [row.sequence for row in rows]
    if sequences != list(range(1, n_entries + 1)):
        run.problems.append(f"numbers are not 1..{n_entries} once each ({len(sequences)} certificates)")
    if len({row.entry_id for row in rows}) != len(rows):
        run.problems.append("an entry has two certificates")
    if any(row.pdf_key is None for row in rows):
        run.problems.append("certificates without a stored PDF")
    files = sorted(out.glob("gcn-*.pdf"))
    run.files = len(files)
    run.files_mb = sum(f.stat().st_size for f in files) / 1e6
    expected = [f"gcn-{{}}-{n:04d}.pdf" for n in range(1, n_entries + 1)]
    if [re.sub(r"gcn-\d{4}-", "gcn-{}-", f.name) for f in files] != expected:
        run.problems.append(f"{len(files)} certificate files, not gcn-YYYY-0001 .. {n_entries:04d}")
    single_pages = {len(pypdf.PdfReader(BytesIO(f.read_bytes())).pages) for f in files}
    if single_pages != {1}:
        run.problems.append(f"single certificates with {sorted(single_pages)} pages")
    merged = out / "tat-ca.pdf"
    if not merged.exists():
        run.problems.append("no tat-ca.pdf")
        return
    run.merged_mb = merged.stat().st_size / 1e6
    reader = pypdf.PdfReader(merged)
    run.merged_pages = len(reader.pages)
    if run.merged_pages != n_entries:
        run.problems.append(f"tat-ca.pdf has {run.merged_pages} pages")
        return
    for index in (0, n_entries // 2, n_entries - 1):  # each page is its certificate, in number order
        page, row = _text(reader, index), rows[index]
        if row.number not in page or row.holder not in page:
            run.problems.append(f"page {index + 1} of tat-ca.pdf is not certificate {row.number}")


# --- rendering in process, for comparison ----------------------------------------------------


def render_in_process(round_id: int, repeats: int = 3) -> dict[str, Any]:
    """ms for one batch of RENDER_BATCH certificates (HTML, WeasyPrint, split) and for one certificate
    alone, rendered again from the issued rows in this process (median of ``repeats`` after a warm-up)."""
    round_ = db.session.get(Round, round_id)
    assert round_ is not None
    design = services.design_of(round_)
    batch = list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.round_id == round_id)
            .order_by(Certificate.sequence)
            .limit(services.RENDER_BATCH)
        )
    )
    render.certificate_pdf(batch[0], design)  # warm-up: fonts, style sheet, templates
    figures: dict[str, list[float]] = {"html": [], "weasyprint": [], "split": [], "batch": [], "single": []}
    for _ in range(repeats):
        start = time.perf_counter()
        html = render.certificates_html(batch, design)
        after_html = time.perf_counter()
        document = pdf.html_to_pdf(html)  # the design has no background image: no resources
        after_pdf = time.perf_counter()
        pages = pdf.split_pdf(document)
        end = time.perf_counter()
        assert len(pages) == len(batch)
        figures["html"].append((after_html - start) * 1000)
        figures["weasyprint"].append((after_pdf - after_html) * 1000)
        figures["split"].append((end - after_pdf) * 1000)
        figures["batch"].append((end - start) * 1000)
        start = time.perf_counter()
        render.certificate_pdf(batch[1], design)
        figures["single"].append((time.perf_counter() - start) * 1000)
    return {key: statistics.median(values) for key, values in figures.items()}


def merge_in_process(out: Path, pages: int = 100) -> dict[str, Any]:
    """ms per page for ``pdf.merge_pdfs`` (what makes tat-ca.pdf) of the first ``pages`` certificate files
    the command wrote, and MB per page of its peak Python allocations (tracemalloc, a second call: it slows
    what it traces)."""
    documents = [f.read_bytes() for f in sorted(out.glob("gcn-*.pdf"))[:pages]]
    start = time.perf_counter()
    merged = pdf.merge_pdfs(documents)
    elapsed = (time.perf_counter() - start) * 1000
    assert len(pypdf.PdfReader(BytesIO(merged)).pages) == len(documents)
    del merged
    tracemalloc.start()
    try:
        pdf.merge_pdfs(documents)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return {
        "merge_ms_per_page": elapsed / len(documents),
        "merge_mb_per_page": peak / 1e6 / len(documents),
        **merge_rss(out),
    }


MERGE_RSS = """
import resource, sys
from pathlib import Path
from kcvote.core.pdf import merge_pdfs
files = sorted(Path(sys.argv[1]).glob("gcn-*.pdf"))
documents = [f.read_bytes() for f in files]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
merge_pdfs(documents)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(len(files), before // 1024, after // 1024)
"""


def merge_rss(out: Path) -> dict[str, Any]:
    """Peak RSS of a fresh process before and after ``pdf.merge_pdfs`` of every file the command wrote
    (qpdf's own allocations, which tracemalloc cannot see)."""
    done = subprocess.run(  # noqa: S603  # our own interpreter and script, fixed arguments
        [sys.executable, "-c", MERGE_RSS, str(out)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    files, before, after = (int(x) for x in done.stdout.split())
    return {"merge_files": files, "merge_rss_before_mb": before, "merge_rss_after_mb": after}


def number_in_process(kind: str, tmp: str, n_entries: int = 100) -> dict[str, Any]:
    """ms and SQL statements per certificate for the command's numbering loop (``issue_batch`` in
    batches of RENDER_BATCH, one commit each, as ``bulk.issue_and_render`` calls it), on a fresh round of ``n_entries``."""
    with database(kind, "numbering", tmp) as url:
        app = make_app(settings_for(url, Path(tmp) / "numbering"))
        with app.app_context():
            try:
                upgrade(directory=str(ROOT / "migrations"))
                round_id, _ = build_round(n_entries)
                db.session.remove()
                round_ = db.session.get(Round, round_id)
                assert round_ is not None
                statements = [0]

                def count(*_args: Any) -> None:
                    statements[0] += 1

                event.listen(db.engine, "before_cursor_execute", count)
                start = time.perf_counter()
                design = services.design_of(round_)
                prizes = services.recognised(round_)
                pending = services.pending_entry_ids(round_)
                for first in range(0, len(pending), services.RENDER_BATCH):
                    services.issue_batch(
                        actor=None,
                        round_=round_,
                        entry_ids=pending[first : first + services.RENDER_BATCH],
                        design=design,
                        prizes=prizes,
                    )
                    db.session.commit()
                elapsed = (time.perf_counter() - start) * 1000
                event.remove(db.engine, "before_cursor_execute", count)
                assert not services.pending_entry_ids(round_)
            finally:
                db.session.remove()
                db.engine.dispose()
    return {"number_ms": elapsed / n_entries, "number_statements": statements[0] / n_entries, "number_db": kind}


# --- one run, start to finish ----------------------------------------------------------------


def measure(kind: str, jobs: int, n_entries: int, tmp: str, compare: bool) -> tuple[Run, dict[str, Any]]:
    run = Run(kind=kind, jobs=jobs)
    folder = Path(tmp) / f"{kind}-{jobs}"
    out = folder / "out"
    inprocess: dict[str, Any] = {}
    with database(kind, f"jobs{jobs}", tmp) as url:
        settings = settings_for(url, folder)
        app = make_app(settings)
        with app.app_context():
            try:
                upgrade(directory=str(ROOT / "migrations"))
                round_id, run.build_s = build_round(n_entries)
            finally:
                db.session.remove()
                db.engine.dispose()  # the command gets the database to itself
            run_command(run, round_id, settings, out)
            try:
                if run.returncode == 0:
                    check_output(run, round_id, n_entries, out)
                    if compare:
                        inprocess = render_in_process(round_id) | merge_in_process(out)
            finally:
                db.session.remove()
                db.engine.dispose()
    if compare and run.returncode == 0:
        inprocess |= number_in_process(kind, tmp)
    marks = ", ".join(f"{label} at {seconds:.1f} s" for label, seconds in run.marks.items())
    print(
        f"{kind:10} --jobs {jobs}: exit {run.returncode}, {run.wall:.1f} s ({marks}), CPU {run.cpu:.1f} s, "
        f"parent {run.parent_hwm_mb:.0f} MB, largest of {run.workers} workers {run.worker_hwm_mb:.0f} MB, "
        f"tree {run.tree_rss_mb:.0f} MB; {run.files} files {run.files_mb:.1f} MB, tat-ca.pdf {run.merged_pages} pages "
        f"{run.merged_mb:.1f} MB; problems: {'; '.join(run.problems) or 'none'}",
        flush=True,
    )
    if run.returncode != 0:
        print(run.stdout, *(line for _, line in run.stderr), sep="\n", file=sys.stderr)
    return run, inprocess


# --- the README section ----------------------------------------------------------------------


def _phases(run: Run) -> str:
    issuing, writing = run.marks.get("Issuing certificates"), run.marks.get("writing")
    if issuing is None or writing is None:
        return "–"
    return f"{issuing:.1f} / {writing - issuing:.1f} / {run.wall - writing:.1f} s"


def main(kinds: tuple[str, ...], jobs_list: tuple[int, ...], n_entries: int, argv: list[str]) -> str:
    runs: list[Run] = []
    inprocess: dict[str, Any] = {}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="kcvote-bench-certificates-") as tmp:
        for kind in kinds:
            for jobs in jobs_list:
                compare = not inprocess and jobs == max(jobs_list)
                run, figures = measure(kind, jobs, n_entries, tmp, compare)
                runs.append(run)
                inprocess = inprocess or figures
    load_after = os.getloadavg()[0]

    table = [
        "| database | `--jobs` | **wall time** | startup / numbering + rendering / writing | CPU (cores busy) "
        "| peak RSS: command process | largest worker | whole tree at once | files | tat-ca.pdf | check |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        label = "SQLite" if run.kind == "sqlite" else "PostgreSQL"
        failed = f"exit {run.returncode}" if run.returncode else ""
        table.append(
            f"| {label} | {run.jobs} | **{run.wall:.1f} s** | {_phases(run)} | {run.cpu:.1f} s ({run.cpu / run.wall:.2f}) "
            f"| {run.parent_hwm_mb:,.0f} MB | {f'{run.worker_hwm_mb:,.0f} MB' if run.workers else '–'} "
            f"| {run.tree_rss_mb:,.0f} MB | {run.files:,} ({run.files_mb:.1f} MB) "
            f"| {run.merged_pages:,} pages, {run.merged_mb:.1f} MB | {failed or '; '.join(run.problems) or 'ok'} |"
        )

    verdict = []
    for run in runs:
        if run.jobs == 2:
            label = "SQLite" if run.kind == "sqlite" else "PostgreSQL"
            ok = run.returncode == 0 and not run.problems and run.wall < TARGET_S
            verdict.append(f"{label} {run.wall:.1f} s ({'under' if ok else 'NOT under'} {TARGET_S:.0f} s)")
    pg_version = ""
    if "postgresql" in kinds:
        with sqlalchemy.create_engine(PG_ADMIN_URL).connect() as conn:
            pg_version = str(conn.scalar(text("SHOW server_version")))
    import sqlite3

    databases = []
    if "sqlite" in kinds:
        databases.append(f"SQLite {sqlite3.sqlite_version} (file in a temp dir, WAL)")
    if "postgresql" in kinds:
        databases.append(f"PostgreSQL {pg_version} (local, default settings, scratch database)")
    lines = [
        f"- command: `.venv/bin/python bench/certificates.py{''.join(' ' + a for a in argv)}`; it times "
        "`.venv/bin/flask --app wsgi kcvote certificates issue ROUND_ID --out DIR --jobs N` as a subprocess with "
        "`KCVOTE_ENV=production`, `DATABASE_URL`, `KCVOTE_INSTANCE_DIR`, `MEDIA_DIR` and `PUBLIC_BASE_URL` set to "
        "the scratch database and temp folders",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"WeasyPrint {weasyprint.__version__}, pikepdf {pikepdf.__version__}, SQLAlchemy {sqlalchemy.__version__}; "
        + ", ".join(databases),
        f"- data: a fresh database per run, migrated to head and seeded; one FINALIZED provincial round (Thái "
        f"Nguyên) with {n_entries:,} recognised accepted entries (facility with a Vietnamese name and address, up "
        "to 90-character product names, entry code; 1 Giải nhất, 2 Giải nhì, 3 Giải ba), its active "
        "`ResultSnapshot` and a complete `CertificateDesign` (no background image); "
        f"`services.pending_entry_ids` gives {n_entries:,} before the clock starts; build time "
        + ", ".join(f"{run.build_s:.1f} s" for run in runs),
        "- wall time: from starting the command to its exit; phases from the progress bar's labels on stderr "
        "(startup = imports and the app until `Issuing certificates`) and the output folder's creation "
        "(numbering + rendering: the command numbers batches of registry rows while its workers render the "
        "previous ones, workers' start included; writing = reading the stored PDFs, writing them and merging "
        "`tat-ca.pdf`). CPU = user + system of the command and its workers (`os.wait4`). "
        f"Peak RSS: VmHWM of the command's process and of each worker (/proc, every {POLL_S * 1000:.0f} ms), and "
        "the largest sum of RSS over the process tree at one sample",
        "- check: certificates numbered 1..N once each, all with a stored PDF; N files `gcn-YYYY-0001.pdf` .. of "
        "one page each; `tat-ca.pdf` with N pages whose first, middle and last carry their certificate's "
        "number and holder (pypdf text, read by the bench only)",
        "",
        *table,
        "",
        "Target: 1,000 certificate PDFs in under a minute on 2 cores, with a progress bar: "
        + ("; ".join(verdict) or "not measured with `--jobs 2`")
        + ". The command shows a click progress bar (certificates numbered and rendered) on stderr (on a "
        "terminal; piped, as here, only its label).",
        f"Load average (1 min) before / after the runs: {load_before:.1f} / {load_after:.1f} (other work on the "
        "same cores slows every figure).",
    ]
    if inprocess:
        lines += ["", *findings(runs, inprocess, n_entries)]
    return "\n".join(lines)


def findings(runs: list[Run], inprocess: dict[str, Any], n_entries: int) -> list[str]:
    """Where the time and the memory go, in words, from the in-process figures and the runs' phases."""
    batch, single = inprocess["batch"], inprocess["single"]
    per_page = batch / services.RENDER_BATCH
    lines = [
        f"Rendering, measured in this process (what each worker, and the web's background job, does per batch; "
        f"median of 3 after a warm-up): a batch of {services.RENDER_BATCH} certificates takes {batch:,.0f} ms — "
        f"HTML {inprocess['html']:,.0f} ms (template, sandboxed text blocks, QR code), WeasyPrint "
        f"{inprocess['weasyprint']:,.0f} ms, split into single PDFs {inprocess['split']:,.0f} ms — so {per_page:,.0f} "
        f"ms per certificate, against {single:,.0f} ms for one certificate rendered alone. {n_entries:,} "
        f"certificates are then {per_page * n_entries / 1000:,.0f} s of CPU: "
        f"{per_page * n_entries / 2000:,.0f} s on 2 cores before anything else is counted.",
    ]
    numbering = writing = ""
    for run in runs:
        phases = run.marks
        if {"Issuing certificates", "writing"} <= phases.keys():
            label = "SQLite" if run.kind == "sqlite" else "PostgreSQL"
            numbering += f"{label} --jobs {run.jobs}: {phases['writing'] - phases['Issuing certificates']:.1f} s; "
            writing += f"{label} --jobs {run.jobs}: {run.wall - phases['writing']:.1f} s; "
    number_db = "SQLite" if inprocess["number_db"] == "sqlite" else "PostgreSQL"
    lines += [
        "",
        f"Numbering and rendering overlap ({numbering.rstrip('; ')}): the command's process numbers a batch of "
        f"{services.RENDER_BATCH} registry rows and hands it to a worker while the workers render earlier "
        f"batches (with --jobs 1 the same process does both in turn). Numbering, measured in this process on a "
        f"fresh round ({number_db}): {inprocess['number_ms']:,.1f} ms and "
        f"{inprocess['number_statements']:,.1f} SQL statements per certificate (`issue_batch`: the entries' facts "
        "in one query, then per certificate a savepoint, the counter update, the audit row's chain lock and "
        "last hash, the insert).",
        "",
        f"Writing is serial, after the last PDF ({writing.rstrip('; ')}): reading the stored PDFs, writing one "
        f"file each, and `pdf.merge_pdfs` (pikepdf) building tat-ca.pdf: {inprocess['merge_ms_per_page']:,.1f} ms "
        f"and {inprocess['merge_mb_per_page']:,.2f} MB of peak Python-allocated memory per page measured here "
        "(each one-page PDF carries its own font subsets, which is why tat-ca.pdf is as large as the single "
        f"files together). qpdf's own allocations, which tracemalloc does not see, are what set the command "
        f"process's peak RSS: merging the {inprocess['merge_files']:,} files in a fresh process takes its peak "
        f"RSS from {inprocess['merge_rss_before_mb']:,} MB (the files read) to {inprocess['merge_rss_after_mb']:,} "
        "MB, as qpdf keeps every page's objects until it writes the merged file; the workers stay small.",
    ]
    return lines


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--postgres", action="store_true", help="a scratch PostgreSQL database instead of SQLite")
    where.add_argument("--both", action="store_true", help="SQLite, then PostgreSQL")
    parser.add_argument("--jobs", default=",".join(map(str, JOBS)), help="worker counts to time (default: 1,2)")
    parser.add_argument("--size", type=int, default=SIZE, help="recognised entries (default: 1000)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    args = parse_args(sys.argv[1:])
    kinds = ("sqlite", "postgresql") if args.both else ("postgresql",) if args.postgres else ("sqlite",)
    result = main(kinds, tuple(int(j) for j in args.jobs.split(",")), args.size, sys.argv[1:])
    print(result)
    write_results(SECTION, result)
