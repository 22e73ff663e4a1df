"""A real Secret Service for the keyring tests: gnome-keyring-daemon on a private session
D-Bus, its login collection created and unlocked with a test password, in the test's own
home. Tests can lock the collection, stop the daemon (SIGSTOP) or kill it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.dbus_session import session_bus

KEYRING_PASSWORD = "test keyring password"
BACKEND = "keyring.backends.SecretService.Keyring"
LOGIN = "/org/freedesktop/secrets/collection/login"


def require_gnome_keyring() -> None:
    if shutil.which("gnome-keyring-daemon") is None or shutil.which("dbus-daemon") is None:
        message = "the Secret Service tests need gnome-keyring and dbus (.ci/run installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@dataclass
class SecretService:
    address: str
    daemon: subprocess.Popen[bytes]

    @property
    def env(self) -> dict[str, str]:
        return {"DBUS_SESSION_BUS_ADDRESS": self.address, "PYTHON_KEYRING_BACKEND": BACKEND}

    @contextmanager
    def _collection(self):  # type: ignore[no-untyped-def]
        import secretstorage
        from secretstorage.collection import Collection

        with _bus(self.address):
            connection = secretstorage.dbus_init()
            try:
                # The login collection by its path: get_default_collection would ask the
                # daemon to create one (a prompt, which fails here) if it is not there yet,
                # racing the one `--unlock` is making.
                collection = Collection(connection, LOGIN)
                collection.is_locked()  # raises ItemNotFoundException until it exists
                yield collection
            finally:
                connection.close()

    def lock(self) -> None:
        with self._collection() as collection:
            collection.lock()
            assert collection.is_locked()

    def entries(self) -> dict[str, str]:
        """label → secret of every item (the collection must be unlocked)."""
        with self._collection() as collection:
            return {item.get_label(): item.get_secret().decode()
                    for item in collection.get_all_items()}

    def stop(self) -> None:
        self.daemon.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.daemon.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        self.daemon.kill()
        self.daemon.wait(10)


@contextmanager
def _bus(address: str) -> Iterator[None]:
    before = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = address
    try:
        yield
    finally:
        if before is None:
            del os.environ["DBUS_SESSION_BUS_ADDRESS"]
        else:
            os.environ["DBUS_SESSION_BUS_ADDRESS"] = before


@contextmanager
def secret_service(home: Path, *, tries: int = 3) -> Iterator[SecretService]:
    """gnome-keyring-daemon with an unlocked login collection under `home`. On a loaded
    machine it sometimes never makes that collection from `--unlock`: then the bus and the
    daemon are thrown away and started again (a fresh bus: nothing of the first one left)."""
    require_gnome_keyring()
    for attempt in range(tries):
        with session_bus() as address:
            env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": address, "HOME": str(home),
                   "XDG_DATA_HOME": str(home / ".local" / "share")}
            home.mkdir(parents=True, exist_ok=True)
            with (home / "daemon.log").open("wb") as log:
                daemon = subprocess.Popen(
                    ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                    stdin=subprocess.PIPE, stdout=log, stderr=log, env=env)
            assert daemon.stdin is not None
            daemon.stdin.write(KEYRING_PASSWORD.encode())
            daemon.stdin.close()
            service = SecretService(address, daemon)
            try:
                try:
                    _wait_until_serving(service, home,
                                        seconds=15 if attempt < tries - 1 else 30)
                except RuntimeError:
                    if attempt < tries - 1:
                        continue
                    raise
                yield service
                return
            finally:
                service.resume()
                if daemon.poll() is None:
                    daemon.kill()
                daemon.wait(10)


def _wait_until_serving(service: SecretService, home: Path, *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            service.entries()
            return
        except Exception as exc:
            if time.monotonic() > deadline:
                said = (home / "daemon.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"gnome-keyring-daemon did not make its login collection "
                                   f"(alive: {service.daemon.poll() is None}); it said: "
                                   f"{said!r}") from exc
            time.sleep(0.1)
