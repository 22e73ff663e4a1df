"""Importers: jrnl, Daylio, Day One and Companion's own JSON export.

Every import is two steps, so clients can show a preview before anything is written: `read_plan`
reads and checks the whole file (raising a `UserError` naming the file and line or entry), and
`write_plan` writes it in one transaction. `import_file` does both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path

from companion.app import CompanionApp
from companion.errors import UserError
from companion.imports.common import (
    CancelToken,
    ImportCancelled,
    ImportPlan,
    ImportReport,
    Progress,
    write_plan,
)
from companion.imports.daylio import DaylioOptions, UnmappedMoods, read_daylio_plan
from companion.imports.dayone import read_dayone_plan
from companion.imports.jrnl import (
    DEFAULT_TIMEFORMAT,
    JrnlOptions,
    JrnlPasswordNeeded,
    WrongJrnlPassword,
    read_jrnl_plan,
)

KINDS = ("jrnl", "daylio", "dayone", "json")
KIND_NAMES = {"jrnl": "jrnl journal", "daylio": "Daylio export or backup",
              "dayone": "Day One export (zip)", "json": "Companion export (JSON)"}


@dataclass(frozen=True)
class ImportOptions:
    timeformat: str = DEFAULT_TIMEFORMAT  # jrnl
    password: str | None = None  # jrnl
    mood_map: dict[str, int] = field(default_factory=dict)  # Daylio CSV
    zone: tzinfo | None = None  # where zone-less times were written; None: this computer


def read_plan(kind: str, path: Path, options: ImportOptions | None = None,
              app: CompanionApp | None = None) -> ImportPlan:
    options = options or ImportOptions()
    path = Path(path)
    if kind == "jrnl":
        return read_jrnl_plan(path, JrnlOptions(options.timeformat, options.password,
                                                options.zone))
    if kind == "daylio":
        return read_daylio_plan(path, DaylioOptions(options.mood_map, options.zone))
    if kind == "dayone":
        return read_dayone_plan(path)
    if kind == "json":
        from companion.import_json import read_json_plan  # it imports this package's parts

        return read_json_plan(path, app)
    raise UserError(f"Companion cannot import '{kind}'.", "Choose one of: " + ", ".join(KINDS))


def import_file(app: CompanionApp, kind: str, path: Path,
                options: ImportOptions | None = None, *, dry_run: bool = False,
                progress: Progress | None = None, cancel: CancelToken | None = None
                ) -> ImportReport:
    plan = read_plan(kind, path, options, app)
    if cancel is not None:
        cancel.check()
    return app.write_import(plan, dry_run=dry_run, progress=progress, cancel=cancel)


__all__ = [
    "KINDS", "CancelToken", "ImportCancelled", "ImportOptions", "ImportPlan", "ImportReport",
    "JrnlPasswordNeeded", "UnmappedMoods", "WrongJrnlPassword", "import_file", "read_plan",
    "write_plan",
]
