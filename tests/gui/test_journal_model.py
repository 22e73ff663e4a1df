"""The journal's item models: ids grouped by day, rows fetched lazily, never SQL in data()."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from companion.models import CheckInDraft, EntryDraft, SearchHit
from tests.gui.journal_helpers import SqlRecorder, add_sample_entries, at
from ui.models.journal_list import (
    BLOCK_ROWS,
    IndexQuery,
    JournalListModel,
    JournalRoles,
    build_rows,
)
from ui.models.search_results import SearchResultsModel, SearchRoles, snippet_html
from ui.pages.journal import entries_loader, index_loader, moods_loader
from ui.tasks import InlineTaskRunner
from ui.theme import MOOD_COLOURS
from ui.widgets.entry_delegate import EntryDelegate, JournalListView

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole


@pytest.fixture
def model(qtbot, ctx, wait_for_tasks):
    journal_model = JournalListModel(ctx.runner, index_loader(ctx.app), entries_loader(ctx.app),
                                     load_moods=moods_loader(ctx.app))
    yield journal_model
    wait_for_tasks()
    journal_model.clear()


def load(qtbot, model, query=None):
    with qtbot.waitSignal(model.index_loaded, timeout=10_000):
        model.reload(query)


def texts(model):
    return [model.index(row).data(DISPLAY) for row in range(model.rowCount())]


def fetch_all(qtbot, model, wait_for_tasks):
    for row in range(model.rowCount()):
        model.index(row).data(JournalRoles.ENTRY)
    wait_for_tasks()


def test_the_model_passes_qt_model_checks(qtbot, qtmodeltester, ctx, model, wait_for_tasks):
    add_sample_entries(ctx.app)
    load(qtbot, model)
    qtmodeltester.check(model)
    wait_for_tasks()  # the checks touched uncached rows: their blocks arrive now
    qtmodeltester.check(model)


def test_entries_are_grouped_under_day_headers_newest_first(qtbot, ctx, model, wait_for_tasks):
    add_sample_entries(ctx.app)
    load(qtbot, model)
    fetch_all(qtbot, model, wait_for_tasks)
    assert texts(model) == [
        "Saturday, 14 March 2026", "Long day", "River walk",
        "Thursday, 12 March 2026", "Tea with Priya",
        "Tuesday, 10 March 2026", "Quiet evening",  # no title: its first line
        "Friday, 20 February 2026", "Winter",
    ]
    headers = [row for row in range(model.rowCount()) if model.index(row).data(JournalRoles.HEADER)]
    assert headers == [0, 3, 5, 7]
    for row in headers:  # headers cannot be selected; entries can
        assert not model.flags(model.index(row)) & Qt.ItemFlag.ItemIsSelectable
        assert model.index(row).data(JournalRoles.ENTRY_ID) is None
    assert model.flags(model.index(1)) & Qt.ItemFlag.ItemIsSelectable
    assert model.index(4).data(JournalRoles.DAY) == date(2026, 3, 12)
    assert model.index(4).data(JournalRoles.ENTRY).starred
    assert model.entry_count == 5


def test_data_on_an_uncached_row_fetches_its_block_once_off_the_gui_thread(
        qtbot, ctx, model, wait_for_tasks):
    start = at(1, 1)
    ctx.app.journal.add_many(EntryDraft(title=f"Entry {n}", at=start + timedelta(hours=5 * n))
                             for n in range(1000))
    load(qtbot, model)
    assert model.rowCount() > 1000  # entries and day headers
    recorder = SqlRecorder(ctx.app).start()
    try:
        row = 450
        assert model.index(row).data(JournalRoles.ENTRY) is None  # not cached yet
        assert model.index(row).data(DISPLAY) == ""  # a light placeholder
        assert model.fetch_count == 1
        assert ctx.runner.pending == 1
        for other in range(400, 600):  # the same block: no second fetch
            model.index(other).data(DISPLAY)
        assert model.fetch_count == 1
        assert recorder.statements == [] or not recorder.on_gui_thread
        with qtbot.waitSignal(model.dataChanged, timeout=10_000) as changed:
            wait_for_tasks()
        first, last = changed.args[0].row(), changed.args[1].row()
        assert first <= row <= last
        entry = model.index(row).data(JournalRoles.ENTRY)
        assert entry is not None and model.index(row).data(DISPLAY) == entry.title
        assert model.fetch_count == 1
    finally:
        recorder.stop()
    assert recorder.on_workers  # the block was read, on a worker thread
    assert recorder.on_gui_thread == []


def test_scrolling_the_whole_list_runs_no_sql_on_the_gui_thread(qtbot, ctx, model,
                                                                 wait_for_tasks):
    start = at(1, 1)
    ctx.app.journal.add_many(EntryDraft(title=f"Entry {n}", body="text " * 20,
                                        tags=("a", "b"), mood=1 + n % 5,
                                        at=start + timedelta(hours=3 * n)) for n in range(1500))
    load(qtbot, model)
    view = JournalListView()
    qtbot.addWidget(view)
    view.setItemDelegate(EntryDelegate(view))
    view.setModel(model)
    view.resize(420, 600)
    view.show()
    recorder = SqlRecorder(ctx.app).start()
    try:
        bar = view.verticalScrollBar()
        for value in range(0, bar.maximum() + 1, max(1, view.viewport().height())):
            bar.setValue(value)
            view.viewport().repaint()  # paint() now, with whatever is cached
            QApplication.processEvents()
        wait_for_tasks()
        view.viewport().repaint()
    finally:
        recorder.stop()
    assert recorder.on_gui_thread == []
    blocks = -(-model.rowCount() // BLOCK_ROWS)
    assert 1 <= model.fetch_count <= blocks  # one fetch per block at most, never per row


def test_a_new_or_deleted_entry_moves_rows_without_a_reset(qtbot, qtmodeltester, ctx, model,
                                                           wait_for_tasks):
    ids = add_sample_entries(ctx.app)
    load(qtbot, model)
    qtmodeltester.check(model)  # and keeps watching the inserts and removals below
    resets, inserted, removed = [], [], []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    kept = model.index(model.row_of(ids["old"]))
    from PySide6.QtCore import QPersistentModelIndex
    kept = QPersistentModelIndex(kept)

    ctx.app.add_entry(EntryDraft(title="Morning", at=at(3, 13, 8)))  # a new day, 2nd place
    load(qtbot, model)
    assert inserted == [(3, 4)]  # its day header and the entry
    ctx.app.delete(ctx.app.journal.get(ids["tea"]).ref)  # the only entry on the 12th
    load(qtbot, model)
    assert removed == [(5, 6)]
    assert resets == []
    assert kept.isValid() and kept.data(JournalRoles.ENTRY_ID) == ids["old"]
    fetch_all(qtbot, model, wait_for_tasks)
    assert "Tea with Priya" not in texts(model) and "Morning" in texts(model)


def test_an_edited_entry_is_fetched_again(qtbot, ctx, model, wait_for_tasks):
    ids = add_sample_entries(ctx.app)
    load(qtbot, model)
    fetch_all(qtbot, model, wait_for_tasks)
    ctx.app.update_entry(ids["work"], title="Shorter day")
    model.invalidate([ids["work"]])
    row = model.row_of(ids["work"])
    assert model.index(row).data(DISPLAY) == ""
    wait_for_tasks()
    assert model.index(row).data(DISPLAY) == "Shorter day"


def test_filters_and_the_trash(qtbot, ctx, model, wait_for_tasks):
    ids = add_sample_entries(ctx.app)
    ctx.app.delete(ctx.app.journal.get(ids["work"]).ref)
    load(qtbot, model, IndexQuery(tag="outdoors"))
    assert [model.entry_id_at(r) for r in range(model.rowCount()) if not model.is_header(r)] \
        == [ids["herons"], ids["old"]]
    load(qtbot, model, IndexQuery(start=at(3, 11, 0), end=at(3, 15, 0)))
    assert model.entry_count == 2
    load(qtbot, model, IndexQuery(trash=True))
    assert [model.entry_id_at(1)] == [ids["work"]] and model.entry_count == 1


def test_row_for_day_finds_the_day_or_the_closest_before_it(qtbot, ctx, model):
    add_sample_entries(ctx.app)
    load(qtbot, model)
    assert model.row_for_day(date(2026, 3, 14)) == 0
    assert model.row_for_day(date(2026, 3, 12)) == 3
    assert model.row_for_day(date(2026, 3, 11)) == 5  # the 10th
    assert model.row_for_day(date(2026, 12, 31)) == 0
    assert model.row_for_day(date(2026, 1, 1)) == -1


def test_clear_forgets_everything_and_drops_late_answers(qtbot, ctx, model, wait_for_tasks):
    add_sample_entries(ctx.app)
    load(qtbot, model)
    model.index(1).data(DISPLAY)  # a fetch on its way
    model.reload()  # and an index load
    model.clear()
    wait_for_tasks()
    assert model.rowCount() == 0 and model.cached_entry(1) is None and not model.loaded


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, 30), max_size=25), st.lists(st.integers(0, 30), max_size=25),
       st.lists(st.integers(0, 30), max_size=12), st.lists(st.integers(0, 30), max_size=12))
def test_any_change_of_ids_ends_with_exactly_the_new_rows(qtmodeltester, before, after,
                                                          moods_before, moods_after):
    """Whatever the diff inserts and removes, the rows end up as a fresh build would make
    them (and the model tester sees consistent signals on the way), days with check-ins and
    no entries included, and every header carries its day's check-ins."""
    def day(d):
        return (date(2026, 3, 1) + timedelta(days=d)).isoformat()

    def index_of(days):
        return [(n + 1, day(d))
                for n, d in sorted(enumerate(days), key=lambda p: (-p[1], -p[0]))]

    def moods_of(days):
        moods = {}
        for n, d in enumerate(days):
            moods.setdefault(day(d), []).append((f"{n:02d}:00", 1 + n % 5, ()))
        return moods

    current = {"index": index_of(before), "moods": moods_of(moods_before)}
    model = JournalListModel(InlineTaskRunner(), lambda _q: current["index"], lambda ids: [],
                             load_moods=lambda _q: current["moods"])
    model.reload()
    qtmodeltester.check(model)
    current["index"], current["moods"] = index_of(after), moods_of(moods_after)
    model.reload()
    rows, _days, _moods = build_rows(current["index"], current["moods"])
    assert [model.index(r).data(JournalRoles.ENTRY_ID) or -1 for r in range(model.rowCount())] \
        == [value if value > 0 else -1 for value in rows]
    headers = {model.index(r).data(JournalRoles.DAY).isoformat(): model.index(r).data(
        JournalRoles.CHECKINS) for r in range(model.rowCount()) if model.is_header(r)}
    assert set(headers) == {d for _id, d in current["index"]} | set(current["moods"])
    assert {d: list(moods) for d, moods in headers.items() if moods} == current["moods"]


