"""Schema migrations: the SQL splitter, moving a vault forward in one transaction, failing
without a trace, and refusing a vault from a newer Companion."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlcipher3
from hypothesis import given, settings
from hypothesis import strategies as st

from storage import migrations
from storage.errors import VaultTooNew
from storage.migrations import (
    VAULT_LAYOUT_VERSION,
    Component,
    Cursorish,
    Migration,
    split_sql,
    sql_step,
)
from storage.vault import Vault
from tests.storage.conftest import Template
from tests.support.storage_helpers import NOTES, PASSPHRASE, notes, snapshot

COMPONENT = "storage_test"

# -- split_sql ---------------------------------------------------------------------------------

TRIGGER_SCRIPT = """
-- a comment line; with a semicolon
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, seen INTEGER DEFAULT 0);
CREATE TABLE log (item INTEGER, what TEXT);

CREATE TRIGGER items_insert AFTER INSERT ON items BEGIN
    INSERT INTO log VALUES (new.id, 'insert; of ' || new.name);
    UPDATE items SET seen = seen + 1 WHERE id = new.id;
END;
CREATE TRIGGER IF NOT EXISTS items_delete AFTER DELETE ON items
BEGIN
    INSERT INTO log VALUES (old.id, CASE WHEN old.seen > 0 THEN 'seen' ELSE 'unseen' END);
END;
CREATE TEMP TRIGGER items_update AFTER UPDATE OF name ON items BEGIN
  INSERT INTO log VALUES (new.id, 'renamed'); END;
