"""The address a request really comes from, also behind the site's own reverse proxies.

``REMOTE_ADDR`` is the proxy's address when Guanxi runs behind nginx or a load balancer. Only a
proxy listed in ``TRUSTED_PROXIES`` (``GUANXI_TRUSTED_PROXIES``: addresses or CIDR ranges) is
believed about the client: its ``X-Forwarded-For`` is read from the right, skipping the
trusted proxies, and the first other address is the client. From anyone else the header is
ignored, because a client could otherwise choose the address its failed sign-ins and web-form
submissions are counted against.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(ranges: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in ranges)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_address(request: HttpRequest) -> str:
    """The client's IP address as a string ("" when the request carries none)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks or not _is_trusted(remote, networks):
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _valid(hop):
            break  # a malformed hop was written by the client side: stop believing the chain
        if not _is_trusted(hop, networks):
            return hop
    return remote
