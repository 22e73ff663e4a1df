"""Two and three computers (homes) keep one journal in step through a shared folder: pairing
with a one-time code, the history a new device cannot read reaching it as a snapshot, edits
both ways, concurrent edits kept, hostile batches refused, and the group never shown as a
circle. Real vaults, the real circle engine, a real folder (docs/protocol.md §11)."""

from __future__ import annotations

import base64
import os
import random
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from companion.app import CompanionApp
from companion.clock import FakeClock
from companion.devices.group import DeviceGroup, invite_of
from companion.errors import InvalidInput
from companion.models import CheckInDraft, EntryDraft
from sync.crypto import SystemRandomness
from sync.engine import Engine
from sync.identity import Identity
from sync.invite import parse_invite, seal_refusal
from sync.storage_spec import StorageSpec, build_transport
from sync.transport import Transport
from sync.webdav_address import WebDavCredentials
from tests.support.vault_template import copy_of_empty_vault
from tests.support.webdav_server import WebDavServer


def _transport(row) -> Transport:  # type: ignore[no-untyped-def]
    credentials = (WebDavCredentials(row.webdav_user, row.webdav_password)
                   if row.webdav_user else None)
    return build_transport(StorageSpec.from_dict({"kind": row.storage_kind,
                                                  "location": row.storage_location}),
                           credentials)


class Computer:
    def __init__(self, home: Path, clock: FakeClock) -> None:
        self.app: CompanionApp = copy_of_empty_vault(home, clock)
        self.clock = clock
        db = self.app.vault.database
        engine = Engine(db, lambda: int(clock.now().timestamp() * 1_000_000))
        self.devices = DeviceGroup(db, clock, engine, _transport)

    def bodies(self) -> list[str]:
        return sorted(body for (body,) in self.app.vault.database.query(
            "SELECT body FROM entries"))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shared = tmp_path / "shared"
    shared.mkdir()
    return shared


def ask_to_join(first: Computer, second: Computer, folder: Path, name: str = "Desktop",
                code: str | None = None) -> None:
    """`second` asks to join `first`'s group through `folder` (set up there if need be), with
    a fresh pairing code unless one is given."""
    if first.devices.row() is None:
        first.devices.start(f"folder:{folder}", "Laptop")
    code = code if code is not None else first.devices.pairing_code()
    with build_transport(StorageSpec.from_dict({"kind": "folder",
                                                "location": str(folder)})) as transport:
        second.devices.join(code, name, f"folder:{folder}", transport)


def pair(first: Computer, second: Computer, folder: Path, name: str = "Desktop") -> None:
    ask_to_join(first, second, folder, name)
    first.devices.sync()  # sees it asking
    (asking,) = first.devices.asking()
    assert asking.safety_number == second.devices.joining_safety_number()
    first.devices.decide(asking.name, allow=True)  # the person compared the numbers
    first.devices.sync()  # lets the new device in, sends it a snapshot
    second.devices.sync()  # welcomed; reads the snapshot


@pytest.fixture
def two(tmp_path: Path, clock: FakeClock, folder: Path) -> Iterator[tuple[Computer, Computer]]:
    a = Computer(tmp_path / "laptop", clock)
    b = Computer(tmp_path / "desktop", FakeClock(clock.now()))
    yield a, b
    a.app.close()
    b.app.close()


def test_a_new_device_gets_the_journal_written_before_it_joined(
        two: tuple[Computer, Computer], folder: Path) -> None:
    a, b = two
    a.devices.start(f"folder:{folder}", "Laptop")
    for n in range(30):
        a.app.journal.add(EntryDraft(title=f"t{n}", body=f"entry {n}", tags=["old"]))
    a.app.checkins.add(CheckInDraft(mood=4, note="fine"))
    a.devices.sync()  # sent to the storage before the desktop existed
    pair(a, b, folder)
    assert b.bodies() == a.bodies() and len(b.bodies()) == 30
    assert [c.note for c in b.app.checkins.browse()] == ["fine"]


def test_edits_travel_both_ways_and_stay_put(two: tuple[Computer, Computer],
                                             folder: Path) -> None:
    a, b = two
    pair(a, b, folder)
    a.app.journal.add(EntryDraft(body="from the laptop"))
    a.devices.sync()
    b.devices.sync()
    b.app.journal.add(EntryDraft(body="from the desktop"))
    (entry,) = [e for e in b.app.journal.browse() if e.body == "from the laptop"]
    b.app.journal.update(entry.id, body="from the laptop, edited on the desktop")
    b.devices.sync()
    a.devices.sync()
    assert a.bodies() == b.bodies() == ["from the desktop",
                                        "from the laptop, edited on the desktop"]
    quiet = a.devices.sync()
    assert quiet.merged.written == 0 and quiet.merged.sent_ops == 0


