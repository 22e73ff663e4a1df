"""The journal's tables: the vault's migrations component "journal" (and "imports").

Entries are indexed by an FTS5 table over their own columns (external content), so the text is
stored once and the index lives inside the encrypted database like everything else.
`tags_text` is a denormalised copy of an entry's tags, kept for the index; `entry_tags` is the
truth.
"""

from __future__ import annotations

from storage.migrations import Component, sql_step

COMPONENT = "journal"

_V1 = """
CREATE TABLE entries (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    tags_text TEXT NOT NULL DEFAULT '',
    created_us INTEGER NOT NULL,
    created_offset INTEGER NOT NULL,
    day TEXT NOT NULL,
    updated_us INTEGER NOT NULL,
    updated_offset INTEGER NOT NULL,
    starred INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1)),
    mood INTEGER CHECK (mood BETWEEN 1 AND 5),
    deleted_us INTEGER
);
CREATE INDEX entries_live_by_time ON entries (created_us) WHERE deleted_us IS NULL;
CREATE INDEX entries_by_day ON entries (day, created_us);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE TABLE entry_tags (
    entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (entry_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX entry_tags_by_tag ON entry_tags (tag_id, entry_id);

CREATE VIRTUAL TABLE entries_fts USING fts5 (
    title, body, tags_text,
    content = 'entries', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
-- Titles weigh most, then tags, then the body (bm25 column weights), stored as the default rank.
INSERT INTO entries_fts (entries_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 4.0)');
CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
    INSERT INTO entries_fts (rowid, title, body, tags_text)
    VALUES (new.id, new.title, new.body, new.tags_text);
END;
CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
    INSERT INTO entries_fts (entries_fts, rowid, title, body, tags_text)
    VALUES ('delete', old.id, old.title, old.body, old.tags_text);
END;
CREATE TRIGGER entries_fts_update AFTER UPDATE OF title, body, tags_text ON entries BEGIN
    INSERT INTO entries_fts (entries_fts, rowid, title, body, tags_text)
    VALUES ('delete', old.id, old.title, old.body, old.tags_text);
    INSERT INTO entries_fts (rowid, title, body, tags_text)
    VALUES (new.id, new.title, new.body, new.tags_text);
END;

CREATE TABLE checkins (
    id INTEGER PRIMARY KEY,
    at_us INTEGER NOT NULL,
    at_offset INTEGER NOT NULL,
    day TEXT NOT NULL,
    mood INTEGER NOT NULL CHECK (mood BETWEEN 1 AND 5),
    energy INTEGER CHECK (energy BETWEEN 1 AND 5),
    sleep_hours REAL CHECK (sleep_hours >= 0 AND sleep_hours <= 24),
    note TEXT NOT NULL DEFAULT '',
    updated_us INTEGER NOT NULL,
    deleted_us INTEGER
);
CREATE INDEX checkins_live_by_time ON checkins (at_us) WHERE deleted_us IS NULL;
CREATE INDEX checkins_by_day ON checkins (day, at_us);

CREATE TABLE checkin_labels (
    checkin_id INTEGER NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('emotion', 'activity')),
    label TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (checkin_id, kind, label)
) WITHOUT ROWID;

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
"""

# Check-in notes are found by search too (issue 17): an index over the note, kept by
# triggers like the entries', filled once from the check-ins already written.
_V2 = """
CREATE VIRTUAL TABLE checkins_fts USING fts5 (
    note,
    content = 'checkins', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER checkins_fts_insert AFTER INSERT ON checkins BEGIN
    INSERT INTO checkins_fts (rowid, note) VALUES (new.id, new.note);
END;
CREATE TRIGGER checkins_fts_delete AFTER DELETE ON checkins BEGIN
    INSERT INTO checkins_fts (checkins_fts, rowid, note) VALUES ('delete', old.id, old.note);
END;
CREATE TRIGGER checkins_fts_update AFTER UPDATE OF note ON checkins BEGIN
    INSERT INTO checkins_fts (checkins_fts, rowid, note) VALUES ('delete', old.id, old.note);
    INSERT INTO checkins_fts (rowid, note) VALUES (new.id, new.note);
END;
INSERT INTO checkins_fts (checkins_fts) VALUES ('rebuild');
"""

JOURNAL = Component(COMPONENT, (sql_step(1, _V1), sql_step(2, _V2)))


IMPORTS_COMPONENT = "imports"

# Which item each imported record became, so importing the same file again adds nothing twice.
_IMPORTS_V1 = """
CREATE TABLE import_sources (
    source TEXT NOT NULL,
    source_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('entry', 'checkin')),
    item_id INTEGER NOT NULL,
    PRIMARY KEY (source, source_id)
) WITHOUT ROWID;
"""

IMPORTS = Component(IMPORTS_COMPONENT, (sql_step(1, _IMPORTS_V1),))
