"""Check-ins in the journal's list model: a row of their own under their day, newest first,
with the face, the words and the note; diff reloads that keep the selection; and, with a tag
filter, faces on the day's header instead."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QItemSelectionModel, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication

from companion.checkins import DayMood
from companion.models import CheckInDraft, EntryDraft
from tests.gui.journal_helpers import (  # noqa: F401 - the model fixture
    SqlRecorder,
    add_sample_entries,
    at,
    fetch_all,
    journal_model_fixture,
    load,
    texts,
)
from ui.models.journal_list import IndexQuery, JournalRoles, build_rows
from ui.models.journal_rows import (
    CHECKIN_BASE,
    checkin_id_of,
    checkin_value,
    is_header_value,
)
from ui.theme import MOOD_COLOURS
from ui.widgets.entry_delegate import EntryDelegate
from ui.widgets.journal_list_view import JournalListView

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole
SELECTABLE = Qt.ItemFlag.ItemIsSelectable


def add_sample_checkins(app):
    """Two check-ins on the 14th (which has entries), one on the 13th (which has none)."""
    made = {
        "morning": CheckInDraft(mood=4, at=at(3, 14, 9, 30)),
        "evening": CheckInDraft(mood=3, energy=2, emotions=("tired", "calm"),
                                activities=("work",), note="Long call with\nmum. Felt better.",
                                at=at(3, 14, 19, 5)),
        "alone": CheckInDraft(mood=2, emotions=("lonely",), at=at(3, 13, 21, 40)),
    }
    return {name: app.add_checkin(draft) for name, draft in made.items()}


def header_rows(model):
    return [row for row in range(model.rowCount()) if model.is_header(row)]


def ordinal(day):
    return date.fromisoformat(day).toordinal()


# -- building rows (on the worker thread) ---------------------------------------------------


def test_the_row_encoding_cannot_mix_up_headers_and_check_ins():
    latest_day = date.max.toordinal()  # 3,652,059: every header is above -CHECKIN_BASE
    assert is_header_value(-latest_day) and checkin_id_of(-latest_day) is None
    for checkin_id in (1, 2, latest_day, CHECKIN_BASE, 2**63 - CHECKIN_BASE - 1):
        value = checkin_value(checkin_id)
        assert not is_header_value(value) and value < -latest_day
        assert checkin_id_of(value) == checkin_id
    assert checkin_id_of(5) is None  # an entry


def test_build_rows_puts_each_days_check_ins_newest_first_before_its_entries():
    index = [(5, "2026-03-14"), (4, "2026-03-14"), (3, "2026-03-12")]
    moods = {  # in time order, as the core gives them
        "2026-03-14": [DayMood(1, "09:00", 3), DayMood(2, "18:00", 4, note="tea")],
        "2026-03-13": [DayMood(7, "08:00", 2)],  # a day of check-ins alone
        "2026-03-11": [DayMood(9, "22:00", 5)],  # older than every entry
    }
    built = build_rows(index, moods)
    d14, d13, d12, d11 = (ordinal(f"2026-03-{d}") for d in (14, 13, 12, 11))
    assert list(built.rows) == [-d14, checkin_value(2), checkin_value(1), 5, 4,
                                -d13, checkin_value(7), -d12, 3, -d11, checkin_value(9)]
    assert list(built.days) == [d14] * 5 + [d13] * 2 + [d12] * 2 + [d11] * 2
    assert built.checkins == {c.id: c for day in moods.values() for c in day}
    assert built.faces == {}
    # A tag filter lists entries only: their days' check-ins are faces on the header.
    tagged = build_rows(index, moods, entry_days_only=True)
    assert list(tagged.rows) == [-d14, 5, 4, -d12, 3]
    assert tagged.faces == {d14: tuple(moods["2026-03-14"])} and tagged.checkins == {}
    # Check-ins alone (a new vault that has only been checked into).
    alone = build_rows([], {"2026-03-13": [DayMood(7, "08:00", 2)]})
    assert list(alone.rows) == [-d13, checkin_value(7)]


# -- the model ------------------------------------------------------------------------------


def test_check_ins_have_rows_with_their_face_words_and_note(qtbot, qtmodeltester, ctx, model,
                                                            wait_for_tasks):
    add_sample_entries(ctx.app)
    made = add_sample_checkins(ctx.app)
    load(qtbot, model)
    qtmodeltester.check(model)
    fetch_all(qtbot, model, wait_for_tasks)
    assert texts(model) == [
        "Saturday, 14 March 2026", "Check-in · Okay", "Check-in · Good", "Long day",
        "River walk",
        "Friday, 13 March 2026", "Check-in · Low",  # check-ins, no entries
        "Thursday, 12 March 2026", "Tea with Priya",
        "Tuesday, 10 March 2026", "Quiet evening",
        "Friday, 20 February 2026", "Winter",
    ]
    evening = model.index(1)
    assert evening.data(JournalRoles.CHECKIN) == DayMood(
        made["evening"].id, "19:05", 3, 2, ("tired", "calm"), ("work",),
        "Long call with mum. Felt better.")
    assert evening.data(JournalRoles.CHECKIN_ID) == made["evening"].id
    assert evening.data(JournalRoles.ENTRY_ID) is None and evening.data(JournalRoles.ENTRY) is None
    assert not evening.data(JournalRoles.HEADER)
    assert evening.data(JournalRoles.DAY) == date(2026, 3, 14)
    assert model.flags(evening) & SELECTABLE
    assert evening.data(ACCESSIBLE) == ("Check-in at 19:05: okay; energy tired; felt tired, "
                                        "calm; did work; note: Long call with mum. Felt better.")
    assert evening.data(TOOLTIP).splitlines()[:5] == [
        "Okay at 19:05", "Energy: tired", "Felt: tired, calm", "Did: work",
        "Long call with mum. Felt better."]
    assert model.index(2).data(ACCESSIBLE) == "Check-in at 09:30: good"
    # Headers: the date, no faces (the rows say the check-ins); not selectable.
    for row in header_rows(model):
        header = model.index(row)
        assert header.data(JournalRoles.CHECKINS) == () and header.data(TOOLTIP) is None
        assert header.data(ACCESSIBLE) == header.data(DISPLAY)
        assert not model.flags(header) & SELECTABLE
    assert model.checkin_at(1).id == made["evening"].id and model.checkin_at(3) is None
    assert model.row_of_checkin(made["alone"].id) == 6
    assert model.entry_id_at(1) is None and model.entry_count == 5
    # Going to a day goes to its entries: past the check-ins; the 13th has none.
    assert model.row_for_day(date(2026, 3, 14)) == 0 and model.entry_row_after(0) == 3
    assert model.row_for_day(date(2026, 3, 13)) == 7
    assert model.entry_row_after(5) == -1  # a day of check-ins alone


def test_check_in_changes_move_or_repaint_only_their_rows_and_keep_the_selection(
        qtbot, qtmodeltester, ctx, model):
    add_sample_entries(ctx.app)
    morning = ctx.app.add_checkin(CheckInDraft(mood=4, at=at(3, 14, 9, 30)))
    load(qtbot, model)
    qtmodeltester.check(model)  # and keeps watching the changes below
    selection = QItemSelectionModel(model)
    selection.setCurrentIndex(model.index(model.row_of_checkin(morning.id)),
                              QItemSelectionModel.SelectionFlag.ClearAndSelect)
    kept = QPersistentModelIndex(model.index(model.row_of_checkin(morning.id)))
    resets, inserted, removed, changed = [], [], [], []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    model.dataChanged.connect(lambda first, last, _roles: changed.append((first.row(),
                                                                          last.row())))

    def selected():
        return [index.data(JournalRoles.CHECKIN_ID) for index in selection.selectedIndexes()]

    noon = ctx.app.add_checkin(CheckInDraft(mood=5, emotions=("glad",), at=at(3, 14, 12)))
    load(qtbot, model)
    assert inserted == [(1, 1)] and removed == [] and changed == []  # newest first
    assert selected() == [morning.id] and kept.row() == 2

    ctx.app.update_checkin(morning.id, mood=1, note="Bad news")  # in place: repainted
    load(qtbot, model)
    assert changed == [(2, 2)] and inserted == [(1, 1)]
    assert kept.data(ACCESSIBLE) == "Check-in at 09:30: awful; note: Bad news"

    alone = ctx.app.add_checkin(CheckInDraft(mood=1, at=at(3, 11, 8)))  # a day without entries
    load(qtbot, model)
    assert inserted[-1] == (7, 8)  # its header and its row
    assert model.index(7).data(DISPLAY) == "Wednesday, 11 March 2026"
    assert model.index(8).data(JournalRoles.CHECKIN_ID) == alone.id

    ctx.app.delete(alone.ref)  # two changes in one reload: two removals, the rows between
    ctx.app.delete(noon.ref)   # them (and the selection there) stay
    load(qtbot, model)
    assert removed == [(7, 8), (1, 1)]
    assert selected() == [morning.id] and kept.row() == 1
    assert resets == []
    ctx.app.restore(noon.ref)  # Undo of a delete: the row comes back in its place
    load(qtbot, model)
    assert model.index(1).data(JournalRoles.CHECKIN_ID) == noon.id
    assert selected() == [morning.id]


def test_the_trash_shows_no_check_ins_and_a_tag_shows_them_as_faces(qtbot, ctx, model):
    ids = add_sample_entries(ctx.app)
    add_sample_checkins(ctx.app)
    ctx.app.add_checkin(CheckInDraft(mood=5, at=at(3, 12, 7)))
    ctx.app.delete(ctx.app.journal.get(ids["work"]).ref)
    load(qtbot, model, IndexQuery(trash=True))
    assert model.rowCount() == 2
    assert model.index(0).data(JournalRoles.CHECKINS) == () and model.index(0).data(
        TOOLTIP) is None
    # A tag: the days with matching entries, each with its check-ins as faces on the header.
    load(qtbot, model, IndexQuery(tag="outdoors"))
    assert [model.index(row).data(JournalRoles.DAY) for row in header_rows(model)] == [
        date(2026, 3, 14), date(2026, 2, 20)]
    assert all(model.index(row).data(JournalRoles.CHECKIN) is None
               for row in range(model.rowCount()))
    assert [c.time for c in model.index(0).data(JournalRoles.CHECKINS)] == ["09:30", "19:05"]
    assert model.index(0).data(TOOLTIP) == ("Check-ins: good at 09:30,"
                                            " okay at 19:05 (tired, calm)")
    assert model.index(0).data(ACCESSIBLE) == ("Saturday, 14 March 2026. Check-ins: good at "
                                               "09:30, okay at 19:05 (tired, calm)")
    # Dates: the check-ins of the period, in rows, on days with or without entries.
    load(qtbot, model, IndexQuery(start=at(3, 12, 0, 0), end=at(3, 14, 0, 0)))
    assert [(model.index(row).data(JournalRoles.DAY), model.index(row + 1).data(ACCESSIBLE))
            for row in header_rows(model)] == [
        (date(2026, 3, 13), "Check-in at 21:40: low; felt lonely"),
        (date(2026, 3, 12), "Check-in at 07:00: great")]
    assert model.entry_count == 1


def test_a_busy_days_header_tooltip_lists_one_check_in_a_line(qtbot, ctx, model):
    ctx.app.add_entry(EntryDraft(title="Busy", tags=("work",), at=at(3, 14, 20)))
    for hour, mood in ((7, 2), (9, 3), (13, 4), (18, 5)):
        ctx.app.add_checkin(CheckInDraft(mood=mood, emotions=("calm",) if hour == 13 else (),
                                         at=at(3, 14, hour)))
    load(qtbot, model, IndexQuery(tag="work"))
    header = model.index(0)
    assert header.data(TOOLTIP) == ("Check-ins:\nlow at 07:00\nokay at 09:00\n"
                                    "good at 13:00 (calm)\ngreat at 18:00")
    assert header.data(ACCESSIBLE) == ("Saturday, 14 March 2026. Check-ins: low at 07:00,"
                                       " okay at 09:00, good at 13:00 (calm), great at 18:00")


# -- painting -------------------------------------------------------------------------------


def shown_view(qtbot, model, height=300):
    view = JournalListView()
    qtbot.addWidget(view)
    view.setItemDelegate(EntryDelegate(view))
    view.setModel(model)
    view.resize(420, height)
    view.show()
    qtbot.waitExposed(view)
    return view


def colour_seen(view, rect, colour, left=0, right=None):
    image = view.viewport().grab().toImage()
    target = QColor(colour)
    right = rect.right() if right is None else right
    return any(
        abs(pixel.red() - target.red()) + abs(pixel.green() - target.green())
        + abs(pixel.blue() - target.blue()) < 60
        for x in range(rect.left() + left, right) for y in range(rect.top(), rect.bottom())
        for pixel in [image.pixelColor(x, y)])


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


def test_a_check_in_row_shows_its_face_in_the_moods_colour(qtbot, ctx, model):
    ctx.app.add_checkin(CheckInDraft(mood=1, at=at(3, 14, 9)))
    ctx.app.add_checkin(CheckInDraft(mood=5, at=at(3, 14, 10)))
    load(qtbot, model)
    view = shown_view(qtbot, model)
    great, awful = view.visualRect(model.index(1)), view.visualRect(model.index(2))
    assert colour_seen(view, great, MOOD_COLOURS[5], right=great.left() + 120)
    assert not colour_seen(view, great, MOOD_COLOURS[1], right=great.left() + 120)
    assert colour_seen(view, awful, MOOD_COLOURS[1], right=awful.left() + 120)


def test_a_check_in_rows_words_and_note_are_cut_to_the_row(qtapp=None):
    delegate = EntryDelegate()
    font = QFont(QApplication.font())
    checkin = DayMood(1, "19:05", 3, 2, ("tired", "calm"), ("work",),
                      "Long call with mum. " * 10)
    wide = delegate._checkin_text(checkin, font, 2000)
    assert (wide.title, wide.details) == ("Okay", "energy tired · tired, calm · work")
    assert wide.note == checkin.note and wide.note_x > wide.details_x
    middle = delegate._checkin_text(checkin, font, 320)
    assert middle.note.endswith("…") and middle.note_x + middle.note_width <= 320
    assert middle.details.endswith("…")
    assert middle.details_x + middle.details_width <= middle.note_x
    narrow = delegate._checkin_text(checkin, font, 180)  # the note alone: its own words
    assert narrow.details == "" and narrow.note.startswith("Long call")
    only_note = delegate._checkin_text(DayMood(2, "08:00", 4, note="Sun!"), font, 300)
    assert (only_note.details, only_note.note) == ("", "Sun!")
    tiny = delegate._checkin_text(checkin, font, 40)
    assert tiny.note == "" and tiny.details == ""  # the mood word, cut if it must be


def test_with_a_tag_a_header_shows_a_face_per_check_in_in_the_moods_colours(qtbot, ctx,
                                                                             model):
    ctx.app.add_entry(EntryDraft(title="Tagged", tags=("walk",), at=at(3, 14, 20)))
    for minute, mood in enumerate((1, 5)):
        ctx.app.add_checkin(CheckInDraft(mood=mood, at=at(3, 14, 9, minute)))
    load(qtbot, model, IndexQuery(tag="walk"))
    view = shown_view(qtbot, model, 200)
    rect = view.visualRect(model.index(0))
    assert colour_seen(view, rect, MOOD_COLOURS[1], left=rect.width() - 80)
    assert colour_seen(view, rect, MOOD_COLOURS[5], left=rect.width() - 80)
    assert not colour_seen(view, rect, MOOD_COLOURS[3], left=rect.width() - 80)


def test_ten_years_of_check_ins_take_well_under_two_megabytes(qtbot):
    """Two check-ins a day for ten years, as the core gives them (times and label lists
    shared, a short note on some): what the model keeps for their rows."""
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
            moods.setdefault(day, []).append(DayMood(
                n + 1, times[n % 2], 1 + n % 5, 1 + n % 5, emotions[n % 3], (),
                "Slept well." if n % 4 == 0 else ""))
        built = build_rows([], moods)
        del moods
        gc.collect()
        used = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(built.checkins) == 7300 and len(built.rows) == 3650 * 3
    assert used < 2_000_000, used
