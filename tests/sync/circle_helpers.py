"""Three people with their own vaults in one circle over a shared folder, driven through
`CompanionApp.circles` (the service the CLI and the app use)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from companion.app import CompanionApp
from companion.circle_feature import Circles
from companion.clock import FakeClock
from sync.engine import SyncReport
from sync.state import CircleRow
from tests.support.vault_template import copy_of_empty_vault


@dataclass
class Member:
    name: str
    app: CompanionApp

    @property
    def circles(self) -> Circles:
        return self.app.circles

    @property
    def row(self) -> CircleRow:
        return self.circles.find("Friends")

    def sync(self) -> SyncReport:
        return self.circles.sync(self.row)

    def feed_texts(self) -> list[str]:
        out = []
        for item in self.circles.feed(self.row):
            out.append(item.data.get("note") or item.data.get("body") or item.data.get("text"))
            out += [r.data["text"] for r in item.replies]
        return out


def make_member(tmp_path: Path, name: str, clock: FakeClock) -> Member:
    # A copy of the empty template: circles never look at the vault id or data key that
    # copies share; each member's circle identity is generated when it creates or joins.
    return Member(name, copy_of_empty_vault(tmp_path / name.lower(), clock))


def join(admin: Member, person: Member, storage: str, display_name: str = "") -> None:
    code = admin.circles.invite(admin.row).code()
    row = person.circles.join(code, display_name or person.name, storage)
    admin.sync()
    person.circles.sync(row)


def everyone_syncs(*members: Member, rounds: int = 2) -> None:
    for _ in range(rounds):
        for member in members:
            member.sync()


def trio(tmp_path: Path, clock: FakeClock) -> Iterator[tuple[Member, Member, Member, Path]]:
    shared = tmp_path / "shared"
    shared.mkdir()
    ann, bob, cat = (make_member(tmp_path, n, clock) for n in ("Ann", "Bob", "Cat"))
    ann.circles.create("Friends", f"folder:{shared}", "Ann")
    join(ann, bob, f"folder:{shared}")
    join(ann, cat, f"folder:{shared}")
    everyone_syncs(ann, bob, cat)
    try:
        yield ann, bob, cat, shared
    finally:
        for member in (ann, bob, cat):
            member.app.close()
