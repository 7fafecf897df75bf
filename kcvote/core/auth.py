"""Route guards built on the named permission predicates of each domain's rules.py."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

F = TypeVar("F", bound=Callable[..., Any])


def require(predicate: Callable[[Any], bool]) -> Callable[[F], F]:
    """Sign-in required, then 403 unless ``predicate(current_user)`` holds."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


# What a view may return: a page, a page with its status, or a redirect.
ViewResult = str | tuple[str, int] | Response | tuple[Response, int]
