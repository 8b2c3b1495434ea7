"""Hosted mode: sign-in with OpenID Connect through ``st.login``.

Without an ``[auth]`` section in ``.streamlit/secrets.toml`` nothing changes: no sign-in, and
every profile belongs to the local account ``LOCAL``. With one, BackCheck asks people to sign
in before any screen, and every profile belongs to the signed-in account. The account key is
the token's issuer plus its subject (``iss`` + ``sub``), never the e-mail address: an address
can change hands or be shared between providers; the issuer and subject cannot.

Everything below reads ``st.user`` and ``st.secrets`` only; storage never sees a token.
"""

from __future__ import annotations

import streamlit as st

LOCAL = ""  # the one account of a local (no sign-in) install


def enabled() -> bool:
    """True when the secrets carry an ``[auth]`` section (hosted mode)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all (the local default), or one Streamlit cannot parse
        return False


def account_key(issuer: str, subject: str) -> str:
    """The owner key stored with every profile: issuer and subject, which never change hands."""
    issuer, subject = str(issuer).strip(), str(subject).strip()
    if not issuer or not subject:
        raise ValueError("a signed-in account needs both an issuer and a subject")
    return f"{issuer}#{subject}"


def signed_in() -> bool:
    return bool(st.user.is_logged_in)


def account() -> str:
    """The owner of everything this session reads and writes (``LOCAL`` without sign-in)."""
    if not enabled():
        return LOCAL
    if not signed_in():  # app.py never runs a screen before sign-in; this guards a mistake there
        raise PermissionError("not signed in")
    return account_key(st.user.get("iss", ""), st.user.get("sub", ""))


def display_name() -> str:
    """What the sidebar shows for the signed-in person (outside text: show it as plain text)."""
    for claim in ("name", "email", "preferred_username", "sub"):
        value = st.user.get(claim)
        if value:
            return str(value)
    return "signed in"
