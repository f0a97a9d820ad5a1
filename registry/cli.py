"""Thin commands that call services: seed, demo, users create|list|disable|reset-password|reset-2fa, registry
check|verify, audit verify|checkpoint|key, backup."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app

from registry.accounts import users as accounts
from registry.accounts.demo import load_demo
from registry.audit import checkpoints, verification
from registry.audit.backup import BackupFailed, back_up
from registry.exceptions import DomainError
from registry.subprocessors import published
from registry.subprocessors.checks import check_all, check_processor
from registry.subprocessors.seeding import load_seed
from registry.subprocessors.snapshot import today
from registry.text.plain import forbidden_character
from registry.user_commands import (
    new_password,
    users_disable,
    users_list,
    users_reset_password,
    users_reset_two_factor,
)


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(users)
    app.cli.add_command(registry)
    app.cli.add_command(audit_group)
    app.cli.add_command(mail_group)
    app.cli.add_command(backup_command)


def plain_text(_ctx, _param, value: str | None) -> str | None:
    """A value from the command line under the rule the forms apply (plain_text.py): no control characters."""
    found = forbidden_character(value) if value is not None else None
    if found is not None:
        raise click.BadParameter(
            f"holds an invisible control or direction character ({found.code}) at position {found.position}"
        )
    return value


@click.command("seed")
def seed_command():
    """Create what is missing of the processors in seed/; never overwrite what changed since it was seeded."""
    report = load_seed(current_app.config["SEED_DIR"])
    for slug, changed in report.changes.items():
        click.echo(f"{slug}: {_count(changed, 'row', 'rows')} created or changed")
    for row in report.left_alone:
        click.echo(f"left alone: {row}")
    click.echo(f"Seed loaded: {_count(report.total, 'change', 'changes')}.")


@click.command("demo")
def demo_command():
    """Create the demo controller, its contracts and demo accounts; print new passwords once."""
    try:
        created = load_demo(current_app.config["SEED_DIR"])
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
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
@click.option(
    "--org", "org_slug", callback=plain_text, help="Processor slug (editor) or organisation slug (controller)."
)
def users_create(email: str, role: str, org_slug: str | None):
    """Create an account; the password comes from standard input or a prompt."""
    password = new_password()
    try:
        user = accounts.create_user(email, role, org_slug, password)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"Created {user.role} account {user.email}.")


for command in (users_list, users_disable, users_reset_password, users_reset_two_factor):
    users.add_command(command)


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
        raise click.ClickException(str(error.message)) from error
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False, default=str))
    else:
        for finding in findings:
            source = f"  [{finding.source}]" if finding.source else ""
            click.echo(f"{finding.processor:<14} {finding.kind:<30} {finding.message}{source}")
        click.echo(f"{_count(len(findings), 'inconsistency', 'inconsistencies')} found on {day.isoformat()}.")
    sys.exit(1 if findings else 0)


@registry.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("sig", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--key",
    "key",
    metavar="FILE_OR_BASE64",
    help="The public key (base64, or a file holding it or a saved "
    "/.well-known/subprocessor-registry.json); default: this portal's.",
)
def registry_verify(file: Path, sig: Path, key: str | None):
    """Check a saved registry version (.json) against its signature (.json.sig); exit status 1 when it fails."""
    if key is not None and Path(key).is_file():
        key = Path(key).read_text(encoding="utf-8", errors="replace")
    try:
        verdict = published.verify(file.read_bytes(), sig.read_text(encoding="ascii", errors="replace"), key)
    except DomainError as error:
        raise click.BadParameter(str(error.message), param_hint="--key") from None
    click.echo(str(verdict.reason))
    sys.exit(0 if verdict.valid else 1)


@click.group("audit")
def audit_group():
    """The audit log."""


@audit_group.command("verify")
@click.option(
    "--checkpoint",
    "kept",
    multiple=True,
    metavar="FILE_OR_URL",
    help="A checkpoint kept elsewhere (a saved /audit/checkpoints.json, one checkpoint's JSON, or its URL); "
    "may be repeated.",
)
def audit_verify(kept: tuple[str, ...]):
    """Check the audit log's hash chain against every stored checkpoint and any kept elsewhere; exit status 1 when
    the log was shortened or rewritten or a checkpoint removed (2 when a checkpoint given could not be read)."""
    outside = []
    for source in kept:
        try:
            outside += verification.read_kept(source)
        except verification.Unreadable as error:
            raise click.BadParameter(str(error), param_hint="--checkpoint") from None
    found = verification.verify(outside)
    for problem in found.problems:
        click.echo(problem.message)
    if found.problems:
        first = found.first_failing
        click.echo(
            f"Audit log NOT intact: {len(found.problems)} problem(s) found"
            + (f"; the first entry that fails is {found.name(first)}." if first else ".")
        )
        sys.exit(1)
    click.echo(_intact(found))


def _count(number: int, singular: str, plural: str) -> str:
    """Operators read the command line in English: "1 row", "0 rows", "2 rows"."""
    return f"{number} {singular if number == 1 else plural}"


def _entries(number: int) -> str:
    return _count(number, "entry", "entries")


def _intact(found: verification.Verification) -> str:
    lines = [f"Audit log intact: {_entries(found.entries)}, head {found.head}."]
    if found.stored:
        newest = found.stored[-1]
        since = found.entries - newest.entries
        count = "1 checkpoint" if len(found.stored) == 1 else f"{len(found.stored)} checkpoints"
        lines.append(
            f"{count} signed with key {found.key_id}, all holding; the newest, #{newest.sequence} of "
            f"{newest.statement()['at']}, covers {_entries(newest.entries)}"
            + (f" ({since} written since)." if since else " (all of them).")
        )
    else:
        lines.append("No checkpoints yet.")
    for kept in found.outside:
        lines.append(f"Checkpoint #{kept.sequence} kept elsewhere ({kept.at}, {_entries(kept.entries)}) matches.")
    return "\n".join(lines)


@audit_group.command("checkpoint")
def audit_checkpoint():
    """Sign the log's head now, unless the newest checkpoint covers it and is less than a day old (run daily)."""
    made, new = checkpoints.sign_now()
    state = "Signed" if new else "Already signed:"
    click.echo(
        f"{state} checkpoint #{made.sequence} of {made.statement()['at']}: {_entries(made.entries)}, head {made.head}."
    )


