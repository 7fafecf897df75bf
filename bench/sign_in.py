"""Sign-in cost: password hashing (scrypt) and a full sign-in request through the app.

Sign-ins come in bursts (a fair's morning, a juror briefing); scrypt is deliberately slow, so
this tells how many sign-ins per second one core absorbs. Writes its results to bench/README.md.

Run: .venv/bin/python bench/sign_in.py [N]
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _readme import write_results  # bench/ is on sys.path when a script runs

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bs4 import BeautifulSoup
from flask_migrate import upgrade
from werkzeug.security import check_password_hash, generate_password_hash

from kcvote import create_app
from kcvote.accounts import services
from kcvote.accounts.enums import Role
from kcvote.extensions import db

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main(n: int = 30) -> str:
    hash_value = generate_password_hash("mat-khau-thu-nghiem")
    hash_times = []
    for _ in range(n):
        start = time.perf_counter()
        check_password_hash(hash_value, "mat-khau-thu-nghiem")
        hash_times.append((time.perf_counter() - start) * 1000)

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "ENV_NAME": "testing",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                "INSTANCE_DIR": tmp,
                "MAIL_OUTBOX_DIR": f"{tmp}/outbox",
                "LOGIN_RATE_LIMIT": "100000 per minute",
            }
        )
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            services.create_user(email="gk@example.vn", name="GK", password="mat-khau-thu-nghiem", role=Role.JUROR)
            db.session.commit()
        request_times = []
        for _ in range(n):
            client = app.test_client()
            page = client.get("/account/login")
            token = BeautifulSoup(page.data, "html.parser").find("input", {"name": "csrf_token"})["value"]
            start = time.perf_counter()
            response = client.post(
                "/account/login",
                data={"csrf_token": token, "email": "gk@example.vn", "password": "mat-khau-thu-nghiem"},
            )
            request_times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 302, response.status_code

    lines = [
        f"- command: `.venv/bin/python bench/sign_in.py {n}`",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, SQLite",
        f"- scrypt check: median {statistics.median(hash_times):.1f} ms, p95 {percentile(hash_times, 95):.1f} ms",
        f"- sign-in POST (verify + audit row + session): median {statistics.median(request_times):.1f} ms, "
        f"p95 {percentile(request_times, 95):.1f} ms",
        f"- so one worker process absorbs about {1000 / statistics.median(request_times):.0f} sign-ins per second",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    result = main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
    print(result)
    write_results("sign_in.py — password hashing and sign-in cost", result)
