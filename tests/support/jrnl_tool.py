"""The real jrnl (4.6, from PyPI), for making import fixtures the way a jrnl user has them.

jrnl pins its own versions of packages we also use (cryptography, keyring, rich …), so it
lives in a virtualenv of its own, made once under `.cache/` in the project (ignored by git)
and reused by every later test session; the same approach as benchmarks/bench_jrnl.py. A
clean CI machine pays about 15 seconds for it once. Each jrnl run gets a private config and
home inside the test's folder, answers its prompts on standard input, and finds no keyring
(the tests' environment names keyring's failing backend).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

JRNL_VERSION = "4.6"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
VENV = PROJECT_ROOT / ".cache" / f"jrnl-{JRNL_VERSION}-venv"
JRNL = VENV / "bin" / "jrnl"

CONFIG = """\
colors: {{body: none, date: none, tags: none, title: none}}
default_hour: 9
default_minute: 0
editor: ''
encrypt: false
highlight: false
indent_character: '|'
journals:
  default:
    journal: {journal}
linewrap: 79
tagsymbols: '#@'
template: false
timeformat: '{timeformat}'
version: v{version}
"""


def ensure_jrnl() -> Path:
    """The jrnl executable, installed into its own venv on first use (under a file lock, so
    two test sessions at once do not both install it)."""
    VENV.parent.mkdir(exist_ok=True)
    with open(VENV.parent / "jrnl-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not JRNL.exists():
            _install()
    return JRNL


def _install() -> None:
    quiet = ["-q", "--disable-pip-version-check"]
    made = subprocess.run([sys.executable, "-m", "venv", str(VENV)], capture_output=True,
                          check=False)
    if made.returncode == 0:
        subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "install", *quiet,
                        f"jrnl=={JRNL_VERSION}"], check=True)
        return
    # Debian's python3 without python3-venv has no ensurepip: a bare venv, filled by our pip.
    subprocess.run([sys.executable, "-m", "venv", "--clear", "--without-pip", str(VENV)],
                   check=True)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(VENV / "bin" / "python"),
                    "install", *quiet, f"jrnl=={JRNL_VERSION}"], check=True)


@dataclass
class Jrnl:
    """One jrnl journal in `folder`, driven through jrnl's own command line."""

    exe: Path
    folder: Path
    timeformat: str = "%Y-%m-%d %H:%M"

    def __post_init__(self) -> None:
        for sub in ("xdg-config", "xdg-data", "xdg-cache", "home"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        self.journal = self.folder / "journal.txt"
        self.config = self.folder / "jrnl.yaml"
        self.config.write_text(CONFIG.format(journal=self.journal, timeformat=self.timeformat,
                                             version=JRNL_VERSION), "utf-8")

    def run(self, *args: str, stdin: str = "") -> str:
        env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        env.update({
            "XDG_CONFIG_HOME": str(self.folder / "xdg-config"),
            "XDG_DATA_HOME": str(self.folder / "xdg-data"),
            "XDG_CACHE_HOME": str(self.folder / "xdg-cache"),
            "HOME": str(self.folder / "home"), "EDITOR": "", "VISUAL": "", "NO_COLOR": "1",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "TZ": "UTC",
        })
        done = subprocess.run([str(self.exe), "--config-file", str(self.config), *args],
                              input=stdin.encode("utf-8"), capture_output=True, env=env,
                              cwd=self.folder, timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"jrnl {args} failed: {done.stderr.decode(errors='replace')}")
        return done.stdout.decode("utf-8")

    def add(self, text: str) -> None:
        """`echo TEXT | jrnl`: TEXT starts with `YYYY-MM-DD HH:MM: ` to date the entry."""
        self.run(stdin=text)

    def export_json(self) -> str:
        return self.run("--export", "json")

    def encrypt(self, password: str) -> None:
        # Password, confirmation, and "n" to "store the password in your keychain?".
        self.run("--encrypt", stdin=f"{password}\n{password}\nn\n")
