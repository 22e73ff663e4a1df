"""A full disk: real ENOSPC from a 1 MiB tmpfs, mounted in a private mount namespace
(`unshare -rm`, util-linux) so that no root is needed and nothing outlives the child.

The work happens in tests/support/disk_full_child.py (see its docstring); each scenario runs
in its own child, all four at once, and prints a JSON summary that the tests below check.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.support.disk_full_child import RESTORE_ENTRIES
from tests.support.storage_helpers import PROJECT_ROOT, child_env
from tests.support.tmpfs import in_namespace, require_private_tmpfs

CHILD = PROJECT_ROOT / "tests" / "support" / "disk_full_child.py"
SCENARIOS = ("fill", "create", "reopen", "restore")

# slow: four child processes in their own mount namespaces, each filling a tmpfs.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def summaries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    root = tmp_path_factory.mktemp("disk-full")
    require_private_tmpfs(root)

    children = {}
    for scenario in SCENARIOS:
        mount_point, outside = root / f"{scenario}-disk", root / f"{scenario}-outside"
        mount_point.mkdir()
        outside.mkdir()
        command = (f'exec "{sys.executable}" "{CHILD}" "{mount_point}" "{outside}" '
                   f'{scenario}')
        children[scenario] = subprocess.Popen(
            in_namespace(mount_point, command), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=child_env(), cwd=PROJECT_ROOT,
        )
    results = {}
    for scenario, child in children.items():
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, f"{scenario}: exit {child.returncode}\n{err}"
        results[scenario] = json.loads(out)
        # The tmpfs went away with the namespace: nothing was written to the real disk there.
        assert list((root / f"{scenario}-disk").iterdir()) == []
    return results


def check_no_surprises(summary: dict[str, Any]) -> None:
    assert summary["unexpected"] is None, summary.get("traceback", summary["unexpected"])


def test_fill_until_disk_full_loses_nothing(summaries: dict[str, dict[str, Any]]) -> None:
    summary = summaries["fill"]
    check_no_surprises(summary)
    assert "never_full" not in summary
    assert summary["committed"] == summary["disk_full_after"] > 0
    assert summary["second_write"] == "DiskFull"  # still full, still a clean refusal
    assert summary["readable_while_full"] == summary["committed"]
    # Reopened with the passphrase in force: every committed entry, unchanged, nothing else.
    assert summary["entries_found"] == summary["committed"]
    assert summary["missing"] == summary["changed"] == summary["extra"] == []
    assert summary["integrity"] == ["ok"]
    assert summary["fts_integrity"] == "ok"


def test_passphrase_change_on_a_full_disk_keeps_a_valid_key_file(
    summaries: dict[str, dict[str, Any]],
) -> None:
    summary = summaries["fill"]
    check_no_surprises(summary)
    assert summary["change_passphrase"] in ("DiskFull", "changed")
    if summary["change_passphrase"] == "DiskFull":
        assert summary["key_file_unchanged"] is True
    assert summary["key_file_valid"] is True
    assert summary["temp_files_left"] == []


def test_backup_of_a_vault_on_a_full_disk_is_whole_or_not_made(
    summaries: dict[str, dict[str, Any]],
) -> None:
    summary = summaries["fill"]
    check_no_surprises(summary)
    assert summary["backup"] in ("DiskFull", "written")
    if summary["backup"] == "DiskFull":
        assert summary["backup_left_behind"] == []
    else:
        assert summary["backup_missing"] == []


def test_creating_a_vault_on_a_full_disk_leaves_no_half_vault(
    summaries: dict[str, dict[str, Any]],
) -> None:
    summary = summaries["create"]
    check_no_surprises(summary)
    outcomes = [run["outcome"] for run in summary["runs"]]
    assert set(outcomes) == {"DiskFull", "created"}, outcomes  # both cases were reached
    assert outcomes[0] == "DiskFull" and outcomes[-1] == "created"
    for run in summary["runs"]:
        if run["outcome"] == "DiskFull":
            assert run["exists_after"] is False, run
            assert run["left_behind"] == [], run
        assert run["integrity"] is True, run  # created then, or later once there was room


def test_unlocking_on_a_full_disk_is_disk_full_never_damaged(
    summaries: dict[str, dict[str, Any]],
) -> None:
    summary = summaries["reopen"]
    check_no_surprises(summary)
    outcomes = [run["outcome"] for run in summary["runs"]]
    assert outcomes[0] == "DiskFull" and outcomes[-1] == "opened", outcomes
    for run in summary["runs"]:
        assert run["outcome"] in ("DiskFull", "opened"), run
        assert run["vault_unchanged"] is True, run
        assert run["wal_bytes"] == 0, run
        if run["outcome"] == "opened":
            assert run["entries_match"] is True, run
    assert summary["entries_match_at_end"] is True
    assert summary["integrity"] is True


def test_restoring_onto_a_full_disk_keeps_the_vault_there(
    summaries: dict[str, dict[str, Any]],
) -> None:
    summary = summaries["restore"]
    check_no_surprises(summary)
    runs = summary["runs"]
    assert runs[0]["outcome"] == "DiskFull"
    assert runs[-1]["outcome"] == "restored", runs
    for run in runs[:-1]:
        assert run["outcome"] == "DiskFull", run
        assert run["home_unchanged"] is True, run
        assert run["hidden_left"] == [], run
    assert summary["restored_entries"] == RESTORE_ENTRIES
    assert summary["restored_integrity"] is True
    assert summary["kept_folders"] == 1
    assert summary["kept_entries"] == 3
