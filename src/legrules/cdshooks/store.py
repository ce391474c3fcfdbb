"""The service's SQLite database: token ids already seen, cards issued, feedback.

One file shared by every worker process (WAL mode, so readers never block the writer):
a token id recorded by one worker is a replay for all of them.  Nothing about a
patient is stored: a card is kept as its random uuid and the rule it reported, and
feedback as its outcome, the accepted suggestion ids and the override reason's code
(never the clinician's free-text comment, which could name the patient).
"""

from __future__ import annotations

import functools
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs

__all__ = ["FeedbackRecord", "RuleRates", "Store"]

# The tables written on every call are clustered on their keys (WITHOUT ROWID): an
# insert writes one B-tree fewer (no rowid table beside the key's index), a sixth less
# of its CPU time.  Databases made before keep their tables, with the same behaviour.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen_token (
    iss TEXT NOT NULL, jti TEXT NOT NULL, exp INTEGER NOT NULL, PRIMARY KEY (iss, jti)
) WITHOUT ROWID;
-- Expired token ids are purged as new ones arrive (an expired token fails anyway).
CREATE INDEX IF NOT EXISTS seen_token_exp ON seen_token (exp);
CREATE TABLE IF NOT EXISTS card (
    uuid TEXT PRIMARY KEY, rule TEXT NOT NULL, version TEXT NOT NULL, issued INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS feedback (
    card TEXT PRIMARY KEY,
    outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'overridden')),
    suggestions TEXT NOT NULL,
    reason_system TEXT,
    reason_code TEXT,
    outcome_timestamp TEXT NOT NULL
);
"""


# Expired token ids are purged at most this often (seconds) by each process.
_PURGE_SECONDS = 60


@functools.lru_cache(maxsize=64)
def _insert_cards(count: int) -> str:
    """One INSERT of *count* card rows (one statement, so one autocommit transaction)."""
    rows = ", ".join(["(?, ?, ?, ?)"] * count)
    return f"INSERT OR IGNORE INTO card (uuid, rule, version, issued) VALUES {rows}"


@attrs.frozen
class FeedbackRecord:
    """One card's feedback, as stored: no free text, no patient data."""

    card: str
    outcome: str
    outcome_timestamp: str
    suggestions: tuple[str, ...] = ()
    reason_system: str | None = None
    reason_code: str | None = None


@attrs.frozen
class RuleRates:
    """How clinicians answered one rule's cards: the figures a safety officer reviews."""

    rule: str
    issued: int
    accepted: int
    overridden: int
    reasons: tuple[tuple[str, int], ...] = ()

    @property
    def acceptance_rate(self) -> float | None:
        """Accepted cards over cards issued (``None`` before any card was issued)."""
        return self.accepted / self.issued if self.issued else None

    @property
    def override_rate(self) -> float | None:
        """Overridden cards over cards issued (``None`` before any card was issued)."""
        return self.overridden / self.issued if self.issued else None


class Store:
    """The database at *path*, created on first use."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None
        self._next_purge = 0.0  # time.monotonic() of the next purge of expired token ids

    @property
    def db(self) -> sqlite3.Connection:
        """The connection, opened (and the schema created) on first use."""
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One connection per process; the event loop is its only user.  Autocommit
            # (isolation_level None): a call's one INSERT is its own transaction, without
            # the BEGIN and COMMIT statements the module's implicit transactions add.
            db = sqlite3.connect(
                self.path, timeout=10, check_same_thread=False, isolation_level=None
            )
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            self._db = db
        return self._db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection inside one transaction: committed, or rolled back on error."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        """Close the connection (reopened on next use)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def first_use_of_token(self, iss: str, jti: str, exp: int) -> bool:
        """Record the token id; ``False`` when it was already recorded (a replay).

        One ``INSERT OR IGNORE`` on the ``(iss, jti)`` primary key, a transaction of its
        own: of two workers inserting the same id, SQLite lets exactly one add the row.
        Ids expired for an hour are purged at most once a minute per process (an expired
        token is refused before its id is looked at, so a purged id cannot come back).
        """
        now = time.monotonic()
        if now >= self._next_purge:
            self._next_purge = now + _PURGE_SECONDS
            self.db.execute("DELETE FROM seen_token WHERE exp < ?", (int(time.time()) - 3600,))
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO seen_token (iss, jti, exp) VALUES (?, ?, ?)", (iss, jti, exp)
        )
        return cursor.rowcount == 1

    def record_cards(self, cards: Iterable[tuple[str, str, str]]) -> None:
        """Record issued cards as ``(uuid, rule id, rule version)``, in one statement."""
        now = int(time.time())
        rows = [(uuid, rule, version, now) for uuid, rule, version in cards]
        if rows:
            self.db.execute(_insert_cards(len(rows)), [v for row in rows for v in row])

    def record_feedback(self, records: Iterable[FeedbackRecord]) -> None:
        """Store feedback idempotently: one row per card, the latest action winning.

        Posting the same feedback again changes nothing; a later action on the same card
        (by ``outcome_timestamp``) replaces an earlier one.
        """
        with self._transaction() as db:
            db.executemany(
                """INSERT INTO feedback VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (card) DO UPDATE SET outcome = excluded.outcome,
                    suggestions = excluded.suggestions,
                    reason_system = excluded.reason_system, reason_code = excluded.reason_code,
                    outcome_timestamp = excluded.outcome_timestamp
                WHERE excluded.outcome_timestamp > feedback.outcome_timestamp""",
                [
                    (
                        r.card,
                        r.outcome,
                        " ".join(r.suggestions),
                        r.reason_system,
                        r.reason_code,
                        r.outcome_timestamp,
                    )
                    for r in records
                ],
            )

    def feedback(self) -> list[FeedbackRecord]:
        """Every feedback row, by card uuid."""
        rows = self.db.execute("SELECT * FROM feedback ORDER BY card").fetchall()
        return [
            FeedbackRecord(card, outcome, ts, tuple(s.split()), system, code)
            for card, outcome, s, system, code, ts in rows
        ]

    def rates(self) -> list[RuleRates]:
        """Acceptance and override counts per rule, with override reasons by frequency.

        Feedback about a card this service did not issue counts under ``"(unknown card)"``.
        """
        counts = self.db.execute(
            """SELECT COALESCE(card.rule, '(unknown card)'),
                   COUNT(card.uuid),
                   SUM(feedback.outcome = 'accepted'), SUM(feedback.outcome = 'overridden')
            FROM card LEFT JOIN feedback ON feedback.card = card.uuid GROUP BY card.rule
            UNION ALL
            SELECT '(unknown card)', 0, SUM(outcome = 'accepted'), SUM(outcome = 'overridden')
            FROM feedback WHERE card NOT IN (SELECT uuid FROM card) HAVING COUNT(*) > 0
            ORDER BY 1"""
        ).fetchall()
        reasons: dict[str, list[tuple[str, int]]] = {}
        for rule, code, n in self.db.execute(
            """SELECT COALESCE(card.rule, '(unknown card)'), feedback.reason_code, COUNT(*)
            FROM feedback LEFT JOIN card ON feedback.card = card.uuid
            WHERE feedback.reason_code IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC, 2"""
        ):
            reasons.setdefault(rule, []).append((code, n))
        return [
            RuleRates(rule, issued, accepted or 0, overridden or 0, tuple(reasons.get(rule, ())))
            for rule, issued, accepted, overridden in counts
        ]
