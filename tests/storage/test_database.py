"""The SQLCipher connection: keyed, hardened, transactional, and honest about damage."""

from __future__ import annotations

import errno
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlcipher3

from storage.database import Database, is_disk_full, open_keyed
from storage.errors import VaultDamaged
from tests.support.storage_helpers import mode

KEY = bytes(range(32))


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(open_keyed(tmp_path / "test.db", KEY))
    database.migrate(())
    with database.transaction() as cur:
        cur.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    yield database
    database.close()


def test_hardening_pragmas(db: Database) -> None:
    assert db.query_one("PRAGMA journal_mode") == ("wal",)
    assert db.query_one("PRAGMA synchronous") == (2,)  # FULL
    assert db.query_one("PRAGMA secure_delete") == (1,)
    assert db.query_one("PRAGMA foreign_keys") == (1,)
    assert db.query_one("PRAGMA temp_store") == (2,)  # MEMORY
    assert db.query_one("PRAGMA cipher_version")[0].startswith("4.")


def test_new_database_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "test.db"
    database = Database(open_keyed(path, KEY))
    with database.transaction() as cur:
        cur.execute("CREATE TABLE t (v)")
    try:
        for name in ("test.db", "test.db-wal", "test.db-shm"):
            assert mode(tmp_path / name) == 0o600, name
    finally:
        database.close()


def test_key_must_be_32_bytes(tmp_path: Path) -> None:
    for key in (b"", bytes(31), bytes(33)):
        with pytest.raises(ValueError):
            open_keyed(tmp_path / "test.db", key)
    assert not (tmp_path / "test.db").exists()


def test_wrong_key_is_vault_damaged_and_changes_nothing(db: Database, tmp_path: Path) -> None:
    db.close()
    path = tmp_path / "test.db"
    before = path.read_bytes()
    with pytest.raises(VaultDamaged):
        open_keyed(path, secrets.token_bytes(32))
    assert path.read_bytes() == before
    reopened = Database(open_keyed(path, KEY))
    assert reopened.integrity_ok()
    reopened.close()


def test_an_empty_existing_file_is_damage_not_a_new_vault(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    path = folder / "test.db"
    path.write_bytes(b"")
    with pytest.raises(VaultDamaged):
        open_keyed(path, KEY)
    assert path.read_bytes() == b""
    assert sorted(p.name for p in folder.iterdir()) == ["test.db"]


def test_transaction_commits(db: Database) -> None:
    with db.transaction() as cur:
        cur.execute("INSERT INTO t (v) VALUES ('kept')")
    assert db.query("SELECT v FROM t") == [("kept",)]
    assert not db.conn.in_transaction


def test_transaction_rolls_back_on_any_error(db: Database) -> None:
    class Stop(Exception):
        pass

    with pytest.raises(Stop), db.transaction() as cur:
        cur.execute("INSERT INTO t (v) VALUES ('dropped')")
        raise Stop
    with pytest.raises(sqlcipher3.IntegrityError), db.transaction() as cur:
        cur.execute("INSERT INTO t (id, v) VALUES (1, 'a')")
        cur.execute("INSERT INTO t (id, v) VALUES (1, 'b')")
    assert db.query("SELECT v FROM t") == []
    assert not db.conn.in_transaction
    with db.transaction() as cur:  # usable afterwards
        cur.execute("INSERT INTO t (v) VALUES ('after')")
    assert db.query("SELECT v FROM t") == [("after",)]


def test_writes_from_several_threads_are_serialised(db: Database) -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(25):
                with db.transaction() as cur:
                    cur.execute("INSERT INTO t (v) VALUES (?)", (f"{n}-{i}",))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert db.query_one("SELECT count(*) FROM t") == (100,)


def test_checkpoint_empties_the_wal(db: Database, tmp_path: Path) -> None:
    with db.transaction() as cur:
        cur.execute("INSERT INTO t (v) VALUES (?)", ("x" * 10_000,))
    wal = tmp_path / "test.db-wal"
    assert wal.stat().st_size > 0
    db.checkpoint()
    assert wal.stat().st_size == 0
    assert db.integrity_ok()


def test_integrity_ok_is_false_for_a_damaged_page(db: Database, tmp_path: Path) -> None:
    with db.transaction() as cur:
        for _ in range(50):
            cur.execute("INSERT INTO t (v) VALUES (?)", ("y" * 1000,))
    db.close()
    path = tmp_path / "test.db"
    data = bytearray(path.read_bytes())
    data[-200] ^= 0x10
    path.write_bytes(bytes(data))
    # Each on a fresh connection: once SQLCipher has seen a page fail, it refuses writes.
    damaged = Database(open_keyed(path, KEY))
    try:
        assert damaged.integrity_ok() is False
    finally:
        damaged.close()
    damaged = Database(open_keyed(path, KEY))
    try:
        with pytest.raises(VaultDamaged):
            damaged.query("SELECT v FROM t")
    finally:
        damaged.close()
    damaged = Database(open_keyed(path, KEY))
    try:
        with pytest.raises(VaultDamaged), damaged.transaction() as cur:
            cur.execute("UPDATE t SET v = 'z'")
        assert not damaged.conn.in_transaction
    finally:
        damaged.close()


def test_is_disk_full() -> None:
    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert is_disk_full(OSError(errno.EDQUOT, "Disk quota exceeded"))
    assert is_disk_full(sqlcipher3.OperationalError("database or disk is full"))
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))
    assert not is_disk_full(sqlcipher3.OperationalError("disk I/O error"))
    assert not is_disk_full(ValueError("disk"))
