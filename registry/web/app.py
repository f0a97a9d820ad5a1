"""The application factory: config → extensions → blueprints → errors → commands."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from flask_babel import gettext
from werkzeug.routing import IntegerConverter

from registry import RESOURCE_ROOT, config, extensions
from registry.extensions import csrf, db, limiter, login_manager, migrate
from registry.web import routing
from registry.web.i18n import N_


class DatabaseId(IntegerConverter):
    """`<int:…>` in URLs: only numbers a database id can be, so that /objections/99999999999/ is a 404, not a 500."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config → extensions → blueprints → errors → commands."""
    app = Flask(
        "registry",  # the package, not this module: the same root path, instance folder and logger name as before
        instance_relative_config=True,
        instance_path=config.instance_path(),
        template_folder=str(RESOURCE_ROOT / "templates"),
        static_folder=str(RESOURCE_ROOT / "static"),
    )
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app.config.from_mapping(config.from_environment(Path(app.instance_path)))
    app.config["SEED_DIR"] = RESOURCE_ROOT / "seed"
    if test_config:
        app.config.update(test_config)
    config.check_production(app.config, app.debug)
    config.check_signing_key(app.config)
    if app.config.get("PROXY_HOPS", 0) > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Each proxy appends to X-Forwarded-For, so the client is the PROXY_HOPS-th address from the right;
        # X-Forwarded-Proto and -Host are set (not appended) by proxies: the nearest one's value counts,
        # else behind two proxies the scheme would be ignored (no HSTS, http:// links).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_HOPS"], x_proto=1, x_host=1)
    app.url_map.converters["int"] = DatabaseId
    routing.init_app(app)
    register_extensions(app)
    register_template_helpers(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from registry.models import User
    from registry.storage import engine
    from registry.web import writes

    db.init_app(app)
    migrate.init_app(app, db, directory=str(RESOURCE_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    extensions.mail.init_app(app)  # `mail` alone would be the registry.mail package once it is imported
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("Please log in to see that page.")
    login_manager.localize_callback = gettext  # flashed in the page's language (a lazy string cannot be flashed)
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(token: str):
        return db.session.scalar(db.select(User).filter_by(session_token=token, active=True))

    with app.app_context():
        engine.configure_engine(db.engine)
    writes.init_app(app)


def register_template_helpers(app: Flask) -> None:
    from registry.law import transfers
    from registry.web import data_language, i18n
    from registry.web import mail as mail_words

    i18n.init_app(app)
    data_language.init_app(app)
    mail_words.init_app(app)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(transfer_basis_label=transfers.basis_label)


def register_blueprints(app: Flask) -> None:
    """Each area's blueprint, made in its package with every route module of it (registry/web/<area>/__init__.py)."""
    from registry.web import admin, api, auth, cookieless, portal, public, security, subscriptions

    for area in (public, api, auth, admin, subscriptions, portal):
        app.register_blueprint(area.bp)
    security.init_app(app)
    cookieless.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from registry.web import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from registry import cli

    cli.init_app(app)
