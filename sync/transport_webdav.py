"""A circle kept in a WebDAV folder (Nextcloud, ownCloud, any RFC 4918 server), over httpx.

read = GET. write_once = PUT to a hidden temporary name in the same collection, then MOVE to
the final name with `Overwrite: F`: the server answers 412 if the name exists, so the MOVE is
the create-only step, and a reader never sees half an object. The guarantee is as strong as
the server's MOVE (Nextcloud locks; a server that checks and then renames can let two racing
writers both "win"). check() = PROPFIND with depth 0, and MKCOL when only the last folder of
the path is missing.

TLS is always verified (the system's trust store plus certifi's); plain http is allowed only
to this machine (127.0.0.1, ::1, localhost). The environment is not trusted either: no proxy
variables, no .netrc (it could add credentials or send the traffic elsewhere). The password
never appears in `description`, in an error, or in a log line; URLs never carry credentials.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import ssl
import threading
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import certifi
import httpx

from sync.transport import (
    MAX_OBJECT_BYTES,
    ObjectTooLarge,
    StorageAuthFailed,
    StorageConflict,
    StorageError,
    StorageForbidden,
    StorageFull,
    StorageMissing,
    StorageTimeout,
    StorageTlsFailed,
    StorageUnreachable,
    check_name,
)
from sync.transport_folder import temp_name
from sync.webdav_address import (  # re-exported: callers build transports with these
    LOOPBACK_HOSTS,
    WebDavCredentials,
    WebDavTimeouts,
    normalize_webdav_url,
    redact_url,
)

__all__ = ["LOOPBACK_HOSTS", "WebDavCredentials", "WebDavTimeouts", "WebDavTransport",
           "normalize_webdav_url", "redact_url"]

# httpx logs every request line at INFO; a circle's URLs (a server, a user's folder names)
# and timing are nobody's business, even in a debug log.
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).setLevel(logging.WARNING)

_PROPFIND_BODY = (b'<?xml version="1.0" encoding="utf-8"?>'
                  b'<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/></d:prop></d:propfind>')
# A depth-0 PROPFIND asking for one property is a few hundred bytes; anything far larger is
# not an honest answer and is not parsed.
_MAX_PROPFIND_BYTES = 256 * 1024
# An answer to anything else (PUT, MOVE, DELETE, MKCOL) is read only for its status; its
# body, if any, is an error page.
_MAX_OTHER_BYTES = 64 * 1024
# httpx's timeouts are per read: a server that sends a byte every few seconds never trips
# them. Each request, from sending it to the last byte of its answer, must end within this.
OPERATION_SECONDS = 60.0
_SUCCESS = frozenset({200, 201, 204})


def _ssl_context(ca_file: Path | None) -> ssl.SSLContext:
    """One context per set of trusted authorities, made once per process: loading the
    certificate bundle took more than half of an idle sync round's time. The key includes the
    extra file's size and time, so a replaced certificate is read again."""
    stamp: tuple[int, int] | None = None
    if ca_file is not None:
        try:
            found = ca_file.stat()
            stamp = (found.st_size, found.st_mtime_ns)
        except OSError:
            stamp = None  # load_verify_locations below names the problem
    return _cached_context(str(ca_file) if ca_file is not None else None, stamp)


