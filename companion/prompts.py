"""Writing prompts that ship with Companion: the templates (three good things, a thought
record, a weekly review, before and after a therapy session) and the reflective questions
of "A question for today" (issue 20).

They are data (assets/prompts.json), read with importlib.resources, so that their words can
be changed without touching code, and so a translation can be a file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Template:
    """A starting text for an entry: shipped (`key` names it) or the person's own (`own_id`)."""

    name: str
    body: str  # Markdown
    key: str = ""
    own_id: int | None = None

    @property
    def shipped(self) -> bool:
        return self.own_id is None


@dataclass(frozen=True)
class _Shipped:
    templates: tuple[Template, ...]
    questions: tuple[str, ...]


@cache
def _shipped() -> _Shipped:
    raw = json.loads(resources.files("assets").joinpath("prompts.json").read_text("utf-8"))
    if raw.get("format") != "companion-prompts" or raw.get("version") != 1:
        raise ValueError("assets/prompts.json is not a prompts file Companion knows")
    templates = tuple(Template(str(t["name"]), str(t["body"]), key=str(t["key"]))
                      for t in raw["templates"])
    questions = tuple(str(q) for q in raw["questions"])
    if not templates or not questions:
        raise ValueError("assets/prompts.json holds no templates or no questions")
    return _Shipped(templates, questions)


def shipped_templates() -> tuple[Template, ...]:
    return _shipped().templates


def reflective_questions() -> tuple[str, ...]:
    return _shipped().questions


def question_for(day: date) -> str:
    """The day's question: the same all day (and on every computer), the next one tomorrow,
    each of the list in turn."""
    questions = reflective_questions()
    return questions[day.toordinal() % len(questions)]


def question_entry_body(question: str) -> str:
    """A new entry's starting text for a question: the question as its heading."""
    return f"## {question}\n\n"


def template_sections(body: str) -> list[tuple[str, str]]:
    """(heading line, the lines under it) of a template's `##`-or-deeper headings, in order;
    the text before the first heading is a section with an empty heading. A template without
    headings is one section. The command line asks them one by one."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in body.splitlines():
        if line.lstrip().startswith("#") and line.lstrip().lstrip("#").startswith(" "):
            sections.append((line.rstrip(), []))
        else:
            sections[-1][1].append(line)
    result = [(heading, "\n".join(lines).strip("\n")) for heading, lines in sections]
    return [(heading, text) for heading, text in result if heading or text]
