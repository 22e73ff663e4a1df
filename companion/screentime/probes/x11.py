"""The X11 probe (python-xlib): `_NET_ACTIVE_WINDOW`, `WM_CLASS`, the title, and idle time
from the MIT-SCREEN-SAVER extension.

The app name is the WM_CLASS class ("XTerm", "firefox"), as ActivityWatch reports it. The
window manager must support EWMH for `_NET_ACTIVE_WINDOW` (all current ones do; a bare X
server without one has no active window, and then nothing is counted).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import warnings
from typing import Any

from companion.screentime.probes.base import Capabilities, ProbeUnavailable, Sample
from companion.screentime.tracker import ActiveWindow

MAX_TITLE = 500


class X11Probe:
    def __init__(self, display_name: str | None = None) -> None:
        try:
            display_mod: Any = importlib.import_module("Xlib.display")
            self._xerror: Any = importlib.import_module("Xlib.error")
            self._x: Any = importlib.import_module("Xlib.X")
        except ImportError:
            raise ProbeUnavailable("python-xlib is not installed") from None
        failure = ""
        # python-xlib drops the sockets of a failed connection without closing them; let them
        # go here, quietly, rather than warn about them at some random later moment.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                self.display: Any = display_mod.Display(display_name)
            except Exception as exc:  # Xlib raises its own DisplayError family, and OSError
                failure = type(exc).__name__
            if failure:
                gc.collect()
        if failure:
            raise ProbeUnavailable(f"cannot connect to the X server ({failure})")
        # Errors for windows that vanished between two requests arrive asynchronously;
        # they are expected and answered by treating the moment as "no window".
        self.display.set_error_handler(lambda *args: None)
        self.root: Any = self.display.screen().root
        atom = self.display.intern_atom
        self._active, self._net_name = atom("_NET_ACTIVE_WINDOW"), atom("_NET_WM_NAME")
        self._utf8 = atom("UTF8_STRING")
        self._has_idle = bool(self.display.has_extension("MIT-SCREEN-SAVER"))
        note = "" if self._has_idle else (
            "The X server lacks the MIT-SCREEN-SAVER extension, so idle time is unknown.")
        self.capabilities = Capabilities("X11", apps=True, titles=True, idle=self._has_idle,
                                         locked=self._has_idle, note=note)

    def sample(self) -> Sample:
        idle, locked = 0.0, False
        if self._has_idle:
            info = self.root.screensaver_query_info()
            idle = info.idle / 1000.0
            locked = info.state == 1  # ScreenSaverOn: the saver (or a locker using it) runs
        return Sample(self.active_window(), idle, locked)

    def active_window(self) -> ActiveWindow | None:
        try:
            prop = self.root.get_full_property(self._active, self._x.AnyPropertyType)
            if prop is None or not prop.value or not prop.value[0]:
                return None
            window = self.display.create_resource_object("window", int(prop.value[0]))
            wm_class = window.get_wm_class()
            title = self._title(window)
        except (self._xerror.XError, self._xerror.BadWindow):
            return None  # the window closed while we asked about it
        app = str(wm_class[1] or wm_class[0]) if wm_class else "unknown"
        return ActiveWindow(app, title)

    def _title(self, window: Any) -> str | None:
        prop = window.get_full_property(self._net_name, self._utf8)
        if prop is not None and prop.value:
            raw = prop.value
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        else:
            name = window.get_wm_name()
            if not name:
                return None
            text = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        return text[:MAX_TITLE] or None

    def close(self) -> None:
        with contextlib.suppress(Exception):  # the connection may already be gone
            self.display.close()
