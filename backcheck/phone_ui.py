"""Streamlit glue for opening BackCheck on a phone: network links, the QR panel, the way back.

Kept apart from backcheck/ui.py so the pages need one call each. The address and the QR code
come from backcheck.lan (computed and drawn locally, nothing is fetched).
"""

from __future__ import annotations

import streamlit as st

from . import ui
from .exports import SHARE_KEYS, is_share_query
from .lan import on_network, qr_svg, with_host

BACK_KEY = "back"  # query parameter: where the safety check returns to
BACK_ROUTINE = "routine"


def _network() -> tuple[str, int] | None:
    """(address, port) a phone can use, or None while BackCheck listens on this computer only."""
    address = st.get_option("browser.serverAddress")
    if not on_network(st.get_option("server.address"), address):
        return None
    return address, int(st.get_option("browser.serverPort") or st.get_option("server.port"))


def network_url(url: str) -> str:
    """`url` on the machine's network address when BackCheck listens on the network, else unchanged."""
    net = _network()
    return with_host(url, *net) if net else url


def phone_panel(url: str) -> None:
    """'Open this on your phone': the link as a QR code drawn in-process (network mode only)."""
    with st.container(border=True, key="bc_phone"):
        st.markdown("**Open this on your phone**")
        if _network() is None:
            st.caption("BackCheck is listening on this computer only, so a phone cannot open it. Start it with "
                       "`make run HOST=0.0.0.0` and a QR code for this routine appears here.")
            return
        qr, text = st.columns([1, 2], vertical_alignment="center")
        qr.image(qr_svg(url), width=200, caption="Scan with the phone's camera")
        with text:
            st.markdown("Scan the code with the phone's camera. The phone has to be on the same network "
                        "(Wi-Fi) as this computer.")
            st.code(url, language=None, wrap_lines=True)
            st.caption("Anyone on this network can open BackCheck while it runs like this, with every profile "
                       "on this computer. Stop it, or start it again with plain `make run`, when the patient has it.")


def safety_link_params() -> dict[str, str]:
    """Query parameters for the routine's 'safety check first' link: a shared routine's inputs
    ride along, so the safety check can bring the person back to the same routine."""
    params = st.query_params.to_dict()
    if not is_share_query(params):
        return {}
    return {**{k: v for k, v in params.items() if k in SHARE_KEYS.values()}, BACK_KEY: BACK_ROUTINE}


def back_to_shared_routine() -> None:
    """On the safety page after a clear check: the way back to the shared routine it came from."""
    params = st.query_params.to_dict()
    if params.get(BACK_KEY) != BACK_ROUTINE or not is_share_query(params):
        return
    share = {k: v for k, v in params.items() if k in SHARE_KEYS.values()}
    if st.button("Back to the shared routine", type="primary", icon=":material/arrow_back:", key="safety_back_routine"):
        st.switch_page(ui.ROUTINE, query_params=share)
