"""A guard against a PySide6 reference bug that would abort the app on Python 3.11.

Shiboken6 6.12.0 hands `None`, `True` and `False` to Python without taking a reference to
them, as if they were immortal (as they are from Python 3.12 on). So on 3.11 every call of a
Qt method that returns nothing (`update()`, `setText()`, …), every empty QVariant read
(`QModelIndex.data()`, `QComboBox.currentData()`) and every `signal.emit()` takes a reference
from None or from a bool, and after some tens of thousands of calls the interpreter frees one
and aborts ("Fatal Python error: none_dealloc: deallocating None").

`keep_singletons_alive()` measures the bug with a few harmless calls and, only where it shows,
gives None, True and False a reference count so large (2**40) that no session can use it up:
what Python 3.12 does for every immortal object. `ui.models` calls it when imported, before any
page builds a view.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject

_SINGLETONS = (None, True, False)
_state = {"applied": False}


def _add_references(obj: object, count: int) -> None:
    # ob_refcnt is the first field of every CPython object (a Py_ssize_t).
    ctypes.c_ssize_t.from_address(id(obj)).value += count


def qt_drops_singleton_references() -> bool:
    """Whether a Qt method returning nothing takes a reference from None (measured)."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False  # immortal there
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(64):
        probe.setObjectName("probe")
    lost = before - sys.getrefcount(None)
    if lost > 0:
        _add_references(None, lost)  # the probe's own losses, given back
    return lost >= 32


def keep_singletons_alive() -> bool:
    """Make None, True and False practically immortal where Qt drops references to them;
    returns whether it had to."""
    if _state["applied"] or not qt_drops_singleton_references():
        return False
    for obj in _SINGLETONS:
        _add_references(obj, 1 << 40)
    _state["applied"] = True
    return True
