"""One HTTPS POST to a webhook endpoint, connecting only to addresses allowed as targets (targets.py).

The standard library's http.client, with its connection's socket made by `_connect`: the host name is resolved
once, every address it yields is checked, and the checked address is the one connected to, while TLS still
verifies the certificate against the host name. A name that resolves inside at delivery time (DNS rebinding) is
refused like one typed as such. Redirects are not followed: an answer other than 2xx is a failure."""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from registry.exceptions import DomainError
from registry.webhooks import targets

EXCERPT = 500
WHOLE = 3
MAX_ADDRESSES = 4


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Unreachable(Exception):
    """No answer: refused target, name not found, connection refused or reset, TLS failure, time-out."""


def _connector(allow_private: bool, opened: list, deadline: float):
    """The connection's socket maker; each socket it opens is kept in `opened`, for the watchdog. Every address
    tried shares the time left before `deadline` (a name with many silent addresses holds no longer), and at most
    MAX_ADDRESSES are tried."""

    def connect(address, timeout=None, source_address=None, **_kwargs):
        host, port = address
        try:
            found = targets.resolve(host, port)
        except DomainError as error:
            raise Unreachable(str(error)) from None
        if not allow_private:
            inside = [a for a in found if not targets.is_public(a)]
            if inside:
                raise Unreachable(f"{host} resolves to {inside[0]}, an address inside a network: refused")
        last: OSError | None = None
        for candidate in found[:MAX_ADDRESSES]:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Unreachable(f"no connection to {host} in time")
            try:
                wait = min(timeout, left) if timeout else left
                made = socket.create_connection((candidate, port), timeout=wait, source_address=source_address)
                opened.append(made)
                return made
            except OSError as error:
                last = error
        raise last or Unreachable(f"{host} has no address")

    return connect


def _context(ca_file: str | None) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float,
    allow_private: bool,
    ca_file=None,
    plain_http: bool = False,
) -> Answer:
    """POST the body; the receiver's status and the start of its answer, or Unreachable. `plain_http` only for
    the operator's own WebSub hub: a webhook address is always HTTPS (targets.checked_url)."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    if plain_http:
        connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    else:
        connection = http.client.HTTPSConnection(
            parts.hostname, parts.port or 443, timeout=timeout, context=_context(ca_file)
        )
    opened: list[socket.socket] = []
    connection._create_connection = _connector(allow_private, opened, time.monotonic() + timeout * WHOLE)
    # `timeout` bounds each connect and read; a receiver that answers a byte at a time is cut off after
    # WHOLE times that, so that no receiver holds the worker longer. Cut off before its status line, it gave no
    # answer; after it, its status stands and the body is what came by then.
    expired = threading.Event()
    watchdog = threading.Timer(timeout * WHOLE, _cut, (opened, expired))
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.connect()
        opened.append(connection.sock)  # the TLS socket: the plain one it wraps gave its descriptor up
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        data = response.read(4096)
        return Answer(response.status, data.decode("utf-8", errors="replace")[:EXCERPT])
    except Unreachable:
        raise
    except (OSError, http.client.HTTPException, ssl.SSLError, ValueError) as error:
        if expired.is_set():
            raise Unreachable(f"no whole answer within {timeout * WHOLE:g} s") from error
        raise Unreachable(f"{type(error).__name__}: {error}" if str(error) else type(error).__name__) from error
    finally:
        watchdog.cancel()
        connection.close()


def _cut(opened: list, expired: threading.Event) -> None:
    """The socket itself, not the connection's: http.client hands it to the response (and forgets it) when the
    receiver will close it; a shutdown wakes the read that waits on it."""
    expired.set()
    for sock in opened:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
