"""Where a circle's storage is: `folder:PATH` or `webdav:URL`, as typed by a person, stored in
the vault as a small dict, and turned into a transport.

The spec holds no secret: WebDAV credentials live in the vault separately and are handed to
`build_transport`. A spec read back from the vault or from an invite is checked again, as if
it were typed: an invite is hostile input until verified.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sync.transport import Deleting, StorageAddressInvalid, Transport
from sync.transport_folder import FolderTransport
from sync.webdav_address import (
    WebDavCredentials,
    WebDavTimeouts,
    normalize_webdav_url,
    redact_url,
)

if TYPE_CHECKING:
    from sync.transport_webdav import WebDavTransport

StorageKind = Literal["folder", "webdav"]
KINDS: tuple[StorageKind, ...] = ("folder", "webdav")
_USAGE = "Use folder:PATH (a synced folder, share or stick) or webdav:https://server/path/."


@dataclass(frozen=True)
class StorageSpec:
    """A checked storage address: `kind` and its normalized `location` (an absolute folder
    path, or a WebDAV URL with a trailing slash)."""

    kind: StorageKind
    location: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.location}"

    @property
    def needs_credentials(self) -> bool:
        return self.kind == "webdav"

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "location": self.location}

    @classmethod
    def from_dict(cls, data: object) -> StorageSpec:
        """Read a spec back (from the vault or an invite), checking it again."""
        if (not isinstance(data, dict) or set(data) != {"kind", "location"}
                or not all(isinstance(v, str) for v in data.values())):
            raise StorageAddressInvalid("The stored storage address is damaged.", _USAGE)
        kind, location = data["kind"], data["location"]
        if kind == "folder" and not os.path.isabs(location):
            raise StorageAddressInvalid("A stored folder must be an absolute path.", _USAGE)
        spec = parse_storage_spec(f"{kind}:{location}")
        if spec.location != location:
            raise StorageAddressInvalid("The stored storage address is not in its usual form.",
                                        _USAGE)
        return spec


def parse_storage_spec(text: str) -> StorageSpec:
    """`folder:PATH` or `webdav:URL` as a `StorageSpec`; `StorageAddressInvalid` says why not.

    A relative or `~` folder path is made absolute against the current folder and home."""
    kind, colon, rest = text.strip().partition(":")
    if not colon or kind not in KINDS:
        if kind in ("http", "https"):
            raise StorageAddressInvalid(
                f"Say which kind of storage this is: webdav:{redact_url(text.strip())}.", _USAGE)
        raise StorageAddressInvalid(
            "A storage address starts with folder: or webdav:.", _USAGE)
    if kind == "folder":
        return StorageSpec("folder", _folder_location(rest))
    return StorageSpec("webdav", normalize_webdav_url(rest))


def _folder_location(raw: str) -> str:
    path = raw.strip()
    if not path:
        raise StorageAddressInvalid("folder: needs the path of a folder.", _USAGE)
    if "\0" in path or any(ord(c) < 0x20 for c in path):
        raise StorageAddressInvalid("A folder path cannot contain control characters.",
                                    _USAGE)
    # abspath also folds "a/../b"; symlinks are kept (a synced folder is often one).
    return os.path.abspath(os.path.expanduser(path))


def build_transport(spec: StorageSpec, credentials: WebDavCredentials | None = None, *,
                    create: bool = False, timeouts: WebDavTimeouts | None = None,
                    ca_file: Path | None = None) -> FolderTransport | WebDavTransport:
    """The transport for `spec`; close it when done (`with build_transport(...) as t:`).

    `credentials` are for WebDAV (None: an open server); `create` lets a folder transport's
    check() make the folder (pass it at circle creation or join, not on every sync; WebDAV
    always creates the last folder of its path when the parent exists). `timeouts` and
    `ca_file` apply to WebDAV only."""
    if spec.kind == "folder":
        return FolderTransport(Path(spec.location), create=create)
    from sync.transport_webdav import WebDavTransport  # the HTTP client, loaded when used

    return WebDavTransport(spec.location, credentials, timeouts=timeouts, ca_file=ca_file)


def _conforms(transport: FolderTransport | WebDavTransport) -> Transport:
    """Never called: mypy checks here that both classes implement the Transport protocol."""
    return transport


def _deletes(transport: FolderTransport | WebDavTransport) -> Deleting:
    """Never called: mypy checks that both can remove objects too."""
    return transport
