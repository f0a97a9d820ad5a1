"""Requests that write (POST and the like) begin their SQLite transactions IMMEDIATE: see storage.engine."""

from __future__ import annotations

from flask import Flask, g, request

from registry.storage.engine import begin_writing, end_writing


def init_app(app: Flask) -> None:
    """Requests other than GET, HEAD and OPTIONS write: their SQLite transactions begin IMMEDIATE."""

    @app.before_request
    def _mark_writing():
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            g._writing_token = begin_writing()

    @app.teardown_request
    def _unmark_writing(_exc):
        token = g.pop("_writing_token", None)
        if token is not None:
            end_writing(token)
