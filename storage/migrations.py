"""Schema migrations, registered per package.

`PRAGMA user_version` holds the version of the vault's own layout (this module's bookkeeping
table). Each package that owns tables (the journal, the circle, screen time) declares a
`Component`: its name and its numbered steps; their versions live in `schema_components`.
Whoever opens a vault says which components it holds (the app's facade names them all:
companion/app.py `SCHEMA`), and all pending steps run in one transaction when it opens, so an
old vault either moves forward completely or stays exactly as it was. A vault touched by a
newer Companion is refused rather than guessed at. There is no global registry: importing a
module changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import sqlcipher3

from storage.errors import VaultTooNew

VAULT_LAYOUT_VERSION = 1


class Cursorish(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...


@dataclass(frozen=True)
class Migration:
    version: int
    apply: Callable[[Cursorish], None]


@dataclass(frozen=True)
class Component:
    """The tables of one package, as numbered steps: versions run 1, 2, 3 … without gaps."""

    name: str
    steps: tuple[Migration, ...]

    def __post_init__(self) -> None:
        versions = [step.version for step in self.steps]
        if versions != list(range(1, len(self.steps) + 1)):
            raise ValueError(f"migrations of {self.name!r} must be numbered 1..n")


def sql_step(version: int, script: str) -> Migration:
    """A migration made of plain SQL statements separated by `;` at line ends."""

    def apply(cursor: Cursorish) -> None:
        for statement in split_sql(script):
            cursor.execute(statement)

    return Migration(version, apply)


def split_sql(script: str) -> list[str]:
    """The statements of `script`, each without its closing `;` and without leading comments.

    A `;` ends a statement only where SQLite's own tokenizer (`sqlite3_complete`) says the
    statement is complete: not inside a trigger's BEGIN … END, a string literal, a quoted name
    or a comment. Statements may share a line, and a line may carry a trailing comment.
    """
    statements: list[str] = []
    start = 0
    end = script.find(";")
    while end != -1:
        if sqlcipher3.complete_statement(script[start : end + 1]):
            _append_statement(statements, script[start:end])
            start = end + 1
        end = script.find(";", end + 1)
    _append_statement(statements, script[start:])
    return statements


def _append_statement(statements: list[str], text: str) -> None:
    lines = text.strip().splitlines()
    # Leading blank and `--` comment lines belong to no statement; lines inside one (even a
    # `--` line inside a string literal) are kept as written.
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith("--")):
        lines.pop(0)
    statement = "\n".join(lines).strip()
    if statement:
        statements.append(statement)


def migrate(cursor: Cursorish, schema: Sequence[Component]) -> list[tuple[str, int]]:
    """Bring every component of `schema` up to date; return the steps applied.

    The caller wraps this in one transaction. Components the vault has but `schema` does not
    name are left alone (a tool that opens a vault for its own tables only).
    """
    names = [component.name for component in schema]
    if len(set(names)) != len(names):
        raise ValueError(f"a schema names a component twice: {sorted(names)}")
    layout = cursor.execute("PRAGMA user_version").fetchone()[0]
    if layout > VAULT_LAYOUT_VERSION:
        raise VaultTooNew()
    if layout < 1:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS schema_components ("
            " component TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID"
        )
        cursor.execute(f"PRAGMA user_version = {VAULT_LAYOUT_VERSION}")
    current = dict(cursor.execute("SELECT component, version FROM schema_components").fetchall())
    applied: list[tuple[str, int]] = []
    for component, steps in sorted((c.name, c.steps) for c in schema):
        have = current.get(component, 0)
        if have > len(steps):
            raise VaultTooNew()
        for step in steps[have:]:
            step.apply(cursor)
            applied.append((component, step.version))
        if len(steps) > have:
            cursor.execute(
                "INSERT INTO schema_components(component, version) VALUES (?, ?)"
                " ON CONFLICT(component) DO UPDATE SET version = excluded.version",
                (component, len(steps)),
            )
    return applied
