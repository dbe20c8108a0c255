"""Sign-in address ranges: a list of CIDR ranges written one per line.

Kept apart from the models and services so the form, the serializer (through the model
field's validator), the sign-in check and the break-glass command read the text one way.
"""

import ipaddress

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _lines(text: str) -> list[str]:
    # Commas are accepted too: an API client may well send "10.0.0.0/8, 192.168.0.0/16".
    return [part.strip() for line in (text or "").splitlines() for part in line.split(",")]


def parse_networks(text: str) -> list[Network]:
    """The ranges in ``text`` (blank lines skipped); a bad line raises ValidationError."""
    networks: list[Network] = []
    bad: list[str] = []
    for value in _lines(text):
        if not value:
            continue
        try:
            # strict=False: "10.1.2.3/8" means the range it lies in, as people often write it.
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            bad.append(value)
    if bad:
        raise ValidationError(
            _(
                "Not an IP address or CIDR range: %(values)s. "
                "Write one range per line, e.g. 10.0.0.0/8."
            )
            % {"values": ", ".join(bad[:5])},
            code="invalid_network",
        )
    return networks


def validate_networks(text: str) -> None:
    """Model field validator: every line is an address or a CIDR range."""
    parse_networks(text)


def normalise_networks(text: str) -> str:
    """One canonical range per line, duplicates dropped (the stored form)."""
    seen: list[str] = []
    for network in parse_networks(text):
        if str(network) not in seen:
            seen.append(str(network))
    return "\n".join(seen)


def address_in(address: str, networks: list[Network]) -> bool:
    """Whether ``address`` lies in one of ``networks`` (an unreadable address never does)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip.version == network.version and ip in network for network in networks)
