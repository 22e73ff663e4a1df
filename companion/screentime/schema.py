"""The screen-time tables: the vault's migrations component "screentime".

Apart from the store so that opening a vault migrates them without loading the store.
"""

from __future__ import annotations

from storage.migrations import Component, sql_step

COMPONENT = "screentime"

_V1 = """
CREATE TABLE screen_spans (
    id INTEGER PRIMARY KEY,
    app TEXT NOT NULL,
    title TEXT,
    category TEXT NOT NULL,
    start_us INTEGER NOT NULL,
    end_us INTEGER NOT NULL CHECK (end_us >= start_us),
    start_offset INTEGER NOT NULL,
    day TEXT NOT NULL
);
CREATE INDEX screen_spans_by_day ON screen_spans (day, app);

CREATE TABLE screen_categories (
    app TEXT PRIMARY KEY COLLATE NOCASE,
    category TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE screen_budgets (
    kind TEXT NOT NULL CHECK (kind IN ('app', 'category')),
    target TEXT NOT NULL COLLATE NOCASE,
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    PRIMARY KEY (kind, target)
) WITHOUT ROWID;
"""

# v2: budgets for the daily total and per weekday (-1 = every day), user-edited category rules
# (JSON under "rules" in screen_settings), where a span came from (the tracker or an import),
# and an index on start times for the overlap checks of imports.
_V2 = """
CREATE TABLE screen_budgets_v2 (
    kind TEXT NOT NULL CHECK (kind IN ('total', 'app', 'category')),
    target TEXT NOT NULL COLLATE NOCASE,
    weekday INTEGER NOT NULL DEFAULT -1 CHECK (weekday BETWEEN -1 AND 6),
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    PRIMARY KEY (kind, target, weekday)
) WITHOUT ROWID;
INSERT INTO screen_budgets_v2 (kind, target, weekday, minutes)
    SELECT kind, target, -1, minutes FROM screen_budgets;
DROP TABLE screen_budgets;
ALTER TABLE screen_budgets_v2 RENAME TO screen_budgets;
ALTER TABLE screen_spans ADD COLUMN source TEXT NOT NULL DEFAULT 'tracker';
CREATE INDEX screen_spans_by_start ON screen_spans (start_us);
CREATE TABLE screen_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
"""

# v3 (device sync, docs/protocol.md §11.8): budgets and per-app categories get a row id, so
# device sync can tell which synced record a row is (their keys stay unique, and
# AUTOINCREMENT never hands a removed row's id to another); and the use other devices of the
# person measured, kept apart from this device's own spans so that nothing this device's
# tracker, imports and budgets read changes: they count this device's use only.
_V3 = """
CREATE TABLE screen_budgets_v3 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('total', 'app', 'category')),
    target TEXT NOT NULL COLLATE NOCASE,
    weekday INTEGER NOT NULL DEFAULT -1 CHECK (weekday BETWEEN -1 AND 6),
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    UNIQUE (kind, target, weekday)
);
INSERT INTO screen_budgets_v3 (kind, target, weekday, minutes)
    SELECT kind, target, weekday, minutes FROM screen_budgets ORDER BY kind, target, weekday;
DROP TABLE screen_budgets;
ALTER TABLE screen_budgets_v3 RENAME TO screen_budgets;
CREATE TABLE screen_categories_v3 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    app TEXT NOT NULL UNIQUE COLLATE NOCASE,
    category TEXT NOT NULL
);
INSERT INTO screen_categories_v3 (app, category)
    SELECT app, category FROM screen_categories ORDER BY app;
DROP TABLE screen_categories;
ALTER TABLE screen_categories_v3 RENAME TO screen_categories;
CREATE TABLE screen_device_days (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    device BLOB NOT NULL CHECK (length(device) = 16),
    day TEXT NOT NULL,
    UNIQUE (device, day)
);
CREATE TABLE screen_device_spans (
    day_id INTEGER NOT NULL REFERENCES screen_device_days (id) ON DELETE CASCADE,
    part INTEGER NOT NULL,
    position INTEGER NOT NULL,
    app TEXT NOT NULL,
    title TEXT,
    category TEXT NOT NULL,
    start_us INTEGER NOT NULL,
    end_us INTEGER NOT NULL CHECK (end_us >= start_us),
    start_offset INTEGER NOT NULL,
    PRIMARY KEY (day_id, part, position)
) WITHOUT ROWID;
"""

SCREEN_TIME = Component(COMPONENT, (sql_step(1, _V1), sql_step(2, _V2), sql_step(3, _V3)))
