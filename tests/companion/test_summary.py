"""The therapist summary: exactly the chosen parts and entries, read back from the real PDF.

The PDF's text is extracted with poppler's pdftotext and its pages rendered with pdftoppm, the
tools a reader's machine would use, rather than trusting our own writer.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from companion.app import CompanionApp
from companion.clock import FakeClock
from companion.errors import InvalidInput, NotFound, UserError
from companion.models import CheckInDraft, EntryDraft
from companion.summary import (
    Paper,
    Part,
    SummaryFormat,
    SummaryRequest,
    make_summary_bytes,
    parse_entry_id,
)

ZONE = timezone(timedelta(hours=1))
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
CANARY_ENTRY = "canary-unselected-zebra-7f3a"
CANARY_NOTE = "canary-checkin-note-okapi-51c"
SELECTED = "selected-entry-heron-2b9"

# Skipped on a developer machine without poppler-utils; in CI (.ci/run installs it) never.
needs_poppler = pytest.mark.skipif((shutil.which("pdftotext") is None
                                    or shutil.which("pdftoppm") is None)
                                   and not os.environ.get("CI"),
                                   reason="poppler-utils is not installed (.ci/run installs it)")


def at(day: int, hour: int = 9, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=ZONE)


@pytest.fixture
def filled(app: CompanionApp, clock: FakeClock) -> dict[str, int]:
    for day in range(1, 32):
        app.add_checkin(CheckInDraft(mood=2 + day % 3, energy=3, sleep_hours=6 + day % 3,
                                     activities=("walk",) if day % 2 else ("work",),
                                     emotions=("calm",), note=CANARY_NOTE, at=at(day)))
    app.add_checkin(CheckInDraft(mood=1, note="outside", at=at(2, month=4)))  # after the period
    app.save_questionnaire("phq9", [1, 1, 2, 1, 2, 1, 2, 2, 1], taken_at=at(3))  # 13, item 9
    app.save_questionnaire("phq9", [1, 1, 1, 1, 1, 1, 1, 0, 0], taken_at=at(24))  # 7
    app.save_questionnaire("gad7", [3, 3, 3, 3, 3, 3, 3], taken_at=at(10))  # 21
    app.save_questionnaire("who5", [2, 2, 2, 2, 2], taken_at=at(2, month=4))  # after
    chosen = app.add_entry(EntryDraft(title="Before the session", body=f"{SELECTED} — ñ ü ✓",
                                      at=at(12)))
    hidden = app.add_entry(EntryDraft(title="Private", body=CANARY_ENTRY, at=at(13)))
    return {"chosen": chosen.id, "hidden": hidden.id}


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "summary.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True)
    return done.stdout


@needs_poppler
def test_the_pdf_holds_the_period_the_scores_and_exactly_the_chosen_entry(
        app, filled, tmp_path):
    request = SummaryRequest(*MARCH, entry_ids=(filled["chosen"],), name="Alex Example")
    text = pdf_text(make_summary_bytes(app, request, SummaryFormat.PDF), tmp_path)
    assert "1 March 2026 – 31 March 2026 (31 days)" in text
    assert "For Alex Example" in text
    assert "Made on 14 March 2026" in text  # the fake clock's day
    for score in ("13 / 27", "7 / 27", "21 / 21"):
        assert score in text
    assert "moderate" in text and "item 9 above 0" in text
    assert "60 / 100" not in text and "40 / 100" not in text  # WHO-5 taken after the period
    assert SELECTED in text and "ñ ü ✓" in text and "Before the session" in text
    assert CANARY_ENTRY not in text and "Private" not in text
    assert CANARY_NOTE not in text  # check-in notes stay out unless asked for
    assert "2026-04-02" not in text  # the check-in after the period is not in the table
    assert "31 check-ins on 31 of the 31 days." in text
    assert text.count("associations, not proof of cause") == 1  # said once, not per line


@needs_poppler
def test_no_entries_unless_chosen_and_parts_left_out_are_out(app, filled, tmp_path):
    request = SummaryRequest(*MARCH, parts=frozenset({Part.MOOD}), checkin_notes=True)
    text = pdf_text(make_summary_bytes(app, request, SummaryFormat.PDF), tmp_path)
    assert SELECTED not in text and CANARY_ENTRY not in text
    assert "No journal entries (none were chosen)" in text
    assert "Mood over time" in text
    assert "13 / 27" not in text and "Check-ins" not in text  # no questionnaire, no table
    assert "PHQ-9" not in text and "GAD-7" not in text  # not even on the cover
    assert CANARY_NOTE not in text  # notes live in the table, which was left out


@needs_poppler
def test_check_in_notes_only_when_asked(app, filled, tmp_path):
    request = SummaryRequest(*MARCH, parts=frozenset({Part.CHECKINS}), checkin_notes=True)
    assert CANARY_NOTE in pdf_text(make_summary_bytes(app, request, SummaryFormat.PDF),
                                   tmp_path)


@needs_poppler
@pytest.mark.parametrize("paper, size", [(Paper.A4, (595, 842)), (Paper.LETTER, (612, 792))])
def test_pages_render_to_png_at_the_chosen_paper_size(app, filled, tmp_path, paper, size):
    """pdftoppm renders every page; each is the paper's shape and has ink on it. (The pages
    were also looked at by eye: see docs/charts.md.)"""
    request = SummaryRequest(*MARCH, entry_ids=(filled["chosen"],), paper=paper)
    path = tmp_path / "summary.pdf"
    path.write_bytes(make_summary_bytes(app, request, SummaryFormat.PDF))
    subprocess.run(["pdftoppm", "-r", "36", "-png", str(path), str(tmp_path / "page")],
                   check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 4  # the cover, then the parts one after another, then the entry
    for page in pages:
        with Image.open(page) as image:
            assert abs(image.width - size[0] / 2) <= 1 and abs(image.height - size[1] / 2) <= 1
            grey = image.convert("L")
            dark = sum(grey.histogram()[:128])
            assert dark > 50, f"{page.name} looks blank"


def test_csv_and_json_hold_the_periods_check_ins_and_results_only(app, filled):
    request = SummaryRequest(*MARCH, entry_ids=(filled["chosen"],))
    document = json.loads(make_summary_bytes(app, request, SummaryFormat.JSON))
    assert document["period"] == {"start": "2026-03-01", "end": "2026-03-31"}
    assert len(document["checkins"]) == 31
    assert [r["score"] for r in document["questionnaire_results"]] == [13, 21, 7]
    assert "item9_positive" in document["questionnaire_results"][0]["flags"]
    raw = make_summary_bytes(app, request, SummaryFormat.CSV)
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["record"] for r in rows].count("checkin") == 31
    assert [r["score"] for r in rows if r["record"] == "questionnaire"] == ["13", "21", "7"]
    for data in (json.dumps(document), raw.decode("utf-8")):
        assert CANARY_NOTE not in data and CANARY_ENTRY not in data and SELECTED not in data


def test_requests_are_checked(app, filled):
    with pytest.raises(InvalidInput, match="ends"):
        SummaryRequest(date(2026, 3, 2), date(2026, 3, 1)).checked()
    with pytest.raises(NotFound):
        make_summary_bytes(app, SummaryRequest(*MARCH, entry_ids=(999,)), SummaryFormat.PDF)
    app.delete(app.journal.get(filled["hidden"]).ref)
    with pytest.raises(NotFound):  # an entry in the trash cannot be shared
        make_summary_bytes(app, SummaryRequest(*MARCH, entry_ids=(filled["hidden"],)),
                           SummaryFormat.PDF)
    assert parse_entry_id("e12") == 12 and parse_entry_id("12") == 12
    with pytest.raises(InvalidInput, match="check-in"):
        parse_entry_id("c3")


@needs_poppler
def test_an_empty_period_still_makes_a_clear_pdf(app, tmp_path):
    text = pdf_text(make_summary_bytes(app, SummaryRequest(*MARCH), SummaryFormat.PDF),
                    tmp_path)
    assert "0 check-ins on 0 of the 31 days." in text
    assert "No questionnaires were taken in this period." in text
    assert "No check-ins in this period." in text


@needs_poppler
def test_a_period_with_little_data_is_two_honest_pages(app, tmp_path):
    """It was five mostly empty pages of "needs at least 2", with "1 check-ins" and "1 days"."""
    app.add_checkin(CheckInDraft(mood=3, energy=2, activities=("walk",), emotions=("tired",),
                                 at=at(5)))
    data = make_summary_bytes(app, SummaryRequest(*MARCH), SummaryFormat.PDF)
    text = pdf_text(data, tmp_path)
    assert "1 check-in on 1 of the 31 days." in text
    assert "Not enough check-ins in this period for a chart." in text
    assert "walk" in text and "1 day" in text
    assert not re.search(r"\b1 (check-ins|days|results|entries)\b", text)
    assert "needs at least 2" not in text
    import pypdfium2  # type: ignore[import-untyped]

    assert len(pypdfium2.PdfDocument(data)) == 2  # the cover, and one page for every part


@given(st.text(max_size=30))
def test_entry_ids_from_the_command_line_parse_or_fail_clearly(text):
    try:
        number = parse_entry_id(text)
    except UserError:
        return
    assert number >= 0
