"""Hosted mode in a real browser: sign-in through a local OpenID Connect provider, one account's data each.

The tests start ``oidc-provider-mock`` (a real OIDC provider on loopback; its sign-in form takes any
subject) and a BackCheck server whose secrets carry an ``[auth]`` section, then sign two people in
and check that neither can reach the other's profiles by the menu, a URL parameter or a share link.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import Server, _free_port, wait_for_app

pytestmark = pytest.mark.signin

COOKIE_SECRET = "cookie-Secret-never-shown-91c2"
CLIENT_SECRET = "client-Secret-never-shown-4d7e"


@pytest.fixture(scope="module")
def provider():
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread(port=_free_port()) as srv:
        yield f"http://localhost:{srv.server_port}"


@pytest.fixture(scope="module")
def hosted(tmp_path_factory, provider):
    tmp = tmp_path_factory.mktemp("hosted")
    port = _free_port()
    secrets = tmp / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        f'cookie_secret = "{COOKIE_SECRET}"\n'
        'client_id = "backcheck"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    srv = Server(tmp, args=["--secrets.files", str(secrets)], port=port)
    yield srv
    srv.stop()


def sign_in(page: Page, server: Server, subject: str) -> None:
    """What a person does: open BackCheck, press Sign in, identify at the provider, come back."""
    page.route(re.compile(r"^https://"), lambda route: route.abort())  # the mock's page links a CSS CDN
    page.goto(server.url)
    wait_for_app(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/oauth2/authorize"))
    page.locator("input[name=sub]").fill(subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(rf"^{re.escape(server.url)}"))
    wait_for_app(page)
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_nothing_shows_before_sign_in_and_sign_out_ends_it(page: Page, hosted: Server):
    page.goto(f"{hosted.url}/pain_log")
    wait_for_app(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(page.get_by_text("Active profile")).to_have_count(0)

    sign_in(page, hosted, "alice")
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()  # the menu comes with the sign-in
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("alice", exact=True)).to_be_visible()
    expect(sidebar.get_by_text("Active profile")).to_be_visible()

    sidebar.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/oauth2/end_session"))  # the provider ends its session too
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile(rf"^{re.escape(hosted.url)}"))
    wait_for_app(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Active profile")).to_have_count(0)


def test_the_secrets_never_reach_the_page_or_the_log(page: Page, hosted: Server):
    sign_in(page, hosted, "carol")
    html = page.content()
    log = hosted.log.read_text()
    for secret in (COOKIE_SECRET, CLIENT_SECRET):
        assert secret not in html
        assert secret not in log


def test_two_people_each_see_only_their_own_profiles(browser: Browser, hosted: Server):
    alice_ctx, bob_ctx = browser.new_context(), browser.new_context()  # two browsers, two cookies
    try:
        alice, bob = alice_ctx.new_page(), bob_ctx.new_page()
        sign_in(alice, hosted, "alice")
        alice.goto(f"{hosted.url}/profiles")
        wait_for_app(alice)
        alice.get_by_label("Name", exact=True).fill("Alice private")
        alice.get_by_role("button", name="Create and switch to it").click()
        wait_for_app(alice)
        expect(alice.get_by_text("Profile created; it is now the active profile.")).to_be_visible()
        alice_pid = int(re.search(r"profile=(\d+)", alice.url).group(1))

        sign_in(bob, hosted, "bob")
        bob.goto(f"{hosted.url}/profiles")
        wait_for_app(bob)
        expect(bob.get_by_text("Alice private")).to_have_count(0)  # not among Bob's profiles
        expect(bob.get_by_text("Data stays on this BackCheck server, under your account", exact=False)).to_be_visible()
        bob.get_by_role("combobox", name="Active profile").click()
        expect(bob.get_by_role("option", name="Alice private")).to_have_count(0)
        bob.keyboard.press("Escape")

        # Alice's profile number in a link does not open it for Bob: he stays on his own profile
        bob.goto(f"{hosted.url}/pain_log?profile={alice_pid}")
        wait_for_app(bob)
        expect(bob.get_by_text(f"there is no profile {alice_pid} here", exact=False)).to_be_visible()
        expect(bob.get_by_text("Alice private")).to_have_count(0)
        assert f"profile={alice_pid}" not in bob.url

        # and Alice still has hers, untouched
        alice.goto(f"{hosted.url}/profiles")
        wait_for_app(alice)
        expect(alice.get_by_text("Alice private", exact=True).first).to_be_visible()
    finally:
        alice_ctx.close()
        bob_ctx.close()
