"""The summary dialog's photos: listed only for the ticked entries, none ticked by default,
and a ticked photo goes into the PDF the dialog previews and saves."""

from __future__ import annotations

from PySide6.QtCore import Qt

from companion.models import EntryDraft
from tests.support.attachment_files import photo
from ui.dialogs.summary import SummaryDialog


def test_photos_of_ticked_entries_can_be_chosen(window, app, clock, ctx, wait_for_tasks,  # type: ignore[no-untyped-def]
                                                qtbot):
    shared = app.add_entry(EntryDraft(title="The beach", body="Sand.", at=clock.now()))
    app.attach(shared.id, [app.prepare_attachment_bytes("beach.jpg", photo(size=(300, 200))),
                           app.prepare_attachment_bytes("rocks.png", photo("PNG"))])
    private = app.add_entry(EntryDraft(title="Private", body="No.", at=clock.now()))
    app.attach(private.id, [app.prepare_attachment_bytes("secret.jpg", photo())])
    dialog = SummaryDialog(ctx, window)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_for_tasks()
    assert not dialog.photos.isVisible() and dialog.request().images == ()
    item = next(dialog.entries.item(r) for r in range(dialog.entries.count())
                if "The beach" in dialog.entries.item(r).text())
    item.setCheckState(Qt.CheckState.Checked)
    wait_for_tasks()
    names = [dialog.photos.item(r).text() for r in range(dialog.photos.count())]
    assert dialog.photos.isVisible() and len(names) == 2
    assert all("The beach" in name for name in names) and not any("secret" in n for n in names)
    assert dialog.request().images == ()  # none until ticked
    dialog.photos.item(0).setCheckState(Qt.CheckState.Checked)
    assert dialog.request().images == ((shared.id, 1),)
    qtbot.waitUntil(lambda: dialog.pdf is not None, timeout=30_000)
    wait_for_tasks(30_000)
    assert dialog.pdf is not None and dialog.pdf.count(b"/Subtype /Image") == 1
    item.setCheckState(Qt.CheckState.Unchecked)  # the entry out: its photos out too
    wait_for_tasks()
    assert dialog.request().images == () and not dialog.photos.isVisible()
