"""Import fixtures: journals made by the real jrnl, and a fresh vault to import into.

The jrnl journals are made once per session (each jrnl run costs a fraction of a second):
plain text in the importer's default time format and in jrnl's own default (`%F %r`), the
JSON export of the first, and the first encrypted by jrnl (v3). A fresh vault to import into
is `tests.companion.test_export.fresh_vault`.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.jrnl_tool import Jrnl, ensure_jrnl

JRNL_PASSWORD = "jrnl pässword 🔑"

# What the jrnl user typed (`echo TEXT | jrnl`): the date, then the entry. A trailing " *"
# on the first line stars it; @words and #words are tags.
JRNL_ENTRIES = [
    "2026-03-01 08:15: Walk by the river. Cold but bright @walk @Rain *",
    '2026-03-02 21:30: Ünïcödé 🌧️ day, with "quotes", and commas\n'
    "Second line of the body, more @work #日本\n\nLast paragraph.",
    "2026-03-03 23:59: Late night thoughts. Only sentences, no newline here",
    "2026-07-04 12:00: Summer\n[not a date] stays in the body @walk",
]


@dataclass(frozen=True)
class JrnlFiles:
    plain: Path  # timeformat %Y-%m-%d %H:%M
    plain_jrnl_default: Path  # timeformat %F %r (jrnl's default)
    exported_json: Path
    encrypted_v3: Path


@pytest.fixture(scope="session")
def jrnl_files(tmp_path_factory: pytest.TempPathFactory) -> JrnlFiles:
    exe = ensure_jrnl()
    root = tmp_path_factory.mktemp("jrnl")
    first = Jrnl(exe, root / "a")
    second = Jrnl(exe, root / "b", timeformat="%F %r")
    for text in JRNL_ENTRIES:
        first.add(text)
        second.add(text)
    plain = root / "plain.txt"
    shutil.copy(first.journal, plain)
    exported = root / "export.json"
    exported.write_text(first.export_json(), "utf-8")
    first.encrypt(JRNL_PASSWORD)
    assert first.journal.read_bytes().startswith(b"JRNLv3")
    return JrnlFiles(plain, second.journal, exported, first.journal)
