"""What this device has to send: the outbox in the vault, and what may write to it.

Member actions (sync/actions.py) and the sync engine both queue messages and record roster
changes; both are `CircleWriter`s, so the shared code lives here and in sync/membership.py,
below both, with no import between the two.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from storage.database import Database
from sync.content import Ref
from sync.crypto import Randomness
from sync.roster import Roster
from sync.state import CircleRow, CircleState


class CircleWriter(Protocol):
    """What writing to a circle needs: the vault, its circle state, randomness and a clock,
    and what to do after the roster changed (the engine withdraws and alerts)."""

    db: Database
    state: CircleState
    rng: Randomness

    def now_us(self) -> int: ...

    def after_roster_change(self, cur: Any, row: CircleRow, roster: Roster) -> None: ...


def queue(writer: CircleWriter, cur: Any, row: CircleRow, type_: str, data: dict[str, Any],
          ref: Ref | None = None, epoch: bytes | None = None) -> int:
    cur.execute("INSERT INTO circle_outbox (circle, type, data, ref_sender, ref_seq, "
                "created_us, epoch) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (row.id, type_, json.dumps(data, ensure_ascii=False),
                 ref.member if ref else None, ref.seq if ref else None, writer.now_us(), epoch))
    return int(cur.lastrowid)
