"""The summary's period as data: CSV (one table, a `record` column) and JSON.

Both hold the period's check-ins and questionnaire results, nothing else — never journal
entries, and check-in notes only when the request asks for them. The CSV is one file so a
spreadsheet opens it at once; its first column says which kind of row each line is.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from companion.models import CheckIn
from companion.questionnaire_store import SavedResult
from companion.questionnaires import load
from companion.summary.model import Summary

FORMAT = "companion-summary"
VERSION = 1
CSV_FIELDS = ["record", "id", "at", "mood", "energy", "sleep_hours", "emotions", "activities",
              "note", "questionnaire", "score", "max_score", "band", "answers", "flags"]


def checkin_value(checkin: CheckIn, notes: bool) -> dict[str, Any]:
    value: dict[str, Any] = {
        "id": f"c{checkin.id}", "at": checkin.at.isoformat(), "mood": checkin.mood,
        "energy": checkin.energy, "sleep_hours": checkin.sleep_hours,
        "emotions": list(checkin.emotions), "activities": list(checkin.activities)}
    if notes:
        value["note"] = checkin.note
    return value


def result_value(saved: SavedResult) -> dict[str, Any]:
    result = saved.result
    return {"id": saved.id, "at": saved.taken_at.isoformat(), "questionnaire": result.kind.value,
            "title": load(result.kind).short_title, "score": result.score,
            "max_score": result.max_score, "total": result.total, "band": result.band,
            "answers": list(result.answers), "flags": sorted(result.flags)}


def summary_json(summary: Summary) -> bytes:
    request = summary.request
    document = {
        "format": FORMAT, "version": VERSION, "made_at": summary.made_at.isoformat(),
        "period": {"start": request.start.isoformat(), "end": request.end.isoformat()},
        "checkins": [checkin_value(c, request.checkin_notes) for c in summary.data.checkins],
        "questionnaire_results": [result_value(s) for s in summary.data.results],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def summary_csv(summary: Summary) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    notes = summary.request.checkin_notes
    for checkin in summary.data.checkins:
        row = checkin_value(checkin, notes)
        row["emotions"] = ";".join(row["emotions"])
        row["activities"] = ";".join(row["activities"])
        writer.writerow({"record": "checkin", **{k: _cell(v) for k, v in row.items()}})
    for saved in summary.data.results:
        row = result_value(saved)
        writer.writerow({"record": "questionnaire", "id": row["id"], "at": row["at"],
                         "questionnaire": row["questionnaire"], "score": row["score"],
                         "max_score": row["max_score"], "band": row["band"],
                         "answers": ";".join(map(str, row["answers"])),
                         "flags": ";".join(row["flags"])})
    # A byte-order mark so spreadsheet programs read the UTF-8 correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value: Any) -> Any:
    """Cells that a spreadsheet would run as a formula are quoted with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value
