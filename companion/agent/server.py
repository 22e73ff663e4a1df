"""The unlock-session agent: one process per vault, holding the data key in memory only.

`companion unlock` starts it (`companion __companion_agent__`) and writes one JSON line to its
standard input: the vault folder, the key, the idle limit and the key file's fingerprint.
Nothing secret is ever on its command line or in its environment. It detaches (double fork,
new session), binds the vault's socket under an exclusive lock on its lock file (so two
`unlock`s at once leave one agent), says "ready" or "busy" on standard output, and serves
one-line JSON requests until one of these ends it: the idle limit, `companion lock`, SIGTERM
(or SIGINT/SIGHUP), the key file changing or vanishing, or its socket being removed.

It never opens the vault (so it never holds the single-instance lock the desktop app needs),
never writes the key anywhere, answers only a peer with its own uid (SO_PEERCRED), and marks
itself non-dumpable so other processes of the user cannot read its memory through ptrace or
/proc (root still can; so could anyone who can already run code as root).
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import os
import select
import signal
import socket
import struct
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from companion.agent.paths import check_private_folder, check_socket_path_fits, session_paths
from companion.agent.wire import read_json_line

REQUEST_LIMIT = 1024
FINGERPRINT_EVERY = 2.0  # seconds between looks at the key file
_PR_SET_DUMPABLE = 4


def harden_process() -> None:
    """No core dumps, no ptrace by other processes of the user, private files."""
    import resource

    os.umask(0o077)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - every glibc/musl has prctl
            pass


def _fingerprint(home: Path) -> str:
    from storage.paths import VaultPaths
    from storage.vault import key_file_fingerprint

    return key_file_fingerprint(VaultPaths(home))


class Agent:
    def __init__(self, home: Path, key: bytearray, idle: int, fingerprint: str) -> None:
        self.home = home
        self.key = key
        self.idle = idle  # seconds without a request; 0: no limit
        self.fingerprint = fingerprint
        self.paths = session_paths(home)
        self.last_use = time.monotonic()
        self.stopping = False
        self._socket: socket.socket | None = None
        self._socket_inode = 0
        self._lock_fd: int | None = None

    # -- start and stop --------------------------------------------------------------------

    def bind(self) -> bool:
        """Claim the vault's session; False if another agent holds it."""
        check_socket_path_fits(self.paths)
        check_private_folder(self.paths.folder, create=True)
        fd = os.open(self.paths.lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._lock_fd = fd
        # Whatever socket is there belongs to an agent that is gone (it would hold the lock).
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.paths.socket)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        previous = os.umask(0o177)
        try:
            server.bind(os.fspath(self.paths.socket))
        finally:
            os.umask(previous)
        os.chmod(self.paths.socket, 0o600)
        server.listen(8)
        self._socket = server
        self._socket_inode = os.lstat(self.paths.socket).st_ino
        return True

    def close(self) -> None:
        for i in range(len(self.key)):
            self.key[i] = 0
        if self._socket is not None:
            try:
                if os.lstat(self.paths.socket).st_ino == self._socket_inode:
                    os.unlink(self.paths.socket)
            except FileNotFoundError:
                pass
            self._socket.close()
            self._socket = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def stop(self, _signum: int = 0, _frame: FrameType | None = None) -> None:
        self.stopping = True

    # -- serving ---------------------------------------------------------------------------

    def deadline(self) -> float | None:
        return None if self.idle == 0 else self.last_use + self.idle

    def until(self) -> float | None:
        """The wall-clock time the session ends if nothing uses it (None: at `lock`)."""
        deadline = self.deadline()
        return None if deadline is None else time.time() + (deadline - time.monotonic())

    def still_valid(self) -> bool:
        if _fingerprint(self.home) != self.fingerprint:
            return False  # a new passphrase, recovery code or restored backup; or no vault
        try:
            return os.lstat(self.paths.socket).st_ino == self._socket_inode
        except FileNotFoundError:
            return False

    def serve(self) -> None:
        assert self._socket is not None
        next_check = time.monotonic() + FINGERPRINT_EVERY
        while not self.stopping:
            now = time.monotonic()
            deadline = self.deadline()
            if deadline is not None and now >= deadline:
                break
            if now >= next_check:
                if not self.still_valid():
                    break
                next_check = now + FINGERPRINT_EVERY
            wait = min(next_check - now, 1.0 if deadline is None else deadline - now)
            try:
                ready, _, _ = select.select([self._socket], [], [], max(wait, 0.0))
            except InterruptedError:  # pragma: no cover - PEP 475 retries select
                continue
            if ready:
                connection, _ = self._socket.accept()
                with connection:
                    self.answer(connection)

    def answer(self, connection: socket.socket) -> None:
        connection.settimeout(2.0)
        try:
            request = read_json_line(connection, REQUEST_LIMIT)
            if _peer_uid(connection) != os.getuid():
                connection.sendall(b'{"error": "refused"}\n')
                return
            reply = self.reply_to(request)
            connection.sendall(json.dumps(reply).encode() + b"\n")
        except (OSError, ValueError):
            return  # a client that vanished or sent nonsense gets nothing

    def reply_to(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        if op == "key":
            if not self.still_valid():
                self.stopping = True
                return {"error": "key-file-changed"}
            self.last_use = time.monotonic()
            return {"key": bytes(self.key).hex(), "until": self.until()}
        if op == "status":
            return {"until": self.until(), "idle": self.idle, "pid": os.getpid()}
        if op == "lock":
            self.stopping = True
            return {"ok": True}
        return {"error": "unknown"}


def _peer_uid(connection: socket.socket) -> int:
    creds = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return int(uid)


def _read_config() -> tuple[Path, bytearray, int, str]:
    raw = sys.stdin.buffer.readline(4096)
    config = json.loads(raw)
    home = Path(config["home"])
    key = bytearray.fromhex(config["key"])
    idle = int(config["idle"])
    fingerprint = str(config["fingerprint"])
    if len(key) != 32 or idle < 0 or not home.is_absolute():
        raise ValueError("bad agent configuration")
    return home, key, idle, fingerprint


def serve_from_stdin() -> int:
    """The agent's entry point (see the module docstring)."""
    harden_process()
    try:
        home, key, idle, fingerprint = _read_config()
    except (ValueError, KeyError, TypeError):
        print("bad-config", flush=True)
        return 2
    sys.stdin.close()
    # Detach: the first child leaves at once (so `unlock` can reap it), the second is the
    # agent, in a new session with no terminal, re-parented to init.
    if os.fork() > 0:
        return 0
    os.setsid()
    if os.fork() > 0:
        os._exit(0)
    agent = Agent(home, key, idle, fingerprint)
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, agent.stop)
    try:
        claimed = agent.bind()
    except Exception:  # a folder that is not private, a full disk …: the client says so
        claimed = None
    print({True: "ready", False: "busy", None: "failed"}[claimed], flush=True)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # the pipes from `unlock` (sys.stdin.close() leaves fd 0 open)
        os.dup2(devnull, fd)
    os.close(devnull)
    try:
        if claimed:
            agent.serve()
    finally:
        agent.close()
    os._exit(0)
