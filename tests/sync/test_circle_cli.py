"""`companion circle …` on bad input and failing storage: a clear line, the right exit code,
nothing lost, and `circle sync` exiting 0 when it rejected hostile files."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from companion.clock import FakeClock
from sync import actions
from tests.conftest import CliResult
from tests.support.webdav_server import WebDavServer
from tests.sync.circle_helpers import everyone_syncs, trio


@pytest.fixture
def admin(vault_home: Path, cli: Callable[..., CliResult], tmp_path: Path) -> Path:
    shared = tmp_path / "shared"
    shared.mkdir()
    result = cli("circle", "create", "Friends", "--storage", f"folder:{shared}", "--name", "Ann")
    assert result.code == 0, result.err
    return shared


def test_a_damaged_invite_code_is_refused_plainly(vault_home: Path,
                                                   cli: Callable[..., CliResult]) -> None:
    for code in ("hello", "companion-invite-1:AAAA", "companion-invite-1:" + "A" * 190):
        result = cli("circle", "join", code, "--storage", "folder:/tmp")
        assert result.code == 1
        assert "invite code cannot be used" in result.err and "Traceback" not in result.err


def test_a_folder_circle_needs_the_joiners_own_folder(admin: Path,
                                                      cli: Callable[..., CliResult],
                                                      tmp_path: Path) -> None:
    code = cli("circle", "invite", "Friends").out.strip().splitlines()[-1]
    other = tmp_path / "bob"
    assert cli("--home", str(other), "init", stdin="correct horse battery staple\n").code == 0
    result = cli("--home", str(other), "circle", "join", code)
    assert result.code == 1 and "--storage folder:PATH" in result.err


def test_unknown_circles_members_and_posts_are_named(admin: Path,
                                                     cli: Callable[..., CliResult]) -> None:
    assert "No circle called “Family”" in cli("circle", "feed", "Family").err
    assert "No member “Zed”" in cli("circle", "verify", "Friends", "Zed").err
    assert "No post p99" in cli("circle", "reply", "Friends", "p99", "hi").err
    bad = cli("circle", "create", "Other", "--storage", "ftp://example.org")
    assert bad.code == 1 and "folder: or webdav:" in bad.err
    same = cli("circle", "create", "friends", "--storage", f"folder:{admin}")
    assert same.code == 1 and "already have a circle" in same.err
    assert cli("circle", "checkin", "Friends", "--mood", "9").code == 1


def test_invite_writes_a_qr_code_and_prints_the_code_last(admin: Path, tmp_path: Path,
                                                          cli: Callable[..., CliResult]) -> None:
    result = cli("circle", "invite", "Friends", "--qr", str(tmp_path / "invite.png"))
    assert result.code == 0
    assert result.out.strip().splitlines()[-1].startswith("companion-invite-2:")
    assert (tmp_path / "invite.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "invite.png").stat().st_mode & 0o777 == 0o600  # the invite is a secret


def test_the_invite_qr_is_never_written_through_a_symlink(admin: Path, tmp_path: Path,
                                                         cli: Callable[..., CliResult]) -> None:
    """Another user could leave a link where the image will go, pointing at a file they can
    read (or one of ours to clobber): the command refuses, and with --force replaces the link
    itself."""
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not to be touched", "utf-8")
    link = tmp_path / "invite.png"
    link.symlink_to(elsewhere)
    result = cli("circle", "invite", "Friends", "--qr", str(link))
    assert result.code == 1 and "already exists; no invite was made" in result.err
    assert link.is_symlink() and elsewhere.read_text("utf-8") == "not to be touched"
    result = cli("circle", "invite", "Friends", "--qr", str(link), "--force")
    assert result.code == 0, result.err
    assert not link.is_symlink() and link.read_bytes()[:4] == b"\x89PNG"
    assert elsewhere.read_text("utf-8") == "not to be touched"
    assert link.stat().st_mode & 0o777 == 0o600


def test_sync_says_how_many_hostile_files_it_rejected_and_exits_0(
        admin: Path, cli: Callable[..., CliResult], tmp_path: Path) -> None:
    bob = tmp_path / "bob"
    assert cli("--home", str(bob), "init", stdin="correct horse battery staple\n").code == 0
    code = cli("circle", "invite", "Friends").out.strip().splitlines()[-1]
    assert cli("--home", str(bob), "circle", "join", code, "--storage", f"folder:{admin}",
               "--name", "Bob").code == 0
    cli("circle", "sync")
    cli("--home", str(bob), "circle", "sync")
    cli("--home", str(bob), "circle", "post", "Friends", "--title", "Hi", "honest")
    cli("--home", str(bob), "circle", "sync")
    newest = max(admin.iterdir(), key=lambda p: p.stat().st_mtime_ns)
    newest.write_bytes(newest.read_bytes()[:-10])  # truncated on the way
    result = cli("circle", "sync")
    assert result.code == 0, result.err
    assert "Rejected 1 file that failed the checks" in result.out
    # Version 2: a damaged object in a member's place is skipped (the sender's next try at
    # that place is read), and said.
    assert ("1 × message length does not match its header (skipped; the sender's next try is "
            "read)") in result.out
    status = cli("circle", "status", "Friends").out
    assert "message length does not match its header" in status
    assert json.loads(cli("circle", "feed", "Friends", "--json").out) == []


def test_a_wrong_webdav_password_is_said_plainly_and_the_outbox_keeps_its_messages(
        vault_home: Path, cli: Callable[..., CliResult], webdav_server: WebDavServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPANION_WEBDAV_USER", webdav_server.user)
    monkeypatch.setenv("COMPANION_WEBDAV_PASSWORD", webdav_server.password)
    url = webdav_server.url_for("friends")
    assert cli("circle", "create", "Friends", "--storage", f"webdav:{url}").code == 0
    cli("circle", "post", "Friends", "--title", "Kept", "safe in the outbox")
    webdav_server.fail(401)
    result = cli("circle", "sync")
    assert result.code == 1
    assert "did not accept the user name or app password" in result.err
    assert "(401)" in result.err
    assert webdav_server.password not in result.err + result.out
    listed = json.loads(cli("circle", "list", "--json").out)
    assert listed[0]["waiting"] == 1
    webdav_server.clear_faults()
    assert "1 sent" in cli("circle", "sync").out


def test_an_unreachable_server_is_said_plainly(vault_home: Path,
                                               cli: Callable[..., CliResult],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPANION_WEBDAV_USER", "someone")
    monkeypatch.setenv("COMPANION_WEBDAV_PASSWORD", "app-password-123")
    result = cli("circle", "create", "Friends", "--storage", "webdav:http://127.0.0.1:9/dav/")
    assert result.code == 1 and "cannot be reached" in result.err
    assert "app-password-123" not in result.err
    assert json.loads(cli("circle", "list", "--json").out) == []


def test_a_peers_post_cannot_drive_the_terminal(tmp_path: Path, clock: FakeClock,
                                                 cli: Callable[..., CliResult]) -> None:
    """A lying peer's app skips the checks ours makes. Receivers refuse C0 and C1 controls
    (tests/sync/test_receiver_checks.py); the bidi controls, which right-to-left writers may
    use, arrive, and `circle feed` shows them escaped."""
    members = trio(tmp_path, clock)  # closes the three apps when closed itself
    ann, bob, _, _ = next(members)
    hostile = "Hi\u202eoops\u2066isolated\u2069\u200f"
    with bob.app.circles.service.db.transaction() as cur:
        actions.queue(bob.app.circles.service.engine, cur, bob.row, "note",
                      {"title": hostile, "body": hostile})
    everyone_syncs(bob, ann)
    ann.app.close()
    for argv in (("circle", "feed", "Friends"), ("circle", "members", "Friends"),
                 ("circle", "feed", "Friends", "--json")):
        result = cli("--home", str(ann.app.home), *argv)
        assert result.code == 0, result.err
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", result.out)
    shown = cli("--home", str(ann.app.home), "circle", "feed", "Friends").out
    assert "\\u202eoops" in shown and "\\u2066isolated\\u2069" in shown
    [post] = json.loads(cli("--home", str(ann.app.home), "circle", "feed", "Friends",
                            "--json").out)
    assert post["title"] == hostile  # --json stays exact
    members.close()


def _bob(cli: Callable[..., CliResult], tmp_path: Path) -> str:
    home = tmp_path / "bob"
    assert cli("--home", str(home), "init", stdin="correct horse battery staple\n").code == 0
    return str(home)


def test_a_mistyped_folder_on_join_is_said_and_nothing_is_made(
        admin: Path, cli: Callable[..., CliResult], tmp_path: Path) -> None:
    """Seen by a reviewer: joining made the mistyped folder, wrote the request there and tied
    the vault to it ("already in this circle" on every retry)."""
    code = cli("circle", "invite", "Friends").out.strip().splitlines()[-1]
    bob = _bob(cli, tmp_path)
    typo = tmp_path / "shraed"
    result = cli("--home", bob, "circle", "join", code, "--storage", f"folder:{typo}",
                 "--name", "Bob", passphrase="correct horse battery staple")
    assert result.code == 1, result
    assert "Nothing was saved" in result.err and "sync again" not in result.err
    assert not typo.exists()
    listing = cli("--home", bob, "circle", "list", passphrase="correct horse battery staple")
    assert "No circles yet" in listing.out
    retry = cli("--home", bob, "circle", "join", code, "--storage", f"folder:{admin}",
                "--name", "Bob", passphrase="correct horse battery staple")
    assert retry.code == 0, retry.err


def test_a_circle_still_joining_can_be_given_up(admin: Path, cli: Callable[..., CliResult],
                                                tmp_path: Path) -> None:
    code = cli("circle", "invite", "Friends").out.strip().splitlines()[-1]
    bob = _bob(cli, tmp_path)
    secret = "correct horse battery staple"
    assert cli("--home", bob, "circle", "join", code, "--storage", f"folder:{admin}",
               "--name", "Bob", passphrase=secret).code == 0
    listing = cli("--home", bob, "circle", "list", "--json", passphrase=secret).out
    circle_id = json.loads(listing)[0]["id"]
    result = cli("--home", bob, "circle", "leave", circle_id, passphrase=secret)
    assert result.code == 0, result.err
    assert "stopped joining" in result.out
    assert "No circles yet" in cli("--home", bob, "circle", "list", passphrase=secret).out


def test_a_look_alike_display_name_is_refused_before_anything_is_sent(
        admin: Path, cli: Callable[..., CliResult], tmp_path: Path) -> None:
    code = cli("circle", "invite", "Friends").out.strip().splitlines()[-1]
    bob = _bob(cli, tmp_path)
    before = sorted(p.name for p in admin.iterdir())
    result = cli("--home", bob, "circle", "join", code, "--storage", f"folder:{admin}",
                 "--name", "\u0410nn", passphrase="correct horse battery staple")
    assert result.code == 1
    assert "display name cannot be used: The name mixes letters" in result.err
    assert sorted(p.name for p in admin.iterdir()) == before  # no join request written


def test_the_invite_text_names_the_folder_a_folder_circle_needs(
        admin: Path, cli: Callable[..., CliResult]) -> None:
    out = cli("circle", "invite", "Friends").out
    assert "`companion circle join - --storage folder:PATH`" in out


def test_circle_keys_says_and_changes_how_long_ended_epochs_keys_are_kept(
        admin: Path, cli: Callable[..., CliResult]) -> None:
    shown = cli("circle", "keys", "Friends")
    assert shown.code == 0, shown.err
    assert "deleted from this device 30 days later (0 deleted so far, 1 kept)" in shown.out
    changed = cli("circle", "keys", "Friends", "--forget-after", "7")
    assert changed.code == 0 and "7 days later" in changed.out
    assert "7 days later" in cli("circle", "keys", "Friends").out
    for days in ("0", "4000"):
        refused = cli("circle", "keys", "Friends", "--forget-after", days)
        assert refused.code == 1 and "from 1 to 3,650 days" in refused.err, refused.err
    assert "7 days later" in cli("circle", "keys", "Friends").out  # nothing changed
