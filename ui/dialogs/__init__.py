"""Dialogs opened from Settings: change passphrase, new recovery code, restore a backup."""
