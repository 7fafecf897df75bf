"""Media files (photos, documents) stored under unguessable keys; the only module that touches their paths.

A key looks like ``"Ab/AbX3…q9.jpg"``: a random 32-character token (``secrets.token_urlsafe(24)``, 192
bits) sharded by its first two characters, plus a suffix chosen by our code (never taken from a
client's file name). Keys are validated strictly before they become paths, so a forged key cannot
escape the media folder.

Files and rows must live and die together. Storage is not transactional, so two helpers tie files to
the surrounding database transaction (SQLAlchemy session events):

* :func:`discard_on_rollback` — a file just written for a new row: deleted if the transaction does
  not commit (rollback, savepoint rollback, or a session closed without committing), forgotten if it
  commits. A failed upload then leaves neither a file nor a row behind.
* :func:`delete_after_commit` — a file whose row is being deleted or replaced: deleted only once the
  transaction has committed, kept if it rolls back.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from kcvote.extensions import db

log = logging.getLogger(__name__)

# "<shard>/<shard><rest of the token><suffix>": one slash, no dots except the suffix's.
_KEY = re.compile(r"(?P<shard>[A-Za-z0-9_-]{2})/(?P=shard)[A-Za-z0-9_-]{30}\.[a-z0-9]{1,8}")
_SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")
_EXTENSION_KEY = "kcvote_storage"
_PENDING = "kcvote_storage_pending"


class Storage(Protocol):
    """Where media bytes live; keys are opaque strings made by :meth:`save`."""

    def save(self, data: bytes, *, suffix: str) -> str:
        """Store ``data`` under a new random key ending in ``suffix`` (e.g. ".jpg"); return the key."""
        ...

    def open(self, key: str) -> BinaryIO:
        """A binary file object to read (the caller closes it)."""
        ...

    def read(self, key: str) -> bytes:
        """All bytes stored under ``key``."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key``; a missing file is fine."""
        ...

    def exists(self, key: str) -> bool:
        """Whether ``key`` is stored."""
        ...

    def size(self, key: str) -> int:
        """Size in bytes."""
        ...

    def copy(self, key: str) -> str:
        """Store a copy under a new random key with the same suffix; return the new key."""
        ...


def new_key(suffix: str) -> str:
    """A fresh random key; ``suffix`` is one of ours (".jpg", ".png", ".pdf" ...).

    :raise ValueError: if ``suffix`` is not a dot and 1-8 lower-case letters or digits.
    """
    if not _SUFFIX.fullmatch(suffix):
        raise ValueError(f"invalid media suffix {suffix!r}")
    token = secrets.token_urlsafe(24)
    return f"{token[:2]}/{token}{suffix}"


def check_key(key: str) -> str:
    """Return ``key`` if it has the exact shape :func:`new_key` makes.

    :raise ValueError: otherwise (``..``, absolute paths, backslashes, other characters).
    """
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ValueError(f"invalid media key {key!r}")
    return key


