"""Bar charts: mood by weekday, time of day, sleep and screen time; label associations.

Every bar carries its number and its count as text right at its end, so nothing depends on
reading a colour or a length exactly, and the eye does not travel from a bar to a number far
to the right (they were 450 pixels apart on a wide window). A group with too little data says
so instead of drawing a bar. Sentences under a chart (`Chart.texts`) only say what the bars
cannot: a correlation, the labels left out for want of days.
"""

from __future__ import annotations

from collections.abc import Sequence

from companion.charts.layout import (
    LABEL_SIZE,
    SMALL_SIZE,
    TITLE_SIZE,
    Plot,
    empty_chart,
    text_width,
    title_item,
)
from companion.charts.primitives import Chart, Line, Primitive, Rect, Text
from companion.insights import (
    MIN_BUCKET,
    MIN_DAYS_EACH_SIDE,
    Bucket,
    LabelAssociation,
    LabelAssociations,
)
from companion.plurals import plural

ROW = 20.0
# Bars longer than this only make the reader's eye travel: on a wide window the chart keeps a
# readable size and leaves the rest of the card empty.
MAX_BAR_LENGTH = 520.0


def bucket_chart(title: str, buckets: Sequence[Bucket], unit: str, *, basis: str,
                 meaning: str, enough: bool, reason: str, width: float,
                 sentences: Sequence[str] = ()) -> Chart:
    """One horizontal bar per group: its mean mood on a 1–5 scale, with how many it rests on.

    `unit` is what a bucket counts, singular ("day", "check-in")."""
    if not enough:
        return empty_chart(title, width, 90, reason, basis, meaning)
    label_width = max(text_width(b.label, LABEL_SIZE) for b in buckets) + 10
    values = [_value_text(b, unit) for b in buckets]
    room = max(text_width(v, LABEL_SIZE) for v in values) + 10
    top = TITLE_SIZE + 12
    length = max(60.0, min(MAX_BAR_LENGTH, width - label_width - room))
    plot = Plot(label_width, top, length, ROW * len(buckets), 1, 5, 0, 1)
    items: list[Primitive] = [title_item(title)]
    for value in range(1, 6):  # mood scale gridlines, labelled under the bars
        x = plot.x(value)
        items.append(Line(x, top - 2, x, plot.bottom + 2, "grid", 0.6))
        items.append(Text(x, plot.bottom + 4 + SMALL_SIZE, str(value), SMALL_SIZE, "muted",
                          "middle"))
    for index, (bucket, text) in enumerate(zip(buckets, values, strict=True)):
        y = top + index * ROW
        mid = y + ROW / 2 + LABEL_SIZE * 0.35
        items.append(Text(label_width - 8, mid, bucket.label, LABEL_SIZE, "text", "end"))
        if bucket.mean_mood is None:
            items.append(Text(plot.left + 4, mid, text, SMALL_SIZE, "muted"))
            continue
        end = plot.x(bucket.mean_mood)
        items.append(Rect(plot.left, y + 4, max(end - plot.left, 1), ROW - 8, "mood"))
        items.append(Text(end + 6, mid, text, LABEL_SIZE, "text"))
    height = plot.bottom + 8 + SMALL_SIZE
    return Chart(width, height, tuple(items), title, basis, meaning, True, "",
                 tuple(sentences))


def _value_text(bucket: Bucket, unit: str) -> str:
    count = plural(bucket.count, unit)
    if bucket.mean_mood is None:
        return f"too few ({count}; needs {MIN_BUCKET})"
    return f"{bucket.mean_mood:.1f}  ({count})"


