"""GNOME and KDE on Wayland, over the session D-Bus (jeepney, pure Python).

Wayland keeps each app's windows private, so what Companion sees depends on the desktop:
- idle time: GNOME's `org.gnome.Mutter.IdleMonitor.GetIdletime`, or KDE's
  `org.freedesktop.ScreenSaver.GetSessionIdleTime`;
- a locked screen: `GetActive` of `org.gnome.ScreenSaver` / `org.freedesktop.ScreenSaver`;
- the app in front: only on GNOME with the "Focused Window D-Bus" shell extension installed
  (`org.gnome.shell.extensions.FocusedWindow.Get`, JSON with `wm_class` and `title`).
Without the extension (and on KDE, which would need a KWin script) Companion measures total
active time only, and says so.
"""

from __future__ import annotations

import contextlib
import importlib
import json
from collections.abc import Mapping
from typing import Any

from companion.screentime.probes.base import UNKNOWN_APP, Capabilities, ProbeUnavailable, Sample
from companion.screentime.tracker import ActiveWindow

TIMEOUT = 1.0  # seconds: a desktop that does not answer within this is treated as no answer
MAX_TITLE = 500

_GNOME_IDLE = ("org.gnome.Mutter.IdleMonitor", "/org/gnome/Mutter/IdleMonitor/Core",
               "org.gnome.Mutter.IdleMonitor", "GetIdletime")
_FREEDESKTOP_IDLE = ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver",
                     "org.freedesktop.ScreenSaver", "GetSessionIdleTime")
_GNOME_LOCKED = ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver",
                 "GetActive")
_FREEDESKTOP_LOCKED = ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver",
                       "org.freedesktop.ScreenSaver", "GetActive")
_FOCUSED = ("org.gnome.Shell", "/org/gnome/shell/extensions/FocusedWindow",
            "org.gnome.shell.extensions.FocusedWindow", "Get")

Method = tuple[str, str, str, str]


class WaylandProbe:
    def __init__(self, env: Mapping[str, str]) -> None:
        try:
            self._jeepney: Any = importlib.import_module("jeepney")
            importlib.import_module("jeepney.wrappers")
            blocking: Any = importlib.import_module("jeepney.io.blocking")
        except ImportError:
            raise ProbeUnavailable("jeepney (for D-Bus) is not installed") from None
        try:
            # The address from the environment given (the session's own, normally).
            address = env.get("DBUS_SESSION_BUS_ADDRESS") or "SESSION"
            self.conn: Any = blocking.open_dbus_connection(bus=address)
        except Exception as exc:
            raise ProbeUnavailable(f"no session D-Bus ({type(exc).__name__})") from None
        desktop = env.get("XDG_CURRENT_DESKTOP", "")
        name = "KDE" if "KDE" in desktop.upper() else "GNOME" if "GNOME" in desktop.upper() \
            else desktop or "this desktop"
        self.idle_method = self._first_answering(_GNOME_IDLE, _FREEDESKTOP_IDLE)
        self.locked_method = self._first_answering(_GNOME_LOCKED, _FREEDESKTOP_LOCKED)
        self.focused_method = self._first_answering(_FOCUSED)
        if self.idle_method is None and self.focused_method is None:
            self.close()
            raise ProbeUnavailable(f"{name} on Wayland answers neither idle time nor the "
                                   "focused window over D-Bus")
        notes = []
        if self.focused_method is None:
            notes.append("Wayland does not tell apps which window is in front; on GNOME, the "
                         "'Focused Window D-Bus' shell extension lets Companion see it.")
        self.capabilities = Capabilities(
            f"{name} on Wayland", apps=self.focused_method is not None,
            titles=self.focused_method is not None, idle=self.idle_method is not None,
            locked=self.locked_method is not None, note=" ".join(notes))

    def _call(self, method: Method) -> Any:
        bus_name, path, interface, member = method
        address = self._jeepney.DBusAddress(path, bus_name=bus_name, interface=interface)
        reply = self.conn.send_and_get_reply(
            self._jeepney.new_method_call(address, member), timeout=TIMEOUT)
        body = self._jeepney.wrappers.unwrap_msg(reply)  # an error reply raises here
        return body[0] if body else None

    def _first_answering(self, *methods: Method) -> Method | None:
        for method in methods:
            try:
                self._call(method)
            except Exception:  # not offered by this desktop: try the next way
                continue
            return method
        return None

    def sample(self) -> Sample:
        idle = 0.0
        if self.idle_method is not None:
            idle = float(self._call(self.idle_method)) / 1000.0
        locked = bool(self._call(self.locked_method)) if self.locked_method else False
        if self.focused_method is not None:
            active = self._focused()
        else:
            # Total active time only: one pseudo-app while input comes in.
            active = ActiveWindow(UNKNOWN_APP, None)
        return Sample(active, idle, locked)

    def _focused(self) -> ActiveWindow | None:
        assert self.focused_method is not None
        raw = self._call(self.focused_method)
        try:
            data = json.loads(raw) if isinstance(raw, str) else None
        except (ValueError, RecursionError):
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("wm_class"), str):
            return None
        title = data.get("title")
        return ActiveWindow(data["wm_class"] or "unknown",
                            title[:MAX_TITLE] if isinstance(title, str) and title else None)

    def close(self) -> None:
        with contextlib.suppress(Exception):  # already closed by the bus: nothing to release
            self.conn.close()
