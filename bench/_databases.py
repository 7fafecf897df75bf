"""Shared by the bench scripts: scratch databases, created empty and removed afterwards."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy
from sqlalchemy import text

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _pg_admin(sql: str) -> None:
    engine = sqlalchemy.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


@contextmanager
def postgres_database(name: str) -> Iterator[str]:
    """The URL of a fresh PostgreSQL database ``name`` (made unique per process), dropped afterwards."""
    name = f"{name}_{os.getpid()}"
    _pg_admin(f"DROP DATABASE IF EXISTS {name}")
    _pg_admin(f"CREATE DATABASE {name}")
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def scratch_database(kind: str, name: str, tmp: str) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file in ``tmp`` (deleted afterwards) or a PostgreSQL
    database (dropped afterwards)."""
    if kind == "sqlite":
        path = Path(tmp) / f"{name}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    with postgres_database(f"kcvote_bench_{name}") as url:
        yield url
