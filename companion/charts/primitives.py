"""The display list every chart becomes, and the one palette it is coloured from.

A chart layout (this package) turns data into a few kinds of primitive in abstract units
(think points: 1 unit is one pixel on screen at 100 % and one point in a PDF), with colours
named by *role* ("mood", "grid", "pixel3"). Two small backends draw the list: QPainter in
`ui/widgets/chart_view.py` and fpdf2 in `companion/charts/pdf.py`. Because both draw the same
list, what a person sees in the app is what their therapist sees on paper.

Colours come from the Okabe–Ito set (distinguishable with the common colour-vision
deficiencies) and, for the mood scale, five steps of viridis, whose lightness rises with the
value so the scale also reads in greyscale. No chart relies on colour alone: series differ in
dash and marker too, bars carry their numbers, pixels can carry their digits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Anchor = Literal["start", "middle", "end"]


@dataclass(frozen=True, slots=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    color: str
    width: float = 1.0
    dash: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    color: str
    width: float = 1.0
    dash: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class Polygon:
    """A closed shape (markers such as triangles and diamonds)."""

    points: tuple[tuple[float, float], ...]
    fill: str | None
    stroke: str | None = None
    width: float = 1.0


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str | None
    stroke: str | None = None
    width: float = 1.0


@dataclass(frozen=True, slots=True)
class Circle:
    x: float
    y: float
    r: float
    fill: str | None
    stroke: str | None = None
    width: float = 1.0


@dataclass(frozen=True, slots=True)
class Text:
    """`y` is the baseline; `anchor` says which end of the text sits at `x`."""

    x: float
    y: float
    text: str
    size: float
    color: str
    anchor: Anchor = "start"
    bold: bool = False


Primitive = Line | Polyline | Polygon | Rect | Circle | Text


@dataclass(frozen=True)
class Chart:
    """A laid-out chart: what to draw, and the words that go with it."""

    width: float
    height: float
    items: tuple[Primitive, ...]
    title: str
    basis: str  # how much data it rests on, e.g. "Based on 40 check-ins over 31 days."
    meaning: str  # one or two plain sentences on how to read it
    enough_data: bool = True
    reason: str = ""  # why nothing is claimed, when not enough_data
    texts: tuple[str, ...] = field(default=())  # sentences shown under it (associations)


# Okabe & Ito (2008), "Color Universal Design"; viridis (van der Walt & Smith, matplotlib).
_COMMON = {
    "pixel1": "#440154", "pixel2": "#3b528b", "pixel3": "#21918c", "pixel4": "#5ec962",
    "pixel5": "#fde725",
    "pixel_text1": "#ffffff", "pixel_text2": "#ffffff", "pixel_text3": "#111111",
    "pixel_text4": "#111111", "pixel_text5": "#111111",
}
PALETTES: dict[str, dict[str, str]] = {
    "light": {
        **_COMMON,
        "background": "#ffffff", "text": "#1f2328", "muted": "#59636e", "grid": "#dde1e6",
        "axis": "#8c959f", "band": "#f2f4f7",
        "mood": "#0072b2", "mood_soft": "#9cc3de", "energy": "#a35c00",
        "energy_soft": "#e7c08f", "better": "#0072b2", "worse": "#d55e00",
        "neutral": "#8c959f", "phq9": "#0072b2", "gad7": "#a35c00", "who5": "#009e73",
        "empty": "#eef0f3",
    },
    "dark": {
        **_COMMON,
        "background": "#1e1f24", "text": "#e8e8ea", "muted": "#a4a6ae", "grid": "#3a3b42",
        "axis": "#6b6c74", "band": "#31333b",
        "mood": "#56b4e9", "mood_soft": "#4a88ad", "energy": "#e69f00",
        "energy_soft": "#a07a2c", "better": "#56b4e9", "worse": "#f08a4b",
        "neutral": "#8b8c94", "phq9": "#56b4e9", "gad7": "#e69f00", "who5": "#3fc79a",
        "empty": "#2c2d34",
    },
}


def colour(role: str, theme: str = "light") -> str:
    """The hex colour of a role in a theme ("light" or "dark"); unknown roles are a bug."""
    return PALETTES[theme][role]
