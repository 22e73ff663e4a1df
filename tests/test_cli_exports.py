"""`companion export` and `companion import json`: good and bad input, exit codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE


@pytest.fixture
def filled(vault_home: Path, cli):  # type: ignore[no-untyped-def]
    assert cli("add", 'Walk, "river"\nCold 🌬️, bright', "--tag", "walk", "--mood", "4",
               "--at", "2026-03-01T08:00+01:00").code == 0
    assert cli("add", "Night", "--at", "2026-03-02T23:30+09:00").code == 0
    assert cli("checkin", "--mood", "3", "--emotion", "calm", "--sleep", "7.5",
               "--at", "2026-03-01T07:00-05:00").code == 0
    return vault_home


def other_vault(cli, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    home = tmp_path / "other-vault"
    assert cli("--home", str(home), "init", stdin=f"{PASSPHRASE}\n").code == 0
    return home


def test_export_json_then_import_into_another_vault(filled: Path, cli, tmp_path: Path):
    target = tmp_path / "out.json"
    result = cli("export", "json", "-o", str(target))
    assert result.code == 0, result.err
    assert "not encrypted" in result.out and "3 items" in result.out
    assert json.loads(target.read_text("utf-8"))["version"] == 1
    home = other_vault(cli, tmp_path)
    dry = cli("--home", str(home), "import", "json", str(target), "--dry-run")
    assert dry.code == 0 and "Would import 2 entries and 1 check-ins" in dry.out
    assert "Nothing to show" in cli("--home", str(home), "list").out
    done = cli("--home", str(home), "import", "json", str(target))
    assert done.code == 0 and "Imported 2 entries and 1 check-ins" in done.out
    again = cli("--home", str(home), "import", "json", str(target))
    assert "Imported 0 entries and 0 check-ins; skipped 3" in again.out
    original = cli("list", "--json").out
    copied = cli("--home", str(home), "list", "--json").out
    strip = lambda text: [{k: v for k, v in i.items() if k != "id"}  # noqa: E731
                          for i in json.loads(text)]
    assert strip(copied) == strip(original)


def test_export_refuses_to_overwrite_without_force(filled: Path, cli, tmp_path: Path):
    target = tmp_path / "out.json"
    target.write_text("mine", "utf-8")
    result = cli("export", "json", "-o", str(target))
    assert result.code == 1 and "already exists" in result.err
    assert target.read_text("utf-8") == "mine"
    assert cli("export", "json", "-o", str(target), "--force").code == 0


def test_export_refuses_the_vault_folder(filled: Path, cli):
    result = cli("export", "json", "-o", str(filled / "vault.json"))
    assert result.code == 1 and "vault" in result.err
    assert not (filled / "vault.json").exists()
    assert cli("export", "markdown", "--per-day", "-o", str(filled)).code == 1


def test_markdown_and_csv(filled: Path, cli, tmp_path: Path):
    one = tmp_path / "journal.md"
    assert cli("export", "markdown", "-o", str(one)).code == 0
    assert "## 2026-03-01" in one.read_text("utf-8")
    days = tmp_path / "days"
    assert cli("export", "markdown", "--per-day", "-o", str(days)).code == 0
    assert sorted(p.name for p in days.iterdir()) == ["2026-03-01.md", "2026-03-02.md"]
    assert cli("export", "markdown", "--per-day", "-o", str(days)).code == 1  # exists
    tables = tmp_path / "tables"
    assert cli("export", "csv", "-o", str(tables)).code == 0
    with (tables / "entries.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["title"] == 'Walk, "river"' and rows[0]["body"] == "Cold 🌬️, bright"
    only = tmp_path / "checkins.csv"
    assert cli("export", "csv", "--kind", "checkins", "-o", str(only)).code == 0
    assert only.read_text("utf-8").startswith("id,at,mood")


def test_bad_option_combinations(filled: Path, cli, tmp_path: Path):
    assert cli("export", "json", "--per-day", "-o", str(tmp_path / "x")).code == 1
    assert cli("export", "markdown", "--kind", "entries", "-o", str(tmp_path / "x")).code == 1
    assert cli("export", "pdf", "-o", str(tmp_path / "x")).code == 2
    assert cli("export", "json", "-o", str(tmp_path / "missing" / "x.json")).code == 1


@pytest.mark.parametrize("text", ['{"format": "companion-export", "vers', "not json at all",
                                  '{"format": "companion-export", "version": 99}'])
def test_import_of_a_bad_file_is_one_line_and_changes_nothing(filled: Path, cli,
                                                              tmp_path: Path, text: str):
    before = cli("list", "--json").out
    bad = tmp_path / "bad.json"
    bad.write_text(text, "utf-8")
    result = cli("import", "json", str(bad))
    assert result.code == 1
    assert result.err.count("\n") == 1 and str(bad) in result.err
    assert cli("list", "--json").out == before


def test_import_of_a_missing_file(filled: Path, cli, tmp_path: Path):
    result = cli("import", "json", str(tmp_path / "nope.json"))
    assert result.code == 1 and "no file" in result.err
