"""A computer waiting to be let in can give up its join (companion/devices/setup_undo.py):
the group it asked to join is forgotten in one transaction, its journal stays as it was, and
device sync can be set up again, as a first computer or with a new code. Real vaults through
the facade, a real folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from companion.app import CompanionApp
from companion.clock import FakeClock
from companion.errors import InvalidInput
from companion.models import CheckInDraft, EntryDraft
from tests.support.vault_template import copy_of_empty_vault

DEVICE_TABLES = ("device_self", "device_ops", "device_records", "device_join_requests",
                 "device_checkpoint", "device_inbox")


@pytest.fixture
def laptop(app: CompanionApp) -> CompanionApp:
    return app


@pytest.fixture
def desktop(tmp_path: Path, clock: FakeClock) -> Iterator[CompanionApp]:
    other = copy_of_empty_vault(tmp_path / "desktop", FakeClock(clock.now()))
    yield other
    other.close()


def _folder(tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.mkdir()
    return f"folder:{path}"


def _journal(app: CompanionApp) -> list[tuple[str, str]]:
    return sorted((e.title, e.body) for e in app.journal.browse())


def _rows(app: CompanionApp, table: str) -> int:
    return int(app.vault.database.query_one(f"SELECT count(*) FROM {table}")[0])


def test_a_join_through_the_wrong_folder_is_given_up_and_made_again(
        laptop: CompanionApp, desktop: CompanionApp, tmp_path: Path) -> None:
    shared, wrong = _folder(tmp_path, "shared"), _folder(tmp_path, "wrong")
    laptop.journal.add(EntryDraft(title="Laptop", body="written on the laptop"))
    laptop.devices.start(shared, "Laptop")
    laptop.sync_devices()
    desktop.journal.add(EntryDraft(title="Desktop", body="written on the desktop"))
    desktop.checkins.add(CheckInDraft(mood=4, note="fine"))
    desktop.join_devices(laptop.devices.pairing_code(), "Desktop", wrong)
    desktop.sync_devices()  # a round while it waits records its journal as operations
    assert _rows(desktop, "device_ops") > 0
    journal = _journal(desktop)

    desktop.cancel_device_join()

    assert desktop.devices.row() is None
    assert desktop.vault.database.query("SELECT kind FROM circles") == []
    assert _journal(desktop) == journal  # nothing else changes
    assert [c.note for c in desktop.checkins.browse()] == ["fine"]
    for table in DEVICE_TABLES:
        assert _rows(desktop, table) == 0, table
    # Set up again, this time through the right folder, with a new code: let in, it gets
    # the laptop's journal and sends its own.
    desktop.join_devices(laptop.devices.pairing_code(), "Desktop", shared)
    laptop.sync_devices()
    assert [ask.name for ask in laptop.devices.asking()] == ["Desktop"]
    assert laptop.devices.asking()[0].safety_number == desktop.devices.joining_safety_number()
    laptop.devices.decide("Desktop", allow=True)
    laptop.sync_devices()
    desktop.sync_devices()
    laptop.sync_devices()
    assert desktop.devices.status().state == "active"
    both = [("Desktop", "written on the desktop"), ("Laptop", "written on the laptop")]
    assert _journal(desktop) == _journal(laptop) == both


def test_a_computer_that_gave_up_can_be_the_first_one(desktop: CompanionApp,
                                                      laptop: CompanionApp,
                                                      tmp_path: Path) -> None:
    shared = _folder(tmp_path, "shared")
    laptop.devices.start(shared, "Laptop")
    desktop.join_devices(laptop.devices.pairing_code(), "Desktop", shared)
    desktop.cancel_device_join()
    desktop.devices.start(_folder(tmp_path, "own"), "Desktop")
    desktop.journal.add(EntryDraft(body="after"))
    assert desktop.sync_devices().merged.sent_ops >= 1
    assert desktop.devices.status().state == "active"


def test_only_a_waiting_join_can_be_given_up(laptop: CompanionApp, desktop: CompanionApp,
                                             tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not set up"):
        laptop.cancel_device_join()
    shared = _folder(tmp_path, "shared")
    laptop.devices.start(shared, "Laptop")
    laptop.journal.add(EntryDraft(body="kept"))
    laptop.sync_devices()
    with pytest.raises(InvalidInput, match="no longer waiting"):
        laptop.cancel_device_join()  # the first computer: in the group, nothing to cancel
    row = laptop.devices.row()
    assert row is not None and row.status == "active"
    assert _rows(laptop, "device_self") == 1 and _rows(laptop, "device_ops") > 0
    desktop.join_devices(laptop.devices.pairing_code(), "Desktop", shared)
    laptop.sync_devices()
    laptop.devices.decide("Desktop", allow=True)
    laptop.sync_devices()
    desktop.sync_devices()
    with pytest.raises(InvalidInput, match="no longer waiting"):
        desktop.cancel_device_join()  # let in meanwhile: removing it is the way out
    assert desktop.devices.status().state == "active"
