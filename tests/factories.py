"""Test data built through the same services users go through."""
from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select

from registry.extensions import db
from registry.models import Organisation, User
from registry.services import accounts

PASSWORD = "correct horse battery"


def make_user(email: str, role: str, org: str | None = None) -> User:
    return accounts.create_user(email, role, org, PASSWORD, actor="test")


def organisation(slug: str, name: str) -> Organisation:
    org = db.session.scalar(select(Organisation).filter_by(slug=slug))
    if org is None:
        org = Organisation(slug=slug, name=name)
        db.session.add(org)
        db.session.commit()
    return org


def make_users() -> SimpleNamespace:
    organisation("praktijk-b", "Praktijk B")
    return SimpleNamespace(
        admin=make_user("root@example.org", "admin"),
        vcare_editor=make_user("ed@vcare.example.org", "editor", "vcare"),
        vtm_editor=make_user("ed@vtm.example.org", "editor", "vtm"),
        controller_a=make_user("a@praktijk-x.example.org", "controller", "huisartsenpraktijk-x"),
        controller_b=make_user("b@praktijk-b.example.org", "controller", "praktijk-b"),
    )
