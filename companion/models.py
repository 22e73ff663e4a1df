"""Plain values passed between the core and its clients (CLI, desktop app)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from companion.errors import InvalidInput


class MalformedId(InvalidInput):
    """Text that is not an entry or check-in id at all (as opposed to one that names
    nothing, which is `NotFound`)."""

MOOD_LABELS = {1: "awful", 2: "low", 3: "okay", 4: "good", 5: "great"}
ENERGY_LABELS = {1: "drained", 2: "tired", 3: "steady", 4: "lively", 5: "energised"}


class Kind(StrEnum):
    ENTRY = "entry"
    CHECKIN = "checkin"

    @property
    def prefix(self) -> str:
        return "e" if self is Kind.ENTRY else "c"


_REF = re.compile(r"^\s*([ecEC])-?(\d{1,18})\s*$")


@dataclass(frozen=True)
class ItemRef:
    """A user-visible id: `e42` is journal entry 42, `c7` is check-in 7."""

    kind: Kind
    number: int

    def __str__(self) -> str:
        return f"{self.kind.prefix}{self.number}"

    @classmethod
    def parse(cls, text: str) -> ItemRef:
        match = _REF.match(text)
        if not match:
            raise MalformedId(
                f"'{text}' is not an id.",
                "Ids look like e12 (an entry) or c3 (a check-in); `companion list` shows them.",
            )
        kind = Kind.ENTRY if match.group(1).lower() == "e" else Kind.CHECKIN
        return cls(kind, int(match.group(2)))


@dataclass(frozen=True)
class Entry:
    id: int
    title: str
    body: str
    tags: tuple[str, ...]
    created: datetime
    updated: datetime
    starred: bool = False
    mood: int | None = None
    deleted: datetime | None = None

    @property
    def ref(self) -> ItemRef:
        return ItemRef(Kind.ENTRY, self.id)


@dataclass(frozen=True)
class CheckIn:
    id: int
    at: datetime
    mood: int
    energy: int | None = None
    emotions: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    sleep_hours: float | None = None
    note: str = ""
    deleted: datetime | None = None

    @property
    def ref(self) -> ItemRef:
        return ItemRef(Kind.CHECKIN, self.id)


@dataclass(frozen=True)
class EntryDraft:
    """What the user typed for a new entry; the service validates and stamps it."""

    title: str = ""
    body: str = ""
    tags: tuple[str, ...] = ()
    mood: int | None = None
    starred: bool = False
    at: datetime | None = None


@dataclass(frozen=True)
class CheckInDraft:
    mood: int
    energy: int | None = None
    emotions: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    sleep_hours: float | None = None
    note: str = ""
    at: datetime | None = None


def snippet_text(pieces: tuple[tuple[str, bool], ...], before: str, after: str) -> str:
    """A search passage as text, each match between `before` and `after`."""
    return "".join(f"{before}{text}{after}" if hit else text for text, hit in pieces)


@dataclass(frozen=True)
class SearchHit:
    entry: Entry
    # The best-matching passage: (text, is_match) pieces, so each client highlights its own way.
    snippet: tuple[tuple[str, bool], ...]
    rank: float

    def snippet_text(self, before: str = "[", after: str = "]") -> str:
        return snippet_text(self.snippet, before, after)


@dataclass(frozen=True)
class CheckinHit:
    """A check-in whose note matches a search, with the matching passage."""

    checkin: CheckIn
    snippet: tuple[tuple[str, bool], ...]
    rank: float

    def snippet_text(self, before: str = "[", after: str = "]") -> str:
        return snippet_text(self.snippet, before, after)


@dataclass(frozen=True)
class TagCount:
    name: str
    entries: int


@dataclass(frozen=True)
class Changes:
    """What a mutation touched, so views refresh only what they show (Anki's OpChanges)."""

    entries: bool = False
    checkins: bool = False
    tags: bool = False
    ids: tuple[ItemRef, ...] = field(default=())
    questionnaires: bool = False
    screen_time: bool = False  # measured or imported use, budgets, category rules
    circles: bool = False  # a circle's feed, members or status (after a sync or an action)
    preferences: bool = False
    # Another of the person's computers changed the preferences (device sync wrote the file):
    # the window takes them up again (theme, reminders …) without saving them.
    preferences_synced: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.entries or other.entries,
            self.checkins or other.checkins,
            self.tags or other.tags,
            self.ids + other.ids,
            self.questionnaires or other.questionnaires,
            self.screen_time or other.screen_time,
            self.circles or other.circles,
            self.preferences or other.preferences,
            self.preferences_synced or other.preferences_synced,
        )


TimelineItem = Entry | CheckIn


def check_scale(name: str, value: int | None, *, required: bool = False) -> int | None:
    """Mood and energy are 1–5."""
    if value is None:
        if required:
            raise InvalidInput(f"{name.capitalize()} is required (1–5).")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise InvalidInput(
            f"{name.capitalize()} must be a whole number from 1 to 5, not {value!r}.",
            "1 is the lowest, 5 the highest.",
        )
    return value


def check_storable(text: str, what: str) -> str:
    """Refuse characters that cannot be stored as UTF-8 text (NUL, lone surrogates)."""
    if "\x00" in text:
        raise InvalidInput(f"The {what} contains a NUL character, which cannot be stored.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(f"The {what} contains characters that are not valid text.") from None
    return text


MAX_TAG_LENGTH = 64
_TAG_SPACE = re.compile(r"\s+")


def normalize_tag(raw: str) -> str:
    """Tags are case-insensitive, trimmed, with a leading `#` dropped and inner spaces joined."""
    tag = _TAG_SPACE.sub("-", check_storable(raw, "tag").strip().lstrip("#").strip())
    if not tag:
        raise InvalidInput("A tag cannot be empty.")
    if len(tag) > MAX_TAG_LENGTH:
        raise InvalidInput(f"A tag can have at most {MAX_TAG_LENGTH} characters.")
    return tag


# Offered before a person has used any of their own (the Today page's chips, the command
# line's "did you mean").
DEFAULT_EMOTIONS = ("happy", "calm", "grateful", "hopeful", "proud", "excited", "tired",
                    "anxious", "stressed", "sad", "lonely", "irritable")
DEFAULT_ACTIVITIES = ("work", "exercise", "walk", "friends", "family", "reading", "cooking",
                      "music", "outdoors", "chores", "rest")


def normalize_label(raw: str) -> str:
    label = " ".join(check_storable(raw, "emotion or activity").split())
    if not label:
        raise InvalidInput("An emotion or activity cannot be empty.")
    if len(label) > MAX_TAG_LENGTH:
        raise InvalidInput(f"An emotion or activity can have at most {MAX_TAG_LENGTH} characters.")
    return label.lower()
