"""The key file: the vault's random data key, wrapped twice (passphrase, recovery code).

Layout (version 1)::

    b"COMPANION-KEYFILE\\n"  magic
    b"\\x01"                 format version
    JSON (UTF-8)            vault id, and one slot per way in: KDF, its parameters, a random
                            salt, the nonce and the ChaCha20-Poly1305 ciphertext of the data key

Each slot's associated data binds the format version, the vault id, the slot name and its
KDF parameters, so a slot cannot be moved to another vault or have its parameters swapped.
Every byte read from disk is treated as hostile: any deviation is `KeyFileDamaged`.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass, field
from typing import Any

from storage.errors import KeyFileDamaged
from storage.kdf import KEY_BYTES, SALT_BYTES, Argon2Params

MAGIC = b"COMPANION-KEYFILE\n"
VERSION = 1
NONCE_BYTES = 12
MAX_KEYFILE_BYTES = 64 * 1024

PASSPHRASE_SLOT = "passphrase"
RECOVERY_SLOT = "recovery"

# The one KDF each slot may use: a passphrase slot without Argon2id parameters (or a recovery
# slot with them) is damage, and must be refused here rather than trip up the vault later.
_SLOT_KDF = {PASSPHRASE_SLOT: "argon2id", RECOVERY_SLOT: "hkdf-sha256"}
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


@dataclass(frozen=True)
class KeySlot:
    """One wrapped copy of the data key and how to derive the key that unwraps it."""

    kdf: str  # "argon2id" or "hkdf-sha256"
    salt: bytes
    nonce: bytes
    wrapped: bytes
    argon2: Argon2Params | None = None

    def params_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kdf": self.kdf}
        if self.argon2 is not None:
            out.update(
                memory_kib=self.argon2.memory_kib,
                iterations=self.argon2.iterations,
                lanes=self.argon2.lanes,
            )
        return out


@dataclass
class KeyFile:
    vault_id: str
    slots: dict[str, KeySlot] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        body = {
            "vault_id": self.vault_id,
            "cipher": "chacha20-poly1305",
            "slots": {
                name: {
                    **slot.params_json(),
                    "salt": _b64(slot.salt),
                    "nonce": _b64(slot.nonce),
                    "wrapped": _b64(slot.wrapped),
                }
                for name, slot in sorted(self.slots.items())
            },
        }
        return MAGIC + bytes([VERSION]) + json.dumps(body, sort_keys=True).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> KeyFile:
        try:
            return _parse(data)
        except KeyFileDamaged:
            raise
        except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError,
                RecursionError) as exc:
            # RecursionError: deeply nested JSON (`[[[[…`) fits in 64 KiB and is as damaged
            # as any other garbage.
            raise KeyFileDamaged() from exc

    def wrap(self, name: str, kek: bytes, data_key: bytes, *, kdf: str, salt: bytes,
             argon2: Argon2Params | None = None) -> None:
        """Store `data_key` in slot `name`, encrypted under `kek`."""
        template = KeySlot(kdf=kdf, salt=salt, nonce=os.urandom(NONCE_BYTES),
                           wrapped=b"", argon2=argon2)
        from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

        aad = self._associated_data(name, template)
        wrapped = ChaCha20Poly1305(kek).encrypt(template.nonce, data_key, aad)
        self.slots[name] = KeySlot(kdf, salt, template.nonce, wrapped, argon2)

    def unwrap(self, name: str, kek: bytes) -> bytes | None:
        """The data key from slot `name`, or None if `kek` is not the right key."""
        # cryptography loads here, not at import: a command in an unlock session gets the
        # data key whole and needs no cipher of ours (SQLCipher brings its own).
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

        slot = self.slots[name]
        try:
            key = ChaCha20Poly1305(kek).decrypt(
                slot.nonce, slot.wrapped, self._associated_data(name, slot)
            )
        except InvalidTag:
            return None
        return key if len(key) == KEY_BYTES else None

    def unwrap_with_passphrase(self, passphrase: str) -> bytes | None:
        """The data key from the passphrase slot, or None if the passphrase is not right.
        The slot's Argon2id costs are checked first (`check_affordable`): they come from the
        file, which may be hostile or from a much faster computer."""
        from storage.kdf import check_affordable, derive_passphrase_key

        slot = self.slots[PASSPHRASE_SLOT]
        assert slot.argon2 is not None  # the parser requires it for this slot
        check_affordable(slot.argon2)
        return self.unwrap(PASSPHRASE_SLOT,
                           derive_passphrase_key(passphrase, slot.salt, slot.argon2))

    def unwrap_with_recovery_code(self, code: str) -> bytes | None:
        """The data key from the recovery slot, or None if `code` is not a recovery code or
        not this vault's (no Argon2id: a code has enough entropy of its own)."""
        from storage.kdf import derive_recovery_key, parse_recovery_code

        raw = parse_recovery_code(code)
        slot = self.slots.get(RECOVERY_SLOT)
        if raw is None or slot is None:
            return None
        return self.unwrap(RECOVERY_SLOT, derive_recovery_key(raw, slot.salt))

    def _associated_data(self, name: str, slot: KeySlot) -> bytes:
        params = json.dumps(slot.params_json(), sort_keys=True)
        return b"|".join(
            [MAGIC.strip(), str(VERSION).encode(), self.vault_id.encode(), name.encode(),
             params.encode(), slot.salt]
        )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(value: object, length: int | None = None) -> bytes:
    if not isinstance(value, str):
        raise ValueError("expected base64 text")
    raw = base64.b64decode(value, validate=True)
    if length is not None and len(raw) != length:
        raise ValueError("wrong length")
    return raw


