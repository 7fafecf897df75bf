"""Entries through the test client: the facility's pages, hostile uploads, screening, Excel, media."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from PIL import Image
from sqlalchemy import func, select

from kcvote.accounts.enums import Role
from kcvote.entries import services
from kcvote.entries.enums import EntryStatus
from kcvote.entries.models import Document, Entry, Photo
from tests.conftest import login_as, outbox, post_form, text_of
from tests.core.test_images import jpeg_claiming, png_by_hand
from tests.factories import MINIMAL_PDF, jpeg_bytes, make_entry, make_facility, make_round, make_user


@pytest.fixture
def world(db, seeded):
    organizer = make_user(Role.ORGANIZER)
    round_ = make_round(organizer)
    owner = make_user(Role.FACILITY, name="Hoàng Thị Lan")
    make_facility(owner)
    return organizer, round_, owner


def _media(app) -> list[Path]:
    return sorted(p for p in Path(app.config["MEDIA_DIR"]).rglob("*") if p.is_file())


def _count(db, model) -> int:
    return db.session.scalar(select(func.count(model.id))) or 0


def _gif_frames() -> bytes:
    frames = [Image.new("P", (32, 32), i) for i in range(12)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def _png_bomb() -> bytes:
    width = height = 30_000
    rows = (b"\x00" + bytes(width // 8)) * 1000
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(rows) for _ in range(height // 1000)) + compressor.flush()
    return png_by_hand(width, height, bit_depth=1, color_type=0, idat=idat)


def _gps_jpeg() -> bytes:
    image = Image.new("RGB", (400, 300), (10, 120, 60))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (21.0, 35.0, 0.0), 3: "E", 4: (105.0, 50.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def _polyglot() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("payload.html", "<script>alert(1)</script>")
    return jpeg_bytes() + archive.getvalue()


HOSTILE = {
    "truncated_jpeg": (lambda: jpeg_bytes(800, 600)[:1500], 422, "bị hỏng"),
    "png_bomb": (_png_bomb, 422, "megapixel"),
    "sixty_megapixels": (lambda: jpeg_claiming(10_000, 6_000), 422, "megapixel"),
    "gif_many_frames": (_gif_frames, 422, "GIF"),
    "svg": (lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 422, "SVG"),
    "html_as_jpg": (lambda: b"<!doctype html><html><body>hi</body></html>", 422, "HTML"),
    "zero_bytes": (lambda: b"", 422, "Tệp rỗng"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_upload_gets_a_clear_4xx_and_leaves_nothing(world, app, db, client, name: str) -> None:
    _, round_, owner = world
    entry = make_entry(round_, owner)
    make, status, fragment = HOSTILE[name]
    login_as(client, owner)
    page = f"/entries/{entry.id}/edit"
    files_before = _media(app)
    response = post_form(
        client,
        f"/entries/{entry.id}/photos",
        {"photo-kind": "front", "photo-file": (io.BytesIO(make()), "photo.jpg")},
        token_from=page,
        content_type="multipart/form-data",
    )
    assert response.status_code == status, text_of(response)[:300]
    assert fragment in text_of(response)
    assert _media(app) == files_before
    assert _count(db, Photo) == 0


def test_hostile_upload_via_javascript_gets_json(world, client) -> None:
    _, round_, owner = world
    entry = make_entry(round_, owner)
    login_as(client, owner)
    response = post_form(
        client,
        f"/entries/{entry.id}/photos",
        {"photo-kind": "front", "photo-file": (io.BytesIO(b"<html></html>"), "x.jpg")},
        token_from=f"/entries/{entry.id}/edit",
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 422
    assert "HTML" in response.json["error"]


def test_polyglot_is_sanitised_and_gps_removed(world, app, db, client) -> None:
    _, round_, owner = world
    entry = make_entry(round_, owner)
    login_as(client, owner)
    for data in (_polyglot(), _gps_jpeg()):
        response = post_form(
            client,
            f"/entries/{entry.id}/photos",
            {"photo-kind": "front", "photo-file": (io.BytesIO(data), "photo.jpg")},
            token_from=f"/entries/{entry.id}/edit",
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
    for photo in db.session.scalars(select(Photo)):
        for key in photo.keys:
            stored = (Path(app.config["MEDIA_DIR"]) / key).read_bytes()
            assert b"PK\x03\x04" not in stored
            assert b"Exif" not in stored
            assert Image.open(io.BytesIO(stored)).getexif() == {}


def test_oversize_file_is_413_with_readable_page(world, app, db, client) -> None:
    _, round_, owner = world
    round_.max_photo_mb = 1
    db.session.commit()
    entry = make_entry(round_, owner)
    login_as(client, owner)
    big = jpeg_bytes(16, 16) + b"\x00" * (1024 * 1024 + 1)
    response = post_form(
        client,
        f"/entries/{entry.id}/photos",
        {"photo-kind": "front", "photo-file": (io.BytesIO(big), "big.jpg")},
        token_from=f"/entries/{entry.id}/edit",
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "giới hạn 1 MB" in text_of(response)
    assert _media(app) == []


def test_request_over_the_global_limit_is_413(world, app, client) -> None:
    _, round_, owner = world
    entry = make_entry(round_, owner)
    app.config["MAX_CONTENT_LENGTH"] = 2000
    login_as(client, owner)
    response = post_form(
        client,
        f"/entries/{entry.id}/photos",
        {"photo-kind": "front", "photo-file": (io.BytesIO(b"x" * 5000), "big.jpg")},
        token_from=f"/entries/{entry.id}/edit",
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "Tệp quá lớn" in text_of(response)


def test_document_must_be_pdf_or_image(world, db, client) -> None:
    _, round_, owner = world
    entry = make_entry(round_, owner)
    login_as(client, owner)
    page = f"/entries/{entry.id}/edit"
    bad = post_form(
        client,
        f"/entries/{entry.id}/documents",
        {"document-kind": "business_registration", "document-file": (io.BytesIO(b"MZ\x90\x00 exe"), "dkkd.pdf")},
        token_from=page,
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert "PDF hoặc ảnh" in text_of(bad)
    good = post_form(
        client,
        f"/entries/{entry.id}/documents",
        {"document-kind": "business_registration", "document-file": (io.BytesIO(MINIMAL_PDF), "../../etc/passwd")},
        token_from=page,
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    document = db.session.scalar(select(Document))
    assert "passwd" not in document.key
    download = client.get(f"/media/documents/{document.id}")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.data == MINIMAL_PDF
    download.close()


def test_facility_registers_fills_submits_and_sees_code(world, app, db, client) -> None:
    organizer, round_, owner = world
    login_as(client, owner)
    register = f"/rounds/{round_.id}/register"
    response = post_form(
        client,
        register,
        {"product_id": 0, "product_name": "Chè xanh La Bằng", "group_id": round_.groups[1].id},
        token_from=register,
    )
    assert response.status_code == 302
    entry = db.session.scalar(select(Entry))
    page = f"/entries/{entry.id}/edit"
    refused = post_form(client, f"/entries/{entry.id}/submit", token_from=page)
    assert refused.status_code == 422
    assert "Hồ sơ còn thiếu" in text_of(refused)
    fields = {
        "contact_name": "Hoàng Thị Lan",
        "contact_phone": "0912345678",
        "materials": "Chè tươi",
        "production_process": "Sao tay",
        "capacity": "5 tấn/năm",
        "markets": "Hà Nội",
        "price": "400.000 đồng/kg",
        "distinctive": "Hương cốm",
        "declaration_accepted": "y",
    }
    assert post_form(client, page, fields, token_from=page).status_code == 302
    for kind in ("front", "side", "top"):
        upload = post_form(
            client,
            f"/entries/{entry.id}/photos",
            {
                "photo-kind": kind,
                "photo-caption": f"Ảnh {kind}",
                "photo-file": (io.BytesIO(jpeg_bytes()), f"{kind}.jpg"),
            },
            token_from=page,
            content_type="multipart/form-data",
        )
        assert upload.status_code == 302
    post_form(
        client,
        f"/entries/{entry.id}/documents",
        {"document-kind": "business_registration", "document-file": (io.BytesIO(MINIMAL_PDF), "dkkd.pdf")},
        token_from=page,
        content_type="multipart/form-data",
    )
    submitted = post_form(client, f"/entries/{entry.id}/submit", token_from=page, follow_redirects=True)
    assert "Đã nộp, chờ thẩm định" in text_of(submitted)

    staff = login_as(app.test_client(), organizer)
    review = f"/manage/entries/{entry.id}"
    accepted = post_form(staff, f"{review}/accept", token_from=review, follow_redirects=True)
    assert "Đã tiếp nhận hồ sơ, mã số TN-2025-CBNLTS-001." in text_of(accepted)
    mail = outbox(app)[-1]
    assert (mail["To"], mail["Subject"]) == (owner.email, "Hồ sơ “Chè xanh La Bằng” đã được tiếp nhận")
    status = text_of(client.get(f"/entries/{entry.id}"))
    assert "TN-2025-CBNLTS-001" in status
    assert "Đã tiếp nhận" in status


def test_organizer_request_completion_needs_a_message(world, db, client) -> None:
    organizer, round_, owner = world
    entry = make_entry(round_, owner, complete=True)
    services.submit_entry(actor=owner, entry=entry)
    db.session.commit()
    login_as(client, organizer)
    review = f"/manage/entries/{entry.id}"
    bad = post_form(client, f"{review}/request-completion", {"message": ""}, token_from=review)
    assert bad.status_code == 422
    assert "Vui lòng nhập thông tin này." in text_of(bad)
    bad_date = post_form(
        client, f"{review}/request-completion", {"message": "Bổ sung", "deadline": "31/02/2025"}, token_from=review
    )
    assert bad_date.status_code == 422
    db.session.rollback()
    assert entry.status == EntryStatus.SUBMITTED


def test_screening_search_is_accent_insensitive(world, db, client) -> None:
    organizer, round_, owner = world
    for name in ("Nón lá làng nghề Chuông", "Chè xanh"):
        entry = make_entry(round_, owner, product_name=name, complete=True)
        services.submit_entry(actor=owner, entry=entry)
    db.session.commit()
    login_as(client, organizer)
    body = text_of(client.get(f"/manage/rounds/{round_.id}/entries?q=lang+nghe"))
    assert "Nón lá làng nghề Chuông" in body
    assert "Chè xanh" not in body
    by_status = text_of(client.get(f"/manage/rounds/{round_.id}/entries?status=accepted"))
    assert "Không có hồ sơ nào." in by_status


def test_export_entry_list_to_excel(world, db, client) -> None:
    organizer, round_, owner = world
    entry = make_entry(round_, owner, complete=True)
    services.submit_entry(actor=owner, entry=entry)
    db.session.commit()
    login_as(client, organizer)
    response = client.get(f"/manage/rounds/{round_.id}/entries.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Mã số", "Sản phẩm", "Nhóm", "Cơ sở")
    assert rows[1][1] == "Chè xanh La Bằng"
    assert len(rows) == 2


def test_excel_import_dry_run_then_commit_through_the_page(world, db, client) -> None:
    organizer, round_, _ = world
    login_as(client, organizer)
    template = client.get(f"/manage/rounds/{round_.id}/import/template.xlsx")
    book = load_workbook(io.BytesIO(template.data))
    sheet = book["Hồ sơ"]
    headers = [c.value for c in sheet[1]]
    values = {
        "Tên cơ sở": "Hợp tác xã Mây tre Phú Bình",
        "Loại hình": "Hợp tác xã",
        "Mã số thuế/ĐKKD": "4600123456",
        "Tỉnh/thành phố": "Thái Nguyên",
        "Tên sản phẩm": "Giỏ mây đan",
        "Nhóm sản phẩm": "TCMN",
    }
    out = Workbook()
    new = out.active
    new.append(headers)
    new.append([next((v for k, v in values.items() if str(h).startswith(k)), None) for h in headers])
    data = io.BytesIO()
    out.save(data)
    page = f"/manage/rounds/{round_.id}/import"
    dry = post_form(
        client,
        page,
        {"file": (io.BytesIO(data.getvalue()), "ds.xlsx")},
        token_from=page,
        content_type="multipart/form-data",
    )
    assert dry.status_code == 200, text_of(dry)[:400]
    assert "1 hồ sơ mới" in text_of(dry)
    assert _count(db, Entry) == 0
    payload = dry.data.decode().split('name="payload" value="')[1].split('"')[0]
    committed = post_form(client, page, {"payload": payload}, token_from=page)
    assert committed.status_code == 302
    assert _count(db, Entry) == 1
    again = post_form(client, page, {"payload": payload}, token_from=page)
    assert again.status_code == 302
    assert _count(db, Entry) == 1


def test_photo_of_another_facility_is_not_found(world, db, client) -> None:
    _, round_, owner = world
    entry = make_entry(round_, owner, complete=True)
    other = make_user(Role.FACILITY)
    make_facility(other, name="Cơ sở khác")
    login_as(client, other)
    photo = entry.photos[0]
    assert client.get(f"/media/photos/{photo.id}/original").status_code == 404
    deleted = post_form(client, f"/entries/{entry.id}/photos/{photo.id}/delete")
    assert deleted.status_code == 404
    assert _count(db, Photo) == 3


def test_owner_sees_thumbnails_with_private_cache(world, client) -> None:
    _, round_, owner = world
    entry = make_entry(round_, owner, complete=True)
    login_as(client, owner)
    response = client.get(f"/media/photos/{entry.photos[0].id}/thumb")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "private, max-age=3600"
    assert max(Image.open(io.BytesIO(response.data)).size) <= 320
    response.close()
