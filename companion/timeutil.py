"""Timestamps as stored: UTC microseconds plus the writer's UTC offset and local day.

Keeping the offset means an entry written in Lisbon and read in Tokyo still says it was written
at 08:00 local time, and the local day (`YYYY-MM-DD`) gives fast, index-backed day and month
lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from companion.errors import InvalidInput

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Stamp:
    utc_us: int
    offset_min: int

    @classmethod
    def of(cls, when: datetime) -> Stamp:
        if when.tzinfo is None or when.utcoffset() is None:
            raise ValueError("timestamps must be aware")
        offset = when.utcoffset()
        assert offset is not None
        delta = when - _EPOCH
        utc_us = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return cls(utc_us, int(offset.total_seconds() // 60))

    def to_datetime(self) -> datetime:
        tz = timezone(timedelta(minutes=self.offset_min))
        return (_EPOCH + timedelta(microseconds=self.utc_us)).astimezone(tz)

    @property
    def local_day(self) -> str:
        return self.to_datetime().date().isoformat()


def period_clauses(column: str, start: datetime | None, end: datetime | None
                   ) -> tuple[list[str], list[int]]:
    """SQL conditions (and their parameters) for `start <= column < end` on a UTC-µs column;
    either bound may be left open."""
    clauses: list[str] = []
    params: list[int] = []
    if start is not None:
        clauses.append(f"{column} >= ?")
        params.append(Stamp.of(start).utc_us)
    if end is not None:
        clauses.append(f"{column} < ?")
        params.append(Stamp.of(end).utc_us)
    return clauses, params


def parse_datetime(text: str, *, local_now: datetime) -> datetime:
    """An ISO 8601 date or date-time from the user; naive values take the local zone."""
    raw = text.strip()
    try:
        if len(raw) == 10:
            value = datetime.combine(date.fromisoformat(raw), datetime.min.time())
        else:
            value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"'{text}' is not a date or time Companion understands.",
            "Use ISO 8601, for example 2026-03-14 or 2026-03-14T09:30 or 2026-03-14T09:30+01:00.",
        ) from None
    if value.tzinfo is None:
        value = _attach_local_zone(value, local_now)
    return value


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"'{text}' is not a date Companion understands.",
            "Use the form YYYY-MM-DD, for example 2026-03-14.",
        ) from None


def _attach_local_zone(naive: datetime, local_now: datetime) -> datetime:
    # Use the system zone's offset at that moment (daylight saving included) when the clock is
    # the system's; otherwise (fake clocks in tests) the clock's own offset.
    try:
        return naive.astimezone()
    except (OverflowError, OSError, ValueError):
        return naive.replace(tzinfo=local_now.tzinfo)


def month_bounds(year: int, month: int) -> tuple[str, str]:
    if not (1 <= month <= 12) or not (1 <= year <= 9999):
        raise InvalidInput(f"{year:04d}-{month:02d} is not a month.")
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return first.isoformat(), (nxt - timedelta(days=1)).isoformat()
