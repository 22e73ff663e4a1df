"""The `companion` command line: every command on good and bad input, exit code AND message.

Most tests run the CLI in this process (the `cli` fixture). Two things keep them quick without
faking anything the CLI does:

- A template vault is made once per module and copied into each test's private home.
- Argon2id is memoised: the same passphrase, salt and parameters give the same key, so the
  real derivation runs once per distinct input and later unlocks of a copied vault reuse it.
  A wrong passphrase is a different input, so it still goes through the real derivation.

Tests that need the real process (exit codes and stderr as a user sees them, a second process
holding the vault, a terminal, imports) use `run_companion` or a pseudo-terminal, and those
derive every key for real.
"""

from __future__ import annotations

import dataclasses
import errno
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from companion.app import CompanionApp
from companion.cli import main as cli_main
from companion.clock import FakeClock
from companion.errors import UserError, as_user_error
from companion.models import CheckInDraft, EntryDraft
from storage.errors import DiskFull, VaultDamaged
from tests.conftest import PASSPHRASE, PROJECT_ROOT, CliResult, run_companion
from tests.support.cli_memo import remembered_derivations
from tests.support.cli_tty import run_in_tty

NEW_PASSPHRASE = "purple elephant mountain river"
RECOVERY_CODE = re.compile(r"^    ([A-Z2-7]{4}(?:-[A-Z2-7]{4}){7})$", re.MULTILINE)

WRONG_PASSPHRASE = ("companion: That passphrase does not open this vault. "
                    "Check it and try again, or use your recovery code.\n")
NO_VAULT = ("companion: There is no vault here yet. "
            "Create one with `companion init` (or open the app).\n")
NO_TTY = ("companion: No passphrase was given and there is no terminal to ask for one. "
          "Run the command in a terminal, or use --passphrase-stdin.\n")
NO_KEYRING = ("companion: No secure keyring is available on this device. Companion works fully "
              "without it; you will type your passphrase to unlock.\n")
DAMAGED = ("companion: The vault database is damaged or is not a Companion vault. "
           "Restore it from a backup (`companion restore-backup FILE`).\n")
ALREADY_OPEN = ("companion: The vault is already open in another Companion window or command. "
                "Close it there first, then try again.\n")
MOOD_RANGE = ("companion: Mood must be a whole number from 1 to 5, not {}. "
              "1 is the lowest, 5 the highest.\n")
BAD_DATE = ("companion: '{}' is not a date or time Companion understands. Use ISO 8601, for "
            "example 2026-03-14 or 2026-03-14T09:30 or 2026-03-14T09:30+01:00.\n")

ENTRY_FIELDS = {"id", "kind", "created", "updated", "title", "body", "tags", "starred", "mood",
                "deleted"}
CHECKIN_FIELDS = {"id", "kind", "at", "mood", "energy", "emotions", "activities", "sleep_hours",
                  "note", "deleted"}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# The journal every reading test starts from. Each item is written "at the time", so nothing in
# it has been edited: e1…e5 and c1, c2, in this time order: e1 c1 e2 e3 c2 e4 e5.
JOURNAL: list[EntryDraft | CheckInDraft] = [
    EntryDraft(title="Long walk by the river",
               body="The water was high after the rain.\nWe walked to the old mill.",
               tags=("walk", "outdoors"), mood=4, at=utc("2026-03-01T09:00")),
    CheckInDraft(mood=3, energy=2, emotions=("tired",), activities=("work",), sleep_hours=6.5,
                 note="long day", at=utc("2026-03-02T20:00")),
    EntryDraft(title="Big meeting",
               body="Slept badly. The big meeting about the river project went fine.",
               tags=("work",), at=utc("2026-03-05T21:30")),
    EntryDraft(title="Quiet morning", body="Tea and a book. Maybe walking later.",
               tags=("home",), starred=True, at=utc("2026-03-10T08:00")),
    CheckInDraft(mood=5, energy=4, emotions=("happy",), activities=("walk",), sleep_hours=8,
                 at=utc("2026-03-12T07:30")),
    EntryDraft(title="Late thoughts", body="Tired but calm.", tags=("work", "home"),
               at=utc("2026-03-14T23:59")),
    EntryDraft(title="Sunday", body="Nothing planned.", at=utc("2026-03-15T00:00")),
]
TIME_ORDER = ["e1", "c1", "e2", "e3", "c2", "e4", "e5"]


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def _remembered_derivations() -> Iterator[None]:
    """Module-wide, so that the templates' own derivations are remembered too."""
    with remembered_derivations():
        yield


@pytest.fixture(autouse=True)
def utc_zone() -> Iterator[None]:
    """Dates without a zone are local: pin the local zone so day boundaries are known."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def _make_template(folder: Path, items: list[EntryDraft | CheckInDraft]) -> Path:
    clock = FakeClock(utc("2026-01-01T00:00"))
    app = CompanionApp(folder, clock=clock)
    app.create_vault(PASSPHRASE, PASSPHRASE)
    for item in items:
        assert item.at is not None
        clock.set(item.at)
        # Written "now", at that moment: created and updated are the same, as for a live entry.
        if isinstance(item, EntryDraft):
            app.add_entry(dataclasses.replace(item, at=None))
        else:
            app.add_checkin(dataclasses.replace(item, at=None))
    app.close()
    assert not (folder / "vault.db-wal").exists()
    return folder


@pytest.fixture(scope="module")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _make_template(tmp_path_factory.mktemp("empty-template"), [])


@pytest.fixture(scope="module")
def journal_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _make_template(tmp_path_factory.mktemp("journal-template"), JOURNAL)


def _install(template: Path, home: Path) -> Path:
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name in ("vault.db", "vault.key"):
        shutil.copy2(template / name, home / name)
    return home


@pytest.fixture
def vault(private_home: Path, empty_template: Path) -> Path:
    """An empty vault (passphrase PASSPHRASE) in this test's home."""
    return _install(empty_template, private_home)


@pytest.fixture
def journal(private_home: Path, journal_template: Path) -> Path:
    """The vault with JOURNAL in it, in this test's home."""
    return _install(journal_template, private_home)


# -- helpers ----------------------------------------------------------------------------------


def ok(result: CliResult) -> str:
    assert (result.code, result.err) == (0, ""), result
    return result.out


def shown_title(home: Path, ref: str) -> str:
    done = run_companion("--home", str(home), "--passphrase-stdin", "show", ref, "--json",
                         stdin=PASSPHRASE + "\n")
    assert done.returncode == 0, done.stderr
    return str(json.loads(done.stdout)["title"])


def listed(result: CliResult) -> list[str]:
    """The ids of `list` or `search` output (snippet lines are indented)."""
    out = ok(result)
    if out in ("Nothing to show.\n", "Nothing matches.\n", "The trash is empty.\n"):
        return []
    return [line.split()[0] for line in out.splitlines()
            if line.strip() and not line.startswith(" ")]


def as_json(result: CliResult) -> Any:
    return json.loads(ok(result))


def shown(cli: Any, ref: str) -> dict[str, Any]:
    data = as_json(cli("show", ref, "--json"))
    assert isinstance(data, dict)
    return data


def failed(result: CliResult, code: int, message: str) -> None:
    """`code`, nothing on stdout, and exactly `message` (one line) on stderr."""
    assert result.code == code, result
    assert result.out == "", result
    assert result.err == message, result
    assert result.err.count("\n") == 1


def usage_error(result: CliResult, command: str, message: str) -> None:
    """Exit 2: the command's usage, then one `error:` line."""
    assert result.code == 2, result
    assert result.out == ""
    lines = result.err.splitlines()
    assert lines[0].startswith(f"usage: companion {command} "), result.err
    assert lines[-1] == f"companion {command}: error: {message}", result.err


# -- init -------------------------------------------------------------------------------------


