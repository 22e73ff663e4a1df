"""Read jrnl journals: plain text, `jrnl --export json`, and encrypted files (v3, v2, v1).

The formats, as jrnl 4.6 reads and writes them (jrnl/journals/Journal.py, Entry.py and
jrnl/encryption/Jrnlv*Encryption.py):

* Plain text: each entry starts on a line `[<time in the journal's timeformat>] <title>`, a
  trailing ` *` stars it, the body runs to the next such line. The title is the first line, or
  the first sentence of a one-line entry. Tags are words starting with a tag symbol (`@` or
  `#`), anywhere in the text, lower-cased. Times are naive local times.
* JSON export: `{"tags": {...}, "entries": [{"title", "body", "date": "YYYY-MM-DD",
  "time": "HH:MM", "tags": ["@tag"], "starred"}]}`.
* v3: `JRNLv3`, a 2-byte big-endian header length, a base64 JSON header with a 16-byte
  `salt`, then a Fernet token whose key is PBKDF2-HMAC-SHA256(password, salt, 100,000 rounds).
* v2: a bare Fernet token (starts `gAAAAA`), the same key derivation with jrnl's fixed salt.
* v1 (jrnl 1.x): 16-byte IV + AES-256-CBC under SHA-256(password), padded with PKCS#7 or, in
  the oldest versions, with spaces; the text inside has dates without brackets.

Stable ids hash the entry's minute, title and body, so the plain journal and its JSON export
recognise each other on re-import, and an edited entry comes in as a new one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from companion.errors import InvalidInput, UserError
from companion.imports.common import (
    BadItem,
    ImportedEntry,
    ImportPlan,
    item_error,
    make_entry,
    numbered,
    read_limited,
    stable_id,
)
from companion.models import MAX_TAG_LENGTH

DEFAULT_TIMEFORMAT = "%Y-%m-%d %H:%M"
TAG_SYMBOLS = "#@"
SOURCE = "jrnl"
V3_MAGIC = b"JRNLv3"
V2_PREFIX = b"gAAAAA"
V2_SALT = b"\xf2\xd5q\x0e\xc1\x8d.\xde\xdc\x8e6t\x89\x04\xce\xf8"  # jrnl's (fixed) v2 salt
KDF_ROUNDS = 100_000
# Other time formats jrnl users commonly have (jrnl's own default is "%F %r").
FALLBACK_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %I:%M:%S %p",
                    "%Y-%m-%d %I:%M %p")
_DATE_AT = re.compile(r"\[([^\]\n]+)\] ")
_SENTENCE = re.compile(  # jrnl's SENTENCE_SPLITTER
    r"([.!?\u2026\u203C\u203D\u2047\u2048\u2049\u22EF\uFE52\uFE57]['\u2019\"\u201D]?[\])]*\s+)"
    r"|[\uFF01\uFF0E\uFF1F\uFF61\u3002]")
MAX_TITLE = 500


class JrnlPasswordNeeded(UserError):
    default_message = "This jrnl journal is encrypted: give its password."


class WrongJrnlPassword(UserError):
    default_message = "That password does not open the jrnl journal."


@dataclass(frozen=True)
class JrnlOptions:
    timeformat: str = DEFAULT_TIMEFORMAT
    password: str | None = None
    zone: tzinfo | None = None  # where the naive jrnl times were written; None: this computer
    tagsymbols: str = TAG_SYMBOLS


def encryption_of(data: bytes) -> str | None:
    """"v3", "v2", "v1" or None (plain text or a JSON export), as jrnl itself decides."""
    if data.startswith(V3_MAGIC):
        return "v3"
    if data.startswith(V2_PREFIX):
        return "v2"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        # v1 is random bytes in AES blocks; text in another encoding (Latin-1 …) has no
        # control characters and is reported as such, not as a journal needing a password.
        binary = any(b < 9 or 13 < b < 32 for b in data[:512])
        if len(data) >= 32 and len(data) % 16 == 0 and binary:
            return "v1"
    return None


def needs_password(path: Path) -> bool:
    return encryption_of(read_limited(path, "a jrnl journal")) is not None


def read_jrnl_plan(path: Path, options: JrnlOptions | None = None) -> ImportPlan:
    options = options or JrnlOptions()
    path = Path(path)
    data = read_limited(path, "a jrnl journal")
    version = encryption_of(data)
    if version is not None:
        if not options.password:
            raise JrnlPasswordNeeded(f"{path} is an encrypted jrnl journal ({version}).",
                                     "Give its password (--jrnl-password-file FILE, or type "
                                     "it when asked).")
        text = decrypt(data, version, options.password, path)
        if version == "v1":
            return _plan(path, parse_legacy_text(text, options, path), options)
    else:
        text = _decode(data, path)
    if text.lstrip().startswith("{"):
        return _plan(path, parse_json_export(text, options, path), options)
    return _plan(path, parse_text(text, options, path), options)


# -- decryption -------------------------------------------------------------------------------


def _fernet_key(password: str, salt: bytes) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=KDF_ROUNDS)
    return base64.urlsafe_b64encode(kdf.derive(password.encode("utf-8")))


def decrypt(data: bytes, version: str, password: str, path: Path) -> str:
    """The journal's text; `WrongJrnlPassword` or `InvalidInput` (damaged) otherwise."""
    if version == "v3":
        token, salt = _v3_parts(data, path)
    elif version == "v2":
        token, salt = data, V2_SALT
    else:
        return _decrypt_v1(data, password, path)
    try:
        plain = Fernet(_fernet_key(password, salt)).decrypt(token.strip())
    except InvalidToken:
        raise WrongJrnlPassword(f"That password does not open the jrnl journal {path}, or "
                                "the file is damaged.", "Nothing was imported.") from None
    return _decode(plain, path)


