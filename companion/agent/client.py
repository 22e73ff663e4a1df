"""What commands use to reach a vault's unlock session: ask for the key, its status, or its
end; and `companion unlock`'s way to start one.

Every failure to reach a session is harmless: the command falls back to the keyring or the
passphrase, with one line on standard error when a session was there but could not be used.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion.agent import AGENT_ARGUMENT
from companion.agent.paths import (
    SessionUnsafe,
    check_private_folder,
    check_private_socket,
    check_socket_path_fits,
    session_paths,
    socket_path_fits,
)
from companion.agent.wire import read_json_line
from companion.errors import UserError

if TYPE_CHECKING:
    from companion.app import CompanionApp

REPLY_LIMIT = 4096
AGENT_ENVIRONMENT = frozenset({"PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TEMP",
                               "TMP", "XDG_RUNTIME_DIR", "PYTHONPATH", "PYTHONHOME",
                               "SYSTEMROOT", "LD_LIBRARY_PATH"})
ANSWER_SECONDS = 2.0
START_SECONDS = 15.0


class SessionBroken(Exception):
    """A session socket was there, but the agent behind it did not answer properly."""


@dataclass(frozen=True)
class SessionStatus:
    until: float | None  # wall-clock end if unused (None: until `companion lock`)
    idle: int  # seconds without a command that end it (0: no limit)


def supported() -> bool:
    """Sessions rely on Unix sockets and SO_PEERCRED: Linux only, for now."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_PEERCRED")


def request(home: Path, op: str) -> dict[str, Any] | None:
    """The agent's answer to `op`, or None when no session is open for `home`.

    Raises SessionUnsafe (a folder or socket that is not private) or SessionBroken."""
    if not supported():
        return None
    paths = session_paths(home)
    if not socket_path_fits(paths) or not check_private_folder(paths.folder, create=False):
        return None
    if not check_private_socket(paths.socket):
        return None
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(ANSWER_SECONDS)
    try:
        try:
            client.connect(os.fspath(paths.socket))
        except (ConnectionRefusedError, FileNotFoundError):
            return None  # a socket left by an agent that crashed: no session
        client.sendall(json.dumps({"op": op}).encode() + b"\n")
        return read_json_line(client, REPLY_LIMIT)
    except (OSError, ValueError) as exc:  # a stopped, killed or confused agent
        raise SessionBroken(type(exc).__name__) from None
    finally:
        client.close()


def _say(line: str) -> None:
    print(f"companion: {line}", file=sys.stderr)


def unlock_from_session(app: CompanionApp) -> bool:
    """Unlock `app`'s opened vault with its session's key; False (after one line on stderr
    when a session was there) to let the caller unlock the usual way."""
    try:
        reply = request(app.home, "key")
    except SessionUnsafe as exc:
        _say(" ".join(str(exc).split()))
        return False
    except SessionBroken:
        _say("the unlock session did not answer; unlocking the usual way.")
        return False
    if reply is None:
        return False
    if reply.get("error") == "key-file-changed":
        _say("the unlock session has ended: the vault's passphrase or key file changed.")
        return False
    key_hex = reply.get("key")
    try:
        key = bytes.fromhex(key_hex) if isinstance(key_hex, str) else b""
    except ValueError:
        key = b""
    if len(key) == 32 and app.unlock_with_data_key(key):
        return True
    _say("the unlock session's key does not open this vault; unlocking the usual way.")
    return False


def session_status(home: Path) -> SessionStatus | None:
    reply = request(home, "status")
    if reply is None:
        return None
    until, idle = reply.get("until"), reply.get("idle")
    if not (until is None or isinstance(until, int | float)) or not isinstance(idle, int):
        raise SessionBroken("bad status")
    return SessionStatus(until=None if until is None else float(until), idle=idle)


def end_session(home: Path) -> bool:
    """Ask the vault's session to end; True if one was open and ended."""
    try:
        reply = request(home, "lock")
    except (SessionUnsafe, SessionBroken):
        return False
    return bool(reply and reply.get("ok"))


def agent_command() -> list[str]:
    if getattr(sys, "frozen", False):  # the PyInstaller bundle: its executable is `companion`
        return [sys.executable, AGENT_ARGUMENT]
    return [sys.executable, "-m", "companion.cli", AGENT_ARGUMENT]


def check_can_start(home: Path) -> None:
    """Raise the reason a session for `home` could not start here, before any passphrase."""
    if not supported():
        raise UserError("Unlock sessions work on Linux only, for now.",
                        "Commands ask for the passphrase as before, or use `companion "
                        "remember`.")
    paths = session_paths(home)
    check_socket_path_fits(paths)
    check_private_folder(paths.folder, create=True)


def start_session(home: Path, data_key: bytes, fingerprint: str, idle: int) -> bool:
    """Start the agent for `home`; False if another agent already holds the session."""
    import subprocess
    # Only what the agent needs to find its folder and run: nothing else of this
    # environment (a WebDAV password in $COMPANION_WEBDAV_PASSWORD, say) lives on in it.
    env = {name: value for name, value in os.environ.items() if name in AGENT_ENVIRONMENT}
    if not getattr(sys, "frozen", False):
        # The agent imports this package from where this process did, installed or not.
        root = str(Path(__file__).resolve().parent.parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    config = json.dumps({"home": os.path.realpath(home), "key": data_key.hex(), "idle": idle,
                         "fingerprint": fingerprint})
    process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        agent_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, cwd="/", env=env, close_fds=True)
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(config.encode() + b"\n")
        process.stdin.close()
        answer = _read_answer(process.stdout)
    finally:
        process.stdout.close()
        try:
            process.wait(timeout=START_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if answer == "ready":
        return True
    if answer == "busy":
        return False
    raise UserError("The unlock session could not start; nothing was kept in memory.",
                    "Commands ask for the passphrase as before.")


def _read_answer(stream: Any) -> str:
    import selectors

    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        if not selector.select(START_SECONDS):
            return ""
        return str(stream.readline(64).decode("ascii", "replace").strip())
