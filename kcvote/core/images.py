"""Uploaded photos checked by decoding them and re-encoded from pixels only; the only Pillow code in kcvote.

Nothing about an upload is trusted: not its file name, not its declared content type, not its
header. :func:`process_image` decodes the data with Pillow (JPEG, PNG, WebP, and MPO — phone JPEGs
carrying a depth map or a second view, of which the first frame is used), refuses everything else,
and writes new files from the decoded pixels, so that nothing the client sent reaches our storage
byte for byte: no EXIF (GPS position, camera serial numbers), no XMP, no comments, no appended ZIP
or script of a polyglot file.

Colour: an embedded ICC profile is applied, converting the pixels to sRGB, and then dropped. Phones
save Display P3; dropping the profile without converting would wash the colours out, while the
output without a profile is read as sRGB by every browser. A profile that cannot be parsed or does
not fit the pixels is ignored (the pixels are kept as they are).

:func:`sniff_document` tells a PDF from an image for dossier documents.
"""

from __future__ import annotations

import io
import logging
import math
import random
import struct
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, ImageDraw, ImageFile, ImageFont, ImageOps

from kcvote.core.errors import DomainError

log = logging.getLogger(__name__)

# Pillow identifies MPO files through its JPEG plugin, so "MPO" is checked after opening.
OPEN_FORMATS = ("JPEG", "PNG", "WEBP")
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})
# Derivatives are small and shown over slow connections: progressive and optimised. The full-size
# original is baseline: optimised or progressive output makes libjpeg keep every DCT coefficient of
# the whole image for extra passes (+70 MB and +0.6 s at 24 megapixels, bench/README.md) to save
# about a tenth of the file size.
JPEG_OPTIONS = {"quality": 88, "optimize": True, "progressive": True}
ORIGINAL_JPEG_OPTIONS = {"quality": 88, "optimize": False, "progressive": False}
_SRGB = ImageCms.createProfile("sRGB")
# Errors Pillow raises for data it cannot parse or decode (UnidentifiedImageError is an OSError).
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)


class ImageRejected(DomainError):
    """An uploaded image was refused; the message says why, in words a user can act on."""

    status_code = 422


class DocumentRejected(DomainError):
    """An uploaded document is neither a PDF nor an accepted image."""

    status_code = 422


EMPTY = _l("Tệp rỗng: không có dữ liệu nào được gửi lên.")
NOT_AN_IMAGE = _l("Tệp không phải là ảnh hợp lệ (JPEG, PNG hoặc WebP).")
DAMAGED = _l("Ảnh bị hỏng hoặc không đầy đủ (tệp bị cắt cụt). Hãy xuất lại ảnh rồi gửi lại.")
ANIMATED = _l("Không chấp nhận ảnh động hoặc ảnh nhiều khung hình. Hãy gửi một ảnh tĩnh.")
NOT_A_DOCUMENT = _l("Tài liệu phải là tệp PDF hoặc ảnh (JPEG, PNG).")


def _unsupported(kind: str) -> ImageRejected:
    return ImageRejected(_l("Không chấp nhận định dạng %(format)s. Hãy gửi ảnh JPEG, PNG hoặc WebP.", format=kind))


def _too_many_pixels(max_pixels: int) -> ImageRejected:
    limit = f"{max_pixels / 1_000_000:g}"
    return ImageRejected(_l("Ảnh quá lớn: tối đa %(limit)s megapixel. Hãy thu nhỏ ảnh rồi gửi lại.", limit=limit))


@dataclass(frozen=True)
class ProcessedImage:
    """The re-encoded original (JPEG, or PNG when it has transparency) and two JPEG derivatives."""

    original: bytes
    display: bytes
    thumbnail: bytes
    width: int
    height: int
    content_type: str  # "image/jpeg" or "image/png"
    suffix: str  # ".jpg" or ".png"


