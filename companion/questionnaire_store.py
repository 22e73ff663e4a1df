"""Questionnaire results in the vault (migration component "questionnaires"), history, trend.

Answers are as sensitive as anything in the journal: they are stored inside the encrypted
database only, as the item-by-item list (so a result can be re-scored if a band is corrected),
with the total for fast history and trends.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from companion.clock import Clock
from companion.errors import InvalidInput
from companion.questionnaires import QuestionnaireKind, Result, parse_kind, score
from companion.timeutil import Stamp, period_clauses
from storage.database import Database


@dataclass(frozen=True)
class SavedResult:
    id: int
    taken_at: datetime
    result: Result


@dataclass(frozen=True)
class TrendPoint:
    taken_at: datetime
    score: int  # on the scale the bands use (WHO-5: percentage)
    band: str


@dataclass(frozen=True)
class Trend:
    kind: QuestionnaireKind
    points: tuple[TrendPoint, ...]  # oldest first

    @property
    def latest(self) -> TrendPoint | None:
        return self.points[-1] if self.points else None

    @property
    def change(self) -> int | None:
        """The latest score minus the one before it; None with fewer than two results."""
        if len(self.points) < 2:
            return None
        return self.points[-1].score - self.points[-2].score


class QuestionnaireService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def save(self, result: Result, *, taken_at: datetime | None = None) -> SavedResult:
        # Re-score rather than trust the caller's totals: what is stored always adds up.
        checked = score(result.kind, result.answers, result.followup)
        when = Stamp.of(taken_at or self.clock.now())
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO questionnaire_results (kind, taken_us, taken_offset, day, answers,"
                " total, followup) VALUES (?,?,?,?,?,?,?)",
                (checked.kind.value, when.utc_us, when.offset_min, when.local_day,
                 json.dumps(list(checked.answers)), checked.total, checked.followup),
            )
            result_id = int(cur.lastrowid)
        return SavedResult(result_id, when.to_datetime(), checked)

    def history(
        self,
        kind: QuestionnaireKind | str | None = None,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int | None = None,
    ) -> list[SavedResult]:
        """Saved results, oldest first; with `limit`, the newest ones."""
        if limit is not None and limit < 0:
            raise InvalidInput("--limit cannot be negative.")
        where = ["deleted_us IS NULL"]
        params: list[Any] = []
        if kind is not None:
            where.append("kind = ?")
            params.append((parse_kind(kind) if isinstance(kind, str) else kind).value)
        clauses, bounds = period_clauses("taken_us", start, end)
        where += clauses
        params += bounds
        sql = ("SELECT id, kind, taken_us, taken_offset, answers, followup"
               f" FROM questionnaire_results"
               f" WHERE {' AND '.join(where)} ORDER BY taken_us DESC, id DESC")
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        rows = self.db.query(sql, params)
        return [_hydrate(row) for row in reversed(rows)]

    def trend(self, kind: QuestionnaireKind | str, *, start: datetime | None = None,
              end: datetime | None = None) -> Trend:
        found = self.history(kind, start=start, end=end)
        kind = parse_kind(kind) if isinstance(kind, str) else kind
        return Trend(kind, tuple(TrendPoint(saved.taken_at, saved.result.score,
                                            saved.result.band) for saved in found))

    def delete(self, result_id: int) -> None:
        with self.db.transaction() as cur:
            cur.execute("UPDATE questionnaire_results SET deleted_us = ? WHERE id = ?"
                        " AND deleted_us IS NULL", (Stamp.of(self.clock.now()).utc_us, result_id))
            if cur.rowcount != 1:
                raise InvalidInput(f"There is no saved questionnaire result {result_id}.")


def _hydrate(row: Sequence[Any]) -> SavedResult:
    result_id, kind, taken_us, offset, answers, followup = row
    return SavedResult(int(result_id), Stamp(taken_us, offset).to_datetime(),
                       score(QuestionnaireKind(kind), json.loads(answers), followup))
