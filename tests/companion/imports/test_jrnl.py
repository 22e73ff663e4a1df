"""jrnl imports: plain, JSON-exported and v3-encrypted journals made by the real jrnl 4.6;
v2 and v1 journals made with the exact algorithms jrnl used, and read back by jrnl 4.6 itself
to prove the fixtures right.

How jrnl encrypted (jrnl/encryption/Jrnlv2Encryption.py and Jrnlv1Encryption.py in jrnl 4.6,
which still reads both; jrnl 1.x and 2.x wrote them):
* v2 (jrnl 2.0–4.5): Fernet, key = urlsafe-base64(PBKDF2-HMAC-SHA256(password, the fixed
  16-byte salt below, 100,000 iterations, 32 bytes)); the file is the bare token.
* v1 (jrnl 1.x): key = SHA-256(password); a random 16-byte IV, then AES-256-CBC of the UTF-8
  text, padded with PKCS#7 (jrnl 1.9) or with spaces (earlier 1.x); the file is IV + ciphertext.
  The text inside is jrnl 1.x's format: `YYYY-MM-DD HH:MM Title` with no brackets.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.app import CompanionApp
from companion.clock import FakeClock
from companion.errors import InvalidInput, UserError
from companion.export import export_document
from companion.imports import ImportOptions, import_file, read_plan
from companion.imports.jrnl import (
    JrnlOptions,
    JrnlPasswordNeeded,
    WrongJrnlPassword,
    parse_text,
    read_jrnl_plan,
)
from tests.companion.imports.conftest import JRNL_PASSWORD, JrnlFiles
from tests.companion.test_export import content, fresh_vault
from tests.support.jrnl_tool import Jrnl, ensure_jrnl

LISBON = ZoneInfo("Europe/Lisbon")
JRNL_V2_SALT = b"\xf2\xd5q\x0e\xc1\x8d.\xde\xdc\x8e6t\x89\x04\xce\xf8"  # from jrnl's source

EXPECTED = [  # (local time, title, body, tags, starred), oldest first
    ("2026-03-01T08:15:00+00:00", "Walk by the river. Cold but bright @walk @Rain", "",
     ("rain", "walk"), True),
    ("2026-03-02T21:30:00+00:00", 'Ünïcödé 🌧️ day, with "quotes", and commas',
     "Second line of the body, more @work #日本\n\nLast paragraph.", ("work", "日本"), False),
    ("2026-03-03T23:59:00+00:00", "Late night thoughts.", "Only sentences, no newline here",
     (), False),
    ("2026-07-04T12:00:00+01:00", "Summer", "[not a date] stays in the body @walk",
     ("walk",), False),
]


def entries_of(app: CompanionApp) -> list[tuple[str, str, str, tuple[str, ...], bool]]:
    return [(e.created.isoformat(), e.title, e.body, e.tags, e.starred)
            for e in app.journal.browse(newest_first=False)]


def options(**more: object) -> ImportOptions:
    return ImportOptions(zone=LISBON, **more)  # type: ignore[arg-type]


def test_plain_journal_written_by_jrnl(app: CompanionApp, jrnl_files: JrnlFiles):
    report = import_file(app, "jrnl", jrnl_files.plain, options())
    assert (report.entries_imported, report.checkins_imported, report.skipped) == (4, 0, 0)
    assert entries_of(app) == EXPECTED
    assert [t.name for t in app.tags()] == ["rain", "walk", "work", "日本"]
    again = import_file(app, "jrnl", jrnl_files.plain, options())
    assert (again.imported, again.skipped) == (0, 4)
    assert len(entries_of(app)) == 4


def test_jrnl_default_timeformat(app: CompanionApp, jrnl_files: JrnlFiles):
    assert jrnl_files.plain_jrnl_default.read_text("utf-8").startswith("[2026-03-01 08:15:00 AM]")
    import_file(app, "jrnl", jrnl_files.plain_jrnl_default, options(timeformat="%F %r"))
    assert entries_of(app) == EXPECTED
    # jrnl's default is common enough to be read even when the option was forgotten.
    again = import_file(app, "jrnl", jrnl_files.plain_jrnl_default, options())
    assert (again.imported, again.skipped) == (0, 4)


def test_other_timeformats_need_the_option(app: CompanionApp, tmp_path: Path):
    path = tmp_path / "journal.txt"
    path.write_text("[14/03/2026 09:30] Day first. Body\n\n[15/03/2026 10:00] Next\n", "utf-8")
    with pytest.raises(InvalidInput, match="line 1.*--timeformat"):
        import_file(app, "jrnl", path, options())
    import_file(app, "jrnl", path, options(timeformat="%d/%m/%Y %H:%M"))
    assert [e[0] for e in entries_of(app)] == ["2026-03-14T09:30:00+00:00",
                                               "2026-03-15T10:00:00+00:00"]


def test_json_export_and_plain_journal_recognise_each_other(app: CompanionApp,
                                                             jrnl_files: JrnlFiles):
    document = json.loads(jrnl_files.exported_json.read_text("utf-8"))
    assert sorted(document["entries"][0]["tags"]) == ["@rain", "@walk"]  # jrnl's own export
    import_file(app, "jrnl", jrnl_files.exported_json, options())
    assert entries_of(app) == EXPECTED
    report = import_file(app, "jrnl", jrnl_files.plain, options())
    assert (report.imported, report.skipped) == (0, 4)


def test_encrypted_v3_journal(app: CompanionApp, clock: FakeClock, jrnl_files: JrnlFiles):
    with pytest.raises(JrnlPasswordNeeded):
        read_plan("jrnl", jrnl_files.encrypted_v3)
    with pytest.raises(WrongJrnlPassword) as wrong:
        import_file(app, "jrnl", jrnl_files.encrypted_v3, options(password="not it"))
    assert str(jrnl_files.encrypted_v3) in str(wrong.value)
    assert entries_of(app) == []
    import_file(app, "jrnl", jrnl_files.encrypted_v3, options(password=JRNL_PASSWORD))
    assert entries_of(app) == EXPECTED


@pytest.mark.parametrize("cut", [3, 9, 40, -10])
def test_truncated_v3_leaves_the_vault_unchanged(app: CompanionApp, jrnl_files: JrnlFiles,
                                                 tmp_path: Path, cut: int):
    import_file(app, "jrnl", jrnl_files.plain, options())
    before = content(export_document(app))
    data = jrnl_files.encrypted_v3.read_bytes()
    broken = tmp_path / "broken.txt"
    broken.write_bytes(data[:cut])
    with pytest.raises(UserError) as err:
        import_file(app, "jrnl", broken, options(password=JRNL_PASSWORD))
    assert str(broken) in str(err.value)
    assert content(export_document(app)) == before


# -- v2 and v1, made as jrnl made them ------------------------------------------------------


def jrnl_v2(text: str, password: str) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=JRNL_V2_SALT,
                     iterations=100_000)
    key = base64.urlsafe_b64encode(kdf.derive(password.encode("utf-8")))
    return Fernet(key).encrypt(text.encode("utf-8"))


def jrnl_v1(text: str, password: str, *, spaces: bool = False) -> bytes:
    key = hashlib.sha256(password.encode("utf-8")).digest()
    iv = os.urandom(16)
    plain = text.encode("utf-8")
    if spaces:  # jrnl before 1.9: pad with spaces to the block size
        plain += b" " * (16 - len(plain) % 16)
    else:
        padder = padding.PKCS7(128).padder()
        plain = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return iv + encryptor.update(plain) + encryptor.finalize()


V1_TEXT = ("2013-05-06 09:00 Old times. With jrnl one @old *\nSecond line, \"quoted\"\n\n"
           "2013-05-07 21:15 Ünïcödé 🌧️ next day\nbody [2013-01-01 10:00] not an entry\n")


def jrnl_reads(tmp_path: Path, data: bytes) -> list[dict[str, object]]:
    """jrnl 4.6 opens the file (as an encrypted journal) and exports it as JSON."""
    tool = Jrnl(ensure_jrnl(), tmp_path / "jrnl-check")
    tool.config.write_text(tool.config.read_text().replace("encrypt: false", "encrypt: true"))
    tool.journal.write_bytes(data)
    output = tool.run("--export", "json", stdin=f"{JRNL_PASSWORD}\n")
    return list(json.loads(output[output.index("{"):])["entries"])


def test_v2_journal(app: CompanionApp, jrnl_files: JrnlFiles, tmp_path: Path):
    text = jrnl_files.plain.read_text("utf-8")
    path = tmp_path / "journal.txt"
    path.write_bytes(jrnl_v2(text, JRNL_PASSWORD))
    assert [e["title"] for e in jrnl_reads(tmp_path, path.read_bytes())] == \
        [e[1] for e in EXPECTED]
    with pytest.raises(WrongJrnlPassword):
        import_file(app, "jrnl", path, options(password="wrong"))
    import_file(app, "jrnl", path, options(password=JRNL_PASSWORD))
    assert entries_of(app) == EXPECTED


@pytest.mark.parametrize("spaces", [False, True])
def test_v1_journal(app: CompanionApp, tmp_path: Path, spaces: bool):
    path = tmp_path / "journal.txt"
    path.write_bytes(jrnl_v1(V1_TEXT, JRNL_PASSWORD, spaces=spaces))
    seen_by_jrnl = jrnl_reads(tmp_path, path.read_bytes())
    assert [(e["date"], e["time"], e["title"], e["starred"]) for e in seen_by_jrnl] == [
        ("2013-05-06", "09:00", "Old times. With jrnl one @old", True),
        ("2013-05-07", "21:15", "Ünïcödé 🌧️ next day", False)]
    with pytest.raises(WrongJrnlPassword):
        import_file(app, "jrnl", path, options(password="wrong"))
    assert entries_of(app) == []
    import_file(app, "jrnl", path, options(password=JRNL_PASSWORD))
    assert entries_of(app) == [
        ("2013-05-06T09:00:00+01:00", "Old times. With jrnl one @old",
         'Second line, "quoted"', ("old",), True),
        ("2013-05-07T21:15:00+01:00", "Ünïcödé 🌧️ next day",
         "body [2013-01-01 10:00] not an entry", (), False)]


# -- malformed input --------------------------------------------------------------------------


def test_wrong_encoding_names_the_line(app: CompanionApp, tmp_path: Path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("[2026-03-01 08:15] Fine\n\n[2026-03-02 08:15] Caf\xe9\n".encode("latin-1"))
    with pytest.raises(InvalidInput, match=r"latin1.txt: line 3 is not UTF-8"):
        import_file(app, "jrnl", path, options())
    assert entries_of(app) == []


def test_damaged_json_export_names_the_entry(app: CompanionApp, jrnl_files: JrnlFiles,
                                            tmp_path: Path):
    document = json.loads(jrnl_files.exported_json.read_text("utf-8"))
    document["entries"][2]["time"] = "25:99"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), "utf-8")
    with pytest.raises(InvalidInput, match=r"bad.json: entries\[2\]: 'date' and 'time'"):
        import_file(app, "jrnl", path, options())
    truncated = tmp_path / "cut.json"
    truncated.write_text(jrnl_files.exported_json.read_text("utf-8")[:200], "utf-8")
    with pytest.raises(InvalidInput, match="not valid JSON"):
        import_file(app, "jrnl", truncated, options())
    assert entries_of(app) == []


def test_text_before_the_first_entry_is_refused(tmp_path: Path):
    path = tmp_path / "notes.txt"
    path.write_text("Just some notes\n[2026-03-01 08:15] Entry\n", "utf-8")
    with pytest.raises(InvalidInput, match="line 1"):
        read_jrnl_plan(path)


def test_dry_run_changes_nothing(app: CompanionApp, jrnl_files: JrnlFiles):
    report = import_file(app, "jrnl", jrnl_files.plain, options(), dry_run=True)
    assert report.dry_run and report.entries_imported == 4
    assert entries_of(app) == []


# -- properties -------------------------------------------------------------------------------

_WORDS = st.text(st.characters(whitelist_categories=("L", "N", "So"),
                               whitelist_characters=" ,'\"-"), min_size=1, max_size=30)
_TITLE = _WORDS.filter(lambda t: bool(t.strip()))
_BODY = st.lists(_WORDS, max_size=4).map("\n".join)
_WHEN = st.datetimes(datetime(1990, 1, 1), datetime(2040, 1, 1)).map(
    lambda d: d.replace(second=0, microsecond=0))


def jrnl_format(items: list[tuple[datetime, str, str, bool]]) -> str:
    """What jrnl writes (Entry.__str__, entries joined by newlines)."""
    parts = []
    for when, title, body, starred in items:
        head = f"[{when:%Y-%m-%d %H:%M}] {title.rstrip()}" + (" *" if starred else "")
        parts.append(head + ("\n" + body.rstrip() if body.strip() else "") + "\n")
    return "\n".join(parts)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_WHEN, _TITLE, _BODY, st.booleans()), min_size=1, max_size=6))
def test_jrnl_text_round_trip(items: list[tuple[datetime, str, str, bool]]):
    parsed = parse_text(jrnl_format(items), JrnlOptions(), Path("journal.txt"))
    expected = []
    for when, title, body, starred in items:
        if not body.strip():  # one line: jrnl splits off the first sentence (none here)
            expected.append((when, title.strip(), "", starred))
        else:
            expected.append((when, title.strip(), body.strip(), starred))
    assert [(e.when, e.title, e.body, e.starred) for e in parsed] == expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8")))
def test_any_bytes_give_entries_or_a_user_error(data: bytes):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "journal.txt"
        path.write_bytes(b"[2026-01-01 10:00] " + data if data[:1] == b"x" else data)
        try:
            plan = read_jrnl_plan(path, JrnlOptions(password="pw", zone=LISBON))
        except UserError:
            return
        assert all(e.title or e.body for e in plan.entries)


def test_stable_ids_survive_a_new_vault(clock: FakeClock, jrnl_files: JrnlFiles):
    first = read_plan("jrnl", jrnl_files.plain, options())
    second = read_plan("jrnl", jrnl_files.plain, options())
    assert [e.source_id for e in first.entries] == [e.source_id for e in second.entries]
    assert len({e.source_id for e in first.entries}) == 4
    with fresh_vault(clock) as other:
        assert import_file(other, "jrnl", jrnl_files.plain, options()).imported == 4


def test_a_v3_header_of_nested_brackets_is_a_damaged_header(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """64 KiB of `[` is valid for the header's length field and would exhaust the parser's
    recursion: one clear line, not a crash."""
    import struct

    from companion.errors import InvalidInput
    from companion.imports import jrnl

    header = b"[" * 60_000
    data = jrnl.V3_MAGIC + struct.pack(">H", len(header)) + header + b"x" * 64
    with pytest.raises(InvalidInput, match="the jrnl v3 header is damaged"):
        jrnl._v3_parts(data, tmp_path / "journal.txt")
