"""The encrypted vault: SQLCipher connection, key derivation and wrapping, keyring, migrations,
backup/restore, the single-instance lock and atomic file writes.

This package knows nothing of journals or circles: it offers an unlocked, migrated, encrypted
database and the key machinery. Domain packages declare their own migrations (a `Component`);
whoever opens a vault names the ones it holds.
"""
