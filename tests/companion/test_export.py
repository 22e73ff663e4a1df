"""Exports (JSON, Markdown, CSV) and the JSON import: a lossless, all-or-nothing round trip."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.app import CompanionApp
from companion.clock import FakeClock
from companion.errors import InvalidInput
from companion.export import (
    checkins_csv,
    collect,
    entries_csv,
    export_document,
    export_json,
    export_markdown,
    markdown_day_files,
)
from companion.import_json import import_json
from companion.models import CheckInDraft, EntryDraft, ItemRef, Kind
from tests.support.vault_template import copy_of_empty_vault


def tz(hours: float) -> timezone:
    return timezone(timedelta(minutes=int(hours * 60)))


@contextmanager
def fresh_vault(clock: FakeClock) -> Iterator[CompanionApp]:
    """A new, empty vault of its own (a copy of the empty template: exports and imports never
    look at the vault id or data key that copies share)."""
    with tempfile.TemporaryDirectory() as folder:
        companion = copy_of_empty_vault(Path(folder) / "vault", clock)
        try:
            yield companion
        finally:
            companion.close()


def content(document: dict[str, Any]) -> dict[str, Any]:
    """What must survive a round trip: everything but ids and the export's own stamps."""
    strip = lambda items: [{k: v for k, v in item.items() if k != "id"} for item in items]  # noqa: E731
    return {"entries": strip(document["entries"]), "checkins": strip(document["checkins"])}


def fill(app: CompanionApp) -> None:
    app.add_entry(EntryDraft(title='Quotes "here", commas, and ünïcödé 🌧️',
                             body="Line one\nLine two, with \"quotes\"\n\n— and a dash 🙂",
                             tags=("walk", "Rain Day", "日本"), mood=4, starred=True,
                             at=datetime(2026, 3, 1, 8, 15, 30, 123456, tzinfo=tz(1))))
    app.add_entry(EntryDraft(title="Tokyo", body="", tags=(), mood=None,
                             at=datetime(2026, 3, 1, 23, 59, tzinfo=tz(9))))
    gone = app.add_entry(EntryDraft(title="", body="Only a body, in Kathmandu",
                                    at=datetime(2026, 3, 2, 6, 0, tzinfo=tz(5.75))))
    app.delete(gone.ref)
    app.add_entry(EntryDraft(title="Newfoundland", body="x,y\r\nz",
                             at=datetime(2026, 2, 28, 20, 0, tzinfo=tz(-3.5))))
    app.update_entry(1, body="Edited later")
    app.add_checkin(CheckInDraft(mood=2, energy=1, emotions=("tired", "anxious 😟"),
                                 activities=("work",), sleep_hours=6.25,
                                 note='a "note", with commas',
                                 at=datetime(2026, 3, 1, 7, 0, tzinfo=tz(-8))))
    app.add_checkin(CheckInDraft(mood=5, at=datetime(2026, 3, 2, 12, 0, tzinfo=tz(0))))
    old = app.add_checkin(CheckInDraft(mood=3, at=datetime(2026, 3, 3, 12, 0, tzinfo=tz(2))))
    app.delete(old.ref)


def test_json_round_trip_is_lossless(app: CompanionApp, clock: FakeClock, tmp_path: Path):
    fill(app)
    path = tmp_path / "export.json"
    assert export_json(app, path) == 7
    document = json.loads(path.read_text("utf-8"))
    assert document["format"] == "companion-export" and document["version"] == 1
    assert document["entries"][0]["created"] == "2026-02-28T20:00:00-03:30"
    with fresh_vault(clock) as other:
        report = import_json(other, path)
        assert (report.entries_imported, report.checkins_imported, report.skipped) == (4, 3, 0)
        assert content(export_document(other)) == content(document)
        assert other.search("Kathmandu") == []  # still in the trash
        again = import_json(other, path)
        assert (again.imported, again.skipped) == (0, 7)
        assert content(export_document(other)) == content(document)
        assert [(t.name, t.entries) for t in other.tags()] == \
            [(t.name, t.entries) for t in app.tags()]


def test_importing_into_the_exporting_vault_adds_nothing(app: CompanionApp, tmp_path: Path):
    fill(app)
    path = tmp_path / "export.json"
    export_json(app, path)
    before = export_document(app)
    report = import_json(app, path)
    assert report.imported == 0 and report.skipped == 7
    assert content(export_document(app)) == content(before)


def test_dry_run_counts_and_changes_nothing(app: CompanionApp, clock: FakeClock,
                                           tmp_path: Path):
    fill(app)
    path = tmp_path / "export.json"
    export_json(app, path)
    with fresh_vault(clock) as other:
        report = import_json(other, path, dry_run=True)
        assert report.dry_run and report.imported == 7
        assert export_document(other)["entries"] == []
        assert import_json(other, path).imported == 7


def _valid(app: CompanionApp, tmp_path: Path) -> dict[str, Any]:
    fill(app)
    path = tmp_path / "good.json"
    export_json(app, path)
    return dict(json.loads(path.read_text("utf-8")))


