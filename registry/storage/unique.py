"""Rows a unique key allows once: when a concurrent request (a double submit) stored it first, show that one."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from registry.exceptions import AlreadyDone
from registry.extensions import db
from registry.text import Words


def add_once(row, model, message: Callable[[object], Words | str], **key) -> None:
    """Add and flush `row`; if the unique `key` is taken already, roll back and raise AlreadyDone with the first."""
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        first = db.session.scalar(select(model).filter_by(**key))
        if first is None:
            raise
        raise AlreadyDone(message(first), first) from None
