"""SIGKILL during device sync loses nothing (issue 19): two paired computers, each in turn
running a process that writes entries and syncs in a loop, killed with SIGKILL at random
moments (inside a round's transaction, between queueing and uploading, mid-upload). After
the kills, ordinary syncs bring both vaults to the same journal, holding every entry a
process had reported as saved."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from companion.app import CompanionApp
from companion.models import EntryDraft
from sync.storage_spec import StorageSpec, build_transport
from tests.conftest import PROJECT_ROOT
from tests.support.storage_helpers import child_env
from tests.support.vault_template import PASSPHRASE, copy_of_empty_vault

pytestmark = [pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
              pytest.mark.slow]

WRITER = """
import sys
from pathlib import Path
from companion.app import CompanionApp
from companion.models import EntryDraft
home, tag, passphrase = sys.argv[1], sys.argv[2], sys.stdin.readline().rstrip("\\n")
app = CompanionApp(Path(home))
app.unlock(passphrase)
print("ready", flush=True)
number = 0
while True:
    body = f"{tag}-{number}"
    app.journal.add(EntryDraft(body=body))
    print("saved", body, flush=True)  # only once its transaction committed
    app.sync_devices()
    number += 1
"""


def _pair(laptop: CompanionApp, desktop: CompanionApp, folder: Path) -> None:
    laptop.devices.start(f"folder:{folder}", "Laptop")
    code = laptop.devices.pairing_code()
    with build_transport(StorageSpec.from_dict({"kind": "folder",
                                                "location": str(folder)})) as transport:
        desktop.devices.join(code, "Desktop", f"folder:{folder}", transport)
    laptop.sync_devices()
    laptop.devices.decide("Desktop", allow=True)
    laptop.sync_devices()
    desktop.sync_devices()


def _run_and_kill(home: Path, tag: str, delay: float) -> list[str]:
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(home), tag],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=child_env(),
                             cwd=PROJECT_ROOT)
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(PASSPHRASE + "\n")
    child.stdin.flush()
    assert child.stdout.readline().strip() == "ready"
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    out, err = child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL, err
    return [line.split(" ", 1)[1] for line in out.splitlines() if line.startswith("saved ")]


def test_sigkill_during_device_sync_loses_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    laptop = copy_of_empty_vault(tmp_path / "laptop")
    desktop = copy_of_empty_vault(tmp_path / "desktop")
    for n in range(40):  # enough that a round takes a while
        laptop.journal.add(EntryDraft(title=f"old {n}", body="words " * 200))
    _pair(laptop, desktop, folder)
    laptop.close()
    desktop.close()
    saved: list[str] = []
    rng = random.Random(19)
    for run in range(8):
        home = tmp_path / ("laptop" if run % 2 == 0 else "desktop")
        saved += _run_and_kill(home, f"run{run}", rng.uniform(0.05, 0.8))
    assert saved, "no process saved anything before its kill: the test proves nothing"
    apps = [CompanionApp(tmp_path / name) for name in ("laptop", "desktop")]
    try:
        for app in apps:
            app.unlock(PASSPHRASE)
        for _ in range(2):
            for app in apps:
                app.sync_devices()
        journals = [sorted(e.body for e in app.journal.browse(limit=10_000)) for app in apps]
        assert journals[0] == journals[1]
        assert set(saved) <= set(journals[0]), sorted(set(saved) - set(journals[0]))
        for app in apps:
            assert app.vault.database.integrity_ok()
    finally:
        for app in apps:
            app.close()
