"""Where the app keeps its instance folder and finds its files, in a checkout and when told by the environment."""

from pathlib import Path

import registry
from registry import create_app

CHECKOUT = Path(__file__).resolve().parents[2]


def test_in_a_checkout_the_files_come_from_the_top_of_the_repository_and_instance_is_beside_them(monkeypatch):
    monkeypatch.delenv("REGISTRY_INSTANCE_PATH", raising=False)
    app = create_app()
    assert registry.RESOURCE_ROOT == CHECKOUT
    assert Path(app.template_folder) == CHECKOUT / "templates" and Path(app.static_folder) == CHECKOUT / "static"
    assert app.config["SEED_DIR"] == CHECKOUT / "seed"
    assert Path(app.extensions["migrate"].directory) == CHECKOUT / "migrations"
    assert Path(app.instance_path) == CHECKOUT / "instance"


def test_registry_instance_path_moves_the_database_and_the_generated_keys(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("AUDIT_SIGNING_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REGISTRY_INSTANCE_PATH", "state")  # relative: made absolute from where it starts
    app = create_app()
    assert app.instance_path == str(tmp_path / "state")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'state' / 'registry.db'}"
    assert (tmp_path / "state" / "secret_key").read_text().strip() == app.config["SECRET_KEY"]
    assert (tmp_path / "state" / "audit_signing_key").exists()
