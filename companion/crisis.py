"""Crisis resources: support lines shown, offline, when a PHQ-9 answer to item 9 is above 0
and whenever the person asks for them.

The list ships in `assets/crisis_resources.json`. Numbers change and people know their own
local services best, so a copy the user edited in the vault folder
(`<home>/crisis_resources.json`) wins when it is present and valid. A damaged copy never hides
the list: the shipped one is shown instead, with a word about why.

The user's copy is a file anyone with access to the folder can write, so it is read as hostile:
its size is bounded before it is parsed, its fields are bounded, and of its addresses only
tel:, sms:, https: and mailto: are ever offered to the desktop to open. Numbers are shown as
typed and dialled with only their digits (and a leading +).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from assets import asset
from storage.atomic import atomic_write_bytes
from storage.paths import ensure_private_dir

USER_FILE_NAME = "crisis_resources.json"
MAX_FILE_BYTES = 256 * 1024  # a list of every country's lines fits in a tenth of this
MAX_COUNTRIES = 300
MAX_LINES = 50  # in one country, or among the international lines
MAX_SHORT_TEXT = 300  # names, numbers, hours, addresses
MAX_LONG_TEXT = 2000  # descriptions, the intro
MAX_NUMBERS = 4  # numbers in one "phone" or "text" field ("113 or 0800 0113")
OPENABLE_SCHEMES = ("tel", "sms", "https", "mailto")
# CLDR's code for an unknown region: the person chose "somewhere else", so no country's lines
# come first and the choice is not replaced by the system's locale next time.
SOMEWHERE_ELSE = "ZZ"
_ALIASES = {"UK": "GB"}  # what people write for the United Kingdom; ISO 3166 says GB
_CODE = re.compile(r"^[A-Z]{2}$")
_NUMBER_SEPARATORS = re.compile(r"\s+or\s+|[,;/]", re.IGNORECASE)


class CrisisListError(ValueError):
    """Why a list cannot be used, in words for the person who wrote it."""


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
        wanted = country_code(code)
        return next((c for c in self.countries if c.code == wanted), None) if wanted else None


@dataclass(frozen=True)
class Action:
    """One way to reach a line: a call, a text, a website or an email.

    `shown` is what the list says, as typed; `target` is the address handed to the desktop,
    or "" when what was typed cannot be opened safely (then it is only shown and copied).
    """

    kind: str  # "call", "text", "web", "email" or "link" (an address that is not opened)
    shown: str
    target: str


# -- reading -----------------------------------------------------------------------------------


def user_file(home: Path) -> Path:
    return home / USER_FILE_NAME


def load_crisis_resources(home: Path | None = None) -> CrisisResources:
    """The user's edited copy in `home` when valid, else the shipped list."""
    problem = ""
    if home is not None:
        path = user_file(home)
        if path.is_file():
            try:
                return parse_user_text(_read_bounded(path), source=str(path))
            except OSError as exc:
                problem = (f"Your own list in {path} could not be read "
                           f"({exc.strerror or 'the system refused'}); showing the list that "
                           "ships with Companion.")
            except CrisisListError as exc:
                problem = (f"Your own list in {path} could not be used: {exc}. Showing the list "
                           "that ships with Companion.")
    shipped = parse_resources(json.loads(shipped_text()), source="shipped")
    return CrisisResources(shipped.intro, shipped.verified, shipped.last_checked,
                           shipped.international, shipped.countries, "shipped", problem)


def _read_bounded(path: Path) -> str:
    """The file's text, refused before parsing when it is larger than MAX_FILE_BYTES."""
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)  # never more, even if the file grows meanwhile
    if len(data) > MAX_FILE_BYTES:
        raise CrisisListError(f"it is larger than {MAX_FILE_BYTES // 1024} KiB, so it was not "
                              "read")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CrisisListError("it is not UTF-8 text") from exc


def parse_user_text(text: str, *, source: str) -> CrisisResources:
    """A list the person wrote, checked the same way whether read from disk or the editor."""
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise CrisisListError("it holds characters that are not valid text") from exc
    if size > MAX_FILE_BYTES:
        raise CrisisListError(f"it is larger than {MAX_FILE_BYTES // 1024} KiB")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CrisisListError(f"it is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                              f"{exc.msg})") from exc
    except RecursionError as exc:
        raise CrisisListError("it is nested too deeply to be a list of lines") from exc
    except ValueError as exc:  # lone surrogates and the like
        raise CrisisListError("it is not valid JSON text") from exc
    return parse_resources(raw, source=source)