def _v3_parts(data: bytes, path: Path) -> tuple[bytes, bytes]:
    try:
        (length,) = struct.unpack_from(">H", data, len(V3_MAGIC))
        start = len(V3_MAGIC) + 2
        field = data[start : start + length]
        if len(field) != length:
            raise ValueError("short header")
        try:
            header = json.loads(base64.b64decode(field, validate=True))
        except binascii.Error:
            header = json.loads(field)  # early v3 files kept the JSON header unencoded
        salt = base64.urlsafe_b64decode(header["salt"])
        return data[start + length :], salt
    except (struct.error, ValueError, KeyError, TypeError, binascii.Error, RecursionError):
        # RecursionError: a header of nested brackets fits in the 64 KiB a header may hold.
        raise InvalidInput(f"{path}: the jrnl v3 header is damaged (truncated file?).",
                           "Nothing was imported.") from None


def _decrypt_v1(data: bytes, password: str, path: Path) -> str:
    key = hashlib.sha256(password.encode("utf-8")).digest()
    decryptor = Cipher(algorithms.AES(key), modes.CBC(data[:16])).decryptor()
    padded = decryptor.update(data[16:]) + decryptor.finalize()
    try:
        if padded[-1:] == b" ":  # the oldest jrnl padded with spaces
            return padded.decode("utf-8").rstrip(" ")
        unpadder = padding.PKCS7(128).unpadder()
        return (unpadder.update(padded) + unpadder.finalize()).decode("utf-8")
    except (ValueError, IndexError):  # bad padding or not text: not the key it was made with
        raise WrongJrnlPassword(f"That password does not open the jrnl journal {path} (v1), "
                                "or the file is damaged.", "Nothing was imported.") from None


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInput(f"{path}: line {line} is not UTF-8 text (jrnl writes UTF-8).",
                           "Convert the file to UTF-8 and try again. Nothing was "
                           "imported.") from None


# -- parsing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class JrnlEntry:
    when: datetime  # naive, as jrnl keeps it
    title: str
    body: str
    tags: tuple[str, ...]
    starred: bool
    where: str  # "line 12" or "entries[3]", for messages


def split_title(text: str) -> tuple[str, str]:
    """jrnl's split: the first line, or the first sentence of a one-line text."""
    found: re.Match[str] | None = re.search("\n", text.lstrip())
    if found is None:
        found = _SENTENCE.search(text)
        if found is None:
            return text, ""
        return text[: found.end()].strip(), text[found.end() :].strip()
    stripped = text.lstrip()
    return stripped[: found.end()].strip(), stripped[found.end() :].strip()


def find_tags(text: str, symbols: str = TAG_SYMBOLS) -> tuple[str, ...]:
    """jrnl's tags: `(?<!\\S)[symbols][-+*#/\\w]+`, lower-cased. The look-behind is checked
    here rather than in the pattern, which lets the regex engine jump to the symbols."""
    pattern = _TAG_PATTERNS.get(symbols)
    if pattern is None:
        pattern = _TAG_PATTERNS[symbols] = re.compile(rf"[{re.escape(symbols)}][-+*#/\w]+")
    found = [m.group().lower() for m in pattern.finditer(text)
             if m.start() == 0 or text[m.start() - 1].isspace()]
    return tuple(dict.fromkeys(found))


_TAG_PATTERNS: dict[str, re.Pattern[str]] = {}


_SHORTHANDS = {"%F": "%Y-%m-%d", "%T": "%H:%M:%S", "%R": "%H:%M", "%r": "%I:%M:%S %p",
               "%D": "%m/%d/%y"}
