"""In-memory stand-ins for the protocol tests: a storage that is a dict, and vault databases
that are real SQLCipher databases in memory (fast enough for hypothesis)."""

from __future__ import annotations

import itertools
import os

import sqlcipher3

from storage.database import Database
from sync.schema import CIRCLES
from sync.transport import MAX_OBJECT_BYTES, ObjectTooLarge, check_name


class MemoryTransport:
    """A dumb shared storage: write-once objects in a dict. Tests reach into `objects` to play
    the adversary (drop, replace, roll back)."""

    def __init__(self, objects: dict[str, bytes] | None = None) -> None:
        self.objects: dict[str, bytes] = {} if objects is None else objects
        self._requests = 0

    @property
    def description(self) -> str:
        return "memory"

    @property
    def requests_made(self) -> int:
        return self._requests

    def check(self) -> None:
        self._requests += 1

    def read(self, name: str) -> bytes | None:
        self._requests += 1
        check_name(name)
        data = self.objects.get(name)
        if data is not None and len(data) > MAX_OBJECT_BYTES:
            raise ObjectTooLarge()
        return data

    def write_once(self, name: str, data: bytes) -> bool:
        self._requests += 1
        check_name(name)
        if name in self.objects:
            return False
        self.objects[name] = data
        return True


_counter = itertools.count()


def memory_database() -> Database:
    conn = sqlcipher3.connect(":memory:", isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA key = \"x'{os.urandom(32).hex()}'\"")
    conn.execute("PRAGMA foreign_keys = ON")
    db = Database(conn)
    db.migrate((CIRCLES,))
    return db
