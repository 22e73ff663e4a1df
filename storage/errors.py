"""Errors a person can act on.

`UserError` is the one family the app shows as a plain sentence (never a traceback); anything
else is a bug. Every subclass carries what happened and what to do next. The texts never
contain user content or key material.
"""

from __future__ import annotations


class UserError(Exception):
    """A failure the user can understand and act on."""

    default_message = "Something went wrong."
    default_hint = ""

    def __init__(self, message: str | None = None, hint: str | None = None) -> None:
        self.message = message or self.default_message
        self.hint = self.default_hint if hint is None else hint
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class KeyDerivationTooCostly(UserError):
    default_message = ("The vault's key file asks for a key derivation this computer would need "
                       "too long for, so it was not tried.")
    default_hint = ("If the vault was made on a much faster computer, change its passphrase "
                    "there (`companion passwd` sets costs for the computer it runs on); "
                    "otherwise the key file may have been tampered with: restore it from a "
                    "backup. Your recovery code still opens the vault here.")


class WrongPassphrase(UserError):
    default_message = "That passphrase does not open this vault."
    default_hint = "Check it and try again, or use your recovery code."


class WrongRecoveryCode(UserError):
    default_message = "That recovery code does not open this vault."
    default_hint = "Check it against the copy you stored (letters and digits, dashes optional)."


class VaultMissing(UserError):
    default_message = "There is no vault here yet."
    default_hint = "Create one with `companion init` (or open the app)."


class VaultExists(UserError):
    default_message = "A vault already exists here."
    default_hint = "Unlock it instead, or choose another folder with --home."


class KeyFileMissing(UserError):
    default_message = "The vault's key file is missing, so the vault cannot be opened."
    default_hint = "Restore it from a backup (`companion restore-backup FILE`)."


class KeyFileDamaged(UserError):
    default_message = "The vault's key file is damaged and cannot be read."
    default_hint = "Restore it from a backup (`companion restore-backup FILE`)."


class VaultDamaged(UserError):
    default_message = "The vault database is damaged or is not a Companion vault."
    default_hint = "Restore it from a backup (`companion restore-backup FILE`)."


class VaultTooNew(UserError):
    default_message = "This vault was written by a newer version of Companion."
    default_hint = "Update Companion to open it."


class VaultAlreadyOpen(UserError):
    default_message = "The vault is already open in another Companion window or command."
    default_hint = "Close it there first, then try again."


class DiskFull(UserError):
    default_message = "The disk is full, so nothing was saved."
    default_hint = "Free some space and try again; your vault is unchanged."


class DiskFailed(UserError):
    """An input/output error from the disk: the vault file is not known to be damaged (only an
    integrity check can say that), and a write may or may not have reached the disk."""

    # Also raised for reads (`list`), so it does not claim something was being saved.
    default_message = ("The disk failed to read or write the vault (an input/output error). "
                       "If something was being saved, it may not have been saved.")
    default_hint = ("Check the disk and its connection; then look at what is there before "
                    "trying again.")


class WeakPassphrase(UserError):
    default_message = "That passphrase is too weak."
    default_hint = "Use at least 8 characters; a few unrelated words work well."


class PassphraseMismatch(UserError):
    default_message = "The two passphrases do not match."
    default_hint = "Type the same passphrase twice."


class KeyringUnavailable(UserError):
    default_message = "No secure keyring is available on this device."
    default_hint = "Companion works fully without it; you will type your passphrase to unlock."


class BackupInvalid(UserError):
    default_message = "That file is not a Companion backup, or it is damaged."
    default_hint = "Choose a file made with `companion backup` (or Settings → Backup)."


class VaultLocked(UserError):
    default_message = "The vault is locked."
    default_hint = "Unlock it first."
