"""Three people on one machine (three homes) run a circle end to end with the CLI: once through
a shared folder, once through a real WebDAV server (wsgidav on 127.0.0.1).

Invite, join, verify, check-in, post, reply, remove (a new epoch): the removed member cannot
read later posts, and no canary written in a check-in or note appears in any file on storage.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSPHRASE, CliResult
from tests.support.canary_scan import scan
from tests.support.webdav_server import WebDavServer

CHECKIN_CANARY = "Quillfeather checkin canary"
NOTE_CANARY = "Marrowlight note canary"
LATE_CANARY = "Ostrander after removal canary"


@dataclass
class Person:
    name: str
    home: Path
    run: Callable[..., CliResult]

    def __call__(self, *argv: str, stdin: str = "", ok: bool = True) -> CliResult:
        # Each vault remembers its key in the (test) keyring, so commands skip Argon2id.
        result = self.run("--home", str(self.home), *argv, stdin=stdin, passphrase=False)
        if ok:
            assert result.code == 0, f"{self.name} {argv}: {result.err}"
        return result

    def feed(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = json.loads(self("circle", "feed", "Friends",
                                                      "--json").out)
        return items


@pytest.fixture
def people(tmp_path: Path, cli: Callable[..., CliResult],
           file_keyring: object) -> dict[str, Person]:
    crowd = {}
    for name in ("Ann", "Bob", "Cat"):
        home = tmp_path / name.lower()
        assert cli("--home", str(home), "init", stdin=f"{PASSPHRASE}\n").code == 0
        assert cli("--home", str(home), "remember").code == 0
        crowd[name] = Person(name, home, cli)
    return crowd


def run_circle(people: dict[str, Person], storage: Callable[[str], str], root: Path) -> None:
    ann, bob, cat = people["Ann"], people["Bob"], people["Cat"]
    ann("circle", "create", "Friends", "--storage", storage("Ann"), "--name", "Ann")
    for person in (bob, cat):
        code = ann("circle", "invite", "Friends").out.strip().splitlines()[-1]
        person("circle", "join", code, "--storage", storage(person.name), "--name", person.name)
        waiting = person("circle", "sync").out
        assert "Still waiting for the admin" in waiting
        assert f"{person.name} joined Friends" in ann("circle", "sync").out
        assert "You are now in Friends" in person("circle", "sync").out
    for person in (ann, bob):
        person("circle", "sync")

    members = {m["name"]: m for m in json.loads(bob("circle", "members", "Friends",
                                                    "--json").out)}
    assert members["Ann"]["state"] == "unverified" and members["Bob"]["you"]
    ann_sees = ann("circle", "verify", "Friends", "Bob").out
    bob_sees = bob("circle", "verify", "Friends", "Ann", "--yes").out
    number = [line.strip() for line in bob_sees.splitlines() if line.startswith("    ")]
    assert number and all(part in ann_sees for part in number)  # the same on both sides
    members = {m["name"]: m for m in json.loads(bob("circle", "members", "Friends",
                                                    "--json").out)}
    assert members["Ann"]["verified"] and not members["Cat"]["verified"]

    bob("circle", "checkin", "Friends", "--mood", "4", "--energy", "2", "--emotion", "calm",
        "--note", CHECKIN_CANARY)
    posted = ann("circle", "post", "Friends", "--title", "Hello", NOTE_CANARY)
    assert "2 other members" in posted.out
    for person in (bob, ann, cat, bob):
        person("circle", "sync")
    feed = {i["type"]: i for i in cat.feed()}  # written in the same second: order by author
    assert sorted((t, i["from"]) for t, i in feed.items()) == [("checkin", "Bob"),
                                                               ("note", "Ann")]
    assert feed["checkin"]["note"] == CHECKIN_CANARY and feed["note"]["body"] == NOTE_CANARY
    note_id = next(i["id"] for i in bob.feed() if i["type"] == "note")
    bob("circle", "reply", "Friends", note_id, "Lovelyreplytext")
    bob("circle", "sync")
    ann("circle", "sync")
    note = next(i for i in ann.feed() if i["type"] == "note")
    assert [r["text"] for r in note["replies"]] == ["Lovelyreplytext"]

    ann("circle", "rotate", "Friends")  # a new key for everyone, then a removal (another)
    for person in (ann, bob, cat):
        person("circle", "sync")
    bob("circle", "post", "Friends", "--title", "Rotated", "still readable by all three")
    bob("circle", "sync")
    cat("circle", "sync")
    assert "still readable by all three" in json.dumps(cat.feed())
    ann("circle", "remove", "Friends", "Cat")
    ann("circle", "sync")
    bob("circle", "sync")
    bob("circle", "post", "Friends", "--title", "Later", LATE_CANARY)
    bob("circle", "sync")
    assert "You were removed from Friends" in cat("circle", "sync").out
    ann("circle", "sync")
    assert LATE_CANARY in json.dumps(ann.feed())
    cat_feed = cat("circle", "feed", "Friends").out
    assert "You were removed" in cat_feed and LATE_CANARY not in cat_feed
    assert NOTE_CANARY in cat_feed  # what Cat could read before stays readable to Cat
    late = cat("circle", "post", "Friends", "--title", "Still here?", "x", ok=False)
    assert late.code == 1 and "no longer in Friends" in late.err
    members = {m["name"]: m for m in json.loads(ann("circle", "members", "Friends",
                                                    "--json").out)}
    assert not members["Cat"]["active"]

    findings, _ = scan(root, [CHECKIN_CANARY, NOTE_CANARY, LATE_CANARY, "Lovelyreplytext"])
    assert findings == [], findings
    names = sorted(p.name for p in root.rglob("*") if p.is_file())
    assert names and all(len(n) == 36 and n.endswith(".cmp") for n in names), names


def test_three_homes_through_a_shared_folder(people: dict[str, Person], tmp_path: Path) -> None:
    shared = tmp_path / "synced"
    shared.mkdir()
    run_circle(people, lambda _name: f"folder:{shared}", shared)


def test_three_homes_through_webdav(people: dict[str, Person], webdav_server: WebDavServer,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPANION_WEBDAV_USER", webdav_server.user)
    monkeypatch.setenv("COMPANION_WEBDAV_PASSWORD", webdav_server.password)
    url = webdav_server.url_for("friends")
    run_circle(people, lambda _name: f"webdav:{url}", webdav_server.root)
    # Never a listing: every read names its object (PROPFIND only checks the folder itself).
    depths = {r.headers.get("depth") for r in webdav_server.requests if r.method == "PROPFIND"}
    assert depths <= {"0"}, depths
    for name in ("Ann", "Bob"):  # everyone has said where they send now
        assert people[name]("circle", "sync").code == 0
    before = len(webdav_server.requests)
    idle = people["Bob"]("circle", "sync").out
    assert "0 new, 0 sent" in idle
    idle_requests = webdav_server.requests[before:]
    # One PROPFIND of the folder; one GET for each other member ever in the circle (Ann, and
    # Cat, who was removed: up to 16 messages past a cut-off are still read, since roster
    # changes made before hearing of the removal decide concurrent conflicts) in the epoch
    # of their last message, which is the newest one they send in (a member who learns of a
    # newer epoch with nothing to send says so there); one GET of Bob's own newest message
    # (rollback check).
    assert [r.method for r in idle_requests] == ["PROPFIND"] + ["GET"] * 3, idle_requests
    # Credentials were given through the environment, never on the command line, and the
    # vault keeps them: a sync with the variables gone still works.
    monkeypatch.delenv("COMPANION_WEBDAV_PASSWORD")
    assert people["Ann"]("circle", "sync").code == 0
