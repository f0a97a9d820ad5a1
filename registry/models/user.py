"""Accounts: site admins, processor editors and controller users."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from registry.extensions import db
from registry.models.customer import Organisation
from registry.models.processor import Processor
from registry.models.types import UTCDateTime, utcnow

ROLES = {
    "admin": "Site admin",
    "editor": "Processor editor",
    "controller": "Controller user",
}


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    """A person who logs in; an editor is bound to one processor, a controller user to one organisation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    processor_id: Mapped[int | None] = mapped_column(ForeignKey("processor.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    # Flask-Login identifies the session by this token, so that changing it
    # (password change, "log out everywhere") ends every existing session.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    active: Mapped[bool] = mapped_column(default=True)
    # nl or en; None: the browser's choice.
    language: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two-factor sign-in (accounts/two_factor.py): the TOTP secret sealed with a key derived from SECRET_KEY,
    # since when it is on, and the last time step whose code was accepted (a code works once).
    totp_secret: Mapped[str | None] = mapped_column(String(300))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column()

    processor: Mapped[Processor | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, current_app.config["PASSWORD_HASH_METHOD"])
        self.session_token = new_session_token()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may_edit(self, processor: Processor) -> bool:
        """Whether this account may change a processor's registry."""
        return self.is_admin or (self.role == "editor" and self.processor_id == processor.id)


class RecoveryCode(db.Model):
    """One of the ten codes that sign in instead of the authenticator app, stored hashed; each works once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
