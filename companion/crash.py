"""Local reports of bugs, with no user content.

A report names the exception's type and the code locations it passed through: file, line and
function. It leaves out the exception's message and every variable, because either could hold
something the user wrote. Nothing is ever sent anywhere.
"""

from __future__ import annotations

import hashlib
import platform
import sys
import time
import traceback
from pathlib import Path

from companion.version import version
from storage.atomic import atomic_write_bytes
from storage.paths import default_home, ensure_private_dir


def describe(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    lines = [
        f"Companion {version()} on Python {platform.python_version()} ({sys.platform})",
        f"{type(exc).__module__}.{type(exc).__qualname__}",
    ]
    lines += [f"  {Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames]
    return "\n".join(lines) + "\n"


def fingerprint(exc: BaseException) -> str:
    """Same bug, same fingerprint: used to show a dialog once per distinct traceback."""
    return hashlib.sha256(describe(exc).encode()).hexdigest()[:12]


def write_crash_report(exc: BaseException, home: str | Path | None = None) -> Path | None:
    try:
        folder = ensure_private_dir(Path(home or default_home()) / "crash-reports")
        path = folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{fingerprint(exc)}.txt"
        atomic_write_bytes(path, describe(exc).encode("utf-8"))
        return path
    except Exception:
        return None
