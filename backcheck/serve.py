"""Start BackCheck: `streamlit run app.py` with Streamlit's legacy pages-folder mode off.

Streamlit decides at the first session whether the app uses the old ``pages/`` folder mode
(it does when a ``pages/`` folder sits next to the entry script) and only learns otherwise
once ``st.navigation`` has run. Until then, a first request for a deep link such as
``/routine?goals=squat`` would run ``pages/routine.py`` on its own, without ``app.py``: no
sidebar, no profile, and Streamlit's raw file list as the menu. BackCheck's navigation is
always ``st.navigation`` in ``app.py``, so the legacy mode is switched off before the
server starts. ``make run`` and the browser tests start the app through this module.

Streamlit (1.67) has no supported option for this: ``client.showSidebarNavigation`` only hides
the menu, and the docs say the folder is ignored only once some session has run
``st.navigation``. So the switch is a private class attribute,
``PagesManager.uses_pages_directory``, set in this one place (:func:`pages_folder_off`, and
:class:`NavigationOnlyPagesManager` for AppTest, which resets it before every run);
tests/unit/test_serve.py fails with a clear message if a Streamlit upgrade drops it.

``BACKCHECK_HOST=0.0.0.0`` (``make run HOST=0.0.0.0``) or ``BACKCHECK_LAN=1`` opens the server to
the local network so a phone can open it (see backcheck.lan); the default stays localhost.

``tcp_nodelay()`` turns off Nagle's algorithm on the server's connections (see there).
``direct_deep_links()`` lets a link to a screen connect without Streamlit's base-path probe (see there).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from backcheck import ICON
from backcheck.lan import server_args

APP = Path(__file__).resolve().parent.parent / "app.py"
LEGACY_SWITCH = "uses_pages_directory"  # PagesManager's private class attribute for the pages/ folder mode


class StreamlitChanged(RuntimeError):
    """The Streamlit in use no longer has the switch BackCheck relies on."""


def pages_folder_off() -> None:
    """Switch Streamlit's legacy pages/ folder mode off for this process (every session)."""
    if LEGACY_SWITCH not in vars(PagesManager):
        raise StreamlitChanged(
            f"streamlit.runtime.pages_manager.PagesManager has no '{LEGACY_SWITCH}' any more (Streamlit "
            f"upgraded?). BackCheck needs it to stop the legacy pages/ folder mode, or a deep link on a fresh "
            f"server runs a page without app.py. Find the new switch (or a supported config option) and "
            f"update backcheck/serve.py.")
    setattr(PagesManager, LEGACY_SWITCH, False)


