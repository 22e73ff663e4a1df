"""Bar charts: mood by weekday, time of day, sleep and screen time; label associations.

Every bar carries its number and its count as text, so nothing depends on reading a colour
or a length exactly, and a group with too little data says so instead of drawing a bar.
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
    CAVEAT,
    MIN_BUCKET,
    Bucket,
    LabelAssociation,
    LabelAssociations,
)

ROW = 20.0


def bucket_chart(title: str, buckets: Sequence[Bucket], unit: str, *, basis: str,
                 meaning: str, enough: bool, reason: str, width: float,
                 extra: str = "") -> Chart:
    """One horizontal bar per group: its mean mood on a 1–5 scale, with how many it rests on."""
    if not enough:
        return empty_chart(title, width, 90, reason, basis, meaning)
    label_width = max(text_width(b.label, LABEL_SIZE) for b in buckets) + 10
    top = TITLE_SIZE + 12
    plot = Plot(label_width, top, width - label_width - 120, ROW * len(buckets), 1, 5, 0, 1)
    items: list[Primitive] = [title_item(title)]
    for value in range(1, 6):  # mood scale gridlines, labelled under the bars
        x = plot.x(value)
        items.append(Line(x, top - 2, x, plot.bottom + 2, "grid", 0.6))
        items.append(Text(x, plot.bottom + 4 + SMALL_SIZE, str(value), SMALL_SIZE, "muted",
                          "middle"))
    singular = unit[:-1] if unit.endswith("s") else unit
    for index, bucket in enumerate(buckets):
        y = top + index * ROW
        mid = y + ROW / 2 + LABEL_SIZE * 0.35
        items.append(Text(label_width - 8, mid, bucket.label, LABEL_SIZE, "text", "end"))
        count = f"{bucket.count} {singular if bucket.count == 1 else unit}"
        if bucket.mean_mood is None:
            items.append(Text(plot.left + 4, mid, f"too few ({count}; needs {MIN_BUCKET})",
                              SMALL_SIZE, "muted"))
            continue
        end = plot.x(bucket.mean_mood)
        items.append(Rect(plot.left, y + 4, max(end - plot.left, 1), ROW - 8, "mood"))
        items.append(Text(plot.right + 6, mid, f"{bucket.mean_mood:.1f}  ({count})",
                          LABEL_SIZE, "text"))
    height = plot.bottom + 8 + SMALL_SIZE
    if extra:
        items.append(Text(0, height + 12, extra, LABEL_SIZE, "muted"))
        height += 18
    return Chart(width, height, tuple(items), title, basis, meaning, True, "")


def association_chart(found: LabelAssociations, width: float, *, limit: int = 8) -> Chart:
    """Labels whose days had higher or lower mood than days without them, largest first."""
    noun = "Activities" if found.kind == "activity" else "Emotions"
    title = f"{noun} and mood"
    meaning = (f"For each {found.kind} named on at least 3 days (and missing on at least 3), "
               "the difference between your average mood on days with it and days without "
               "it. Bars to the right (+) went with better days, to the left (−) with harder "
               "ones. This is an association, not proof of cause.")
    if not found.enough_data:
        return empty_chart(title, width, 90, found.reason, found.based_on.text, meaning)
    chosen = _top_and_bottom(found, limit)
    label_width = max(text_width(item.label, LABEL_SIZE) for item in chosen) + 10
    scale = max([1.0, *(abs(item.difference) for item in chosen)])
    top = TITLE_SIZE + 12
    # Room for the signed numbers on both sides, so a long bar never runs into a label.
    room = max(text_width(f"−{abs(i.difference):.1f} ({i.n_with_days} days)", SMALL_SIZE)
               for i in chosen) + 8
    plot = Plot(label_width + room, top, width - label_width - 2 * room, ROW * len(chosen),
                -scale, scale, 0, 1)
    centre = plot.x(0)
    items: list[Primitive] = [title_item(title),
                              Line(centre, top - 2, centre, plot.bottom + 2, "axis", 0.8)]
    for index, item in enumerate(chosen):
        y = top + index * ROW
        mid = y + ROW / 2 + LABEL_SIZE * 0.35
        items.append(Text(label_width - 8, mid, item.label, LABEL_SIZE, "text", "end"))
        end = plot.x(item.difference)
        better = item.difference >= 0
        left, right = (centre, end) if better else (end, centre)
        items.append(Rect(left, y + 4, max(right - left, 1), ROW - 8,
                          "better" if better else "worse"))
        sign = "+" if better else "−"
        text = f"{sign}{abs(item.difference):.1f} ({item.n_with_days} days)"
        if better:
            items.append(Text(max(end, centre) + 4, mid, text, SMALL_SIZE, "text"))
        else:
            items.append(Text(min(end, centre) - 4, mid, text, SMALL_SIZE, "text", "end"))
    # Each sentence is already worded as an association; the caveat is said once, at the end.
    sentences = (*(item.sentence.replace(f" {CAVEAT}", "") for item in chosen), CAVEAT)
    return Chart(width, plot.bottom + 6, tuple(items), title, found.based_on.text, meaning,
                 True, "", sentences)


def _top_and_bottom(found: LabelAssociations, limit: int) -> list[LabelAssociation]:
    items = list(found.items)
    if len(items) <= limit:
        return items
    half = limit // 2
    return items[:half] + items[-(limit - half):]
