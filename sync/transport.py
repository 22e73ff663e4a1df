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
# read or written, which also keeps a hostile name out of any path or URL we build. `\Z`, not
# `$`: `$` also matches before a trailing newline.
OBJECT_NAME = re.compile(r"^[a-z2-7]{32}\.cmp\Z")
# No honest object is larger than this; a bigger file is rejected without reading it all.
MAX_OBJECT_BYTES = 1 << 20


class StorageError(UserError):
    """The circle's storage could not be used; nothing was lost (the outbox keeps its messages).

    `check` is what to look at, alone: creating or joining a circle, which saves nothing when
    the storage fails, says "try again. Nothing was saved." after it instead of the hint's
    "sync again"."""

    default_message = "The shared storage could not be reached."
    check = "Check the connection"
    default_hint = "Check the connection and try again; nothing was lost."


class StorageAuthFailed(StorageError):
    default_message = "The server did not accept the user name or app password (401)."
    check = "Check the WebDAV user and app password"
    default_hint = "Check the WebDAV user and app password, then sync again."


class StorageForbidden(StorageError):
    default_message = "The server refused access to the shared folder (403)."
    check = "Check that this account may read and write that folder"
    default_hint = "Check that this account may read and write that folder."


class StorageMissing(StorageError):
    default_message = "The shared folder does not exist (404)."
    check = "Check the address or folder"
    default_hint = "Check the address or folder; if it moved, set the new one."


class StorageConflict(StorageError):
    default_message = "The server reported a conflict (409): the folder's parent is missing."
    check = "Create the parent folder on the server, or check the address"
    default_hint = "Create the parent folder on the server, or check the address."


class StorageFull(StorageError):
    default_message = "The shared storage is full (507 or no space left)."
    check = "Free some space there"
    default_hint = "Free some space there; the outbox keeps your messages until then."


class StorageTimeout(StorageError):
    default_message = "The shared storage did not answer in time."
    check = "Check the connection"
    default_hint = "Check the connection and sync again; nothing was lost."


class StorageUnreachable(StorageError):
    default_message = "The shared storage cannot be reached."
    check = "Check the network or the address"
    default_hint = "Check the network or the address and sync again; nothing was lost."


class StorageTlsFailed(StorageError):
    default_message = "The server's certificate could not be verified, so nothing was sent."
    check = ("Check the address; a server with its own certificate authority needs t"
             "hat authority trusted on this device")
    default_hint = ("Check the address; a server with its own certificate authority needs that "
                    "authority trusted on this device.")


class StorageAddressInvalid(UserError):
    """A storage address (`folder:PATH` or `webdav:URL`) that Companion will not use."""

    default_message = "That is not a storage address Companion can use."
    default_hint = "Use folder:PATH or webdav:https://server/path/."


class ObjectRejected(StorageError):
    """One file on the storage was refused unread; the others are still usable.

    The sync engine counts these with their reason and goes on with the next name."""

    default_message = "A file on the shared storage was refused."
    default_hint = "It was ignored."


class ObjectTooLarge(ObjectRejected):
    default_message = "A file on the shared storage is larger than any Companion message."
    default_hint = "It was ignored."


class ObjectNotAFile(ObjectRejected):
    default_message = ("A file on the shared storage is a link, a folder or a device, "
                       "not a plain file.")
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
        answers and accepts the credentials). Creates the circle's folder if its parent exists
        (on folders only when the transport was built with `create=True`: a missing folder
        under an existing parent is more often an unmounted stick or share than a new circle).
        Raises a `StorageError` saying what is wrong.

        Folders: a real write probe (a hidden file made and removed). WebDAV: one PROPFIND
        (plus MKCOL when creating); a missing write permission shows on the first write.
        Call it once per sync round: on WebDAV a vanished folder otherwise looks like "no new
        objects", since every GET in it is a 404."""
        ...

    def read(self, name: str) -> bytes | None:
        """The object's bytes, or None when it does not exist (yet).

        Raises `ValueError` for a name that does not match `OBJECT_NAME` (a bug in the
        caller), an `ObjectRejected` (`ObjectTooLarge` above `MAX_OBJECT_BYTES`,
        `ObjectNotAFile` for links and the like) for this one object, and `StorageError` for
        anything that affects the whole storage.
        """
        ...

    def write_once(self, name: str, data: bytes) -> bool:
        """Create `name` holding `data`; never replace an existing object.

        Writes to a temporary name first, then finalizes with a create-only step (a hard link
        or exclusive create on folders; MOVE with `Overwrite: F` on WebDAV), so a reader never
        sees half an object. Returns True if created, False if `name` already existed (its
        content is left untouched). Raises `StorageError` on failure; nothing half-written stays.
        A False after a failed attempt (a timeout) can mean that attempt landed after all.
        Raises `ValueError` for a bad name or more than `MAX_OBJECT_BYTES` (bugs in the caller).
        """
        ...


class Deleting(Protocol):
    """A transport that can also remove an object (a group of devices prunes the messages
    every device has read: sync/compaction.py). Both transports implement it."""

    def delete(self, name: str) -> None:
        """Remove `name`; nothing happens if it is not there. Raises `StorageError` on
        failure and `ValueError` for a bad name."""
        ...


def check_name(name: str) -> str:
    """`name` if it is an object name; ValueError otherwise (a bug or a hostile caller)."""
    if not isinstance(name, str) or not OBJECT_NAME.fullmatch(name):
        raise ValueError("not a circle object name")
    return name
