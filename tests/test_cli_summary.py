"""`companion export summary`: period, chosen entries, formats, paper, and clear errors."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

CANARY = "canary-cli-unchosen-lynx-90d"


@pytest.fixture
def filled(vault_home: Path, cli) -> dict[str, str]:  # type: ignore[no-untyped-def]
    for day in range(1, 11):
        assert cli("checkin", "--mood", str(1 + day % 5), "--activity", "walk",
                   "--at", f"2026-03-{day:02d}T09:00+01:00").code == 0
    assert cli("questionnaire", "gad7", "--answers", "1,2,1,2,1,2,1").code == 0
    ids = {}
    for name, text in (("chosen", "Chosen entry heron"), ("hidden", f"Hidden {CANARY}")):
        result = cli("add", text, "--at", "2026-03-05T20:00+01:00")
        assert result.code == 0, result.err
        ids[name] = re.search(r"\be\d+\b", result.out).group(0)  # type: ignore[union-attr]
    return ids


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None and not os.environ.get("CI"),
                    reason="poppler-utils not installed (in CI this fails instead)")
def test_a_pdf_summary_with_one_chosen_entry(filled, cli, tmp_path):
    target = tmp_path / "summary.pdf"
    today = date.today()  # the CLI runs on the system clock: the questionnaire is from today
    result = cli("export", "summary", "--from", "2026-03-01", "--to", today.isoformat(),
                 "--include-entry", filled["chosen"], "--paper", "letter", "--name", "Sam",
                 "-o", str(target))
    assert result.code == 0, result.err
    assert f"Wrote a PDF summary of 2026-03-01 to {today} (1 journal entry)" in result.out
    assert "not encrypted" in result.out
    text = pdf_text(target)
    assert "Period: 1 March 2026 – " in text and "For Sam" in text
    assert "Chosen entry heron" in text and CANARY not in text
    assert "GAD-7" in text and "10 / 21" in text
    assert target.stat().st_mode & 0o777 == 0o600


def test_json_and_csv_summaries(filled, cli, tmp_path):
    target = tmp_path / "summary.json"
    assert cli("export", "summary", "--from", "2026-03-01", "--to", "2026-03-05",
               "--format", "json", "-o", str(target)).code == 0
    document = json.loads(target.read_text("utf-8"))
    assert len(document["checkins"]) == 5 and CANARY not in target.read_text("utf-8")
    csv_target = tmp_path / "summary.csv"
    assert cli("export", "summary", "--from", "2026-03-01", "--to", "2026-03-31",
               "--format", "csv", "-o", str(csv_target)).code == 0
    assert csv_target.read_text("utf-8-sig").startswith("record,id,at,mood")


@pytest.mark.parametrize("args, message", [
    ((), "needs a period"),
    (("--from", "2026-03-10", "--to", "2026-03-01"), "ends (2026-03-01) before it starts"),
    (("--from", "2026-03-01", "--to", "March"), "'March' is not a date"),
    (("--from", "2026-03-01", "--to", "2026-03-31", "--include-entry", "c1"), "is a check-in"),
    (("--from", "2026-03-01", "--to", "2026-03-31", "--include-entry", "e999"),
     "There is no entry"),
])
def test_bad_requests_exit_1_with_one_line_and_write_nothing(filled, cli, tmp_path, args,
                                                              message):
    target = tmp_path / "summary.pdf"
    result = cli("export", "summary", *args, "-o", str(target))
    assert result.code == 1
    assert message in result.err and "Traceback" not in result.err
    assert not target.exists()


def test_an_existing_file_needs_force_and_unknown_formats_are_usage_errors(filled, cli,
                                                                            tmp_path):
    target = tmp_path / "summary.pdf"
    target.write_text("keep me")
    period = ("--from", "2026-03-01", "--to", "2026-03-31")
    result = cli("export", "summary", *period, "-o", str(target))
    assert result.code == 1 and "already exists" in result.err
    assert target.read_text() == "keep me"
    assert cli("export", "summary", *period, "-o", str(target), "--force").code == 0
    assert target.read_bytes().startswith(b"%PDF")
    assert cli("export", "summary", *period, "--format", "docx", "-o", str(target)).code == 2


@pytest.mark.skipif(shutil.which("pdftotext") is None and not os.environ.get("CI"),
                    reason="poppler-utils not installed (in CI this fails instead)")
def test_parts_can_be_left_out(filled, cli, tmp_path):
    target = tmp_path / "mood-only.pdf"
    today = date.today().isoformat()
    assert cli("export", "summary", "--from", "2026-03-01", "--to", today, "--leave-out",
               "questionnaires", "--leave-out", "checkins", "-o", str(target)).code == 0
    text = pdf_text(target)
    assert "Mood over time" in text and "GAD-7" not in text and "Check-ins" not in text
