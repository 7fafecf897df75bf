"""Signed, expiring tokens for e-mail confirmation, password reset and invitations.

Reset and invitation tokens carry a fingerprint of the current password hash, so they stop
working once they have been used (the hash changes).
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from kcvote.accounts.models import User
from kcvote.extensions import db

PURPOSES = {
    "confirm": "CONFIRM_TOKEN_MAX_AGE",
    "reset": "RESET_TOKEN_MAX_AGE",
    "invite": "INVITE_TOKEN_MAX_AGE",
}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"kcvote-{purpose}")


def _fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "no-password").encode()).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    """A token for ``purpose`` that identifies ``user``."""
    payload: dict[str, Any] = {"uid": user.id, "email": user.email}
    if purpose in {"reset", "invite"}:
        payload["fp"] = _fingerprint(user)
    return _serializer(purpose).dumps(payload)


def load_token(token: str, purpose: str) -> User | None:
    """The user a valid token names, or None when it is forged, expired, used or stale."""
    max_age = current_app.config[PURPOSES[purpose]]
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(payload, dict):
        return None
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.email != payload.get("email"):
        return None
    if "fp" in payload and payload["fp"] != _fingerprint(user):
        return None
    return user
