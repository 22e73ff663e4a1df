"""Counts with their nouns, right for one and for many: "1 check-in", "2 check-ins", "1 day".

One helper so that Insights, the therapist summary and anything else that counts never say
"1 check-ins" or "1 days" (both were seen). English only, like the rest of the product's text;
irregular nouns are given their plural by the caller or listed in `IRREGULAR`.
"""

from __future__ import annotations

IRREGULAR = {"entry": "entries", "journal entry": "journal entries", "person": "people"}


def noun(count: int, singular: str, many: str | None = None) -> str:
    """The noun alone, in the form that goes with `count` ("day" for 1, "days" otherwise)."""
    if count == 1:
        return singular
    if many is not None:
        return many
    if singular in IRREGULAR:
        return IRREGULAR[singular]
    if singular.endswith(("s", "x", "ch", "sh")):
        return singular + "es"
    if singular.endswith("y") and singular[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return singular[:-1] + "ies"
    return singular + "s"


def plural(count: int, singular: str, many: str | None = None) -> str:
    """`count` and its noun: plural(1, "check-in") is "1 check-in", plural(0, "day") "0 days"."""
    return f"{count} {noun(count, singular, many)}"
