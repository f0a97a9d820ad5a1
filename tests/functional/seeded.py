"""The seeded database as the form fuzz uses it: the day every example runs on, and real choices (ids, services,
addresses) to post, with ids that are not this processor's to choose."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import time_machine
from hypothesis import strategies as st
from sqlalchemy import func, select

from registry.extensions import db
from registry.law.periods import AMSTERDAM
from registry.models import Processor

DAY = date(2026, 11, 23)  # a Monday; every example runs on it, at noon in Amsterdam
EMAILS = ["privacy@praktijk.example", "o'brien+notices@example.org", "a.b-c@sub.example.nl", "X@EXAMPLE.COM"]


def on_the_day():
    """The clock stands still at noon in Amsterdam on DAY (the `fuzz_day` fixture in tests/functional/conftest.py)."""
    return time_machine.travel(datetime(DAY.year, DAY.month, DAY.day, 12, tzinfo=AMSTERDAM), tick=False)


def count(*models) -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in models)


def backend(app) -> str:
    return app.config["BACKEND"]


def iso(days: int) -> str:
    return (DAY + timedelta(days=days)).isoformat()


def ids_of(model, **where) -> list[int]:
    return list(db.session.scalars(select(model.id).filter_by(**where).order_by(model.id)))


def subsets(values: list) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from([str(v) for v in values]), min_size=1, unique=True)


def vcare() -> Processor:
    return db.session.scalar(select(Processor).filter_by(slug="vcare"))


def other_ids(model) -> list[str]:
    """Ids of another processor's rows: real ids that are not this processor's to choose."""
    vtm = db.session.scalar(select(Processor).filter_by(slug="vtm"))
    return [str(i) for i in ids_of(model, processor_id=vtm.id)[:2]]


BOGUS_IDS = ["0", "-1", "99999", "abc", "1.5", "4294967296", "1e3"]
