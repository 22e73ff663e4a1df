"""The packaging files agree with each other and with pyproject.toml (no bundle is built here:
packaging/ci_check_bundle.sh builds and runs it in CI)."""

from __future__ import annotations

import configparser
import json
import os
import struct
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import companion.version
from companion.licenses import components, license_of, normalize, required_distributions
from companion.version import installed_version, source_tree_version, version
from tests.conftest import run_companion

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))
import appinfo  # noqa: E402

LINUX = ROOT / "packaging" / "linux"
DESKTOP = LINUX / f"{appinfo.APP_ID}.desktop"
METAINFO = LINUX / f"{appinfo.APP_ID}.metainfo.xml"
FLATPAK = LINUX / f"{appinfo.APP_ID}.json"
PYPROJECT_VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"][
    "version"]


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# -- version ------------------------------------------------------------------------------------

def test_version_comes_from_pyproject(cli):
    assert appinfo.project_version() == PYPROJECT_VERSION
    assert version() == PYPROJECT_VERSION
    result = cli("--version", passphrase=False)
    assert (result.code, result.out, result.err) == (0, f"companion {PYPROJECT_VERSION}\n", "")


def test_version_in_a_child_process():
    child = run_companion("--version")
    assert (child.returncode, child.stdout) == (0, f"companion {PYPROJECT_VERSION}\n")


@pytest.mark.gui
def test_app_says_it_started_and_quits_when_asked(private_home):
    """The start check packaging/ci_check_bundle.sh runs on the bundle, here from source."""
    child = run_companion("--home", str(private_home / "vault"),
                          env={"COMPANION_EXIT_AFTER_START": "1", "QT_QPA_PLATFORM": "offscreen"})
    assert child.returncode == 0, child.stderr
    assert child.stdout == ("companion: smoke test: window shown on offscreen, svg ok, "
                            "screen Onboarding\n")


def test_source_tree_fallback_reads_pyproject():
    assert source_tree_version() == PYPROJECT_VERSION


def _installed_layout(tmp_path, monkeypatch, *dist_infos: tuple[str, str | bytes]):
    """A site-packages folder as pip leaves it: the package, and its dist-info beside it."""
    site = tmp_path / "site-packages"
    (site / "companion").mkdir(parents=True)
    for name, metadata in dist_infos:
        (site / name).mkdir()
        data = metadata if isinstance(metadata, bytes) else metadata.encode("utf-8")
        (site / name / "METADATA").write_bytes(data)
    monkeypatch.setattr(companion.version, "__file__", str(site / "companion" / "version.py"))


def test_an_installed_copy_reads_its_metadata_file(tmp_path, monkeypatch):
    _installed_layout(tmp_path, monkeypatch, ("companion-7.8.9.dist-info",
                      "Metadata-Version: 2.1\nName: companion\nVersion: 7.8.9\n\nVersion: 1\n"))
    assert installed_version() == "7.8.9"


@pytest.mark.parametrize("metadata", [
    "Metadata-Version: 2.1\nName: companion\n\nVersion: 1.0\n",  # only in the body
    "Version:\n", "", b"Name: companion\nVersion: 1.0\xff\n",  # not UTF-8
    "X: y\n" * 5000 + "Version: 1.0\n",  # past any sane header
])
def test_metadata_without_a_version_header_is_not_believed(tmp_path, monkeypatch, metadata):
    _installed_layout(tmp_path, monkeypatch, ("companion-1.0.dist-info", metadata))
    assert installed_version() is None


def test_two_dist_infos_are_not_guessed_between(tmp_path, monkeypatch):
    _installed_layout(tmp_path, monkeypatch,
                      ("companion-1.0.dist-info", "Version: 1.0\n"),
                      ("companion-2.0.dist-info", "Version: 2.0\n"))
    assert installed_version() is None


