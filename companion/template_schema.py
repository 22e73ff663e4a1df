"""The person's own entry templates: the vault's migrations component "templates".

Apart from the store (companion/templates.py) so that opening a vault migrates the table
without loading the store.
"""

from __future__ import annotations

from storage.migrations import Component, sql_step

COMPONENT = "templates"

_V1 = """
CREATE TABLE entry_templates (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    body TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    updated_us INTEGER NOT NULL
);
"""

TEMPLATES = Component(COMPONENT, (sql_step(1, _V1),))
