"""BackCheck core: everything the Streamlit pages use, importable without Streamlit."""

__version__ = "0.1.0"
