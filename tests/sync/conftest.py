"""Fixtures for the circle tests: a real WebDAV server (see tests/support/webdav_server.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.webdav_server import WebDavServer


@pytest.fixture
def webdav_server(tmp_path: Path) -> Iterator[WebDavServer]:
    """A wsgidav server on 127.0.0.1 serving `tmp_path / "webdav"` with basic auth.

    `.url` is the served root (`http://127.0.0.1:PORT/`), `.url_for("circle")` a folder under
    it, `.user` / `.password` the credentials, `.root` the served folder; `.fail(...)`,
    `.delay(...)` and `.clear_faults()` switch failure modes; `.requests` records requests."""
    with WebDavServer(tmp_path / "webdav") as server:
        yield server
