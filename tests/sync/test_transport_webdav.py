"""The WebDAV transport against a real wsgidav server on 127.0.0.1 (tests/support/
webdav_server.py): create-only writes through MOVE with `Overwrite: F`, concurrent writers,
hostile names, size limits, every error class with a message that names the place and never
the password, timeouts, an unreachable port, and TLS verification."""

from __future__ import annotations

import gc
import logging
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sync.transport import (
    MAX_OBJECT_BYTES,
    ObjectTooLarge,
    StorageAddressInvalid,
    StorageAuthFailed,
    StorageConflict,
    StorageError,
    StorageForbidden,
    StorageFull,
    StorageMissing,
    StorageTimeout,
    StorageTlsFailed,
    StorageUnreachable,
)
from sync.transport_webdav import (
    WebDavCredentials,
    WebDavTimeouts,
    WebDavTransport,
    normalize_webdav_url,
)
from tests.support.webdav_server import WebDavServer, self_signed_certificate
from tests.sync.test_transport_folder import HOSTILE_NAMES, race

NAME = "a" * 32 + ".cmp"
OTHER = "b" * 32 + ".cmp"
SECRET = b"ciphertext that must not show in errors"
FAST = WebDavTimeouts(connect=2.0, read=0.5)


@pytest.fixture
def circle(webdav_server: WebDavServer) -> Path:
    """The served folder of the circle, made on the server's disk."""
    path = webdav_server.root / "circle"
    path.mkdir()
    return path


@pytest.fixture
def connect(webdav_server: WebDavServer) -> Iterator[Callable[..., WebDavTransport]]:
    """Make transports to the circle folder (closed at the end of the test)."""
    made: list[WebDavTransport] = []

    def make(url: str | None = None, password: str | None = None,
             timeouts: WebDavTimeouts = FAST) -> WebDavTransport:
        credentials = WebDavCredentials(webdav_server.user, password or webdav_server.password)
        transport = WebDavTransport(url or webdav_server.url_for("circle"), credentials,
                                    timeouts=timeouts)
        made.append(transport)
        return transport

    yield make
    for transport in made:
        transport.close()


def names_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def assert_honest(error: StorageError, place: str, server: WebDavServer) -> None:
    text = f"{error} {error.args!r} {error.message} {error.hint}"
    assert place in text
    assert server.password not in text
    assert SECRET.decode() not in text


def test_write_then_read_returns_the_bytes(
    webdav_server: WebDavServer, circle: Path, connect: Callable[..., WebDavTransport],
) -> None:
    transport = connect()
    transport.check()
    assert transport.read(NAME) is None
    assert transport.write_once(NAME, SECRET) is True
    assert transport.read(NAME) == SECRET
    assert (circle / NAME).read_bytes() == SECRET
    assert names_in(circle) == [NAME]  # the temporary name is gone
    assert transport.write_once(OTHER, b"") is True
    assert transport.read(OTHER) == b""


def test_second_write_is_refused_by_the_server_and_keeps_the_first(
    webdav_server: WebDavServer, circle: Path, connect: Callable[..., WebDavTransport],
) -> None:
    # Put there by someone else, straight on the server's disk: only `Overwrite: F` on the
    # MOVE keeps it (wsgidav replaces the destination otherwise).
    (circle / NAME).write_bytes(b"original")
    transport = connect()
    assert transport.write_once(NAME, b"replacement") is False
    assert (circle / NAME).read_bytes() == b"original"
    assert names_in(circle) == [NAME]
    moves = [r for r in webdav_server.requests if r.method == "MOVE"]
    assert len(moves) == 1
    assert moves[0].headers["overwrite"] == "F"
    assert moves[0].headers["destination"] == webdav_server.url_for("circle") + NAME
    assert moves[0].path.startswith("/circle/.") and moves[0].path.endswith(".tmp")
    methods = [r.method for r in webdav_server.requests]
    assert methods == ["PUT", "MOVE", "DELETE"]  # the temporary copy was removed


def test_concurrent_writers_of_one_name_exactly_one_wins(
    webdav_server: WebDavServer, circle: Path, connect: Callable[..., WebDavTransport],
) -> None:
    names = [letter * 32 + ".cmp" for letter in "abc"]
    for name in names:
        results = race(connect, name)
        winners = [i for i, won in results.items() if won]
        assert len(winners) == 1, results
        assert (circle / name).read_bytes() == f"writer {winners[0]}".encode() * 100
    assert names_in(circle) == names  # no temporary file left


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_are_refused_before_any_request(
    webdav_server: WebDavServer, circle: Path, connect: Callable[..., WebDavTransport],
    name: str,
) -> None:
    transport = connect()
    with pytest.raises(ValueError):
        transport.read(name)
    with pytest.raises(ValueError):
        transport.write_once(name, b"x")
    assert transport.requests_made == 0
    assert webdav_server.requests == []