def test_init_creates_a_private_vault_and_prints_the_recovery_code_once(cli, private_home):
    result = cli("init", stdin=f"{PASSPHRASE}\n")
    out = ok(result)
    assert out.startswith(f"Created your encrypted vault in {private_home}.\n\nYour recovery "
                          "code:\n\n")
    codes = RECOVERY_CODE.findall(out)
    assert len(codes) == 1
    assert "It is shown only this once." in out
    assert (private_home / "vault.db").is_file() and (private_home / "vault.key").is_file()
    if os.name == "posix":
        assert private_home.stat().st_mode & 0o777 == 0o700
        for name in ("vault.db", "vault.key"):
            assert (private_home / name).stat().st_mode & 0o777 == 0o600
    # The vault works with the passphrase just chosen.
    assert ok(cli("list")) == "Nothing to show.\n"


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("", "", "A passphrase is required. Use at least 8 characters; a few unrelated words "
                 "work well."),
        ("abc", "abc", "That passphrase is too short (3 characters). Use at least 8; a few "
                       "unrelated words work well."),
        (PASSPHRASE, PASSPHRASE + "!", "The two passphrases do not match. Type the same "
                                       "passphrase twice."),
        (" " + PASSPHRASE, " " + PASSPHRASE, "A passphrase cannot start or end with a space. "
                                             "Spaces are fine between words."),
    ],
    ids=["empty", "too-short", "mismatch", "leading-space"],
)
def test_init_refuses_a_bad_passphrase_and_creates_nothing(cli, private_home, first, second,
                                                           message):
    result = cli("--passphrase-stdin", "init", stdin=f"{first}\n{second}\n", passphrase=False)
    failed(result, 1, f"companion: {message}\n")
    assert not (private_home / "vault.key").exists()
    assert not (private_home / "vault.db").exists()


def test_init_refuses_a_weak_passphrase_with_zxcvbn_advice(cli, private_home):
    result = cli("init", stdin="password1\n", passphrase="password1")
    assert result.code == 1 and result.out == ""
    assert result.err.startswith("companion: That passphrase would be too easy to guess. ")
    assert result.err.count("\n") == 1
    assert not (private_home / "vault.key").exists()


def test_init_without_the_confirmation_line(cli, private_home):
    failed(cli("init"), 1, "companion: Standard input ended before the confirmation of the new "
                           "passphrase. Give one per line with --passphrase-stdin.\n")
    assert not (private_home / "vault.key").exists()


def test_init_refuses_when_a_vault_exists(cli, vault):
    key_before = (vault / "vault.key").read_bytes()
    failed(cli("init", stdin=f"{PASSPHRASE}\n"), 1,
           f"companion: A vault already exists in {vault}. Use it, or choose another folder "
           "with --home.\n")
    assert (vault / "vault.key").read_bytes() == key_before


def test_init_in_a_home_that_is_a_file(cli, tmp_path):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("x")
    result = cli("--home", str(not_a_folder / "vault"), "init", stdin=f"{PASSPHRASE}\n")
    failed(result, 1, f"companion: Cannot use {not_a_folder / 'vault'}: Not a directory. "
                      "Check the path and its permissions.\n")


# -- add --------------------------------------------------------------------------------------


def test_add_text_first_line_is_the_title(cli, vault):
    assert ok(cli("add", "Long walk by the river\nThe water was high.\nCold too.")) == "e1\n"
    assert ok(cli("add", "Second one")) == "e2\n"
    first = shown(cli, "e1")
    assert (first["title"], first["body"]) == ("Long walk by the river",
                                              "The water was high.\nCold too.")
    assert (first["tags"], first["mood"], first["starred"], first["deleted"]) == (
        [], None, False, None)
    assert shown(cli, "e2")["body"] == ""


def test_add_from_stdin(cli, vault):
    assert ok(cli("add", "-", "--tag", "work",
                  stdin="Slept badly.\nBig meeting at ten.\n\nThen home.\n")) == "e1\n"
    entry = shown(cli, "e1")
    assert entry["title"] == "Slept badly."
    assert entry["body"] == "Big meeting at ten.\n\nThen home."
    assert entry["tags"] == ["work"]


def test_add_skips_blank_lines_before_the_title(cli, vault):
    ok(cli("add", "-", stdin="\n   \nThe title\nthe body\n"))
    entry = shown(cli, "e1")
    assert (entry["title"], entry["body"]) == ("The title", "the body")


def test_add_with_title_tags_mood_and_star(cli, vault):
    result = cli("add", "All of this is body.\nStill body.", "--title", "My title",
                 "--tag", "walk", "--tag", "#Outdoors", "--tag", "walk", "--tag", "late night",
                 "--mood", "4", "--star")
    assert ok(result) == "e1\n"
    entry = shown(cli, "e1")
    assert entry["title"] == "My title"
    assert entry["body"] == "All of this is body.\nStill body."
    assert entry["tags"] == ["late-night", "Outdoors", "walk"]
    assert (entry["mood"], entry["starred"]) == (4, True)


@pytest.mark.parametrize(
    ("at", "created"),
    [
        ("2026-03-14T21:30", "2026-03-14T21:30:00+00:00"),  # local (TZ=UTC here)
        ("2026-03-14T21:30+05:00", "2026-03-14T21:30:00+05:00"),
        ("2026-03-14T21:30Z", "2026-03-14T21:30:00+00:00"),
        ("2026-03-14", "2026-03-14T00:00:00+00:00"),
    ],
)
def test_add_at(cli, vault, at, created):
    ok(cli("add", "Backdated", "--at", at))
    assert shown(cli, "e1")["created"] == created


@pytest.mark.parametrize("at", ["yesterday", "2026-02-30", "14/03/2026", ""])
def test_add_at_invalid(cli, vault, at):
    failed(cli("add", "x", "--at", at), 1, BAD_DATE.format(at))


@pytest.mark.parametrize("mood", ["0", "6"])
def test_add_mood_out_of_range(cli, vault, mood):
    failed(cli("add", "x", "--mood", mood), 1, MOOD_RANGE.format(mood))
    assert ok(cli("list")) == "Nothing to show.\n"


def test_add_mood_not_a_number_is_usage(cli, vault):
    usage_error(cli("add", "x", "--mood", "abc"), "add",
                "argument --mood: invalid int value: 'abc'")


@pytest.mark.parametrize("text", [b"bad \xff bytes\n", b"\xff\n"])
def test_add_from_stdin_that_is_not_utf8(vault, capsys, text):
    # As from a terminal or file in another encoding, where standard input decodes strictly.
    raw = io.TextIOWrapper(io.BytesIO(PASSPHRASE.encode() + b"\n" + text), encoding="utf-8",
                           errors="strict")
    out = io.StringIO()
    code = cli_main(["--passphrase-stdin", "add", "-"], stdin=raw, out=out)
    err = capsys.readouterr().err
    assert (code, out.getvalue(), err) == (
        1, "", "companion: Standard input is not valid UTF-8 text. Nothing was changed.\n")


def test_add_nothing_to_write(cli, vault):
    failed(cli("add", "-", stdin="\n \n"), 1, "companion: An entry needs a title or some text.\n")


def test_add_without_text_is_usage(cli, vault):
    usage_error(cli("add"), "add", "give the entry as TEXT or - (standard input), or start "
                                   "from a --template")


# -- checkin ----------------------------------------------------------------------------------


def test_a_label_never_used_is_taken_for_a_typo(cli, vault):
    """`--emotion tierd` would quietly start a new emotion: it is refused with the close ones,
    and --new-label says a new one is meant."""
    result = cli("checkin", "--mood", "3", "--emotion", "tierd")
    assert result.code == 1
    assert result.err == ("companion: 'tierd' is not an emotion you have used before. Did you "
                          "mean 'tired'? To add it as a new emotion, add --new-label.\n")
    assert listed(cli("list", "--kind", "checkin")) == []
    assert ok(cli("checkin", "--mood", "3", "--activity", "pottery", "--new-label")) == "c1\n"
    assert ok(cli("checkin", "--mood", "3", "--activity", "Pottery")) == "c2\n"  # known now
    assert cli("edit", "c1", "--emotion", "anxiuos").code == 1


