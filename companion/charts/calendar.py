"""Year in pixels: one square per day, coloured by that day's mood, months as rows."""

from __future__ import annotations

from companion.charts.layout import LABEL_SIZE, SMALL_SIZE, TITLE_SIZE, text_width, title_item
from companion.charts.primitives import Chart, Primitive, Rect, Text
from companion.insights import YearPixels
from companion.models import MOOD_LABELS
from companion.plurals import plural

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MEANING = ("One square per day, coloured by that day's average mood: dark purple for 1 "
           "(awful) through blue and green to yellow for 5 (great), lighter for better. Empty "
           "squares are days without a check-in.")


def year_pixels_chart(pixels: YearPixels, width: float, *, digits: bool = True) -> Chart:
    title = f"Year in pixels, {pixels.year}"
    left = 30.0
    cell = min(16.0, (width - left) / 31)
    top = TITLE_SIZE + 12 + SMALL_SIZE
    items: list[Primitive] = [title_item(title)]
    for day in (1, 5, 10, 15, 20, 25, 31):
        items.append(Text(left + (day - 0.5) * cell, top - 3, str(day), SMALL_SIZE, "muted",
                          "middle"))
    show_digits = digits and cell >= 11
    gap = max(1.0, cell * 0.12)
    for month, row in enumerate(pixels.months):
        y = top + month * cell
        items.append(Text(0, y + cell / 2 + LABEL_SIZE * 0.35, MONTHS[month], LABEL_SIZE,
                          "muted"))
        for index, value in enumerate(row):
            x = left + index * cell
            size = cell - gap
            if value is None:
                items.append(Rect(x, y, size, size, "empty"))
                continue
            items.append(Rect(x, y, size, size, f"pixel{value}"))
            if show_digits:
                items.append(Text(x + size / 2, y + size / 2 + SMALL_SIZE * 0.33, str(value),
                                  SMALL_SIZE * 0.9, f"pixel_text{value}", "middle"))
    legend_y = top + 12 * cell + 16
    x = left
    for value in range(1, 6):
        items.append(Rect(x, legend_y - 9, 10, 10, f"pixel{value}"))
        label = f"{value} {MOOD_LABELS[value]}"
        items.append(Text(x + 14, legend_y, label, LABEL_SIZE, "text"))
        x += 14 + text_width(label, LABEL_SIZE) + 12
    items.append(Rect(x, legend_y - 9, 10, 10, "empty"))
    items.append(Text(x + 14, legend_y, "no check-in", LABEL_SIZE, "text"))
    basis = f"Check-ins on {plural(pixels.based_on.days, 'day')} in {pixels.year}"
    return Chart(width, legend_y + 6, tuple(items), title, basis, MEANING,
                 pixels.enough_data, pixels.reason)
