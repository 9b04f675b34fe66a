"""rpm >= 4.16's SQLite database (`rpmdb.sqlite`): table Packages(hnum, blob) of headers.

The bytes are opened in memory with `sqlite3.Connection.deserialize` (Python 3.11+), so no
temporary file is needed. The database comes from an untrusted image: the schema is checked
to be a plain table, the connection is query-only with untrusted schema features off, and a
progress handler stops runaway queries.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from services.scanner.analyzers.base import AnalyzerError

MAGIC = b"SQLite format 3\x00"
_MAX_VM_STEPS = 200_000_000
_PROGRESS_INTERVAL = 100_000


def is_sqlite(data: bytes) -> bool:
    return data[:16] == MAGIC


def iter_values(data: bytes) -> Iterator[bytes]:
    if not is_sqlite(data):
        raise AnalyzerError("not an SQLite database")
    image = bytearray(data)
    # A WAL-mode database (header bytes 18/19 = 2) cannot be opened from memory; the main file
    # of a cleanly closed rpmdb holds every committed page, so read it as rollback-journal.
    if image[18] == 2 or image[19] == 2:
        image[18] = image[19] = 1
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(bytes(image))
        steps = 0

        def progress() -> int:
            nonlocal steps
            steps += _PROGRESS_INTERVAL
            return 1 if steps > _MAX_VM_STEPS else 0

        connection.set_progress_handler(progress, _PROGRESS_INTERVAL)
        connection.execute("PRAGMA trusted_schema = OFF")
        connection.execute("PRAGMA query_only = ON")
        kind = connection.execute(
            "SELECT type FROM sqlite_master WHERE name = 'Packages'"
        ).fetchone()
        if kind is None or kind[0] != "table":
            raise AnalyzerError("rpmdb.sqlite has no Packages table")
        for (blob,) in connection.execute("SELECT blob FROM Packages"):
            if isinstance(blob, bytes):
                yield blob
    except sqlite3.OperationalError as exc:
        raise AnalyzerError(f"rpmdb.sqlite is unreadable: {exc}") from None
    finally:
        connection.close()
