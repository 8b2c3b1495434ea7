"""Several servers: two BackCheck servers on one PostgreSQL behind haproxy, in a real browser.

The stack is the one ``make run-cluster`` starts (backcheck.cluster.Cluster), in a temporary
folder. Two people open BackCheck through the proxy in separate browser contexts: haproxy
pins each to one server with its SRV cookie (Streamlit's session lives on that server's
websocket), and what one writes through one server, the other reads through the other.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import tempfile
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from backcheck.cluster import HAPROXY, Cluster, masked
from backcheck.storage import Store

from ..conftest import need_postgres_binaries
from .conftest import nav, wait_for_app
from .test_pain_log import add_entry

pytestmark = pytest.mark.cluster


@pytest.fixture(scope="module")
def cluster():
    need_postgres_binaries()
    if not Path(HAPROXY).exists():
        why = "haproxy not installed (`make test` installs Debian's haproxy)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(why + " — in CI it must be there.")
        pytest.skip(why)
    folder = Path(tempfile.mkdtemp(prefix="backcheck-cluster-"))
    os.chmod(folder, 0o755)
    try:
        with Cluster(folder) as stack:
            yield stack
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class Visitor:
    """One person's browser context through the proxy, recording which server answered."""

    def __init__(self, browser: Browser, cluster: Cluster) -> None:
        self.cluster = cluster
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page: Page = self.context.new_page()
        self.servers: list[str] = []
        proxy = cluster.proxy.url
        self.page.on("response", lambda r: self.servers.append(r.headers.get("x-backcheck-server", "?"))
                     if r.url.startswith(proxy) else None)

    def open(self, pid: int) -> None:
        self.page.goto(f"{self.cluster.proxy.url}/?profile={pid}")
        wait_for_app(self.page)

    def cookie(self) -> str:
        values = [c["value"] for c in self.context.cookies() if c["name"] == "SRV"]
        assert len(values) == 1, self.context.cookies()
        return values[0]


def test_two_people_stay_on_their_servers_and_share_one_database(browser: Browser, cluster: Cluster):
    pid = Store(cluster.db_url).profiles.create("Cluster patient").id  # set-up, straight into PostgreSQL
    names = {a.name for a in cluster.apps}

    anna, ben = Visitor(browser, cluster), Visitor(browser, cluster)
    anna.open(pid)
    ben.open(pid)
    a_srv, b_srv = anna.cookie(), ben.cookie()
    assert {a_srv, b_srv} == names, "haproxy should spread the two new visitors over both servers"

    # Anna writes through her server, Ben reads it through his
    nav(anna.page, "Pain log")
    add_entry(anna.page, 6, "Squat", "Lower back", notes="written through " + a_srv)
    nav(ben.page, "Pain log")
    expect(ben.page.get_by_role("combobox", name="Entry")).to_have_value(re.compile(r"pain 6 · Squat$"))
    # and the other way round, after a reload on Anna's side
    add_entry(ben.page, 3, "Walking", "Leg")
    anna.page.reload()
    wait_for_app(anna.page)
    expect(anna.page.get_by_role("combobox", name="Entry")).to_have_value(re.compile(r"pain 3 · Walking$"))
    ben.page.reload()
    wait_for_app(ben.page)

    # affinity: the cookie never changed, and every response each one got came from their own server
    assert (anna.cookie(), ben.cookie()) == (a_srv, b_srv)
    assert anna.servers and set(anna.servers) == {a_srv}, set(anna.servers)
    assert ben.servers and set(ben.servers) == {b_srv}, set(ben.servers)
    anna.context.close()
    ben.context.close()

    # the database password and the shared cookie secret are in no log of the stack
    password = Store(cluster.db_url).engine.url.password
    cookie_secret = (cluster.folder / "cookie-secret").read_text().strip()
    assert password and cookie_secret and password not in masked(cluster.db_url)
    for log in [cluster.proxy.log, cluster.pg.log, *(a.log for a in cluster.apps)]:
        text = log.read_text(errors="replace")
        assert password not in text and cookie_secret not in text, log


def fetch(url: str, gzip_ok: bool) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return {k.lower(): v for k, v in response.headers.items()}, response.read()


def test_the_proxy_gzips_streamlits_browser_code(cluster: Cluster):
    """Streamlit serves its scripts uncompressed; haproxy compresses them, byte for byte the same."""
    proxy, app = cluster.proxy.url, cluster.apps[0].url
    page = fetch(f"{app}/", gzip_ok=False)[1].decode()
    scripts = re.findall(r'src="\.?/?(static/js/[^"]+\.js)"', page)
    assert scripts, "the index page names its scripts"
    import streamlit  # and the chart library, the largest chunk (loaded when a chart is drawn)

    charts = sorted((Path(streamlit.__file__).parent / "static" / "static" / "js").glob("PlotlyChart.*.js"))
    assert charts, "Streamlit's chart chunk"
    scripts += [f"static/js/{charts[0].name}"]
    for path in scripts:
        plain_headers, plain = fetch(f"{app}/{path}", gzip_ok=True)
        assert "content-encoding" not in plain_headers  # Streamlit itself does not compress them
        headers, body = fetch(f"{proxy}/{path}", gzip_ok=True)
        assert headers.get("content-encoding") == "gzip", (path, headers)
        assert gzip.decompress(body) == plain and len(body) < len(plain) / 2, path
        # a client that does not accept gzip gets the plain bytes
        headers, body = fetch(f"{proxy}/{path}", gzip_ok=False)
        assert "content-encoding" not in headers and body == plain, path
