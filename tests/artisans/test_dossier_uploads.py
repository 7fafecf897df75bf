"""Evidence uploads are told apart by their content: photos re-encoded, PDFs, short MP4/WebM videos;
anything else refused with nothing stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from kcvote.accounts.enums import Role
from kcvote.artisans import services
from kcvote.artisans.enums import EvidenceKind, Title
from kcvote.artisans.models import Evidence, Nomination
from kcvote.core.errors import DomainError, FileTooLarge
from kcvote.core.storage import get_storage
from kcvote.extensions import db
from tests.artisans.factories import make_award_round, province
from tests.factories import jpeg_bytes, make_user

pytestmark = pytest.mark.usefixtures("seeded")

# A real MP4 starts with an ftyp box: size, "ftyp", major brand, minor version, compatible brands.
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00\x00\x00\x08free" + b"\x00" * 64
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + b"\x00" * 64
# A real WebM starts with the EBML header whose DocType is "webm".
WEBM = (
    b"\x1a\x45\xdf\xa3\x9f"
    + b"\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
    + b"\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02"
    + b"\x18\x53\x80\x67"
    + b"\x00" * 64
)
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
MATROSKA = WEBM.replace(b"\x42\x82\x84webm", b"\x42\x82\x88matroska")
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
HTML = b"<!doctype html><html><script>alert(1)</script></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FAKE_MP4 = b"this is not a video, only named video.mp4" * 4


@pytest.fixture
def nomination() -> Nomination:
    award_round = make_award_round()
    artisan = make_user(Role.FACILITY)
    found = services.start_nomination(
        actor=artisan, award_round=award_round, province=province(), title=Title.NNUT, fields={"name": "Lò Văn Bạc"}
    )
    db.session.commit()
    return found


def stored_files(app: Flask) -> list[Path]:
    root = Path(app.config["MEDIA_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(nomination: Nomination, data: bytes, purpose: str = "work") -> Evidence:
    evidence = services.add_evidence(actor=nomination.nominee.user, nomination=nomination, data=data, purpose=purpose)
    db.session.commit()
    return evidence


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(MP4, "video/mp4"), (MOV, "video/quicktime"), (WEBM, "video/webm")],
    ids=["mp4", "mov", "webm"],
)
def test_real_video_headers_are_stored_as_videos(
    app: Flask, nomination: Nomination, data: bytes, content_type: str
) -> None:
    evidence = upload(nomination, data)

    assert (evidence.kind, evidence.content_type, evidence.thumb_key) == (EvidenceKind.VIDEO, content_type, None)
    assert get_storage().read(evidence.key) == data


def test_photo_is_reencoded_with_a_thumbnail(app: Flask, nomination: Nomination) -> None:
    photo = jpeg_bytes(1600, 1200)
    evidence = upload(nomination, photo)

    assert evidence.kind == EvidenceKind.PHOTO and evidence.thumb_key
    assert get_storage().read(evidence.key) != photo  # re-encoded from pixels, metadata gone
    assert len(stored_files(app)) == 2


def test_pdf_is_stored_as_a_document(app: Flask, nomination: Nomination) -> None:
    evidence = upload(nomination, PDF, purpose="title")
    assert (evidence.kind, evidence.content_type, evidence.purpose) == (
        EvidenceKind.DOCUMENT,
        "application/pdf",
        "title",
    )


@pytest.mark.parametrize(
    "data",
    [SVG, HTML, EXE, FAKE_MP4, HEIC, MATROSKA, b"\x00\x00\x00\x18ftyp"],
    ids=["svg", "html", "exe", "text-named-mp4", "heic-image", "matroska", "truncated-ftyp"],
)
def test_other_content_refused_and_nothing_stored(app: Flask, nomination: Nomination, data: bytes) -> None:
    with pytest.raises(DomainError, match="Chỉ nhận ảnh"):
        upload(nomination, data)
    db.session.rollback()

    assert db.session.scalar(select(func.count(Evidence.id))) == 0
    assert stored_files(app) == []


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    app_config["ARTISAN_VIDEO_MAX_MB"] = 1
    return app_config


def test_video_over_the_limit_refused(app: Flask, nomination: Nomination) -> None:
    big = MP4 + b"\x00" * (1024 * 1024)
    with pytest.raises(FileTooLarge, match="1 MB"):
        upload(nomination, big)
    db.session.rollback()
    assert stored_files(app) == [] and db.session.scalar(select(func.count(Evidence.id))) == 0


def test_photo_or_pdf_over_ten_megabytes_refused(app: Flask, nomination: Nomination) -> None:
    big = PDF[:-7] + b"\x00" * (10 * 1024 * 1024) + b"%%EOF\n"
    with pytest.raises(FileTooLarge, match="10 MB"):
        upload(nomination, big)
    db.session.rollback()
    assert stored_files(app) == []


def test_upload_rolled_back_leaves_no_file(app: Flask, nomination: Nomination) -> None:
    services.add_evidence(actor=nomination.nominee.user, nomination=nomination, data=jpeg_bytes(), purpose="work")
    assert len(stored_files(app)) == 2
    db.session.rollback()
    assert stored_files(app) == []


def test_purpose_must_name_this_dossier(app: Flask, nomination: Nomination) -> None:
    with pytest.raises(DomainError, match="không thuộc hồ sơ"):
        upload(nomination, PDF, purpose="work:999999")
    db.session.rollback()
    with pytest.raises(DomainError, match="chứng minh điều gì"):
        upload(nomination, PDF, purpose="anything")
    db.session.rollback()
    assert stored_files(app) == []


def test_removed_evidence_files_go_after_commit(app: Flask, nomination: Nomination) -> None:
    evidence = upload(nomination, jpeg_bytes())
    services.remove_evidence(actor=nomination.nominee.user, evidence=evidence)
    assert len(stored_files(app)) == 2  # still there until the removal commits
    db.session.commit()
    assert stored_files(app) == []
