"""The client's address behind the site's own proxies, and only theirs."""

from django.test import RequestFactory

from guanxi.core.client_address import client_address


def request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(request("203.0.113.9", "10.0.0.1")) == "203.0.113.9"


def test_a_trusted_proxy_names_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request("10.0.0.2", "198.51.100.7")) == "198.51.100.7"


def test_a_client_cannot_choose_its_address_through_the_header(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    # The client sent "1.2.3.4"; the proxy appended the real address it saw.
    assert client_address(request("10.0.0.2", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    # Straight from the internet, not through the proxy: the header means nothing.
    assert client_address(request("198.51.100.7", "1.2.3.4")) == "198.51.100.7"


def test_chained_trusted_proxies_are_skipped(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.10"]
    assert client_address(request("10.1.1.1", "198.51.100.7, 192.0.2.10")) == "198.51.100.7"


def test_a_malformed_hop_falls_back_to_the_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request("10.0.0.2", "not-an-ip")) == "10.0.0.2"
