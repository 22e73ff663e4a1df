"""`companion import jrnl|daylio|dayone|json FILE`: reports, passwords, mood maps, progress,
and one-line errors that leave the vault unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.companion.imports.conftest import JRNL_PASSWORD, JrnlFiles
from tests.companion.imports.test_common import big_jrnl
from tests.companion.imports.test_daylio import HEADER_8, ROWS_8, daylio_csv
from tests.companion.imports.test_dayone import ENTRIES, dayone_zip

ZONE = ["--time-zone", "Europe/Lisbon"]


def listed(cli) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    return list(json.loads(cli("list", "--json").out))


def test_jrnl_plain_dry_run_then_import(vault_home: Path, cli, jrnl_files: JrnlFiles):
    dry = cli("import", "jrnl", str(jrnl_files.plain), "--dry-run", *ZONE)
    assert dry.code == 0, dry.err
    assert "Would import 4 entries and 0 check-ins; skipped 0" in dry.out
    assert listed(cli) == []
    done = cli("import", "jrnl", str(jrnl_files.plain), *ZONE)
    assert "Imported 4 entries" in done.out
    assert len(listed(cli)) == 4
    again = cli("import", "jrnl", str(jrnl_files.exported_json), *ZONE)
    assert "Imported 0 entries and 0 check-ins; skipped 4" in again.out


def test_jrnl_password_from_a_file_or_standard_input(vault_home: Path, cli, tmp_path: Path,
                                                     jrnl_files: JrnlFiles):
    secret = tmp_path / "pw.txt"
    secret.write_text(JRNL_PASSWORD + "\n", "utf-8")
    bad = cli("import", "jrnl", str(jrnl_files.encrypted_v3), "--jrnl-password-file",
              str(tmp_path / "nope.txt"))
    assert bad.code == 1 and "no password file" in bad.err
    wrong = cli("import", "jrnl", str(jrnl_files.encrypted_v3), stdin="not it\n")
    assert wrong.code == 1 and wrong.err.count("\n") == 1
    assert "does not open the jrnl journal" in wrong.err and str(jrnl_files.encrypted_v3) in \
        wrong.err
    assert listed(cli) == []
    done = cli("import", "jrnl", str(jrnl_files.encrypted_v3), "--jrnl-password-file",
               str(secret), *ZONE)
    assert done.code == 0 and "Imported 4 entries" in done.out
    typed = cli("import", "jrnl", str(jrnl_files.encrypted_v3), *ZONE,
                stdin=JRNL_PASSWORD + "\n")
    assert typed.code == 0 and "skipped 4" in typed.out


def test_daylio_mood_map(vault_home: Path, cli, tmp_path: Path):
    path = tmp_path / "daylio.csv"
    path.write_bytes(daylio_csv(ROWS_8, HEADER_8))
    unmapped = cli("import", "daylio", str(path))
    assert unmapped.code == 1 and "'ecstatic'" in unmapped.err and "--mood-map" in unmapped.err
    assert listed(cli) == []
    assert cli("import", "daylio", str(path), "--mood-map", "ecstatic").code == 1
    done = cli("import", "daylio", str(path), "--mood-map", "ecstatic=5", *ZONE)
    assert done.code == 0 and "Imported 2 entries and 3 check-ins" in done.out
    assert cli("import", "jrnl", str(path), "--mood-map", "x=1").code == 1


def test_dayone_says_what_was_left_out(vault_home: Path, cli, tmp_path: Path):
    path = tmp_path / "export.zip"
    path.write_bytes(dayone_zip(ENTRIES))
    done = cli("import", "dayone", str(path))
    assert done.code == 0 and "Imported 4 entries" in done.out
    assert "Note: Attached 1 file." in done.out
    assert "were skipped, with their media" in done.out


def test_long_imports_count_on_stderr(vault_home: Path, cli, tmp_path: Path):
    path = big_jrnl(tmp_path / "journal.txt", 10_000)
    done = cli("import", "jrnl", str(path), *ZONE)
    assert done.code == 0 and "Imported 10000 entries" in done.out
    assert "5,000 of 10,000 items" in done.err and "10,000 of 10,000 items" in done.err


@pytest.mark.parametrize("argv", [
    ["import", "jrnl", "{missing}"],
    ["import", "dayone", "{text}"],
    ["import", "jrnl", "{text}", "--time-zone", "Mars/Olympus"],
    ["import", "daylio", "{text}", "--jrnl-password-file", "{text}"],
])
def test_errors_are_one_line_and_exit_1(vault_home: Path, cli, tmp_path: Path,
                                        argv: list[str]):
    text = tmp_path / "notes.txt"
    text.write_text("hello", "utf-8")
    args = [a.format(missing=tmp_path / "missing.txt", text=text) for a in argv]
    result = cli(*args)
    assert result.code == 1 and result.err.count("\n") == 1
    assert "Traceback" not in result.err
