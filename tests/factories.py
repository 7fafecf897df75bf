"""factory_boy factories on the real database session."""

from __future__ import annotations

from typing import Any

import factory
from werkzeug.security import generate_password_hash

from kcvote.accounts.enums import Role
from kcvote.accounts.models import RoleAssignment, User
from kcvote.core.db import utcnow
from kcvote.core.text import fold
from kcvote.extensions import db

# One hash computed once: scrypt is deliberately slow and tests create many users.
PASSWORD = "correct-horse-42"
_PASSWORD_HASH = generate_password_hash(PASSWORD)


class UserFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        model = User
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"

    name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    email = factory.Sequence(lambda n: f"user{n}@example.vn")
    search_text = factory.LazyAttribute(lambda o: fold(f"{o.name} {o.email}"))
    password_hash = _PASSWORD_HASH
    locale = "vi"
    active = True
    email_confirmed_at = factory.LazyFunction(utcnow)

    @factory.post_generation
    def roles(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        for role in extracted or []:
            obj.roles.append(RoleAssignment(role=Role(role)))
        if create:
            db.session.flush()


def make_user(*roles: Role | str, **kwargs: Any) -> User:
    """A confirmed, active user with the given global roles, committed."""
    user = UserFactory(roles=list(roles), **kwargs)
    db.session.commit()
    return user
