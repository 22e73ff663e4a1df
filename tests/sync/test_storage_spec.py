"""Storage addresses: `folder:PATH` and `webdav:URL` typed by a person or read back from the
vault or an invite, and the transports built from them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.storage_spec import StorageSpec, build_transport, parse_storage_spec
from sync.transport import StorageAddressInvalid, StorageMissing
from sync.transport_folder import FolderTransport
from sync.transport_webdav import WebDavCredentials, WebDavTransport
from tests.support.webdav_server import WebDavServer

NAME = "a" * 32 + ".cmp"


def test_a_folder_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert parse_storage_spec("folder:circle") == StorageSpec("folder", str(tmp_path / "circle"))
    assert parse_storage_spec(" folder:./a/../circle ").location == str(tmp_path / "circle")
    home = Path(os.environ["HOME"])
    assert parse_storage_spec("folder:~/Sync/circle").location == str(home / "Sync" / "circle")


def test_a_webdav_address_is_normalized() -> None:
    spec = parse_storage_spec("webdav:https://Cloud.example.org/remote.php/dav/files/me/c")
    assert spec == StorageSpec("webdav", "https://cloud.example.org/remote.php/dav/files/me/c/")
    assert str(spec) == "webdav:https://cloud.example.org/remote.php/dav/files/me/c/"
    assert spec.needs_credentials
    assert not parse_storage_spec("folder:/x").needs_credentials


@pytest.mark.parametrize(("text", "says"), [
    ("", "starts with folder: or webdav:"),
    ("/home/me/Sync/circle", "starts with folder: or webdav:"),
    ("dropbox:/circle", "starts with folder: or webdav:"),
    ("Folder:/x", "starts with folder: or webdav:"),
    ("https://cloud.example.org/dav/", "webdav:https://cloud.example.org/dav/"),
    ("https://me:pw@cloud.example.org/dav/", "webdav:https://cloud.example.org/dav/"),
    ("webdav:https://me:pw@cloud.example.org:99999/", "not a valid URL"),
    ("folder:", "needs the path"),
    ("folder:   ", "needs the path"),
    ("folder:/a\0b", "control characters"),
    ("webdav:", "cannot be empty"),
    ("webdav:http://cloud.example.org/dav/", "unencrypted"),
    ("webdav:https://me:pw@cloud.example.org/dav/", "must not contain a user name"),
    ("webdav:ftp://cloud.example.org/", "https://"),
])
def test_bad_addresses_say_what_to_write(text: str, says: str) -> None:
    with pytest.raises(StorageAddressInvalid) as caught:
        parse_storage_spec(text)
    assert says in str(caught.value)
    assert "pw@" not in str(caught.value)


@given(st.text(max_size=80))
def test_parsing_any_text_gives_a_spec_or_the_documented_refusal(text: str) -> None:
    try:
        spec = parse_storage_spec(text)
    except StorageAddressInvalid:
        return
    assert spec.kind in ("folder", "webdav")
    assert parse_storage_spec(str(spec)) == spec
    assert StorageSpec.from_dict(spec.to_dict()) == spec


@given(st.sampled_from(["https://", "http://127.0.0.1:", "http://[::1]:", "folder:/"]),
       st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_urls_and_paths_round_trip_through_the_vault_form(prefix: str, tail: str) -> None:
    text = prefix + tail if prefix.startswith("folder:") else "webdav:" + prefix + tail
    try:
        spec = parse_storage_spec(text)
    except StorageAddressInvalid:
        return
    assert StorageSpec.from_dict(spec.to_dict()) == spec
    assert parse_storage_spec(str(spec)) == spec


@pytest.mark.parametrize("data", [
    None, [], "folder:/x", {"kind": "folder"}, {"kind": "folder", "location": "relative"},
    {"kind": "folder", "location": "/a/../b"}, {"kind": "usb", "location": "/x"},
    {"kind": "webdav", "location": "https://cloud.example.org/dav"},  # not normalized
    {"kind": "webdav", "location": "http://evil.example.org/"},
    {"kind": "folder", "location": 3}, {"kind": "folder", "location": "/x", "extra": "y"},
])
def test_stored_specs_are_checked_again(data: object) -> None:
    with pytest.raises(StorageAddressInvalid):
        StorageSpec.from_dict(data)


def test_a_folder_spec_builds_a_working_folder_transport(tmp_path: Path) -> None:
    spec = parse_storage_spec(f"folder:{tmp_path / 'circle'}")
    with build_transport(spec) as transport:
        assert isinstance(transport, FolderTransport)
        with pytest.raises(StorageMissing):
            transport.check()  # not created on an ordinary sync
    with build_transport(spec, create=True) as transport:
        transport.check()
        assert transport.write_once(NAME, b"x") is True
    assert (tmp_path / "circle" / NAME).read_bytes() == b"x"


def test_a_webdav_spec_builds_a_working_webdav_transport(webdav_server: WebDavServer) -> None:
    spec = parse_storage_spec(f"webdav:{webdav_server.url_for('circle')}")
    credentials = WebDavCredentials(webdav_server.user, webdav_server.password)
    with build_transport(spec, credentials) as transport:
        assert isinstance(transport, WebDavTransport)
        assert webdav_server.password not in transport.description
        transport.check()
        assert transport.write_once(NAME, b"x") is True
    assert (webdav_server.root / "circle" / NAME).read_bytes() == b"x"


@given(st.sampled_from(["webdav:https://", "webdav:http://", "https://", "webdav:"]),
       st.text(max_size=30), st.text(max_size=30))
def test_a_password_in_an_address_is_refused_and_never_repeated(
    prefix: str, before: str, after: str,
) -> None:
    # Nothing in `before` may end the server part, so the password is in it.
    server = "".join(c for c in before if c not in "@/?#\\")
    text = f"{prefix}{server}me:Zsecret9@{after}"
    with pytest.raises(StorageAddressInvalid) as caught:
        parse_storage_spec(text)
    assert "Zsecret9" not in f"{caught.value} {caught.value.args!r}"


@pytest.mark.parametrize("address", ["webdav:https://^/", "webdav:https://a b/",
                                     "webdav:https://exa%6dple.org/", "webdav:https://-x-/",
                                     "webdav:http://[::zz]:8080/"])
def test_a_server_name_an_http_client_would_escape_is_refused(address: str) -> None:
    """Found by the round-trip property: such a host came back escaped (`%5E`), a different
    address from the one stored, so the circle could not be opened again."""
    with pytest.raises(StorageAddressInvalid):
        parse_storage_spec(address)
