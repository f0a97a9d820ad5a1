"""Error pages: HTML for people, JSON under /api/; refused access is logged."""
import logging

from flask import Flask, jsonify, render_template, request
from flask_login import current_user, user_unauthorized
from werkzeug.exceptions import HTTPException

from .services import NotFound

log = logging.getLogger("registry.access")
# Refusals worth an operator's attention: anything protected, and every bad CSRF token.
PROTECTED = ("/admin", "/portal", "/account")


def log_refusal(status: int, reason: str = "") -> None:
    """Who was refused what, without secrets: the route pattern, never the path (tokens live in paths)."""
    rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
    who = f"user {current_user.id}" if current_user and current_user.is_authenticated else "anonymous"
    log.warning("refused %s %s -> %s for %s from %s%s", request.method, rule, status, who, request.remote_addr,
                f": {reason}" if reason else "")


def _is_refusal(code: int) -> bool:
    if code in (401, 403, 429):
        return True
    return code == 404 and request.path.startswith(PROTECTED)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if exc.code and (_is_refusal(exc.code) or (exc.code == 400 and "CSRF" in str(exc.description))):
            log_refusal(exc.code, "CSRF token missing or wrong" if "CSRF" in str(exc.description) else "")
        if _wants_json():
            return jsonify(error=exc.name, message=exc.description), exc.code
        return render_template("errors/error.html", error=exc), exc.code

    @user_unauthorized.connect_via(app)
    def _anonymous(_app, **_extra):
        log_refusal(401, "not logged in")

    @app.errorhandler(NotFound)
    def _domain_not_found(exc: NotFound):
        if request.path.startswith(PROTECTED):
            log_refusal(404)
        if _wants_json():
            return jsonify(error="Not Found", message=exc.message), 404
        return render_template("errors/error.html", error=_Shown(404, "Not Found", exc.message)), 404


class _Shown:
    def __init__(self, code: int, name: str, description: str):
        self.code, self.name, self.description = code, name, description