CREATE INDEX log_by_item ON log (item); -- a trailing comment
CREATE TRIGGER one_line AFTER INSERT ON log BEGIN SELECT 1; SELECT 2; END;
INSERT INTO items (name) VALUES ('semi;colon'), ('dash
-- not a comment, inside a string
'); INSERT INTO items (name) VALUES ('"quoted; name"')
"""


def test_split_sql_keeps_triggers_whole() -> None:
    statements = split_sql(TRIGGER_SCRIPT)
    assert [s.split()[0:3] for s in statements] == [
        ["CREATE", "TABLE", "items"],
        ["CREATE", "TABLE", "log"],
        ["CREATE", "TRIGGER", "items_insert"],
        ["CREATE", "TRIGGER", "IF"],
        ["CREATE", "TEMP", "TRIGGER"],
        ["CREATE", "INDEX", "log_by_item"],
        ["CREATE", "TRIGGER", "one_line"],
        ["INSERT", "INTO", "items"],
        ["INSERT", "INTO", "items"],
    ]
    assert statements[2].endswith("END")
    assert statements[6] == (
        "CREATE TRIGGER one_line AFTER INSERT ON log BEGIN SELECT 1; SELECT 2; END")
    assert "-- not a comment, inside a string" in statements[7]
    assert all(not s.endswith(";") for s in statements)


def test_split_sql_statements_run_and_the_triggers_fire() -> None:
    conn = sqlcipher3.connect(":memory:")
    for statement in split_sql(TRIGGER_SCRIPT):
        conn.execute(statement)
    names = [row[0] for row in conn.execute("SELECT name FROM items ORDER BY id")]
    assert names == ["semi;colon", "dash\n-- not a comment, inside a string\n", '"quoted; name"']
    log = conn.execute("SELECT what FROM log ORDER BY rowid").fetchall()
    assert log[0] == ("insert; of semi;colon",)
    assert conn.execute("SELECT seen FROM items").fetchall() == [(1,), (1,), (1,)]
    conn.execute("DELETE FROM items WHERE id = 1")
    assert conn.execute("SELECT what FROM log ORDER BY rowid DESC LIMIT 1").fetchone() == (
        "seen",)
    conn.close()


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("", []),
        ("   \n\n-- only a comment\n", []),
        ("SELECT 1", ["SELECT 1"]),
        ("SELECT 1;", ["SELECT 1"]),
        ("SELECT 1;;\n;", ["SELECT 1"]),
        ("SELECT 1; SELECT 2;", ["SELECT 1", "SELECT 2"]),
        ("SELECT 1; -- one\nSELECT 2; -- two", ["SELECT 1", "SELECT 2"]),
        ("SELECT ';'; SELECT \"a;b\"", ["SELECT ';'", 'SELECT "a;b"']),
        ("/* a; b */ SELECT 1;", ["/* a; b */ SELECT 1"]),
    ],
)
def test_split_sql_cases(script: str, expected: list[str]) -> None:
    assert split_sql(script) == expected


TEXT = st.text(alphabet=st.sampled_from(list("ab ;-'\"\n\t*/()xyzEND")), max_size=30)


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=6), st.sampled_from([";\n", ";", "; -- c\n",
                                                                 ";\n\n-- c;\n"]))
def test_split_sql_round_trips_any_string_literals(values: list[str], separator: str) -> None:
    statements = [
        "INSERT INTO t (v) VALUES ('" + value.replace("'", "''") + "')" for value in values
    ]
    script = "CREATE TABLE t (v TEXT)" + separator + separator.join(statements)
    parts = split_sql(script)
    assert parts == ["CREATE TABLE t (v TEXT)", *statements]
    conn = sqlcipher3.connect(":memory:")
    for part in parts:
        conn.execute(part)
    assert [row[0] for row in conn.execute("SELECT v FROM t ORDER BY rowid")] == values
    conn.close()


# -- components --------------------------------------------------------------------------------


def test_a_component_wants_steps_numbered_from_one() -> None:
    for versions in ([2], [1, 3], [1, 1], [0, 1]):
        with pytest.raises(ValueError):
            Component(COMPONENT, tuple(sql_step(v, "SELECT 1") for v in versions))
    assert len(Component(COMPONENT, (sql_step(1, "SELECT 1"), sql_step(2, "SELECT 2"))).steps) == 2


def test_a_schema_naming_a_component_twice_is_refused() -> None:
    conn = sqlcipher3.connect(":memory:", isolation_level=None)
    twice = (Component(COMPONENT, (sql_step(1, V1),)), Component(COMPONENT, ()))
    with pytest.raises(ValueError, match="twice"):
        migrations.migrate(conn.cursor(), twice)
    conn.close()


def test_importing_the_app_registers_nothing() -> None:
    """Start-up is explicit: a vault holds what its opener names (companion/app.py SCHEMA),
    and no import changes what another vault opener gets."""
    import companion.app

    assert not hasattr(migrations, "_REGISTRY")
    assert {c.name for c in companion.app.SCHEMA} == {
        "journal", "imports", "questionnaires", "screentime", "circle",
        "sync_devices", "templates", "attachments"}


# -- migrating a real vault --------------------------------------------------------------------


def schema_of(vault: Vault) -> list[tuple[str, str, str]]:
    return [tuple(row) for row in vault.database.query(
        "SELECT type, name, sql FROM sqlite_master ORDER BY type, name")]


def versions_of(vault: Vault) -> tuple[int, dict[str, int]]:
    user_version = vault.database.query_one("PRAGMA user_version")[0]
    components = dict(vault.database.query("SELECT component, version FROM schema_components"))
    return user_version, components


def state_of(home: Path, code: str) -> tuple[list[tuple[str, str, str]],
                                             tuple[int, dict[str, int]], list[str]]:
    vault = Vault(home)  # no schema: reads the vault as it is
    vault.unlock_with_recovery_code(code)
    try:
        return schema_of(vault), versions_of(vault), notes(vault)
    finally:
        vault.close()


def recording_step(version: int, script: str, log: list[tuple[int, bool]]) -> Migration:
    """A SQL step that also records that it ran, and whether inside a transaction."""
    inner = sql_step(version, script)

    def apply(cursor: Cursorish) -> None:
        log.append((version, bool(cursor.execute("SELECT 1").connection.in_transaction)))
        inner.apply(cursor)

    return Migration(version, apply)


V1 = """
CREATE TABLE test_items (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
INSERT INTO test_items (body) VALUES ('from v1');
"""
V2 = """
ALTER TABLE test_items ADD COLUMN stars INTEGER NOT NULL DEFAULT 0;
CREATE TABLE test_log (body TEXT);
CREATE TRIGGER test_items_log AFTER INSERT ON test_items BEGIN
    INSERT INTO test_log VALUES (new.body);
END;
UPDATE test_items SET stars = 2;
"""


def schema(*steps: Migration) -> tuple[Component]:
    return (Component(COMPONENT, steps),)


def test_an_existing_vault_migrates_forward_in_one_transaction(
    closed_vault: Template,
) -> None:
    log: list[tuple[int, bool]] = []
    both = schema(recording_step(1, V1, log), recording_step(2, V2, log))
    vault = Vault(closed_vault.home, both)
    vault.unlock_with_passphrase(PASSPHRASE)  # the way in makes no difference
    try:
        assert log == [(1, True), (2, True)]
        user_version, components = versions_of(vault)
        assert user_version == VAULT_LAYOUT_VERSION
        assert components[COMPONENT] == 2
        assert vault.database.query("SELECT body, stars FROM test_items") == [("from v1", 2)]
        with vault.database.transaction() as cur:
            cur.execute("INSERT INTO test_items (body) VALUES ('new')")
        assert vault.database.query("SELECT body FROM test_log") == [("new",)]
        assert notes(vault) == list(NOTES)  # nothing else touched
        assert vault.database.migrate(both) == []  # up to date: nothing to do
    finally:
        vault.close()


def test_only_the_missing_steps_run(closed_vault: Template) -> None:
    log: list[tuple[int, bool]] = []
    vault = Vault(closed_vault.home, schema(recording_step(1, V1, log)))
    vault.unlock_with_recovery_code(closed_vault.recovery_code)
    vault.close()
    assert log == [(1, True)]
    vault = Vault(closed_vault.home, schema(recording_step(1, V1, log), recording_step(2, V2, log)))
    vault.unlock_with_recovery_code(closed_vault.recovery_code)
    try:
        assert log == [(1, True), (2, True)]
        assert vault.database.query("SELECT body, stars FROM test_items") == [("from v1", 2)]
    finally:
        vault.close()


def failing_step(version: int, *, touch_notes: bool = True) -> Migration:
    """A step that changes data and schema (the vault's own `notes`, if asked), then fails."""

    def apply(cursor: Cursorish) -> None:
        cursor.execute("INSERT INTO test_items (body) VALUES ('written by the failing step')")
        if touch_notes:
            cursor.execute("INSERT INTO notes (body) VALUES ('written by the failing step')")
            cursor.execute("DROP TABLE notes")
        raise RuntimeError("migration step failed")

    return Migration(version, apply)


@pytest.mark.parametrize("failure", ["python", "sql"])
def test_a_failing_step_leaves_the_vault_exactly_as_it_was(
    closed_vault: Template, failure: str,
) -> None:
    before_state = state_of(closed_vault.home, closed_vault.recovery_code)
    before_files = snapshot(closed_vault.home, skip=("vault.lock",))

    steps = [sql_step(1, V1), sql_step(2, V2)]
    if failure == "python":
        steps.append(failing_step(3))
    else:
        steps.append(sql_step(3, "CREATE TABLE fine (x);\nINSERT INTO no_such_table VALUES (1);"))
    vault = Vault(closed_vault.home, schema(*steps))
    try:
        expected = RuntimeError if failure == "python" else sqlcipher3.OperationalError
        with pytest.raises(expected):
            vault.unlock_with_recovery_code(closed_vault.recovery_code)
        assert not vault.is_unlocked
    finally:
        vault.close()

    assert snapshot(closed_vault.home, skip=("vault.lock",)) == before_files
    assert state_of(closed_vault.home, closed_vault.recovery_code) == before_state
    assert COMPONENT not in before_state[1][1]


def test_a_failing_step_at_creation_leaves_no_vault(private_home: Path) -> None:
    with pytest.raises(RuntimeError):
        Vault.create(private_home, PASSPHRASE,
                     schema=schema(sql_step(1, V1), failing_step(2, touch_notes=False)))
    assert not Vault(private_home).exists()
    assert sorted(p.name for p in private_home.iterdir()) == ["vault.lock"]


def set_versions(home: Path, code: str, sql: str, known: tuple[Component, ...] = ()) -> None:
    vault = Vault(home, known)
    vault.unlock_with_recovery_code(code)
    try:
        with vault.database.transaction() as cur:
            cur.execute(sql)
    finally:
        vault.close()


@pytest.mark.parametrize(("already", "sql"), [
    (0, f"PRAGMA user_version = {VAULT_LAYOUT_VERSION + 1}"),
    (2, f"UPDATE schema_components SET version = 3 WHERE component = '{COMPONENT}'"),
    (0, f"INSERT INTO schema_components VALUES ('{COMPONENT}', 3)"),
])
def test_a_vault_from_a_newer_companion_is_refused(
    closed_vault: Template, already: int, sql: str,
) -> None:
    two_steps = schema(sql_step(1, V1), sql_step(2, V2))  # this code knows 2 steps
    # As a newer Companion would have left it.
    set_versions(closed_vault.home, closed_vault.recovery_code, sql,
                 two_steps if already else ())
    before = snapshot(closed_vault.home, skip=("vault.lock",))
    vault = Vault(closed_vault.home, two_steps)
    try:
        with pytest.raises(VaultTooNew):
            vault.unlock_with_recovery_code(closed_vault.recovery_code)
        assert not vault.is_unlocked
    finally:
        vault.close()
    assert snapshot(closed_vault.home, skip=("vault.lock",)) == before


def test_a_fresh_database_gets_the_bookkeeping_table() -> None:
    conn = sqlcipher3.connect(":memory:", isolation_level=None)
    cursor = conn.cursor()
    cursor.execute("BEGIN")
    assert migrations.migrate(cursor, ()) == []
    cursor.execute("COMMIT")
    assert conn.execute("PRAGMA user_version").fetchone() == (VAULT_LAYOUT_VERSION,)
    assert conn.execute("SELECT * FROM schema_components").fetchall() == []
    conn.close()
