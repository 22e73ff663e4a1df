"""Day One imports: JSON export zips as Day One writes them (`Journal.json` with `metadata` and
`entries`: uuid, creationDate in UTC, timeZone, escaped Markdown text with
`![](dayone-moment://…)` photo links, tags, starred; media in `photos/`)."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.app import CompanionApp
from companion.errors import InvalidInput, UserError
from companion.export import export_document
from companion.imports import import_file
from companion.imports.dayone import read_dayone_plan
from tests.companion.test_export import content

PHOTO = {"identifier": "9F1C2D", "md5": "0cc175b9c0f1b6a831c399e269772661", "type": "jpeg",
         "orderInCurrentEntry": 0, "width": 1200, "height": 900}
ENTRIES: list[dict[str, Any]] = [
    {"uuid": "A1B2C3D4E5F60718293A4B5C6D7E8F90", "creationDate": "2026-03-01T07:15:00Z",
     "modifiedDate": "2026-03-01T08:00:00Z", "timeZone": "Europe/Berlin", "starred": True,
     "tags": ["walk", "Rain Day"], "photos": [PHOTO],
     "text": "# Morning walk\n\nCold, bright\\. \"Quotes\", commas 🙂\n"
             "![](dayone-moment://9F1C2D)\nLast line\\!",
     "location": {"placeName": "Park", "latitude": 52.5, "longitude": 13.4}},
    {"uuid": "B2", "creationDate": "2026-03-01T23:30:00Z", "timeZone": "Asia/Tokyo",
     "text": "Tokyo morning\nSecond line\n\n- a list \\- item", "tags": [], "starred": False},
    {"uuid": "C3", "creationDate": "2026-03-02T03:00:00Z", "timeZone": "America/Los_Angeles",
     "text": "Late night in LA 日本"},
    {"uuid": "D4", "creationDate": "2026-03-02T10:00:00Z", "timeZone": "Mars/Olympus",
     "text": "Unknown zone"},
    {"uuid": "E5", "creationDate": "2026-03-03T10:00:00Z", "timeZone": "Europe/London",
     "text": "", "photos": [{**PHOTO, "identifier": "77"}]},
]


def dayone_zip(entries: list[dict[str, Any]], name: str = "Journal.json") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, json.dumps({"metadata": {"version": "1.0"}, "entries": entries},
                                          indent=2, ensure_ascii=False))
        archive.writestr(f"photos/{PHOTO['md5']}.jpeg", b"\xff\xd8 not a real photo")
    return buffer.getvalue()


def entries_of(app: CompanionApp) -> list[tuple[str, str, str, tuple[str, ...], bool]]:
    return [(e.created.isoformat(), e.title, e.body, e.tags, e.starred)
            for e in app.journal.browse(newest_first=False)]


def test_export_zip(app: CompanionApp, tmp_path: Path):
    path = tmp_path / "dayone.zip"
    path.write_bytes(dayone_zip(ENTRIES))
    report = import_file(app, "dayone", path)
    assert report.entries_imported == 4
    assert entries_of(app) == [
        ("2026-03-01T08:15:00+01:00", "Morning walk",
         'Cold, bright. "Quotes", commas 🙂\nLast line!', ("Rain-Day", "walk"), True),
        ("2026-03-02T08:30:00+09:00", "Tokyo morning", "Second line\n\n- a list - item", (),
         False),
        ("2026-03-01T19:00:00-08:00", "Late night in LA 日本", "", (), False),
        ("2026-03-02T10:00:00+00:00", "Unknown zone", "", (), False),
    ]
    assert app.journal.browse(newest_first=False)[0].updated.isoformat() == \
        "2026-03-01T09:00:00+01:00"
    assert "Attached 1 file." in report.notes  # the skipped entry's photo goes with it
    assert any("1 entries had no known time zone" in note for note in report.notes)
    assert any("1 entries had no text" in note for note in report.notes)
    again = import_file(app, "dayone", path)
    assert (again.imported, again.skipped) == (0, 4)


@pytest.mark.parametrize(("data", "says"), [
    (dayone_zip(ENTRIES)[:-50], "damaged"),
    (b"just text, not a zip", "not a Day One export zip"),
    (dayone_zip(ENTRIES, name="notes.txt"), "no Day One journal"),
    (dayone_zip([{**ENTRIES[0]}, {**ENTRIES[1], "creationDate": "last tuesday"}]),
     "Journal.json: entries[1]: 'creationDate'"),
    (dayone_zip([{**ENTRIES[0], "tags": "walk"}]), "entries[0]: 'tags'"),
    (dayone_zip([ENTRIES[1], {**ENTRIES[2], "uuid": "B2"}]), "appears twice"),
])
def test_malformed_exports_change_nothing(app: CompanionApp, tmp_path: Path, data: bytes,
                                          says: str):
    good = tmp_path / "good.zip"
    good.write_bytes(dayone_zip(ENTRIES[1:3]))
    import_file(app, "dayone", good)
    before = content(export_document(app))
    path = tmp_path / "bad.zip"
    path.write_bytes(data)
    with pytest.raises(InvalidInput) as err:
        import_file(app, "dayone", path)
    assert str(path) in str(err.value) and says in str(err.value)
    assert content(export_document(app)) == before


def test_journal_json_in_another_encoding(tmp_path: Path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        text = json.dumps({"entries": [{**ENTRIES[2], "text": "Café"}]}, ensure_ascii=False)
        archive.writestr("Journal.json", text.encode("utf-16"))
    path = tmp_path / "utf16.zip"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(InvalidInput, match="Journal.json: line 1 is not UTF-8"):
        read_dayone_plan(path)


_ZONES = ["Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles", "Asia/Kathmandu",
          "America/St_Johns", "Pacific/Kiritimati", "UTC"]
_LINE = st.text(st.characters(whitelist_categories=("L", "N", "Zs", "So"),
                              whitelist_characters=",'\"-"), min_size=1, max_size=30).filter(
    lambda s: bool(s.strip()))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(
    st.datetimes(datetime(2000, 1, 1), datetime(2035, 1, 1)).map(
        lambda d: d.replace(microsecond=0)),
    st.sampled_from(_ZONES), st.lists(_LINE, min_size=1, max_size=4), st.booleans()),
    min_size=1, max_size=5))
def test_generated_exports(items: list[tuple[datetime, str, list[str], bool]]):
    entries = [{"uuid": f"U{index}", "creationDate": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "timeZone": zone, "text": "\n".join(lines), "starred": starred}
               for index, (when, zone, lines, starred) in enumerate(items)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.zip"
        path.write_bytes(dayone_zip(entries))
        plan = read_dayone_plan(path)
    for entry, (when, zone, lines, starred) in zip(plan.entries, items, strict=True):
        local = when.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
        assert entry.created.to_datetime() == local
        assert entry.created.to_datetime().utcoffset() == local.utcoffset()
        assert entry.title == lines[0].strip() and entry.starred == starred
        assert entry.body == "\n".join(lines[1:]).strip("\n")


@settings(max_examples=80, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from(
                        ["uuid", "text", "creationDate", "timeZone", "tags", "starred",
                         "photos", "entries"]), inner, max_size=4), max_leaves=12))
def test_any_json_gives_entries_or_a_user_error(document: Any):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.zip"
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("Journal.json", json.dumps(
                {"entries": [document]} if not isinstance(document, dict) else document))
        path.write_bytes(buffer.getvalue())
        with contextlib.suppress(UserError):
            read_dayone_plan(path)
