"""BackCheck core: everything the Streamlit pages use, importable without Streamlit."""

__version__ = "0.1.0"

from pathlib import Path

ICON = Path(__file__).resolve().parent / "assets" / "icon.png"  # the app's icon (the browser tab's)