class LocalStorage:
    """Files in a folder on local disk (or a shared volume when several instances run).

    Writes are atomic (a temporary file in the same folder, fsynced, then ``os.replace``), so a
    reader never sees half a file and a crash leaves at most a ``.tmp-*`` file that no key can name.
    Files are created owner-only (0600): they are served through the application, which checks
    permissions, never directly by the web server.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def save(self, data: bytes, *, suffix: str) -> str:
        """Store ``data`` under a new random key ending in ``suffix``; return the key."""
        key = new_key(suffix)
        self._write(self._path(key), lambda handle: handle.write(data))
        return key

    def open(self, key: str) -> BinaryIO:
        """A binary file object to read.

        :raise FileNotFoundError: if nothing is stored under ``key``.
        """
        return self._path(key).open("rb")

    def read(self, key: str) -> bytes:
        """All bytes stored under ``key``.

        :raise FileNotFoundError: if nothing is stored under ``key``.
        """
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        """Remove ``key``; a missing file is fine. Shard folders stay (a concurrent save may need them)."""
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        """Whether ``key`` is stored."""
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        """Size in bytes.

        :raise FileNotFoundError: if nothing is stored under ``key``.
        """
        return self._path(key).stat().st_size

    def copy(self, key: str) -> str:
        """Store a copy under a new random key with the same suffix; return the new key.

        :raise FileNotFoundError: if nothing is stored under ``key``.
        """
        source_path = self._path(key)
        target = new_key(key[key.rindex(".") :])
        with source_path.open("rb") as source:
            self._write(self._path(target), lambda handle: shutil.copyfileobj(source, handle))
        return target

    @staticmethod
    def _write(path: Path, fill: Callable[[BinaryIO], object]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                fill(handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise


def get_storage() -> Storage:
    """The current app's storage, built once from ``MEDIA_DIR``."""
    extensions = current_app.extensions
    if _EXTENSION_KEY not in extensions:
        extensions.setdefault(_EXTENSION_KEY, LocalStorage(current_app.config["MEDIA_DIR"]))
    storage: Storage = extensions[_EXTENSION_KEY]
    return storage


# --- tying files to the database transaction -------------------------------------------------


@dataclass
class _Pending:
    storage: Storage  # captured when registered: the session events run without an app context
    key: str
    transaction: SessionTransaction  # the innermost transaction (savepoint or root) that owns it
    on_commit: bool  # True: delete after commit; False: delete unless committed


def discard_on_rollback(keys: Iterable[str]) -> None:
    """Delete these newly saved files unless ``db.session``'s transaction commits.

    Deleted on rollback, on a savepoint rollback (files registered inside it), or when the session is
    closed without committing; forgotten on commit. Begins the session's transaction if none is
    active yet, so that a rollback is never a no-op that would leave the files behind.
    """
    _register(keys, on_commit=False)


def delete_after_commit(keys: Iterable[str]) -> None:
    """Delete these files once ``db.session``'s transaction commits; keep them if it does not."""
    _register(keys, on_commit=True)


def _register(keys: Iterable[str], *, on_commit: bool) -> None:
    keys = [check_key(key) for key in keys]
    if not keys:
        return
    storage = get_storage()
    session = db.session()
    transaction = session.get_nested_transaction() or session.get_transaction() or session.begin()
    pending: list[_Pending] = session.info.setdefault(_PENDING, [])
    pending.extend(_Pending(storage, key, transaction, on_commit) for key in keys)


def _delete_quietly(item: _Pending) -> None:
    # Runs after the transaction's outcome is settled: a failure here must not undo it.
    try:
        item.storage.delete(item.key)
    except (OSError, ValueError):
        log.warning("Could not delete media file %s", item.key, exc_info=True)


def _after_commit(session: Session) -> None:
    """Savepoint released: its files move to the enclosing transaction. Root committed: settle all."""
    pending: list[_Pending] = session.info.get(_PENDING, [])
    if not pending:
        return
    # after_commit fires for savepoints too, before the committed transaction is closed.
    committed = session.get_nested_transaction() or session.get_transaction()
    if committed is None:
        return
    if committed.parent is not None:
        for item in pending:
            if item.transaction is committed:
                item.transaction = committed.parent
        return
    session.info[_PENDING] = []
    for item in pending:
        if item.on_commit:
            _delete_quietly(item)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    """Whatever still belongs to an ended transaction was not committed (rollback or close)."""
    pending: list[_Pending] = session.info.get(_PENDING, [])
    ended = [item for item in pending if item.transaction is transaction]
    if not ended:
        return
    session.info[_PENDING] = [item for item in pending if item.transaction is not transaction]
    for item in ended:
        if not item.on_commit:
            _delete_quietly(item)


def _install_session_events() -> None:
    # after_transaction_end rather than after_rollback: it also fires when a session is closed
    # without rollback (app-context teardown) and tells which savepoint ended.
    for name, listener in (("after_commit", _after_commit), ("after_transaction_end", _after_transaction_end)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


_install_session_events()