def test_concurrent_edits_through_the_folder_keep_both(two: tuple[Computer, Computer],
                                                       folder: Path) -> None:
    a, b = two
    pair(a, b, folder)
    made = a.app.journal.add(EntryDraft(body="base"))
    a.devices.sync()
    b.devices.sync()
    (other,) = b.app.journal.browse()
    a.app.journal.update(made.id, body="laptop")
    b.clock.advance(seconds=1)
    b.app.journal.update(other.id, body="desktop")
    a.devices.sync()
    b.devices.sync()
    a.devices.sync()
    assert a.bodies() == b.bodies() == ["desktop"]
    assert [c[3] for c in a.devices.replica.conflicts()] == [["laptop"]]
    assert [c[3] for c in b.devices.replica.conflicts()] == [["laptop"]]


def test_three_devices(tmp_path: Path, clock: FakeClock, folder: Path) -> None:
    a, b, c = (Computer(tmp_path / n, FakeClock(clock.now())) for n in "abc")
    try:
        a.app.journal.add(EntryDraft(body="a0"))
        pair(a, b, folder)
        b.app.journal.add(EntryDraft(body="b0"))
        b.devices.sync()
        pair(a, c, folder)
        c.app.journal.add(EntryDraft(body="c0"))
        for _ in range(2):
            for computer in (a, b, c):
                computer.devices.sync()
        assert a.bodies() == b.bodies() == c.bodies() == ["a0", "b0", "c0"]
    finally:
        for computer in (a, b, c):
            computer.app.close()


def test_the_group_is_not_a_circle(two: tuple[Computer, Computer], folder: Path) -> None:
    a, b = two
    pair(a, b, folder)
    assert a.app.circles.rows() == [] and b.app.circles.rows() == []


def test_codes_are_not_interchangeable(two: tuple[Computer, Computer], folder: Path) -> None:
    a, b = two
    a.app.circles.create("Friends", f"folder:{folder}", "Ann")
    circle_code = a.app.circles.invite(a.app.circles.find("Friends")).code()
    with pytest.raises(InvalidInput, match="not a pairing code"):
        invite_of(circle_code)
    a.devices.start(f"folder:{folder}", "Laptop")
    device_code = a.devices.pairing_code()
    with pytest.raises(InvalidInput):
        b.app.circles.join(device_code, "Bob", f"folder:{folder}")


def test_a_broken_batch_is_refused_and_counted(two: tuple[Computer, Computer],
                                               folder: Path) -> None:
    a, b = two
    pair(a, b, folder)
    row = a.devices.row()
    assert row is not None
    from sync import actions
    from sync.crypto import b64
    with a.app.vault.database.transaction() as cur:  # a device of the group, lying
        actions.queue(a.devices.engine, cur, row, "ops", {"batch": b64(os.urandom(300))})
    a.devices.sync()
    before = b.bodies()
    report = b.devices.sync()
    assert report.refused_batches == 1 and b.bodies() == before


CANARY = "zebra-canary-7f3a9c"


def test_two_computers_through_webdav_and_nothing_readable_on_it(
        two: tuple[Computer, Computer], webdav_server: WebDavServer) -> None:
    a, b = two
    url = webdav_server.url_for("devices")
    creds = {"webdav_user": webdav_server.user, "webdav_password": webdav_server.password}
    a.devices.start(f"webdav:{url}", "Laptop", **creds)
    a.app.journal.add(EntryDraft(title=CANARY, body=f"{CANARY} body", tags=[CANARY]))
    a.app.checkins.add(CheckInDraft(mood=3, note=CANARY, emotions=[CANARY]))
    a.devices.sync()
    code = a.devices.pairing_code()
    with build_transport(StorageSpec.from_dict({"kind": "webdav", "location": url}),
                         WebDavCredentials(webdav_server.user,
                                           webdav_server.password)) as transport:
        b.devices.join(code, "Desktop", f"webdav:{url}", transport, **creds)
    a.devices.sync()
    a.devices.decide("Desktop", allow=True)
    a.devices.sync()
    b.devices.sync()
    assert b.bodies() == [f"{CANARY} body"]
    (entry,) = b.app.journal.browse()
    b.app.journal.update(entry.id, body="changed on the desktop")
    b.devices.sync()
    a.devices.sync()
    assert a.bodies() == ["changed on the desktop"]
    stored = [p for p in webdav_server.root.rglob("*") if p.is_file()]
    assert stored
    for path in stored:
        data = path.read_bytes()
        assert CANARY.encode() not in data and b"changed on the desktop" not in data, path


