"""``OUT/state.sqlite``: what an interrupted crawl had done, so ``--resume`` goes on from there.

One row per (scenario, page) done, with its status, written in the same transaction as the frontier's
``to_dict`` JSON (phase 1) so the two never disagree; the phase-1 page list (the order every other scenario
replays) and the discovery summary are kept as JSON too. WAL journal: a reader never blocks the writer.
pages.jsonl is written before the row, so a kill between the two leaves a line with no row; ``--resume``
drops such lines and visits the page again.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

STATE_FILE = "state.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS done (
    scenario TEXT NOT NULL, url TEXT NOT NULL, n INTEGER NOT NULL, depth INTEGER NOT NULL, status INTEGER,
    PRIMARY KEY (scenario, url));
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class ResumeError(ValueError):
    """A crawl that cannot be resumed: no state in the folder, or state for another crawl."""


class CrawlState:
    """The state database of one output folder."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a process kill loses nothing committed
        self._db.executescript(SCHEMA)

    @classmethod
    def fresh(cls, path: Path) -> CrawlState:
        """A new, empty state (an earlier crawl's state in the folder is discarded)."""
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        return cls(path)

    @classmethod
    def existing(cls, path: Path) -> CrawlState:
        """The state an interrupted crawl left; ResumeError when there is none."""
        if not path.is_file():
            raise ResumeError(f"nothing to resume: no {path.name} in {path.parent}")
        return cls(path)

    def get(self, key: str) -> Any:
        """A JSON value saved with ``put``, or None."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def put(self, key: str, value: Any) -> None:
        """Save a JSON value."""
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value)))

    def page_done(self, scenario: str, url: str, depth: int, status: int | None,
                  frontier: dict | None = None, order: list | None = None) -> None:
        """Record a finished page, with phase 1's frontier and page list as they are after it, atomically."""
        with self._db:
            self._db.execute("BEGIN")
            (n,) = self._db.execute("SELECT COUNT(*) FROM done WHERE scenario = ?", (scenario,)).fetchone()
            self._db.execute("INSERT OR REPLACE INTO done VALUES (?, ?, ?, ?, ?)", (scenario, url, n, depth, status))
            if frontier is not None:
                self.put("frontier", frontier)
            if order is not None:
                self.put("order", order)

    def done(self, scenario: str) -> dict[str, int | None]:
        """The scenario's pages done, in the order they were done: URL -> HTTP status."""
        rows = self._db.execute("SELECT url, status FROM done WHERE scenario = ? ORDER BY n", (scenario,))
        return dict(rows.fetchall())

    def done_pairs(self) -> set[tuple[str, str]]:
        """Every (scenario, URL) done."""
        return set(self._db.execute("SELECT scenario, url FROM done").fetchall())

    def close(self) -> None:
        """Close the database."""
        self._db.close()
