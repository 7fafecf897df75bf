"""Uploaded images: a hostile upload set built here, refused with a specific message or re-encoded clean."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms, features

from kcvote.core.errors import DomainError
from kcvote.core.images import (
    DocumentRejected,
    ImageRejected,
    ProcessedImage,
    demo_photo,
    process_image,
    sniff_document,
)

RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)


# --- building files ---------------------------------------------------------------------------


def jpeg(size: tuple[int, int] = (64, 48), color: object = RED, **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG", **options)  # type: ignore[arg-type]
    return buffer.getvalue()


def encode(image: Image.Image, kind: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)  # type: ignore[arg-type]
    return buffer.getvalue()


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_by_hand(width: int, height: int, *, bit_depth: int, color_type: int, idat: bytes) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def png_bomb() -> bytes:
    """30000×30000 1-bit greyscale of zero rows: ~110 KB on disk, 900 megapixels decoded.

    Compressed row block by row block, so the test never holds the 112 MB of raw rows.
    """
    width = height = 30_000
    rows = (b"\x00" + bytes(width // 8)) * 1000
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(rows) for _ in range(height // 1000)) + compressor.flush()
    return png_by_hand(width, height, bit_depth=1, color_type=0, idat=idat)


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose SOF header is rewritten to claim ``width``×``height``."""
    data = bytearray(jpeg((16, 16)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def webp_claiming(width: int, height: int) -> bytes:
    """An extended-format WebP header (VP8X) declaring a canvas, with no image data."""
    vp8x = b"\x00\x00\x00\x00" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    body = b"WEBP" + b"VP8X" + struct.pack("<I", len(vp8x)) + vp8x
    return b"RIFF" + struct.pack("<I", len(body)) + body


def two_colour(size: tuple[int, int], first: object, second: object) -> Image.Image:
    """Left half ``first``, right half ``second``."""
    image = Image.new("RGB", size, first)  # type: ignore[arg-type]
    image.paste(second, (size[0] // 2, 0, size[0], size[1]))  # type: ignore[arg-type]
    return image


def thumbnail_size(size: tuple[int, int], limit: int) -> tuple[int, int]:
    """What Pillow's own ``Image.thumbnail`` gives."""
    probe = Image.new("1", size)
    probe.thumbnail((limit, limit))
    return probe.size


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def near(pixel: object, expected: tuple[int, ...], tolerance: int = 24) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True))


def outputs(result: ProcessedImage) -> list[bytes]:
    return [result.original, result.display, result.thumbnail]


def refusal(data: bytes, **options: int) -> str:
    with pytest.raises(ImageRejected) as error:
        process_image(data, **options)
    return str(error.value)


# --- refusals ---------------------------------------------------------------------------------


def test_image_rejected_is_a_422_domain_error() -> None:
    assert issubclass(ImageRejected, DomainError)
    assert ImageRejected.status_code == 422


def test_process_image_refuses_zero_bytes() -> None:
    assert refusal(b"") == "Tệp rỗng: không có dữ liệu nào được gửi lên."


def test_process_image_refuses_truncated_jpeg() -> None:
    data = encode(two_colour((640, 480), RED, BLUE), "JPEG")
    assert "bị hỏng hoặc không đầy đủ" in refusal(data[: len(data) // 2])


def test_process_image_refuses_truncated_png() -> None:
    data = encode(Image.effect_noise((300, 200), 50), "PNG")
    assert "bị hỏng hoặc không đầy đủ" in refusal(data[: len(data) - 500])


def test_process_image_refuses_corrupt_png_data() -> None:
    data = png_by_hand(64, 64, bit_depth=8, color_type=2, idat=b"this is not zlib data at all")
    assert "bị hỏng hoặc không đầy đủ" in refusal(data)


def test_process_image_refuses_png_decompression_bomb_from_its_header(png_bomb: bytes) -> None:
    assert len(png_bomb) < 200_000
    assert refusal(png_bomb) == "Ảnh quá lớn: tối đa 40 megapixel. Hãy thu nhỏ ảnh rồi gửi lại."


def test_process_image_turns_pillow_bomb_warning_into_refusal() -> None:
    # 100 megapixels: above Pillow's warning threshold (~89.5), below its error threshold (~179).
    data = png_by_hand(10_000, 10_000, bit_depth=8, color_type=0, idat=zlib.compress(b""))
    assert "tối đa 40 megapixel" in refusal(data)


def test_process_image_refuses_60_megapixel_jpeg_before_decoding() -> None:
    # Only the header says 60 megapixels (the data is 16×16): refused without decoding anything.
    assert "tối đa 40 megapixel" in refusal(jpeg_claiming(10_000, 6_000))


def test_process_image_refuses_60_megapixel_png_before_decoding() -> None:
    data = png_by_hand(10_000, 6_000, bit_depth=8, color_type=2, idat=zlib.compress(b"\x00" * 30_001))
    assert "tối đa 40 megapixel" in refusal(data)


def test_process_image_refuses_webp_canvas_before_the_decoder_allocates_it() -> None:
    assert "tối đa 40 megapixel" in refusal(webp_claiming(8_000, 6_000))


def test_process_image_max_pixels_is_configurable() -> None:
    data = jpeg((2_000, 1_300))
    assert refusal(data, max_pixels=2_500_000) == "Ảnh quá lớn: tối đa 2.5 megapixel. Hãy thu nhỏ ảnh rồi gửi lại."
    assert process_image(data, max_pixels=2_600_000).width == 2_000


def test_process_image_refuses_gif_with_many_frames_as_unsupported() -> None:
    frames = [Image.new("P", (32, 32), index) for index in range(12)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50, loop=0)
    assert refusal(data) == "Không chấp nhận định dạng GIF. Hãy gửi ảnh JPEG, PNG hoặc WebP."


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (encode(Image.new("RGB", (8, 8)), "BMP"), "BMP"),
        (encode(Image.new("RGB", (8, 8)), "TIFF"), "TIFF"),
        (encode(Image.new("RGB", (8, 8)), "GIF"), "GIF"),
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
        (b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>", "HTML"),
        (b"\xef\xbb\xbf  <html><img src=x onerror=alert(1)></html>", "HTML"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "HEIC"),
        (b"%PDF-1.4\n%%EOF\n", "PDF"),
    ],
    ids=["bmp", "tiff", "gif", "svg", "html-renamed-jpg", "html-with-bom", "heic", "pdf"],
)
def test_process_image_names_refused_formats(data: bytes, kind: str) -> None:
    assert refusal(data) == f"Không chấp nhận định dạng {kind}. Hãy gửi ảnh JPEG, PNG hoặc WebP."


@pytest.mark.parametrize(
    "data",
    [b"hello, this is a text file", b"\xff\xd8\xff" + b"\x00" * 64, b"PK\x03\x04" + bytes(100)],
    ids=["text", "jpeg-magic-then-junk", "zip"],
)
def test_process_image_refuses_other_data_as_not_an_image(data: bytes) -> None:
    assert refusal(data) == "Tệp không phải là ảnh hợp lệ (JPEG, PNG hoặc WebP)."


def test_process_image_refuses_animated_png() -> None:
    frames = [Image.new("RGB", (32, 32), color) for color in (RED, BLUE, WHITE)]
    data = encode(frames[0], "PNG", save_all=True, append_images=frames[1:])
    assert opened(data).format == "PNG"
    assert refusal(data) == "Không chấp nhận ảnh động hoặc ảnh nhiều khung hình. Hãy gửi một ảnh tĩnh."


@pytest.mark.skipif(not features.check("webp"), reason="Pillow built without WebP")
def test_process_image_refuses_animated_webp() -> None:
    frames = [Image.new("RGB", (32, 32), color) for color in (RED, BLUE)]
    data = encode(frames[0], "WEBP", save_all=True, append_images=frames[1:])
    assert "nhiều khung hình" in refusal(data)


# --- accepted, re-encoded clean ---------------------------------------------------------------


def test_process_image_reencodes_jpeg_zip_polyglot_without_the_zip() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("payload.html", "<script>alert(1)</script>")
    data = jpeg((200, 100)) + archive.getvalue()
    assert zipfile.is_zipfile(io.BytesIO(data))

    result = process_image(data)

    assert (result.width, result.height, result.content_type, result.suffix) == (200, 100, "image/jpeg", ".jpg")
    assert [b"PK\x03\x04" in output for output in outputs(result)] == [False, False, False]


def test_process_image_drops_gps_exif_xmp_comment_and_icc_profile() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Model X"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (21.0, 1.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (105.0, 51.0, 0.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>secret-location</rdf:RDF></x:xmpmeta>'
    data = jpeg((800, 600), exif=exif, xmp=xmp, comment=b"serial 12345", icc_profile=icc)
    source = opened(data)
    assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert {"exif", "xmp", "comment", "icc_profile"} <= set(source.info)

    result = process_image(data)

    for output in outputs(result):
        image = opened(output)
        assert len(image.getexif()) == 0
        assert set(image.info) & {"exif", "xmp", "comment", "icc_profile"} == set()
        for marker in (b"Exif", b"GPS", b"PhoneMaker", b"ns.adobe.com/xap", b"secret-location", b"serial 12345"):
            assert marker not in output


def test_process_image_applies_exif_orientation_6() -> None:
    # Stored 400×200, left half red; orientation 6 means "rotate 90° clockwise to display".
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    data = encode(two_colour((400, 200), RED, BLUE), "JPEG", exif=exif, quality=95)

    result = process_image(data)

    assert (result.width, result.height) == (200, 400)
    upright = opened(result.original)
    assert upright.size == (200, 400)
    assert near(upright.getpixel((100, 50)), RED)
    assert near(upright.getpixel((100, 350)), BLUE)
    assert ExifTags.Base.Orientation not in upright.getexif()
    assert opened(result.thumbnail).size == (160, 320)


def test_process_image_uses_the_first_frame_of_an_mpo() -> None:
    first, second = Image.new("RGB", (64, 48), RED), Image.new("RGB", (32, 24), BLUE)
    data = encode(first, "MPO", save_all=True, append_images=[second])
    source = Image.open(io.BytesIO(data))
    assert (source.format, getattr(source, "n_frames", 1)) == ("MPO", 2)

    result = process_image(data)

    assert (result.width, result.height, result.content_type) == (64, 48, "image/jpeg")
    original = opened(result.original)
    assert (original.format, getattr(original, "n_frames", 1), "mp" in original.info) == ("JPEG", 1, False)
    assert near(original.getpixel((10, 10)), RED)


def test_process_image_keeps_transparency_as_png() -> None:
    image = Image.new("RGBA", (200, 100), (*RED, 255))
    image.paste((0, 0, 0, 0), (100, 0, 200, 100))
    result = process_image(encode(image, "PNG"))

    assert (result.content_type, result.suffix) == ("image/png", ".png")
    original = opened(result.original)
    assert (original.format, original.mode) == ("PNG", "RGBA")
    assert (original.getpixel((50, 50)), original.getpixel((150, 50))) == ((*RED, 255), (0, 0, 0, 0))
    display = opened(result.display)
    assert (display.format, display.mode) == ("JPEG", "RGB")
    assert near(display.getpixel((50, 50)), RED)
    assert near(display.getpixel((150, 50)), WHITE)


def test_process_image_palette_png_with_transparency_stays_png() -> None:
    image = Image.new("P", (40, 40), 1)
    image.putpalette([0, 0, 0, *RED])
    image.paste(0, (0, 0, 20, 40))
    result = process_image(encode(image, "PNG", transparency=0))
    assert result.content_type == "image/png"
    assert opened(result.original).getpixel((5, 5)) == (0, 0, 0, 0)


def test_process_image_fully_opaque_png_becomes_jpeg() -> None:
    result = process_image(encode(Image.new("RGBA", (120, 80), (*BLUE, 255)), "PNG"))
    assert (result.content_type, result.suffix) == ("image/jpeg", ".jpg")
    assert opened(result.original).mode == "RGB"


@pytest.mark.skipif(not features.check("webp"), reason="Pillow built without WebP")
def test_process_image_accepts_still_webp() -> None:
    result = process_image(encode(Image.new("RGB", (300, 200), BLUE), "WEBP"))
    assert (result.width, result.height, result.content_type) == (300, 200, "image/jpeg")


def test_process_image_cmyk_jpeg_becomes_rgb() -> None:
    data = encode(Image.new("CMYK", (60, 40), (0, 255, 255, 0)), "JPEG")
    original = opened(process_image(data).original)
    assert original.mode == "RGB"
    assert near(original.getpixel((30, 20)), RED, tolerance=40)


def test_process_image_16_bit_greyscale_png_keeps_its_tones() -> None:
    image = Image.new("I;16", (32, 32), 32_768)
    result = process_image(encode(image, "PNG"))
    original = opened(result.original)
    assert original.mode == "L"
    assert abs(original.getpixel((16, 16)) - 128) <= 2  # type: ignore[operator]


def test_process_image_ignores_an_unusable_icc_profile() -> None:
    data = encode(Image.new("RGB", (50, 50), BLUE), "PNG", icc_profile=b"not an icc profile")
    assert opened(data).info["icc_profile"] == b"not an icc profile"
    result = process_image(data)
    assert "icc_profile" not in opened(result.original).info


def test_process_image_derivatives_of_3000x2000() -> None:
    result = process_image(jpeg((3_000, 2_000)))

    assert (result.width, result.height) == (3_000, 2_000)
    assert opened(result.original).size == (3_000, 2_000)
    assert opened(result.display).size == thumbnail_size((3_000, 2_000), 1280) == (1280, 853)
    assert opened(result.thumbnail).size == thumbnail_size((3_000, 2_000), 320) == (320, 213)


@pytest.mark.parametrize("size", [(2_000, 3_000), (1_281, 1), (1, 2_500), (4_000, 2_999), (1_300, 1_299)])
def test_process_image_derivative_sizes_round_like_pillow_thumbnail(size: tuple[int, int]) -> None:
    result = process_image(jpeg(size))
    assert opened(result.display).size == thumbnail_size(size, 1280)
    assert opened(result.thumbnail).size == thumbnail_size(size, 320)


def test_process_image_does_not_upscale_small_images() -> None:
    tiny = process_image(jpeg((200, 100)))
    assert [opened(output).size for output in outputs(tiny)] == [(200, 100), (200, 100), (200, 100)]
    medium = process_image(jpeg((800, 600)))
    assert [opened(output).size for output in outputs(medium)] == [(800, 600), (800, 600), (320, 240)]


def test_process_image_custom_derivative_sizes() -> None:
    result = process_image(jpeg((1_000, 500)), display_size=600, thumb_size=100)
    assert (opened(result.display).size, opened(result.thumbnail).size) == ((600, 300), (100, 50))


def test_process_image_original_is_baseline_and_copies_progressive() -> None:
    result = process_image(jpeg((640, 480)))
    assert [opened(output).info.get("progressive") for output in outputs(result)] == [None, 1, 1]


# --- documents --------------------------------------------------------------------------------

MINIMAL_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
    b"trailer << /Root 1 0 R /Size 4 >>\n"
    b"%%EOF"
)


def test_sniff_document_accepts_a_pdf_made_by_pillow() -> None:
    assert sniff_document(encode(Image.new("RGB", (50, 50)), "PDF")) == "application/pdf"


@pytest.mark.parametrize("ending", [b"", b"\n", b"\r\n", b"\n\n   \n", b"\x00" * 20])
def test_sniff_document_accepts_minimal_pdf_with_trailing_whitespace(ending: bytes) -> None:
    assert sniff_document(MINIMAL_PDF + ending) == "application/pdf"


@pytest.mark.parametrize(
    "data",
    [
        MINIMAL_PDF.removesuffix(b"%%EOF"),
        b"%PDF-1.7\n" + bytes(4096),
        MINIMAL_PDF + b"\n" + b"A" * 2048,
        b"<!DOCTYPE html><html><body>%PDF-1.4 %%EOF</body></html>",
        encode(Image.new("P", (8, 8)), "GIF"),
        b"",
    ],
    ids=["pdf-without-eof", "pdf-header-only", "eof-too-far-from-end", "html", "gif", "empty"],
)
def test_sniff_document_refuses_other_data(data: bytes) -> None:
    with pytest.raises(DocumentRejected) as error:
        sniff_document(data)
    assert str(error.value) == "Tài liệu phải là tệp PDF hoặc ảnh (JPEG, PNG)."
    assert error.value.status_code == 422


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_sniff_document_recognises_images(kind: str) -> None:
    assert sniff_document(encode(Image.new("RGB", (20, 20)), kind)) == "image"


def test_sniff_document_leaves_a_bomb_to_process_image(png_bomb: bytes) -> None:
    assert sniff_document(png_bomb) == "image"
    assert "megapixel" in refusal(png_bomb)


# --- demo photos ------------------------------------------------------------------------------


def test_demo_photo_is_deterministic_and_accepted() -> None:
    first = demo_photo("Chè xanh La Bằng", seed=3, view=1)
    assert first == demo_photo("Chè xanh La Bằng", seed=3, view=1)
    assert len({first, demo_photo("Chè xanh La Bằng", seed=3, view=2), demo_photo("Chè xanh", seed=3, view=1)}) == 3
    result = process_image(first)
    assert (result.width, result.height, result.content_type) == (1200, 900, "image/jpeg")


def test_truncated_jpeg_still_refused_after_weasyprint_is_imported() -> None:
    """WeasyPrint flips Pillow's LOAD_TRUNCATED_IMAGES on import; uploads must not be affected."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # as weasyprint.images does at import
    data = encode(two_colour((640, 480), RED, BLUE), "JPEG")
    assert "bị hỏng hoặc không đầy đủ" in refusal(data[: len(data) // 2])
