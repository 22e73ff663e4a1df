"""What screen time says to the person: gentle, never scolding, never blocking.

One place for these strings (the desktop app passes them through `tr()`; the CLI prints them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from companion.screentime.breaks import BreakDue
from companion.screentime.tracker import BudgetWarning

NoticeKind = Literal["budget", "eye", "rest"]
SNOOZE_MINUTES = 15       # "remind me later" for a budget
BREAK_POSTPONE_MINUTES = 5


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    title: str
    text: str
    key: str  # what snoozing or postponing applies to: a budget key, or the break kind


def format_duration(value: timedelta) -> str:
    """"1 h 05 min", "25 min", "40 s"."""
    seconds = int(value.total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    hours, minutes = divmod(seconds // 60, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def budget_notice(warning: BudgetWarning) -> Notice:
    budget = warning.budget
    what = "your screen time" if budget.kind == "total" else budget.target
    limit = format_duration(budget.limit)
    if warning.level >= 100:
        title = "You have reached the time you planned"
        text = (f"You planned {limit} for {what} today, and that time is up. It is your call; "
                "maybe a good moment to wrap up?")
    else:
        title = "Most of today's planned time is used"
        text = (f"You have used {format_duration(warning.used)} of the {limit} you planned for "
                f"{what} today.")
    return Notice("budget", title, text, budget.key)


def break_notice(due: BreakDue) -> Notice:
    if due.kind == "eye":
        return Notice("eye", "A moment for your eyes",
                      "Look at something far away for 20 seconds.", "eye")
    minutes = int(due.suggested.total_seconds() // 60)
    return Notice("rest", "Time for a short break",
                  f"You have been at the screen for a while. Stand up, stretch, walk around for "
                  f"{minutes} minutes?", "rest")
