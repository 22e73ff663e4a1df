"""A real WebDAV server for tests: wsgidav serving a folder over cheroot on 127.0.0.1.

    with WebDavServer(tmp_path / "dav") as server:
        server.url                      # "http://127.0.0.1:PORT/" (the served root)
        server.url_for("circle")        # "http://127.0.0.1:PORT/circle/"
        server.user, server.password    # basic auth (the only kind it accepts)
        server.root                     # the folder it serves
        server.fail(507, "PUT")         # answer 507 to every PUT from now on
        server.fail(500, "MOVE", times=1, path_contains="circle/")
        server.delay(5, "GET")          # hold GETs for up to 5 s (for client timeouts)
        server.release()                # let held requests (and later ones) go on now
        server.fail(200, "GET", body=b"x" * 10, content_length=False)   # a chunked answer
        server.drip(0.2, "GET")         # answer GETs a byte every 0.2 s
        server.clear_faults()
        server.requests                 # every request seen: RecordedRequest(method, path, headers)

Failure modes are a small WSGI middleware in front of wsgidav (so they apply before
authentication); everything else, 401 for a wrong password included, is the real server's.

One deliberate difference from plain wsgidav: its MOVE checks "destination exists" and then
renames, so two racing MOVEs with `Overwrite: F` could both succeed. Servers built for many
clients (Nextcloud takes a file lock) do not do that, and the create-only guarantee over
WebDAV is only as good as the server's MOVE, so this server runs MOVEs one at a time
(`atomic_move=False` turns that off). Logging is kept quiet: wsgidav's logger stays at ERROR
and cheroot's error log goes to `server.errors` instead of stderr.
"""

from __future__ import annotations

import logging
import secrets
import ssl
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import Any

from cheroot import wsgi
from cheroot.ssl.builtin import BuiltinSSLAdapter
from wsgidav.wsgidav_app import WsgiDAVApp

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]

logging.getLogger("wsgidav").setLevel(logging.ERROR)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names; Authorization is left out


@dataclass
class _Fault:
    methods: frozenset[str]  # empty: every method
    status: int | None
    delay: float
    times: int | None  # None: for ever
    path_contains: str | None
    body: bytes = b""
    content_length: bool = True
    drip: float = 0.0  # seconds between the body's bytes (sent one at a time, chunked)

    def matches(self, method: str, path: str) -> bool:
        return ((not self.methods or method in self.methods)
                and (self.path_contains is None or self.path_contains in path)
                and (self.times is None or self.times > 0))


@dataclass
class _FaultInjector:
    """WSGI middleware: records requests, injects chosen failures, serializes MOVE."""

    app: WsgiApp
    atomic_move: bool
    requests: list[RecordedRequest] = field(default_factory=list)
    faults: list[_Fault] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    move_lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        headers = {key[5:].replace("_", "-").lower(): str(value)
                   for key, value in environ.items()
                   if key.startswith("HTTP_") and key != "HTTP_AUTHORIZATION"}
        with self.lock:
            self.requests.append(RecordedRequest(method, path, headers))
            fault = next((f for f in self.faults if f.matches(method, path)), None)
            if fault is not None and fault.times is not None:
                fault.times -= 1
        if fault is not None:
            if fault.delay:
                self.released.wait(fault.delay)
            if fault.status is not None:
                _drain(environ)
                phrase = HTTPStatus(fault.status).phrase
                headers = [("Content-Type", "application/octet-stream")]
                if fault.content_length:
                    headers.append(("Content-Length", str(len(fault.body))))
                start_response(f"{fault.status} {phrase}", headers)
                if fault.drip:
                    return self._dripping(fault.body, fault.drip)
                # Without a length cheroot sends the body chunked, in these pieces.
                return [fault.body[i:i + 65536] for i in range(0, len(fault.body), 65536)]
        if method == "MOVE" and self.atomic_move:
            with self.move_lock:
                return list(self.app(environ, start_response))
        return self.app(environ, start_response)


    def _dripping(self, body: bytes, interval: float) -> Iterable[bytes]:
        for index in range(len(body)):
            yield body[index:index + 1]
            if self.released.wait(interval):
                return


