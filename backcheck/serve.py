"""Start BackCheck: `streamlit run app.py` with Streamlit's legacy pages-folder mode off.

Streamlit decides at the first session whether the app uses the old ``pages/`` folder mode
(it does when a ``pages/`` folder sits next to the entry script) and only learns otherwise
once ``st.navigation`` has run. Until then, a first request for a deep link such as
``/routine?goals=squat`` would run ``pages/routine.py`` on its own, without ``app.py``: no
sidebar, no profile, and Streamlit's raw file list as the menu. BackCheck's navigation is
always ``st.navigation`` in ``app.py``, so the legacy mode is switched off before the
server starts. ``make run`` and the browser tests start the app through this module.

``BACKCHECK_HOST=0.0.0.0`` (``make run HOST=0.0.0.0``) or ``BACKCHECK_LAN=1`` opens the server to
the local network so a phone can open it (see backcheck.lan); the default stays localhost.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from backcheck.lan import server_args

APP = Path(__file__).resolve().parent.parent / "app.py"


def main(argv: list[str] | None = None) -> None:
    PagesManager.uses_pages_directory = False
    # Network options first, so options given on the command line still win.
    sys.argv = ["streamlit", "run", str(APP), *server_args(dict(os.environ)), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
