"""Import history from a running ActivityWatch (its REST API, default http://127.0.0.1:5600).

Window buckets ("currentwindow") give app and title; the AFK bucket of the same host
("afkstatus") says when the person was there. Only window time that falls inside "not-afk"
time counts, clipped to the period asked. Every piece is then cut where the vault already has
screen time (an earlier import, or Companion's own tracker), so importing again adds nothing
twice and nothing is counted by both. Everything is read and checked before one transaction
writes it: a failed import leaves the vault unchanged.
"""

from __future__ import annotations

import bisect
import json
import math
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from companion.errors import UserError
from companion.screentime.store import ScreenTime
from companion.screentime.tracker import SpanClosed, split_at_day_starts
from companion.timeutil import Stamp

if TYPE_CHECKING:
    import httpx

DEFAULT_URL = "http://127.0.0.1:5600"
SOURCE = "activitywatch"
TIMEOUT = 30.0  # to connect, and between two pieces of an answer
DEADLINE_SECONDS = 120.0  # for the whole import: a server that drips an answer is cut off
MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # one answer (a year of window events is far less)
MAX_NAME = 200
MAX_TITLE = 500

Interval = tuple[datetime, datetime]


class ActivityWatchUnavailable(UserError):
    default_message = "Could not reach ActivityWatch."
    default_hint = "Start ActivityWatch (aw-server) or give its address with --url."


@dataclass(frozen=True)
class ImportResult:
    spans: int             # spans added to the vault
    seconds: float         # active time added
    window_buckets: int
    afk_known: bool        # False: no AFK bucket, so no time could be counted as active


def import_activitywatch(store: ScreenTime, categorize: Callable[[str, str | None], str], *,
                         start: datetime, end: datetime, url: str = DEFAULT_URL,
                         keep_titles: bool = True, day_start_hour: int = 4,
                         client: httpx.Client | None = None) -> ImportResult:
    """Add the not-afk window time of [start, end) from ActivityWatch at `url`."""
    import httpx  # the HTTP client is loaded when an import runs, not when screen time starts

    if end <= start:
        raise UserError("The end of the import period must be after its start.")
    owned = client is None
    http = client or httpx.Client(base_url=url.rstrip("/"), timeout=TIMEOUT)
    reader = _Reader(http, time.monotonic() + DEADLINE_SECONDS)
    try:
        buckets = reader.get("/api/0/buckets/")
        if not isinstance(buckets, dict):
            raise _bad("the bucket list")
        windows = [b for b in buckets.values() if _is(b, "currentwindow")]
        afk_by_host = {b.get("hostname"): b for b in buckets.values() if _is(b, "afkstatus")}
        pieces: list[SpanClosed] = []
        afk_known = False
        for bucket in windows:
            afk = afk_by_host.get(bucket.get("hostname"))
            if afk is None:
                continue  # without AFK data nothing says the person was there
            afk_known = True
            present = _merge(_clip(e, start, end) for e in _events(reader, afk, start, end)
                             if _data(e).get("status") == "not-afk")
            for event in _events(reader, bucket, start, end):
                app, title = _window(event)
                for a, b in _intersect(_clip(event, start, end), present):
                    kept = title if keep_titles else None
                    category = categorize(app, kept)
                    for day, s, e in split_at_day_starts(a, b, day_start_hour):
                        pieces.append(SpanClosed(app, kept, category, s, e, day.isoformat()))
    except httpx.HTTPError as exc:
        raise ActivityWatchUnavailable(
            f"Could not read from ActivityWatch at {url} ({type(exc).__name__}).") from None
    finally:
        if owned:
            http.close()
    fresh = _not_already_stored(store, pieces, start, end)
    store.save_spans(fresh, source=SOURCE)
    return ImportResult(len(fresh), sum(s.seconds for s in fresh), len(windows), afk_known)


def describe(result: ImportResult) -> str:
    """What an import did, in one sentence (the CLI and the app say the same)."""
    from companion.screentime.messages import format_duration

    if not result.window_buckets:
        return "ActivityWatch has no window history; nothing was imported."
    if not result.afk_known:
        return ("ActivityWatch has window history but no AFK data for that computer, so no "
                "time could be counted as active; nothing was imported.")
    if not result.spans:
        return "Everything in that period was already in your vault; nothing new to import."
    return (f"Imported {format_duration(timedelta(seconds=result.seconds))} of active use "
            f"({result.spans} stretches) from ActivityWatch.")


# -- reading the API --------------------------------------------------------------------------


class _Reader:
    """GET requests whose answers are read as they arrive, within a size and a deadline."""

    def __init__(self, http: httpx.Client, deadline: float) -> None:
        self.http, self.deadline = http, deadline

    def get(self, path: str, params: dict[str, str] | None = None) -> Any:
        body = bytearray()
        with self.http.stream("GET", path, params=params) as response:
            response.raise_for_status()
            for piece in response.iter_bytes():
                body += piece
                if len(body) > MAX_RESPONSE_BYTES:
                    raise UserError(f"ActivityWatch sent more than "
                                    f"{MAX_RESPONSE_BYTES // 2**20} MiB for {path}; nothing "
                                    "was imported.", "Import a shorter period.")
                if time.monotonic() > self.deadline:
                    raise ActivityWatchUnavailable(
                        f"ActivityWatch did not finish answering within "
                        f"{DEADLINE_SECONDS:.0f} seconds; nothing was imported.",
                        "Check that the address is an ActivityWatch server that is not busy.")
        try:
            return json.loads(body)
        except (ValueError, RecursionError):
            raise _bad(path) from None