# strptime costs tens of microseconds a call; ten years of entries make that seconds. Formats
# made of these directives are matched by one compiled pattern instead.
_FIELDS = {"%Y": r"(?P<Y>\d{4})", "%m": r"(?P<m>\d{1,2})", "%d": r"(?P<d>\d{1,2})",
           "%H": r"(?P<H>\d{1,2})", "%I": r"(?P<I>\d{1,2})", "%M": r"(?P<M>\d{1,2})",
           "%S": r"(?P<S>\d{1,2})", "%p": r"(?P<p>[AaPp][Mm])"}
_FAST: dict[str, re.Pattern[str] | None] = {}
_FORMATS: dict[str, tuple[str, ...]] = {}


def strptime_format(timeformat: str) -> str:
    """C's shorthands (jrnl's default is `%F %r`) spelled out, since Python's strptime lacks
    them."""
    for short, long in _SHORTHANDS.items():
        timeformat = timeformat.replace(short, long)
    return timeformat


def _fast_pattern(fmt: str) -> re.Pattern[str] | None:
    if fmt not in _FAST:
        parts = re.split(r"(%.)", fmt)
        if any(p.startswith("%") and p not in _FIELDS for p in parts) or \
                len(set(parts) & set(_FIELDS)) != sum(p in _FIELDS for p in parts):
            _FAST[fmt] = None
        else:
            _FAST[fmt] = re.compile("".join(_FIELDS.get(p, re.escape(p)) for p in parts) + "$")
    return _FAST[fmt]


def _fast_time(blob: str, fmt: str) -> datetime | None:
    pattern = _fast_pattern(fmt)
    match = pattern.match(blob) if pattern is not None else None
    if match is None:
        return None
    found = match.groupdict()
    if "Y" not in found or "m" not in found or "d" not in found:
        return None
    hour = int(found.get("H") or 0)
    if found.get("I") is not None:
        twelve = int(found["I"])
        if not 1 <= twelve <= 12 or found.get("p") is None:
            return None
        hour = twelve % 12 + (12 if found["p"].lower() == "pm" else 0)
    try:
        return datetime(int(found["Y"]), int(found["m"]), int(found["d"]), hour,
                        int(found.get("M") or 0), int(found.get("S") or 0))
    except ValueError:
        return None


def _parse_time(blob: str, timeformat: str) -> datetime | None:
    formats = _FORMATS.get(timeformat)
    if formats is None:
        formats = _FORMATS[timeformat] = (strptime_format(timeformat), *FALLBACK_FORMATS)
    for fmt in formats:
        found = _fast_time(blob, fmt)
        if found is not None:
            return found
        try:
            return datetime.strptime(blob, fmt)
        except ValueError:
            continue
    return None


def _date_lines(text: str) -> Iterator[re.Match[str]]:
    """`[…] ` at the start of a line (jrnl's `(?:^|\\n)\\[([^\\]]+)\\] `), found with
    `str.find`, which is many times faster than a regex scan over the whole journal."""
    position = 0 if text.startswith("[") else text.find("\n[")
    while position != -1:
        start = position if position == 0 and text.startswith("[") else position + 1
        match = _DATE_AT.match(text, start)
        if match is not None:
            yield match
        position = text.find("\n[", start)


def parse_text(text: str, options: JrnlOptions, path: Path) -> list[JrnlEntry]:
    """Entries of a plain jrnl journal, in file order."""
    starts: list[tuple[int, int, datetime, int]] = []  # (text start, match start, when, line)
    line, last = 1, 0
    for match in _date_lines(text):
        when = _parse_time(match.group(1), options.timeformat)
        if when is None:
            continue  # `[something] ` that is not a date: part of the text, as in jrnl
        begin = match.start(1) - 1  # the "[" that opens the line
        line += text.count("\n", last, begin)
        last = begin
        starts.append((match.end(), match.start(), when, line))
    if not starts:
        if not text.strip():
            return []
        # The file's words are not repeated here: an error line can end up in a log.
        raise InvalidInput(f"{path}: line 1 does not start a jrnl entry (a [date] in the time "
                           f"format {options.timeformat}).",
                           "Give the journal's timeformat (jrnl's config) with --timeformat. "
                           "Nothing was imported.")
    if text[: starts[0][1]].strip():
        raise InvalidInput(f"{path}: line 1: text before the first entry's [date].",
                           "Is this a jrnl journal? Nothing was imported.")
    entries = []
    for index, (start, _at, when, at_line) in enumerate(starts):
        end = starts[index + 1][1] if index + 1 < len(starts) else len(text)
        entries.append(_entry_from_text(text[start:end], when, f"line {at_line}", options))
    return entries


