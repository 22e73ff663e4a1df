"""The circle page: two homes set up a circle over a shared folder through the page's dialogs,
exchange check-ins, verify each other, and one removes the other."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from companion.app import CompanionApp
from companion.clock import FakeClock
from tests.gui.circle_gui_helpers import (
    Home,
    create_circle,
    feed_row,
    feed_text,
    invite_code,
    join_circle,
    make_home,
    settle,
    share_checkin,
    sync,
)
from ui.dialogs.circle_trust import InviteDialog, KeyChangeDialog, VerifyDialog
from ui.tasks import TaskRunner


@pytest.fixture
def pair(qtbot, tmp_path: Path, app: CompanionApp, clock: FakeClock,  # type: ignore[no-untyped-def]
         runner: TaskRunner) -> Iterator[tuple[Home, Home, Path]]:
    """Ann (the `app` fixture's vault) created "Friends" on a shared folder; Bob joined it
    with the invite code shown on Ann's page. Both pages have synced."""
    shared = tmp_path / "shared"
    ann = make_home(qtbot, tmp_path, "Ann", clock, runner, app)
    bob = make_home(qtbot, tmp_path, "Bob", clock, runner)
    settle(qtbot, runner, ann.page)
    create_circle(qtbot, runner, ann, shared)
    code = invite_code(qtbot, runner, ann)
    join_circle(qtbot, runner, bob, code, shared)
    assert "Waiting for the admin's device" in bob.page.banner.text()
    sync(qtbot, runner, ann)
    sync(qtbot, runner, bob)
    try:
        yield ann, bob, shared
    finally:
        runner.wait_idle()
        for home in (ann, bob):
            home.close()
        bob.app.close()


def test_empty_page_offers_to_start_or_join(qtbot, ctx, wait_for_tasks) -> None:  # type: ignore[no-untyped-def]
    from ui.pages.circle import CirclePage

    page = CirclePage(ctx)
    qtbot.addWidget(page)
    wait_for_tasks()
    assert page.stack.currentIndex() == 0
    assert not page.sync_button.isEnabled()
    page.teardown()


def test_two_homes_exchange_checkins_through_a_folder(qtbot, pair, runner) -> None:  # type: ignore[no-untyped-def]
    ann, bob, shared = pair
    assert not bob.page.banner.isVisible()
    assert "1 other person will read this" in bob.page.composer.readers.text()
    assert "1 other person will read this" in ann.page.composer.readers.text()
    share_checkin(qtbot, runner, bob, 4, "walked by the river canary-7f3a")
    share_checkin(qtbot, runner, ann, 2, "long day")
    sync(qtbot, runner, ann)
    sync(qtbot, runner, bob)
    assert "walked by the river canary-7f3a" in feed_text(ann)
    assert "long day" in feed_text(bob)
    assert "Mood: good (4 of 5)" in feed_text(ann)
    assert "nothing waiting to send" in ann.page.status_line.text()
    # The canary never reaches the shared folder in the clear.
    for path in shared.iterdir():
        assert b"canary-7f3a" not in path.read_bytes()
    # A reply and a reaction from Ann reach Bob.
    item = next(i for i in ann.page.view.feed if i.data.get("note", "").startswith("walked"))
    ann.page.feed_view.action.emit("reply", item.id, "")
    field = ann.page.feed_view.reply_field
    assert field.isVisible() and ann.page.window().focusWidget() is field.text
    assert field.text.accessibleName() == "Reply to Bob"
    field.text.setText("glad to hear it")
    field.send_button.click()
    settle(qtbot, runner, ann.page)
    assert not field.isVisible()
    ann.page.feed_view.action.emit("react", item.id, "♥")
    settle(qtbot, runner, ann.page)
    sync(qtbot, runner, ann)
    sync(qtbot, runner, bob)
    assert "Reply from Ann" in feed_text(bob) and "glad to hear it" in feed_text(bob)
    assert "Reactions: ♥ 1 (Ann)" in feed_text(bob)


def test_a_note_is_shared_and_the_admin_sets_guidelines(qtbot, pair, runner) -> None:  # type: ignore[no-untyped-def]
    ann, bob, _shared = pair
    assert not ann.page.save_guidelines_button.isHidden()
    assert bob.page.save_guidelines_button.isHidden()
    assert bob.page.guidelines.isReadOnly()
    ann.page.guidelines.setPlainText("Be kind. What is said here stays here.")
    ann.page.save_guidelines_button.click()
    settle(qtbot, runner, ann.page)
    composer = bob.page.composer
    composer.note_chip.click()
    composer.title.setText("A good book")
    composer.body.setPlainText("Reading <b>Quiet</b> again.")
    composer.share_button.click()
    settle(qtbot, runner, bob.page)
    sync(qtbot, runner, ann)
    sync(qtbot, runner, bob)
    sync(qtbot, runner, ann)
    assert bob.page.guidelines.toPlainText() == "Be kind. What is said here stays here."
    assert "Reading <b>Quiet</b> again." in feed_text(ann)  # shown as text, never as markup


def test_guidelines_are_shown_to_a_newcomer_once_they_arrive(qtbot, tmp_path, app, clock,  # type: ignore[no-untyped-def]
                                                             runner) -> None:
    shared = tmp_path / "shared"
    ann = make_home(qtbot, tmp_path, "Ann", clock, runner, app)
    cat = make_home(qtbot, tmp_path, "Cat", clock, runner)
    try:
        create_circle(qtbot, runner, ann, shared)
        ann.page.guidelines.setPlainText("No advice unless asked.")
        ann.page.save_guidelines_button.click()
        settle(qtbot, runner, ann.page)
        join_circle(qtbot, runner, cat, invite_code(qtbot, runner, ann), shared)
        sync(qtbot, runner, ann)  # lets Cat in and shares the guidelines again for her
        sync(qtbot, runner, cat)
        sync(qtbot, runner, cat)
        assert cat.page.guidelines.toPlainText() == "No advice unless asked."
        assert "No advice unless asked." in cat.page.dialog.text()
        assert "Welcome to Friends" in cat.page.dialog.windowTitle()
    finally:
        runner.wait_idle()
        ann.close()
        cat.close()
        cat.app.close()


def test_unverified_member_becomes_verified_through_the_dialog(qtbot, pair, runner) -> None:  # type: ignore[no-untyped-def]
    ann, bob, _shared = pair
    states = {m.name: m.state for m in ann.page.view.members}
    assert states["Bob"] == "unverified"
    ann.page.view_buttons[1].click()
    assert ann.page.views.currentIndex() == 1
    ann.page.select_member("Bob")
    assert ann.page.verify_button.isEnabled()
    ann.page.verify_button.click()
    settle(qtbot, runner, ann.page)
    dialog = ann.page.dialog
    assert isinstance(dialog, VerifyDialog)
    # Bob's dialog shows the same number (the safety number is symmetric).
    bob.page.select_member("Ann")
    bob.page.verify_button.click()
    settle(qtbot, runner, bob.page)
    ann_digits = [lbl.text() for lbl in dialog.findChildren(type(ann.page.status_line))
                  if lbl.accessibleName() == "Safety number"]
    bob_digits = [lbl.text() for lbl in bob.page.dialog.findChildren(type(ann.page.status_line))
                  if lbl.accessibleName() == "Safety number"]
    assert len(ann_digits) == 2 and len(set(ann_digits)) == 1
    assert ann_digits == bob_digits
    assert len(ann_digits[0].split()) == 12
    # Enter is never "They match": it closes to compare later and marks nothing.
    assert dialog.later_button.isDefault() and not dialog.match_button.isDefault()
    bob.page.dialog.later_button.click()
    settle(qtbot, runner, bob.page)
    assert {m.name: m.state for m in bob.page.view.members}["Ann"] == "unverified"
    bob.page.select_member("Ann")
    bob.page.verify_button.click()
    settle(qtbot, runner, bob.page)
    bob.page.dialog.mismatch_button.click()
    settle(qtbot, runner, bob.page)
    assert "do not match" in bob.page.error.text()
    assert {m.name: m.state for m in bob.page.view.members}["Ann"] == "unverified"
    dialog.match_button.click()
    settle(qtbot, runner, ann.page)
    assert {m.name: m.state for m in ann.page.view.members}["Bob"] == "verified"
    assert "verified" in ann.page.member_list.topLevelItem(1).text(2)


def test_mute_hides_a_member_on_this_device(qtbot, pair, runner) -> None:  # type: ignore[no-untyped-def]
    ann, bob, _shared = pair
    share_checkin(qtbot, runner, bob, 3, "muted words")
    sync(qtbot, runner, bob)
    sync(qtbot, runner, ann)
    assert "muted words" in feed_text(ann)
    ann.page.select_member("Bob")
    ann.page.mute_button.click()
    settle(qtbot, runner, ann.page)
    assert "muted words" not in feed_text(ann)
    assert ann.page.mute_button.text() == "Unmute"


def test_a_removed_member_is_told_they_were_removed(qtbot, pair, runner) -> None:  # type: ignore[no-untyped-def]
    ann, bob, _shared = pair
    ann.page.select_member("Bob")
    ann.page.remove_button.click()
    box = ann.page.dialog
    box.confirm_button.click()
    settle(qtbot, runner, ann.page)
    sync(qtbot, runner, ann)
    share_checkin(qtbot, runner, ann, 5, "after the removal")
    sync(qtbot, runner, ann)
    sync(qtbot, runner, bob)
    assert "You were removed from Friends" in bob.page.banner.text()
    assert not bob.page.banner.isHidden()
    assert bob.page.composer.isHidden()
    assert "after the removal" not in feed_text(bob)
    assert {m.name: m.state for m in ann.page.view.members}["Bob"] == "removed or left"


def test_leaving_asks_first(qtbot, pair, runner) -> None:  # type: ignore[no-untyped-def]
    _ann, bob, _shared = pair
    bob.page.leave_button.click()
    bob.page.dialog.reject()  # Cancel: nothing happens
    settle(qtbot, runner, bob.page)
    assert bob.page.view.row.status == "active"
    bob.page.leave_button.click()
    bob.page.dialog.confirm_button.click()
    settle(qtbot, runner, bob.page)
    assert "You left Friends" in bob.page.banner.text()


def test_a_key_change_blocks_sharing_until_verified(qtbot, pair, runner) -> None:  # type: ignore[no-untyped-def]
    ann, bob, _shared = pair
    row = ann.app.circles.find("Friends")
    member = ann.app.circles.find_member(row, "Bob")
    # What the engine records when an admin adds someone under a changed key (the
    # `replaces` rule, tested end to end in tests/sync): the alert flag on the peer.
    with ann.app.circles.service.db.transaction() as cur:
        cur.execute("INSERT INTO circle_peers (circle, member, key_alert) VALUES (?, ?, 1) "
                    "ON CONFLICT (circle, member) DO UPDATE SET key_alert = 1",
                    (row.id, member.id))
    ann.page.refresh()
    settle(qtbot, runner, ann.page)
    dialog = ann.page.dialog
    assert isinstance(dialog, KeyChangeDialog)
    assert dialog.isModal()
    assert not ann.page.composer.share_button.isEnabled()
    assert "Sharing is paused" in ann.page.composer.readers.text()
    dialog.verify_button.click()
    settle(qtbot, runner, ann.page)
    assert isinstance(ann.page.dialog, VerifyDialog)
    ann.page.dialog.match_button.click()
    settle(qtbot, runner, ann.page)
    assert ann.page.composer.share_button.isEnabled()


def test_invite_dialog_shows_a_qr_code_and_copies(qtbot, pair, runner) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QGuiApplication

    ann, _bob, _shared = pair
    ann.page.invite_button.click()
    settle(qtbot, runner, ann.page)
    dialog = ann.page.dialog
    assert isinstance(dialog, InviteDialog)
    assert not dialog.qr.pixmap().isNull()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text().startswith("companion-invite-2:")
    dialog.reject()
    assert dialog.code_view.toPlainText() == ""


def test_locking_leaves_no_circle_text_in_any_widget(qtbot, window, tmp_path,  # type: ignore[no-untyped-def]
                                                     wait_for_tasks) -> None:
    from tests.gui.conftest import visible_texts
    from ui.pages.circle import CirclePage

    circles = window.app.circles
    circles.create("Canary circle", f"folder:{tmp_path / 'shared'}", "Ann")
    circles.share_checkin(circles.find("Canary circle"), 3, note="canary-91c2 words")
    page = window.workspace.show_page(CirclePage)
    page.refresh()
    qtbot.waitUntil(lambda: "canary-91c2" in page.feed_view.feed_model.plain_text(),
                    timeout=10_000)
    assert any("Canary circle" in text for text in visible_texts())
    window.lock()
    wait_for_tasks()
    assert not any("canary-91c2" in text or "Canary circle" in text for text in visible_texts())


def test_status_line_names_quiet_members(qtbot, pair, runner, clock) -> None:  # type: ignore[no-untyped-def]
    ann, bob, _shared = pair
    share_checkin(qtbot, runner, bob, 3, "hello")
    sync(qtbot, runner, bob)
    sync(qtbot, runner, ann)
    assert "not heard from" not in ann.page.status_line.text()
    clock.advance(days=8)
    sync(qtbot, runner, ann)
    ann.page.refresh()
    settle(qtbot, runner, ann.page)
    assert "not heard from for over a week: Bob" in ann.page.status_line.text()


def test_status_line_wording(qapp) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from companion.circle_status import CircleStatus, QuietMember
    from sync.engine import SyncReport
    from ui.circle_sync import SyncOutcome
    from ui.pages.circle_text import describe_status

    status = CircleStatus("active", datetime(2026, 3, 14, 9, 0, tzinfo=UTC), 2,
                          [("rejected", "bad signature on message", 3),
                           ("fork", "two messages hold the same place", 1),
                           ("rollback", "the storage lost 1 of your messages", 1)],
                          [QuietMember("Cat", None)], [])
    report = SyncReport(held=1, problems=["waiting for an admin to start a new epoch"])
    text = describe_status(status, SyncOutcome(b"c", datetime.now(UTC), report), False)
    for part in ("Last sync", "2 waiting to send", "3 rejected (bad signature on message ×3)",
                 "members were shown different histories", "the storage went back in time",
                 "Warning: waiting for an admin", "1 held until earlier messages arrive",
                 "not heard from for over a week: Cat"):
        assert part in text


def test_own_posts_can_be_deleted_and_members_promoted(qtbot, pair, runner) -> None:  # type: ignore[no-untyped-def]
    ann, bob, _shared = pair
    share_checkin(qtbot, runner, bob, 2, "said too much")
    sync(qtbot, runner, bob)
    sync(qtbot, runner, ann)
    assert "said too much" in feed_text(ann)
    item = next(i for i in bob.page.view.feed if i.mine)
    feed = bob.page.feed_view
    own = feed_row(bob, "said too much")
    assert "delete" in [s.action for s in feed.spots_of(own)]
    assert "delete" not in [s.action for s in ann.page.feed_view.spots_of(
        feed_row(ann, "said too much"))]  # only the author's card offers it
    feed.action.emit("delete", item.id, "")
    bob.page.dialog.confirm_button.click()
    settle(qtbot, runner, bob.page)
    sync(qtbot, runner, bob)
    sync(qtbot, runner, ann)
    assert "said too much" not in feed_text(ann)
    ann.page.select_member("Bob")
    assert ann.page.promote_button.isEnabled()
    ann.page.promote_button.click()
    settle(qtbot, runner, ann.page)
    sync(qtbot, runner, ann)
    sync(qtbot, runner, bob)
    assert bob.page.view.admin
    assert not bob.page.invite_button.isHidden()


def test_the_page_refreshes_after_a_sync_it_did_not_start(qtbot, pair, runner) -> None:  # type: ignore[no-untyped-def]
    """Changes(circles=True): a round run through the facade anywhere (here on the task
    runner, not the page's syncer) shows what it brought."""
    ann, bob, _shared = pair
    share_checkin(qtbot, runner, bob, 5, "news the page did not fetch itself")
    sync(qtbot, runner, bob)
    settle(qtbot, runner, ann.page)
    assert "news the page did not fetch itself" not in feed_text(ann)
    app = ann.app
    runner.run(lambda: app.circles.sync(app.circles.rows()[0]))
    qtbot.waitUntil(lambda: "news the page did not fetch itself" in feed_text(ann),
                    timeout=15_000)


def test_an_admin_upgrades_a_version_1_circle_from_the_page(  # type: ignore[no-untyped-def]
        qtbot, tmp_path: Path, app: CompanionApp, clock: FakeClock, runner: TaskRunner,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from sync import actions as circle_actions

    shared = tmp_path / "shared"
    ann = make_home(qtbot, tmp_path, "Ann", clock, runner, app)
    bob = make_home(qtbot, tmp_path, "Bob", clock, runner)
    try:
        settle(qtbot, runner, ann.page)
        with monkeypatch.context() as older:
            older.setattr(circle_actions, "PROTOCOL_VERSION", 1)  # made by an older Companion
            create_circle(qtbot, runner, ann, shared)
        join_circle(qtbot, runner, bob, invite_code(qtbot, runner, ann), shared)
        sync(qtbot, runner, ann)
        sync(qtbot, runner, bob)
        assert ann.page.view.version == 1
        assert not ann.page.upgrade_button.isHidden()
        assert bob.page.upgrade_button.isHidden()  # not an admin
        ann.page.upgrade_button.click()
        assert "cannot be undone" in ann.page.dialog.text()
        ann.page.dialog.reject()  # Cancel: nothing happens
        settle(qtbot, runner, ann.page)
        assert ann.page.view.version == 1
        ann.page.upgrade_button.click()
        ann.page.dialog.confirm_button.click()
        settle(qtbot, runner, ann.page)
        assert ann.page.view.version == 2
        assert ann.page.upgrade_button.isHidden()
        sync(qtbot, runner, ann)
        sync(qtbot, runner, bob)
        assert bob.page.view.version == 2
        share_checkin(qtbot, runner, bob, 4, "after the upgrade")
        sync(qtbot, runner, bob)
        sync(qtbot, runner, ann)
        assert "after the upgrade" in feed_text(ann)
    finally:
        runner.wait_idle()
        for home in (ann, bob):
            home.close()
        bob.app.close()
