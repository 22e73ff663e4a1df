"""Build the one-folder bundle: `python3 packaging/build.py` → dist/companion/.

From a clean clone this is the only command: it installs PyInstaller if it is missing, (re)installs
Companion itself when the installed metadata does not match pyproject.toml (the bundle's
`--version` is read from it), then runs PyInstaller on packaging/companion.spec with build/ as its
work folder. Extra arguments go to PyInstaller (e.g. `--log-level WARN`).

`--archive` (Linux) also packs dist/companion-VERSION-linux-ARCH.tar.gz: the bundle with the
menu entry, icons, AppStream file and install.sh, for people who install without Flatpak.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import platform
import subprocess
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import appinfo  # noqa: E402

PYINSTALLER = "pyinstaller>=6.10"


def pip_install(*requirements: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *requirements],
                   check=True)


def installed_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def ensure_build_tools() -> None:
    if importlib.util.find_spec("PyInstaller") is None:
        print(f"build: installing {PYINSTALLER}", flush=True)
        pip_install(PYINSTALLER)
    if installed_version("companion") != appinfo.project_version():
        print("build: installing companion from this checkout", flush=True)
        pip_install("-e", str(appinfo.ROOT))
        importlib.invalidate_caches()


def build(extra: list[str]) -> Path:
    ensure_build_tools()
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
         "--distpath", str(appinfo.ROOT / "dist"), "--workpath", str(appinfo.ROOT / "build"),
         *extra, str(appinfo.ROOT / "packaging" / "companion.spec")],
        check=True, cwd=appinfo.ROOT,
    )
    folder = appinfo.ROOT / "dist" / "companion"
    size = sum(path.lstat().st_size for path in folder.rglob("*") if not path.is_symlink())
    print(f"build: {folder} ({size / 2**20:.0f} MiB) in {time.monotonic() - started:.0f} s",
          flush=True)
    return folder


def archive(folder: Path) -> Path:
    """A release archive for Linux: unpack it and run ./install.sh (packaging/linux)."""
    name = f"companion-{appinfo.project_version()}-linux-{platform.machine()}"
    target = folder.parent / f"{name}.tar.gz"
    linux = appinfo.LINUX_DIR
    with tarfile.open(target, "w:gz") as tar:
        tar.add(folder, arcname=f"{name}/companion")
        for item in ("install.sh", f"{appinfo.APP_ID}.desktop", f"{appinfo.APP_ID}.metainfo.xml",
                     "icons"):
            tar.add(linux / item, arcname=f"{name}/{item}")
    print(f"build: {target} ({target.stat().st_size / 2**20:.0f} MiB)", flush=True)
    return target


if __name__ == "__main__":
    arguments = sys.argv[1:]
    wants_archive = "--archive" in arguments
    folder = build([argument for argument in arguments if argument != "--archive"])
    if wants_archive:
        if not sys.platform.startswith("linux"):
            raise SystemExit("build: --archive is for Linux")
        archive(folder)
