"""The several-servers setup without starting it: masked URLs and the generated haproxy config."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from backcheck.cluster import HAPROXY, AppServer, Proxy, masked


def test_masked_url_hides_only_the_password():
    url = "postgresql+psycopg://backcheck:s3cr3t-pw@db.example:5432/backcheck"
    shown = masked(url)
    assert "s3cr3t-pw" not in shown
    assert shown == "postgresql+psycopg://backcheck:***@db.example:5432/backcheck"
    assert masked("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
    assert "pw" not in masked("not a url with pw")


def test_haproxy_config_is_cookie_sticky_health_checked_and_valid(tmp_path):
    apps = [AppServer("app1", "sqlite://", tmp_path, port=9101), AppServer("app2", "sqlite://", tmp_path, port=9102)]
    cfg = Proxy(apps, tmp_path, port=9100).render()
    for line in ("bind 127.0.0.1:9100", "cookie SRV insert indirect nocache", "timeout tunnel",
                 "option httpchk GET /_stcore/health", "server app1 127.0.0.1:9101 check inter 2s cookie app1",
                 "server app2 127.0.0.1:9102 check inter 2s cookie app2", "compression algo gzip"):
        assert line in cfg, line
    if not Path(HAPROXY).exists():
        pytest.skip("haproxy not installed; the cluster browser test checks the running proxy")
    (tmp_path / "haproxy.cfg").write_text(cfg)
    check = subprocess.run([HAPROXY, "-c", "-f", str(tmp_path / "haproxy.cfg")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
