"""Two (and three) real vaults kept in step by device sync's vault side (docs/protocol.md §11.5):
every change the person makes through the app becomes operations, other devices' batches are
merged and written back, concurrent body edits keep both texts as a conflict, and a hostile
record is refused without touching the vault. The storage between them is stood in for by
handing the encoded batches over (the transport has its own tests)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from companion.app import CompanionApp
from companion.clock import FakeClock
from companion.devices.vault_replica import RoundReport, VaultReplica
from companion.models import CheckInDraft, EntryDraft
from sync.devices.hlc import Clock, Hlc
from sync.devices.ops import Batch, Op, decode_batch, encode_batch
from tests.support.vault_template import copy_of_empty_vault


class Device:
    def __init__(self, home: Path, clock: FakeClock) -> None:
        self.app = copy_of_empty_vault(home, clock)
        self.clock = clock
        self.id = os.urandom(16)
        db = self.app.vault.database
        VaultReplica.set_up(db, self.id)
        self.sync = VaultReplica(db, lambda: int(clock.now().timestamp() * 1000))

    def outgoing(self) -> tuple[Batch | None, list[Op]]:
        """What this device would write to the storage (the batch as another device decodes
        it), after recording the person's changes."""
        self.sync.round()
        ops = self.sync.unsent()
        if not ops:
            return None, []
        return decode_batch(encode_batch(self.id, ops), self.id), ops

    @property
    def journal(self):  # type: ignore[no-untyped-def]
        return self.app.journal

    def entries(self) -> list[tuple[str, str, tuple[str, ...], bool, int | None, bool]]:
        rows = self.app.vault.database.query(
            "SELECT id FROM entries ORDER BY created_us, title")
        found = []
        for (entry_id,) in rows:
            e = self.journal.get(entry_id, include_deleted=True)
            found.append((e.title, e.body, tuple(sorted(e.tags, key=str.casefold)), e.starred,
                          e.mood, e.deleted is not None))
        return found


def exchange(*devices: Device) -> list[RoundReport]:
    """Every device writes what it has; then every device reads every other's batches."""
    sent = [(device, *device.outgoing()) for device in devices]
    reports = []
    for device in devices:
        batches = [batch for other, batch, _ in sent if other is not device and batch]
        reports.append(device.sync.round(batches))
    for device, _, ops in sent:
        device.sync.mark_sent(ops)
    return reports


@pytest.fixture
def pair(tmp_path: Path, clock: FakeClock) -> Iterator[tuple[Device, Device]]:
    other_clock = FakeClock(clock.now())
    a, b = Device(tmp_path / "laptop", clock), Device(tmp_path / "desktop", other_clock)
    yield a, b
    a.app.close()
    b.app.close()


def test_entries_made_on_one_device_appear_on_the_other(pair: tuple[Device, Device]) -> None:
    a, b = pair
    a.journal.add(EntryDraft(title="Walk", body="By the **river**", tags=["Outside", "calm"],
                             mood=4, starred=True))
    a.journal.add(EntryDraft(body="Second"))
    report = exchange(a, b)[1]
    assert report.written == 2 and report.refused == 0
    assert b.entries() == a.entries()
    assert exchange(a, b) == [RoundReport(), RoundReport()]  # nothing left to say


def test_every_kind_of_entry_change_travels(pair: tuple[Device, Device]) -> None:
    a, b = pair
    entry = a.journal.add(EntryDraft(title="T", body="one", tags=["x"]))
    exchange(a, b)
    b_id = b.app.vault.database.query_one("SELECT id FROM entries")[0]
    b.journal.update(b_id, title="New title", tags=["x", "y"], starred=True, mood=2)
    exchange(a, b)
    a.journal.update(entry.id, body="two", tags=["y"])
    a.journal.delete(entry.id)  # to the trash
    exchange(a, b)
    assert b.entries() == a.entries() == [("New title", "two", ("y",), True, 2, True)]
    b.journal.restore(b_id)
    exchange(a, b)
    assert a.entries() == b.entries() == [("New title", "two", ("y",), True, 2, False)]


