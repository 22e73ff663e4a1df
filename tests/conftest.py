"""Shared fixtures: a private home per test, fast key derivation, a fake clock, the CLI.

Every test gets its own COMPANION_HOME, HOME, XDG folders and TMPDIR inside pytest's tmp_path,
so nothing can reach the real home. Argon2id runs at its floor (64 MiB, 3 passes): calibration
is measured in benchmarks/, not paid for in every test.

Two things keep vault fixtures quick without faking anything a test checks:

- `app` and `vault_home` copy one template vault, made once per session, into the test's home
  (tests/support/vault_template.py). Copies share the template's vault id, data key and
  recovery code; a test that needs vaults that differ creates its own.
- Argon2id derivations are remembered for the whole session (tests/support/cli_memo.py): the
  same passphrase, salt and parameters give the same key, so the real derivation runs once per
  distinct input. A wrong passphrase, a new salt or new parameters still derive for real, and
  child processes always do.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["COMPANION_KDF_TARGET_SECONDS"] = "0"

from companion.app import CompanionApp  # noqa: E402
from companion.cli import main as cli_main  # noqa: E402
from companion.clock import FakeClock  # noqa: E402
from storage.paths import default_home  # noqa: E402
from tests.support.cli_memo import remembered_derivations  # noqa: E402
from tests.support.file_keyring import ENV as KEYRING_ENV  # noqa: E402
from tests.support.file_keyring import FileKeyring  # noqa: E402
from tests.support.vault_template import PASSPHRASE as PASSPHRASE  # noqa: E402
from tests.support.vault_template import (  # noqa: E402
    empty_template,
    install_vault,
    set_template_root,
)
from tests.support.webdav_server import WebDavServer  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Fixtures that start a real server or desktop (wsgidav, aw-server, Xvfb with openbox): every
# test using one is marked `slow`. Tests that start one themselves carry the mark by hand.
# The mark selects (`-m "not slow"` for a quick run); it never skips anything by itself.
SLOW_FIXTURES = frozenset({"webdav_server", "aw_url", "xsession"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def _remembered_derivations() -> Iterator[None]:
    """Argon2id is a pure function: derive each (passphrase, salt, parameters) once."""
    with remembered_derivations():
        yield


@pytest.fixture(scope="session", autouse=True)
def _template_root(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Where the template vaults of tests/support/vault_template.py are made, once each."""
    set_template_root(tmp_path_factory.mktemp("vault-templates"))


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh home for the test; HOME, XDG folders and TMPDIR all point inside it."""
    home = tmp_path / "companion-home"
    user_home = tmp_path / "user"
    temp = tmp_path / "tmp"
    for folder in (user_home, temp):
        folder.mkdir()
    monkeypatch.setenv("COMPANION_HOME", str(home))
    monkeypatch.setenv("HOME", str(user_home))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(user_home / name.lower()))
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv(KEYRING_ENV, str(tmp_path / "test-keyring.json"))
    # The unlock session's sockets: a short private folder (a socket path must fit in 108
    # bytes, which tmp_path may not); removing it at the end also ends any agent a test left.
    runtime = Path(tempfile.mkdtemp(prefix="companion-run-", dir="/tmp"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    # Refuse to run at all if the vault folder could still resolve to the real one.
    assert default_home().resolve().is_relative_to(tmp_path.resolve())
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield home
    keyring.set_keyring(previous)
    shutil.rmtree(runtime, ignore_errors=True)


@pytest.fixture
def file_keyring(monkeypatch: pytest.MonkeyPatch) -> FileKeyring:
    """Turn on the test keyring (see tests/support/file_keyring.py for why it is a stand-in)."""
    backend = FileKeyring()
    keyring.set_keyring(backend)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.file_keyring.FileKeyring")
    return backend


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 14, 9, 30, tzinfo=timezone(timedelta(hours=1))))


@pytest.fixture(scope="session")
def empty_vault_template(_template_root: None) -> Path:
    """An empty vault with passphrase PASSPHRASE, closed; `app` and `vault_home` copy it."""
    return empty_template()


@pytest.fixture
def app(private_home: Path, clock: FakeClock,
        empty_vault_template: Path) -> Iterator[CompanionApp]:
    """An unlocked vault with nothing in it, on the fake clock (a copy of the template)."""
    companion = CompanionApp(install_vault(empty_vault_template, private_home), clock=clock)
    companion.unlock(PASSPHRASE)
    yield companion
    companion.close()


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run the CLI in this process: `cli("add", "text", stdin="…")`.

    With `passphrase=True` (the default for commands that unlock) the passphrase is sent as the
    first line of standard input, with --passphrase-stdin.
    """

    def run(*argv: str, stdin: str = "", passphrase: bool | str = True) -> CliResult:
        args = list(argv)
        if passphrase:
            secret = PASSPHRASE if passphrase is True else passphrase
            stdin = f"{secret}\n{stdin}"
            args = ["--passphrase-stdin", *args]
        out = io.StringIO()
        capsys.readouterr()
        code = cli_main(args, stdin=io.StringIO(stdin), out=out)
        captured = capsys.readouterr()
        return CliResult(code, out.getvalue() + captured.out, captured.err)

    return run


@pytest.fixture
def vault_home(private_home: Path, empty_vault_template: Path) -> Path:
    """A vault as `companion init` leaves it (closed, passphrase PASSPHRASE): a copy of the
    template. tests/test_cli.py checks `companion init` itself."""
    return install_vault(empty_vault_template, private_home)


def run_companion(*argv: str, stdin: str = "", env: dict[str, str] | None = None,
                  timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The real `companion` command in a child process (for exit codes, stderr, imports)."""
    full_env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "companion.cli", *argv], input=stdin, text=True,
        capture_output=True, env=full_env, cwd=PROJECT_ROOT, timeout=timeout, check=False,
    )


@pytest.fixture
def webdav_server(tmp_path: Path) -> Iterator[WebDavServer]:
    """A wsgidav server on 127.0.0.1 serving `tmp_path / "webdav"` with basic auth.

    `.url` is the served root (`http://127.0.0.1:PORT/`), `.url_for("circle")` a folder under
    it, `.user` / `.password` the credentials, `.root` the served folder; `.fail(...)`,
    `.delay(...)` and `.clear_faults()` switch failure modes; `.requests` records requests."""
    with WebDavServer(tmp_path / "webdav") as server:
        yield server
