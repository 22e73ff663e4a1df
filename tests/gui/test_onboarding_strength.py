"""Onboarding's strength meter refuses the app's own example, and says why (issue 17, item 5)."""

from __future__ import annotations

from companion.app import CompanionApp
from companion.passphrase import EXAMPLE_PASSPHRASE
from ui.main_window import MainWindow


def test_the_example_passphrase_is_refused_with_a_reason(qtbot, private_home, runner, prefs):
    main = MainWindow(CompanionApp(private_home), runner, prefs)
    qtbot.addWidget(main)
    main.start()
    flow = main.onboarding
    assert flow is not None
    flow.start_button.click()
    flow.pass1.edit.setText(EXAMPLE_PASSPHRASE)
    flow.pass2.edit.setText(EXAMPLE_PASSPHRASE)
    assert not flow.create_button.isEnabled()
    assert "Companion's own words" in flow.meter.label.text()
    assert "stronger passphrase" in flow.create_reason.text()
    flow.pass1.edit.setText("quiet river copper tulip")
    flow.pass2.edit.setText("quiet river copper tulip")
    assert flow.create_button.isEnabled()
