"""No plaintext of user content on disk: the canary test.

A distinctive phrase goes through every path that stores or handles user text (entry title and
body, tags, check-in note, emotions and activities, edits, search, the trash and back, tag
renames, a backup, a restore), first through the app facade and then through the command line,
in this process and in a real child process. After each stage every byte of every file under
the test's tmp_path (the vault folder with its -wal and -shm while the vault is open, the
TMPDIR, the HOME, the keyring file) is scanned for the phrase and for each of its words, in
UTF-8, UTF-16-LE and UTF-16-BE, as typed, lowercase, uppercase and capitalised. Nothing may
match. The control at the end shows the scanner does find the canary where it was written.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from companion.app import CompanionApp
from companion.models import CheckIn, CheckInDraft, EntryDraft
from tests.conftest import PASSPHRASE, run_companion
from tests.support.canary_scan import ENCODINGS, scan
from tests.support.cli_memo import remembered_derivations

CANARY_WORDS = ("quokkazebra", "marmaladequill", "lighthousefjord")
CANARY = " ".join(CANARY_WORDS)
QUOKKA, MARMALADE, LIGHTHOUSE = CANARY_WORDS


def assert_no_canary(root: Path, stage: str, *, expect: tuple[Path, ...] = ()) -> list[Path]:
    findings, scanned = scan(root, [CANARY])
    assert not findings, f"plaintext on disk {stage}:\n" + "\n".join(map(str, findings))
    missing = [path for path in expect if path not in scanned]
    assert not missing, f"{stage}: expected to scan {missing}"
    return scanned


def test_canary_never_reaches_disk(tmp_path, private_home, clock, cli, file_keyring):
    with remembered_derivations():  # speed only: nothing about derivation touches the disk
        check_every_path(tmp_path, private_home, clock, cli)


def check_every_path(tmp_path, home, clock, cli):  # type: ignore[no-untyped-def]
    vault_files = (home / "vault.db", home / "vault.key")

    # -- 1. the app facade, and the vault still open ---------------------------------------
    app = CompanionApp(home, clock=clock)
    app.create_vault(PASSPHRASE, PASSPHRASE)
    titled = app.add_entry(EntryDraft(title=CANARY, body="an ordinary day"))
    bodied = app.add_entry(EntryDraft(title="notes", body=f"before {CANARY} after.\n" * 40,
                                      tags=("diary",)))
    app.add_entry(EntryDraft(title="tagged", body="short", tags=(QUOKKA, LIGHTHOUSE)))
    checkin = app.add_checkin(CheckInDraft(mood=3, energy=2, emotions=(MARMALADE, "tired"),
                                           activities=(LIGHTHOUSE,), note=CANARY))
    template = app.add_template(f"{QUOKKA} template", f"## {CANARY}\n")  # issue 20
    assert template.own_id is not None
    app.update_template(template.own_id, body=f"## {CANARY} edited\n")
    clock.advance(minutes=5)
    plain = app.add_entry(EntryDraft(title="plain", body="plain"))
    app.update_entry(plain.id, title=f"edited {CANARY}", body=f"{CANARY} edited",
                     tags=[MARMALADE])
    app.update_checkin(checkin.id, note=f"edited {CANARY}", emotions=[QUOKKA],
                       activities=[MARMALADE])
    assert [hit.entry.id for hit in app.search(QUOKKA)][:1] == [titled.id]
    for text in (CANARY, *CANARY_WORDS, f'"{CANARY}"', "quokka*"):
        assert app.search(text), text
    app.delete(bodied.ref)
    assert all(hit.entry.id != bodied.id for hit in app.search(CANARY))
    app.restore(bodied.ref)
    app.rename_tag(QUOKKA, LIGHTHOUSE)  # a merge
    app.rename_tag(MARMALADE, f"{MARMALADE}-two")
    app.backup(home / "app-backup.cbak")  # folds the WAL into the file …
    app.remember_on_device()
    # … so write more, to have user text in the WAL while it is scanned.
    app.add_entry(EntryDraft(title=f"after the backup {CANARY}", body=CANARY * 30,
                             tags=(f"{QUOKKA}-late",)))
    app.update_checkin(checkin.id, note=f"{CANARY} once more")

    wal, shm = home / "vault.db-wal", home / "vault.db-shm"
    assert wal.is_file() and wal.stat().st_size > 0, "the WAL should hold the latest writes"
    assert shm.is_file()
    assert_no_canary(tmp_path, "with the vault open",
                     expect=(*vault_files, wal, shm, home / "app-backup.cbak",
                             tmp_path / "test-keyring.json"))
    app.lock()
    assert_no_canary(tmp_path, "after lock", expect=vault_files)
    app.close()
    assert_no_canary(tmp_path, "after close", expect=vault_files)

    # -- 2. the command line, in this process ---------------------------------------------
    def ok(*argv: str, stdin: str = "", passphrase: bool = True) -> str:
        result = cli(*argv, stdin=stdin, passphrase=passphrase)
        assert (result.code, result.err) == (0, ""), (argv, result)
        return result.out

    added = ok("add", f"{CANARY}\nand the body: {CANARY}", "--tag", QUOKKA).strip()
    piped = ok("add", "-", "--tag", f"#{MARMALADE}", stdin=f"{CANARY}\n{CANARY}\n").strip()
    ok("add", "untitled body", "--title", CANARY, "--star", "--mood", "2")
    cid = ok("checkin", "--mood", "4", "--energy", "3", "--emotion", QUOKKA, "--activity",
             MARMALADE, "--note", CANARY, "--sleep", "7", "--new-label").strip()
    ok("edit", added, "--title", f"{CANARY} again", "--body", "-", "--add-tag", LIGHTHOUSE,
       stdin=f"rewritten {CANARY}\n")
    ok("edit", cid, "--note", f"{CANARY} later", "--emotion", LIGHTHOUSE, "--new-label")
    ok("templates", "add", "kept-in-the-vault", "-", stdin=f"## {CANARY} part\n")
    ok("add", "--template", "kept-in-the-vault", stdin=f"{CANARY} answered\n")
    assert CANARY in ok("search", CANARY)
    assert QUOKKA in ok("search", QUOKKA, "--json")
    assert CANARY in ok("show", piped)
    assert CANARY in ok("list", "--json")
    ok("delete", piped)
    assert CANARY in ok("list", "--trash")
    ok("restore", piped)
    assert QUOKKA in ok("tags")
    ok("tag-rename", QUOKKA, f"{QUOKKA}-renamed")
    # Unlocked by the keyring (remembered above), without a passphrase.
    assert LIGHTHOUSE in ok("search", LIGHTHOUSE, passphrase=False)
    ok("backup", str(home / "cli-backup.cbak"))
    restored = tmp_path / "restored-home"
    ok("--home", str(restored), "restore-backup", str(home / "cli-backup.cbak"))
    assert CANARY in ok("--home", str(restored), "search", CANARY)

    # -- 3. the real command in child processes -------------------------------------------
    for argv, stdin in (
        (["--passphrase-stdin", "add", "-", "--tag", MARMALADE], f"{PASSPHRASE}\n{CANARY}\n"),
        (["--passphrase-stdin", "checkin", "--mood", "2", "--note", CANARY], f"{PASSPHRASE}\n"),
        (["--passphrase-stdin", "search", CANARY], f"{PASSPHRASE}\n"),
        (["show", added], ""),  # unlocked by the keyring
    ):
        child = run_companion(*argv, stdin=stdin)
        assert (child.returncode, child.stderr) == (0, ""), (argv, child)
    assert CANARY in child.stdout

    assert_no_canary(tmp_path, "after the command line",
                     expect=(*vault_files, home / "cli-backup.cbak", restored / "vault.db"))

    # -- 4. open once more: everything is there, and still nothing in plain text ------------
    app = CompanionApp(home, clock=clock)
    app.open()
    app.unlock(PASSPHRASE)
    assert len(app.search(CANARY, limit=100)) >= 8
    assert any(CANARY in item.note for item in app.timeline() if isinstance(item, CheckIn))
    assert_no_canary(tmp_path, "reopened", expect=(*vault_files, wal))
    app.close()
    scanned = assert_no_canary(tmp_path, "at the end", expect=vault_files)
    assert len(scanned) >= 8

    # -- control: the scanner finds the canary wherever it really is ------------------------
    control = tmp_path / "control"
    control.mkdir()
    variants = {CANARY, QUOKKA.upper(), MARMALADE.capitalize(), LIGHTHOUSE}
    for number, text in enumerate(sorted(variants)):
        for encoding in ENCODINGS:
            noise = os.urandom(3000)
            (control / f"{number}-{encoding}.bin").write_bytes(
                noise[:1500] + text.encode(encoding) + noise[1500:])
    plain_db = control / "plain.sqlite"
    with sqlite3.connect(plain_db) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES (?)", (f"x {CANARY} y",))
    conn.close()
    findings, _ = scan(control, [CANARY])
    found = {(f.path.name, f.text, f.encoding) for f in findings}
    for number, text in enumerate(sorted(variants)):
        for encoding in ENCODINGS:
            assert (f"{number}-{encoding}.bin", text, encoding) in found
    assert ("plain.sqlite", CANARY, "utf-8") in found
    assert {f.path.parent for f in findings} == {control}
    # And so the same scan over the whole tmp_path now fails, as it must.
    everything, _ = scan(tmp_path, [CANARY])
    assert everything and all(f.path.is_relative_to(control) for f in everything)
