"""Every page the code defines is served: each area's blueprint is made in its package (registry/web/<area>/), and
every module there that puts routes on it (`@bp.get`, `@bp.route`, ...) is imported by that package, so a new
route module cannot be left out of the app unnoticed."""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

from flask import Flask

import registry.web

WEB = Path(registry.web.__file__).parent
AREAS = {"admin", "api", "auth", "portal", "public", "subscriptions"}
ROUTING = {"route", "get", "post", "put", "patch", "delete", "add_url_rule"}


def defines_blueprint(init: Path) -> bool:
    """Whether a package's __init__ makes a blueprint (`bp = Blueprint(...)`)."""
    return any(
        isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Call)
        and getattr(node.value.func, "id", None) == "Blueprint"
        for node in ast.walk(ast.parse(init.read_text()))
    )


def route_modules(package_dir: Path, package: str) -> set[str]:
    """The modules of a blueprint package whose source puts routes on `bp`, read without importing them."""
    found = set()
    for path in sorted(package_dir.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(
            isinstance(node, ast.Attribute)
            and node.attr in ROUTING
            and isinstance(node.value, ast.Name)
            and node.value.id == "bp"
            for node in ast.walk(tree)
        ):
            found.add(package if path.stem == "__init__" else f"{package}.{path.stem}")
    return found


def served_modules(app: Flask, blueprint: str) -> set[str]:
    """The modules of the view functions the app's URL map serves for a blueprint's endpoints."""
    return {
        app.view_functions[rule.endpoint].__module__
        for rule in app.url_map.iter_rules()
        if rule.endpoint.partition(".")[0] == blueprint
    }


def test_every_area_makes_its_blueprint_in_its_package(app):
    packages = {path.parent.name for path in WEB.glob("*/__init__.py") if defines_blueprint(path)}
    assert packages == AREAS
    for name in sorted(AREAS):
        area = importlib.import_module(f"registry.web.{name}")
        assert area.bp.import_name == area.__name__, f"{name}: its blueprint is made elsewhere"
        assert app.blueprints[area.bp.name] is area.bp, f"{name}: its package's blueprint is not the registered one"


def test_every_module_with_routes_is_served(app):
    for name in sorted(AREAS):
        area = importlib.import_module(f"registry.web.{name}")
        defined = route_modules(WEB / name, area.__name__)
        assert defined, f"{name}: no module puts routes on its blueprint"
        assert served_modules(app, area.bp.name) == defined, f"{name}: a route module is not imported by its package"
    # Between them the areas serve every page but the static files and the language switch (registry.web.i18n).
    areas_served = [rule for rule in app.url_map.iter_rules() if rule.endpoint.partition(".")[0] in AREAS]
    others = {rule.endpoint for rule in app.url_map.iter_rules()} - {rule.endpoint for rule in areas_served}
    assert others == {"static", "i18n.switch"}
    assert len(areas_served) >= 55


def test_the_check_finds_a_route_module_its_package_forgot(tmp_path, monkeypatch):
    package = tmp_path / "forgetful_area"
    package.mkdir()
    (package / "__init__.py").write_text(
        'from flask import Blueprint\n\nbp = Blueprint("forgetful", __name__)\n\n'
        "from forgetful_area import listed  # noqa: E402, F401\n"
    )
    route = '\n\n@bp.get("/{0}")\ndef {0}():\n    return "{0}"\n'
    (package / "listed.py").write_text("from forgetful_area import bp\n" + route.format("listed"))
    (package / "forgotten.py").write_text("from forgetful_area import bp\n" + route.format("forgotten"))
    (package / "helpers.py").write_text("def bp_like():\n    return 'no routes here'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        area = importlib.import_module("forgetful_area")
        app = Flask("forgetful_app")
        app.register_blueprint(area.bp)
        assert route_modules(package, "forgetful_area") == {"forgetful_area.listed", "forgetful_area.forgotten"}
        assert served_modules(app, "forgetful") == {"forgetful_area.listed"}
    finally:
        for name in [name for name in sys.modules if name.partition(".")[0] == "forgetful_area"]:
            del sys.modules[name]