def _bad(what: str) -> UserError:
    return UserError(f"ActivityWatch sent something unexpected for {what}; nothing was "
                     "imported.", "Check that the address is an ActivityWatch server.")


def _is(bucket: Any, kind: str) -> bool:
    return isinstance(bucket, dict) and bucket.get("type") == kind and isinstance(
        bucket.get("id"), str)


def _events(reader: _Reader, bucket: dict[str, Any], start: datetime, end: datetime
            ) -> list[dict[str, Any]]:
    raw = reader.get(f"/api/0/buckets/{quote(bucket['id'], safe='')}/events",
               {"start": start.astimezone(UTC).isoformat(),
                "end": end.astimezone(UTC).isoformat(), "limit": "-1"})
    if not isinstance(raw, list):
        raise _bad(f"the events of bucket {bucket['id']!r}")
    return [e for e in raw if isinstance(e, dict)]


def _data(event: dict[str, Any]) -> dict[str, Any]:
    data = event.get("data")
    return data if isinstance(data, dict) else {}


def _window(event: dict[str, Any]) -> tuple[str, str | None]:
    data = _data(event)
    app = data.get("app")
    title = data.get("title")
    app = " ".join(app.split())[:MAX_NAME] if isinstance(app, str) and app.strip() else "unknown"
    title = title[:MAX_TITLE] if isinstance(title, str) and title else None
    return _text(app), _text(title) if title is not None else None


def _text(value: str) -> str:
    # Hostile bytes in, clean text out: no NULs, no lone surrogates.
    return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _clip(event: dict[str, Any], start: datetime, end: datetime) -> Interval | None:
    """The event's [start, end) inside [start, end), in local time; None if empty or bad."""
    try:
        begins = datetime.fromisoformat(str(event["timestamp"]).replace("Z", "+00:00"))
        seconds = float(event.get("duration", 0))
    except (KeyError, TypeError, ValueError):
        return None
    if begins.tzinfo is None or not math.isfinite(seconds) or seconds <= 0:
        return None
    try:
        ends = begins + timedelta(seconds=seconds)
    except OverflowError:
        return None
    a, b = max(begins, start), min(ends, end)
    return (a.astimezone(), b.astimezone()) if a < b else None


def _merge(intervals: Iterable[Interval | None]) -> list[Interval]:
    merged: list[Interval] = []
    for a, b in sorted(i for i in intervals if i is not None):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _intersect(interval: Interval | None, within: list[Interval]) -> Iterator[Interval]:
    if interval is None:
        return
    a, b = interval
    for c, d in within:
        if c >= b:
            break
        lo, hi = max(a, c), min(b, d)
        if lo < hi:
            yield lo, hi


def _subtract(piece: SpanClosed, taken: list[tuple[int, int]]) -> Iterator[SpanClosed]:
    """`piece` minus the (start_us, end_us) intervals in `taken` (sorted, merged)."""
    lo, hi = Stamp.of(piece.start).utc_us, Stamp.of(piece.end).utc_us
    tz = piece.start.tzinfo
    cursor = lo
    for a, b in taken[max(0, bisect.bisect_right(taken, (lo, lo)) - 1):]:
        if b <= cursor:
            continue
        if a >= hi:
            break
        if a > cursor:
            yield _piece(piece, cursor, a, tz)
        cursor = max(cursor, b)
    if cursor < hi:
        yield _piece(piece, cursor, hi, tz)


def _piece(span: SpanClosed, a: int, b: int, tz: Any) -> SpanClosed:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return SpanClosed(span.app, span.title, span.category,
                      (epoch + timedelta(microseconds=a)).astimezone(tz),
                      (epoch + timedelta(microseconds=b)).astimezone(tz), span.day)


def _not_already_stored(store: ScreenTime, pieces: list[SpanClosed], start: datetime,
                        end: datetime) -> list[SpanClosed]:
    """Cut away time the vault already has, and overlaps among the new pieces themselves
    (two window buckets of one host, say)."""
    taken = _merge_us(store.covered(start, end))
    fresh: list[SpanClosed] = []
    for piece in sorted(pieces, key=lambda p: p.start):
        parts = list(_subtract(piece, taken))
        fresh += parts
        for part in parts:
            _insert(taken, Stamp.of(part.start).utc_us, Stamp.of(part.end).utc_us)
    return fresh


def _merge_us(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _insert(merged: list[tuple[int, int]], a: int, b: int) -> None:
    """Add [a, b) to a sorted list of disjoint intervals (it touches no other: it was cut
    out of the gaps), joining neighbours it touches."""
    i = bisect.bisect_left(merged, (a, b))
    merged.insert(i, (a, b))
    if i + 1 < len(merged) and merged[i + 1][0] <= b:
        merged[i:i + 2] = [(a, max(b, merged[i + 1][1]))]
    if i > 0 and merged[i - 1][1] >= a:
        merged[i - 1:i + 1] = [(merged[i - 1][0], max(merged[i - 1][1], merged[i][1]))]
