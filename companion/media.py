"""What a file is, from its bytes; and the image work attachments need, all in memory.

The type of an attached file is decided by its first bytes (magic numbers), never by its
name: a `.jpg` that is a PNG is a PNG. Images are measured from their headers before anything
decodes them, so a decompression bomb (a small file claiming 20,000 × 20,000 pixels) is
refused without allocating its pixels. The location in an image (the EXIF GPS directory, and
XMP `exif:GPS…` values) is blanked in place, byte for byte the same length, so that nothing
else in the file moves and the pixels are never re-encoded. Thumbnails are PNG bytes made in
memory: nothing here writes to disk. Pillow is imported where it is used, never at start-up.
"""

from __future__ import annotations

import io
import re
import struct
import warnings
import zlib
from dataclasses import dataclass

OCTET_STREAM = "application/octet-stream"
# The images Pillow reads (shown, thumbnailed); HEIC/HEIF/AVIF are kept as files for now.
DECODABLE_IMAGES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
DESCRIPTIONS = {
    "image/png": "PNG image", "image/jpeg": "JPEG image", "image/gif": "GIF image",
    "image/webp": "WebP image", "image/heic": "HEIC image", "image/heif": "HEIF image",
    "image/avif": "AVIF image", "application/pdf": "PDF document", "audio/mpeg": "MP3 audio",
    "audio/ogg": "Ogg audio", "audio/wav": "WAV audio", "audio/flac": "FLAC audio",
    "audio/mp4": "M4A audio", "video/mp4": "MP4 video", OCTET_STREAM: "file",
}
# What a name's extension claims, to tell the person when the bytes say otherwise.
EXTENSIONS = {
    "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
    "webp": "image/webp", "heic": "image/heic", "heif": "image/heif", "avif": "image/avif",
    "pdf": "application/pdf", "mp3": "audio/mpeg", "ogg": "audio/ogg", "oga": "audio/ogg",
    "opus": "audio/ogg", "wav": "audio/wav", "flac": "audio/flac", "m4a": "audio/mp4",
    "mp4": "video/mp4",
}
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"}
_HEIF_BRANDS = {b"mif1", b"msf1"}
_M4A_BRANDS = {b"M4A ", b"M4B "}
_MP4_BRANDS = {b"isom", b"iso2", b"mp41", b"mp42", b"avc1", b"dash"}


def sniff(data: bytes) -> str:
    """The media type the bytes are, or `OCTET_STREAM` when they are nothing known."""
    head = data[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"ID3") or (len(head) >= 2 and head[0] == 0xFF
                                   and head[1] in (0xFB, 0xF3, 0xF2, 0xFA, 0xE3)):
        return "audio/mpeg"
    if head[4:8] == b"ftyp":
        return _ftyp_type(head[8:12])
    return OCTET_STREAM


def _ftyp_type(brand: bytes) -> str:
    if brand in _HEIC_BRANDS:
        return "image/heic"
    if brand in _HEIF_BRANDS:
        return "image/heif"
    if brand in (b"avif", b"avis"):
        return "image/avif"
    if brand in _M4A_BRANDS:
        return "audio/mp4"
    if brand in _MP4_BRANDS:
        return "video/mp4"
    return OCTET_STREAM


def describe(media_type: str) -> str:
    return DESCRIPTIONS.get(media_type, media_type)


def claimed_type(name: str) -> str | None:
    """The media type a file name's extension claims, if it is one we know."""
    _, dot, ext = name.rpartition(".")
    return EXTENSIONS.get(ext.lower()) if dot else None


class ImageTooLarge(ValueError):
    """The image's header claims more pixels than the limit (or Pillow's own bomb guard)."""

    def __init__(self, width: int | None, height: int | None) -> None:
        super().__init__(f"{width}x{height}")
        self.width, self.height = width, height


class UnreadableImage(ValueError):
    """The bytes start like an image, but its header cannot be read."""


@dataclass(frozen=True)
class ImageSize:
    width: int
    height: int


def measure(data: bytes, max_pixels: int) -> ImageSize:
    """The image's size from its header alone, refusing more than `max_pixels` pixels before
    any pixel is decoded (`Image.open` reads the header; `load` would decode)."""
    from PIL import Image

    claimed = header_size(data)
    if claimed is not None and claimed[0] * claimed[1] > max_pixels:
        raise ImageTooLarge(*claimed)
    with warnings.catch_warnings():
        # Pillow warns above its own threshold; ours is the one that decides (below).
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
        except Image.DecompressionBombError as exc:
            raise ImageTooLarge(None, None) from exc
        except (OSError, ValueError, SyntaxError, struct.error) as exc:
            raise UnreadableImage(str(exc)) from exc
    if width <= 0 or height <= 0:
        raise UnreadableImage("an image without pixels")
    if width * height > max_pixels:
        raise ImageTooLarge(width, height)
    return ImageSize(width, height)


def header_size(data: bytes) -> tuple[int, int] | None:
    """Width and height as a PNG, GIF, JPEG or WebP header states them, read here (not by
    Pillow, whose own bomb guard would refuse without saying the size); None if not found."""
    try:
        if data.startswith(b"\x89PNG") and data[12:16] == b"IHDR":
            width, height = struct.unpack_from(">II", data, 16)
            return int(width), int(height)
        if data[:6] in (b"GIF87a", b"GIF89a"):
            width, height = struct.unpack_from("<HH", data, 6)
            return int(width), int(height)
        if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
            return _webp_size(data)
        if data.startswith(b"\xff\xd8"):
            return _jpeg_size(data)
    except struct.error:
        return None
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    kind = data[12:16]
    if kind == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if kind == b"VP8L":
        (bits,) = struct.unpack_from("<I", data, 21)
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if kind == b"VP8 ":
        width, height = struct.unpack_from("<HH", data, 26)
        return int(width) & 0x3FFF, int(height) & 0x3FFF
    return None


