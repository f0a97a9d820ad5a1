"""The operator's commands on accounts (flask users list | disable | reset-password | reset-2fa), thin over
accounts.users and accounts.two_factor."""

from __future__ import annotations

import sys

import click

from registry.accounts import two_factor
from registry.accounts import users as accounts
from registry.exceptions import DomainError
from registry.text.plain import forbidden_character


def new_password(prompt: str = "Password") -> str:
    """A password from standard input (one line) or, on a terminal, a prompt typed twice; refused (exit status 1)
    when it holds a character the log-in form would refuse, so that the account could not log in."""
    if sys.stdin.isatty():
        password = click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if forbidden_character(password) is not None:
        raise click.ClickException(
            "The password holds an invisible control or direction character (a tab, a "
            "NUL, an escape): type it without one."
        )
    return password


@click.command("list")
def users_list():
    """Every account: e-mail address, role, processor or organisation, whether it may log in, whether it uses
    two-factor sign-in, and when it last logged in (UTC)."""
    found = accounts.every_user()
    for user in found:
        state = "active" if user.active else "disabled"
        second = "2fa" if user.has_two_factor else "no-2fa"
        last = f"{user.last_login_at:%Y-%m-%d %H:%M} UTC" if user.last_login_at else "never"
        bound = accounts.bound_to(user) or "-"
        click.echo(f"{user.email:<45} {user.role:<10} {bound:<30} {state:<8} {second:<6} {last}")
    click.echo(f"{len(found)} account{'' if len(found) == 1 else 's'}.")


@click.command("disable")
@click.argument("email")
def users_disable(email: str):
    """Stop an account from logging in and end every session of it (exit status 1 for an unknown address)."""
    try:
        user = accounts.disable(email)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"Disabled {user.email}; every session of it has ended.")


@click.command("reset-password")
@click.argument("email")
def users_reset_password(email: str):
    """Set a new password (from standard input or a prompt) and end every session of the account."""
    try:
        accounts.by_email(email)  # an unknown address is refused before a password is asked for
        user = accounts.reset_password_by_operator(email, new_password("New password"))
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"New password set for {user.email}; every session of it has ended.")


@click.command("reset-2fa")
@click.argument("email")
def users_reset_two_factor(email: str):
    """Turn two-factor sign-in off for an account whose phone is lost, and end every session of it; it logs in with
    the password alone (and, where 2FA is required, sets it up again at once)."""
    try:
        user = two_factor.reset_by_operator(email)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"Two-factor sign-in of {user.email} is off; every session of it has ended.")
