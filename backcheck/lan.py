"""Open BackCheck on a phone: the machine's network address and a QR code, both made locally.

Nothing here sends a packet: the address comes from the routing table (a UDP socket that is
"connected" but never used sends nothing), and the QR code is drawn by segno in-process.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit, urlunsplit

import segno

WILDCARDS = {"0.0.0.0", "::", ""}
# A documentation-only address (TEST-NET-2, RFC 5737): used for the route lookup, never contacted.
_ROUTE_PROBE = ("198.51.100.1", 9)


def lan_address() -> str | None:
    """This machine's address on its local network (the one a phone on the same Wi-Fi reaches).

    None when the machine has no network other than loopback.
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(_ROUTE_PROBE)  # UDP connect only picks a route and a source address
            address = s.getsockname()[0]
    except OSError:
        return None
    ip = ipaddress.ip_address(address)
    return None if ip.is_loopback or ip.is_unspecified else address


def server_args(environ: dict[str, str]) -> list[str]:
    """Extra ``streamlit run`` options for BACKCHECK_HOST / BACKCHECK_LAN (none for the local default).

    ``server.address`` opens the port to the network. ``browser.serverAddress`` names the address
    people should use, which also keeps Streamlit from looking up the machine's external IP
    online (it does that at start-up whenever it listens on every interface without it).
    """
    host = environ.get("BACKCHECK_HOST", "").strip()
    if not host and environ.get("BACKCHECK_LAN", "").strip().lower() in ("1", "true", "yes"):
        host = "0.0.0.0"
    if not host:
        return []
    shown = environ.get("BACKCHECK_LAN_ADDRESS", "").strip()
    if not shown:
        shown = (lan_address() or "localhost") if host in WILDCARDS else host
    return ["--server.address", host, "--browser.serverAddress", shown]


def on_network(server_address: str | None, browser_address: str | None) -> bool:
    """True when the server listens beyond this machine and names an address a phone can use."""
    return server_address not in {"localhost", "127.0.0.1", "::1", None, ""} and browser_address not in {
        "localhost", None, ""}


def with_host(url: str, host: str, port: int) -> str:
    """The same URL (path and query) on another host and port."""
    parts = urlsplit(url)
    netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return urlunsplit((parts.scheme or "http", netloc, parts.path, parts.query, parts.fragment))


def qr_svg(text: str) -> str:
    """A QR code for `text` as an SVG document (black on white, quiet zone kept for scanners)."""
    return segno.make(text, error="m").svg_inline(scale=5, dark="#000000", light="#ffffff")
