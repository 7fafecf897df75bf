"""Media storage: random keys, no path traversal, files that live and die with their transaction."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kcvote.core import audit
from kcvote.core.audit import AuditEntry
from kcvote.core.storage import LocalStorage, delete_after_commit, discard_on_rollback, get_storage

KEY = re.compile(r"([A-Za-z0-9_-]{2})/\1[A-Za-z0-9_-]{30}\.(jpg|png|pdf)")
TRAVERSALS = [
    "../x",
    "/etc/passwd",
    "ab/../../x",
    "ab/ab" + "A" * 30 + ".jpg/../../../etc/passwd",
    "ab\\ab" + "A" * 30 + ".jpg",
    "../ab" + "A" * 30 + ".jpg",
    "ab/ab" + "A" * 29 + "..jpg",
    "ab/cd" + "A" * 30 + ".jpg",  # shard does not match the name
    "ab/ab" + "A" * 30 + ".jpg\n",
    "ab/ab" + "A" * 30 + ".jpg\x00",
    "ab/ab" + "A" * 30 + ".JPG",
    "ab/ab" + "A" * 30,
    "",
]


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "media")


def audit_rows(db) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


# --- LocalStorage -----------------------------------------------------------------------------


def test_save_returns_a_random_sharded_key(storage: LocalStorage, tmp_path: Path) -> None:
    key = storage.save(b"photo bytes", suffix=".jpg")
    assert KEY.fullmatch(key)
    assert (tmp_path / "media" / key).read_bytes() == b"photo bytes"


def test_save_never_repeats_a_key(storage: LocalStorage) -> None:
    keys = {storage.save(b"same bytes", suffix=".png") for _ in range(50)}
    assert len(keys) == 50
    assert all(KEY.fullmatch(key) for key in keys)


def test_save_leaves_no_temporary_file(storage: LocalStorage, tmp_path: Path) -> None:
    key = storage.save(b"x" * 10_000, suffix=".pdf")
    assert [p.name for p in (tmp_path / "media" / key).parent.iterdir()] == [key.split("/")[1]]


@pytest.mark.parametrize("suffix", ["", "jpg", ".JPG", "../x", ".jpg/../../x", "photo.jpg", ".j p g", ".averylongext"])
def test_save_refuses_a_suffix_that_is_not_ours(storage: LocalStorage, suffix: str) -> None:
    with pytest.raises(ValueError, match="invalid media suffix"):
        storage.save(b"data", suffix=suffix)


def test_open_read_size_exists(storage: LocalStorage) -> None:
    key = storage.save(b"%PDF-1.4 dossier", suffix=".pdf")
    with storage.open(key) as handle:
        assert handle.read() == b"%PDF-1.4 dossier"
    assert storage.read(key) == b"%PDF-1.4 dossier"
    assert storage.size(key) == 16
    assert storage.exists(key) is True


def test_missing_key_is_not_found(storage: LocalStorage) -> None:
    key = storage.save(b"data", suffix=".jpg")
    storage.delete(key)
    assert storage.exists(key) is False
    with pytest.raises(FileNotFoundError):
        storage.read(key)
    with pytest.raises(FileNotFoundError):
        storage.size(key)
    with pytest.raises(FileNotFoundError):
        storage.copy(key)


def test_delete_of_a_missing_file_is_fine(storage: LocalStorage) -> None:
    key = storage.save(b"data", suffix=".jpg")
    storage.delete(key)
    storage.delete(key)
    assert storage.exists(key) is False


def test_copy_makes_a_new_key_with_the_same_suffix(storage: LocalStorage) -> None:
    key = storage.save(b"certificate", suffix=".pdf")
    copy = storage.copy(key)
    assert copy != key
    assert (copy.endswith(".pdf"), storage.read(copy), storage.read(key)) == (True, b"certificate", b"certificate")
    storage.delete(key)
    assert storage.read(copy) == b"certificate"


@pytest.mark.parametrize("key", TRAVERSALS)
@pytest.mark.parametrize("method", ["open", "read", "delete", "exists", "size", "copy"])
def test_every_method_refuses_a_forged_key(storage: LocalStorage, key: str, method: str) -> None:
    with pytest.raises(ValueError, match="invalid media key"):
        getattr(storage, method)(key)


# --- the app's storage ------------------------------------------------------------------------


def test_get_storage_is_built_once_on_media_dir(app) -> None:
    storage = get_storage()
    assert storage is get_storage()
    assert isinstance(storage, LocalStorage)
    assert storage.root == Path(app.config["MEDIA_DIR"])
    key = storage.save(b"data", suffix=".jpg")
    assert (Path(app.config["MEDIA_DIR"]) / key).is_file()


# --- files tied to the transaction ------------------------------------------------------------


def test_discard_on_rollback_deletes_the_file_on_rollback(db) -> None:
    key = get_storage().save(b"upload", suffix=".jpg")
    discard_on_rollback([key])
    db.session.rollback()
    assert get_storage().exists(key) is False


def test_discard_on_rollback_keeps_the_file_on_commit(db) -> None:
    key = get_storage().save(b"upload", suffix=".jpg")
    discard_on_rollback([key])
    audit.record("test.upload", key=key)
    db.session.commit()
    assert get_storage().exists(key) is True
    db.session.rollback()  # a later transaction's rollback no longer concerns it
    db.session.remove()
    assert get_storage().exists(key) is True


def test_failed_upload_leaves_neither_file_nor_row(db) -> None:
    storage = get_storage()
    keys = [storage.save(b"original", suffix=".jpg"), storage.save(b"thumb", suffix=".jpg")]
    discard_on_rollback(keys)
    audit.record("test.upload", keys=keys)
    db.session.rollback()
    assert (audit_rows(db), [storage.exists(key) for key in keys]) == (0, [False, False])


def test_discard_on_rollback_deletes_when_the_session_closes_without_commit(db) -> None:
    key = get_storage().save(b"upload", suffix=".jpg")
    discard_on_rollback([key])
    audit.record("test.upload", key=key)
    db.session.remove()
    assert get_storage().exists(key) is False


def test_discard_on_rollback_before_any_query_still_deletes_on_rollback(db) -> None:
    db.session.commit()  # nothing begun: rollback would otherwise be a no-op
    key = get_storage().save(b"upload", suffix=".jpg")
    discard_on_rollback(iter([key]))
    db.session.rollback()
    assert get_storage().exists(key) is False


def test_discard_on_rollback_savepoint_rollback_deletes_only_its_files(db) -> None:
    storage = get_storage()
    outer = storage.save(b"outer", suffix=".jpg")
    discard_on_rollback([outer])
    audit.record("test.outer")
    savepoint = db.session.begin_nested()
    inner = storage.save(b"inner", suffix=".jpg")
    discard_on_rollback([inner])
    audit.record("test.inner")
    savepoint.rollback()
    assert (storage.exists(outer), storage.exists(inner)) == (True, False)
    db.session.commit()
    assert (audit_rows(db), storage.exists(outer)) == (1, True)


def test_discard_on_rollback_released_savepoint_follows_the_outer_transaction(db) -> None:
    storage = get_storage()
    audit.record("test.outer")
    with db.session.begin_nested():
        inner = storage.save(b"inner", suffix=".jpg")
        discard_on_rollback([inner])
    assert storage.exists(inner) is True
    db.session.rollback()
    assert storage.exists(inner) is False


def test_delete_after_commit_deletes_only_after_commit(db) -> None:
    key = get_storage().save(b"old photo", suffix=".jpg")
    delete_after_commit([key])
    audit.record("test.replace", key=key)
    db.session.flush()
    assert get_storage().exists(key) is True
    db.session.commit()
    assert get_storage().exists(key) is False


def test_delete_after_commit_keeps_the_file_on_rollback(db) -> None:
    key = get_storage().save(b"old photo", suffix=".jpg")
    delete_after_commit([key])
    audit.record("test.replace", key=key)
    db.session.rollback()
    db.session.commit()  # forgotten: a later commit does not delete it either
    assert get_storage().exists(key) is True


def test_delete_after_commit_of_a_missing_file_is_fine(db) -> None:
    key = get_storage().save(b"old photo", suffix=".jpg")
    get_storage().delete(key)
    delete_after_commit([key])
    db.session.commit()
    assert get_storage().exists(key) is False


@pytest.mark.parametrize("register", [discard_on_rollback, delete_after_commit])
def test_registering_a_forged_key_is_refused(db, register) -> None:
    with pytest.raises(ValueError, match="invalid media key"):
        register(["../../etc/passwd"])
