"""The summary's page machinery on fpdf2: paragraphs, headings, tables, and charts that
either draw or, without enough data, collapse to one honest line.

Kept apart from the sections (companion/summary/pdf.py) so each module reads as one thing.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from companion.charts.pdf import FontChoice, draw_chart, install_font, printable
from companion.charts.primitives import Chart
from companion.summary.model import Paper, Summary

MARGIN = 42.0
BODY = 10.0
SMALL = 8.5


class Document(FPDF):
    def __init__(self, summary: Summary, font: FontChoice) -> None:
        paper = "A4" if summary.request.paper is Paper.A4 else "Letter"
        super().__init__(unit="pt", format=paper)
        self.summary, self.font = summary, font
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, MARGIN + 10)
        self.set_title("Companion summary")
        self.set_creator("Companion")
        install_font(self, font)

    @property
    def content_width(self) -> float:
        return float(self.w - 2 * MARGIN)

    def footer(self) -> None:
        self.set_y(-MARGIN + 6)
        self.set_font(self.font.family, "", 7.5)
        self.set_text_color(110, 119, 129)
        request = self.summary.request
        self.cell(0, 10, self.say(f"Companion summary · {request.start.isoformat()} to "
                                  f"{request.end.isoformat()} · page {self.page_no()} of {{nb}}"),
                  align="C")

    def say(self, text: str) -> str:
        return printable(text, self.font)

    def paragraph(self, text: str, size: float = BODY, *, bold: bool = False,
                  grey: bool = False, gap: float = 4) -> None:
        self.set_font(self.font.family, "B" if bold else "", size)
        self.set_text_color(*((89, 99, 110) if grey else (31, 35, 40)))
        self.multi_cell(self.content_width, size * 1.4, self.say(text), align="L",
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(gap)

    def heading(self, text: str) -> None:
        if self.get_y() > self.h - MARGIN - 120:
            self.add_page()
        self.ln(6)
        self.paragraph(text, 15, bold=True, gap=2)

    def chart(self, chart: Chart) -> None:
        """A chart with what it rests on, how to read it and its sentences; on a new page if
        it would not fit. Without enough data it is one grey line saying so, never an empty
        box (a short period used to give pages of them)."""
        if not chart.enough_data:
            self.paragraph(chart.reason or "Not enough check-ins in this period for a chart.",
                           grey=True, gap=8)
            return
        needed = chart.height + 60
        if self.get_y() + needed > self.h - MARGIN - 10:
            self.add_page()
        top = self.get_y()
        draw_chart(self, chart, MARGIN, top, self.font)
        self.set_y(top + chart.height + 6)
        for sentence in chart.texts:
            self.paragraph(sentence, SMALL, gap=1)
        self.paragraph(f"{chart.meaning} {chart.basis}.".strip(), SMALL, grey=True, gap=10)

    def grid(self, headers: Sequence[str], rows: Sequence[Sequence[str] | str],
             widths: Sequence[float]) -> None:
        """A plain table; the header repeats on each new page. A row given as one string is
        written in full across the table's width (check-in notes), never cut short."""
        scale = self.content_width / sum(widths)
        cols = [w * scale for w in widths]
        line = SMALL * 1.5

        def header() -> None:
            self.set_font(self.font.family, "B", SMALL)
            self.set_text_color(31, 35, 40)
            self.set_fill_color(242, 244, 247)
            for title, width in zip(headers, cols, strict=True):
                self.cell(width, line + 2, self.say(title), fill=True)
            self.ln(line + 2)
            self.set_font(self.font.family, "", SMALL)

        header()
        for row in rows:
            if self.get_y() + line > self.h - MARGIN - 12:
                self.add_page()
                header()
            if isinstance(row, str):
                self.set_text_color(89, 99, 110)
                self.set_x(MARGIN + cols[0])
                self.multi_cell(self.content_width - cols[0], line, self.say(row), align="L",
                                new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.set_text_color(31, 35, 40)
                continue
            # Plain text() per cell: cell()'s line-breaking machinery is ten times slower,
            # and a year of check-ins is thousands of cells.
            x, baseline = MARGIN, self.get_y() + line * 0.72
            for text, width in zip(row, cols, strict=True):
                if text:
                    self.text(x + 2, baseline, self.say(_fit(self, text, width)))
                x += width
            self.ln(line)
        self.ln(8)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """Cut a cell's text with an ellipsis rather than let it run into the next column."""
    if len(text) * SMALL <= width - 4:  # surely fits: no glyph is wider than the font size
        return text
    if pdf.get_string_width(text) <= width - 4:
        return text
    while text and pdf.get_string_width(text + "…") > width - 4:
        text = text[:-1]
    return text + "…"