def test_search_results_model(qtmodeltester, ctx):
    ids = add_sample_entries(ctx.app)
    entry = ctx.app.journal.get(ids["herons"])
    hits = [SearchHit(entry, (("a <b>tag</b> & ", False), ("herons", True), (" back", False)),
                      -1.0)]
    results = SearchResultsModel()
    results.set_hits(hits)
    qtmodeltester.check(results)
    html = results.index(0).data(SearchRoles.SNIPPET_HTML)
    assert html == "a &lt;b&gt;tag&lt;/b&gt; &amp; <b>herons</b> back"
    assert results.index(0).data(DISPLAY) == "River walk"
    assert results.index(0).data(SearchRoles.ENTRY_ID) == ids["herons"]
    results.clear()
    assert results.rowCount() == 0 and results.index(0).data(DISPLAY) is None
    assert results.data(QModelIndex()) is None


def test_snippet_html_keeps_line_breaks_as_spaces():
    assert snippet_html((("one\ntwo ", False), ("three", True))) == "one two <b>three</b>"


def test_none_and_bools_survive_many_qt_calls(qtbot, ctx, model):
    """Shiboken6 6.12 takes a reference from None or a bool on many Qt calls; on Python 3.11
    the app would abort after some tens of thousands of them (ui/models/none_guard.py)."""
    import sys

    add_sample_entries(ctx.app)
    load(qtbot, model)
    singletons = (None, True, False)
    before = [sys.getrefcount(obj) for obj in singletons]
    for _ in range(40_000):
        model.index(0).data(Qt.ItemDataRole.ToolTipRole)  # an empty QVariant, back in Python
        model.layoutChanged.emit()  # returns a bool
        model.setObjectName("journal")  # returns nothing
    # Unaffected PySide6 (or the guard applied): no drift. Affected without the guard: the
    # counts would have dropped by tens of thousands (and the interpreter likely aborted).
    after = [sys.getrefcount(obj) for obj in singletons]
    assert all(a >= b - 1_000 for a, b in zip(after, before, strict=True)), (before, after)