def test_checkin_with_every_option(cli, vault):
    result = cli("checkin", "--mood", "3", "--energy", "2", "--emotion", "Tired",
                 "--emotion", "calm", "--activity", "work", "--activity", "Long  walk",
                 "--sleep", "6.5", "--note", "long day", "--at", "2026-03-14T21:30",
                 "--new-label")  # "long walk" is new
    assert ok(result) == "c1\n"
    assert shown(cli, "c1") == {
        "id": "c1", "kind": "checkin", "at": "2026-03-14T21:30:00+00:00", "mood": 3,
        "energy": 2, "emotions": ["tired", "calm"], "activities": ["work", "long walk"],
        "sleep_hours": 6.5, "note": "long day", "deleted": None,
    }
    assert ok(cli("checkin", "--mood", "5")) == "c2\n"
    second = shown(cli, "c2")
    assert (second["energy"], second["emotions"], second["sleep_hours"], second["note"]) == (
        None, [], None, "")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--mood", "0"], MOOD_RANGE.format(0)),
        (["--mood", "6"], MOOD_RANGE.format(6)),
        (["--mood", "3", "--energy", "0"],
         "companion: Energy must be a whole number from 1 to 5, not 0. 1 is the lowest, 5 the "
         "highest.\n"),
        (["--mood", "3", "--energy", "6"],
         "companion: Energy must be a whole number from 1 to 5, not 6. 1 is the lowest, 5 the "
         "highest.\n"),
        (["--mood", "3", "--sleep", "-1"],
         "companion: Sleep must be between 0 and 24 hours, not -1.0.\n"),
        (["--mood", "3", "--sleep", "24.5"],
         "companion: Sleep must be between 0 and 24 hours, not 24.5.\n"),
        (["--mood", "3", "--sleep", "nan"],
         "companion: Sleep must be between 0 and 24 hours, not nan.\n"),
        (["--mood", "3", "--at", "soon"], BAD_DATE.format("soon")),
    ],
    ids=["mood-0", "mood-6", "energy-0", "energy-6", "sleep-negative", "sleep-over-24",
         "sleep-nan", "bad-at"],
)
def test_checkin_invalid(cli, vault, options, message):
    failed(cli("checkin", *options), 1, message)


def test_checkin_sleep_bounds_are_inclusive(cli, vault):
    assert ok(cli("checkin", "--mood", "1", "--sleep", "0")) == "c1\n"
    assert ok(cli("checkin", "--mood", "5", "--sleep", "24")) == "c2\n"


def test_checkin_without_mood_is_usage(cli, vault):
    usage_error(cli("checkin", "--energy", "3"), "checkin",
                "the following arguments are required: --mood")


# -- list -------------------------------------------------------------------------------------


def test_list_is_in_time_order_oldest_first(cli, journal):
    result = cli("list")
    assert listed(result) == TIME_ORDER
    lines = result.out.splitlines()
    assert lines[0] == ("e1      2026-03-01 09:00  Long walk by the river  #outdoors  #walk  "
                        "mood 4/5")
    assert lines[1] == ("c1      2026-03-02 20:00  mood 3/5 (okay) · energy 2/5 (tired) · tired "
                        "· work · 6.5 h sleep · long day")
    assert lines[3] == "e3      2026-03-10 08:00  ★ Quiet morning  #home"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--kind", "entry"], ["e1", "e2", "e3", "e4", "e5"]),
        (["--kind", "checkin"], ["c1", "c2"]),
        (["--from", "2026-03-05", "--to", "2026-03-14"], ["e2", "e3", "c2", "e4"]),
        (["--from", "2026-03-14", "--to", "2026-03-14"], ["e4"]),
        (["--to", "2026-03-01"], ["e1"]),
        (["--from", "2026-03-15"], ["e5"]),
        (["--from", "2026-03-05T21:30", "--to", "2026-03-10T08:00"], ["e2"]),
        (["--tag", "work"], ["e2", "e4"]),
        (["--tag", "#WORK"], ["e2", "e4"]),
        (["--tag", "nosuchtag"], []),
        (["--limit", "3"], ["c2", "e4", "e5"]),
        (["--limit", "2", "--kind", "entry"], ["e4", "e5"]),
        (["--limit", "2", "--kind", "checkin"], ["c1", "c2"]),
        (["--limit", "1", "--to", "2026-03-10", "--kind", "entry"], ["e3"]),
        (["--limit", "100"], TIME_ORDER),
        (["--kind", "entry", "--from", "2026-03-02", "--to", "2026-03-12", "--tag", "home"],
         ["e3"]),
    ],
)
def test_list_filters(cli, journal, options, expected):
    result = cli("list", *options)
    if expected:
        assert listed(result) == expected
    else:
        assert ok(result) == "Nothing to show.\n"


def test_list_json_has_the_documented_fields(cli, journal):
    items = as_json(cli("list", "--json"))
    assert [item["id"] for item in items] == TIME_ORDER
    for item in items:
        assert set(item) == (ENTRY_FIELDS if item["kind"] == "entry" else CHECKIN_FIELDS)
    assert items[0] == {
        "id": "e1", "kind": "entry", "created": "2026-03-01T09:00:00+00:00",
        "updated": "2026-03-01T09:00:00+00:00", "title": "Long walk by the river",
        "body": "The water was high after the rain.\nWe walked to the old mill.",
        "tags": ["outdoors", "walk"], "starred": False, "mood": 4, "deleted": None,
    }
    assert items[4] == {
        "id": "c2", "kind": "checkin", "at": "2026-03-12T07:30:00+00:00", "mood": 5,
        "energy": 4, "emotions": ["happy"], "activities": ["walk"], "sleep_hours": 8.0,
        "note": "", "deleted": None,
    }


def test_list_on_an_empty_vault(cli, vault):
    assert ok(cli("list")) == "Nothing to show.\n"
    assert ok(cli("list", "--trash")) == "The trash is empty.\n"
    assert as_json(cli("list", "--json")) == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--from", "March"], BAD_DATE.format("March")),
        (["--to", "2026-13-01"], BAD_DATE.format("2026-13-01")),
        (["--from", "2026-03-10", "--to", "2026-03-01"],
         "companion: The end of the period must be after its start.\n"),
        (["--limit", "-1"], "companion: --limit cannot be negative.\n"),
    ],
)
def test_list_invalid(cli, journal, options, message):
    failed(cli("list", *options), 1, message)


def test_list_bad_kind_is_usage(cli, journal):
    usage_error(cli("list", "--kind", "note"), "list",
                "argument --kind: invalid choice: 'note' (choose from 'entry', 'checkin')")


@pytest.mark.skipif(not Path("/usr/share/zoneinfo/Europe/Berlin").exists(),
                    reason="needs the system time zone database")
def test_list_to_a_day_with_a_daylight_saving_change_ends_at_local_midnight(cli, vault):
    os.environ["TZ"] = "Europe/Berlin"  # restored by the utc_zone fixture
    time.tzset()
    # 2026-03-29 has 23 hours in Berlin, 2026-10-25 has 25.
    for at in ("2026-03-29T23:30", "2026-03-30T00:30", "2026-10-25T23:30", "2026-10-26T00:30"):
        ok(cli("add", at, "--at", at))
    assert listed(cli("list", "--from", "2026-03-29", "--to", "2026-03-29")) == ["e1"]
    assert listed(cli("list", "--from", "2026-10-25", "--to", "2026-10-25")) == ["e3"]


# -- search -----------------------------------------------------------------------------------


