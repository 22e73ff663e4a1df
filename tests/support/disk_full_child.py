"""Run a vault into a full disk, then check that nothing reported saved was lost.

Usage::

    python disk_full_child.py DIR [OUTSIDE [SCENARIO]]

DIR is normally a tiny tmpfs mounted for this run only (tests/storage/test_disk_full.py runs
this under `unshare -rm`); OUTSIDE, if given, is a roomy folder on another disk. It prints one
JSON object on stdout, which the test asserts on. Any exception other than `DiskFull` is
recorded in the summary ("unexpected", with the traceback) rather than crashing the child, so
that a failing test shows what happened.

Scenarios:

fill (default)
    Create a vault in DIR, add entries of about 2 KB of random text until `DiskFull`, try one
    more write, a backup to OUTSIDE and a passphrase change while the disk is full (each may
    fail with `DiskFull`, but the key file must stay valid), close, reopen with the passphrase
    in force, and check every entry reported committed, `PRAGMA integrity_check` and the
    search index. If the backup was written, restore it into OUTSIDE and check it too.
create
    Create vaults with less and less room left: each either works or fails with `DiskFull`
    and leaves no half-made vault; with room again, creating it works.
reopen
    Close a vault cleanly, fill the disk (as another program would), unlock: `DiskFull` or
    success, never "damaged", and nothing in the vault changes.
restore
    Restore a backup that does not fit over a vault in DIR: `DiskFull`, with that vault left
    exactly as it was; once there is room, the restore works and keeps the old vault aside.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sys
import traceback
from pathlib import Path
from typing import Any

from companion.app import CompanionApp
from companion.models import EntryDraft
from storage.errors import DiskFull
from storage.keyfile import KeyFile

PASSPHRASE = "correct horse battery staple"
NEW_PASSPHRASE = "purple walrus juggles midnight kettles"
ENTRY_BYTES = 2048
# The restored vault must fit the 1 MiB disk beside the small one it replaces (kept aside).
# An empty vault's tables take about 600 KiB already, and every table a new feature adds
# takes a page or more of what is left: the entries are few, so the margin is not eaten by
# the next table (60 entries once fitted, then 50 stopped fitting after two new features).
RESTORE_ENTRIES = 20
MAX_ENTRIES = 5000  # a 1 MiB disk fills long before this; reaching it means it never did

_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def random_text(rng: random.Random, size: int) -> str:
    words: list[str] = []
    length = 0
    while length < size:
        word = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(3, 10)))
        words.append(word)
        length += len(word) + 1
    return " ".join(words)[:size]


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def free_bytes(folder: Path) -> int:
    stat = os.statvfs(folder)
    return stat.f_bavail * stat.f_frsize


def snapshot(home: Path) -> dict[str, str]:
    """Every file under `home` (but the lock file, which holds no data) and its digest."""
    return {
        str(path.relative_to(home)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(home.rglob("*"))
        if path.is_file() and path.name != "vault.lock"
    }


def vault_files(home: Path) -> dict[str, bytes]:
    """The database and key file, byte for byte: what "the vault is unchanged" compares."""
    return {name: (home / name).read_bytes() for name in ("vault.db", "vault.key")}


def wal_size(home: Path) -> int:
    wal = home / "vault.db-wal"
    return wal.stat().st_size if wal.exists() else 0


def entry_digests(app: CompanionApp) -> dict[int, str]:
    rows = app.vault.database.query("SELECT id, body FROM entries")
    return {int(row[0]): digest(str(row[1])) for row in rows}


def fail_text(exc: BaseException) -> str:
    return f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"


# -- fill ------------------------------------------------------------------------------------


def fill(app: CompanionApp, rng: random.Random, summary: dict[str, Any]) -> dict[int, str]:
    """Add entries until `DiskFull`; return {entry id: digest of its body} for each saved one."""
    committed: dict[int, str] = {}
    for number in range(MAX_ENTRIES):
        body = random_text(rng, ENTRY_BYTES)
        try:
            entry = app.add_entry(EntryDraft(title=f"entry {number}", body=body))
        except DiskFull:
            summary["disk_full_after"] = len(committed)
            break
        committed[entry.id] = digest(body)
    else:
        summary["never_full"] = True
        return committed
    # A second write on the still-full disk must fail the same clean way, and the connection
    # must still read.
    try:
        app.add_entry(EntryDraft(title="one more", body=random_text(rng, ENTRY_BYTES)))
    except DiskFull:
        summary["second_write"] = "DiskFull"
    else:
        summary["second_write"] = "saved"
    summary["readable_while_full"] = len(app.timeline(limit=MAX_ENTRIES * 2))
    return committed


def backup_while_full(app: CompanionApp, outside: Path, summary: dict[str, Any]) -> Path | None:
    """Back up the full vault to a roomy folder: the backup holds everything, or is not made."""
    target = outside / "while-full.cbak"
    try:
        summary["backup_size"] = app.backup(target)
    except DiskFull:
        summary["backup"] = "DiskFull"
        summary["backup_left_behind"] = sorted(p.name for p in outside.iterdir())
        return None
    summary["backup"] = "written"
    return target


def change_passphrase_while_full(app: CompanionApp, key_file: Path,
                                 summary: dict[str, Any]) -> str:
    """Try a passphrase change on the full disk; return the passphrase now in force."""
    before = key_file.read_bytes()
    try:
        app.change_passphrase(PASSPHRASE, NEW_PASSPHRASE, NEW_PASSPHRASE)
    except DiskFull:
        summary["change_passphrase"] = "DiskFull"
        summary["key_file_unchanged"] = key_file.read_bytes() == before
        in_force = PASSPHRASE
    else:
        summary["change_passphrase"] = "changed"
        in_force = NEW_PASSPHRASE
    try:
        KeyFile.from_bytes(key_file.read_bytes())
        summary["key_file_valid"] = True
    except Exception as exc:  # recorded, the test fails on it
        summary["key_file_valid"] = False
        summary["key_file_error"] = fail_text(exc)
    summary["temp_files_left"] = sorted(
        p.name for p in key_file.parent.iterdir() if p.name.endswith(".tmp")
    )
    return in_force


def verify(home: Path, passphrase: str, committed: dict[int, str],
           summary: dict[str, Any]) -> None:
    app = CompanionApp(home)
    app.unlock(passphrase)
    try:
        found = entry_digests(app)
        summary["entries_found"] = len(found)
        summary["missing"] = sorted(i for i in committed if i not in found)
        summary["changed"] = sorted(i for i in committed if i in found and found[i] != committed[i])
        summary["extra"] = sorted(i for i in found if i not in committed)
        db = app.vault.database
        summary["integrity"] = [str(row[0]) for row in db.query("PRAGMA integrity_check")]
        fts = db.query("INSERT INTO entries_fts (entries_fts) VALUES ('integrity-check')")
        summary["fts_integrity"] = "ok" if fts == [] else repr(fts)
    finally:
        app.close()


def verify_backup(backup: Path, outside: Path, passphrase: str, committed: dict[int, str],
                  summary: dict[str, Any]) -> None:
    home = outside / "restored"
    CompanionApp.restore_backup(home, backup, passphrase)
    app = CompanionApp(home)
    app.unlock(passphrase)
    try:
        found = entry_digests(app)
        summary["backup_missing"] = sorted(i for i in committed if found.get(i) != committed[i])
    finally:
        app.close()


def scenario_fill(folder: Path, outside: Path | None, summary: dict[str, Any]) -> None:
    home = folder / "vault"
    rng = random.Random(int.from_bytes(os.urandom(8), "big"))
    app = CompanionApp(home)
    app.create_vault(PASSPHRASE, PASSPHRASE)
    try:
        committed = fill(app, rng, summary)
        summary["committed"] = len(committed)
        backup = backup_while_full(app, outside, summary) if outside is not None else None
        in_force = change_passphrase_while_full(app, app.vault.paths.key_file, summary)
    finally:
        app.close()
    summary["free_bytes_at_end"] = free_bytes(folder)
    verify(home, in_force, committed, summary)
    if outside is not None and backup is not None:
        # The backup carries the passphrase in force when it was made: the first one.
        verify_backup(backup, outside, PASSPHRASE, committed, summary)


# -- create ----------------------------------------------------------------------------------


def fill_leaving(folder: Path, leave: int) -> Path:
    """Write a filler file until at most `leave` bytes are free on `folder`'s disk."""
    filler = folder / f"filler-{leave}"
    with open(filler, "wb") as handle:
        while (room := free_bytes(folder) - leave) > 0:
            try:
                handle.write(b"\0" * min(room, 65536))
                handle.flush()
            except OSError:
                break
    return filler


