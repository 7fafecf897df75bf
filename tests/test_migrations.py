"""Migrations upgrade an empty database to head, and the models agree with them."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from kcvote import create_app
from kcvote.extensions import db
from tests.conftest import MIGRATIONS, base_config


def test_models_and_migrations_agree(app: Flask) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_upgrade_creates_every_table(app: Flask) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_upgrade_then_downgrade_then_upgrade_on_empty_database(tmp_path: Path) -> None:
    # On SQLite only: the PostgreSQL database is shared by the session, whose fixture already
    # upgrades it from empty to head.
    uri = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    app = create_app(base_config(tmp_path, uri))
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        downgrade(directory=MIGRATIONS, revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version
        db.engine.dispose()


def test_migration_files_have_dated_names() -> None:
    names = [p.name for p in (Path(MIGRATIONS) / "versions").glob("*.py")]
    assert names
    assert all(name[:8].isdigit() and name[8] == "_" for name in names)