def test_search_puts_a_title_match_first_and_marks_the_match(cli, vault):
    ok(cli("add", "Notes\nThe river, the river bank, and more river talk by the river."))
    ok(cli("add", "River\nSomething else entirely."))
    result = cli("search", "river")
    assert listed(result) == ["e2", "e1"]
    lines = ok(result).splitlines()
    assert lines[0].startswith("e2      ") and lines[0].endswith("  River")
    assert lines[1] == "        [River]"
    assert "[river]" in lines[3]


def test_search_shows_passages_without_markdown(cli, vault):
    ok(cli("add", "Notes\n# Lunch with **Sam**\n\n- a walk by the _river_, `slowly`"))
    lines = ok(cli("search", "river")).splitlines()
    assert lines[0].startswith("e1      ") and lines[0].endswith("  Notes")
    assert lines[1] == "        Lunch with Sam a walk by the [river], slowly"
    [hit] = as_json(cli("search", "sam", "--json"))
    assert hit["snippet"] == "Lunch with [Sam]\n\na walk by the river, slowly"
    assert hit["body"].startswith("# Lunch with **Sam**")  # the entry itself is as written


def test_search_finds_words_stems_phrases_and_prefixes(cli, journal):
    assert listed(cli("search", "river walk")) == ["e1"]
    assert sorted(listed(cli("search", "walking"))) == ["e1", "e3"]  # stemming
    assert listed(cli("search", '"big meeting"')) == ["e2"]
    assert listed(cli("search", "meet*")) == ["e2"]
    assert listed(cli("search", "MILL")) == ["e1"]  # body, any case


def test_search_snippet_and_json(cli, journal):
    hits = as_json(cli("search", "rain", "--json"))
    assert len(hits) == 1
    hit = hits[0]
    assert set(hit) == ENTRY_FIELDS | {"snippet", "rank"}
    assert hit["id"] == "e1" and hit["kind"] == "entry"
    assert "[rain]" in hit["snippet"]
    assert isinstance(hit["rank"], float)
    assert as_json(cli("search", "nothinglikethis", "--json")) == []


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--limit", "1"], 1),
        (["--tag", "work"], ["e2"]),
        (["--tag", "walk"], ["e1"]),
        (["--from", "2026-03-05"], ["e2"]),
        (["--to", "2026-03-04"], ["e1"]),
        (["--from", "2026-03-01", "--to", "2026-03-01"], ["e1"]),
        (["--limit", "0"], []),
    ],
)
def test_search_filters(cli, journal, options, expected):
    result = cli("search", "river", *options)
    if expected == []:
        assert ok(result) == "Nothing matches.\n"
    elif isinstance(expected, int):
        assert len(listed(result)) == expected
    else:
        assert listed(result) == expected


@pytest.mark.parametrize(
    "query",
    ["!!!", "NEAR(", '"', "*", "AND OR", "NOT", '"unbalanced phrase', "title:river", "(river",
     "river)", "^river", "river -walk", "{river}", "'", "a AND", "NEAR(river walk, 2)", "-",
     "**", '""', "river OR", "\\"],
)
def test_search_hostile_queries_never_error(cli, journal, query):
    result = cli("search", query)
    assert result.code == 0, result
    assert result.err == ""
    assert "[" in result.out or result.out == "Nothing matches.\n"


def test_search_only_punctuation_finds_nothing(cli, journal):
    assert ok(cli("search", "?!.,;")) == "Nothing matches.\n"


def test_search_invalid(cli, journal):
    failed(cli("search", "river", "--limit", "-1"), 1, "companion: --limit cannot be negative.\n")
    failed(cli("search", "river", "--from", "then"), 1, BAD_DATE.format("then"))


# -- show -------------------------------------------------------------------------------------


def test_show_entry(cli, journal):
    assert ok(cli("show", "e1")) == (
        "e1  Long walk by the river\n"
        "written  2026-03-01T09:00+00:00\n"
        "tags     #outdoors #walk\n"
        "mood     4/5 (good)\n"
        "\n"
        "The water was high after the rain.\nWe walked to the old mill.\n"
    )
    assert "starred\n" in ok(cli("show", "E3"))


def test_show_entry_without_body_ends_with_its_header(cli, vault):
    ok(cli("add", "Only a title", "--at", "2026-03-14T10:00"))
    out = ok(cli("show", "e1"))
    assert out.startswith("e1  Only a title\nwritten  2026-03-14T10:00+00:00\n")
    assert not out.endswith("\n\n")


def test_show_checkin(cli, journal):
    assert ok(cli("show", "c1")) == (
        "c1  check-in at 2026-03-02T20:00+00:00\n"
        "mood       3/5 (okay)\n"
        "energy     2/5 (tired)\n"
        "emotions   tired\n"
        "activities work\n"
        "sleep      6.5 h\n"
        "\n"
        "long day\n"
    )


def test_show_json(cli, journal):
    entry = shown(cli, "e3")
    assert set(entry) == ENTRY_FIELDS
    assert (entry["id"], entry["title"], entry["starred"], entry["tags"]) == (
        "e3", "Quiet morning", True, ["home"])
    checkin = shown(cli, "c2")
    assert set(checkin) == CHECKIN_FIELDS
    assert (checkin["id"], checkin["mood"], checkin["sleep_hours"]) == ("c2", 5, 8.0)


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("e999", "companion: There is no entry e999. Use `companion list` to see ids (deleted "
                 "ones: `list --trash`).\n"),
        ("c999", "companion: There is no check-in c999. Use `companion list --kind checkin` to "
                 "see ids.\n"),
    ],
)
def test_show_unknown_id(cli, journal, ref, message):
    failed(cli("show", ref), 1, message)


@pytest.mark.parametrize("ref", ["x1", "e", "99", "e-", "c1.5"])
@pytest.mark.parametrize("command", ["show", "edit", "delete", "restore"])
def test_a_malformed_id_is_wrong_use(cli, journal, command, ref):
    """Not an id at all is a usage error (exit 2), before any passphrase is used."""
    usage_error(cli(command, ref), command,
                f"argument id: '{ref}' is not an id. Ids look like e12 (an entry) or c3 (a "
                "check-in); `companion list` shows them.")


# -- edit -------------------------------------------------------------------------------------


def test_edit_entry_title_body_star_and_mood(cli, journal):
    assert ok(cli("edit", "e2", "--title", "Big meeting, done", "--body", "It went well.",
                  "--star", "--mood", "5")) == "e2\n"
    entry = shown(cli, "e2")
    assert (entry["title"], entry["body"], entry["starred"], entry["mood"]) == (
        "Big meeting, done", "It went well.", True, 5)
    assert entry["tags"] == ["work"]  # untouched
    assert entry["updated"] > entry["created"]
    assert "\nedited   " in ok(cli("show", "e2"))
    ok(cli("edit", "e2", "--unstar"))
    assert shown(cli, "e2")["starred"] is False
    assert listed(cli("search", "well")) == ["e2"]  # the index follows the edit
    assert ok(cli("search", "project")) == "Nothing matches.\n"


def test_edit_entry_body_from_stdin(cli, journal):
    ok(cli("edit", "e1", "--body", "-", stdin="New text\nover two lines\n"))
    entry = shown(cli, "e1")
    assert entry["body"] == "New text\nover two lines\n"
    assert entry["title"] == "Long walk by the river"


def test_edit_entry_tags(cli, journal):
    ok(cli("edit", "e1", "--tag", "river", "--tag", "Cold"))
    assert shown(cli, "e1")["tags"] == ["Cold", "river"]
    ok(cli("edit", "e1", "--add-tag", "evening", "--remove-tag", "#cold"))
    assert shown(cli, "e1")["tags"] == ["evening", "river"]
    ok(cli("edit", "e1", "--add-tag", "late night", "--remove-tag", "river"))
    assert shown(cli, "e1")["tags"] == ["evening", "late-night"]
    ok(cli("edit", "e1", "--remove-tag", "Late Night", "--remove-tag", "evening"))
    assert shown(cli, "e1")["tags"] == []
    assert listed(cli("list", "--tag", "walk")) == []
    assert "#walk" not in ok(cli("tags"))  # a tag nobody uses any more is gone


