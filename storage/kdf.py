"""Key derivation: Argon2id for passphrases, HKDF for the high-entropy recovery code.

Argon2id is calibrated at vault creation to roughly half a second on this machine, but never
below 64 MiB and 3 passes (RFC 9106's second recommended option). The recovery code carries
160 random bits, so it needs no slow hash: HKDF-SHA256 with a per-file salt is enough.
"""

from __future__ import annotations

import base64
import math
import os
import time
import unicodedata
from dataclasses import dataclass

MIN_MEMORY_KIB = 64 * 1024
MIN_ITERATIONS = 3
MAX_MEMORY_KIB = 1024 * 1024
MAX_ITERATIONS = 64
DEFAULT_LANES = 4
KEY_BYTES = 32
SALT_BYTES = 16
TARGET_ENV = "COMPANION_KDF_TARGET_SECONDS"
DEFAULT_TARGET_SECONDS = 0.5

RECOVERY_CODE_BYTES = 20
_RECOVERY_GROUP = 4


@dataclass(frozen=True)
class Argon2Params:
    memory_kib: int
    iterations: int
    lanes: int = DEFAULT_LANES

    def check_sane(self) -> None:
        """Refuse parameters below the floor or absurdly high (a hostile key file)."""
        if not (MIN_MEMORY_KIB <= self.memory_kib <= MAX_MEMORY_KIB):
            raise ValueError("memory outside the allowed range")
        if not (MIN_ITERATIONS <= self.iterations <= MAX_ITERATIONS):
            raise ValueError("iterations outside the allowed range")
        if not (1 <= self.lanes <= 16):
            raise ValueError("lanes outside the allowed range")


FLOOR = Argon2Params(MIN_MEMORY_KIB, MIN_ITERATIONS)
# What a key file may ask of this computer. The limits above allow up to a minute and 1 GiB
# (a hostile key file could make every unlock that slow); costs up to 1 GiB with 3 passes,
# which calibration picks on any computer up to several times this one's speed, are taken
# on trust, and anything above is measured against a derivation at the floor first.
AFFORDABLE_SECONDS = 10.0
_TRUSTED_COST = MAX_MEMORY_KIB * MIN_ITERATIONS
_MAX_SCALE = (MAX_MEMORY_KIB / MIN_MEMORY_KIB) * (MAX_ITERATIONS / MIN_ITERATIONS)


def check_affordable(params: Argon2Params) -> None:
    """Refuse (`KeyDerivationTooCostly`) parameters this computer would need more than
    AFFORDABLE_SECONDS to derive, estimated from one derivation at the floor."""
    from storage.errors import KeyDerivationTooCostly

    params.check_sane()
    cost = params.memory_kib * params.iterations
    if cost <= _TRUSTED_COST:
        return
    start = time.perf_counter()
    derive_passphrase_key("estimate", os.urandom(SALT_BYTES), FLOOR)
    per_unit = (time.perf_counter() - start) / (FLOOR.memory_kib * FLOOR.iterations)
    seconds = per_unit * cost
    if seconds > AFFORDABLE_SECONDS:
        raise KeyDerivationTooCostly(
            f"The vault's key file asks for a key derivation that would take about "
            f"{seconds:.0f} seconds on this computer, so it was not tried.")


def normalize_passphrase(passphrase: str) -> bytes:
    # NFC so the same passphrase typed on another keyboard layout or OS derives the same key.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def derive_passphrase_key(passphrase: str, salt: bytes, params: Argon2Params) -> bytes:
    """Argon2id (RFC 9106, version 0x13) of the passphrase, with cryptography's `Argon2id`.

    Since cryptography 50 the derivation releases Python's GIL, so the desktop app's GUI
    thread keeps running while a worker thread derives (tests/storage measure this). Earlier
    releases held it for the whole derivation, which is why vaults used to be derived with
    argon2-cffi; both compute RFC 9106 exactly, and a known answer from that reference C
    implementation is checked in the tests so existing vaults keep opening.
    """
    # Imported here: a command in an unlock session derives nothing (cryptography's import
    # is a tenth of its start-up).
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    params.check_sane()
    kdf = Argon2id(
        salt=salt,
        length=KEY_BYTES,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(normalize_passphrase(passphrase))


def target_seconds() -> float:
    raw = os.environ.get(TARGET_ENV)
    if raw is None:
        return DEFAULT_TARGET_SECONDS
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_TARGET_SECONDS
    # "inf" and "nan" parse as floats but are no target at all.
    return max(0.0, value) if math.isfinite(value) else DEFAULT_TARGET_SECONDS


def calibrate(target: float | None = None) -> Argon2Params:
    """Pick Argon2id parameters that take about `target` seconds here, never below the floor.

    Memory grows first (it is what makes GPU attacks expensive), up to 1 GiB; passes after.
    """
    goal = target_seconds() if target is None else target
    if math.isnan(goal):
        goal = DEFAULT_TARGET_SECONDS
    if goal <= 0:
        return FLOOR
    # The median of three timings: one sample on a busy (or virtual) machine is noisy, and the
    # parameters chosen here stay with the key file until the passphrase next changes.
    samples = []
    for _ in range(3):
        start = time.perf_counter()
        derive_passphrase_key("calibration", os.urandom(SALT_BYTES), FLOOR)
        samples.append(time.perf_counter() - start)
    elapsed = max(sorted(samples)[1], 1e-3)
    # Capped at the largest cost the parameters can express, so that a huge (or infinite)
    # target gives the maximum rather than an overflow in the arithmetic below.
    scale = min(goal / elapsed, _MAX_SCALE)
    if scale <= 1:
        return FLOOR
    memory = int(MIN_MEMORY_KIB * scale) // 1024 * 1024
    memory = max(MIN_MEMORY_KIB, min(memory, MAX_MEMORY_KIB))
    iterations = MIN_ITERATIONS
    if memory == MAX_MEMORY_KIB:
        leftover = scale * MIN_MEMORY_KIB / MAX_MEMORY_KIB
        iterations = max(MIN_ITERATIONS, min(int(MIN_ITERATIONS * leftover), MAX_ITERATIONS))
    return Argon2Params(memory, iterations)


def derive_recovery_key(code: bytes, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=b"companion recovery v1"
    ).derive(code)


def new_recovery_code() -> tuple[str, bytes]:
    """A fresh code: the text shown to the user once, and the raw bytes it stands for."""
    raw = os.urandom(RECOVERY_CODE_BYTES)
    text = base64.b32encode(raw).decode("ascii").rstrip("=")
    groups = [text[i : i + _RECOVERY_GROUP] for i in range(0, len(text), _RECOVERY_GROUP)]
    return "-".join(groups), raw


# Characters people confuse with the base32 alphabet, read the way they were most likely meant.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


def parse_recovery_code(text: str) -> bytes | None:
    """The raw bytes of a typed code (spaces, dashes and case ignored), or None if malformed."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_LOOKALIKES)
    expected = len(base64.b32encode(bytes(RECOVERY_CODE_BYTES)).rstrip(b"="))
    if len(cleaned) != expected:
        return None
    try:
        raw = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except ValueError:
        return None
    return raw if len(raw) == RECOVERY_CODE_BYTES else None
