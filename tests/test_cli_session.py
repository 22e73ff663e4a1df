"""`companion unlock`, `lock` and `status`: the unlock session, on good and hostile ground.

The agent is the real one, in its own process (started by `unlock` as a user would); the
commands that use it run in this process through the `cli` fixture, without
--passphrase-stdin (which always means "this passphrase", never the session).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from companion.agent.client import request
from companion.agent.paths import session_paths
from tests.conftest import PASSPHRASE, PROJECT_ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="unlock sessions are Linux-only (docs/security.md)")

NEW_PASSPHRASE = "purple elephant mountain river"


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert (result.code, result.err) == (0, ""), result
    return str(result.out)


def _pid(home: Path) -> int:
    reply = request(home, "status")
    assert reply is not None
    return int(reply["pid"])


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _wait_gone(pid: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while _alive(pid):
        assert time.monotonic() < deadline, f"agent {pid} still running"
        time.sleep(0.05)


@pytest.fixture
def unlocked(cli, vault_home, monkeypatch):  # type: ignore[no-untyped-def]
    """A vault with an unlock session open (15 minutes); ended again afterwards. A WebDAV
    password sits in the environment `unlock` runs in (the agent must not inherit it)."""
    monkeypatch.setenv("COMPANION_WEBDAV_PASSWORD", "webdav-secret-in-the-environment")
    out = ok(cli("unlock"))
    assert out.startswith(f"Unlocked {vault_home} for the command line, until ")
    pid = _pid(vault_home)
    yield vault_home
    cli("lock", passphrase=False)
    _wait_gone(pid)


def test_commands_in_a_session_need_no_passphrase(cli, unlocked):
    assert ok(cli("add", "written in a session", passphrase=False)) == "e1\n"
    assert "written in a session" in ok(cli("list", passphrase=False))
    status = ok(cli("status", passphrase=False))
    assert status.startswith(f"An unlock session is open for {unlocked}, until ")
    assert "(15 minutes after the last one)" in status


def test_lock_ends_the_session_and_commands_ask_again(cli, unlocked):
    pid = _pid(unlocked)
    assert ok(cli("lock", passphrase=False)) == (
        f"Ended the unlock session for {unlocked}; commands ask for the passphrase again.\n")
    _wait_gone(pid)
    assert not session_paths(unlocked).socket.exists()
    result = cli("list", passphrase=False)
    assert result.code == 1 and "no terminal to ask for one" in result.err
    assert ok(cli("lock", passphrase=False)) == f"No unlock session was open for {unlocked}.\n"
    assert ok(cli("status", passphrase=False)).startswith(
        f"No unlock session is open for {unlocked}; commands ask for the passphrase")


def test_status_and_lock_need_no_vault_and_no_passphrase(cli, private_home):
    assert ok(cli("status", passphrase=False)).startswith("No unlock session is open")
    assert ok(cli("lock", passphrase=False)).startswith("No unlock session was open")


def test_a_second_unlock_keeps_the_first_session_and_asks_nothing(cli, unlocked):
    pid = _pid(unlocked)
    out = ok(cli("unlock", passphrase=False))  # no passphrase on stdin: it must not ask
    assert out.startswith(f"An unlock session was already open for {unlocked}, until ")
    assert _pid(unlocked) == pid


def test_two_unlocks_at_once_leave_one_agent(vault_home):
    """Each `unlock` holds the vault while it derives the key, so of several at once one
    starts the session and the others say the vault is busy, or that a session is open."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    runs = [subprocess.Popen([sys.executable, "-m", "companion.cli", "--passphrase-stdin",
                              "unlock"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env) for _ in range(3)]
    outputs = [run.communicate(f"{PASSPHRASE}\n", timeout=60) for run in runs]
    started = [out for out, _ in outputs if out.startswith("Unlocked")]
    others = [out + err for out, err in outputs if not out.startswith("Unlocked")]
    assert len(started) == 1, outputs
    assert all(text.startswith(("An unlock session was already open",
                                "companion: The vault is already open in another"))
               for text in others), others
    pid = _pid(vault_home)
    agents = [p for p in os.listdir("/proc") if p.isdigit() and _is_agent(int(p), vault_home)]
    assert agents == [str(pid)]
    request(vault_home, "lock")
    _wait_gone(pid)


