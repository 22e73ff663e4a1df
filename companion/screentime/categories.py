"""Screen-time categories: ordered rules with regular expressions on the app and the title.

The first rule that matches decides; nothing matched is "other". Title rules come first in the
defaults so a browser showing YouTube counts as video, not browsing. In privacy mode the tracker
never sees titles, so only app rules can match. Patterns come from the user (or the vault) and
are checked here: a pattern that does not compile is an `InvalidInput` naming its rule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from assets import asset
from companion.errors import InvalidInput
from companion.models import check_storable

DEFAULT_CATEGORY = "other"
DEFAULT_CATEGORIES = ("social media", "video", "games", "messaging", "work", "browsing", "other")
MAX_PATTERN = 1000
MAX_CATEGORY = 60
MAX_RULES = 500


@dataclass(frozen=True)
class CategoryRule:
    category: str
    app: str = ""    # a regular expression searched in the app name ("" = any app)
    title: str = ""  # a regular expression searched in the window title ("" = any title)

    def as_json(self) -> dict[str, str]:
        data = {"category": self.category}
        if self.app:
            data["app"] = self.app
        if self.title:
            data["title"] = self.title
        return data


@dataclass(frozen=True)
class _Compiled:
    category: str
    app: re.Pattern[str] | None
    title: re.Pattern[str] | None


def _compile(pattern: str, where: str) -> re.Pattern[str] | None:
    if not pattern:
        return None
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise InvalidInput(f"The {where} is not a valid regular expression: {exc.msg}.",
                           "Fix the pattern, or leave it empty to match anything.") from None


def check_rule(rule: CategoryRule, number: int = 1) -> CategoryRule:
    """A tidied copy of `rule`, or an `InvalidInput` naming rule `number` (1-based)."""
    category = " ".join(check_storable(rule.category, "category").split()).lower()
    if not category:
        raise InvalidInput(f"Rule {number} has no category.", "Give each rule a category name.")
    if len(category) > MAX_CATEGORY:
        raise InvalidInput(f"Rule {number}: a category name has at most {MAX_CATEGORY} "
                           "characters.")
    app, title = rule.app.strip(), rule.title.strip()
    if not app and not title:
        raise InvalidInput(f"Rule {number} has neither an app nor a title pattern.",
                           "Give at least one of them.")
    for pattern, what in ((app, "app"), (title, "title")):
        check_storable(pattern, f"{what} pattern")
        if len(pattern) > MAX_PATTERN:
            raise InvalidInput(f"Rule {number}: the {what} pattern is longer than "
                               f"{MAX_PATTERN} characters.")
        _compile(pattern, f"{what} pattern of rule {number}")
    return CategoryRule(category, app, title)


def check_rules(rules: Iterable[CategoryRule]) -> tuple[CategoryRule, ...]:
    checked = tuple(check_rule(rule, number) for number, rule in enumerate(rules, 1))
    if len(checked) > MAX_RULES:
        raise InvalidInput(f"At most {MAX_RULES} category rules, please.")
    return checked


def rules_from_json(raw: Any) -> tuple[CategoryRule, ...]:
    """Rules from their JSON form (a list of {"category", "app", "title"} objects)."""
    if not isinstance(raw, list):
        raise InvalidInput("The category rules are not a list.")
    rules = []
    for number, item in enumerate(raw, 1):
        if not isinstance(item, dict) or not all(
                isinstance(item.get(key, ""), str) for key in ("category", "app", "title")):
            raise InvalidInput(f"Category rule {number} is not an object with text fields "
                               "category, app and title.")
        rules.append(CategoryRule(item.get("category", ""), item.get("app", ""),
                                  item.get("title", "")))
    return check_rules(rules)


def rules_to_json(rules: Sequence[CategoryRule]) -> str:
    return json.dumps([rule.as_json() for rule in rules], ensure_ascii=False)


@cache
def default_rules() -> tuple[CategoryRule, ...]:
    """The shipped rules (assets/screentime_categories.json)."""
    raw = json.loads(asset("screentime_categories.json").read_text(encoding="utf-8"))
    return rules_from_json(raw["rules"])


def make_categorizer(rules: Sequence[CategoryRule],
                     overrides: dict[str, str] | None = None) -> Callable[[str, str | None], str]:
    """(app, title) → category: per-app overrides (exact name), then the rules in order."""
    compiled = [_Compiled(rule.category, _compile(rule.app, "app pattern"),
                          _compile(rule.title, "title pattern")) for rule in rules]
    exact = {app.lower(): category for app, category in (overrides or {}).items()}
    memo: dict[tuple[str, str | None], str] = {}

    def categorize(app: str, title: str | None) -> str:
        key = (app, title)
        found = memo.get(key)
        if found is not None:
            return found
        found = exact.get(app.lower())
        if found is None:
            found = next((rule.category for rule in compiled if _matches(rule, app, title)),
                         DEFAULT_CATEGORY)
        if len(memo) < 4096:  # titles change all the time: bound the memo
            memo[key] = found
        return found

    return categorize


def _matches(rule: _Compiled, app: str, title: str | None) -> bool:
    if rule.app is not None and not rule.app.search(app):
        return False
    if rule.title is not None:
        return title is not None and rule.title.search(title) is not None
    return True
