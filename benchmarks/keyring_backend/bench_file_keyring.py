"""A keyring backend for the benchmarks: a JSON file named by $BENCH_KEYRING_FILE.

No real keyring (Secret Service, Keychain) runs on the benchmark machine, so the "remembered
on this device" comparison gives Companion and jrnl this same stand-in, through keyring's
public API (PYTHON_KEYRING_BACKEND=bench_file_keyring.FileKeyring). It is in a folder of its
own so that jrnl's virtualenv can import it without seeing anything else. It stores secrets
in plain text: benchmark data only, under benchmarks/.work.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

ENV = "BENCH_KEYRING_FILE"


class FileKeyring(KeyringBackend):
    priority = 10  # type: ignore[assignment]

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