def test_edit_checkin_every_field(cli, journal):
    result = cli("edit", "c1", "--mood", "4", "--energy", "5", "--emotion", "calm",
                 "--emotion", "Proud", "--activity", "reading", "--sleep", "7.25",
                 "--note", "better after dinner")
    assert ok(result) == "c1\n"
    assert shown(cli, "c1") == {
        "id": "c1", "kind": "checkin", "at": "2026-03-02T20:00:00+00:00", "mood": 4,
        "energy": 5, "emotions": ["calm", "proud"], "activities": ["reading"],
        "sleep_hours": 7.25, "note": "better after dinner", "deleted": None,
    }
    ok(cli("edit", "c1", "--note", ""))
    checkin = shown(cli, "c1")
    assert (checkin["note"], checkin["mood"], checkin["emotions"]) == ("", 4, ["calm", "proud"])


@pytest.mark.parametrize(
    ("ref", "options", "message"),
    [
        ("c1", ["--title", "x"], "--title does not apply to a check-in"),
        ("c1", ["--body", "x"], "--body does not apply to a check-in"),
        ("c1", ["--tag", "x"], "--tag does not apply to a check-in"),
        ("c1", ["--add-tag", "x"], "--add-tag/--remove-tag does not apply to a check-in"),
        ("c1", ["--star"], "--star/--unstar does not apply to a check-in"),
        ("e1", ["--energy", "3"], "--energy does not apply to an entry"),
        ("e1", ["--emotion", "calm"], "--emotion does not apply to an entry"),
        ("e1", ["--sleep", "7"], "--sleep does not apply to an entry"),
        ("e1", ["--note", "x"], "--note does not apply to an entry"),
        ("e1", [], "say what to change, e.g. --title, --body, --tag or --star"),
        ("c1", [], "say what to change, e.g. --mood, --energy, --note"),
    ],
)
def test_edit_wrong_options_are_usage(cli, journal, ref, options, message):
    usage_error(cli("edit", ref, *options), "edit", message)


def test_edit_star_and_unstar_together_is_usage(cli, journal):
    usage_error(cli("edit", "e1", "--star", "--unstar"), "edit",
                "argument --unstar: not allowed with argument --star")


def test_edit_unknown_or_invalid(cli, journal):
    failed(cli("edit", "e999", "--title", "x"), 1,
           "companion: There is no entry e999. Use `companion list` to see ids (deleted ones: "
           "`list --trash`).\n")
    failed(cli("edit", "c1", "--mood", "9"), 1, MOOD_RANGE.format(9))
    failed(cli("edit", "e1", "--title", "two\nlines"), 1, "companion: A title is one line.\n")
    assert shown(cli, "e1")["title"] == "Long walk by the river"


# -- delete and restore -----------------------------------------------------------------------


def test_delete_and_restore_an_entry(cli, journal):
    assert ok(cli("delete", "e2")) == (
        "Moved e2 to the trash (`companion restore e2` brings it back).\n")
    assert "e2" not in listed(cli("list"))
    assert ok(cli("search", "meeting")) == "Nothing matches.\n"
    assert listed(cli("list", "--trash")) == ["e2"]
    assert shown(cli, "e2")["deleted"] is not None
    assert "in the trash (`companion restore` brings it back)" in ok(cli("show", "e2"))
    failed(cli("delete", "e2"), 1, "companion: Entry e2 is already in the trash.\n")
    assert ok(cli("restore", "e2")) == "Restored e2 from the trash.\n"
    assert listed(cli("list")) == TIME_ORDER
    assert listed(cli("search", "meeting")) == ["e2"]
    failed(cli("restore", "e2"), 1, "companion: Entry e2 is not in the trash.\n")


def test_delete_and_restore_a_checkin(cli, journal):
    ok(cli("delete", "c1"))
    assert listed(cli("list", "--kind", "checkin")) == ["c2"]
    assert listed(cli("list", "--trash")) == ["c1"]
    failed(cli("delete", "c1"), 1, "companion: Check-in c1 is already in the trash.\n")
    ok(cli("restore", "c1"))
    failed(cli("restore", "c2"), 1, "companion: Check-in c2 is not in the trash.\n")
    assert ok(cli("list", "--trash")) == "The trash is empty.\n"


def test_deleted_entries_leave_the_tag_counts(cli, journal):
    ok(cli("delete", "e2"))
    assert ok(cli("tags")) == "#home  2\n#outdoors  1\n#walk  1\n#work  1\n"


def test_delete_and_restore_unknown(cli, journal):
    failed(cli("delete", "e99"), 1, "companion: There is no entry e99. Use `companion list` to "
                                    "see ids (deleted ones: `list --trash`).\n")
    failed(cli("restore", "c99"), 1, "companion: There is no check-in c99. Use `companion list "
                                     "--kind checkin` to see ids.\n")
    usage_error(cli("delete", "99"), "delete", "argument id: '99' is not an id. Ids look like "
                "e12 (an entry) or c3 (a check-in); `companion list` shows them.")


# -- tags -------------------------------------------------------------------------------------


def test_tags(cli, journal):
    assert ok(cli("tags")) == "#home  2\n#outdoors  1\n#walk  1\n#work  2\n"


def test_tags_on_an_empty_vault(cli, vault):
    assert ok(cli("tags")) == "No tags yet.\n"


def test_tag_rename(cli, journal):
    assert ok(cli("tag-rename", "walk", "#Walking")) == "Renamed #walk to #Walking.\n"
    assert ok(cli("tags")) == "#home  2\n#outdoors  1\n#Walking  1\n#work  2\n"
    assert listed(cli("list", "--tag", "walking")) == ["e1"]


def test_tag_rename_merges_into_an_existing_tag(cli, journal):
    assert ok(cli("tag-rename", "home", "work")) == "Merged #home into #work.\n"
    assert ok(cli("tags")) == "#outdoors  1\n#walk  1\n#work  3\n"
    assert listed(cli("list", "--tag", "work")) == ["e2", "e3", "e4"]
    assert shown(cli, "e4")["tags"] == ["work"]
    assert listed(cli("list", "--tag", "home")) == []
    # The search index knows the new tag names too.
    assert sorted(listed(cli("search", "work", "--tag", "work", "--to", "2026-03-10"))) == [
        "e2", "e3"]


def test_tag_rename_unknown(cli, journal):
    failed(cli("tag-rename", "nope", "other"), 1,
           "companion: There is no tag 'nope'. `companion tags` lists the tags in use.\n")
    failed(cli("tag-rename", "walk", "#"), 1, "companion: A tag cannot be empty.\n")
    assert ok(cli("tags")) == "#home  2\n#outdoors  1\n#walk  1\n#work  2\n"


# -- passwd and recover -----------------------------------------------------------------------


def test_passwd(cli, journal):
    result = cli("passwd", stdin=f"{NEW_PASSPHRASE}\n{NEW_PASSPHRASE}\n")
    assert ok(result) == "Passphrase changed. Your recovery code still works.\n"
    failed(cli("list"), 1, WRONG_PASSPHRASE)
    assert listed(cli("list", passphrase=NEW_PASSPHRASE)) == TIME_ORDER


