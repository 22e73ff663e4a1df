"""Opt-in "remember on this device": the data key in the OS keyring.

Only when the user asks, and only where a real backend exists (Secret Service, macOS Keychain,
Windows Credential Locker). Without one, Companion works fully and simply asks for the
passphrase. Each vault has its own entry, named by its random vault id.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from storage.errors import KeyringUnavailable
from storage.kdf import KEY_BYTES

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

# `keyring` is imported where it is used: it costs ~50 ms at start-up (it pulls in urllib via
# its plugins) and most commands, given --passphrase-stdin, never touch it.

SERVICE = "Companion vault"


def _warn(message: str) -> None:
    import logging  # keyring itself loads it; a command that never asks the keyring does not

    logging.getLogger(__name__).warning(message)


def _backend() -> KeyringBackend | None:
    import keyring

    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken keyring configuration must not break the app
        _warn("keyring backend could not be loaded")
        return None
    # The "fail" backend and any backend that declares itself unusable have priority < 1
    # (keyring's own convention); the chainer reports the best of what it chains.
    try:
        priority = float(backend.priority)
    except Exception:
        return None
    return backend if priority >= 1 else None


def available() -> bool:
    return _backend() is not None


def _account(vault_id: str) -> str:
    return f"vault-{vault_id}"


def store_key(vault_id: str, data_key: bytes) -> None:
    import keyring.errors

    backend = _backend()
    if backend is None:
        raise KeyringUnavailable()
    try:
        backend.set_password(SERVICE, _account(vault_id), data_key.hex())
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(
            "The keyring refused to store the key.", "Nothing was changed."
        ) from exc


def load_key(vault_id: str) -> bytes | None:
    """The remembered key, or None (not remembered, no backend, locked or broken keyring)."""
    import keyring.errors

    backend = _backend()
    if backend is None:
        return None
    try:
        value = backend.get_password(SERVICE, _account(vault_id))
    except keyring.errors.KeyringError:
        _warn("keyring lookup failed")
        return None
    if not value:
        return None
    try:
        key = bytes.fromhex(value)
    except ValueError:
        return None
    return key if len(key) == KEY_BYTES else None


def forget_key(vault_id: str) -> bool:
    """Remove the remembered key; True if there was one."""
    import keyring.errors

    backend = _backend()
    if backend is None:
        return False
    had = load_key(vault_id) is not None
    with contextlib.suppress(keyring.errors.PasswordDeleteError, keyring.errors.KeyringError):
        backend.delete_password(SERVICE, _account(vault_id))
    return had
