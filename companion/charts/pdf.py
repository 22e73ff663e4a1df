"""The PDF backend: draws a chart's display list onto an fpdf2 page, and picks a font.

fpdf2's built-in Helvetica knows only Latin-1, and people write in every script, so a Unicode
TrueType font from the system is embedded (subset) when one is found: DejaVu Sans or Liberation
Sans on Linux, Arial on Windows and macOS, or a file named by `COMPANION_PDF_FONT`. Without
one, the built-in font is used and characters it cannot show become "?" (the summary says
so on its cover). Fonts are only read, never fetched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from companion.charts.primitives import (
    Chart,
    Circle,
    Line,
    Polygon,
    Polyline,
    Rect,
    Text,
    colour,
)

_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
     "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
     "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    ("C:/Windows/Fonts/arial.ttf", "C:/Windows/Fonts/arialbd.ttf"),
    ("/System/Library/Fonts/Supplemental/Arial.ttf",
     "/System/Library/Fonts/Supplemental/Arial Bold.ttf"),
    ("/Library/Fonts/Arial.ttf", "/Library/Fonts/Arial Bold.ttf"),
)
FAMILY = "companion-sans"
_LATIN1_FIXES = str.maketrans({"–": "-", "—": "-", "−": "-", "‘": "'", "’": "'", "“": '"',
                               "”": '"', "…": "...", "•": "*", "≤": "<=", "≥": ">="})


@dataclass(frozen=True)
class FontChoice:
    family: str
    regular: Path | None  # None: the built-in Helvetica (Latin-1 only)
    bold: Path | None

    @property
    def unicode(self) -> bool:
        return self.regular is not None


def find_font() -> FontChoice:
    override = os.environ.get("COMPANION_PDF_FONT")
    if override and Path(override).is_file():
        return FontChoice(FAMILY, Path(override), Path(override))
    for regular, bold in _CANDIDATES:
        if Path(regular).is_file():
            return FontChoice(FAMILY, Path(regular), Path(bold) if Path(bold).is_file()
                              else Path(regular))
    return FontChoice("helvetica", None, None)


def install_font(pdf: FPDF, font: FontChoice) -> None:
    if font.regular is not None and font.bold is not None:
        pdf.add_font(font.family, "", str(font.regular))
        pdf.add_font(font.family, "B", str(font.bold))


def printable(text: str, font: FontChoice) -> str:
    """Text the font can show: unchanged with a Unicode font, else Latin-1 with '?'."""
    if font.unicode:
        return text
    return text.translate(_LATIN1_FIXES).encode("latin-1", "replace").decode("latin-1")


def _rgb(role: str) -> tuple[int, int, int]:
    value = colour(role, "light")  # paper is white: the light palette
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def draw_chart(pdf: FPDF, chart: Chart, x: float, y: float, font: FontChoice,
               scale: float = 1.0) -> None:
    """Draw `chart` with its top-left corner at (x, y) points, `scale` points per unit."""

    def px(value: float) -> float:
        return x + value * scale

    def py(value: float) -> float:
        return y + value * scale

    for item in chart.items:
        if isinstance(item, Line | Polyline):
            pdf.set_draw_color(*_rgb(item.color))
            pdf.set_line_width(item.width * scale)
            dash = item.dash
            pdf.set_dash_pattern(dash[0] * scale, dash[1] * scale) if dash else (
                pdf.set_dash_pattern())
            if isinstance(item, Line):
                pdf.line(px(item.x1), py(item.y1), px(item.x2), py(item.y2))
            else:
                pdf.polyline([(px(a), py(b)) for a, b in item.points])
            pdf.set_dash_pattern()
        elif isinstance(item, Rect | Circle | Polygon):
            style = _style(pdf, item.fill, item.stroke, item.width * scale)
            if style is None:
                continue
            if isinstance(item, Rect):
                pdf.rect(px(item.x), py(item.y), item.w * scale, item.h * scale, style=style)
            elif isinstance(item, Circle):
                r = item.r * scale
                pdf.ellipse(px(item.x) - r, py(item.y) - r, 2 * r, 2 * r, style=style)
            else:
                pdf.polygon([(px(a), py(b)) for a, b in item.points], style=style)
        elif isinstance(item, Text):
            pdf.set_font(font.family, "B" if item.bold else "", item.size * scale)
            pdf.set_text_color(*_rgb(item.color))
            text = printable(item.text, font)
            width = pdf.get_string_width(text)
            left = px(item.x) - (width if item.anchor == "end" else
                                 width / 2 if item.anchor == "middle" else 0)
            pdf.text(left, py(item.y), text)


def _style(pdf: FPDF, fill: str | None, stroke: str | None, width: float) -> str | None:
    if fill is not None:
        pdf.set_fill_color(*_rgb(fill))
    if stroke is not None:
        pdf.set_draw_color(*_rgb(stroke))
        pdf.set_line_width(width)
    return {(True, True): "DF", (True, False): "F", (False, True): "D"}.get(
        (fill is not None, stroke is not None))