def test_passwd_rekey_keeps_the_journal_and_retires_the_old_key_file(cli, journal):
    old_key_file = (journal / "vault.key").read_bytes()
    # The same passphrase again: a new key under it, and a new recovery code.
    result = cli("passwd", "--rekey", stdin=f"{PASSPHRASE}\n{PASSPHRASE}\n")
    out = ok(result)
    assert out.startswith("The vault is re-encrypted under a new key.")
    assert "Your new recovery code (the old one no longer works):" in out
    assert listed(cli("list")) == TIME_ORDER
    (journal / "vault.key").write_bytes(old_key_file)  # an old copy, put back
    stale = cli("list")
    assert stale.code == 1 and "damaged or is not a Companion vault" in stale.err


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (f"wrong passphrase here\n{NEW_PASSPHRASE}\n{NEW_PASSPHRASE}\n",
         "The current passphrase is not right. Nothing was changed."),
        (f"{PASSPHRASE}\n{NEW_PASSPHRASE}\n{NEW_PASSPHRASE}x\n",
         "The two passphrases do not match. Type the same passphrase twice."),
        (f"{PASSPHRASE}\nshort\nshort\n",
         "That passphrase is too short (5 characters). Use at least 8; a few unrelated words "
         "work well."),
        (f"{PASSPHRASE}\n{NEW_PASSPHRASE}\n",
         "Standard input ended before the confirmation of the new passphrase. Give one per "
         "line with --passphrase-stdin."),
    ],
    ids=["wrong-current", "mismatch", "too-short", "no-confirmation"],
)
def test_passwd_refused_keeps_the_old_passphrase(cli, journal, stdin, message):
    key_before = (journal / "vault.key").read_bytes()
    failed(cli("--passphrase-stdin", "passwd", stdin=stdin, passphrase=False), 1,
           f"companion: {message}\n")
    assert (journal / "vault.key").read_bytes() == key_before
    assert listed(cli("list")) == TIME_ORDER


def _init(cli: Any, home: Path | None = None) -> str:
    argv = ["--home", str(home)] if home else []
    out = ok(cli(*argv, "init", stdin=f"{PASSPHRASE}\n"))
    (code,) = RECOVERY_CODE.findall(out)
    return str(code)


def test_recover_sets_a_new_passphrase_and_replaces_the_code(cli, private_home):
    code = _init(cli)
    ok(cli("add", "kept through recovery"))
    result = cli("recover", stdin=f"{NEW_PASSPHRASE}\n{NEW_PASSPHRASE}\n", passphrase=code)
    out = ok(result)
    assert out.startswith("Passphrase set.\n\nYour new recovery code (the old one no longer "
                          "works):\n")
    (new_code,) = RECOVERY_CODE.findall(out)
    assert new_code != code
    failed(cli("list"), 1, WRONG_PASSPHRASE)
    assert listed(cli("list", passphrase=NEW_PASSPHRASE)) == ["e1"]
    # The used code no longer works; the new one does (typed in lowercase, without dashes).
    failed(cli("recover", stdin=f"{PASSPHRASE}\n{PASSPHRASE}\n", passphrase=code), 1,
           "companion: That recovery code does not open this vault. Check it against the copy "
           "you stored (letters and digits, dashes optional).\n")
    typed = new_code.replace("-", "").lower()
    ok(cli("recover", stdin=f"{PASSPHRASE}\n{PASSPHRASE}\n", passphrase=typed))
    assert listed(cli("list")) == ["e1"]


def test_recover_with_a_wrong_code(cli, journal):
    key_before = (journal / "vault.key").read_bytes()
    message = ("companion: That recovery code does not open this vault. Check it against the "
               "copy you stored (letters and digits, dashes optional).\n")
    failed(cli("recover", stdin=f"{NEW_PASSPHRASE}\n{NEW_PASSPHRASE}\n",
               passphrase="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH"), 1, message)
    failed(cli("recover", stdin=f"{NEW_PASSPHRASE}\n{NEW_PASSPHRASE}\n", passphrase="nonsense"),
           1, message)
    assert (journal / "vault.key").read_bytes() == key_before


# -- remember and forget ----------------------------------------------------------------------


def test_remember_and_forget_with_a_keyring(cli, journal, file_keyring):
    assert ok(cli("remember")) == (
        "This device now remembers the vault key in its keyring; commands will not ask for the "
        "passphrase. Undo with `companion forget`.\n")
    # No --passphrase-stdin and no terminal: the keyring unlocks.
    assert listed(cli("list", passphrase=False)) == TIME_ORDER
    assert ok(cli("add", "from the keyring", passphrase=False)) == "e6\n"
    # The real command in a child process, with the same keyring and nothing on stdin.
    child = run_companion("list", "--kind", "entry")
    assert (child.returncode, child.stderr) == (0, ""), child
    assert [line.split()[0] for line in child.stdout.splitlines()] == [
        "e1", "e2", "e3", "e4", "e5", "e6"]
    assert ok(cli("forget", passphrase=False)) == (
        "This device no longer remembers the vault key.\n")
    failed(cli("list", passphrase=False), 1, NO_TTY)
    assert ok(cli("forget", passphrase=False)) == (
        "This device did not remember the vault key; nothing to forget.\n")


def test_remember_asks_for_the_passphrase_not_the_keyring(cli, journal, file_keyring):
    failed(cli("remember", passphrase="not the passphrase"), 1, WRONG_PASSPHRASE)
    failed(cli("list", passphrase=False), 1, NO_TTY)


def test_remember_without_a_keyring(cli, journal):
    failed(cli("remember"), 1, NO_KEYRING)
    # Said before asking for a passphrase it could not use.
    failed(cli("remember", passphrase=False), 1, NO_KEYRING)
    # Without a keyring to ask, "nothing to forget" could be untrue (a stopped keyring looks
    # the same, and would still hold the key): it says it cannot tell, and fails.
    forgot = cli("forget", passphrase=False)
    assert forgot.code == 1 and forgot.err.count("\n") == 1
    assert forgot.err.startswith("companion: No keyring is reachable on this device, so "
                                 "whether it remembers the vault key cannot be checked.")


# -- backup and restore-backup ----------------------------------------------------------------


def test_backup_and_restore_into_a_new_home(cli, journal, tmp_path):
    backup = tmp_path / "companion.cbak"
    out = ok(cli("backup", str(backup)))
    assert re.fullmatch(rf"Wrote an encrypted backup \([\d,]+ KiB\) to {re.escape(str(backup))}"
                        r"\.\n", out)
    assert backup.is_file()
    if os.name == "posix":
        assert backup.stat().st_mode & 0o777 == 0o600
    elsewhere = tmp_path / "elsewhere"
    result = cli("--home", str(elsewhere), "restore-backup", str(backup))
    assert ok(result) == (
        f"Restored the vault in {elsewhere} from {backup}.\n"
        "Unlock it with the passphrase (or recovery code) in force when the backup was made.\n")
    assert as_json(cli("--home", str(elsewhere), "list", "--json")) == as_json(
        cli("list", "--json"))


def test_backup_refuses_to_replace_a_file_without_force(cli, journal, tmp_path):
    backup = tmp_path / "companion.cbak"
    backup.write_bytes(b"precious")
    failed(cli("backup", str(backup)), 1,
           f"companion: {backup} already exists. Choose another name, or add --force.\n")
    assert backup.read_bytes() == b"precious"
    assert ok(cli("backup", str(backup), "--force")).startswith("Wrote an encrypted backup")
    assert backup.read_bytes().startswith(b"COMPANION-BACKUP\n")


def test_backup_to_a_folder_or_a_missing_folder(cli, journal, tmp_path):
    failed(cli("backup", str(tmp_path)), 1, f"companion: Cannot write a backup to {tmp_path}. "
                                            "Give a file in an existing folder.\n")
    missing = tmp_path / "no-such-folder" / "b.cbak"
    failed(cli("backup", str(missing)), 1, f"companion: Cannot write a backup to {missing}. "
                                           "Give a file in an existing folder.\n")


