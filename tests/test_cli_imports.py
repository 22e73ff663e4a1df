"""Which modules a command loads, checked in fresh interpreters: modules, not milliseconds.

The command line and the desktop app start fast because heavy libraries load only where they
are used (the PDF renderer, the HTTP client, QR codes, PDF previews, Qt for the CLI). A timed
test would be flaky and would notice a regression only once it got large; this one fails the
moment any import chain drags one of them into `--version`, `list` or the unlock screen.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, PROJECT_ROOT

HEAVY = ("fpdf", "fontTools", "PIL", "httpx", "httpcore", "segno", "pypdfium2", "keyring",
         "zxcvbn", "certifi.core")
# `--version`, `--help`, `status` and `lock` open no vault: not even the core should load.
CORE = ("companion.app", "sqlcipher3", "storage.vault", "cryptography")
# Built on first use: a command that lists entries needs none of them.
SERVICES = ("sync.engine", "companion.circle", "companion.screentime.service",
            "companion.questionnaire_store", "companion.summary", "companion.export",
            "companion.imports")

# Standard-library weight a short command has no use for (each costs milliseconds at every
# start): the version from importlib.metadata's email parser, the per-user folder lookup when
# the folder is named, random numbers on a read, shutil's compression modules for help text.
IDLE_WEIGHT = ("importlib.metadata", "email", "platformdirs", "secrets", "random", "tempfile",
               "shutil", "bz2", "lzma")

_RUN = """
import json, sys
from companion.cli import main
code = main(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""


def _modules_after(tmp_path: Path, *argv: str, stdin: str = "",
                   env: dict[str, str] | None = None) -> set[str]:
    report = tmp_path / "modules.json"
    full_env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **(env or {})}
    done = subprocess.run([sys.executable, "-c", _RUN, str(report), *argv], input=stdin,
                          text=True, capture_output=True, env=full_env, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(report.read_text())
    assert result["code"] == 0, done.stderr
    return set(result["modules"])


@functools.cache
def _bare_interpreter_modules() -> frozenset[str]:
    """What `python -c pass` already has: site-packages' .pth hooks may import packages
    (certifi, here) before any of our code runs; those are not ours to account for."""
    done = subprocess.run([sys.executable, "-c", "import sys, json; print(json.dumps("
                           "sorted(sys.modules)))"], capture_output=True, text=True, check=True,
                          timeout=60)
    return frozenset(json.loads(done.stdout))


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    ours = modules - _bare_interpreter_modules()
    return sorted(m for m in ours
                  if any(m == name or m.startswith(name + ".") for name in names))


def _init(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "companion.cli", "--passphrase-stdin", "init"],
                   input=f"{PASSPHRASE}\n{PASSPHRASE}\n", text=True, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, check=True,
                   timeout=120)


@pytest.mark.parametrize("argv", [("--version",), ("--help",), ("status",), ("lock",),
                                  ("circle", "--help")])
def test_commands_that_open_no_vault_load_no_core(tmp_path, argv):
    modules = _modules_after(tmp_path, *argv)
    assert _loaded(modules, HEAVY + CORE + ("PySide6", "shiboken6")) == []
    if argv != ("--help",):  # help text is what shutil is loaded for
        assert _loaded(modules, IDLE_WEIGHT) == []


def test_list_with_a_passphrase_loads_nothing_heavy(tmp_path):
    _init(tmp_path)
    modules = _modules_after(tmp_path, "--passphrase-stdin", "list", stdin=f"{PASSPHRASE}\n")
    assert "companion.app" in modules  # the check below is not vacuous
    assert _loaded(modules, HEAVY + SERVICES + ("PySide6", "shiboken6")) == []


def test_list_in_an_unlock_session_loads_nothing_heavy(tmp_path):
    _init(tmp_path)
    started = subprocess.run(
        [sys.executable, "-m", "companion.cli", "--passphrase-stdin", "unlock"],
        input=f"{PASSPHRASE}\n", text=True, capture_output=True, timeout=120, check=False,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    assert started.returncode == 0, started.stderr
    try:
        modules = _modules_after(tmp_path, "list")
    finally:
        subprocess.run([sys.executable, "-m", "companion.cli", "lock"], capture_output=True,
                       timeout=60, check=False,
                       env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    assert "companion.agent.client" in modules and "storage.kdf" in modules
    # The session hands over the data key itself: no key derivation, no key unwrapping.
    assert _loaded(modules, HEAVY + SERVICES + ("PySide6", "shiboken6", "cryptography")) == []
    assert _loaded(modules, IDLE_WEIGHT) == []


@pytest.mark.gui
def test_the_desktop_app_reaches_its_unlock_screen_without_heavy_libraries(tmp_path):
    _init(tmp_path)
    report = tmp_path / "modules.json"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "QT_QPA_PLATFORM": "offscreen",
           "COMPANION_EXIT_AFTER_START": "1"}
    done = subprocess.run([sys.executable, "-c", _RUN, str(report)], text=True,
                          capture_output=True, env=env, timeout=120, check=False)
    assert "screen UnlockScreen" in done.stdout, done.stdout + done.stderr
    modules = set(json.loads(report.read_text())["modules"])
    assert "PySide6.QtWidgets" in modules  # the check below is not vacuous
    # The unlock screen itself offers the keyring (a remembered key unlocks at once).
    assert _loaded(modules, tuple(name for name in HEAVY if name != "keyring")) == []


_COLLECTOR = """
import gc, json, sys
import companion.cli.commands.journal as journal
seen = {}
real = journal.cmd_list
def cmd_list(*args):
    seen["during the command"] = gc.isenabled()
    return real(*args)
journal.cmd_list = cmd_list
from companion.cli import console_main
sys.argv[1:] = ["--passphrase-stdin", "list"]
code = console_main()
seen["after"] = gc.isenabled()
seen["frozen"] = gc.get_freeze_count()
print(json.dumps(seen))
sys.exit(code)
"""


def test_the_program_pauses_the_collector_only_for_start_up(tmp_path):
    """`console_main` turns the garbage collector off while modules load (a start-up cost
    with nothing to collect) and back on before the command works; a long import must not
    run without it."""
    _init(tmp_path)
    done = subprocess.run([sys.executable, "-c", _COLLECTOR], input=f"{PASSPHRASE}\n",
                          text=True, capture_output=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["during the command"] is True and seen["after"] is True
    assert seen["frozen"] > 1000  # what is left is frozen for a quick exit


def test_main_in_a_test_process_leaves_the_collector_alone(cli):
    import gc

    assert gc.isenabled()
    cli("--version", passphrase=False)
    assert gc.isenabled() and gc.get_freeze_count() == 0
