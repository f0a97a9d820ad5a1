"""A real SMTP server on loopback (aiosmtpd) that records messages and can misbehave on purpose."""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from email import policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    """Accepts everything, or answers 451 to every `refuse_every`-th message and drops every `drop_every`-th."""

    def __init__(self, refuse_every: int = 0, drop_every: int = 0, reject_to: str | None = None, delay: float = 0.0):
        self.messages: list[email.message.EmailMessage] = []
        # (MAIL FROM, RCPT TO) of each message accepted, as the client sent them.
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse_every, self.drop_every, self.reject_to = refuse_every, drop_every, reject_to
        self.seen = 0
        self.delay = delay
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.seen += 1
            seen = self.seen
        if self.reject_to and self.reject_to in envelope.rcpt_tos:
            return "550 5.1.1 No such user"
        if self.drop_every and seen % self.drop_every == 0:
            server.transport.close()
            return "421 4.4.2 Connection dropped"
        if self.refuse_every and seen % self.refuse_every == 0:
            return "451 4.3.0 Try again later"
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def received_by(self) -> dict[str, list]:
        copies: dict[str, list] = {}
        for message in self.messages:
            copies.setdefault(message["To"], []).append(message)
        return copies


class SmtpServer:
    def __init__(self, handler: Recorder):
        self.handler = handler
        self.port = free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
