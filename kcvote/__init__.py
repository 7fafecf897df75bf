"""kcvote: selection rounds of Vietnam's industrial-promotion programme (khuyến công)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from kcvote.config import CONFIGS, Config, config_from_env

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Config | dict[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides the environment's configuration."""
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    load_config(app, config)
    configure_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_cli(app)
    return app


def load_config(app: Flask, config: Config | dict[str, Any] | None) -> None:
    """Environment configuration first, then the caller's overrides; then safety checks."""
    if isinstance(config, Config):
        base = config
    elif isinstance(config, dict) and "ENV_NAME" in config:
        base = CONFIGS[config["ENV_NAME"]]()
    else:
        base = config_from_env()
    base.check()
    app.config.from_object(base)
    if isinstance(config, dict):
        app.config.update(config)
    if app.config.get("REDIS_URL") and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        # Several instances must share the counters, or each would allow the full limit.
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    app.instance_path = app.config["INSTANCE_DIR"]
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1)  # type: ignore[method-assign]


def configure_logging(app: Flask) -> None:
    """Log at INFO to stderr unless the host has configured logging."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # WeasyPrint logs each rendering step at INFO: a thousand certificates would flood the log.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def register_extensions(app: Flask) -> None:
    """Bind the extensions of kcvote.extensions to this app."""
    import kcvote.models  # noqa: F401  # registers every model on the metadata

    register_domain_hooks()
    from kcvote.core.i18n import select_locale
    from kcvote.core.security import register_security_headers
    from kcvote.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    limiter.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "warning"
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")

    from sqlalchemy import bindparam, select
    from sqlalchemy.orm import joinedload

    from kcvote.accounts.models import User

    # Every signed-in request reads the roles (who may do what, juror of which round): one query with a
    # join rather than a second SELECT, its statement built once rather than on every request.
    user_with_roles = select(User).options(joinedload(User.roles)).where(User.id == bindparam("user_id"))

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        user = db.session.execute(user_with_roles, {"user_id": int(user_id)}).unique().scalar_one_or_none()
        return user if user is not None and user.active else None

    register_security_headers(app)
    _install_sqlite_pragmas()


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL, foreign keys and a busy timeout on SQLite (the embedded default)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def _install_sqlite_pragmas() -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)


def register_domain_hooks() -> None:
    """Higher domains add checks and grants to lower ones, which cannot import them: entries guards
    round transitions (contests); judging lets assigned jurors read dossiers (entries) and freezes the
    results when a round is finalized (contests); certificates keep certified results from reopening."""
    from kcvote.certificates import guards as certificate_guards
    from kcvote.entries import guards
    from kcvote.judging import grants, results

    del certificate_guards, guards, grants, results  # imported for the registrations they make


def register_blueprints(app: Flask) -> None:
    """One blueprint per domain."""
    from kcvote.accounts.admin_routes import bp as admin_bp
    from kcvote.accounts.routes import bp as accounts_bp
    from kcvote.artisans.council_routes import bp as councils_bp
    from kcvote.artisans.dossier_routes import bp as artisans_bp
    from kcvote.artisans.public_routes import bp as artisans_public_bp
    from kcvote.certificates.routes import bp as certificates_bp
    from kcvote.contests.routes import bp as contests_bp
    from kcvote.entries.routes import bp as entries_bp
    from kcvote.entries.screening_routes import bp as screening_bp
    from kcvote.facilities.routes import bp as facilities_bp
    from kcvote.judging.routes import bp as judging_bp
    from kcvote.public.routes import bp as public_bp
    from kcvote.reference.routes import bp as reference_bp

    for blueprint in (
        public_bp,
        accounts_bp,
        admin_bp,
        reference_bp,
        facilities_bp,
        contests_bp,
        entries_bp,
        screening_bp,
        judging_bp,
        certificates_bp,
        artisans_bp,
        councils_bp,
        artisans_public_bp,
    ):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    """Error pages in the user's language."""
    from kcvote.core.errors import register_errorhandlers as _register

    _register(app)


def register_template_helpers(app: Flask) -> None:
    """Filters for dates and numbers, and the permission predicates templates may ask."""
    from kcvote.accounts import rules
    from kcvote.artisans import councils as council_rules
    from kcvote.artisans import services as artisan_rules
    from kcvote.contests import rules as contest_rules
    from kcvote.core.i18n import fmt_date, fmt_datetime, fmt_number, select_locale
    from kcvote.facilities import rules as facility_rules
    from kcvote.judging import rules as judging_rules

    app.jinja_env.filters["date"] = fmt_date
    app.jinja_env.filters["datetime"] = fmt_datetime
    app.jinja_env.filters["number"] = fmt_number

    @app.context_processor
    def _inject() -> dict[str, Any]:
        return {
            "rules": rules,
            "contest_rules": contest_rules,
            "facility_rules": facility_rules,
            "judging_rules": judging_rules,
            "artisan_rules": artisan_rules,
            "council_rules": council_rules,
            "current_locale": select_locale(),
        }


def register_cli(app: Flask) -> None:
    """`flask --app wsgi kcvote ...` commands."""
    from kcvote.cli import kcvote_cli

    app.cli.add_command(kcvote_cli)
