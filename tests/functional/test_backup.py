"""`flask backup PATH` and the documented restore: afterwards `audit verify` passes and every table has as many rows
as the original (real commits, in databases of their own: SQLite files, PostgreSQL databases made for the test)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import timedelta

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import func, inspect, select, table, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError

from registry import create_app
from registry.accounts import users as accounts
from registry.accounts.demo import load_demo
from registry.announcements import publication
from registry.announcements.drafting import save_draft
from registry.extensions import db
from registry.models import AuditCheckpoint, Processor, Service
from registry.subprocessors.seeding import load_seed
from registry.subprocessors.snapshot import today

from ..conftest import ON_CI, PG_URL, PROJECT


def _app(url: str, **settings):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": True,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "BASE_URL": "http://registry.test",
            **settings,
        }
    )


def _world(app) -> None:
    """Seed, demo, and one published announcement (so that there are checkpoints and mail), all committed."""
    with app.app_context(), app.test_request_context():
        upgrade()
        load_seed(PROJECT / "seed")
        load_demo(PROJECT / "seed")
        vcare = db.session.scalar(select(Processor).filter_by(slug="vcare"))
        operator = db.session.scalar(select(Service).filter_by(processor_id=vcare.id, key="operator"))
        editor = accounts.create_user("ed@vcare.example.org", "editor", "vcare", "a long password", actor="test")
        item = save_draft(
            editor,
            vcare,
            None,
            {
                "kind": "add",
                "service_ids": [operator.id],
                "new_name": "Acme",
                "reason": "Tests",
                "effective_date": today() + timedelta(days=45),
                "locations": [{"country": "NL", "place": None, "role": "processing", "transfer_basis": None}],
            },
        )
        publication.publish(editor, vcare, item.id)
        db.session.remove()


def _counts(app) -> dict[str, int]:
    """Rows per table, every table the database has (alembic_version included)."""
    with app.app_context():
        names = inspect(db.engine).get_table_names()
        counts = {name: db.session.scalar(select(func.count()).select_from(table(name))) for name in names}
        db.session.remove()
        return counts


def _invoke(app, *args):
    with app.app_context():  # the command runs in this app, not in the suite's
        result = app.test_cli_runner().invoke(args=list(args))
        db.session.remove()
    return result


def _dispose(*apps) -> None:
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def test_a_sqlite_backup_taken_while_a_writer_is_busy_restores_to_an_intact_log(tmp_path):
    source = _app(f"sqlite:///{tmp_path / 'registry.db'}")
    _world(source)
    before = _counts(source)
    assert before["audit_checkpoint"] >= 2 and before["outbox_message"] > 0
    busy = sqlite3.connect(tmp_path / "registry.db", isolation_level=None)
    busy.execute("BEGIN IMMEDIATE")  # another process in the middle of a write: the backup does not wait for it
    busy.execute("INSERT INTO organisation (slug, name) VALUES ('half-written', 'Not committed')")
    try:
        result = _invoke(source, "backup", str(tmp_path / "backup.db"))
    finally:
        busy.execute("ROLLBACK")
        busy.close()
    assert result.exit_code == 0, result.output
    size = (tmp_path / "backup.db").stat().st_size
    assert result.output == f"Backed up to {tmp_path / 'backup.db'} (sqlite, {size:,} bytes).\n"
    # The documented restore: stop the portal, put the file in place of the database.
    shutil.copyfile(tmp_path / "backup.db", tmp_path / "restored.db")
    restored = _app(f"sqlite:///{tmp_path / 'restored.db'}")
    verified = _invoke(restored, "audit", "verify")
    assert verified.exit_code == 0 and verified.output.startswith("Audit log intact:"), verified.output
    assert _counts(restored) == before
    _dispose(source, restored)


def test_a_failed_backup_leaves_the_earlier_one_in_place(tmp_path):
    app = _app("postgresql+psycopg://postgres@127.0.0.1:5432/none", PG_DUMP=str(tmp_path / "no" / "pg_dump"))
    earlier = tmp_path / "registry.dump"
    earlier.write_bytes(b"yesterday's backup")
    result = _invoke(app, "backup", str(earlier))
    assert result.exit_code == 1
    assert f"pg_dump not found ('{tmp_path / 'no' / 'pg_dump'}' is not on PATH)" in result.output
    assert earlier.read_bytes() == b"yesterday's backup" and sorted(p.name for p in tmp_path.iterdir()) == [
        "registry.dump"
    ]
    assert _invoke(app, "backup", str(tmp_path / "missing-dir" / "x.dump")).output == (
        f"Error: the directory {tmp_path / 'missing-dir'} does not exist\n"
    )
    _dispose(app)


def _server(database: str) -> str:
    """The test server's URL for `database`, after checking that the server answers (skip, or fail on CI)."""
    url = make_url(PG_URL).set(database=database)
    try:
        psycopg.connect(
            make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False), connect_timeout=3
        ).close()
    except psycopg.OperationalError as error:
        if ON_CI:
            pytest.fail(f"CI=true requires PostgreSQL: {error}")
        pytest.skip(f"PostgreSQL not reachable: {error}")
    return url.render_as_string(hide_password=False)


def _psql(sql: str) -> None:
    """As the README says: psql on the server (here through the test database's URL)."""
    dsn = make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(["psql", dsn, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, capture_output=True)


@pytest.fixture
def databases():
    base = make_url(PG_URL).database
    names = (f"{base}_backup", f"{base}_restore")
    urls = tuple(_server(name) for name in names)
    for name in names:
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        _psql(f"CREATE DATABASE {name}")
    yield urls
    for name in names:
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_postgresql_backup_restores_with_pg_restore_to_an_intact_log(databases, tmp_path):
    source_url, target_url = databases
    source = _app(source_url)
    _world(source)
    before = _counts(source)
    path = tmp_path / "registry.dump"
    result = _invoke(source, "backup", str(path))
    assert result.exit_code == 0, result.output
    assert result.output == f"Backed up to {path} (pg_dump, {path.stat().st_size:,} bytes).\n"
    assert path.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    # The documented restore into a new, empty database.
    dsn = make_url(target_url).set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={dsn}", str(path)], check=True, capture_output=True
    )
    restored = _app(target_url)
    verified = _invoke(restored, "audit", "verify")
    assert verified.exit_code == 0 and verified.output.startswith("Audit log intact:"), verified.output
    assert _counts(restored) == before
    with restored.app_context():  # the guards came along: the restored log refuses changes too
        assert db.session.scalar(select(func.count()).select_from(AuditCheckpoint)) == before["audit_checkpoint"]
        with pytest.raises(DatabaseError, match="the audit log is append-only: DELETE on audit_entry refused"):
            db.session.execute(text("DELETE FROM audit_entry"))
        db.session.rollback()
        db.session.remove()
    _dispose(source, restored)