def test_a_long_entry_travels_compressed(two: tuple[Computer, Computer],
                                        folder: Path) -> None:
    """Words compress: an entry of 600,000 bytes fits a message of 180,000."""
    a, b = two
    pair(a, b, folder)
    long_body = " ".join(f"line {n} of a long letter" for n in range(25_000))
    assert len(long_body) > 600_000
    a.app.journal.add(EntryDraft(body=long_body))
    assert a.devices.sync().too_large == 0
    b.devices.sync()
    assert b.bodies() == [long_body]


def test_an_entry_too_large_for_a_message_stays_and_is_reported(
        two: tuple[Computer, Computer], folder: Path) -> None:
    a, b = two
    pair(a, b, folder)
    # Random letters compress to about three quarters: still over a message's 180,000 bytes.
    noise = base64.b64encode(random.Random(7).randbytes(240_000)).decode()
    a.app.journal.add(EntryDraft(body=noise))
    a.app.journal.add(EntryDraft(body="small"))
    report = a.devices.sync()
    assert report.too_large == 1
    b.devices.sync()
    assert "small" in b.bodies() and len(b.bodies()) == 1  # the rest of it travelled
    assert a.devices.sync().too_large == 1  # said again each round, never dropped
    assert a.devices.status().changes_waiting == 1


def test_a_computer_is_let_in_only_when_the_person_allows_it(
        two: tuple[Computer, Computer], folder: Path) -> None:
    """Whoever intercepts a pairing code can ask to join, and gets nothing: not the journal,
    not the group's key, until the person compares the safety numbers and allows it."""
    a, b = two
    a.devices.start(f"folder:{folder}", "Laptop")
    a.app.journal.add(EntryDraft(body="private"))
    a.devices.sync()
    ask_to_join(a, b, folder, "Eavesdropper")
    for _ in range(3):
        a.devices.sync()
        b.devices.sync()
    assert b.devices.status().state == "joining" and b.bodies() == []
    assert [ask.name for ask in a.devices.asking()] == ["Eavesdropper"]
    a.devices.decide("Eavesdropper", allow=False)  # the numbers did not match
    for _ in range(2):
        a.devices.sync()
        b.devices.sync()
    assert b.devices.status().state == "joining" and b.bodies() == []
    assert b.devices.status().refused  # told, by a refusal only the laptop could sign
    assert a.devices.asking() == []
    assert [d.name for d in a.devices.devices()] == ["Laptop"]


def test_a_computer_that_asked_can_be_allowed_after_the_codes_hour(
        two: tuple[Computer, Computer], folder: Path, clock: FakeClock) -> None:
    """The code lives an hour, but once a computer has asked with it the code is that
    computer's alone: the person may compare the numbers and allow it later."""
    a, b = two
    a.devices.start(f"folder:{folder}", "Laptop")
    a.app.journal.add(EntryDraft(body="history"))
    ask_to_join(a, b, folder, "Desktop")
    a.devices.sync()
    for computer_clock in (clock, b.clock):
        computer_clock.advance(hours=5)
    a.devices.decide("Desktop", allow=True)
    a.devices.sync()
    b.devices.sync()
    assert b.devices.status().state == "active" and b.bodies() == ["history"]


def test_a_code_nobody_asked_with_expires_after_its_hour(
        two: tuple[Computer, Computer], folder: Path, clock: FakeClock) -> None:
    a, b = two
    a.devices.start(f"folder:{folder}", "Laptop")
    code = a.devices.pairing_code()
    clock.advance(hours=2)
    b.clock.advance(hours=2)
    with build_transport(StorageSpec.from_dict({"kind": "folder",
                                                "location": str(folder)})) as transport:
        b.devices.join(code, "Desktop", f"folder:{folder}", transport)
    a.devices.sync()
    assert a.devices.asking() == []  # too late: the laptop no longer reads it


def test_a_refusal_not_signed_by_the_inviting_computer_is_refused(
        two: tuple[Computer, Computer], folder: Path) -> None:
    """Someone who can write to the storage (and even knows the code) cannot make a waiting
    computer believe it was refused: only the inviting computer's key signs a refusal."""
    a, b = two
    a.devices.start(f"folder:{folder}", "Laptop")
    ask_to_join(a, b, folder, "Desktop")
    row = b.devices.row()
    assert row is not None
    invite = parse_invite(row.invite_code)
    forger = Identity.generate(SystemRandomness())
    forged = seal_refusal(replace(invite, admin=forger.public), forger,
                          row.identity.public, SystemRandomness())
    with build_transport(StorageSpec.from_dict({"kind": "folder",
                                                "location": str(folder)})) as transport:
        assert transport.write_once(invite.welcome_name, forged)
    report = b.devices.sync()
    assert not b.devices.status().refused and b.devices.status().state == "joining"
    assert report.engine.rejected_total == 1