def save_user_list(home: Path, text: str) -> Path:
    """Check `text` as a list and write it as the person's own, atomically; a list that does
    not pass is never written (CrisisListError says why)."""
    from companion.files import save_text_file  # OS errors become sentences for the person

    parse_user_text(text, source="edited")
    ensure_private_dir(home)
    path = user_file(home)
    save_text_file(path, text)
    return path


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
    """Check and convert a decoded list; raises CrisisListError saying what is wrong."""
    if not isinstance(raw, dict) or raw.get("format") != 1:
        raise CrisisListError('it is not a crisis list of format 1 (it needs "format": 1)')
    international = _lines(raw.get("international", []), '"international"',
                           "international lines")
    countries_raw = _list(raw.get("countries", []), '"countries"')
    if len(countries_raw) > MAX_COUNTRIES:
        raise CrisisListError(f"it has more than {MAX_COUNTRIES} countries")
    countries: list[Country] = []
    seen: set[str] = set()
    for item in countries_raw:
        if not isinstance(item, dict):
            raise CrisisListError("each country must be an object")
        name = _text(item.get("name"), "a country's name")
        code = country_code(_text(item.get("code"), f'the "code" of {name}'))
        if not code or code == SOMEWHERE_ELSE:
            raise CrisisListError(f"the code of {name} must be two letters, such as GB")
        if code in seen:
            continue  # the first entry for a country wins, as a reader would expect
        seen.add(code)
        countries.append(Country(code=code, name=name,
                                 emergency=_optional(item.get("emergency"), "an emergency "
                                                     "number"),
                                 lines=_lines(item.get("lines", []), f'the "lines" of {name}',
                                              f"lines for {name}")))
    if not international and not any(c.lines or c.emergency for c in countries):
        raise CrisisListError("it has no support lines")
    return CrisisResources(
        intro=_optional(raw.get("intro"), '"intro"', MAX_LONG_TEXT),
        verified=_optional(raw.get("verified"), '"verified"', MAX_LONG_TEXT),
        last_checked=_optional(raw.get("last_checked"), '"last_checked"'),
        international=international, countries=tuple(countries), source=source,
    )


def _lines(value: Any, field: str, what: str) -> tuple[Line, ...]:
    items = _list(value, field)
    if len(items) > MAX_LINES:
        raise CrisisListError(f"there are more than {MAX_LINES} {what}")
    return tuple(_line(item) for item in items)


def _line(raw: Any) -> Line:
    if not isinstance(raw, dict):
        raise CrisisListError("each line must be an object")
    name = _text(raw.get("name"), 'a line\'s "name"')
    return Line(name=name, phone=_optional(raw.get("phone"), f"the phone of {name}"),
                text=_optional(raw.get("text"), f"the text number of {name}"),
                url=_optional(raw.get("url"), f"the address of {name}"),
                hours=_optional(raw.get("hours"), f"the hours of {name}"),
                description=_optional(raw.get("description"), f"the description of {name}",
                                      MAX_LONG_TEXT))


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise CrisisListError(f"{where} must be a list")
    return value


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CrisisListError(f"{what} is missing or empty")
    return _bounded(value.strip(), what, MAX_SHORT_TEXT)


def _optional(value: Any, what: str, limit: int = MAX_SHORT_TEXT) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise CrisisListError(f"{what} must be text")
    return _bounded(value.strip(), what, limit)


def _bounded(value: str, what: str, limit: int) -> str:
    if len(value) > limit:
        raise CrisisListError(f"{what} is longer than {limit} characters")
    # Control characters and bidi overrides would let a list show one thing and mean another.
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs") and c not in "\n\t" for c in value):
        raise CrisisListError(f"{what} holds invisible control characters")
    return value


# -- which country first -----------------------------------------------------------------------


def country_code(value: str) -> str:
    """`value` as an ISO 3166 alpha-2 code ("gb" → "GB", "UK" → "GB"), or "" when it is not
    one (a locale with no territory gives "", a region such as Latin America gives "419")."""
    code = value.strip().upper()
    code = _ALIASES.get(code, code)
    return code if _CODE.match(code) else ""


def chosen_country(resources: CrisisResources, remembered: str, from_locale: str) -> str:
    """The country whose lines come first: the one the person chose before, if the list still
    has it (or they chose "somewhere else"), else the system locale's, else none ("")."""
    remembered = country_code(remembered)
    if remembered == SOMEWHERE_ELSE or resources.country(remembered) is not None:
        return remembered
    return country_code(from_locale)


def international_lines(resources: CrisisResources, country: Country | None) -> tuple[Line, ...]:
    """The lines for anywhere. A general word about "your local emergency number" (a line with
    no number of its own) is left out when the chosen country's emergency number is shown."""
    if country is None or not country.emergency:
        return resources.international
    return tuple(line for line in resources.international
                 if line.phone or line.text or line.url or "emergency" not in line.name.lower())


# -- ways to reach a line ------------------------------------------------------------------------


