"""Files attached to journal entries: the vault's migrations component "attachments".

The bytes live inside the encrypted database like everything else the person writes (never a
copy, a thumbnail or a cache on disk), split into parts of at most `PART_BYTES` so that no
single value grows with the file and reading one back can go part by part. Deleting an entry
for good deletes its attachments (ON DELETE CASCADE); `secure_delete` zeroes their pages.
Apart from the service (companion/attachments.py) so that opening a vault migrates the tables
without loading it.
"""

from __future__ import annotations

from storage.migrations import Component, sql_step

COMPONENT = "attachments"
PART_BYTES = 1 << 20

_V1 = """
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position >= 1),
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size >= 0),
    sha256 BLOB NOT NULL CHECK (length(sha256) = 32),
    width INTEGER,
    height INTEGER,
    added_us INTEGER NOT NULL,
    UNIQUE (entry_id, position)
);
CREATE TABLE attachment_parts (
    attachment_id INTEGER NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    part INTEGER NOT NULL CHECK (part >= 0),
    data BLOB NOT NULL,
    PRIMARY KEY (attachment_id, part)
);
"""

# v2: an image's thumbnail (PNG, at most THUMBNAIL_SIDE pixels a side), made in memory when it
# is attached and kept encrypted with it, so that an entry with twenty photos opens without
# decoding twenty photos (about 100 ms each for a 5 MB one).
_V2 = """
ALTER TABLE attachments ADD COLUMN thumbnail BLOB;
"""
THUMBNAIL_SIDE = 256

ATTACHMENTS = Component(COMPONENT, (sql_step(1, _V1), sql_step(2, _V2)))