def test_agents_started_at_once_leave_one(vault_home):
    """The agent's own guard, without the vault's lock in front of it: an exclusive lock on
    the session's lock file, taken before the socket is bound."""
    from companion.agent.client import start_session
    from companion.app import CompanionApp

    app = CompanionApp(vault_home)
    app.open()
    app.unlock(PASSPHRASE)
    key, fingerprint = app.vault.data_key_for_session(), app.vault.key_file_fingerprint()
    app.close()
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(
        start_session(vault_home, key, fingerprint, 60))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, True]
    pid = _pid(vault_home)
    request(vault_home, "lock")
    _wait_gone(pid)


def _is_agent(pid: int, home: Path) -> bool:
    """Whether process `pid` is an agent holding `home`'s session (its lock file is open)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        fds = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return False
    return (b"__companion_agent__" in cmdline and _alive(pid)
            and str(session_paths(home).lock) in fds)


def test_a_wrong_passphrase_leaves_no_agent(cli, vault_home):
    result = cli("unlock", passphrase="not the passphrase")
    assert result.code == 1 and "does not open this vault" in result.err
    assert request(vault_home, "status") is None
    assert not session_paths(vault_home).socket.exists()


def test_an_idle_session_ends_by_itself(cli, vault_home):
    ok(cli("unlock", "--for", "1s"))
    pid = _pid(vault_home)
    _wait_gone(pid)
    assert request(vault_home, "status") is None


def test_each_command_extends_the_session(cli, vault_home):
    ok(cli("unlock", "--for", "3s"))
    pid = _pid(vault_home)
    for _ in range(4):  # 4.8 s in all: longer than the limit, never 3 s without a command
        time.sleep(1.2)
        ok(cli("tags", passphrase=False))
    assert _alive(pid)
    request(vault_home, "lock")
    _wait_gone(pid)


def test_for_zero_lasts_until_lock(cli, vault_home):
    ok(cli("unlock", "--for", "0"))
    assert "until `companion lock`" in ok(cli("status", passphrase=False))
    request(vault_home, "lock")


@pytest.mark.parametrize("text", ["soon", "5q", "15x", "8d", "", "1h-5m"])
def test_a_bad_duration_is_a_usage_error(cli, vault_home, text):
    result = cli("unlock", "--for", text)
    assert result.code == 2 and "is not a duration such as 15m" in result.err


@pytest.mark.parametrize("command", ["passwd", "recover"])
def test_a_new_passphrase_ends_the_session(cli, unlocked, command):
    pid = _pid(unlocked)
    if command == "passwd":
        out = ok(cli("passwd", stdin=f"{NEW_PASSPHRASE}\n{NEW_PASSPHRASE}\n"))
    else:
        result = cli("recover", stdin=f"{NEW_PASSPHRASE}\n{NEW_PASSPHRASE}\n",
                     passphrase="WRONG-CODE")
        assert result.code == 1  # a wrong code changes nothing, and ends nothing
        assert _alive(pid)
        return
    assert out.endswith("The unlock session for this vault has ended.\n")
    _wait_gone(pid)


def test_a_key_file_changed_behind_its_back_ends_the_session(cli, unlocked):
    """Another program (the desktop app, a restore) rewrote the key file: the agent hands out
    nothing more, and the command unlocks the usual way with one line saying why."""
    pid = _pid(unlocked)
    os.kill(pid, signal.SIGSTOP)  # so that it cannot notice before the request does
    key_file = unlocked / "vault.key"
    key_file.write_bytes(key_file.read_bytes())  # same bytes: no change, still valid
    os.kill(pid, signal.SIGCONT)
    ok(cli("list", passphrase=False))
    from companion.app import CompanionApp
    app = CompanionApp(unlocked)
    app.change_passphrase(PASSPHRASE, NEW_PASSPHRASE)
    app.close()
    os.kill(pid, signal.SIGSTOP)
    os.kill(pid, signal.SIGCONT)
    result = cli("list", stdin="", passphrase=False)
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines[0] in ("companion: the unlock session has ended: the vault's passphrase or "
                        "key file changed.", "companion: No passphrase was given and there is "
                        "no terminal to ask for one. Run the command in a terminal, or use "
                        "--passphrase-stdin.")
    _wait_gone(pid)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_ends_the_agent_and_removes_its_socket(cli, unlocked, signum):
    pid = _pid(unlocked)
    os.kill(pid, signum)
    _wait_gone(pid)
    assert not session_paths(unlocked).socket.exists()


def test_removing_the_session_folder_ends_the_agent(cli, unlocked):
    """As at logout, when the system empties $XDG_RUNTIME_DIR."""
    pid = _pid(unlocked)
    shutil.rmtree(session_paths(unlocked).folder)
    _wait_gone(pid)


def test_a_stale_socket_from_a_crashed_agent_is_no_session(cli, unlocked):
    pid = _pid(unlocked)
    os.kill(pid, signal.SIGKILL)
    _wait_gone(pid)
    assert session_paths(unlocked).socket.exists()  # left behind, as a crash leaves it
    result = cli("list", passphrase=False)
    assert result.code == 1 and result.err.startswith(
        "companion: No passphrase was given")  # no session, no complaint: the usual path
    out = ok(cli("unlock"))
    assert out.startswith("Unlocked")  # a new agent replaces the stale socket
    assert ok(cli("add", "after the crash", passphrase=False)) == "e1\n"


def test_an_agent_killed_mid_request_falls_back_and_the_vault_is_intact(cli, unlocked):
    ok(cli("add", "kept", passphrase=False))
    pid = _pid(unlocked)
    os.kill(pid, signal.SIGSTOP)  # the request waits in its backlog
    killer = threading.Timer(0.5, os.kill, (pid, signal.SIGKILL))
    killer.start()
    result = cli("list")  # --passphrase-stdin: skips the session entirely
    assert "kept" in ok(result)
    stuck = cli("show", "e1", stdin="", passphrase=False)
    killer.join()
    assert stuck.code == 1
    assert stuck.err.splitlines()[0] in (
        "companion: the unlock session did not answer; unlocking the usual way.",
        "companion: No passphrase was given and there is no terminal to ask for one. Run the "
        "command in a terminal, or use --passphrase-stdin.")
    _wait_gone(pid)
    assert "kept" in ok(cli("show", "e1"))


def test_a_request_stuck_on_a_stopped_agent_falls_back_with_one_line(cli, unlocked):
    pid = _pid(unlocked)
    os.kill(pid, signal.SIGSTOP)
    try:
        result = cli("list", stdin="", passphrase=False)
    finally:
        os.kill(pid, signal.SIGCONT)
    assert result.code == 1
    assert result.err.splitlines() == [
        "companion: the unlock session did not answer; unlocking the usual way.",
        "companion: No passphrase was given and there is no terminal to ask for one. Run the "
        "command in a terminal, or use --passphrase-stdin."]


def test_a_socket_with_loose_permissions_is_refused_and_said(cli, unlocked):
    socket_path = session_paths(unlocked).socket
    os.chmod(socket_path, 0o666)
    result = cli("list", stdin="", passphrase=False)
    assert result.err.splitlines()[0] == (
        f"companion: The unlock-session socket {socket_path} is not private (not a socket, "
        "another user's, or open to others), so it was not used. Remove it; `companion "
        "unlock` makes a new one.")
    os.chmod(socket_path, 0o600)


def test_a_planted_file_in_place_of_the_socket_is_refused(cli, vault_home):
    paths = session_paths(vault_home)
    paths.folder.mkdir(mode=0o700)
    paths.socket.write_text("not a socket")
    result = cli("list", stdin="", passphrase=False)
    assert "is not private (not a socket" in result.err.splitlines()[0]


def test_a_session_folder_open_to_others_is_refused(cli, vault_home):
    paths = session_paths(vault_home)
    paths.folder.mkdir(mode=0o700)
    os.chmod(paths.folder, 0o777)
    result = cli("list", stdin="", passphrase=False)
    assert result.err.splitlines()[0].startswith(
        f"companion: The unlock-session folder {paths.folder} is not private")
    result = cli("unlock")
    assert result.code == 1 and "is not private" in result.err
    assert request_or_none(vault_home) is None


def request_or_none(home: Path) -> object:
    try:
        return request(home, "status")
    except Exception:  # the folder is refused: there is no usable session
        return None


def test_a_session_folder_owned_by_another_user_is_refused(cli, vault_home):
    if os.getuid() != 0:
        pytest.skip("needs root to make a folder owned by another user")
    paths = session_paths(vault_home)
    paths.folder.mkdir(mode=0o700)
    os.chown(paths.folder, 65534, 65534)
    result = cli("unlock")
    assert result.code == 1 and f"{paths.folder} is not private" in result.err


def test_a_client_of_another_uid_is_refused(cli, unlocked):
    """Even with the folder and socket opened up, the agent answers only its own uid."""
    if os.getuid() != 0:
        pytest.skip("needs root to connect as another user")
    paths = session_paths(unlocked)
    for folder in (paths.folder.parent, paths.folder):
        os.chmod(folder, 0o711)
    os.chmod(paths.socket, 0o666)
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os.close(reader)
        try:
            os.setgid(65534)
            os.setuid(65534)
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.settimeout(5)
            client.connect(str(paths.socket))
            client.sendall(b'{"op": "key"}\n')
            os.write(writer, client.recv(4096))
        except BaseException as exc:
            os.write(writer, repr(exc).encode())
        finally:
            os._exit(0)
    os.close(writer)
    answer = b""
    while chunk := os.read(reader, 4096):
        answer += chunk
    os.waitpid(child, 0)
    for folder in (paths.folder.parent, paths.folder):
        os.chmod(folder, 0o700)
    os.chmod(paths.socket, 0o600)
    assert json.loads(answer) == {"error": "refused"}


def test_nothing_secret_on_the_agents_command_line_environment_or_files(cli, unlocked):
    pid = _pid(unlocked)
    proc = Path(f"/proc/{pid}")
    from companion.app import CompanionApp

    app = CompanionApp(unlocked)
    app.open()
    app.unlock(PASSPHRASE)
    key_hex = app.vault.data_key_for_session().hex().encode()
    app.close()
    for part in ("cmdline", "environ"):
        raw = (proc / part).read_bytes()
        assert PASSPHRASE.encode() not in raw and key_hex not in raw, part
        assert b"webdav-secret-in-the-environment" not in raw, part
    opened = {os.readlink(proc / "fd" / fd) for fd in os.listdir(proc / "fd")}
    paths = session_paths(unlocked)
    assert opened <= {"/dev/null", str(paths.lock)} | {
        link for link in opened if link.startswith("socket:")}, opened
    files = [p for p in paths.folder.iterdir()]
    assert sorted(p.name for p in files) == sorted([paths.socket.name, paths.lock.name])
    assert stat.S_IMODE(paths.folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(paths.socket.lstat().st_mode) == 0o600
    assert paths.lock.read_bytes() == b""


def test_a_request_of_nested_brackets_is_refused_like_any_bad_line() -> None:
    import socket

    from companion.agent.wire import read_json_line

    left, right = socket.socketpair()
    with left, right:
        left.sendall(b"[" * 3000 + b"\n")
        with pytest.raises(ValueError):
            read_json_line(right, 4096)
