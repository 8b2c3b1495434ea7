"""Shared fixtures: a real PostgreSQL server for the whole session, and store URLs for both engines.

The server is Debian's PostgreSQL, started by the tests themselves (backcheck.cluster.PostgresServer):
``initdb`` as the postgres user in a temporary folder, 127.0.0.1 on a free port, trust for the
superuser, ``fsync=off``; it is stopped at the end of the session. Without the binaries the
PostgreSQL tests are skipped on a developer's machine and fail in CI (CI=true), where
``make test`` must have installed them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

from backcheck.cluster import PG_GLOB, PostgresServer, find_pg_bin


def need_postgres_binaries() -> None:
    if find_pg_bin() is None:
        why = f"PostgreSQL server binaries not found under {PG_GLOB} (`make test` installs Debian's postgresql)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(why + " — in CI they must be there.")
        pytest.skip(why)


@pytest.fixture(scope="session")
def postgres_server():
    need_postgres_binaries()
    folder = Path(tempfile.mkdtemp(prefix="backcheck-pg-"))
    os.chmod(folder, 0o755)  # the postgres user works inside it
    server = PostgresServer(folder / "pg")
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(postgres_server):
    """A fresh, empty PostgreSQL database for one test (dropped afterwards)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    postgres_server.execute(f'CREATE DATABASE "{name}"')
    yield postgres_server.url(name)
    postgres_server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


ENGINES = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=ENGINES)
def db_url(request, tmp_path):
    """An empty database URL, once on SQLite and once on the real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/t.db"
    return request.getfixturevalue("pg_url")