# -- check-ins on the day headers ---------------------------------------------------------


def add_sample_checkins(app):
    """Two check-ins on the 14th (which has entries), one on the 13th (which has none)."""
    made = {
        "morning": CheckInDraft(mood=4, at=at(3, 14, 9, 30)),
        "evening": CheckInDraft(mood=3, emotions=("tired", "calm"), activities=("work",),
                                note="private", at=at(3, 14, 19, 5)),
        "alone": CheckInDraft(mood=2, emotions=("lonely",), at=at(3, 13, 21, 40)),
    }
    return {name: app.add_checkin(draft) for name, draft in made.items()}


def header_rows(model):
    return [row for row in range(model.rowCount()) if model.is_header(row)]


def test_day_headers_carry_their_check_ins_and_days_with_only_check_ins_appear(
        qtbot, qtmodeltester, ctx, model, wait_for_tasks):
    add_sample_entries(ctx.app)
    add_sample_checkins(ctx.app)
    load(qtbot, model)
    qtmodeltester.check(model)
    fetch_all(qtbot, model, wait_for_tasks)
    assert texts(model) == [
        "Saturday, 14 March 2026", "Long day", "River walk",
        "Friday, 13 March 2026",  # check-ins, no entries: a header alone
        "Thursday, 12 March 2026", "Tea with Priya",
        "Tuesday, 10 March 2026", "Quiet evening",
        "Friday, 20 February 2026", "Winter",
    ]
    saturday, friday, thursday = model.index(0), model.index(3), model.index(4)
    assert saturday.data(JournalRoles.CHECKINS) == (("09:30", 4, ()),
                                                    ("19:05", 3, ("tired", "calm")))
    assert saturday.data(TOOLTIP) == "Check-ins: good at 09:30, okay at 19:05 (tired, calm)"
    assert saturday.data(ACCESSIBLE) == ("Saturday, 14 March 2026. Check-ins: good at 09:30,"
                                         " okay at 19:05 (tired, calm)")
    assert friday.data(JournalRoles.CHECKINS) == (("21:40", 2, ("lonely",)),)
    assert friday.data(TOOLTIP) == "Check-ins: low at 21:40 (lonely)"
    assert friday.data(JournalRoles.DAY) == date(2026, 3, 13)
    assert not model.flags(friday) & Qt.ItemFlag.ItemIsSelectable
    assert friday.data(JournalRoles.ENTRY_ID) is None
    assert thursday.data(JournalRoles.CHECKINS) == () and thursday.data(TOOLTIP) is None
    assert thursday.data(ACCESSIBLE) == "Thursday, 12 March 2026"
    assert model.index(1).data(JournalRoles.CHECKINS) is None  # an entry row
    assert model.entry_count == 5
    # Going to a day goes to entries: the 13th has none, so the closest day before that does.
    assert model.row_for_day(date(2026, 3, 13)) == 4
    assert model.row_for_day(date(2026, 3, 14)) == 0
    qtmodeltester.check(model)


