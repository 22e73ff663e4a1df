"""A WebDAV circle's address and credentials: checked, normalised and redacted without
loading the HTTP client, so that commands and pages that only show or store an address start
fast (sync/transport_webdav.py holds the transport itself)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sync.transport import StorageAddressInvalid

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
_USERINFO = re.compile(r"//[^/?#]*@")


@dataclass(frozen=True)
class WebDavCredentials:
    """A WebDAV user and app password. The password never shows in repr() or str()."""

    user: str
    password: str = field(repr=False)

    def __repr__(self) -> str:
        return f"WebDavCredentials(user={self.user!r}, password='***')"

    __str__ = __repr__


@dataclass(frozen=True)
class WebDavTimeouts:
    """Seconds to wait: to connect, and for each read or write once connected."""

    connect: float = 10.0
    read: float = 30.0


_LABEL = r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST_NAME = re.compile(rf"{_LABEL}(\.{_LABEL})*\.?")


def _valid_host(host: str) -> bool:
    """A DNS name (international names through IDNA) or an IP address: not something an
    HTTP client would have to escape, which would not read back as the same address."""
    if ":" in host:
        import ipaddress

        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    try:
        name = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return len(name) <= 253 and _HOST_NAME.fullmatch(name) is not None


def normalize_webdav_url(url: str) -> str:
    """The circle folder's URL, checked and with a trailing slash; `StorageAddressInvalid`
    for anything Companion will not send a password to."""
    text = url.strip()
    if not text or any(ord(c) < 0x21 or ord(c) == 0x7F for c in text):
        raise StorageAddressInvalid("A WebDAV address cannot be empty or contain spaces or "
                                    "control characters.",
                                    "Use webdav:https://server/path/ (spaces as %20).")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise StorageAddressInvalid(
            f"The WebDAV address {redact_url(text)} is not a valid URL.") from exc
    host = (parts.hostname or "").lower()
    if host and not _valid_host(host):
        raise StorageAddressInvalid(f"The WebDAV address names no valid server ({host!r}).",
                                    "For example webdav:https://cloud.example.org/dav/circle/.")
    if parts.scheme not in ("https", "http") or not host:
        raise StorageAddressInvalid(
            "A WebDAV address must start with https:// and name a server.",
            "For example webdav:https://cloud.example.org/remote.php/dav/files/me/circle/.",
        )
    if parts.username is not None or parts.password is not None:
        raise StorageAddressInvalid(
            "A WebDAV address must not contain a user name or password.",
            "Give the user and app password separately; Companion keeps them in the vault.",
        )
    if parts.scheme == "http" and host not in LOOPBACK_HOSTS:
        raise StorageAddressInvalid(
            f"The WebDAV address for {host} uses http://, which would send the password "
            "unencrypted.",
            "Use https:// (plain http is accepted only for a server on this computer).",
        )
    if parts.query or parts.fragment or "?" in text or "#" in text:
        raise StorageAddressInvalid("A WebDAV address cannot contain '?' or '#'.")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    import httpx  # only a WebDAV address needs it

    # httpx percent-encodes what needs it, so the Destination header of a MOVE matches the
    # URL the request itself goes to.
    try:
        return str(httpx.URL(f"{parts.scheme}://{netloc}{path}"))
    except httpx.InvalidURL as exc:
        raise StorageAddressInvalid(
            f"The WebDAV address {redact_url(text)} is not a valid URL.") from exc


def redact_url(text: str) -> str:
    """`text` without anything between "//" and "@" (a user name and password), for messages."""
    return _USERINFO.sub("//", text)
