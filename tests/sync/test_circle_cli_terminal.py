"""`companion circle join` with a person at a real terminal (a pseudo-terminal), standard
input a pipe or the terminal itself: the questions go to the controlling terminal as ssh and
sudo ask, and a tampered invite's address gets nothing before the person says yes. A reviewer
found the yes/no question crashing there (a terminal is not seekable) and the WebDAV password
never asked for when the code was piped."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support.cli_tty import run_in_tty
from tests.support.storage_helpers import PASSPHRASE
from tests.sync.test_invite_tamper import Listener, listener, v1_tampered

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
__all__ = ["listener"]  # the fixture, used by name below


def test_a_piped_code_is_confirmed_at_the_terminal_and_a_no_sends_nothing(
        vault_home: Path, listener: Listener, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPANION_WEBDAV_USER", "bob")
    monkeypatch.setenv("COMPANION_WEBDAV_PASSWORD", "hunter2-secret")
    result = run_in_tty(["circle", "join", "-", "--name", "Bob"],
                        [("Passphrase: ", PASSPHRASE), ("[y/N] ", "n")],
                        piped=v1_tampered(listener.url) + "\n")
    assert result.code == 1, result
    assert "You did not confirm the storage address: nothing was sent" in result.err
    assert "unexpected error" not in result.err
    assert listener.requests == []


def test_a_piped_code_asks_for_the_webdav_password_at_the_terminal(
        vault_home: Path, listener: Listener, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPANION_WEBDAV_USER", "bob")
    monkeypatch.delenv("COMPANION_WEBDAV_PASSWORD", raising=False)
    result = run_in_tty(["circle", "join", "-", "--name", "Bob"],
                        [("Passphrase: ", PASSPHRASE), ("[y/N] ", "y"),
                         ("WebDAV app password for bob: ", "typed-at-the-terminal")],
                        piped=v1_tampered(listener.url) + "\n")
    assert "typed-at-the-terminal" not in result.terminal  # no echo
    assert listener.requests, result
    assert "authorization" in listener.requests[0][2]
    assert "Nothing was saved" in result.err and "sync again" not in result.err


def test_a_code_pasted_at_the_terminal_ends_at_enter(
        vault_home: Path, listener: Listener, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPANION_WEBDAV_USER", "bob")
    monkeypatch.setenv("COMPANION_WEBDAV_PASSWORD", "hunter2-secret")
    result = run_in_tty(["circle", "join", "-", "--name", "Bob"],
                        [("Passphrase: ", PASSPHRASE), ("Invite code: ", v1_tampered(listener.url)),
                         ("[y/N] ", "n")], stderr_on_terminal=True)
    assert result.code == 1, result
    assert "did not confirm" in result.terminal
    assert listener.requests == []
