"""Counting the SQL statements a request runs."""

from sqlalchemy import event

from registry.extensions import db


def count_queries(client, url: str) -> int:
    statements = []

    def listener(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200, url
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)
