"""One failure policy: the task runner reports every bug before any handler runs, handlers see
only user errors, and the message that a report was saved appears only when one was."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from companion.errors import InvalidInput, ReportedBug, UserError
from ui.errors import BugReporter
from ui.tasks import TaskRunner

CANARY = "zebra-lantern-canary-4471"


@pytest.fixture
def reporter(private_home: Path, runner: TaskRunner) -> BugReporter:
    bugs = BugReporter(private_home)
    bugs.show_dialogs = False
    runner.report_bug = bugs.record
    runner.unhandled = bugs.report
    return bugs


def _failure_of(runner: TaskRunner, wait_for_tasks, fn) -> BaseException:  # type: ignore[no-untyped-def]
    seen: list[BaseException] = []
    runner.run(fn, None, seen.append)
    wait_for_tasks()
    assert len(seen) == 1
    return seen[0]


def _bug() -> None:
    raise RuntimeError(f"{CANARY} in the message of a bug")


def test_a_bug_is_reported_before_the_handler_which_is_told_where(runner, reporter,
                                                                  wait_for_tasks):
    seen = _failure_of(runner, wait_for_tasks, _bug)
    assert isinstance(seen, ReportedBug)
    assert len(reporter.reports) == 1 and seen.report == reporter.reports[0]
    assert seen.report.exists() and CANARY not in seen.report.read_text()
    assert str(seen) == ("Something went wrong inside Companion (a bug). A report without your "
                         f"content was saved in {seen.report}.")
    assert CANARY not in str(seen)


def test_the_same_bug_twice_points_to_its_one_report(runner, reporter, wait_for_tasks):
    first = _failure_of(runner, wait_for_tasks, _bug)
    second = _failure_of(runner, wait_for_tasks, _bug)
    assert isinstance(first, ReportedBug) and isinstance(second, ReportedBug)
    assert first.report == second.report and len(reporter.reports) == 1


def test_a_user_error_reaches_its_handler_as_it_is_and_writes_no_report(runner, reporter,
                                                                       wait_for_tasks,
                                                                       private_home):
    error = InvalidInput("That mood is not between 1 and 5.")

    def fail() -> None:
        raise error

    assert _failure_of(runner, wait_for_tasks, fail) is error
    assert reporter.reports == []
    assert not (private_home / "crash-reports").exists()


@pytest.mark.parametrize(("code", "expected"), [
    (errno.EACCES, "Cannot use /some/where: Permission denied. Check the path and its "
                   "permissions."),
    (errno.ENOSPC, "The disk is full"),
    (errno.EIO, "The disk failed to read or write /some/where (an input/output error), so "
                "what this was writing may not have been written."),
])
def test_known_os_errors_become_user_errors_without_a_report(runner, reporter, wait_for_tasks,
                                                            code, expected):
    def fail() -> None:
        raise OSError(code, os.strerror(code), "/some/where")

    seen = _failure_of(runner, wait_for_tasks, fail)
    assert isinstance(seen, UserError) and not isinstance(seen, ReportedBug)
    assert str(seen).startswith(expected)
    assert reporter.reports == []


def test_when_no_report_can_be_written_the_message_says_so(runner, reporter, wait_for_tasks,
                                                          private_home):
    private_home.mkdir(parents=True, exist_ok=True)
    (private_home / "crash-reports").write_text("a file where the folder would go")
    seen = _failure_of(runner, wait_for_tasks, _bug)
    assert isinstance(seen, ReportedBug) and seen.report is None
    assert str(seen) == ("Something went wrong inside Companion (a bug). No report could be "
                         "saved.")
    assert "report without your content was saved" not in str(seen)


def test_a_bug_with_no_handler_is_reported_and_shown_once(qtbot, runner, reporter,
                                                          wait_for_tasks):
    reporter.show_dialogs = True
    runner.run(_bug)
    runner.run(_bug)
    wait_for_tasks()
    qtbot.waitUntil(lambda: reporter.dialogs_shown == 1)
    assert len(reporter.reports) == 1
    qtbot.wait(50)
    assert reporter.dialogs_shown == 1
    for box in QApplication.topLevelWidgets():
        if isinstance(box, QMessageBox):
            assert str(reporter.reports[0]) in box.text()
            box.close()


def test_the_inline_runner_applies_the_same_policy(reporter, private_home):
    from ui.tasks import InlineTaskRunner

    inline = InlineTaskRunner()
    inline.report_bug = reporter.record
    seen: list[BaseException] = []
    inline.run(_bug, None, seen.append)
    assert isinstance(seen[0], ReportedBug) and seen[0].report is not None


def test_garbage_is_collected_on_the_gui_thread_only():
    """ui/gc_guard.py: automatic collection is off while the guard runs, and its check
    collects once the counts pass the thresholds (here on the test's own thread)."""
    import gc

    from ui.gc_guard import GuiThreadGarbageCollector

    collector = GuiThreadGarbageCollector()
    try:
        assert not gc.isenabled()
        for _ in range(collector.threshold[0] + 10):
            cycle: list[object] = []
            cycle.append(cycle)
        assert gc.get_count()[0] > collector.threshold[0]
        collector.check()
        assert gc.get_count()[0] < collector.threshold[0]
    finally:
        collector.stop()
    assert gc.isenabled()
