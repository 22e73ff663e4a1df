"""Files for the attachment tests, made in memory: photos with a location, an image whose
header claims 20,000 × 20,000 pixels, a little PDF and audio."""

from __future__ import annotations

import io
import struct
import zlib

# Where the test photos were "taken" (GPS degrees, minutes, seconds).
LATITUDE = (52.0, 22.0, 33.5)
LONGITUDE = (4.0, 53.0, 12.25)


def photo(fmt: str = "JPEG", *, gps: bool = True, size: tuple[int, int] = (64, 48),
          camera: str = "CanaryCam") -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = camera
    if gps:
        exif[0x8825] = {1: "N", 2: LATITUDE, 3: "E", 4: LONGITUDE}
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif.tobytes())
    return out.getvalue()


def gps_of(data: bytes) -> dict[int, object]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return dict(image.getexif().get_ifd(0x8825))


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return (struct.pack(">I", len(payload)) + kind + payload
            + struct.pack(">I", zlib.crc32(kind + payload)))


def huge_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A small file whose header claims `width` × `height` RGB pixels (1.2 GB decoded)."""
    return (b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(b"\x00" * 4096)) + _chunk(b"IEND", b""))


def huge_jpeg(width: int = 20_000, height: int = 20_000) -> bytes:
    """A real JPEG with its frame header (SOF0) rewritten to claim `width` × `height`."""
    data = bytearray(photo(gps=False))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def pdf(text: bytes = b"hello") -> bytes:
    return b"%PDF-1.4\n%" + text + b"\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def wav(samples: bytes = b"\x00\x01" * 64) -> bytes:
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack(
        "<I", len(samples)) + samples
    return b"RIFF" + struct.pack("<I", len(body)) + body
