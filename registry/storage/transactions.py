"""One use case, one transaction: a service that refuses (or fails) rolls its own transaction back, so that what it
changed is undone and its row locks are released before the caller shows the refusal."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from registry.extensions import db

Params = ParamSpec("Params")
Result = TypeVar("Result")


def one_transaction(service: Callable[Params, Result]) -> Callable[Params, Result]:
    """The service commits once when it succeeds (its own `db.session.commit()`); when it raises, the session is
    rolled back here and the error goes on to the caller, which only turns it into an answer."""

    @wraps(service)
    def run(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        try:
            return service(*args, **kwargs)
        except Exception:
            db.session.rollback()
            raise

    return run