@pytest.mark.parametrize("damage", [
    lambda text, doc: text[: len(text) // 2],
    lambda text, doc: "garbage \x00 not json",
    lambda text, doc: json.dumps({**doc, "version": 2}),
    lambda text, doc: json.dumps({**doc, "format": "something-else"}),
    lambda text, doc: json.dumps([doc]),
    lambda text, doc: json.dumps({**doc, "entries": {}}),
])
def test_damaged_files_leave_the_vault_unchanged(app: CompanionApp, clock: FakeClock,
                                                 tmp_path: Path, damage: Any):
    doc = _valid(app, tmp_path)
    text = (tmp_path / "good.json").read_text("utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text(damage(text, doc), "utf-8")
    with fresh_vault(clock) as other, pytest.raises(InvalidInput) as err:
        import_json(other, bad)
    assert str(bad) in str(err.value)


@pytest.mark.parametrize(("kind", "index", "field", "value", "says"), [
    ("entries", 2, "mood", 9, "Mood"),
    ("entries", 1, "created", "yesterday", "ISO 8601"),
    ("entries", 1, "created", "2026-03-01T10:00:00", "offset"),
    ("entries", 1, "created", "0001-01-01T00:00:00+01:00", "out of range"),
    ("entries", 1, "updated", "2026-03-01T10:00:00+00:00:30", "whole minutes"),
    ("entries", 0, "title", "two\nlines", "one line"),
    ("entries", 3, "tags", ["ok", 7], "list of text"),
    ("entries", 0, "starred", "yes", "wrong type"),
    ("entries", 0, "body", "\x00", "NUL"),
    ("checkins", 1, "sleep_hours", 30, "Sleep"),
    ("checkins", 0, "mood", True, "wrong type"),
    ("checkins", 2, "emotions", "happy", "wrong type"),
])
def test_hostile_fields_name_the_file_and_item(app: CompanionApp, clock: FakeClock,
                                               tmp_path: Path, kind: str, index: int,
                                               field: str, value: Any, says: str):
    doc = _valid(app, tmp_path)
    doc[kind][index][field] = value
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), "utf-8")
    with fresh_vault(clock) as other:
        with pytest.raises(InvalidInput) as err:
            import_json(other, bad)
        assert f"{kind}[{index}]" in str(err.value) and says in str(err.value)
        assert str(bad) in str(err.value)
        assert export_document(other)["entries"] == []
        assert export_document(other)["checkins"] == []


def test_markdown_one_file_and_per_day(app: CompanionApp, tmp_path: Path):
    fill(app)
    path = tmp_path / "journal.md"
    assert export_markdown(app, path) == 3  # the trash is left out
    text = path.read_text("utf-8")
    assert text.startswith("# Journal\n")
    assert "## 2026-02-28" in text and "## 2026-03-01" in text
    assert "Kathmandu" not in text
    assert "#walk" in text and "★" in text and "Edited later" in text
    assert "check-in: mood 2 (low)" in text
    files = markdown_day_files(app, tmp_path)
    assert sorted(p.name for p in files) == ["2026-02-28.md", "2026-03-01.md", "2026-03-02.md"]


def test_csv_quotes_and_round_trips_through_a_reader(app: CompanionApp):
    fill(app)
    data = collect(app, trash=False)
    rows = list(csv.DictReader(io.StringIO(entries_csv(data.entries), newline="")))
    assert [r["title"] for r in rows][1].startswith('Quotes "here"')
    assert rows[0]["body"] == "x,y\r\nz"
    assert rows[1]["body"] == "Edited later" and rows[1]["tags"] == "Rain-Day walk 日本"
    checkins = list(csv.DictReader(io.StringIO(checkins_csv(data.checkins), newline="")))
    assert checkins[0]["note"] == 'a "note", with commas'
    assert checkins[0]["emotions"] == "tired; anxious 😟" and checkins[1]["energy"] == ""


_TEXT = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\n")
_TAG = st.text(st.characters(whitelist_categories=("L", "N", "So")), min_size=1, max_size=8)
_OFFSETS = st.sampled_from([-12 * 60, -210, -5 * 60, 0, 60, 330, 345, 9 * 60, 14 * 60])
_WHEN = st.builds(
    lambda stamp, offset: datetime.fromtimestamp(stamp / 1e6, tz(offset / 60)),
    st.integers(0, 4_000_000_000_000_000), _OFFSETS)
_ENTRY = st.builds(
    EntryDraft, title=st.text(_TEXT, max_size=20), body=st.text(max_size=60).map(
        lambda s: s.replace("\x00", "").encode("utf-8", "ignore").decode("utf-8")),
    tags=st.lists(_TAG, max_size=3).map(tuple), mood=st.none() | st.integers(1, 5),
    starred=st.booleans(), at=_WHEN,
).filter(lambda d: bool(d.title.strip() or d.body.strip()))
_CHECKIN = st.builds(
    CheckInDraft, mood=st.integers(1, 5), energy=st.none() | st.integers(1, 5),
    emotions=st.lists(_TAG, max_size=2).map(tuple), sleep_hours=st.none() | st.floats(0, 24),
    note=st.text(_TEXT, max_size=20), at=_WHEN)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries=st.lists(_ENTRY, max_size=5), checkins=st.lists(_CHECKIN, max_size=3),
       trashed=st.booleans())
def test_json_round_trip_of_generated_items(entries: list[EntryDraft],
                                            checkins: list[CheckInDraft], trashed: bool):
    clock = FakeClock(datetime(2026, 3, 14, 9, 30, tzinfo=tz(1)))
    with fresh_vault(clock) as first, fresh_vault(clock) as second, \
            tempfile.TemporaryDirectory() as folder:
        for draft in entries:
            first.add_entry(draft)
        for checkin in checkins:
            first.add_checkin(checkin)
        if trashed and entries:
            first.delete(ItemRef(Kind.ENTRY, 1))
        path = Path(folder) / "export.json"
        export_json(first, path)
        import_json(second, path)
        assert content(export_document(second)) == content(export_document(first))
        assert import_json(second, path).imported == 0
