"""Issue 16, item 7: a tampered invite code must not send the joiner's WebDAV password anywhere.

The attack: change the WebDAV address in a code and recompute its 4-byte checksum. A version 2
code carries the admin's signature over the address, so the change is refused; a version 1
code (still read) has none, so its address is shown and nothing is sent until the person
confirms it. A real HTTP listener on 127.0.0.1 proves what reaches the named address, and when.
"""

from __future__ import annotations

import http.server
import io
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from companion.circle import StorageNotConfirmed, write_qr_png
from companion.cli.prompts import ask_yes_no
from companion.clock import FakeClock
from companion.errors import InvalidInput
from sync.crypto import Rejected, SeededRandomness
from sync.identity import Identity
from sync.invite import MAX_URL, PREFIX, PREFIX_V1, Invite, parse_invite
from tests.conftest import CliResult
from tests.support.webdav_server import WebDavServer
from tests.sync.circle_helpers import Member, make_member

ADMIN = Identity.generate(SeededRandomness(b"tamper admin"))
CIRCLE, SECRET = bytes([0x31]) * 16, bytes([0x32]) * 32
HONEST_URL = "https://cloud.example.org/remote.php/dav/files/ann/circle/"


class Listener:
    """An HTTP server on 127.0.0.1 that records every request, Authorization included, and
    answers 500: it stands for the server a tampered code names."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        seen = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def _record(self) -> None:
                seen.append((self.command, self.path,
                             {k.lower(): v for k, v in self.headers.items()}))
                self.send_response(500)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def __getattr__(self, name: str) -> Callable[[], None]:
                if name.startswith("do_"):  # every method: GET, PROPFIND, MKCOL, PUT …
                    return self._record
                raise AttributeError(name)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/evil/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def signed(url: str = HONEST_URL) -> Invite:
    return Invite.signed_by(ADMIN, CIRCLE, SECRET, url)


def v1_tampered(url: str) -> str:
    """The attack on a version 1 code: the address changed, the checksum made to fit."""
    return Invite(CIRCLE, SECRET, ADMIN.public, url).code()


# -- the code itself -----------------------------------------------------------------------


def test_a_v2_code_round_trips_with_its_signature() -> None:
    invite = signed()
    code = invite.code()
    assert code.startswith(PREFIX) and invite.version == 2
    assert parse_invite(code) == invite
    assert parse_invite(code.lower()).webdav_url == HONEST_URL
    assert parse_invite(signed("").code()).webdav_url == ""


def test_a_v2_code_with_a_changed_address_and_a_recomputed_checksum_is_refused() -> None:
    forged = replace(signed(), webdav_url="https://evil.example/dav/").code()
    assert forged.startswith(PREFIX)  # code() recomputes the checksum: only the signature fails
    with pytest.raises(Rejected, match="not signed by the admin it names"):
        parse_invite(forged)


def test_a_v2_code_re_signed_by_another_key_is_refused() -> None:
    mallory = Identity.generate(SeededRandomness(b"mallory"))
    stolen = signed()
    resigned = Invite.signed_by(mallory, CIRCLE, SECRET, "https://evil.example/dav/")
    forged = replace(resigned, admin=stolen.admin).code()  # the admin's keys, Mallory's sig
    with pytest.raises(Rejected, match="not signed by the admin it names"):
        parse_invite(forged)


@pytest.mark.parametrize("field", ["circle", "secret", "admin"])
def test_every_signed_field_is_covered(field: str) -> None:
    other = Identity.generate(SeededRandomness(b"other")).public
    changed = {"circle": replace(signed(), circle=bytes(16)),
               "secret": replace(signed(), secret=bytes(32)),
               "admin": replace(signed(), admin=other)}[field]
    with pytest.raises(Rejected, match="not signed by the admin it names"):
        parse_invite(changed.code())


def test_a_v2_body_under_the_v1_prefix_or_the_reverse_is_damaged() -> None:
    v2 = signed().code()
    with pytest.raises(Rejected, match="damaged"):
        parse_invite(PREFIX_V1 + v2[len(PREFIX):])
    v1 = v1_tampered(HONEST_URL)
    with pytest.raises(Rejected, match="damaged|incomplete"):
        parse_invite(PREFIX + v1[len(PREFIX_V1):])
    with pytest.raises(Rejected, match="from a newer Companion"):
        parse_invite("companion-invite-3:" + v2[len(PREFIX):])


def test_v1_codes_still_parse_and_say_they_are_unsigned() -> None:
    invite = parse_invite(v1_tampered(HONEST_URL))
    assert invite.version == 1 and invite.signature == b"" and invite.webdav_url == HONEST_URL


def test_the_longest_v2_code_still_makes_a_qr_code(tmp_path: Path) -> None:
    url = "https://cloud.example.org/" + "d" * (MAX_URL - 27) + "/"
    code = signed(url).code()
    assert len(url) == MAX_URL and parse_invite(code).webdav_url == url
    write_qr_png(code, tmp_path / "invite.png")
    assert (tmp_path / "invite.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# -- the facade: what both front ends show and what join insists on ------------------------


@pytest.fixture
def bob(tmp_path: Path, clock: FakeClock) -> Iterator[Member]:
    member = make_member(tmp_path, "Bob", clock)
    yield member
    member.app.close()


def test_preview_shows_the_address_the_fingerprint_and_whether_it_is_signed(
        bob: Member, listener: Listener) -> None:
    preview = bob.circles.preview_invite(signed().code())
    assert (preview.storage, preview.host, preview.path) == (
        "webdav:" + HONEST_URL, "cloud.example.org", "/remote.php/dav/files/ann/circle/")
    assert preview.from_code and preview.needs_confirmation and preview.signed
    assert preview.admin_fingerprint == ADMIN.public.short_fingerprint
    assert preview.circle_id == CIRCLE.hex()[:8]
    old = bob.circles.preview_invite(v1_tampered(listener.url))
    assert not old.signed and old.host == listener.url.split("/")[2] and old.path == "/evil/"
    folder = bob.circles.preview_invite(signed("").code())
    assert folder.storage == "" and not folder.needs_confirmation
    mine = bob.circles.preview_invite(v1_tampered(listener.url), "folder:/tmp/x")
    assert not mine.from_code and not mine.needs_confirmation and mine.path == "/tmp/x"
    assert listener.requests == []
    assert bob.circles.rows() == []


def test_join_refuses_an_unconfirmed_address_from_the_code_before_any_request(
        bob: Member, listener: Listener) -> None:
    code = v1_tampered(listener.url)
    for confirmed in (None, "webdav:https://other.example/dav/"):
        with pytest.raises(StorageNotConfirmed, match="nothing was sent"):
            bob.circles.join(code, "Bob", webdav_user="bob", webdav_password="hunter2",
                             confirmed_storage=confirmed)
    assert listener.requests == [] and bob.circles.rows() == []


def test_join_refuses_a_forged_v2_code_before_any_request(bob: Member,
                                                           listener: Listener) -> None:
    forged = replace(signed(), webdav_url=listener.url).code()
    with pytest.raises(InvalidInput, match="not signed by the admin it names"):
        bob.circles.join(forged, "Bob", webdav_user="bob", webdav_password="hunter2",
                         confirmed_storage="webdav:" + listener.url)
    assert listener.requests == [] and bob.circles.rows() == []


# -- the command line ----------------------------------------------------------------------


@pytest.fixture
def joiner(vault_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COMPANION_WEBDAV_USER", "bob")
    monkeypatch.setenv("COMPANION_WEBDAV_PASSWORD", "hunter2-secret")
    return vault_home


def _no_circles(cli: Callable[..., CliResult]) -> None:
    assert "No circles yet" in cli("circle", "list").out


def test_cli_without_a_terminal_sends_nothing_to_a_tampered_address(
        joiner: Path, cli: Callable[..., CliResult], listener: Listener) -> None:
    result = cli("circle", "join", "-", "--name", "Bob", stdin=v1_tampered(listener.url) + "\n")
    assert result.code == 1
    host = listener.url.split("/")[2]
    assert f"WebDAV server {host}" in result.out and "folder /evil/" in result.out
    assert "the address in the invite code" in result.out
    assert ADMIN.public.short_fingerprint in result.out
    assert "older invite code (version 1)" in result.out
    assert "nothing was sent to it and nothing was saved" in result.err
    assert "--trust-storage" in result.err
    assert listener.requests == []
    _no_circles(cli)


def test_cli_declined_confirmation_sends_nothing(joiner: Path, cli: Callable[..., CliResult],
                                                 listener: Listener,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def no(question: str, _stdin: object) -> bool:
        asked.append(question)
        assert listener.requests == []  # nothing has gone out while the person decides
        return False

    monkeypatch.setattr("companion.cli.commands.circle.ask_yes_no", no)
    result = cli("circle", "join", v1_tampered(listener.url), "--name", "Bob")
    assert result.code == 1
    assert asked and listener.url.split("/")[2] in asked[0] and asked[0].endswith("[y/N] ")
    assert "You did not confirm the storage address: nothing was sent" in result.err
    assert listener.requests == []
    _no_circles(cli)


def test_cli_confirmed_address_is_where_the_password_goes(
        joiner: Path, cli: Callable[..., CliResult], listener: Listener,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The control: once the person says yes, the credentials do reach the listener, so the
    tests above would have seen them had they been sent."""
    monkeypatch.setattr("companion.cli.commands.circle.ask_yes_no", lambda _q, _s: True)
    result = cli("circle", "join", v1_tampered(listener.url), "--name", "Bob")
    assert result.code != 0  # the listener is no WebDAV server
    assert listener.requests and "authorization" in listener.requests[0][2]
    _no_circles(cli)


