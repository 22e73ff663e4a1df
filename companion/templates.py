"""Entry templates: the ones that ship (companion/prompts.py) and the person's own, kept in
the vault (table `entry_templates`, companion/template_schema.py) like everything they write.

A template is found by its name, in any case, or a shipped one by its key
(`thought-record`). An own template may not take a shipped one's name, so a name always
means one template.
"""

from __future__ import annotations

from companion.clock import Clock
from companion.errors import InvalidInput, NotFound
from companion.models import check_storable
from companion.prompts import Template, shipped_templates
from companion.timeutil import Stamp
from storage.database import Database

MAX_NAME = 80
MAX_BODY = 20_000
MAX_OWN_TEMPLATES = 200


class Templates:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def all(self) -> list[Template]:
        """The shipped templates, then the person's own by name."""
        rows = self.db.query("SELECT id, name, body FROM entry_templates"
                             " ORDER BY name COLLATE NOCASE")
        return [*shipped_templates(),
                *(Template(str(name), str(body), own_id=int(i)) for i, name, body in rows)]

    def find(self, name: str) -> Template:
        wanted = " ".join(name.split()).casefold()
        for template in self.all():
            if wanted in (template.name.casefold(), template.key):
                return template
        raise NotFound(f"There is no template called '{name.strip()}'.",
                       "`companion templates list` shows them.")

    def add(self, name: str, body: str) -> Template:
        name, body = self._checked(name, body)
        self._refuse_taken(name, None)
        now = Stamp.of(self.clock.now()).utc_us
        with self.db.transaction() as cur:
            count = cur.execute("SELECT count(*) FROM entry_templates").fetchone()[0]
            if count >= MAX_OWN_TEMPLATES:
                raise InvalidInput(f"You can keep up to {MAX_OWN_TEMPLATES} templates of your "
                                   "own.", "Delete one you no longer use first.")
            cur.execute("INSERT INTO entry_templates (name, body, created_us, updated_us)"
                        " VALUES (?, ?, ?, ?)", (name, body, now, now))
            own_id = int(cur.lastrowid)
        return Template(name, body, own_id=own_id)

    def update(self, own_id: int, *, name: str | None = None, body: str | None = None
               ) -> Template:
        current = self._own(own_id)
        new_name, new_body = self._checked(current.name if name is None else name,
                                           current.body if body is None else body)
        self._refuse_taken(new_name, own_id)
        with self.db.transaction() as cur:
            cur.execute("UPDATE entry_templates SET name = ?, body = ?, updated_us = ?"
                        " WHERE id = ?",
                        (new_name, new_body, Stamp.of(self.clock.now()).utc_us, own_id))
        return Template(new_name, new_body, own_id=own_id)

    def delete(self, own_id: int) -> None:
        self._own(own_id)
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM entry_templates WHERE id = ?", (own_id,))

    def _own(self, own_id: int) -> Template:
        row = self.db.query_one("SELECT name, body FROM entry_templates WHERE id = ?",
                                (own_id,))
        if row is None:
            raise NotFound("That template is no longer there.")
        return Template(str(row[0]), str(row[1]), own_id=own_id)

    def _refuse_taken(self, name: str, own_id: int | None) -> None:
        folded = name.casefold()
        if any(folded in (t.name.casefold(), t.key) for t in shipped_templates()):
            raise InvalidInput(f"'{name}' is the name of a template that comes with Companion.",
                               "Choose another name.")
        row = self.db.query_one("SELECT id FROM entry_templates WHERE name = ?", (name,))
        if row is not None and int(row[0]) != own_id:
            raise InvalidInput(f"You already have a template called '{name}'.",
                               "Choose another name, or edit that one.")

    @staticmethod
    def _checked(name: str, body: str) -> tuple[str, str]:
        name = " ".join(check_storable(name, "template name").split())
        if not name:
            raise InvalidInput("A template needs a name.")
        if len(name) > MAX_NAME:
            raise InvalidInput(f"A template's name can have at most {MAX_NAME} characters.")
        check_storable(body, "template")
        if not body.strip():
            raise InvalidInput("A template needs some text.")
        if len(body) > MAX_BODY:
            raise InvalidInput(f"A template can have at most {MAX_BODY:,} characters.")
        return name, body
