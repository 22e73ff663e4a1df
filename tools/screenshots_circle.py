"""Screenshots of the circle page (called from tools.screenshots): a circle of three over a shared
folder with a few days of check-ins and notes, the members with one verified, the verify and
invite dialogs, and the new-circle dialog."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import QWidget

from companion.app import QUICK_KEY_DERIVATION, CompanionApp
from companion.clock import FakeClock
from ui.main_window import MainWindow
from ui.pages.circle import CirclePage

PASSPHRASE = "screenshot circle member"


def _member(folder: Path, name: str, clock: FakeClock) -> CompanionApp:
    app = CompanionApp(folder / name.lower(), clock=clock)
    app.create_vault(PASSPHRASE, PASSPHRASE, params=QUICK_KEY_DERIVATION)
    return app


def build_demo_circle(ann: CompanionApp, folder: Path) -> list[CompanionApp]:
    """Ann (the demo vault) with Sam and Noor in "Tuesday group"; returns the others' apps."""
    shared = folder / "shared"
    shared.mkdir(parents=True, exist_ok=True)
    moment = ann.clock.now()
    clock = FakeClock(moment - timedelta(days=3, hours=5))
    assert isinstance(ann.clock, FakeClock)
    ann.clock.set(clock.now())
    circles = ann.circles
    row = circles.create("Tuesday group", f"folder:{shared}", "Ann")
    circles.set_guidelines(row, "Be kind. What is said here stays here. No advice unless "
                           "someone asks for it.")
    others = [_member(folder, name, clock) for name in ("Sam", "Noor")]
    for other, name in zip(others, ("Sam", "Noor"), strict=True):
        code = circles.invite(circles.find("Tuesday group")).code()
        other.circles.join(code, name, f"folder:{shared}")
        circles.sync(circles.find("Tuesday group"))
        other.circles.sync(other.circles.rows()[0])

    def everyone_syncs() -> None:
        for app in (ann, *others):
            app.circles.sync(app.circles.rows()[0])

    everyone_syncs()
    everyone_syncs()
    sam, noor = others
    steps: list[tuple[CompanionApp, Callable[[CompanionApp], None]]] = [
        (sam, lambda a: a.circles.share_checkin(a.circles.rows()[0], 3, 2, ("restless",),
                                                 "Slept badly, but the walk helped.")),
        (noor, lambda a: a.circles.post(a.circles.rows()[0], "Something that helped this week",
                                        "Writing three small things I did each evening. "
                                        "Not big things — a call, a walk, cooking.")),
        (ann, lambda a: a.circles.share_checkin(a.circles.rows()[0], 4, 3, ("calm",),
                                                 "Good session today.")),
        (noor, lambda a: a.circles.share_checkin(a.circles.rows()[0], 2, 2, ("anxious",),
                                                  "Big meeting tomorrow.")),
    ]
    for app, step in steps:
        clock.advance(hours=14)
        ann.clock.set(clock.now())
        step(app)
        app.circles.sync(app.circles.rows()[0])
        everyone_syncs()
    feed = ann.circles.feed(ann.circles.rows()[0])
    worried = next(i for i in feed if i.data.get("note") == "Big meeting tomorrow.")
    clock.advance(minutes=40)
    ann.clock.set(clock.now())
    sam.circles.reply(sam.circles.rows()[0], worried.ref, "You've prepared well. Good luck!")
    sam.circles.react(sam.circles.rows()[0], worried.ref, "♥")
    ann.circles.react(ann.circles.rows()[0], worried.ref, "♥")
    everyone_syncs()
    everyone_syncs()
    row = ann.circles.rows()[0]
    ann.circles.set_verified(row, ann.circles.find_member(row, "Sam"))
    ann.clock.set(moment)
    return others


def render_circle_screens(window: MainWindow, pump: Callable[[int], None], out: Path,
                          theme: str, folder: Path) -> None:
    others = build_demo_circle(window.app, folder)
    assert window.workspace is not None
    page = window.workspace.show_page(CirclePage)
    assert isinstance(page, CirclePage)
    page.refresh()
    pump(600)
    window.grab().save(str(out / f"circle-feed-{theme}.png"))
    page.tabs.setCurrentIndex(1)
    page.select_member("Noor")
    pump(200)
    window.grab().save(str(out / f"circle-members-{theme}.png"))
    page.verify_button.click()
    pump(500)
    _save(page.dialog, out / f"circle-verify-{theme}.png", pump)
    page.invite_button.click()
    pump(500)
    _save(page.dialog, out / f"circle-invite-{theme}.png", pump)
    page.create_circle()
    pump(100)
    page.dialog.storage.folder.setText("~/Sync/our-circle")
    _save(page.dialog, out / f"circle-create-{theme}.png", pump)
    _join_confirmation(page, pump, out / f"circle-join-confirm-{theme}.png")
    page.tabs.setCurrentIndex(0)
    for app in others:
        app.close()


def _join_confirmation(page: CirclePage, pump: Callable[[int], None], target: Path) -> None:
    """The join dialog's second step for a WebDAV invite: what the code says, to be checked
    with the admin before anything is sent (a made-up circle; nothing is contacted)."""
    from sync.crypto import SeededRandomness
    from sync.identity import Identity
    from sync.invite import Invite

    admin = Identity.generate(SeededRandomness(b"screenshot admin"))
    code = Invite.signed_by(admin, bytes(range(16)), bytes(32),
                            "https://cloud.example.org/remote.php/dav/files/noor/circle/").code()
    page.join_circle()
    pump(100)
    dialog = page.dialog
    dialog.code.setPlainText(code)
    dialog.display_name.setText("Robin")
    pump(100)
    dialog.ok_button.click()
    pump(800)
    _save(dialog, target, pump)


def _save(dialog: QWidget, target: Path, pump: Callable[[int], None]) -> None:
    pump(200)
    dialog.grab().save(str(target))
    dialog.close()
    pump(50)
