"""Safe redirect targets and the public address of a page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default`` (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of a page as the public reaches it (printed on paper, so it must not depend
    on who happens to be looking): PUBLIC_BASE_URL when configured, else the current request's host,
    else SERVER_NAME, else the development address."""
    base = current_app.config.get("PUBLIC_BASE_URL", "")
    if not base and has_request_context():
        return url_for(endpoint, _external=True, **values)
    if not base and current_app.config.get("SERVER_NAME"):
        with current_app.app_context():
            return url_for(endpoint, _external=True, **values)
    base = base or "http://127.0.0.1:5000"
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return base.rstrip("/") + path
