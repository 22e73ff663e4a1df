"""Names every packaging file shares: the app id, the bundle identifier, the version.

Kept free of third-party imports so the spec, build.py, the icon script and the tests can all
read it; the version is read from pyproject.toml, the one place it is written.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_ID = "org.companionapp.Companion"  # desktop file, metainfo, Flatpak, Wayland app_id
BUNDLE_ID = APP_ID  # macOS CFBundleIdentifier
APP_NAME = "Companion"
EXECUTABLE = "companion"
GUI_EXECUTABLE = "companionw"  # Windows/macOS: the windowed twin, no console (like pythonw)
LINUX_DIR = ROOT / "packaging" / "linux"
ICON_DIR = ROOT / "packaging" / "icons"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def project_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """Windows wants four numbers; '1.2.3rc1' gives (1, 2, 3, 0)."""
    numbers = [int(n) for n in re.findall(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?",
                                          version)[0] if n] if re.match(r"\d", version) else []
    padded = (numbers + [0, 0, 0, 0])[:4]
    return padded[0], padded[1], padded[2], padded[3]
