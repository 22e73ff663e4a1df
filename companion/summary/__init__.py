"""The therapist summary: choose a period and parts, get a PDF (or CSV/JSON) of exactly that.

`make_summary_bytes` builds and renders in one call, which is what the CLI and the desktop
app's task both run; writing the file (atomically, only where the person chose) is the
caller's step, so the app can preview pages before saving.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from companion.summary.model import (
    ALL_PARTS,
    PART_LABELS,
    Paper,
    Part,
    Summary,
    SummaryRequest,
    build_summary,
    parse_entry_id,
)
from companion.summary.tabular import summary_csv, summary_json
from storage.atomic import atomic_write_bytes

if TYPE_CHECKING:
    from companion.app import CompanionApp

__all__ = ["ALL_PARTS", "PART_LABELS", "Paper", "Part", "Summary", "SummaryFormat",
           "SummaryRequest", "build_summary", "make_summary_bytes", "parse_entry_id",
           "render", "render_pdf", "summary_csv", "summary_json", "write_summary"]


class SummaryFormat(StrEnum):
    PDF = "pdf"
    CSV = "csv"
    JSON = "json"


def render_pdf(summary: Summary) -> bytes:
    """The summary as PDF pages. The renderer (fpdf2, with fontTools and Pillow) is loaded
    here, on first use: the CLI and the desktop app start without it."""
    from companion.summary.pdf import render_pdf as render_with_fpdf

    return render_with_fpdf(summary)


def render(summary: Summary, fmt: SummaryFormat) -> bytes:
    if fmt is SummaryFormat.PDF:
        return render_pdf(summary)
    return summary_csv(summary) if fmt is SummaryFormat.CSV else summary_json(summary)


def make_summary_bytes(app: CompanionApp, request: SummaryRequest, fmt: SummaryFormat, *,
                       day_start_hour: int = 0) -> bytes:
    return render(build_summary(app, request, day_start_hour=day_start_hour), fmt)


def write_summary(path: Path, data: bytes) -> None:
    atomic_write_bytes(path, data)
