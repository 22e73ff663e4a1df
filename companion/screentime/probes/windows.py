"""The Windows probe (ctypes, no extra package): GetForegroundWindow for the app in front (its
process's executable name), GetWindowTextW for the title, GetLastInputInfo for idle time, and
OpenInputDesktop failing for a locked workstation.

Importable everywhere (the tests import it on Linux); it only touches the Win32 API when built
on Windows.
"""

from __future__ import annotations

import ctypes
import sys
from ctypes import wintypes
from pathlib import PureWindowsPath
from typing import Any

from companion.screentime.probes.base import Capabilities, ProbeUnavailable, Sample
from companion.screentime.tracker import ActiveWindow

# A plain str, so type checkers on other systems still check the code below the test.
PLATFORM: str = sys.platform

PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
DESKTOP_SWITCHDESKTOP = 0x0100
MAX_TITLE = 500


class LastInputInfo(ctypes.Structure):
    _fields_ = [("cbSize", wintypes.UINT), ("dwTime", wintypes.DWORD)]


class WindowsProbe:
    def __init__(self) -> None:
        if PLATFORM != "win32":
            raise ProbeUnavailable("the Windows probe runs on Windows only")
        loader: Any = getattr(ctypes, "WinDLL")  # noqa: B009 - absent from ctypes off Windows
        self.user32: Any = loader("user32", use_last_error=True)
        self.kernel32: Any = loader("kernel32", use_last_error=True)
        self.capabilities = Capabilities("Windows", apps=True, titles=True, idle=True,
                                         locked=True)

    def sample(self) -> Sample:
        return Sample(self.active_window(), self.idle_seconds(), self.locked())

    def idle_seconds(self) -> float:
        info = LastInputInfo()
        info.cbSize = ctypes.sizeof(LastInputInfo)
        if not self.user32.GetLastInputInfo(ctypes.byref(info)):
            raise OSError("GetLastInputInfo failed")
        # Both counters wrap every 49.7 days; unsigned 32-bit arithmetic keeps the difference.
        return float((self.kernel32.GetTickCount() - info.dwTime) & 0xFFFFFFFF) / 1000.0

    def locked(self) -> bool:
        desktop = self.user32.OpenInputDesktop(0, False, DESKTOP_SWITCHDESKTOP)
        if not desktop:
            return True  # the secure desktop (lock screen, UAC) has the input
        self.user32.CloseDesktop(desktop)
        return False

    def active_window(self) -> ActiveWindow | None:
        hwnd = self.user32.GetForegroundWindow()
        if not hwnd:
            return None
        length = min(self.user32.GetWindowTextLengthW(hwnd), MAX_TITLE)
        buffer = ctypes.create_unicode_buffer(length + 1)
        self.user32.GetWindowTextW(hwnd, buffer, length + 1)
        pid = wintypes.DWORD()
        self.user32.GetWindowThreadProcessId(hwnd, ctypes.byref(pid))
        return ActiveWindow(self._process_name(pid.value), buffer.value or None)

    def _process_name(self, pid: int) -> str:
        handle = self.kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
        if not handle:
            return "unknown"
        try:
            size = wintypes.DWORD(1024)
            path = ctypes.create_unicode_buffer(size.value)
            if not self.kernel32.QueryFullProcessImageNameW(handle, 0, path,
                                                            ctypes.byref(size)):
                return "unknown"
            return PureWindowsPath(path.value).stem or "unknown"
        finally:
            self.kernel32.CloseHandle(handle)

    def close(self) -> None:
        pass
