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
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

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
    warm_up()
    # Network options first, so options given on the command line still win.
    sys.argv = ["streamlit", "run", str(APP), *server_args(dict(os.environ)), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