def test_check_in_changes_repaint_or_move_only_their_headers(qtbot, qtmodeltester, ctx, model):
    add_sample_entries(ctx.app)
    morning = ctx.app.add_checkin(CheckInDraft(mood=4, at=at(3, 14, 9, 30)))
    load(qtbot, model)
    qtmodeltester.check(model)  # and keeps watching the changes below
    resets, inserted, removed, changed = [], [], [], []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    model.dataChanged.connect(lambda first, last, _roles: changed.append((first.row(),
                                                                          last.row())))

    ctx.app.add_checkin(CheckInDraft(mood=5, emotions=("glad",), at=at(3, 14, 12)))
    load(qtbot, model)
    assert changed == [(0, 0)] and inserted == [] and removed == []
    assert model.index(0).data(TOOLTIP) == "Check-ins: good at 09:30, great at 12:00 (glad)"

    alone = ctx.app.add_checkin(CheckInDraft(mood=1, at=at(3, 11, 8)))  # a day without entries
    load(qtbot, model)
    assert inserted == [(5, 5)]
    assert model.index(5).data(DISPLAY) == "Wednesday, 11 March 2026"
    assert model.index(5).data(TOOLTIP) == "Check-ins: awful at 08:00"

    ctx.app.delete(alone.ref)
    load(qtbot, model)
    assert removed == [(5, 5)]
    changed.clear()
    ctx.app.delete(morning.ref)
    load(qtbot, model)
    assert changed == [(0, 0)]
    assert model.index(0).data(TOOLTIP) == "Check-ins: great at 12:00 (glad)"
    assert resets == []


def test_the_trash_shows_no_check_ins_and_a_tag_only_its_days(qtbot, ctx, model):
    ids = add_sample_entries(ctx.app)
    add_sample_checkins(ctx.app)
    ctx.app.add_checkin(CheckInDraft(mood=5, at=at(3, 12, 7)))
    ctx.app.delete(ctx.app.journal.get(ids["work"]).ref)
    load(qtbot, model, IndexQuery(trash=True))
    assert model.rowCount() == 2
    assert model.index(0).data(JournalRoles.CHECKINS) == () and model.index(0).data(
        TOOLTIP) is None
    # A tag: the days with matching entries, each with its check-ins; no day of check-ins alone.
    load(qtbot, model, IndexQuery(tag="outdoors"))
    assert [model.index(row).data(JournalRoles.DAY) for row in header_rows(model)] == [
        date(2026, 3, 14), date(2026, 2, 20)]
    assert model.index(0).data(TOOLTIP) == ("Check-ins: good at 09:30,"
                                            " okay at 19:05 (tired, calm)")
    # Dates: the check-ins of the period, on days with or without entries.
    load(qtbot, model, IndexQuery(start=at(3, 12, 0, 0), end=at(3, 14, 0, 0)))
    assert [(model.index(row).data(JournalRoles.DAY), model.index(row).data(TOOLTIP))
            for row in header_rows(model)] == [
        (date(2026, 3, 13), "Check-ins: low at 21:40 (lonely)"),
        (date(2026, 3, 12), "Check-ins: great at 07:00")]
    assert model.entry_count == 1


