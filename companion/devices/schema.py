"""Device sync's tables in the vault (component "sync_devices", docs/protocol.md §11).

- `device_self`: this device's id and the newest stamp its clock made or saw, so stamps never
  go back across restarts (one row, made when device sync is set up).
- `device_ops`: every operation this device holds, its own and other devices', which is what
  its merged state is made of (`sent` = 0 for its own not yet handed to the storage).
- `device_records`: which local row each synced record is (a vault's row ids never leave it)
  and the record as this vault last agreed with the merged state (`base`), so a sync round
  can tell what the person changed since (docs/protocol.md §11.5: an edit names the versions
  the person saw, which are the base's).
- `device_conflicts`: the other versions of a text two devices edited without seeing each
  other's edit, shown beside the body until the person chooses.
- `device_dirty`: rows changed since the last round, kept by triggers on the synced tables,
  so a round looks at what changed and not at the whole journal. Every write path (the app,
  the command line, imports) goes through the tables, so none can be missed.

The component's name sorts after "journal", "questionnaires" and "screen_time" on purpose:
components migrate in name order, and the triggers need those tables to exist.
"""

from __future__ import annotations

from storage.migrations import Component, sql_step

COMPONENT = "sync_devices"
# The collections whose records are screen time (companion/devices/screen_records.py): a round
# that wrote one tells the screen-time pages and service.
SCREEN_TIME_COLLECTIONS = frozenset({"budget", "screen_category", "screen_rules", "screen_day"})

_DIRTY_TRIGGERS = "\n".join(
    f"""CREATE TRIGGER device_dirty_{name} AFTER {event} ON {table} BEGIN
    INSERT OR IGNORE INTO device_dirty (collection, local_id) VALUES ('{collection}', {row});
END;"""
    for name, event, table, collection, row in (
        ("entry_insert", "INSERT", "entries", "entry", "new.id"),
        ("entry_update", "UPDATE", "entries", "entry", "new.id"),
        ("entry_delete", "DELETE", "entries", "entry", "old.id"),
        ("entry_tag_insert", "INSERT", "entry_tags", "entry", "new.entry_id"),
        ("entry_tag_delete", "DELETE", "entry_tags", "entry", "old.entry_id"),
        ("checkin_insert", "INSERT", "checkins", "checkin", "new.id"),
        ("checkin_update", "UPDATE", "checkins", "checkin", "new.id"),
        ("checkin_delete", "DELETE", "checkins", "checkin", "old.id"),
        ("checkin_label_insert", "INSERT", "checkin_labels", "checkin", "new.checkin_id"),
        ("checkin_label_delete", "DELETE", "checkin_labels", "checkin", "old.checkin_id"),
    ))

_V1 = f"""
CREATE TABLE device_self (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
    device BLOB NOT NULL CHECK (length(device) = 16),
    clock_wall INTEGER NOT NULL,
    clock_counter INTEGER NOT NULL
);
CREATE TABLE device_ops (
    stamp BLOB PRIMARY KEY,
    collection TEXT NOT NULL,
    target BLOB NOT NULL,
    op BLOB NOT NULL,
    sent INTEGER NOT NULL DEFAULT 1 CHECK (sent IN (0, 1))
) WITHOUT ROWID;
CREATE INDEX device_ops_by_record ON device_ops (collection, target);
CREATE INDEX device_ops_unsent ON device_ops (sent) WHERE sent = 0;
CREATE TABLE device_records (
    collection TEXT NOT NULL,
    local_id INTEGER NOT NULL,
    target BLOB NOT NULL,
    base BLOB NOT NULL,
    PRIMARY KEY (collection, local_id),
    UNIQUE (collection, target)
) WITHOUT ROWID;
CREATE TABLE device_conflicts (
    collection TEXT NOT NULL,
    target BLOB NOT NULL,
    field TEXT NOT NULL,
    stamp BLOB NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (collection, target, field, stamp)
) WITHOUT ROWID;
CREATE TABLE device_dirty (
    collection TEXT NOT NULL,
    local_id INTEGER NOT NULL,
    PRIMARY KEY (collection, local_id)
) WITHOUT ROWID;
{_DIRTY_TRIGGERS}
"""

# Join requests wait for the person: a pairing code lets a computer ask, and only the person,
# having compared the safety number on both screens, lets it in (or refuses it, which spends
# the code).
_V2 = """
CREATE TABLE device_join_requests (
    circle BLOB NOT NULL,
    secret BLOB NOT NULL,
    member BLOB NOT NULL,
    signing BLOB NOT NULL,
    agreement BLOB NOT NULL,
    name TEXT NOT NULL,
    seen_us INTEGER NOT NULL,
    decision TEXT CHECK (decision IN ('allowed', 'refused')),
    -- Once let in, it is sent everything this device holds (it cannot read what was written
    -- before it joined); set in the transaction that queues that snapshot.
    greeted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (circle, secret)
) WITHOUT ROWID;
"""

# Questionnaire results sync too: their rows are marked like entries' and check-ins'.
_V3 = "\n".join(
    f"""CREATE TRIGGER device_dirty_questionnaire_{event.lower()} AFTER {event}
    ON questionnaire_results BEGIN
    INSERT OR IGNORE INTO device_dirty (collection, local_id)
        VALUES ('questionnaire', {row});
END;"""
    for event, row in (("INSERT", "new.id"), ("UPDATE", "new.id"), ("DELETE", "old.id")))