def test_checkins_travel_with_labels_sleep_and_note(pair: tuple[Device, Device]) -> None:
    a, b = pair
    made = a.app.checkins.add(CheckInDraft(mood=2, energy=3, emotions=["tired", "hopeful"],
                                           activities=["walk"], sleep_hours=7.33, note="ok"))
    exchange(a, b)
    (got,) = b.app.checkins.browse()
    assert (got.mood, got.energy, got.emotions, got.activities, got.sleep_hours, got.note,
            got.at) == (2, 3, ("tired", "hopeful"), ("walk",), 7.33, "ok", made.at)
    b.app.checkins.update(got.id, mood=5, note="better")
    exchange(a, b)
    assert (a.app.checkins.get(made.id).mood, a.app.checkins.get(made.id).note) == (5, "better")


def test_concurrent_body_edits_keep_both_texts(pair: tuple[Device, Device]) -> None:
    a, b = pair
    entry = a.journal.add(EntryDraft(body="base"))
    exchange(a, b)
    b_id = b.app.vault.database.query_one("SELECT id FROM entries")[0]
    a.journal.update(entry.id, body="laptop's words")
    b.clock.advance(seconds=5)  # the desktop's edit is later: its text is shown
    b.journal.update(b_id, body="desktop's words")
    exchange(a, b)
    for device, local in ((a, entry.id), (b, b_id)):
        assert device.journal.get(local).body == "desktop's words"
        assert device.sync.conflicts() == [("entry", local, "body", ["laptop's words"])]
    # The person combines them on the laptop: the conflict ends on both.
    a.sync.resolve("entry", entry.id, "body", "laptop's words\n\ndesktop's words")
    exchange(a, b)
    for device, local in ((a, entry.id), (b, b_id)):
        assert device.journal.get(local).body == "laptop's words\n\ndesktop's words"
        assert device.sync.conflicts() == []


def test_an_edit_after_seeing_the_other_replaces_it_without_conflict(
        pair: tuple[Device, Device]) -> None:
    a, b = pair
    entry = a.journal.add(EntryDraft(body="one"))
    exchange(a, b)
    b_id = b.app.vault.database.query_one("SELECT id FROM entries")[0]
    b.journal.update(b_id, body="two")
    exchange(a, b)
    a.journal.update(entry.id, body="three")
    exchange(a, b)
    assert b.journal.get(b_id).body == "three" and b.sync.conflicts() == []


def test_tags_added_on_both_devices_are_both_kept(pair: tuple[Device, Device]) -> None:
    a, b = pair
    entry = a.journal.add(EntryDraft(body="x", tags=["Work"]))
    exchange(a, b)
    b_id = b.app.vault.database.query_one("SELECT id FROM entries")[0]
    a.journal.update(entry.id, tags=["Work", "home"])
    b.journal.update(b_id, tags=["Work", "garden"])
    exchange(a, b)
    assert a.entries()[0][2] == b.entries()[0][2] == ("garden", "home", "Work")
    assert exchange(a, b) == [RoundReport(), RoundReport()]


def test_a_tag_spelled_differently_in_each_vault_settles(pair: tuple[Device, Device]) -> None:
    a, b = pair
    a.journal.add(EntryDraft(body="a", tags=["work"]))
    b.journal.add(EntryDraft(body="b", tags=["Work"]))
    for _ in range(3):
        exchange(a, b)
    assert exchange(a, b) == [RoundReport(), RoundReport()]  # no tug of war over spelling


def test_three_devices_converge(tmp_path: Path, clock: FakeClock) -> None:
    devices = [Device(tmp_path / name, FakeClock(clock.now())) for name in "abc"]
    try:
        for n, device in enumerate(devices):
            device.journal.add(EntryDraft(title=f"from {n}", body=str(n)))
        exchange(*devices)
        exchange(*devices)
        assert devices[0].entries() == devices[1].entries() == devices[2].entries()
        assert len(devices[0].entries()) == 3
    finally:
        for device in devices:
            device.app.close()


