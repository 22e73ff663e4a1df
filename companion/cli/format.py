"""How the command line shows entries, check-ins and search hits (text and JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from companion.cli.terminal import write_json as write_json  # the commands' one JSON writer
from companion.markdown_text import plain_title
from companion.models import (
    ENERGY_LABELS,
    MOOD_LABELS,
    CheckIn,
    CheckinHit,
    Entry,
    SearchHit,
    TimelineItem,
)


def stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M")


def one_line(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def entry_headline(entry: Entry) -> str:
    return entry.title or one_line(plain_title(entry.body)) or "(untitled)"


def item_line(item: TimelineItem) -> str:
    if isinstance(item, Entry):
        star = "★ " if item.starred else ""
        tags = "".join(f"  #{tag}" for tag in item.tags)
        mood = f"  mood {item.mood}/5" if item.mood else ""
        return f"{item.ref!s:<7} {stamp(item.created)}  {star}{entry_headline(item)}{tags}{mood}"
    return f"{item.ref!s:<7} {stamp(item.at)}  {checkin_summary(item)}"


def checkin_summary(checkin: CheckIn) -> str:
    parts = [f"mood {checkin.mood}/5 ({MOOD_LABELS[checkin.mood]})"]
    if checkin.energy is not None:
        parts.append(f"energy {checkin.energy}/5 ({ENERGY_LABELS[checkin.energy]})")
    if checkin.emotions:
        parts.append(", ".join(checkin.emotions))
    if checkin.activities:
        parts.append(", ".join(checkin.activities))
    if checkin.sleep_hours is not None:
        parts.append(f"{checkin.sleep_hours:g} h sleep")
    if checkin.note:
        parts.append(one_line(checkin.note, 40))
    return " · ".join(parts)


def item_details(item: TimelineItem) -> str:
    if isinstance(item, Entry):
        lines = [
            f"{item.ref}  {entry_headline(item)}",
            f"written  {item.created.isoformat(timespec='minutes')}",
        ]
        if item.updated > item.created:
            lines.append(f"edited   {item.updated.isoformat(timespec='minutes')}")
        if item.tags:
            lines.append("tags     " + " ".join(f"#{t}" for t in item.tags))
        if item.mood:
            lines.append(f"mood     {item.mood}/5 ({MOOD_LABELS[item.mood]})")
        if item.starred:
            lines.append("starred")
        if item.deleted:
            lines.append("in the trash (`companion restore` brings it back)")
        body = item.body.rstrip()
        # A title-only entry ends with its header, not with two empty lines.
        return "\n".join(lines) + "\n" + (f"\n{body}\n" if body else "")
    lines = [f"{item.ref}  check-in at {item.at.isoformat(timespec='minutes')}",
             f"mood       {item.mood}/5 ({MOOD_LABELS[item.mood]})"]
    if item.energy is not None:
        lines.append(f"energy     {item.energy}/5 ({ENERGY_LABELS[item.energy]})")
    if item.emotions:
        lines.append("emotions   " + ", ".join(item.emotions))
    if item.activities:
        lines.append("activities " + ", ".join(item.activities))
    if item.sleep_hours is not None:
        lines.append(f"sleep      {item.sleep_hours:g} h")
    if item.deleted:
        lines.append("in the trash (`companion restore` brings it back)")
    if item.note:
        lines += ["", item.note]
    return "\n".join(lines) + "\n"


def hit_lines(hit: SearchHit | CheckinHit) -> str:
    if isinstance(hit, CheckinHit):
        checkin = hit.checkin
        return (f"{checkin.ref!s:<7} {stamp(checkin.at)}  check-in, mood {checkin.mood}/5 "
                f"({MOOD_LABELS[checkin.mood]})\n        {one_line(hit.snippet_text(), 200)}")
    entry = hit.entry
    tags = "".join(f"  #{tag}" for tag in entry.tags)
    return (f"{entry.ref!s:<7} {stamp(entry.created)}  {entry_headline(entry)}{tags}\n"
            f"        {one_line(hit.snippet_text(), 200)}")


def item_json(item: TimelineItem) -> dict[str, Any]:
    if isinstance(item, Entry):
        return {
            "id": str(item.ref),
            "kind": "entry",
            "created": item.created.isoformat(),
            "updated": item.updated.isoformat(),
            "title": item.title,
            "body": item.body,
            "tags": list(item.tags),
            "starred": item.starred,
            "mood": item.mood,
            "deleted": item.deleted.isoformat() if item.deleted else None,
        }
    return {
        "id": str(item.ref),
        "kind": "checkin",
        "at": item.at.isoformat(),
        "mood": item.mood,
        "energy": item.energy,
        "emotions": list(item.emotions),
        "activities": list(item.activities),
        "sleep_hours": item.sleep_hours,
        "note": item.note,
        "deleted": item.deleted.isoformat() if item.deleted else None,
    }


def hit_json(hit: SearchHit | CheckinHit) -> dict[str, Any]:
    item = hit.entry if isinstance(hit, SearchHit) else hit.checkin
    return {**item_json(item), "snippet": hit.snippet_text(), "rank": hit.rank}
