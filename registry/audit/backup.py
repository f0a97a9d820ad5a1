"""Backing up the database while the portal runs: SQLite's online backup, or pg_dump for PostgreSQL.

The backup is written next to PATH first and moved into place only when complete, so that a failed run never
leaves a half-written file where an earlier good backup was.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupFailed(RuntimeError):
    """No backup was written; the message says why."""


@dataclass(frozen=True)
class Backup:
    path: Path
    kind: str  # "sqlite" (a database file) or "pg_dump" (custom format, for pg_restore)
    size: int


def back_up(database_url: str, path: Path, pg_dump: str = "pg_dump") -> Backup:
    """Write a consistent copy of the database at `database_url` to `path`."""
    url = make_url(database_url)
    path = Path(path)
    if path.is_dir():
        raise BackupFailed(f"{path} is a directory; give the backup file's name")
    if not path.parent.is_dir():
        raise BackupFailed(f"the directory {path.parent} does not exist")
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(handle)
    try:
        if url.get_backend_name() == "sqlite":
            kind = "sqlite"
            _sqlite(url.database, Path(partial))
        elif url.get_backend_name() == "postgresql":
            kind = "pg_dump"
            _pg_dump(url, Path(partial), pg_dump)
        else:
            raise BackupFailed(f"backing up {url.get_backend_name()} is not supported")
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return Backup(path, kind, path.stat().st_size)


def _sqlite(database: str | None, target: Path) -> None:
    """The online backup API: a consistent copy while other connections read and write."""
    if not database or database == ":memory:" or not Path(database).exists():
        raise BackupFailed(f"no SQLite database file at {database!r}")
    source = sqlite3.connect(database, timeout=30)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    except sqlite3.Error as error:
        raise BackupFailed(f"SQLite backup failed: {error}") from None
    finally:
        copy.close()
        source.close()


def _pg_dump(url, target: Path, pg_dump: str) -> None:
    """pg_dump in its custom format (-Fc): compressed, restored with pg_restore. The password goes in the
    environment, not on the command line where `ps` would show it."""
    program = shutil.which(pg_dump)
    if program is None:
        raise BackupFailed(
            f"pg_dump not found ({pg_dump!r} is not on PATH): install PostgreSQL's client tools in the "
            "server's major version or newer (Debian: apt-get install postgresql-client), or set "
            "PG_DUMP to its full path"
        )
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    result = subprocess.run(
        [program, "--format=custom", "--no-owner", f"--file={target}", f"--dbname={dsn}"],
        env=environment,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupFailed(f"pg_dump failed (exit status {result.returncode}): {result.stderr.strip()}")
