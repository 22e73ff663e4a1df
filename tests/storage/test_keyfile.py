"""The key file: format, hostile input, and what each wrapped slot is bound to."""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.errors import KeyFileDamaged
from storage.kdf import FLOOR, Argon2Params
from storage.keyfile import MAGIC, MAX_KEYFILE_BYTES, PASSPHRASE_SLOT, RECOVERY_SLOT, KeyFile
from storage.vault import Vault
from tests.storage.conftest import Template
from tests.support.storage_helpers import OTHER_PASSPHRASE, PASSPHRASE, flip_bit

DATA_KEY = bytes(range(32))
PASS_KEK = bytes(range(100, 132))
CODE_KEK = bytes(range(200, 232))


def make_key_file(vault_id: str | None = None, data_key: bytes = DATA_KEY) -> KeyFile:
    """A key file with both slots, wrapped under known keys (no Argon2id needed)."""
    key_file = KeyFile(vault_id=vault_id or secrets.token_hex(16))
    key_file.wrap(PASSPHRASE_SLOT, PASS_KEK, data_key, kdf="argon2id",
                  salt=secrets.token_bytes(16), argon2=FLOOR)
    key_file.wrap(RECOVERY_SLOT, CODE_KEK, data_key, kdf="hkdf-sha256",
                  salt=secrets.token_bytes(16))
    return key_file


SAMPLE = make_key_file("0123456789abcdef0123456789abcdef").to_bytes()


def body_of(data: bytes) -> dict[str, Any]:
    parsed = json.loads(data[len(MAGIC) + 1 :])
    assert isinstance(parsed, dict)
    return parsed


def with_body(body: object) -> bytes:
    return MAGIC + b"\x01" + json.dumps(body).encode("utf-8")


def parse_or_damaged(data: bytes) -> KeyFile | None:
    """Parse `data`; None if it was refused as `KeyFileDamaged` (any other error fails)."""
    try:
        return KeyFile.from_bytes(data)
    except KeyFileDamaged:
        return None


# -- format ------------------------------------------------------------------------------------


def test_round_trip() -> None:
    original = make_key_file()
    data = original.to_bytes()
    parsed = KeyFile.from_bytes(data)
    assert parsed == original
    assert parsed.to_bytes() == data
    assert parsed.unwrap(PASSPHRASE_SLOT, PASS_KEK) == DATA_KEY
    assert parsed.unwrap(RECOVERY_SLOT, CODE_KEK) == DATA_KEY


def test_magic_header_and_version() -> None:
    assert MAGIC == b"COMPANION-KEYFILE\n"
    assert SAMPLE.startswith(MAGIC)
    assert SAMPLE[len(MAGIC)] == 1
    body = body_of(SAMPLE)
    assert body["cipher"] == "chacha20-poly1305"
    assert set(body["slots"]) == {PASSPHRASE_SLOT, RECOVERY_SLOT}
    assert body["slots"][PASSPHRASE_SLOT]["kdf"] == "argon2id"
    assert body["slots"][PASSPHRASE_SLOT]["memory_kib"] == 65536
    assert body["slots"][PASSPHRASE_SLOT]["iterations"] == 3
    assert body["slots"][RECOVERY_SLOT]["kdf"] == "hkdf-sha256"


def test_the_data_key_is_nowhere_in_the_file() -> None:
    for form in (DATA_KEY, DATA_KEY.hex().encode(), base64.b64encode(DATA_KEY)):
        assert form not in SAMPLE


def test_a_real_vault_key_file(closed_vault: Template) -> None:
    data = (closed_vault.home / "vault.key").read_bytes()
    parsed = KeyFile.from_bytes(data)
    assert data.startswith(MAGIC) and data[len(MAGIC)] == 1
    assert parsed.vault_id == closed_vault.vault_id
    assert parsed.slots[PASSPHRASE_SLOT].argon2 == FLOOR


def test_an_unknown_version_is_refused_with_its_own_message() -> None:
    with pytest.raises(KeyFileDamaged) as caught:
        KeyFile.from_bytes(MAGIC + b"\x02" + SAMPLE[len(MAGIC) + 1 :])
    assert "format" in caught.value.message


