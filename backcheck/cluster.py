"""Several servers locally: PostgreSQL, two BackCheck servers and haproxy with sticky sessions.

``make run-cluster`` (``python -m backcheck.cluster``) starts the whole stack and stops it on
Ctrl-C; the tests start the same pieces through the same classes:

- :class:`PostgresServer` runs Debian's PostgreSQL from a folder of our own. ``initdb`` refuses
  to run as root, so as root every PostgreSQL command runs as the ``postgres`` user through
  ``runuser``. It listens on 127.0.0.1 only; the ``postgres`` superuser is trusted on
  loopback (tests create their databases with it), every other role needs its password.
- :class:`AppServer` is one ``python -m backcheck.serve`` on a 127.0.0.1 port.
- :class:`Proxy` is haproxy with cookie session affinity (Streamlit keeps each session on
  one server's websocket) and health checks on ``/_stcore/health``.

Nothing here prints a database password: URLs are shown through :func:`masked`.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
CLUSTER_DIR = PROJECT_DIR / ".cluster"
PG_GLOB = "/usr/lib/postgresql/*/bin"
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
APP_ROLE = "backcheck"
APP_DB = "backcheck"


class ClusterError(RuntimeError):
    """A part of the stack could not start; the message says which and where its log is."""


def masked(url: str) -> str:
    """A database URL fit for logs and pages: the password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: show nothing of it
        return "(unreadable database URL)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_pg_bin() -> Path | None:
    """The newest Debian PostgreSQL server binaries (/usr/lib/postgresql/<version>/bin), if any."""
    found = [Path(p) for p in sorted(Path("/").glob(PG_GLOB.lstrip("/")), key=lambda p: _version(p.parent.name))]
    found = [p for p in found if (p / "initdb").exists() and (p / "pg_ctl").exists()]
    return found[-1] if found else None


def _version(name: str) -> tuple:
    return tuple(int(x) for x in name.split(".") if x.isdigit())


def _is_root() -> bool:
    return os.geteuid() == 0


