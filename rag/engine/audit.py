"""The audit log: every question, what was retrieved, the prompt, the raw reply
and the final answer, in SQLite beside the index, so a user can see why an
answer says what it says."""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_SCHEMA = """
create table if not exists events (
    id integer primary key,
    at text not null,
    kind text not null,            -- ask, brief, compare
    question text not null,
    force text,
    mode text not null,
    passages text not null,        -- JSON: chunk ids, sources, scores
    prompt text,
    raw_reply text,
    result text not null,          -- JSON: the final answer as shown
    prompt_tokens integer not null default 0,
    completion_tokens integer not null default 0,
    latency_ms real not null default 0
)
"""


class AuditLog:
    # WAL with synchronous=NORMAL: a commit appends to the log without an fsync (the
    # default journal fsyncs several times per question, about 15 ms on these disks).
    # The file stays consistent; a power cut can lose the last few rows.
    synchronous = "NORMAL"

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        with closing(self._connect()) as db, db:
            db.execute("pragma journal_mode=WAL")
            db.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=5)
        db.execute(f"pragma synchronous={self.synchronous}")
        return db

    def record(
        self,
        kind: str,
        question: str,
        mode: str,
        passages: list[dict[str, Any]],
        result: dict[str, Any],
        force: str | None = None,
        prompt: str | None = None,
        raw_reply: str | None = None,
        usage: dict[str, int] | None = None,
        latency_ms: float = 0.0,
    ) -> None:
        usage = usage or {}
        row = (
            datetime.now(UTC).isoformat(timespec="milliseconds"),
            kind,
            question,
            force,
            mode,
            json.dumps(passages, ensure_ascii=False),
            prompt,
            raw_reply,
            json.dumps(result, ensure_ascii=False),
            usage.get("prompt_tokens", 0),
            usage.get("completion_tokens", 0),
            latency_ms,
        )
        with self._lock, closing(self._connect()) as db, db:
            db.execute(
                "insert into events (at, kind, question, force, mode, passages, prompt, raw_reply,"
                " result, prompt_tokens, completion_tokens, latency_ms)"
                " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )

    def recent(self, limit: int = 20) -> list[dict[str, Any]]:
        with closing(self._connect()) as db:
            db.row_factory = sqlite3.Row
            rows = db.execute("select * from events order by id desc limit ?", (limit,))
            return [dict(r) for r in rows]
