"""Network mode: server options, the machine's address, phone links, QR codes, no online IP lookup."""

from __future__ import annotations

import ipaddress

import pytest
import segno

from backcheck import lan


def test_local_default_adds_no_network_options():
    assert lan.server_args({}) == []
    assert lan.server_args({"BACKCHECK_LAN": "0"}) == []


def test_lan_mode_listens_everywhere_and_names_the_network_address(monkeypatch):
    monkeypatch.setattr(lan, "lan_address", lambda: "192.168.1.20")
    expected = ["--server.address", "0.0.0.0", "--browser.serverAddress", "192.168.1.20"]
    assert lan.server_args({"BACKCHECK_LAN": "1"}) == expected
    assert lan.server_args({"BACKCHECK_HOST": "0.0.0.0"}) == expected
    # an explicit address to show (e.g. a name in the clinic's DNS) wins
    assert lan.server_args({"BACKCHECK_LAN": "1", "BACKCHECK_LAN_ADDRESS": "physio.local"})[-1] == "physio.local"
    # one interface given: listen there and show it
    assert lan.server_args({"BACKCHECK_HOST": "10.0.0.7"}) == ["--server.address", "10.0.0.7",
                                                                "--browser.serverAddress", "10.0.0.7"]


def test_lan_mode_without_a_network_still_names_an_address(monkeypatch):
    monkeypatch.setattr(lan, "lan_address", lambda: None)
    assert lan.server_args({"BACKCHECK_LAN": "1"})[-2:] == ["--browser.serverAddress", "localhost"]


def test_lan_address_is_a_real_interface_address_or_none():
    address = lan.lan_address()
    if address is not None:
        ip = ipaddress.ip_address(address)
        assert not ip.is_loopback and not ip.is_unspecified


def test_lan_address_is_none_without_a_route(monkeypatch):
    class NoRoute:
        def __init__(self, *a):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *a):
            return False

        def connect(self, addr):
            raise OSError("Network is unreachable")

    monkeypatch.setattr(lan.socket, "socket", NoRoute)
    assert lan.lan_address() is None


@pytest.mark.parametrize("with_browser_address, looked_up", [(True, False), (False, True)])
def test_streamlit_skips_its_online_ip_lookup_only_with_browser_server_address(monkeypatch, with_browser_address,
                                                                                looked_up):
    """Streamlit looks up the external IP online when it listens everywhere headless, unless
    browser.serverAddress is set: LAN mode sets it (the second case shows the lookup is real)."""
    from streamlit import config, net_util
    from streamlit.web import bootstrap

    options = {"server.address": "0.0.0.0", "server.headless": True, "server.port": 8501,
               "logger.hideWelcomeMessage": False}
    if with_browser_address:
        options["browser.serverAddress"] = "192.168.1.20"
    real_get = config.get_option
    monkeypatch.setattr(config, "get_option", lambda key: options[key] if key in options else real_get(key))
    monkeypatch.setattr(config, "is_manually_set", lambda key: key in options)
    calls = []
    monkeypatch.setattr(net_util, "get_external_ip", lambda: calls.append("lookup"))
    monkeypatch.setattr(net_util, "get_internal_ip", lambda: "192.168.1.20")
    bootstrap._print_url(False)
    assert bool(calls) is looked_up


def test_on_network_and_links_on_another_host():
    assert not lan.on_network("localhost", "localhost")
    assert not lan.on_network("127.0.0.1", "192.168.1.20")
    assert not lan.on_network("0.0.0.0", "localhost")  # no address a phone could use
    assert lan.on_network("0.0.0.0", "192.168.1.20")
    assert lan.with_host("http://localhost:8501/routine?min=20&days=mon,wed", "192.168.1.20", 8501) == \
        "http://192.168.1.20:8501/routine?min=20&days=mon,wed"
    assert lan.with_host("http://localhost:8501/", "fe80::1", 8502) == "http://[fe80::1]:8502/"


def test_qr_code_is_svg_drawn_here_for_exactly_that_link():
    url = "http://192.168.1.20:8501/routine?min=20"
    svg = lan.qr_svg(url)
    assert svg.startswith("<svg") and "http" not in svg.split(">", 1)[0]  # no external reference
    assert svg == segno.make(url, error="m").svg_inline(scale=5, dark="#000000", light="#ffffff")
    assert svg != lan.qr_svg(url + "0")