def scenario_create(folder: Path, summary: dict[str, Any]) -> None:
    runs: list[dict[str, Any]] = []
    for leave in (0, 32768, 98304, 131072, 262144, 393216, 524288):
        home = folder / f"create-{leave}"
        filler = fill_leaving(folder, leave)
        run: dict[str, Any] = {"free": free_bytes(folder)}
        runs.append(run)
        app = CompanionApp(home)
        try:
            app.create_vault(PASSPHRASE, PASSPHRASE)
            run["outcome"] = "created"
            run["integrity"] = app.vault.database.integrity_ok()
        except DiskFull:
            run["outcome"] = "DiskFull"
            run["exists_after"] = app.vault_exists()
            run["left_behind"] = sorted(snapshot(home)) if home.exists() else []
        except Exception as exc:  # recorded, the test fails on it
            run["outcome"] = fail_text(exc)
        finally:
            app.close()
        filler.unlink()
        if run["outcome"] == "DiskFull":
            # With room again, the vault that could not be made can be (no VaultExists).
            retry = CompanionApp(home)
            try:
                retry.create_vault(PASSPHRASE, PASSPHRASE)
                run["integrity"] = retry.vault.database.integrity_ok()
            finally:
                retry.close()
        shutil.rmtree(home)  # room for the next, tighter run
    summary["runs"] = runs


