"""Start BackCheck: `streamlit run app.py` with Streamlit's legacy pages-folder mode off.

Streamlit decides at the first session whether the app uses the old ``pages/`` folder mode
(it does when a ``pages/`` folder sits next to the entry script) and only learns otherwise
once ``st.navigation`` has run. Until then, a first request for a deep link such as
``/routine?goals=squat`` would run ``pages/routine.py`` on its own, without ``app.py``: no
sidebar, no profile, and Streamlit's raw file list as the menu. BackCheck's navigation is
always ``st.navigation`` in ``app.py``, so the legacy mode is switched off before the
server starts. ``make run`` and the browser tests start the app through this module.
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parent.parent / "app.py"


def main(argv: list[str] | None = None) -> None:
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
