"""A vault from before screen time synced moves forward (companion/screentime/schema.py v3,
companion/devices/schema.py v6): budgets and categories keep their values and get row ids, the
store's upserts still work with the new triggers, and a vault that already synced marks what
it holds of the new collections for its next round."""

from __future__ import annotations

import sqlcipher3

from companion.app import SCHEMA
from companion.devices.schema import DEVICES
from companion.screentime.schema import SCREEN_TIME
from storage.migrations import Component, migrate


def _before(component: Component, steps: int) -> Component:
    return Component(component.name, component.steps[:steps])


def test_an_old_vault_that_synced_sends_its_screen_time_next_round() -> None:
    conn = sqlcipher3.connect(":memory:")
    cur = conn.cursor()
    old = tuple(_before(c, 2) if c is SCREEN_TIME else _before(c, 5) if c is DEVICES else c
                for c in SCHEMA)
    migrate(cur, old)
    cur.execute("INSERT INTO screen_budgets (kind, target, weekday, minutes) VALUES"
                " ('total', '', -1, 90), ('app', 'Firefox', 2, 30)")
    cur.execute("INSERT INTO screen_categories (app, category) VALUES ('Steam', 'games')")
    cur.execute("INSERT INTO screen_spans (app, title, category, start_us, end_us,"
                " start_offset, day) VALUES ('code', NULL, 'work', 0, 60000000, 0,"
                " '1970-01-01')")
    cur.execute("INSERT INTO device_self (only_row, device, clock_wall, clock_counter)"
                " VALUES (1, zeroblob(16), 0, 0)")
    applied = migrate(cur, SCHEMA)
    assert ("screentime", 3) in applied and ("sync_devices", 6) in applied
    assert cur.execute("SELECT kind, target, weekday, minutes FROM screen_budgets ORDER BY id"
                       ).fetchall() == [("app", "Firefox", 2, 30), ("total", "", -1, 90)]
    assert sorted(cur.execute("SELECT collection, local_id FROM device_dirty").fetchall()) == [
        ("budget", 1), ("budget", 2), ("screen_category", 1), ("screen_day", 1),
        ("screen_rules", 1)]
    # The store's upsert on a row already marked (a trigger's OR IGNORE would not do).
    cur.execute("INSERT INTO screen_budgets (kind, target, weekday, minutes) VALUES"
                " ('app', 'firefox', 2, 45) ON CONFLICT (kind, target, weekday) DO UPDATE"
                " SET minutes = excluded.minutes")
    assert cur.execute("SELECT minutes FROM screen_budgets WHERE kind = 'app'").fetchone() == (
        45,)
    conn.close()


def test_an_old_vault_that_never_synced_marks_nothing() -> None:
    conn = sqlcipher3.connect(":memory:")
    cur = conn.cursor()
    migrate(cur, tuple(_before(c, 2) if c is SCREEN_TIME else _before(c, 5) if c is DEVICES
                       else c for c in SCHEMA))
    cur.execute("INSERT INTO screen_budgets (kind, target, weekday, minutes) VALUES"
                " ('total', '', -1, 90)")
    migrate(cur, SCHEMA)
    assert cur.execute("SELECT count(*) FROM device_dirty").fetchone() == (0,)
    conn.close()
