"""Photos a person chose to put in a summary (issue 20): each one belongs to a journal entry
the summary includes, and none is included unless chosen.

A photo goes into the PDF re-encoded in memory as a JPEG of at most PRINT_SIDE pixels: small
enough for a summary someone prints, and carrying nothing of the original file but its
pixels — no location, camera or time, even for a photo whose location the person kept in
their journal. One that cannot be decoded (a kind this renderer cannot read) is named in
the summary instead of shown.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from companion.errors import InvalidInput
from companion.models import ItemRef, Kind

if TYPE_CHECKING:
    from companion.app import CompanionApp

PRINT_SIDE = 1400
MAX_IMAGES = 50  # in one summary


@dataclass(frozen=True)
class SummaryImage:
    entry_id: int
    position: int
    name: str
    jpeg: bytes | None  # None: a kind of image that cannot be printed here
    width: int = 0
    height: int = 0


def parse_image_ref(text: str) -> tuple[int, int]:
    """`e12:2` (or `e12/2`, `12:2`) → (12, 2): the entry and the attachment's place in it,
    as `companion attachments e12` lists them."""
    cleaned = text.strip()
    entry, sep, place = cleaned.replace("/", ":").partition(":")
    if not sep or not place.isascii() or not place.isdigit() or int(place) < 1:
        raise InvalidInput(f"“{cleaned}” is not a photo of an entry.",
                           "Write it as the entry and the photo's number, such as e12:1 "
                           "(`companion attachments e12` lists them).")
    number = entry.strip()
    if number.isascii() and number.isdigit():
        return int(number), int(place)
    ref = ItemRef.parse(number)
    if ref.kind is not Kind.ENTRY:
        raise InvalidInput(f"{number} is a check-in; photos belong to journal entries.")
    return ref.number, int(place)


def check_images(entry_ids: tuple[int, ...], images: tuple[tuple[int, int], ...]) -> None:
    if len(images) > MAX_IMAGES:
        raise InvalidInput(f"A summary can hold at most {MAX_IMAGES} photos.")
    if len(set(images)) != len(images):
        raise InvalidInput("A photo was chosen twice.")
    for entry_id, position in images:
        if entry_id not in entry_ids:
            raise InvalidInput(
                f"Photo {position} of e{entry_id} belongs to an entry the summary does not "
                "include.", f"Include the entry too (--include-entry e{entry_id}).")


def load_images(app: CompanionApp, images: tuple[tuple[int, int], ...]
                ) -> dict[int, tuple[SummaryImage, ...]]:
    """The chosen photos by entry, in the order chosen, each ready to print."""
    limits = app.attachment_limits
    max_pixels = limits.max_image_pixels if limits is not None else 100_000_000
    found: dict[int, list[SummaryImage]] = {}
    for entry_id, position in images:
        attachment = app.attachment(entry_id, position)
        if not attachment.is_image:
            raise InvalidInput(f"Attachment {position} of e{entry_id} (“{attachment.name}”) "
                               "is not a photo.", "Only photos can go into a summary.")
        data = app.attachment_bytes(entry_id, position)
        jpeg, width, height = _for_print(data, max_pixels)
        found.setdefault(entry_id, []).append(
            SummaryImage(entry_id, position, attachment.name, jpeg, width, height))
    return {entry_id: tuple(items) for entry_id, items in found.items()}


def _for_print(data: bytes, max_pixels: int) -> tuple[bytes | None, int, int]:
    from PIL import Image, ImageOps

    from companion.media import measure

    try:
        measure(data, max_pixels)  # a decompression bomb is refused before decoding
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.draft("RGB", (PRINT_SIDE, PRINT_SIDE))
                upright = ImageOps.exif_transpose(image)
                upright.thumbnail((PRINT_SIDE, PRINT_SIDE))
                rgb = upright.convert("RGB")
                out = io.BytesIO()
                rgb.save(out, format="JPEG", quality=85)  # no exif: pixels only
                return out.getvalue(), rgb.width, rgb.height
    except (OSError, ValueError, SyntaxError, InvalidInput):
        return None, 0, 0