def process_image(
    data: bytes, *, max_pixels: int = 40_000_000, display_size: int = 1280, thumb_size: int = 320
) -> ProcessedImage:
    """Check an uploaded photo by decoding it and re-encode it without any metadata.

    Steps: refuse empty data; open lazily (header only) and refuse other formats; refuse more than
    ``max_pixels`` pixels from the header, before anything is decoded — Pillow's own decompression
    bomb error and warning (above ~89 megapixels) are refusals too, and a WebP canvas is checked
    before Pillow's WebP decoder allocates it; refuse several frames (animated PNG or WebP) except
    for MPO, whose first frame is used; decode fully, refusing truncated or corrupt files (a file
    cut off in transfer; libjpeg itself fills with grey a JPEG whose scan data stops early before a
    proper end marker, as viewers do); turn the pixels upright (EXIF orientation), convert them to sRGB, and encode from pixels only: JPEG
    (quality 88; baseline for the original, optimised and progressive for the copies) for photos, PNG when some pixel is not fully opaque. The
    display copy (long side ≤ ``display_size``) and the thumbnail (≤ ``thumb_size``) are JPEG with
    transparency flattened onto white, never upscaled, sized with the rounding of Pillow's
    ``Image.thumbnail``.

    Peak memory for a W×H photo is about 4·W·H bytes plus the upload itself (≈ 100 MB + upload at
    24 megapixels; see bench/README.md): 3·W·H decoded RGB pixels, which re-encoding at full size
    needs, and a W·H buffer Pillow gives libjpeg. The original is written as a baseline JPEG so that
    libjpeg streams it instead of holding every DCT coefficient (optimised/progressive output would
    add ≈ 3·W·H). Rotated photos (orientation 2-8) briefly hold a second 3·W·H copy while
    transposing. Images with transparency hold 4·W·H and resizing them makes a premultiplied copy
    of the same size. The derivatives are made from the decoded pixels with ``reduce`` then
    Lanczos, so they add only a few megabytes; ``Image.draft`` (decoding a JPEG at 1/2-1/8 scale)
    would not lower the peak, since the full-size decode is needed for the original anyway.

    :raise ImageRejected: with a message saying what is wrong with the file.
    """
    if not data:
        raise ImageRejected(EMPTY)
    with _open(data, max_pixels) as source:
        if getattr(source, "n_frames", 1) > 1 and source.format != "MPO":
            raise ImageRejected(ANIMATED)
        # WeasyPrint sets this Pillow-wide flag to True when it is imported (to print what it can);
        # uploads must never be padded out silently, so the policy is restored before each decode.
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            source.load()  # the first frame only, for MPO
        except _DECODE_ERRORS as error:
            raise ImageRejected(DAMAGED) from error
        image = _upright_srgb_pixels(source)

    width, height = image.size
    transparent = image.mode == "RGBA"
    if transparent:
        original, content_type, suffix = _encode(image, "PNG"), "image/png", ".png"
    else:
        original, content_type, suffix = _encode(image, "JPEG", ORIGINAL_JPEG_OPTIONS), "image/jpeg", ".jpg"
    display = _flatten(_resize(image, _fit(image.size, display_size)))
    del image  # the full-size pixels are no longer needed
    thumbnail = _resize(display, _fit((width, height), thumb_size))
    return ProcessedImage(
        original=original,
        display=_encode(display, "JPEG"),
        thumbnail=_encode(thumbnail, "JPEG"),
        width=width,
        height=height,
        content_type=content_type,
        suffix=suffix,
    )


def sniff_document(data: bytes) -> Literal["application/pdf", "image"]:
    """Say what a dossier document is: "application/pdf" (``%PDF-`` … ``%%EOF``) or "image".

    Only the header is read for images: pass them to :func:`process_image`, which checks them.

    :raise DocumentRejected: for anything else, empty data included.
    """
    # PDF readers look for %%EOF within the last 1024 bytes; whitespace or padding may follow it.
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]:
        return "application/pdf"
    if data and _is_accepted_image(data):
        return "image"
    raise DocumentRejected(NOT_A_DOCUMENT)


