"""Atomic writes: the whole new file or the whole old one, private, and no temp files left."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.atomic import atomic_write_bytes, atomic_write_chunks, fsync_dir
from tests.support.storage_helpers import mode


class Boom(Exception):
    pass


def failing_chunks(after: int) -> Iterator[bytes]:
    for _ in range(after):
        yield b"new data " * 1000
    raise Boom("the source failed half way")


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    """A folder of its own, written with umask 0: private modes must come from the code."""
    path = tmp_path / "out"
    path.mkdir()
    previous = os.umask(0)
    yield path
    os.umask(previous)


def test_write_new_file(folder: Path) -> None:
    target = folder / "file.bin"
    atomic_write_bytes(target, b"hello")
    assert target.read_bytes() == b"hello"
    assert mode(target) == 0o600
    assert os.listdir(folder) == ["file.bin"]


def test_replace_old_content_and_tighten_its_mode(folder: Path) -> None:
    target = folder / "file.bin"
    target.write_bytes(b"old content that is longer than the new")
    os.chmod(target, 0o644)
    atomic_write_chunks(target, [b"new ", b"", b"content"])
    assert target.read_bytes() == b"new content"
    assert mode(target) == 0o600
    assert os.listdir(folder) == ["file.bin"]


def test_large_write(folder: Path) -> None:
    target = folder / "big.bin"
    chunks = [os.urandom(1 << 20) for _ in range(5)]
    atomic_write_chunks(target, iter(chunks))
    assert target.read_bytes() == b"".join(chunks)


@pytest.mark.parametrize("after", [0, 1, 3])
def test_failure_mid_write_keeps_the_old_file(folder: Path, after: int) -> None:
    target = folder / "file.bin"
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    with pytest.raises(Boom):
        atomic_write_chunks(target, failing_chunks(after))
    assert target.read_bytes() == b"old"
    assert os.listdir(folder) == ["file.bin"]


def test_failure_mid_write_of_a_new_file_leaves_nothing(folder: Path) -> None:
    with pytest.raises(Boom):
        atomic_write_chunks(folder / "file.bin", failing_chunks(2))
    assert os.listdir(folder) == []


def test_an_interrupt_mid_write_leaves_nothing_either(folder: Path) -> None:
    def interrupted() -> Iterator[bytes]:
        yield b"partial"
        raise KeyboardInterrupt

    target = folder / "file.bin"
    target.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt):
        atomic_write_chunks(target, interrupted())
    assert target.read_bytes() == b"old"
    assert os.listdir(folder) == ["file.bin"]


def test_a_failed_rename_leaves_no_temp_file(folder: Path) -> None:
    target = folder / "taken"
    target.mkdir()  # a folder where the file should go: os.replace fails
    (target / "inside").write_bytes(b"x")
    with pytest.raises(OSError):
        atomic_write_bytes(target, b"data")
    assert os.listdir(folder) == ["taken"]
    assert (target / "inside").read_bytes() == b"x"


def test_missing_folder_is_an_error_not_a_half_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        atomic_write_bytes(tmp_path / "nowhere" / "file.bin", b"data")
    assert not (tmp_path / "nowhere").exists()


def test_fsync_dir(folder: Path) -> None:
    fsync_dir(folder)  # must not raise on a real folder


@settings(max_examples=50, deadline=None)
@given(old=st.binary(max_size=3000), chunks=st.lists(st.binary(max_size=3000), max_size=8))
def test_content_is_exactly_the_chunks(tmp_path_factory: pytest.TempPathFactory, old: bytes,
                                       chunks: list[bytes]) -> None:
    folder = tmp_path_factory.mktemp("atomic")
    target = folder / "file.bin"
    target.write_bytes(old)
    atomic_write_chunks(target, chunks)
    assert target.read_bytes() == b"".join(chunks)
    assert os.listdir(folder) == ["file.bin"]