# How many messages with operations this device has read from others since it last sent
# anything: past a threshold it sends a checkpoint, so that the others can prune what it has
# read (sync/compaction.py).
_V4 = """
CREATE TABLE device_checkpoint (
    circle BLOB PRIMARY KEY,
    read_since_sent INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
"""

# A row deleted forever: its record is remembered for the next round (which sends the
# delete) and its mapping dropped at once, so a row that gets the freed id (SQLite hands it
# out again) is a new record, not the deleted one coming back. Rows the round itself removes
# (deleted on another device) have lost their mapping first, so nothing is recorded for them.
_V5 = """
CREATE TABLE device_deleted (
    collection TEXT NOT NULL,
    target BLOB NOT NULL,
    PRIMARY KEY (collection, target)
) WITHOUT ROWID;
-- Rows holding what an operation cannot carry (control characters the app accepts): kept on
-- this computer, tried again each round and counted in the status, never a stopped sync.
CREATE TABLE device_unsendable (
    collection TEXT NOT NULL,
    local_id INTEGER NOT NULL,
    PRIMARY KEY (collection, local_id)
) WITHOUT ROWID;
""" + "\n".join(
    f"""CREATE TRIGGER device_forget_{collection} AFTER DELETE ON {table} BEGIN
    INSERT OR IGNORE INTO device_deleted (collection, target)
        SELECT collection, target FROM device_records
        WHERE collection = '{collection}' AND local_id = old.id;
    DELETE FROM device_records WHERE collection = '{collection}' AND local_id = old.id;
END;"""
    for collection, table in (("entry", "entries"), ("checkin", "checkins"),
                              ("questionnaire", "questionnaire_results")))

# Screen time syncs (docs/protocol.md §11.8): budgets, per-app categories and the category
# rules are the person's (last writer wins; a removal is a field set to nothing, not a
# delete, so the same budget can be set again), and each new span of this device's own use
# is marked for its day's record, which only this device writes. The rules are one row of
# `screen_settings`, one record (local id 1). `adopt_settings`: this device joined a group,
# so its preferences and rules as they were are not a change of the person's (the group's
# win); a first device sends its own.
#
# The triggers test before they insert instead of INSERT OR IGNORE: a statement's own
# conflict clause overrides a trigger's, and the store's upserts (ON CONFLICT … DO UPDATE)
# would otherwise fail on a row already marked.
_V6 = "\n".join(
    f"""CREATE TRIGGER device_dirty_{name} AFTER {event} ON {table}{when} BEGIN
    INSERT INTO device_dirty (collection, local_id) SELECT '{collection}', {row}
        WHERE NOT EXISTS (SELECT 1 FROM device_dirty
                          WHERE collection = '{collection}' AND local_id = {row});
END;"""
    for name, event, table, when, collection, row in (
        ("budget_insert", "INSERT", "screen_budgets", "", "budget", "new.id"),
        ("budget_update", "UPDATE", "screen_budgets", "", "budget", "new.id"),
        ("budget_delete", "DELETE", "screen_budgets", "", "budget", "old.id"),
        ("category_insert", "INSERT", "screen_categories", "", "screen_category", "new.id"),
        ("category_update", "UPDATE", "screen_categories", "", "screen_category", "new.id"),
        ("category_delete", "DELETE", "screen_categories", "", "screen_category", "old.id"),
        ("rules_insert", "INSERT", "screen_settings", " WHEN new.key = 'rules'",
         "screen_rules", "1"),
        ("rules_update", "UPDATE", "screen_settings", " WHEN new.key = 'rules'",
         "screen_rules", "1"),
        ("rules_delete", "DELETE", "screen_settings", " WHEN old.key = 'rules'",
         "screen_rules", "1"),
        ("span_insert", "INSERT", "screen_spans", "", "screen_day", "new.id"),
    )) + """
ALTER TABLE device_self ADD COLUMN adopt_settings INTEGER NOT NULL DEFAULT 0;
-- A vault that already syncs sends what it holds of the new collections at its next round.
INSERT OR IGNORE INTO device_dirty (collection, local_id)
    SELECT 'budget', id FROM screen_budgets WHERE EXISTS (SELECT 1 FROM device_self);
INSERT OR IGNORE INTO device_dirty (collection, local_id)
    SELECT 'screen_category', id FROM screen_categories
    WHERE EXISTS (SELECT 1 FROM device_self);
INSERT OR IGNORE INTO device_dirty (collection, local_id)
    SELECT 'screen_rules', 1 WHERE EXISTS (SELECT 1 FROM device_self);
INSERT OR IGNORE INTO device_dirty (collection, local_id)
    SELECT 'screen_day', id FROM screen_spans WHERE EXISTS (SELECT 1 FROM device_self);
"""

DEVICES = Component(COMPONENT, (sql_step(1, _V1), sql_step(2, _V2), sql_step(3, _V3),
                                sql_step(4, _V4), sql_step(5, _V5), sql_step(6, _V6)))
