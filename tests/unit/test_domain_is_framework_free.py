"""The domain speaks in values, the web layer in words (house style rule 13): no module of the domain imports what
only makes sense during a request (Flask-Babel, Flask-Login's helpers, templates, URLs, the request) or any module of
registry.web. `current_app` (configuration read at call time), the Flask-SQLAlchemy session and Flask-Mail stay
allowed."""

from __future__ import annotations

import ast
from pathlib import Path

from ..conftest import PROJECT

# Every package of registry/ but the web layer (and the data files), and the domain's exceptions: a new area is
# checked from the day it is made (test_the_domain_is_every_package_but_the_web_layer holds the list to the tree).
DOMAIN = sorted(
    f"registry/{folder.name}"
    for folder in (PROJECT / "registry").iterdir()
    if (folder / "__init__.py").is_file() and folder.name not in {"web", "data"}
) + ["registry/exceptions.py"]
FORBIDDEN_MODULES = ("flask_babel", "registry.web", "flask.templating", "flask.globals", "jinja2", "babel.dates")
# Attributes that reach templates, URLs or a request from any object (current_app.url_for, app.jinja_env...).
FORBIDDEN_ATTRIBUTES = {"url_for", "jinja_env", "test_request_context", "render_template", "request_context"}
# Request-bound names of Flask and Flask-Login (UserMixin, current_app and the like are not).
FORBIDDEN_NAMES = {
    "flask": {
        "request",
        "session",
        "render_template",
        "render_template_string",
        "stream_template",
        "stream_template_string",
        "url_for",
        "redirect",
        "abort",
        "flash",
        "make_response",
    },
    "flask_login": {
        "current_user",
        "login_user",
        "logout_user",
        "login_required",
        "fresh_login_required",
        "confirm_login",
        "login_fresh",
        "login_remembered",
    },
}


def _forbidden_module(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in FORBIDDEN_MODULES)


def _absolute(node: ast.ImportFrom, path: str) -> str:
    """The module an import names, a relative one resolved against the package of `path`."""
    if not node.level:
        return node.module or ""
    package = Path(path).with_suffix("").parts[: -node.level]
    return ".".join(part for part in (*package, node.module or "") if part)


def violations(source: str, path: str) -> list[str]:
    """'path:line: what' for each forbidden import (or attribute such as flask.request) in one module's source."""
    found = []
    tree = ast.parse(source, path)
    aliases = {  # `import flask as fl`: fl.request is flask.request
        alias.asname or alias.name: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _forbidden_module(alias.name) or alias.name == "flask_login":
                    found.append(f"{path}:{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, path)
            top = module.split(".")[0]
            for alias in node.names:
                if (
                    _forbidden_module(module)
                    or _forbidden_module(f"{module}.{alias.name}")
                    or alias.name in FORBIDDEN_NAMES.get(top, ())
                ):
                    found.append(f"{path}:{node.lineno}: from {module} import {alias.name}")
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
            found.append(f"{path}:{node.lineno}: .{node.attr}")
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.attr in FORBIDDEN_NAMES.get(aliases.get(node.value.id, node.value.id), ())
        ):
            found.append(f"{path}:{node.lineno}: {node.value.id}.{node.attr}")
    return found


def files_of(entry: str) -> list[Path]:
    root = PROJECT / entry
    return [root] if root.suffix == ".py" else sorted(root.rglob("*.py"))


def violations_under(entry: str) -> list[str]:
    found = []
    for file in files_of(entry):
        relative = file.relative_to(PROJECT).as_posix()
        found += violations(file.read_text(encoding="utf-8"), relative)
    return found


def test_the_domain_is_every_package_but_the_web_layer():
    known = ["accounts", "announcements", "audit", "cases", "law", "mail", "models", "storage", "subprocessors", "text"]
    assert set(DOMAIN) >= {f"registry/{area}" for area in known} | {"registry/exceptions.py"}


def test_no_domain_module_imports_the_web_layer():
    assert sum(len(files_of(entry)) for entry in DOMAIN) > 50  # the walk found the packages
    assert [v for entry in DOMAIN for v in violations_under(entry)] == []


def test_the_check_finds_each_kind_of_forbidden_import():
    forbidden = {
        "from flask_babel import gettext as _": "from flask_babel import gettext",
        "import flask_babel": "import flask_babel",
        "from flask_babel.speaklater import LazyString": "from flask_babel.speaklater import LazyString",
        "from flask import request": "from flask import request",
        "from flask import current_app, render_template": "from flask import render_template",
        "from flask import url_for": "from flask import url_for",
        "import flask\nflask.request.args": "flask.request",
        "from flask_login import current_user": "from flask_login import current_user",
        "import flask_login": "import flask_login",
        "from registry.web.links import absolute": "from registry.web.links import absolute",
        "from registry.web import i18n": "from registry.web import i18n",
        "from registry import web": "from registry import web",
        "import registry.web.language": "import registry.web.language",
        "def f():\n    from flask import request": "from flask import request",
        "import flask as fl\nfl.request": "fl.request",
        "from flask import current_app\ncurrent_app.url_for('portal.respond')": ".url_for",
        "from flask import current_app\ncurrent_app.jinja_env.get_template('x')": ".jinja_env",
        "from flask import templating": "from flask import templating",
        "from flask.globals import request_ctx": "from flask.globals import request_ctx",
        "from babel.dates import format_date": "from babel.dates import format_date",
        "from jinja2 import Template": "from jinja2 import Template",
    }
    for source, what in forbidden.items():
        assert violations(source, "registry/law/x.py") == [f"registry/law/x.py:{source.count(chr(10)) + 1}: {what}"]
    assert violations("from ..web import links", "registry/law/x.py") == [
        "registry/law/x.py:1: from registry.web import links"
    ]


def test_the_check_lets_configuration_the_session_and_mail_through():
    allowed = (
        "from flask import current_app\n"
        "from flask_login import UserMixin\n"
        "from flask_mail import Message\n"
        "from flask_sqlalchemy import SQLAlchemy\n"
        "from registry.extensions import db\n"
        "from registry.text import _, Text\n"
        "from registry.webhooks import x\n"
    )
    assert violations(allowed, "registry/law/x.py") == []