def test_a_hostile_record_is_refused_and_the_vault_kept(pair: tuple[Device, Device]) -> None:
    a, b = pair
    a.journal.add(EntryDraft(body="fine"))
    exchange(a, b)
    before = b.entries()
    liar = Clock(os.urandom(16), lambda: int(b.clock.now().timestamp() * 1000))
    target = os.urandom(16)
    hostile = [Op("set", "entry", target, liar.tick(), "title", "x"),
               Op("edit", "entry", target, liar.tick(), "body", "y"),
               Op("set", "entry", target, liar.tick(), "mood", 99)]
    for name, value in (("starred", False), ("created", "0 0"), ("updated", "0 0"),
                        ("trashed", None)):
        hostile.append(Op("set", "entry", target, liar.tick(), name, value))
    report = b.sync.round([decode_batch(encode_batch(liar.device, hostile), liar.device)])
    assert report.refused == 1 and report.written == 0
    assert b.entries() == before


def test_a_batch_from_a_clock_hours_ahead_is_held(pair: tuple[Device, Device]) -> None:
    a, b = pair
    a.clock.advance(hours=3)
    a.journal.add(EntryDraft(body="from the future"))
    batch, _ = a.outgoing()
    assert batch is not None
    report = b.sync.round([batch])
    assert report.held and report.held[0] >= 2 * 3600 * 1000 and b.entries() == []
    b.clock.advance(hours=3)
    assert b.sync.round([batch]).written == 1


def test_the_state_survives_closing_the_vault(tmp_path: Path, clock: FakeClock,
                                             pair: tuple[Device, Device]) -> None:
    a, b = pair
    entry = a.journal.add(EntryDraft(body="one"))
    exchange(a, b)
    a.journal.update(entry.id, body="two")
    a.sync.round()  # recorded, not sent yet
    a.app.close()
    a.app = CompanionApp(a.app.home, clock=a.clock)
    from tests.support.vault_template import PASSPHRASE
    a.app.unlock(PASSPHRASE)
    a.sync = VaultReplica(a.app.vault.database, lambda: int(a.clock.now().timestamp() * 1000))
    exchange(a, b)
    b_id = b.app.vault.database.query_one("SELECT id FROM entries")[0]
    assert b.journal.get(b_id).body == "two"
    last = a.sync.replica(a.app.vault.database).clock.last
    assert last > Hlc(int((a.clock.now() - timedelta(days=1)).timestamp() * 1000), 0, a.id)


def test_times_before_1970_and_far_ahead_travel(pair: tuple[Device, Device]) -> None:
    a, b = pair
    tz = a.clock.now().tzinfo
    for year in (1, 1969, 9999):
        a.journal.add(EntryDraft(body=str(year), at=datetime(year, 6, 1, 12, tzinfo=tz)))
    exchange(a, b)
    assert [e[1] for e in b.entries()] == ["1", "1969", "9999"]


def test_questionnaire_results_travel_and_a_forged_one_is_refused(
        pair: tuple[Device, Device]) -> None:
    from companion.questionnaires import score

    a, b = pair
    saved = a.app.questionnaires.save(score("phq9", [1, 2, 0, 1, 3, 0, 1, 2, 1], 1))
    exchange(a, b)
    (got,) = b.app.questionnaires.history("phq9")
    assert (got.result.answers, got.result.total, got.result.followup, got.taken_at) == (
        saved.result.answers, saved.result.total, 1, saved.taken_at)
    a.app.questionnaires.delete(saved.id)
    exchange(a, b)
    assert b.app.questionnaires.history("phq9") == []
    liar = Clock(os.urandom(16), lambda: int(b.clock.now().timestamp() * 1000))
    target = os.urandom(16)
    forged = [Op("set", "questionnaire", target, liar.tick(), name, value)
              for name, value in (("kind", "phq9"), ("taken", "0 0"),
                                  ("answers", "[9,9,9,9,9,9,9,9,9]"),
                                  ("followup", None), ("trashed", None))]
    report = b.sync.round([decode_batch(encode_batch(liar.device, forged), liar.device)])
    assert report.refused == 1 and b.app.questionnaires.history("phq9") == []


def test_a_tag_renamed_on_one_device_is_renamed_on_the_other(
        pair: tuple[Device, Device]) -> None:
    a, b = pair
    a.journal.add(EntryDraft(body="one", tags=["walks"]))
    a.journal.add(EntryDraft(body="two", tags=["walks", "calm"]))
    exchange(a, b)
    a.journal.rename_tag("walks", "outside")
    exchange(a, b)
    assert sorted(e[2] for e in b.entries()) == [("calm", "outside"), ("outside",)]
    assert {t.name for t in b.journal.tags()} == {"outside", "calm"}