def parse_legacy_text(text: str, options: JrnlOptions, path: Path) -> list[JrnlEntry]:
    """jrnl 1.x text (inside v1 files): `<date> <title>` lines with no brackets."""
    timeformat = strptime_format(options.timeformat)
    length = len(datetime(2026, 12, 31, 23, 59, 59).strftime(timeformat))
    found: list[tuple[datetime, list[str], bool, int]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        try:
            when = datetime.strptime(line[:length], timeformat)
        except ValueError:
            if found:
                found[-1][1].append(line)
            elif line.strip():
                raise InvalidInput(f"{path}: line {number}: '{line[:40]}' does not start a "
                                   f"jrnl entry in the time format {options.timeformat}.",
                                   "Give the journal's timeformat with --timeformat. Nothing "
                                   "was imported.") from None
            continue
        starred = line.endswith("*")
        first = (line[:-1] if starred else line)[length + 1 :]
        found.append((when, [first], starred, number))
    return [_entry_from_text("\n".join(lines) + "\n", when, f"line {number}", options,
                             starred=starred)
            for when, lines, starred, number in found]


def _entry_from_text(raw: str, when: datetime, where: str, options: JrnlOptions,
                     starred: bool = False) -> JrnlEntry:
    lines = raw.splitlines()
    if lines and lines[0].strip().endswith("*"):
        starred = True
        raw = lines[0].strip("\n *") + "\n" + "\n".join(lines[1:])
    title, body = split_title(raw)
    return JrnlEntry(when, title, body, find_tags(raw, options.tagsymbols), starred, where)


def parse_json_export(text: str, options: JrnlOptions, path: Path) -> list[JrnlEntry]:
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", 1)
        raise InvalidInput(f"{path}: line {line}: not valid JSON (truncated or damaged?).",
                           "Nothing was imported.") from None
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise InvalidInput(f"{path} is not a jrnl JSON export (no 'entries' list).",
                           "Export with `jrnl --export json`. Nothing was imported.")
    entries = []
    for index, item in enumerate(document["entries"]):
        where = f"entries[{index}]"
        try:
            entries.append(_json_entry(item, where))
        except BadItem as exc:
            raise item_error(path, where, exc) from None
    return entries


def _json_entry(item: Any, where: str) -> JrnlEntry:
    if not isinstance(item, dict):
        raise BadItem("it is not an object")
    fields = {}
    for name, kind in (("title", str), ("body", str), ("date", str), ("time", str)):
        value = item.get(name)
        if not isinstance(value, kind):
            raise BadItem(f"'{name}' is missing or not text")
        fields[name] = value
    tags = item.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise BadItem("'tags' must be a list of text")
    starred = item.get("starred", False)
    if not isinstance(starred, bool):
        raise BadItem("'starred' must be true or false")
    try:
        when = datetime.strptime(f"{fields['date']} {fields['time']}", "%Y-%m-%d %H:%M")
    except ValueError:
        raise BadItem("'date' and 'time' must be YYYY-MM-DD and HH:MM") from None
    return JrnlEntry(when, fields["title"], fields["body"], tuple(t.lower() for t in tags),
                     starred, where)


# -- into a plan ------------------------------------------------------------------------------


def clean_tags(tags: tuple[str, ...], symbols: str) -> tuple[list[str], int]:
    """Tags without their symbol; tags Companion cannot hold are counted, not imported."""
    kept, dropped = [], 0
    for tag in tags:
        bare = tag.lstrip(symbols).strip()
        if bare and len(bare) <= MAX_TAG_LENGTH:
            kept.append(bare)
        else:
            dropped += 1
    return kept, dropped


def _plan(path: Path, entries: list[JrnlEntry], options: JrnlOptions) -> ImportPlan:
    plan = ImportPlan(SOURCE, path)
    ids = numbered(stable_id(e.when.isoformat(timespec="minutes"), e.title.strip(),
                             e.body.strip()) for e in entries)
    dropped = 0
    for entry, source_id in zip(entries, ids, strict=True):
        tags, too_long = clean_tags(entry.tags, options.tagsymbols)
        dropped += too_long
        try:
            plan.entries.append(_imported(entry, source_id, tags, options))
        except (BadItem, InvalidInput) as exc:
            raise item_error(path, f"the entry at {entry.where}", exc) from None
    if dropped:
        plan.notes.append(f"{dropped} tags longer than {MAX_TAG_LENGTH} characters were left "
                          "out (they are still in the text).")
    return plan


def _imported(entry: JrnlEntry, source_id: str, tags: list[str], options: JrnlOptions
              ) -> ImportedEntry:
    title, body = entry.title.strip(), entry.body.strip("\n")
    if len(title) > MAX_TITLE or "\n" in title:
        title, body = "", f"{title}\n\n{body}".strip("\n")
    try:
        when = entry.when.replace(tzinfo=options.zone) if options.zone else \
            entry.when.astimezone()
    except (OverflowError, OSError, ValueError):
        raise BadItem("the time is out of range") from None
    return make_entry(source_id, title=title, body=body, tags=tags, created=when,
                      starred=entry.starred)
