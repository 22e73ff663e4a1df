"""A keyring backend for tests: a JSON file named by $COMPANION_TEST_KEYRING.

This is the one stand-in in the suite, because no real keyring can run here: the Secret Service
needs a D-Bus session and an unlocked login keyring, macOS Keychain and the Windows Credential
Locker need their own OS. The code under test talks to it through keyring's public API exactly
as it would to a real backend.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

ENV = "COMPANION_TEST_KEYRING"


class FileKeyring(KeyringBackend):
    priority = 10

    @staticmethod
    def _path() -> Path:
        return Path(os.environ[ENV])

    def _load(self) -> dict[str, str]:
        try:
            return dict(json.loads(self._path().read_text()))
        except FileNotFoundError:
            return {}

    def _save(self, data: dict[str, str]) -> None:
        self._path().write_text(json.dumps(data))

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError("not found")
        self._save(data)
