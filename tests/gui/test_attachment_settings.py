"""Settings → Photos and files: the sizes the person sets are the limits attaching keeps, and
a file over them is refused naming the file and the limit."""

from __future__ import annotations

import pytest

from companion.errors import UserError
from companion.models import EntryDraft
from ui.pages.settings import SettingsPage


def test_the_limits_set_in_settings_are_the_ones_attaching_keeps(window, app, wait_for_tasks,  # type: ignore[no-untyped-def]
                                                                 qtbot, tmp_path):
    page = window.workspace.show_page(SettingsPage)
    card = page.attachments_card
    assert card.file_mb.value() == 25 and card.entry_mb.value() == 100  # the defaults
    card.file_mb.setValue(1)
    wait_for_tasks()
    assert app.preferences.attachment_file_mb == 1
    assert app.attachment_limits.max_file_bytes == 1_000_000
    entry = app.add_entry(EntryDraft(title="Big", body="A recording."))
    big = tmp_path / "talk.mp3"
    big.write_bytes(b"ID3" + bytes(1_200_000))
    with pytest.raises(UserError, match="talk.mp3"):
        app.prepare_attachment(big)
    card.file_mb.setValue(2)
    wait_for_tasks()
    app.attach(entry.id, [app.prepare_attachment(big)])
    assert [a.name for a in app.attachments(entry.id)] == ["talk.mp3"]
