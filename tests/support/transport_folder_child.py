"""Drive a FolderTransport on a real full or read-only file system and report what happened.

Usage::

    python transport_folder_child.py DIR SCENARIO

DIR is a 1 MiB tmpfs mounted for this run only (tests/sync/test_transport_folder.py runs this
under `unshare -rm`, as tests/storage/test_disk_full.py does). It prints one JSON object on
stdout; any exception other than the expected `StorageError`s is recorded in "unexpected".

Scenarios:

full
    Fill the disk with a filler file, then check(), write_once() of a big and of a small
    object; free some room and write again: each step either works or says `StorageFull`, and
    no temporary file or half object stays behind.
readonly
    Write one object, remount the tmpfs read-only, then check(), write_once() and read().
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any

from sync.transport import StorageError
from sync.transport_folder import FolderTransport

BIG = 256 * 1024
SMALL = 4096
NAMES = [f"{letter * 32}.cmp" for letter in "abcdefgh"]


def outcome(call: Any) -> dict[str, Any]:
    try:
        result = call()
    except StorageError as exc:
        return {"error": type(exc).__name__, "message": str(exc)}
    if isinstance(result, bytes):
        return {"result": "bytes", "length": len(result)}
    return {"result": result}


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def fill(folder: Path, leave: int) -> Path:
    """A filler file that leaves at most `leave` bytes free."""
    filler = folder / f"filler-{leave}"
    with open(filler, "wb") as handle:
        while True:
            stat = os.statvfs(folder)
            room = stat.f_bavail * stat.f_frsize - leave
            if room <= 0:
                break
            try:
                handle.write(b"\0" * min(room, 65536))
                handle.flush()
            except OSError:
                break
    return filler


def scenario_full(disk: Path, summary: dict[str, Any]) -> None:
    folder = disk / "circle"
    folder.mkdir()
    for hard_links in (None, False):
        key = "link" if hard_links is None else "exclusive"
        transport = FolderTransport(folder, hard_links=hard_links)
        filler = fill(disk, 0)
        runs: dict[str, Any] = {
            "check": outcome(transport.check),
            "big": outcome(lambda t=transport: t.write_once(NAMES[0], b"\1" * BIG)),
            "small": outcome(lambda t=transport: t.write_once(NAMES[1], b"\2" * SMALL)),
            "listing_full": listing(folder),
        }
        filler.unlink()
        filler = fill(disk, BIG // 2)  # room for the small object, not for the big one
        runs["big_half"] = outcome(lambda t=transport: t.write_once(NAMES[2], b"\3" * BIG))
        runs["small_half"] = outcome(lambda t=transport: t.write_once(NAMES[3], b"\4" * SMALL))
        runs["small_half_read"] = outcome(lambda t=transport: t.read(NAMES[3]))
        runs["listing_half"] = listing(folder)
        filler.unlink()
        runs["big_room"] = outcome(lambda t=transport: t.write_once(NAMES[4], b"\5" * BIG))
        runs["check_room"] = outcome(transport.check)
        runs["listing_room"] = listing(folder)
        summary[key] = runs
        for path in folder.iterdir():
            path.unlink()


def scenario_readonly(disk: Path, summary: dict[str, Any]) -> None:
    folder = disk / "circle"
    folder.mkdir()
    transport = FolderTransport(folder)
    summary["before"] = outcome(lambda: transport.write_once(NAMES[0], b"kept"))
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    summary["check"] = outcome(transport.check)
    summary["write"] = outcome(lambda: transport.write_once(NAMES[1], b"refused"))
    summary["write_fallback"] = outcome(
        lambda: FolderTransport(folder, hard_links=False).write_once(NAMES[1], b"refused"))
    summary["read"] = outcome(lambda: transport.read(NAMES[0]))
    summary["read_missing"] = outcome(lambda: transport.read(NAMES[1]))
    summary["listing"] = listing(folder)


def main(argv: list[str]) -> int:
    disk, scenario = Path(argv[1]), argv[2]
    summary: dict[str, Any] = {"scenario": scenario, "unexpected": None, "folder": str(disk)}
    try:
        if scenario == "full":
            scenario_full(disk, summary)
        elif scenario == "readonly":
            scenario_readonly(disk, summary)
        else:
            summary["unexpected"] = f"unknown scenario {scenario!r}"
    except Exception as exc:  # recorded for the test to report
        summary["unexpected"] = f"{type(exc).__name__}: {exc}"
        summary["traceback"] = traceback.format_exc()
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
