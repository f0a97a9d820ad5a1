"""The operator's commands on accounts: list, disable, reset-password (exit status, output, audit entries, sessions)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import AuditEntry, User

from ..factories import PASSWORD

pytestmark = pytest.mark.usefixtures("clock")
NEW = "seven otters juggle 42 plums"


def entries(action):
    return db.session.scalars(select(AuditEntry).filter_by(action=action)).all()


def test_users_list(runner, users):
    users.controller_b.active = False
    db.session.commit()
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    ours = {u.email for u in vars(users).values()}
    # Site admins first, then editors and controller users, each by processor or organisation.
    assert [line.split()[:4] for line in lines[:-1] if line.split()[0] in ours] == [
        ["root@example.org", "admin", "-", "active"],
        ["ed@vcare.example.org", "editor", "vcare", "active"],
        ["ed@vtm.example.org", "editor", "vtm", "active"],
        ["a@praktijk-x.example.org", "controller", "huisartsenpraktijk-x", "active"],
        ["b@praktijk-b.example.org", "controller", "praktijk-b", "disabled"],
    ]
    roles = [line.split()[1] for line in lines[:-1]]
    assert roles == sorted(roles, key=["admin", "editor", "controller"].index)
    total = db.session.scalar(select(func.count()).select_from(User))
    assert len(lines) == total + 1 and lines[-1] == f"{total} accounts."


def test_users_disable_ends_the_sessions(app, runner, users):
    browser = app.test_client()
    assert browser.post("/login", data={"email": users.controller_a.email, "password": PASSWORD}).status_code == 302
    result = runner.invoke(args=["users", "disable", users.controller_a.email.upper()])
    assert result.exit_code == 0, result.output
    assert result.output == f"Disabled {users.controller_a.email}; every session of it has ended.\n"
    assert browser.get("/portal/").status_code == 302
    assert browser.post("/login", data={"email": users.controller_a.email, "password": PASSWORD}).status_code == 401
    [entry] = entries("user.disable")
    assert entry.object_id == users.controller_a.id and entry.actor_label == "cli"
    again = runner.invoke(args=["users", "disable", users.controller_a.email])
    assert again.exit_code == 0 and len(entries("user.disable")) == 1  # disabled already: nothing new on record


def test_users_reset_password(app, runner, users):
    browser = app.test_client()
    assert browser.post("/login", data={"email": users.vcare_editor.email, "password": PASSWORD}).status_code == 302
    result = runner.invoke(args=["users", "reset-password", users.vcare_editor.email], input=NEW + "\n")
    assert result.exit_code == 0, result.output
    assert result.output == f"New password set for {users.vcare_editor.email}; every session of it has ended.\n"
    assert browser.get("/admin/").status_code == 302  # logged out
    db.session.expire_all()
    assert db.session.get(User, users.vcare_editor.id).check_password(NEW)
    [entry] = entries("user.password_reset")
    assert entry.object_id == users.vcare_editor.id and entry.actor_label == "cli"


@pytest.mark.parametrize("password", ["short", "password1234", "tab\there and long enough"])
def test_users_reset_password_keeps_the_rule(runner, users, password):
    result = runner.invoke(args=["users", "reset-password", users.vcare_editor.email], input=password + "\n")
    assert result.exit_code == 1 and "Error:" in result.output
    db.session.expire_all()
    assert db.session.get(User, users.vcare_editor.id).check_password(PASSWORD)
    assert entries("user.password_reset") == []


@pytest.mark.parametrize("command", [["disable"], ["reset-password"]])
def test_an_unknown_address_is_refused(runner, users, command):
    result = runner.invoke(args=["users", *command, "nobody@example.org"], input=NEW + "\n")
    assert result.exit_code == 1
    assert result.output == "Error: No account for nobody@example.org.\n"
    assert entries("user.disable") == entries("user.password_reset") == []
