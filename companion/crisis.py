"""Crisis resources: support lines shown, offline, when a PHQ-9 answer to item 9 is above 0.

The list ships in `assets/crisis_resources.json`. Numbers change and people know their own
local services best, so a copy the user edited in the vault folder
(`<home>/crisis_resources.json`) wins when it is present and valid. A damaged copy never hides
the list: the shipped one is shown instead, with a word about why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assets import asset
from storage.atomic import atomic_write_bytes

USER_FILE_NAME = "crisis_resources.json"


@dataclass(frozen=True)
class Line:
    name: str
    phone: str = ""
    text: str = ""
    url: str = ""
    hours: str = ""
    description: str = ""


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    emergency: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class CrisisResources:
    intro: str
    verified: str
    last_checked: str
    international: tuple[Line, ...]
    countries: tuple[Country, ...]
    source: str  # "shipped" or the path of the user's own copy
    problem: str = ""  # why the user's copy was not used, if it exists but is not valid

    def country(self, code: str) -> Country | None:
        return next((c for c in self.countries if c.code.upper() == code.upper()), None)


def user_file(home: Path) -> Path:
    return home / USER_FILE_NAME


def load_crisis_resources(home: Path | None = None) -> CrisisResources:
    """The user's edited copy in `home` when valid, else the shipped list."""
    problem = ""
    if home is not None:
        path = user_file(home)
        if path.is_file():
            try:
                return parse_resources(json.loads(path.read_text("utf-8")), source=str(path))
            except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError,
                    RecursionError) as exc:
                problem = (f"Your own list in {path} could not be read ({exc}); "
                           "showing the list that ships with Companion.")
    raw = json.loads(asset(USER_FILE_NAME).read_text("utf-8"))
    shipped = parse_resources(raw, source="shipped")
    return CrisisResources(shipped.intro, shipped.verified, shipped.last_checked,
                           shipped.international, shipped.countries, "shipped", problem)


def shipped_text() -> str:
    """The shipped file as text: a starting point for the user's own copy."""
    return asset(USER_FILE_NAME).read_text("utf-8")


def start_user_copy(home: Path) -> tuple[Path, bool]:
    """Put a copy of the shipped list in `home` for the user to edit; never overwrite theirs.

    Returns the path and whether it was written now.
    """
    path = user_file(home)
    if path.exists():
        return path, False
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    atomic_write_bytes(path, shipped_text().encode("utf-8"))
    return path, True


def parse_resources(raw: Any, *, source: str) -> CrisisResources:
    if not isinstance(raw, dict) or raw.get("format") != 1:
        raise ValueError("not a format-1 crisis resources file")
    international = tuple(_line(item) for item in _list(raw.get("international", [])))
    countries = tuple(
        Country(code=_text(c["code"]), name=_text(c["name"]),
                emergency=_optional(c.get("emergency")),
                lines=tuple(_line(item) for item in _list(c.get("lines", []))))
        for c in _list(raw.get("countries", []))
    )
    if not international and not any(c.lines or c.emergency for c in countries):
        raise ValueError("the list has no support lines")
    return CrisisResources(
        intro=_optional(raw.get("intro")), verified=_optional(raw.get("verified")),
        last_checked=_optional(raw.get("last_checked")), international=international,
        countries=countries, source=source,
    )


def format_resources(resources: CrisisResources) -> str:
    """A calm, plain-text screen: what to do first, then the lines."""
    out: list[str] = []
    if resources.intro:
        out += [resources.intro, ""]
    if not any("emergency" in line.name.lower() for line in resources.international):
        out += ["If you are in danger right now, call your local emergency number.", ""]
    for line in resources.international:
        out.append(_line_text(line))
    for country in resources.countries:
        if not country.lines and not country.emergency:
            continue
        out.append("")
        head = f"{country.name}"
        if country.emergency:
            head += f" (emergency: {country.emergency})"
        out.append(head)
        out += [_line_text(line, indent="  ") for line in country.lines]
    out.append("")
    if resources.verified or resources.last_checked:
        checked = f" Last checked {resources.last_checked}." if resources.last_checked else ""
        out.append(f"{resources.verified}{checked}".strip())
    if resources.problem:
        out.append(resources.problem)
    return "\n".join(out).rstrip() + "\n"


def _line_text(line: Line, indent: str = "") -> str:
    ways = []
    if line.phone:
        ways.append(f"call {line.phone}")
    if line.text:
        ways.append(f"text {line.text}")
    if line.url:
        ways.append(line.url)
    text = f"{indent}- {line.name}"
    if ways:
        text += ": " + ", ".join(ways)
    if line.hours:
        text += f" ({line.hours})"
    if line.description:
        text += f"\n{indent}  {line.description}"
    return text


def _line(raw: Any) -> Line:
    if not isinstance(raw, dict):
        raise TypeError("each line must be an object")
    return Line(name=_text(raw["name"]), phone=_optional(raw.get("phone")),
                text=_optional(raw.get("text")), url=_optional(raw.get("url")),
                hours=_optional(raw.get("hours")),
                description=_optional(raw.get("description")))


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("expected a list")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TypeError("expected non-empty text")
    return value.strip()


def _optional(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value.strip()
