from django.test import RequestFactory

from units.client import client_ip


def _request(remote="10.0.0.5", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(forwarded="1.2.3.4")) == "10.0.0.5"


def test_behind_one_proxy_the_hop_it_appended_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "6.6.6.6" itself; our proxy appended the address it saw.
    assert client_ip(_request(forwarded="6.6.6.6, 203.0.113.7")) == "203.0.113.7"


def test_a_garbled_address_is_recorded_as_unknown(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded="not-an-ip")) is None
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(remote="")) is None
