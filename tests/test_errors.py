"""Error pages in the user's language, and rate limits shared through Redis."""

from __future__ import annotations

import os
import uuid

import pytest
import redis

from kcvote.accounts.enums import Role
from tests.conftest import login_as, post_form, text_of
from tests.factories import PASSWORD, make_user


def test_forbidden_page_is_in_vietnamese(client) -> None:
    login_as(client, make_user(Role.FACILITY))
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in text_of(response)


def test_unexpected_error_is_500_page_and_rolls_back(app_config, make_app) -> None:
    app_config["TESTING"] = False
    app = make_app(app_config)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("unexpected")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Lỗi máy chủ" in text_of(response)
    assert "unexpected" not in text_of(response)


def _redis_available() -> bool:
    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1).ping())
    except redis.RedisError:
        return False


# Skipped only on a developer machine without Redis; CI (CI=true) always runs it.
@pytest.mark.skipif(not _redis_available() and not os.environ.get("CI"), reason="no Redis on 127.0.0.1:6379")
def test_rate_limit_counters_are_shared_between_instances_through_redis(app_config, make_app) -> None:
    # Two app objects stand for two gunicorn instances; the key prefix keeps runs apart.
    app_config.update(
        REDIS_URL="redis://127.0.0.1:6379/0",
        LOGIN_RATE_LIMIT="2 per minute",
        RATELIMIT_KEY_PREFIX=f"kcvote-test-{uuid.uuid4().hex}",
    )
    first, second = make_app(app_config), make_app(app_config)
    assert first.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    with first.app_context():
        make_user(Role.JUROR, email="gk@example.vn")

    def attempt(app) -> int:
        client = app.test_client()
        data = {"email": "gk@example.vn", "password": PASSWORD}
        with app.app_context():
            return post_form(client, "/account/login", data, token_from="/account/login").status_code

    assert [attempt(first), attempt(second), attempt(first)] == [302, 302, 429]
