"""User errors of the domain layer (the vault's own live in `storage.errors`)."""

from __future__ import annotations

from storage.errors import UserError


class NotFound(UserError):
    default_message = "Nothing with that id."
    default_hint = "Use `companion list` to see ids."


class InvalidInput(UserError):
    default_message = "That value is not valid."


__all__ = ["InvalidInput", "NotFound", "UserError"]
