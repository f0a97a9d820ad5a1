"""Entry point for `flask --app wsgi` and gunicorn."""

from registry import create_app

app = create_app()