def association_chart(found: LabelAssociations, width: float, *, limit: int = 8) -> Chart:
    """Labels whose days had higher or lower mood than days without them, largest first."""
    noun = "Activities" if found.kind == "activity" else "Emotions"
    title = f"{noun} and mood"
    meaning = (f"For each {found.kind} named on at least {MIN_DAYS_EACH_SIDE} days (and "
               f"missing on at least {MIN_DAYS_EACH_SIDE}), how your average mood on days "
               "with it differs from days without it: bars to the right (+) went with better "
               "days, to the left (−) with harder ones.")
    basis = f"Based on {plural(found.based_on.days, 'day')}"
    if not found.enough_data:
        return empty_chart(title, width, 90, found.reason, basis, meaning)
    chosen = _top_and_bottom(found, limit)
    label_width = max(text_width(item.label, LABEL_SIZE) for item in chosen) + 10
    scale = max([1.0, *(abs(item.difference) for item in chosen)])
    top = TITLE_SIZE + 12
    # Room for the signed numbers on both sides, so a long bar never runs into a label.
    numbers = [_signed(item) for item in chosen]
    room = max(text_width(text, SMALL_SIZE) for text in numbers) + 8
    # One mood point either side at most MAX_BAR_LENGTH / 2.5 long: wider, and a short bar
    # sat far from its label on a wide window.
    span = max(80.0, min(MAX_BAR_LENGTH * 0.8, width - label_width - 2 * room))
    plot = Plot(label_width + room, top, span, ROW * len(chosen), -scale, scale, 0, 1)
    centre = plot.x(0)
    items: list[Primitive] = [title_item(title),
                              Line(centre, top - 2, centre, plot.bottom + 2, "axis", 0.8)]
    for index, (item, text) in enumerate(zip(chosen, numbers, strict=True)):
        y = top + index * ROW
        mid = y + ROW / 2 + LABEL_SIZE * 0.35
        items.append(Text(label_width - 8, mid, item.label, LABEL_SIZE, "text", "end"))
        end = plot.x(item.difference)
        better = item.difference >= 0
        left, right = (centre, end) if better else (end, centre)
        items.append(Rect(left, y + 4, max(right - left, 1), ROW - 8,
                          "better" if better else "worse"))
        if better:
            items.append(Text(max(end, centre) + 4, mid, text, SMALL_SIZE, "text"))
        else:
            items.append(Text(min(end, centre) - 4, mid, text, SMALL_SIZE, "text", "end"))
    return Chart(width, plot.bottom + 6, tuple(items), title, basis, meaning, True, "",
                 association_notes(found, chosen))


def _signed(item: LabelAssociation) -> str:
    sign = "+" if item.difference >= 0 else "−"
    return f"{sign}{abs(item.difference):.1f} ({plural(item.n_with_days, 'day')})"


def _difference(item: LabelAssociation) -> str:
    return f"{'+' if item.difference >= 0 else '−'}{abs(item.difference):.2f}"


def association_notes(found: LabelAssociations, shown: Sequence[LabelAssociation]
                      ) -> tuple[str, ...]:
    """What the bars leave out: labels between the largest differences, and labels named on
    too few days to say anything about (the bars themselves are not retold in words)."""
    notes: list[str] = []
    hidden = [item for item in found.items if item not in shown]
    if hidden:
        # Named with their differences: "each within ±1.2" hid a −1.23 by its rounding, and
        # "in between" (in rank) did not mean small.
        named = ", ".join(f"{item.label} {_difference(item)}" for item in hidden[:8])
        more = f" and {len(hidden) - 8} more" if len(hidden) > 8 else ""
        notes.append(f"Not shown, between the largest at each end: "
                     f"{plural(len(hidden), found.kind)} — {named}{more}.")
    if found.too_rare:
        names = ", ".join(found.too_rare[:6]) + (", …" if len(found.too_rare) > 6 else "")
        notes.append(f"Named on too few days to compare yet (each needs {MIN_DAYS_EACH_SIDE} "
                     f"days with it and {MIN_DAYS_EACH_SIDE} without): {names}.")
    return tuple(notes)


def _top_and_bottom(found: LabelAssociations, limit: int) -> list[LabelAssociation]:
    items = list(found.items)
    if len(items) <= limit:
        return items
    half = limit // 2
    return items[:half] + items[-(limit - half):]