class NavigationOnlyPagesManager(PagesManager):
    """A PagesManager that never uses the pages/ folder mode (for AppTest, which resets the switch
    before every run: ``monkeypatch.setattr(app_test_module, "PagesManager", NavigationOnlyPagesManager)``)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        pages_folder_off()


def tcp_nodelay() -> None:
    """Send every websocket message at once (TCP_NODELAY on the server's connections).

    Streamlit 1.67 binds its listening socket as ``socket.socket(family)``, whose protocol number
    is 0, and asyncio only switches Nagle's algorithm off for sockets whose protocol is
    IPPROTO_TCP. With Nagle on, a script run's messages after the first wait for the browser's
    delayed ACK: about 40 ms added to every rerun, on any page (measured with scripts/bench.py).
    This re-wraps the bound socket with IPPROTO_TCP, so asyncio sets TCP_NODELAY on each
    connection it accepts. If Streamlit changes the function, nothing is patched.
    """
    try:
        from streamlit.web.server.starlette import starlette_server as server
    except ImportError:
        return
    bind = getattr(server, "_bind_socket", None)
    if bind is None or getattr(bind, "backcheck_nodelay", False):
        return

    def bind_tcp(address: str, port: int, backlog: int) -> socket.socket:
        sock = bind(address, port, backlog)
        if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.proto == socket.IPPROTO_TCP:
            return sock
        tcp = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
        tcp.setblocking(False)
        tcp.set_inheritable(True)
        return tcp

    bind_tcp.backcheck_nodelay = True  # type: ignore[attr-defined]
    server._bind_socket = bind_tcp


# The last segment of every screen's address: the pages' file names (Streamlit's url_path for
# st.Page(file)) and the two hidden pages app.py may show instead of the menu.
PAGE_PATHS = tuple(sorted([p.stem for p in (APP.parent / "pages").glob("*.py") if p.stem != "home"] + ["signin", "problem"]))
# The screens that draw a plotly chart for a person with data (their chart code is fetched early).
CHART_PAGES = ("pain_log", "posture_quiz")
# Set before Streamlit's code runs; the address of the page is the only input, the names are ours.
DEEP_LINK_SCRIPT = """<script>/* BackCheck (backcheck/serve.py): a link to a screen connects to the server it came from,
without Streamlit's probe of <page>/_stcore/health, and a screen with a chart fetches the chart code at once */
(function () {
  var pages = %(pages)s, charts = %(charts)s, chartCode = %(code)s;
  var path = location.pathname.replace(/\\/+$/, ""), cut = path.lastIndexOf("/"), page = path.slice(cut + 1);
  if (cut < 0 || pages.indexOf(page) < 0) return;
  window.__streamlit = {BACKEND_BASE_URL: location.origin + path.slice(0, cut) + "/"};
  if (chartCode && charts.indexOf(page) >= 0) {
    var link = document.createElement("link");
    link.rel = "modulepreload"; link.crossOrigin = ""; link.href = chartCode;
    document.head.appendChild(link);
  }
})();
</script>
"""
SHELL_MARK = '<script type="module"'  # the shell's own code: the script goes just before it


def direct_deep_links(folder: Path | None = None) -> Path | None:
    """Serve Streamlit's page shell with :data:`DEEP_LINK_SCRIPT`, so a link to a screen connects at once.

    Opened at ``/pain_log``, Streamlit's browser code cannot tell a page's address from a base URL
    path, so it first asks ``/pain_log/_stcore/health`` (a 404), waits 100 ms, then asks
    ``/_stcore/health``: about 0.1 s of every reload or shared link to a screen (issue 15's browser
    load). The script tells it the base (``window.__streamlit.BACKEND_BASE_URL``, which Streamlit
    reads for hosts that embed it) when the address ends in one of BackCheck's page names, and
    only then: under a proxy's path prefix the base is the address without the page, and any
    other address is probed as before.

    Streamlit has no option to add to its page shell, so its static folder is mirrored (links to
    every entry but ``index.html``, which is a copy with the script and BackCheck's title, and
    ``favicon.png``, BackCheck's icon, which the shell shows until the first run sets it) and
    ``streamlit.file_util.get_static_dir`` points the server there. If Streamlit changes the
    shell or the function, nothing is patched and the probe stays (tests/unit/test_serve.py
    fails then). Returns the mirror, or None.
    """
    from streamlit import file_util

    if getattr(file_util.get_static_dir, "backcheck_mirror", None):
        return file_util.get_static_dir.backcheck_mirror  # type: ignore[attr-defined]
    source = Path(file_util.get_static_dir())
    try:
        shell = (source / "index.html").read_text(encoding="utf-8")
    except OSError:
        return None
    if shell.count(SHELL_MARK) != 1 or "BACKEND_BASE_URL" in shell:
        return None
    shell = shell.replace("<title>Streamlit</title>", "<title>BackCheck</title>", 1)
    code = sorted(p.name for p in (source / "static" / "js").glob("PlotlyChart.*.js"))
    script = DEEP_LINK_SCRIPT % {"pages": json.dumps(list(PAGE_PATHS)), "charts": json.dumps(list(CHART_PAGES)),
                                 "code": json.dumps(f"./static/js/{code[0]}" if len(code) == 1 else "")}
    try:
        if folder is None:
            folder = Path(tempfile.mkdtemp(prefix="backcheck-static-"))
            atexit.register(shutil.rmtree, folder, True)
        folder.mkdir(parents=True, exist_ok=True)
        for entry in source.iterdir():
            if entry.name == "favicon.png" and ICON.is_file():  # the tab shows BackCheck's icon from the start
                shutil.copyfile(ICON, folder / entry.name)
            elif entry.name != "index.html" and not (folder / entry.name).exists():
                (folder / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
        (folder / "index.html").write_text(shell.replace(SHELL_MARK, script + "    " + SHELL_MARK, 1), encoding="utf-8")
    except OSError as exc:  # no temporary folder, or no symbolic links here: Streamlit's own shell, as before
        print(f"BackCheck: links to screens will use Streamlit's probe ({exc})", file=sys.stderr)
        return None

    def get_static_dir() -> str:
        return str(folder)

    get_static_dir.backcheck_mirror = folder  # type: ignore[attr-defined]
    file_util.get_static_dir = get_static_dir
    return folder


# What every screen's first run would otherwise load: about 0.9 s of the first screen a person
# opens after the server starts (issue 15). Loaded before the server listens.
WARM_MODULES = ("pandas", "sqlalchemy", "backcheck.services", "backcheck.figures", "backcheck.painlog",
                "backcheck.repos")


def warm_up() -> None:
    """Import the libraries the screens use and draw one tiny plotly figure (plotly loads its
    figure classes and validators on first use), so the first screen does not wait for them."""
    import importlib

    for name in WARM_MODULES:
        importlib.import_module(name)
    import plotly.graph_objects as go
    import plotly.io

    plotly.io.to_json(go.Figure(go.Scatter(x=[0], y=[0])), validate=False)


def main(argv: list[str] | None = None) -> None:
    pages_folder_off()
    tcp_nodelay()
    direct_deep_links()
    warm_up()
    # Network options first, so options given on the command line still win.
    sys.argv = ["streamlit", "run", str(APP), *server_args(dict(os.environ)), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
