"""The folder transport on real files: create-only writes (hard link and the exclusive-create
fallback), concurrent writers, hostile names and files, and honest errors, including a real
full disk and a real read-only file system (tmpfs in a private mount namespace)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.transport import (
    MAX_OBJECT_BYTES,
    OBJECT_NAME,
    ObjectNotAFile,
    ObjectTooLarge,
    StorageMissing,
    Transport,
)
from sync.transport_folder import FolderTransport
from tests.support.storage_helpers import PROJECT_ROOT, child_env, mode
from tests.support.tmpfs import in_namespace, require_private_tmpfs

NAME = "a" * 32 + ".cmp"
OTHER = "b" * 32 + ".cmp"
CHILD = PROJECT_ROOT / "tests" / "support" / "transport_folder_child.py"
HOSTILE_NAMES = [
    "", "../" + NAME, "/etc/passwd", "sub/" + NAME, NAME.upper(), NAME + ".tmp", "." + NAME,
    "a" * 31 + ".cmp", "a" * 33 + ".cmp", "a" * 32 + ".cmp\n", "a" * 32 + ".cmp\x00",
    "a" * 31 + "1.cmp", "a" * 32 + " (conflicted copy).cmp", "a" * 32 + ".sync-conflict.cmp",
]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "circle"
    path.mkdir()
    return path


@pytest.fixture(params=["link", "exclusive"])
def transport(request: pytest.FixtureRequest, folder: Path) -> FolderTransport:
    """Both finalize strategies: a hard link, and the exclusive create used where file
    systems have no hard links."""
    return FolderTransport(folder, hard_links=None if request.param == "link" else False)


def names_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_write_then_read_returns_the_bytes(transport: FolderTransport, folder: Path) -> None:
    assert transport.read(NAME) is None
    assert transport.write_once(NAME, b"sealed bytes") is True
    assert transport.read(NAME) == b"sealed bytes"
    assert names_in(folder) == [NAME]  # no temporary file left
    assert mode(folder / NAME) == 0o600
    assert transport.write_once(OTHER, b"") is True
    assert transport.read(OTHER) == b""


def test_second_write_of_a_name_is_refused_and_keeps_the_first(
    transport: FolderTransport, folder: Path,
) -> None:
    assert transport.write_once(NAME, b"first") is True
    assert transport.write_once(NAME, b"second, longer") is False
    assert transport.read(NAME) == b"first"
    assert names_in(folder) == [NAME]


def race(make_transport: Callable[[], Transport], name: str,
         writers: int = 8) -> dict[int, bool]:
    """`writers` threads, each with its own transport (as separate devices would have),
    write `name` at the same moment, each its own content; {writer: won}."""
    barrier = threading.Barrier(writers)
    results: dict[int, bool] = {}

    def write(index: int) -> None:
        mine = make_transport()
        try:
            barrier.wait()
            results[index] = mine.write_once(name, f"writer {index}".encode() * 100)
        finally:
            close = getattr(mine, "close", None)
            if close is not None:
                close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == writers, results  # every writer finished without an exception
    return results


def test_concurrent_writers_of_one_name_exactly_one_wins(
    transport: FolderTransport, folder: Path,
) -> None:
    names = [letter * 32 + ".cmp" for letter in "abcde"]
    for name in names:
        results = race(lambda: FolderTransport(folder, hard_links=transport._hard_links), name)
        winners = [i for i, won in results.items() if won]
        assert len(winners) == 1, results
        assert transport.read(name) == f"writer {winners[0]}".encode() * 100
    assert names_in(folder) == names  # the five objects, no temporary file


def test_without_hard_links_the_exclusive_create_takes_over(
    folder: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """os.link is made to fail as it does on FAT (EPERM): a FAT or SMB file system cannot be
    mounted here without real root, so this one failure is simulated. The fallback itself
    runs for real (see the `exclusive` variant of every other test)."""

    def no_links(src: object, dst: object, **kwargs: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    transport = FolderTransport(folder)
    assert transport.write_once(NAME, b"first") is True
    assert transport._hard_links is False  # found out once, not retried on every write
    assert transport.write_once(NAME, b"second") is False
    assert transport.write_once(OTHER, b"other") is True
    assert transport.read(NAME) == b"first"
    assert names_in(folder) == [NAME, OTHER]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_are_refused_before_touching_the_disk(
    transport: FolderTransport, folder: Path, name: str,
) -> None:
    with pytest.raises(ValueError):
        transport.read(name)
    with pytest.raises(ValueError):
        transport.write_once(name, b"x")
    assert names_in(folder) == []
    assert transport.requests_made == 0


@given(st.text(max_size=60))
def test_only_object_names_are_ever_used(name: str) -> None:
    transport = FolderTransport(Path("/nonexistent-circle-folder"))
    if OBJECT_NAME.match(name):
        with pytest.raises(StorageMissing):
            transport.read(name)
    else:
        with pytest.raises(ValueError):
            transport.read(name)


def test_objects_over_the_limit_are_refused(transport: FolderTransport, folder: Path) -> None:
    (folder / NAME).write_bytes(b"\1" * MAX_OBJECT_BYTES)
    assert transport.read(NAME) == b"\1" * MAX_OBJECT_BYTES
    (folder / OTHER).write_bytes(b"\1" * (MAX_OBJECT_BYTES + 1))
    with pytest.raises(ObjectTooLarge):
        transport.read(OTHER)
    # A huge sparse file is refused from its size, without reading it.
    huge = "c" * 32 + ".cmp"
    with open(folder / huge, "wb") as handle:
        handle.truncate(1 << 40)
    with pytest.raises(ObjectTooLarge):
        transport.read(huge)
    with pytest.raises(ValueError):
        transport.write_once("d" * 32 + ".cmp", b"\0" * (MAX_OBJECT_BYTES + 1))
    assert not (folder / ("d" * 32 + ".cmp")).exists()


def test_links_folders_and_fifos_are_refused(
    transport: FolderTransport, folder: Path, tmp_path: Path,
) -> None:
    secret = tmp_path / "outside.txt"
    secret.write_bytes(b"not for the circle")
    (folder / NAME).symlink_to(secret)
    dangling = "c" * 32 + ".cmp"
    (folder / dangling).symlink_to(tmp_path / "nowhere")
    directory = "d" * 32 + ".cmp"
    (folder / directory).mkdir()
    fifo = "e" * 32 + ".cmp"
    os.mkfifo(folder / fifo)
    for name in (NAME, dangling, directory, fifo):
        with pytest.raises(ObjectNotAFile) as caught:
            transport.read(name)
        assert "not for the circle" not in str(caught.value)


def test_a_planted_link_never_redirects_a_write(
    transport: FolderTransport, folder: Path, tmp_path: Path,
) -> None:
    target = tmp_path / "target-outside"
    (folder / NAME).symlink_to(target)
    assert transport.write_once(NAME, b"payload") is False
    assert not target.exists()
    assert (folder / NAME).is_symlink()


def test_check_reports_a_missing_folder_by_name(tmp_path: Path) -> None:
    missing = tmp_path / "stick" / "circle"
    with pytest.raises(StorageMissing) as caught:
        FolderTransport(missing, create=True).check()
    assert str(missing) in str(caught.value)
    (tmp_path / "stick").mkdir()
    # An existing parent is not enough without create=True: it may be an empty mount point.
    with pytest.raises(StorageMissing) as caught:
        FolderTransport(missing).check()
    assert str(missing) in str(caught.value)
    assert not missing.exists()
    FolderTransport(missing, create=True).check()
    assert missing.is_dir() and mode(missing) == 0o700
    assert names_in(missing) == []  # the write probe cleaned up after itself


def test_check_refuses_a_file_in_place_of_the_folder(tmp_path: Path) -> None:
    path = tmp_path / "circle"
    path.write_text("a file")
    with pytest.raises(StorageMissing) as caught:
        FolderTransport(path, create=True).check()
    assert str(path) in str(caught.value)


def test_reading_from_a_vanished_folder_is_an_error_not_an_empty_storage(
    folder: Path,
) -> None:
    transport = FolderTransport(folder)
    transport.check()
    shutil.rmtree(folder)
    with pytest.raises(StorageMissing) as caught:
        transport.read(NAME)
    assert str(folder) in str(caught.value)
    with pytest.raises(StorageMissing):
        transport.write_once(NAME, b"x")


def test_requests_made_counts_every_operation(folder: Path) -> None:
    transport = FolderTransport(folder)
    transport.check()
    transport.read(NAME)
    transport.write_once(NAME, b"x")
    transport.write_once(NAME, b"x")
    transport.read(NAME)
    assert transport.requests_made == 5
    assert transport.description == f"folder {folder}"


# -- a real full disk and a real read-only file system ------------------------------------------


@pytest.fixture(scope="module")
def tmpfs_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    root = tmp_path_factory.mktemp("folder-transport")
    require_private_tmpfs(root)
    children = {}
    for scenario in ("full", "readonly"):
        mount_point = root / scenario
        mount_point.mkdir()
        command = f'exec "{sys.executable}" "{CHILD}" "{mount_point}" {scenario}'
        children[scenario] = subprocess.Popen(
            in_namespace(mount_point, command), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=child_env(), cwd=PROJECT_ROOT,
        )
    results = {}
    for scenario, child in children.items():
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, f"{scenario}: exit {child.returncode}\n{err}"
        results[scenario] = json.loads(out)
        assert results[scenario]["unexpected"] is None, results[scenario].get("traceback")
        assert list((root / scenario).iterdir()) == []  # it all stayed on the tmpfs
    (root / "probe").rmdir()
    return results


@pytest.mark.parametrize("strategy", ["link", "exclusive"])
def test_a_full_disk_is_reported_and_leaves_nothing_behind(
    tmpfs_runs: dict[str, dict[str, Any]], strategy: str,
) -> None:
    run = tmpfs_runs["full"][strategy]
    folder = tmpfs_runs["full"]["folder"] + "/circle"
    for step in ("check", "big", "small", "big_half"):
        assert run[step]["error"] == "StorageFull", (step, run[step])
        assert folder in run[step]["message"], run[step]
    assert run["listing_full"] == []
    assert run["small_half"] == {"result": True}
    assert run["small_half_read"] == {"result": "bytes", "length": 4096}
    assert run["listing_half"] == ["d" * 32 + ".cmp"]  # the small one; no half, no temp
    assert run["big_room"] == {"result": True}
    assert run["check_room"] == {"result": None}
    assert run["listing_room"] == ["d" * 32 + ".cmp", "e" * 32 + ".cmp"]


def test_a_read_only_folder_is_forbidden_but_still_readable(
    tmpfs_runs: dict[str, dict[str, Any]],
) -> None:
    run = tmpfs_runs["readonly"]
    folder = run["folder"] + "/circle"
    assert run["before"] == {"result": True}
    for step in ("check", "write", "write_fallback"):
        assert run[step]["error"] == "StorageForbidden", (step, run[step])
        assert folder in run[step]["message"]
    assert run["read"] == {"result": "bytes", "length": 4}
    assert run["read_missing"] == {"result": None}
    assert run["listing"] == ["a" * 32 + ".cmp"]


def test_delete_removes_one_object_and_a_missing_one_is_no_error(
        transport: FolderTransport, folder: Path) -> None:
    transport.write_once(NAME, b"a")
    transport.write_once(OTHER, b"b")
    transport.delete(NAME)
    transport.delete(NAME)  # already gone: nothing to do
    assert names_in(folder) == [OTHER] and transport.read(NAME) is None
    with pytest.raises(ValueError):
        transport.delete("../outside")
