"""The circle page's sentences: the status line under the circle's name, and what a removed,
leaving or joining member sees. Kept apart from the widgets so they read as one text."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication

from companion.circle import CircleRow
from companion.circle_status import CircleStatus
from ui.circle_sync import SyncOutcome


def tr(text: str) -> str:
    return QCoreApplication.translate("CirclePage", text)


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%a %d %b, %H:%M")


def describe_status(status: CircleStatus, outcome: SyncOutcome | None, busy: bool) -> str:
    """Last sync · waiting outbox · rejected (with reasons) · problems · quiet members."""
    parts = []
    if status.last_sync is not None:
        parts.append(tr("Last sync %1").replace("%1", _when(status.last_sync)))
    else:
        parts.append(tr("Not synced yet"))
    if status.waiting:
        parts.append(tr("%1 waiting to send").replace("%1", str(status.waiting)))
    elif status.status == "active":
        parts.append(tr("nothing waiting to send"))
    rejected = [(reason, count) for kind, reason, count in status.problems if kind == "rejected"]
    if rejected:
        total = sum(count for _, count in rejected)
        reasons = "; ".join(f"{reason} ×{count}" for reason, count in rejected[:3])
        parts.append(tr("%1 rejected (%2)").replace("%1", str(total)).replace("%2", reasons))
    for kind, reason, _count in status.problems:
        if kind == "fork":
            parts.append(tr("Warning: members were shown different histories (%1)").replace(
                "%1", reason))
        elif kind == "split":
            parts.append(tr("Warning: members disagree about who is in the circle; sharing is "
                            "paused until they agree"))
        elif kind == "rollback":
            parts.append(tr("Warning: the storage went back in time (%1)").replace(
                "%1", reason))
    if outcome is not None and outcome.report is not None:
        for problem in outcome.report.problems:
            parts.append(tr("Warning: %1").replace("%1", problem))
        if outcome.report.held:
            parts.append(tr("%1 held until earlier messages arrive").replace(
                "%1", str(outcome.report.held)))
    if status.quiet:
        names = ", ".join(q.name for q in status.quiet)
        parts.append(tr("not heard from for over a week: %1").replace("%1", names))
    text = " · ".join(parts)
    return tr("Syncing…") + " " + text if busy and outcome is None else text


def removed_text(row: CircleRow, refused: bool = False) -> str:
    name = row.name or tr("this circle")
    if row.status == "removed" and refused:
        return tr("You are not in %1: the admin who let you in was removed at the same time, "
                  "so your admission did not stand. Ask a current admin for a new "
                  "invite.").replace("%1", name)
    if row.status == "removed":
        return tr("You were removed from %1 by an admin. You can still read what was shared "
                  "before; nothing new reaches you, and nothing you write is accepted.").replace(
            "%1", name)
    if row.status == "left":
        return tr("You left %1. What was shared before stays readable here.").replace(
            "%1", name)
    if row.status == "joining":
        return tr("Waiting for the admin's device to let you in. This happens on its next "
                  "sync; keep Companion open or press Sync now later.")
    return ""
