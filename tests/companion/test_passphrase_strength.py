"""The strength rule counts for nothing the words anyone would try first: the app's own example
and words, and the person's name (issue 17, item 5: half the example passphrase was "Strong")."""

from __future__ import annotations

import pytest

from companion.passphrase import EXAMPLE_PASSPHRASE, MIN_SCORE, estimate, personal_words
from storage.errors import WeakPassphrase

NAME = ["Ruth Sandoval"]


@pytest.mark.parametrize("passphrase", [
    EXAMPLE_PASSPHRASE,
    EXAMPLE_PASSPHRASE.upper().replace(" ", "-"),
    "lantern orbit",          # half the example: zxcvbn alone says 3 ("Strong")
    "lantern orbit kayak",
    "my mood journal 2024",
    "ruth sandoval 1988",     # the person's name
    "Sandoval_Ruth_lantern",
    "LanternOrbitPickleMeadow",      # run together, in capitals
    "lanternorbitpickle",
    "l4ntern 0rbit p1ckle mead0w",   # look-alike digits
    " ".join([EXAMPLE_PASSPHRASE] * 4),  # long, but only the example
])
def test_guessable_words_do_not_count(passphrase: str) -> None:
    strength = estimate(passphrase, personal=NAME)
    assert not strength.acceptable, passphrase
    assert "would try" in strength.warning


def test_the_warning_names_the_words_and_why() -> None:
    strength = estimate("Ruth lantern quiet", personal=NAME)
    assert strength.warning == ("Someone guessing would try “lantern” (Companion's own words) "
                                "and “ruth” (your name) first.")


@pytest.mark.parametrize("passphrase", [
    "quiet river copper tulip",
    "lantern quiet river copper tulip",  # an example word among enough words of one's own
    "correct horse battery staple",
])
def test_a_passphrase_of_ones_own_words_still_passes(passphrase: str) -> None:
    strength = estimate(passphrase, personal=NAME)
    assert strength.score >= MIN_SCORE and strength.acceptable, strength


def test_the_account_name_counts_as_the_persons_name(monkeypatch: pytest.MonkeyPatch) -> None:
    import pwd
    from types import SimpleNamespace

    fake = SimpleNamespace(pw_name="rsandoval", pw_gecos="Ruth Sandoval,,,")
    monkeypatch.setattr(pwd, "getpwuid", lambda _uid: fake)
    assert personal_words() == {"rsandoval", "ruth", "sandoval"}
    assert not estimate("sandoval ruth tulip").acceptable


def test_init_refuses_the_apps_own_example(monkeypatch: pytest.MonkeyPatch) -> None:
    from companion.passphrase import check_new_passphrase

    with pytest.raises(WeakPassphrase) as caught:
        check_new_passphrase(EXAMPLE_PASSPHRASE, EXAMPLE_PASSPHRASE)
    assert "Companion's own words" in str(caught.value.hint)


@pytest.mark.parametrize("length", [72, 73, 100, 101, 500])
def test_any_length_is_judged_and_never_crashes(length: int) -> None:
    """zxcvbn refuses more than 72 characters (the onboarding meter crashed from 73 to 100),
    and anything over 100 used to pass unscored."""
    own_words = ("quiet river copper tulip under amber lanterns " * 20)[:length]
    assert estimate(own_words, personal=NAME).acceptable
    assert not estimate("a" * length, personal=NAME).acceptable