def test_objects_over_the_limit_are_refused(
    webdav_server: WebDavServer, circle: Path, connect: Callable[..., WebDavTransport],
) -> None:
    transport = connect()
    (circle / NAME).write_bytes(b"\1" * MAX_OBJECT_BYTES)
    assert transport.read(NAME) == b"\1" * MAX_OBJECT_BYTES
    (circle / OTHER).write_bytes(b"\1" * (MAX_OBJECT_BYTES + 1))
    with pytest.raises(ObjectTooLarge):
        transport.read(OTHER)  # refused from Content-Length
    # With no length announced (chunked), the limit holds while streaming.
    webdav_server.fail(200, "GET", body=b"\2" * (MAX_OBJECT_BYTES + 1), content_length=False)
    with pytest.raises(ObjectTooLarge):
        transport.read(NAME)
    webdav_server.clear_faults()
    webdav_server.fail(200, "GET", body=b"\2" * 1000, content_length=False)
    assert transport.read(NAME) == b"\2" * 1000
    with pytest.raises(ValueError):
        transport.write_once("c" * 32 + ".cmp", b"\0" * (MAX_OBJECT_BYTES + 1))


def test_a_wrong_password_is_the_servers_own_401(
    webdav_server: WebDavServer, circle: Path, connect: Callable[..., WebDavTransport],
) -> None:
    transport = connect(password="not-the-app-password")
    for call in (transport.check, lambda: transport.read(NAME),
                 lambda: transport.write_once(NAME, SECRET)):
        with pytest.raises(StorageAuthFailed) as caught:
            call()
        assert_honest(caught.value, webdav_server.url_for("circle"), webdav_server)
        assert "not-the-app-password" not in str(caught.value)
    assert names_in(circle) == []


@pytest.mark.parametrize(("status", "method", "error"), [
    (403, "PROPFIND", StorageForbidden), (403, "GET", StorageForbidden),
    (403, "PUT", StorageForbidden), (403, "MOVE", StorageForbidden),
    (409, "PUT", StorageConflict), (409, "MOVE", StorageConflict),
    (507, "PUT", StorageFull), (507, "MOVE", StorageFull),
    (500, "GET", StorageError), (503, "MOVE", StorageError), (502, "PROPFIND", StorageError),
    (404, "PUT", StorageMissing), (301, "GET", StorageError),
])
def test_each_refusal_is_its_own_honest_error(
    webdav_server: WebDavServer, circle: Path, connect: Callable[..., WebDavTransport],
    status: int, method: str, error: type[StorageError],
) -> None:
    transport = connect()
    webdav_server.fail(status, method)
    call = {"PROPFIND": transport.check, "GET": lambda: transport.read(NAME)}.get(
        method, lambda: transport.write_once(NAME, SECRET))
    with pytest.raises(error) as caught:
        call()
    assert_honest(caught.value, webdav_server.url_for("circle"), webdav_server)
    if error is StorageError:
        assert type(caught.value) is StorageError
        assert str(status) in str(caught.value)
    assert names_in(circle) == []  # nothing half-written, no temporary file
    if method in ("PUT", "MOVE"):
        assert webdav_server.requests[-1].method == "DELETE"  # the temporary copy, removed


def test_check_creates_the_circle_folder_only_under_an_existing_parent(
    webdav_server: WebDavServer, connect: Callable[..., WebDavTransport],
) -> None:
    missing = webdav_server.url_for("nowhere", "circle")
    with pytest.raises(StorageMissing) as caught:
        connect(missing).check()
    assert_honest(caught.value, missing, webdav_server)
    assert not (webdav_server.root / "nowhere").exists()

    transport = connect()
    transport.check()
    assert (webdav_server.root / "circle").is_dir()
    assert transport.requests_made == 3  # PROPFIND, PROPFIND of the parent, MKCOL
    transport.check()
    assert transport.requests_made == 4  # it exists now: one PROPFIND


