"""`companion add --attach`, `companion attachments ID`, `companion attachment save|add|
remove`: byte-for-byte round trips, refusals that write nothing, and what the commands load."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.conftest import run_companion
from tests.support.attachment_files import gps_of, huge_png, pdf, photo


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "beach.jpg").write_bytes(photo())
    (folder / "tickets.pdf").write_bytes(pdf(b"tickets"))
    return folder


def test_add_with_files_list_and_save_byte_for_byte(cli, vault_home: Path, files: Path,  # type: ignore[no-untyped-def]
                                                    tmp_path: Path) -> None:
    added = cli("add", "A day at the sea", "--attach", str(files / "beach.jpg"),
                "--attach", str(files / "tickets.pdf"))
    assert added.code == 0, added.err
    assert added.out.strip() == "e1"
    assert "location it was taken at was removed" in added.err
    listed = cli("attachments", "e1")
    assert listed.code == 0
    lines = listed.out.splitlines()
    assert lines[0].split()[:2] == ["1", "beach.jpg"] and "JPEG image, 64 × 48" in lines[0]
    assert lines[1].split()[:2] == ["2", "tickets.pdf"] and "PDF document" in lines[1]
    as_json = json.loads(cli("attachments", "e1", "--json").out)
    assert [a["media_type"] for a in as_json] == ["image/jpeg", "application/pdf"]

    target = tmp_path / "out" / "tickets.pdf"
    target.parent.mkdir()
    saved = cli("attachment", "save", "e1", "2", "-o", str(target))
    assert saved.code == 0, saved.err
    assert target.read_bytes() == pdf(b"tickets")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # like an export
    photo_out = tmp_path / "out" / "beach.jpg"
    assert cli("attachment", "save", "e1", "1", "-o", str(photo_out)).code == 0
    assert gps_of(photo_out.read_bytes()) == {}

    # Never overwritten unless asked.
    target.write_bytes(b"mine")
    refused = cli("attachment", "save", "e1", "2", "-o", str(target))
    assert refused.code == 1 and "already exists" in refused.err and "--force" in refused.err
    assert target.read_bytes() == b"mine"
    assert cli("attachment", "save", "e1", "2", "-o", str(target), "--force").code == 0
    assert target.read_bytes() == pdf(b"tickets")
    missing = cli("attachment", "save", "e1", "3", "-o", str(tmp_path / "x"))
    assert missing.code == 1 and "has no attachment 3" in missing.err


def test_attach_later_keep_location_and_remove(cli, vault_home: Path, files: Path,  # type: ignore[no-untyped-def]
                                               tmp_path: Path) -> None:
    assert cli("add", "Later").code == 0
    kept = cli("attachment", "add", "e1", str(files / "beach.jpg"), "--keep-location")
    assert kept.code == 0 and "Attached beach.jpg to e1 as 1." in kept.out
    out = tmp_path / "kept.jpg"
    assert cli("attachment", "save", "e1", "1", "-o", str(out)).code == 0
    assert gps_of(out.read_bytes()) == gps_of(photo())
    assert cli("attachment", "add", "e1", str(files / "tickets.pdf")).code == 0
    removed = cli("attachment", "remove", "e1", "1")
    assert removed.code == 0 and "Removed beach.jpg from e1." in removed.out
    assert cli("attachments", "e1").out.split()[:2] == ["1", "tickets.pdf"]
    assert cli("attachments", "c1").code == 2  # a check-in has no files


def test_bad_files_write_nothing(cli, vault_home: Path, files: Path) -> None:  # type: ignore[no-untyped-def]
    (files / "huge.png").write_bytes(huge_png())
    for bad, says in ((files / "gone.jpg", "'gone.jpg' is not there"),
                      (files / "huge.png", "20,000 × 20,000 pixels")):
        result = cli("add", "Not saved", "--attach", str(files / "tickets.pdf"),
                     "--attach", str(bad))
        assert result.code == 1 and says in result.err, result.err
        assert "Traceback" not in result.err
    # Neither the entry nor any file was written.
    listing = cli("list", "--json")
    assert json.loads(listing.out) == []


def test_the_commands_load_no_image_code_until_needed(vault_home: Path, files: Path) -> None:
    from tests.conftest import PASSPHRASE

    probe = ("import sys, runpy; sys.argv = ['companion', '--passphrase-stdin', 'attachments',"
             " 'e1']\ntry:\n    runpy.run_module('companion.cli', run_name='__main__')\n"
             "except SystemExit:\n    pass\nprint('PIL' in sys.modules, file=sys.stderr)")
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", probe], input=f"{PASSPHRASE}\n", text=True,
                            capture_output=True, check=False, cwd=Path(__file__).parents[1])
    assert result.stderr.strip().splitlines()[-1] == "False", result.stderr
    assert run_companion("--help").stdout.count("attachment") >= 2


def test_a_full_disk_after_the_entry_says_what_was_saved(cli, vault_home: Path, files: Path,  # type: ignore[no-untyped-def]
                                                         monkeypatch) -> None:
    # A simulated full disk at the attach step (the real one, with a tmpfs, is
    # tests/companion/test_attachments_disk_full.py): the entry's own text was saved.
    from companion.app import CompanionApp
    from storage.errors import DiskFull

    def full(*_args: object) -> None:
        raise DiskFull()

    with monkeypatch.context() as patched:
        patched.setattr(CompanionApp, "attach", full)
        result = cli("add", "Saved text", "--attach", str(files / "tickets.pdf"))
    assert result.code == 1
    assert "saved as e1, but the disk is full" in result.err
    assert "companion attachment add e1 FILE" in result.err
    assert json.loads(cli("list", "--json").out)[0]["title"] == "Saved text"


def test_show_names_the_files(cli, vault_home: Path, files: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("add", "Shown", "--attach", str(files / "tickets.pdf")).code == 0
    shown = cli("show", "e1")
    assert "Attached: tickets.pdf (`companion attachments e1`)" in shown.out
    as_json = json.loads(cli("show", "e1", "--json").out)
    assert as_json["attachments"] == [{"position": 1, "name": "tickets.pdf",
                                       "media_type": "application/pdf",
                                       "size": len(pdf(b"tickets"))}]
    assert cli("add", "Plain").code == 0
    assert "Attached" not in cli("show", "e2").out
    assert "attachments" not in json.loads(cli("show", "e2", "--json").out)