def test_cli_trust_storage_skips_the_question(joiner: Path, cli: Callable[..., CliResult],
                                              listener: Listener,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def never(_question: str, _stdin: object) -> bool:
        raise AssertionError("asked despite --trust-storage")

    monkeypatch.setattr("companion.cli.commands.circle.ask_yes_no", never)
    cli("circle", "join", v1_tampered(listener.url), "--name", "Bob", "--trust-storage")
    assert listener.requests and "authorization" in listener.requests[0][2]


def test_cli_refuses_a_forged_v2_code_and_sends_nothing(
        joiner: Path, cli: Callable[..., CliResult], listener: Listener) -> None:
    forged = replace(signed(), webdav_url=listener.url).code()
    result = cli("circle", "join", forged, "--name", "Bob", "--trust-storage")
    assert result.code == 1 and "not signed by the admin it names" in result.err
    assert listener.requests == []
    _no_circles(cli)


def test_join_help_documents_trust_storage(cli: Callable[..., CliResult]) -> None:
    result = cli("circle", "join", "--help", passphrase=False)
    assert "--trust-storage" in result.out


def test_a_webdav_circle_is_joined_with_a_v2_code_after_confirmation(
        vault_home: Path, tmp_path: Path, cli: Callable[..., CliResult],
        webdav_server: WebDavServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole way with a real WebDAV server: Ann's invite is version 2, Bob sees her
    fingerprint (the one `circle invite` shows her) and the server, says yes, and is let in."""
    monkeypatch.setenv("COMPANION_WEBDAV_USER", webdav_server.user)
    monkeypatch.setenv("COMPANION_WEBDAV_PASSWORD", webdav_server.password)
    url = webdav_server.url_for("friends")
    assert cli("circle", "create", "Friends", "--storage", f"webdav:{url}",
               "--name", "Ann").code == 0
    invite = cli("circle", "invite", "Friends").out.strip().splitlines()
    code = invite[-1]
    assert code.startswith(PREFIX)
    fingerprint = parse_invite(code).admin.short_fingerprint
    assert f"Your fingerprint as admin of Friends: {fingerprint}" in "\n".join(invite)
    bob = tmp_path / "bob"
    assert cli("--home", str(bob), "init", stdin="correct horse battery staple\n").code == 0
    asked: list[str] = []
    def yes(question: str, _stdin: object) -> bool:
        asked.append(question)
        return True

    monkeypatch.setattr("companion.cli.commands.circle.ask_yes_no", yes)
    joined = cli("--home", str(bob), "circle", "join", "-", "--name", "Bob",
                 stdin=code + "\n", passphrase="correct horse battery staple")
    assert joined.code == 0, joined.err
    assert asked and "127.0.0.1" in asked[0]
    assert fingerprint in joined.out and "older invite code" not in joined.out
    assert "Bob joined Friends" in cli("circle", "sync").out
    welcomed = cli("--home", str(bob), "circle", "sync", passphrase="correct horse battery "
                                                                     "staple")
    assert "You are now in Friends" in welcomed.out


class _TerminalInput(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("typed", "answer"), [("y\n", True), ("YES\n", True), ("\n", False),
                                               ("n\n", False), ("", False)])
def test_the_question_is_asked_at_the_terminal_and_only_yes_is_yes(
        typed: str, answer: bool, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    terminal = _TerminalInput(typed)
    monkeypatch.setattr(sys, "stdin", terminal)
    assert ask_yes_no("Send to \x1b]0;evil\x07host? [y/N] ", terminal) is answer
    assert "Send to \\x1b]0;evil\\x07host? [y/N] " in capsys.readouterr().err


def test_nobody_is_asked_without_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("companion.cli.prompts.person_at_terminal", lambda: False)
    assert ask_yes_no("Send? [y/N] ", io.StringIO("y\n")) is None
