"""Test fixtures: a migrated database per test (SQLite always; PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import email
import email.policy
import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from kcvote import create_app
from kcvote.config import normalise_database_url
from kcvote.extensions import db as _db

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = str(ROOT / "migrations")
PASSWORD = "correct-horse-42"


def database_url() -> str | None:
    """The PostgreSQL URL to test against, or None for SQLite. Under pytest-xdist each worker gets its
    own database beside TEST_DATABASE_URL's (``<name>_gw0``, ...), created when missing, since the tests
    truncate and migrate the whole schema."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None
    url = normalise_database_url(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        url = _worker_database(url, worker)
    return url


def _worker_database(url: str, worker: str) -> str:
    from sqlalchemy.engine import make_url

    base = make_url(url)
    target = base.set(database=f"{base.database}_{worker}")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    return target.render_as_string(hide_password=False)


def base_config(tmp: Path, uri: str) -> dict[str, Any]:
    return {
        "ENV_NAME": "testing",
        "SQLALCHEMY_DATABASE_URI": uri,
        "INSTANCE_DIR": str(tmp / "instance"),
        "MEDIA_DIR": str(tmp / "instance" / "media"),
        "MAIL_OUTBOX_DIR": str(tmp / "outbox"),
        "MAIL_SERVER": "",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "SENSITIVE_RATE_LIMIT": "1000 per minute",
        "SERVER_NAME": None,
    }


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """Compile the catalogues when they are missing or stale (`make` does it too)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (ROOT / "kcvote" / "translations").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)


@pytest.fixture(scope="session")
def migrated_template(compiled_translations: None, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate an empty database to head once per session; return its URI (SQLite: a template file)."""
    tmp = tmp_path_factory.mktemp("template")
    pg = database_url()
    if pg:
        _reset_postgres(pg)
        uri = pg
    else:
        uri = f"sqlite:///{tmp / 'template.db'}"
    app = create_app(base_config(tmp, uri))
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        _db.engine.dispose()
    return uri


_pg_engines: dict[str, Any] = {}
_pg_tables: dict[str, tuple[list[str], list[str]]] = {}


def _truncate_postgres(uri: str) -> None:
    """Empty every table but alembic_version (one engine and one table list per database, not per test)."""
    engine = _pg_engines.get(uri)
    if engine is None:
        engine = _pg_engines[uri] = create_engine(uri, poolclass=NullPool)
    with engine.begin() as conn:
        if uri not in _pg_tables:
            tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
            triggered = list(
                conn.scalars(
                    text(
                        "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                        "WHERE NOT t.tgisinternal"
                    )
                )
            )
            _pg_tables[uri] = (tables, triggered)
        tables, triggered = _pg_tables[uri]
        if tables:
            # TRUNCATE does not fire the audit log's row triggers: only tests clean it this way.
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
            for table in triggered:  # a tampering test may have disabled the append-only trigger
                conn.execute(text(f'ALTER TABLE "{table}" ENABLE TRIGGER USER'))


@pytest.fixture
def db_uri(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    """A clean migrated database for one test."""
    if migrated_template.startswith("sqlite"):
        target = tmp_path / "test.db"
        shutil.copyfile(migrated_template.removeprefix("sqlite:///"), target)
        yield f"sqlite:///{target}"
    else:
        _truncate_postgres(migrated_template)
        yield migrated_template


@pytest.fixture
def app_config(tmp_path: Path, db_uri: str) -> dict[str, Any]:
    """Override entries here (before using ``app``) to change the configuration of one test."""
    return base_config(tmp_path, db_uri)


class IsolatedClient(FlaskClient):
    """Runs every request in its own application context, as a real server does.

    The test itself holds an app context for database access; without this, requests would
    share its ``g`` (cached CSRF token, cached user) and its database session.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        # Werkzeug's test builder spools large multipart bodies to a temporary file that it never
        # closes (a real server owns wsgi.input); close it so ResourceWarning stays an error.
        stream = response.request.environ.get("wsgi.input")
        if stream is not None and not isinstance(stream, io.BytesIO):
            stream.close()
        return response


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def make_app() -> Iterator[Any]:
    """Build extra apps inside a test (a second instance, other settings); their engines are
    disposed at the end so no database connection outlives the test."""
    apps: list[Flask] = []

    def build(config: dict[str, Any]) -> Flask:
        extra = create_app(config)
        extra.test_client_class = IsolatedClient
        apps.append(extra)
        return extra

    yield build
    for extra in apps:
        with extra.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture
def db(app: Flask) -> Any:
    return _db


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def seeded(app: Flask) -> None:
    """Reference data loaded."""
    from kcvote.reference.services import seed_reference_data

    seed_reference_data()
    _db.session.commit()


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """A CSRF token for this client's session, read from a rendered form."""
    page = client.get(path)
    token = BeautifulSoup(page.data, "html.parser").find("input", {"name": "csrf_token"})
    assert token is not None, f"no CSRF token on {path} ({page.status_code})"
    return str(token["value"])


def post_form(
    client: FlaskClient, path: str, data: dict[str, Any] | None = None, *, token_from: str = "/", **kw: Any
) -> Any:
    """POST a form with a valid CSRF token."""
    payload = {"csrf_token": csrf_token(client, token_from), **(data or {})}
    return client.post(path, data=payload, **kw)


def login_as(client: FlaskClient, user: Any) -> FlaskClient:
    """Sign ``user`` in on ``client`` without going through the form."""
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    return client


def outbox(app: Flask) -> list[email.message.Message]:
    """Messages written to the outbox, oldest first."""
    folder = Path(app.config["MAIL_OUTBOX_DIR"])
    if not folder.exists():
        return []
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in sorted(folder.glob("*.eml"))]


def mail_body(message: email.message.Message) -> str:
    part = message.get_body(preferencelist=("plain",)) if hasattr(message, "get_body") else message
    payload = part.get_payload(decode=True)
    return payload.decode("utf-8") if isinstance(payload, bytes) else str(payload)


def link_in(message: email.message.Message) -> str:
    """The first http(s) link of a message, as a path."""
    match = re.search(r"https?://[^/\s]+(/\S+)", mail_body(message))
    assert match, "no link in the message"
    return match.group(1)


def text_of(response: Any) -> str:
    return " ".join(BeautifulSoup(response.data, "html.parser").get_text(" ").split())