# The JPEG start-of-frame markers (baseline, progressive, lossless …), which carry the size.
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        (length,) = struct.unpack_from(">H", data, at + 2)
        if marker in _SOF_MARKERS:
            height, width = struct.unpack_from(">HH", data, at + 5)
            return int(width), int(height)
        if marker == 0xDA:  # start of scan: no frame header before it
            return None
        at += 2 + int(length)
    return None


def thumbnail_png(data: bytes, max_side: int, max_pixels: int) -> bytes:
    """A PNG at most `max_side` pixels on its longer side, made in memory (never cached on
    disk), upright as the camera's orientation tag says."""
    from PIL import Image, ImageOps

    measure(data, max_pixels)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (max_side, max_side))  # JPEG: decode at a reduced scale
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((max_side, max_side))
            if upright.mode not in ("RGB", "RGBA", "L", "LA"):
                upright = upright.convert("RGBA")
            out = io.BytesIO()
            upright.save(out, format="PNG")
    return out.getvalue()


# -- location -----------------------------------------------------------------------------

_GPS_IFD_TAG = 0x8825
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}
_EXIF_MARK = re.compile(rb"Exif\x00\x00(?=II\*\x00|MM\x00\*)")
# XMP keeps the location as exif:GPSLatitude="…" or <exif:GPSLatitude>…</exif:GPSLatitude>.
_XMP_GPS_AT = re.compile(rb'exif:GPS(\w+)(?:="([^"]*)"|>([^<]*)</exif:GPS\1>)')


def strip_location(data: bytes, media_type: str) -> tuple[bytes, bool]:
    """`data` with its location blanked, and whether there was one. The result has the same
    length; pixels and everything else are untouched."""
    buf = bytearray(data)
    if media_type == "image/png":
        found = _strip_png(buf)
    else:
        found = False
        for mark in _EXIF_MARK.finditer(buf):
            found |= _blank_gps(buf, mark.end())
        if media_type == "image/webp":
            found |= _strip_webp_exif(buf)
        found |= _blank_xmp(buf, 0, len(buf))
    return bytes(buf), found


def _blank_xmp(buf: bytearray, start: int, end: int) -> bool:
    found = False
    at = buf.find(b"exif:GPS", start, end)  # a C search first: most files have no XMP GPS
    while at != -1:
        match = _XMP_GPS_AT.match(buf, at, end)
        if match is not None:
            group = 2 if match.group(2) is not None else 3
            value_start, value_end = match.span(group)
            if value_end > value_start:
                buf[value_start:value_end] = b" " * (value_end - value_start)
                found = True
        at = buf.find(b"exif:GPS", at + 8, end)
    return found


def _blank_gps(buf: bytearray, tiff: int) -> bool:
    """Empty the GPS directory of the TIFF structure at `tiff` (EXIF): its values are zeroed
    and its entry count set to 0, so readers find no location. False if there was none or
    the structure is not readable."""
    try:
        order = {b"II": "<", b"MM": ">"}[bytes(buf[tiff:tiff + 2])]
        ifd0 = tiff + struct.unpack_from(order + "I", buf, tiff + 4)[0]
        (count,) = struct.unpack_from(order + "H", buf, ifd0)
        gps = None
        for i in range(count):
            tag, _type, _n, value = struct.unpack_from(order + "HHII", buf, ifd0 + 2 + 12 * i)
            if tag == _GPS_IFD_TAG:
                gps = tiff + value
        if gps is None or gps + 2 > len(buf):
            return False
        (entries,) = struct.unpack_from(order + "H", buf, gps)
        if gps + 2 + 12 * entries > len(buf):
            return False
        for i in range(entries):
            at = gps + 2 + 12 * i
            _tag, kind, n, value = struct.unpack_from(order + "HHII", buf, at)
            size = _TYPE_SIZES.get(kind, 1) * n
            if size > 4 and tiff + value + size <= len(buf):
                buf[tiff + value:tiff + value + size] = bytes(size)
            buf[at:at + 12] = bytes(12)
        buf[gps:gps + 2] = bytes(2)
        return bool(entries > 0)
    except (KeyError, struct.error):
        return False


def _strip_png(buf: bytearray) -> bool:
    """eXIf and XMP (iTXt/tEXt) chunks, each chunk's CRC recomputed where it changed."""
    found = False
    at = 8
    while at + 12 <= len(buf):
        (length,) = struct.unpack_from(">I", buf, at)
        kind = bytes(buf[at + 4:at + 8])
        start, end = at + 8, at + 8 + length
        if end + 4 > len(buf):
            break
        before = bytes(buf[start:end])
        if kind == b"eXIf":
            found |= _blank_gps(buf, start)
        elif kind in (b"iTXt", b"tEXt"):
            found |= _blank_xmp(buf, start, end)
        if bytes(buf[start:end]) != before:
            struct.pack_into(">I", buf, end, zlib.crc32(buf[at + 4:end]))
        if kind == b"IEND":
            break
        at = end + 4
    return found


def _strip_webp_exif(buf: bytearray) -> bool:
    """A WebP's EXIF chunk holds the TIFF structure directly (no "Exif" mark before it)."""
    found = False
    at = 12
    while at + 8 <= len(buf):
        kind = bytes(buf[at:at + 4])
        (length,) = struct.unpack_from("<I", buf, at + 4)
        if kind == b"EXIF" and bytes(buf[at + 8:at + 12]) in (b"II*\x00", b"MM\x00*"):
            found |= _blank_gps(buf, at + 8)
        at += 8 + length + (length & 1)
    return found