@audit_group.command("key")
def audit_key():
    """Show the public key that signs the checkpoints, its id and where the private key comes from."""
    signer = checkpoints.key()
    click.echo(f"Key id:      {signer.key_id}")
    click.echo("Algorithm:   Ed25519")
    click.echo(f"Public key:  {signer.public_key}")
    click.echo(f"Private key: from {current_app.config['AUDIT_SIGNING_KEY_ORIGIN']}")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path):
    """Back up the database to PATH while the portal runs: SQLite's online backup (a database file), or pg_dump in
    its custom format for PostgreSQL (restore with pg_restore)."""
    try:
        made = back_up(current_app.config["SQLALCHEMY_DATABASE_URI"], path, current_app.config["PG_DUMP"])
    except BackupFailed as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up to {made.path} ({made.kind}, {made.size:,} bytes).")


@click.group("mail")
def mail_group():
    """The outbox."""


@mail_group.command("send")
@click.option("--once", is_flag=True, help="Deliver what is due, then exit.")
@click.option("--batch", default=100, show_default=True, help="Messages claimed at a time.")
@click.option("--poll", default=5.0, show_default=True, help="Seconds between looks at the queue.")
def mail_send(once: bool, batch: int, poll: float):
    """Deliver queued mail over one SMTP connection (or to instance/mail/ without MAIL_SERVER), and webhooks."""
    import os
    import signal
    import socket

    from registry.extensions import db
    from registry.mail.delivery import deliver
    from registry.storage.engine import relax_commit_durability
    from registry.webhooks.delivery import deliver_due
    from registry.webhooks.websub import notify_due

    relax_commit_durability(db.engine)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    worker = f"{socket.gethostname()}:{os.getpid()}"
    attempts = []

    def webhooks(name: str, stopping) -> int:
        """Webhooks and hub notices, at most --batch (and 20) claimed at a time: each may take seconds."""
        size = min(batch, 20)
        attempts.append(deliver_due(name, size, stopping) + notify_due(name, size, stopping))
        return attempts[-1]

    try:
        report = deliver(
            worker,
            once=once,
            batch=batch,
            poll=poll,
            should_stop=lambda: bool(stop),
            own_connection=current_app.config["MAIL_MARK_OWN_CONNECTION"],
            also=webhooks,
        )
    except KeyboardInterrupt:
        click.echo("Stopped.")
        return
    click.echo(f"Sent {report.sent}, to retry {report.retried}, failed {report.failed}.")
    if sum(attempts):
        click.echo(f"Webhook deliveries and hub notices attempted: {sum(attempts)}.")