# -- hostile input: only ever KeyFileDamaged ---------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        MAGIC,
        MAGIC + b"\x01",
        MAGIC + b"\x01{}",
        MAGIC + b"\x01[]",
        MAGIC + b"\x01null",
        MAGIC + b"\x01\xff\xfe",
        b"COMPANION-KEYFILE" + SAMPLE[len(MAGIC) :],
        b"SQLite format 3\x00" + bytes(100),
        # Deeply nested JSON within the size limit: RecursionError inside json.
        MAGIC + b"\x01" + b"[" * 60_000,
        MAGIC + b"\x01" + b'{"a":' * 12_000,
        MAGIC + b"\x01" + b"1" * 10_000,  # an integer too long for int()
        SAMPLE + b" " * MAX_KEYFILE_BYTES,  # too big
    ],
    ids=lambda data: repr(data[:40]) + f"…({len(data)})",
)
def test_garbage_is_damaged(data: bytes) -> None:
    with pytest.raises(KeyFileDamaged):
        KeyFile.from_bytes(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_are_damaged(data: bytes) -> None:
    with pytest.raises(KeyFileDamaged):
        KeyFile.from_bytes(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_after_the_header_are_damaged(data: bytes) -> None:
    with pytest.raises(KeyFileDamaged):
        KeyFile.from_bytes(MAGIC + b"\x01" + data)


def test_every_truncation_is_damaged() -> None:
    for length in range(len(SAMPLE)):
        with pytest.raises(KeyFileDamaged):
            KeyFile.from_bytes(SAMPLE[:length])


def test_every_single_bit_flip_is_damaged_or_unwraps_to_nothing() -> None:
    """A flip the parser cannot see (inside base64, a letter's case in the vault id, a digit
    in a parameter) must never give a wrong key, nor any key from the slot it touched: the
    AEAD tag and the slot's authenticated data cover it. A slot that still unwraps is one the
    flip left as it was (it hit the other slot, or the unused low bits of a base64 group)."""
    original = KeyFile.from_bytes(SAMPLE)
    refused = unwrapped = 0
    for bit in range(len(SAMPLE) * 8):
        parsed = parse_or_damaged(flip_bit(SAMPLE, bit))
        if parsed is None:
            refused += 1
            continue
        for name, kek in ((PASSPHRASE_SLOT, PASS_KEK), (RECOVERY_SLOT, CODE_KEK)):
            if name in parsed.slots:
                key = parsed.unwrap(name, kek)
                assert key in (None, DATA_KEY)
                if key is not None:  # then this slot, and what binds it, is unchanged
                    unwrapped += 1
                    assert parsed.slots[name] == original.slots[name]
                    assert parsed.vault_id == original.vault_id
    assert refused > len(SAMPLE)  # most flips break the structure and are refused outright
    assert unwrapped > 0  # the untouched slot of a flip elsewhere still works


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(SAMPLE) - 1), st.integers(0, 255)), min_size=1,
                max_size=8))
def test_random_byte_damage_is_damaged_or_unwraps_to_nothing(
    damage: list[tuple[int, int]],
) -> None:
    data = bytearray(SAMPLE)
    for position, value in damage:
        data[position] = value
    parsed = parse_or_damaged(bytes(data))
    if parsed is not None:
        for name, kek in ((PASSPHRASE_SLOT, PASS_KEK), (RECOVERY_SLOT, CODE_KEK)):
            if name in parsed.slots:
                assert parsed.unwrap(name, kek) in (None, DATA_KEY)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=10,
)
FIELDS = [
    ("vault_id",), ("cipher",), ("slots",),
    *[("slots", slot, field) for slot in (PASSPHRASE_SLOT, RECOVERY_SLOT)
      for field in ("kdf", "salt", "nonce", "wrapped")],
    *[("slots", PASSPHRASE_SLOT, field) for field in ("memory_kib", "iterations", "lanes")],
]


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(FIELDS), value=JSON_VALUES, delete=st.booleans())
def test_wrong_types_and_missing_fields_are_damaged(path: tuple[str, ...], value: object,
                                                    delete: bool) -> None:
    body = body_of(SAMPLE)
    parent = body
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    parsed = parse_or_damaged(with_body(body))
    if parsed is not None:  # the value happened to be acceptable: it must still be safe
        for name, kek in ((PASSPHRASE_SLOT, PASS_KEK), (RECOVERY_SLOT, CODE_KEK)):
            if name in parsed.slots:
                assert parsed.unwrap(name, kek) in (None, DATA_KEY)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("vault_id",), "0123456789abcdef0123456789abcde"),  # 31 digits
        (("vault_id",), "0123456789abcdef 0123456789abcd "),  # spaces that fromhex skips
        (("vault_id",), "0123456789abcdef0123456789abcdeg"),
        (("vault_id",), 12345),
        (("cipher",), "aes-gcm"),
        (("slots", PASSPHRASE_SLOT, "kdf"), "hkdf-sha256"),  # passphrase slot without Argon2id
        (("slots", RECOVERY_SLOT, "kdf"), "argon2id"),
        (("slots", PASSPHRASE_SLOT, "kdf"), "scrypt"),
        (("slots", PASSPHRASE_SLOT, "memory_kib"), 1024),  # below the floor
        (("slots", PASSPHRASE_SLOT, "memory_kib"), 2**40),  # absurd: a denial of service
        (("slots", PASSPHRASE_SLOT, "iterations"), 2),
        (("slots", PASSPHRASE_SLOT, "iterations"), True),
        (("slots", PASSPHRASE_SLOT, "iterations"), 3.0),
        (("slots", PASSPHRASE_SLOT, "lanes"), 0),
        (("slots", PASSPHRASE_SLOT, "salt"), base64.b64encode(bytes(15)).decode()),
        (("slots", PASSPHRASE_SLOT, "nonce"), "not base64!"),
        (("slots", PASSPHRASE_SLOT, "wrapped"), base64.b64encode(bytes(47)).decode()),
        (("slots", "backdoor"), {"kdf": "hkdf-sha256"}),
    ],
    ids=str,
)
def test_specific_damage(path: tuple[str, ...], value: object) -> None:
    body = body_of(SAMPLE)
    parent = body
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    with pytest.raises(KeyFileDamaged):
        KeyFile.from_bytes(with_body(body))


