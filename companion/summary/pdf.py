"""The therapist summary as a PDF: a cover, then each chosen part with a plain note on how to
read it, drawn with the same chart layouts the app shows (companion.charts).

The parts follow one another on the pages rather than each opening a page of its own, and a
part or a chart without enough data is one honest line ("Not enough check-ins in this period
for a chart"): a week with one check-in used to be five mostly empty pages of "needs at least
2". fpdf2 is pure Python and writes the whole document in memory; the caller writes the bytes
atomically to the file the person chose. Nothing but the chosen parts is ever laid out.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from companion.charts import (
    CAVEAT,
    energy_chart,
    mood_chart,
    questionnaire_charts,
    screen_chart,
)
from companion.charts.bars import association_chart
from companion.charts.pdf import FontChoice, find_font
from companion.models import ENERGY_LABELS, MOOD_LABELS
from companion.plurals import plural
from companion.questionnaires import FLAG_ITEM9, FLAG_WHO5_ITEM_LOW, FLAG_WHO5_LOW, load
from companion.summary.document import BODY, MARGIN, SMALL, Document
from companion.summary.images import SummaryImage
from companion.summary.model import PART_LABELS, Part, Summary

FLAG_SHORT = {FLAG_ITEM9: "item 9 above 0", FLAG_WHO5_LOW: "below 50",
              FLAG_WHO5_ITEM_LOW: "an item at 0-1"}
NOT_ENOUGH = "Not enough check-ins in this period for a chart."


def long_date(day: date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def period_text(start: date, end: date) -> str:
    days = (end - start).days + 1
    return f"{long_date(start)} – {long_date(end)} ({plural(days, 'day')})"


def render_pdf(summary: Summary) -> bytes:
    font = find_font()
    pdf = Document(summary, font)
    pdf.alias_nb_pages()
    pdf.add_page()
    _cover(pdf, summary, font)
    pdf.add_page()  # the parts flow from here, each on a new page only when it must
    if summary.has(Part.MOOD):
        _mood(pdf, summary)
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


def _cover(pdf: Document, summary: Summary, font: FontChoice) -> None:
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
        glance.append(f"{plural(basis.checkins, 'check-in')} on {basis.days} of the "
                      f"{plural(data.days, 'day')}.")
        if moods:
            average = sum(moods) / len(moods)
            glance.append(f"Average mood {average:.1f} on a scale of 1 ({MOOD_LABELS[1]}) to 5 "
                          f"({MOOD_LABELS[5]}).")
    for kind, trend in data.trends.items():
        if trend.latest is not None and summary.has(Part.QUESTIONNAIRES):
            glance.append(f"Latest {load(kind).short_title}: {trend.latest.score} "
                          f"({trend.latest.band}), {plural(len(trend.points), 'result')} in "
                          "the period.")
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
    photos = sum(len(images) for images in summary.images.values())
    with_photos = f", with {plural(photos, 'photo')} they chose" if photos else ""
    pdf.paragraph(f"•  {plural(count, 'journal entry')} chosen by the person{with_photos}"
                  if count else "•  No journal entries (none were chosen)", BODY, gap=14)
    pdf.paragraph(
        "This summary was made by the person it describes, with Companion, a private journal "
        "that keeps everything encrypted on their own computer. It holds only the parts they "
        "chose to share. Charts show patterns and associations in what they recorded; they "
        "are not a diagnosis and do not show causes.", SMALL, grey=True)
    if not font.unicode:
        pdf.paragraph("No Unicode font was found on this computer, so characters outside "
                      "Western European alphabets are shown as '?'.", SMALL, grey=True)


def _mood(pdf: Document, summary: Summary) -> None:
    pdf.heading("Mood over the period")
    width = pdf.content_width
    mood = mood_chart(summary.data, width, 230)
    if not mood.enough_data:
        pdf.paragraph(NOT_ENOUGH, grey=True, gap=10)  # and so none for energy either
        return
    pdf.chart(mood)
    pdf.chart(energy_chart(summary.data, width, 190))


def _questionnaires(pdf: Document, summary: Summary) -> None:
    pdf.heading("Questionnaire scores")
    results = summary.data.results
    if not results:
        pdf.paragraph("No questionnaires were taken in this period.", grey=True, gap=10)
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


def _labels(pdf: Document, summary: Summary) -> None:
    pdf.heading("Top activities and emotions")
    longest = max(len(summary.top_activities), len(summary.top_emotions))
    if longest == 0:
        pdf.paragraph("No check-in in this period names an activity or an emotion.", grey=True,
                      gap=10)
        return
    pdf.paragraph("How many days in the period each was named on in a check-in.", SMALL,
                  grey=True, gap=6)
    pairs = [summary.top_activities, summary.top_emotions]
    rows = []
    for index in range(longest):
        row: list[str] = []
        for counts in pairs:
            item = counts[index] if index < len(counts) else None
            row += [item.label, plural(item.days, "day")] if item else ["", ""]
        rows.append(row)
    pdf.grid(("Activity", "Days", "Emotion", "Days"), rows, (3, 1.4, 3, 1.4))
    found = (summary.data.insights.activities, summary.data.insights.emotions)
    charts = [association_chart(f, pdf.content_width) for f in found]
    if not any(chart.enough_data for chart in charts):
        pdf.paragraph("Not enough check-ins in this period to compare activities or emotions "
                      "with mood: each needs at least 3 days with it and 3 without.",
                      grey=True, gap=10)
        return
    pdf.paragraph(f"Below, each is set against mood. {CAVEAT}", SMALL, grey=True, gap=6)
    for chart in charts:
        pdf.chart(chart)


def _screen_time(pdf: Document, summary: Summary) -> None:
    data = summary.data
    pdf.heading("Screen time")
    if not data.screen_hours:
        pdf.paragraph("No screen time was recorded in this period.", grey=True, gap=10)
        return
    days = len(data.screen_hours)
    total = sum(data.screen_hours.values())
    pdf.paragraph(f"Active computer use was recorded on {days} of the "
                  f"{plural(data.days, 'day')}: {total:.1f} hours in all, {total / days:.1f} "
                  "hours a day on average on those days.")
    rows = [(category, f"{hours:.1f} h", f"{hours / total * 100:.0f} %")
            for category, hours in sorted(data.screen_categories.items(),
                                          key=lambda item: -item[1])[:8]]
    pdf.grid(("Category", "Hours", "Share"), rows, (4, 2, 2))
    chart = screen_chart(data, pdf.content_width)
    if chart is not None:
        pdf.chart(chart)


def _checkins(pdf: Document, summary: Summary) -> None:
    pdf.heading("Check-ins")
    checkins = summary.data.checkins
    if not checkins:
        pdf.paragraph("No check-ins in this period.", grey=True, gap=10)
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


def _entries(pdf: Document, summary: Summary) -> None:
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
        for image in summary.images.get(entry.id, ()):
            _photo(pdf, image)


def _photo(pdf: Document, image: SummaryImage) -> None:
    """A chosen photo at most the page's width and a third of its height, with its name
    under it; one that cannot be printed is named instead."""
    if image.jpeg is None:
        pdf.paragraph(f"(A photo, “{image.name}”, is a kind of image this summary cannot "
                      "show.)", SMALL, grey=True, gap=8)
        return
    scale = min(pdf.content_width / image.width, (pdf.h / 3) / image.height, 1.0)
    width, height = image.width * scale, image.height * scale
    if pdf.get_y() + height + 24 > pdf.h - MARGIN - 10:
        pdf.add_page()
    top = pdf.get_y()
    pdf.image(io.BytesIO(image.jpeg), x=MARGIN, y=top, w=width, h=height)
    pdf.set_y(top + height + 3)
    pdf.paragraph(image.name, SMALL, grey=True, gap=10)
