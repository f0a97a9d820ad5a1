"""Engine-level settings: SQLite pragmas and proper transactions."""

from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Set for requests that write (POST and the like): on SQLite their transactions
# begin IMMEDIATE, taking the write lock first and waiting for it (busy_timeout),
# instead of reading a snapshot that another writer may make stale, which
# would fail at the first write with "database is locked".
_writing: ContextVar[bool] = ContextVar("writing", default=False)


@contextmanager
def writing():
    """Transactions begun inside take SQLite's write lock at once."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def begin_writing() -> object:
    """As `writing()`, for a request hook: returns the token to pass to `end_writing`."""
    return _writing.set(True)


def end_writing(token) -> None:
    try:
        _writing.reset(token)
    except ValueError:  # set in another context: nothing of ours to undo there
        _writing.set(False)


def configure_engine(engine: Engine) -> None:
    """Turn on foreign keys, WAL and a busy timeout for SQLite connections."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, decide where transactions begin, so
        # that SAVEPOINTs and rollbacks behave as on PostgreSQL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # Writers take turns for the whole request (BEGIN IMMEDIATE): 50 at once queue for seconds, so wait as
        # long as gunicorn lets a request live (30 s) rather than fail one of them with "database is locked".
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _writing.get() else "BEGIN")


def relax_commit_durability(engine: Engine) -> None:
    """For the mail worker process only: commit without waiting for the disk.

    A killed worker loses nothing (the database server, or SQLite's WAL in the
    OS, keeps the write); only a power cut could undo its last "sent" marks,
    which means a repeat with the same Message-ID, never a lost message. The
    web processes keep full durability for what they acknowledge to users.
    Connections opened before the call keep their setting.
    """
    if getattr(engine, "_commit_durability_relaxed", False):
        return
    engine._commit_durability_relaxed = True

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        if engine.dialect.name == "sqlite":
            dbapi_connection.execute("PRAGMA synchronous=NORMAL")
            # Fewer automatic checkpoints while marking thousands of messages one commit each.
            dbapi_connection.execute("PRAGMA wal_autocheckpoint=10000")
        elif engine.dialect.name == "postgresql":
            autocommit = dbapi_connection.autocommit
            dbapi_connection.autocommit = True
            dbapi_connection.execute("SET synchronous_commit TO OFF")
            dbapi_connection.autocommit = autocommit