def test_a_key_file_without_a_passphrase_slot_is_damaged() -> None:
    body = body_of(SAMPLE)
    del body["slots"][PASSPHRASE_SLOT]
    with pytest.raises(KeyFileDamaged):
        KeyFile.from_bytes(with_body(body))


def test_the_recovery_slot_is_optional() -> None:
    body = body_of(SAMPLE)
    del body["slots"][RECOVERY_SLOT]
    parsed = KeyFile.from_bytes(with_body(body))
    assert set(parsed.slots) == {PASSPHRASE_SLOT}
    assert parsed.unwrap(PASSPHRASE_SLOT, PASS_KEK) == DATA_KEY


# -- what a slot is bound to -------------------------------------------------------------------


def test_wrong_key_unwraps_to_none() -> None:
    key_file = make_key_file()
    assert key_file.unwrap(PASSPHRASE_SLOT, CODE_KEK) is None
    assert key_file.unwrap(RECOVERY_SLOT, PASS_KEK) is None
    assert key_file.unwrap(PASSPHRASE_SLOT, bytes(32)) is None


def test_a_slot_moved_to_another_vault_does_not_unwrap() -> None:
    ours, theirs = make_key_file(), make_key_file()
    assert ours.vault_id != theirs.vault_id
    theirs.slots[PASSPHRASE_SLOT] = ours.slots[PASSPHRASE_SLOT]
    theirs.slots[RECOVERY_SLOT] = ours.slots[RECOVERY_SLOT]
    assert ours.unwrap(PASSPHRASE_SLOT, PASS_KEK) == DATA_KEY
    assert theirs.unwrap(PASSPHRASE_SLOT, PASS_KEK) is None
    assert theirs.unwrap(RECOVERY_SLOT, CODE_KEK) is None
    # The same through the file format, as an attacker would do it.
    moved = KeyFile.from_bytes(theirs.to_bytes())
    assert moved.unwrap(PASSPHRASE_SLOT, PASS_KEK) is None


def test_a_slot_is_bound_to_its_name_parameters_and_salt() -> None:
    key_file = make_key_file()
    slot = key_file.slots[PASSPHRASE_SLOT]
    renamed = KeyFile(key_file.vault_id, {RECOVERY_SLOT: slot, PASSPHRASE_SLOT: slot})
    assert renamed.unwrap(RECOVERY_SLOT, PASS_KEK) is None
    weaker = KeyFile(key_file.vault_id, {
        PASSPHRASE_SLOT: replace(slot, argon2=Argon2Params(FLOOR.memory_kib, 4))})
    assert weaker.unwrap(PASSPHRASE_SLOT, PASS_KEK) is None
    resalted = KeyFile(key_file.vault_id, {
        PASSPHRASE_SLOT: replace(slot, salt=bytes(16))})
    assert resalted.unwrap(PASSPHRASE_SLOT, PASS_KEK) is None


def test_two_vaults_never_share_a_salt(tmp_path: Path) -> None:
    files = []
    for name in ("one", "two"):
        vault, _ = Vault.create(tmp_path / name, PASSPHRASE)
        vault.close()
        files.append(KeyFile.from_bytes((tmp_path / name / "vault.key").read_bytes()))
    salts = [slot.salt for key_file in files for slot in key_file.slots.values()]
    nonces = [slot.nonce for key_file in files for slot in key_file.slots.values()]
    assert len(salts) == len(set(salts)) == 4
    assert len(set(nonces)) == 4
    assert files[0].vault_id != files[1].vault_id
    # The same passphrase in both: the wrapped keys differ too (different data keys, salts).
    assert files[0].slots[PASSPHRASE_SLOT].wrapped != files[1].slots[PASSPHRASE_SLOT].wrapped


def test_rewrapping_draws_a_fresh_salt_every_time(vault: Vault) -> None:
    salts = {vault._read_key_file().slots[PASSPHRASE_SLOT].salt}
    for current, new in ((PASSPHRASE, OTHER_PASSPHRASE), (OTHER_PASSPHRASE, PASSPHRASE)):
        vault.change_passphrase(current, new)
        salts.add(KeyFile.from_bytes(vault.paths.key_file.read_bytes())
                  .slots[PASSPHRASE_SLOT].salt)
    assert len(salts) == 3  # back to the first passphrase, but not to its salt
