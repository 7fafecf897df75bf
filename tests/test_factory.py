"""The app factory and configuration."""

from __future__ import annotations

import pytest
from flask import Flask

from kcvote import create_app
from kcvote.config import ConfigError, ProductionConfig, TestingConfig, normalise_database_url


def test_create_app_testing_config_is_applied(app: Flask) -> None:
    assert app.testing is True
    assert app.config["BABEL_DEFAULT_LOCALE"] == "vi"


def test_production_without_secret_key_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    config = ProductionConfig()
    config.SECRET_KEY = None
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(config)


def test_production_with_secret_key_uses_secure_cookies(tmp_path) -> None:
    config = ProductionConfig()
    config.SECRET_KEY = "x" * 40
    config.INSTANCE_DIR = str(tmp_path)
    app = create_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_unknown_environment_name_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KCVOTE_ENV", "staging-typo")
    with pytest.raises(ConfigError, match="staging-typo"):
        create_app()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_uses_psycopg3(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


def test_testing_config_has_csrf_enabled() -> None:
    assert TestingConfig.WTF_CSRF_ENABLED is True


def test_security_headers_are_sent(client) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_is_httponly_and_samesite(client) -> None:
    response = client.get("/account/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_pages_contain_no_inline_script(client) -> None:
    from bs4 import BeautifulSoup

    for path in ["/", "/account/login", "/account/signup"]:
        soup = BeautifulSoup(client.get(path).data, "html.parser")
        scripts = soup.find_all("script")
        assert scripts, path
        assert all(s.get("src") and not s.string for s in scripts), path
        assert not soup.find_all(style=True), path


def test_healthz_checks_database(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_bootstrap_is_served_locally(client) -> None:
    page = client.get("/").data.decode()
    assert "cdn" not in page.lower()
    with client.get("/bootstrap/static/css/bootstrap.min.css") as css:
        assert css.status_code == 200