# -- reopen ----------------------------------------------------------------------------------


def scenario_reopen(folder: Path, summary: dict[str, Any]) -> None:
    """A vault closed cleanly, then the disk fills up (another program): unlocking says
    `DiskFull` (or works), never that the vault is damaged; with room again, all is there."""
    rng = random.Random(11)
    home = folder / "vault"
    app = CompanionApp(home)
    app.create_vault(PASSPHRASE, PASSPHRASE)
    committed = {}
    for number in range(5):
        body = random_text(rng, ENTRY_BYTES)
        committed[app.add_entry(EntryDraft(title=f"entry {number}", body=body)).id] = digest(body)
    app.close()
    before = vault_files(home)
    runs: list[dict[str, Any]] = []
    for leave in (0, 8192, 24576, 49152, 131072):
        filler = fill_leaving(folder, leave)
        run: dict[str, Any] = {"free": free_bytes(folder)}
        runs.append(run)
        app = CompanionApp(home)
        try:
            app.unlock(PASSPHRASE)
            run["outcome"] = "opened"
            run["entries_match"] = entry_digests(app) == committed
        except DiskFull:
            run["outcome"] = "DiskFull"
        except Exception as exc:  # recorded, the test fails on it
            run["outcome"] = fail_text(exc)
        finally:
            app.close()
        filler.unlink()
        # A failed open may leave an empty WAL and a stub of the WAL index behind (SQLite
        # rebuilds the index); the database and the key file must be byte for byte the same.
        run["vault_unchanged"] = vault_files(home) == before
        run["wal_bytes"] = wal_size(home)
    summary["runs"] = runs
    app = CompanionApp(home)
    app.unlock(PASSPHRASE)
    summary["entries_match_at_end"] = entry_digests(app) == committed
    summary["integrity"] = app.vault.database.integrity_ok()
    app.close()


# -- restore ---------------------------------------------------------------------------------


def scenario_restore(folder: Path, outside: Path, summary: dict[str, Any]) -> None:
    rng = random.Random(7)
    big = CompanionApp(outside / "big")
    big.create_vault(NEW_PASSPHRASE, NEW_PASSPHRASE)
    for number in range(RESTORE_ENTRIES):
        big.add_entry(EntryDraft(title=f"big {number}", body=random_text(rng, ENTRY_BYTES)))
    backup = outside / "big.cbak"
    summary["backup_size"] = size = big.backup(backup)
    big.close()

    home = folder / "small"
    small = CompanionApp(home)
    small.create_vault(PASSPHRASE, PASSPHRASE)
    for number in range(3):
        small.add_entry(EntryDraft(title=f"small {number}", body=random_text(rng, 200)))
    small.close()
    before = snapshot(home)

    runs: list[dict[str, Any]] = []
    for fraction in (0.0, 0.25, 0.5, 0.9, 1.05, 1.3, None):
        filler = fill_leaving(folder, int(size * fraction)) if fraction is not None else None
        run: dict[str, Any] = {"free": free_bytes(folder)}
        runs.append(run)
        try:
            CompanionApp.restore_backup(home, backup, NEW_PASSPHRASE)
            run["outcome"] = "restored"
        except DiskFull:
            run["outcome"] = "DiskFull"
            run["home_unchanged"] = snapshot(home) == before
            run["hidden_left"] = sorted(p.name for p in home.iterdir() if p.name.startswith("."))
        except Exception as exc:  # recorded, the test fails on it
            run["outcome"] = fail_text(exc)
        if filler is not None:
            filler.unlink()
        if run["outcome"] != "DiskFull":
            break
    summary["runs"] = runs
    if runs[-1]["outcome"] != "restored":
        return
    restored = CompanionApp(home)
    restored.unlock(NEW_PASSPHRASE)
    summary["restored_entries"] = len(entry_digests(restored))
    summary["restored_integrity"] = restored.vault.database.integrity_ok()
    restored.close()
    kept = [p for p in home.iterdir() if p.name.startswith("pre-restore-")]
    summary["kept_folders"] = len(kept)
    if len(kept) == 1:
        old = CompanionApp(kept[0])
        old.unlock(PASSPHRASE)
        summary["kept_entries"] = len(entry_digests(old))
        old.close()


def main(argv: list[str]) -> int:
    folder = Path(argv[1])
    outside = Path(argv[2]) if len(argv) > 2 else None
    scenario = argv[3] if len(argv) > 3 else "fill"
    summary: dict[str, Any] = {"scenario": scenario, "unexpected": None}
    try:
        if scenario == "fill":
            scenario_fill(folder, outside, summary)
        elif scenario == "create":
            scenario_create(folder, summary)
        elif scenario == "reopen":
            scenario_reopen(folder, summary)
        elif scenario == "restore" and outside is not None:
            scenario_restore(folder, outside, summary)
        else:
            summary["unexpected"] = f"unknown scenario {scenario!r} (or OUTSIDE missing)"
    except Exception as exc:  # recorded for the test to report
        summary["unexpected"] = fail_text(exc)
        summary["traceback"] = traceback.format_exc()
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