def test_version_does_not_load_importlib_metadata():
    """importlib.metadata (and the email package it parses with) cost `--version` ~40 ms."""
    done = subprocess.run([sys.executable, "-c", "import sys; from companion.version import "
                           "version; print(version()); print('importlib.metadata' in "
                           "sys.modules, 'email' in sys.modules)"],
                          capture_output=True, text=True, check=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout.split() == [PYPROJECT_VERSION, "False", "False"]


@pytest.mark.parametrize(("text", "numbers"), [
    ("0.1.0", (0, 1, 0, 0)), ("1.2.3rc1", (1, 2, 3, 0)), ("2", (2, 0, 0, 0)),
    ("1.2.3.4.5", (1, 2, 3, 4)), ("dev", (0, 0, 0, 0)),
])
def test_windows_version_numbers(text, numbers):
    assert appinfo.version_tuple(text) == numbers


# -- Linux desktop integration --------------------------------------------------------------------

def test_desktop_file_names_the_app_and_its_icon():
    entry = desktop_entry()
    assert entry["Type"] == "Application" and entry["Name"] == appinfo.APP_NAME
    assert entry["Exec"].split()[0] == appinfo.EXECUTABLE
    assert entry["Icon"] == appinfo.APP_ID
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")
    from ui.app import DESKTOP_FILE_NAME  # what the running app tells Wayland it is

    assert DESKTOP_FILE_NAME == appinfo.APP_ID == DESKTOP.stem


def test_metainfo_matches_desktop_file_and_pyproject():
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == appinfo.APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("icon") == appinfo.APP_ID
    assert root.findtext("provides/binary") == appinfo.EXECUTABLE
    assert root.findtext("name") == appinfo.APP_NAME
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert root.findtext("project_license") == pyproject["license"]["text"]
    latest = root.find("releases/release")
    assert latest is not None and latest.get("version") == PYPROJECT_VERSION, (
        "add a <release> for the new version at the top of the metainfo file")


def test_icons_exist_at_every_size_and_are_that_size():
    hicolor = LINUX / "icons" / "hicolor"
    for size in appinfo.ICON_SIZES:
        path = hicolor / f"{size}x{size}" / "apps" / f"{appinfo.APP_ID}.png"
        assert png_size(path) == (size, size)
    scalable = hicolor / "scalable" / "apps" / f"{appinfo.APP_ID}.svg"
    assert scalable.read_bytes() == (ROOT / "assets" / "icons" / "companion.svg").read_bytes(), (
        "run python3 packaging/make_icons.py after changing the SVG")
    ico = (appinfo.ICON_DIR / "companion.ico").read_bytes()
    assert struct.unpack("<HHH", ico[:6])[:2] == (0, 1)
    assert (appinfo.ICON_DIR / "companion.icns").read_bytes()[:4] == b"icns"


def test_flatpak_manifest_is_the_app_and_documents_each_permission():
    manifest = json.loads(FLATPAK.read_text("utf-8"))
    assert manifest["id"] == appinfo.APP_ID
    assert manifest["command"] == appinfo.EXECUTABLE
    guide = (ROOT / "docs" / "packaging.md").read_text("utf-8")
    for permission in manifest["finish-args"]:
        assert f"`{permission}`" in guide, f"docs/packaging.md must say why {permission}"
    assert not [arg for arg in manifest["finish-args"] if arg.startswith("--filesystem")], (
        "files go through the portals; the vault lives in the app's own data folder")
    paths = [(LINUX / source["path"]).resolve() for source in manifest["modules"][-1]["sources"]]
    assert paths[0] == ROOT / "dist"  # where build.py puts the bundle (absent until built)
    for path in paths[1:]:
        assert path.exists(), path


def test_spec_uses_the_shared_names_and_entry_point():
    spec = (ROOT / "packaging" / "companion.spec").read_text("utf-8")
    for needle in ("appinfo.BUNDLE_ID", "appinfo.EXECUTABLE", "appinfo.GUI_EXECUTABLE",
                   "companion_main.py", 'copy_metadata("companion", recursive=True)',
                   '"LSUIElement": False', 'collect_data_files("assets"'):
        assert needle in spec
    main = (ROOT / "packaging" / "companion_main.py").read_text("utf-8")
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert scripts[appinfo.EXECUTABLE] == "companion.cli:console_main"
    assert "from companion.cli import console_main" in main


# -- licenses -------------------------------------------------------------------------------------

def test_every_required_package_has_a_license():
    dists = required_distributions()
    names = {normalize(dist.metadata["Name"]) for dist in dists}
    assert {"pyside6-essentials", "cryptography", "sqlcipher3", "keyring",
            "platformdirs", "zxcvbn"} <= names
    unknown = [dist.metadata["Name"] for dist in dists if not license_of(dist)]
    assert not unknown, f"add these to LICENSE_OVERRIDES in companion/licenses.py: {unknown}"


def test_components_name_the_native_parts_and_companion_first():
    found = {component.name: component for component in components()}
    first = components()[0]
    assert (first.name, first.version, first.license) == (
        "Companion", PYPROJECT_VERSION, "GPL-3.0-or-later")
    assert found["Qt 6"].license.startswith("LGPL-3.0")
    assert found["SQLCipher"].license == "BSD-3-Clause"
    assert found["keyring"].license == "MIT"
    assert "Apache-2.0" in found["cryptography"].license
