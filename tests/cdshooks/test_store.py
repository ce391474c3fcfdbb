"""The service's SQLite store: token ids, issued cards and feedback, as written."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from legrules.cdshooks.store import FeedbackRecord, Store


def test_a_token_id_is_first_used_once_per_issuer(tmp_path: Path) -> None:
    """The same jti is a replay for its issuer, and new for another issuer."""
    store = Store(tmp_path / "db.sqlite3")
    exp = int(time.time()) + 300
    assert store.first_use_of_token("https://ehr.example", "j-1", exp)
    assert not store.first_use_of_token("https://ehr.example", "j-1", exp)
    assert store.first_use_of_token("https://other.example", "j-1", exp)


def test_a_token_id_recorded_by_one_worker_is_a_replay_for_another(tmp_path: Path) -> None:
    """Two connections to one file (two worker processes) see each other's ids at once."""
    first, second = Store(tmp_path / "db.sqlite3"), Store(tmp_path / "db.sqlite3")
    exp = int(time.time()) + 300
    assert first.first_use_of_token("https://ehr.example", "j-2", exp)
    assert not second.first_use_of_token("https://ehr.example", "j-2", exp)


def test_token_ids_expired_an_hour_ago_are_purged(tmp_path: Path) -> None:
    """A process's first token check purges ids expired over an hour ago, no others."""
    path = tmp_path / "db.sqlite3"
    old, recent = int(time.time()) - 7200, int(time.time()) - 60
    writer = Store(path)
    writer.first_use_of_token("https://ehr.example", "old", old)
    writer.first_use_of_token("https://ehr.example", "recent", recent)
    Store(path).first_use_of_token("https://ehr.example", "new", int(time.time()) + 300)
    kept = {jti for (jti,) in writer.db.execute("SELECT jti FROM seen_token")}
    assert kept == {"recent", "new"}


def test_cards_are_recorded_once_each(tmp_path: Path) -> None:
    """A call's cards are all recorded; a uuid recorded again is kept as it was."""
    store = Store(tmp_path / "db.sqlite3")
    store.record_cards([("c-1", "rf.a", "1.0"), ("c-2", "rf.b", "2.0")])
    store.record_cards([("c-1", "rf.other", "9.9")])
    store.record_cards([])
    rows = store.db.execute("SELECT uuid, rule, version FROM card ORDER BY uuid").fetchall()
    assert rows == [("c-1", "rf.a", "1.0"), ("c-2", "rf.b", "2.0")]


def test_a_database_made_with_rowid_tables_still_serves(tmp_path: Path) -> None:
    """A database made before the tables were clustered on their keys keeps working."""
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(
            """CREATE TABLE seen_token (iss TEXT NOT NULL, jti TEXT NOT NULL,
                exp INTEGER NOT NULL, PRIMARY KEY (iss, jti));
            CREATE TABLE card (uuid TEXT PRIMARY KEY, rule TEXT NOT NULL,
                version TEXT NOT NULL, issued INTEGER NOT NULL);"""
        )
    old.close()
    store = Store(path)
    exp = int(time.time()) + 300
    assert store.first_use_of_token("https://ehr.example", "j-3", exp)
    assert not store.first_use_of_token("https://ehr.example", "j-3", exp)
    store.record_cards([("c-1", "rf.a", "1.0")])
    assert store.db.execute("SELECT uuid FROM card").fetchall() == [("c-1",)]


def test_a_feedback_batch_with_a_bad_record_stores_none_of_it(tmp_path: Path) -> None:
    """Feedback records are written in one transaction: all of them, or none."""
    store = Store(tmp_path / "db.sqlite3")
    good = FeedbackRecord("c-1", "accepted", "2026-12-01T10:00:00+00:00", ("s-1",))
    bad = FeedbackRecord("c-2", "ignored", "2026-12-01T10:00:00+00:00")
    with pytest.raises(sqlite3.IntegrityError):
        store.record_feedback([good, bad])
    assert store.feedback() == []
    store.record_feedback([good])
    assert store.feedback() == [good]
