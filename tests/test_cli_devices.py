"""`companion device …` and `companion sync` on two homes (two computers) through a shared
folder: pairing with the printed code, the journal reaching the new computer, an edit coming
back, the safety number the same on both, and the status line telling the truth."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.vault_template import empty_template, install_vault


def test_two_homes_pair_and_keep_one_journal(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    laptop = str(install_vault(empty_template(), tmp_path / "laptop"))
    desktop = str(install_vault(empty_template(), tmp_path / "desktop"))
    shared = tmp_path / "shared"
    shared.mkdir()
    assert cli("--home", laptop, "add", "Morning pages", stdin="").code == 0
    added = cli("--home", laptop, "device", "add", "--storage", f"folder:{shared}",
                "--name", "Laptop")
    assert added.code == 0, added.err
    code = re.search(r"companion device join (\S+)", added.out)
    assert code is not None
    joined = cli("--home", desktop, "device", "join", code.group(1), "--storage",
                 f"folder:{shared}", "--name", "Desktop")
    assert joined.code == 0, joined.err
    shown_there = re.search(r"safety number on this computer:\s+([\d ]+)", joined.out)
    assert shown_there is not None
    assert "waiting to be let in" in cli("--home", desktop, "device", "status").out
    asked = cli("--home", laptop, "sync")
    assert "“Desktop” asks to join" in asked.out, asked.out
    assert shown_there.group(1).strip() in asked.out
    assert cli("--home", laptop, "device", "allow", "Desktop").code == 0
    let_in = cli("--home", laptop, "sync")
    assert "let in Desktop" in let_in.out, let_in.out
    welcomed = cli("--home", desktop, "sync")
    assert "this computer was let in" in welcomed.out and "received 1 change" in welcomed.out
    listed = cli("--home", desktop, "list")
    assert "Morning pages" in listed.out
    assert cli("--home", desktop, "add", "From the desktop", stdin="").code == 0
    assert "sent" in cli("--home", desktop, "sync").out
    cli("--home", laptop, "sync")
    assert "From the desktop" in cli("--home", laptop, "list").out
    numbers = [re.findall(r"safety number: ([\d ]+)", cli("--home", home, "device", "list").out)
               for home in (laptop, desktop)]
    assert numbers[0] == numbers[1] and len(numbers[0]) == 1
    status = cli("--home", laptop, "device", "status").out
    assert "in step" in status and "Waiting to send: 0 changes, 0 messages" in status
    cli("--home", desktop, "sync")
    removed = cli("--home", laptop, "device", "remove", "Desktop")
    assert removed.code == 0 and "nothing can erase that from here" in removed.out
    assert "Desktop" not in cli("--home", laptop, "device", "list").out.replace(
        "Desktop — removed", "")


def test_sync_before_setting_up_says_what_to_do(cli, vault_home: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("sync")
    assert result.code != 0
    assert "not set up" in result.err and "companion device add" in result.err


def test_a_circle_invite_is_not_a_pairing_code(cli, vault_home: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shared = tmp_path / "s"
    shared.mkdir()
    result = cli("device", "join", "companion-invite-2:AAAA", "--storage", f"folder:{shared}")
    assert result.code != 0 and "not a pairing code" in result.err


def test_allowing_a_computer_that_did_not_ask_says_who_asks(cli, vault_home: Path,  # type: ignore[no-untyped-def]
                                                            tmp_path: Path) -> None:
    shared = tmp_path / "s"
    shared.mkdir()
    assert cli("device", "add", "--storage", f"folder:{shared}").code == 0
    result = cli("device", "allow", "Nobody")
    assert result.code != 0 and "No single computer asks to join as “Nobody”" in result.err
    assert "asking: none" in result.err


def test_a_name_the_other_computer_would_refuse_is_refused_here(cli, vault_home: Path,  # type: ignore[no-untyped-def]
                                                                tmp_path: Path) -> None:
    shared = tmp_path / "s"
    shared.mkdir()
    long_name = cli("device", "add", "--storage", f"folder:{shared}", "--name", "x" * 41)
    assert long_name.code != 0 and "at most 40 characters" in long_name.err
    blank = cli("device", "add", "--storage", f"folder:{shared}", "--name", "   ")
    assert blank.code != 0 and "Give this computer a name" in blank.err
    assert cli("device", "add", "--storage", f"folder:{shared}", "--name", "Laptop").code == 0


def test_a_refused_computer_is_told(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    laptop = str(install_vault(empty_template(), tmp_path / "laptop"))
    desktop = str(install_vault(empty_template(), tmp_path / "desktop"))
    shared = tmp_path / "shared"
    shared.mkdir()
    added = cli("--home", laptop, "device", "add", "--storage", f"folder:{shared}",
                "--name", "Laptop")
    code = re.search(r"companion device join (\S+)", added.out)
    assert code is not None
    assert cli("--home", desktop, "device", "join", code.group(1), "--storage",
               f"folder:{shared}", "--name", "Stranger").code == 0
    cli("--home", laptop, "sync")
    assert cli("--home", laptop, "device", "refuse", "Stranger").code == 0
    cli("--home", laptop, "sync")
    told = cli("--home", desktop, "sync")
    assert "refused to let this one in (nothing was shared)" in told.out, told.out
    status = cli("--home", desktop, "device", "status").out
    assert "not let in: your other computer refused this one" in status
    cancelled = cli("--home", desktop, "device", "cancel")
    assert cancelled.code == 0 and "stopped waiting" in cancelled.out
    assert "not set up" in cli("--home", desktop, "device", "status").err
    again = cli("--home", desktop, "device", "cancel")
    assert again.code != 0 and "no join to cancel" in again.err
