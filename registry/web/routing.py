"""Values in URLs under the plain-text rule: a path value with a control or direction character matches no route
(404), a query argument with one is a bad request (400); neither reaches a view or the database (PostgreSQL
cannot even compare a NUL: it refused `/processors/%00/` with a 500)."""

from __future__ import annotations

from flask import Flask, abort, request
from flask_babel import gettext as _
from werkzeug.routing import PathConverter, UnicodeConverter, ValidationError

from registry.text.plain import forbidden_character


class PlainSegment(UnicodeConverter):
    """`<slug>`, `<token>`, `<key>`: one path segment of plain text."""

    def to_python(self, value: str) -> str:
        if forbidden_character(value) is not None:
            raise ValidationError()
        return value


class PlainPath(PathConverter):
    """`<path:…>`: several segments of plain text."""

    def to_python(self, value: str) -> str:
        if forbidden_character(value) is not None:
            raise ValidationError()
        return value


def _refuse_hostile_query() -> None:
    for name, value in request.args.items(multi=True):
        if forbidden_character(name) is not None:
            abort(
                400,
                _(
                    "The address holds an invisible control or text-direction character (%(code)s). Check the "
                    "link you followed.",
                    code=forbidden_character(name).code,
                ),
            )
        found = forbidden_character(value)
        if found is not None:
            abort(
                400,
                _(
                    "'%(name)s' in the address holds an invisible control or text-direction character "
                    "(%(code)s). Check the link you followed.",
                    name=name,
                    code=found.code,
                ),
            )


def init_app(app: Flask) -> None:
    """Register the converters (before any route is added) and the check of the query string."""
    app.url_map.converters.update(default=PlainSegment, string=PlainSegment, path=PlainPath)
    app.before_request(_refuse_hostile_query)
