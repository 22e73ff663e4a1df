"""The attack that opened issue 16, as people would meet it: three homes over one folder,
through the real `companion circle` commands. Ann promotes Bob; Ann removes Bob while Bob
removes Ann. After a few sync rounds every home agrees on who is in (the senior admin's removal
stands), Bob's home says he was removed, and neither Ann's nor Cat's status says "Nothing
unusual": Bob's counter-removal is reported as refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import CliResult

PASS = "correct horse battery staple\n"


def _home(cli: Callable[..., CliResult], tmp_path: Path, name: str) -> list[str]:
    home = tmp_path / name
    assert cli("--home", str(home), "init", stdin=PASS).code == 0
    return ["--home", str(home)]


def _members(cli: Callable[..., CliResult], home: list[str]) -> dict[str, tuple[bool, bool]]:
    result = cli(*home, "circle", "members", "Friends", "--json")
    assert result.code == 0, result.err
    return {m["name"]: (m["active"], m["admin"]) for m in json.loads(result.out)}


def test_mutual_removal_through_the_cli_ends_in_one_roster(
        vault_home: Path, cli: Callable[..., CliResult], tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    ann: list[str] = []  # the default home
    assert cli(*ann, "circle", "create", "Friends", "--storage", f"folder:{shared}",
               "--name", "Ann").code == 0
    bob = _home(cli, tmp_path, "bob")
    cat = _home(cli, tmp_path, "cat")
    for home, name in ((bob, "Bob"), (cat, "Cat")):
        code = cli(*ann, "circle", "invite", "Friends").out.strip().splitlines()[-1]
        joined = cli(*home, "circle", "join", code, "--storage", f"folder:{shared}",
                     "--name", name)
        assert joined.code == 0, joined.err
        assert cli(*ann, "circle", "sync").code == 0
        assert cli(*home, "circle", "sync").code == 0
    assert cli(*ann, "circle", "promote", "Friends", "Bob").code == 0
    for home in (ann, bob, cat, ann, bob, cat):
        assert cli(*home, "circle", "sync").code == 0
    assert _members(cli, cat)["Bob"] == (True, True)

    assert cli(*ann, "circle", "remove", "Friends", "Bob").code == 0
    assert cli(*bob, "circle", "remove", "Friends", "Ann").code == 0
    said = {}
    for _ in range(4):
        for name, home in (("Bob", bob), ("Cat", cat), ("Ann", ann)):
            result = cli(*home, "circle", "sync")
            assert result.code == 0, result.err
            said[name] = said.get(name, "") + result.out

    ann_view, cat_view = _members(cli, ann), _members(cli, cat)
    assert ann_view == cat_view
    assert ann_view["Ann"] == (True, True) and ann_view["Bob"][0] is False
    assert "You were removed from Friends by an admin." in said["Bob"]
    for home in (ann, cat):
        status = cli(*home, "circle", "status", "Friends").out
        assert "Nothing unusual" not in status
        assert "roster change refused" in status, status
        assert "split" not in status
    assert cli(*ann, "circle", "post", "Friends", "--title", "Still here", "hello").code == 0
