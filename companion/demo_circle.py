"""The demo's circle: the demo vault and two other people in "Tuesday group", over a folder
inside the demo's own temporary folder, with a few days of their feed (check-ins, notes,
replies, reactions).

Built the way people build one, through the circle service: the demo vault creates the
circle, invites the others with codes, they join and everyone syncs over the folder. The
others' vaults live in the same temporary folder and go with it. The feed is dated over the
four days before today: the setup runs on a clock of its own that walks through those days
(the demo vault's own clock is never moved). It takes about a second (two more vaults, some
twenty sync rounds): the app runs it off the GUI thread once the window shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from companion.app import QUICK_KEY_DERIVATION, CompanionApp
from companion.circle_feature import Circles
from companion.clock import FakeClock
from companion.models import Changes

if TYPE_CHECKING:
    from companion.circle import CircleRow

Action = Callable[[Circles, "CircleRow"], object]

CIRCLE_NAME = "Tuesday group"
YOUR_NAME = "Robin"
OTHERS = ("Noor", "Jonah")
GUIDELINES = ("Be kind. What is said here stays here. No advice unless someone asks for it.")
_PASSPHRASE = "lantern moss quarry member"  # the other members' throwaway vaults


@dataclass
class _Member:
    name: str
    circles: Circles
    circle_id: bytes = b""  # known once created or joined (a joiner learns the name later)

    @property
    def row(self) -> CircleRow:
        return self.circles.find(self.circle_id.hex())

    def sync(self) -> None:
        self.circles.sync(self.row)

    def item(self, match: Callable[[dict[str, object]], bool]) -> str:
        """The local id of the feed item whose data matches (for replies and reactions)."""
        feed = self.circles.feed(self.row)
        found = [i for i in feed for i in (i, *i.replies) if match(i.data)]
        if not found:
            raise LookupError("a demo post did not arrive")
        return found[-1].ref


def build_demo_circle(app: CompanionApp, folder: Path) -> None:
    """Create the circle in the unlocked demo vault `app`, with its members' vaults and the
    shared storage in `folder` (made if missing); listeners hear of it once at the end."""
    shared = folder / "shared"
    shared.mkdir(parents=True, exist_ok=True)
    today = app.clock.now()
    clock = FakeClock(_at(today, 4, "09:00"))
    from companion.circle import CircleService

    you = _Member(YOUR_NAME, Circles(CircleService(app.vault.database, clock), _quiet))
    others: list[CompanionApp] = []
    try:
        members = [you]
        for name in OTHERS:
            other = CompanionApp(folder / name.lower(), clock=clock)
            others.append(other)
            other.create_vault(_PASSPHRASE, _PASSPHRASE, params=QUICK_KEY_DERIVATION)
            members.append(_Member(name, other.circles))
        _gather(you, members[1:], shared, clock)
        _converse(app, today, clock, *members)
    finally:
        for other in others:
            other.close()
    # The pages showing circles learn of it through the app's own service, as of any action.
    row = app.circles.find(CIRCLE_NAME)
    app.circles.set_guidelines(row, GUIDELINES)
    app.circles.sync(row)


def _quiet(_changes: Changes) -> None:
    """The setup's own service tells nobody; `build_demo_circle` announces the result."""


def _at(today: datetime, days_before: int, hh_mm: str) -> datetime:
    day: date = today.date() - timedelta(days=days_before)
    return datetime.combine(day, time.fromisoformat(hh_mm), today.tzinfo)


def _gather(you: _Member, others: list[_Member], shared: Path, clock: FakeClock) -> None:
    storage = f"folder:{shared}"
    row = you.circles.create(CIRCLE_NAME, storage, YOUR_NAME)
    you.circle_id = row.id
    for other in others:
        clock.advance(minutes=25)
        code = you.circles.invite(you.row).code()
        other.circle_id = other.circles.join(code, other.name, storage).id
        you.sync()
        other.sync()
    for _ in range(2):
        for member in (you, *others):
            member.sync()


def _converse(app: CompanionApp, today: datetime, clock: FakeClock, you: _Member,
              noor: _Member, jonah: _Member) -> None:
    everyone = (you, noor, jonah)

    def step(days_before: int, hh_mm: str, who: _Member,
             action: Action) -> None:
        clock.set(_at(today, days_before, hh_mm))
        for member in everyone:
            member.sync()
        action(who.circles, who.row)
        who.sync()

    def note_is(text: str) -> Callable[[dict[str, object]], bool]:
        return lambda data: data.get("note") == text or data.get("title") == text

    step(4, "12:40", jonah, lambda c, row: c.share_checkin(
        row, 3, 2, ("tired",), "Slept badly, but the walk at lunch helped."))
    step(4, "20:15", noor, lambda c, row: c.post(
        row, "Something that helped this week",
        "Writing down **three small things** I did each evening. Not big things: a call, a "
        "walk, cooking.\n\nIt sounds silly, but on a flat day it shows me the day was not "
        "empty."))
    shared = _your_checkin(app, today.date() - timedelta(days=3), clock)
    if shared is not None:
        step(3, shared[0], you, lambda c, row: c.share_checkin(row, *shared[1]))
    step(2, "08:10", jonah, lambda c, row: c.reply(
        row, jonah.item(note_is("Something that helped this week")),
        "Tried it last night. It helped more than I expected; thank you for writing it down."))
    step(2, "19:05", noor, lambda c, row: c.share_checkin(
        row, 2, 2, ("anxious",), "Big meeting tomorrow."))
    worried = note_is("Big meeting tomorrow.")

    def encourage(c: Circles, row: CircleRow) -> None:
        c.reply(row, jonah.item(worried), "You've prepared well. Good luck!")
        c.react(row, jonah.item(worried), "♥")

    step(2, "19:50", jonah, encourage)
    step(2, "21:40", you, lambda c, row: c.react(row, you.item(worried), "♥"))
    step(1, "13:10", noor, lambda c, row: c.reply(
        row, noor.item(worried), "It went fine. Thank you both."))
    step(1, "18:00", jonah, lambda c, row: c.post(
        row, "A walk together?",
        "I'll be at the bridge at 10 on the next dry weekend morning. Anyone welcome, no need "
        "to say in advance."))
    step(1, "18:30", noor, lambda c, row: c.react(
        row, noor.item(note_is("A walk together?")), "✓"))
    for _ in range(2):
        for member in everyone:
            member.sync()


def _your_checkin(app: CompanionApp, day: date, clock: FakeClock
                  ) -> tuple[str, tuple[int, int | None, tuple[str, ...], str]] | None:
    """The demo vault's last check-in of `day`, to share as the person would (time, values)."""
    checkins = app.checkins.list_days(day.isoformat(), day.isoformat())
    if not checkins:
        return None
    last = max(checkins, key=lambda c: c.at)
    when = (last.at + timedelta(minutes=5)).strftime("%H:%M")
    return when, (last.mood, last.energy, tuple(last.emotions)[:3], last.note)
