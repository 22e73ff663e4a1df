"""Names close to another member's carry the short fingerprint wherever people see them: the
facade's member list, the feed, notifications and the status line, and the CLI's members,
feed, sync, verify and remove output. "Ann" and "Anne" may both be in a circle (neither could
pass for the other), but nobody should have to guess which one wrote what."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from companion.clock import FakeClock
from tests.conftest import CliResult
from tests.sync.circle_helpers import Member, everyone_syncs, join, make_member


@dataclass
class Circle:
    ann: Member
    anne: Member
    cat: Member
    shared: Path

    def fingerprint(self, name: str) -> str:
        roster = self.cat.circles.roster(self.cat.row)
        [member] = [m for m in roster.members.values() if m.name == name]
        return member.public.short_fingerprint


@pytest.fixture
def circle(tmp_path: Path, clock: FakeClock) -> Iterator[Circle]:
    """Ann's circle with Bob, who calls himself "Anne", and Cat. The clock starts now: the
    CLI runs on the real one, and an invite made on the fake one must not have expired."""
    clock.set(datetime.now(UTC))
    shared = tmp_path / "shared"
    shared.mkdir()
    ann, anne, cat = (make_member(tmp_path, n, clock) for n in ("Ann", "Bob", "Cat"))
    ann.circles.create("Friends", f"folder:{shared}", "Ann")
    join(ann, anne, f"folder:{shared}", "Anne")
    join(ann, cat, f"folder:{shared}")
    everyone_syncs(ann, anne, cat)
    try:
        yield Circle(ann, anne, cat, shared)
    finally:
        for member in (ann, anne, cat):
            member.app.close()


def test_the_member_list_shows_fingerprints_beside_look_alike_names(circle: Circle) -> None:
    views = {v.name: v for v in circle.cat.circles.members(circle.cat.row)}
    ann, anne, cat = views["Ann"], views["Anne"], views["Cat"]
    assert ann.look_alike and anne.look_alike and not cat.look_alike
    assert ann.label == f"Ann ({circle.fingerprint('Ann')})"
    assert anne.label == f"Anne ({circle.fingerprint('Anne')})"
    assert cat.label == "Cat" and cat.fingerprint == circle.fingerprint("Cat")
    assert ann.label != anne.label and ann.fingerprint != anne.fingerprint


def test_the_feed_notifications_and_status_name_look_alikes_with_fingerprints(
        circle: Circle) -> None:
    cat = circle.cat
    before = cat.circles.latest_item_id(cat.row)
    circle.anne.circles.share_checkin(circle.anne.row, 4, note="fine")
    circle.ann.circles.post(circle.ann.row, "Hello", "from the real Ann")
    everyone_syncs(circle.anne, circle.ann, cat)
    senders = {item.data.get("note") or item.data.get("body"): item.sender_name
               for item in cat.circles.feed(cat.row)}
    assert senders == {"fine": f"Anne ({circle.fingerprint('Anne')})",
                       "from the real Ann": f"Ann ({circle.fingerprint('Ann')})"}
    [checkin] = cat.circles.new_checkins_since(cat.row, before)
    assert checkin.sender_name == f"Anne ({circle.fingerprint('Anne')})"
    shown = cat.circles.shown_names(cat.row)
    assert sorted(shown.values()) == sorted([f"Ann ({circle.fingerprint('Ann')})",
                                             f"Anne ({circle.fingerprint('Anne')})", "Cat"])


def test_the_status_line_names_quiet_look_alikes_with_fingerprints(circle: Circle,
                                                                  clock: FakeClock) -> None:
    clock.advance(days=30)
    status = circle.cat.circles.status(circle.cat.row, clock.now())
    assert sorted(q.name for q in status.quiet) == sorted(
        [f"Ann ({circle.fingerprint('Ann')})", f"Anne ({circle.fingerprint('Anne')})"])


def test_the_cli_shows_fingerprints_beside_look_alike_names(
        circle: Circle, cli: Callable[..., CliResult]) -> None:
    circle.anne.circles.share_checkin(circle.anne.row, 3)
    everyone_syncs(circle.anne, circle.cat)
    ann_fp, anne_fp = circle.fingerprint("Ann"), circle.fingerprint("Anne")
    home = str(circle.cat.app.home)
    circle.cat.app.close()

    members = cli("--home", home, "circle", "members", "Friends")
    assert members.code == 0, members.err
    lines = members.out.splitlines()
    assert any(f"  Ann ({ann_fp}) (admin)  " in line for line in lines)
    assert any(f"  Anne ({anne_fp})  " in line for line in lines)
    assert any(line.split("  ")[1] == "Cat" for line in lines)  # no look-alike: the name alone
    listed = json.loads(cli("--home", home, "circle", "members", "Friends", "--json").out)
    assert {m["name"]: m["look_alike"] for m in listed} == {"Ann": True, "Anne": True,
                                                            "Cat": False}
    assert {m["name"]: m["fingerprint"] for m in listed}["Anne"] == anne_fp

    feed = cli("--home", home, "circle", "feed", "Friends")
    assert f"Anne ({anne_fp}): check-in mood 3/5" in feed.out

    verify = cli("--home", home, "circle", "verify", "Friends", "Anne")
    assert f"Safety number for you and Anne ({anne_fp}):" in verify.out


def test_the_admin_sees_a_look_alike_newcomer_with_their_fingerprint(
        circle: Circle, tmp_path: Path, clock: FakeClock,
        cli: Callable[..., CliResult]) -> None:
    dan = make_member(tmp_path, "Dan", clock)
    try:
        code = circle.ann.circles.invite(circle.ann.row).code()
        dan.circles.join(code, "Cats", f"folder:{circle.shared}")
        home = str(circle.ann.app.home)
        circle.ann.app.close()
        synced = cli("--home", home, "circle", "sync", "Friends")
        assert synced.code == 0, synced.err
        listed = json.loads(cli("--home", home, "circle", "members", "Friends", "--json").out)
        [cats] = [m for m in listed if m["name"] == "Cats"]
        assert cats["look_alike"]  # next to Cat
        assert (f"Cats ({cats['fingerprint']}) joined Friends (unverified until you compare "
                "safety numbers).") in synced.out.splitlines()
        removed = cli("--home", home, "circle", "remove", "Friends", "Cats")
        assert removed.code == 0, removed.err
        assert removed.out.startswith("Removed Cats (")
    finally:
        dan.app.close()


def test_the_short_fingerprint_starts_with_the_member_id(circle: Circle) -> None:
    """Five groups of four hex digits (80 bits: nobody can make keys to match a given one);
    the first group is a member-id prefix that `circle verify` and the others accept."""
    for member in circle.cat.circles.roster(circle.cat.row).members.values():
        shown = member.public.short_fingerprint
        groups = shown.split(" ")
        assert [len(g) for g in groups] == [4] * 5
        assert "".join(groups) == member.public.fingerprint[:10].hex()
        assert member.id.hex().startswith(groups[0])
