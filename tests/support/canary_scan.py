"""Find a canary phrase in every byte of every file under a folder.

Used by tests/test_no_plaintext.py. Each phrase and each of its words is looked for as typed,
lowercase, uppercase and capitalised, in UTF-8, UTF-16-LE and UTF-16-BE, anywhere in a file
(not only at boundaries), so a copy inside a binary database page is found as surely as one in
a text file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")


@dataclass(frozen=True)
class Finding:
    path: Path
    text: str
    encoding: str

    def __str__(self) -> str:
        return f"{self.path}: {self.text!r} in {self.encoding}"


def needles(phrases: Iterable[str]) -> dict[bytes, tuple[str, str]]:
    """Every byte pattern to look for, with the text and encoding it stands for."""
    texts: set[str] = set()
    for phrase in phrases:
        for piece in (phrase, *phrase.split()):
            texts.update({piece, piece.lower(), piece.upper(), piece.capitalize()})
    return {
        text.encode(encoding): (text, encoding)
        for text in sorted(texts)
        for encoding in ENCODINGS
    }


def files_under(root: Path) -> Iterator[Path]:
    """Every regular file under `root`, hidden ones included; symlinks are not followed."""
    for folder, _dirs, names in os.walk(root, followlinks=False):
        for name in names:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path


def scan(root: Path, phrases: Iterable[str]) -> tuple[list[Finding], list[Path]]:
    """(what was found where, which files were read)."""
    patterns = needles(phrases)
    findings: list[Finding] = []
    scanned: list[Path] = []
    for path in sorted(files_under(root)):
        data = path.read_bytes()
        scanned.append(path)
        for pattern, (text, encoding) in patterns.items():
            if pattern in data:
                findings.append(Finding(path, text, encoding))
    return findings, scanned
