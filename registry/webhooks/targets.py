"""Where a webhook may be sent: an HTTPS address on the public internet, checked when it is registered and again
on every connection (the address the name resolves to then), so that a name that later points inside is refused.

Private, loopback, link-local, shared (100.64/10), multicast and reserved addresses are refused unless
WEBHOOK_ALLOW_PRIVATE_TARGETS is set (tests, and an operator whose receivers are on the own network)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import quote, urlsplit, urlunsplit

from registry.exceptions import DomainError
from registry.text import _

MAX_URL = 2000


# IPv6 ranges that carry, or lead to, an IPv4 address or a site's own network: IPv4-compatible (::/96), NAT64
# (64:ff9b::/96, 64:ff9b:1::/48 local use), site-local (fec0::/10). ipaddress's is_global does not see through them
# (and its answers changed between patch releases), so they are judged here.
NAT64 = ipaddress.ip_network("64:ff9b::/96")
REFUSED_V6 = [ipaddress.ip_network(n) for n in ("::/96", "64:ff9b:1::/48", "fec0::/10")]


def is_public(address: str) -> bool:
    """An address on the public internet. An IPv4 address inside IPv6 (mapped, 6to4, Teredo, NAT64) counts as that
    IPv4 address; the other IPv6 forms that lead into a network are refused."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return is_public(str(ip.ipv4_mapped))
        if ip.sixtofour is not None:
            return is_public(str(ip.sixtofour))
        if ip.teredo is not None:
            return all(is_public(str(part)) for part in ip.teredo)
        if ip in NAT64:
            return is_public(str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
        if any(ip in network for network in REFUSED_V6):
            return False
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
    return _ascii(url, parts)


def _ascii(url: str, parts) -> str:
    """HTTP sends the request line and Host in ASCII: an international host name in its IDNA form, other letters
    of the path and query percent-encoded (as a browser sends them)."""
    if url.isascii():
        return url
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise DomainError(_("The address names no host: %(url)s", url=url), "url") from None
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    path = quote(parts.path, safe="/%:@!$&'()*+,;=-._~")
    query = quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return urlunsplit(("https", netloc, path, query, ""))


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
