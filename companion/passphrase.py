"""What makes a passphrase acceptable, shared by the CLI and the app's strength meter.

Strength comes from zxcvbn (a maintained estimator of guessing cost), not a home-made rule;
the only fixed rule is a minimum length.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.errors import PassphraseMismatch, WeakPassphrase

MIN_LENGTH = 8
MIN_SCORE = 2  # zxcvbn: 0 too guessable … 4 very unguessable; 2 resists online-scale guessing
_MAX_SCORED = 100  # zxcvbn slows down on very long inputs; beyond this length, length is enough


@dataclass(frozen=True)
class Strength:
    score: int  # 0–4
    warning: str
    suggestions: tuple[str, ...]

    @property
    def acceptable(self) -> bool:
        return self.score >= MIN_SCORE


def estimate(passphrase: str) -> Strength:
    if len(passphrase) < MIN_LENGTH:
        return Strength(0, f"Use at least {MIN_LENGTH} characters.", ())
    if len(passphrase) > _MAX_SCORED:
        return Strength(4, "", ())
    from zxcvbn import zxcvbn  # imported when needed: it costs ~30 ms at every CLI start

    result = zxcvbn(passphrase)
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