_KEYPAD = {letter: str(digit) for digit, letters in
           ((2, "ABC"), (3, "DEF"), (4, "GHI"), (5, "JKL"), (6, "MNO"), (7, "PQRS"), (8, "TUV"),
            (9, "WXYZ")) for letter in letters}


_DIGIT_RUN = re.compile(r"\+?\d(?:[\d\s().-]*\d)?")
_VANITY = re.compile(r"\+?[\d\s().-]*[A-Za-z][A-Za-z\d-]*")  # "1-800-SUICIDE"


def dial_string(number: str) -> str:
    """The digits of `number`, with a + kept only where it leads: "+44 (0)116 123" dials
    "+440116123"; spaces and punctuation are dropped. Letters in a number are the phone
    keypad's ("1-800-SUICIDE" dials 18007842433: dropping them dialled a different number);
    in words around a number ("Text HOME to 85258") the number is the last one written."""
    number = number.strip()
    if any(c.isalpha() for c in number):
        if _VANITY.fullmatch(number):
            number = "".join(_KEYPAD.get(c.upper(), c) for c in number)
        else:
            runs = _DIGIT_RUN.findall(number)
            number = runs[-1] if runs else ""
    digits = "".join(c for c in number if c.isascii() and c.isdigit())
    return ("+" + digits) if number.startswith("+") and digits else digits


def split_numbers(field: str) -> list[str]:
    """The numbers in a phone or text field, as typed: "113 or 0800 0113" is two."""
    parts = [p.strip() for p in _NUMBER_SEPARATORS.split(field)]
    return [p for p in parts if p][:MAX_NUMBERS]


def openable_url(url: str) -> str:
    """`url` if it may be handed to the desktop (tel:, sms:, https:, mailto: and well formed),
    else "" (javascript:, file:, plain http: and anything else are only shown). A tel: or sms:
    address comes back as its digits only ("tel:+1 800 273" → "tel:+1800273")."""
    url = url.strip()
    if not url or len(url) > MAX_SHORT_TEXT or any(
            unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in url):
        return ""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    if scheme not in OPENABLE_SCHEMES:
        return ""
    if scheme in ("https", "mailto") and any(c.isspace() for c in url):
        return ""
    if scheme == "https":
        return url if host and not parts.username and not parts.password else ""
    if scheme == "mailto":
        address = parts.path
        return url if re.fullmatch(r"[^@\s?]+@[^@\s?]+\.[^@\s?]+", address) else ""
    number = dial_string(parts.path)  # tel: and sms:
    return f"{scheme}:{number}" if 2 <= len(number.lstrip("+")) <= 20 else ""


def line_actions(line: Line) -> tuple[Action, ...]:
    """How `line` can be reached, in the order the screen offers them."""
    actions: list[Action] = []
    for kind, field in (("call", line.phone), ("text", line.text)):
        for shown in split_numbers(field):
            number = dial_string(shown)
            scheme = "tel" if kind == "call" else "sms"
            ok = 2 <= len(number.lstrip("+")) <= 20
            actions.append(Action(kind, shown, f"{scheme}:{number}" if ok else ""))
    if line.url:
        target = openable_url(line.url)
        scheme = target.split(":", 1)[0].lower() if target else ""
        kind = {"https": "web", "mailto": "email", "tel": "call", "sms": "text"}.get(scheme,
                                                                                    "link")
        actions.append(Action(kind, line.url, target))
    return tuple(actions)


def emergency_actions(country: Country) -> tuple[Action, ...]:
    """The country's emergency number(s) as calls ("112 or 999" is two)."""
    return line_actions(Line(name=country.name, phone=country.emergency))


# -- as text (the command line) ------------------------------------------------------------------


def format_resources(resources: CrisisResources, country: str = "") -> str:
    """A calm, plain-text screen: what to do first, then the lines. With `country`, that
    country's lines come first, then the international lines, then the rest."""
    out: list[str] = []
    if resources.intro:
        out += [resources.intro, ""]
    if not any("emergency" in line.name.lower() for line in resources.international):
        out += ["If you are in danger right now, call your local emergency number.", ""]
    first = resources.country(country)
    if first is not None:
        out += [*_country_text(first), ""]
    for line in resources.international:
        out.append(_line_text(line))
    for each in resources.countries:
        if each is first or (not each.lines and not each.emergency):
            continue
        out += ["", *_country_text(each)]
    out.append("")
    if resources.verified or resources.last_checked:
        checked = f" Last checked {resources.last_checked}." if resources.last_checked else ""
        out.append(f"{resources.verified}{checked}".strip())
    if resources.problem:
        out.append(resources.problem)
    return "\n".join(out).rstrip() + "\n"


def _country_text(country: Country) -> list[str]:
    head = f"{country.name}"
    if country.emergency:
        head += f" (emergency: {country.emergency})"
    return [head, *(_line_text(line, indent="  ") for line in country.lines)]


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