@pytest.mark.parametrize("name", ["vault.db", "vault.key"])
def test_backup_never_overwrites_the_vault_itself(cli, journal, name):
    target = journal / name
    failed(cli("backup", str(target), "--force"), 1,
           f"companion: Cannot write a backup over the vault's own file {target}. "
           "Choose another name.\n")
    assert listed(cli("list")) == TIME_ORDER


def test_restore_backup_with_a_wrong_passphrase_leaves_the_vault_alone(cli, journal, tmp_path):
    backup = tmp_path / "companion.cbak"
    ok(cli("backup", str(backup)))
    target = tmp_path / "target"
    _init(cli, target)
    ok(cli("--home", str(target), "add", "the vault already here"))
    before = {p.name: p.read_bytes() for p in target.iterdir() if p.is_file()}
    failed(cli("--home", str(target), "restore-backup", str(backup), passphrase="wrong one"), 1,
           "companion: That passphrase does not open this backup. Use the passphrase (or "
           "recovery code) that was in force when the backup was made.\n")
    assert {p.name: p.read_bytes() for p in target.iterdir() if p.is_file()} == before
    assert not [p for p in target.iterdir() if p.name.startswith("pre-restore-")]
    assert listed(cli("--home", str(target), "list")) == ["e1"]


def test_restore_backup_over_a_vault_keeps_the_old_one(cli, journal, tmp_path):
    backup = tmp_path / "companion.cbak"
    ok(cli("backup", str(backup)))
    ok(cli("delete", "e1"))
    out = ok(cli("restore-backup", str(backup)))
    (kept,) = [p for p in journal.iterdir() if p.name.startswith("pre-restore-")]
    assert out.endswith(f"The vault it replaced is kept, still encrypted, in {kept}.\n")
    assert (kept / "vault.key").is_file() and (kept / "vault.db").is_file()
    assert listed(cli("list")) == TIME_ORDER
    assert listed(cli("--home", str(kept), "list")) == TIME_ORDER[1:]


def test_restore_backup_from_something_else(cli, journal, tmp_path):
    missing = tmp_path / "missing.cbak"
    failed(cli("restore-backup", str(missing), passphrase=False), 1,
           f"companion: There is no backup file at {missing}. Check the path.\n")
    junk = tmp_path / "junk.cbak"
    junk.write_bytes(os.urandom(5000))
    failed(cli("restore-backup", str(junk)), 1,
           "companion: That file is not a Companion backup, or it is damaged. Choose a file made "
           "with `companion backup` (or Settings → Backup).\n")
    assert listed(cli("list")) == TIME_ORDER


# -- unlocking, homes, and the command itself -------------------------------------------------


def test_wrong_passphrase(cli, journal):
    failed(cli("list", passphrase="not the passphrase"), 1, WRONG_PASSPHRASE)


def test_no_passphrase_and_no_terminal(cli, journal):
    failed(cli("list", passphrase=False), 1, NO_TTY)
    failed(cli("--passphrase-stdin", "list", passphrase=False), 1,
           "companion: Standard input ended before the passphrase. Give one per line with "
           "--passphrase-stdin.\n")


@pytest.mark.parametrize("argv", [["list"], ["add", "x"], ["passwd"], ["recover"], ["forget"],
                                  ["backup", "b.cbak"], ["tags"]])
def test_a_home_without_a_vault(cli, private_home, argv):
    failed(cli(*argv), 1, NO_VAULT)
    assert not (private_home / "vault.key").exists()


def test_home_option_overrides_companion_home(cli, private_home, tmp_path):
    other = tmp_path / "other-home"
    _init(cli, other)
    ok(cli("--home", str(other), "add", "in the other home"))
    failed(cli("list"), 1, NO_VAULT)  # $COMPANION_HOME is this test's private home
    assert listed(cli("--home", str(other), "list")) == ["e1"]
    assert listed(cli("list", "--home", str(other))) == ["e1"]
    assert not private_home.exists() or not any(private_home.iterdir())


@pytest.mark.parametrize("argv", [[], ["gui"], ["gui", "--demo"], ["--demo"]])
def test_without_the_desktop_app_the_command_says_so(cli, monkeypatch, argv):
    # No command means the desktop app. Where it cannot be loaded (here: made unimportable),
    # that is one line and exit 1, never a traceback.
    monkeypatch.setitem(sys.modules, "ui.app", None)
    result = cli(*argv, passphrase=False)
    assert (result.code, result.out) == (1, ""), result
    assert result.err.startswith("companion: the desktop app cannot start: "), result.err
    assert result.err.endswith(". The command line still works (`companion --help`).\n")
    assert result.err.count("\n") == 1


@pytest.mark.parametrize("argv", [["--help"], ["-h"], ["add", "--help"], ["search", "--help"]])
def test_help(cli, argv):
    result = cli(*argv, passphrase=False)
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("usage: companion")


def test_version(cli):
    result = cli("--version", passphrase=False)
    assert (result.code, result.out, result.err) == (0, "companion 0.1.0\n", "")


def test_unknown_command_is_usage(cli):
    result = cli("frobnicate", passphrase=False)
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("usage: companion ")
    assert "companion: error: argument COMMAND: invalid choice: 'frobnicate'" in result.err


def test_unknown_option_is_usage(cli, journal):
    result = cli("list", "--colour", passphrase=False)
    assert result.code == 2 and result.out == ""
    assert result.err.splitlines()[-1] == "companion: error: unrecognized arguments: --colour"


def test_a_bug_is_one_line_and_a_report_without_user_content(cli, journal, monkeypatch):
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret words from the journal")

    monkeypatch.setattr(CompanionApp, "timeline", broken)
    result = cli("list")
    assert (result.code, result.out) == (70, "")
    match = re.fullmatch(r"companion: an unexpected error happened \(a bug in Companion\)\. "
                         r"A report without your content is in (.+\.txt)\.\n", result.err)
    assert match, result.err
    report = Path(match.group(1))
    assert report.parent == journal / "crash-reports"
    text = report.read_text()
    assert "RuntimeError" in text and "secret words" not in text


def test_interrupted(cli, journal, monkeypatch):
    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(CompanionApp, "add_entry", interrupted)
    failed(cli("add", "x"), 130,
           "companion: interrupted; nothing was changed by the unfinished step.\n")


class _SQLiteError(Exception):
    def __init__(self, code: int) -> None:
        super().__init__("from SQLite")
        self.sqlite_errorcode = code


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (_SQLiteError(11), VaultDamaged),  # SQLITE_CORRUPT
        (_SQLiteError(267), VaultDamaged),  # SQLITE_CORRUPT_VTAB: an FTS index page
        (_SQLiteError(26), VaultDamaged),  # SQLITE_NOTADB
        (_SQLiteError(13), DiskFull),  # SQLITE_FULL
        (OSError(errno.ENOSPC, "No space left on device"), DiskFull),
        (PermissionError(errno.EACCES, "Permission denied", "/x"), UserError),
        (_SQLiteError(1), None),  # SQLITE_ERROR: a bug in our SQL
        (RuntimeError("bug"), None),
        (FileNotFoundError(errno.ENOENT, "No such file", "/x"), None),
    ],
)
def test_which_lower_level_errors_are_the_users(exc, expected):
    found = as_user_error(exc)
    if expected is None:
        assert found is None
    else:
        assert type(found) is expected
        assert "\n" not in str(found)


