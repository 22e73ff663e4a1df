"""The therapist summary as a PDF: a cover, then each chosen part with a plain note on how to
read it, drawn with the same chart layouts the app shows (companion.charts).

fpdf2 is pure Python and writes the whole document in memory; the caller writes the bytes
atomically to the file the person chose. Nothing but the chosen parts is ever laid out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from companion.charts import mood_chart, questionnaire_charts, screen_chart
from companion.charts.bars import association_chart
from companion.charts.pdf import FontChoice, draw_chart, find_font, install_font, printable
from companion.charts.primitives import Chart
from companion.charts.timeline import over_time_chart
from companion.models import ENERGY_LABELS, MOOD_LABELS
from companion.questionnaires import FLAG_ITEM9, FLAG_WHO5_ITEM_LOW, FLAG_WHO5_LOW, load
from companion.summary.model import PART_LABELS, Paper, Part, Summary

MARGIN = 42.0
BODY = 10.0
SMALL = 8.5
FLAG_SHORT = {FLAG_ITEM9: "item 9 above 0", FLAG_WHO5_LOW: "below 50",
              FLAG_WHO5_ITEM_LOW: "an item at 0-1"}


def long_date(day: date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def period_text(start: date, end: date) -> str:
    days = (end - start).days + 1
    return f"{long_date(start)} – {long_date(end)} ({days} day{'s' if days != 1 else ''})"


class _Document(FPDF):
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
        """A chart with its basis and meaning; on a new page if it would not fit."""
        needed = chart.height + 60
        if self.get_y() + needed > self.h - MARGIN - 10:
            self.add_page()
        top = self.get_y()
        draw_chart(self, chart, MARGIN, top, self.font)
        self.set_y(top + chart.height + 6)
        self.paragraph(chart.basis + (f" {chart.reason}" if not chart.enough_data
                                      and chart.reason not in chart.basis else ""),
                       SMALL, grey=True, gap=1)
        self.paragraph(chart.meaning, SMALL, grey=True, gap=10)

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


def render_pdf(summary: Summary) -> bytes:
    font = find_font()
    pdf = _Document(summary, font)
    pdf.alias_nb_pages()
    pdf.add_page()
    _cover(pdf, summary, font)
    if summary.has(Part.MOOD):
        pdf.add_page()
        pdf.heading("Mood over the period")
        width = pdf.content_width
        pdf.chart(mood_chart(summary.data, width, 230))
        pdf.chart(over_time_chart(summary.data.series, summary.data.start, summary.data.end,
                                  "energy", width, 190))
    if summary.has(Part.QUESTIONNAIRES):
        _questionnaires(pdf, summary)
    if summary.has(Part.LABELS):
        _labels(pdf, summary)
    if summary.has(Part.SCREEN_TIME):
        _screen_time(pdf, summary)
    if summary.has(Part.CHECKINS):
        _checkins(pdf, summary)
    if summary.entries:
        _entries(pdf, summary)
    return bytes(pdf.output())


def _cover(pdf: _Document, summary: Summary, font: FontChoice) -> None:
    request, data = summary.request, summary.data
    pdf.ln(40)
    pdf.paragraph("Companion summary", 26, bold=True, gap=6)
    if request.name.strip():
        pdf.paragraph(f"For {request.name.strip()}", 14, gap=4)
    pdf.paragraph(f"Period: {period_text(request.start, request.end)}", 12, gap=2)
    pdf.paragraph(f"Made on {long_date(summary.made_at.date())}", 12, gap=18)
    basis = data.insights.based_on
    moods = [c.mood for c in data.checkins]
    glance = []  # only from parts the person chose: a left-out part leaves no trace here
    if summary.has(Part.MOOD) or summary.has(Part.CHECKINS):
        glance.append(f"{basis.checkins} check-ins on {basis.days} of the {data.days} days.")
        if moods:
            average = sum(moods) / len(moods)
            glance.append(f"Average mood {average:.1f} on a scale of 1 ({MOOD_LABELS[1]}) to 5 "
                          f"({MOOD_LABELS[5]}).")
    for kind, trend in data.trends.items():
        if trend.latest is not None and summary.has(Part.QUESTIONNAIRES):
            glance.append(f"Latest {load(kind).short_title}: {trend.latest.score} "
                          f"({trend.latest.band}), {len(trend.points)} result"
                          f"{'s' if len(trend.points) != 1 else ''} in the period.")
    if glance:
        pdf.paragraph("At a glance", 12, bold=True, gap=2)
        for line in glance:
            pdf.paragraph(f"•  {line}", BODY, gap=1)
        pdf.ln(12)
    pdf.paragraph("What is inside", 12, bold=True, gap=2)
    for part in Part:
        if summary.has(part):
            pdf.paragraph(f"•  {PART_LABELS[part]}", BODY, gap=1)
    count = len(summary.entries)
    pdf.paragraph(f"•  {count} journal entr{'y' if count == 1 else 'ies'} chosen by the "
                  "person" if count else "•  No journal entries (none were chosen)", BODY,
                  gap=14)
    pdf.paragraph(
        "This summary was made by the person it describes, with Companion, a private journal "
        "that keeps everything encrypted on their own computer. It holds only the parts they "
        "chose to share. Charts show patterns and associations in what they recorded; they "
        "are not a diagnosis and do not show causes.", SMALL, grey=True)
    if not font.unicode:
        pdf.paragraph("No Unicode font was found on this computer, so characters outside "
                      "Western European alphabets are shown as '?'.", SMALL, grey=True)


def _questionnaires(pdf: _Document, summary: Summary) -> None:
    pdf.add_page()
    pdf.heading("Questionnaire scores")
    results = summary.data.results
    if not results:
        pdf.paragraph("No questionnaires were taken in this period.", grey=True)
        return
    pdf.paragraph(
        "PHQ-9 (depression: 0–4 minimal, 5–9 mild, 10–14 moderate, 15–19 moderately severe, "
        "20–27 severe), GAD-7 (anxiety: 0–4 minimal, 5–9 mild, 10–14 moderate, 15–21 severe) "
        "and WHO-5 (wellbeing, 0–100: higher is better; below 50, or any item at 0–1, "
        "suggests talking to a professional). Scores are self-reported screening results, "
        "not a diagnosis.", SMALL, grey=True, gap=8)
    rows = [(saved.taken_at.strftime("%Y-%m-%d %H:%M"), load(saved.result.kind).short_title,
             f"{saved.result.score} / {saved.result.max_score}", saved.result.band,
             ", ".join(FLAG_SHORT[f] for f in sorted(saved.result.flags)))
            for saved in results]
    pdf.grid(("Taken", "Questionnaire", "Score", "Band", "Notes"), rows, (3, 2.4, 1.8, 3.2,
                                                                          2.6))
    for chart in questionnaire_charts(summary.data, pdf.content_width):
        pdf.chart(chart)


def _labels(pdf: _Document, summary: Summary) -> None:
    pdf.add_page()
    pdf.heading("Top activities and emotions")
    pdf.paragraph("How many days in the period each was named on in a check-in.", SMALL,
                  grey=True, gap=6)
    pairs = [("Activities", summary.top_activities), ("Emotions", summary.top_emotions)]
    longest = max(len(summary.top_activities), len(summary.top_emotions))
    if longest == 0:
        pdf.paragraph("No check-in in this period names an activity or an emotion.", grey=True)
    else:
        rows = []
        for index in range(longest):
            row: list[str] = []
            for _, counts in pairs:
                item = counts[index] if index < len(counts) else None
                row += [item.label, f"{item.days} days"] if item else ["", ""]
            rows.append(row)
        pdf.grid(("Activity", "Days", "Emotion", "Days"), rows, (3, 1.4, 3, 1.4))
    for found in (summary.data.insights.activities, summary.data.insights.emotions):
        chart = association_chart(found, pdf.content_width)
        pdf.chart(chart)
        for sentence in chart.texts:
            pdf.paragraph(f"•  {sentence}", SMALL, gap=1)
        pdf.ln(6)


def _screen_time(pdf: _Document, summary: Summary) -> None:
    data = summary.data
    pdf.heading("Screen time")
    if not data.screen_hours:
        pdf.paragraph("No screen time was recorded in this period.", grey=True)
        return
    days = len(data.screen_hours)
    total = sum(data.screen_hours.values())
    pdf.paragraph(f"Active computer use was recorded on {days} of the {data.days} days: "
                  f"{total:.1f} hours in all, {total / days:.1f} hours a day on average on "
                  "those days.")
    rows = [(category, f"{hours:.1f} h", f"{hours / total * 100:.0f} %")
            for category, hours in sorted(data.screen_categories.items(),
                                          key=lambda item: -item[1])[:8]]
    pdf.grid(("Category", "Hours", "Share"), rows, (4, 2, 2))
    chart = screen_chart(data, pdf.content_width)
    if chart is not None:
        pdf.chart(chart)


def _checkins(pdf: _Document, summary: Summary) -> None:
    pdf.add_page()
    pdf.heading("Check-ins")
    checkins = summary.data.checkins
    if not checkins:
        pdf.paragraph("No check-ins in this period.", grey=True)
        return
    pdf.paragraph("Mood and energy run from 1 to 5 (mood: " + ", ".join(
        f"{k} {v}" for k, v in MOOD_LABELS.items()) + "; energy: " + ", ".join(
        f"{k} {v}" for k, v in ENERGY_LABELS.items()) + "). Sleep is the night before.",
        SMALL, grey=True, gap=6)
    notes = summary.request.checkin_notes
    headers = ["When", "Mood", "Energy", "Sleep", "Emotions", "Activities"]
    rows: list[Sequence[str] | str] = []
    for checkin in checkins:
        rows.append([checkin.at.strftime("%a %Y-%m-%d %H:%M"), str(checkin.mood),
                     "" if checkin.energy is None else str(checkin.energy),
                     "" if checkin.sleep_hours is None else f"{checkin.sleep_hours:g} h",
                     ", ".join(checkin.emotions), ", ".join(checkin.activities)])
        if notes and checkin.note.strip():
            rows.append(f"Note: {' '.join(checkin.note.split())}")
    pdf.grid(headers, rows, [2.6, 1.1, 1.2, 1.0, 3.2, 3.2])


def _entries(pdf: _Document, summary: Summary) -> None:
    pdf.add_page()
    pdf.heading("Journal entries chosen to share")
    for entry in summary.entries:
        pdf.paragraph(entry.title or "(untitled)", 12, bold=True, gap=1)
        details = entry.created.strftime("%A %d %B %Y, %H:%M")
        if entry.tags:
            details += " · " + ", ".join(f"#{tag}" for tag in entry.tags)
        if entry.mood is not None:
            details += f" · mood {entry.mood}"
        pdf.paragraph(details, SMALL, grey=True, gap=4)
        if entry.body.strip():
            pdf.paragraph(entry.body.strip(), BODY, gap=14)