# --- opening ----------------------------------------------------------------------------------


def _open(data: bytes, max_pixels: int) -> ImageFile.ImageFile:
    """Open lazily (header only) and check format and pixel count; nothing is decoded yet."""
    canvas = _webp_canvas(data)
    if canvas is not None and canvas[0] * canvas[1] > max_pixels:
        raise _too_many_pixels(max_pixels)
    try:
        # Not thread-safe in Python 3.11 (filters are global), but the worst an interleaving can do
        # is leave this same "error" filter installed, which is what kcvote wants anyway.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=OPEN_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(max_pixels) from error
    except _DECODE_ERRORS as error:
        kind = _foreign_format(data)
        raise (_unsupported(kind) if kind else ImageRejected(NOT_AN_IMAGE)) from error
    if image.format not in ACCEPTED_FORMATS:  # pragma: no cover - OPEN_FORMATS only yields these
        image.close()
        raise _unsupported(str(image.format))
    if image.width * image.height > max_pixels:
        image.close()
        raise _too_many_pixels(max_pixels)
    return image


def _is_accepted_image(data: bytes) -> bool:
    canvas = _webp_canvas(data)
    if canvas is not None:
        return True  # an over-large canvas is refused by process_image, not allocated here
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=OPEN_FORMATS) as image:
                return image.format in ACCEPTED_FORMATS
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return True
    except _DECODE_ERRORS:
        return False


def _webp_canvas(data: bytes) -> tuple[int, int] | None:
    """The canvas size a WebP header declares (libwebp allocates it when the decoder is created)."""
    if len(data) < 30 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    chunk = data[12:16]
    if chunk == b"VP8X":
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    if chunk == b"VP8L" and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        return int.from_bytes(data[26:28], "little") & 0x3FFF, int.from_bytes(data[28:30], "little") & 0x3FFF
    return None


def _foreign_format(data: bytes) -> str | None:
    """Name a well-known format we refuse, from its signature, for a clearer message."""
    head = data[:1024]
    signatures = {
        b"GIF87a": "GIF",
        b"GIF89a": "GIF",
        b"BM": "BMP",
        b"II*\x00": "TIFF",
        b"MM\x00*": "TIFF",
        b"%PDF-": "PDF",
        b"8BPS": "PSD",
    }
    for signature, kind in signatures.items():
        if head.startswith(signature):
            return kind
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}:
            return "HEIC"
        if brand in {b"avif", b"avis"}:
            return "AVIF"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in text:
        return "SVG"
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<meta", b"<iframe")):
        return "HTML"
    return None


# --- pixels -----------------------------------------------------------------------------------


def _upright_srgb_pixels(image: Image.Image) -> Image.Image:
    """Apply EXIF orientation, convert to 8-bit L / RGB / RGBA in sRGB, and forget all metadata."""
    try:
        ImageOps.exif_transpose(image, in_place=True)
    except (*_DECODE_ERRORS, KeyError, TypeError):
        log.info("Ignoring unreadable EXIF data; the image is kept as stored")
    icc = image.info.get("icc_profile")
    if image.mode == "CMYK":
        image = _to_srgb(image, icc, "RGB") if icc else image.convert("RGB")
        icc = None
    image = _working_mode(image)
    if icc and image.mode in ("RGB", "RGBA"):
        image = _to_srgb(image, icc, image.mode)
    # Encoders copy some entries of ``info`` (PNG: ICC profile; JPEG: comment); keep none.
    image.info = {}
    return image