def test_check_refuses_a_file_and_a_server_that_is_not_webdav(
    webdav_server: WebDavServer, connect: Callable[..., WebDavTransport],
) -> None:
    (webdav_server.root / "circle").write_bytes(b"a file, not a folder")
    with pytest.raises(StorageMissing) as caught:
        connect().check()
    assert "not a folder" in str(caught.value)
    webdav_server.fail(207, "PROPFIND", body=b"<html>a login page</html")
    with pytest.raises(StorageError) as not_dav:
        connect().check()
    assert "did not answer like a WebDAV server" in str(not_dav.value)


def test_a_server_that_does_not_answer_in_time_is_a_timeout(
    webdav_server: WebDavServer, circle: Path, connect: Callable[..., WebDavTransport],
) -> None:
    transport = connect()
    webdav_server.delay(30, "GET")
    with pytest.raises(StorageTimeout) as caught:
        transport.read(NAME)
    assert_honest(caught.value, webdav_server.url_for("circle"), webdav_server)

    # A MOVE held past the timeout: the temporary copy is removed before the server gets to
    # the MOVE, which then finds nothing to move; a retry writes the object once.
    webdav_server.clear_faults()
    webdav_server.delay(30, "MOVE")
    with pytest.raises(StorageTimeout):
        transport.write_once(NAME, SECRET)
    assert names_in(circle) == []
    webdav_server.release()
    webdav_server.clear_faults()
    assert transport.write_once(NAME, SECRET) is True
    assert names_in(circle) == [NAME]


