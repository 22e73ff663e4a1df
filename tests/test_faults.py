"""Faults injected into the real command with strace: an input/output error on fsync, pwrite
or rename, and a full disk behind standard output, at each point of `add`, `import` and
`backup`. Whatever fails, the command says one true line (never "a bug in Companion"), says
what became of the data, and the vault opens and reads afterwards."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, PROJECT_ROOT, run_companion

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("vault_home")]

BUG = "a bug in Companion"
NOT_SAVED = ("may not have been saved", "may not have been written", "nothing was changed",
             "nothing was saved", "not changed")


def require_strace() -> None:
    if shutil.which("strace") is None or subprocess.run(
            ["strace", "-qq", "-o", os.devnull, "true"], check=False).returncode != 0:
        message = "fault injection needs strace with ptrace allowed (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def faulty(syscall: str, error: str, when: str, *argv: str, stdin: str = "",
           only_path: Path | None = None, stdout_to: Path | None = None
           ) -> subprocess.CompletedProcess[str]:
    """`companion ARGV` with `syscall` failing with `error` at the WHEN-th call (strace)."""
    require_strace()
    tracer = ["strace", "-f", "-qq", "-o", os.devnull, "-e", f"trace={syscall}",
              "-e", f"inject={syscall}:error={error}:when={when}"]
    if only_path is not None:
        tracer += ["-P", str(only_path)]
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    command = [*tracer, sys.executable, "-m", "companion.cli", "--passphrase-stdin", *argv]
    with open(stdout_to or os.devnull, "w") as out:
        done = subprocess.run(command, input=f"{PASSPHRASE}\n{stdin}", text=True, stdout=out,
                              stderr=subprocess.PIPE, env=env, cwd=PROJECT_ROOT, timeout=120,
                              check=False)
    return subprocess.CompletedProcess(command, done.returncode,
                                       stdout_to.read_text() if stdout_to else "", done.stderr)


def entries() -> list[dict[str, object]]:
    done = run_companion("--passphrase-stdin", "list", "--json", stdin=PASSPHRASE + "\n")
    assert done.returncode == 0, done.stderr  # the vault opens and reads after every fault
    return json.loads(done.stdout)


def assert_one_true_line(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode in (0, 1), done.stderr
    assert BUG not in done.stderr
    if done.returncode == 1:
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("companion: "), done.stderr


# `add` makes about 5 fsync and 27 pwrite calls (strace -c): opening, keying and migrating the
# vault, then the entry's transaction and the WAL.
@pytest.mark.parametrize(("syscall", "points"), [("fsync", range(1, 7)),
                                                 ("pwrite64", (1, 3, 5, 8, 12, 17, 22, 27))])
def test_add_under_input_output_errors(syscall: str, points: range | tuple[int, ...]) -> None:
    for when in points:
        title = f"{syscall} at call {when}"
        done = faulty(syscall, "EIO", str(when), "add", "-", stdin=title + "\n")
        assert_one_true_line(done)
        saved = any(e["title"] == title for e in entries())
        if done.returncode == 0:
            assert saved, title
        else:
            assert any(phrase in done.stderr for phrase in NOT_SAVED), done.stderr
            if "nothing was changed" in done.stderr:
                assert not saved, title


def test_import_under_input_output_errors(tmp_path: Path) -> None:
    source = tmp_path / "export.json"
    run_companion("--passphrase-stdin", "add", "-", stdin=f"{PASSPHRASE}\nOne\nbody\n")
    exported = run_companion("--passphrase-stdin", "export", "json", "-o", str(source),
                             stdin=PASSPHRASE + "\n")
    assert exported.returncode == 0, exported.stderr
    before = entries()
    other = tmp_path / "other"
    shutil.copytree(os.environ["COMPANION_HOME"], other)
    for syscall in ("fsync", "pwrite64"):
        for when in (1, 4, 10, 20):
            done = faulty(syscall, "EIO", str(when), "--home", str(other), "import", "json",
                          str(source))
            assert_one_true_line(done)
            listed = run_companion("--home", str(other), "--passphrase-stdin", "list",
                                   "--json", stdin=PASSPHRASE + "\n")
            assert listed.returncode == 0, listed.stderr
            assert len(json.loads(listed.stdout)) in (len(before), 2 * len(before))


def test_backup_under_input_output_errors(tmp_path: Path) -> None:
    for syscall, calls in (("fsync", 3), ("rename", 2), ("pwrite64", 4)):
        for when in range(1, calls + 1):
            target = tmp_path / f"{syscall}-{when}.cbak"
            done = faulty(syscall, "EIO", str(when), "backup", str(target))
            assert_one_true_line(done)
            if done.returncode == 1 and "written" in done.stderr:
                assert str(target) in done.stderr or "vault" in done.stderr, done.stderr
            assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
            entries()


def test_a_full_disk_behind_standard_output_says_the_entry_was_saved(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    out.touch()
    done = faulty("write", "ENOSPC", "1+", "add", "-", stdin="Kept\nbody\n", only_path=out,
                  stdout_to=out)
    assert (done.returncode, done.stderr) == (1, (
        "companion: your changes were saved, but the output could not be written (No space "
        "left on device).\n"))
    assert [e["title"] for e in entries()] == ["Kept"]  # saved once: a retry would duplicate
    done = faulty("write", "ENOSPC", "1+", "list", only_path=out, stdout_to=out)
    assert done.stderr == ("companion: the vault was not changed, but the output could not be "
                           "written (No space left on device).\n")


# -- restore-backup killed at each step ---------------------------------------------------------


def restore_killed(syscall: str, when: int, backup: Path) -> subprocess.CompletedProcess[str]:
    require_strace()
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.run(
        ["strace", "-f", "-qq", "-o", os.devnull, "-e", f"trace={syscall}",
         "-e", f"inject={syscall}:signal=KILL:when={when}", sys.executable, "-m",
         "companion.cli", "--passphrase-stdin", "restore-backup", str(backup)],
        input=f"{PASSPHRASE}\n", text=True, capture_output=True, env=env, cwd=PROJECT_ROOT,
        timeout=120, check=False)


def titles(home: Path) -> tuple[list[str], str]:
    done = run_companion("--home", str(home), "--passphrase-stdin", "list", "--json",
                         stdin=PASSPHRASE + "\n")
    assert done.returncode == 0, done.stderr
    return [item["title"] for item in json.loads(done.stdout)], done.stderr


def test_restore_killed_at_any_step_leaves_a_whole_vault(tmp_path: Path) -> None:
    """SIGKILL at each rename and fsync of `restore-backup`: the next start finds either the
    old vault, untouched, or the restored one (saying it finished the restore and where the
    old one is kept), never an empty folder or half of each; no staging files stay."""
    home = Path(os.environ["COMPANION_HOME"])
    run_companion("--passphrase-stdin", "add", "-", stdin=f"{PASSPHRASE}\nNEW\nfrom the backup\n")
    backup = tmp_path / "new.cbak"
    assert run_companion("--passphrase-stdin", "backup", str(backup),
                         stdin=PASSPHRASE + "\n").returncode == 0
    run_companion("--passphrase-stdin", "delete", "e1", stdin=PASSPHRASE + "\n")
    run_companion("--passphrase-stdin", "add", "-", stdin=f"{PASSPHRASE}\nOLD\nin place\n")
    pristine = tmp_path / "pristine"
    shutil.copytree(home, pristine)
    outcomes = set()
    for syscall, calls in (("rename", 6), ("fsync", 10)):
        for when in range(1, calls + 1):
            shutil.rmtree(home)
            shutil.copytree(pristine, home)
            killed = restore_killed(syscall, when, backup)
            found, said = titles(home)
            leftovers = [p.name for p in home.iterdir()
                         if p.name not in ("vault.db", "vault.key", "vault.lock")
                         and not p.name.startswith(("vault.db-", "pre-restore-"))]
            assert leftovers == [], (syscall, when, leftovers)
            if found == ["NEW"]:
                outcomes.add("restored")
                aside = [p for p in home.iterdir() if p.name.startswith("pre-restore-")]
                assert len(aside) == 1
                assert titles(aside[0])[0] == ["OLD"]  # the replaced vault, whole
                if killed.returncode != 0:
                    assert "it has now been completed" in said, (syscall, when, said)
            else:
                outcomes.add("untouched")
                assert found == ["OLD"], (syscall, when, found)
    assert outcomes == {"restored", "untouched"}  # kills landed before and after the commit


def test_rekey_killed_at_any_step_leaves_one_whole_vault(tmp_path: Path) -> None:
    """`passwd --rekey` killed at each rename and fsync: the next start finds the vault under
    its old key and passphrase, untouched, or under the new ones (finished, and said so);
    never neither, and no staging or replaced files stay."""
    from tests.support.storage_helpers import OTHER_PASSPHRASE

    home = Path(os.environ["COMPANION_HOME"])
    run_companion("--passphrase-stdin", "add", "-", stdin=f"{PASSPHRASE}\nKept\nbody\n")
    pristine = tmp_path / "pristine"
    shutil.copytree(home, pristine)
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    require_strace()
    outcomes = set()
    for syscall, calls in (("rename", 4), ("fsync", 8)):
        for when in range(1, calls + 1):
            shutil.rmtree(home)
            shutil.copytree(pristine, home)
            subprocess.run(
                ["strace", "-f", "-qq", "-o", os.devnull, "-e", f"trace={syscall}",
                 "-e", f"inject={syscall}:signal=KILL:when={when}", sys.executable, "-m",
                 "companion.cli", "--passphrase-stdin", "passwd", "--rekey"],
                input=f"{PASSPHRASE}\n{OTHER_PASSPHRASE}\n{OTHER_PASSPHRASE}\n", text=True,
                capture_output=True, env=env, cwd=PROJECT_ROOT, timeout=120, check=False)
            opened = {}
            for name, secret in (("old", PASSPHRASE), ("new", OTHER_PASSPHRASE)):
                done = run_companion("--passphrase-stdin", "list", "--json", stdin=secret + "\n")
                if done.returncode == 0:
                    opened[name] = ([i["title"] for i in json.loads(done.stdout)], done.stderr)
            assert len(opened) == 1, (syscall, when, opened)
            [(which, (titles, said))] = opened.items()
            assert titles == ["Kept"], (syscall, when)
            outcomes.add(which)
            leftovers = [p.name for p in home.iterdir()
                         if p.name not in ("vault.db", "vault.key", "vault.lock")
                         and not p.name.startswith("vault.db-")]
            assert leftovers == [], (syscall, when, leftovers)
    assert outcomes == {"old", "new"}


def test_a_full_disk_behind_standard_output_says_the_backup_was_written(tmp_path: Path) -> None:
    out, target = tmp_path / "out.txt", tmp_path / "kept.cbak"
    out.touch()
    done = faulty("write", "ENOSPC", "1+", "backup", str(target), only_path=out,
                  stdout_to=out)
    assert (done.returncode, done.stderr) == (1, (
        f"companion: The backup was written to {target}, but this could not be printed (No "
        "space left on device).\n"))
    assert target.stat().st_size > 0
