"""Thin commands that call services: seed, demo, users create, registry check, audit verify."""
from __future__ import annotations

import json
import sys
from datetime import date

import click
from flask import Flask, current_app

from .plain_text import forbidden_character
from .services import DomainError, accounts, audit
from .services.consistency import check_all, check_processor
from .services.demo import load_demo
from .services.seeding import load_seed
from .services.snapshot import today


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(users)
    app.cli.add_command(registry)
    app.cli.add_command(audit_group)
    app.cli.add_command(mail_group)


def plain_text(_ctx, _param, value: str | None) -> str | None:
    """A value from the command line under the rule the forms apply (plain_text.py): no control characters."""
    found = forbidden_character(value) if value is not None else None
    if found is not None:
        raise click.BadParameter(f"holds an invisible control or direction character ({found.code}) at position "
                                 f"{found.position}")
    return value


@click.command("seed")
def seed_command():
    """Load the processors in seed/ (running it twice changes nothing)."""
    report = load_seed(current_app.config["SEED_DIR"])
    for slug, changed in report.changes.items():
        click.echo(f"{slug}: {changed} rows created or changed")
    click.echo(f"Seed loaded: {report.total} changes.")


@click.command("demo")
def demo_command():
    """Create the demo controller, its contracts and demo accounts; print new passwords once."""
    try:
        created = load_demo(current_app.config["SEED_DIR"])
    except DomainError as error:
        raise click.ClickException(error.message) from error
    if not created:
        click.echo("Demo accounts exist already (their passwords were printed when they were created).")
        return
    click.echo("Demo accounts (shown only now; keep them):")
    for email, role, password in created:
        click.echo(f"  {role:<10} {email:<45} {password}")


@click.group("users")
def users():
    """Manage accounts."""


@users.command("create")
@click.argument("email", callback=plain_text)
@click.option("--role", required=True, type=click.Choice(["admin", "editor", "controller"]))
@click.option("--org", "org_slug", callback=plain_text,
              help="Processor slug (editor) or organisation slug (controller).")
def users_create(email: str, role: str, org_slug: str | None):
    """Create an account; the password comes from standard input or a prompt."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if forbidden_character(password) is not None:   # the login form would refuse it: the account could not log in
        raise click.ClickException("The password holds an invisible control or direction character (a tab, a "
                                   "NUL, an escape): type it without one.")
    try:
        user = accounts.create_user(email, role, org_slug, password)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created {user.role} account {user.email}.")


@click.group("registry")
def registry():
    """Inspect the registry."""


@registry.command("check")
@click.option("--processor", "slug", callback=plain_text, help="Check one processor only.")
@click.option("--at", "at", help="The day to check (YYYY-MM-DD); default today.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def registry_check(slug: str | None, at: str | None, as_json: bool):
    """List the registry's inconsistencies; exit status 1 when there are any."""
    try:
        day = date.fromisoformat(at) if at else today()
    except ValueError:
        raise click.BadParameter("write the date as YYYY-MM-DD", param_hint="--at") from None
    try:
        findings = check_processor(slug, day) if slug else check_all(day)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            source = f"  [{finding.source}]" if finding.source else ""
            click.echo(f"{finding.processor:<14} {finding.kind:<30} {finding.message}{source}")
        click.echo(f"{len(findings)} inconsistencies found on {day.isoformat()}.")
    sys.exit(1 if findings else 0)


@click.group("audit")
def audit_group():
    """The audit log."""


@audit_group.command("verify")
def audit_verify():
    """Check the audit log's hash chain; exit status 1 when it has been tampered with."""
    problems = audit.verify_chain()
    for problem in problems:
        click.echo(problem)
    if problems:
        sys.exit(1)
    click.echo("Audit log intact.")


@click.group("mail")
def mail_group():
    """The outbox."""


@mail_group.command("send")
@click.option("--once", is_flag=True, help="Deliver what is due, then exit.")
@click.option("--batch", default=100, show_default=True, help="Messages claimed at a time.")
@click.option("--poll", default=5.0, show_default=True, help="Seconds between looks at the queue.")
def mail_send(once: bool, batch: int, poll: float):
    """Deliver queued mail over one SMTP connection (or to instance/mail/ without MAIL_SERVER)."""
    import os
    import signal
    import socket

    from .dbsetup import relax_commit_durability
    from .extensions import db
    from .services.delivery import deliver

    relax_commit_durability(db.engine)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    worker = f"{socket.gethostname()}:{os.getpid()}"
    try:
        report = deliver(worker, once=once, batch=batch, poll=poll, should_stop=lambda: bool(stop),
                         own_connection=current_app.config["MAIL_MARK_OWN_CONNECTION"])
    except KeyboardInterrupt:
        click.echo("Stopped.")
        return
    click.echo(f"Sent {report.sent}, to retry {report.retried}, failed {report.failed}.")