def _to_srgb(image: Image.Image, icc: bytes, mode: str) -> Image.Image:
    """Convert ``image`` from its embedded profile to sRGB (in place when the mode is unchanged)."""
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if image.mode == mode:
            ImageCms.profileToProfile(image, profile, _SRGB, outputMode=mode, inPlace=True)
            return image
        converted = ImageCms.profileToProfile(image, profile, _SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        log.info("Ignoring an unusable ICC profile")
        return image if image.mode == mode else image.convert(mode)
    assert converted is not None
    return converted


def _working_mode(image: Image.Image) -> Image.Image:
    """RGBA if some pixel is not fully opaque, else RGB, or L for greyscale."""
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
        extrema = rgba.getextrema()  # one (min, max) per band for multi-band images
        if extrema[-1] != (255, 255):
            return rgba
        return rgba.convert("RGB")
    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # 16-bit greyscale: convert("L") would clip every value above 255 to white.
        return image.convert("I").point(lambda value: value / 257).convert("L")
    if image.mode in ("1", "F"):
        return image.convert("L")
    return image.convert("RGB")


def _fit(size: tuple[int, int], limit: int) -> tuple[int, int]:
    """Size within ``limit``×``limit`` keeping the aspect ratio, rounded exactly as ``Image.thumbnail``."""
    width, height = size
    if limit >= width and limit >= height:
        return size
    aspect = width / height

    def round_aspect(value: float, error: Callable[[int], float]) -> int:
        # Of floor and ceil, the one whose aspect ratio is closest (floor on a tie); at least 1.
        return max(min(math.floor(value), math.ceil(value), key=error), 1)

    if aspect <= 1:
        return round_aspect(limit * aspect, lambda n: abs(aspect - n / limit)), limit
    return limit, round_aspect(limit / aspect, lambda n: 0 if n == 0 else abs(aspect - limit / n))


def _resize(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    if image.size == size:
        return image
    # reduce() by an integer factor first, then Lanczos over the last ≥ 3× (indistinguishable from a
    # full Lanczos pass, much faster on big photos).
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _flatten(image: Image.Image) -> Image.Image:
    """Transparent pixels onto white, for JPEG."""
    if image.mode != "RGBA":
        return image
    background = Image.new("RGB", image.size, "white")
    background.paste(image, mask=image.getchannel("A"))
    return background


def demo_photo(product_name: str, *, seed: int = 0, view: int = 0, size: tuple[int, int] = (1200, 900)) -> bytes:
    """A generated product photo for demo data: the same arguments always give the same JPEG.

    ``view`` 0, 1, 2 draws the product from the front, the side and the top.
    """
    rng = random.Random(f"{product_name}|{seed}")
    width, height = size
    background = tuple(rng.randint(190, 240) for _ in range(3))
    colour = tuple(rng.randint(40, 170) for _ in range(3))
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image = Image.blend(Image.new("RGB", size, background), image, 0.15)
    draw = ImageDraw.Draw(image)
    cx, cy, r = width // 2, height // 2 - height // 16, min(width, height) // 3
    if view % 3 == 0:
        draw.rounded_rectangle(
            (cx - r, cy - r, cx + r, cy + r), radius=r // 5, fill=colour, outline=(40, 40, 40), width=4
        )
    elif view % 3 == 1:
        draw.ellipse((cx - r // 2, cy - r, cx + r // 2, cy + r), fill=colour, outline=(40, 40, 40), width=4)
    else:
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour, outline=(40, 40, 40), width=4)
        draw.ellipse((cx - r // 3, cy - r // 3, cx + r // 3, cy + r // 3), fill=background)
    # Pillow's built-in font has no Vietnamese diacritics: write the name without them.
    label = unicodedata.normalize("NFD", product_name.replace("đ", "d").replace("Đ", "D"))
    label = "".join(ch for ch in label if not unicodedata.combining(ch))
    font = ImageFont.load_default(size=max(12, height // 18))
    draw.text((width // 2, height - height // 10), label, fill=(30, 30, 30), font=font, anchor="mm")
    return _encode(image, "JPEG")


def _encode(image: Image.Image, kind: Literal["JPEG", "PNG"], options: dict[str, Any] | None = None) -> bytes:
    buffer = io.BytesIO()
    if kind == "JPEG":
        image.save(buffer, "JPEG", **(options or JPEG_OPTIONS))
    else:
        image.save(buffer, "PNG")
    return buffer.getvalue()
