"""A real, tiny tmpfs in a private mount namespace (`unshare -rm`), for full-disk and read-only
tests without root: the storage disk-full tests and the folder transport's share it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

TMPFS_SIZE = "1m"


def in_namespace(mount_point: Path, command: str) -> list[str]:
    """argv that mounts a 1 MiB tmpfs on `mount_point` in a private namespace, then runs
    `command` (a shell line) there."""
    script = f'mount -t tmpfs -o size={TMPFS_SIZE} tmpfs "$1" && shift && {command}'
    return ["unshare", "-rm", "sh", "-c", script, "sh", str(mount_point)]


def require_private_tmpfs(root: Path) -> None:
    """Skip the calling test when this machine cannot mount a tmpfs in a private namespace."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed")
    probe = root / "probe"
    probe.mkdir()
    checked = subprocess.run(in_namespace(probe, f'stat -f -c %T "{probe}"'),
                             capture_output=True, text=True, timeout=60, check=False)
    if checked.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs in a private namespace: {checked.stderr.strip()}")
    assert checked.stdout.strip() == "tmpfs", checked.stdout
