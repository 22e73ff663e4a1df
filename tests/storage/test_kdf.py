"""Key derivation: Argon2id's floor and calibration, and the recovery code's format."""

from __future__ import annotations

import base64
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage import kdf
from storage.kdf import (
    FLOOR,
    MAX_ITERATIONS,
    MAX_MEMORY_KIB,
    MIN_ITERATIONS,
    MIN_MEMORY_KIB,
    RECOVERY_CODE_BYTES,
    Argon2Params,
    calibrate,
    derive_passphrase_key,
    new_recovery_code,
    parse_recovery_code,
)

CODE_SHAPE = re.compile(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){7}")
SALT = bytes(range(16))


def format_code(raw: bytes) -> str:
    """The code as it is shown, made from known bytes (new_recovery_code draws its own)."""
    text = base64.b32encode(raw).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


# -- the Argon2id floor ------------------------------------------------------------------------


def test_floor_is_64_mib_and_3_passes() -> None:
    assert (FLOOR.memory_kib, FLOOR.iterations) == (64 * 1024, 3)
    assert (MIN_MEMORY_KIB, MIN_ITERATIONS) == (65536, 3)


@pytest.mark.parametrize("target", [0.0, -1.0, -1e9])
def test_calibrate_with_no_time_to_spend_gives_the_floor(target: float) -> None:
    assert calibrate(target) == FLOOR


def test_calibrate_reads_a_zero_target_from_the_environment() -> None:
    # tests/conftest.py sets COMPANION_KDF_TARGET_SECONDS=0 for the whole run.
    assert kdf.target_seconds() == 0.0
    assert calibrate() == FLOOR


@pytest.mark.parametrize("target", [1e-9, 1e-4, 1e-2])
def test_calibrate_with_a_tiny_target_never_goes_below_the_floor(target: float) -> None:
    params = calibrate(target)
    assert params.memory_kib >= MIN_MEMORY_KIB
    assert params.iterations >= MIN_ITERATIONS
    params.check_sane()


def test_calibrate_spends_a_bigger_budget_on_memory_first() -> None:
    # One floor derivation takes well under 10 s anywhere this runs, so there is room to grow.
    params = calibrate(10.0)
    params.check_sane()
    assert params.memory_kib > MIN_MEMORY_KIB
    assert params.memory_kib % 1024 == 0
    if params.memory_kib < MAX_MEMORY_KIB:
        assert params.iterations == MIN_ITERATIONS  # passes only grow once memory is maxed


@pytest.mark.parametrize("target", [float("inf"), 1e300])
def test_calibrate_with_a_huge_target_stops_at_the_ceiling(target: float) -> None:
    assert calibrate(target) == Argon2Params(MAX_MEMORY_KIB, MAX_ITERATIONS)


def test_calibrate_with_nan_falls_back_to_the_default_target() -> None:
    params = calibrate(float("nan"))
    params.check_sane()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0", 0.0), ("0.25", 0.25), ("-3", 0.0), ("soon", kdf.DEFAULT_TARGET_SECONDS),
     ("inf", kdf.DEFAULT_TARGET_SECONDS), ("nan", kdf.DEFAULT_TARGET_SECONDS),
     ("", kdf.DEFAULT_TARGET_SECONDS)],
)
def test_target_seconds_from_the_environment(monkeypatch: pytest.MonkeyPatch, raw: str,
                                             expected: float) -> None:
    monkeypatch.setenv(kdf.TARGET_ENV, raw)
    assert kdf.target_seconds() == expected


def test_target_seconds_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(kdf.TARGET_ENV)
    assert kdf.target_seconds() == kdf.DEFAULT_TARGET_SECONDS == 0.5


# -- Argon2Params.check_sane -------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        Argon2Params(MIN_MEMORY_KIB - 1, 3),
        Argon2Params(MIN_MEMORY_KIB - 1024, 3),
        Argon2Params(8, 3),
        Argon2Params(0, 3),
        Argon2Params(-1, 3),
        Argon2Params(MIN_MEMORY_KIB, 2),
        Argon2Params(MIN_MEMORY_KIB, 1),
        Argon2Params(MIN_MEMORY_KIB, 0),
        Argon2Params(MIN_MEMORY_KIB, 3, lanes=0),
        Argon2Params(MIN_MEMORY_KIB, 3, lanes=17),
        Argon2Params(MAX_MEMORY_KIB + 1, 3),
        Argon2Params(2**40, 3),
        Argon2Params(MIN_MEMORY_KIB, MAX_ITERATIONS + 1),
        Argon2Params(MIN_MEMORY_KIB, 10**9),
    ],
    ids=repr,
)
def test_check_sane_rejects_below_the_floor_and_absurd_values(params: Argon2Params) -> None:
    with pytest.raises(ValueError):
        params.check_sane()


