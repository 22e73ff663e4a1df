"""A private session D-Bus (a real dbus-daemon) and tiny services on it that answer the way
GNOME Shell and Mutter do, for the Wayland probe.

The services are stand-ins: no GNOME Shell can run here. What is real is the bus, the
messages and the probe's D-Bus code; what is scripted is only the desktop's answers (the idle
time and the focused window), which is what a test wants to control anyway.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from jeepney import HeaderFields, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

Answer = Callable[[], tuple[str, tuple[Any, ...]]]  # → (signature, body)


def require_dbus() -> None:
    if shutil.which("dbus-daemon") is None:
        message = "the Wayland probe tests need dbus-daemon (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def session_bus() -> Iterator[str]:
    """A new session bus; yields its address."""
    require_dbus()
    daemon = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert daemon.stdout is not None
    address = daemon.stdout.readline().strip()
    try:
        yield address
    finally:
        daemon.terminate()
        daemon.wait(10)
        daemon.stdout.close()


@contextmanager
def serving(address: str, name: str, methods: dict[tuple[str, str], Answer]
            ) -> Iterator[None]:
    """Own `name` on the bus and answer calls of (path, member) with `methods`."""
    conn = open_dbus_connection(bus=address)
    conn.send_and_get_reply(message_bus.RequestName(name))
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                msg = conn.receive(timeout=0.1)
            except TimeoutError:
                continue
            except Exception:
                return  # the connection closed: the test is over
            if msg.header.message_type != MessageType.method_call:
                continue
            key = (msg.header.fields[HeaderFields.path],
                   msg.header.fields[HeaderFields.member])
            answer = methods.get(key)
            if answer is None:
                conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))
            else:
                signature, body = answer()
                conn.send(new_method_return(msg, signature, body))

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(5)
        conn.close()


def gnome_idle(idle_ms: Callable[[], int]) -> dict[tuple[str, str], Answer]:
    return {("/org/gnome/Mutter/IdleMonitor/Core", "GetIdletime"):
            lambda: ("t", (idle_ms(),))}


def focused_window(window: Callable[[], dict[str, str]]) -> dict[tuple[str, str], Answer]:
    return {("/org/gnome/shell/extensions/FocusedWindow", "Get"):
            lambda: ("s", (json.dumps(window()),))}
