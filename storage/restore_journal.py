"""Restoring a backup in a way that a crash at any moment cannot undo by half.

A restore first stages the backup's database and key file beside the vault, checked and
synced, under names no one else uses (`.restore-TOKEN.db`, `.restore-TOKEN.key`). Then one
atomic write of `restore-intent.json`, naming the staged files and the folder the old vault
goes to, is the commit point: from there on the restore is finished, by the process that
began it or, after a crash, by the next one to open the vault (`finish_interrupted_restore`).
Finishing is a series of renames that can be repeated from any point: the old database (with
its WAL) and key file go into the `pre-restore-…` folder, the staged ones take their place,
and the intent is removed last. Staged files with no intent are leftovers of a restore that
never reached its commit point; they are removed, and the vault is as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from storage.atomic import atomic_write_bytes, fsync_dir
from storage.paths import VaultPaths, ensure_private_dir

INTENT_NAME = "restore-intent.json"
STAGED_PREFIX = ".restore-"
MAX_INTENT_BYTES = 4096


@dataclass(frozen=True)
class RestorePlan:
    database: Path  # staged
    key_file: Path  # staged
    aside: Path  # where the vault being replaced goes
    # "restore" keeps the replaced vault aside; "rekey" deletes it (storage/rekey.py): its
    # old key must stop opening anything.
    kind: str = "restore"


@dataclass(frozen=True)
class FinishedRestore:
    """A restore (or rekey) a crash interrupted, finished when the vault was next opened."""

    previous_vault_kept_in: Path | None
    kind: str = "restore"


def new_plan(paths: VaultPaths, kind: str = "restore") -> RestorePlan:
    """Where a restore (or rekey) stages its files, and where the vault it replaces goes: a
    `pre-restore-…` folder kept for the person, or for a rekey a staging folder deleted."""
    token = os.urandom(6).hex()
    staged = paths.home / f"{STAGED_PREFIX}{token}"
    aside = (staged.with_name(staged.name + "-replaced") if kind == "rekey" else
             paths.home / f"pre-restore-{time.strftime('%Y%m%d-%H%M%S')}-{token}")
    return RestorePlan(staged.with_suffix(".db"), staged.with_suffix(".key"), aside, kind)


@contextlib.contextmanager
def staging(plan: RestorePlan) -> Iterator[RestorePlan]:
    """For the steps before the commit: if any fails, the staged files go and the vault in
    place is as it was."""
    try:
        yield plan
    except BaseException:
        database = plan.database
        for leftover in (database, database.with_name(database.name + "-wal"),
                         database.with_name(database.name + "-shm"), plan.key_file):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        raise


def intent_path(paths: VaultPaths) -> Path:
    return paths.home / INTENT_NAME


def commit(paths: VaultPaths, plan: RestorePlan) -> None:
    """The commit point: once this returns, the restore will be finished, crash or not."""
    names = {"database": plan.database.name, "key_file": plan.key_file.name,
             "aside": plan.aside.name, "kind": plan.kind}
    atomic_write_bytes(intent_path(paths), json.dumps(names).encode("utf-8"))


def finish(paths: VaultPaths, plan: RestorePlan) -> Path | None:
    """Put the staged vault in place and the old one aside; safe to repeat from any point.
    Returns the folder holding the vault it replaced (None if there was none)."""
    replacing_database = plan.database.exists()
    replacing_key = plan.key_file.exists()
    old = [*((paths.database, *paths.database_sidecars) if replacing_database else ()),
           *((paths.key_file,) if replacing_key else ())]
    for path in old:
        if path.exists():
            ensure_private_dir(plan.aside)
            os.replace(path, plan.aside / path.name)
    if plan.aside.exists():
        fsync_dir(plan.aside)
    if replacing_database:
        os.replace(plan.database, paths.database)
    if replacing_key:
        os.replace(plan.key_file, paths.key_file)
    fsync_dir(paths.home)
    if plan.kind == "rekey" and plan.aside.exists():
        _remove_folder(plan.aside)  # the old database and key file: their key is retired
    intent_path(paths).unlink(missing_ok=True)
    fsync_dir(paths.home)
    return plan.aside if plan.aside.exists() else None


def finish_interrupted_restore(paths: VaultPaths) -> FinishedRestore | None:
    """Called with the vault's lock held, before anything reads it: finish a restore that
    reached its commit point, and remove what one that did not left behind."""
    plan = _read_intent(paths)
    finished = None
    if plan is not None:
        finished = FinishedRestore(finish(paths, plan), plan.kind)
    # Staged files, and the temporary twins of staged files or of the intent (an atomic write
    # cut short before its rename): `.restore-…` and `..restore-…`.
    for leftover in [*paths.home.glob(f"{STAGED_PREFIX}*"),
                     *paths.home.glob(f".{STAGED_PREFIX}*")]:
        with contextlib.suppress(OSError):
            if leftover.is_dir() and not leftover.is_symlink():
                _remove_folder(leftover)  # a rekey's replaced vault, if it got that far
            else:
                leftover.unlink()
    return finished


def _remove_folder(folder: Path) -> None:
    import shutil  # only here: every unlock imports this module, and shutil costs start-up

    shutil.rmtree(folder)


def _read_intent(paths: VaultPaths) -> RestorePlan | None:
    path = intent_path(paths)
    try:
        with path.open("rb") as handle:
            raw = json.loads(handle.read(MAX_INTENT_BYTES + 1)[:MAX_INTENT_BYTES])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError):
        raw = None
    names = raw if isinstance(raw, dict) else {}
    fields = [names.get(key) for key in ("database", "key_file", "aside")]
    if not all(isinstance(name, str) and _plain_name(name) for name in fields):
        # Written by us in one atomic step, so unreadable means tampered with: finishing is
        # impossible, and the vault (old or new) is what is in place.
        path.unlink(missing_ok=True)
        return None
    kind = names.get("kind", "restore")
    if kind not in ("restore", "rekey"):
        path.unlink(missing_ok=True)
        return None
    database, key_file, aside = (paths.home / str(name) for name in fields)
    return RestorePlan(database, key_file, aside, str(kind))


def _plain_name(name: str) -> bool:
    """A file name inside the vault folder, nothing that reaches outside it."""
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name \
        and "\0" not in name
