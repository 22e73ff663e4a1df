"""Opt-in "remember on this device": the data key in the OS keyring.

Only when the user asks, and only where a real backend exists (Secret Service, macOS Keychain,
Windows Credential Locker). Without one, Companion works fully and simply asks for the
passphrase. Each vault has its own entry, named by its random vault id.

The keyring is another process (on Linux a D-Bus service), and it can be stopped, locked or
gone. Every call here has a deadline: a keyring that does not answer in `DEADLINE_SECONDS`
counts as unavailable, so unlocking goes on to the passphrase instead of hanging. Reading
fails quietly (the passphrase is the way in); storing and removing fail loudly, so that
"forgotten" is said only when the key is really gone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from storage.errors import KeyringUnavailable
from storage.kdf import KEY_BYTES

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

# `keyring` is imported where it is used: it costs ~50 ms at start-up (it pulls in urllib via
# its plugins) and most commands, given --passphrase-stdin, never touch it.

SERVICE = "Companion vault"
DEADLINE_SECONDS = 5.0

T = TypeVar("T")


class _NoAnswer(Exception):
    """The keyring did not answer in time (its call goes on in a thread nobody waits for)."""


def _within_deadline(call: Callable[[], T]) -> T:
    """`call()` on a daemon thread, waited for at most DEADLINE_SECONDS. A keyring stuck in a
    D-Bus call cannot be interrupted; the thread is left to it and ends with the process."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed over to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="companion-keyring", daemon=True)
    worker.start()
    worker.join(DEADLINE_SECONDS)
    if worker.is_alive():
        raise _NoAnswer()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def _backend() -> KeyringBackend | None:
    """The keyring to use, or None: none usable here, or a broken configuration. Raises
    `_NoAnswer` when finding out takes too long (Secret Service asks D-Bus)."""
    def find() -> KeyringBackend | None:
        import keyring

        backend = keyring.get_keyring()
        # The "fail" backend and any backend that declares itself unusable have priority < 1
        # (keyring's own convention); the chainer reports the best of what it chains.
        return backend if float(backend.priority) >= 1 else None

    try:
        return _within_deadline(find)
    except _NoAnswer:
        raise
    except Exception:  # a broken keyring configuration must not break the app
        return None


def available() -> bool:
    try:
        return _backend() is not None
    except _NoAnswer:
        return False


def _account(vault_id: str) -> str:
    return f"vault-{vault_id}"


def store_key(vault_id: str, data_key: bytes) -> None:
    try:
        backend = _backend()
        if backend is None:
            raise KeyringUnavailable()
        _within_deadline(lambda: backend.set_password(SERVICE, _account(vault_id),
                                                      data_key.hex()))
    except KeyringUnavailable:
        raise
    except _NoAnswer:
        raise KeyringUnavailable(
            f"The keyring did not answer within {DEADLINE_SECONDS:.0f} seconds, so the key "
            "was not remembered.", "Nothing was changed; you unlock with your passphrase."
        ) from None
    except Exception as exc:
        raise KeyringUnavailable(
            "The keyring refused to store the key (it may be locked).",
            "Nothing was changed; you unlock with your passphrase."
        ) from exc


def load_key(vault_id: str) -> bytes | None:
    """The remembered key, or None: not remembered, no keyring, or a keyring that is locked,
    broken or does not answer (then the passphrase is the way in; nothing is printed)."""
    value = _lookup(vault_id)
    if not value:
        return None
    try:
        key = bytes.fromhex(value)
    except ValueError:
        return None
    return key if len(key) == KEY_BYTES else None


def _lookup(vault_id: str) -> str | None:
    try:
        backend = _backend()
        if backend is None:
            return None
        return _within_deadline(lambda: backend.get_password(SERVICE, _account(vault_id)))
    except Exception:
        return None


def forget_key(vault_id: str) -> bool:
    """Remove the remembered key: True if there was one and it is gone, False if there was
    none. Raises `KeyringUnavailable` when that cannot be said for sure (no answer, locked,
    or the key still there after removing it): the key might still open the vault."""
    cannot = KeyringUnavailable(
        "Could not reach the keyring to remove the key (it may be locked or not answering).",
        "The key may still be remembered on this device; unlock the keyring and try again.")

    try:
        backend = _backend()
    except _NoAnswer:
        raise cannot from None
    if backend is None:
        return False

    def remove() -> bool:
        account = _account(vault_id)
        if backend.get_password(SERVICE, account) is None:
            return False
        backend.delete_password(SERVICE, account)
        if backend.get_password(SERVICE, account) is not None:
            raise RuntimeError("the key is still there")
        return True

    try:
        return _within_deadline(remove)
    except Exception as exc:
        raise cannot from exc