def _parse(data: bytes) -> KeyFile:
    if len(data) > MAX_KEYFILE_BYTES or not data.startswith(MAGIC):
        raise KeyFileDamaged()
    version = data[len(MAGIC) : len(MAGIC) + 1]
    if version != bytes([VERSION]):
        raise KeyFileDamaged(
            "The vault's key file has a format this version of Companion does not know.",
            "Update Companion, or restore the key file from a backup.",
        )
    body = json.loads(data[len(MAGIC) + 1 :].decode("utf-8"))
    if not isinstance(body, dict) or body.get("cipher") != "chacha20-poly1305":
        raise ValueError("unexpected key file body")
    vault_id = body["vault_id"]
    # Exactly 32 hex digits (`bytes.fromhex` alone would also let spaces through).
    if not isinstance(vault_id, str) or len(vault_id) != 32 or not _HEX_DIGITS.issuperset(vault_id):
        raise ValueError("bad vault id")
    slots_raw = body["slots"]
    if not isinstance(slots_raw, dict) or PASSPHRASE_SLOT not in slots_raw:
        raise ValueError("no passphrase slot")
    slots: dict[str, KeySlot] = {}
    for name, raw in slots_raw.items():
        if name not in _SLOT_KDF or not isinstance(raw, dict):
            raise ValueError("unknown slot")
        kdf = raw["kdf"]
        if kdf != _SLOT_KDF[name]:
            raise ValueError("wrong kdf for this slot")
        argon2 = None
        if kdf == "argon2id":
            values = (raw["memory_kib"], raw["iterations"], raw["lanes"])
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                raise ValueError("bad argon2 parameters")
            argon2 = Argon2Params(*values)
            argon2.check_sane()
        elif kdf != "hkdf-sha256":
            raise ValueError("unknown kdf")
        slots[name] = KeySlot(
            kdf=kdf,
            salt=_unb64(raw["salt"], SALT_BYTES),
            nonce=_unb64(raw["nonce"], NONCE_BYTES),
            wrapped=_unb64(raw["wrapped"], KEY_BYTES + 16),
            argon2=argon2,
        )
    return KeyFile(vault_id=vault_id, slots=slots)