@pytest.mark.parametrize(
    "params",
    [FLOOR, Argon2Params(MAX_MEMORY_KIB, MAX_ITERATIONS, lanes=16),
     Argon2Params(MIN_MEMORY_KIB, MIN_ITERATIONS, lanes=1)],
    ids=repr,
)
def test_check_sane_accepts_the_range(params: Argon2Params) -> None:
    params.check_sane()


@settings(max_examples=200, deadline=None)
@given(memory=st.integers(-2**33, 2**33), iterations=st.integers(-100, 200),
       lanes=st.integers(-4, 40))
def test_check_sane_accepts_exactly_the_documented_box(memory: int, iterations: int,
                                                       lanes: int) -> None:
    inside = (MIN_MEMORY_KIB <= memory <= MAX_MEMORY_KIB
              and MIN_ITERATIONS <= iterations <= MAX_ITERATIONS and 1 <= lanes <= 16)
    params = Argon2Params(memory, iterations, lanes)
    if inside:
        params.check_sane()
    else:
        with pytest.raises(ValueError):
            params.check_sane()


def test_derivation_refuses_below_floor_parameters_before_any_work() -> None:
    with pytest.raises(ValueError):
        derive_passphrase_key("anything", SALT, Argon2Params(1024, 1))


def test_derivation_depends_on_passphrase_and_salt_and_normalises_unicode() -> None:
    composed = unicodedata.normalize("NFC", "café crème")
    decomposed = unicodedata.normalize("NFD", "café crème")
    assert composed != decomposed
    key = derive_passphrase_key(composed, SALT, FLOOR)
    assert len(key) == 32
    assert derive_passphrase_key(decomposed, SALT, FLOOR) == key
    assert derive_passphrase_key(composed, bytes(16), FLOOR) != key
    assert derive_passphrase_key("cafe creme", SALT, FLOOR) != key


# -- recovery codes ----------------------------------------------------------------------------


def test_new_recovery_code_format_and_round_trip() -> None:
    seen = set()
    for _ in range(20):
        text, raw = new_recovery_code()
        assert CODE_SHAPE.fullmatch(text), text
        assert len(raw) == RECOVERY_CODE_BYTES == 20
        assert parse_recovery_code(text) == raw
        seen.add(raw)
    assert len(seen) == 20


def test_format_code_matches_what_new_recovery_code_shows() -> None:
    text, raw = new_recovery_code()
    assert format_code(raw) == text


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(min_size=20, max_size=20))
def test_parse_tolerates_how_people_type_codes(raw: bytes) -> None:
    code = format_code(raw)
    bare = code.replace("-", "")
    variants = [
        code,
        code.lower(),
        bare,
        bare.lower(),
        code.replace("-", " "),
        "  " + code.replace("-", " - ") + "\n",
        " ".join(bare[i : i + 2] for i in range(0, len(bare), 2)),
        # 0, 1 and 8 are not in the alphabet: read as the O, I and B they look like.
        code.replace("O", "0").replace("I", "1").replace("B", "8"),
        code.lower().replace("o", "0").replace("i", "1"),
    ]
    for variant in variants:
        assert parse_recovery_code(variant) == raw, variant


@pytest.mark.parametrize("length", [0, 1, 16, 31, 33, 40, 64])
def test_parse_rejects_wrong_lengths(length: int) -> None:
    text, _ = new_recovery_code()
    bare = (text.replace("-", "") * 3)[:length]
    assert parse_recovery_code(bare) is None
    assert parse_recovery_code("-".join(bare[i : i + 4] for i in range(0, length, 4))) is None


def test_parse_rejects_a_code_with_one_group_missing_or_doubled() -> None:
    text, _ = new_recovery_code()
    groups = text.split("-")
    assert parse_recovery_code("-".join(groups[:-1])) is None
    assert parse_recovery_code("-".join([*groups, groups[0]])) is None
    assert parse_recovery_code(text + text) is None


@pytest.mark.parametrize("bad", ["9", "É", "Ⅻ", "٣"])
def test_parse_rejects_characters_outside_the_alphabet(bad: str) -> None:
    text, _ = new_recovery_code()
    assert parse_recovery_code(bad + text[1:]) is None


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_never_raises_on_arbitrary_text(text: str) -> None:
    result = parse_recovery_code(text)
    assert result is None or (isinstance(result, bytes) and len(result) == 20)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcxyz01890 -_=\n\tÉß", min_size=28,
               max_size=44))
def test_parse_never_raises_on_code_like_text(text: str) -> None:
    result = parse_recovery_code(text)
    assert result is None or len(result) == 20
    if result is not None:
        # Whatever it accepted is the code it shows for those bytes (modulo typing slack).
        assert parse_recovery_code(format_code(result)) == result