def test_a_closed_port_is_unreachable(connect: Callable[..., WebDavTransport]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/circle/"
    transport = connect(url)
    for call in (transport.check, lambda: transport.read(NAME),
                 lambda: transport.write_once(NAME, SECRET)):
        with pytest.raises(StorageUnreachable) as caught:
            call()
        assert url in str(caught.value)
    assert transport.requests_made == 3  # no clean-up attempt against a dead address


@pytest.mark.slow
def test_tls_is_verified(tmp_path: Path) -> None:
    chain, key = self_signed_certificate(tmp_path / "tls")
    with WebDavServer(tmp_path / "dav", tls=(chain, key)) as server:
        (server.root / "circle").mkdir()
        credentials = WebDavCredentials(server.user, server.password)
        url = server.url_for("circle")
        assert url.startswith("https://")
        with WebDavTransport(url, credentials, timeouts=FAST) as untrusted:
            with pytest.raises(StorageTlsFailed) as caught:
                untrusted.check()
            assert_honest(caught.value, url, server)
            assert server.requests == []  # nothing, credentials included, was sent
        with WebDavTransport(url, credentials, timeouts=FAST, ca_file=chain) as trusted:
            trusted.check()
            assert trusted.write_once(NAME, SECRET) is True
        # http to an https port: no plain-text fallback.
        with WebDavTransport(url.replace("https", "http"), credentials,
                             timeouts=FAST) as plain, pytest.raises(StorageError):
            plain.check()
    assert (tmp_path / "dav" / "circle" / NAME).read_bytes() == SECRET


def test_requests_made_counts_every_request(
    webdav_server: WebDavServer, circle: Path, connect: Callable[..., WebDavTransport],
) -> None:
    transport = connect()
    transport.check()  # 1: PROPFIND
    transport.read(NAME)  # 1: GET (404)
    transport.write_once(NAME, b"x")  # 2: PUT, MOVE
    transport.write_once(NAME, b"x")  # 3: PUT, MOVE (412), DELETE
    transport.read(NAME)  # 1: GET
    assert transport.requests_made == 8 == len(webdav_server.requests)


def test_nothing_about_the_traffic_is_logged(
    webdav_server: WebDavServer, circle: Path, connect: Callable[..., WebDavTransport],
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG):
        transport = connect()
        transport.check()
        transport.write_once(NAME, SECRET)
        transport.read(NAME)
        with pytest.raises(StorageAuthFailed):
            connect(password="wrong-password").read(NAME)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in (webdav_server.password, "wrong-password", "127.0.0.1", NAME,
                   SECRET.decode()):
        assert secret not in logged


def test_a_transport_dropped_without_close_releases_its_connection(
    webdav_server: WebDavServer, circle: Path,
) -> None:
    """Collected with an open keep-alive connection, it closes it itself: no ResourceWarning
    (which filterwarnings=error would turn into a failure of this test)."""
    credentials = WebDavCredentials(webdav_server.user, webdav_server.password)
    transport = WebDavTransport(webdav_server.url_for("circle"), credentials)
    transport.check()
    del transport
    gc.collect()


def test_credentials_and_description_never_show_the_password() -> None:
    credentials = WebDavCredentials("me", "app-password-123")
    assert "app-password-123" not in repr(credentials)
    assert "app-password-123" not in str(credentials)
    assert "'me'" in repr(credentials)
    with WebDavTransport("https://cloud.example.org/dav/circle", credentials) as transport:
        assert transport.description == "WebDAV https://cloud.example.org/dav/circle/"


@pytest.mark.parametrize(("url", "normalized"), [
    ("https://cloud.example.org/remote.php/dav/files/me/circle",
     "https://cloud.example.org/remote.php/dav/files/me/circle/"),
    ("https://Cloud.Example.org:8443/dav/", "https://cloud.example.org:8443/dav/"),
    ("https://cloud.example.org", "https://cloud.example.org/"),
    ("https://cloud.example.org/My%20Circle/", "https://cloud.example.org/My%20Circle/"),
    ("https://cloud.example.org/remote.php/dav/files/me@example.org/c",
     "https://cloud.example.org/remote.php/dav/files/me@example.org/c/"),
    ("http://127.0.0.1:8080/dav", "http://127.0.0.1:8080/dav/"),
    ("http://localhost/dav/", "http://localhost/dav/"),
    ("http://[::1]:8080/dav/", "http://[::1]:8080/dav/"),
])
def test_good_addresses_are_normalized(url: str, normalized: str) -> None:
    assert normalize_webdav_url(url) == normalized


@pytest.mark.parametrize(("url", "says"), [
    ("http://cloud.example.org/dav/", "unencrypted"),
    ("http://192.168.1.10/dav/", "unencrypted"),
    ("http://127.0.0.2/dav/", "unencrypted"),
    ("https://me:secret@cloud.example.org/dav/", "must not contain a user name"),
    ("https://me@cloud.example.org/dav/", "must not contain a user name"),
    ("ftp://cloud.example.org/dav/", "https://"),
    ("cloud.example.org/dav/", "https://"),
    ("https:///dav/", "https://"),
    ("https://cloud.example.org/dav/?token=1", "'?' or '#'"),
    ("https://cloud.example.org/dav/#x", "'?' or '#'"),
    ("https://cloud.example.org/My Circle/", "spaces"),
    ("https://cloud.example.org:99999/dav/", "not a valid URL"),
    ("https://me:secret@cloud.example.org:99999/dav/", "not a valid URL"),
    ("https://\u00d7/dav/", "not a valid URL"),
    ("", "empty"),
])
def test_bad_addresses_are_refused_with_a_reason(url: str, says: str) -> None:
    with pytest.raises(StorageAddressInvalid) as caught:
        normalize_webdav_url(url)
    assert says in str(caught.value)
    assert "secret" not in str(caught.value)


def test_a_server_that_drips_its_answer_is_cut_off(
    webdav_server: WebDavServer, connect: Callable[..., WebDavTransport],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A byte every 0.2 s never trips a per-read timeout; the deadline for the whole request
    does (60 s in use, 1 s here)."""
    import time

    from sync import transport_webdav

    monkeypatch.setattr(transport_webdav, "OPERATION_SECONDS", 1.0)
    transport = connect()
    webdav_server.drip(0.2, "GET")
    started = time.monotonic()
    with pytest.raises(StorageTimeout, match="answering too slowly"):
        transport.read(NAME)
    assert time.monotonic() - started < 5
    webdav_server.release()


def test_delete_removes_one_object_and_a_missing_one_is_no_error(
    webdav_server: WebDavServer, circle: Path, connect: Callable[..., WebDavTransport],
) -> None:
    transport = connect()
    transport.write_once(NAME, SECRET)
    transport.write_once(OTHER, b"b")
    transport.delete(NAME)
    transport.delete(NAME)  # a 404: already gone
    assert names_in(circle) == [OTHER] and transport.read(NAME) is None
    with pytest.raises(ValueError):
        transport.delete("../outside")


def test_a_refused_delete_is_a_storage_error(
    webdav_server: WebDavServer, circle: Path, connect: Callable[..., WebDavTransport],
) -> None:
    transport = connect()
    transport.write_once(NAME, SECRET)
    webdav_server.fail(403, "DELETE")
    with pytest.raises(StorageError) as raised:
        transport.delete(NAME)
    assert_honest(raised.value, webdav_server.url_for("circle"), webdav_server)
    assert names_in(circle) == [NAME]