def _wait_http_ok(url: str, proc: subprocess.Popen | None, log: Path, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise ClusterError(f"{what} exited early (exit code {proc.returncode}); see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200 and r.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise ClusterError(f"{what} did not answer {url} within {timeout:g} s; see {log}")


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


# --------------------------------------------------------------------------- PostgreSQL


class PostgresServer:
    """Debian's PostgreSQL in ``base`` (created and handed to the postgres user when root)."""

    def __init__(self, base: Path, port: int | None = None, bin_dir: Path | None = None) -> None:
        self.base = Path(base)
        self.data = self.base / "data"
        self.sock = self.base / "sock"
        self.log = self.base / "postgres.log"
        self.port = port or free_port()
        self.bin = bin_dir or find_pg_bin()
        if self.bin is None:
            raise ClusterError(f"PostgreSQL server binaries not found under {PG_GLOB} (Debian package 'postgresql').")

    def _cmd(self, tool: str, *args: str) -> list[str]:
        cmd = [str(self.bin / tool), *args]
        return ["runuser", "-u", "postgres", "--", *cmd] if _is_root() else cmd

    def _run(self, cmd: list[str]) -> None:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise ClusterError(f"{' '.join(cmd[-3:])} failed: {(done.stderr or done.stdout).strip()[-800:]}")

    def _own(self, *paths: Path) -> None:
        if _is_root():
            for p in paths:
                shutil.chown(p, "postgres", "postgres")

    def start(self) -> "PostgresServer":
        self.base.mkdir(parents=True, exist_ok=True)
        self.sock.mkdir(exist_ok=True)
        os.chmod(self.base, 0o700)
        self._own(self.base, self.sock)
        if _is_root() and subprocess.run(["runuser", "-u", "postgres", "--", "test", "-w", str(self.base)]).returncode:
            raise ClusterError(f"The postgres user cannot reach {self.base}: a folder above it is closed to other "
                               "users. Put the project (or the data folder) somewhere the postgres user can reach.")
        if not (self.data / "PG_VERSION").exists():
            self._run(self._cmd("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                                "--locale=C.UTF-8", "--no-instructions"))
            hba = self.data / "pg_hba.conf"
            hba.write_text(
                "# written by backcheck.cluster: the superuser is trusted on loopback, other roles need a password\n"
                "local all postgres trust\n"
                "host  all postgres 127.0.0.1/32 trust\n"
                "host  all all      127.0.0.1/32 scram-sha-256\n"
            )
            self._own(hba)
        if (self.data / "postmaster.pid").exists():  # left over from a run that did not stop cleanly
            self.stop()
        options = f"-h 127.0.0.1 -p {self.port} -k {self.sock} -c fsync=off -c full_page_writes=off"
        self._run(self._cmd("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                            "-o", options, "start"))
        return self

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(self._cmd("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"),
                           capture_output=True, timeout=60)

    def url(self, database: str = "postgres", user: str = "postgres", password: str | None = None) -> str:
        auth = user + (f":{password}" if password else "")
        return f"postgresql+psycopg://{auth}@127.0.0.1:{self.port}/{database}"

    def execute(self, *statements: str, params: tuple = ()) -> None:
        """Run statements as the superuser outside a transaction (CREATE DATABASE needs that)."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                             autocommit=True, connect_timeout=10) as conn:
            for sql in statements:
                conn.execute(sql, params or None)

    def ensure_role_and_database(self, role: str, password: str, database: str) -> str:
        """A login role with this password owning this database; returns the app's URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                             autocommit=True, connect_timeout=10) as conn:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
            verb = "ALTER" if exists else "CREATE"
            conn.execute(sql.SQL(verb + " ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone():
                conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(database), sql.Identifier(role)))
        return self.url(database, role, password)


# --------------------------------------------------------------------------- BackCheck servers and haproxy


@dataclass
class AppServer:
    """One BackCheck server (``python -m backcheck.serve``) on 127.0.0.1."""

    name: str
    db_url: str
    folder: Path
    port: int = field(default_factory=free_port)
    extra_env: dict = field(default_factory=dict)
    address: str = "127.0.0.1"
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{self.address}:{self.port}"

    @property
    def log(self) -> Path:
        return self.folder / f"{self.name}.log"

    def start(self) -> "AppServer":
        self.folder.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "BACKCHECK_DB_URL": self.db_url, **self.extra_env}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "backcheck.serve", "--server.port", str(self.port),
             "--server.address", self.address],
            cwd=PROJECT_DIR, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches the cluster script, which stops us in order
        )
        return self

    def wait(self) -> None:
        _wait_http_ok(f"{self.url}/_stcore/health", self.proc, self.log, f"BackCheck server {self.name}")

    def stop(self) -> None:
        _stop(self.proc)


HAPROXY_CFG = """\
# generated by backcheck.cluster; not edited by hand
global
    maxconn 256

defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h          # Streamlit's websocket stays open for the whole session

frontend backcheck
    bind 127.0.0.1:{port}
    default_backend apps

backend apps
    balance roundrobin
    # Session affinity: the first response sets SRV=<server>; every later request of that
    # browser (page, assets, the /_stcore/stream websocket) goes to the same server.
    cookie SRV insert indirect nocache httponly
    option httpchk GET /_stcore/health
    http-check expect string ok
    http-response set-header X-BackCheck-Server %[srv_name]
    # Streamlit sends its browser code (about 7 MB; the chart library alone is 4.7 MB) uncompressed
    # and leaves compression to the proxy in front: gzip it here for browsers that accept gzip, so
    # a phone's first visit downloads about a third as much. Each asset is fetched once (cached
    # for a year), and the websocket is not touched.
    compression algo gzip
    compression type text/html text/css text/plain text/javascript application/javascript application/json image/svg+xml
{servers}
"""


@dataclass
class Proxy:
    """haproxy in front of the app servers, cookie-sticky, health-checked."""

    backends: list[AppServer]
    folder: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def config(self) -> Path:
        return self.folder / "haproxy.cfg"

    @property
    def log(self) -> Path:
        return self.folder / "haproxy.log"

    def render(self) -> str:
        servers = "\n".join(f"    server {b.name} 127.0.0.1:{b.port} check inter 2s cookie {b.name}"
                            for b in self.backends)
        return HAPROXY_CFG.format(port=self.port, servers=servers)

    def start(self) -> "Proxy":
        if not Path(HAPROXY).exists():
            raise ClusterError("haproxy not found (Debian package 'haproxy').")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.config.write_text(self.render())
        check = subprocess.run([HAPROXY, "-c", "-q", "-f", str(self.config)], capture_output=True, text=True)
        if check.returncode != 0:
            raise ClusterError(f"haproxy rejected {self.config}: {check.stderr.strip()[-800:]}")
        self.proc = subprocess.Popen([HAPROXY, "-db", "-f", str(self.config)], stdout=self.log.open("w"),
                                     stderr=subprocess.STDOUT, start_new_session=True)
        _wait_http_ok(f"{self.url}/_stcore/health", self.proc, self.log, "haproxy")
        return self

    def stop(self) -> None:
        _stop(self.proc)


# --------------------------------------------------------------------------- the whole stack


def _secret(path: Path) -> str:
    """A random secret kept in a 0600 file, so restarts reuse it (never printed)."""
    if not path.exists():
        path.write_text(secrets.token_urlsafe(24))
        os.chmod(path, 0o600)
    return path.read_text().strip()


class Cluster:
    """PostgreSQL + ``servers`` BackCheck servers + haproxy; a context manager that stops all."""

    def __init__(self, folder: Path = CLUSTER_DIR, servers: int = 2, proxy_port: int | None = None,
                 pg_port: int | None = None) -> None:
        self.folder = Path(folder)
        self.n = servers
        self.proxy_port = proxy_port
        self.pg_port = pg_port
        self.pg: PostgresServer | None = None
        self.apps: list[AppServer] = []
        self.proxy: Proxy | None = None
        self.db_url = ""

    def start(self) -> "Cluster":
        from .storage import Store

        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o755)  # the postgres user must reach its folder inside
        run = self.folder / "run"
        run.mkdir(exist_ok=True)
        try:
            self.pg = PostgresServer(self.folder / "postgres", port=self.pg_port).start()
            self.db_url = self.pg.ensure_role_and_database(APP_ROLE, _secret(self.folder / "db-password"), APP_DB)
            Store(self.db_url).engine.dispose()  # create or migrate the schema once, before any server runs
            cookie_secret = _secret(self.folder / "cookie-secret")  # the same on every server
            self.apps = [AppServer(f"app{i}", self.db_url, run, extra_env={"STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret})
                         for i in range(1, self.n + 1)]
            for app in self.apps:
                app.start()
            for app in self.apps:
                app.wait()
            self.proxy = Proxy(self.apps, run, **({"port": self.proxy_port} if self.proxy_port else {})).start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.proxy:
            self.proxy.stop()
        for app in self.apps:
            app.stop()
        if self.pg:
            self.pg.stop()

    def __enter__(self) -> "Cluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def describe(self) -> str:
        assert self.pg and self.proxy
        lines = [f"  BackCheck through haproxy:  {self.proxy.url}   (open this)"]
        lines += [f"  {a.name}:                     {a.url}   log {a.log}" for a in self.apps]
        lines += [f"  PostgreSQL:               {masked(self.db_url)}   log {self.pg.log}",
                  f"  haproxy config:           {self.proxy.config}"]
        return "\n".join(lines)


def main() -> int:
    port = int(os.environ.get("CLUSTER_PORT", "8600"))
    cluster = Cluster(proxy_port=port)
    stopping = False

    def on_signal(signum, _frame):  # Ctrl-C or kill: stop everything in order
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)  # also when started in the background, where SIGINT is ignored
    print("Starting PostgreSQL, two BackCheck servers and haproxy…", flush=True)
    try:
        cluster.start()
    except (ClusterError, KeyboardInterrupt) as exc:
        print(f"Could not start the cluster: {exc}", file=sys.stderr)
        return 1
    print(cluster.describe(), "\n\nCtrl-C stops it all.", flush=True)
    try:
        while True:
            dead = [p for p in [cluster.proxy, *cluster.apps] if p and p.proc and p.proc.poll() is not None]
            if dead:
                print(f"{type(dead[0]).__name__} stopped unexpectedly; see {dead[0].log}. Stopping the rest.",
                      file=sys.stderr)
                return 1
            time.sleep(1)
    except KeyboardInterrupt:
        stopping = True
        return 0
    finally:
        print("\nStopping…" if stopping else "Stopping…", flush=True)
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