def _damage_table(home: Path, table: str) -> None:
    """Scramble the page holding `table`'s rows; the rest of the vault stays intact."""
    app = CompanionApp(home)
    app.open()
    app.unlock(PASSPHRASE)
    db = app.vault.database
    (root,) = db.query_one("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))
    (page_size,) = db.query_one("PRAGMA page_size")
    app.close()
    with open(home / "vault.db", "r+b") as handle:
        handle.seek((int(root) - 1) * int(page_size) + 200)
        handle.write(os.urandom(64))


def test_a_damaged_page_is_a_clear_error_not_a_bug(cli, journal):
    _damage_table(journal, "entries")
    failed(cli("list"), 1, DAMAGED)
    failed(cli("show", "e1"), 1, DAMAGED)
    assert not (journal / "crash-reports").exists()


# -- the real process -------------------------------------------------------------------------


def _single_line_error(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 1, result
    assert result.stdout == ""
    assert result.stderr == message, result.stderr
    assert "Traceback" not in result.stderr


def test_process_user_errors_are_one_line_without_traceback(journal, private_home, tmp_path):
    cases = [
        (["--passphrase-stdin", "list"], "not the passphrase\n", WRONG_PASSPHRASE),
        (["list"], "", NO_TTY),
        (["--passphrase-stdin", "show", "e999"], f"{PASSPHRASE}\n",
         "companion: There is no entry e999. Use `companion list` to see ids (deleted ones: "
         "`list --trash`).\n"),
        (["--passphrase-stdin", "add", "x", "--mood", "9"], f"{PASSPHRASE}\n",
         MOOD_RANGE.format(9)),
        (["--home", str(tmp_path / "empty"), "list"], "", NO_VAULT),
    ]
    for argv, stdin, message in cases:
        _single_line_error(run_companion(*argv, stdin=stdin), message)
    usage = run_companion("checkin")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr
    assert usage.stderr.splitlines()[-1] == (
        "companion checkin: error: the following arguments are required: --mood")


SQLCIPHER_NOISE = ("ERROR CORE", "hmac check failed", "sqlcipher", "SQLCIPHER", "codec")


def test_process_damaged_database_is_one_clear_line(journal):
    size = (journal / "vault.db").stat().st_size
    (journal / "vault.db").write_bytes(os.urandom(size))
    result = run_companion("--passphrase-stdin", "list", stdin=f"{PASSPHRASE}\n")
    _single_line_error(result, DAMAGED)
    for noise in SQLCIPHER_NOISE:
        assert noise not in result.stderr and noise not in result.stdout


def test_process_damaged_page_found_by_a_query_is_one_clear_line(journal):
    _damage_table(journal, "entries")
    result = run_companion("--passphrase-stdin", "search", "river", stdin=f"{PASSPHRASE}\n")
    _single_line_error(result, DAMAGED)
    for noise in SQLCIPHER_NOISE:
        assert noise not in result.stderr and noise not in result.stdout


def test_process_vault_already_open_elsewhere(journal):
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    holder = subprocess.Popen(
        [sys.executable, "-m", "tests.support.cli_vault_holder", str(journal)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=PROJECT_ROOT,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "ready\n", holder.stderr
        result = run_companion("--passphrase-stdin", "list", stdin=f"{PASSPHRASE}\n")
        _single_line_error(result, ALREADY_OPEN)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.communicate(timeout=10)
    # The lock went with the process.
    after = run_companion("--passphrase-stdin", "list", stdin=f"{PASSPHRASE}\n")
    assert (after.returncode, after.stderr) == (0, "")
    assert [line.split()[0] for line in after.stdout.splitlines()] == TIME_ORDER


def test_process_cli_never_imports_qt(journal):
    script = (
        "import sys\n"
        "import companion.cli\n"
        "code = companion.cli.main(['--passphrase-stdin', 'list', '--json'])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "assert not loaded, loaded\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], input=f"{PASSPHRASE}\n", text=True, capture_output=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, cwd=PROJECT_ROOT, timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, ""), result
    assert [item["id"] for item in json.loads(result.stdout)] == TIME_ORDER


def test_process_output_in_a_legacy_encoding(cli, vault):
    # As on Windows with the output redirected (a code page), or PYTHONIOENCODING=ascii.
    ok(cli("add", "Café ☕ day 😀", "--star"))
    as_json_out = run_companion("--passphrase-stdin", "show", "e1", "--json",
                                stdin=f"{PASSPHRASE}\n", env={"PYTHONIOENCODING": "cp1252"})
    assert (as_json_out.returncode, as_json_out.stderr) == (0, ""), as_json_out
    assert json.loads(as_json_out.stdout)["title"] == "Café ☕ day 😀"
    as_text = run_companion("--passphrase-stdin", "list", stdin=f"{PASSPHRASE}\n",
                            env={"PYTHONIOENCODING": "ascii"})
    assert (as_text.returncode, as_text.stderr) == (0, ""), as_text
    assert as_text.stdout.endswith("  ? Caf? ? day ?\n")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_terminal_prompt_retries_a_wrong_passphrase(journal):
    result = run_in_tty(["list", "--kind", "checkin"],
                        [("Passphrase: ", "not it"), ("Passphrase: ", PASSPHRASE)])
    assert result.code == 0, result
    assert result.err == "That passphrase does not open this vault. Try again.\n"
    assert "not it" not in result.terminal and PASSPHRASE not in result.terminal  # no echo
    assert "c1      2026-03-02 20:00" in result.terminal


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_a_piped_entry_asks_for_the_passphrase_at_the_terminal(journal):
    """`echo … | companion add -`, the README's own example: the text comes from the pipe,
    the passphrase from the controlling terminal, as ssh and sudo ask."""
    result = run_in_tty(["add", "-"], [("Passphrase: ", PASSPHRASE)],
                        piped="From the pipe\nwritten in a terminal\n")
    assert result.code == 0, result
    assert "e6" in result.terminal and PASSPHRASE not in result.terminal
    assert shown_title(journal, "e6") == "From the pipe"


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_init_judges_the_passphrase_before_asking_to_confirm_it(private_home):
    result = run_in_tty(["init"], [("Choose a passphrase: ", "password1"),
                                   ("Choose a passphrase: ", PASSPHRASE),
                                   ("Choose a passphrase again: ", PASSPHRASE)])
    assert result.code == 0, result
    assert result.err.startswith("That passphrase would be too easy to guess.")
    assert result.terminal.count("Choose a passphrase again: ") == 1
    assert "Your recovery code:" in result.terminal


def test_a_mistyped_command_or_option_gets_a_suggestion(cli):
    assert cli("lsit", passphrase=False).err.endswith("(did you mean 'list'?)\n")
    assert cli("list", "--frmo", "2026-01-01", passphrase=False).err.endswith(
        "(did you mean --from?)\n")
    assert cli("list", "--kind", "entri", passphrase=False).err.endswith(
        "(did you mean 'entry'?)\n")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_terminal_prompt_gives_up_after_three_wrong_passphrases(journal):
    result = run_in_tty(["list"], [("Passphrase: ", "wrong one")] * 3)
    assert result.code == 1, result
    assert result.err == "That passphrase does not open this vault. Try again.\n" * 2 + (
        WRONG_PASSPHRASE)
    assert result.terminal.count("Passphrase: ") == 3


def test_search_finds_words_from_check_in_notes(cli, vault):
    """Issue 17: `companion search` finds a check-in by a word of its note, beside entries."""
    assert ok(cli("checkin", "--mood", "4", "--note", "-", stdin="saw a heron by the canal\n")
              ) == "c1\n"
    assert ok(cli("add", "-", stdin="Canal walk\nThe heron again.\n")) == "e1\n"
    assert sorted(listed(cli("search", "heron"))) == ["c1", "e1"]
    out = ok(cli("search", "canal"))
    assert "check-in, mood 4/5" in out and "[canal]" in out
    hits = json.loads(ok(cli("search", "heron", "--json")))
    assert {(h["id"], h["kind"]) for h in hits} == {("c1", "checkin"), ("e1", "entry")}
    assert next(h for h in hits if h["kind"] == "checkin")["snippet"] == (
        "saw a [heron] by the canal")
    assert len(listed(cli("search", "heron", "--limit", "1"))) == 1
    assert listed(cli("search", "heron", "--tag", "walk")) == []  # check-ins have no tags
