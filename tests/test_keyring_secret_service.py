"""The keyring as it really is on Linux: gnome-keyring's Secret Service on a private D-Bus,
unlocked, locked, stopped (SIGSTOP) and killed. Whatever it does, a command ends with one
true line and falls back to the passphrase; `forget` never says a key is gone that is not."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from storage.keyring_store import DEADLINE_SECONDS
from tests.conftest import PASSPHRASE, run_companion
from tests.support.secret_service import SecretService, secret_service

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("vault_home")]

NO_TERMINAL = ("companion: No passphrase was given and there is no terminal to ask for one. "
               "Run the command in a terminal, or use --passphrase-stdin.\n")


def companion(service: SecretService, *argv: str, stdin: str = ""):  # type: ignore[no-untyped-def]
    return run_companion(*argv, stdin=stdin, env=service.env, timeout=60)


def remember(service: SecretService) -> None:
    done = companion(service, "--passphrase-stdin", "remember", stdin=PASSPHRASE + "\n")
    assert done.returncode == 0, done.stderr
    assert len(service.entries()) == 1


def test_remember_unlock_and_forget(tmp_path: Path) -> None:
    with secret_service(tmp_path / "keyring") as service:
        remember(service)
        listed = companion(service, "list")  # no passphrase, no terminal: the keyring opens it
        assert (listed.returncode, listed.stderr) == (0, ""), listed.stderr
        forgot = companion(service, "forget")
        assert forgot.returncode == 0, forgot.stderr
        assert forgot.stdout.startswith("This device no longer remembers the vault key.")
        assert service.entries() == {}


def test_a_locked_keyring_means_the_passphrase_and_forget_says_it_could_not(
        tmp_path: Path) -> None:
    home = tmp_path / "keyring"
    with secret_service(home) as service:
        remember(service)
        service.lock()
        listed = companion(service, "list")
        assert (listed.returncode, listed.stderr) == (1, NO_TERMINAL)  # one line, no warning
        listed = companion(service, "--passphrase-stdin", "list", stdin=PASSPHRASE + "\n")
        assert listed.returncode == 0, listed.stderr
        forgot = companion(service, "forget")
        assert forgot.returncode == 1 and forgot.stdout == ""
        assert forgot.stderr.startswith("companion: Could not reach the keyring to remove the "
                                        "key") and forgot.stderr.count("\n") == 1
    with secret_service(home) as service:  # unlocked again: the key is still there, as said
        assert len(service.entries()) == 1


def test_a_stopped_keyring_cannot_hang_a_command(tmp_path: Path) -> None:
    with secret_service(tmp_path / "keyring") as service:
        remember(service)
        service.stop()
        for argv, stdin, code, said in (
                (("list",), "", 1, NO_TERMINAL),
                (("--passphrase-stdin", "remember"), PASSPHRASE + "\n", 1,
                 "did not answer within"),
                (("forget",), "", 1, "Could not reach the keyring to remove the key")):
            started = time.monotonic()
            done = companion(service, *argv, stdin=stdin)
            took = time.monotonic() - started
            assert done.returncode == code, done.stderr
            assert said in done.stderr and done.stderr.count("\n") == 1, done.stderr
            # Bounded by the deadline (twice: finding the backend, then the call), not hung.
            assert took < 4 * DEADLINE_SECONDS + 10
        service.resume()
        assert len(service.entries()) == 1


def test_a_killed_keyring_means_the_passphrase(tmp_path: Path) -> None:
    with secret_service(tmp_path / "keyring") as service:
        remember(service)
        service.kill()
        listed = companion(service, "list")
        assert (listed.returncode, listed.stderr) == (1, NO_TERMINAL)
        listed = companion(service, "--passphrase-stdin", "list", stdin=PASSPHRASE + "\n")
        assert listed.returncode == 0, listed.stderr
        forgot = companion(service, "forget")
        assert forgot.returncode == 1 and forgot.stderr.count("\n") == 1
        assert forgot.stderr.startswith("companion: Could not reach the keyring to remove the "
                                        "key")
