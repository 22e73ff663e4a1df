"""Small helpers shared by the storage tests: byte snapshots of folders, bit flips, and the
child process that holds a vault open."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from storage.vault import Vault

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "correct horse battery staple"
OTHER_PASSPHRASE = "purple walrus juggles midnight kettles"
HOLDER = Path(__file__).with_name("storage_holder_child.py")
# What the template vault (tests/storage/conftest.py) holds in its `notes` table.
NOTES = ("first note", "second note", "a third, longer note about the weather")


def snapshot(folder: Path, *, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file under `folder` (relative name → bytes), for "nothing changed" checks."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name not in skip
    }


def listing(folder: Path) -> list[str]:
    """Every name under `folder`, folders included."""
    if not folder.exists():
        return []
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def flip_bit(data: bytes, bit: int) -> bytes:
    flipped = bytearray(data)
    flipped[bit // 8] ^= 1 << (bit % 8)
    return bytes(flipped)


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def notes(vault: Vault) -> list[str]:
    return [row[0] for row in vault.database.query("SELECT body FROM notes ORDER BY id")]


def child_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(PROJECT_ROOT),
            "COMPANION_KDF_TARGET_SECONDS": "0", **extra}


class Holder:
    """A real child process that unlocks the vault in `home` and keeps it open until told to
    stop or killed (see storage_holder_child.py)."""

    def __init__(self, home: Path, passphrase: str = PASSPHRASE, *, mode: str = "idle") -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(HOLDER), str(home), mode],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=child_env(), cwd=PROJECT_ROOT,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(passphrase + "\n")
        self.process.stdin.flush()
        self.ready_line = self.process.stdout.readline().strip()
        if self.ready_line != "ready":
            self.process.kill()
            _, err = self.process.communicate(timeout=30)
            raise AssertionError(f"holder did not start: {self.ready_line!r}\n{err}")

    def kill(self) -> int:
        """SIGKILL the holder (no chance to clean up); return its exit status."""
        self.process.kill()
        self.process.communicate(timeout=30)  # reaps it and closes the pipes
        return self.process.returncode

    def stop(self) -> int:
        _, err = self.process.communicate("", timeout=30)
        assert self.process.returncode == 0, err
        return self.process.returncode
