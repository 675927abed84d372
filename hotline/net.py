"""Who is asking: the client's address, as every throttle counts it.

Behind a reverse proxy REMOTE_ADDR is the proxy, so every throttle would
see one address. `HOTLINE_TRUSTED_PROXIES` lists the proxies' addresses or
networks (CIDR); when the request comes from one of them, the client is
the last address in `X-Forwarded-For` that is not itself a trusted proxy
(read from the right: each proxy appends the address it was called from,
and only the entries our own proxies added can be believed). A request
from anywhere else is its REMOTE_ADDR, whatever headers it sends, so a
client cannot name itself another address. ADR 8.

Throttles count `counted_address`: an IPv6 client by its /64
(HOTLINE_IPV6_PREFIX), since a host picks any address in its network's
/64 at will (privacy addresses), and counted one by one it would have a
fresh allowance per request."""

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def trusted_networks() -> tuple[Network, ...]:
    """The trusted proxies; a malformed entry fails loudly at first use."""
    return _networks(tuple(getattr(settings, "HOTLINE_TRUSTED_PROXIES", ())))


def _address(text: str):
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    return any(address in network for network in networks)


def client_address(request) -> str:
    """The address of the client a request is from (see the module)."""
    peer = request.META.get("REMOTE_ADDR", "")
    networks = trusted_networks()
    peer_address = _address(peer)
    if not networks or peer_address is None or not _trusted(peer_address, networks):
        return peer
    nearest = peer_address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        address = _address(hop)
        if address is None:  # a garbled entry: the last proxy is all we know
            break
        nearest = address
        if not _trusted(address, networks):
            break
    return str(nearest.ipv4_mapped or nearest) if nearest.version == 6 else str(nearest)


def counted_address(request) -> str:
    """The address every throttle counts (axes, the portal, Open311): the
    client's, an IPv6 one as the first address of its /64 (still a valid
    address, as axes stores it)."""
    text = client_address(request)
    address = _address(text)
    if address is None or address.version == 4:
        return text
    if address.ipv4_mapped:
        return str(address.ipv4_mapped)
    prefix = int(getattr(settings, "HOTLINE_IPV6_PREFIX", 64))
    return str(ipaddress.IPv6Network((int(address), prefix), strict=False).network_address)
