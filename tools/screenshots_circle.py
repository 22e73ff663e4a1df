"""Screenshots of the circle page (called from tools.screenshots, or alone with
`python -m tools.screenshots_circle [--out DIR]`): a circle of three over a shared folder with a
few days of check-ins and notes, the feed with its replies, reactions and new posts (at the
usual size and at 800×600), the members with one verified, the verify and invite dialogs, and
the new-circle dialog."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
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
                                        "Writing **three small things** I did each evening. "
                                        "Not big things:\n\n- a call\n- a _walk_\n- cooking"
                                        "\n\nThe idea is from [this short article]"
                                        "(https://example.org/small-wins).")),
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
    def ref_in(app: CompanionApp) -> str:
        """The post's id on `app`'s device (ids are local to each vault)."""
        return next(i.ref for i in app.circles.feed(app.circles.rows()[0])
                    if i.data.get("note") == "Big meeting tomorrow.")

    sam.circles.reply(sam.circles.rows()[0], ref_in(sam), "You've prepared well. **Good "
                      "luck!**")
    sam.circles.react(sam.circles.rows()[0], ref_in(sam), "♥")
    ann.circles.react(ann.circles.rows()[0], worried.ref, "♥")
    noor.circles.react(noor.circles.rows()[0], ref_in(noor), "★")
    everyone_syncs()
    everyone_syncs()
    row = ann.circles.rows()[0]
    # Ann last looked before Noor's check-in: it and Sam's reply are new to her.
    ann.circles.mark_seen(row, worried.id - 1)
    ann.circles.set_verified(row, ann.circles.find_member(row, "Sam"))
    ann.clock.set(moment)
    return others


def render_circle_screens(window: MainWindow, pump: Callable[[int], None], out: Path,
                          theme: str, folder: Path) -> None:
    others = build_demo_circle(window.app, folder)
    assert window.workspace is not None
    page = window.workspace.show_page(CirclePage)
    assert isinstance(page, CirclePage)
    page.shown()
    pump(600)
    window.grab().save(str(out / f"circle-feed-{theme}.png"))
    before = window.size()
    window.resize(800, 600)
    pump(400)
    window.grab().save(str(out / f"circle-feed-800x600-{theme}.png"))
    window.resize(before)
    pump(200)
    page.show_view(1)
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
    page.show_view(0)
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


def main(argv: list[str] | None = None) -> int:
    """The circle's screenshots alone, light and dark."""
    from tools.screenshots import DEFAULT_OUT, MOMENT, SIZE

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["COMPANION_KDF_TARGET_SECONDS"] = "0"
    from PySide6.QtWidgets import QApplication

    from companion.preferences import Preferences
    from ui.app import DEMO_PASSPHRASE
    from ui.context import PreferenceStore
    from ui.models.none_guard import keep_singletons_alive
    from ui.tasks import TaskRunner
    from ui.theme import apply_theme

    keep_singletons_alive()
    qt = QApplication.instance() or QApplication(["companion"])
    assert isinstance(qt, QApplication)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="companion-circle-shots-") as tmp:
        for theme in ("light", "dark"):
            apply_theme(qt, theme)
            runner = TaskRunner()

            def pump(ms: int = 300, runner: TaskRunner = runner) -> None:
                end = time.monotonic() + ms / 1000
                while time.monotonic() < end:
                    qt.processEvents()
                    time.sleep(0.01)
                runner.wait_idle()
                qt.processEvents()

            folder = Path(tmp) / theme
            app = CompanionApp(folder / "ann", clock=FakeClock(MOMENT))
            app.create_vault(DEMO_PASSPHRASE, DEMO_PASSPHRASE, params=QUICK_KEY_DERIVATION)
            window = MainWindow(app, runner, PreferenceStore(app, runner, Preferences()))
            window.resize(*SIZE)
            window.show()
            window.show_workspace()
            render_circle_screens(window, pump, args.out, theme, folder / "circle")
            window.shutdown()
            window.deleteLater()
            pump(100)
    print(f"circle screenshots written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
