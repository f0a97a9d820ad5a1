"""Error pages: HTML for people, JSON under /api/; refused access is logged."""

import logging
from collections.abc import Callable

from flask import Flask, Response, current_app, jsonify, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, user_unauthorized
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.routing import RequestRedirect

from registry.exceptions import NotFound
from registry.extensions import db
from registry.web.i18n import N_

log = logging.getLogger("registry.access")
errors_log = logging.getLogger(__name__)
# Refusals worth an operator's attention: anything protected, and every bad CSRF token.
PROTECTED = ("/admin", "/portal", "/account")


def log_refusal(status: int, reason: str = "") -> None:
    """Who was refused what, without secrets: the route pattern, never the path (tokens live in paths)."""
    rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
    who = f"user {current_user.id}" if current_user and current_user.is_authenticated else "anonymous"
    log.warning(
        "refused %s %s -> %s for %s from %s%s",
        request.method,
        rule,
        status,
        who,
        request.remote_addr,
        f": {reason}" if reason else "",
    )


# What a person sees for each status, in the page's language (Werkzeug's own texts are English).
TITLES = {
    400: N_("The request could not be handled"),
    401: N_("Please log in"),
    403: N_("Not for you"),
    404: N_("Not found"),
    405: N_("Not allowed this way"),
    413: N_("Too large"),
    429: N_("Too many requests"),
    500: N_("Something went wrong on our side"),
}
EXPLANATIONS = {
    400: N_("The request was not understood. Go back and try again."),
    401: N_("Log in to see this page."),
    403: N_("Your account may not open this page."),
    404: N_("There is nothing at this address. Check the link, or start from the list of processors."),
    405: N_("This address does not take that kind of request."),
    413: N_(
        "What was sent is larger than this site accepts (%(limit)s at most). Go back: your browser usually "
        "still holds what you typed. Shorten the longest text and send it again."
    ),
    429: N_("Too many attempts in a short time. Wait a minute, then try again."),
    500: N_("The error was logged. Try again later."),
}
CSRF_EXPLANATION = N_(
    "The form had expired or did not come from this site. Go back, reload the page and submit it again."
)


def _shown(exc: HTTPException) -> "_Shown":
    """The error as a person reads it: our own description where a view gave one, else the status's text."""
    code = exc.code or 500
    description = exc.description
    if "CSRF" in str(description):
        description = _(CSRF_EXPLANATION)
    elif description == type(exc).description and code == 413:
        description = _(EXPLANATIONS[413], limit=_size(current_app.config.get("MAX_CONTENT_LENGTH")))
    elif description == type(exc).description and code in EXPLANATIONS:
        description = _(EXPLANATIONS[code])
    return _Shown(code, _(TITLES[code]) if code in TITLES else exc.name, description)


def _size(limit: int | None) -> str:
    """A byte count as people read it: 1 MB, 512 kB."""
    if not limit:
        return "?"
    for unit, size in (("MB", 1024 * 1024), ("kB", 1024)):
        if limit >= size:
            return f"{format_decimal(round(limit / size, 1))} {unit}"
    return f"{format_decimal(limit)} B"


def _is_refusal(code: int) -> bool:
    if code in (401, 403, 429):
        return True
    return code == 404 and request.path.startswith(PROTECTED)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _end_transaction() -> None:
    """Roll back what the request left: after a failed statement PostgreSQL refuses every further query in the
    transaction, and the error page reads the database itself (the account in the header, its language)."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        errors_log.exception("rolling back before an error page failed")


def page_above(path: str) -> str:
    """The nearest address above `path` that shows a page: where a GET of a form's POST address is sent (a failed
    form's page keeps its POST address, so reloading it from the address bar, or opening it again, lands here)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    parts = path.rstrip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        for candidate in ("/".join(parts) + "/", "/".join(parts)):
            try:
                adapter.match(candidate or "/", method="GET")
            except RequestRedirect:
                continue
            except HTTPException:
                continue
            return candidate or "/"
    return "/"


def _answer(code: int, respond: Callable[[], ResponseReturnValue]) -> ResponseReturnValue:
    """The error page, after a rollback; should it fail all the same (the database is down and the page asks it
    who is logged in), the status as plain text: an error page never raises a second error."""
    _end_transaction()
    try:
        return respond()
    except Exception:  # noqa: BLE001  (the last answer a request gets: nothing may escape it)
        errors_log.exception("the error page for %s failed", code)
        return Response(f"{code} {HTTP_STATUS_CODES.get(code, 'Error')}\n", status=code, mimetype="text/plain")


def init_app(app: Flask) -> None:
    def _http_page(exc: HTTPException):
        if exc.code and (_is_refusal(exc.code) or (exc.code == 400 and "CSRF" in str(exc.description))):
            log_refusal(exc.code, "CSRF token missing or wrong" if "CSRF" in str(exc.description) else "")
        if exc.response is not None:
            return exc.response  # the view's own page for this refusal (e.g. the log-in form, paused)
        if _wants_json():
            return jsonify(error=exc.name, message=exc.description), exc.code
        return render_template("errors/error.html", error=_shown(exc)), exc.code

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if isinstance(exc, MethodNotAllowed) and request.method in ("GET", "HEAD") and not _wants_json():
            return redirect(request.script_root + page_above(request.path), 303)
        return _answer(exc.code or 500, lambda: _http_page(exc))

    @user_unauthorized.connect_via(app)
    def _anonymous(_app, **_extra):
        log_refusal(401, "not logged in")

    def _not_found_page(exc: NotFound):
        if request.path.startswith(PROTECTED):
            log_refusal(404)
        if _wants_json():
            return jsonify(error="Not Found", message=exc.message), 404
        return render_template("errors/error.html", error=_Shown(404, _(TITLES[404]), exc.message)), 404

    @app.errorhandler(NotFound)
    def _domain_not_found(exc: NotFound):
        return _answer(404, lambda: _not_found_page(exc))


class _Shown:
    def __init__(self, code: int, name: str, description: str):
        self.code, self.name, self.description = code, name, description