@functools.lru_cache(maxsize=8)
def _cached_context(ca_file: str | None, _stamp: tuple[int, int] | None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.load_verify_locations(cafile=certifi.where())
    if ca_file is not None:
        context.load_verify_locations(cafile=ca_file)
    return context


class WebDavTransport:
    """Write-once objects in one WebDAV collection (see the module docstring)."""

    # A vanished WebDAV folder answers every GET with 404, which reads as "nothing new": the
    # circle service asks for one check() per sync round (a missing folder fails every read).
    check_each_round = True

    def __init__(self, url: str, credentials: WebDavCredentials | None = None, *,
                 timeouts: WebDavTimeouts | None = None, ca_file: Path | None = None,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        """`ca_file`: one more certificate authority to trust (a self-hosted server's);
        `ssl_context` replaces the default one entirely (it must still verify)."""
        self.url = normalize_webdav_url(url)
        limits = timeouts or WebDavTimeouts()
        self._client = httpx.Client(
            auth=httpx.BasicAuth(credentials.user, credentials.password) if credentials else None,
            timeout=httpx.Timeout(limits.read, connect=limits.connect),
            verify=ssl_context or _ssl_context(ca_file),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": "Companion"},
        )
        self._lock = threading.Lock()
        self._requests = 0

    @property
    def description(self) -> str:
        return f"WebDAV {self.url}"

    @property
    def requests_made(self) -> int:
        return self._requests

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> WebDavTransport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        # A transport dropped without close() still closes its connections (instead of a
        # ResourceWarning for each open socket when it is collected).
        with contextlib.suppress(Exception):
            self._client.close()

    # -- the Transport interface ---------------------------------------------------------------

    def check(self) -> None:
        if self._collection_exists(self.url):
            return
        parent = _parent(self.url)
        if parent is None or not self._collection_exists(parent):
            raise StorageMissing(f"The WebDAV folder {self.url} does not exist, nor does the "
                                 "folder it should be in (404).")
        made = self._send("MKCOL", self.url)
        # 405: it exists after all (made by another member in the meantime).
        if made.status_code not in (201, 405):
            raise self._status_error(made)

    def read(self, name: str) -> bytes | None:
        url = self.url + check_name(name)
        with self._network_errors():
            self._count()
            started = time.monotonic()
            with self._client.stream("GET", url) as response:
                if response.status_code in (404, 410):
                    return None
                if response.status_code != 200:
                    raise self._status_error(response)
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > MAX_OBJECT_BYTES:
                    raise ObjectTooLarge()
                body = self._body(response, MAX_OBJECT_BYTES, started)
                if body is None:
                    raise ObjectTooLarge()
                return body

    def write_once(self, name: str, data: bytes) -> bool:
        final = self.url + check_name(name)
        if len(data) > MAX_OBJECT_BYTES:
            raise ValueError("object larger than MAX_OBJECT_BYTES")
        temp = self.url + temp_name()
        try:
            put = self._send("PUT", temp, content=data,
                             headers={"Content-Type": "application/octet-stream"})
            if put.status_code not in _SUCCESS:
                raise self._status_error(put)
            move = self._send("MOVE", temp, headers={"Destination": final, "Overwrite": "F"})
            if move.status_code in _SUCCESS:
                return True
            if move.status_code != 412:
                raise self._status_error(move)
        except Exception as exc:
            # No connection could be made: nothing to remove, and nobody to ask.
            if not isinstance(exc.__cause__, httpx.ConnectError):
                self._delete_quietly(temp)
            raise
        self._delete_quietly(temp)
        return False

    def delete(self, name: str) -> None:
        response = self._send("DELETE", self.url + check_name(name))
        if response.status_code not in _SUCCESS | {404, 410}:
            raise self._status_error(response)

    # -- helpers -------------------------------------------------------------------------------

    def _count(self) -> None:
        with self._lock:
            self._requests += 1

    def _send(self, method: str, url: str, *, content: bytes | None = None,
              headers: dict[str, str] | None = None) -> httpx.Response:
        """A request whose answer is read for its status (its body bounded, and the whole
        exchange within OPERATION_SECONDS)."""
        with self._network_errors():
            self._count()
            started = time.monotonic()
            with self._client.stream(method, url, content=content, headers=headers) as response:
                self._body(response, _MAX_OTHER_BYTES, started)
                return response

    def _body(self, response: httpx.Response, limit: int, started: float) -> bytes | None:
        """The answer's body as it arrives; None past `limit` bytes; `StorageTimeout` once
        the request has taken longer than OPERATION_SECONDS."""
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if time.monotonic() - started > OPERATION_SECONDS:
                raise StorageTimeout(f"The WebDAV server for {self.url} is answering too "
                                     f"slowly (more than {OPERATION_SECONDS:.0f} seconds for "
                                     "one request).", "Try again later; nothing was lost.")
            if len(body) > limit:
                return None
        return bytes(body)

    def _delete_quietly(self, url: str) -> None:
        """Remove a temporary object, best effort: a leftover is hidden and never read."""
        with contextlib.suppress(StorageError):
            self._send("DELETE", url)

    def _collection_exists(self, url: str) -> bool:
        """PROPFIND with depth 0: True for a collection, False if nothing is there."""
        headers = {"Depth": "0", "Content-Type": "application/xml; charset=utf-8"}
        with self._network_errors():
            self._count()
            started = time.monotonic()
            with self._client.stream("PROPFIND", url, content=_PROPFIND_BODY,
                                     headers=headers) as response:
                if response.status_code == 404:
                    return False
                if response.status_code != 207:
                    raise self._status_error(response)
                body = self._body(response, _MAX_PROPFIND_BYTES, started)
                if body is None:
                    raise self._not_webdav()
        is_collection = _is_collection(body)
        if is_collection is None:
            raise self._not_webdav()
        if not is_collection:
            raise StorageMissing(f"{url} is a file on the WebDAV server, not a folder.",
                                 "Give the address of a folder.")
        return True

    def _not_webdav(self) -> StorageError:
        return StorageError(f"The server at {self.url} did not answer like a WebDAV server.",
                            "Check the address (for Nextcloud it ends in "
                            "/remote.php/dav/files/USER/FOLDER/).")

    @contextlib.contextmanager
    def _network_errors(self) -> Iterator[None]:
        """httpx's exceptions as `StorageError`s naming the place (never the password)."""
        try:
            yield
        except httpx.TimeoutException as exc:
            raise StorageTimeout(f"The WebDAV server for {self.url} did not answer in "
                                 "time.") from exc
        except httpx.ConnectError as exc:
            if _caused_by_tls(exc):
                raise StorageTlsFailed(
                    f"No secure connection to {self.url} could be made: its certificate could "
                    "not be verified, or it does not speak https.") from exc
            raise StorageUnreachable(f"The WebDAV server for {self.url} cannot be reached "
                                     "(no answer at that address).") from exc
        except httpx.TransportError as exc:
            raise StorageUnreachable(f"The connection to {self.url} broke off.") from exc

    def _status_error(self, response: httpx.Response) -> StorageError:
        """The `StorageError` for an HTTP status (the server's own reason text is not used:
        it is hostile input)."""
        status = response.status_code
        method = response.request.method
        if status == 401:
            return StorageAuthFailed(f"The WebDAV server did not accept the user name or app "
                                     f"password for {self.url} (401).")
        if status == 403:
            return StorageForbidden(f"The WebDAV server refused access to {self.url} (403).")
        if status == 404:
            return StorageMissing(f"The WebDAV folder {self.url} does not exist (404).")
        if status == 409:
            return StorageConflict(f"The WebDAV server reported a conflict for {self.url} "
                                   "(409): a folder on the way there is missing.")
        if status == 507:
            return StorageFull(f"The WebDAV storage at {self.url} is full (507).")
        phrase = httpx.codes.get_reason_phrase(status) or "unexpected answer"
        if 300 <= status < 400:
            return StorageError(f"The WebDAV server at {self.url} redirected a {method} "
                                f"({status} {phrase}).",
                                "Check the address: the server expects another one.")
        return StorageError(f"The WebDAV server at {self.url} answered {status} ({phrase}) "
                            f"to a {method}.",
                            "Try again later; nothing was lost.")


def _parent(url: str) -> str | None:
    """The URL of the collection holding `url` (which ends with '/'), None at the root."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if not path:
        return None
    return url[: len(url) - len(parts.path)] + path.rsplit("/", 1)[0] + "/"


def _is_collection(body: bytes) -> bool | None:
    """Whether a PROPFIND answer says "collection"; None if it is not XML. expat in this
    Python refuses entity expansion attacks, and ElementTree never fetches external entities."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return None
    return root.find(".//{DAV:}resourcetype/{DAV:}collection") is not None


def _caused_by_tls(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
