"""Vault commands: init, passwd, recover, remember, forget, backup, restore-backup."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from companion.app import CompanionApp
from companion.cli.exits import EXIT_OK
from companion.cli.prompts import SecretSource, print_recovery_code, read_new_passphrase
from companion.cli.terminal import OutputLost
from companion.errors import UserError
from storage.errors import KeyringUnavailable, VaultExists


def cmd_init(app: CompanionApp, _args: argparse.Namespace, secrets_in: SecretSource,
             out: TextIO) -> int:
    if app.vault_exists():
        raise VaultExists(f"A vault already exists in {app.home}.",
                          "Use it, or choose another folder with --home.")
    passphrase, confirmation = read_new_passphrase(secrets_in, "Choose a passphrase")
    code = app.create_vault(passphrase, confirmation)
    app.close()
    print(f"Created your encrypted vault in {app.home}.\n", file=out)
    print_recovery_code(code, out)
    return EXIT_OK


def cmd_passwd(app: CompanionApp, args: argparse.Namespace, secrets_in: SecretSource,
               out: TextIO) -> int:
    current = secrets_in.read("Current passphrase: ")
    new, confirmation = read_new_passphrase(secrets_in)
    if getattr(args, "rekey", False):
        code = app.rekey(current, new, confirmation)
        print("The vault is re-encrypted under a new key. Old copies of its key file, the old "
              "passphrase with them, and the old recovery code open nothing now.\n", file=out)
        print_recovery_code(code, out, replaced=True)
    else:
        app.change_passphrase(current, new, confirmation)
        print("Passphrase changed. Your recovery code still works.", file=out)
    _end_session(app, out)
    return EXIT_OK


def cmd_recover(app: CompanionApp, _args: argparse.Namespace, secrets_in: SecretSource,
                out: TextIO) -> int:
    code = secrets_in.read("Recovery code: ", "recovery code")
    new, confirmation = read_new_passphrase(secrets_in)
    new_code = app.reset_passphrase(code, new, confirmation)
    print("Passphrase set.\n", file=out)
    print_recovery_code(new_code, out, replaced=True)
    _end_session(app, out)
    return EXIT_OK


def cmd_forget(app: CompanionApp, _args: argparse.Namespace, _secrets_in: SecretSource,
               out: TextIO) -> int:
    if not app.keyring_available():
        # A stopped or crashed keyring looks like none at all: "nothing to forget" could be
        # untrue, and the key would open the vault once the keyring runs again.
        raise KeyringUnavailable(
            "No keyring is reachable on this device, so whether it remembers the vault key "
            "cannot be checked.", "If you used `companion remember` here, start the keyring "
            "(log in to the desktop) and run `companion forget` again.")
    removed = app.forget_on_device()  # raises if the keyring could not confirm it
    print("This device no longer remembers the vault key." if removed
          else "This device did not remember the vault key; nothing to forget.", file=out)
    _end_session(app, out)
    return EXIT_OK


def _end_session(app: CompanionApp, out: TextIO) -> None:
    """The key's ways in changed: an unlock session for this vault ends too (its agent would
    also notice a changed key file by itself; `forget` changes none)."""
    from companion.agent.client import end_session

    if end_session(app.home):
        print("The unlock session for this vault has ended.", file=out)


def cmd_restore_backup(app: CompanionApp, args: argparse.Namespace, secrets_in: SecretSource,
                       out: TextIO) -> int:
    source: Path = args.file.expanduser()
    if not source.is_file():
        # Before asking for a passphrase that could not be used anyway.
        raise UserError(f"There is no backup file at {source}.", "Check the path.")
    secret = secrets_in.read("Passphrase in force when the backup was made: ")
    result = app.restore_backup(app.home, source, secret)
    print(f"Restored the vault in {app.home} from {source}.", file=out)
    print("Unlock it with the passphrase (or recovery code) in force when the backup was made.",
          file=out)
    if result.previous_vault_kept_in is not None:
        print(f"The vault it replaced is kept, still encrypted, in "
              f"{result.previous_vault_kept_in}.", file=out)
    _end_session(app, out)
    return EXIT_OK


def cmd_remember(app: CompanionApp, _args: argparse.Namespace, _stdin: TextIO,
                 out: TextIO) -> int:
    app.remember_on_device()
    print("This device now remembers the vault key in its keyring; commands will not ask for "
          "the passphrase. Undo with `companion forget`.", file=out)
    return EXIT_OK


def cmd_backup(app: CompanionApp, args: argparse.Namespace, _stdin: TextIO, out: TextIO) -> int:
    target: Path = args.file.expanduser()
    app.check_backup_target(target)  # with --force, the vault's own file would be replaced
    if target.exists() and not args.force:
        raise UserError(f"{target} already exists.", "Choose another name, or add --force.")
    size = app.backup(target)
    try:
        print(f"Wrote an encrypted backup ({size / 1024:,.0f} KiB) to {target}.", file=out)
        out.flush()
    except OutputLost as exc:
        raise UserError(f"The backup was written to {target}, but this could not be printed "
                        f"({exc.reason}).") from None
    return EXIT_OK
