"""What Companion is built from, and under which licenses: the About dialog's table.

Two sources. Parts that are not Python packages (Qt, SQLCipher, OpenSSL, Python itself) are
named here, with their licenses, because no package metadata describes them. Every Python
package Companion requires, directly or through another, is found by walking the installed
metadata from `companion` down (the PyInstaller bundle copies that metadata, license files
included); its license comes from the metadata, or from LICENSE_OVERRIDES where the metadata
says nothing useful. tests/test_packaging.py fails if a required package has no license here.

Reading ~40 metadata files takes tens of milliseconds: the desktop app calls `components()`
off the GUI thread.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from importlib import metadata

from companion.version import DISTRIBUTION, version

COMPANION_LICENSE = "GPL-3.0-or-later"


@dataclass(frozen=True)
class Component:
    name: str
    version: str  # "" where it cannot be told
    license: str
    note: str = ""


# Parts that are no Python package of their own. Versions come from the modules carrying
# them where those say (the desktop app adds Qt's own version).
NATIVE: tuple[Component, ...] = (
    Component("Python", sys.version.split()[0], "PSF-2.0", "the interpreter"),
    Component("Qt 6", "", "LGPL-3.0-only",
              "as shared libraries, which you may replace"),
    Component("SQLCipher", "", "BSD-3-Clause", "Zetetic; built into sqlcipher3"),
    Component("SQLite", "", "blessing (public domain)", "inside SQLCipher"),
    Component("OpenSSL", "", "Apache-2.0", "in cryptography and SQLCipher"),
    Component("Unicode data", "13.0.0", "Unicode-DFS-2016",
              "confusables.txt and Scripts.txt, for look-alike names; sync/data"),
)

# Packages whose metadata names no license (or only a vague one), by normalized name.
LICENSE_OVERRIDES: dict[str, str] = {
    "sqlcipher3": "Zlib",
    "pyside6-essentials": "LGPL-3.0-only",
    "shiboken6": "LGPL-3.0-only",
    "defusedxml": "PSF-2.0",
    "python-xlib": "LGPL-2.1-or-later",
    "pywin32-ctypes": "BSD-3-Clause",
    "pypdfium2": "Apache-2.0 OR BSD-3-Clause (PDFium: BSD-3-Clause)",
}

_CLASSIFIER_LICENSES = {
    "MIT License": "MIT",
    "BSD License": "BSD",
    "Apache Software License": "Apache-2.0",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "Python Software Foundation License": "PSF-2.0",
    "ISC License (ISCL)": "ISC",
}
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalize(name: str) -> str:
    """PEP 503 names: `jaraco.classes` and `Jaraco_Classes` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def required_distributions(root: str = DISTRIBUTION) -> list[metadata.Distribution]:
    """`root` and every installed package it requires, recursively, without extras.

    A requirement limited to another platform (`; sys_platform == "win32"`) is not installed
    here and so is left out, which is what we want: the bundle for this platform lacks it too.
    """
    found: dict[str, metadata.Distribution] = {}
    pending = [root]
    while pending:
        name = normalize(pending.pop())
        if name in found:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        found[name] = dist
        for requirement in dist.requires or ():
            marker = requirement.partition(";")[2]
            match = _NAME.match(requirement)
            if match and "extra" not in marker:
                pending.append(match.group(1))
    return [found[name] for name in sorted(found)]


def license_of(dist: metadata.Distribution) -> str:
    """The SPDX-ish license of an installed package: override, expression, field, classifier."""
    name = normalize(dist.metadata["Name"] or "")
    if name in LICENSE_OVERRIDES:
        return LICENSE_OVERRIDES[name]
    fields = dist.metadata.json  # lower-case keys; absent fields are simply missing
    expression = fields.get("license_expression")
    if isinstance(expression, str) and expression.strip():
        return expression.strip()
    field = fields.get("license")
    if isinstance(field, str):
        field = field.strip()
        if field and "\n" not in field and len(field) <= 40 and field.upper() != "UNKNOWN":
            return field
    for classifier in dist.metadata.get_all("Classifier") or []:
        if classifier.startswith("License :: OSI Approved :: "):
            label = str(classifier).rsplit(" :: ", 1)[1]
            return _CLASSIFIER_LICENSES.get(label, label)
    return ""


def components() -> list[Component]:
    """Companion itself, the native parts, then every required package (name order)."""
    result = [Component("Companion", version(), COMPANION_LICENSE, "this app")]
    result += NATIVE
    for dist in required_distributions():
        name = str(dist.metadata["Name"] or "")
        if normalize(name) == DISTRIBUTION:
            continue
        result.append(Component(name, dist.version, license_of(dist) or "see its metadata"))
    return result
