"""Background sync on the circle page: storage errors said plainly with the outbox kept, the
schedule following the preference, notifications that hide content unless asked, and a large
sync that leaves the GUI thread free."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from companion.app import CompanionApp
from companion.circle_status import waiting_count
from companion.clock import FakeClock
from tests.gui.circle_gui_helpers import (
    Home,
    create_circle,
    feed_text,
    invite_code,
    join_circle,
    make_home,
    open_create,
    open_join,
    opened_home,
    settle,
    share_checkin,
    sync,
)
from tests.support.webdav_server import WebDavServer
from ui.circle_sync import MINUTE_MS
from ui.tasks import TaskRunner


@pytest.fixture
def ann(qtbot, tmp_path: Path, app: CompanionApp, clock: FakeClock,  # type: ignore[no-untyped-def]
        runner: TaskRunner) -> Iterator[Home]:
    with opened_home(qtbot, tmp_path, "Ann", clock, runner, app) as home:
        yield home


def create_on_webdav(qtbot, runner: TaskRunner, home: Home, server: WebDavServer,  # type: ignore[no-untyped-def]
                     password: str) -> None:
    open_create(home)
    dialog = home.page.dialog
    dialog.name.setText("Friends")
    dialog.display_name.setText(home.name)
    dialog.storage.webdav_choice.setChecked(True)
    dialog.storage.url.setText(server.url_for("circle"))
    dialog.storage.user.setText(server.user)
    dialog.storage.password.setText(password)
    dialog.storage.test_button.click()
    settle(qtbot, runner, home.page)
    return dialog


def outbox(home: Home) -> int:
    service = home.app.circles
    return waiting_count(service.service.db, service.find("Friends"))


def test_webdav_401_is_shown_and_the_outbox_keeps_its_messages(  # type: ignore[no-untyped-def]
        qtbot, ann, runner, webdav_server) -> None:
    dialog = create_on_webdav(qtbot, runner, ann, webdav_server, "not-the-password")
    assert "did not accept the user name or app password" in dialog.storage.test_result.text()
    dialog.storage.password.setText(webdav_server.password)
    dialog.storage.test_button.click()
    settle(qtbot, runner, ann.page)
    assert dialog.storage.test_result.text().startswith("Connected")
    dialog.ok_button.click()
    settle(qtbot, runner, ann.page)
    assert ann.page.view.row is not None and ann.page.view.row.storage_kind == "webdav"
    webdav_server.fail(401)
    share_checkin(qtbot, runner, ann, 3, "offline words")  # composes, then tries to send
    sync(qtbot, runner, ann)
    assert not ann.page.error.isHidden()
    assert "(401)" in ann.page.error.text()
    assert "Check the WebDAV user and app password" in ann.page.error.text()
    assert "1 waiting to send" in ann.page.status_line.text()
    assert outbox(ann) == 1
    assert "offline words" in feed_text(ann)  # what was written is kept and shown
    webdav_server.clear_faults()
    sync(qtbot, runner, ann)
    assert ann.page.error.isHidden()
    assert outbox(ann) == 0
    assert "nothing waiting to send" in ann.page.status_line.text()


def test_a_full_server_is_shown_and_nothing_is_lost(  # type: ignore[no-untyped-def]
        qtbot, ann, runner, webdav_server) -> None:
    ann.app.circles.create("Friends", f"webdav:{webdav_server.url_for('circle')}", "Ann",
                           webdav_user=webdav_server.user,
                           webdav_password=webdav_server.password)
    ann.page.refresh()
    settle(qtbot, runner, ann.page)
    webdav_server.fail(507)
    share_checkin(qtbot, runner, ann, 4, "kept for later")
    sync(qtbot, runner, ann)
    assert "is full (507)" in ann.page.error.text()
    assert "the outbox keeps your messages" in ann.page.error.text()
    assert outbox(ann) == 1


@pytest.mark.slow
def test_an_unreachable_server_is_shown_and_nothing_is_lost(  # type: ignore[no-untyped-def]
        qtbot, ann, runner, tmp_path) -> None:
    server = WebDavServer(tmp_path / "gone").start()
    try:
        ann.app.circles.create("Friends", f"webdav:{server.url_for('circle')}", "Ann",
                               webdav_user=server.user, webdav_password=server.password)
    finally:
        server.stop()  # the port is closed from now on
    ann.page.refresh()
    settle(qtbot, runner, ann.page)
    share_checkin(qtbot, runner, ann, 2, "written on the train")
    sync(qtbot, runner, ann)
    assert "cannot be reached" in ann.page.error.text()
    assert "nothing was lost" in ann.page.error.text()
    assert outbox(ann) == 1
    assert "1 waiting to send" in ann.page.status_line.text()


def test_a_missing_folder_is_shown(qtbot, ann, runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    shared = tmp_path / "shared"
    create_circle(qtbot, runner, ann, shared)
    shutil.rmtree(shared)
    share_checkin(qtbot, runner, ann, 4, "still here")
    sync(qtbot, runner, ann)
    assert not ann.page.error.isHidden()
    assert "Last sync failed" in ann.page.error.text()
    assert outbox(ann) == 1


def test_the_schedule_follows_the_preference(qtbot, ann, runner) -> None:  # type: ignore[no-untyped-def]
    syncer = ann.page.syncer
    assert syncer.timer.isActive()
    assert syncer.timer.interval() == 5 * MINUTE_MS
    ann.ctx.prefs.update(replace(ann.ctx.prefs.current, circle_sync_minutes=0))
    assert not syncer.timer.isActive()
    ann.ctx.prefs.update(replace(ann.ctx.prefs.current, circle_sync_minutes=15))
    assert syncer.timer.interval() == 15 * MINUTE_MS and syncer.timer.isActive()
    runner.wait_idle()


def test_notifications_hide_the_content_unless_asked(  # type: ignore[no-untyped-def]
        qtbot, ann, runner, tmp_path, clock) -> None:
    shared = tmp_path / "shared"
    bob = make_home(qtbot, tmp_path, "Bob", clock, runner)
    try:
        create_circle(qtbot, runner, ann, shared)
        join_circle(qtbot, runner, bob, invite_code(qtbot, runner, ann), shared)
        sync(qtbot, runner, ann)
        sync(qtbot, runner, bob)
        notices: list[tuple[str, str]] = []
        ann.page.syncer.notice.connect(lambda title, text: notices.append((title, text)))
        share_checkin(qtbot, runner, bob, 2, "a private sentence")
        sync(qtbot, runner, ann)
        assert len(notices) == 1
        assert "a private sentence" not in notices[0][1] and "Bob" not in notices[0][1]
        ann.page.notify_content.setChecked(True)
        assert ann.ctx.prefs.current.circle_notify_content
        share_checkin(qtbot, runner, bob, 4, "another sentence")
        sync(qtbot, runner, ann)
        assert len(notices) == 2
        assert notices[1][1] == "Bob shared a check-in: mood 4 of 5 — another sentence"
        sync(qtbot, runner, ann)  # nothing new: no notice
        assert len(notices) == 2
    finally:
        runner.wait_idle()
        bob.close()
        bob.app.close()


def test_a_large_sync_runs_off_the_gui_thread(  # type: ignore[no-untyped-def]
        qtbot, ann, runner, tmp_path, clock) -> None:
    shared = tmp_path / "shared"
    bob = make_home(qtbot, tmp_path, "Bob", clock, runner)
    try:
        create_circle(qtbot, runner, ann, shared)
        join_circle(qtbot, runner, bob, invite_code(qtbot, runner, ann), shared)
        sync(qtbot, runner, ann)
        sync(qtbot, runner, bob)
        row = bob.app.circles.find("Friends")
        for number in range(300):
            bob.app.circles.share_checkin(row, 1 + number % 5, note=f"note {number}")
        sync(qtbot, runner, bob)
        assert outbox(bob) == 0

        ticked_during_sync = threading.Event()
        in_sync = threading.Event()
        sync_threads: list[threading.Thread] = []
        ticks = QTimer()
        ticks.setInterval(0)
        ticks.timeout.connect(lambda: in_sync.is_set() and ticked_during_sync.set())
        ticks.start()
        service = ann.app.circles
        real_sync = service.sync

        def observed_sync(circle_row):  # type: ignore[no-untyped-def]
            """The real sync, noting its thread and waiting (bounded) until the GUI thread's
            timer has ticked while it ran: a sync on the GUI thread would never see a tick."""
            sync_threads.append(threading.current_thread())
            in_sync.set()
            try:
                return real_sync(circle_row)
            finally:
                ticked_during_sync.wait(timeout=20)
                in_sync.clear()

        service.sync = observed_sync  # type: ignore[method-assign]
        try:
            sync(qtbot, runner, ann)
        finally:
            service.sync = real_sync  # type: ignore[method-assign]
            ticks.stop()
        assert sync_threads and all(t is not threading.main_thread() for t in sync_threads)
        assert ticked_during_sync.is_set()
        assert "note 299" in feed_text(ann)
        # Only the newest page is read; "Show older posts" reads the next from the vault.
        assert "Show older posts (260 more)" in feed_text(ann)
        assert "note 230" not in feed_text(ann)
        ann.page.feed_view.action.emit("older", 0, "")
        settle(qtbot, runner, ann.page)
        assert "note 230" in feed_text(ann) and "Show older posts (220 more)" in feed_text(ann)
    finally:
        runner.wait_idle()
        bob.close()
        bob.app.close()


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_circle_notices_reach_the_tray_after_unlock(qtbot, window, wait_for_tasks) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import PASSPHRASE
    from ui.tray import Tray

    tray = Tray(window)
    notices: list[tuple[str, str]] = []
    tray.notified.connect(lambda title, text: notices.append((title, text)))
    window.lock()
    wait_for_tasks()
    window.unlock_screen.field.edit.setText(PASSPHRASE)
    window.unlock_screen.submit()
    qtbot.waitUntil(lambda: not window.is_locked, timeout=10_000)
    syncer = window.workspace.session.circle_sync
    syncer.notice.emit("Circle", "Someone in your circle shared a check-in.")
    assert notices == [("Circle", "Someone in your circle shared a check-in.")]
    wait_for_tasks()


def test_joining_a_webdav_circle_takes_the_address_from_the_invite(  # type: ignore[no-untyped-def]
        qtbot, ann, runner, tmp_path, clock, webdav_server) -> None:
    url = webdav_server.url_for("circle")
    service = ann.app.circles
    service.create("Friends", f"webdav:{url}", "Ann", webdav_user=webdav_server.user,
                   webdav_password=webdav_server.password)
    code = service.invite(service.find("Friends")).code()
    ann.page.refresh()
    bob = make_home(qtbot, tmp_path, "Bob", clock, runner)
    try:
        settle(qtbot, runner, bob.page)
        open_join(bob)
        dialog = bob.page.dialog
        dialog.code.setPlainText(code)
        assert dialog.storage.webdav_choice.isChecked()
        assert dialog.storage.url.text() == url
        assert "WebDAV server" in dialog.storage_hint.text()
        dialog.display_name.setText("Bob")
        dialog.storage.user.setText(webdav_server.user)
        dialog.storage.password.setText("wrong")
        before = len(webdav_server.requests)  # Ann's, so far
        dialog.ok_button.click()  # Continue: the server and the admin's fingerprint
        settle(qtbot, runner, bob.page)
        assert dialog.confirmation.server.text() == url.split("/")[2]
        assert len(webdav_server.requests) == before  # nothing sent before it is confirmed
        dialog.confirmation.trust.setChecked(True)
        dialog.ok_button.click()  # Join
        settle(qtbot, runner, bob.page)
        assert "(401)" in dialog.error.text()  # said in the dialog; nothing saved
        assert bob.app.circles.rows() == []
        dialog.back_button.click()
        dialog.storage.password.setText(webdav_server.password)
        dialog.ok_button.click()
        settle(qtbot, runner, bob.page)
        dialog.confirmation.trust.setChecked(True)
        dialog.ok_button.click()
        settle(qtbot, runner, bob.page)
        sync(qtbot, runner, ann)
        sync(qtbot, runner, bob)
        assert bob.page.view.row is not None and bob.page.view.row.status == "active"
        assert "1 other person will read this" in bob.page.composer.readers.text()
    finally:
        runner.wait_idle()
        bob.close()
        bob.app.close()
