"""The one small interface every circle storage implements.

The protocol never lists storage and never overwrites a file: every object it writes has an
opaque, predictable name (a keyed hash) and is written exactly once. So a transport needs only
"read this name" and "create this name if it does not exist yet". Anything else that appears
on the storage (conflict copies made by sync tools, a user's own files) is never read at all.

Every byte a transport returns is hostile: the caller authenticates it before use.
"""

from __future__ import annotations

import re
from typing import Protocol

from storage.errors import UserError

# Object names are lowercase base32 of a keyed hash plus a fixed suffix; nothing else is ever
# read or written, which also keeps a hostile name out of any path or URL we build.
OBJECT_NAME = re.compile(r"^[a-z2-7]{32}\.cmp$")
# No honest object is larger than this; a bigger file is rejected without reading it all.
MAX_OBJECT_BYTES = 1 << 20


class StorageError(UserError):
    """The circle's storage could not be used; nothing was lost (the outbox keeps its messages)."""

    default_message = "The circle's storage could not be reached."
    default_hint = "Check the connection and try again; nothing was lost."


class StorageAuthFailed(StorageError):
    default_message = "The server did not accept the user name or app password (401)."
    default_hint = "Check the WebDAV user and app password, then sync again."


class StorageForbidden(StorageError):
    default_message = "The server refused access to the circle's folder (403)."
    default_hint = "Check that this account may read and write that folder."


class StorageMissing(StorageError):
    default_message = "The circle's folder does not exist (404)."
    default_hint = "Check the address or folder; if it moved, set the new one."


class StorageConflict(StorageError):
    default_message = "The server reported a conflict (409): the folder's parent is missing."
    default_hint = "Create the parent folder on the server, or check the address."


class StorageFull(StorageError):
    default_message = "The circle's storage is full (507 or no space left)."
    default_hint = "Free some space there; the outbox keeps your messages until then."


class StorageTimeout(StorageError):
    default_message = "The circle's storage did not answer in time."
    default_hint = "Check the connection and sync again; nothing was lost."


class StorageUnreachable(StorageError):
    default_message = "The circle's storage cannot be reached."
    default_hint = "Check the network or the address and sync again; nothing was lost."


class ObjectTooLarge(StorageError):
    default_message = "A file on the circle's storage is larger than any Companion message."
    default_hint = "It was ignored."


class Transport(Protocol):
    """A place to keep write-once objects. Implementations: folder and WebDAV."""

    @property
    def description(self) -> str:
        """Where this is, for people (never contains a password)."""
        ...

    @property
    def requests_made(self) -> int:
        """How many storage operations (reads, writes, checks) this transport has performed."""
        ...

    def check(self) -> None:
        """Make sure the storage is usable (the folder exists and is writable; the server
        answers and accepts the credentials). Creates the circle's folder if its parent exists.
        Raises a `StorageError` saying what is wrong."""
        ...

    def read(self, name: str) -> bytes | None:
        """The object's bytes, or None when it does not exist (yet).

        Raises `ObjectTooLarge` above `MAX_OBJECT_BYTES` and `StorageError` for anything else.
        """
        ...

    def write_once(self, name: str, data: bytes) -> bool:
        """Create `name` holding `data`; never replace an existing object.

        Writes to a temporary name first, then finalizes with a create-only step (a hard link
        or exclusive create on folders; MOVE with `Overwrite: F` on WebDAV), so a reader never
        sees half an object. Returns True if created, False if `name` already existed (its
        content is left untouched). Raises `StorageError` on failure; nothing half-written stays.
        """
        ...


def check_name(name: str) -> str:
    if not OBJECT_NAME.match(name):
        raise ValueError("not a circle object name")
    return name
