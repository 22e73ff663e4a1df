"""Photos in the therapy summary (issue 20): only the ones chosen, only of entries the summary
includes, printed from their pixels alone (a location the person kept in the journal never
reaches the PDF), and one that cannot be decoded is named instead of shown."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from PIL import Image

from companion.app import CompanionApp
from companion.errors import InvalidInput
from companion.models import EntryDraft
from companion.summary import SummaryFormat, SummaryRequest, make_summary_bytes
from companion.summary.images import parse_image_ref
from tests.support.attachment_files import photo

ZONE = timezone(timedelta(hours=1))
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
CAMERA = "CanaryCam-summary-77e1"


def images_in(pdf: bytes) -> list[tuple[int, int]]:
    """(width, height) of every image the PDF holds: each image object's dictionary, from
    its `obj` to its `stream`."""
    found = []
    for match in re.finditer(rb"/Subtype /Image", pdf):
        start = pdf.rfind(b" obj", 0, match.start())
        end = pdf.find(b"stream", match.end())
        header = pdf[start:end]
        width = re.search(rb"/Width (\d+)", header)
        height = re.search(rb"/Height (\d+)", header)
        assert width and height
        found.append((int(width.group(1)), int(height.group(1))))
    return found


@pytest.fixture
def entries(app: CompanionApp) -> dict[str, int]:
    at = datetime(2026, 3, 12, 9, tzinfo=ZONE)
    chosen = app.add_entry(EntryDraft(title="The beach", body="Wind and sand.", at=at))
    other = app.add_entry(EntryDraft(title="Not shared", body="Private.", at=at))
    big = photo(size=(2400, 1600), camera=CAMERA)
    app.attach(chosen.id, [app.prepare_attachment_bytes("beach.jpg", big, keep_location=True),
                           app.prepare_attachment_bytes("second.png", photo("PNG")),
                           app.prepare_attachment_bytes("notes.pdf", b"%PDF-1.4\n%%EOF\n")])
    app.attach(other.id, [app.prepare_attachment_bytes("private.jpg", photo())])
    return {"chosen": chosen.id, "other": other.id}


def test_only_the_chosen_photos_go_in_and_without_their_metadata(app, entries) -> None:
    chosen = entries["chosen"]
    none = make_summary_bytes(app, SummaryRequest(*MARCH, entry_ids=(chosen,)),
                              SummaryFormat.PDF)
    assert images_in(none) == []  # an included entry's photos stay out unless chosen
    pdf = make_summary_bytes(app, SummaryRequest(*MARCH, entry_ids=(chosen,),
                                                 images=((chosen, 1),)), SummaryFormat.PDF)
    found = images_in(pdf)
    assert len(found) == 1 and max(found[0]) <= 1400  # made smaller for print
    assert CAMERA.encode() not in pdf and b"Exif" not in pdf  # kept in the journal, not here
    both = make_summary_bytes(app, SummaryRequest(*MARCH, entry_ids=(chosen,),
                                                  images=((chosen, 1), (chosen, 2))),
                              SummaryFormat.PDF)
    assert len(images_in(both)) == 2


def test_a_photo_of_an_entry_not_included_or_not_a_photo_is_refused(app, entries) -> None:
    chosen, other = entries["chosen"], entries["other"]
    with pytest.raises(InvalidInput, match="does not include"):
        SummaryRequest(*MARCH, entry_ids=(chosen,), images=((other, 1),)).checked()
    with pytest.raises(InvalidInput, match="twice"):
        SummaryRequest(*MARCH, entry_ids=(chosen,), images=((chosen, 1), (chosen, 1))).checked()
    with pytest.raises(InvalidInput, match="not a photo"):
        make_summary_bytes(app, SummaryRequest(*MARCH, entry_ids=(chosen,),
                                               images=((chosen, 3),)), SummaryFormat.PDF)


def test_a_photo_that_cannot_be_decoded_is_named_instead(app, entries, monkeypatch) -> None:
    from companion.summary import images

    monkeypatch.setattr(images, "_for_print", lambda data, limit: (None, 0, 0))
    chosen = entries["chosen"]
    pdf = make_summary_bytes(app, SummaryRequest(*MARCH, entry_ids=(chosen,),
                                                 images=((chosen, 1),)), SummaryFormat.PDF)
    assert images_in(pdf) == []


@pytest.mark.parametrize("text, expected", [("e12:1", (12, 1)), ("12/3", (12, 3)),
                                            (" e7:2 ", (7, 2))])
def test_photo_references_parse(text: str, expected: tuple[int, int]) -> None:
    assert parse_image_ref(text) == expected


@pytest.mark.parametrize("text", ["e12", "e12:0", "e12:x", "c3:1", ":1", "e12:-1"])
def test_bad_photo_references_say_how_to_write_them(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_image_ref(text)


def test_the_jpeg_printed_is_a_real_image(app, entries) -> None:
    from companion.summary.images import load_images

    chosen = entries["chosen"]
    (image,) = load_images(app, ((chosen, 1),))[chosen]
    assert image.jpeg is not None
    with Image.open(io.BytesIO(image.jpeg)) as printed:
        assert printed.format == "JPEG" and printed.size == (1400, 933)
        assert not printed.getexif()
