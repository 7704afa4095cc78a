"""The address a response counts against: the connection's own, or, behind the production proxy, the one it saw;
IPv6 by its /64 network."""

import pytest
from django.test import RequestFactory

from s75.consultations.abuse import client_address


@pytest.mark.parametrize(("hops", "forwarded", "remote", "expected"), [
    (0, "", "203.0.113.7", "203.0.113.7"),
    (0, "198.51.100.1", "203.0.113.7", "203.0.113.7"),  # no proxy trusted: a forged header counts for nothing
    (1, "198.51.100.1", "127.0.0.1", "198.51.100.1"),
    (1, "10.9.9.9, 198.51.100.1", "127.0.0.1", "198.51.100.1"),  # what the client wrote before the proxy is ignored
    (2, "10.9.9.9, 198.51.100.1", "127.0.0.1", "10.9.9.9"),
    (1, "", "127.0.0.1", "127.0.0.1"),  # served without the proxy
    (1, "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "127.0.0.1", "2001:db8:1:2::/64"),
    (1, "not an address", "127.0.0.1", "not an address"),
])
def test_the_address_counted(settings, hops, forwarded, remote, expected):
    settings.S75_PROXY_HOPS = hops
    request = RequestFactory().post("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