def _drain(environ: Environ) -> None:
    """Read the request body so that the client is not cut off mid-upload."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    stream = environ["wsgi.input"]
    while length > 0:
        chunk = stream.read(min(length, 65536))
        if not chunk:
            break
        length -= len(chunk)


class WebDavServer:
    """A wsgidav server in a background thread (see the module docstring)."""

    def __init__(self, root: Path, *, user: str = "circle-user", password: str | None = None,
                 tls: tuple[Path, Path] | None = None, atomic_move: bool = True) -> None:
        """`tls`: (certificate chain file, private key file) to serve https instead."""
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.user = user
        self.password = password or f"app-{secrets.token_urlsafe(12)}"
        self.errors: list[str] = []
        dav = WsgiDAVApp({
            "host": "127.0.0.1",
            "port": 0,
            "provider_mapping": {"/": str(self.root)},
            "simple_dc": {"user_mapping": {"*": {user: {"password": self.password}}}},
            "http_authenticator": {"accept_basic": True, "accept_digest": False,
                                   "default_to_digest": False},
            "verbose": 0,
            "logging": {"enable": False},
            "dir_browser": {"enable": False},
            "lock_storage": True,
            "property_manager": None,
        })
        self._injector = _FaultInjector(dav, atomic_move)
        self._server = wsgi.Server(("127.0.0.1", 0), self._injector, numthreads=16,
                                   server_name="companion-test-dav")
        self._server.error_log = self._log_error  # type: ignore[method-assign]
        # The serve loop notices stop() at its next wake-up (every 0.5 s by default).
        self._server.expiration_interval = 0.05
        if tls is not None:
            self._server.ssl_adapter = BuiltinSSLAdapter(str(tls[0]), str(tls[1]))
        self._scheme = "https" if tls is not None else "http"
        self._thread: threading.Thread | None = None

    # -- life cycle ----------------------------------------------------------------------------

    def start(self) -> WebDavServer:
        self._server.prepare()  # binds, so the port is known before serving
        self._thread = threading.Thread(target=self._server.serve, name="webdav-server",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._injector.released.set()  # let delayed requests finish now
        self._server.stop()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def __enter__(self) -> WebDavServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- addresses -----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self._server.bind_addr[1])

    @property
    def url(self) -> str:
        return f"{self._scheme}://127.0.0.1:{self.port}/"

    def url_for(self, *parts: str) -> str:
        """The URL of a folder under the root, with its trailing slash."""
        return self.url + "".join(f"{part.strip('/')}/" for part in parts)

    # -- failure modes -------------------------------------------------------------------------

    def fail(self, status: int, *methods: str, times: int | None = None,
             path_contains: str | None = None, body: bytes = b"",
             content_length: bool = True) -> None:
        """Answer `status` with `body` to `methods` (all if none are named) instead of
        serving them; `content_length=False` sends the body chunked, with no length."""
        self._add(_Fault(frozenset(methods), status, 0.0, times, path_contains, body,
                         content_length))

    def drip(self, seconds: float, *methods: str, body: bytes = b"x" * 1000) -> None:
        """Answer 200 to `methods` with `body`, one byte every `seconds` (each read by the
        client returns quickly, so only a deadline for the whole request stops it)."""
        self._add(_Fault(frozenset(methods), 200, 0.0, None, None, body, False, seconds))

    def delay(self, seconds: float, *methods: str, times: int | None = None,
              path_contains: str | None = None) -> None:
        """Hold matching requests for `seconds` (released early by stop()), then serve them."""
        self._add(_Fault(frozenset(methods), None, seconds, times, path_contains))

    def release(self) -> None:
        """Let every delayed request (now and later) go on at once."""
        self._injector.released.set()

    def clear_faults(self) -> None:
        with self._injector.lock:
            self._injector.faults.clear()

    def _add(self, fault: _Fault) -> None:
        with self._injector.lock:
            self._injector.faults.append(fault)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._injector.lock:
            return list(self._injector.requests)

    def _log_error(self, msg: str = "", level: int = 20, traceback: bool = False) -> None:
        self.errors.append(msg)


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by nobody anyone trusts: (chain file, key file)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "companion test server")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    chain, key_file = folder / "server.pem", folder / "server.key"
    chain.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return chain, key_file


def trusting(chain: Path) -> ssl.SSLContext:
    """An SSL context that trusts `chain` (as a user would trust their own server's CA)."""
    context = ssl.create_default_context(cafile=str(chain))
    return context
