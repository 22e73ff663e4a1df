"""A full disk while attaching: real ENOSPC from a 1 MiB tmpfs in a private mount namespace
(tests/support/tmpfs.py, as the storage disk-full tests). The work happens in
tests/support/attach_disk_full_child.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.storage_helpers import PROJECT_ROOT, child_env
from tests.support.tmpfs import in_namespace, require_private_tmpfs

CHILD = PROJECT_ROOT / "tests" / "support" / "attach_disk_full_child.py"

pytestmark = pytest.mark.slow  # a child process in its own mount namespace


def test_a_file_that_does_not_fit_leaves_nothing_half_written(tmp_path: Path) -> None:
    require_private_tmpfs(tmp_path)
    disk, outside = tmp_path / "disk", tmp_path / "outside"
    disk.mkdir()
    outside.mkdir()
    child = subprocess.run(
        in_namespace(disk, f'exec "{sys.executable}" "{CHILD}" "{disk}" "{outside}"'),
        capture_output=True, text=True, env=child_env(), cwd=PROJECT_ROOT, timeout=300,
        check=False)
    assert child.returncode == 0, child.stderr
    summary = json.loads(child.stdout)
    assert summary["unexpected"] is None, summary.get("traceback")
    assert summary["large"] == "DiskFull"
    assert "disk" in summary["message"].lower()
    # The small file attached before is whole, the two refused ones left no row and no part,
    # both on the full disk and after reopening.
    for stage in ("while_full", "reopened"):
        seen = summary[stage]
        assert seen["attachments"] == [[1, "small.bin", 20_000]], stage
        assert seen["bytes"] == [summary["small_sha256"]], stage
        assert seen["parts"] == 1 and seen["orphans"] == 0, stage
        assert seen["integrity"] == ["ok"], stage
    assert list(disk.iterdir()) == []  # the tmpfs went away with the namespace