def test_a_busy_days_tooltip_lists_one_check_in_a_line(qtbot, ctx, model):
    for hour, mood in ((7, 2), (9, 3), (13, 4), (18, 5)):
        ctx.app.add_checkin(CheckInDraft(mood=mood, emotions=("calm",) if hour == 13 else (),
                                         at=at(3, 14, hour)))
    load(qtbot, model)
    header = model.index(0)
    assert header.data(TOOLTIP) == ("Check-ins:\nlow at 07:00\nokay at 09:00\n"
                                    "good at 13:00 (calm)\ngreat at 18:00")
    assert header.data(ACCESSIBLE) == ("Saturday, 14 March 2026. Check-ins: low at 07:00,"
                                       " okay at 09:00, good at 13:00 (calm), great at 18:00")


def test_painting_check_ins_runs_no_sql_on_the_gui_thread(qtbot, ctx, model, wait_for_tasks):
    start = at(1, 1, 8)
    ctx.app.journal.add_many(EntryDraft(title=f"Entry {n}", at=start + timedelta(days=3 * n))
                             for n in range(60))
    for n in range(400):  # two check-ins a day, most days without entries
        ctx.app.checkins.add(CheckInDraft(mood=1 + n % 5, emotions=("calm",),
                                          at=start + timedelta(hours=12 * n + 1)))
    load(qtbot, model)
    assert len(header_rows(model)) == 200
    view = JournalListView()
    qtbot.addWidget(view)
    view.setItemDelegate(EntryDelegate(view))
    view.setModel(model)
    view.resize(420, 600)
    view.show()
    recorder = SqlRecorder(ctx.app).start()
    try:
        bar = view.verticalScrollBar()
        for value in range(0, bar.maximum() + 1, max(1, view.viewport().height())):
            bar.setValue(value)
            view.viewport().repaint()
            QApplication.processEvents()
        wait_for_tasks()
    finally:
        recorder.stop()
    assert recorder.on_gui_thread == []


def test_a_header_shows_a_face_per_check_in_in_the_moods_colours(qtbot, ctx, model):
    for minute, mood in enumerate((1, 5)):
        ctx.app.add_checkin(CheckInDraft(mood=mood, at=at(3, 14, 9, minute)))
    load(qtbot, model)
    view = JournalListView()
    qtbot.addWidget(view)
    view.setItemDelegate(EntryDelegate(view))
    view.setModel(model)
    view.resize(420, 200)
    view.show()
    qtbot.waitExposed(view)
    image = view.viewport().grab().toImage()
    rect = view.visualRect(model.index(0))

    def seen(colour):
        target = QColor(colour)
        return any(
            abs(pixel.red() - target.red()) + abs(pixel.green() - target.green())
            + abs(pixel.blue() - target.blue()) < 60
            for x in range(rect.right() - 80, rect.right()) for y in range(rect.top(),
                                                                           rect.bottom())
            for pixel in [image.pixelColor(x, y)])

    assert seen(MOOD_COLOURS[1]) and seen(MOOD_COLOURS[5])
    assert not seen(MOOD_COLOURS[3])


def test_ten_years_of_check_ins_take_about_a_megabyte(qtbot):
    """Two check-ins a day for ten years, as the core gives them (times and emotion lists
    shared): what the model keeps for its headers."""
    import gc
    import tracemalloc

    tracemalloc.start()
    try:
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        times, emotions = ("09:30", "19:30"), (("calm",), ("tired", "calm"), ())
        moods = {}
        for n in range(3650 * 2):
            day = (date(2016, 1, 1) + timedelta(days=n // 2)).isoformat()
            moods.setdefault(day, []).append((times[n % 2], 1 + n % 5, emotions[n % 3]))
        rows, days, kept = build_rows([], moods)
        del moods
        gc.collect()
        used = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(kept) == 3650 and len(rows) == 3650
    assert used < 1_500_000, used
