"""Remembered Argon2id derivations, for tests that unlock the same vault many times in-process
(tests/conftest.py turns them on for the whole session).

Argon2id is a pure function: the same passphrase, salt and parameters always give the same
key. Tests that run dozens of commands against one vault (or copies of one template) would
otherwise spend most of their time re-deriving the same key. The real derivation still runs
once for each distinct input, so a wrong passphrase, a new salt after `passwd`, or new
parameters all go through Argon2id for real. Child processes are never affected.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from storage import kdf

_derived: dict[tuple[str, bytes, kdf.Argon2Params], bytes] = {}
_derive_for_real = kdf.derive_passphrase_key

# Every module that derives passphrase keys, by the name it imported the function under
# (storage.keyfile imports it from storage.kdf at the call, so kdf's own name is patched).
USERS = ("storage.kdf", "storage.vault")


def remembered_derivation(passphrase: str, salt: bytes, params: kdf.Argon2Params) -> bytes:
    key = (passphrase, salt, params)
    if key not in _derived:
        _derived[key] = _derive_for_real(passphrase, salt, params)
    return _derived[key]


@contextmanager
def remembered_derivations() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for module in USERS:
            patch.setattr(f"{module}.derive_passphrase_key", remembered_derivation)
        yield
