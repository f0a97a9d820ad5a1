"""Error pages: HTML for people, JSON under /api/."""
from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from .services import NotFound


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if _wants_json():
            return jsonify(error=exc.name, message=exc.description), exc.code
        return render_template("errors/error.html", error=exc), exc.code

    @app.errorhandler(NotFound)
    def _domain_not_found(exc: NotFound):
        if _wants_json():
            return jsonify(error="Not Found", message=exc.message), 404
        return render_template("errors/error.html", error=_Shown(404, "Not Found", exc.message)), 404


class _Shown:
    def __init__(self, code: int, name: str, description: str):
        self.code, self.name, self.description = code, name, description
