"""Ways to the crisis screen (issue 18, item 2): shown once per PHQ-9 item-9 answer (not
again after "See my result"); "Need help now?" one click from every page without changing the
page, from the unlock screen without unlocking, and under every first-run step before there is
a vault; still there after an auto-lock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication, QLabel

from companion.app import CompanionApp
from companion.questionnaires import QuestionnaireKind
from tests.gui.layout_check import layout_problems
from tests.gui.tab_walk import out_of_reading_order, walk
from ui.dialogs import questionnaire as questionnaire_module
from ui.dialogs.crisis import CrisisDialog
from ui.dialogs.questionnaire import QuestionnaireDialog
from ui.main_window import MainWindow
from ui.widgets import crisis_lines


@pytest.fixture(autouse=True)
def desktop(monkeypatch) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toString())
        return True

    monkeypatch.setattr(crisis_lines, "open_url", open_url)
    yield opened


def open_screens() -> list[CrisisDialog]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, CrisisDialog) and shiboken6.isValid(w) and w.isVisible()]


def close_all(qtbot) -> None:  # type: ignore[no-untyped-def]
    for dialog in open_screens():
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc closes the screen
    qtbot.waitUntil(lambda: not open_screens())
    qtbot.wait(50)  # the window system's focus events, before anything is torn down


@pytest.fixture
def opened_screens(monkeypatch) -> list[bool]:  # type: ignore[no-untyped-def]
    """Each time the questionnaire opens the screen: whether it was for an answer."""
    calls: list[bool] = []
    real = questionnaire_module.show_crisis_dialog

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(bool(kwargs.get("after_answer")))
        return real(*args, **kwargs)

    monkeypatch.setattr(questionnaire_module, "show_crisis_dialog", counting)
    return calls


@pytest.fixture
def phq9(qtbot, app, runner, window):  # type: ignore[no-untyped-def]
    dialog = QuestionnaireDialog(app, runner, QuestionnaireKind.PHQ9, window)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_screen_is_shown_once_per_answer_not_again_for_the_result(
        qtbot, phq9, app, opened_screens, wait_for_tasks):
    for item in range(8):
        phq9.answer(item, 1)
    phq9.answer(8, 1)
    assert opened_screens == [True] and len(open_screens()) == 1
    assert app.questionnaire_history() == []  # before anything is saved
    close_all(qtbot)
    phq9.answer(8, 2)  # still above 0: the same answer, as far as the screen goes
    assert opened_screens == [True] and not open_screens()
    phq9.submit.click()  # "See my result"
    wait_for_tasks()
    assert phq9.saved_result is not None and phq9.saved_result.result.total == 10
    assert opened_screens == [True] and not open_screens(), "shown twice in a row"
    words = " ".join(label.text() for label in phq9.findChildren(QLabel))
    assert "You said that thoughts of hurting yourself came up" in words
    assert "item 9" not in words and "above 0" not in words
    assert phq9.support_button.isVisible()  # still one click away, on request
    phq9.support_button.click()
    assert opened_screens == [True, True] and len(open_screens()) == 1


def test_the_screen_comes_back_when_the_answer_goes_to_0_and_up_again(qtbot, phq9,
                                                                      opened_screens):
    phq9.answer(8, 1)
    close_all(qtbot)
    phq9.answer(8, 0)
    assert opened_screens == [True]
    phq9.answer(8, 3)
    assert opened_screens == [True, True] and len(open_screens()) == 1


def test_a_result_reached_without_the_screen_still_shows_it_once(qtbot, phq9, opened_screens,
                                                                wait_for_tasks):
    for item in range(9):
        phq9.groups[item].button(1).setChecked(True)  # set without a click: no _answered
    phq9.save()
    wait_for_tasks()
    assert opened_screens == [True] and len(open_screens()) == 1


def test_need_help_now_is_one_click_from_every_page_and_keeps_the_page(qtbot, window,
                                                                       desktop):
    workspace = window.workspace
    window.resize(800, 600)
    for index, page in enumerate(workspace.pages):
        workspace.show_page(index)
        assert workspace.help_button.isVisible()
        assert workspace.help_button.visibleRegion().boundingRect().height() == \
            workspace.help_button.height(), "always in view, not scrolled or cut off"
        qtbot.mouseClick(workspace.help_button, Qt.MouseButton.LeftButton)
        screens = open_screens()
        assert len(screens) == 1, type(page).__name__
        assert workspace.stack.currentWidget() is page and workspace.sidebar.currentRow() \
            == index
        assert "You said" not in " ".join(label.text() for label in
                                          screens[0].findChildren(QLabel))
        qtbot.mouseClick(workspace.help_button, Qt.MouseButton.LeftButton)  # no second one
        assert open_screens() == screens
        close_all(qtbot)
    assert "Need help now?" in workspace.help_button.accessibleName()
    assert desktop == []  # opening the screen opens nothing on the desktop


def test_need_help_now_comes_right_after_the_sections_for_the_keyboard(qtbot, window):
    sidebar, help_button = window.workspace.sidebar, window.workspace.help_button
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    sidebar.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(sidebar, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is help_button
    qtbot.keyClick(help_button, Qt.Key.Key_Space)
    assert len(open_screens()) == 1
    close_all(qtbot)


def test_the_screen_stays_through_a_lock(qtbot, window):
    window.workspace.help_button.click()
    [screen] = open_screens()
    window.lock()
    qtbot.wait(20)
    assert window.workspace is None
    assert open_screens() == [screen], "an auto-lock must not take the lines away"
    close_all(qtbot)


def test_the_unlock_screen_opens_the_lines_without_unlocking(qtbot, app, runner, prefs,
                                                             desktop):
    app.close()
    locked = CompanionApp(app.home)
    main = MainWindow(locked, runner, prefs)
    qtbot.addWidget(main)
    main.start()
    main.show()
    screen = main.unlock_screen
    assert screen.help_button.isVisible() and screen.help_button.isEnabled()  # busy or not
    qtbot.waitUntil(lambda: not screen.is_busy, timeout=10_000)
    qtbot.mouseClick(screen.help_button, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    [lines] = open_screens()
    assert main.is_locked and main.workspace is None
    next(b for b in lines.line_buttons() if b.text().startswith("Open ")).click()
    assert desktop and desktop[0].startswith("https://")
    close_all(qtbot)
    main.shutdown()


def test_the_lines_need_no_vault_at_all(qtbot, private_home, runner, prefs):
    """Offline and with nothing unlocked: the shipped list, from a folder with no vault."""
    private_home.mkdir(exist_ok=True)
    main = MainWindow(CompanionApp(private_home), runner, prefs)
    qtbot.addWidget(main)
    main.show()
    main.unlock_screen.help_button.click()
    qtbot.wait(50)
    [lines] = open_screens()
    assert lines.line_buttons()
    assert not (private_home / "vault.db").exists()
    close_all(qtbot)


def test_the_lines_shown_after_item_9_stay_through_a_lock(qtbot, window, app, runner):
    """Opened by an answer from a questionnaire on the Insights page, the screen hung on that
    dialog, and a lock (an auto-lock while on the phone) took the lines away."""
    from ui.pages.insights import InsightsPage

    page = window.workspace.show_page(InsightsPage)
    dialog = page.take_questionnaire(QuestionnaireKind.PHQ9)
    qtbot.waitExposed(dialog)
    dialog.answer(8, 2)
    [screen] = open_screens()
    window.lock()
    qtbot.wait(30)
    assert window.workspace is None
    assert open_screens() == [screen], "the lines shown after item 9 were taken away"
    close_all(qtbot)


@pytest.fixture
def first_run(qtbot, private_home, runner, prefs):  # type: ignore[no-untyped-def]
    """The main window on a folder with no vault: the first-run screens."""
    main = MainWindow(CompanionApp(private_home), runner, prefs)
    qtbot.addWidget(main)
    main.resize(main.minimumSize())
    main.start()
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.shutdown()


def test_need_help_now_is_under_every_first_run_step_and_needs_no_vault(
        qtbot, first_run, private_home, desktop):
    flow = first_run.onboarding
    assert flow is not None
    for step in (flow.welcome, flow.passphrase_step, flow.code_step, flow.finish_step,
                 flow.join_step, flow.waiting_step):
        flow.stack.setCurrentWidget(step)
        qtbot.wait(10)
        assert flow.help_button.isVisible() and flow.help_button.isEnabled()
        assert flow.help_button.visibleRegion().boundingRect().size() == \
            flow.help_button.size(), "in view on the smallest window, not cut off"
        assert layout_problems(first_run) == []
    flow.stack.setCurrentWidget(flow.passphrase_step)
    flow._set_busy(True)  # as while the vault is being created
    assert flow.help_button.isEnabled()
    qtbot.mouseClick(flow.help_button, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    [lines] = open_screens()
    assert lines.line_buttons() and "Need help now?" in flow.help_button.accessibleName()
    assert not first_run.app.vault_exists() and not (private_home / "vault.db").exists()
    assert first_run.onboarding is flow and flow.stack.currentWidget() is flow.passphrase_step
    assert desktop == []  # opening the screen opens nothing on the desktop
    close_all(qtbot)
    flow._set_busy(False)


def test_tab_reaches_need_help_now_after_the_steps_own_controls(qtbot, first_run):
    flow = first_run.onboarding
    assert flow is not None
    first_run.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is first_run)
    flow.start_button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(flow.start_button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is flow.other_computer_button  # the welcome's other way
    qtbot.keyClick(flow.other_computer_button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is flow.help_button
    qtbot.keyClick(flow.help_button, Qt.Key.Key_Return)  # Enter presses it, as Space does
    assert len(open_screens()) == 1
    close_all(qtbot)
    assert flow.stack.currentWidget() is flow.welcome  # the first run goes on where it was
    flow.start_button.click()  # the step with the most controls: it still reads in order
    first_run.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is first_run)
    stops = walk(qtbot, first_run, flow.pass1.edit)
    assert flow.help_button in [stop.widget for stop in stops]
    assert out_of_reading_order(stops) == []