def test_a_crash_between_letting_in_and_the_snapshot_only_delays_it(
        two: tuple[Computer, Computer], folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = two
    a.devices.start(f"folder:{folder}", "Laptop")
    a.app.journal.add(EntryDraft(body="history"))
    ask_to_join(a, b, folder, "Desktop")
    a.devices.sync()
    a.devices.decide("Desktop", allow=True)

    def crash(_row):  # type: ignore[no-untyped-def]
        raise RuntimeError("killed after the welcome")

    monkeypatch.setattr(a.devices, "_greet", crash)
    with pytest.raises(RuntimeError):
        a.devices.sync()
    monkeypatch.undo()
    a.devices.sync()
    b.devices.sync()
    assert b.bodies() == ["history"]


def test_a_removed_computer_reads_nothing_new_and_changes_nothing(
        two: tuple[Computer, Computer], folder: Path) -> None:
    a, b = two
    pair(a, b, folder)
    assert sorted(d.name for d in b.devices.devices()) == ["Desktop", "Laptop"]
    b.devices.sync()  # the desktop learns it is an admin too
    a.devices.remove("Desktop")
    a.devices.sync()
    b.app.journal.add(EntryDraft(body="written on the lost desktop"))
    b.devices.sync()
    a.app.journal.add(EntryDraft(body="after the removal"))
    a.devices.sync()
    b.devices.sync()
    a.devices.sync()
    assert a.bodies() == ["after the removal"]
    assert "after the removal" not in b.bodies()
    assert [d.name for d in a.devices.devices() if d.active] == ["Laptop"]
    with pytest.raises(InvalidInput, match="No single other computer"):
        a.devices.remove("Desktop")
    assert b.devices.status().state == "removed"
    with pytest.raises(InvalidInput, match="was removed from your devices"):
        b.devices.start(f"folder:{folder}", "Desktop")


def test_a_computer_that_gave_up_and_asked_again_is_asked_about_once(
        two: tuple[Computer, Computer], folder: Path) -> None:
    """Cancelled, then asked again with a new code under the same name: the older request is
    refused, so the person decides about one computer called Desktop, not two."""
    a, b = two
    a.devices.start(f"folder:{folder}", "Laptop")
    a.app.journal.add(EntryDraft(body="history"))
    ask_to_join(a, b, folder)
    a.devices.sync()
    b.app.cancel_device_join()
    b.devices = b.app.devices
    ask_to_join(a, b, folder)
    a.devices.sync()
    (asking,) = a.devices.asking()
    assert asking.safety_number == b.devices.joining_safety_number()
    a.devices.decide("Desktop", allow=True)
    a.devices.sync()
    b.devices.sync()
    assert b.devices.status().state == "active" and b.bodies() == ["history"]


def test_the_device_a_computer_was_let_in_by_can_be_removed_by_it(
        two: tuple[Computer, Computer], folder: Path) -> None:
    """Every device is an admin: the second computer can remove the first (a lost laptop)."""
    a, b = two
    pair(a, b, folder)
    a.devices.sync()
    b.devices.sync()
    b.devices.remove("Laptop")
    b.devices.sync()
    a.devices.sync()
    assert [d.name for d in b.devices.devices() if d.active] == ["Desktop"]


def test_the_facade_reports_conflicts_and_resolves_them(tmp_path: Path, clock: FakeClock,
                                                        folder: Path) -> None:
    """Through CompanionApp, as the desktop app uses it: a sync tells the pages, a conflict is
    listed with both texts, and keeping one ends it on both computers."""
    laptop = copy_of_empty_vault(tmp_path / "l", clock)
    desktop = copy_of_empty_vault(tmp_path / "d", FakeClock(clock.now()))
    try:
        told: list[object] = []
        desktop.subscribe(told.append)
        laptop.devices.start(f"folder:{folder}", "Laptop")
        made = laptop.journal.add(EntryDraft(title="Walk", body="base"))
        code = laptop.devices.pairing_code()
        with build_transport(StorageSpec.from_dict({"kind": "folder",
                                                    "location": str(folder)})) as transport:
            desktop.devices.join(code, "Desktop", f"folder:{folder}", transport)
        laptop.sync_devices()
        laptop.devices.decide("Desktop", allow=True)
        laptop.sync_devices()
        desktop.sync_devices()
        assert told and getattr(told[-1], "entries", False)
        (there,) = desktop.journal.browse()
        laptop.journal.update(made.id, body="laptop")
        desktop.clock.advance(seconds=1)  # type: ignore[attr-defined]
        desktop.journal.update(there.id, body="desktop")
        laptop.sync_devices()
        desktop.sync_devices()
        laptop.sync_devices()
        (conflict,) = desktop.device_conflicts()
        assert (conflict.title, conflict.shown, conflict.others) == ("Walk", "desktop",
                                                                      ("laptop",))
        desktop.resolve_device_conflict(conflict.entry_id, "laptop")
        desktop.sync_devices()
        laptop.sync_devices()
        assert laptop.device_conflicts() == desktop.device_conflicts() == []
        assert laptop.journal.get(made.id).body == "laptop"
    finally:
        laptop.close()
        desktop.close()


def test_a_computer_away_for_weeks_catches_up(two: tuple[Computer, Computer],
                                               folder: Path) -> None:
    """The desktop stays off for ten weeks while the laptop writes, syncs, and lets in and
    removes a third computer (new epochs); back, it reads everything and sends what it wrote
    offline."""
    a, b = two
    pair(a, b, folder)
    b.app.journal.add(EntryDraft(body="written offline on the desktop"))
    c = Computer(a.app.home.parent / "third", a.clock)
    try:
        for week in range(10):
            a.clock.advance(days=7)
            a.app.journal.add(EntryDraft(body=f"week {week}"))
            a.devices.sync()
            if week == 3:
                pair(a, c, folder, "Old netbook")
            if week == 5:
                a.devices.remove("Old netbook")
                a.devices.sync()
        b.clock.advance(days=70)
        b.devices.sync()
        b.devices.sync()
        a.devices.sync()
        assert b.bodies() == a.bodies()
        assert len(a.bodies()) == 11 and "written offline on the desktop" in a.bodies()
        row = b.devices.row()
        assert row is not None and row.forget_after_days == 180
    finally:
        c.app.close()


def test_hostile_files_on_the_storage_are_refused_and_counted(
        two: tuple[Computer, Computer], folder: Path) -> None:
    a, b = two
    pair(a, b, folder)
    a.app.journal.add(EntryDraft(body="before the attack"))
    a.devices.sync()
    objects = sorted(p for p in folder.rglob("*") if p.is_file())
    assert objects
    # Someone with write access to the storage: junk beside the real objects, one object
    # overwritten with random bytes of its size, one emptied.
    for n, path in enumerate(objects[:3]):
        (path.parent / f"zz-junk-{n}").write_bytes(os.urandom(2048))
    victim = max(objects, key=lambda p: p.stat().st_mtime_ns)  # the newest: not read yet
    size = victim.stat().st_size
    victim.write_bytes(os.urandom(size))
    report = b.devices.sync()
    assert report.engine.rejected_total >= 1
    b.app.journal.add(EntryDraft(body="after the attack"))
    b.devices.sync()
    a.devices.sync()
    assert "after the attack" in a.bodies()


def test_the_storage_stays_bounded_as_history_grows(two: tuple[Computer, Computer],
                                                    folder: Path) -> None:
    """Every message both computers have read is removed by its writer (but the newest 50,
    which the rollback check reads back): the number of objects stops growing, and both
    journals stay whole."""
    from sync.engine import ROLLBACK_WINDOW

    a, b = two
    pair(a, b, folder)
    made = a.app.journal.add(EntryDraft(body="day 0"))
    counts = []
    for day in range(1, 301):
        a.app.journal.update(made.id, body=f"day {day}")
        if day % 3 == 0:
            b.app.journal.add(EntryDraft(body=f"desktop {day}"))
        a.devices.sync()
        b.devices.sync()
        if day % 100 == 0:
            counts.append(len([p for p in folder.rglob("*") if p.is_file()]))
    # Without pruning: 300 of the laptop's and 100 of the desktop's, and growing.
    assert counts[1] == counts[2] and counts[2] <= 2 * ROLLBACK_WINDOW + 20, counts
    a.devices.sync()
    assert a.bodies() == b.bodies() and "day 300" in a.bodies() and len(a.bodies()) == 101
    # A third computer let in now still gets everything (from a snapshot, not the history).
    c = Computer(a.app.home.parent / "third", FakeClock(a.clock.now()))
    try:
        pair(a, c, folder, "Tablet")
        assert c.bodies() == a.bodies()
    finally:
        c.app.close()
