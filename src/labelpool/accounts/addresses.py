"""Where a request comes from, for log-in limits and session records (pure: no web imports).

The address is the TCP peer's. Only when the peer is one of the configured trusted proxies
(`LABELPOOL_TRUSTED_PROXIES`: IPs and CIDR networks, none by default) is `X-Forwarded-For`
believed, and then only as far as the proxies vouch for it: reading the hops from the right,
the first address that is not a trusted proxy is the client. Anything a client writes into
the header itself sits left of that and is never used, so rotating it changes nothing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_ADDRESS_CHARS = 64  # the width of the stored address columns
UNKNOWN = "unknown"


def parse_trusted_proxies(value: str) -> tuple[Network, ...]:
    """`"10.0.0.1, 192.168.0.0/16, ::1"` as networks; ValueError naming a bad entry."""
    networks: list[Network] = []
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(
                f"'{entry}' is not an IP address or network; list proxies as IPs or CIDR "
                "networks separated by commas, e.g. 10.0.0.5,192.168.0.0/16"
            ) from None
    return tuple(networks)


def normalise_trusted_proxies(value: str) -> str:
    """The same list written canonically, comma-separated (empty: trust no proxy)."""
    return ",".join(str(n) for n in parse_trusted_proxies(value))


@lru_cache(maxsize=16)
def _networks(value: str) -> tuple[Network, ...]:
    return parse_trusted_proxies(value)


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """A forwarded hop as an address: bare, `1.2.3.4:port`, `[v6]:port`; None if not one."""
    text = value.strip().strip('"')
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else text
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: Iterable[Network]
) -> bool:
    return any(address in network for network in networks)


def _shown(value: str) -> str:
    found = _ip(value)
    return str(found) if found is not None else value.strip()[:MAX_ADDRESS_CHARS] or UNKNOWN


def resolve_client_address(
    peer: str | None, forwarded_for: Sequence[str], trusted_proxies: str
) -> str:
    """The client's address: `peer`, or the nearest untrusted hop in `forwarded_for` (every
    `X-Forwarded-For` header, in order) when `peer` is a trusted proxy."""
    if not peer:
        return UNKNOWN
    networks = _networks(trusted_proxies) if trusted_proxies.strip() else ()
    peer_ip = _ip(peer)
    if peer_ip is None or not _trusted(peer_ip, networks):
        return _shown(peer)
    hops = [hop for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _ip(hop)
        if address is None or not _trusted(address, networks):
            return _shown(hop)
    return _shown(hops[0]) if hops else _shown(peer)
