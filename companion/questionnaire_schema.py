"""The questionnaire results table: the vault's migrations component "questionnaires"; apart
from the store so that opening a vault does not load it.
"""

from __future__ import annotations

from storage.migrations import Component, sql_step

COMPONENT = "questionnaires"

_V1 = """
CREATE TABLE questionnaire_results (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('phq9', 'gad7', 'who5')),
    taken_us INTEGER NOT NULL,
    taken_offset INTEGER NOT NULL,
    day TEXT NOT NULL,
    answers TEXT NOT NULL,
    total INTEGER NOT NULL CHECK (total >= 0),
    followup INTEGER,
    deleted_us INTEGER
);
CREATE INDEX questionnaire_results_by_kind
    ON questionnaire_results (kind, taken_us) WHERE deleted_us IS NULL;
"""

QUESTIONNAIRES = Component(COMPONENT, (sql_step(1, _V1),))
