"""Where a webhook may be sent: an HTTPS address on the public internet, checked when it is registered and again
on every connection (the address the name resolves to then), so that a name that later points inside is refused.

Private, loopback, link-local, shared (100.64/10), multicast and reserved addresses are refused unless
WEBHOOK_ALLOW_PRIVATE_TARGETS is set (tests, and an operator whose receivers are on the own network)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from registry.exceptions import DomainError
from registry.text import _

MAX_URL = 2000


def is_public(address: str) -> bool:
    """An address on the public internet (an IPv4 address mapped into IPv6 counts as the IPv4 one)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def checked_url(value: str) -> str:
    """The address as typed, trimmed, if it has the shape of a webhook target; DomainError (field url) if not."""
    url = (value or "").strip()
    if not url:
        raise DomainError(_("Enter the HTTPS address of your endpoint."), "url")
    if len(url) > MAX_URL:
        raise DomainError(_("Keep the address under %(count)s characters.", count=f"{MAX_URL:,}"), "url")
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise DomainError(_("The address may not contain spaces or control characters."), "url")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise DomainError(_("This is not a web address: %(url)s", url=url), "url") from None
    if parts.scheme.lower() != "https":
        raise DomainError(_("The address must start with https://: events are sent over TLS only."), "url")
    if not parts.hostname:
        raise DomainError(_("The address names no host: %(url)s", url=url), "url")
    if parts.username is not None or parts.password is not None:
        raise DomainError(
            _("Leave the user name and password out of the address: every delivery is signed instead."), "url"
        )
    if parts.fragment:
        raise DomainError(_("Leave the part after # out of the address: it is never sent."), "url")
    if port == 0:
        raise DomainError(_("Port 0 cannot be connected to."), "url")
    return url


def resolve(host: str, port: int) -> list[str]:
    """Every address the host name stands for; DomainError if it stands for none."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise DomainError(_("The host %(host)s cannot be found.", host=host), "url") from None
    return list(dict.fromkeys(info[4][0] for info in found))


def check_reachable(url: str, allow_private: bool) -> None:
    """Refuse an address whose host stands for an address inside (unless allowed)."""
    parts = urlsplit(url)
    if allow_private:
        return
    for address in resolve(parts.hostname, parts.port or 443):
        if not is_public(address):
            raise DomainError(
                _(
                    "%(host)s points to %(address)s, an address inside a network (private, loopback or "
                    "link-local): events are sent to the public internet only.",
                    host=parts.hostname,
                    address=address,
                ),
                "url",
            )
