"""The journal's item models: ids grouped by day, rows fetched lazily, never SQL in data()."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication

from companion.checkins import DayMood
from companion.models import EntryDraft, SearchHit
from tests.gui.journal_helpers import (  # noqa: F401 - the model fixture
    SqlRecorder,
    add_sample_entries,
    at,
    fetch_all,
    journal_model_fixture,
    load,
    texts,
)
from ui.models.journal_list import (
    BLOCK_ROWS,
    IndexQuery,
    JournalListModel,
    JournalRoles,
    build_rows,
)
from ui.models.journal_rows import CHECKIN_BASE
from ui.models.search_results import SearchResultsModel, SearchRoles, snippet_html
from ui.tasks import InlineTaskRunner
from ui.widgets.entry_delegate import EntryDelegate
from ui.widgets.journal_list_view import JournalListView

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole


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
       st.lists(st.integers(0, 30), max_size=12), st.lists(st.integers(0, 30), max_size=12),
       st.integers(0, 4))
def test_any_change_of_ids_ends_with_exactly_the_new_rows(qtmodeltester, before, after,
                                                          moods_before, moods_after, shift):
    """Whatever the diff inserts and removes, the rows end up as a fresh build would make
    them (and the model tester sees consistent signals on the way), check-in rows and days
    with check-ins and no entries included, and every check-in row says the check-in as it
    is now (`shift` changes some moods in place)."""
    def day(d):
        return (date(2026, 3, 1) + timedelta(days=d)).isoformat()

    def index_of(days):
        return [(n + 1, day(d))
                for n, d in sorted(enumerate(days), key=lambda p: (-p[1], -p[0]))]

    def moods_of(days, shift=0):
        moods = {}
        for n, d in sorted(enumerate(days), key=lambda p: p[1]):
            moods.setdefault(day(d), []).append(
                DayMood(n + 1, f"{n:02d}:00", 1 + (n + shift * (n % 2)) % 5))
        return moods

    def seen(rows_and_checkins):
        rows, checkins = rows_and_checkins
        return [("h", -value) if -CHECKIN_BASE < value < 0 else ("e", value) if value > 0
                else ("c", checkins[-value - CHECKIN_BASE]) for value in rows]

    current = {"index": index_of(before), "moods": moods_of(moods_before)}
    model = JournalListModel(InlineTaskRunner(), lambda _q: current["index"], lambda ids: [],
                             load_moods=lambda _q: current["moods"])
    model.reload()
    qtmodeltester.check(model)
    current["index"], current["moods"] = index_of(after), moods_of(moods_after, shift)
    model.reload()
    fresh = build_rows(current["index"], current["moods"])
    shown = []
    for r in range(model.rowCount()):
        index = model.index(r)
        if model.is_header(r):
            shown.append(("h", index.data(JournalRoles.DAY).toordinal()))
        elif index.data(JournalRoles.CHECKIN) is not None:
            shown.append(("c", index.data(JournalRoles.CHECKIN)))
        else:
            shown.append(("e", index.data(JournalRoles.ENTRY_ID)))
    assert shown == seen((fresh.rows, fresh.checkins))
    assert all(index.data(JournalRoles.CHECKINS) == () for index in
               (model.index(r) for r in range(model.rowCount())) if index.data(
                   JournalRoles.HEADER))  # no faces: the rows say them


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
