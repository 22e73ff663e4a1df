"""What makes a passphrase acceptable, shared by the CLI and the app's strength meter.

Strength comes from zxcvbn (a maintained estimator of guessing cost), not a home-made rule;
the only fixed rules are a minimum length and one zxcvbn cannot know: words anyone can guess
first — the app's own example passphrase and words, and the person's own name — count for
nothing. (zxcvbn's `user_inputs` barely helps here: it still rated half the example "Strong".)
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from storage.errors import PassphraseMismatch, WeakPassphrase

MIN_LENGTH = 8
MIN_SCORE = 2  # zxcvbn: 0 too guessable … 4 very unguessable; 2 resists online-scale guessing
_SCORED = 72  # zxcvbn refuses longer input; the first 72 characters are scored
EXAMPLE_PASSPHRASE = "lantern orbit pickle meadow"  # shown in onboarding, so guessed first
APP_WORDS = frozenset({*EXAMPLE_PASSPHRASE.split(), "companion", "journal", "mood", "diary",
                       "passphrase", "password", "vault", "circle", "checkin"})
_WORD = re.compile(r"[^\W_]+")
# Look-alike digits and signs, read both ways a "1" can be meant ("l4ntern", "p1ckle").
_AS_I = str.maketrans("4@013$57", "aaoiesst")
_AS_L = str.maketrans("4@013$57", "aaolesst")


@dataclass(frozen=True)
class Strength:
    score: int  # 0–4
    warning: str
    suggestions: tuple[str, ...]

    @property
    def acceptable(self) -> bool:
        return self.score >= MIN_SCORE


def personal_words() -> frozenset[str]:
    """This computer's account name and the person's name on it (from the password database),
    as lower-case words of three letters or more."""
    names: list[str] = []
    try:
        import pwd

        entry = pwd.getpwuid(os.getuid())
        names += [entry.pw_name, entry.pw_gecos.split(",")[0]]
    except (ImportError, KeyError, AttributeError):  # not POSIX, or an account without entry
        names.append(os.environ.get("USERNAME") or os.environ.get("USER") or "")
    return frozenset(word for name in names for word in _words(name) if len(word) >= 3)


def _words(text: str) -> list[str]:
    return [word.casefold() for word in _WORD.findall(text)]


def estimate(passphrase: str, personal: Iterable[str] | None = None) -> Strength:
    """How hard `passphrase` is to guess; `personal` are the person's own words (their name:
    by default the account's, see `personal_words`). The app's words and the name count for
    nothing wherever they appear: as words, run together, in capitals or with look-alike
    digits ("LanternOrbit", "l4ntern")."""
    if len(passphrase) < MIN_LENGTH:
        return Strength(0, f"Use at least {MIN_LENGTH} characters.", ())
    own = {word for name in (personal_words() if personal is None else personal)
           for word in _words(name) if len(word) >= 3}
    strength = _zxcvbn(passphrase[:_SCORED], sorted(APP_WORDS | own))
    forms = [_letters(passphrase), _letters(passphrase.casefold().translate(_AS_I)),
             _letters(passphrase.casefold().translate(_AS_L))]
    guessable = [word for word in sorted(APP_WORDS | own, key=len, reverse=True)
                 if any(word in form for form in forms)]
    if not guessable:
        return strength
    # Someone guessing tries these first, so only the rest of the passphrase counts.
    rests = []
    for form in forms:
        left = form
        for word in guessable:
            left = left.replace(word, " ")
        rests.append(" ".join(left.split()))
    rest = min(rests, key=len)
    rest_score = _zxcvbn(rest[:_SCORED], []).score if len(rest) >= MIN_LENGTH else 0
    if rest_score >= strength.score:
        return strength
    said = []
    for group, why in ((APP_WORDS, "Companion's own words"), (own - APP_WORDS, "your name")):
        found = [word for word in guessable if word in group]
        if found:
            said.append(f"{_and(f'“{word}”' for word in found)} ({why})")
    return Strength(rest_score, f"Someone guessing would try {_and(said)} first.",
                    ("Add words of your own that no one would link to you or to this app.",))


def _letters(text: str) -> str:
    """Lower case, letters and digits only, the words run together."""
    return "".join(_words(text))


def _and(parts: Iterable[str]) -> str:
    items = list(parts)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _zxcvbn(passphrase: str, user_inputs: list[str]) -> Strength:
    from zxcvbn import zxcvbn  # imported when needed: it costs ~30 ms at every CLI start

    result = zxcvbn(passphrase, user_inputs=user_inputs)
    feedback = result.get("feedback", {})
    return Strength(
        score=int(result["score"]),
        warning=str(feedback.get("warning") or ""),
        suggestions=tuple(str(s) for s in feedback.get("suggestions") or ()),
    )


def check_new_passphrase(passphrase: str, confirmation: str | None = None) -> None:
    """Raise a clear `UserError` unless `passphrase` is fit to protect a vault."""
    if not passphrase:
        raise WeakPassphrase(
            "A passphrase is required.",
            f"Use at least {MIN_LENGTH} characters; a few unrelated words work well.",
        )
    if len(passphrase) < MIN_LENGTH:
        raise WeakPassphrase(f"That passphrase is too short ({len(passphrase)} characters).",
                             f"Use at least {MIN_LENGTH}; a few unrelated words work well.")
    if passphrase != passphrase.strip():
        raise WeakPassphrase("A passphrase cannot start or end with a space.",
                             "Spaces are fine between words.")
    strength = estimate(passphrase)
    if not strength.acceptable:
        hint = " ".join(part for part in (strength.warning, *strength.suggestions) if part)
        raise WeakPassphrase("That passphrase would be too easy to guess.",
                             hint or "Add another unrelated word or two.")
    if confirmation is not None and confirmation != passphrase:
        raise PassphraseMismatch()
